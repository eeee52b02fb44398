"""What the bulletin and the quarterly analysis say, read from the indicator engine.

Every figure comes through ``selectors.region_figures``, the read the dashboard and
``/api/v1/indicators/`` make (the same snapshots), so a report and the API agree. The content is
stored on the ``Report``; its workbook and print page are written from it when read
(``supervision.report_files``), its PDF by a job and stored per reader scope
(``supervision.report_pdfs``), each as the reader may read it (``scoped_content``, decision
0020)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from regions.models import PREFIX_LENGTH, Level, Region
from supervision import indicators, selectors
from supervision.models import Indicator, Report, ReportKind
from supervision.periods import Period
from tongren_fupin import numbers

#: The kind of each indicator's figure (``tongren_fupin.numbers``: count or percent).
KINDS = {code: indicators.SPECS[code].kind for code in Indicator.values}
#: The kind of a rate's numerator and denominator (its evidence): yuan for the fund rates,
#: a count (people, households, projects) for every other.
EVIDENCE_KINDS: dict[str, str] = {
    Indicator.DISBURSEMENT_RATE: numbers.MONEY,
    Indicator.REIMBURSEMENT_RATE: numbers.MONEY,
}
# The sections of a report's content whose rows name households, problems or people: each row
# carries ``region``, the code of its village, and a reader sees the rows of their jurisdiction
# only. Every other section is an aggregate of a county or of the city and reads the same for
# everyone (the bulletin exists to compare counties; docs/decisions/0020-report-scope.md).
NAMED_ROWS: dict[str, tuple[str, ...]] = {ReportKind.BULLETIN: ("overdue_problems",)}
# The kinds with a workbook, a print page (written when read) and a PDF (stored).
FILE_KINDS = (ReportKind.BULLETIN, ReportKind.ANALYSIS)


def evidence_text(code: str, numerator: Any, denominator: Any) -> str:
    """``13 / 480`` people, ``1.50万元 / 2.00万元``: a figure's parts, written as figures are."""
    kind = EVIDENCE_KINDS.get(code, numbers.COUNT)
    text = numbers.figure_text(numerator, kind)
    if numbers.decimal_of(denominator) is None:
        return text
    return f"{text} / {numbers.figure_text(denominator, kind)}"


def in_indicator_order(by_code: dict[str, Any] | None) -> list[tuple[str, Any]]:
    """The items of a section keyed by indicator, in the order of ``Indicator`` (a JSON column
    keeps no key order: PostgreSQL's jsonb sorts keys by length)."""
    by_code = by_code or {}
    known = [(code, by_code[code]) for code in Indicator.values if code in by_code]
    return known + [
        (code, value) for code, value in by_code.items() if code not in Indicator.values
    ]


def scoped_content(report: Report, prefix: str) -> dict[str, Any]:
    """``report.content`` with the named rows outside the region-code ``prefix`` left out.

    A row without its village code (a bulletin written before rows carried one) is kept only for
    a reader whose jurisdiction holds the row's whole county; a township or a village does not
    see it, as nothing says which township it belongs to."""
    content = dict(report.content or {})
    for section in NAMED_ROWS.get(report.kind, ()):
        content[section] = [row for row in content.get(section) or [] if _row_within(row, prefix)]
    return content


def _row_within(row: dict[str, Any], prefix: str) -> bool:
    code = row.get("region") or ""
    if code:
        return str(code).startswith(prefix)
    county = str(row.get("county") or "")[: PREFIX_LENGTH[Level.COUNTY]]
    return len(prefix) <= len(county) and county.startswith(prefix)


def _city() -> Region:
    return Region.objects.filter(level=Level.CITY).order_by("code").first() or Region.objects.get(
        code="520600000000"
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def totals(period: Period) -> dict[str, str | None]:
    """The city's figure of every indicator for ``period``."""
    return {
        row.indicator: _text(row.value)
        for row in selectors.region_figures(region=_city(), period=period)
    }


def analysis_content(period: Period, months: list[Period]) -> dict[str, Any]:
    codes = [m.code for m in months]
    city = _city()
    trends: dict[str, list[str | None]] = {code: [None] * len(codes) for code in Indicator.values}
    for index, month in enumerate(months):
        for row in selectors.region_figures(region=city, period=month):
            trends[row.indicator][index] = _text(row.value)
    comparison: dict[str, list[dict[str, Any]]] = {code: [] for code in Indicator.values}
    for row in selectors.region_figures(region=city, period=period, level=Level.COUNTY):
        comparison[row.indicator].append(
            {"region": row.region, "name": row.region_name, "value": _text(row.value)}
        )
    return {
        "period": period.code,
        "region": city.code,
        "months": codes,
        "kinds": KINDS,
        "totals": totals(period),
        "trends": trends,
        "comparison": comparison,
    }


def label(code: str) -> str:
    return str(Indicator(code).label)

"""What the bulletin and the quarterly analysis say, read from the indicator engine.

Every figure comes through ``selectors.region_figures``, the read the dashboard and
``/api/v1/indicators/`` make (the same snapshots), so a report and the API agree. The content is
stored on the ``Report``; its workbook and printable pages are written from it when read
(``supervision.report_files``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from regions.models import Level, Region
from supervision import indicators, selectors
from supervision.models import Indicator
from supervision.periods import Period

#: The kind of each indicator's figure (``tongren_fupin.numbers``: count or percent).
KINDS = {code: indicators.SPECS[code].kind for code in Indicator.values}


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

"""Content and files of the reports: the quarterly analysis (trends, county comparison) and the
monthly bulletin (rankings, counties below target, overdue problems), each as the reader may read
it (``scoped_content``), as an XLSX workbook and as printable HTML."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from openpyxl import Workbook

from regions.models import PREFIX_LENGTH, Level, Region
from supervision.models import Indicator, IndicatorSnapshot, Report, ReportKind
from supervision.periods import Period

BAR_WIDTH = 360  # px of the longest bar in the printable charts
# The sections of a report's content whose rows name households, problems or people: each row
# carries ``region``, the code of its village, and a reader sees the rows of their jurisdiction
# only. Every other section is an aggregate of a county or of the city and reads the same for
# everyone (the bulletin exists to compare counties; docs/decisions/0020-report-scope.md).
NAMED_ROWS: dict[str, tuple[str, ...]] = {ReportKind.BULLETIN: ("overdue_problems",)}
# The kinds with a workbook and a printable report, written when they are read.
FILE_KINDS = (ReportKind.BULLETIN, ReportKind.ANALYSIS)


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


def analysis_content(period: Period, months: list[Period]) -> dict[str, Any]:
    codes = [m.code for m in months]
    city = Region.objects.filter(level=Level.CITY).order_by("code").values_list("code", flat=True)
    trends: dict[str, list[str | None]] = {code: [None] * len(codes) for code in Indicator.values}
    for snap in IndicatorSnapshot.objects.filter(period__in=codes, region_id__in=list(city)):
        trends[snap.indicator][codes.index(snap.period)] = _text(snap.value)
    comparison: dict[str, list[dict[str, Any]]] = {code: [] for code in Indicator.values}
    counties = IndicatorSnapshot.objects.filter(
        period=period.code, region__level=Level.COUNTY
    ).select_related("region")
    for snap in counties.order_by("region_id"):
        comparison[snap.indicator].append(
            {"region": snap.region_id, "name": snap.region.name, "value": _text(snap.value)}
        )
    return {"period": period.code, "months": codes, "trends": trends, "comparison": comparison}


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _label(code: str) -> str:
    return str(Indicator(code).label)


def analysis_xlsx(report: Report, content: dict[str, Any] | None = None) -> bytes:
    content = report.content if content is None else content
    with translation.override("zh-hans"):
        workbook = Workbook()
        trends = workbook.active
        assert trends is not None
        trends.title = "趋势"
        trends.append(["指标", *content["months"]])
        for code, values in content["trends"].items():
            trends.append([_label(code), *[_number(v) for v in values]])
        comparison = workbook.create_sheet("县区比较")
        comparison.append(["指标", "区划代码", "县（区）", content["period"]])
        for code, rows in content["comparison"].items():
            for row in rows:
                comparison.append([_label(code), row["region"], row["name"], _number(row["value"])])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _number(value: str | None) -> float | None:
    return None if value is None else float(value)


def bars(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with the geometry of a horizontal bar chart (inline SVG, no script)."""
    values = [float(r["value"]) for r in rows if r["value"] is not None]
    top = max(values, default=0.0) or 1.0
    return [
        {
            **row,
            "y": index * 24,
            "width": 0 if row["value"] is None else round(float(row["value"]) / top * BAR_WIDTH),
        }
        for index, row in enumerate(rows)
    ]


def analysis_html(report: Report, content: dict[str, Any] | None = None) -> bytes:
    content = report.content if content is None else content
    with translation.override("zh-hans"):
        sections = [
            {
                "label": _label(code),
                "trend": list(zip(content["months"], content["trends"][code], strict=True)),
                "bars": bars(rows),
                "height": max(24, 24 * len(rows)),
            }
            for code, rows in content["comparison"].items()
            if rows
        ]
        html = render_to_string(
            "supervision/analysis_print.html", {"report": report, "sections": sections}
        )
    return html.encode()


def bulletin_xlsx(report: Report, content: dict[str, Any]) -> bytes:
    """The bulletin as the reader may read it: rankings, counties below target, overdue problems."""
    with translation.override("zh-hans"):
        workbook = Workbook()
        ranking = workbook.active
        assert ranking is not None
        ranking.title = "县区排名"
        ranking.append(["指标", "名次", "区划代码", "县（区）", "数值", "分子", "分母"])
        for code, rows in (content.get("rankings") or {}).items():
            for row in rows:
                ranking.append(
                    [_label(code), row["rank"], row["region"], row["name"],
                     _number(row["value"]), _number(row["numerator"]),
                     _number(row["denominator"])]
                )  # fmt: skip
        below = workbook.create_sheet("未达标")
        below.append(["指标", "区划代码", "县（区）", "数值", "标准"])
        for row in content.get("below_target") or []:
            below.append(
                [_label(row["indicator"]), row["region"], row["name"], _number(row["value"]),
                 row["threshold"]]
            )  # fmt: skip
        overdue = workbook.create_sheet("逾期问题")
        overdue.append(["县（区）", "村", "户编号", "问题", "整改期限", "状态", "责任人"])
        for row in content.get("overdue_problems") or []:
            overdue.append(
                [row["county_name"], row["village"], row["household_no"], row["description"],
                 row["deadline"], row["state"], row["responsible"]]
            )  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bulletin_html(report: Report, content: dict[str, Any]) -> bytes:
    labels = {code: _label(code) for code in Indicator.values}
    with translation.override("zh-hans"):
        rankings = [
            {"label": labels.get(code, code), "rows": rows}
            for code, rows in (content.get("rankings") or {}).items()
        ]
        below = [
            {**row, "label": labels.get(row["indicator"], "")}
            for row in content.get("below_target") or []
        ]
        html = render_to_string(
            "supervision/bulletin_print.html",
            {
                "report": report,
                "rankings": rankings,
                "below": below,
                "overdue": content.get("overdue_problems") or [],
            },
        )
    return html.encode()


def report_file(report: Report, content: dict[str, Any], fmt: str) -> tuple[bytes, str] | None:
    """The workbook (``xlsx``) or printable report (``html``) of ``content`` — the report as its
    reader may read it — and its file name; ``None`` for a kind or format without one."""
    if report.kind not in FILE_KINDS or fmt not in ("xlsx", "html"):
        return None
    writers: dict[tuple[str, str], Any] = {
        (ReportKind.ANALYSIS, "xlsx"): analysis_xlsx,
        (ReportKind.ANALYSIS, "html"): analysis_html,
        (ReportKind.BULLETIN, "xlsx"): bulletin_xlsx,
        (ReportKind.BULLETIN, "html"): bulletin_html,
    }
    return writers[(report.kind, fmt)](report, content), f"{report.kind}-{report.period}.{fmt}"

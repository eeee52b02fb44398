"""Content and files of the quarterly analysis: trends, county comparison, XLSX, printable HTML."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from openpyxl import Workbook

from regions.models import Level, Region
from supervision.models import Indicator, IndicatorSnapshot, Report
from supervision.periods import Period

BAR_WIDTH = 360  # px of the longest bar in the printable charts


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


def analysis_xlsx(report: Report) -> bytes:
    content = report.content
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


def analysis_html(report: Report) -> bytes:
    content = report.content
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

"""The bulletin and the analysis as a reader files them: a styled XLSX workbook, an A4 print
page and its PDF (``tongren_fupin.pdf``, the library of the exit notices), all from the report's
stored content with ``tongren_fupin.numbers`` for every figure. The workbook and the print page
are written when read; the PDF takes seconds, so a job writes it and it is stored per reader
scope (``supervision.report_pdfs``).

The workbooks are written with XlsxWriter: the project's streaming writer
(``households.spreadsheets``) has no styles, and these workbooks are small (decision 0026)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from xlsxwriter import Workbook

from regions.models import Region
from supervision import charts, reports
from supervision.models import Indicator, Report, ReportKind
from tongren_fupin import numbers
from tongren_fupin.pdf import render_pdf

#: The unit of each count indicator (rates are in %).
COUNT_UNITS = {
    Indicator.EXITS: "人",
    Indicator.RELAPSES: "人",
    Indicator.MONITORING_CASES: "个",
    Indicator.OPEN_PROBLEMS: "个",
    Indicator.OVERDUE_PROBLEMS: "个",
}


def header(code: str) -> str:
    """An indicator's column header with its unit: ``脱贫人口（人）``, ``贫困发生率（%）``."""
    text = reports.label(code)
    unit = COUNT_UNITS.get(Indicator(code))
    return f"{text}（{unit}）" if unit else text


def kind_of(content: dict[str, Any], code: str) -> str:
    return str((content.get("kinds") or reports.KINDS).get(code, numbers.COUNT))


def issuing_unit(report: Report) -> str:
    city = Region.objects.filter(code=report.region_id).values_list("name", flat=True).first()
    return _("%(city)s poverty alleviation and development leading group office") % {
        "city": city or ""
    }


def title_lines(report: Report) -> tuple[str, str]:
    return report.title, _("Issued by %(unit)s · period %(period)s · %(date)s") % {
        "unit": issuing_unit(report),
        "period": report.period,
        "date": timezone.localtime(report.created).date().isoformat(),
    }


# -- XLSX ---------------------------------------------------------------------------------------


class _Sheets:
    """A workbook's shared formats and the sheet layout: a title row, a line with the issuing
    unit and the period, then a frozen header row."""

    HEADER_ROW = 3

    def __init__(self, workbook: Workbook, report: Report) -> None:
        self.workbook = workbook
        self.title, self.subtitle = title_lines(report)
        self.formats = {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "subtitle": workbook.add_format({"italic": True, "font_color": "#555555"}),
            "header": workbook.add_format(
                {"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True}
            ),
            "text": workbook.add_format({"border": 1}),
            "note": workbook.add_format({"font_color": "#555555"}),
        }
        for kind, pattern in numbers.NUMBER_FORMATS.items():
            self.formats[kind] = workbook.add_format({"num_format": pattern, "border": 1})
            self.formats[f"{kind}-below"] = workbook.add_format(
                {
                    "num_format": pattern,
                    "border": 1,
                    "bg_color": "#FDE2E1",
                    "font_color": "#B00020",
                    "bold": True,
                }
            )

    def sheet(self, name: str, headers: list[str], widths: list[float]) -> Any:
        sheet = self.workbook.add_worksheet(name)
        sheet.write(0, 0, self.title, self.formats["title"])
        sheet.write(1, 0, self.subtitle, self.formats["subtitle"])
        sheet.set_row(self.HEADER_ROW - 1, 30)
        for column, (text, width) in enumerate(zip(headers, widths, strict=True)):
            sheet.write(self.HEADER_ROW - 1, column, text, self.formats["header"])
            sheet.set_column(column, column, width)
        sheet.freeze_panes(self.HEADER_ROW, 0)
        return sheet

    def number(self, sheet: Any, row: int, column: int, value: Any, kind: str, below: bool) -> None:
        cell = numbers.cell_value(value, kind)
        style = self.formats[f"{kind}-below" if below else kind]
        if cell is None:
            sheet.write_blank(row, column, None, style)
        else:
            sheet.write_number(
                row, column, float(cell) if isinstance(cell, Decimal) else cell, style
            )


def _below(report: Report) -> set[tuple[str, str]]:
    """(indicator, county) pairs under the exit thresholds (三率一度)."""
    from supervision.services import thresholds

    bars = thresholds()
    below = set()
    for code, rows in (
        report.content.get("comparison") or report.content.get("rankings") or {}
    ).items():
        bar = bars.get(code)
        for row in rows:
            value = numbers.decimal_of(row["value"])
            if bar is not None and value is not None and not bar.passes(value):
                below.add((code, row["region"]))
    return below


def _county_table(
    book: _Sheets, name: str, report: Report, by_code: dict[str, list[dict[str, Any]]]
) -> None:
    """Counties × indicators, the city's figures last, below-target cells marked."""
    content = report.content
    codes = [code for code in Indicator.values if by_code.get(code)]
    counties: dict[str, str] = {}
    values: dict[tuple[str, str], Any] = {}
    for code in codes:
        for row in by_code[code]:
            counties.setdefault(row["region"], row["name"])
            values[(code, row["region"])] = row["value"]
    headers = [_("Region code"), _("County"), *[header(code) for code in codes]]
    sheet = book.sheet(name, headers, [15, 20, *[14.0] * len(codes)])
    below = _below(report)
    row_number = book.HEADER_ROW
    for region in sorted(counties):
        sheet.write_string(row_number, 0, region, book.formats["text"])
        sheet.write_string(row_number, 1, counties[region], book.formats["text"])
        for column, code in enumerate(codes, start=2):
            value = values.get((code, region))
            book.number(
                sheet, row_number, column, value, kind_of(content, code), (code, region) in below
            )
        row_number += 1
    totals = content.get("totals") or {}
    sheet.write_string(row_number, 0, content.get("region", ""), book.formats["text"])
    sheet.write_string(row_number, 1, _("Whole city"), book.formats["text"])
    for column, code in enumerate(codes, start=2):
        book.number(sheet, row_number, column, totals.get(code), kind_of(content, code), False)
    sheet.write(
        row_number + 2, 0, _("Cells marked red are below the exit threshold."), book.formats["note"]
    )
    sheet.freeze_panes(book.HEADER_ROW, 2)


def _trends_sheet(book: _Sheets, report: Report) -> None:
    content = report.content
    months = content.get("months", [])
    headers = [_("Indicator"), *months, content.get("period", "")]
    sheet = book.sheet(_("Trend (city)"), headers, [30, *[12.0] * (len(months) + 1)])
    totals = content.get("totals") or {}
    for row_number, (code, values) in enumerate(
        reports.in_indicator_order(content.get("trends")), start=book.HEADER_ROW
    ):
        sheet.write_string(row_number, 0, header(code), book.formats["text"])
        kind = kind_of(content, code)
        for column, value in enumerate([*values, totals.get(code)], start=1):
            book.number(sheet, row_number, column, value, kind, False)


def _rankings_sheet(book: _Sheets, report: Report) -> None:
    content = report.content
    headers = [_("Indicator"), _("Rank"), _("Region code"), _("County"), _("Value")]
    sheet = book.sheet(_("Rankings"), headers, [30, 8, 15, 20, 14])
    below = _below(report)
    row_number = book.HEADER_ROW
    for code, rows in reports.in_indicator_order(content.get("rankings")):
        kind = kind_of(content, code)
        for row in rows:
            sheet.write_string(row_number, 0, header(code), book.formats["text"])
            sheet.write_number(row_number, 1, int(row["rank"]), book.formats[numbers.COUNT])
            sheet.write_string(row_number, 2, row["region"], book.formats["text"])
            sheet.write_string(row_number, 3, row["name"], book.formats["text"])
            book.number(sheet, row_number, 4, row["value"], kind, (code, row["region"]) in below)
            row_number += 1


def _overdue_sheet(book: _Sheets, report: Report) -> None:
    headers = [
        _("County"),
        _("Village"),
        _("Household no."),
        _("Head of household"),
        _("Problem"),
        _("Deadline"),
        _("Responsible"),
    ]
    sheet = book.sheet(_("Overdue problems"), headers, [16, 16, 22, 12, 40, 12, 14])
    for row_number, problem in enumerate(
        report.content.get("overdue_problems", []), start=book.HEADER_ROW
    ):
        cells = [
            problem["county_name"],
            problem["village"],
            problem["household_no"],
            problem.get("head_name") or "",  # a bulletin written before rows carried it
            problem["description"],
            problem["deadline"],
            problem["responsible"],
        ]
        for column, value in enumerate(cells):
            sheet.write_string(row_number, column, str(value), book.formats["text"])


def report_xlsx(report: Report) -> bytes:
    """The workbook of a bulletin (rankings by county, rankings, overdue problems) or of an
    analysis (county comparison, trends)."""
    buffer = io.BytesIO()
    with translation.override("zh-hans"):
        workbook = Workbook(buffer, {"in_memory": True})
        book = _Sheets(workbook, report)
        if report.kind == ReportKind.ANALYSIS:
            _county_table(
                book, _("County comparison"), report, report.content.get("comparison") or {}
            )
            _trends_sheet(book, report)
        else:
            _county_table(book, _("Counties"), report, report.content.get("rankings") or {})
            _rankings_sheet(book, report)
            _overdue_sheet(book, report)
        workbook.close()
    return buffer.getvalue()


# -- print and PDF ------------------------------------------------------------------------------


def _sections(report: Report) -> list[dict[str, Any]]:
    content = report.content
    by_code = content.get("comparison") or content.get("rankings") or {}
    below = _below(report)
    months = content.get("months", [])
    sections = []
    for code, rows in reports.in_indicator_order(by_code):
        if not rows:
            continue
        kind = kind_of(content, code)
        ordered = sorted(rows, key=lambda r: r["region"])
        sections.append(
            {
                "code": code,
                "label": header(code),
                "chart": charts.bar_chart(ordered, kind),
                "has_figures": any(numbers.decimal_of(row["value"]) is not None for row in ordered),
                "rows": [
                    {
                        **row,
                        "text": numbers.figure_text(row["value"], kind),
                        "below": (code, row["region"]) in below,
                    }
                    for row in ordered
                ],
                "total": numbers.figure_text((content.get("totals") or {}).get(code), kind),
                "trend": [
                    (month, numbers.figure_text(value, kind))
                    for month, value in zip(
                        months, (content.get("trends") or {}).get(code, []), strict=False
                    )
                ],
            }
        )
    return sections


TABLE_COLUMNS = 5  # indicators per comparison table on an A4 page


def _tables(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The county comparison as counties × indicators, in tables of ``TABLE_COLUMNS``."""
    tables = []
    for start in range(0, len(sections), TABLE_COLUMNS):
        chunk = sections[start : start + TABLE_COLUMNS]
        names = {row["region"]: row["name"] for section in chunk for row in section["rows"]}
        cells = {
            (section["code"], row["region"]): row for section in chunk for row in section["rows"]
        }
        rows = [
            {
                "name": names[region],
                "cells": [
                    cells.get((s["code"], region), {"text": numbers.EMPTY, "below": False})
                    for s in chunk
                ],
            }
            for region in sorted(names)
        ]
        tables.append({"labels": [s["label"] for s in chunk], "rows": rows})
    return tables


def print_context(report: Report) -> dict[str, Any]:
    subtitle = title_lines(report)[1]
    sections = _sections(report)
    labels = {code: header(code) for code in Indicator.values}
    return {
        "report": report,
        "issuing_unit": issuing_unit(report),
        "document_number": _("Tongren poverty office [%(year)s] No. ___")
        % {"year": report.period[:4]},
        "issued_on": timezone.localtime(report.created).date(),
        "subtitle": subtitle,
        "sections": sections,
        "tables": _tables(sections),
        "below": [
            {
                **row,
                "label": labels.get(row["indicator"], ""),
                "text": numbers.figure_text(
                    row["value"], kind_of(report.content, row["indicator"])
                ),
            }
            for row in report.content.get("below_target", [])
        ],
        "overdue": report.content.get("overdue_problems", []),
    }


def report_print_html(
    report: Report, request: HttpRequest | None = None, *, pdf: bool = False
) -> str:
    with translation.override("zh-hans"):
        return render_to_string(
            "supervision/print/report.html", {**print_context(report), "pdf": pdf}, request=request
        )


def report_pdf(report: Report) -> bytes:
    return render_pdf(report_print_html(report, pdf=True))

"""A report reads the same way wherever it is read: the indicators in their order (the stored
JSON keeps none), rates with one decimal, counts as integers, money with its unit — on the page,
the print page and the workbook."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from supervision import report_files, services
from supervision.models import ExitThreshold, Indicator, Report
from supervision.periods import parse_period

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

YANHE = "520627000000"


def reversed_keys(section: dict) -> dict:
    return dict(reversed(list(section.items())))


def test_the_indicators_read_in_their_order_whatever_the_order_stored(client, city_supervisor):
    report = services.analysis_publish(period=parse_period("2019-Q4"))
    content = dict(report.content)
    content["trends"] = reversed_keys(content["trends"])
    content["comparison"] = reversed_keys(content["comparison"])
    Report.objects.filter(pk=report.pk).update(content=content)
    report.refresh_from_db()
    labels = [report_files.header(code) for code in Indicator.values]

    client.force_login(city_supervisor)
    page = client.get(f"/supervision/reports/{report.pk}/")
    sections = report_files.print_context(report)["sections"]
    sheet = load_workbook(io.BytesIO(report_files.report_xlsx(report)))["趋势（全市）"]

    assert [row["label"] for row in page.context["trends"]] == labels
    assert [section["label"] for section in sections] == labels
    assert [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)] == labels


def test_the_bulletin_writes_rates_counts_and_money_as_figures_are_written(client, city_supervisor):
    report = services.bulletin_publish(period=parse_period("2019-12"))
    content = dict(report.content)
    content["below_target"] = [
        {
            "indicator": "poverty_incidence",
            "region": YANHE,
            "name": "沿河土家族自治县",
            "value": "4.70",
            "threshold": "低于 3.0%",
        }
    ]
    content["rankings"] = {
        "poverty_incidence": [
            {
                "rank": 1,
                "region": YANHE,
                "name": "沿河土家族自治县",
                "value": "4.70",
                "numerator": "13.00",
                "denominator": "480.00",
            }
        ],
        "disbursement_rate": [
            {
                "rank": 1,
                "region": YANHE,
                "name": "沿河土家族自治县",
                "value": "50.00",
                "numerator": "15000.00",
                "denominator": "30000.00",
            }
        ],
    }
    Report.objects.filter(pk=report.pk).update(content=content)
    report.refresh_from_db()

    client.force_login(city_supervisor)
    html = client.get(f"/supervision/reports/{report.pk}/").content.decode()
    printed = report_files.report_print_html(report)

    assert "贫困发生率（%）: 4.7%" in html.replace("\n", "")
    assert '<td class="num">13 / 480</td>' in html
    assert '<td class="num">1.50万元 / 3.00万元</td>' in html
    assert "4.70" not in html and "13.00" not in html
    assert "<td>4.7%</td>" in printed and "4.70" not in printed


def test_cells_below_an_exit_threshold_are_marked_by_the_threshold_of_the_day(
    client, city_supervisor, operator
):
    report = services.analysis_publish(period=parse_period("2019-Q4"))
    content = dict(report.content)
    content["comparison"] = {
        **content["comparison"],
        "poverty_incidence": [
            {**row, "value": "4.70" if row["region"] == YANHE else "0.50"}
            for row in content["comparison"]["poverty_incidence"]
        ],
    }
    Report.objects.filter(pk=report.pk).update(content=content)
    report.refresh_from_db()

    def marked() -> tuple[list[str], list[str]]:
        sheet = load_workbook(io.BytesIO(report_files.report_xlsx(report)))["县（区）比较"]
        column = [c.value for c in sheet[3]].index("贫困发生率（%）")
        red = [
            row[0].value
            for row in sheet.iter_rows(min_row=4)
            if row[column].fill.fgColor.rgb in ("FFFDE2E1", "00FDE2E1")
        ]
        printed = report_files.report_print_html(report)
        return red, re.findall(r'<td class="below">([^<]*)</td>', printed)

    assert marked() == ([YANHE], ["4.7%"])

    bar = ExitThreshold.objects.get(indicator="poverty_incidence", zone="west")
    bar.value = Decimal("5")
    services.exit_threshold_save(actor=operator, threshold=bar)

    assert marked() == ([], [])

"""The bulletin as it is filed: the print page names the head of household beside the household
number as the web page does, and so does the workbook; the rankings sheet marks the cells below
the exit threshold; the print page has the title block's 文号 placeholder, page numbers and table
headers repeated on every page."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from openpyxl import load_workbook

from households.choices import Status
from inspections.models import Problem
from supervision import report_files, services
from supervision.models import Report
from supervision.periods import parse_period
from tests.households.factories import household_with_head

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

YANHE, BIJIANG = "520627000000", "520602000000"
RED = ("FFFDE2E1", "00FDE2E1")


@pytest.fixture
def bulletin(county_supervisor) -> Report:
    household = household_with_head(
        region_id="520627100200", household_no="520627100200000042", status=Status.EXITED
    )
    problem = Problem.objects.create(
        household=household,
        source="visit",
        category="diligence",
        description="危房改造未验收",
        deadline=datetime.date(2019, 8, 15),
        responsible=county_supervisor,
    )
    Problem.objects.filter(pk=problem.pk).update(
        created=datetime.datetime(2019, 8, 1, tzinfo=datetime.UTC)
    )
    return services.bulletin_publish(period=parse_period("2019-09"))


def test_the_print_page_and_the_workbook_name_the_head_beside_the_household_number(
    bulletin, client, city_supervisor
):
    [row] = bulletin.content["overdue_problems"]
    head = row["head_name"]
    client.force_login(city_supervisor)

    printed = client.get(f"/supervision/reports/{bulletin.pk}/print/").content.decode()
    sheet = load_workbook(io.BytesIO(report_files.report_xlsx(bulletin)))["逾期问题"]

    assert head.startswith("户主")
    assert f'<td class="text household">{head} · 520627100200000042</td>' in printed
    assert "<th>户主 · 户编号</th>" in printed
    assert [c.value for c in sheet[3]][2:5] == ["户编号", "户主", "问题"]
    assert [c.value for c in sheet[4]][2:5] == ["520627100200000042", head, "危房改造未验收"]


def test_a_bulletin_row_written_without_a_head_shows_the_household_number_alone(
    bulletin, client, city_supervisor
):
    rows = [
        {k: v for k, v in row.items() if k != "head_name"}
        for row in bulletin.content["overdue_problems"]
    ]
    Report.objects.filter(pk=bulletin.pk).update(
        content={**bulletin.content, "overdue_problems": rows}
    )
    bulletin.refresh_from_db()
    client.force_login(city_supervisor)

    printed = client.get(f"/supervision/reports/{bulletin.pk}/print/").content.decode()
    sheet = load_workbook(io.BytesIO(report_files.report_xlsx(bulletin)))["逾期问题"]

    assert '<td class="text household">520627100200000042</td>' in printed
    assert [c.value for c in sheet[4]][2:4] == ["520627100200000042", ""]


def test_the_rankings_sheet_marks_the_cells_below_the_threshold(bulletin):
    content = dict(bulletin.content)
    content["rankings"] = {
        "poverty_incidence": [
            {"rank": 1, "region": BIJIANG, "name": "碧江区", "value": "0.50"},
            {"rank": 2, "region": YANHE, "name": "沿河土家族自治县", "value": "4.70"},
        ],
        "exits": [{"rank": 1, "region": YANHE, "name": "沿河土家族自治县", "value": "12.00"}],
    }
    Report.objects.filter(pk=bulletin.pk).update(content=content)
    bulletin.refresh_from_db()

    sheet = load_workbook(io.BytesIO(report_files.report_xlsx(bulletin)))["排名"]
    rows = [
        (row[0].value, row[3].value, row[4].value, row[4].fill.fgColor.rgb in RED)
        for row in sheet.iter_rows(min_row=4)
    ]

    # 贫困发生率 must stay below 3%: 沿河's 4.7% is marked, 碧江's 0.5% is not; 脱贫人口 has no
    # threshold.
    assert rows == [
        ("贫困发生率（%）", "碧江区", 0.5, False),
        ("贫困发生率（%）", "沿河土家族自治县", 4.7, True),
        ("脱贫人口（人）", "沿河土家族自治县", 12, False),
    ]


def test_the_print_page_has_the_document_number_page_numbers_and_repeated_table_headers(
    bulletin, client, city_supervisor
):
    client.force_login(city_supervisor)

    printed = client.get(f"/supervision/reports/{bulletin.pk}/print/").content.decode()
    css_path = finders.find("supervision/report-print.css")
    assert isinstance(css_path, str)
    css = Path(css_path).read_text()

    title_block = re.search(r'<header class="title-block">(.*?)</header>', printed, re.S)
    assert title_block is not None
    assert '<p class="document-number">铜扶办〔2019〕　号</p>' in title_block.group(1)
    assert re.search(
        r'<link rel="stylesheet" href="/static/supervision/report-print[^"]*css"', printed
    )
    page_rule = re.search(r"@page\s*{(.*?)\n}", css, re.S)
    assert page_rule is not None
    assert re.search(
        r'@bottom-center\s*{\s*content:\s*"第 " counter\(page\) " 页 共 " counter\(pages\) " 页";',
        page_rule.group(1),
    )
    assert re.search(r"table\.figures thead\s*{\s*display:\s*table-header-group;\s*}", css)
    # Every table of the print page is a figures table with its header row in a thead.
    tables = re.findall(r"<table[^>]*>.*?</table>", printed, re.S)
    assert len(tables) >= 3
    assert all(re.match(r'<table class="figures[^"]*">\s*<thead>', table) for table in tables), (
        tables
    )

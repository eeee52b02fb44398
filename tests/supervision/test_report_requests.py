"""Reports asked for on the reports page: the job through the outbox, its progress, idempotence,
refusals, the files of a report that is done, and the figures agreeing with the API."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from audit.models import AuditEvent
from households.choices import Status
from inspections.models import Problem
from supervision import report_files, services
from supervision.models import Indicator, Report, ReportStatus
from tests.households.factories import MemberFactory, household_with_head
from tests.permissions import check_permission_matrix
from tongren_fupin.models import OutboxMessage

pytestmark = pytest.mark.django_db

CITY = "520600000000"


def report_state() -> list[tuple]:
    return list(Report.objects.order_by("pk").values_list("pk", "kind", "period", "status"))


@pytest.fixture
def register(county_supervisor):
    """An exited household of 2019 in 沿河 (two people) and an open problem, overdue."""
    household = household_with_head(status=Status.EXITED, exit_year=2019)
    MemberFactory(household=household)
    problem = Problem.objects.create(
        household=household,
        source="visit",
        category="diligence",
        description="危房改造未验收",
        deadline=datetime.date(2019, 11, 15),
        responsible=county_supervisor,
    )
    Problem.objects.filter(pk=problem.pk).update(
        created=datetime.datetime(2019, 10, 1, tzinfo=datetime.UTC)
    )
    return household


def ask(client: Any, user: Any, kind: str, period: str, capture: Any) -> Any:
    client.force_login(user)
    with capture(execute=True):
        return client.post("/supervision/reports/", {"kind": kind, "period": period})


def test_a_city_supervisor_asks_for_a_quarter_and_the_job_writes_the_analysis(
    client, city_supervisor, register, django_capture_on_commit_callbacks
):
    response = ask(
        client, city_supervisor, "analysis", "2019-Q4", django_capture_on_commit_callbacks
    )

    report = Report.objects.get(kind="analysis")
    assert (
        response.status_code == 302 and response["Location"] == f"/supervision/reports/{report.pk}/"
    )
    assert (report.period, report.region_id, report.status, report.progress) == (
        "2019-Q4",
        CITY,
        ReportStatus.DONE,
        100,
    )
    assert report.requested_by == city_supervisor
    assert report.content["totals"]["exits"] == "2.00"
    assert report.content["totals"]["open_problems"] == "1.00"
    # The job, then its PDF for the city's readers (decision 0026).
    assert list(OutboxMessage.objects.order_by("pk").values_list("task_name", "args")) == [
        ("supervision.write_report", [report.pk]),
        ("supervision.write_report_pdf", [report.pk, CITY]),
    ]
    event = AuditEvent.objects.get(action="supervision.report_request")
    assert event.actor_id == city_supervisor.pk
    page = client.get(f"/supervision/reports/{report.pk}/").content.decode()
    assert 'id="report-pdf"' in page and 'id="report-xlsx"' in page and 'id="report-print"' in page
    assert "脱贫人口（人）" in page and "2.00" not in page


def test_a_county_supervisor_asks_for_the_bulletin_of_a_past_month_and_opens_its_files(
    client, county_supervisor, register, django_capture_on_commit_callbacks
):
    response = ask(
        client, county_supervisor, "bulletin", "2019-11", django_capture_on_commit_callbacks
    )

    report = Report.objects.get(kind="bulletin", period="2019-11")
    assert response["Location"] == f"/supervision/reports/{report.pk}/"
    assert (report.region_id, report.status, report.requested_by) == (
        CITY,
        ReportStatus.DONE,
        county_supervisor,
    )
    # The problem of the register fixture is overdue since 2019-11-15: the bulletin names it.
    [overdue] = report.content["overdue_problems"]
    assert overdue["description"] == "危房改造未验收"
    page = client.get(f"/supervision/reports/{report.pk}/").content.decode()
    assert "危房改造未验收" in page and 'id="report-print"' in page
    printed = client.get(f"/supervision/reports/{report.pk}/print/")
    assert printed.status_code == 200
    assert "铜仁市扶贫开发领导小组办公室" in printed.content.decode()
    # The job that wrote the bulletin stored the city's PDF; the county's is written by a job
    # the first request queues (decision 0026), then served as it is.
    with django_capture_on_commit_callbacks(execute=True):
        preparing = client.get(f"/supervision/reports/{report.pk}/pdf/")
    assert preparing.status_code == 202
    pdf = client.get(f"/supervision/reports/{report.pk}/pdf/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    xlsx = client.get(f"/supervision/reports/{report.pk}/xlsx/")
    sheet = load_workbook(io.BytesIO(xlsx.content))["逾期问题"]
    assert (sheet["D4"].value, sheet["E4"].value) == (overdue["head_name"], "危房改造未验收")


def test_asking_again_for_a_report_that_exists_writes_nothing_more(
    client, county_supervisor, register, django_capture_on_commit_callbacks
):
    ask(client, county_supervisor, "bulletin", "2019-12", django_capture_on_commit_callbacks)
    first = report_state()

    again = ask(
        client, county_supervisor, "bulletin", "2019-12", django_capture_on_commit_callbacks
    )

    assert report_state() == first
    assert again["Location"] == f"/supervision/reports/{first[0][0]}/"
    assert OutboxMessage.objects.filter(task_name="supervision.write_report").count() == 1
    assert AuditEvent.objects.filter(action="supervision.report_request").count() == 1


@pytest.mark.parametrize(
    ("kind", "period", "message"),
    [
        ("analysis", "2019-10", "期间：请按 2020-Q3 的格式填写。"),
        ("bulletin", "2019-Q3", "期间：请按 2020-09 的格式填写。"),
        ("analysis", "2013-Q4", "期间：请按 2020-Q3 的格式填写。"),
        ("bulletin", "2100-01", "期间：须为已结束的期间，且不早于 2014 年。"),
        ("analysis", "第三季度", "期间：请按 2020-Q3 的格式填写。"),
    ],
    ids=["analysis-of-a-month", "bulletin-of-a-quarter", "before-2014", "not-ended", "words"],
)
def test_a_bad_period_is_refused_naming_the_field_and_nothing_is_written(
    client, city_supervisor, kind, period, message, django_capture_on_commit_callbacks
):
    response = ask(client, city_supervisor, kind, period, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert response.context["form"].errors["period"] == [message]
    assert Report.objects.exists() is False
    assert OutboxMessage.objects.exists() is False


def test_asking_for_a_report_needs_a_county_or_city_supervisor(
    client, county_supervisor, township_reviewer, django_capture_on_commit_callbacks
):
    check_permission_matrix(
        "/supervision/reports/",
        api=False,
        method="post",
        data={"kind": "analysis", "period": "2019-Q3"},
        own=county_supervisor,
        wrong_role=township_reviewer,
        own_status=302,
        state=report_state,
    )
    client.force_login(township_reviewer)
    page = client.get("/supervision/reports/").content.decode()
    assert "县级和市级监管人员可申请生成报告。" in page and 'name="period"' not in page


def test_the_page_shows_the_progress_of_a_report_being_written(client, city_supervisor):
    report = Report.objects.create(
        kind="analysis",
        region_id=CITY,
        period="2019-Q3",
        title="2019-Q3 季度分析",
        status=ReportStatus.RUNNING,
        progress=40,
        stage="月度调度 2019-08",
    )
    client.force_login(city_supervisor)

    polled = client.get(f"/supervision/reports/{report.pk}/", HTTP_HX_REQUEST="true")
    files = client.get(f"/supervision/reports/{report.pk}/xlsx/")

    html = polled.content.decode()
    assert '<progress value="40" max="100"' in html and "月度调度 2019-08" in html
    assert 'hx-trigger="every 1s"' in html
    assert files.status_code == 404
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.DONE, progress=100)
    done = client.get(f"/supervision/reports/{report.pk}/", HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and done["HX-Refresh"] == "true"


def test_a_failed_job_says_so_and_asking_again_queues_it_again(
    client, city_supervisor, django_capture_on_commit_callbacks
):
    report = Report.objects.create(
        kind="analysis", region_id=CITY, period="2019-Q3", title="x", status=ReportStatus.FAILED
    )

    ask(client, city_supervisor, "analysis", "2019-Q3", django_capture_on_commit_callbacks)

    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert OutboxMessage.objects.get(task_name="supervision.write_report").args == [report.pk]


# -- the figures agree with the API -------------------------------------------------------------


def api_figures(api: Any, indicator: str, period: str, level: str | None) -> dict[str, Any]:
    url = f"/api/v1/indicators/?indicator={indicator}&period={period}&page_size=500"
    response = api.get(url + (f"&level={level}" if level else ""))
    assert response.status_code == 200
    return {row["region"]: row["value"] for row in response.json()["results"]}


def as_decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@pytest.mark.parametrize("kind", ["bulletin", "analysis"])
def test_every_figure_of_a_report_is_the_apis_for_the_same_period_and_region(
    api, city_supervisor, register, kind
):
    period = "2019-12" if kind == "bulletin" else "2019-Q4"
    report = (
        services.bulletin_publish(period=services.parse_period(period))
        if kind == "bulletin"
        else services.analysis_publish(period=services.parse_period(period))
    )
    api.force_authenticate(city_supervisor)
    by_county = report.content["rankings" if kind == "bulletin" else "comparison"]

    compared = 0
    for code in Indicator.values:
        city = api_figures(api, code, period, None)
        counties = api_figures(api, code, period, "county")
        assert as_decimal(report.content["totals"][code]) == as_decimal(city[CITY]), code
        for row in by_county[code]:
            assert as_decimal(row["value"]) == as_decimal(counties[row["region"]]), (code, row)
            compared += 1
        if kind == "analysis":
            for month, value in zip(
                report.content["months"], report.content["trends"][code], strict=True
            ):
                assert as_decimal(value) == as_decimal(api_figures(api, code, month, None)[CITY])
    assert compared >= 70
    assert report.content["totals"]["open_problems"] == "1.00"  # the problem open at the end


def test_the_workbook_has_a_title_a_frozen_header_widths_and_integer_counts(
    city_supervisor, register
):
    report = services.analysis_publish(period=services.parse_period("2019-Q4"))

    workbook = load_workbook(io.BytesIO(report_files.report_xlsx(report)))

    sheet = workbook["县（区）比较"]
    assert sheet["A1"].value == "2019-Q4 季度分析"
    assert sheet["A2"].value.startswith("印发单位：铜仁市扶贫开发领导小组办公室 · 期间：2019-Q4")
    assert sheet.freeze_panes == "C4"
    assert sheet.column_dimensions["B"].width > 15
    headers = [c.value for c in sheet[3]]
    exits = headers.index("脱贫人口（人）")
    incidence = headers.index("贫困发生率（%）")
    rows = list(sheet.iter_rows(min_row=4, values_only=False))
    counties = [r for r in rows if r[0].value and str(r[0].value).startswith("5206")]
    assert len(counties) == 11  # ten counties and the city
    yanhe = next(r for r in counties if r[0].value == "520627000000")
    assert yanhe[exits].value == 2 and isinstance(yanhe[exits].value, int)
    assert yanhe[exits].number_format == "#,##0"
    assert yanhe[incidence].number_format == '0.0"%"'
    assert all(r[exits].value is None or float(r[exits].value).is_integer() for r in counties)
    assert workbook["趋势（全市）"].freeze_panes == "A4"

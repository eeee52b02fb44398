"""The monthly dispatch and bulletin, the quarterly analysis, their commands and schedules
(tasks inline: no broker; the real-worker runs are in test_worker.py)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask
from openpyxl import load_workbook

from audit.models import AuditEvent
from households.choices import Status
from inspections.models import Problem
from supervision import report_files, services, tasks
from supervision.models import IndicatorSnapshot, Notification, Report
from supervision.periods import month_just_ended, parse_period
from tests.households.factories import MemberFactory, household_with_head, income
from tests.regions.factories import assigned_user
from tongren_fupin.celery import app
from tongren_fupin.errors import DomainError

pytestmark = pytest.mark.django_db

YANHE_VILLAGE = "520627100200"


def snapshot_state() -> list[tuple]:
    return list(
        IndicatorSnapshot.objects.order_by("indicator", "region", "period").values_list(
            "indicator", "region", "period", "value", "numerator", "denominator", "computed_at"
        )
    )


@pytest.fixture
def casework(county_supervisor, city_supervisor, county_supervisor_bijiang):
    """An exited household in 沿河 with an overdue problem; supervisors with e-mail."""
    for user in (county_supervisor, city_supervisor, county_supervisor_bijiang):
        user.email = f"{user.username}@example.invalid"
        user.save()
    household = household_with_head(status=Status.EXITED, exit_year=2019)
    MemberFactory(household=household)
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
    return problem


def test_the_dispatch_stores_snapshots_per_county_and_city_once(casework):
    september = parse_period("2019-09")

    first = services.dispatch_run(period=september)
    state = snapshot_state()
    second = services.dispatch_run(period=september)

    assert first.pk == second.pk and Report.objects.count() == 1
    assert snapshot_state() == state
    regions = {row[1] for row in state}
    assert "520600000000" in regions and len(regions) >= 2
    overdue = IndicatorSnapshot.objects.get(
        indicator="overdue_problems", region="520627000000", period="2019-09"
    )
    city = IndicatorSnapshot.objects.get(
        indicator="overdue_problems", region="520600000000", period="2019-09"
    )
    assert (overdue.value, city.value) == (1, 1)
    assert AuditEvent.objects.filter(action="supervision.dispatch").count() == 1


def test_the_bulletin_ranks_names_and_notifies_each_supervisor_once(
    casework, county_supervisor, city_supervisor, county_supervisor_bijiang,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    period = parse_period("2019-09")

    with django_capture_on_commit_callbacks(execute=True):
        report = services.monthly_dispatch_run(period=period)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.monthly_dispatch_run(period=period)
    tasks.send_report_emails(report.pk)

    assert again.pk == report.pk and report.kind == "bulletin"
    assert Report.objects.filter(kind="bulletin").count() == 1
    notified = sorted(Notification.objects.values_list("user__username", flat=True))
    assert notified == sorted(
        [county_supervisor.username, city_supervisor.username, county_supervisor_bijiang.username]
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"{name}@example.invalid" for name in notified
    )
    [overdue] = report.content["overdue_problems"]
    assert (overdue["county_name"], overdue["description"]) == (
        "沿河土家族自治县",
        "危房改造未验收",
    )
    ranking = report.content["rankings"]["overdue_problems"]
    assert ranking[0]["region"] != "520627000000"  # fewest overdue ranks first
    assert ranking[-1]["region"] == "520627000000"
    yanhe = Notification.objects.get(user=county_supervisor)
    bijiang = Notification.objects.get(user=county_supervisor_bijiang)
    assert "1" in yanhe.body and yanhe.link == f"/supervision/reports/{report.pk}/"
    assert yanhe.body != bijiang.body


def test_counties_below_a_threshold_are_named_in_the_bulletin(casework):
    household = household_with_head(status=Status.REGISTERED, identification_year=2014)
    MemberFactory.create_batch(3, household=household)

    exited = casework.household
    income(exited, 2019, Decimal("2000"), exited.members.count())

    report = services.bulletin_publish(period=parse_period("2019"))

    # The exited household's income of 2019 is under the line: a wrong exit.
    names = {(row["indicator"], row["name"]) for row in report.content["below_target"]}
    assert ("wrong_exit_rate", "沿河土家族自治县") in names
    assert ("wrong_exit_rate", "碧江区") not in names
    assert ("poverty_incidence", "沿河土家族自治县") not in names
    assert all(row["threshold"] for row in report.content["below_target"])
    incidence = {r["region"]: r for r in report.content["rankings"]["poverty_incidence"]}
    assert incidence["520627000000"]["numerator"] == "4.00"


def test_the_quarterly_analysis_writes_a_workbook_and_a_printable_report(casework):
    report = services.analysis_publish(period=parse_period("2019-Q3"))
    again = services.analysis_publish(period=parse_period("2019-Q3"))

    assert again.pk == report.pk
    assert report.content["months"] == ["2019-07", "2019-08", "2019-09"]
    assert Report.objects.filter(kind="dispatch").count() == 3
    workbook = load_workbook(io.BytesIO(report_files.report_xlsx(report)))
    assert workbook.sheetnames == ["县（区）比较", "趋势（全市）"]
    comparison = workbook["县（区）比较"]
    assert comparison["A1"].value == "2019-Q3 季度分析"
    assert [c.value for c in comparison[3]][:4] == [
        "区划代码",
        "县（区）",
        "贫困发生率（%）",
        "脱贫人口（人）",
    ]
    yanhe = next(row for row in comparison.iter_rows(min_row=4) if row[0].value == "520627000000")
    assert yanhe[1].value == "沿河土家族自治县"
    open_problems = [c.value for c in comparison[3]].index("未销号问题（个）")
    assert yanhe[open_problems].value == 1
    assert yanhe[open_problems].number_format == "#,##0"
    html = report_files.report_print_html(report)
    assert "<svg" in html and "沿河土家族自治县" in html and "<script" not in html


def test_the_analysis_needs_a_quarter():
    with pytest.raises(DomainError) as error:
        services.analysis_publish(period=parse_period("2019-09"))
    assert error.value.code == "invalid_period"
    assert Report.objects.exists() is False


def test_commands_run_a_period_and_refuse_a_bad_one(casework):
    out = io.StringIO()

    call_command("run_monthly_dispatch", "--period", "2019-09", stdout=out)
    call_command("run_monthly_dispatch", "--period", "2019-09", stdout=io.StringIO())

    assert "2019-09" in out.getvalue()
    assert Report.objects.filter(period="2019-09").count() == 2  # the dispatch and the bulletin
    with pytest.raises(CommandError):
        call_command("run_monthly_dispatch", "--period", "2019-9x", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("run_quarterly_analysis", "--period", "2019-09", stdout=io.StringIO())


def test_a_task_without_a_period_reports_on_the_month_just_ended():
    result = tasks.monthly_dispatch.delay().get()

    assert result["period"] == month_just_ended(datetime.date.today()).code


def test_the_schedules_exist_for_registered_tasks_and_setup_keeps_edits():
    names = dict(
        PeriodicTask.objects.filter(task__startswith="supervision.").values_list(
            "task", "crontab__day_of_month"
        )
    )
    PeriodicTask.objects.filter(task="supervision.look_back").update(enabled=False)

    call_command("setup_periodic_tasks", stdout=io.StringIO())

    assert names == {
        "supervision.monthly_dispatch": "1",
        "supervision.monthly_bulletin": "1",
        "supervision.quarterly_analysis": "2",
        "supervision.look_back": "5",
        "supervision.monitoring_checks": "*",
        "supervision.current_snapshots": "*",
    }
    assert set(names) <= set(app.tasks)
    assert PeriodicTask.objects.get(task="supervision.look_back").enabled is False
    assert PeriodicTask.objects.filter(task__startswith="supervision.").count() == 6


def test_a_notification_is_one_per_user_and_key(county_supervisor):
    report = services.bulletin_publish(period=parse_period("2019-10"))
    again = Notification.objects.filter(user=county_supervisor, key="bulletin:2019-10")

    assert again.count() == 1
    assert again.get().report_id == report.pk


def test_bulletin_recipients_are_only_active_supervisors(county_supervisor):
    cadre = assigned_user("cadre_x", "village_cadre", YANHE_VILLAGE)
    gone = assigned_user("gone", "county_supervisor", "520627000000", is_active=False)

    services.bulletin_publish(period=parse_period("2019-11"))

    assert Notification.objects.filter(user__in=[cadre, gone]).exists() is False
    assert Notification.objects.filter(user=county_supervisor).count() == 1

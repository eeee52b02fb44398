"""The monitoring checks and the look-back, as the schedules run them (tasks and commands)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from households.choices import Status
from inspections.look_back_models import LookBackTask
from inspections.models import Problem
from monitoring import tasks as monitoring_tasks
from monitoring.models import MonitoringCase
from supervision import tasks
from tests.households.factories import household_with_head, income

pytestmark = pytest.mark.django_db


def test_a_household_under_the_monitoring_line_gets_one_case_however_often_the_check_runs():
    household = household_with_head(status=Status.EXITED, exit_year=2019)
    income(household, 2020, Decimal("5200"), 1)  # the 2020 monitoring line is 6000

    opened = [monitoring_tasks.run_checks("2020-10-01") for _ in range(3)]
    call_command("run_monitoring_checks", "--on", "2020-10-02", stdout=io.StringIO())
    call_command("run_monitoring_checks", "--period", "2020-10", stdout=io.StringIO())

    assert opened == [1, 0, 0]
    case = MonitoringCase.objects.get()
    assert case.household_id == household.pk
    assert monitoring_tasks.run_checks.delay("2020-11-01").get() == 0
    assert MonitoringCase.objects.count() == 1


def test_the_look_back_task_creates_the_period_tasks_once():
    flagged = household_with_head(status=Status.EXITED, exit_year=2019)
    Problem.objects.create(
        household=flagged,
        source="visit",
        category="diligence",
        description="x",
        deadline=datetime.date(2030, 1, 1),
    )

    first = tasks.look_back("2020-09")
    out = io.StringIO()
    call_command("run_look_back", "--period", "2020-09", stdout=out)

    assert first >= 1
    assert out.getvalue().strip().endswith("0")
    assert LookBackTask.objects.filter(household=flagged, period="2020-09").count() == 1

"""Records of each kind a task list or the timeline shows, written straight to the tables."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from exits.models import ExitApplication, ExitStep
from households.choices import Status
from households.models import Household
from inspections.look_back_models import LookBackTask
from inspections.models import Problem, Visit
from monitoring.models import MonitoringCase, MonitoringStep
from tests.households.factories import household_with_head

# The day the lists are computed for (the pages use today too).
TODAY = timezone.localdate()


def household(region: str = "520627100200", **kwargs: Any) -> Household:
    return household_with_head(region_id=region, **kwargs)


def problem(home: Household, deadline: datetime.date, **kwargs: Any) -> Problem:
    defaults: dict[str, Any] = {
        "source": "visit",
        "category": "diligence",
        "description": "危房改造未验收",
        "state": "open",
    }
    return Problem.objects.create(household=home, deadline=deadline, **{**defaults, **kwargs})


def look_back(home: Household, due: datetime.date, status: str = "open") -> LookBackTask:
    return LookBackTask.objects.create(
        household=home, period=due.strftime("%Y-%m"), reason="sample", due=due, status=status
    )


def application(home: Household, state: str, actor: Any) -> ExitApplication:
    created = ExitApplication.objects.create(
        household=home,
        year=2020,
        state=state,
        proposed_on=datetime.date(2020, 9, 10),
        attendees=30,
        agreeing=28,
        appraisal_result="同意退出",
        created_by=actor,
    )
    ExitStep.objects.create(
        application=created, state="proposed", actor=actor, on=datetime.date(2020, 9, 10)
    )
    return created


def case(home: Household, opened: datetime.date, status: str = "identifying") -> MonitoringCase:
    closed = None if status in {"identifying", "assisting"} else opened
    created = MonitoringCase.objects.create(
        household=home, category="unstable_exited", status=status, opened=opened, closed_on=closed
    )
    MonitoringStep.objects.create(case=created, status="identifying", on=opened)
    return created


def visit(home: Household, on: datetime.date, visitor: Any) -> Visit:
    return Visit.objects.create(household=home, visitor=visitor, date=on)


def exited(region: str = "520627100200") -> Household:
    return household(region, status=Status.EXITED, exit_year=2019)

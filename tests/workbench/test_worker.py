"""The daily field reminders on a real Celery worker and the local Redis: sent three times, the
check leaves one notification per event."""

from __future__ import annotations

import datetime

import pytest

from households.choices import Status
from inspections.models import Problem
from supervision.models import Notification
from tests.households.factories import household_with_head
from tests.regions.factories import assigned_user

pytestmark = pytest.mark.worker

TASK = "workbench.field_reminders"
ON = "2020-11-20"


def test_the_field_reminders_run_three_times_on_a_worker_notify_once(
    celery_worker, tongren_regions
):
    cadre = assigned_user("w_cadre", "village_cadre", "520627100200")
    household = household_with_head(status=Status.REGISTERED)
    overdue = Problem.objects.create(
        household=household,
        source="visit",
        category="diligence",
        description="危房改造未验收",
        deadline=datetime.date(2020, 11, 1),
        responsible=cadre,
    )

    runs = [celery_worker.send(TASK, ON).get(timeout=120) for _ in range(3)]

    assert [run["deadlines"] for run in runs] == [1, 0, 0]
    assert [run["assigned"] for run in runs] == [1, 0, 0]
    assert sorted(Notification.objects.values_list("user__username", "key")) == [
        ("w_cadre", f"problem:{overdue.pk}:assigned:{cadre.pk}"),
        ("w_cadre", f"problem:{overdue.pk}:overdue:2020-11-01"),
    ]

"""The demo casework of 太岭村 includes monitoring cases in every status and look-back tasks."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from demo.cases import VILLAGE, generate_demo_cases
from demo.register import generate_register
from inspections.models import LookBackTask
from monitoring.models import MonitoringCase, MonitoringStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_monitoring_cases_in_every_status_and_look_back_tasks():
    call_command("load_demo", "--allow", verbosity=0)
    generate_register(scale=0.01)

    counts = generate_demo_cases()

    cases = MonitoringCase.objects.filter(household__region_id=VILLAGE)
    assert set(cases.values_list("status", flat=True)) == set(MonitoringStatus.values)
    assert counts["monitoring_cases"] == cases.count() == MonitoringCase.objects.count()
    assert cases.filter(opened_by__isnull=True, risks__0__code="income").count() == 3
    tasks = LookBackTask.objects.all()
    assert counts["look_back_tasks"] == tasks.count() > 0
    assert set(tasks.values_list("household__region_id", flat=True)) == {VILLAGE}
    assert tasks.filter(status="done").count() == 1

"""``audit.events.record_change``: snapshot before, change, and one event with the diff."""

from __future__ import annotations

from typing import Any

import pytest

from audit import events
from audit.models import AuditEvent
from tests.households.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def test_record_change_records_the_changed_fields_and_the_extra(county_supervisor: Any) -> None:
    household = HouseholdFactory(housing_grade="C", water_safe=False)
    before = events.snapshot(household, ["housing_grade", "water_safe"])
    household.housing_grade = "A"

    changes = events.record_change(
        actor=county_supervisor,
        action="household.updated",
        obj=household,
        before=before,
        extra={"reason": [None, "rebuilt"]},
        region_code=household.region_id,
        summary="edited",
    )

    event = AuditEvent.objects.get(action="household.updated")
    assert changes == {"housing_grade": ["C", "A"]}
    assert event.changes == {"housing_grade": ["C", "A"], "reason": [None, "rebuilt"]}
    assert (event.object_id, event.region_code, event.summary) == (
        str(household.pk),
        household.region_id,
        "edited",
    )


def test_record_change_if_changed_records_nothing_when_nothing_changed(
    county_supervisor: Any,
) -> None:
    household = HouseholdFactory()
    before = events.snapshot(household, ["housing_grade"])

    changes = events.record_change(
        actor=county_supervisor,
        action="household.updated",
        obj=household,
        before=before,
        if_changed=True,
    )

    assert changes == {}
    assert AuditEvent.objects.filter(action="household.updated").exists() is False

"""A data conflict made the way a phone makes one: the register moves, then the record arrives."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from fieldsync import services
from fieldsync.models import FieldConflict
from households import services as register
from households.models import Household, Member
from tests.households.factories import MemberFactory, household_with_head

RECORDED = datetime.datetime(2026, 12, 1, 2, 30, tzinfo=datetime.UTC)


def work_status_conflict(cadre: Any, team: Any, **household: Any) -> FieldConflict:
    """The team sets the son's work status to in_province while the cadre's phone, which read
    in_county, records out_of_province."""
    home = household_with_head(**household)
    son = MemberFactory(household=home, name="田小军", work_status="in_county")
    register.member_update(
        actor=team, member=son, expected_version=home.version, data={"work_status": "in_province"}
    )
    services.sync_household_update(
        actor=cadre,
        client_token=uuid.uuid4(),
        household=Household.objects.get(pk=home.pk),
        recorded_at=RECORDED,
        payload={},
        changes=[
            services.Change(
                target="member",
                field="work_status",
                base="in_county",
                value="out_of_province",
                member=Member.objects.get(pk=son.pk),
            )
        ],
    )
    return FieldConflict.objects.get(household=home)

from __future__ import annotations

import datetime
from typing import Any

import factory

from households.choices import LabourAbility, Relation
from households.models import Household
from relocation.models import Relocation, Site, SiteKind
from tests.households.factories import HouseholdFactory, MemberFactory

YANHE_TOWNSHIP = "520627100000"
BIJIANG_TOWNSHIP = "520602001000"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"测试安置点{n}")
    region_id = YANHE_TOWNSHIP
    kind = SiteKind.URBAN
    planned_households = 100
    planned_people = 400


def relocated_household(
    site: Site,
    *,
    members: list[dict[str, Any]] | None = None,
    moved_in: datetime.date = datetime.date(2019, 6, 1),
    hukou_transferred: bool = False,
    **household: Any,
) -> Household:
    """A household of the register moved to ``site``, with the given members (head first)."""
    home = HouseholdFactory(**{"is_relocated": True, **household})
    for index, values in enumerate(members or [{}]):
        relation = Relation.HEAD if index == 0 else Relation.SON
        MemberFactory(household=home, relation=relation, **values)
    Relocation.objects.create(
        household=home,
        site=site,
        moved_in=moved_in,
        origin_region_id=home.region_id,
        hukou_transferred=hukou_transferred,
    )
    return home


WORKING = {"labour_ability": LabourAbility.ORDINARY, "work_status": "in_county"}
IDLE = {"labour_ability": LabourAbility.ORDINARY, "work_status": ""}
WEAK_IDLE = {"labour_ability": LabourAbility.WEAK, "work_status": ""}
NO_LABOUR = {"labour_ability": LabourAbility.NONE, "work_status": ""}
LOST_BUT_WORKING = {"labour_ability": LabourAbility.LOST, "work_status": "in_township"}

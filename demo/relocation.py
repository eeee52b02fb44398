"""A small relocation example in the demo village 太岭村, so the relocation pages are not empty.

A central-village site in 太岭村 with one record of each of the five systems, and four
households of the village moved there: three with a member at work and one with labour but
nobody working, the zero-employment household a cadre acts on. Everything goes through the
services, by the demo logins, so the history is real. Running it twice changes nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from assistance.models import JobPlacement
from households import services as register
from households.choices import WITH_LABOUR, Status
from households.models import Household, Member
from relocation import services
from relocation.models import Relocation, Site

VILLAGE = "520627100200"
SITE_NAME = "太岭村中心村安置点"
MOVED_IN = datetime.date(2019, 11, 20)
EMPLOYED = 3


@transaction.atomic
def generate_demo_relocation() -> dict[str, int]:
    if Site.objects.filter(region_id=VILLAGE, name=SITE_NAME).exists():
        return {"sites": 0, "relocations": 0}
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo_")}
    site = services.site_create(
        actor=users["demo_county"],
        data={
            "name": SITE_NAME,
            "region": _village(),
            "kind": "central_village",
            "planned_households": 4,
            "planned_people": 16,
            "completed_on": datetime.date(2019, 10, 31),
        },
    )
    _five_systems(users["demo_township"], site)
    households = _labour_households()
    for index, household in enumerate(households):
        if index >= EMPLOYED:
            household = _without_work(users["demo_cadre"], household)
        services.relocation_record(
            actor=users["demo_cadre"],
            household=household,
            site=site,
            moved_in=MOVED_IN,
            hukou_transferred=index % 2 == 0,
        )
    return {"sites": 1, "relocations": len(households)}


def _village() -> Any:
    from regions.models import Region

    return Region.objects.get(code=VILLAGE)


def _labour_households() -> list[Household]:
    """Four households of the village with labour, three of them with work."""
    labour = Member.objects.filter(household=OuterRef("pk"), labour_ability__in=WITH_LABOUR)
    working = Member.objects.filter(household=OuterRef("pk")).exclude(work_status="")
    candidates = (
        Household.objects.filter(region_id=VILLAGE)
        # Not the households of 2020 the demo casework takes through the exit procedure.
        .filter(Q(status=Status.REGISTERED) | Q(status=Status.EXITED, exit_year__lt=2020))
        .filter(Exists(labour))
        .exclude(Exists(Relocation.objects.filter(household=OuterRef("pk"))))
        .order_by("household_no")
    )
    employed = list(candidates.filter(Exists(working))[:EMPLOYED])
    placed = JobPlacement.objects.filter(member__household=OuterRef("pk"))
    rest = candidates.exclude(pk__in=[h.pk for h in employed]).exclude(Exists(placed))
    return [*employed, *rest[: 4 - len(employed)]]


def _without_work(actor: Any, household: Household) -> Household:
    """Nobody of the household at work: the zero-employment example."""
    for member in household.members.exclude(work_status=""):
        register.member_update(
            actor=actor,
            member=member,
            expected_version=Household.objects.get(pk=household.pk).version,
            data={"work_status": "", "work_months": 0},
        )
    return Household.objects.get(pk=household.pk)


def _five_systems(actor: Any, site: Site) -> None:
    services.facility_record(
        actor=actor, site=site, data={"kind": "school", "name": "太岭村幼儿园", "status": "in_use"}
    )
    services.facility_record(
        actor=actor, site=site, data={"kind": "service_centre", "status": "built"}
    )
    services.culture_activity_record(
        actor=actor,
        site=site,
        data={
            "kind": "gratitude_education",
            "held_on": datetime.date(2020, 9, 18),
            "attendance": 42,
        },
    )
    services.culture_activity_record(
        actor=actor,
        site=site,
        data={"kind": "family_education", "held_on": datetime.date(2020, 10, 9), "attendance": 25},
    )
    services.governance_unit_record(actor=actor, site=site, data={"kind": "management_unit"})
    services.governance_unit_record(
        actor=actor, site=site, data={"kind": "police_room", "officers": 2}
    )
    services.party_organisation_record(
        actor=actor, site=site, data={"kind": "branch", "name": "安置点党支部", "members": 5}
    )

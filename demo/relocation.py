"""A small relocation example in the demo village 太岭村, carved out of the seed's figures.

Four households of the village, each with a member at work, move into the fixture's site of the
village's township (甘溪镇安置点), and that site's tally — the aggregate row of the households
not in the register one by one — is lowered by what the register says of them (households,
people, hukou transfers, labour, employment). So every city figure stays the seed's: 144 sites,
6.6万 households, 29.36万 people, 63,510 labour households all with an employed member, and so on
(``docs/decisions/0015-demo-carved-out-of-the-seed.md``).

The demo adds no site and no record of the five systems: the site holds the fixture's school,
management unit, security organisation and party branch and group, and each new record would
count once more against the seed's totals. Nor is any of the four a zero-employment household:
the seed has every labour household employed, and one without work would make the city read
63,509.

Everything goes through the services, by the demo logins, so the history is real. Running it
again changes nothing; after the fixture is loaded again (``make run`` reloads it, which resets
the site's tally), it lowers the tally again, so the totals are the seed's after every run.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from households.choices import WITH_LABOUR, Status
from households.models import Household, Member
from relocation import services
from relocation.fixture import reference_site
from relocation.models import Relocation, Site
from relocation.reference import SiteRow
from relocation.selectors import POPULATION_FIELDS, register_population

VILLAGE = "520627100200"
TOWNSHIP = "520627100000"  # the village's township (甘溪镇), which has a site in the fixture
MOVED_IN = datetime.date(2019, 11, 20)
HOUSEHOLDS = 4


class DemoRelocationError(Exception):
    """The demo cannot run on this database (a message for the operator)."""


def demo_site() -> Site | None:
    """The fixture's site in the demo village's township (with its tally), if loaded."""
    return (
        Site.objects.filter(region_id=TOWNSHIP, tally__isnull=False)
        .select_related("tally")
        .order_by("pk")
        .first()
    )


@transaction.atomic
def generate_demo_relocation() -> dict[str, int]:
    site = demo_site()
    reference = reference_site(site.region_id, site.name) if site is not None else None
    if site is None or reference is None:
        raise DemoRelocationError(
            "Load the relocation reference first: manage.py loaddata "
            "fixtures/tongren_relocation/tongren_relocation.json."
        )
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="demo_")}
    moved = 0
    if not Relocation.objects.filter(site=site, origin_region_id=VILLAGE).exists():
        moved = _move(users["demo_cadre"], site)
    lowered = _carve_tally(users["demo_county"], site, reference)
    return {"relocations": moved, "tallies_lowered": int(lowered)}


def _move(actor: Any, site: Site) -> int:
    households = _employed_labour_households()
    for index, household in enumerate(households):
        services.relocation_record(
            actor=actor,
            household=household,
            site=site,
            moved_in=MOVED_IN,
            hukou_transferred=index % 2 == 0,
        )
    return len(households)


def _employed_labour_households() -> list[Household]:
    """Households of the village with labour and a member at work, not yet relocated."""
    labour = Member.objects.filter(household=OuterRef("pk"), labour_ability__in=WITH_LABOUR)
    working = Member.objects.filter(household=OuterRef("pk")).exclude(work_status="")
    return list(
        Household.objects.filter(region_id=VILLAGE)
        # Not the households of 2020 the demo casework takes through the exit procedure.
        .filter(Q(status=Status.REGISTERED) | Q(status=Status.EXITED, exit_year__lt=2020))
        .filter(Exists(labour), Exists(working))
        .exclude(Exists(Relocation.objects.filter(household=OuterRef("pk"))))
        .order_by("household_no")[:HOUSEHOLDS]
    )


def _carve_tally(actor: Any, site: Site, reference: SiteRow) -> bool:
    """The site's tally becomes the reference's figures less the register's, if it is not yet.

    The tally and the register never describe the same household, so the site — and the city —
    reads the reference's figures. Returns whether the tally changed.
    """
    in_register = register_population(Relocation.objects.filter(site=site))
    figures = {
        name: getattr(reference, name) - getattr(in_register, name) for name in POPULATION_FIELDS
    }
    tally = site.tally
    if all(getattr(tally, name) == value for name, value in figures.items()):
        return False
    services.site_tally_record(actor=actor, site=site, data=figures)
    return True

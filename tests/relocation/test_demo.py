"""The demo relocation example in 太岭村: four employed households moved into the fixture's site
of the village's township, carved out of that site's tally, so the site reads its figures."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from demo.logins import load_demo_logins
from households.models import Household
from relocation.models import Relocation, Site, SiteTally
from relocation.selectors import Population, site_systems, zero_employment_households
from tests.households.factories import HouseholdFactory, MemberFactory
from tests.relocation.conftest import RELOCATION_FIXTURE
from tests.relocation.factories import WORKING

pytestmark = pytest.mark.django_db

VILLAGE = "520627100200"
# 甘溪镇安置点 in the fixture: its tally as published, before the demo.
TALLY = Population(
    households=320,
    people=1422,
    cross_county_people=0,
    hukou_transferred_people=1332,
    labour_households=308,
    labourers=668,
    employed_labour_households=308,
    employed_labourers=572,
)


@pytest.fixture
def village_households(tongren_relocation):
    load_demo_logins()
    for index in range(6):
        household = HouseholdFactory(
            region_id=VILLAGE,
            status="exited" if index % 2 else "registered",
            exit_year=2017 + index % 4 if index % 2 else None,
        )
        MemberFactory(household=household, relation="01", **WORKING)


def demo_site() -> Site:
    return Site.objects.get(region_id="520627100000", name="甘溪镇安置点")


def tally_of(site: Site) -> Population:
    tally = SiteTally.objects.get(site=site)
    return Population(**{name: getattr(tally, name) for name in Population.__dataclass_fields__})


def test_the_demo_moves_four_employed_households_into_the_township_site(village_households):
    call_command("load_demo_relocation", "--allow", verbosity=0)

    site = demo_site()
    relocations = Relocation.objects.filter(site=site)
    assert relocations.count() == 4
    assert set(relocations.values_list("origin_region_id", flat=True)) == {VILLAGE}
    assert Household.objects.filter(is_relocated=True).count() == 4
    assert zero_employment_households().exists() is False
    assert Site.objects.count() == 144
    assert AuditEvent.objects.filter(action="relocation.recorded").count() == 4


def test_the_site_tally_is_lowered_by_what_the_register_says_of_them(village_households):
    call_command("load_demo_relocation", "--allow", verbosity=0)

    # Four one-person households with an employed labourer, two with their hukou transferred.
    assert tally_of(demo_site()) == Population(
        households=316,
        people=1418,
        cross_county_people=0,
        hukou_transferred_people=1330,
        labour_households=304,
        labourers=664,
        employed_labour_households=304,
        employed_labourers=568,
    )
    assert AuditEvent.objects.filter(action="relocation_site.tally_recorded").count() == 1


def test_the_site_still_reads_its_published_figures(village_households):
    call_command("load_demo_relocation", "--allow", verbosity=0)

    assert site_systems(demo_site()).population == TALLY


def test_running_the_demo_twice_changes_nothing(village_households):
    call_command("load_demo_relocation", "--allow", verbosity=0)
    events = AuditEvent.objects.count()

    call_command("load_demo_relocation", "--allow", verbosity=0)

    assert (Relocation.objects.count(), AuditEvent.objects.count()) == (4, events)
    assert site_systems(demo_site()).population == TALLY


def test_after_the_fixture_is_loaded_again_the_demo_lowers_the_tally_again(village_households):
    call_command("load_demo_relocation", "--allow", verbosity=0)
    call_command("loaddata", RELOCATION_FIXTURE, verbosity=0)
    assert tally_of(demo_site()) == TALLY  # reset: the households counted twice

    call_command("load_demo_relocation", "--allow", verbosity=0)

    assert Relocation.objects.count() == 4
    assert site_systems(demo_site()).population == TALLY


def test_the_demo_is_refused_without_demo_logins(tongren_relocation):
    with pytest.raises(CommandError):
        call_command("load_demo_relocation", "--allow", verbosity=0)


def test_the_demo_is_refused_without_the_relocation_fixture():
    load_demo_logins()

    with pytest.raises(CommandError, match="tongren_relocation"):
        call_command("load_demo_relocation", "--allow", verbosity=0)

    assert Relocation.objects.exists() is False

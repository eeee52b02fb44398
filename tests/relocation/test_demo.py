"""The demo relocation example in 太岭村: one site, its systems, one zero-employment household."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from demo.logins import load_demo_logins
from households.models import Household
from relocation.models import Relocation, Site
from relocation.selectors import zero_employment_households
from tests.households.factories import HouseholdFactory, MemberFactory
from tests.relocation.factories import WORKING

pytestmark = pytest.mark.django_db


@pytest.fixture
def village_households():
    load_demo_logins()
    for index in range(6):
        household = HouseholdFactory(
            region_id="520627100200",
            status="exited" if index % 2 else "registered",
            exit_year=2017 + index % 4 if index % 2 else None,
        )
        MemberFactory(household=household, relation="01", **WORKING)


def test_the_demo_has_one_zero_employment_household_at_the_taling_site(village_households):
    call_command("load_demo_relocation", "--allow", verbosity=0)

    site = Site.objects.get(name="太岭村中心村安置点")
    assert Relocation.objects.filter(site=site).count() == 4
    zero = zero_employment_households(within="520627100200")
    assert zero.count() == 1
    assert Household.objects.get(pk=zero.get().pk).is_relocated is True
    assert AuditEvent.objects.filter(action="relocation.recorded").count() == 4


def test_running_the_demo_twice_changes_nothing(village_households):
    call_command("load_demo_relocation", "--allow", verbosity=0)
    events = AuditEvent.objects.count()

    call_command("load_demo_relocation", "--allow", verbosity=0)

    assert (Site.objects.count(), AuditEvent.objects.count()) == (1, events)


def test_the_demo_is_refused_without_demo_logins():
    with pytest.raises(CommandError):
        call_command("load_demo_relocation", "--allow", verbosity=0)

"""Employment of relocated households (一户一人以上就业) and the zero-employment list."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from assistance.models import JobPlacement
from households.models import Member
from relocation.selectors import (
    Employment,
    employment_by_region,
    zero_employment_households,
)
from tests.relocation.factories import (
    BIJIANG_TOWNSHIP,
    IDLE,
    LOST_BUT_WORKING,
    NO_LABOUR,
    WEAK_IDLE,
    WORKING,
    SiteFactory,
    relocated_household,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_site():
    """One site with every case: the households are named by what they are."""
    site = SiteFactory(name="小安置点")
    homes = {
        "working": relocated_household(site, members=[WORKING, IDLE]),
        "idle": relocated_household(site, members=[IDLE, NO_LABOUR]),
        "weak_idle": relocated_household(site, members=[WEAK_IDLE]),
        "no_labour": relocated_household(site, members=[NO_LABOUR, NO_LABOUR]),
        "placed": relocated_household(site, members=[IDLE]),
        "lost_but_working": relocated_household(site, members=[LOST_BUT_WORKING, IDLE]),
    }
    JobPlacement.objects.create(
        member=Member.objects.get(household=homes["placed"]),
        employer="苏州某电子厂",
        place="suzhou",
        placed_on=datetime.date(2020, 3, 1),
    )
    return homes


def test_the_zero_employment_list_holds_exactly_the_labour_households_without_work(small_site):
    homes = small_site

    listed = set(zero_employment_households().values_list("pk", flat=True))

    assert listed == {homes["idle"].pk, homes["weak_idle"].pk}


def test_a_job_placement_takes_a_household_off_the_list(small_site):
    homes = small_site
    JobPlacement.objects.create(
        member=Member.objects.get(household=homes["weak_idle"]),
        employer="碧江区扶贫车间",
        place="local",
        placed_on=datetime.date(2020, 5, 1),
    )

    listed = set(zero_employment_households().values_list("pk", flat=True))

    assert listed == {homes["idle"].pk}


def test_a_household_not_relocated_is_never_on_the_list(small_site):
    from tests.households.factories import HouseholdFactory, MemberFactory

    stay = HouseholdFactory()
    MemberFactory(household=stay, relation="01", **IDLE)

    assert zero_employment_households().filter(pk=stay.pk).exists() is False


def test_employment_by_region_counts_labour_and_employed_households_per_county(small_site):
    other = SiteFactory(region_id=BIJIANG_TOWNSHIP, name="碧江测试点")
    relocated_household(other, members=[WORKING], region_id="520602100200")

    by_county = employment_by_region(level="county")

    # 小安置点: labour in working, idle, weak_idle, placed, lost_but_working (the idle son).
    assert by_county == {
        "520602000000": Employment(labour_households=1, employed_labour_households=1),
        "520627000000": Employment(labour_households=5, employed_labour_households=3),
    }
    assert by_county["520627000000"].rate == Decimal("60.0")


def test_employment_by_region_within_a_prefix_and_at_township_level(small_site):
    other = SiteFactory(region_id=BIJIANG_TOWNSHIP, name="碧江测试点")
    relocated_household(other, members=[IDLE], region_id="520602100200")

    assert employment_by_region(level="township", within="520627") == {
        "520627100000": Employment(labour_households=5, employed_labour_households=3)
    }


def test_employment_by_region_adds_the_site_tallies(tongren_relocation):
    by_county = employment_by_region(level="county")

    assert sum(e.labour_households for e in by_county.values()) == 63_510
    assert all(e.rate == Decimal("100.0") for e in by_county.values())
    assert len(by_county) == 10


def test_employment_by_region_takes_a_constant_number_of_queries(
    small_site, django_assert_num_queries
):
    with django_assert_num_queries(2):
        employment_by_region(level="village")
    SiteFactory(region_id=BIJIANG_TOWNSHIP, name="另一点")
    with django_assert_num_queries(2):
        employment_by_region(level="city")


@pytest.mark.parametrize(
    ("labour", "employed", "rate"),
    [(63_514, 63_513, Decimal("99.9")), (3, 2, Decimal("66.6")), (4, 4, Decimal("100.0"))],
    ids=["one-short-is-not-100", "two-thirds", "all"],
)
def test_the_rate_is_rounded_down(labour, employed, rate):
    assert Employment(labour, employed).rate == rate


def test_the_rate_is_none_without_labour():
    assert Employment(labour_households=0, employed_labour_households=0).rate is None


def test_the_seed_state_has_no_zero_employment_household(tongren_relocation):
    assert zero_employment_households().exists() is False

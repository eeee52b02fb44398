"""A name search can check each matching member's household for the jurisdiction from an index.

The members matching a name prefix are read from the name index; whether their household lies
in the user's jurisdiction is then asked per household by its id. Without an index holding a
household's village beside its id, each of those probes read the household table, or PostgreSQL
built a hash of every household of the jurisdiction instead (a county's search at full scale:
68 ms; with ``household_id_region`` and ``random_page_cost`` 1.1: 4–10 ms, docs/benchmarks.md).
Which plan PostgreSQL takes depends on the table's statistics and visibility map (an index-only
read needs a vacuumed table), which a test database does not hold steady; so the test asks for
the index that makes the fast plan possible, and for the search's answer.
"""

from __future__ import annotations

import pytest
from django.db import connection

from households import selectors
from households.models import Household
from regions.scoping import scope_by_region
from tests.households.factories import MemberFactory, household_with_head
from tests.regions.factories import assigned_user

pytestmark = pytest.mark.django_db


def test_households_have_an_index_of_their_id_with_their_village() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'household_id_region'")
        (definition,) = cursor.fetchone()

    assert definition.endswith(
        "ON public.households_household USING btree (id) INCLUDE (region_id)"
    )


def test_a_county_finds_its_name_matches_and_not_another_countys() -> None:
    county = assigned_user("plan_county", "county_supervisor", "520627000000")
    mine = [household_with_head() for _ in range(3)]
    for household in mine:
        MemberFactory(household=household, name="刘丽华")
    elsewhere = household_with_head(region_id="520602100200", household_no="5206021002000001")
    MemberFactory(household=elsewhere, name="刘丽华")
    households = scope_by_region(Household.objects.all(), county)

    found = selectors.search_candidates(households, "刘丽")

    assert sorted(found) == sorted(h.pk for h in mine)

"""A name search checks each matching member's household for the jurisdiction from an index.

The members matching a name prefix are read from the name index; whether their household lies
in the user's jurisdiction is then asked per household by its id. Without an index holding a
household's village beside its id, each of those probes read the household table, or PostgreSQL
built a hash of every household of the jurisdiction instead (a county's search at full scale:
68 ms; with ``household_id_region``: 4–10 ms, docs/benchmarks.md). The planner's choice between
those depends on the register's size, so the test fixes the join method and asks where the
probe reads: the index alone (PostgreSQL).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households import selectors
from households.models import Household
from regions.scoping import scope_by_region
from tests.households.factories import MemberFactory, household_with_head
from tests.regions.factories import assigned_user

pytestmark = pytest.mark.django_db


def test_the_jurisdiction_of_name_matches_is_read_from_the_index_alone() -> None:
    county = assigned_user("plan_county", "county_supervisor", "520627000000")
    for _ in range(3):
        MemberFactory(household=household_with_head(), name="刘丽华")
    households = scope_by_region(Household.objects.all(), county)

    with CaptureQueriesContext(connection) as captured:
        found = selectors.search_candidates(households, "刘丽")
    (by_name,) = [q["sql"] for q in captured if "households_member" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE households_household, households_member")
        for method in ("hashjoin", "mergejoin", "seqscan", "bitmapscan"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute("EXPLAIN " + by_name)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert len(found) == 3
    assert "Nested Loop" in plan
    assert "Index Only Scan using household_id_region" in plan

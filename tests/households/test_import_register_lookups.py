"""An import reads the rows its file names through the indexes, whatever the register's size.

Measured before: each lookup of a chunk of ID numbers joined and sorted every member and
household (the models' default ordering), and the planner, estimating a chunk's 20,000 numbers
as 20,000 rows, scanned the tables in full once per chunk — ten workbooks into one register
took 14.3 times the first instead of about ten.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from households.importing.register import Register, by_index
from tests.households.factories import household_with_head, income


def plans(queries: list[dict[str, Any]]) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute("EXPLAIN " + query["sql"])
            found.append("\n".join(row[0] for row in cursor.fetchall()))
    return found


def lookups(captured: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [q for q in captured if q["sql"].startswith("SELECT") and "= ANY(" in q["sql"]]


@pytest.mark.django_db
@pytest.mark.sqlite
def test_the_register_reads_members_and_incomes_without_joining_the_register() -> None:
    households = [household_with_head() for _ in range(3)]
    for household in households:
        income(household, 2019, 5000, 1)
    numbers = {h.household_no for h in households} | {"5206270000000000"}
    ids = {m.id_number for h in households for m in h.members.all()}

    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        register = Register.load(numbers, ids, lock=True)

    assert set(register.households) == numbers - {"5206270000000000"}
    assert set(register.members) == ids
    assert len(register.incomes) == 3 and sum(register.sizes.values()) == 3
    member_reads = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "households_member"' in q["sql"]
    ]
    income_reads = [q["sql"] for q in captured.captured_queries if "annualincome" in q["sql"]]
    assert len(member_reads) == 2 and len(income_reads) == 1
    for sql in member_reads + income_reads:
        assert "JOIN" not in sql and "ORDER BY" not in sql, sql


@pytest.mark.django_db
def test_postgresql_reads_the_named_rows_by_index_never_the_whole_table() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner")
    households = [household_with_head() for _ in range(5)]
    numbers = {h.household_no for h in households}
    ids = {m.id_number for h in households for m in h.members.all()}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE households_household, households_member")

    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        Register.load(numbers, ids, lock=True)
    queries = lookups(captured.captured_queries)
    assert len(queries) >= 2

    with transaction.atomic():
        # Index reads made to look dear, as they look to the planner for a chunk of 20,000
        # numbers: on its own it scans the tables whole.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL random_page_cost = 100000")
        on_their_own = plans(queries)
        with by_index():
            as_imported = plans(queries)
        after = plans(queries)
    # The import's lookups use the indexes all the same, and the setting ends with them.
    assert all("Seq Scan" in plan for plan in on_their_own), on_their_own
    assert not any("Seq Scan" in plan for plan in as_imported), as_imported
    assert after == on_their_own

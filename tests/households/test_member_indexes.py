"""The members' ID number has its unique index and no pattern index (PostgreSQL).

Nothing looks ID numbers up by prefix; the pattern index Django adds to a unique ``CharField``
was one of the three randomly ordered indexes each imported member is written into
(migration ``households.0013``). The lookups that exist — a whole ID number, as the search and
the import ask — still read the unique index.
"""

from __future__ import annotations

import pytest
from django.db import connection

from households.models import Member

pytestmark = pytest.mark.django_db


def member_indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'households_member'"
        )
        return dict(cursor.fetchall())


def test_the_id_number_has_a_unique_index_and_no_pattern_index() -> None:
    on_id_number = {
        name: definition
        for name, definition in member_indexes().items()
        if "(id_number" in definition
    }

    assert [d for d in on_id_number.values() if "varchar_pattern_ops" in d] == []
    assert [d for d in on_id_number.values() if d.startswith("CREATE UNIQUE INDEX")] != []


def test_a_whole_id_number_is_read_through_the_unique_index() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Member.objects.filter(id_number="522227199001011234").order_by().explain()

    assert "households_member_id_number_key" in plan

"""An import writes new members in the order of their ID numbers, with ids in the file's order.

Each new member goes into the unique index of ID numbers; written in ID-number order, each lands
next to the one before it rather than at a random place of an index a large register no longer
holds in memory (docs/benchmarks.md, "what grew"). The members' ids still follow the file, so
the register lists them as the file did (PostgreSQL's COPY; other databases insert in the
file's order).
"""

from __future__ import annotations

import pytest
from django.db import connection

from households.models import Member
from tests.households import import_files as f

pytestmark = pytest.mark.django_db


def test_new_members_are_written_by_id_number_and_numbered_in_the_files_order(operator):
    # given: families listed 3, 1, 2, so the file's ID numbers are not in order
    families = [f.family(3), f.family(1, size=4), f.family(2, size=2)]
    members = [m for _h, ms in families for m in ms]
    in_file = [m["证件号码"] for m in members]
    assert in_file != sorted(in_file)
    content = f.workbook(households=[h for h, _m in families], members=members)

    # when
    result = f.run(content, operator, commit=True)

    # then
    assert result.written, result.errors
    assert list(Member.objects.order_by("pk").values_list("id_number", flat=True)) == in_file
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM households_member ORDER BY ctid")
        written = [number for (number,) in cursor.fetchall()]
    assert written == sorted(in_file)

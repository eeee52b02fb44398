"""What an import needs of the register: the rows the file touches, read in bulk (and locked
when writing)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.db.models import QuerySet

from households.choices import Relation
from households.importing.validation import (
    HOUSEHOLD_FIELDS,
    INCOME_COMPARED,
    MEMBER_FIELDS,
)
from households.models import AnnualIncome, Household, Member

# -- phase 2: across sheets and against the register ------------------------------------------

CHUNK = 5000
ZERO = Decimal("0.00")


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    size = CHUNK * 4 if connection.vendor == "postgresql" else CHUNK
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _among(query: QuerySet[Any], column: str, values: list[Any]) -> QuerySet[Any]:
    """``column IN values``; on PostgreSQL as ``= ANY(array)``: one parameter instead of
    thousands, which Django would otherwise build and bind one by one."""
    if connection.vendor == "postgresql":
        return query.extra(where=[f"{column} = ANY(%s)"], params=[values])
    return query.filter(**{f"{column}__in": values})


@contextmanager
def by_index() -> Iterator[None]:
    """PostgreSQL reads the rows a chunk names through the indexes, never the whole table.

    A chunk of 20,000 numbers is estimated at 20,000 rows, and below a few million rows the
    planner scans the table instead of probing its unique index — once per chunk: measured at
    600,000 households, 95 ms a chunk of households and 245 ms a chunk of members where the
    index answers in about 1 ms, so each import took longer the larger the register already
    was. Set for the lookups only (``SET LOCAL``, in the caller's transaction), then reset."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():  # a savepoint in the import's transaction: rolled back, reset
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = on")


# Positions in Register.households values: (pk, version, *HOUSEHOLD_FIELDS).
PK, VERSION, REGION = 0, 1, 2 + HOUSEHOLD_FIELDS.index("region_id")
HOUSEHOLD_NO = 2 + HOUSEHOLD_FIELDS.index("household_no")
ID_NUMBER = 2 + MEMBER_FIELDS.index("id_number")  # in Register.members values


class _Shared:
    """Rows whose coded columns (code lists, village codes) hold one object per distinct value:
    the database gives a new string for every cell, and at Tongren's scale those copies of
    ``general`` and ``01`` were a third of the register's memory in an import."""

    def __init__(self, model: type[models.Model], fields: tuple[str, ...], offset: int) -> None:
        coded = [
            index
            for index, name in enumerate(fields)
            if name == "region_id" or getattr(model._meta.get_field(name), "choices", None)
        ]
        self.positions = [offset + index for index in coded]
        self.pool: dict[Any, Any] = {}

    def __call__(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        values = list(row)
        pool = self.pool
        for index in self.positions:
            value = values[index]
            values[index] = pool.setdefault(value, value)
        return tuple(values)


@dataclass
class Register:
    """The part of the register the file touches, read (and locked when writing) at once."""

    households: dict[str, tuple[Any, ...]]  # household_no → (id, region_id, version, *fields)
    members: dict[str, tuple[Any, ...]]  # id_number → (id, household_id, *fields)
    heads: dict[int, list[tuple[str, str]]]  # household_id → [(id_number, name)]
    sizes: Counter[int]  # household_id → members
    incomes: dict[tuple[int, int], tuple[Any, ...]]  # (household_id, year) → (id, *compared)

    @classmethod
    def load(cls, numbers: set[str], ids: set[str], lock: bool) -> Register:
        with by_index():
            return cls._load(numbers, ids, lock)

    @classmethod
    def _load(cls, numbers: set[str], ids: set[str], lock: bool) -> Register:
        # Members and incomes are read without their models' default ordering: ordered, each
        # lookup by ID number joined and sorted the whole register (a hash join of every member
        # and household per chunk).
        households: dict[str, tuple[Any, ...]] = {}
        query = Household.objects.order_by("pk")
        if lock:
            query = query.select_for_update()
        shared = _Shared(Household, HOUSEHOLD_FIELDS, offset=2)
        for chunk in _chunks(sorted(numbers)):
            for row in _among(query, "household_no", chunk).values_list(
                "pk", "version", *HOUSEHOLD_FIELDS
            ):
                households[row[HOUSEHOLD_NO]] = shared(row)
        members = {}
        shared = _Shared(Member, MEMBER_FIELDS, offset=2)
        for chunk in _chunks(sorted(ids)):
            for row in _among(Member.objects.order_by(), "id_number", chunk).values_list(
                "pk", "household_id", *MEMBER_FIELDS
            ):
                members[row[ID_NUMBER]] = shared(row)
        known = [values[0] for values in households.values()]
        heads: dict[int, list[tuple[str, str]]] = defaultdict(list)
        sizes: Counter[int] = Counter()
        incomes: dict[tuple[int, int], tuple[Any, ...]] = {}
        for chunk in _chunks(known):
            members_of = _among(Member.objects.order_by(), "household_id", chunk)
            for household_id, id_number, name, relation in members_of.values_list(
                "household_id", "id_number", "name", "relation"
            ):
                sizes[household_id] += 1
                if relation == Relation.HEAD:
                    heads[household_id].append((id_number, name))
            for household_id, pk, *compared in _among(
                AnnualIncome.objects.order_by(), "household_id", chunk
            ).values_list("household_id", "pk", *INCOME_COMPARED):
                # Most sub-items are 0: one zero for all (a new Decimal per cell otherwise).
                shared_zero = [ZERO if value == 0 else value for value in compared]
                incomes[(household_id, compared[0])] = (pk, *shared_zero)
        return cls(households, members, heads, sizes, incomes)

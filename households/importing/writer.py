"""Writing a checked import plan: in bulk, inside the caller's transaction.

New rows go in with PostgreSQL's COPY (``bulk_create`` on other databases), changed rows with
``bulk_update``; every household whose data changed gets its version bumped (so an edit made on
an older copy is refused) and one audit event with what changed.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import attrgetter, itemgetter
from typing import Any

from django.db import connection, models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from audit.models import AuditEvent, Category
from households.choices import Relation
from households.importing.cleaning import ModelCleaner
from households.importing.cross_checks import Plan
from households.importing.register import PK, REGION
from households.importing.validation import HOUSEHOLD_FIELDS, INCOME_FIELDS, MEMBER_FIELDS
from households.models import AnnualIncome, Household, Member

BATCH = 2000
HOUSEHOLD_UPDATED = [f if f != "region_id" else "region" for f in HOUSEHOLD_FIELDS[1:]]
MEMBER_UPDATED = [f for f in MEMBER_FIELDS if f != "id_number"]
INCOME_UPDATED = [*AnnualIncome.INPUTS, "member_count", "property_total", "transfer_total",
                  "net_income", "per_capita_net_income"]  # fmt: skip


def _insert_columns(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


class Writer:
    def __init__(self, *, plan: Plan, actor: Any, use_copy: bool | None, source: str) -> None:
        self.plan = plan
        self.actor = actor
        self.copy = connection.vendor == "postgresql" if use_copy is None else use_copy
        self.source = source
        self.now = timezone.now()
        self.ids: dict[str, int] = {no: v[PK] for no, v in plan.register.households.items()}
        self.touched: Counter[str] = Counter()  # household_no → rows written for it

    def write(self) -> None:
        self._households()
        self._members()
        self._incomes()
        self._bump_and_record()

    # -- inserting --------------------------------------------------------------------------

    def _insert(
        self,
        model: type[models.Model],
        names: Sequence[str],
        rows: Iterable[tuple[Any, ...]],
        count: int = 0,
        with_ids: bool = False,
        written_by: Callable[[tuple[Any, ...]], Any] | None = None,
    ) -> list[int]:
        """Insert rows, each a tuple of the values of ``names`` (attnames; the other columns
        take the field's default), streamed. With COPY a row goes from its tuple to the wire
        with one ``itemgetter`` call, no dict or model instance in between.
        ``count`` is needed ``with_ids``. ``written_by`` (COPY ``with_ids``): the rows keep the
        ids of their order but are written in the order of this key (read into memory)."""
        if not self.copy:
            manager = model._default_manager
            ids: list[int] = []
            batch: list[models.Model] = []
            for row in itertools.chain(rows, [None]):
                if row is not None:
                    batch.append(model(**dict(zip(names, row, strict=True))))
                if len(batch) == BATCH or (row is None and batch):
                    ids += [obj.pk for obj in manager.bulk_create(batch)]
                    batch = []
            return ids
        columns = _insert_columns(model)
        ids = []
        if with_ids and count:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [model._meta.db_table, count],
                )
                ids = [value for (value,) in cursor.fetchall()]
        # Each COPY row is picked out of (*row, *defaults): a given value or the default.
        given = {name: index for index, name in enumerate(names)}
        defaults = tuple(self._default(f) for f in columns)
        picked = [given.get(f.attname, len(names) + n) for n, f in enumerate(columns)]
        pick = itemgetter(*picked)
        json_given = [given[f.attname] for f in columns
                      if isinstance(f, models.JSONField) and f.attname in given]  # fmt: skip
        targets = (["id"] if with_ids else []) + [f.attname for f in columns]
        quoted = ", ".join(connection.ops.quote_name(c) for c in targets)
        copy_sql = f"COPY {model._meta.db_table} ({quoted}) FROM STDIN"
        numbered: Iterable[tuple[int | None, tuple[Any, ...]]] = (
            zip(ids, rows, strict=True) if with_ids else ((None, row) for row in rows)
        )
        if with_ids and written_by is not None:
            numbered = sorted(numbered, key=lambda pair: written_by(pair[1]))
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            write = copy.write_row
            for pk, row in numbered:
                if json_given:
                    values = list(row)
                    for position in json_given:
                        values[position] = json.dumps(values[position])
                    row = tuple(values)
                if with_ids:
                    write((pk, *pick(row + defaults)))
                else:
                    write(pick(row + defaults))
        return ids

    def _default(self, f: models.Field) -> Any:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return self.now
        value = f.get_default()
        return json.dumps(value) if isinstance(f, models.JSONField) else value

    # -- households, members, incomes -------------------------------------------------------

    def _households(self) -> None:
        new = [row for row in self.plan.households.values() if row.status == "new"]
        created = ((*(row.values or ()), 1) for row in new)
        names = (*HOUSEHOLD_FIELDS, "version")
        ids = self._insert(Household, names, created, count=len(new), with_ids=True)
        for row, pk in zip(new, ids, strict=True):
            self.ids[row.household_no] = pk
        changed = [
            Household(
                pk=self.ids[row.household_no],
                **dict(zip(HOUSEHOLD_FIELDS, row.values or (), strict=True)),
            )
            for row in self.plan.households.values()
            if row.status == "updated"
        ]
        Household.objects.bulk_update(changed, HOUSEHOLD_UPDATED, batch_size=BATCH)
        for row in self.plan.households.values():
            if row.status == "updated":
                self.touched[row.household_no] += 1

    def _members(self) -> None:
        register = self.plan.register
        updates = []
        for row in self.plan.members:
            if row.status == "updated":
                values = dict(zip(MEMBER_FIELDS, row.values or (), strict=True))
                updates.append(Member(pk=register.members[values["id_number"]][0], **values))
                self.touched[row.household_no] += 1
        # A head hands over before the new head takes over (one head per household, always).
        for heads in (False, True):
            batch = [m for m in updates if (m.relation == Relation.HEAD) is heads]
            Member.objects.bulk_update(batch, MEMBER_UPDATED, batch_size=BATCH)
        new = [row for row in self.plan.members if row.status == "new"]
        for row in new:
            self.touched[row.household_no] += 1
        ids = self.ids
        created = ((*(row.values or ()), ids[row.household_no], *row.extra) for row in new)
        # The members keep ids in the order of the file, and are written in the order of
        # their ID number: each goes into the unique index of ID numbers, which a large
        # register no longer holds in memory, next to the one before it, instead of at a
        # random place (docs/benchmarks.md, "what grew").
        self._insert(
            Member,
            (*MEMBER_FIELDS, "household_id", "sex", "birth_date"),
            created,
            count=len(new),
            with_ids=True,
            written_by=itemgetter(MEMBER_FIELDS.index("id_number")),
        )

    def _incomes(self) -> None:
        sizes = self.plan.sizes
        builder = ModelCleaner(AnnualIncome, checked=())
        columns = tuple(f.attname for f in _insert_columns(AnnualIncome))
        values_of = attrgetter(*columns)

        def created() -> Iterator[tuple[Any, ...]]:
            for row in self.plan.incomes:
                if row.status == "new":
                    household_id = self.ids[row.household_no]
                    values = dict(zip(INCOME_FIELDS, row.values or (), strict=True))
                    income = builder.build(
                        {**values, "household_id": household_id,
                         "member_count": sizes[row.household_no]}
                    )  # fmt: skip
                    income.compute_totals()
                    yield values_of(income)

        register = self.plan.register
        changed: dict[int, dict[str, Any]] = {}
        for row in self.plan.incomes:
            if row.status in ("new", "updated"):
                self.touched[row.household_no] += 1
            if row.status == "updated":
                values = dict(zip(INCOME_FIELDS, row.values or (), strict=True))
                key = (self.ids[row.household_no], values["year"])
                changed[register.incomes[key][0]] = {
                    **values, "member_count": sizes[row.household_no]
                }  # fmt: skip
        self._insert(AnnualIncome, columns, created())
        stored = AnnualIncome.objects.in_bulk([*changed, *self.plan.resized])
        corrected = [_corrected(stored[pk], values) for pk, values in changed.items()]
        for pk, (household_no, _year, _old, size) in self.plan.resized.items():
            corrected.append(_resized(stored[pk], size))
            self.touched[household_no] += 1
        AnnualIncome.objects.bulk_update(corrected, INCOME_UPDATED, batch_size=BATCH)

    # -- versions and the audit trail --------------------------------------------------------

    def _bump_and_record(self) -> None:
        register = self.plan.register
        existing = [no for no in self.touched if no in register.households]
        pks = [self.ids[no] for no in existing]
        for start in range(0, len(pks), BATCH):
            Household.objects.filter(pk__in=pks[start : start + BATCH]).update(
                version=F("version") + 1, updated=self.now
            )
        actor = self.actor if getattr(self.actor, "is_authenticated", False) else None
        AuditEvent.objects.bulk_create(
            (self._event(no, actor) for no in existing), batch_size=BATCH
        )

    def _event(self, household_no: str, actor: Any) -> AuditEvent:
        old = self.plan.register.households[household_no]
        row = self.plan.households.get(household_no)
        changes: dict[str, Any] = {}
        if row is not None and row.status == "updated" and row.values is not None:
            before = dict(zip(HOUSEHOLD_FIELDS, old[2:], strict=True))
            after = dict(zip(HOUSEHOLD_FIELDS, row.values, strict=True))
            changes = {
                ("region" if name == "region_id" else name): [events._plain(a), events._plain(b)]
                for name, (a, b) in ((n, (before[n], after[n])) for n in HOUSEHOLD_FIELDS)
                if a != b
            }
        changes["import"] = [None, self.source]
        return AuditEvent(
            actor=actor,
            category=Category.DATA,
            action="household.imported",
            object_type="households.household",
            object_id=str(old[PK]),
            subject_type="households.household",
            subject_id=str(old[PK]),
            region_code=str(row.values[REGION - 2] if row and row.values else old[REGION]),
            summary=(_("Changed by an import (%(source)s)") % {"source": self.source})[:255],
            changes=changes,
        )


def _corrected(income: AnnualIncome, values: dict[str, Any]) -> AnnualIncome:
    """A registered income row with the file's figures (every input: a group the file gives as
    a total only was resolved against this row already, ``income_items.resolved``)."""
    for name, value in values.items():
        setattr(income, name, value)
    income.compute_totals()
    return income


def _resized(income: AnnualIncome, size: int) -> AnnualIncome:
    """A registered income row with the household's new size: per capita recomputed."""
    income.member_count = size
    income.compute_totals()
    return income

"""Writing a checked import plan: in bulk, inside the caller's transaction.

New rows go in with PostgreSQL's COPY (``bulk_create`` on other databases), changed rows with
``bulk_update``; every household whose data changed gets its version bumped (so an edit made on
an older copy is refused) and one audit event with what changed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from audit.models import AuditEvent, Category
from households.choices import Relation
from households.imports import (
    HOUSEHOLD_FIELDS,
    INCOME_FIELDS,
    MEMBER_FIELDS,
    PK,
    REGION,
    Plan,
)
from households.models import AnnualIncome, Household, Member

BATCH = 2000
HOUSEHOLD_UPDATED = [f if f != "region_id" else "region" for f in HOUSEHOLD_FIELDS[1:]]
MEMBER_UPDATED = [f for f in MEMBER_FIELDS if f != "id_number"]
INCOME_UPDATED = [*AnnualIncome.INPUTS, "property_total", "transfer_total", "net_income",
                  "per_capita_net_income"]  # fmt: skip


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
        self, model: type[models.Model], rows: list[dict[str, Any]], with_ids: bool = False
    ) -> list[int]:
        """Insert rows (attname → value; the rest takes the field's default)."""
        if not rows:
            return []
        if not self.copy:
            manager = model._default_manager
            objects = manager.bulk_create([model(**row) for row in rows], batch_size=BATCH)
            return [obj.pk for obj in objects]
        columns = _insert_columns(model)
        ids: list[int] = []
        if with_ids:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [model._meta.db_table, len(rows)],
                )
                ids = [value for (value,) in cursor.fetchall()]
        defaults = {f.attname: self._default(f) for f in columns}
        names = [f.attname for f in columns]
        json_columns = {f.attname for f in columns if isinstance(f, models.JSONField)}
        prefix = ["id"] if with_ids else []
        quoted = ", ".join(connection.ops.quote_name(c) for c in prefix + names)

        def lines() -> Iterator[Sequence[Any]]:
            for index, row in enumerate(rows):
                values = [
                    json.dumps(row[n])
                    if n in json_columns and n in row
                    else row.get(n, defaults[n])
                    for n in names
                ]
                yield [ids[index], *values] if with_ids else values

        with connection.cursor() as cursor:
            copy_sql = f"COPY {model._meta.db_table} ({quoted}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for line in lines():
                    copy.write_row(line)
        return ids

    def _default(self, f: models.Field) -> Any:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return self.now
        value = f.get_default()
        return json.dumps(value) if isinstance(f, models.JSONField) else value

    # -- households, members, incomes -------------------------------------------------------

    def _households(self) -> None:
        new = [row for row in self.plan.households.values() if row.status == "new"]
        created = [dict(zip(HOUSEHOLD_FIELDS, row.values or (), strict=True)) for row in new]
        for values in created:
            values.update(version=1, created=self.now, updated=self.now)
        ids = self._insert(Household, created, with_ids=True)
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
        created = []
        for row in self.plan.members:
            if row.status == "new":
                values = dict(zip(MEMBER_FIELDS, row.values or (), strict=True))
                sex, birth_date = row.extra
                created.append(
                    {
                        **values,
                        "household_id": self.ids[row.household_no],
                        "sex": sex,
                        "birth_date": birth_date,
                    }
                )
                self.touched[row.household_no] += 1
        self._insert(Member, created)

    def _incomes(self) -> None:
        register = self.plan.register
        new_members = Counter(row.household_no for row in self.plan.members if row.status == "new")
        created, changed = [], []
        for row in self.plan.incomes:
            if row.status not in ("new", "updated"):
                continue
            self.touched[row.household_no] += 1
            household_id = self.ids[row.household_no]
            values = dict(zip(INCOME_FIELDS, row.values or (), strict=True))
            if row.status == "new":
                size = register.sizes[household_id] + new_members[row.household_no]
                income = AnnualIncome(
                    household_id=household_id, member_count=max(size, 1), **values
                )
                income.compute_totals()
                created.append(
                    {f.attname: getattr(income, f.attname) for f in _insert_columns(AnnualIncome)}
                )
            else:
                changed.append(_corrected(register.incomes[(household_id, values["year"])], values))
        self._insert(AnnualIncome, created)
        AnnualIncome.objects.bulk_update(changed, INCOME_UPDATED, batch_size=BATCH)

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


def _corrected(old: dict[str, Any], values: dict[str, Any]) -> AnnualIncome:
    """An income row with the file's figures. The file has only the property and transfer
    totals: a total that differs replaces the split with the one "other" item."""
    income = AnnualIncome(**old)
    income.wage, income.business = values["wage"], values["business"]
    income.business_expense = values["business_expense"]
    for names, total_name, other in (
        (AnnualIncome.PROPERTY, "property_total", "property_other"),
        (AnnualIncome.TRANSFER, "transfer_total", "transfer_other"),
    ):
        if Decimal(values[other]) != Decimal(old[total_name]):
            for name in names:
                setattr(income, name, Decimal(0))
            setattr(income, other, values[other])
    income.compute_totals()
    return income

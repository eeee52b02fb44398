"""Importing the register from the national format: check every row, then write in one go.

``run_import`` reads the upload (``households.resources``), validates each row with the model's
own ``full_clean()`` (fields, ``clean()``, the ID-number parser), adds the checks across rows and
sheets, compares with the register and — when asked to commit — writes everything in one
transaction: all rows or nothing by default, or only the valid rows when that was chosen.
A dry run is the same run without the write.
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.db.models.base import ModelState
from django.utils.translation import gettext as _

from households.choices import Relation
from households.id_numbers import parse_id_number
from households.models import AnnualIncome, Household, Member
from households.resources import (
    CONVERTERS,
    HOUSEHOLD_SHEET,
    HOUSEHOLDS,
    INCOME_SHEET,
    INCOMES,
    MEMBER_SHEET,
    MEMBERS,
    SHEETS,
    RowError,
    Sheet,
    SheetData,
    is_blank,
    no_data_rows,
    read_upload,
    text,
)
from regions.models import Region
from regions.scoping import jurisdiction_prefix

Progress = Callable[[int, str], None]
CHUNK = 5000
# Fields each sheet sets, in the order rows are kept (head_* columns are checks, not fields).
HOUSEHOLD_FIELDS = tuple(
    c.field if c.field != "region" else "region_id"
    for c in HOUSEHOLD_SHEET.columns
    if not c.field.startswith("head_")
)
MEMBER_FIELDS = tuple(c.field for c in MEMBER_SHEET.columns if c.field != "household_no")
INCOME_FIELDS = tuple(c.field for c in INCOME_SHEET.columns if c.field != "household_no")
# What an income row is compared on: the file holds the property and transfer totals.
INCOME_COMPARED = ("year", "wage", "business", "business_expense", "property_total",
                   "transfer_total")  # fmt: skip


@dataclass
class Result:
    counts: dict[str, dict[str, int]]
    errors: list[RowError]
    written: bool = False

    @property
    def invalid_rows(self) -> int:
        return sum(sheet["invalid"] for sheet in self.counts.values())


@dataclass(slots=True)
class Row:
    """A data row: its spreadsheet number, the household it belongs to, its values if valid."""

    number: int
    household_no: str
    values: tuple[Any, ...] | None
    extra: Any = None  # head name and ID (households), totals (incomes)
    status: str = ""  # new, updated, unchanged, invalid

    @property
    def valid(self) -> bool:
        return self.values is not None


_MISSING = object()


class ModelCleaner:
    """``full_clean()`` of one model for many rows, remembering the field checks of values it
    has seen (a code list has few values): the rules run are the model's own, unchanged.
    Only the fields the file sets are checked (the rest keep the model's defaults); foreign keys
    and uniqueness are checked in bulk by the caller."""

    MEMO_LIMIT = 5000

    def __init__(self, model: type[models.Model], checked: Iterable[str]) -> None:
        self.model = model
        checked = set(checked)
        self.fields = [f for f in model._meta.concrete_fields if f.attname in checked]
        self.exclude = {f.name for f in model._meta.concrete_fields if f.attname not in checked}
        self.memo: dict[str, dict[Any, tuple[Any, Any]]] = {f.name: {} for f in self.fields}
        # Model.__init__ is the costliest step of a row: rows start from the field values of
        # one instance made the normal way (its defaults) instead.
        prototype = model()
        self.defaults = {k: v for k, v in prototype.__dict__.items() if k != "_state"}

    def build(self, values: dict[str, Any]) -> Any:
        instance = self.model.__new__(self.model)
        instance.__dict__.update(self.defaults)
        instance.__dict__.update(values)
        instance._state = ModelState()
        return instance

    def clean(self, instance: models.Model) -> dict[str, list[ValidationError]]:
        skip = set(self.exclude)
        errors: dict[str, list[ValidationError]] = {}
        fresh = []
        for f in self.fields:
            raw = getattr(instance, f.attname)
            hit: Any
            try:
                hit = self.memo[f.name].get(raw, _MISSING)
            except TypeError:  # unhashable (a list): not remembered
                hit = _MISSING
            if hit is _MISSING:
                fresh.append((f, raw))
                continue
            skip.add(f.name)
            value, known_errors = hit
            if known_errors:
                errors[f.name] = known_errors
            else:
                setattr(instance, f.attname, value)
        try:
            instance.clean_fields(exclude=skip)
        except ValidationError as error:
            errors.update(error.error_dict)
        for f, raw in fresh:
            memo = self.memo[f.name]
            if len(memo) < self.MEMO_LIMIT and not isinstance(raw, list):
                memo[raw] = (getattr(instance, f.attname), errors.get(f.name))
        if errors:  # clean() compares fields, so it needs them valid first (as a form has them)
            return errors
        try:
            instance.clean()
        except ValidationError as error:
            errors.update(error.update_error_dict({}))
        return errors


class Converter:
    """Cells of one sheet → model values, by column position; an empty numeric cell takes the
    model field's default (0 for amounts and months) or None."""

    def __init__(self, data: SheetData, model: type[models.Model]) -> None:
        self.data = data
        self.plan = []
        for column in data.sheet.columns:
            default = None
            if column.kind in ("int", "decimal"):
                model_field: Any = model._meta.get_field(column.field)
                default = model_field.get_default() if model_field.has_default() else None
            converter = CONVERTERS[column.kind]
            self.plan.append(
                (column.field, data.positions[column.field], column, converter, default)
            )

    def values(self, cells: Any) -> dict[str, Any]:
        width = len(cells)
        values = {}
        for name, index, column, converter, default in self.plan:
            cell = cells[index] if index < width else None
            if default is not None or column.kind in ("int", "decimal"):
                values[name] = default if is_blank(cell) else converter(cell, column)
            else:
                values[name] = converter(cell, column)
        return values

    def cells(self, cells: Any) -> dict[str, Any]:
        """The raw cells by field, for error messages."""
        width = len(cells)
        return {
            name: cells[index] if index < width else None
            for name, index in self.data.positions.items()
        }


@dataclass
class Context:
    """What the checks need from outside the file."""

    prefix: str  # the importer's jurisdiction ("" = everything)
    regions: dict[str, Region]
    errors: list[RowError] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)  # repeated rows kept out of the plan

    def error(self, sheet: str, row: int, column: str, value: Any, message: str) -> None:
        self.errors.append(RowError(sheet, row, column, text(value)[:200], str(message)))


def _messages(
    errors: dict[str, list[ValidationError]], sheet: Sheet, cells: dict[str, Any], model: Any
) -> Iterator[tuple[str, Any, str]]:
    """(column header, cell, message) for a model's errors; an empty required cell says so."""
    headers = {c.field: c.header for c in sheet.columns}
    headers["region_id"] = headers.get("region", "")
    for name, found in errors.items():
        column = headers.get(name, "") if name != NON_FIELD_ERRORS else ""
        cell = cells.get(name, "")
        for error in found:
            message = " ".join(error.messages)
            if is_blank(cell) and name in headers and error.code in {"null", "invalid", "blank"}:
                message = str(model._meta.get_field(name).error_messages["blank"])
            yield column, cell, message


# -- phase 1: each row on its own -----------------------------------------------------------


def check_households(data: SheetData, ctx: Context, tick: Callable[[], None]) -> dict[str, Row]:
    if data.empty:
        return {}
    cleaner = ModelCleaner(Household, checked=set(HOUSEHOLD_FIELDS) - {"region_id"})
    converter = Converter(data, Household)
    rows: dict[str, Row] = {}
    duplicates: dict[str, list[int]] = defaultdict(list)
    for number, cells in data.numbered_rows():
        tick()
        values = converter.values(cells)
        head_name, head_id = values.pop("head_name"), values.pop("head_id_number")
        code = values.pop("region")
        region = ctx.regions.get(code)
        household = cleaner.build({**values, "region_id": region.pk if region else None})
        if region is not None:
            household._state.fields_cache["region"] = region
        found = cleaner.clean(household)
        raw = converter.cells(cells) if found else {}
        errors = list(_messages(found, HOUSEHOLD_SHEET, raw, Household))
        if code not in ctx.regions:
            errors.append(("村代码", code, _("There is no region with this code.")))
        elif not code.startswith(ctx.prefix):
            errors.append(("村代码", code, _("This village is outside your jurisdiction.")))
        try:
            head_id = parse_id_number(head_id).number
        except ValidationError as error:
            errors.append(("户主证件号码", head_id, " ".join(error.messages)))
        for column, cell, message in errors:
            ctx.error(HOUSEHOLDS, number, column, cell, message)
        number_key = household.household_no
        row = Row(number, number_key, None, (head_name, head_id))
        if not errors:
            row.values = tuple(getattr(household, name) for name in HOUSEHOLD_FIELDS)
        if number_key in rows or number_key in duplicates:
            duplicates[number_key].append(number)
            continue
        rows[number_key] = row
    for number_key, numbers in duplicates.items():
        first = rows[number_key]
        first.values = None
        ctx.dropped[HOUSEHOLDS] += len(numbers)
        for number in [first.number, *numbers]:
            others = "、".join(str(n) for n in [first.number, *numbers] if n != number)
            ctx.error(HOUSEHOLDS, number, "户编号", number_key,
                      _("This household number appears more than once in the sheet "
                        "(also row %(rows)s).") % {"rows": others})  # fmt: skip
    return rows


def check_members(data: SheetData, ctx: Context, tick: Callable[[], None]) -> list[Row]:
    if data.empty:
        return []
    cleaner = ModelCleaner(Member, checked=MEMBER_FIELDS)
    numbers: dict[str, str] = {}  # one string per household number, shared by its rows
    converter = Converter(data, Member)
    rows: list[Row] = []
    seen: dict[str, list[Row]] = defaultdict(list)
    for number, cells in data.numbered_rows():
        tick()
        values = converter.values(cells)
        household_no = numbers.setdefault(values["household_no"], values.pop("household_no"))
        member = cleaner.build(values)
        errors = cleaner.clean(member)
        raw = converter.cells(cells) if errors else {}
        for column, cell, message in _messages(errors, MEMBER_SHEET, raw, Member):
            ctx.error(MEMBERS, number, column, cell, message)
        row = Row(number, household_no, None)
        if not errors:
            row.values = tuple(getattr(member, name) for name in MEMBER_FIELDS)
            row.extra = (member.sex, member.birth_date)
        if member.id_number:
            seen[member.id_number].append(row)
        rows.append(row)
    for id_number, same in seen.items():
        if len(same) > 1:
            for row in same:
                others = "、".join(str(other.number) for other in same if other is not row)
                row.values = None
                ctx.error(MEMBERS, row.number, "证件号码", id_number,
                          _("This ID number appears more than once in the file "
                            "(also row %(rows)s).") % {"rows": others})  # fmt: skip
    return rows


def check_incomes(data: SheetData, ctx: Context, tick: Callable[[], None]) -> list[Row]:
    if data.empty:
        return []
    cleaner = ModelCleaner(AnnualIncome, checked=INCOME_FIELDS)
    converter = Converter(data, AnnualIncome)
    rows: list[Row] = []
    seen: dict[tuple[str, Any], list[Row]] = defaultdict(list)
    for number, cells in data.numbered_rows():
        tick()
        values = converter.values(cells)
        household_no = values.pop("household_no")
        income = cleaner.build({**values, "member_count": 1})
        errors = cleaner.clean(income)
        raw = converter.cells(cells) if errors else {}
        for column, cell, message in _messages(errors, INCOME_SHEET, raw, AnnualIncome):
            ctx.error(INCOMES, number, column, cell, message)
        row = Row(number, household_no, None)
        if not errors:
            row.values = tuple(getattr(income, name) for name in INCOME_FIELDS)
        seen[(household_no, income.year)].append(row)
        rows.append(row)
    for (_household_no, year), same in seen.items():
        if len(same) > 1:
            for row in same:
                others = "、".join(str(other.number) for other in same if other is not row)
                row.values = None
                ctx.error(INCOMES, row.number, "年度", year,
                          _("This household has this year more than once in the sheet "
                            "(also row %(rows)s).") % {"rows": others})  # fmt: skip
    return rows


# -- phase 2: across sheets and against the register ------------------------------------------


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


# Positions in Register.households values: (pk, version, *HOUSEHOLD_FIELDS).
PK, VERSION, REGION = 0, 1, 2 + HOUSEHOLD_FIELDS.index("region_id")


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
        households: dict[str, tuple[Any, ...]] = {}
        query = Household.objects.order_by("pk")
        if lock:
            query = query.select_for_update()
        for chunk in _chunks(sorted(numbers)):
            for row in _among(query, "household_no", chunk).values_list(
                "household_no", "pk", "version", *HOUSEHOLD_FIELDS
            ):
                households[row[0]] = row[1:]
        members = {}
        for chunk in _chunks(sorted(ids)):
            for row in _among(Member.objects.all(), "id_number", chunk).values_list(
                "id_number", "pk", "household_id", *MEMBER_FIELDS
            ):
                members[row[0]] = row[1:]
        known = [values[0] for values in households.values()]
        heads: dict[int, list[tuple[str, str]]] = defaultdict(list)
        sizes: Counter[int] = Counter()
        incomes: dict[tuple[int, int], tuple[Any, ...]] = {}
        for chunk in _chunks(known):
            members_of = _among(Member.objects.all(), "household_id", chunk)
            for household_id, id_number, name, relation in members_of.values_list(
                "household_id", "id_number", "name", "relation"
            ):
                sizes[household_id] += 1
                if relation == Relation.HEAD:
                    heads[household_id].append((id_number, name))
            for household_id, pk, *compared in _among(
                AnnualIncome.objects.all(), "household_id", chunk
            ).values_list("household_id", "pk", *INCOME_COMPARED):
                incomes[(household_id, compared[0])] = (pk, *compared)
        return cls(households, members, heads, sizes, incomes)


@dataclass
class Plan:
    households: dict[str, Row]
    members: list[Row]
    incomes: list[Row]
    register: Register


def cross_check(plan: Plan, ctx: Context) -> None:
    """The rules across rows: households exist and are in reach, IDs are not someone else's,
    one head per household; rows of a household that cannot be imported cannot be either."""
    register, households = plan.register, plan.households
    for number_key, row in households.items():
        existing = register.households.get(number_key)
        if existing is not None and not str(existing[REGION]).startswith(ctx.prefix):
            ctx.error(HOUSEHOLDS, row.number, "户编号", number_key,
                      _("This household number belongs to a household outside your "
                        "jurisdiction."))  # fmt: skip
            row.values = None
    _check_member_households(plan, ctx)
    _check_heads(plan, ctx)
    _cascade(plan, ctx)


def _household_state(plan: Plan, ctx: Context, number_key: str) -> str:
    """ "file" (a valid row), "invalid" (a row with errors), "register", or "" (nowhere)."""
    row = plan.households.get(number_key)
    if row is not None:
        return "file" if row.valid else "invalid"
    existing = plan.register.households.get(number_key)
    if existing is not None and str(existing[REGION]).startswith(ctx.prefix):
        return "register"
    return ""


def _check_member_households(plan: Plan, ctx: Context) -> None:
    register = plan.register
    for sheet, rows in ((MEMBERS, plan.members), (INCOMES, plan.incomes)):
        for row in rows:
            if not row.valid:
                continue
            if _household_state(plan, ctx, row.household_no) == "":
                ctx.error(sheet, row.number, "户编号", row.household_no,
                          _("There is no such household in the sheet 贫困户 nor in the "
                            "register of your jurisdiction."))  # fmt: skip
                row.values = None
    for row in plan.members:
        if not row.valid:
            continue
        assert row.values is not None
        existing = register.members.get(row.values[1])
        household = register.households.get(row.household_no)
        if existing is not None and (household is None or existing[1] != household[0]):
            ctx.error(
                MEMBERS,
                row.number,
                "证件号码",
                row.values[1],
                _("This ID number is already registered in another household."),
            )
            row.values = None


def _check_heads(plan: Plan, ctx: Context) -> None:
    """Exactly one head (与户主关系 01) after the import: the one the sheet 贫困户 names."""
    register = plan.register
    by_household: dict[str, list[Row]] = defaultdict(list)
    for row in plan.members:
        by_household[row.household_no].append(row)
    touched = {no for no, row in plan.households.items() if row.valid} | set(by_household)
    relation = MEMBER_FIELDS.index("relation")
    for number_key in touched:
        if _household_state(plan, ctx, number_key) not in ("file", "register"):
            continue
        file_rows = by_household.get(number_key, [])
        in_file = {row.values[1]: row.values for row in file_rows if row.values is not None}
        existing = register.households.get(number_key)
        heads = {
            id_number: name
            for id_number, name in (register.heads.get(existing[0], []) if existing else [])
            if id_number not in in_file
        }
        heads.update(
            (values[1], values[0])
            for values in in_file.values()
            if values[relation] == Relation.HEAD
        )
        household_row = plan.households.get(number_key)
        message = ""
        if len(heads) != 1:
            message = _(
                "A household has exactly one head (与户主关系 户主 / 01); after this import it "
                "would have %(count)s."
            ) % {"count": len(heads)}
        elif household_row is not None:
            head_name, head_id = household_row.extra
            (id_number, name), = heads.items()  # fmt: skip
            if head_id != id_number:
                message = _("The head's ID number differs from the head in the sheet 家庭成员.")
            elif head_name != name:
                message = _("The head's name differs from the head in the sheet 家庭成员.")
        if not message:
            continue
        if household_row is not None:
            ctx.error(HOUSEHOLDS, household_row.number, "户主证件号码",
                      household_row.extra[1], message)  # fmt: skip
            household_row.values = None
        else:
            for row in file_rows:
                if row.valid:
                    ctx.error(MEMBERS, row.number, "与户主关系",
                              row.values[relation] if row.values else "", message)  # fmt: skip
                    row.values = None


def _cascade(plan: Plan, ctx: Context) -> None:
    for sheet, rows in ((MEMBERS, plan.members), (INCOMES, plan.incomes)):
        for row in rows:
            household_row = plan.households.get(row.household_no)
            if row.valid and household_row is not None and not household_row.valid:
                ctx.error(sheet, row.number, "户编号", row.household_no,
                          _("The household's row %(row)s in the sheet 贫困户 has errors, so "
                            "this row cannot be imported either.")
                          % {"row": household_row.number})  # fmt: skip
                row.values = None


# -- phase 3: compare ---------------------------------------------------------------------------


def classify(plan: Plan, dropped: Counter[str]) -> dict[str, dict[str, int]]:
    register = plan.register
    counts = {
        sheet.name: {"new": 0, "updated": 0, "unchanged": 0, "invalid": dropped[sheet.name]}
        for sheet in SHEETS
    }
    for number_key, row in plan.households.items():
        existing = register.households.get(number_key)
        row.status = (
            "invalid" if not row.valid
            else "new" if existing is None
            else "unchanged" if tuple(existing[2:]) == row.values
            else "updated"
        )  # fmt: skip
        counts[HOUSEHOLDS][row.status] += 1
    for row in plan.members:
        old = register.members.get(row.values[1]) if row.values else None
        row.status = (
            "invalid" if not row.valid
            else "new" if old is None
            else "unchanged" if tuple(old[2:]) == row.values
            else "updated"
        )  # fmt: skip
        counts[MEMBERS][row.status] += 1
    for row in plan.incomes:
        row.status = "invalid" if not row.valid else _income_status(plan, row)
        counts[INCOMES][row.status] += 1
    return counts


def _income_status(plan: Plan, row: Row) -> str:
    household = plan.register.households.get(row.household_no)
    assert row.values is not None
    old = plan.register.incomes.get((household[0], row.values[0])) if household else None
    if old is None:
        return "new"
    return "unchanged" if tuple(row.values) == tuple(old[1:]) else "updated"


# -- the run ------------------------------------------------------------------------------------


def _ticker(total: int, progress: Progress, start: int, span: int) -> Callable[[], None]:
    state = {"done": 0, "shown": -1}
    step = max(1, total // 50)

    def tick() -> None:
        state["done"] += 1
        if state["done"] % step == 0:
            percent = start + span * min(state["done"], total) // max(total, 1)
            if percent != state["shown"]:
                state["shown"] = percent
                progress(percent, _("Checking rows"))

    return tick


def run_import(
    *,
    path: Path,
    original_name: str,
    actor: Any,
    commit: bool = False,
    valid_only: bool = False,
    progress: Progress | None = None,
    on_written: Callable[[Result], None] | None = None,
    use_copy: bool | None = None,
    source: str = "",
) -> Result:
    """Dry run (``commit=False``) or import. Raises resources.FileError for an unreadable file.

    With ``commit``, writes when no row is invalid — or, with ``valid_only``, the valid rows —
    in one transaction, at the end of which ``on_written`` runs (the job records its state
    there, so the data and the job's status are committed together).
    """
    # Millions of small objects that live to the end: the cyclic collector would walk them
    # again and again for nothing (nothing here makes cycles), so it pauses during the run.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run_import(
            path=path,
            original_name=original_name,
            actor=actor,
            commit=commit,
            valid_only=valid_only,
            progress=progress or (lambda percent, stage: None),
            on_written=on_written,
            use_copy=use_copy,
            source=source,
        )
    finally:
        if collecting:
            gc.enable()


def _run_import(
    *,
    path: Path,
    original_name: str,
    actor: Any,
    commit: bool,
    valid_only: bool,
    progress: Progress,
    on_written: Callable[[Result], None] | None,
    use_copy: bool | None,
    source: str,
) -> Result:
    upload = read_upload(path, original_name)
    ctx = Context(
        prefix=jurisdiction_prefix(actor) or "",
        regions={r.code: r for r in Region.objects.only("code", "level", "parent_id")},
    )
    checks = [
        (name, check)
        for name, check in ((HOUSEHOLDS, check_households), (MEMBERS, check_members),
                            (INCOMES, check_incomes))
        if name in upload.sheets
    ]  # fmt: skip
    found: dict[str, Any] = {HOUSEHOLDS: {}, MEMBERS: [], INCOMES: []}
    for index, (name, check) in enumerate(checks):
        data = upload.sheets[name]
        data.open()
        span = 70 // len(checks)
        found[name] = check(data, ctx, _ticker(data.height, progress, index * span, span))
    households, members, incomes = found[HOUSEHOLDS], found[MEMBERS], found[INCOMES]
    if not (households or members or incomes):
        raise no_data_rows()
    progress(75, _("Comparing with the register"))
    numbers = set(households) | {row.household_no for row in members + incomes}
    ids = {row.values[1] for row in members if row.values}
    if not commit:
        return _compare(households, members, incomes, ctx, Register.load(numbers, ids, False))
    progress(80, _("Writing"))
    with transaction.atomic():
        register = Register.load(numbers, ids, lock=True)
        result = _compare(households, members, incomes, ctx, register)
        if result.invalid_rows and not valid_only:
            return result
        from households.import_writer import Writer  # it builds on this module's plan

        plan = Plan(households, members, incomes, register)
        Writer(plan=plan, actor=actor, use_copy=use_copy, source=source).write()
        result.written = True
        if on_written is not None:
            on_written(result)
    return result


def _compare(
    households: dict[str, Row],
    members: list[Row],
    incomes: list[Row],
    ctx: Context,
    register: Register,
) -> Result:
    plan = Plan(households, members, incomes, register)
    cross_check(plan, ctx)
    counts = classify(plan, ctx.dropped)
    order = {sheet.name: index for index, sheet in enumerate(SHEETS)}
    errors = sorted(ctx.errors, key=lambda e: (order.get(e.sheet, -1), e.row))
    ctx.errors = errors
    return Result(counts=counts, errors=errors)

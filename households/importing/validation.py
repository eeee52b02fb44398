"""Phase 1 of an import: each row of each sheet on its own, with the models' rules, and the
repeats inside a sheet."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from households.id_numbers import parse_id_number
from households.importing.cleaning import Converter, ModelCleaner, field_messages
from households.importing.income_items import INCOME_FIELDS, IncomeItems
from households.importing.reading import SheetData
from households.models import AnnualIncome, Household, Member
from households.resources import (
    HOUSEHOLD_SHEET,
    HOUSEHOLDS,
    INCOME_SHEET,
    INCOMES,
    MEMBER_COUNT,
    MEMBER_SHEET,
    MEMBERS,
    RowError,
    text,
)
from regions.models import Region

# Fields each sheet sets, in the order rows are kept (head_* columns are checks, not fields).
HOUSEHOLD_FIELDS = tuple(
    c.field if c.field != "region" else "region_id"
    for c in HOUSEHOLD_SHEET.columns
    if not c.field.startswith("head_")
)
MEMBER_FIELDS = tuple(c.field for c in MEMBER_SHEET.columns if c.field != "household_no")
household_values = attrgetter(*HOUSEHOLD_FIELDS)  # an instance → its row's values, in order
member_values = attrgetter(*MEMBER_FIELDS)
income_values = attrgetter(*INCOME_FIELDS)
# What an income row is compared on: its figures (the totals and every sub-item, a group given
# by its total only taking the registered split first: ``income_items.resolved``) and the
# household size, the members registered after the import (so a new member changes the row).
INCOME_COMPARED = (*INCOME_FIELDS, "member_count")


@dataclass(slots=True)
class Row:
    """A data row: its spreadsheet number, the household it belongs to, its values if valid."""

    number: int
    household_no: str
    values: tuple[Any, ...] | None
    extra: Any = None  # head name and ID (households), the stated 年末家庭人口数 (incomes)
    status: str = ""  # new, updated, unchanged, invalid

    @property
    def valid(self) -> bool:
        return self.values is not None


@dataclass
class Context:
    """What the checks need from outside the file."""

    prefix: str  # the importer's jurisdiction ("" = everything)
    regions: dict[str, Region]
    errors: list[RowError] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)  # repeated rows kept out of the plan
    # sheet → positions in its rows' values of the optional columns the file leaves out: a
    # registered row keeps its own values there
    absent: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def error(self, sheet: str, row: int, column: str, value: Any, message: str) -> None:
        self.errors.append(RowError(sheet, row, column, text(value)[:200], str(message)))


# -- phase 1: each row on its own -----------------------------------------------------------


def absent_positions(data: SheetData, fields: tuple[str, ...]) -> tuple[int, ...]:
    """Where the optional columns that the file leaves out sit in a row's values."""
    left_out = {c.field for c in data.sheet.columns if c.optional} - set(data.positions)
    return tuple(index for index, name in enumerate(fields) if name in left_out)


def check_households(data: SheetData, ctx: Context, tick: Callable[[], None]) -> dict[str, Row]:
    if data.empty:
        return {}
    cleaner = ModelCleaner(Household, checked=set(HOUSEHOLD_FIELDS) - {"region_id"})
    converter = Converter(data, Household)
    ctx.absent[HOUSEHOLDS] = absent_positions(data, HOUSEHOLD_FIELDS)
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
        errors = []
        if found:
            raw = converter.cells(cells)
            errors = list(field_messages(found, HOUSEHOLD_SHEET, raw, Household))
        if code not in ctx.regions:
            errors.append(("村代码", code, _("There is no region with this code.")))
        elif not code.startswith(ctx.prefix):
            errors.append(("村代码", code, _("This village is outside your jurisdiction.")))
        if not head_name:
            errors.append(
                ("户主姓名", "", _("%(column)s cannot be empty.") % {"column": "户主姓名"})
            )
        if not head_id:
            errors.append(
                ("户主证件号码", "", _("%(column)s cannot be empty.") % {"column": "户主证件号码"})
            )
        else:
            try:
                head_id = parse_id_number(head_id).number
            except ValidationError as error:
                errors.append(("户主证件号码", head_id, " ".join(error.messages)))
        for column, cell, message in errors:
            ctx.error(HOUSEHOLDS, number, column, cell, message)
        number_key = household.household_no
        row = Row(number, number_key, None, (head_name, head_id))
        if not errors:
            row.values = household_values(household)
        if number_key in rows or number_key in duplicates:
            duplicates[number_key].append(number)
            continue
        rows[number_key] = row
    for number_key, numbers in duplicates.items():
        first = rows[number_key]
        first.values = None
        ctx.dropped[HOUSEHOLDS] += len(numbers)
        every = "、".join(str(n) for n in [first.number, *numbers])
        for number in [first.number, *numbers]:
            ctx.error(HOUSEHOLDS, number, "户编号", number_key,
                      _("This household number appears more than once in the sheet "
                        "(rows %(rows)s).") % {"rows": every})  # fmt: skip
    return rows


def check_members(data: SheetData, ctx: Context, tick: Callable[[], None]) -> list[Row]:
    if data.empty:
        return []
    cleaner = ModelCleaner(Member, checked=MEMBER_FIELDS)
    ctx.absent[MEMBERS] = absent_positions(data, MEMBER_FIELDS)
    numbers: dict[str, str] = {}  # one string per household number, shared by its rows
    converter = Converter(data, Member)
    rows: list[Row] = []
    seen: dict[str, Row] = {}
    repeated: dict[str, list[Row]] = {}  # only the ID numbers seen more than once
    for number, cells in data.numbered_rows():
        tick()
        values = converter.values(cells)
        household_no = numbers.setdefault(values["household_no"], values.pop("household_no"))
        member = cleaner.build(values)
        errors = cleaner.clean(member)
        row = Row(number, household_no, None)
        if errors:
            raw = converter.cells(cells)
            for column, cell, message in field_messages(errors, MEMBER_SHEET, raw, Member):
                ctx.error(MEMBERS, number, column, cell, message)
        else:
            row.values = member_values(member)
            row.extra = (member.sex, member.birth_date)
        id_number = member.id_number
        if id_number:
            first = seen.setdefault(id_number, row)
            if first is not row:
                repeated.setdefault(id_number, [first]).append(row)
        rows.append(row)
    for id_number, same in repeated.items():
        every = "、".join(str(row.number) for row in same)
        for row in same:
            row.values = None
            ctx.error(MEMBERS, row.number, "证件号码", id_number,
                      _("This ID number appears more than once in the file "
                        "(rows %(rows)s of the sheet 家庭成员).") % {"rows": every})  # fmt: skip
    return rows


def check_incomes(data: SheetData, ctx: Context, tick: Callable[[], None]) -> list[Row]:
    if data.empty:
        return []
    cleaner = ModelCleaner(AnnualIncome, checked=set(INCOME_FIELDS) & set(data.positions))
    converter = Converter(data, AnnualIncome)
    items = IncomeItems(data.positions)
    rows: list[Row] = []
    seen: dict[tuple[str, Any], Row] = {}
    repeated: dict[tuple[str, Any], list[Row]] = {}  # only the years seen more than once
    for number, cells in data.numbered_rows():
        tick()
        values = converter.values(cells)
        household_no = values.pop("household_no")
        stated = values.pop("member_count", None)
        income = cleaner.build({**values, "member_count": 1})
        errors = cleaner.clean(income)
        row = Row(number, household_no, None, stated)
        if errors:
            raw = converter.cells(cells)
            for column, cell, message in field_messages(errors, INCOME_SHEET, raw, AnnualIncome):
                ctx.error(INCOMES, number, column, cell, message)
        problems = [] if errors else items.problems(income)
        for column, cell, message in problems:
            ctx.error(INCOMES, number, column, cell, message)
        if stated is not None and not (isinstance(stated, int) and stated >= 1):
            ctx.error(INCOMES, number, MEMBER_COUNT, stated,
                      _("年末家庭人口数 should be a whole number of at least 1."))  # fmt: skip
            row.extra = None
        elif not (errors or problems):
            row.values = items.values(income_values(income))
        key = (household_no, income.year)
        first = seen.setdefault(key, row)
        if first is not row:
            repeated.setdefault(key, [first]).append(row)
        rows.append(row)
    for (_household_no, year), same in repeated.items():
        every = "、".join(str(row.number) for row in same)
        for row in same:
            row.values = None
            ctx.error(INCOMES, row.number, "年度", year,
                      _("This household has this year more than once in the sheet "
                        "(rows %(rows)s).") % {"rows": every})  # fmt: skip
    return rows

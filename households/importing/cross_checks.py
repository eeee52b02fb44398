"""Phases 2 and 3 of an import: the rules across rows and sheets and against the register, then
the comparison (new, updated, unchanged, invalid)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from households.choices import Relation
from households.importing.income_items import resolved
from households.importing.register import REGION, Register
from households.importing.validation import (
    MEMBER_FIELDS,
    Context,
    Row,
)
from households.resources import (
    HOUSEHOLDS,
    INCOMES,
    MEMBER_COUNT,
    MEMBERS,
    SHEETS,
    RowError,
)


@dataclass
class Plan:
    households: dict[str, Row]
    members: list[Row]
    incomes: list[Row]
    register: Register
    # household_no → its members once the import is written (the size of its income rows)
    sizes: dict[str, int] = field(default_factory=dict)
    # Households left out whole (a refused row of theirs): household_no → the reasons.
    skipped: dict[str, list[RowError]] = field(default_factory=dict)
    # Registered income rows not in the file whose household size the import changes (the
    # latest year of the household): income pk → (household_no, year, old size, new size).
    resized: dict[int, tuple[str, int, int, int]] = field(default_factory=dict)


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
    _check_sizes(plan, ctx)
    _keep_households_whole(plan, ctx)


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
        head_rows = [
            row
            for row in file_rows
            if row.values is not None and row.values[relation] == Relation.HEAD
        ]
        column, message = "户主证件号码", ""
        if len(heads) != 1:
            shown = head_rows if heads else [row for row in file_rows if row.valid]
            message = _heads_message(len(heads), shown)
        elif household_row is not None:
            head_name, head_id = household_row.extra
            (id_number, name), = heads.items()  # fmt: skip
            if head_id != id_number:
                message = _("户主证件号码 differs from the ID number of the head (与户主关系 户主) "
                            "in the sheet 家庭成员.")  # fmt: skip
            elif head_name != name:
                column = "户主姓名"
                message = _("户主姓名 differs from the name of the head (与户主关系 户主) in the "
                            "sheet 家庭成员 (%(name)s).") % {"name": name}  # fmt: skip
        if not message:
            continue
        if household_row is not None:
            cell = household_row.extra[1] if column == "户主证件号码" else household_row.extra[0]
            ctx.error(HOUSEHOLDS, household_row.number, column, cell, message)
            household_row.values = None
        # The member rows concerned carry the message too: every head, or (no head) every row.
        marked = head_rows if len(heads) > 1 else [] if household_row is not None else file_rows
        for row in marked:
            if row.valid:
                ctx.error(MEMBERS, row.number, "与户主关系", "户主" if row in head_rows else "",
                          message)  # fmt: skip
                row.values = None


def _heads_message(count: int, rows: list[Row]) -> str:
    numbers = "、".join(str(row.number) for row in rows)
    if count == 0:
        if not rows:
            return _("This household has no head (与户主关系 户主) in the sheet 家庭成员 nor in "
                     "the register.")  # fmt: skip
        return _("This household has no head (与户主关系 户主) among its rows %(rows)s of the "
                 "sheet 家庭成员, nor in the register.") % {"rows": numbers}  # fmt: skip
    if rows and len(rows) == count:
        return _("A household has exactly one head (与户主关系 户主); after this import it would "
                 "have %(count)s (rows %(rows)s of the sheet 家庭成员).") % {
                     "count": count, "rows": numbers}  # fmt: skip
    if rows:
        return _("A household has exactly one head (与户主关系 户主); after this import it would "
                 "have %(count)s (rows %(rows)s of the sheet 家庭成员, and the head in the "
                 "register).") % {"count": count, "rows": numbers}  # fmt: skip
    return _("A household has exactly one head (与户主关系 户主); after this import it would have "
             "%(count)s.") % {"count": count}  # fmt: skip


def _new_members(plan: Plan) -> Counter[str]:
    """Valid member rows of the file that are not registered yet, by household."""
    registered = plan.register.members
    return Counter(
        row.household_no
        for row in plan.members
        if row.values is not None and row.values[1] not in registered
    )


def _check_sizes(plan: Plan, ctx: Context) -> None:
    """The size of an income row is the household's members after the import; a 年末家庭人口数
    in the sheet that says otherwise refuses the row, with both numbers."""
    register, new = plan.register, _new_members(plan)
    for row in plan.incomes:
        household = register.households.get(row.household_no)
        size = (register.sizes[household[0]] if household else 0) + new[row.household_no]
        plan.sizes[row.household_no] = size
        if row.valid and row.extra is not None and row.extra != size:
            ctx.error(INCOMES, row.number, MEMBER_COUNT, row.extra,
                      _("年末家庭人口数 is %(stated)s, but the household has %(size)s members "
                        "(in the sheet 家庭成员 and the register).")
                      % {"stated": row.extra, "size": size})  # fmt: skip
            row.values = None
        elif row.valid and size == 0:
            ctx.error(INCOMES, row.number, "户编号", row.household_no,
                      _("The household has no members, so its per-capita income cannot be "
                        "computed."))  # fmt: skip
            row.values = None


def _keep_households_whole(plan: Plan, ctx: Context) -> None:
    """The household is the unit: a household with any refused row (its own row, a member, an
    income row) is left out whole, and named with the reasons of its refused rows."""
    sheets = ((HOUSEHOLDS, list(plan.households.values())), (MEMBERS, plan.members),
              (INCOMES, plan.incomes))  # fmt: skip
    refused: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for sheet, rows in sheets:
        for row in rows:
            if not row.valid and _household_state(plan, ctx, row.household_no):
                refused[row.household_no].append((sheet, row.number))
    if not refused:
        return
    wanted = {place for places in refused.values() for place in places}
    reasons: dict[tuple[str, int], list[RowError]] = defaultdict(list)
    for error in ctx.errors:
        if (error.sheet, error.row) in wanted:
            reasons[(error.sheet, error.row)].append(error)
    for number_key, places in refused.items():
        plan.skipped[number_key] = [e for place in places for e in reasons[place]]
    for sheet, rows in sheets:
        for row in rows:
            refused_rows = refused.get(row.household_no)
            if row.valid and refused_rows:
                ctx.error(sheet, row.number, "户编号", row.household_no,
                          _dependent_message(plan, row.household_no, refused_rows))  # fmt: skip
                row.values = None


def _dependent_message(plan: Plan, number_key: str, places: list[tuple[str, int]]) -> str:
    household_row = plan.households.get(number_key)
    if household_row is not None and (HOUSEHOLDS, household_row.number) in places:
        return _(
            "The household's row %(row)s in the sheet 贫困户 has errors, so this row cannot be "
            "imported either."
        ) % {"row": household_row.number}
    where = "、".join(
        _("%(sheet)s row %(row)s") % {"sheet": sheet, "row": number}
        for sheet, number in places[:10]
    )
    if len(places) > 10:
        where = _("%(rows)s and others") % {"rows": where}
    return _(
        "Other rows of this household are refused (%(rows)s), so the household is left out "
        "whole and this row is not imported either."
    ) % {"rows": where}


def _resize_latest_incomes(plan: Plan) -> None:
    """A household that gains members: its latest registered income row (when the file has no
    row of that year) gets the new size, so its per-capita income is not stale."""
    register, new = plan.register, _new_members(plan)
    in_file = {(row.household_no, row.values[0]) for row in plan.incomes if row.values}
    latest: dict[int, tuple[int, tuple]] = {}
    for (household_id, year), stored in register.incomes.items():
        if household_id not in latest or year > latest[household_id][0]:
            latest[household_id] = (year, stored)
    for number_key, added in new.items():
        household = register.households.get(number_key)
        if not added or household is None or household[0] not in latest:
            continue
        if number_key in plan.skipped:
            continue
        year, stored = latest[household[0]]
        size = register.sizes[household[0]] + added
        if (number_key, year) not in in_file and stored[-1] != size:
            plan.resized[stored[0]] = (number_key, year, stored[-1], size)


# -- phase 3: compare ---------------------------------------------------------------------------


def _keeping(
    values: tuple[Any, ...], registered: Any, positions: tuple[int, ...]
) -> tuple[Any, ...]:
    """A row's values with the registered ones where the file has no column."""
    merged = list(values)
    for index in positions:
        merged[index] = registered[index]
    return tuple(merged)


def classify(
    plan: Plan, dropped: Counter[str], absent: dict[str, tuple[int, ...]] | None = None
) -> dict[str, dict[str, int]]:
    absent = absent or {}
    register = plan.register
    counts = {
        sheet.name: {"new": 0, "updated": 0, "unchanged": 0, "invalid": dropped[sheet.name]}
        for sheet in SHEETS
    }
    kept = absent.get(HOUSEHOLDS, ())
    for number_key, row in plan.households.items():
        existing = register.households.get(number_key)
        if kept and existing is not None and row.values is not None:
            row.values = _keeping(row.values, existing[2:], kept)
        row.status = (
            "invalid" if not row.valid
            else "new" if existing is None
            else "unchanged" if tuple(existing[2:]) == row.values
            else "updated"
        )  # fmt: skip
        counts[HOUSEHOLDS][row.status] += 1
    kept_members = absent.get(MEMBERS, ())
    for row in plan.members:
        old = register.members.get(row.values[1]) if row.values else None
        if kept_members and old is not None and row.values is not None:
            row.values = _keeping(row.values, old[2:], kept_members)
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
    _resize_latest_incomes(plan)
    counts[INCOMES]["updated"] += len(plan.resized)
    return counts


def _income_status(plan: Plan, row: Row) -> str:
    household = plan.register.households.get(row.household_no)
    assert row.values is not None
    old = plan.register.incomes.get((household[0], row.values[0])) if household else None
    row.values = resolved(row.values, old[1:] if old is not None else None)
    if old is None:
        return "new"
    compared = (*row.values, plan.sizes[row.household_no])
    return "unchanged" if compared == tuple(old[1:]) else "updated"

"""Phases 2 and 3 of an import: the rules across rows and sheets and against the register, then
the comparison (new, updated, unchanged, invalid)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from households.choices import Relation
from households.importing.register import REGION, Register
from households.importing.validation import (
    MEMBER_FIELDS,
    Context,
    Row,
)
from households.resources import (
    HOUSEHOLDS,
    INCOMES,
    MEMBERS,
    SHEETS,
)


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

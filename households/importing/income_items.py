"""The income sub-items of the sheet 收入 (domain brief §4.4; decision 0017).

财产性收入 and 转移性收入 are group totals. A group is *itemised* when the sheet carries any of
its sub-item columns (资产收益扶贫分红收入, 土地流转收入, 其他财产性收入; 计划生育金, 低保金,
五保金（特困供养金）, 养老保险金, 生态补偿金, 其他转移性收入): the sub-items are then the inputs — a
sub-item column the sheet lacks counts 0 — and the total must equal their sum, or the row is
refused with both figures. A group given by its total only keeps the older rule: a registered
row with the same total keeps its split; otherwise, and for a new row, the total becomes the
group's "other" item.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from households.models import AnnualIncome
from households.resources import INCOME_SHEET

# The values of a checked income row, in this order (the 户编号 is the row's, and
# 年末家庭人口数 a check: the size is the household's members).
INCOME_FIELDS = tuple(
    c.field for c in INCOME_SHEET.columns if c.field not in ("household_no", "member_count")
)
HEADERS = {c.field: c.header for c in INCOME_SHEET.columns}


@dataclass(frozen=True)
class Group:
    total: str
    items: tuple[str, ...]
    other: str

    @property
    def positions(self) -> tuple[int, tuple[int, ...], int]:
        """(total, items, other) as positions in a row's values."""
        index = INCOME_FIELDS.index
        return index(self.total), tuple(index(i) for i in self.items), index(self.other)


GROUPS = (
    Group("property_total", AnnualIncome.PROPERTY, "property_other"),
    Group("transfer_total", AnnualIncome.TRANSFER, "transfer_other"),
)
_POSITIONS = [group.positions for group in GROUPS]


def _figure(amount: Decimal) -> str:
    """An amount as the operator typed it: 250, 1800.25 (no exponent, no trailing zeros)."""
    return f"{amount.normalize():f}"


class IncomeItems:
    """What one sheet carries of the two groups (by the columns it has)."""

    def __init__(self, columns: Collection[str]) -> None:
        self.itemised = tuple(g for g in GROUPS if any(i in columns for i in g.items))
        self.given = {g: [HEADERS[i] for i in g.items if i in columns] for g in self.itemised}
        # Where a row holds the items of a group given by its total only: unknown (None).
        self.unknown = tuple(
            position
            for group, (_total, items, _other) in zip(GROUPS, _POSITIONS, strict=True)
            if group not in self.itemised
            for position in items
        )

    def problems(self, income: AnnualIncome) -> list[tuple[str, Any, str]]:
        """(column, value, message) for a total that is negative or, in an itemised group,
        differs from the sum of its items. The fields are valid (cleaned) already."""
        found = []
        for group in GROUPS:
            total = getattr(income, group.total)
            if total < 0:
                message = _("An amount cannot be negative.")
                found.append((HEADERS[group.total], _figure(total), message))
                continue
            if group not in self.itemised:
                continue
            added = sum((getattr(income, i) for i in group.items), Decimal(0))
            if added != total:
                message = _(
                    "%(total)s is %(stated)s, but its items (%(items)s) add up to %(sum)s."
                ) % {
                    "total": HEADERS[group.total],
                    "stated": _figure(total),
                    "items": "、".join(self.given[group]),
                    "sum": _figure(added),
                }
                found.append((HEADERS[group.total], _figure(total), message))
        return found

    def values(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        """A checked row's values, with the items of a group given by its total only unknown."""
        if not self.unknown:
            return values
        marked = list(values)
        for position in self.unknown:
            marked[position] = None
        return tuple(marked)


def resolved(values: tuple[Any, ...], registered: tuple[Any, ...] | None) -> tuple[Any, ...]:
    """The inputs a row writes. A group given by its total only (its items unknown) keeps the
    registered split when the registered total is the same; otherwise the total is its "other"
    item (the rest 0). ``registered`` is the stored row in the same order, or None."""
    merged: list[Any] | None = None
    for total, items, other in _POSITIONS:
        if values[items[0]] is not None:
            continue
        merged = merged or list(values)
        if registered is not None and registered[total] == values[total]:
            for position in items:
                merged[position] = registered[position]
        else:
            for position in items:
                merged[position] = Decimal(0)
            merged[other] = values[total]
    return values if merged is None else tuple(merged)

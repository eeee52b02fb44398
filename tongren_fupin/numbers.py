"""The one way figures are written, on pages, in workbooks and in PDFs.

Counts are integers (``1,234``), rates have one decimal and a percent sign (``97.3%``), money
carries its unit (元, 万元 or 亿元). Workbooks keep the numbers as numbers and take the matching
``NUMBER_FORMATS`` instead of text. A yuan amount on a page is ``yuan_text`` (grouped, two
decimals) with, where it is exact, the form the published figures use (``exact_money_text``:
0.8亿元, 22211.54万元); the assistance pages' ``yuan`` and ``money_unit`` filters are these two.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

COUNT = "count"
PERCENT = "percent"
MONEY = "money"
EMPTY = "—"

#: Excel number formats of the kinds (the unit of money is in the column's header).
NUMBER_FORMATS = {COUNT: "#,##0", PERCENT: '0.0"%"', MONEY: "#,##0.00"}

#: Money units: name → yuan.
MONEY_UNITS = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}


def decimal_of(value: Any) -> Decimal | None:
    """``value`` as a Decimal (``None`` for nothing or for text that is not a number)."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def count_value(value: Any) -> int | None:
    number = decimal_of(value)
    return None if number is None else int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rate_value(value: Any) -> Decimal | None:
    number = decimal_of(value)
    return None if number is None else number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def money_unit(value: Any) -> str:
    """The unit a sum of yuan reads best in: 亿元 from 1亿, 万元 from 1万, else 元."""
    number = abs(decimal_of(value) or Decimal(0))
    if number >= MONEY_UNITS["亿元"]:
        return "亿元"
    return "万元" if number >= MONEY_UNITS["万元"] else "元"


def money_value(value: Any, unit: str) -> Decimal | None:
    number = decimal_of(value)
    if number is None:
        return None
    return (number / MONEY_UNITS[unit]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def cell_value(value: Any, kind: str, unit: str = "元") -> int | Decimal | None:
    """The number a workbook cell holds for ``value`` of ``kind`` (money in ``unit``)."""
    if kind == COUNT:
        return count_value(value)
    if kind == PERCENT:
        return rate_value(value)
    return money_value(value, unit)


def figure_text(value: Any, kind: str, unit: str | None = None) -> str:
    """``value`` written for a reader: ``1,234``, ``97.3%``, ``0.80亿元``; ``—`` for none."""
    if decimal_of(value) is None:
        return EMPTY
    if kind == COUNT:
        return f"{count_value(value):,}"
    if kind == PERCENT:
        return f"{rate_value(value):,.1f}%"
    unit = unit or money_unit(value)
    return f"{money_value(value, unit):,.2f}{unit}"


# 亿元 from 0.1亿 up, with at most four decimals (0.8亿元, 17.054亿元); 万元 from 1万 up, with at
# most two (22211.54万元, 3059.15万元); otherwise no unit form.
MIN_EXACT_HUNDRED_MILLION = Decimal(10_000_000)


def _plain(number: Decimal) -> str:
    """``0.80`` → ``0.8``, ``22211.54`` stays, ``100.00`` → ``100``; never an exponent."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _decimals(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def yuan_text(value: Any) -> str:
    """``80000000`` → ``80,000,000.00`` (two decimals, grouped by thousands); ``""`` for none."""
    number = decimal_of(value)
    return "" if number is None else f"{number:,.2f}"


def exact_money_text(value: Any) -> str:
    """``80000000`` → ``0.8亿元``, ``222115400`` → ``22211.54万元``; ``""`` where neither unit
    gives the exact amount with few decimals (the yuan figure then stands alone)."""
    number = decimal_of(value)
    if number is None or number < 0:
        return ""
    hundred_million, ten_thousand = MONEY_UNITS["亿元"], MONEY_UNITS["万元"]
    if number >= MIN_EXACT_HUNDRED_MILLION and _decimals(number / hundred_million) <= 4:
        return _("%(amount)s hundred million yuan") % {
            "amount": _plain((number / hundred_million).normalize())
        }
    if number >= ten_thousand and _decimals(number / ten_thousand) <= 2:
        return _("%(amount)s ten thousand yuan") % {
            "amount": _plain((number / ten_thousand).normalize())
        }
    return ""

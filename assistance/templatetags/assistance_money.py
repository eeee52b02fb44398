"""Money on the assistance pages: yuan with thousands separators, and the 亿元 / 万元 form the
published figures use.

Only these pages group digits; the global ``USE_THOUSAND_SEPARATOR`` stays off because it would
also group ids in URLs and forms.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()

HUNDRED_MILLION = Decimal(100_000_000)
TEN_THOUSAND = Decimal(10_000)
# 亿元 from 0.1亿 up, with at most four decimals (0.8亿元, 17.054亿元); 万元 from 1万 up, with at
# most two (22211.54万元, 3059.15万元); otherwise no unit form.
MIN_HUNDRED_MILLION = Decimal(10_000_000)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _plain(number: Decimal) -> str:
    """``0.80`` → ``0.8``, ``22211.54`` stays, ``100.00`` → ``100``; never an exponent."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _decimals(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


@register.filter
def yuan(value: Any) -> str:
    """``80000000`` → ``80,000,000.00`` (two decimals, grouped by thousands)."""
    number = _decimal(value)
    if number is None:
        return ""
    return f"{number:,.2f}"


@register.filter
def money_unit(value: Any) -> str:
    """``80000000`` → ``0.8亿元``, ``222115400`` → ``22211.54万元``; ``""`` where neither unit
    gives the exact amount with few decimals (the yuan figure then stands alone)."""
    number = _decimal(value)
    if number is None or number < 0:
        return ""
    if number >= MIN_HUNDRED_MILLION and _decimals(number / HUNDRED_MILLION) <= 4:
        return _("%(amount)s hundred million yuan") % {
            "amount": _plain((number / HUNDRED_MILLION).normalize())
        }
    if number >= TEN_THOUSAND and _decimals(number / TEN_THOUSAND) <= 2:
        return _("%(amount)s ten thousand yuan") % {
            "amount": _plain((number / TEN_THOUSAND).normalize())
        }
    return ""

"""Money on the assistance pages, written by ``tongren_fupin.numbers`` (the one number format of
pages, workbooks and PDFs): yuan with thousands separators, and the 亿元 / 万元 form the
published figures use.

Only these pages group digits; the global ``USE_THOUSAND_SEPARATOR`` stays off because it would
also group ids in URLs and forms.
"""

from __future__ import annotations

from typing import Any

from django import template

from tongren_fupin import numbers

register = template.Library()


@register.filter
def yuan(value: Any) -> str:
    """``80000000`` → ``80,000,000.00``."""
    return numbers.yuan_text(value)


@register.filter
def money_unit(value: Any) -> str:
    """``80000000`` → ``0.8亿元`` (``""`` where no unit gives the exact amount)."""
    return numbers.exact_money_text(value)

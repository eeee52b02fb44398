"""``{% load figures %}``: figures written as ``tongren_fupin.numbers`` writes them.

{{ value|figure:"count" }}  {{ value|figure:"percent" }}  {{ yuan|figure:"money" }}
{{ yuan|money:"万元" }}  {{ yuan|yuan }} (grouped, two decimals: the unit is in the header)
"""

from __future__ import annotations

from typing import Any

from django import template

from tongren_fupin import numbers

register = template.Library()


@register.filter
def figure(value: Any, kind: str) -> str:
    return numbers.figure_text(value, kind)


@register.filter
def money(value: Any, unit: str = "") -> str:
    return numbers.figure_text(value, numbers.MONEY, unit or None)


@register.filter
def yuan(value: Any) -> str:
    return numbers.yuan_text(value)

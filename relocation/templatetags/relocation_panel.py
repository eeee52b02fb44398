"""``{% relocation_panel household %}``: the household page's relocation panel.

The households app includes it without knowing about relocation; the panel reads
``selectors.household_relocation`` (one query whatever the household's size).
"""

from __future__ import annotations

from typing import Any

from django import template

from households.models import Household
from regions.roles import RELOCATION_RECORD_ROLES, has_role
from regions.scoping import jurisdiction_prefix
from relocation import selectors

register = template.Library()


@register.inclusion_tag("relocation/_household_panel.html", takes_context=True)
def relocation_panel(context: template.Context, household: Household) -> dict[str, Any]:
    user = getattr(context.get("request"), "user", None)
    may_relocate = user is not None and has_role(user, RELOCATION_RECORD_ROLES, household.region_id)
    relocation = selectors.household_relocation(household)
    prefix = jurisdiction_prefix(user) if user is not None else None
    return {
        "household": household,
        "relocation": relocation,
        "site_visible": bool(
            relocation and prefix is not None and relocation.site.region_id.startswith(prefix)
        ),
        "may_relocate": may_relocate,
    }

"""``{% household_timeline household %}``: the first page of the household's timeline on its page.

The households app includes it without knowing the apps the timeline reads (``workbench`` is
the top layer); the following pages are the timeline's own page.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from households.models import Household
from workbench.timeline import timeline_page

register = template.Library()


@register.inclusion_tag("workbench/_timeline.html", takes_context=True)
def household_timeline(context: template.Context, household: Household) -> dict[str, Any]:
    user = context["request"].user
    page = timeline_page(user=user, household=household, page=1, today=timezone.localdate())
    return {"household": household, "timeline": page, "embedded": True}

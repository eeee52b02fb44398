"""``{% household_timeline household … %}``: the first page of the household's timeline on its page.

The households app includes it without knowing the apps the timeline reads (``workbench`` is
the top layer); the following pages are the timeline's own page. The page passes the records it
shows itself (measures, incomes, exit applications, monitoring cases), which the timeline then
does not read again.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from households.models import Household
from workbench.timeline import Known, timeline_page

register = template.Library()


@register.inclusion_tag("workbench/_timeline.html", takes_context=True)
def household_timeline(
    context: template.Context,
    household: Household,
    measures: Any = None,
    incomes: Any = None,
    applications: Any = None,
    monitoring_cases: Any = None,
) -> dict[str, Any]:
    user = context["request"].user
    known = Known(
        measures=measures,
        incomes=incomes,
        applications=applications,
        monitoring_cases=monitoring_cases,
    )
    today = timezone.localdate()
    page = timeline_page(user=user, household=household, page=1, today=today, known=known)
    return {"household": household, "timeline": page, "embedded": True}

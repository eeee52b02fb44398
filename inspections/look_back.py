"""Look-back (回头看): a visit completes the household's open look-back tasks.

The tasks are created by the supervision (``supervision.look_back``); they live here because a
visit completes them in its own transaction, and the register's casework cannot import upward.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from audit import events
from inspections.look_back_models import LookBackStatus, LookBackTask
from inspections.models import Visit


def complete_look_back_tasks(*, actor: Any, visit: Visit) -> list[LookBackTask]:
    """A visit completes the household's open tasks of its month or earlier (in a transaction
    of the caller: ``visit_record``)."""
    tasks = list(
        LookBackTask.objects.select_for_update().filter(
            household_id=visit.household_id,
            status=LookBackStatus.OPEN,
            period__lte=visit.date.strftime("%Y-%m"),
        )
    )
    for task in tasks:
        task.status, task.visit, task.completed_on = LookBackStatus.DONE, visit, visit.date
        task.save(update_fields=["status", "visit", "completed_on"])
        events.record(
            actor=actor,
            action="look_back.completed",
            obj=task,
            subject=visit.household,
            region_code=visit.household.region_id,
            changes={
                "status": [LookBackStatus.OPEN, LookBackStatus.DONE],
                "visit": [None, visit.pk],
            },
            summary=_("Look-back visit of %(date)s") % {"date": visit.date.isoformat()},
        )
    return tasks

"""Look-back (回头看): one visit task a month per flagged exited household, plus a sample.

Flagged: an open monitoring case, an unresolved problem, or a wrong-exit suspect
(``assessed_suspects``, the 错退 check of ``misclassification_suspects``, which assesses every
exited household of the run together in a fixed number of queries). The sample of the other
exited households is deterministic: a household is in the sample of a period when the hash of
(period, household number) falls in the first ``SAMPLE_PERCENT`` of its range, so a rerun, or a
run over part of the city, picks the same households.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from audit.models import AuditEvent, Category
from exits.misclassification import assessed_suspects
from households.choices import Status
from households.models import Household
from inspections.look_back_models import (
    PERIOD_PATTERN,
    LookBackFlag,
    LookBackReason,
    LookBackTask,
)
from inspections.models import Problem
from monitoring.models import OPEN_STATUSES, MonitoringCase
from regions.scoping import within_prefix
from tongren_fupin import outbox

SAMPLE_PERCENT = 10
LOCK = 52060902
EXITED_STATUSES = (Status.EXITED, Status.EXITED_NO_POLICY)


def period_bounds(period: str) -> tuple[datetime.date, datetime.date]:
    """First and last day of a period ``YYYY-MM``; a ValidationError naming ``period`` else."""
    if not re.fullmatch(PERIOD_PATTERN, period or ""):
        raise ValidationError({"period": _("Give a month as YYYY-MM.")})
    year, month = (int(part) for part in period.split("-"))
    return datetime.date(year, month, 1), datetime.date(
        year, month, calendar.monthrange(year, month)[1]
    )


def in_sample(period: str, household_no: str, percent: int = SAMPLE_PERCENT) -> bool:
    digest = hashlib.sha256(f"look-back:{period}:{household_no}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 100 < percent


@transaction.atomic
def create_look_back_tasks(*, period: str, region: str = "") -> int:
    """Tasks of ``period`` (``2020-09``) for the city, or for the region-code prefix ``region``;
    the number created. Idempotent: a household has at most one task per period."""
    start, end = period_bounds(period)
    exited = within_prefix(Household.objects.filter(status__in=EXITED_STATUSES), region)
    flags = _flags(exited, start)
    _lock_period()
    already = set(
        LookBackTask.objects.filter(period=period, household__in=exited).values_list(
            "household_id", flat=True
        )
    )
    tasks, regions = [], {}
    for pk, household_no, region_code in exited.values_list("pk", "household_no", "region"):
        if pk in already:
            continue
        if pk in flags:
            reason = LookBackReason.FLAGGED
        elif in_sample(period, household_no):
            reason = LookBackReason.SAMPLE
        else:
            continue
        regions[pk] = region_code
        tasks.append(
            LookBackTask(
                household_id=pk, period=period, reason=reason, flags=flags.get(pk, []), due=end
            )
        )
    created = LookBackTask.objects.bulk_create(tasks, batch_size=2000)
    AuditEvent.objects.bulk_create(
        [_created_event(task, regions.get(task.household_id, "")) for task in created],
        batch_size=2000,
    )
    if created:  # the field's bell (``workbench.notifications``), once committed
        outbox.enqueue("workbench.notify_look_back_assigned", period)
    return len(created)


def _lock_period() -> None:
    """Two runs at the same moment wait for each other (the second then finds the tasks)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])


def _flags(exited: Any, start: datetime.date) -> dict[int, list[str]]:
    flags: dict[int, list[str]] = {}

    def flag(pk: int, code: str) -> None:
        flags.setdefault(pk, []).append(code)

    open_case = MonitoringCase.objects.filter(household=OuterRef("pk"), status__in=OPEN_STATUSES)
    for pk in exited.filter(Exists(open_case)).values_list("pk", flat=True):
        flag(pk, LookBackFlag.MONITORING_CASE)
    open_problem = Problem.objects.filter(household=OuterRef("pk")).unresolved()
    for pk in exited.filter(Exists(open_problem)).values_list("pk", flat=True):
        flag(pk, LookBackFlag.OPEN_PROBLEM)
    # The income of the last complete year (a year's income is recorded at its end), the visits
    # as of the start of the period.
    # Wrong-exit suspects are assessed together, in a fixed number of queries.
    # Missing evidence (缺少佐证) is not a wrong exit, but a reason to go and look.
    kinds = {
        "wrong_exit": LookBackFlag.WRONG_EXIT,
        "missing_evidence": LookBackFlag.MISSING_EVIDENCE,
    }
    for suspect in assessed_suspects(exited, year=start.year - 1, on=start):
        flag(suspect.household.pk, kinds[suspect.kind])
    return flags


def _created_event(task: LookBackTask, region_code: str) -> AuditEvent:
    return AuditEvent(
        actor=None,
        category=Category.DATA,
        action="look_back.created",
        object_type="inspections.lookbacktask",
        object_id=str(task.pk),
        subject_type="households.household",
        subject_id=str(task.household_id),
        region_code=region_code,
        summary=(_("Look-back visit due by %(date)s") % {"date": task.due.isoformat()})[:255],
        changes={"period": [None, task.period], "reason": [None, task.reason]},
    )

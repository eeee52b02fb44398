"""The misclassification suspects stored per date and part of the register (decision 0027):
asked for by a supervisor and computed in the background, or computed by the monthly dispatch."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from exits import suspects
from exits.models import SuspectRun, SuspectRunState
from regions.models import PREFIX_LENGTH, Level, Region
from regions.roles import SUPERVISION_PAGE_ROLES, require_role
from regions.scoping import jurisdiction_prefix
from tongren_fupin import outbox
from tongren_fupin.errors import DomainError

SUSPECTS_TASK = "exits.compute_suspects"
RUNNING_STATES = (SuspectRunState.QUEUED, SuspectRunState.RUNNING)
COUNTY_PREFIX = PREFIX_LENGTH[Level.COUNTY]


def suspect_run_request(*, actor: Any, on: datetime.date, prefix: str) -> SuspectRun:
    """Ask for the suspects as of ``on`` of the part ``prefix`` of the actor's jurisdiction to
    be computed again, in the background (through the outbox). A computation already queued or
    running for the same date and part is returned instead of a second one."""
    require_role(actor, SUPERVISION_PAGE_ROLES)
    mine = jurisdiction_prefix(actor)
    if mine is None or not prefix.startswith(mine):
        raise DomainError("forbidden", _("Your role may not do this."), status=403)
    with transaction.atomic():
        busy = (
            SuspectRun.objects.select_for_update()
            .filter(as_of=on, prefix=prefix, state__in=RUNNING_STATES)
            .first()
        )
        if busy is not None:
            return busy
        run = SuspectRun.objects.create(as_of=on, prefix=prefix, requested_by=actor)
        events.record(
            actor=actor,
            action="exits.suspects_requested",
            obj=run,
            region_code=prefix,
            summary=_("Asked for the misclassification suspects as of %(on)s")
            % {"on": on.isoformat()},
        )
        outbox.enqueue(SUSPECTS_TASK, run.pk)
    return run


def suspect_run_execute(*, run_id: int) -> str:
    """Compute a requested run, one county at a time (each county replaced in one transaction,
    the progress committed after it); returns its state. Idempotent: a finished run is left as
    it is, an unfinished one is computed again from the start."""
    run = SuspectRun.objects.filter(pk=run_id).first()
    if run is None:
        return "missing"
    if run.state == SuspectRunState.DONE:
        return str(run.state)
    return _execute(run, _parts(run.prefix))


def _execute(run: SuspectRun, parts: list[str]) -> str:
    _set_run(run, state=SuspectRunState.RUNNING, progress=0, stage=_("Judging the households"))
    counts: dict[str, int] = {}
    try:
        for done, part in enumerate(parts, start=1):
            with transaction.atomic():
                for kind, n in suspects.suspects_store(on=run.as_of, prefix=part).items():
                    counts[kind] = counts.get(kind, 0) + n
            _set_run(run, progress=min(99, 100 * done // len(parts)))
    except Exception as error:  # the run says so; the task's retry starts it again
        _set_run(run, state=SuspectRunState.FAILED, stage=str(error)[:100], finished=timezone.now())
        raise
    _set_run(
        run,
        state=SuspectRunState.DONE,
        progress=100,
        stage="",
        counts=counts,
        finished=timezone.now(),
    )
    return str(run.state)


def suspects_compute(*, on: datetime.date, prefix: str = "") -> SuspectRun:
    """Compute the suspects as of ``on`` now, in the caller's transaction and in one statement
    (the monthly dispatch; ``manage.py`` and tests): a finished run of the system."""
    run = SuspectRun.objects.create(as_of=on, prefix=prefix)
    _execute(run, [prefix])
    run.refresh_from_db()
    return run


def _parts(prefix: str) -> list[str]:
    """The counties under ``prefix`` (or ``prefix`` itself, a county or below): the units a run
    replaces one transaction at a time."""
    if len(prefix) >= COUNTY_PREFIX:
        return [prefix]
    counties = sorted(
        {
            code[:COUNTY_PREFIX]
            for code in Region.objects.filter(
                level=Level.COUNTY, code__startswith=prefix
            ).values_list("code", flat=True)
        }
    )
    return counties or [prefix]


def _set_run(run: SuspectRun, **fields: Any) -> None:
    SuspectRun.objects.filter(pk=run.pk).update(**fields)
    for name, value in fields.items():
        setattr(run, name, value)

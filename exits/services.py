"""The exit procedure as a state machine: each transition by its role, dated, audited.

proposed → verified → household_agreed → publicized → township_reviewed → approved;
rejected (with a reason) from any step; an upheld publicity objection sends it back to proposed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from audit import events
from exits.assessment import as_dicts, assess_exit
from exits.models import FINAL_STATES, ExitApplication, ExitState, ExitStep, Objection
from households.choices import Status
from households.models import Household
from inspections.models import Visit
from publicity.services import PublicityRules
from regions.roles import (
    EXIT_AGREE_ROLES,
    EXIT_APPROVE_ROLES,
    EXIT_OBJECTION_ROLES,
    EXIT_PROPOSE_ROLES,
    EXIT_PUBLICIZE_ROLES,
    EXIT_REJECT_ROLES,
    EXIT_REVIEW_ROLES,
    EXIT_VERIFY_ROLES,
    require_role,
)
from tongren_fupin.errors import DomainError

# Who moves the application into each state.
STEP_ROLES: dict[str, frozenset[str]] = {
    ExitState.PROPOSED: EXIT_PROPOSE_ROLES,
    ExitState.VERIFIED: EXIT_VERIFY_ROLES,
    ExitState.HOUSEHOLD_AGREED: EXIT_AGREE_ROLES,
    ExitState.PUBLICIZED: EXIT_PUBLICIZE_ROLES,
    ExitState.TOWNSHIP_REVIEWED: EXIT_REVIEW_ROLES,
    ExitState.APPROVED: EXIT_APPROVE_ROLES,
    ExitState.REJECTED: EXIT_REJECT_ROLES,
}
# The state an application must be in for each step.
PREVIOUS: dict[str, str] = {
    ExitState.VERIFIED: ExitState.PROPOSED,
    ExitState.HOUSEHOLD_AGREED: ExitState.VERIFIED,
    ExitState.PUBLICIZED: ExitState.HOUSEHOLD_AGREED,
    ExitState.TOWNSHIP_REVIEWED: ExitState.PUBLICIZED,
    ExitState.APPROVED: ExitState.TOWNSHIP_REVIEWED,
}


def _lock(application: ExitApplication, target: str) -> ExitApplication:
    locked = (
        ExitApplication.objects.select_for_update()
        .select_related("household")
        .get(pk=application.pk)
    )
    expected = PREVIOUS.get(target)
    if locked.state in FINAL_STATES or (expected is not None and locked.state != expected):
        raise DomainError(
            "invalid_transition",
            _("An application in state “%(state)s” cannot move to “%(to)s”.")
            % {"state": locked.get_state_display(), "to": ExitState(target).label},
            status=409,
        )
    return locked


def _advance(
    actor: Any, application: ExitApplication, state: str, on: datetime.date, note: str = ""
) -> ExitApplication:
    before = application.state
    application.state = state
    application.save()
    ExitApplication.objects.filter(pk=application.pk).update(version=F("version") + 1)
    application.version += 1
    ExitStep.objects.create(
        application=application, state=state, actor=actor, on=on, note=note[:255]
    )
    events.record(
        actor=actor,
        action=f"exit.{state}",
        obj=application,
        subject=application.household,
        region_code=application.household.region_id,
        changes={
            "state": [before, state],
            "date": [None, on.isoformat()],
            **({"note": [None, note]} if note else {}),
        },
        summary=_("Exit application: %(state)s") % {"state": ExitState(state).label},
    )
    return application


@transaction.atomic
def exit_propose(
    *,
    actor: Any,
    household: Household,
    year: int,
    proposed_on: datetime.date,
    attendees: int,
    appraisal_result: str,
) -> ExitApplication:
    """村两委 democratic appraisal; the assessment of that moment is kept as the snapshot."""
    require_role(actor, STEP_ROLES[ExitState.PROPOSED])
    if household.status not in (Status.REGISTERED, Status.RELAPSED):
        raise ValidationError({"household": _("Only a registered poor household can exit.")})
    application = ExitApplication(
        household=household,
        year=year,
        proposed_on=proposed_on,
        attendees=attendees,
        appraisal_result=appraisal_result,
        created_by=actor,
        snapshot=as_dicts(assess_exit(household, year, on=proposed_on)),
    )
    application.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as error:
        raise DomainError(
            "already_open",
            _("This household already has an exit application in progress."),
            status=409,
        ) from error
    ExitStep.objects.create(
        application=application,
        state=ExitState.PROPOSED,
        actor=actor,
        on=proposed_on,
        note=appraisal_result,
    )
    events.record(
        actor=actor,
        action="exit.proposed",
        obj=application,
        subject=household,
        region_code=household.region_id,
        changes={"state": [None, ExitState.PROPOSED], "year": [None, year]},
        summary=_("Exit application: %(state)s") % {"state": ExitState.PROPOSED.label},
    )
    return application


@transaction.atomic
def exit_verify(*, actor: Any, application: ExitApplication, on: datetime.date) -> ExitApplication:
    """Needs a visit after the proposal with both the five looks and the consistency check."""
    require_role(actor, STEP_ROLES[ExitState.VERIFIED])
    locked = _lock(application, ExitState.VERIFIED)
    visit = (
        Visit.objects.filter(
            household=locked.household,
            date__gte=locked.proposed_on,
            date__lte=on,
            five_looks__isnull=False,
            consistency__isnull=False,
        )
        .order_by("-date", "-id")
        .first()
    )
    if visit is None:
        raise ValidationError(
            {
                "verification_visit": _(
                    "Record a visit with the five looks and the consistency check after the "
                    "proposal first."
                )
            }
        )
    locked.verification_visit = visit
    return _advance(actor, locked, ExitState.VERIFIED, on)


@transaction.atomic
def exit_household_agree(
    *, actor: Any, application: ExitApplication, on: datetime.date
) -> ExitApplication:
    require_role(actor, STEP_ROLES[ExitState.HOUSEHOLD_AGREED])
    return _advance(
        actor, _lock(application, ExitState.HOUSEHOLD_AGREED), ExitState.HOUSEHOLD_AGREED, on
    )


@transaction.atomic
def exit_publicize(
    *, actor: Any, application: ExitApplication, start: datetime.date, days: int | None = None
) -> ExitApplication:
    require_role(actor, STEP_ROLES[ExitState.PUBLICIZED])
    locked = _lock(application, ExitState.PUBLICIZED)
    locked.publicity_start = start
    locked.publicity_days = days or locked.publicity_days
    locked.full_clean(validate_constraints=False)
    return _advance(
        actor,
        locked,
        ExitState.PUBLICIZED,
        start,
        note=_("%(days)s days") % {"days": locked.publicity_days},
    )


def publicity_ends(application: ExitApplication) -> datetime.date | None:
    """The first day after the publicity period."""
    if application.publicity_start is None:
        return None
    return application.publicity_start + datetime.timedelta(days=application.publicity_days)


def _objection_upheld(
    actor: Any, application: ExitApplication, objection: Objection, on: datetime.date
) -> None:
    """During the publicity, back to ``proposed``: the household is verified again."""
    if application.state != ExitState.PUBLICIZED:
        return
    application.publicity_start = None
    application.verification_visit = None
    _advance(
        actor,
        application,
        ExitState.PROPOSED,
        on,
        note=_("Objection upheld: %(text)s") % {"text": objection.resolution},
    )


# The exit's publicity, for publicity.services.objection_record / objection_decide.
EXIT_PUBLICITY: PublicityRules[ExitApplication, Objection] = PublicityRules(
    workflow="exit",
    owner_model=ExitApplication,
    objection_model=Objection,
    owner_field="application",
    record_roles=EXIT_OBJECTION_ROLES,
    decide_roles=EXIT_OBJECTION_ROLES,
    accepts_objections=lambda application: application.state == ExitState.PUBLICIZED,
    on_upheld=_objection_upheld,
)


@transaction.atomic
def exit_township_review(
    *, actor: Any, application: ExitApplication, on: datetime.date
) -> ExitApplication:
    """Only after the publicity period, with every objection decided."""
    require_role(actor, STEP_ROLES[ExitState.TOWNSHIP_REVIEWED])
    locked = _lock(application, ExitState.TOWNSHIP_REVIEWED)
    ends = publicity_ends(locked)
    if ends is None or on < ends:
        raise DomainError(
            "publicity_not_over",
            _("The publicity period runs until %(date)s; review after it ends.")
            % {"date": (ends - datetime.timedelta(days=1)).isoformat() if ends else "—"},
            status=409,
        )
    if locked.objections.filter(upheld__isnull=True).exists():
        raise DomainError("objection_pending", _("Decide every objection first."), status=409)
    return _advance(actor, locked, ExitState.TOWNSHIP_REVIEWED, on)


@transaction.atomic
def exit_approve(*, actor: Any, application: ExitApplication, on: datetime.date) -> ExitApplication:
    """县级审定 and announcement: the household exits in the application's year."""
    require_role(actor, STEP_ROLES[ExitState.APPROVED])
    locked = _lock(application, ExitState.APPROVED)
    household = Household.objects.select_for_update().get(pk=locked.household_id)
    before = events.snapshot(household, ["status", "exit_year"])
    household.status, household.exit_year = Status.EXITED, locked.year
    household.save(update_fields=["status", "exit_year", "updated"])
    Household.objects.filter(pk=household.pk).update(version=F("version") + 1)
    events.record(
        actor=actor,
        action="household.exited",
        obj=household,
        region_code=household.region_id,
        changes=events.diff(before, events.snapshot(household, ["status", "exit_year"])),
        summary=_("Exited in %(year)s") % {"year": locked.year},
    )
    return _advance(actor, locked, ExitState.APPROVED, on)


@transaction.atomic
def exit_reject(
    *, actor: Any, application: ExitApplication, reason: str, on: datetime.date
) -> ExitApplication:
    require_role(actor, STEP_ROLES[ExitState.REJECTED])
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    locked = _lock(application, ExitState.REJECTED)
    locked.rejection_reason = reason
    return _advance(actor, locked, ExitState.REJECTED, on, note=reason)

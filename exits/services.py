"""The exit procedure as a state machine: each transition by its role, dated, audited.

proposed → verified → household_agreed → publicized → township_reviewed → approved;
rejected (with a reason) or sent back to the village (退回, with a reason) from any step; an
upheld publicity objection sends it back to proposed.

The gate: the proposal needs every criterion of the live assessment passed (``exits.criteria``),
a democratic appraisal with people attending and a majority agreeing, and a year up to 2020;
every later step assesses the household again on its date and is refused while a criterion no
longer passes, naming what changed since the proposal. Each refusal is an event in the history.
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
from exits.criteria import Criterion, Outcome
from exits.models import (
    FINAL_STATES,
    ExitApplication,
    ExitState,
    ExitStep,
    Objection,
)
from households import standards
from households.choices import Status
from households.models import Household
from inspections.models import Visit
from publicity.services import PublicityRules
from regions.models import Role
from regions.roles import (
    EXIT_AGREE_ROLES,
    EXIT_APPROVE_ROLES,
    EXIT_OBJECTION_ROLES,
    EXIT_PROPOSE_ROLES,
    EXIT_PUBLICIZE_ROLES,
    EXIT_REJECT_ROLES,
    EXIT_REVIEW_ROLES,
    EXIT_SEND_BACK_ROLES,
    EXIT_VERIFY_ROLES,
    require_role,
)
from tongren_fupin import outbox
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
    ExitState.RETURNED: EXIT_SEND_BACK_ROLES,
}
# No national poverty line, and no exit, after 2020: new hardship goes through 防返贫监测.
LAST_EXIT_YEAR = standards.LAST_EXIT_YEAR
# The state an application must be in for each step.
PREVIOUS: dict[str, str] = {
    ExitState.VERIFIED: ExitState.PROPOSED,
    ExitState.HOUSEHOLD_AGREED: ExitState.VERIFIED,
    ExitState.PUBLICIZED: ExitState.HOUSEHOLD_AGREED,
    ExitState.TOWNSHIP_REVIEWED: ExitState.PUBLICIZED,
    ExitState.APPROVED: ExitState.TOWNSHIP_REVIEWED,
}


NEXT: dict[str, str] = {before: after for after, before in PREVIOUS.items()}


def next_step(application: ExitApplication) -> dict[str, Any] | None:
    """The step the application waits for and the roles that take it (None when final)."""
    after = NEXT.get(application.state)
    if after is None:
        return None
    return {
        "state": after,
        "label": ExitState(after).label,
        "roles": [Role(role).label for role in sorted(STEP_ROLES[after])],
    }


def _lock(application: ExitApplication, target: str) -> ExitApplication:
    locked = (
        ExitApplication.objects.select_for_update()
        .select_related("household")
        .get(pk=application.pk)
    )
    _check_state(locked, target)
    return locked


def _check_state(locked: ExitApplication, target: str) -> None:
    expected = PREVIOUS.get(target)
    if locked.state in FINAL_STATES or (expected is not None and locked.state != expected):
        raise DomainError(
            "invalid_transition",
            _("An application in state “%(state)s” cannot move to “%(to)s”.")
            % {"state": locked.get_state_display(), "to": ExitState(target).label},
            status=409,
        )


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


def _described(criteria: list[Criterion]) -> str:
    return "；".join(
        f"{c.label}（{Outcome(c.outcome).label}：{c.evidence.rstrip('。.')}）" for c in criteria
    )


def _refuse(
    actor: Any,
    household: Household,
    application: ExitApplication | None,
    step: str,
    failing: list[Criterion],
    message: str,
) -> DomainError:
    """Write the refusal of ``step`` in the household's history (in its own transaction, so it
    stays when the step is refused) and return the error to raise."""
    with transaction.atomic():
        events.record(
            actor=actor,
            action="exit.refused",
            obj=application if application is not None else household,
            subject=household,
            region_code=household.region_id,
            changes={
                "step": [None, step],
                "criteria": [None, {c.code: c.outcome for c in failing}],
            },
            summary=_("Exit step refused: %(step)s") % {"step": ExitState(step).label},
        )
    return DomainError(
        "criteria_not_met",
        message,
        status=409 if application is not None else 400,
        errors={"criteria": [message]},
    )


def _gate(actor: Any, application: ExitApplication, step: str, on: datetime.date) -> None:
    """A later step: the live assessment on ``on`` must still pass every criterion."""
    household = application.household
    failing = [c for c in assess_exit(household, application.year, on=on) if not c.passed]
    if not failing:
        return
    before = {c["code"]: c for c in application.snapshot}
    changed = [c for c in failing if before.get(c.code, {}).get("passed")]
    message = _(
        "The exit standard is no longer met: %(criteria)s. Send the application back to the "
        "village or reject it."
    ) % {"criteria": _described(failing)}
    if changed:
        message += " " + _("Changed since the proposal: %(criteria)s.") % {
            "criteria": "、".join(c.label for c in changed)
        }
    raise _refuse(actor, household, application, step, failing, message)


def _already_open() -> DomainError:
    return DomainError(
        "already_open",
        _("This household already has an exit application in progress."),
        status=409,
    )


def _check_appraisal(year: int, attendees: int, agreeing: int | None) -> None:
    errors: dict[str, str] = {}
    if year > LAST_EXIT_YEAR:
        errors["year"] = _(
            "There are no exits from poverty after %(year)s (no national poverty line): a "
            "household in difficulty now goes through 防返贫监测 — report a monitoring case."
        ) % {"year": LAST_EXIT_YEAR}
    if attendees <= 0:
        errors["attendees"] = _("Give the number of people at the democratic appraisal.")
    elif agreeing is None:
        errors["agreeing"] = _("Give the number of attendees who agreed.")
    elif agreeing > attendees:
        errors["agreeing"] = _("More agreeing (%(agreeing)s) than attending (%(attendees)s).") % {
            "agreeing": agreeing,
            "attendees": attendees,
        }
    elif agreeing * 2 <= attendees:
        errors["agreeing"] = _(
            "%(agreeing)s of %(attendees)s agreeing is not a majority: the appraisal did not pass."
        ) % {"agreeing": agreeing, "attendees": attendees}
    if errors:
        raise ValidationError(errors)


def exit_propose(
    *,
    actor: Any,
    household: Household,
    year: int,
    proposed_on: datetime.date,
    attendees: int,
    appraisal_result: str,
    agreeing: int | None = None,
) -> ExitApplication:
    """村两委 democratic appraisal; refused unless every criterion of the assessment on
    ``proposed_on`` passed (the refusal is in the history). The assessment is kept as the
    snapshot."""
    require_role(actor, STEP_ROLES[ExitState.PROPOSED])
    if household.status not in (Status.REGISTERED, Status.RELAPSED):
        raise ValidationError({"household": _("Only a registered poor household can exit.")})
    if ExitApplication.objects.filter(household=household).exclude(state__in=FINAL_STATES).exists():
        raise _already_open()
    _check_appraisal(year, attendees, agreeing)
    criteria = assess_exit(household, year, on=proposed_on)
    failing = [c for c in criteria if not c.passed]
    if failing:
        raise _refuse(
            actor,
            household,
            None,
            ExitState.PROPOSED,
            failing,
            _("The household does not meet the exit standard: %(criteria)s.")
            % {"criteria": _described(failing)},
        )
    return _propose(
        actor, household, year, proposed_on, attendees, agreeing, appraisal_result, criteria
    )


@transaction.atomic
def _propose(
    actor: Any,
    household: Household,
    year: int,
    proposed_on: datetime.date,
    attendees: int,
    agreeing: int | None,
    appraisal_result: str,
    criteria: list[Criterion],
) -> ExitApplication:
    application = ExitApplication(
        household=household,
        year=year,
        proposed_on=proposed_on,
        attendees=attendees,
        agreeing=agreeing,
        appraisal_result=appraisal_result,
        created_by=actor,
        snapshot=as_dicts(criteria),
    )
    application.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as error:  # two proposals at once
        raise _already_open() from error
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
def _exit_verify(*, actor: Any, application: ExitApplication, on: datetime.date) -> ExitApplication:
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
def _exit_household_agree(
    *, actor: Any, application: ExitApplication, on: datetime.date
) -> ExitApplication:
    require_role(actor, STEP_ROLES[ExitState.HOUSEHOLD_AGREED])
    return _advance(
        actor, _lock(application, ExitState.HOUSEHOLD_AGREED), ExitState.HOUSEHOLD_AGREED, on
    )


@transaction.atomic
def _exit_publicize(
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
def _exit_township_review(
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
def _exit_approve(
    *, actor: Any, application: ExitApplication, on: datetime.date
) -> ExitApplication:
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


def _gated_step(
    actor: Any, application: ExitApplication, step: str, on: datetime.date
) -> ExitApplication:
    """The checks before a later step, in order: the role, the state, the live assessment."""
    require_role(actor, STEP_ROLES[step])
    current = ExitApplication.objects.select_related("household").get(pk=application.pk)
    _check_state(current, step)
    _gate(actor, current, step, on)
    return current


def exit_verify(*, actor: Any, application: ExitApplication, on: datetime.date) -> ExitApplication:
    """Needs a visit after the proposal with both the five looks and the consistency check."""
    _gated_step(actor, application, ExitState.VERIFIED, on)
    return _exit_verify(actor=actor, application=application, on=on)


def exit_household_agree(
    *, actor: Any, application: ExitApplication, on: datetime.date
) -> ExitApplication:
    _gated_step(actor, application, ExitState.HOUSEHOLD_AGREED, on)
    return _exit_household_agree(actor=actor, application=application, on=on)


def exit_publicize(
    *, actor: Any, application: ExitApplication, start: datetime.date, days: int | None = None
) -> ExitApplication:
    _gated_step(actor, application, ExitState.PUBLICIZED, start)
    return _exit_publicize(actor=actor, application=application, start=start, days=days)


def exit_township_review(
    *, actor: Any, application: ExitApplication, on: datetime.date
) -> ExitApplication:
    """Only after the publicity period, with every objection decided."""
    _gated_step(actor, application, ExitState.TOWNSHIP_REVIEWED, on)
    return _exit_township_review(actor=actor, application=application, on=on)


def exit_approve(*, actor: Any, application: ExitApplication, on: datetime.date) -> ExitApplication:
    """县级审定 and announcement: the household exits in the application's year."""
    _gated_step(actor, application, ExitState.APPROVED, on)
    return _exit_approve(actor=actor, application=application, on=on)


@transaction.atomic
def exit_send_back(
    *, actor: Any, application: ExitApplication, reason: str, on: datetime.date
) -> ExitApplication:
    """退回: a reviewer sends the application back to the village, with the reason; the village
    may propose the household again once it meets the standard."""
    require_role(actor, STEP_ROLES[ExitState.RETURNED])
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for sending the application back.")})
    locked = _lock(application, ExitState.RETURNED)
    locked.return_reason = reason.strip()[:200]
    returned = _advance(actor, locked, ExitState.RETURNED, on, note=reason)
    # The proposer's and the responsible cadre's bell (``workbench.notifications``).
    outbox.enqueue("workbench.notify_exit_returned", returned.pk)
    return returned

"""Writes of the inspections app: visits with their checks, and the problem lifecycle."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from households.models import AnnualIncome, Household
from inspections.look_back import complete_look_back_tasks
from inspections.models import (
    SOURCES,
    ApprovalSurvey,
    CheckedField,
    ConsistencyCheck,
    ConsistencyItem,
    FiveLooks,
    MotivationAssessment,
    Photo,
    PhotoSubject,
    Problem,
    ProblemCategory,
    ProblemSource,
    ProblemState,
    Visit,
)
from regions.roles import PROBLEM_RECTIFY_ROLES, PROBLEM_VERIFY_ROLES, VISIT_ROLES, require_role
from regions.scoping import in_jurisdiction
from tongren_fupin import outbox
from tongren_fupin.errors import DomainError
from tongren_fupin.photos import Processed, accept_photos, store_photos

POSITION_FIELDS = ("latitude", "longitude", "position_accuracy", "position_taken_at")

MISMATCH_DEADLINE_DAYS = 30


def register_values(household: Household) -> dict[str, str]:
    """What the register says, for the 系统录的 column of 五个一致."""
    income = AnnualIncome.objects.filter(household=household).order_by("-year").first()
    return {
        CheckedField.FAMILY_SIZE: str(household.members.count()),
        CheckedField.PER_CAPITA_INCOME: str(income.per_capita_net_income) if income else "",
        CheckedField.POVERTY_ATTRIBUTE: str(household.get_poverty_attribute_display()),
        CheckedField.MAIN_CAUSE: str(household.get_main_cause_display()),
        CheckedField.STATUS: str(household.get_status_display()),
        CheckedField.MEASURES: str(household.measures.count()),
        CheckedField.RESPONSIBLE_CADRE: household.cadre_name,
    }


@transaction.atomic
def visit_record(
    *,
    actor: Any,
    household: Household,
    data: Mapping[str, Any],
    five_looks: Mapping[str, Any] | None = None,
    consistency: Mapping[str, Mapping[str, str]] | None = None,
    survey: Mapping[str, Any] | None = None,
    motivation: Mapping[str, Any] | None = None,
    client_token: uuid.UUID | str | None = None,
    photos: Sequence[Any] = (),
    look_photos: Mapping[str, Sequence[Any]] | None = None,
    seen: Mapping[str, str] | None = None,
) -> Visit:
    """A visit with the sections that were filled in. The same form token gives the same visit.

    ``seen`` are the register's values the visitor saw (a visit recorded offline, from the
    phone's copy of the register): the 系统录的 column of 五个一致 is then what was seen, not
    what the register says when the visit arrives (``fieldsync`` keeps both).

    ``photos`` are uploads of the visit, ``look_photos`` those of each of the five looks; each
    is re-encoded without its metadata, and a refused one refuses the visit (nothing saved).
    The position (``data``'s latitude, longitude, accuracy and time) is kept only when given.
    """
    require_role(actor, VISIT_ROLES, household.region_id)
    accepted = _accept_visit_photos(photos, look_photos or {})
    token = uuid.UUID(str(client_token)) if client_token else uuid.uuid4()
    existing = Visit.objects.filter(client_token=token).first()
    if existing is not None:
        if existing.household_id != household.pk or existing.visitor_id != actor.pk:
            raise ValidationError({"client_token": _("This form was already used.")})
        return existing
    visit = Visit(
        household=household,
        visitor=actor,
        client_token=token,
        **{
            k: v
            for k, v in data.items()
            if k in {"date", "kind", "note", "location", *POSITION_FIELDS}
        },
    )
    if (visit.latitude is None) != (visit.longitude is None):
        raise ValidationError({"latitude": _("A position needs both latitude and longitude.")})
    if visit.date and visit.date > timezone.localdate():
        raise ValidationError({"date": _("A visit cannot be in the future.")})
    visit.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:  # the same token saved at the same moment by a resend
        return Visit.objects.get(client_token=token)
    _save_sections(actor, visit, five_looks, consistency, survey, motivation, seen)
    _store_visit_photos(actor, visit, accepted)
    complete_look_back_tasks(actor=actor, visit=visit)
    outbox.enqueue("households.check_risks", household.pk)  # runs once committed
    events.record(
        actor=actor,
        action="visit.recorded",
        obj=visit,
        subject=household,
        region_code=household.region_id,
        changes={
            "date": [None, visit.date.isoformat()],
            "kind": [None, visit.kind],
            "photos": [None, len(accepted)],
            "position": [None, visit.has_position],
        },
        summary=_("Visit of %(date)s") % {"date": visit.date.isoformat()},
    )
    return visit


@transaction.atomic
def visit_photos_add(
    *, actor: Any, visit: Visit, photos: Sequence[Any], look: str = ""
) -> list[Photo]:
    """More photos of a recorded visit (of one of its looks when ``look`` is given), by
    someone who may record visits in its household's area (the API, a phone sending later)."""
    require_role(actor, VISIT_ROLES, visit.household.region_id)
    if not photos:
        message = _("Choose at least one photo.")
        raise DomainError("no_photo", message, errors={"photos": [message]})
    accepted = _accept_visit_photos(photos if not look else [], {look: photos} if look else {})
    _store_visit_photos(actor, visit, accepted)
    events.record(
        actor=actor,
        action="visit.photos_added",
        obj=visit,
        subject=visit.household,
        region_code=visit.household.region_id,
        changes={"photos": [None, len(accepted)], "look": [None, look]},
        summary=_("%(count)s photo(s) added to the visit") % {"count": len(accepted)},
    )
    return list(visit.photos.order_by("-id")[: len(accepted)])


def _accept_visit_photos(
    photos: Sequence[Any], look_photos: Mapping[str, Sequence[Any]]
) -> list[tuple[str, Processed]]:
    """Every photo of the visit read and re-encoded before anything is written."""
    accepted = [("", processed) for processed in accept_photos(photos, "photos")]
    for look, uploads in look_photos.items():
        if look not in FiveLooks.LOOKS:
            raise ValidationError({"photos": _("Unknown look: %(look)s") % {"look": look}})
        accepted += [(look, p) for p in accept_photos(uploads, f"looks-{look}_photos")]
    return accepted


def _store_visit_photos(actor: Any, visit: Visit, accepted: list[tuple[str, Processed]]) -> None:
    store_photos(
        [
            (
                Photo(
                    household=visit.household,
                    visit=visit,
                    subject=PhotoSubject.LOOK if look else PhotoSubject.VISIT,
                    look=look,
                    uploaded_by=actor,
                ),
                processed,
            )
            for look, processed in accepted
        ]
    )


def _save_sections(
    actor: Any,
    visit: Visit,
    five_looks: Mapping[str, Any] | None,
    consistency: Mapping[str, Mapping[str, str]] | None,
    survey: Mapping[str, Any] | None,
    motivation: Mapping[str, Any] | None,
    seen: Mapping[str, str] | None = None,
) -> None:
    for model, values in (
        (FiveLooks, five_looks),
        (ApprovalSurvey, survey),
        (MotivationAssessment, motivation),
    ):
        if values:
            section = model(visit=visit, **values)
            section.full_clean(exclude=["visit"])
            section.save()
    if consistency:
        _save_consistency(actor, visit, consistency, seen or {})


def _save_consistency(
    actor: Any,
    visit: Visit,
    consistency: Mapping[str, Mapping[str, str]],
    seen: Mapping[str, str],
) -> None:
    """The system column comes from the register (or from what the visitor saw of it); any
    disagreement opens one problem."""
    check = ConsistencyCheck.objects.create(visit=visit)
    system = {**register_values(visit.household), **seen}
    mismatched = []
    for field, values in consistency.items():
        if field not in CheckedField.values:
            raise ValidationError(
                {"consistency": _("Unknown checked item: %(item)s") % {"item": field}}
            )
        item = ConsistencyItem(
            consistency=check,
            field=field,
            system=system[field],
            **{s: str(values.get(s, "")).strip() for s in SOURCES if s != "system"},
        )
        item.mismatch = item.disagrees()
        item.full_clean(exclude=["consistency"])
        item.save()
        if item.mismatch:
            mismatched.append(item)
    if mismatched:
        details = "；".join(
            f"{item.get_field_display()}：" + " / ".join(v or "—" for v in item.values())
            for item in mismatched
        )
        problem_open(
            actor=actor,
            household=visit.household,
            visit=visit,
            data={
                "source": ProblemSource.CHECK,
                "category": ProblemCategory.FILL_GAPS,
                "responsible": actor,
                "deadline": visit.date + datetime.timedelta(days=MISMATCH_DEADLINE_DAYS),
                "description": _("The five sources disagree: %(details)s") % {"details": details},
            },
        )


@transaction.atomic
def problem_open(
    *,
    actor: Any,
    household: Household,
    data: Mapping[str, Any],
    visit: Visit | None = None,
    photos: Sequence[Any] = (),
) -> Problem:
    """A problem (七个补) of a household: from a 五个一致 mismatch, reported by hand on the
    household or a visit, or through the API. The responsible person is a user whose
    jurisdiction holds the household; ``photos`` are re-encoded (a refused one refuses all)."""
    require_role(actor, PROBLEM_RECTIFY_ROLES, household.region_id)
    accepted = accept_photos(photos, "photos")
    data = dict(data)  # the API gives the visit among the fields
    visit = data.pop("visit", None) or visit
    if visit is not None and visit.household_id != household.pk:
        raise ValidationError({"visit": _("The visit is of another household.")})
    responsible = data.get("responsible")
    if responsible is not None and not in_jurisdiction(responsible, household.region_id):
        raise ValidationError(
            {"responsible": _("The responsible person must work in this household's area.")}
        )
    problem = Problem(household=household, visit=visit, **data)
    problem.full_clean()
    problem.save()
    _store_problem_photos(actor, problem, PhotoSubject.PROBLEM, accepted)
    events.record(
        actor=actor,
        action="problem.opened",
        obj=problem,
        subject=household,
        region_code=household.region_id,
        changes={
            "category": [None, problem.category],
            "deadline": [None, problem.deadline.isoformat()],
            "responsible": [None, problem.responsible_id],
            "photos": [None, len(accepted)],
        },
        summary=_("Problem opened: %(text)s") % {"text": problem.description[:60]},
    )
    if problem.responsible_id:
        outbox.enqueue("workbench.notify_problem_assigned", problem.pk)
    return problem


def _move(actor: Any, problem: Problem, allowed_from: set[str], to: str) -> Problem:
    locked = Problem.objects.select_for_update().select_related("household").get(pk=problem.pk)
    if locked.state not in allowed_from:
        raise DomainError(
            "invalid_transition",
            _("A problem in state “%(state)s” cannot move to “%(to)s”.")
            % {"state": locked.get_state_display(), "to": ProblemState(to).label},
            status=409,
        )
    before = locked.state
    locked.state = to
    return _after_move(actor, locked, before)


def _after_move(actor: Any, problem: Problem, before: str) -> Problem:
    problem.save()
    events.record(
        actor=actor,
        action=f"problem.{problem.state}",
        obj=problem,
        subject=problem.household,
        region_code=problem.household.region_id,
        changes={"state": [before, problem.state]},
        summary=_("Problem now “%(state)s”") % {"state": problem.get_state_display()},
    )
    return problem


@transaction.atomic
def problem_start(*, actor: Any, problem: Problem) -> Problem:
    require_role(actor, PROBLEM_RECTIFY_ROLES)
    return _move(actor, problem, {ProblemState.OPEN}, ProblemState.RECTIFYING)


def _store_problem_photos(
    actor: Any, problem: Problem, subject: str, accepted: Sequence[Processed]
) -> None:
    store_photos(
        [
            (
                Photo(
                    household=problem.household,
                    problem=problem,
                    subject=subject,
                    uploaded_by=actor,
                ),
                processed,
            )
            for processed in accepted
        ]
    )


@transaction.atomic
def problem_rectify(
    *, actor: Any, problem: Problem, evidence: str, photos: Sequence[Any] = ()
) -> Problem:
    """整改: what was done, with photos of it (整改佐证) when taken."""
    require_role(actor, PROBLEM_RECTIFY_ROLES)
    if not evidence.strip():
        raise ValidationError({"evidence": _("Describe what was done (the evidence).")})
    accepted = accept_photos(photos, "photos")
    locked = Problem.objects.select_for_update().select_related("household").get(pk=problem.pk)
    if locked.state not in {ProblemState.OPEN, ProblemState.RECTIFYING}:
        return _move(
            actor, locked, {ProblemState.OPEN, ProblemState.RECTIFYING}, ProblemState.RECTIFIED
        )
    before = locked.state
    locked.state, locked.evidence = ProblemState.RECTIFIED, evidence
    locked.rectified_by, locked.rectified_at = actor, timezone.now()
    _store_problem_photos(actor, locked, PhotoSubject.RECTIFICATION, accepted)
    return _after_move(actor, locked, before)


@transaction.atomic
def problem_verify(*, actor: Any, problem: Problem) -> Problem:
    """销号: by a supervisor who is not the one who rectified it."""
    require_role(actor, PROBLEM_VERIFY_ROLES)
    locked = Problem.objects.select_for_update().select_related("household").get(pk=problem.pk)
    if locked.rectified_by_id == actor.pk:
        raise DomainError(
            "same_person", _("The person who rectified a problem cannot also close it."), status=409
        )
    if locked.state != ProblemState.RECTIFIED:
        return _move(actor, locked, {ProblemState.RECTIFIED}, ProblemState.VERIFIED)
    locked.state, locked.verified_by, locked.verified_at = (
        ProblemState.VERIFIED,
        actor,
        timezone.now(),
    )
    return _after_move(actor, locked, ProblemState.RECTIFIED)


@transaction.atomic
def problem_reopen(*, actor: Any, problem: Problem) -> Problem:
    """A rectification that does not hold goes back to the rectifier."""
    require_role(actor, PROBLEM_VERIFY_ROLES)
    return _move(actor, problem, {ProblemState.RECTIFIED}, ProblemState.RECTIFYING)

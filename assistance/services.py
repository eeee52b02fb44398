"""Writes of the assistance app: projects and their progress, fund flows, trainings, placements.

Each write checks the role (``regions.roles.ASSISTANCE_WRITE_ROLES``) and that its target lies in
the actor's jurisdiction, runs in one transaction and records an audit event.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from assistance.models import (
    PROJECT_STATE_ORDER,
    FundFlow,
    FundFlowKind,
    FundFlowVoucher,
    JobPlacement,
    Project,
    ProjectState,
    Training,
)
from audit import events
from households.models import Member
from regions.roles import ASSISTANCE_WRITE_ROLES, require_role
from regions.scoping import in_jurisdiction
from tongren_fupin.errors import DomainError
from tongren_fupin.photos import accept_photos, store_photos

# The date field set when a project reaches each state.
STATE_DATE_FIELD = {
    ProjectState.FILED: "filed_on",
    ProjectState.STARTED: "started_on",
    ProjectState.COMPLETED: "completed_on",
    ProjectState.ACCEPTED: "accepted_on",
}
PROJECT_FIELDS = (
    "name",
    "scheme",
    "partner",
    "agreement",
    "target_region",
    "category",
    "year",
    "planned_amount",
    "people_covered",
    "planned_completion",
    "note",
)


def _check_region(actor: Any, field: str, region_code: str | None) -> None:
    """A region named in the submitted data must lie in the jurisdiction (else a field error)."""
    require_role(actor, ASSISTANCE_WRITE_ROLES)
    if region_code and not in_jurisdiction(actor, region_code):
        raise ValidationError({field: _("This region is outside your jurisdiction.")})


def _not_in_future(field: str, value: datetime.date | None) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


@transaction.atomic
def project_create(*, actor: Any, data: Mapping[str, Any]) -> Project:
    region = data.get("target_region")
    _check_region(actor, "target_region", getattr(region, "code", None))
    project = Project(**{k: v for k, v in data.items() if k in PROJECT_FIELDS})
    project.full_clean()
    agreement = project.agreement
    if agreement is not None and not in_jurisdiction(actor, agreement.region_id):
        raise ValidationError({"agreement": _("This agreement is outside your jurisdiction.")})
    if agreement is not None and agreement.scheme != project.scheme:
        raise ValidationError({"agreement": _("The agreement belongs to another scheme.")})
    project.save()
    events.record(
        actor=actor,
        action="assistance_project.created",
        obj=project,
        region_code=project.target_region_id,
        changes={"name": [None, project.name], "planned_amount": [None, project.planned_amount]},
        summary=_("Project %(name)s created") % {"name": project.name},
    )
    return project


@transaction.atomic
def project_advance(
    *, actor: Any, project: Project, on: datetime.date, expected_state: str | None = None
) -> Project:
    """Move a project to its next state (planned → filed → started → completed → accepted).

    ``expected_state`` is the state the actor confirmed the step from; if the project has moved
    meanwhile (another user, a resubmitted form) nothing is written."""
    require_role(actor, ASSISTANCE_WRITE_ROLES, project.target_region_id)
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if expected_state is not None and locked.state != expected_state:
        raise DomainError(
            "project_state_changed",
            _(
                "The project's state changed meanwhile (it is now %(state)s); "
                "check it and confirm again."
            )
            % {"state": locked.get_state_display()},
            status=409,
        )
    index = PROJECT_STATE_ORDER.index(locked.state)
    if index + 1 >= len(PROJECT_STATE_ORDER):
        raise DomainError(
            "project_state",
            _("The project has been accepted; there is no later state."),
            status=409,
        )
    _not_in_future("on", on)
    before = locked.state
    locked.state = PROJECT_STATE_ORDER[index + 1]
    date_field = STATE_DATE_FIELD[ProjectState(locked.state)]
    setattr(locked, date_field, on)
    locked.save(update_fields=["state", date_field])
    events.record(
        actor=actor,
        action="assistance_project.advanced",
        obj=locked,
        region_code=locked.target_region_id,
        changes={"state": [before, locked.state], date_field: [None, on]},
        summary=_("Project %(name)s: %(state)s")
        % {"name": locked.name, "state": locked.get_state_display()},
    )
    return locked


def _flow_totals(project: Project) -> dict[str, Decimal]:
    rows = project.flows.values("kind").annotate(total=Sum("amount")).order_by()
    totals = {kind: Decimal("0.00") for kind in FundFlowKind.values}
    totals.update({row["kind"]: row["total"] for row in rows})
    return totals


def _check_flow(kind: str, amount: Decimal, totals: Mapping[str, Decimal]) -> None:
    """A disbursement may not exceed what was allocated, nor a reimbursement what was
    disbursed (all flows of the project, whatever their date)."""
    if kind == FundFlowKind.DISBURSED:
        ceiling, so_far, code = totals["allocated"], totals["disbursed"], "over_disbursement"
        message = _(
            "The disbursement would exceed the allocated funds: %(ceiling)s yuan allocated, "
            "%(so_far)s yuan already disbursed, at most %(left)s yuan can still be disbursed."
        )
    elif kind == FundFlowKind.REIMBURSED:
        ceiling, so_far, code = totals["disbursed"], totals["reimbursed"], "over_reimbursement"
        message = _(
            "The reimbursement would exceed the disbursed funds: %(ceiling)s yuan disbursed, "
            "%(so_far)s yuan already reimbursed, at most %(left)s yuan can still be reimbursed."
        )
    else:
        return
    if so_far + amount > ceiling:
        text = message % {
            "ceiling": _yuan(ceiling),
            "so_far": _yuan(so_far),
            "left": _yuan(max(ceiling - so_far, Decimal(0))),
        }
        raise DomainError(code, text, errors={"amount": [text]})


@transaction.atomic
def fund_flow_record(
    *,
    actor: Any,
    project: Project,
    kind: str,
    amount: Decimal,
    date: datetime.date,
    note: str = "",
    vouchers: Sequence[Any] = (),
) -> FundFlow:
    """Record 下达 / 拨付 / 报账 on a project, refusing more than the stage before allows,
    with photos of its vouchers (re-encoded without metadata; a refused one refuses all)."""
    require_role(actor, ASSISTANCE_WRITE_ROLES, project.target_region_id)
    accepted = accept_photos(vouchers, "vouchers")
    locked = Project.objects.select_for_update().get(pk=project.pk)
    flow = FundFlow(
        project=locked, kind=kind, amount=amount, date=date, note=note, recorded_by=actor
    )
    flow.full_clean()
    _not_in_future("date", date)
    _check_flow(kind, flow.amount, _flow_totals(locked))
    flow.save()
    store_photos([(FundFlowVoucher(flow=flow, uploaded_by=actor), p) for p in accepted])
    events.record(
        actor=actor,
        action="fund_flow.recorded",
        obj=flow,
        subject=locked,
        region_code=locked.target_region_id,
        changes={
            "kind": [None, kind],
            "amount": [None, flow.amount],
            "date": [None, date],
            "vouchers": [None, len(accepted)],
        },
        summary=_("%(kind)s of %(amount)s yuan on %(project)s")
        % {"kind": flow.get_kind_display(), "amount": _yuan(flow.amount), "project": locked.name},
    )
    return flow


TRAINING_FIELDS = (
    "scheme",
    "partner",
    "region",
    "title",
    "start_on",
    "end_on",
    "sessions",
    "participants",
)


@transaction.atomic
def training_record(
    *, actor: Any, data: Mapping[str, Any], members: Iterable[Member] = ()
) -> Training:
    region = data.get("region")
    _check_region(actor, "region", getattr(region, "code", None))
    training = Training(**{k: v for k, v in data.items() if k in TRAINING_FIELDS})
    training.full_clean()
    _not_in_future("start_on", training.start_on)
    members = list(members)
    outside = [m for m in members if not in_jurisdiction(actor, m.household.region_id)]
    if outside:
        raise ValidationError({"members": _("A member is outside your jurisdiction.")})
    if len(members) > training.participants:
        raise ValidationError(
            {"members": _("More linked members than participants: raise the participants.")}
        )
    training.save()
    training.members.set(members)
    events.record(
        actor=actor,
        action="training.recorded",
        obj=training,
        region_code=training.region_id,
        changes={
            "title": [None, training.title],
            "sessions": [None, training.sessions],
            "participants": [None, training.participants],
        },
        summary=_("Training %(title)s recorded") % {"title": training.title},
    )
    return training


PLACEMENT_FIELDS = ("employer", "place", "placed_on", "scheme", "partner")


@transaction.atomic
def job_placement_record(*, actor: Any, member: Member, data: Mapping[str, Any]) -> JobPlacement:
    require_role(actor, ASSISTANCE_WRITE_ROLES, member.household.region_id)
    placement = JobPlacement(
        member=member, **{k: v for k, v in data.items() if k in PLACEMENT_FIELDS}
    )
    placement.full_clean()
    _not_in_future("placed_on", placement.placed_on)
    placement.save()
    events.record(
        actor=actor,
        action="job_placement.recorded",
        obj=placement,
        subject=member.household,
        region_code=member.household.region_id,
        changes={"employer": [None, placement.employer], "place": [None, placement.place]},
        summary=_("%(name)s placed with %(employer)s")
        % {"name": member.name, "employer": placement.employer},
    )
    return placement


# --- reference data maintained in the admin ---------------------------------------------------

# The Tongren region each reference model belongs to (for the audit event's region).
REFERENCE_REGION_FIELD = {
    "partner": "home_region",
    "institution": "region",
    "agreement": "region",
    "pairing": "region",
    "reportedtotal": "region",
    "exchangevisit": "region",
    "jointmeeting": "region",
    "consumptionassistance": "region",
    "secondedcadre": "county",
}


def _reference_fields(obj: models.Model) -> list[str]:
    return [f.name for f in obj._meta.concrete_fields if not f.primary_key]


def _reference_region(obj: models.Model) -> str:
    field = REFERENCE_REGION_FIELD[obj._meta.model_name or ""]
    return str(getattr(obj, f"{field}_id") or "")


@transaction.atomic
def reference_save(*, actor: Any, obj: models.Model) -> models.Model:
    """Create or change a reference row (partner, institution, agreement, pairing, reported
    total, exchange visit, meeting, consumption assistance, seconded cadre) with an audit event
    listing the changed fields. The caller has validated the row (the admin's model form)."""
    fields = _reference_fields(obj)
    model = type(obj)
    created = obj.pk is None
    before: dict[str, Any] = {}
    if not created:
        current = model._default_manager.select_for_update().filter(pk=obj.pk).first()
        created = current is None
        before = {} if current is None else events.snapshot(current, fields)
    obj.save()
    # Compared as stored (a form's Decimal("150000") is stored as 150000.00).
    stored = model._default_manager.get(pk=obj.pk)
    name = obj._meta.model_name
    events.record_change(
        actor=actor,
        action=f"assistance_{name}.{'created' if created else 'changed'}",
        obj=stored,
        before=before,
        fields=fields,
        region_code=_reference_region(obj),
        summary=(_("%(kind)s %(name)s created") if created else _("%(kind)s %(name)s changed"))
        % {"kind": obj._meta.verbose_name, "name": obj},
    )
    return obj


@transaction.atomic
def reference_delete(*, actor: Any, obj: models.Model) -> None:
    """Delete a reference row, recording its last values in an audit event."""
    fields = _reference_fields(obj)
    before = events.snapshot(obj, fields)
    region = _reference_region(obj)
    label = str(obj)
    pk = obj.pk
    events.record(
        actor=actor,
        action=f"assistance_{obj._meta.model_name}.deleted",
        obj=obj,
        region_code=region,
        changes={name: [value, None] for name, value in before.items()},
        summary=_("%(kind)s %(name)s deleted") % {"kind": obj._meta.verbose_name, "name": label},
    )
    obj.delete()
    obj.pk = pk

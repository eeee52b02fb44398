"""Monitoring after exit (防返贫动态监测): the case lifecycle.

identifying (≤ 15 days) → assisting → [village publicity] → risk_cleared; not_included from
identifying when verification finds no risk. Every write is one transaction with its audit
event. The risk checks that open cases automatically are in ``monitoring.checks``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from households.models import Household
from monitoring.checks import MONITORED_STATUSES, Risk
from monitoring.models import (
    MonitoringCase,
    MonitoringCategory,
    MonitoringObjection,
    MonitoringStatus,
    MonitoringStep,
    RiskCode,
)
from publicity.services import PublicityRules
from regions.roles import (
    CAPTURE_ROLES,
    MONITORING_CLEAR_ROLES,
    MONITORING_IDENTIFY_ROLES,
    MONITORING_OBJECTION_ROLES,
    MONITORING_PUBLICITY_ROLES,
    require_role,
)
from tongren_fupin.errors import DomainError


def _lock(case: MonitoringCase, allowed: Iterable[str], to: str) -> MonitoringCase:
    locked = MonitoringCase.objects.select_for_update().select_related("household").get(pk=case.pk)
    if locked.status not in set(allowed):
        raise DomainError(
            "invalid_transition",
            _("A case in status “%(status)s” cannot move to “%(to)s”.")
            % {"status": locked.get_status_display(), "to": MonitoringStatus(to).label},
            status=409,
        )
    return locked


def _step(
    actor: Any,
    case: MonitoringCase,
    status: str,
    on: datetime.date,
    note: str = "",
    action: str | None = None,
) -> MonitoringCase:
    before = case.status
    case.status = status
    case.save()
    MonitoringCase.objects.filter(pk=case.pk).update(version=F("version") + 1)
    case.version += 1
    MonitoringStep.objects.create(case=case, status=status, actor=actor, on=on, note=note[:255])
    events.record(
        actor=actor,
        action=action or f"monitoring.{status}",
        obj=case,
        subject=case.household,
        region_code=case.household.region_id,
        changes={
            "status": [before, status],
            "date": [None, on.isoformat()],
            **({"note": [None, note]} if note else {}),
        },
        summary=_("Monitoring case: %(status)s") % {"status": MonitoringStatus(status).label},
    )
    return case


@transaction.atomic
def monitoring_case_open(
    *,
    actor: Any,
    household: Household,
    category: str,
    opened: datetime.date,
    evidence: str,
) -> MonitoringCase:
    """A case reported by the household or found by a cadre (农户申报, 干部排查)."""
    require_role(actor, CAPTURE_ROLES, household.region_id)
    errors: dict[str, str] = {}
    if household.status not in MONITORED_STATUSES:
        errors["household"] = _("Only exited or edge households are monitored.")
    if category not in MonitoringCategory.values:
        errors["category"] = _("Choose a category from the list.")
    if not evidence.strip():
        errors["evidence"] = _("Describe the risk.")
    if opened > timezone.localdate():
        errors["opened"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    risk = Risk(
        key=f"reported:{timezone.now().isoformat()}",
        code=RiskCode.REPORTED,
        evidence=evidence.strip(),
        found_on=opened.isoformat(),
    )
    case = MonitoringCase(
        household=household,
        category=category,
        opened=opened,
        risks=[risk.as_dict()],
        opened_by=actor,
    )
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as error:
        raise DomainError(
            "already_open",
            _("This household already has an open monitoring case."),
            status=409,
        ) from error
    MonitoringStep.objects.create(
        case=case, status=MonitoringStatus.IDENTIFYING, actor=actor, on=opened, note=evidence[:255]
    )
    events.record(
        actor=actor,
        action="monitoring.opened",
        obj=case,
        subject=household,
        region_code=household.region_id,
        changes={"status": [None, case.status], "category": [None, category]},
        summary=_("Monitoring case: %(status)s") % {"status": MonitoringStatus.IDENTIFYING.label},
    )
    return case


def _check_date(case: MonitoringCase, on: datetime.date, field: str = "on") -> None:
    if on < case.opened:
        raise ValidationError({field: _("The date cannot be before the case was opened.")})
    if on > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


@transaction.atomic
def monitoring_case_advance(
    *, actor: Any, case: MonitoringCase, on: datetime.date, measures: str
) -> MonitoringCase:
    """Identification completed (识别认定): the household is assisted with these measures.

    Due within 15 days of opening; a later identification is recorded as late.
    """
    require_role(actor, MONITORING_IDENTIFY_ROLES)
    locked = _lock(case, {MonitoringStatus.IDENTIFYING}, MonitoringStatus.ASSISTING)
    _check_date(locked, on)
    if not measures.strip():
        raise ValidationError({"measures": _("Describe the assistance measures.")})
    locked.identified_on, locked.measures = on, measures.strip()
    late = on > locked.identify_by
    note = (
        _("Identified %(days)s days after opening (late).") % {"days": (on - locked.opened).days}
        if late
        else ""
    )
    return _step(actor, locked, MonitoringStatus.ASSISTING, on, note=note)


@transaction.atomic
def monitoring_case_dismiss(
    *, actor: Any, case: MonitoringCase, on: datetime.date, reason: str
) -> MonitoringCase:
    """Verification found no risk: the case closes as not included."""
    require_role(actor, MONITORING_IDENTIFY_ROLES)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason.")})
    locked = _lock(case, {MonitoringStatus.IDENTIFYING}, MonitoringStatus.NOT_INCLUDED)
    _check_date(locked, on)
    locked.closed_on, locked.close_reason = on, reason.strip()
    return _step(actor, locked, MonitoringStatus.NOT_INCLUDED, on, note=reason.strip())


@transaction.atomic
def monitoring_case_publicize(
    *, actor: Any, case: MonitoringCase, start: datetime.date, days: int | None = None
) -> MonitoringCase:
    """村内公示 of the risk clearance (at least 5 days); the notice hides sensitive fields."""
    require_role(actor, MONITORING_PUBLICITY_ROLES)
    locked = _lock(case, {MonitoringStatus.ASSISTING}, MonitoringStatus.RISK_CLEARED)
    if locked.publicity_start is not None:
        raise DomainError("already_publicized", _("The publicity has already started."), status=409)
    _check_date(locked, start, "start")
    locked.publicity_start = start
    locked.publicity_days = days or locked.publicity_days
    locked.full_clean(validate_constraints=False)
    return _step(
        actor,
        locked,
        MonitoringStatus.ASSISTING,
        start,
        note=_("Publicity of the risk clearance: %(days)s days") % {"days": locked.publicity_days},
        action="monitoring.publicized",
    )


def _objection_upheld(
    actor: Any, case: MonitoringCase, objection: MonitoringObjection, on: datetime.date
) -> None:
    """The publicity ends: the household stays assisted."""
    if case.status != MonitoringStatus.ASSISTING:
        return
    case.publicity_start = None
    _step(
        actor,
        case,
        MonitoringStatus.ASSISTING,
        on,
        note=_("Objection upheld: %(text)s") % {"text": objection.resolution},
        action="monitoring.objection_upheld",
    )


# The publicity of a risk clearance, for publicity.services.objection_record / objection_decide.
MONITORING_PUBLICITY: PublicityRules[MonitoringCase, MonitoringObjection] = PublicityRules(
    workflow="monitoring",
    owner_model=MonitoringCase,
    objection_model=MonitoringObjection,
    owner_field="case",
    record_roles=MONITORING_OBJECTION_ROLES,
    decide_roles=MONITORING_OBJECTION_ROLES,
    accepts_objections=lambda case: (
        case.status == MonitoringStatus.ASSISTING and case.publicity_start is not None
    ),
    on_upheld=_objection_upheld,
)


@transaction.atomic
def monitoring_case_clear(*, actor: Any, case: MonitoringCase, on: datetime.date) -> MonitoringCase:
    """风险消除: after the publicity period, with every objection decided (县级审定)."""
    require_role(actor, MONITORING_CLEAR_ROLES)
    locked = _lock(case, {MonitoringStatus.ASSISTING}, MonitoringStatus.RISK_CLEARED)
    ends = locked.publicity_ends
    if ends is None:
        raise DomainError(
            "not_publicized", _("Publicize the risk clearance in the village first."), status=409
        )
    if on < ends:
        raise DomainError(
            "publicity_not_over",
            _("The publicity period runs until %(date)s; clear the risk after it ends.")
            % {"date": (ends - datetime.timedelta(days=1)).isoformat()},
            status=409,
        )
    if locked.objections.filter(upheld__isnull=True).exists():
        raise DomainError("objection_pending", _("Decide every objection first."), status=409)
    _check_date(locked, on)
    locked.closed_on = on
    return _step(actor, locked, MonitoringStatus.RISK_CLEARED, on)

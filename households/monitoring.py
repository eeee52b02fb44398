"""Monitoring after exit (防返贫动态监测): the risk checks and the case lifecycle.

identifying (≤ 15 days) → assisting → [village publicity] → risk_cleared; not_included from
identifying when verification finds no risk. Every write is one transaction with its audit
event. The checks read the register set-based (a fixed number of queries whatever its size) and
are idempotent: a signal (its ``key``) opens at most one case, however often the check runs.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from audit.models import AuditEvent, Category
from households.choices import Health, LineKind, Status
from households.models import AnnualIncome, Household, Member, PovertyLine
from households.monitoring_models import (
    OPEN_STATUSES,
    MonitoringCase,
    MonitoringCategory,
    MonitoringObjection,
    MonitoringStatus,
    MonitoringStep,
    RiskCode,
)
from households.permissions import CAPTURE_ROLES, has_role
from regions.models import Role
from regions.scoping import in_jurisdiction
from relocation.selectors import zero_employment_households
from tongren_fupin.errors import DomainError

# Households under monitoring: exited ones (脱贫户) and edge households (边缘户).
MONITORED_STATUSES = (Status.EXITED, Status.EXITED_NO_POLICY, Status.EDGE)
# A change of health recorded within this window counts as new.
NEW_HEALTH_WINDOW_DAYS = 365
SCHOOL_AGES = (6, 15)  # compulsory education, age on 1 September
IDENTIFY_ROLES = frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_SUPERVISOR})
PUBLICITY_ROLES = frozenset({Role.VILLAGE_CADRE})
OBJECTION_ROLES = frozenset({Role.VILLAGE_CADRE, Role.TOWNSHIP_REVIEWER})
CLEAR_ROLES = frozenset({Role.COUNTY_SUPERVISOR})
# Serialises the checks, so two runs at the same moment cannot both open a case.
CHECK_LOCK = 52060901


@dataclass(frozen=True)
class Risk:
    key: str  # unique per signal: the same key never opens a second case
    code: str
    evidence: str
    found_on: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Found:
    """A household with a signal, and what the case needs to know about it."""

    household_id: int
    status: str
    region_id: str
    risk: Risk


# ---------------------------------------------------------------------------------------------
# The checks


@transaction.atomic
def run_monitoring_checks(*, on: datetime.date) -> int:
    """Open a case for every monitored household with a new risk signal; the number opened."""
    opened, _updated = _apply(*_signals(Household.objects.all(), on), on)
    return len(opened)


@transaction.atomic
def check_household(household_id: int) -> list[MonitoringCase]:
    """The same signals for one household (after a visit or an edit): the cases opened or
    given a new risk. Idempotent: a second run returns ``[]``."""
    on = timezone.localdate()
    opened, updated = _apply(*_signals(Household.objects.filter(pk=household_id), on), on)
    return opened + updated


def _signals(
    households: QuerySet[Household], on: datetime.date
) -> tuple[QuerySet[Household], list[Found]]:
    monitored = households.filter(status__in=MONITORED_STATUSES)
    found = [
        *_income_signals(monitored, on),
        *_health_signals(monitored, on),
        *_dropout_signals(monitored, on),
        *_employment_signals(monitored, on),
    ]
    return monitored, found


def _found(row: dict[str, Any], risk: Risk) -> Found:
    return Found(row["household_id"], row["household__status"], row["household__region_id"], risk)


ROW = ("household_id", "household__status", "household__region_id")


def _income_signals(monitored: QuerySet[Household], on: datetime.date) -> list[Found]:
    """The latest income (of a year with a monitoring line) under that year's line."""
    lines = dict(
        PovertyLine.objects.filter(kind=LineKind.MONITORING, year__lte=on.year).values_list(
            "year", "amount"
        )
    )
    if not lines:
        return []
    under = Q()
    for year, amount in lines.items():
        under |= Q(year=year, per_capita_net_income__lt=amount)
    later = AnnualIncome.objects.filter(
        household=OuterRef("household"), year__gt=OuterRef("year"), year__in=list(lines)
    )
    rows = (
        AnnualIncome.objects.filter(household__in=monitored)
        .filter(under)
        .exclude(Exists(later))
        .values(*ROW, "year", "per_capita_net_income")
    )
    found_on = on.isoformat()
    return [
        _found(
            row,
            Risk(
                key=f"income:{row['year']}",
                code=RiskCode.INCOME,
                evidence=_(
                    "Per-capita net income %(income)s yuan in %(year)s, under the monitoring "
                    "line of %(line)s yuan."
                )
                % {
                    "income": row["per_capita_net_income"],
                    "year": row["year"],
                    "line": lines[row["year"]],
                },
                found_on=found_on,
            ),
        )
        for row in rows
    ]


def _health_signals(monitored: QuerySet[Household], on: datetime.date) -> list[Found]:
    """Members now seriously ill or disabled whose health was recorded so in the last year."""
    serious = [Health.SERIOUS, Health.DISABLED]
    recorded = AuditEvent.objects.filter(
        action__in=("member.added", "member.updated"),
        object_type="households.member",
        object_id=Cast(OuterRef("pk"), CharField()),
        created__date__gt=on - datetime.timedelta(days=NEW_HEALTH_WINDOW_DAYS),
        created__date__lte=on,
        changes__health__1__in=serious,
    )
    rows = (
        Member.objects.filter(household__in=monitored, health__in=serious)
        .filter(Exists(recorded))
        .values(*ROW, "pk", "name", "health")
    )
    found_on = on.isoformat()
    return [
        _found(
            row,
            Risk(
                key=f"health:{row['pk']}:{row['health']}",
                code=RiskCode.ILLNESS if row["health"] == Health.SERIOUS else RiskCode.DISABILITY,
                evidence=_("%(name)s: %(health)s, recorded in the last 12 months.")
                % {"name": row["name"], "health": Health(row["health"]).label},
                found_on=found_on,
            ),
        )
        for row in rows
    ]


def school_year_start(on: datetime.date) -> datetime.date:
    """1 September of the school year that ``on`` falls in."""
    year = on.year if (on.month, on.day) >= (9, 1) else on.year - 1
    return datetime.date(year, 9, 1)


def _dropout_signals(monitored: QuerySet[Household], on: datetime.date) -> list[Found]:
    """Members of compulsory school age (6–15 on 1 September) with no schooling status."""
    start = school_year_start(on)
    youngest, oldest = SCHOOL_AGES
    rows = Member.objects.filter(
        household__in=monitored,
        schooling="",
        birth_date__lte=start.replace(year=start.year - youngest),
        birth_date__gt=start.replace(year=start.year - oldest - 1),
    ).values(*ROW, "pk", "name", "birth_date")
    found_on = on.isoformat()
    return [
        _found(
            row,
            Risk(
                key=f"dropout:{row['pk']}:{start.year}",
                code=RiskCode.DROPOUT,
                evidence=_("%(name)s, born %(born)s, is not in school (school year %(year)s).")
                % {"name": row["name"], "born": row["birth_date"].isoformat(), "year": start.year},
                found_on=found_on,
            ),
        )
        for row in rows
    ]


def _employment_signals(monitored: QuerySet[Household], on: datetime.date) -> list[Found]:
    """Relocated households with labour and nobody at work (零就业), once a year."""
    rows = (
        zero_employment_households(within=None)
        .filter(pk__in=monitored.values("pk"))
        .order_by()
        .values("pk", "status", "region_id")
    )
    evidence = _("A relocated household with labour and no member at work.")
    return [
        Found(
            row["pk"],
            row["status"],
            row["region_id"],
            Risk(
                key=f"no_employment:{on.year}",
                code=RiskCode.NO_EMPLOYMENT,
                evidence=evidence,
                found_on=on.isoformat(),
            ),
        )
        for row in rows
    ]


def _category(status: str, codes: Iterable[str]) -> str:
    codes = set(codes)
    if codes and codes <= {RiskCode.ILLNESS, RiskCode.DISABILITY}:
        return MonitoringCategory.SUDDEN_HARDSHIP
    return MonitoringCategory.EDGE if status == Status.EDGE else MonitoringCategory.UNSTABLE_EXITED


def _lock_checks() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHECK_LOCK])


def _apply(
    monitored: QuerySet[Household], found: list[Found], on: datetime.date
) -> tuple[list[MonitoringCase], list[MonitoringCase]]:
    """Open cases for households without an open one; add new risks to open ones.

    A fixed number of queries: the existing cases of the signalled households in one read,
    then bulk writes (cases, steps, audit events).
    """
    if not found:
        return [], []
    _lock_checks()
    by_household: dict[int, list[Found]] = defaultdict(list)
    for item in found:
        by_household[item.household_id].append(item)
    seen: dict[int, set[str]] = defaultdict(set)
    open_cases: dict[int, MonitoringCase] = {}
    existing = MonitoringCase.objects.filter(household__in=monitored).only(
        "pk", "household_id", "status", "risks"
    )
    for case in existing:
        seen[case.household_id].update(str(r.get("key")) for r in case.risks or [])
        if case.status in OPEN_STATUSES:
            open_cases[case.household_id] = case
    new_cases: list[MonitoringCase] = []
    updated: list[MonitoringCase] = []
    for household_id, items in by_household.items():
        fresh = _unseen(items, seen[household_id])
        if not fresh:
            continue
        risks = [item.risk.as_dict() for item in fresh]
        if household_id in open_cases:
            case = open_cases[household_id]
            case.risks = [*(case.risks or []), *risks]
            updated.append(case)
        else:
            new_cases.append(
                MonitoringCase(
                    household_id=household_id,
                    category=_category(items[0].status, (r["code"] for r in risks)),
                    opened=on,
                    risks=risks,
                )
            )
    created = MonitoringCase.objects.bulk_create(new_cases, batch_size=2000)
    region = {item.household_id: item.region_id for item in found}
    _record_opened(created, region, on)
    if updated:
        MonitoringCase.objects.bulk_update(updated, ["risks"], batch_size=2000)
        AuditEvent.objects.bulk_create(
            [_event(case, region, "monitoring.risk_added", _("New risk found")) for case in updated]
        )
    return created, updated


def _unseen(items: list[Found], seen: set[str]) -> list[Found]:
    fresh: dict[str, Found] = {}
    for item in items:
        if item.risk.key not in seen:
            fresh.setdefault(item.risk.key, item)
    return list(fresh.values())


def _event(case: MonitoringCase, region: dict[int, str], action: str, summary: str) -> AuditEvent:
    return AuditEvent(
        actor=None,
        category=Category.DATA,
        action=action,
        object_type="households.monitoringcase",
        object_id=str(case.pk),
        subject_type="households.household",
        subject_id=str(case.household_id),
        region_code=region[case.household_id],
        summary=summary[:255],
        changes={"risks": [None, [r["key"] for r in case.risks]]},
    )


def _record_opened(cases: list[MonitoringCase], region: dict[int, str], on: datetime.date) -> None:
    if not cases:
        return
    note = _("Opened by the monitoring check")
    MonitoringStep.objects.bulk_create(
        [
            MonitoringStep(case=case, status=MonitoringStatus.IDENTIFYING, on=on, note=note)
            for case in cases
        ],
        batch_size=2000,
    )
    AuditEvent.objects.bulk_create(
        [_event(case, region, "monitoring.opened", note) for case in cases], batch_size=2000
    )


# ---------------------------------------------------------------------------------------------
# The case lifecycle


def _require(actor: Any, roles: frozenset[str]) -> None:
    if not has_role(actor, roles):
        raise DomainError("forbidden", _("Your role may not do this."), status=403)


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
    _require(actor, CAPTURE_ROLES)
    if not in_jurisdiction(actor, household.region_id):
        raise DomainError("forbidden", _("Your role may not do this."), status=403)
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
    _require(actor, IDENTIFY_ROLES)
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
    _require(actor, IDENTIFY_ROLES)
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
    _require(actor, PUBLICITY_ROLES)
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


@transaction.atomic
def monitoring_objection_record(
    *, actor: Any, case: MonitoringCase, received_on: datetime.date, content: str
) -> MonitoringObjection:
    _require(actor, OBJECTION_ROLES)
    locked = MonitoringCase.objects.select_for_update().select_related("household").get(pk=case.pk)
    if locked.status != MonitoringStatus.ASSISTING or locked.publicity_start is None:
        raise DomainError(
            "not_in_publicity",
            _("Objections are recorded during the publicity period."),
            status=409,
        )
    objection = MonitoringObjection(case=locked, received_on=received_on, content=content)
    objection.full_clean()
    objection.save()
    events.record(
        actor=actor,
        action="monitoring.objection",
        obj=objection,
        subject=locked.household,
        region_code=locked.household.region_id,
        changes={"content": [None, content]},
        summary=_("Publicity objection recorded"),
    )
    return objection


@transaction.atomic
def monitoring_objection_decide(
    *, actor: Any, objection: MonitoringObjection, upheld: bool, resolution: str, on: datetime.date
) -> MonitoringObjection:
    """An upheld objection ends the publicity: the household stays assisted."""
    _require(actor, OBJECTION_ROLES)
    locked_objection = MonitoringObjection.objects.select_for_update().get(pk=objection.pk)
    if locked_objection.upheld is not None:
        raise DomainError("already_decided", _("This objection was already decided."), status=409)
    if not resolution.strip():
        raise ValidationError({"resolution": _("Give the resolution.")})
    locked_objection.upheld, locked_objection.resolution = upheld, resolution.strip()
    locked_objection.decided_by = actor
    locked_objection.save()
    case = (
        MonitoringCase.objects.select_for_update()
        .select_related("household")
        .get(pk=locked_objection.case_id)
    )
    if upheld and case.status == MonitoringStatus.ASSISTING:
        case.publicity_start = None
        _step(
            actor,
            case,
            MonitoringStatus.ASSISTING,
            on,
            note=_("Objection upheld: %(text)s") % {"text": resolution},
            action="monitoring.objection_upheld",
        )
    return locked_objection


@transaction.atomic
def monitoring_case_clear(*, actor: Any, case: MonitoringCase, on: datetime.date) -> MonitoringCase:
    """风险消除: after the publicity period, with every objection decided (县级审定)."""
    _require(actor, CLEAR_ROLES)
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

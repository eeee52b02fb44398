"""Monitoring after exit (防返贫动态监测): the risk checks.

They read the register set-based (a fixed number of queries whatever its size) and are
idempotent: a signal (its ``key``) opens at most one case, however often the check runs.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent, Category
from households.choices import SERIOUSLY_ILL, WITH_DISABILITY, Health, LineKind, Status
from households.models import AnnualIncome, Household, Member, PovertyLine
from households.standards import NOT_IN_SCHOOL, compulsory_birth_bounds, school_year_start
from monitoring.models import (
    OPEN_STATUSES,
    MonitoringCase,
    MonitoringCategory,
    MonitoringStatus,
    MonitoringStep,
    RiskCode,
)
from relocation.selectors import zero_employment_households

# Households under monitoring: exited ones (脱贫户) and edge households (边缘户).
MONITORED_STATUSES = (Status.EXITED, Status.EXITED_NO_POLICY, Status.EDGE)
# A change of health recorded within this window counts as new.
NEW_HEALTH_WINDOW_DAYS = 365
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
    serious = sorted(SERIOUSLY_ILL | WITH_DISABILITY)
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
                code=RiskCode.ILLNESS if row["health"] in SERIOUSLY_ILL else RiskCode.DISABILITY,
                evidence=_("%(name)s: %(health)s, recorded in the last 12 months.")
                % {"name": row["name"], "health": Health(row["health"]).label},
                found_on=found_on,
            ),
        )
        for row in rows
    ]


def _dropout_signals(monitored: QuerySet[Household], on: datetime.date) -> list[Found]:
    """Members of compulsory school age (6–15 on 1 September) not in school (非在校生 or no
    在校生状况)."""
    start = school_year_start(on)
    born_after, born_on_or_before = compulsory_birth_bounds(start)
    rows = Member.objects.filter(
        household__in=monitored,
        schooling__in=NOT_IN_SCHOOL,
        birth_date__lte=born_on_or_before,
        birth_date__gt=born_after,
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
        object_type=MonitoringCase._meta.label_lower,
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

"""One timeline per household: everything that happened to it, newest first.

One query per kind of record — visits (with their 五个看 and the 五个一致 result counted in the
same query), problems, measures, income by year, exit applications, monitoring cases, register
changes — and one more for the steps of the two kinds that have steps (exit applications,
monitoring cases). The number of queries does not grow with the number of events; the events
are merged and paginated in memory (a household has tens of them, not thousands).

A timestamp's day is Tongren's (``timezone.localdate``): the database keeps UTC, where 07:00 in
Tongren is still the day before.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.models import AuditEvent, Category
from exits.models import ExitApplication, ExitStep
from households.models import AnnualIncome, AssistanceMeasure, Household
from inspections.models import ConsistencyItem, FiveLooks, Problem, Visit
from monitoring.models import MonitoringCase, MonitoringStep

PER_PAGE = 20
#: Audit actions that change the register entry itself (income and measures have their kinds).
REGISTER_ACTIONS = ("household.", "member.")


@dataclass
class Step:
    on: datetime.date
    label: str
    actor: Any = None
    note: str = ""


@dataclass
class Event:
    kind: str
    kind_label: str
    on: datetime.date
    title: str
    # Ties on one day: the later recorded first (a timestamp; 0 when there is none).
    order: float = 0.0
    actor: Any = None
    detail: str = ""
    url: str = ""
    late: bool = False
    steps: list[Step] = field(default_factory=list)
    looks: list[tuple[str, bool]] = field(default_factory=list)
    note: str = ""
    record: Any = None


def _count(items: Any) -> Any:
    return Coalesce(
        Subquery(items.order_by().values("consistency").annotate(n=Count("pk")).values("n")),
        Value(0),
        output_field=IntegerField(),
    )


def _visits(household: Household) -> list[Event]:
    items = ConsistencyItem.objects.filter(consistency__visit=OuterRef("pk"))
    visits = (
        Visit.objects.filter(household=household)
        .select_related("visitor__assignment", "five_looks", "consistency")
        .prefetch_related("photos")
        .annotate(
            checked_items=_count(items),
            mismatched_items=_count(items.filter(mismatch=True)),
        )
    )
    return [_visit_event(visit) for visit in visits]


def _visit_event(visit: Any) -> Event:
    looks: list[tuple[str, bool]] = []
    five = getattr(visit, "five_looks", None)
    if five is not None:
        looks = [
            (
                str(getattr(FiveLooks._meta.get_field(look), "verbose_name", look)),
                bool(getattr(five, look)),
            )
            for look in FiveLooks.LOOKS
        ]
    if not visit.checked_items:
        result = _("no consistency check")
    elif visit.mismatched_items:
        result = ngettext(
            "五个一致: %(count)d item does not match",
            "五个一致: %(count)d items do not match",
            visit.mismatched_items,
        ) % {"count": visit.mismatched_items}
    else:
        result = ngettext(
            "五个一致: %(count)d item checked, all match",
            "五个一致: %(count)d items checked, all match",
            visit.checked_items,
        ) % {"count": visit.checked_items}
    return Event(
        kind="visit",
        kind_label=_("Visit"),
        on=visit.date,
        order=visit.created.timestamp(),
        title=visit.get_kind_display(),
        url=reverse("inspections:visit-detail", args=[visit.pk]),
        actor=visit.visitor,
        detail=result,
        late=bool(visit.mismatched_items),
        looks=looks,
        note=visit.note,
        record=visit,
    )


def _problems(household: Household, today: datetime.date) -> list[Event]:
    problems = Problem.objects.filter(household=household).select_related(
        "responsible__assignment", "rectified_by__assignment", "verified_by__assignment"
    )
    events = []
    for problem in problems:
        steps = [
            Step(
                timezone.localdate(problem.created), _("Opened"), None, problem.get_source_display()
            )
        ]
        if problem.rectified_at:
            steps.append(
                Step(
                    timezone.localdate(problem.rectified_at),
                    _("Rectified"),
                    problem.rectified_by,
                    problem.evidence,
                )
            )
        if problem.verified_at:
            steps.append(
                Step(
                    timezone.localdate(problem.verified_at),
                    _("Verified and closed"),
                    problem.verified_by,
                )
            )
        events.append(
            Event(
                kind="problem",
                kind_label=_("Problem"),
                on=timezone.localdate(problem.created),
                order=problem.created.timestamp(),
                title=f"{problem.get_category_display()} · {problem.get_state_display()}",
                actor=problem.responsible,
                detail=_("%(text)s · deadline %(date)s")
                % {"text": problem.description, "date": problem.deadline.isoformat()},
                url=reverse("inspections:problem-detail", args=[problem.pk]),
                late=problem.state != "verified" and problem.deadline < today,
                steps=steps,
                record=problem,
            )
        )
    return events


def _year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


@dataclass(frozen=True)
class Known:
    """Records of the household the caller has already read (its page shows them): the
    timeline takes them instead of reading them again. ``None``: read here."""

    measures: Sequence[AssistanceMeasure] | None = None
    incomes: Sequence[AnnualIncome] | None = None
    applications: Sequence[ExitApplication] | None = None
    monitoring_cases: Sequence[MonitoringCase] | None = None


def _measures(household: Household, known: Sequence[AssistanceMeasure] | None) -> list[Event]:
    rows = AssistanceMeasure.objects.filter(household=household) if known is None else known
    return [
        Event(
            kind="measure",
            kind_label=_("Measure"),
            on=_year_end(measure.year),
            order=measure.created.timestamp(),
            title=f"{measure.year} · {measure.get_kind_display()}",
            detail=measure.description + (f" · {measure.amount} 元" if measure.amount else ""),
            record=measure,
        )
        for measure in rows
    ]


def _incomes(household: Household, known: Sequence[AnnualIncome] | None) -> list[Event]:
    rows = AnnualIncome.objects.filter(household=household) if known is None else known
    return [
        Event(
            kind="income",
            kind_label=_("Income"),
            on=_year_end(income.year),
            title=_("Income of %(year)d") % {"year": income.year},
            detail=_("per-capita net income %(amount)s 元 · %(size)d people")
            % {"amount": income.per_capita_net_income, "size": income.member_count},
            record=income,
        )
        for income in rows
    ]


def _with_steps(rows: Iterable[Any], step_model: Any) -> list[Any]:
    """The rows with their steps, newest first, each with its actor (one query)."""
    steps = step_model.objects.select_related("actor__assignment").order_by("-created", "-id")
    listed = list(rows)
    prefetch_related_objects(listed, Prefetch("steps", queryset=steps))
    return listed


def _exits(household: Household, known: Sequence[ExitApplication] | None) -> list[Event]:
    applications = _with_steps(
        ExitApplication.objects.filter(household=household) if known is None else known,
        ExitStep,
    )
    return [
        Event(
            kind="exit",
            kind_label=_("Exit application"),
            on=application.proposed_on,
            order=application.created.timestamp(),
            title=_("Exit in %(year)d · %(state)s")
            % {"year": application.year, "state": application.get_state_display()},
            detail=application.return_reason or application.rejection_reason,
            url=reverse("exits:detail", args=[application.pk]),
            steps=[
                Step(s.on, s.get_state_display(), s.actor, s.note) for s in application.steps.all()
            ],
            record=application,
        )
        for application in applications
    ]


def _monitoring(household: Household, known: Sequence[MonitoringCase] | None) -> list[Event]:
    cases = _with_steps(
        MonitoringCase.objects.filter(household=household) if known is None else known,
        MonitoringStep,
    )
    return [
        Event(
            kind="monitoring",
            kind_label=_("Monitoring case"),
            on=case.opened,
            order=case.created.timestamp(),
            title=f"{case.get_category_display()} · {case.get_status_display()}",
            detail=case.measures or case.close_reason,
            url=reverse("monitoring:detail", args=[case.pk]),
            steps=[Step(s.on, s.get_status_display(), s.actor, s.note) for s in case.steps.all()],
            record=case,
        )
        for case in cases
    ]


def _changes(household: Household) -> list[Event]:
    """The summary of each change; the field-by-field diff is the page's History section (it
    names related records, one query each)."""
    actions = Q()
    for prefix in REGISTER_ACTIONS:
        actions |= Q(action__startswith=prefix)
    events = AuditEvent.objects.filter(
        actions,
        subject_type="households.household",
        subject_id=str(household.pk),
        category=Category.DATA,
    ).select_related("actor__assignment")
    return [
        Event(
            kind="change",
            kind_label=_("Register change"),
            on=timezone.localdate(event.created),
            order=event.created.timestamp(),
            title=event.summary,
            actor=event.actor,
            record=event,
        )
        for event in events
    ]


def household_events(
    *, user: Any, household: Household, today: datetime.date, known: Known | None = None
) -> list[Event]:
    """Every event of a household the user may see (the household comes from the scoped
    ``household_get``), newest first. ``known``: records of the household already read."""
    known = known or Known()
    events = [
        *_visits(household),
        *_problems(household, today),
        *_measures(household, known.measures),
        *_incomes(household, known.incomes),
        *_exits(household, known.applications),
        *_monitoring(household, known.monitoring_cases),
        *_changes(household),
    ]
    events.sort(key=lambda event: (event.on, event.order), reverse=True)
    return events


def timeline_page(
    *,
    user: Any,
    household: Household,
    page: Any,
    today: datetime.date,
    known: Known | None = None,
) -> Page:
    events = household_events(user=user, household=household, today=today, known=known)
    return Paginator(events, PER_PAGE).get_page(page)

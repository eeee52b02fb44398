"""Scoped reads of visits, problems and the misclassification checks."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from households.models import Household
from inspections.look_back_models import LookBackTask
from inspections.models import ConsistencyCheck, FiveLooks, Problem, Visit
from regions.scoping import scope_by_region


def visit_list(*, user: Any, household: Household | None = None) -> QuerySet[Visit]:
    visits = scope_by_region(Visit.objects.all(), user, field="household__region")
    if household is not None:
        visits = visits.filter(household=household)
    return (
        visits.select_related(
            "household", "visitor", "five_looks", "consistency", "survey", "motivation"
        )
        .prefetch_related("consistency__items")
        .order_by("-date", "-id")
    )


def visit_get(*, user: Any, pk: Any) -> Visit:
    try:
        return visit_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, Visit.DoesNotExist):
        raise Http404 from None


def latest_five_looks(household: Household) -> FiveLooks | None:
    """The 五个看 of the household's latest visit that recorded them."""
    return (
        FiveLooks.objects.filter(visit__household=household)
        .select_related("visit")
        .order_by("-visit__date", "-visit_id")
        .first()
    )


def latest_consistency_check(household: Household) -> ConsistencyCheck | None:
    """The 五个一致 check of the household's latest visit that made one, with its items."""
    return (
        ConsistencyCheck.objects.filter(visit__household=household)
        .select_related("visit")
        .prefetch_related("items")
        .order_by("-visit__date", "-visit_id")
        .first()
    )


def problem_list(
    *,
    user: Any,
    state: str = "",
    overdue_on: datetime.date | None = None,
    household: Household | None = None,
    mine: bool = False,
) -> QuerySet[Problem]:
    problems = scope_by_region(Problem.objects.all(), user, field="household__region")
    if mine:  # the problems the user is responsible for
        problems = problems.filter(responsible_id=user.pk)
    if household is not None:
        problems = problems.filter(household=household)
    if state:
        problems = problems.filter(state=state)
    if overdue_on is not None:
        problems = problems.overdue(overdue_on)  # type: ignore[attr-defined]
    return problems.select_related(
        "household",
        "household__region",
        "responsible__assignment",
        "rectified_by",
        "verified_by",
    ).order_by("deadline", "id")


def problem_get(*, user: Any, pk: Any) -> Problem:
    try:
        return problem_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, Problem.DoesNotExist):
        raise Http404 from None


def look_back_task_list(*, user: Any, status: str = "", period: str = "") -> QuerySet[LookBackTask]:
    tasks = scope_by_region(LookBackTask.objects.all(), user, field="household__region")
    if status:
        tasks = tasks.filter(status=status)
    if period:
        tasks = tasks.filter(period=period)
    return tasks.select_related("household", "household__region", "visit").order_by(
        "status", "due", "household__household_no", "id"
    )

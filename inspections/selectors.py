"""Scoped reads of visits, problems and the misclassification checks."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from households.models import Household
from inspections.look_back_models import LookBackTask
from inspections.models import ConsistencyCheck, FiveLooks, Photo, Problem, Visit
from regions.scoping import scope_by_region


def visit_list(*, user: Any, household: Household | None = None) -> QuerySet[Visit]:
    visits = scope_by_region(Visit.objects.all(), user, field="household__region")
    if household is not None:
        visits = visits.filter(household=household)
    return (
        visits.select_related(
            "household", "visitor", "five_looks", "consistency", "survey", "motivation"
        )
        .prefetch_related("consistency__items", "photos", "problems")
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


def photo_get(*, user: Any, pk: Any) -> Photo:
    """A photo of the user's jurisdiction (another one's is a 404, never a file)."""
    photos = scope_by_region(Photo.objects.all(), user, field="household__region")
    try:
        return photos.get(pk=int(pk))
    except (TypeError, ValueError, Photo.DoesNotExist):
        raise Http404 from None


def visit_photos(*, user: Any, visit_ids: list[int]) -> QuerySet[Photo]:
    """The photos of these visits (the evidence an exit review relies on), scoped."""
    photos = scope_by_region(Photo.objects.all(), user, field="household__region")
    return photos.filter(visit_id__in=visit_ids).order_by("visit_id", "look", "id")


def problem_photos(*, user: Any, problem: Problem) -> QuerySet[Photo]:
    photos = scope_by_region(Photo.objects.all(), user, field="household__region")
    return photos.filter(problem=problem).order_by("subject", "id")


def responsible_choices(*, household: Household) -> QuerySet[Any]:
    """The people a problem of this household may be given to: users whose jurisdiction
    holds it (its village's cadres and work team, the township, the county, the city)."""
    from django.contrib.auth import get_user_model

    code = household.region_id
    prefixes = {code[:n].ljust(12, "0") for n in (4, 6, 9, 12)}
    return (
        get_user_model()
        .objects.filter(is_active=True, assignment__region_id__in=prefixes)
        .select_related("assignment")
        .order_by("-assignment__region_id", "last_name", "first_name", "username")
    )

"""Scoped reads of trainings and job placements, and the register members a placement is for
(searched and shown with their ID numbers masked per the register's rules)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from assistance.models import JobPlacement, Training
from audit import events
from audit.models import Category
from households.models import Member
from regions.masking import displayed_id, sees_full_id
from regions.scoping import assignment_of, scope_by_region


def training_list(*, user: Any, scheme: str = "") -> QuerySet[Training]:
    trainings = scope_by_region(Training.objects.all(), user)
    if scheme:
        trainings = trainings.filter(scheme=scheme)
    return trainings.select_related("partner", "region").order_by("-start_on", "-id")


def training_get(*, user: Any, pk: Any) -> Training:
    try:
        return training_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, Training.DoesNotExist):
        raise Http404 from None


def job_placement_list(*, user: Any, scheme: str = "") -> QuerySet[JobPlacement]:
    placements = scope_by_region(
        JobPlacement.objects.all(), user, field="member__household__region"
    )
    if scheme:
        placements = placements.filter(scheme=scheme)
    return placements.select_related(
        "member", "member__household", "member__household__region", "partner"
    ).order_by("-placed_on", "-id")


def job_placement_get(*, user: Any, pk: Any) -> JobPlacement:
    try:
        return job_placement_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, JobPlacement.DoesNotExist):
        raise Http404 from None


MEMBER_SEARCH_LIMIT = 20
MIN_MEMBER_NAME_SEARCH = 2


def member_search(*, user: Any, term: str) -> list[Member]:
    """Register members of the jurisdiction matching a full ID number or the start of a name
    (at least two characters), at most ``MEMBER_SEARCH_LIMIT``, in one query."""
    term = term.strip()
    members = scope_by_region(Member.objects.all(), user, field="household__region")
    if len(term) in (15, 18, 20) and term[:-1].isdigit():
        members = members.filter(id_number=term.upper())
    elif len(term) >= MIN_MEMBER_NAME_SEARCH:
        members = members.filter(name__startswith=term)
    else:
        return []
    return list(
        members.select_related("household", "household__region").order_by(
            "name", "household__region_id", "id"
        )[:MEMBER_SEARCH_LIMIT]
    )


def member_for_placement(*, user: Any, pk: Any) -> Member | None:
    """One register member of the jurisdiction, or None (also for a malformed id)."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        scope_by_region(Member.objects.all(), user, field="household__region")
        .select_related("household", "household__region")
        .filter(pk=key)
        .first()
    )


def show_member_ids(*, user: Any, members: list[Member], channel: str) -> None:
    """Set ``shown_id`` on each member, masked per the register's rules; a display of full ID
    numbers is a security event (one per display, naming the members)."""
    for member in members:
        member.shown_id = displayed_id(user, member.id_number)  # type: ignore[attr-defined]
    if not members or not sees_full_id(user):
        return
    assignment = assignment_of(user)
    events.record(
        actor=user,
        action="personal_data.displayed",
        category=Category.SECURITY,
        region_code=assignment.region_id if assignment else "",
        changes={
            "fields": [None, ["id_number"]],
            "members": [None, [m.pk for m in members]],
            "channel": [None, channel],
        },
        summary=f"{len(members)} 个完整证件号码（{channel}）",
    )

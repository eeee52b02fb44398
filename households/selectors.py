"""Scoped reads of the register."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.http import Http404

from audit import events
from audit.models import AuditEvent, Category
from households.choices import WITH_DISABILITY, LineKind
from households.models import AnnualIncome, AssistanceMeasure, Household, Member, PovertyLine
from regions.masking import ID_LENGTH, Personal, sees_full
from regions.models import Region
from regions.scoping import scope_by_region, within_prefix

MIN_NAME_SEARCH = 2
# A search reads at most this many households per condition (number, name), the first ones in
# index order, whatever the number of matches (decision 0027): a prefix matching half the city
# costs what a full name does. The list says when a search reached it (``search_reached_limit``).
SEARCH_LIMIT = 200


@dataclass(frozen=True)
class HouseholdFilters:
    search: str = ""
    region: str = ""
    status: str = ""
    poverty_attribute: str = ""
    cause: str = ""


def household_list(*, user: Any, filters: HouseholdFilters | None = None) -> QuerySet[Household]:
    """Households in the user's jurisdiction, with head name and size, in one query."""
    filters = filters or HouseholdFilters()
    households = scope_by_region(Household.objects.all(), user)
    if filters.region:
        region = Region.objects.filter(code=filters.region).first()
        households = within_prefix(households, region.prefix) if region else households.none()
    if filters.status:
        households = households.filter(status=filters.status)
    if filters.poverty_attribute:
        households = households.filter(poverty_attribute=filters.poverty_attribute)
    if filters.cause:
        households = households.filter(main_cause=filters.cause)
    if filters.search:
        households = households.filter(pk__in=search_candidates(households, filters.search))
    # Head name and size are added per page (models.annotate_page), not for every row.
    # Ordered by village, then number: the (region, household_no) index serves any page of any
    # jurisdiction without sorting.
    return households.select_related("region").order_by("region_id", "household_no")


def search_candidates(households: QuerySet[Household], term: str) -> list[int]:
    """The ids of ``households`` matching ``term``: household number prefix, member name prefix
    (two characters at least: one, a surname, would match a twentieth of the register) or a
    whole ID number. At most ``SEARCH_LIMIT`` per condition, read in the order of an index
    (village then number, the list's own, which the jurisdiction's range narrows; name then
    household), so the work is bounded whatever the number of matches and the same term always
    gives the same households."""
    term = term.strip()
    ids = list(
        households.filter(household_no__startswith=term)
        .order_by("region_id", "household_no")
        .values_list("pk", flat=True)[:SEARCH_LIMIT]
    )
    if len(term) in (15, 18, 20) and term[:-1].isdigit():
        members = Member.objects.filter(id_number=term.upper())
    elif len(term) >= MIN_NAME_SEARCH:
        members = Member.objects.filter(name__startswith=term).order_by("name", "household_id")
    else:
        return ids
    chosen = households.order_by().values("pk")
    ids.extend(
        members.filter(household__in=chosen).values_list("household_id", flat=True)[:SEARCH_LIMIT]
    )
    return ids


def search_reached_limit(count: int) -> bool:
    """A search listing this many households may have left matches out: refine it."""
    return count >= SEARCH_LIMIT


def household_get(*, user: Any, pk: Any) -> Household:
    """One household of the user's jurisdiction, or 404 (also for a malformed id)."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    household = (
        scope_by_region(Household.objects.all(), user)
        .with_head_and_size()  # type: ignore[attr-defined]
        .select_related("region", "region__parent")
        .filter(pk=key)
        .first()
    )
    if household is None:
        raise Http404
    return household


def member_get(*, user: Any, household: Household, pk: Any) -> Member:
    """A member of ``household`` when the household is in the user's jurisdiction; 404 for a
    member of another household, of a household outside it, or a malformed id."""
    members = scope_by_region(Member.objects.all(), user, field="household__region")
    try:
        return members.get(household=household, pk=int(pk))
    except (TypeError, ValueError, Member.DoesNotExist):
        raise Http404 from None


def household_members(household: Household) -> QuerySet[Member]:
    return household.members.order_by("relation", "birth_date", "pk")


def latest_national_line_year(*, up_to: int) -> int | None:
    """The latest year, not after ``up_to``, that has a national poverty line."""
    latest = PovertyLine.objects.filter(kind=LineKind.NATIONAL, year__lte=up_to).aggregate(
        latest=Max("year")
    )["latest"]
    return int(latest) if latest is not None else None


def household_incomes(household: Household) -> QuerySet[AnnualIncome]:
    """Income by year with the national line of that year beside it (``line``)."""
    line = PovertyLine.objects.filter(year=OuterRef("year"), kind=LineKind.NATIONAL)
    return household.incomes.annotate(line=Subquery(line.values("amount")[:1])).order_by("-year")


def household_measures(household: Household) -> QuerySet[AssistanceMeasure]:
    return household.measures.order_by("-year", "kind", "pk")


def household_history(household: Household) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        subject_type="households.household", subject_id=str(household.pk), category=Category.DATA
    ).select_related("actor")


def poverty_line_list() -> QuerySet[PovertyLine]:
    return PovertyLine.objects.order_by("kind", "year")


# The personal fields a display of a household's members holds.
MEMBER_SHOWN = (Personal.ID_NUMBER, Personal.HEALTH, Personal.DISABILITY)


def log_full_display(
    *,
    user: Any,
    household: Household,
    members: list[Member],
    shown: tuple[Personal, ...],
    channel: str,
    ip_address: str | None = None,
) -> list[str]:
    """Each display of personal data in full to a user is a security event naming the fields
    of ``shown`` (what the display holds) that it showed whole (``regions.masking``) and the
    members they belong to; returns those fields."""
    fields = full_fields(user=user, household=household, members=members, shown=shown)
    if not fields:
        return fields
    events.record(
        actor=user,
        action="personal_data.displayed",
        obj=household,
        subject=household,
        category=Category.SECURITY,
        region_code=household.region_id,
        changes={
            "fields": [None, fields],
            "members": [None, [m.pk for m in members]],
            "channel": [None, channel],
        },
        summary=f"{len(members)} 人的完整个人信息（{'、'.join(fields)}；{channel}）",
        ip_address=ip_address,
    )
    return fields


def full_fields(
    *, user: Any, household: Household, members: list[Member], shown: tuple[Personal, ...]
) -> list[str]:
    """The fields of ``shown`` that hold data in the display and that ``user`` sees whole."""
    present = {
        Personal.ID_NUMBER: bool(members),
        Personal.PHONE: bool(household.phone or household.cadre_phone),
        Personal.HEALTH: bool(members),
        Personal.DISABILITY: any(
            m.health in WITH_DISABILITY or len(m.id_number) > ID_LENGTH for m in members
        ),
    }
    return [
        str(field)
        for field, there in present.items()
        if field in shown and there and sees_full(user, field)
    ]

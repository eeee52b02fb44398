"""Scoped reads of offline field work: the offline pack of a jurisdiction (a constant number of
queries whatever its size) and the data conflicts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from audit import events
from audit.models import Category
from fieldsync.models import ConflictState, FieldConflict, SyncRecord
from households.choices import Status
from households.models import AnnualIncome, AssistanceMeasure, Household, Member
from inspections.look_back_models import LookBackStatus, LookBackTask
from inspections.models import CheckedField, Problem
from regions.masking import Personal, displayed, sees_full
from regions.models import Region
from regions.references import not_found
from regions.scoping import assignment_of, scope_by_region, within_prefix


def pack_cap() -> int:
    return int(getattr(settings, "OFFLINE_PACK_MAX_HOUSEHOLDS", 500))


def pack_region(*, user: Any, code: str | None) -> Region:
    """The region the pack covers: the user's jurisdiction, or a region within it (404, the
    same words for one that does not exist and one elsewhere)."""
    if not code:
        assignment = assignment_of(user)
        if assignment is None:  # an operator: the whole tree has no single region
            raise not_found("region")
        return assignment.region
    region = scope_by_region(Region.objects.all(), user, "code").filter(code=code).first()
    if region is None:
        raise not_found("region")
    return region


def pack_households(*, user: Any, region: Region) -> QuerySet[Household]:
    """The followed households (not 清退) of ``region`` within the user's jurisdiction."""
    households = within_prefix(scope_by_region(Household.objects.all(), user), region.prefix)
    return households.exclude(status=Status.REMOVED).order_by("region_id", "household_no")


def _with_register(households: QuerySet[Household]) -> QuerySet[Household]:
    """The facts 五个一致 reads from the register, as columns of the same query."""
    income = AnnualIncome.objects.filter(household=OuterRef("pk")).order_by("-year")
    measures = (
        AssistanceMeasure.objects.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        households.with_head_and_size()  # type: ignore[attr-defined]
        .select_related("region")
        .annotate(
            latest_per_capita=Subquery(income.values("per_capita_net_income")[:1]),
            measure_count=Coalesce(Subquery(measures), 0),
        )
    )


def register_values_of(household: Any) -> dict[str, str]:
    """``inspections.services.register_values`` from the pack's columns (the same strings)."""
    income = household.latest_per_capita
    if income is not None:  # as the model field reads it back (SQLite drops trailing zeros)
        places = AnnualIncome._meta.get_field("per_capita_net_income").decimal_places or 0
        income = Decimal(income).quantize(Decimal(1).scaleb(-places))
    return {
        CheckedField.FAMILY_SIZE: str(household.member_count),
        CheckedField.PER_CAPITA_INCOME: str(income) if income is not None else "",
        CheckedField.POVERTY_ATTRIBUTE: str(household.get_poverty_attribute_display()),
        CheckedField.MAIN_CAUSE: str(household.get_main_cause_display()),
        CheckedField.STATUS: str(household.get_status_display()),
        CheckedField.MEASURES: str(household.measure_count),
        CheckedField.RESPONSIBLE_CADRE: household.cadre_name,
    }


@dataclass
class Pack:
    region: Region
    households: list[dict[str, Any]]


def offline_pack(*, user: Any, households: QuerySet[Household], region: Region) -> Pack:
    """Every household with what the visit form shows: five queries in all."""
    rows = list(_with_register(households))
    ids = [h.pk for h in rows]
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for member in Member.objects.filter(household_id__in=ids).order_by(
        "household_id", "relation", "birth_date", "pk"
    ):
        members[member.household_id].append(_member(user, member))
    problems: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for problem in Problem.objects.unresolved().filter(household_id__in=ids).order_by("deadline"):
        problems[problem.household_id].append(_problem(problem))
    tasks: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for task in LookBackTask.objects.filter(
        household_id__in=ids, status=LookBackStatus.OPEN
    ).order_by("due", "pk"):
        tasks[task.household_id].append(
            {"id": task.pk, "period": task.period, "due": task.due.isoformat()}
        )
    return Pack(
        region=region,
        households=[_household(user, h, members[h.pk], problems[h.pk], tasks[h.pk]) for h in rows],
    )


def _household(
    user: Any,
    household: Any,
    members: list[dict[str, Any]],
    problems: list[dict[str, Any]],
    tasks: list[dict[str, Any]],
) -> dict[str, Any]:
    values = register_values_of(household)
    return {
        "id": household.pk,
        "household_no": household.household_no,
        "head_name": household.head_name or "",
        "village": {"code": household.region_id, "name": household.region.name},
        "status": household.status,
        "status_display": str(household.get_status_display()),
        "version": household.version,
        "phone": displayed(user, Personal.PHONE, household.phone),
        "register": [
            {"field": field.value, "label": str(field.label), "value": values[field.value]}
            for field in CheckedField
        ],
        "members": members,
        "open_problems": problems,
        "look_back_tasks": tasks,
    }


def _member(user: Any, member: Member) -> dict[str, Any]:
    return {
        "id": member.pk,
        "name": member.name,
        "relation": member.relation,
        "relation_display": str(member.get_relation_display()),
        "id_number": displayed(user, Personal.ID_NUMBER, member.id_number),
        "sex": member.sex,
        "birth_date": member.birth_date.isoformat(),
        "work_status": member.work_status,
        "work_status_display": str(member.get_work_status_display()),
        "work_months": member.work_months,
        "schooling": member.schooling,
        "schooling_display": str(member.get_schooling_display()) if member.schooling else "",
        "education": member.education,
        "education_display": str(member.get_education_display()) if member.education else "",
        "basic_medical_insurance": member.basic_medical_insurance,
    }


def _problem(problem: Problem) -> dict[str, Any]:
    return {
        "id": problem.pk,
        "category": problem.category,
        "category_display": str(problem.get_category_display()),
        "description": problem.description,
        "deadline": problem.deadline.isoformat(),
        "state": problem.state,
        "state_display": str(problem.get_state_display()),
        "overdue": problem.deadline < timezone.localdate(),
    }


# -- conflicts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictFilters:
    search: str = ""
    state: str = ConflictState.OPEN


def conflict_list(*, user: Any, filters: ConflictFilters | None = None) -> QuerySet[FieldConflict]:
    """The data conflicts of the jurisdiction, newest first, people and household joined."""
    filters = filters or ConflictFilters()
    conflicts = scope_by_region(FieldConflict.objects.all(), user, "household__region")
    if filters.state:
        conflicts = conflicts.filter(state=filters.state)
    term = filters.search.strip()
    if term:
        conflicts = conflicts.filter(
            Q(household__household_no__startswith=term) | Q(member_name__startswith=term)
        )
    return conflicts.select_related(
        "household",
        "household__region",
        "server_changed_by__assignment",
        "recorded_by__assignment",
        "resolved_by__assignment",
    ).order_by("-created", "-id")


def conflict_get(*, user: Any, pk: Any) -> FieldConflict:
    try:
        return conflict_list(user=user, filters=ConflictFilters(state="")).get(pk=int(pk))
    except (TypeError, ValueError, FieldConflict.DoesNotExist):
        raise Http404 from None


def open_conflicts_of(household: Household) -> list[FieldConflict]:
    return list(FieldConflict.objects.open().filter(household=household).order_by("created"))


def sync_record_of_visit(visit_id: int) -> SyncRecord | None:
    return SyncRecord.objects.filter(visit_id=visit_id).first()


def log_pack_display(*, user: Any, pack: Pack, ip: str | None) -> None:
    """Downloading a pack with ID numbers or phones in full is one security event (the fields,
    the region and the number of households), like every full display (decision 0021)."""
    shown = [str(f) for f in (Personal.ID_NUMBER, Personal.PHONE) if sees_full(user, f)]
    if not shown or not pack.households:
        return
    events.record(
        actor=user,
        action="personal_data.displayed",
        category=Category.SECURITY,
        region_code=pack.region.code,
        changes={
            "fields": [None, shown],
            "households": [None, len(pack.households)],
            "channel": [None, "offline_pack"],
        },
        summary=f"离线包：{pack.region.name} {len(pack.households)} 户的完整个人信息"
        f"（{'、'.join(shown)}）",
        ip_address=ip,
    )


def sync_record_get(*, user: Any, client_token: Any) -> SyncRecord:
    """One of the user's own applied records by its token, or 404 (another's token included)."""
    record = SyncRecord.objects.filter(client_token=client_token, actor_id=user.pk).first()
    if record is None:
        raise Http404
    return record

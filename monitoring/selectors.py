"""Scoped reads of monitoring cases."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from monitoring.models import MonitoringCase, MonitoringStatus
from regions.scoping import scope_by_region


@dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    category: str = ""
    # Cases still being identified past the 15 days, as of this date.
    overdue_on: datetime.date | None = None


def monitoring_case_list(
    *, user: Any, filters: CaseFilters | None = None
) -> QuerySet[MonitoringCase]:
    filters = filters or CaseFilters()
    cases = scope_by_region(MonitoringCase.objects.all(), user, field="household__region")
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.category:
        cases = cases.filter(category=filters.category)
    if filters.overdue_on is not None:
        cases = cases.identification_overdue(filters.overdue_on)  # type: ignore[attr-defined]
    return cases.select_related("household", "household__region").order_by("-opened", "-id")


def monitoring_case_get(*, user: Any, pk: Any) -> MonitoringCase:
    try:
        return monitoring_case_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, MonitoringCase.DoesNotExist):
        raise Http404 from None


def publicity_notice(case: MonitoringCase) -> dict[str, Any]:
    """What the village notice shows: never an ID number, phone, bank account or health status
    (nor the risks, which can name an illness)."""
    household = case.household
    head = household.members.filter(relation="01").values_list("name", flat=True).first()
    return {
        "village": household.region.name,
        "township": household.region.parent.name if household.region.parent else "",
        "head_name": head or "",
        "household_no": household.household_no,
        "size": household.members.count(),
        "category": case.get_category_display(),
        "status": MonitoringStatus.RISK_CLEARED.label,
        "start": case.publicity_start,
        "days": case.publicity_days,
        "ends": case.publicity_ends,
    }

"""Scoped reads of monitoring cases."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from monitoring.models import MonitoringCase, MonitoringStatus
from publicity.notices import (
    PublicNotice,
    notice_household,
    objection_ways,
    village_committee,
    village_objection_place,
)
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


@dataclass(frozen=True)
class MonitoringNotice(PublicNotice):
    category: str
    status: str


def publicity_notice(case: MonitoringCase) -> MonitoringNotice | None:
    """The village notice of a risk clearance, from the start of its publicity on. Like every
    public notice it never shows an ID number, phone, bank account or health status, nor the
    risks, which can name an illness (``publicity.notices``)."""
    if case.publicity_start is None:
        return None
    household = case.household
    facts = notice_household(household)
    return MonitoringNotice(
        title=_("%(place)s: notice of the clearance of return-to-poverty risk")
        % {"place": f"{facts.township}{facts.village}"},
        issuing_unit=village_committee(household.region),
        issued_on=case.publicity_start,
        household=facts,
        period_start=case.publicity_start,
        period_days=case.publicity_days,
        objection_place=village_objection_place(household.region),
        objection_ways=objection_ways(),
        category=case.get_category_display(),
        status=str(MonitoringStatus.RISK_CLEARED.label),
    )

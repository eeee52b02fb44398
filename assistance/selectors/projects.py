"""Scoped reads of the assistance projects, each with its fund-flow totals, and their flows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from assistance.models import FundFlow, FundFlowKind, FundFlowVoucher, Partner, Project
from regions.scoping import scope_by_region

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=18, decimal_places=2)


def flow_sum(kind: str, extra: Q | None = None) -> Coalesce:
    """The sum of the project's flows of ``kind`` (and ``extra``), zero when there are none."""
    condition = Q(flows__kind=kind) if extra is None else Q(flows__kind=kind) & extra
    return Coalesce(Sum("flows__amount", filter=condition), Value(ZERO), output_field=MONEY_FIELD)


def latest_project_year(*, user: Any) -> int | None:
    """The latest year of a project targeting the jurisdiction."""
    projects = scope_by_region(Project.objects.all(), user, field="target_region")
    latest = projects.aggregate(latest=Max("year"))["latest"]
    return int(latest) if latest is not None else None


def project_list(
    *,
    user: Any,
    scheme: str = "",
    state: str = "",
    year: int | None = None,
    partner: Partner | None = None,
) -> QuerySet[Project]:
    """Projects targeting the jurisdiction, each annotated with its all-time flow totals
    (``allocated``, ``disbursed``, ``reimbursed``) in the same query."""
    projects = scope_by_region(Project.objects.all(), user, field="target_region")
    if scheme:
        projects = projects.filter(scheme=scheme)
    if state:
        projects = projects.filter(state=state)
    if year is not None:
        projects = projects.filter(year=year)
    if partner is not None:
        projects = projects.filter(partner=partner)
    return (
        projects.select_related("partner", "target_region", "agreement")
        .annotate(
            allocated=flow_sum(FundFlowKind.ALLOCATED),
            disbursed=flow_sum(FundFlowKind.DISBURSED),
            reimbursed=flow_sum(FundFlowKind.REIMBURSED),
        )
        .order_by("-year", "target_region_id", "name", "id")
    )


def project_get(*, user: Any, pk: Any) -> Project:
    try:
        return project_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, Project.DoesNotExist):
        raise Http404 from None


def project_flows(project: Project) -> QuerySet[FundFlow]:
    return (
        project.flows.select_related("recorded_by")
        .prefetch_related("vouchers")
        .order_by("date", "id")
    )


def voucher_get(*, user: Any, pk: Any) -> FundFlowVoucher:
    """A voucher photo of a project targeting the jurisdiction (else 404)."""
    vouchers = scope_by_region(
        FundFlowVoucher.objects.all(), user, field="flow__project__target_region"
    )
    try:
        return vouchers.get(pk=int(pk))
    except (TypeError, ValueError, FundFlowVoucher.DoesNotExist):
        raise Http404 from None

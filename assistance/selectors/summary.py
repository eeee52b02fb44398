"""The summary: itemised rows plus reported totals, for a scheme, region and partner kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from assistance.models import (
    Agreement,
    ConsumptionAssistance,
    ExchangeVisit,
    FundFlow,
    FundFlowKind,
    JobPlacement,
    JointMeeting,
    MeetingKind,
    Pairing,
    Project,
    ProjectOutput,
    ReportedTotal,
    SecondedCadre,
    Training,
)
from assistance.selectors.projects import MONEY_FIELD, ZERO
from regions.models import Region
from regions.scoping import in_jurisdiction, jurisdiction_prefix, within_prefix


@dataclass(frozen=True)
class SummaryFilters:
    scheme: str = ""
    region: Region | None = None
    partner_kind: str = ""


def _scoped(
    queryset: QuerySet[Any],
    prefix: str,
    region_field: str,
    filters: SummaryFilters,
    *,
    scheme_field: str = "scheme",
    partner_field: str = "partner",
) -> QuerySet[Any]:
    queryset = within_prefix(queryset, prefix, region_field)
    if filters.scheme:
        queryset = queryset.filter(**{scheme_field: filters.scheme})
    if filters.partner_kind:
        queryset = queryset.filter(**{f"{partner_field}__kind": filters.partner_kind})
    return queryset


def _total(queryset: QuerySet[Any], expression: str, money: bool = False) -> Any:
    if money:
        result = queryset.aggregate(
            v=Coalesce(Sum(expression), Value(ZERO), output_field=MONEY_FIELD)
        )
    else:
        result = queryset.aggregate(v=Coalesce(Sum(expression), 0))
    return result["v"]


def summary_region(*, user: Any, code: str = "") -> Region:
    """The region a summary is asked for: the given code in the jurisdiction (404 outside),
    or the user's jurisdiction (the city for operators)."""
    prefix = jurisdiction_prefix(user)
    if prefix is None:
        raise Http404
    if not code:
        code = prefix.ljust(12, "0") if prefix else "520600000000"
    region = Region.objects.filter(code=code).first()
    if region is None or not in_jurisdiction(user, region.code):
        raise Http404
    return region


def assistance_summary(*, user: Any, filters: SummaryFilters) -> dict[str, Any]:
    """Totals of itemised rows plus reported totals, for a scheme, region and partner kind.

    funds: allocated fund flows + reported funds (yuan); projects: projects + reported;
    people_covered: projects' people covered + reported; exchange_visitors: people on visits
    + reported; joint/working meetings: meetings + reported; trainings, trainees: sessions and
    participants + reported; placed: job placements + reported; purchases, sales_helped:
    consumption assistance + reported; seconded_cadres: cadres + reported; pairings by level:
    rows, partner units and target units.
    """
    region = filters.region or summary_region(user=user)
    prefix = region.prefix
    itemised, published = _figure_parts(prefix, filters)
    return {
        "region": region.code,
        "region_name": region.name,
        "scheme": filters.scheme,
        "partner_kind": filters.partner_kind,
        **{name: itemised[name] + published[name] for name in SUMMARY_FIGURES},
        "pairings": _pairings_by_level(prefix, filters),
        "agreements": _agreements(prefix, filters),
        "project_outputs": _outputs(prefix, filters),
    }


MONEY_NAMES = frozenset({"funds", "purchased", "sales_helped"})
REPORTED_FIELDS = (
    "funds",
    "projects",
    "people_covered",
    "exchange_visitors",
    "joint_meetings",
    "working_meetings",
    "trainings",
    "trainees",
    "placed",
    "purchased",
    "sales_helped",
    "seconded_cadres",
)


@dataclass(frozen=True)
class PublishedFigure:
    """A summary figure with its parts: the published aggregate (reported totals) and the sum
    of the itemised rows beside it."""

    name: str
    total: Any
    published: Any
    itemised: Any

    @property
    def from_published(self) -> bool:
        return bool(self.published)


def published_figures(
    *, user: Any, filters: SummaryFilters, names: tuple[str, ...] = ()
) -> dict[str, PublishedFigure]:
    """The summary's figures split into the published aggregate and the itemised rows, so a
    page can say which totals come from a published figure (scoped like the summary)."""
    region = filters.region or summary_region(user=user)
    itemised, published = _figure_parts(region.prefix, filters)
    return {
        name: PublishedFigure(
            name=name,
            total=itemised[name] + published[name],
            published=published[name],
            itemised=itemised[name],
        )
        for name in names or SUMMARY_FIGURES
    }


# The summary's figure names, and the reported-total field each adds.
SUMMARY_FIGURES = {
    "funds": "funds",
    "projects": "projects",
    "people_covered": "people_covered",
    "exchange_visitors": "exchange_visitors",
    "joint_meetings": "joint_meetings",
    "working_meetings": "working_meetings",
    "trainings": "trainings",
    "trainees": "trainees",
    "placed": "placed",
    "purchases": "purchased",
    "sales_helped": "sales_helped",
    "seconded_cadres": "seconded_cadres",
}


def _figure_parts(prefix: str, filters: SummaryFilters) -> tuple[dict[str, Any], dict[str, Any]]:
    """(itemised, published): each summary figure from the itemised rows and from the
    reported totals, within the prefix."""
    reported = within_prefix(ReportedTotal.objects.all(), prefix, "region")
    if filters.scheme:
        reported = reported.filter(scheme=filters.scheme)
    if filters.partner_kind:
        reported = reported.filter(
            Q(partner_kind=filters.partner_kind) | Q(partner__kind=filters.partner_kind)
        )
    rt = reported.aggregate(
        **{
            name: Coalesce(Sum(name), Value(ZERO if name in MONEY_NAMES else 0))
            for name in REPORTED_FIELDS
        }
    )
    projects = _scoped(Project.objects.all(), prefix, "target_region", filters)
    project_totals = projects.aggregate(n=Count("pk"), people=Coalesce(Sum("people_covered"), 0))
    flows = _scoped(
        FundFlow.objects.filter(kind=FundFlowKind.ALLOCATED),
        prefix,
        "project__target_region",
        filters,
        scheme_field="project__scheme",
        partner_field="project__partner",
    )
    meetings = _scoped(JointMeeting.objects.all(), prefix, "region", filters).aggregate(
        joint=Count("pk", filter=Q(kind=MeetingKind.JOINT)),
        working=Count("pk", filter=Q(kind=MeetingKind.WORKING)),
    )
    trainings = _scoped(Training.objects.all(), prefix, "region", filters).aggregate(
        sessions=Coalesce(Sum("sessions"), 0), people=Coalesce(Sum("participants"), 0)
    )
    consumption = _scoped(ConsumptionAssistance.objects.all(), prefix, "region", filters)
    itemised = {
        "funds": _total(flows, "amount", money=True),
        "projects": project_totals["n"],
        "people_covered": project_totals["people"],
        "exchange_visitors": _total(
            _scoped(ExchangeVisit.objects.all(), prefix, "region", filters), "people"
        ),
        "joint_meetings": meetings["joint"],
        "working_meetings": meetings["working"],
        "trainings": trainings["sessions"],
        "trainees": trainings["people"],
        "placed": _scoped(
            JobPlacement.objects.all(), prefix, "member__household__region", filters
        ).count(),
        "purchases": _total(consumption, "purchased", money=True),
        "sales_helped": _total(consumption, "sales_helped", money=True),
        "seconded_cadres": _scoped(SecondedCadre.objects.all(), prefix, "county", filters).count(),
    }
    published = {name: rt[field] for name, field in SUMMARY_FIGURES.items()}
    return itemised, published


def _pairings_by_level(prefix: str, filters: SummaryFilters) -> list[dict[str, Any]]:
    pairings = _scoped(Pairing.objects.all(), prefix, "region", filters)
    rows = (
        pairings.values("scheme", "level")
        .annotate(
            pairings=Count("pk"),
            partner_units=Sum("partner_units"),
            target_units=Sum("target_units"),
        )
        .order_by("scheme", "level")
    )
    return [dict(row) for row in rows]


def _agreements(prefix: str, filters: SummaryFilters) -> list[dict[str, Any]]:
    agreements = _scoped(Agreement.objects.all(), prefix, "region", filters)
    return [
        {
            "id": a.pk,
            "title": a.title,
            "partner": a.partner.name,
            "region": a.region_id,
            "signed_on": a.signed_on,
            "projects": a.project_count,
        }
        for a in agreements.select_related("partner")
        .annotate(project_count=Count("projects"))
        .order_by("partner__name", "id")
    ]


def _outputs(prefix: str, filters: SummaryFilters) -> list[dict[str, Any]]:
    outputs = _scoped(
        ProjectOutput.objects.all(),
        prefix,
        "project__target_region",
        filters,
        scheme_field="project__scheme",
        partner_field="project__partner",
    )
    return [
        {
            "project": o.project_id,
            "project_name": o.project.name,
            "name": o.name,
            "quantity": o.quantity,
            "unit": o.unit,
        }
        for o in outputs.select_related("project").order_by("project_id", "id")
    ]

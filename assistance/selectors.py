"""Scoped reads of the assistance app: partners, pairings, projects, the 9+2 view, the summary
and the fund and progress rates (拨付率, 报账率, 备案率, 竣工率) computed in the database.

A county supervisor sees the projects, pairings and activities whose Tongren region lies in
their county; the city sees all. Partners are reference data every reader sees; what they did
is scoped.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Substr
from django.http import Http404

from assistance.models import (
    COMPLETED_STATES,
    FILED_STATES,
    Agreement,
    ConsumptionAssistance,
    ExchangeVisit,
    FundFlow,
    FundFlowKind,
    JobPlacement,
    JointMeeting,
    MeetingKind,
    Pairing,
    Partner,
    Project,
    ProjectOutput,
    ReportedTotal,
    Scheme,
    SecondedCadre,
    Training,
)
from audit import events
from audit.models import Category
from households.models import Member
from regions.masking import displayed_id, sees_full_id
from regions.models import PREFIX_LENGTH, Level, Region
from regions.scoping import (
    assignment_of,
    in_jurisdiction,
    jurisdiction_prefix,
    scope_by_region,
    within_prefix,
)

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=18, decimal_places=2)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


# --- partners and pairings -------------------------------------------------------------------


def partner_list(*, user: Any, scheme: str = "", kind: str = "") -> QuerySet[Partner]:
    """Every partner for a user with a jurisdiction; ``scheme`` keeps those with a pairing,
    project or reported total of that scheme."""
    if jurisdiction_prefix(user) is None:
        return Partner.objects.none()
    partners = Partner.objects.all()
    if kind:
        partners = partners.filter(kind=kind)
    if scheme:
        partners = partners.filter(
            Q(pk__in=Pairing.objects.filter(scheme=scheme).values("partner"))
            | Q(pk__in=Project.objects.filter(scheme=scheme).values("partner"))
            | Q(pk__in=ReportedTotal.objects.filter(scheme=scheme).values("partner"))
        )
    return partners.select_related("home_region").order_by("kind", "name")


def partner_get(*, user: Any, pk: Any) -> Partner:
    try:
        return partner_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, Partner.DoesNotExist):
        raise Http404 from None


def pairing_list(
    *, user: Any, scheme: str = "", level: str = "", partner: Partner | None = None
) -> QuerySet[Pairing]:
    pairings = scope_by_region(Pairing.objects.all(), user)
    if scheme:
        pairings = pairings.filter(scheme=scheme)
    if level:
        pairings = pairings.filter(level=level)
    if partner is not None:
        pairings = pairings.filter(partner=partner)
    return pairings.select_related("partner", "region", "institution", "agreement").order_by(
        "scheme", "level", "region_id", "id"
    )


def pairing_get(*, user: Any, pk: Any) -> Pairing:
    try:
        return pairing_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, Pairing.DoesNotExist):
        raise Http404 from None


def agreement_list(*, user: Any, scheme: str = "") -> QuerySet[Agreement]:
    agreements = scope_by_region(Agreement.objects.all(), user)
    if scheme:
        agreements = agreements.filter(scheme=scheme)
    return agreements.select_related("partner", "region").order_by("region_id", "partner__name")


# --- projects and fund flows -----------------------------------------------------------------


def _flow_sum(kind: str, extra: Q | None = None) -> Coalesce:
    condition = Q(flows__kind=kind) if extra is None else Q(flows__kind=kind) & extra
    return Coalesce(Sum("flows__amount", filter=condition), Value(ZERO), output_field=MONEY_FIELD)


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
            allocated=_flow_sum(FundFlowKind.ALLOCATED),
            disbursed=_flow_sum(FundFlowKind.DISBURSED),
            reimbursed=_flow_sum(FundFlowKind.REIMBURSED),
        )
        .order_by("-year", "target_region_id", "name", "id")
    )


def project_get(*, user: Any, pk: Any) -> Project:
    try:
        return project_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, Project.DoesNotExist):
        raise Http404 from None


def project_flows(project: Project) -> QuerySet[FundFlow]:
    return project.flows.select_related("recorded_by").order_by("date", "id")


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
        action="id_number.displayed",
        category=Category.SECURITY,
        region_code=assignment.region_id if assignment else "",
        changes={"members": [None, [m.pk for m in members]], "channel": [None, channel]},
        summary=f"{len(members)} 个完整证件号码（{channel}）",
    )


# --- the 9+2 view ----------------------------------------------------------------------------


@dataclass
class Helper:
    """One 9+2 helper county or zone with its pairing, agreements and project list."""

    partner: Partner
    pairings: list[Pairing] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)


def nine_plus_two_helpers(*, user: Any) -> list[Helper]:
    """The helpers of the 9+2 action touching the jurisdiction, in three queries."""
    helpers: dict[int, Helper] = {}
    scheme = Scheme.NINE_PLUS_TWO
    for pairing in pairing_list(user=user, scheme=scheme):
        if pairing.partner is not None:
            helpers.setdefault(pairing.partner.pk, Helper(pairing.partner)).pairings.append(pairing)
    for agreement in agreement_list(user=user, scheme=scheme):
        helpers.setdefault(agreement.partner.pk, Helper(agreement.partner)).agreements.append(
            agreement
        )
    for project in project_list(user=user, scheme=scheme).order_by("partner__name", "name"):
        if project.partner is not None:
            helpers.setdefault(project.partner.pk, Helper(project.partner)).projects.append(project)
    # Counties in code order, then the zones.
    return sorted(
        helpers.values(),
        key=lambda h: (h.partner.kind, h.partner.home_region_id or "", h.partner.name),
    )


# --- rates (拨付率, 报账率, 备案率, 竣工率) ---------------------------------------------------


def _percent(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class ProjectRates:
    """Fund and progress figures of the projects of a region and period.

    - ``allocated`` / ``disbursed`` / ``reimbursed``: sums of the fund flows of each kind dated
      in the period, on projects targeting the region (whatever the project's year).
    - ``projects``: projects targeting the region whose ``year`` lies in the period's years.
    - ``filed``: of those, the projects that reached 备案 (state filed or any later state).
    - ``planned_for_year``: projects due to be completed in the period: ``planned_completion``
      in the period, or — without a planned completion date — a ``year`` in the period's years.
    - ``completed``: of those, the projects completed or accepted.
    """

    allocated: Decimal
    disbursed: Decimal
    reimbursed: Decimal
    projects: int
    filed: int
    planned_for_year: int
    completed: int

    @property
    def disbursement_rate(self) -> Decimal | None:
        """拨付率 = disbursed / allocated × 100."""
        return _percent(self.disbursed, self.allocated)

    @property
    def reimbursement_rate(self) -> Decimal | None:
        """报账率 = reimbursed / allocated × 100."""
        return _percent(self.reimbursed, self.allocated)

    @property
    def filing_rate(self) -> Decimal | None:
        """备案率 = filed / projects × 100."""
        return _percent(self.filed, self.projects)

    @property
    def completion_rate(self) -> Decimal | None:
        """竣工率 = completed / planned_for_year × 100."""
        return _percent(self.completed, self.planned_for_year)


EMPTY_RATES = ProjectRates(ZERO, ZERO, ZERO, 0, 0, 0, 0)


def code_prefix(code: str) -> str:
    """The prefix of a 12-digit region code (its trailing zero groups stripped); a shorter
    string is taken as a prefix already."""
    if len(code) < 12:
        return code
    for level in (Level.CITY, Level.COUNTY, Level.TOWNSHIP):
        length = PREFIX_LENGTH[level]
        if set(code[length:]) == {"0"}:
            return code[:length]
    return code


def _rate_aggregates(start: datetime.date, end: datetime.date) -> tuple[Q, dict[str, Any]]:
    in_years = Q(year__gte=start.year, year__lte=end.year)
    flow_in_period = Q(flows__date__gte=start, flows__date__lte=end)
    planned = Q(planned_completion__gte=start, planned_completion__lte=end) | (
        Q(planned_completion__isnull=True) & in_years
    )
    aggregates = {
        "allocated": _flow_sum(FundFlowKind.ALLOCATED, flow_in_period),
        "disbursed": _flow_sum(FundFlowKind.DISBURSED, flow_in_period),
        "reimbursed": _flow_sum(FundFlowKind.REIMBURSED, flow_in_period),
        "projects": Count("pk", filter=in_years, distinct=True),
        "filed": Count("pk", filter=in_years & Q(state__in=FILED_STATES), distinct=True),
        "planned_for_year": Count("pk", filter=planned, distinct=True),
        "completed": Count("pk", filter=planned & Q(state__in=COMPLETED_STATES), distinct=True),
    }
    # Only projects with something in the period take part (the join is an outer one).
    return in_years | flow_in_period | planned, aggregates


def _rates(row: dict[str, Any]) -> ProjectRates:
    return ProjectRates(
        allocated=row["allocated"],
        disbursed=row["disbursed"],
        reimbursed=row["reimbursed"],
        projects=row["projects"],
        filed=row["filed"],
        planned_for_year=row["planned_for_year"],
        completed=row["completed"],
    )


def project_rates_by_region(
    *, level: str, start: datetime.date, end: datetime.date, within: str | None = None
) -> dict[str, ProjectRates]:
    """Rates per region at ``level``, keyed by the region's 12-digit code, in ONE query.

    Projects are grouped by the ``level`` prefix of ``Project.target_region`` (GROUP BY on the
    code prefix); projects targeting a region above ``level`` (e.g. the whole city when
    ``level`` is "county") belong to no region of that level and are left out. ``within`` (a
    region code or code prefix) limits to that subtree. What each figure counts: see
    ``ProjectRates``. Regions with nothing in the period are absent (read them as
    ``EMPTY_RATES``).
    """
    length = PREFIX_LENGTH[Level(level)]
    segment_start = {4: 0, 6: 4, 9: 6, 12: 9}[length]
    where, aggregates = _rate_aggregates(start, end)
    projects = Project.objects.filter(where)
    if within:
        projects = within_prefix(projects, code_prefix(within), field="target_region")
    rows = (
        projects.annotate(area=Substr("target_region_id", 1, length))
        .values("area")
        .annotate(**aggregates)
        .order_by()
    )
    result = {}
    for row in rows:
        area = row["area"]
        if set(area[segment_start:]) == {"0"}:  # a region above the level
            continue
        result[area.ljust(12, "0")] = _rates(dict(row))
    return result


def project_rates(
    *, region: Region | str, start: datetime.date, end: datetime.date
) -> ProjectRates:
    """Rates of one region (a Region or its code) and everything below it, in ONE query.

    Unlike ``project_rates_by_region`` this includes projects targeting the region itself.
    """
    prefix = region.prefix if isinstance(region, Region) else code_prefix(region)
    where, aggregates = _rate_aggregates(start, end)
    projects = within_prefix(Project.objects.filter(where), prefix, field="target_region")
    row = projects.order_by().aggregate(**aggregates)
    return _rates(row)


# --- the summary -----------------------------------------------------------------------------


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
    return {
        "region": region.code,
        "region_name": region.name,
        "scheme": filters.scheme,
        "partner_kind": filters.partner_kind,
        "funds": _total(flows, "amount", money=True) + rt["funds"],
        "projects": project_totals["n"] + rt["projects"],
        "people_covered": project_totals["people"] + rt["people_covered"],
        "exchange_visitors": _total(
            _scoped(ExchangeVisit.objects.all(), prefix, "region", filters), "people"
        )
        + rt["exchange_visitors"],
        "joint_meetings": meetings["joint"] + rt["joint_meetings"],
        "working_meetings": meetings["working"] + rt["working_meetings"],
        "trainings": trainings["sessions"] + rt["trainings"],
        "trainees": trainings["people"] + rt["trainees"],
        "placed": _scoped(
            JobPlacement.objects.all(), prefix, "member__household__region", filters
        ).count()
        + rt["placed"],
        "purchases": _total(consumption, "purchased", money=True) + rt["purchased"],
        "sales_helped": _total(consumption, "sales_helped", money=True) + rt["sales_helped"],
        "seconded_cadres": _scoped(SecondedCadre.objects.all(), prefix, "county", filters).count()
        + rt["seconded_cadres"],
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

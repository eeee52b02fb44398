"""Scoped reads of relocation: sites, relocated households, employment, the 五个体系 figures.

Employment (培训和就业服务体系) is computed, never typed in: a relocated household has labour
when a member's labour ability is ordinary, skilled or weak, and is employed when at least one
member works (``work_status``) or was placed in a job (``assistance.JobPlacement``). Site tallies
(aggregate rows for households not in the register one by one) are added to the register's
figures everywhere, including ``employment_by_region``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr
from django.http import Http404
from django.utils.translation import gettext as _

from assistance.models import JobPlacement
from households.choices import WITH_LABOUR
from households.models import Household, Member, annotate_page
from households.selectors import HouseholdFilters, household_list
from regions.models import PREFIX_LENGTH, Level, Region
from regions.scoping import jurisdiction_prefix, scope_by_region, within_prefix
from relocation.models import (
    CultureActivity,
    CultureKind,
    Facility,
    FacilityKind,
    FacilityStatus,
    GovernanceKind,
    GovernanceStatus,
    GovernanceUnit,
    PartyKind,
    PartyOrganisation,
    Relocation,
    Site,
    SiteTally,
)

PERCENT = Decimal("0.1")


@dataclass(frozen=True)
class Employment:
    """Relocated households with labour, and those of them with at least one employed member."""

    labour_households: int
    employed_labour_households: int

    @property
    def rate(self) -> Decimal | None:
        """Percent of labour households with an employed member; None without labour.

        Rounded down, so 100.0 means every labour household has an employed member.
        """
        if not self.labour_households:
            return None
        share = Decimal(self.employed_labour_households) * 100 / self.labour_households
        return share.quantize(PERCENT, rounding=ROUND_DOWN)

    @property
    def zero_employment_households(self) -> int:
        return self.labour_households - self.employed_labour_households


# Conditions on a member, and on a household through its members.


def _working_member() -> Q:
    placed = JobPlacement.objects.values("member_id")
    return ~Q(work_status="") | Q(pk__in=placed)


def _has_labour(household: Any) -> Exists:
    return Exists(Member.objects.filter(household=household, labour_ability__in=WITH_LABOUR))


def _has_employed(household: Any) -> Exists:
    return Exists(Member.objects.filter(_working_member(), household=household))


# Sites and relocated households.


def site_list(*, user: Any) -> QuerySet[Site]:
    """Sites in the user's jurisdiction with their register count, tally and region, one query."""
    return (
        scope_by_region(Site.objects.all(), user)
        .select_related("region", "tally")
        .annotate(register_households=Count("relocations"))
        .order_by("region_id", "name")
    )


def site_get(*, user: Any, pk: Any) -> Site:
    try:
        return site_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, Site.DoesNotExist):
        raise Http404 from None


def site_choices() -> QuerySet[Site]:
    """Every site: a household may move to a site of another county (跨区域搬迁)."""
    return Site.objects.select_related("region").order_by("region_id", "name")


def _scope_relocations(relocations: QuerySet[Relocation], user: Any) -> QuerySet[Relocation]:
    """Visible from both ends: the site's jurisdiction and the household's register village."""
    prefix = jurisdiction_prefix(user)
    if prefix is None:
        return relocations.none()
    return within_prefix(relocations, prefix, "site__region") | within_prefix(
        relocations, prefix, "household__region"
    )


def relocation_list(*, user: Any, site: Site | None = None) -> QuerySet[Relocation]:
    relocations = _scope_relocations(Relocation.objects.all(), user)
    if site is not None:
        relocations = relocations.filter(site=site)
    return (
        relocations.select_related(
            "household", "household__region", "site", "site__region", "origin_region"
        )
        .annotate(
            origin_county=Substr("origin_region_id", 1, 6),
            site_county=Substr("site__region_id", 1, 6),
            cross_county=Case(
                When(origin_county=F("site_county"), then=Value(False)),
                default=Value(True),
                output_field=BooleanField(),
            ),
        )
        .order_by("site__region_id", "site__name", "household__household_no")
    )


def relocation_get(*, user: Any, pk: Any) -> Relocation:
    try:
        return relocation_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, Relocation.DoesNotExist):
        raise Http404 from None


def with_household_facts(relocations: QuerySet[Relocation]) -> QuerySet[Relocation]:
    """Adds ``people``, ``has_labour`` and ``has_employed`` (subqueries, for one page of rows)."""
    size = (
        Member.objects.filter(household=OuterRef("household_id"))
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return relocations.annotate(
        people=Coalesce(size, Value(0), output_field=IntegerField()),
        has_labour=_has_labour(OuterRef("household_id")),
        has_employed=_has_employed(OuterRef("household_id")),
    )


def relocation_housing(household: Household) -> str | None:
    """The exit assessment's housing evidence when the household moved into a relocation home.

    ``None`` when it did not; one query, always, so the assessment's query count is constant.
    """
    relocation = Relocation.objects.filter(household=household).select_related("site").first()
    if relocation is None:
        return None
    return relocation_housing_evidence(relocation)


def relocation_housing_evidence(relocation: Relocation) -> str:
    """The housing evidence of a relocation read with its site (the bulk assessment's form)."""
    return _("Moved into a relocation home at %(site)s on %(date)s.") % {
        "site": relocation.site.name,
        "date": relocation.moved_in.isoformat(),
    }


# Employment.


def as_prefix(within: str) -> str:
    """A region-code prefix from a prefix or a 12-digit code ("520627000000" → "520627")."""
    if len(within) != 12:
        return within
    for length in sorted(PREFIX_LENGTH.values()):
        if set(within[length:]) <= {"0"}:
            return within[:length]
    return within


def zero_employment_households(*, within: str | None = None) -> QuerySet[Household]:
    """Relocated households with labour and no employed member (the 零就业家庭 list).

    ``within`` is a region-code prefix of the site (``"5206"``, ``"520627"``, …) or a
    12-digit region code.
    """
    relocations = Relocation.objects.all()
    if within:
        relocations = within_prefix(relocations, as_prefix(within), "site__region")
    return (
        Household.objects.filter(pk__in=relocations.values("household_id"))
        .filter(_has_labour(OuterRef("pk")))
        .exclude(_has_employed(OuterRef("pk")))
        .select_related("region", "relocation", "relocation__site")
        .order_by("relocation__site__region_id", "relocation__site__name", "household_no")
    )


def zero_employment_list(*, user: Any, site: Site | None = None) -> QuerySet[Household]:
    """The zero-employment households a user may see (from either end, as relocations)."""
    visible = _scope_relocations(Relocation.objects.all(), user)
    if site is not None:
        visible = visible.filter(site=site)
    households = zero_employment_households().filter(pk__in=visible.values("household_id"))
    return households.with_head_and_size()  # type: ignore[attr-defined]


def employment_by_region(*, level: str, within: str | None = None) -> dict[str, Employment]:
    """Per region code at ``level`` (by the site's region prefix), in two queries.

    ``within`` is a region-code prefix or a 12-digit region code.

    The register's relocated households and the site tallies are added together.
    """
    length = PREFIX_LENGTH[Level(level)]
    relocations = Relocation.objects.all()
    tallies = SiteTally.objects.all()
    if within:
        relocations = within_prefix(relocations, as_prefix(within), "site__region")
        tallies = within_prefix(tallies, as_prefix(within), "site__region")
    labour = Q(_has_labour(OuterRef("household_id")))
    employed = labour & Q(_has_employed(OuterRef("household_id")))
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in (
        relocations.annotate(key=Substr("site__region_id", 1, length))
        .values("key")
        .annotate(labour=Count("pk", filter=labour), employed=Count("pk", filter=employed))
        .order_by()
    ):
        counts[row["key"]][0] += row["labour"]
        counts[row["key"]][1] += row["employed"]
    for row in (
        tallies.annotate(key=Substr("site__region_id", 1, length))
        .values("key")
        .annotate(labour=Sum("labour_households"), employed=Sum("employed_labour_households"))
        .order_by()
    ):
        counts[row["key"]][0] += row["labour"]
        counts[row["key"]][1] += row["employed"]
    return {
        key.ljust(12, "0"): Employment(labour_households=labour_n, employed_labour_households=emp)
        for key, (labour_n, emp) in sorted(counts.items())
    }


# The figures of a region or a site: population, employment and the five systems.


@dataclass(frozen=True)
class Population:
    households: int = 0
    people: int = 0
    cross_county_people: int = 0
    hukou_transferred_people: int = 0
    labour_households: int = 0
    labourers: int = 0
    employed_labour_households: int = 0
    employed_labourers: int = 0

    def __add__(self, other: Population) -> Population:
        return Population(
            **{name: getattr(self, name) + getattr(other, name) for name in POPULATION_FIELDS}
        )

    @property
    def employment(self) -> Employment:
        return Employment(self.labour_households, self.employed_labour_households)


POPULATION_FIELDS = tuple(Population.__dataclass_fields__)


def register_population(relocations: QuerySet[Relocation]) -> Population:
    """What the register says of these relocations, household by household (two queries).

    The same figures as a tally's, so a site's tally can be lowered by the households entered
    one by one (``docs/decisions/0007-relocation.md``)."""
    labour = Q(_has_labour(OuterRef("household_id")))
    households = relocations.aggregate(
        households=Count("pk"),
        labour_households=Count("pk", filter=labour),
        employed_labour_households=Count(
            "pk", filter=labour & Q(_has_employed(OuterRef("household_id")))
        ),
    )
    members = (
        Member.objects.filter(household__relocation__in=relocations)
        .annotate(
            origin_county=Substr("household__relocation__origin_region_id", 1, 6),
            site_county=Substr("household__relocation__site__region_id", 1, 6),
        )
        .aggregate(
            people=Count("pk"),
            cross_county_people=Count("pk", filter=~Q(origin_county=F("site_county"))),
            hukou_transferred_people=Count(
                "pk", filter=Q(household__relocation__hukou_transferred=True)
            ),
            labourers=Count("pk", filter=Q(labour_ability__in=WITH_LABOUR)),
            employed_labourers=Count(
                "pk", filter=Q(labour_ability__in=WITH_LABOUR) & _working_member()
            ),
        )
    )
    return Population(**households, **members)


def _tally_population(tallies: QuerySet[SiteTally]) -> Population:
    sums = tallies.aggregate(**{name: Sum(name) for name in POPULATION_FIELDS})
    return Population(**{name: value or 0 for name, value in sums.items()})


def _by_kind(
    rows: QuerySet[Any], kinds: Any, statuses: Any, sums: dict[str, str]
) -> dict[str, dict[str, int]]:
    """``{kind: {"total": n, <status>: n, …, <sum>: n}}`` for every kind, zeros included."""
    table: dict[str, dict[str, int]] = {
        kind: {"total": 0, **dict.fromkeys(statuses, 0), **dict.fromkeys(sums, 0)} for kind in kinds
    }
    group = ["kind", "status"] if statuses else ["kind"]
    for row in (
        rows.values(*group)
        .annotate(n=Count("pk"), **{name: Sum(column) for name, column in sums.items()})
        .order_by()
    ):
        entry = table[row["kind"]]
        entry["total"] += row["n"]
        if statuses:
            entry[row["status"]] += row["n"]
        for name in sums:
            entry[name] += row[name] or 0
    return table


@dataclass(frozen=True)
class Systems:
    """The 五个体系 of a region or a site."""

    population: Population
    facilities: dict[str, dict[str, int]]
    culture: dict[str, dict[str, int]]
    governance: dict[str, dict[str, int]]
    party: dict[str, dict[str, int]]
    sites: dict[str, int] = field(default_factory=dict)

    @property
    def employment(self) -> Employment:
        return self.population.employment


def _systems(
    *,
    relocations: QuerySet[Relocation],
    tallies: QuerySet[SiteTally],
    facilities: QuerySet[Facility],
    culture: QuerySet[CultureActivity],
    governance: QuerySet[GovernanceUnit],
    party: QuerySet[PartyOrganisation],
) -> Systems:
    return Systems(
        population=register_population(relocations) + _tally_population(tallies),
        facilities=_by_kind(facilities, FacilityKind.values, FacilityStatus.values, {}),
        culture=_by_kind(
            culture, CultureKind.values, (), {"sessions": "sessions", "attendance": "attendance"}
        ),
        governance=_by_kind(
            governance, GovernanceKind.values, GovernanceStatus.values, {"officers": "officers"}
        ),
        party=_by_kind(party, PartyKind.values, (), {"members": "members"}),
    )


def site_systems(site: Site) -> Systems:
    """The site page: its five systems in a constant number of queries."""
    return _systems(
        relocations=Relocation.objects.filter(site=site),
        tallies=SiteTally.objects.filter(site=site),
        facilities=Facility.objects.filter(site=site),
        culture=CultureActivity.objects.filter(site=site),
        governance=GovernanceUnit.objects.filter(site=site),
        party=PartyOrganisation.objects.filter(site=site),
    )


def site_recent_activities(site: Site, limit: int = 5) -> list[CultureActivity]:
    return list(CultureActivity.objects.filter(site=site).order_by("-held_on", "-id")[:limit])


def summary_region(*, user: Any, code: str | None) -> Region:
    """The region of a summary: the given code if in jurisdiction (else 404), or the user's."""
    prefix = jurisdiction_prefix(user)
    if prefix is None:
        raise Http404
    if code is None:
        code = prefix.ljust(12, "0") if prefix else "520600000000"
    region = scope_by_region(Region.objects.filter(code=code), user, field="code").first()
    if region is None:
        raise Http404
    return region


def region_systems(region: Region) -> Systems:
    """The relocation summary of a region and everything below it (constant queries)."""
    prefix = region.prefix
    sites = within_prefix(Site.objects.all(), prefix)
    site_counts = sites.aggregate(
        sites=Count("pk"),
        cross_county_sites=Count("pk", filter=Q(cross_county=True)),
        sites_served_by_existing_clinics=Count("pk", filter=Q(served_by_existing_clinic=True)),
        planned_households=Coalesce(Sum("planned_households"), 0),
        planned_people=Coalesce(Sum("planned_people"), 0),
    )
    systems = _systems(
        relocations=within_prefix(Relocation.objects.all(), prefix, "site__region"),
        tallies=within_prefix(SiteTally.objects.all(), prefix, "site__region"),
        facilities=within_prefix(Facility.objects.all(), prefix, "site__region"),
        culture=within_prefix(CultureActivity.objects.all(), prefix),
        governance=within_prefix(GovernanceUnit.objects.all(), prefix),
        party=within_prefix(PartyOrganisation.objects.all(), prefix),
    )
    return Systems(
        population=systems.population,
        facilities=systems.facilities,
        culture=systems.culture,
        governance=systems.governance,
        party=systems.party,
        sites=site_counts,
    )


# Page forms and the household page.

CANDIDATE_LIMIT = 20


def relocation_candidates(*, user: Any, term: str) -> list[Household]:
    """Households of the user's jurisdiction not yet relocated, by household number or the
    head's name (as the register's search), at most ``CANDIDATE_LIMIT``, in two queries."""
    term = term.strip()
    if not term:
        return []
    households = household_list(user=user, filters=HouseholdFilters(search=term)).filter(
        relocation__isnull=True
    )
    return annotate_page(list(households[:CANDIDATE_LIMIT]))


def facility_list(site: Site) -> QuerySet[Facility]:
    return Facility.objects.filter(site=site).order_by("kind", "name", "id")


def facility_get(*, user: Any, pk: Any) -> Facility:
    """A facility of a site in the user's jurisdiction, or 404."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    facility = (
        scope_by_region(Facility.objects.all(), user, field="site__region")
        .select_related("site", "site__region")
        .filter(pk=key)
        .first()
    )
    if facility is None:
        raise Http404
    return facility


def household_relocation(household: Household) -> Relocation | None:
    """The household page's panel: its site, moving-in, hukou and the employment of its
    labour (``labourers``, ``employed_labourers``), in one query whatever its size."""
    labourers = Member.objects.filter(
        household=OuterRef("household_id"), labour_ability__in=WITH_LABOUR
    )
    return (
        Relocation.objects.filter(household=household)
        .select_related("site", "site__region")
        .annotate(
            labourers=_count(labourers),
            employed_labourers=_count(labourers.filter(_working_member())),
            has_employed=_has_employed(OuterRef("household_id")),
        )
        .first()
    )


def _count(members: QuerySet[Member]) -> Coalesce:
    counted = members.order_by().values("household").annotate(n=Count("pk")).values("n")
    return Coalesce(counted, Value(0), output_field=IntegerField())

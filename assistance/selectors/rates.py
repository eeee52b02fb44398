"""The fund and progress rates (拨付率, 报账率, 备案率, 竣工率) of the projects, computed in the
database."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Substr

from assistance.models import COMPLETED_STATES, FILED_STATES, FundFlowKind, Project
from assistance.selectors.projects import ZERO, flow_sum
from regions.models import PREFIX_LENGTH, Level, Region
from regions.scoping import within_prefix

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


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
        "allocated": flow_sum(FundFlowKind.ALLOCATED, flow_in_period),
        "disbursed": flow_sum(FundFlowKind.DISBURSED, flow_in_period),
        "reimbursed": flow_sum(FundFlowKind.REIMBURSED, flow_in_period),
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

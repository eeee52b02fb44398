"""The indicator engine (DESIGN §9): every indicator as a named function over (region, period).

Each function ``f(*, level, period, within="")`` returns ``{region_code: Figure}`` for every
region of ``level`` below the prefix ``within`` that has data, in one set-based pass: rows are
grouped by the leading digits of their region code (``GROUP BY substr(region_id, 1, n)``), never
a query per region. ``compute_region`` gives one region's figure; ``roll_up`` sums numerators and
denominators to a coarser level (a city from its counties) without going back to the data.

Counts (exits, problems, …) have the count as value and numerator. Rates are percentages
(numerator × 100 / denominator, two decimals); without a denominator the value is ``None``.

Periods end on ``period.end``. The register records a household's exit (and relapse) by year
only, as 年度脱贫 works: a household counts as exited from the end of its exit year, so periods
ending before 31 December still count it poor (see ``remaining_poor``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from assistance.selectors import project_rates_by_region
from exits import criteria, suspects
from households.choices import Status
from households.models import Household, Member
from inspections.models import Problem, ProblemState, Satisfaction, Visit
from monitoring.models import OPEN_STATUSES, MonitoringCase
from regions.models import PREFIX_LENGTH, Level, RegionYearFact
from regions.scoping import prefix_upper_bound, within_prefix
from relocation.selectors import employment_by_region
from supervision.models import Indicator
from supervision.periods import Period

PERCENT = "percent"
COUNT = "count"
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

# Households of the register (not removed, not an edge household never registered).
REGISTER_STATUSES = (Status.REGISTERED, Status.EXITED, Status.EXITED_NO_POLICY, Status.RELAPSED)
EXITED_STATUSES = (Status.EXITED, Status.EXITED_NO_POLICY)


@dataclass(frozen=True)
class Figure:
    numerator: Decimal
    denominator: Decimal | None
    value: Decimal | None


Result = dict[str, Figure]


@dataclass(frozen=True)
class Spec:
    code: str
    function: Callable[..., Result]
    kind: str  # PERCENT or COUNT
    higher_is_better: bool
    levels: tuple[str, ...] = (Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)


def region_code(prefix: str) -> str:
    return prefix.ljust(12, "0")


def figure(numerator: Any, denominator: Any, kind: str) -> Figure:
    num = Decimal(numerator or 0)
    den = None if denominator is None else Decimal(denominator)
    if kind == COUNT:
        return Figure(num, den, num)
    value = None if not den else (num * HUNDRED / den).quantize(CENT, rounding=ROUND_HALF_UP)
    return Figure(num, den, value)


def _grouped(
    queryset: QuerySet[Any], region_field: str, level: str, within: str, **aggregates: Any
) -> dict[str, dict[str, Any]]:
    """One GROUP BY over ``queryset`` by the first digits of ``region_field`` (a Region FK)."""
    length = PREFIX_LENGTH[Level(level)]
    if within:
        queryset = within_prefix(queryset, within, region_field)
    rows = (
        queryset.annotate(region_prefix=Substr(f"{region_field}_id", 1, length))
        .order_by()
        .values("region_prefix")
        .annotate(**aggregates)
    )
    return {row.pop("region_prefix"): row for row in rows}


def _rural_population(level: str, year: int, within: str) -> dict[str, int]:
    """农业户籍人口 by region of ``level`` (the latest figure up to ``year``); county and city
    only: the facts are kept per county."""
    if PREFIX_LENGTH[Level(level)] > PREFIX_LENGTH[Level.COUNTY]:
        return {}
    facts = within_prefix(RegionYearFact.objects.filter(year__lte=year), within or "", "region")
    latest: dict[str, tuple[int, int]] = {}
    for code, fact_year, population in facts.values_list("region_id", "year", "rural_population"):
        if code not in latest or latest[code][0] < fact_year:
            latest[code] = (fact_year, population)
    length = PREFIX_LENGTH[Level(level)]
    totals: dict[str, int] = {}
    for code, (_year, population) in latest.items():
        totals[code[:length]] = totals.get(code[:length], 0) + population
    return totals


def _exit_cutoff(period: Period) -> int:
    """Households with an exit year up to this one count as exited at the end of ``period``."""
    return period.year if period.ends_year else period.year - 1


def remaining_poor(period: Period, prefix: str = "") -> Q:
    """The registered poor left at the end of ``period`` (贫困发生率's numerator), on Household
    fields (``prefix`` e.g. ``"household__"`` when filtering members).

    Identified by the period's year, not exited by its end, and neither removed (清退) nor an
    edge household: the definition the demo register's figures are checked with
    (``demo.register.poor_people_at_end_of``). A household has one exit year, so one that
    relapsed and exited again counts by its latest exit (a known limit of the register).
    """
    cutoff = _exit_cutoff(period)

    def f(name: str) -> str:
        return prefix + name

    return (
        Q(**{f("identification_year__lte"): period.year})
        & (Q(**{f("exit_year__isnull"): True}) | Q(**{f("exit_year__gt"): cutoff}))
        & ~Q(**{f("status__in"): [Status.REMOVED, Status.EDGE]})
    )


def poverty_incidence(*, level: str, period: Period, within: str = "") -> Result:
    """贫困发生率: registered poor people left at the end of the period / rural population (%).

    County and city levels only have a denominator (the rural population is kept per county).
    """
    people = _grouped(
        Member.objects.filter(remaining_poor(period, "household__")),
        "household__region",
        level,
        within,
        n=Count("pk"),
    )
    rural = _rural_population(level, period.year, within)
    keys = set(people) | set(rural)
    return {
        region_code(k): figure(people.get(k, {}).get("n", 0), rural.get(k), PERCENT) for k in keys
    }


def _people_by_year(field: str, period: Period, level: str, within: str) -> Result:
    if not period.ends_year:
        return {}
    rows = _grouped(
        Member.objects.filter(**{f"household__{field}": period.year}).exclude(
            household__status__in=[Status.REMOVED, Status.EDGE]
        ),
        "household__region",
        level,
        within,
        n=Count("pk"),
    )
    return {region_code(k): figure(row["n"], None, COUNT) for k, row in rows.items()}


def exits(*, level: str, period: Period, within: str = "") -> Result:
    """脱贫人口: people of households whose exit year is the period's year.

    Exits are decided per year (年度脱贫), so only periods ending on 31 December count them.
    """
    return _people_by_year("exit_year", period, level, within)


def relapses(*, level: str, period: Period, within: str = "") -> Result:
    """返贫人口: people of households that relapsed in the period's year (year-end periods)."""
    return _people_by_year("relapse_year", period, level, within)


def visit_coverage(*, level: str, period: Period, within: str = "") -> Result:
    """走访覆盖率: register households visited in the period / register households (%)."""
    visited = Visit.objects.filter(
        household=OuterRef("pk"), date__gte=period.start, date__lte=period.end
    )
    rows = _grouped(
        Household.objects.filter(
            status__in=REGISTER_STATUSES, identification_year__lte=period.year
        ).annotate(visited=Exists(visited)),
        "region",
        level,
        within,
        households=Count("pk"),
        visited_households=Count("pk", filter=Q(visited=True)),
    )
    return {
        region_code(k): figure(row["visited_households"], row["households"], PERCENT)
        for k, row in rows.items()
    }


def _problems(period: Period, level: str, within: str) -> dict[str, dict[str, Any]]:
    as_of = min(period.end, timezone.localdate())
    unresolved = ~Q(state=ProblemState.VERIFIED) | Q(verified_at__date__gt=as_of)
    return _grouped(
        Problem.objects.filter(unresolved, created__date__lte=as_of),
        "household__region",
        level,
        within,
        unresolved=Count("pk"),
        overdue=Count("pk", filter=Q(deadline__lt=as_of)),
    )


def open_problems(*, level: str, period: Period, within: str = "") -> Result:
    """Problems (七个补) not verified and closed at the end of the period."""
    rows = _problems(period, level, within)
    return {region_code(k): figure(r["unresolved"], None, COUNT) for k, r in rows.items()}


def overdue_problems(*, level: str, period: Period, within: str = "") -> Result:
    """Unresolved problems past their deadline at the end of the period (or today, if sooner);
    the denominator is all unresolved problems."""
    rows = _problems(period, level, within)
    return {region_code(k): figure(r["overdue"], r["unresolved"], COUNT) for k, r in rows.items()}


def _window_start(end: datetime.date) -> datetime.date:
    """The first day of the 12 months ending on ``end``."""
    return end.replace(year=end.year - 1) + datetime.timedelta(days=1)


def _region_range(column: str, within: str) -> tuple[str, list[str]]:
    """SQL restricting ``column`` (a region code) to the prefix ``within`` (a range)."""
    if not within:
        return "TRUE", []
    return f"{column} >= %s AND {column} < %s", [within, prefix_upper_bound(within)]


def _sql_rows(sql: str, params: list[Any]) -> dict[str, tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def _latest(
    columns: list[tuple[str, str]], source: str, where: str, partition: str, order: str
) -> str:
    """SQL for the latest row per ``partition`` (by ``order``): ``DISTINCT ON`` on PostgreSQL
    (it walks an index in order), a ``ROW_NUMBER()`` window elsewhere (the embedded SQLite)."""
    if connection.vendor == "postgresql":
        selected = ", ".join(f"{expr} AS {alias}" for expr, alias in columns)
        return (
            f"SELECT DISTINCT ON ({partition}) {selected} FROM {source} WHERE {where} "
            f"ORDER BY {partition} DESC, {order}"
        )
    inner = ", ".join(f"{expr} AS {alias}" for expr, alias in columns)
    outer = ", ".join(alias for _expr, alias in columns)
    return (
        f"SELECT {outer} FROM (SELECT {inner}, ROW_NUMBER() OVER "
        f"(PARTITION BY {partition} ORDER BY {order}) AS row_number "
        f"FROM {source} WHERE {where}) ranked WHERE row_number = 1"
    )


def approval_rate(*, level: str, period: Period, within: str = "") -> Result:
    """群众认可度: surveyed households whose latest 四个好 survey (in the 12 months up to the
    period's end) has no 不满意 / households surveyed in those 12 months (%)."""
    region_sql, region_params = _region_range("h.region_id", within)
    dissatisfied = Satisfaction.DISSATISFIED.value
    latest_survey = _latest(
        [
            ("v.household_id", "household_id"),
            (
                "(s.policy <> %s AND s.environment <> %s AND s.ethos <> %s"
                " AND s.cadre_relations <> %s)",
                "approves",
            ),
        ],
        "inspections_approvalsurvey s JOIN inspections_visit v ON v.id = s.visit_id",
        "v.date >= %s AND v.date <= %s",
        "v.household_id",
        "v.date DESC, v.id DESC",
    )
    rows = _sql_rows(
        f"""
        SELECT substr(h.region_id, 1, %s), count(*), count(*) FILTER (WHERE latest.approves)
        FROM ({latest_survey}) latest
        JOIN households_household h ON h.id = latest.household_id
        WHERE {region_sql}
        GROUP BY 1
        """,
        [
            PREFIX_LENGTH[Level(level)],
            *[dissatisfied] * 4,
            _window_start(period.end),
            period.end,
            *region_params,
        ],
    )
    return {
        region_code(k): figure(approving, surveyed, PERCENT)
        for k, (surveyed, approving) in rows.items()
    }


# The date whose stored suspects (``exits.suspects``) the standard's rates read instead of
# judging the register again: set by the monthly dispatch, which has just stored them.
_STORED_ON: ContextVar[datetime.date | None] = ContextVar("stored_suspects_on", default=None)


@contextmanager
def reading_stored_suspects(on: datetime.date) -> Iterator[None]:
    """Inside: 错退率, 缺少佐证率 and 漏评率 of a period ending on ``on`` sum the suspects stored
    as of ``on`` (two grouped queries on small tables) rather than run the judged statement."""
    token = _STORED_ON.set(on)
    try:
        yield
    finally:
        _STORED_ON.reset(token)


def _stored(period: Period, level: str, within: str, population: str) -> dict[str, Any] | None:
    """``_standard``'s answer from the stored suspects, when they are the ones to read: for the
    exited ``(people, 错退 people, 缺少佐证 people)``, for the edge ``(0, 漏评 people, 0)`` (the
    edge population itself is not stored; 漏评率 reads only its failures)."""
    if _STORED_ON.get() != period.end:
        return None
    rows = suspects.by_region(on=period.end, length=PREFIX_LENGTH[Level(level)], within=within)
    if population == "edge":
        return {k: (0, r["missed"], 0) for k, r in rows.items() if r.get("missed")}
    return {
        k: (r["exited"], r.get("wrong_exit", 0), r.get("missing_evidence", 0))
        for k, r in rows.items()
        if "exited" in r
    }


def _standard(
    period: Period,
    level: str,
    within: str,
    target: str,
    target_params: list[Any],
    population: str = "exited",
) -> dict[str, tuple[int, int, int]]:
    """People of the ``target`` households (an SQL condition on ``h``) by region, and of those
    the people whose household fails 一达标两不愁三保障 at the end of ``period`` and the people
    whose household fails nothing but lacks evidence (缺少佐证): ``(people, failed, missing)``.

    The criteria and their evidence rules are ``exits.criteria``'s, the same the exit
    assessment and the misclassification list judge on; one statement (none inside
    ``reading_stored_suspects``)."""
    stored = _stored(period, level, within, population)
    if stored is not None:
        return stored
    region_sql, region_params = _region_range("h.region_id", within)
    judged, params = criteria.outcomes_sql(
        f"({target}) AND {region_sql}",
        [*target_params, *region_params],
        year=period.year,
        on=period.end,
    )
    rows = _sql_rows(
        f"""
        SELECT substr(region_id, 1, %s), SUM(people),
            SUM(CASE WHEN standard = 'failed' THEN people ELSE 0 END),
            SUM(CASE WHEN standard = 'missing' THEN people ELSE 0 END)
        FROM ({judged}) judged
        GROUP BY 1
        """,
        [PREFIX_LENGTH[Level(level)], *params],
    )
    return {
        key: (int(people or 0), int(failed or 0), int(missing or 0))
        for key, (people, failed, missing) in rows.items()
    }


def _exited(period: Period) -> tuple[str, list[Any]]:
    """Exited: status exited (with or without policy) by the end of the period."""
    return (
        "h.status IN (%s, %s) AND h.exit_year <= %s",
        [*(status.value for status in EXITED_STATUSES), _exit_cutoff(period)],
    )


def wrong_exit_rate(*, level: str, period: Period, within: str = "") -> Result:
    """脱贫人口错退率: exited people whose household fails 一达标两不愁三保障 (the evidence shows
    it) / exited people (%)."""
    rows = _standard(period, level, within, *_exited(period))
    return {
        region_code(k): figure(failed, people, PERCENT) for k, (people, failed, _m) in rows.items()
    }


def missing_evidence_rate(*, level: str, period: Period, within: str = "") -> Result:
    """缺少佐证率: exited people whose household fails no criterion of the standard but lacks the
    evidence of one in the window (to verify: not a wrong exit) / exited people (%)."""
    rows = _standard(period, level, within, *_exited(period))
    return {
        region_code(k): figure(missing, people, PERCENT)
        for k, (people, _f, missing) in rows.items()
    }


def missed_rate(*, level: str, period: Period, within: str = "") -> Result:
    """贫困人口漏评率: people of edge households (visited, never registered) whose evidence shows
    them failing the standard / rural people not in the register (%). County and city levels."""
    missed = _standard(period, level, within, "h.status = %s", [Status.EDGE.value], "edge")
    registered = _grouped(
        Member.objects.filter(
            household__status__in=REGISTER_STATUSES,
            household__identification_year__lte=period.year,
        ),
        "household__region",
        level,
        within,
        n=Count("pk"),
    )
    rural = _rural_population(level, period.year, within)
    result = {}
    for key in set(missed) | set(rural):
        outside = rural[key] - registered.get(key, {}).get("n", 0) if key in rural else None
        result[region_code(key)] = figure(missed.get(key, (0, 0, 0))[1], outside, PERCENT)
    return result


def monitoring_cases(*, level: str, period: Period, within: str = "") -> Result:
    """防返贫监测对象: monitoring cases open at the end of the period (opened by then, and not
    closed, or closed after it)."""
    still_open = Q(status__in=OPEN_STATUSES) | Q(closed_on__gt=period.end)
    rows = _grouped(
        MonitoringCase.objects.filter(still_open, opened__lte=period.end),
        "household__region",
        level,
        within,
        n=Count("pk"),
    )
    return {region_code(k): figure(r["n"], None, COUNT) for k, r in rows.items()}


def _project_rate(attribute: str) -> Callable[..., Result]:
    def rate(*, level: str, period: Period, within: str = "") -> Result:
        rates = project_rates_by_region(
            level=level, start=period.start, end=period.end, within=within or None
        )
        result = {}
        for key, row in rates.items():
            numerator, denominator = _rate_parts(row, attribute)
            result[region_code(key)] = figure(numerator, denominator, PERCENT)
        return result

    rate.__name__ = attribute
    rate.__doc__ = f"{attribute} of the assistance projects (assistance.selectors)."
    return rate


# Which numerator and denominator of ``ProjectRates`` make each fund and project rate.
RATE_PARTS = {
    "disbursement_rate": ("disbursed", "allocated"),
    "reimbursement_rate": ("reimbursed", "allocated"),
    "filing_rate": ("filed", "projects"),
    "completion_rate": ("completed", "planned_for_year"),
}


def _rate_parts(row: Any, attribute: str) -> tuple[Any, Any]:
    numerator_name, denominator_name = RATE_PARTS[attribute]
    numerator = getattr(row, numerator_name, None)
    denominator = getattr(row, denominator_name, None)
    if numerator is None or denominator is None:  # only the rate is known: keep it as value
        value = getattr(row, attribute, None)
        return (Decimal(str(value)) if value is not None else Decimal(0)), HUNDRED
    return numerator, denominator


disbursement_rate = _project_rate("disbursement_rate")
reimbursement_rate = _project_rate("reimbursement_rate")
filing_rate = _project_rate("filing_rate")
completion_rate = _project_rate("completion_rate")


def relocation_employment(*, level: str, period: Period, within: str = "") -> Result:
    """一户一人以上就业: relocated households with labour and at least one employed member /
    relocated households with labour (%), from relocation.selectors (as of now)."""
    rows = employment_by_region(level=level, within=within or None)
    return {
        region_code(k): figure(r.employed_labour_households, r.labour_households, PERCENT)
        for k, r in rows.items()
    }


SPECS: dict[str, Spec] = {
    spec.code: spec
    for spec in (
        Spec(Indicator.POVERTY_INCIDENCE, poverty_incidence, PERCENT, False),
        Spec(Indicator.EXITS, exits, COUNT, True),
        Spec(Indicator.RELAPSES, relapses, COUNT, False),
        Spec(Indicator.MONITORING_CASES, monitoring_cases, COUNT, False),
        Spec(Indicator.VISIT_COVERAGE, visit_coverage, PERCENT, True),
        Spec(Indicator.OPEN_PROBLEMS, open_problems, COUNT, False),
        Spec(Indicator.OVERDUE_PROBLEMS, overdue_problems, COUNT, False),
        Spec(Indicator.DISBURSEMENT_RATE, disbursement_rate, PERCENT, True),
        Spec(Indicator.REIMBURSEMENT_RATE, reimbursement_rate, PERCENT, True),
        Spec(Indicator.FILING_RATE, filing_rate, PERCENT, True),
        Spec(Indicator.COMPLETION_RATE, completion_rate, PERCENT, True),
        Spec(Indicator.RELOCATION_EMPLOYMENT, relocation_employment, PERCENT, True),
        Spec(Indicator.APPROVAL_RATE, approval_rate, PERCENT, True),
        Spec(Indicator.WRONG_EXIT_RATE, wrong_exit_rate, PERCENT, False),
        Spec(Indicator.MISSING_EVIDENCE_RATE, missing_evidence_rate, PERCENT, False),
        Spec(Indicator.MISSED_RATE, missed_rate, PERCENT, False),
    )
}


def compute(indicator: str, *, level: str, period: Period, within: str = "") -> Result:
    """Every region of ``level`` under ``within``: one set-based pass of the indicator."""
    return SPECS[indicator].function(level=level, period=period, within=within)


def compute_region(indicator: str, *, region_code_: str, level: str, period: Period) -> Figure:
    """One region's figure (a region with no data has zero, and no denominator)."""
    prefix = region_code_[: PREFIX_LENGTH[Level(level)]]
    result = compute(indicator, level=level, period=period, within=prefix)
    return result.get(region_code_) or figure(0, None, SPECS[indicator].kind)


def roll_up(indicator: str, result: Result, level: str) -> Result:
    """Sum a finer level's numerators and denominators into ``level`` (e.g. counties → city)."""
    length = PREFIX_LENGTH[Level(level)]
    sums: dict[str, tuple[Decimal, Decimal | None]] = {}
    for code, fig in result.items():
        key = code[:length]
        numerator, denominator = sums.get(key, (Decimal(0), None))
        if fig.denominator is not None:
            denominator = (denominator or Decimal(0)) + fig.denominator
        sums[key] = (numerator + fig.numerator, denominator)
    kind = SPECS[indicator].kind
    return {region_code(k): figure(n, d, kind) for k, (n, d) in sums.items()}

"""The city-wide monthly dispatch and the indicator API at three scales, measured in one run.

    .venv/bin/python bench/indicators.py [--households 200000] [--requests 30]

Uses its own PostgreSQL databases (BENCH_DATABASE_URL, default tongren_fupin_bench_indicators,
with the suffixes _small, _tenth and _full), dropped and recreated. For 1/100, 1/10 and the full
target it fills one with the register of the demo generator, adds a month of casework (a visit
with 五个看 and 四个好 to a third of the households, a problem for one in twenty), and measures:

- the dispatch: ``supervision.services.dispatch_run`` for the month (every indicator, every
  county and the city, snapshots written), best of three runs;
- the baseline: one bare SQL ``GROUP BY substr(region_id, 1, 6)`` pass per indicator over the
  table the indicator reads (members for the people-based ones, households, visits, surveys,
  problems, monitoring cases, projects, relocations), best of three, summed;
- the indicator API: median latency of ``GET /api/v1/indicators/`` (one indicator by county;
  every indicator for the city) as the city supervisor, reading the snapshots; the three
  databases take turns request by request, so load from elsewhere falls on every scale alike.

Targets: dispatch full / 1/10 under 12 (near-linear); dispatch at most 2× the baseline at full
scale; API full / 1/100 median within 2×.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import time
from typing import Any

os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tongren_fupin_bench_indicators"
)

from _setup import create_database, setup_django

HOUSEHOLDS_AT_SCALE_001 = 2782  # what generate_register(scale=0.01) makes (edge households too)
SCALES = (("1/100", "small"), ("1/10", "tenth"), ("full", "full"))
PERIOD = "2020-09"
BASELINE_SQL = {
    "people (members ⋈ households)": (
        "SELECT substr(h.region_id, 1, 6), count(*) FROM households_member m "
        "JOIN households_household h ON h.id = m.household_id GROUP BY 1",
        ("poverty_incidence", "exits", "relapses", "wrong_exit_rate", "missed_rate"),
    ),
    "households": (
        "SELECT substr(region_id, 1, 6), count(*) FROM households_household GROUP BY 1",
        ("visit_coverage",),
    ),
    "problems ⋈ households": (
        "SELECT substr(h.region_id, 1, 6), count(*) FROM inspections_problem p "
        "JOIN households_household h ON h.id = p.household_id GROUP BY 1",
        ("open_problems", "overdue_problems"),
    ),
    "surveys ⋈ visits ⋈ households": (
        "SELECT substr(h.region_id, 1, 6), count(*) FROM inspections_approvalsurvey s "
        "JOIN inspections_visit v ON v.id = s.visit_id "
        "JOIN households_household h ON h.id = v.household_id GROUP BY 1",
        ("approval_rate",),
    ),
    "monitoring cases ⋈ households": (
        "SELECT substr(h.region_id, 1, 6), count(*) FROM households_monitoringcase c "
        "JOIN households_household h ON h.id = c.household_id GROUP BY 1",
        ("monitoring_cases",),
    ),
    "projects": (
        "SELECT substr(target_region_id, 1, 6), count(*) FROM assistance_project GROUP BY 1",
        ("disbursement_rate", "reimbursement_rate", "filing_rate", "completion_rate"),
    ),
    "relocations ⋈ sites": (
        "SELECT substr(s.region_id, 1, 6), count(*) FROM relocation_relocation r "
        "JOIN relocation_site s ON s.id = r.site_id GROUP BY 1",
        ("relocation_employment",),
    ),
}


def fill(households: int) -> dict[str, int]:
    from django.db import connection

    from demo.register import generate_register
    from households.models import Household
    from inspections.models import ApprovalSurvey, FiveLooks, Problem, Visit
    from supervision.models import IndicatorSnapshot, Report

    IndicatorSnapshot.objects.all().delete()
    Report.objects.all().delete()
    ApprovalSurvey.objects.all().delete()
    FiveLooks.objects.all().delete()
    Problem.objects.all().delete()
    Visit.objects.all().delete()
    Household.objects.all().delete()
    scale = min(1.0, households / HOUSEHOLDS_AT_SCALE_001 * 0.01)
    counts = generate_register(scale=scale, batch_size=20000)
    counts.update(casework())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return counts


def existing_counts() -> dict[str, int]:
    from households.models import Household, Member

    return {"households": Household.objects.count(), "members": Member.objects.count()}


def casework() -> dict[str, int]:
    """A month of visits (五个看, 四个好) to a third of the households; problems for 1 in 20."""
    from django.contrib.auth import get_user_model

    from households.models import Household
    from inspections.models import ApprovalSurvey, FiveLooks, Problem, Visit

    rng = random.Random(9)
    visitor, _ = get_user_model().objects.get_or_create(username="bench_visitor")
    ids = list(Household.objects.values_list("pk", flat=True))
    visited = [pk for pk in ids if rng.random() < 1 / 3]
    visits = Visit.objects.bulk_create(
        [
            Visit(household_id=pk, visitor=visitor, date=datetime.date(2020, 9, rng.randint(1, 30)))
            for pk in visited
        ],
        batch_size=5000,
    )
    FiveLooks.objects.bulk_create(
        [
            FiveLooks(
                visit=v,
                furnishings=True,
                clothing=True,
                cupboard=rng.random() > 0.02,
                bedding=True,
                pot=True,
            )
            for v in visits
        ],
        batch_size=5000,
    )
    ApprovalSurvey.objects.bulk_create(
        [
            ApprovalSurvey(
                visit=v,
                policy="satisfied",
                environment="basically",
                ethos="satisfied",
                cadre_relations="dissatisfied" if rng.random() < 0.05 else "satisfied",
            )
            for v in visits
        ],
        batch_size=5000,
    )
    problems = Problem.objects.bulk_create(
        [
            Problem(
                household_id=pk,
                source="visit",
                category="diligence",
                description="bench",
                deadline=datetime.date(2020, 9, rng.randint(1, 30)),
            )
            for pk in ids
            if rng.random() < 0.05
        ],
        batch_size=5000,
    )
    return {"visits": len(visits), "problems": len(problems)}


def best_of(runs: int, work: Any, before: Any = None) -> float:
    timings = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return min(timings)


def measure_dispatch() -> float:
    from supervision import services
    from supervision.models import IndicatorSnapshot, Report
    from supervision.periods import parse_period

    def reset() -> None:
        IndicatorSnapshot.objects.all().delete()
        Report.objects.all().delete()

    return best_of(3, lambda: services.dispatch_run(period=parse_period(PERIOD)), reset)


def measure_baseline() -> dict[str, float]:
    from django.db import connection

    def run(sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()

    result = {}
    for name, (sql, indicators) in BASELINE_SQL.items():
        result[name] = best_of(3, lambda sql=sql: run(sql)) * len(indicators)
    return result


def bench_user() -> Any:
    from django.contrib.auth import get_user_model

    from regions.models import Assignment

    user, _ = get_user_model().objects.get_or_create(username="bench_city")
    Assignment.objects.update_or_create(
        user=user, defaults={"role": "city_supervisor", "region_id": "520600000000"}
    )
    return user


API_CASES = {
    "incidence by county": {"indicator": "poverty_incidence", "period": PERIOD, "level": "county"},
    "every indicator, city": {"period": PERIOD},
}


def measure_api(databases: dict[str, str], requests: int) -> dict[str, dict[str, float]]:
    """Median latency per database, the databases taking turns request by request, so that a
    change of load on the (shared) machine falls on every scale alike."""
    from rest_framework.test import APIClient

    from supervision import services
    from supervision.periods import parse_period

    users = {}
    for label, name in databases.items():
        use_database(name)
        services.dispatch_run(period=parse_period(PERIOD))
        users[label] = bench_user()
    timings: dict[str, dict[str, list[float]]] = {
        label: {case: [] for case in API_CASES} for label in databases
    }
    for _ in range(requests):
        for label, name in databases.items():
            use_database(name)
            client = APIClient()
            client.force_authenticate(users[label])
            for case, params in API_CASES.items():
                start = time.perf_counter()
                response = client.get("/api/v1/indicators/", params)
                timings[label][case].append(time.perf_counter() - start)
                assert response.status_code == 200, response.content[:200]
    return {
        label: {case: statistics.median(values) * 1000 for case, values in cases.items()}
        for label, cases in timings.items()
    }


def use_database(name: str) -> None:
    from django.db import connections

    connections["default"].close()
    connections["default"].settings_dict["NAME"] = name


def create(name: str) -> None:
    use_database(name)
    create_database()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the databases a previous run filled"
    )
    args = parser.parse_args()
    setup_django()
    from django.db import connections

    base = connections["default"].settings_dict["NAME"]
    databases = {label: f"{base}_{suffix}" for label, suffix in SCALES}
    sizes = {"1/100": args.households // 100, "1/10": args.households // 10}
    sizes["full"] = args.households
    phases: dict[str, dict[str, Any]] = {}
    for label, name in databases.items():
        started = time.perf_counter()
        if args.reuse:
            use_database(name)
            counts = existing_counts()
        else:
            create(name)
            counts = fill(sizes[label])
        filled = time.perf_counter() - started
        baseline = measure_baseline()
        phases[label] = {
            "counts": counts,
            "fill": filled,
            "dispatch": measure_dispatch(),
            "baseline": baseline,
            "baseline_total": sum(baseline.values()),
        }
        print(f"{label}: {counts} (filled in {filled:.0f} s)", flush=True)
    api = measure_api(databases, args.requests)
    report(phases, api)


def report(phases: dict[str, dict[str, Any]], api: dict[str, dict[str, float]]) -> None:
    print()
    print(
        f"{'scale':<8}{'households':>12}{'members':>10}{'dispatch s':>12}{'baseline s':>12}"
        f"{'ratio':>8}"
    )
    for label, phase in phases.items():
        print(
            f"{label:<8}{phase['counts']['households']:>12}{phase['counts']['members']:>10}"
            f"{phase['dispatch']:>12.2f}{phase['baseline_total']:>12.2f}"
            f"{phase['dispatch'] / phase['baseline_total']:>8.2f}"
        )
    print("\nbaseline passes at full scale (seconds, × indicators reading the table):")
    for name, seconds in phases["full"]["baseline"].items():
        print(f"  {name:<36}{seconds:>8.3f}")
    growth = phases["full"]["dispatch"] / phases["1/10"]["dispatch"]
    versus = phases["full"]["dispatch"] / phases["full"]["baseline_total"]
    print(
        f"\ndispatch full / 1/10: {growth:.2f} (target < 12): {'PASS' if growth < 12 else 'FAIL'}"
    )
    print(
        f"dispatch / baseline at full scale: {versus:.2f} (target <= 2): "
        f"{'PASS' if versus <= 2 else 'FAIL'}"
    )
    print(f"\n{'API case':<28}{'1/100 ms':>10}{'1/10 ms':>10}{'full ms':>10}{'ratio':>8}")
    worst = 0.0
    for case in API_CASES:
        small, tenth, full = (api[p][case] for p in ("1/100", "1/10", "full"))
        worst = max(worst, full / small)
        print(f"{case:<28}{small:>10.1f}{tenth:>10.1f}{full:>10.1f}{full / small:>8.2f}")
    print(f"worst API ratio {worst:.2f} (target < 2): {'PASS' if worst < 2 else 'FAIL'}")


if __name__ == "__main__":
    main()

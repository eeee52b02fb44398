"""What left the request path (decision 0027), measured against what was there, in one run.

    .venv/bin/python bench/request_path.py [--repeat 5]

On the register ``bench/load.py --fill`` built (BENCH_DATABASE_URL), in-process, median of
``--repeat`` runs of each, as the city and as the 沿河 county supervisor:

- the misclassification list: the live assessment of every exited household with the evidence
  of every suspect (what each request did) against the stored rows' counts, one keyset page and
  its evidence (what the page does now); and the computation itself (the job), once;
- the household search: the unbounded search (every household whose number or a member's name
  starts with the term, counted, first page) against the bounded candidate set, for a
  two-character name prefix and for the number prefix of the whole city.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import time
from collections.abc import Callable
from typing import Any

from _setup import setup_django

ON = datetime.date(2020, 12, 31)


def median_ms(call: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def users() -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from regions.models import Assignment

    result = {}
    for name, role, region in (
        ("city", "city_supervisor", "520600000000"),
        ("county", "county_supervisor", "520627000000"),
    ):
        user, _ = get_user_model().objects.get_or_create(username=f"bench_path_{name}")
        Assignment.objects.update_or_create(user=user, defaults={"role": role, "region_id": region})
        result[name] = user
    return result


def misclassification(user: Any, repeat: int) -> dict[str, float]:
    from exits.misclassification import misclassification_suspects
    from exits.selectors import misclassification_list, misclassification_summary

    def live() -> None:
        found = misclassification_suspects(user=user, year=ON.year, on=ON)
        misclassification_summary(user=user, year=ON.year, suspects=found)

    def stored() -> None:
        misclassification_list(user=user, on=ON)

    old, new = median_ms(live, max(1, repeat // 2)), median_ms(stored, repeat)
    return {"live_ms": old, "stored_page_ms": new, "ratio": round(old / new, 1)}


def search(user: Any, term: str, repeat: int) -> dict[str, Any]:
    from django.db.models import Q

    from households import selectors
    from households.models import Household, Member
    from regions.scoping import scope_by_region

    def unbounded() -> None:
        matches = Q(household_no__startswith=term) | Q(
            pk__in=Member.objects.filter(name__startswith=term).values("household_id")
        )
        rows = scope_by_region(Household.objects.filter(matches), user)
        rows.count()
        list(rows.order_by("region_id", "household_no")[:20])

    def bounded() -> None:
        rows = selectors.household_list(user=user, filters=selectors.HouseholdFilters(search=term))
        rows.count()
        list(rows[:20])

    old, new = median_ms(unbounded, repeat), median_ms(bounded, repeat)
    return {"term": term, "unbounded_ms": old, "bounded_ms": new, "ratio": round(old / new, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--search-only", action="store_true", help="the search cases only")
    args = parser.parse_args()
    setup_django()
    from exits.suspect_runs import suspects_compute
    from households.models import Household, Member

    cast = users()
    figures: dict[str, Any] = {"households": Household.objects.count()}
    if not args.search_only:
        start = time.perf_counter()
        suspects_compute(on=ON)
        figures["suspects_computation_ms"] = round((time.perf_counter() - start) * 1000, 1)
    names = Member.objects.order_by("pk").values_list("name", flat=True)
    common = max(
        {n[:2] for n in names[:2000]},
        key=lambda p: Member.objects.filter(name__startswith=p).count(),
    )
    for who, user in cast.items():
        if not args.search_only:
            figures[f"misclassification_{who}"] = misclassification(user, args.repeat)
        figures[f"search_{who}_name"] = search(user, common, args.repeat)
        figures[f"search_{who}_number"] = search(user, "5206", args.repeat)
    for key, value in figures.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()

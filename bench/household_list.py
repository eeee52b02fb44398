"""Household-list API latency at Tongren scale against 1/100 of it, measured in one run.

    .venv/bin/python bench/household_list.py [--households 200000] [--requests 60]

Fills a separate PostgreSQL database (BENCH_DATABASE_URL, default tongren_fupin_bench) with
the demo generator at 1/100 of the target, measures the median latency of
GET /api/v1/households/ (first page, a deep page, a search, a county filter) as a city
supervisor and as a county supervisor, then refills at the full target and measures again.
The target: full / small median ratio under 2 (indexes, no per-row queries).
"""

from __future__ import annotations

import argparse
import statistics
import time

from _setup import create_database, setup_django

HOUSEHOLDS_AT_SCALE_001 = 2782  # what generate_register(scale=0.01) makes (edge households too)


def fill(households: int) -> dict[str, int]:
    from django.db import connection

    from demo.register import generate_register
    from households.models import Household

    Household.objects.all().delete()
    scale = min(1.0, households / HOUSEHOLDS_AT_SCALE_001 * 0.01)
    counts = generate_register(scale=scale, batch_size=20000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return counts


def measure(requests: int) -> dict[str, float]:
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    from households.models import Member
    from regions.models import Assignment

    user_model = get_user_model()
    results: dict[str, float] = {}
    # The first two characters of a head's name in 沿河: present at both scales.
    name_prefix = (
        Member.objects.filter(relation="01", household__region__code__startswith="520627")
        .order_by("id")
        .values_list("name", flat=True)[0][:2]
    )
    for username, role, region in (
        ("bench_city", "city_supervisor", "520600000000"),
        ("bench_county", "county_supervisor", "520627000000"),
    ):
        user, _ = user_model.objects.get_or_create(username=username)
        Assignment.objects.update_or_create(user=user, defaults={"role": role, "region_id": region})
        client = APIClient()
        client.force_authenticate(user)
        # Every case but the name search returns a full page at both scales, so only the
        # scale differs.
        size = 10
        cases = {
            "first page": {"page_size": size},
            "page 20": {"page_size": size, "page": 20},
            "search by name": {"page_size": size, "search": name_prefix},
            "filter township": {"page_size": size, "region": "520627100000"},
        }
        for case, params in cases.items():
            timings = []
            for _ in range(requests):
                start = time.perf_counter()
                response = client.get("/api/v1/households/", params)
                timings.append(time.perf_counter() - start)
                assert response.status_code == 200, response.content[:200]
                rows = len(response.json()["results"])
                # A name search finds a few households at any scale; the others fill the page.
                assert rows >= 1 if case == "search by name" else rows == size, (case, rows)
            results[f"{username} {case}"] = statistics.median(timings) * 1000
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    setup_django()
    create_database()
    small_counts = fill(args.households // 100)
    small = measure(args.requests)
    started = time.perf_counter()
    full_counts = fill(args.households)
    fill_seconds = time.perf_counter() - started
    full = measure(args.requests)
    print(f"small register: {small_counts}")
    print(f"full register:  {full_counts} (generated in {fill_seconds:.0f} s)")
    print(f"{'case':<34}{'1/100 ms':>10}{'full ms':>10}{'ratio':>8}")
    worst = 0.0
    for case in small:
        ratio = full[case] / small[case]
        worst = max(worst, ratio)
        print(f"{case:<34}{small[case]:>10.1f}{full[case]:>10.1f}{ratio:>8.2f}")
    print(f"worst ratio {worst:.2f} (target < 2): {'PASS' if worst < 2 else 'FAIL'}")


if __name__ == "__main__":
    main()

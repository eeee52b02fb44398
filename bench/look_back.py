"""The look-back's flagging (回头看) city-wide at 1/100 and 1/10 of Tongren, measured in one run.

    .venv/bin/python bench/look_back.py [--scale 0.01] [--repeat 5]

Fills two separate PostgreSQL databases (BENCH_DATABASE_URL, default
tongren_fupin_bench_look_back, with ``_small`` and ``_10x`` appended) with the demo generator
at 1/100 of Tongren (the demo register, about 2,670 households; ``--scale``) and at ten times
that, and adds to each what the exit assessment reads and the demo register lacks: a visit with
五个看 and 五个一致 for most households (some inadequate, some with an open mismatch and its
problem, some with an older visit too), relocation homes for a few, and a few registered and
edge households. Then it measures, city-wide:

- the wrong-exit flagging of the look-back (``assessed_suspects`` over the exited households:
  the bulk exit assessment), and the whole ``create_look_back_tasks`` run of a month (rolled
  back after each run);
- ``misclassification_suspects`` for the whole city (错退, 错评, 漏评);
- on the small register only, the former path: ``assess_exit`` household by household, as the
  look-back did before, and checks that it flags the same households.

Each case runs ``--repeat`` times on each database in turn after a warming round, and the best
time counts. Targets: a time ratio under 12 for 10× the data and the same number of reads at
both scales.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tongren_fupin_bench_look_back"
)
from _setup import create_database, setup_django

PERIOD = "2021-03"  # judged on the income of 2020 and the visits up to 1 March 2021
YEAR, ON = 2020, datetime.date(2021, 3, 1)


def fill(scale: float) -> dict[str, int]:
    from django.db import connection

    from demo.register import generate_register
    from households.models import Household
    from inspections.models import LookBackTask, Problem, Visit
    from relocation.models import Relocation, Site

    LookBackTask.objects.all().delete()
    Problem.objects.all().delete()
    Visit.objects.all().delete()
    Relocation.objects.all().delete()
    Site.objects.all().delete()
    Household.objects.all().delete()
    counts = generate_register(scale=scale, batch_size=20000)
    counts.update(add_visits_and_relocations())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return counts


def add_visits_and_relocations(seed: int = 5206) -> dict[str, int]:
    """85% of households visited in the window (3% of them with an inadequate look, 3% with an
    open mismatch), 15% with an older visit as well, 3% moved into a relocation home; 3% made
    registered and 3% edge households again (for the 错评 and 漏评 checks)."""
    from django.contrib.auth import get_user_model

    from households.models import Household
    from inspections.models import ConsistencyCheck, ConsistencyItem, FiveLooks, Problem, Visit
    from relocation.models import Relocation, Site

    rng = random.Random(seed)
    visitor, _ = get_user_model().objects.get_or_create(username="bench_cadre")
    sites = [
        Site.objects.create(
            name=f"安置点{n}",
            region_id="520627100000",
            kind="urban",
            planned_households=1000,
            planned_people=4000,
        )
        for n in range(5)
    ]
    counts = {"visits": 0, "problems": 0, "relocations": 0}
    rows = Household.objects.order_by("pk").values_list("pk", "region_id")
    for start in range(0, rows.count(), 20000):
        chunk = list(rows[start : start + 20000])
        visits: list[Visit] = []
        plans: list[tuple[bool, bool]] = []
        relocations = []
        for pk, region in chunk:
            dates = []
            if rng.random() < 0.85:
                dates.append(ON - datetime.timedelta(days=rng.randint(1, 330)))
                if rng.random() < 0.15:
                    dates.append(ON - datetime.timedelta(days=rng.randint(331, 700)))
            for date in dates:
                visits.append(Visit(household_id=pk, visitor=visitor, date=date, kind="routine"))
                plans.append((rng.random() < 0.03, rng.random() < 0.03))
            if rng.random() < 0.03:
                relocations.append(
                    Relocation(
                        household_id=pk,
                        site=rng.choice(sites),
                        moved_in=datetime.date(2019, rng.randint(1, 12), 1),
                        origin_region_id=region,
                    )
                )
        Visit.objects.bulk_create(visits, batch_size=5000)
        looks = [
            FiveLooks(
                visit=visit,
                furnishings=True,
                clothing=True,
                cupboard=True,
                bedding=not inadequate,
                pot=True,
            )
            for visit, (inadequate, _mismatch) in zip(visits, plans, strict=True)
        ]
        FiveLooks.objects.bulk_create(looks, batch_size=5000)
        checks = ConsistencyCheck.objects.bulk_create(
            [ConsistencyCheck(visit=visit) for visit in visits], batch_size=5000
        )
        items, problems = [], []
        for check, visit, (_inadequate, mismatch) in zip(checks, visits, plans, strict=True):
            size = "3"
            items.append(
                ConsistencyItem(
                    consistency=check,
                    field="family_size",
                    wall=size,
                    bag=size,
                    spoken="4" if mismatch else size,
                    system=size,
                    observed=size,
                    mismatch=mismatch,
                )
            )
            if mismatch:
                problems.append(
                    Problem(
                        household_id=visit.household_id,
                        visit=visit,
                        source="check",
                        category="fill_gaps",
                        description="五个一致比对不一致",
                        deadline=ON + datetime.timedelta(days=30),
                    )
                )
        ConsistencyItem.objects.bulk_create(items, batch_size=5000)
        Problem.objects.bulk_create(problems, batch_size=5000)
        Relocation.objects.bulk_create(relocations, batch_size=5000)
        for status, share in (("registered", 0.03), ("edge", 0.03)):
            chosen = [pk for pk, _region in chunk if rng.random() < share]
            Household.objects.filter(pk__in=chosen, status="exited").update(
                status=status, exit_year=None
            )
        counts["visits"] += len(visits)
        counts["problems"] += len(problems)
        counts["relocations"] += len(relocations)
    return counts


Result = tuple[float, int, int]  # best seconds, reads, INSERT statements


def run_once(run: Callable[[], Any]) -> tuple[float, int, int, Any]:
    """Seconds, the reads (statements sent to the database, INSERTs apart) and the INSERT
    statements of one run, and its result."""
    from django.db import connection

    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - start
    inserts = sum(sql.lstrip().upper().startswith("INSERT") for sql in executed)
    return seconds, len(executed) - inserts, inserts, result


def use_database(name: str) -> None:
    from django.conf import settings
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = name


def cases() -> dict[str, Callable[[], Any]]:
    """The measured runs, against the database in use."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from exits.misclassification import assessed_suspects, misclassification_suspects
    from households.models import Household
    from regions.models import Assignment
    from supervision.look_back import EXITED_STATUSES, create_look_back_tasks

    user, _ = get_user_model().objects.get_or_create(username="bench_city")
    Assignment.objects.update_or_create(
        user=user, defaults={"role": "city_supervisor", "region_id": "520600000000"}
    )
    exited = Household.objects.filter(status__in=EXITED_STATUSES)

    def flagging() -> set[int]:
        return {s.household.pk for s in assessed_suspects(exited, year=YEAR, on=ON)}

    def look_back() -> int:
        with transaction.atomic():  # measured, then undone, so every run does the same work
            created = create_look_back_tasks(period=PERIOD)
            transaction.set_rollback(True)
        return created

    return {
        "wrong-exit flagging (bulk)": flagging,
        "create_look_back_tasks": look_back,
        "misclassification_suspects": lambda: misclassification_suspects(
            user=user, year=YEAR, on=ON
        ),
    }


def measure(databases: dict[str, str], repeat: int) -> dict[str, dict[str, Result]]:
    """The best time of ``repeat`` rounds after a first one that warms the caches; a round runs
    every case on each database in turn, so that other work on the machine weighs on both
    scales alike (and only ever adds time)."""
    best: dict[str, dict[str, Result]] = {scale: {} for scale in databases}
    for round_no in range(repeat + 1):
        for scale, name in databases.items():
            use_database(name)
            for case, run in cases().items():
                seconds, reads, inserts, result = run_once(run)
                if round_no == 0:
                    print(f"  {scale}: {case}: {describe(result)}")
                    continue
                previous = best[scale].get(case)
                if previous is None or seconds < previous[0]:
                    best[scale][case] = (seconds, reads, inserts)
    return best


def describe(result: Any) -> str:
    if isinstance(result, set):
        return f"{len(result)} households flagged"
    if isinstance(result, int):
        return f"{result} tasks"
    wrong = sum(s.kind == "wrong_exit" for s in result)
    return f"{len(result)} suspects ({wrong} wrong exit)"


def former_flagging(exited: Any) -> set[int]:
    """The look-back's wrong-exit flag as it was: the assessment one household at a time."""
    from exits.assessment import assess_exit
    from exits.misclassification import STANDARD

    flagged = set()
    for household in exited.select_related("region").prefetch_related("members"):
        criteria = assess_exit(household, YEAR, on=ON)
        if any(c.code in STANDARD and not c.passed for c in criteria):
            flagged.add(household.pk)
    return flagged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings

    from households.models import Household
    from supervision.look_back import EXITED_STATUSES

    base = settings.DATABASES["default"]["NAME"]
    databases = {"small": f"{base}_small", "10x": f"{base}_10x"}
    for (scale, name), factor in zip(databases.items(), (1, 10), strict=True):
        use_database(name)
        create_database()
        started = time.perf_counter()
        counts = fill(min(1.0, args.scale * factor))
        print(f"{scale} ({args.scale * factor:g}): {counts}, {time.perf_counter() - started:.0f} s")
    use_database(databases["small"])
    exited = Household.objects.filter(status__in=EXITED_STATUSES)
    former_seconds, former_queries, _, former = run_once(lambda: former_flagging(exited))
    bulk_seconds, bulk_queries, _, flagged = run_once(cases()["wrong-exit flagging (bulk)"])
    assert former == flagged, "the two paths flag different households"
    print(f"  the former path flags the same {len(former)} of {exited.count()} households")
    best = measure(databases, args.repeat)
    small, large = best["small"], best["10x"]
    print("reads: statements but INSERTs; inserts: INSERT statements (batches of 2,000 rows)")
    print(f"{'case':<30}{'small s':>9}{'reads':>7}{'inserts':>8}", end="")
    print(f"{'10x s':>9}{'reads':>7}{'inserts':>8}{'ratio':>7}")
    worst = 0.0
    for case, (seconds, reads, inserts) in small.items():
        large_seconds, large_reads, large_inserts = large[case]
        ratio = large_seconds / seconds
        worst = max(worst, ratio)
        print(f"{case:<30}{seconds:>9.2f}{reads:>7}{inserts:>8}", end="")
        print(f"{large_seconds:>9.2f}{large_reads:>7}{large_inserts:>8}{ratio:>7.2f}")
        assert reads == large_reads, f"{case}: the number of reads grows with the data"
    bulk_seconds, bulk_queries, _ = small["wrong-exit flagging (bulk)"]
    print(
        f"former per-household flagging, small: {former_seconds:.2f} s, {former_queries} "
        f"queries; bulk {bulk_seconds:.2f} s, {bulk_queries} queries: "
        f"{former_seconds / bulk_seconds:.0f}x faster"
    )
    print(f"worst ratio {worst:.2f} (target < 12): {'PASS' if worst < 12 else 'FAIL'}")


if __name__ == "__main__":
    main()

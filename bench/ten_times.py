"""Ten times Tongren: the monthly dispatch on registers of different sizes, measured in one run.

    .venv/bin/python bench/load.py --fill-only --scale 1                       # 274,080 households
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tongren_fupin_bench_2m \\
        .venv/bin/python bench/load.py --fill-only --scale 10                  # 2.7 million
    .venv/bin/python bench/ten_times.py tongren_fupin_bench tongren_fupin_bench_2m

For each database (PostgreSQL on 127.0.0.1, filled by ``bench/load.py`` with the demo generator
at its scale) it counts the register and times ``supervision.services.dispatch_run`` for a month
the fill did not dispatch (``--period``, default 2020-09): the misclassification suspects as of
the month's end judged over the whole register, then every indicator for every county and the
city, stored. Each run is in a transaction rolled back afterwards, so the databases stay as they
were, and in a process of its own. It prints each size's time and the ratios to the first
database: the dispatch should grow no faster than the register (issue: within 12× for 10×).

The load benchmark's peak at each size is ``bench/load.py --scale N`` on the same databases.
No test asserts a time; the figures go to ``docs/scaling.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

HOST_URL = "postgres://postgres@127.0.0.1:5432/"


def child(database: str, period: str) -> dict[str, object]:
    os.environ["BENCH_DATABASE_URL"] = HOST_URL + database
    from _setup import setup_django

    setup_django()
    from django.db import transaction

    from households.models import Household, Member
    from supervision import services
    from supervision.periods import parse_period

    households, members = Household.objects.count(), Member.objects.count()
    with transaction.atomic():
        started = time.perf_counter()
        services.dispatch_run(period=parse_period(period))
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {"database": database, "households": households, "members": members, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("databases", nargs="+", help="databases filled by bench/load.py")
    parser.add_argument("--period", default="2020-09", help="a month the fill did not dispatch")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.databases[0], args.period)))
        return
    runs = []
    for database in args.databases:
        output = subprocess.run(
            [sys.executable, __file__, "--child", "--period", args.period, database],
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(output.stdout.strip().splitlines()[-1]))
        run = runs[-1]
        print(f"{run['database']}: {run['households']:,} households, {run['members']:,} members, "
              f"dispatch of {args.period} in {run['seconds']:.1f} s", flush=True)  # fmt: skip
    first = runs[0]
    for run in runs[1:]:
        size = run["households"] / first["households"]
        ratio = run["seconds"] / first["seconds"]
        print(f"{run['database']} / {first['database']}: register {size:.2f}x, "
              f"dispatch {ratio:.2f}x (target <= 12 for 10x)")  # fmt: skip
    print(json.dumps(runs))


if __name__ == "__main__":
    main()

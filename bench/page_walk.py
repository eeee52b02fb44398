"""Every page of every role on the benchmark register: its time and its queries, one request each.

    .venv/bin/python bench/load.py --fill --scale 1     # the full-scale register, once
    .venv/bin/python bench/page_walk.py [--limit 300] [--per-route 2] [--repeat 3]

In-process (the Django test client, no server), as each demo login (``demo/logins.py``), it walks
every page reachable from the home page (``tests/page_walk.py``: same-site links, GET only, up to
``--per-route`` URLs of one route), then opens each page ``--repeat`` times more and keeps the
median time. It prints a Markdown table per role — route, URL, status, median ms, queries —
slowest first, and the pages above 500 ms. That the query count of a page does not follow the
data is the test ``tests/tongren_fupin/test_page_walk.py``; this script gives the times at scale.
No test asserts a time: the figures go to ``docs/benchmarks.md`` with the scale they were
measured at.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from _setup import setup_django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--per-route", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_django()

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    from demo.logins import load_demo_logins
    from tests.page_walk import measure, walk

    setup_test_environment()  # the test client's ALLOWED_HOSTS ('testserver')
    slow = []
    for login in load_demo_logins():
        user = get_user_model().objects.get(username=login.username)
        client = Client()
        client.force_login(user)
        pages = walk(client, limit=args.limit, per_route=args.per_route)
        urls = [page.url for page in pages]
        runs = [measure(client, urls) for _ in range(args.repeat)]
        print(f"\n### {login.username} ({login.role}), {len(pages)} pages\n")
        print("| route | URL | status | median ms | queries |")
        print("|---|---|---:|---:|---:|")
        rows = []
        for i, page in enumerate(pages):
            ms = statistics.median([run[i].ms for run in runs])
            rows.append((ms, page.route, page.url, runs[-1][i].status, runs[-1][i].queries))
        for ms, route, url, status, queries in sorted(rows, reverse=True):
            print(f"| {route} | `{url}` | {status} | {ms:.1f} | {queries} |")
            if ms > 500:
                slow.append((login.username, url, ms))
    print("\n### Pages above 500 ms\n")
    for username, url, ms in slow or [("—", "none", 0.0)]:
        print(f"- {username} `{url}` {ms:.0f} ms")


if __name__ == "__main__":
    main()

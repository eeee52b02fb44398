"""A county's working day under load: gunicorn with (2 × cores) + 1 workers on the demo register,
driven by locust (headless, only 127.0.0.1, bounded in time), next to a bare view.

    .venv/bin/python bench/load.py --fill --scale 0.1        # build the register once
    .venv/bin/python bench/load.py --scale 0.1 [--stage-seconds 30] [--steps 10,20,40,80]

Runs, in one go and against one server, after a warm-up of the mixed workload that is not
measured (``--warmup-seconds``: a worker's first request of a page compiles its templates):

- the **baseline**: ``GET /ping/``, a constant through the same stack (middleware, routing,
  gunicorn), stepped up like the workload: the framework's own ceiling on this machine;
- **(a) the expected peak**: an open arrival rate of 10 requests/s of the mixed workload;
- **(b) saturation**: the arrival rate stepped up (``--steps``) until p95 passes 500 ms or
  errors appear; the saturation rate is the highest step that kept p95 ≤ 500 ms and no error.

The workload is the requests of a county's working day: village cadres (home, a household, the
visit form and its submission, problems), township reviewers (the exit queue, an application),
county supervisors (the dashboard, the latest bulletin, the misclassification list, a name
search), API clients (indicators, a page of households). It reports p50/p95/p99, requests/s and
errors per endpoint and the ratio of the saturation rate to the bare view's. No test asserts a
time; the figures go to ``docs/benchmarks.md`` (say the scale they were measured at).

The database is BENCH_DATABASE_URL (default ``tongren_fupin_bench``); the server listens on
127.0.0.1 only; every run ends the processes it started.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from _setup import BENCH_DATABASE_URL, ROOT, create_database, setup_django

HOST = "127.0.0.1"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
YEAR = 2020
PEAK_RATE = 10.0
P95_LIMIT_MS = 500.0
SESSIONS_PER_ROLE = 1000  # more than the users of the highest step

SERVER_ENV = {
    "DATABASE_URL": BENCH_DATABASE_URL,
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-" + "x" * 40 + "0123456789abcdef",
    "ALLOWED_HOSTS": HOST,
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
    "CELERY_BROKER_URL": "",
    "AXES_ENABLED": "0",
}


# -- the register ---------------------------------------------------------------------------


def fill(scale: float, *, register: bool = True) -> None:
    """The demo register at ``scale`` with its casework, the stored suspects of 2020, the
    dispatch of 2020-12 and the running month's snapshots (what the pages read)."""
    import io

    from django.core.management import call_command
    from django.db import connection

    from demo.cases import generate_demo_cases
    from demo.register import generate_register
    from exits.suspect_runs import suspects_compute
    from exits.suspects import year_end
    from supervision import services
    from supervision.periods import parse_period

    if register:
        create_database()
        call_command("load_demo", "--allow", stdout=io.StringIO())
        generate_register(scale=scale, batch_size=20000)
        generate_demo_cases()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # statistics of the fresh tables, as a running database has
    suspects_compute(on=year_end(YEAR))
    services.monthly_dispatch_run(period=parse_period(f"{YEAR}-12"))
    services.current_snapshots_store()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def cast() -> dict[str, Any]:
    """Users of every role in one county (沿河) with sessions and a token, and the ids the
    requests use: written to a JSON file the locust process reads."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from rest_framework.authtoken.models import Token

    from exits.models import ExitApplication
    from households.models import Household, Member
    from regions.models import Assignment, Region
    from supervision.models import Report

    county = "520627"
    village = (
        Household.objects.filter(region__code__startswith=county)
        .values_list("region_id", flat=True)
        .order_by("region_id")
        .first()
    )
    # The reviewer's township is one with exit applications to review (the demo's casework is
    # in a few villages), else the cadre's.
    reviewed = (
        ExitApplication.objects.filter(household__region__code__startswith=county)
        .values_list("household__region_id", flat=True)
        .order_by("household__region_id")
        .first()
    )
    township = Region.objects.get(code=reviewed or village).parent_id
    roles = {
        "cadre": ("village_cadre", village),
        "reviewer": ("township_reviewer", township),
        "supervisor": ("county_supervisor", f"{county}000000"),
        "api": ("api_client", f"{county}000000"),
    }
    sessions: dict[str, list[str]] = {}
    token = ""
    for name, (role, region) in roles.items():
        user, _ = get_user_model().objects.get_or_create(username=f"bench_{name}")
        Assignment.objects.update_or_create(user=user, defaults={"role": role, "region_id": region})
        if name == "api":
            token = Token.objects.get_or_create(user=user)[0].key
            continue
        # A session per simulated user, as people have: every request saves its session
        # (SESSION_SAVE_EVERY_REQUEST), and users sharing one would all update one row.
        sessions[name] = []
        for _ in range(SESSIONS_PER_ROLE):
            session = SessionStore()
            session["_auth_user_id"] = str(user.pk)
            session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[-1]
            session["_auth_user_hash"] = user.get_session_auth_hash()
            session.create()
            sessions[name].append(session.session_key)
    in_village = list(
        Household.objects.filter(region_id=village).values_list("pk", flat=True)[:200]
    )
    applications = list(
        ExitApplication.objects.filter(
            household__region__code__startswith=township[:9]
        ).values_list("pk", flat=True)[:200]
    )
    names = list(
        Member.objects.filter(household__region__code__startswith=county).values_list(
            "name", flat=True
        )[:2000:20]
    )
    bulletin = Report.objects.filter(kind="bulletin").order_by("-period").first()
    return {
        "sessions": sessions,
        "token": token,
        "households": in_village,
        "applications": applications,
        "search": sorted({n[:2] for n in names if len(n) >= 2}),
        "bulletin": bulletin.pk if bulletin else None,
        "county": f"{county}000000",
    }


# -- the server -----------------------------------------------------------------------------


#: The process group of the running server (its master's pid: it starts a session of its own).
SERVER_GROUP: set[int] = set()


def start_server(workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, **SERVER_ENV}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "tongren_fupin.wsgi",
            "--bind",
            f"{HOST}:{PORT}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    SERVER_GROUP.clear()
    SERVER_GROUP.add(server.pid)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://{HOST}:{PORT}/ping/", timeout=1).read()
            return server
        except OSError:
            time.sleep(0.5)
    stop(server)
    raise SystemExit("gunicorn did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


# -- one stage: locust at an open arrival rate ------------------------------------------------


# Users per request/s of the arrival rate: each sends one request every USERS_PER_RATE seconds,
# so the rate holds while responses take up to that long (an open arrival rate, not a closed
# loop that slows down with the server).
USERS_PER_RATE = 5


def _cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far: by the whole machine (``/proc/stat``), by the web server's
    processes (its process group, from ``/proc``) and by the finished locust processes
    (``RUSAGE_CHILDREN``). What the machine used beyond those two is PostgreSQL's, on a quiet
    machine (its backends come and go, so they are not counted one by one)."""
    import resource

    tick = os.sysconf("SC_CLK_TCK")
    with open("/proc/stat", encoding="ascii") as file:
        busy = file.readline().split()[1:]  # user nice system idle iowait irq softirq steal
    machine = sum(int(busy[i]) for i in (0, 1, 2, 5, 6, 7)) / tick
    server = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as file:
                fields = file.read().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[2]) in SERVER_GROUP:
            server += (int(fields[11]) + int(fields[12])) / tick
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    generator = children.ru_utime + children.ru_stime
    return {"server": server, "load generator": generator, "machine": machine}


def run_stage(workload: str, rate: float, seconds: int, data_file: str) -> dict[str, Any]:
    """Locust headless for ``seconds`` at ``rate`` requests/s: ``rate × USERS_PER_RATE``
    constant-throughput users, each one request every ``USERS_PER_RATE`` seconds. Beside the
    figures per endpoint, ``cpu``: the cores the machine, the server, the load generator and the
    rest (PostgreSQL) used during the stage, and the server's and the rest's CPU milliseconds per
    request."""
    before, started = _cpu_seconds(), time.monotonic()
    stats = _run_locust(workload, rate, seconds, data_file)
    after, elapsed = _cpu_seconds(), time.monotonic() - started
    requests = max(1, stats.get("total", {}).get("requests", 0))
    used = {kind: after[kind] - before[kind] for kind in after}
    used["postgres and the rest"] = used["machine"] - used["server"] - used["load generator"]
    cores = {kind: round(seconds / elapsed, 2) for kind, seconds in used.items()}
    per_request = {
        kind: round(1000 * used[kind] / requests, 1) for kind in ("server", "postgres and the rest")
    }
    stats.setdefault("total", {})["cpu"] = {"cores": cores, "ms_per_request": per_request}
    return stats


def _run_locust(workload: str, rate: float, seconds: int, data_file: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as out:
        prefix = str(Path(out) / "stats")
        env = {
            **os.environ,
            "BENCH_DATA": data_file,
            "BENCH_WORKLOAD": workload,
            "BENCH_WAIT": str(1 / USERS_PER_RATE),
        }
        users = max(1, int(rate * USERS_PER_RATE))
        subprocess.run(
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                str(Path(__file__).with_name("load_locustfile.py")),
                "--headless",
                "--host",
                f"http://{HOST}:{PORT}",
                "-u",
                str(users),
                "-r",
                str(users),
                "--run-time",
                f"{seconds}s",
                "--stop-timeout",
                "5",
                "--csv",
                prefix,
                "--only-summary",
                "--loglevel",
                "ERROR",
            ],
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        return read_stats(f"{prefix}_stats.csv", seconds)


def read_stats(path: str, seconds: int) -> dict[str, Any]:
    import csv

    rows: dict[str, Any] = {}
    with open(path, encoding="utf-8") as file:
        for row in csv.DictReader(file):
            name = "total" if row["Name"] == "Aggregated" else row["Name"]
            rows[name] = {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 1),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0),
            }
    return rows


def saturation(workload: str, steps: list[float], seconds: int, data_file: str) -> dict[str, Any]:
    """Each step's total; the highest rate served with p95 ≤ 500 ms and no error."""
    results = {}
    best = 0.0
    for rate in steps:
        total = run_stage(workload, rate, seconds, data_file).get("total", {})
        results[str(rate)] = total
        if total and total["p95"] <= P95_LIMIT_MS and total["errors"] == 0:
            best = max(best, total["rps"])
        else:
            break
    return {"steps": results, "saturation_rps": best}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.1, help="the demo register's scale")
    parser.add_argument("--fill", action="store_true", help="(re)build the register first")
    parser.add_argument("--fill-only", action="store_true", help="build the register, no load")
    parser.add_argument(
        "--refresh", action="store_true", help="recompute the suspects and snapshots only"
    )
    parser.add_argument("--stage-seconds", type=int, default=30)
    parser.add_argument(
        "--warmup-seconds",
        type=int,
        default=20,
        help="the mixed workload at the peak rate first, not measured (each worker's first request "
        "of a page compiles its templates: about 250 ms once per page and worker)",
    )
    parser.add_argument("--steps", default="10,20,40,80,160")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--out", default="", help="write the figures as JSON here too")
    args = parser.parse_args()

    setup_django()
    if args.fill or args.fill_only or args.refresh:
        fill(args.scale, register=not args.refresh)
    if args.fill_only:
        return
    data = cast()
    steps = [float(s) for s in args.steps.split(",")]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(data, file)
        data_file = file.name
    from django.db import connections

    connections.close_all()
    server = start_server(args.workers)
    try:
        if args.warmup_seconds:
            run_stage("mixed", PEAK_RATE, args.warmup_seconds, data_file)
        figures = {
            "scale": args.scale,
            "workers": args.workers,
            "stage_seconds": args.stage_seconds,
            "warmup_seconds": args.warmup_seconds,
            "peak": run_stage("mixed", PEAK_RATE, args.stage_seconds, data_file),
            "baseline": saturation("bare", steps, args.stage_seconds, data_file),
            "mixed": saturation("mixed", steps, args.stage_seconds, data_file),
        }
    finally:
        stop(server)
        os.unlink(data_file)
    bare, mixed = figures["baseline"]["saturation_rps"], figures["mixed"]["saturation_rps"]
    figures["mixed_to_bare"] = round(mixed / bare, 3) if bare else None
    text = json.dumps(figures, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

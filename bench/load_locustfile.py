"""The users of ``bench/load.py`` (run by locust, not imported by the project).

``BENCH_WORKLOAD=bare`` is the baseline (``GET /ping/`` only); ``mixed`` is a county's working
day, each user one role, weighted: village cadres 40 %, API clients 20 %, county supervisors
25 %, township reviewers 15 %. Every user sends ``BENCH_WAIT`` requests a second on average
(``bench/load.py`` runs five users per request/s of the stage) with exponential waits, so that the
users' requests together arrive as a Poisson stream at the stage's rate.

The users are locust's ``FastHttpUser`` (geventhttpclient): with the ``requests``-based
``HttpUser`` the generator itself was the bottleneck on this 2-core machine — 50 users asking
for one page at 10 requests/s measured a median of 340 ms where ``FastHttpUser`` measured 64 ms
and ``curl`` alone 17 ms (docs/benchmarks.md).
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import re
from http.cookiejar import Cookie
from pathlib import Path
from typing import Any

import gevent
from locust import FastHttpUser, task

DATA: dict[str, Any] = json.loads(Path(os.environ["BENCH_DATA"]).read_text(encoding="utf-8"))
WORKLOAD = os.environ.get("BENCH_WORKLOAD", "mixed")
YEAR = 2020
INPUT = re.compile(r"<input[^>]*>", re.S)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def form_fields(html: str) -> dict[str, str]:
    """The fields of the page's form as a browser would send them untouched: text and hidden
    inputs with their values, checked boxes, the first option of each select."""
    fields: dict[str, str] = {}
    for tag in INPUT.findall(html):
        attrs = dict(ATTR.findall(tag))
        name, kind = attrs.get("name"), attrs.get("type", "text")
        if not name or kind in ("submit", "button", "file"):
            continue
        if kind in ("checkbox", "radio"):
            if "checked" in tag:
                fields[name] = attrs.get("value", "on")
            continue
        fields.setdefault(name, attrs.get("value", ""))
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        option = re.search(r'<option[^>]*value="([^"]+)"', body)
        if option:
            fields.setdefault(name, option.group(1))
    return fields


_SEQUENCE = itertools.count()  # each simulated user its own session
RATE_PER_USER = float(os.environ.get("BENCH_WAIT", "1.0"))  # requests a second per user


def poisson_wait(user: Any) -> float:
    """The time to the user's next request, drawn from an exponential distribution: the users'
    requests together arrive as a Poisson stream at the stage's rate. A fixed interval per user
    (``constant_throughput``) kept the users, all started in the same second, in step: every
    request of the stage came in bursts of all users at once, and the queue of each burst was
    measured as latency (a bare view answering in 1 ms measured 23 ms at 10 requests/s)."""
    return random.expovariate(RATE_PER_USER)


def _cookie(name: str, value: str) -> Cookie:
    """A cookie of the benchmark's server (127.0.0.1 only), for the client's jar."""
    return Cookie(0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None,
                  False, None, None, {})  # fmt: skip


class Staggered(FastHttpUser):
    """A user that starts at a random moment of its first interval: the users of a stage all
    start in the same second, and would otherwise send their first requests together."""

    abstract = True
    wait_time = poisson_wait

    def on_start(self) -> None:
        gevent.sleep(random.uniform(0, 1 / RATE_PER_USER))


class Session(Staggered):
    abstract = True
    role = ""

    def on_start(self) -> None:
        super().on_start()
        if self.role:
            sessions = DATA["sessions"][self.role]
            self.client.cookiejar.set_cookie(
                _cookie("sessionid", sessions[next(_SEQUENCE) % len(sessions)])
            )


if WORKLOAD == "bare":

    class Bare(Staggered):
        @task
        def ping(self) -> None:
            self.client.get("/ping/", name="bare /ping/")

else:

    class Cadre(Session):
        weight = 40
        role = "cadre"

        @task(3)
        def home(self) -> None:
            self.client.get("/", name="cadre home")

        @task(4)
        def household(self) -> None:
            pk = random.choice(DATA["households"])
            self.client.get(f"/households/{pk}/", name="cadre household detail")

        @task(2)
        def visit(self) -> None:
            pk = random.choice(DATA["households"])
            page = self.client.get(f"/households/{pk}/visit/", name="cadre visit form")
            fields = form_fields(page.text)
            fields["date"] = datetime.date.today().isoformat()
            fields["kind"] = fields.get("kind") or "routine"
            with self.client.post(
                f"/households/{pk}/visit/",
                data=fields,
                headers={"Referer": f"{self.host}/households/{pk}/visit/"},
                name="cadre visit submit",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 302:
                    response.failure(f"visit not recorded: {response.status_code}")

        @task(2)
        def problems(self) -> None:
            self.client.get("/problems/", name="cadre problems")

    class Reviewer(Session):
        weight = 15
        role = "reviewer"

        @task(2)
        def queue(self) -> None:
            self.client.get("/exits/", name="reviewer exit queue")

        @task(3)
        def review(self) -> None:
            if DATA["applications"]:
                pk = random.choice(DATA["applications"])
                self.client.get(f"/exits/{pk}/", name="reviewer exit review")

    class Supervisor(Session):
        weight = 25
        role = "supervisor"

        @task(3)
        def dashboard(self) -> None:
            self.client.get("/supervision/", name="supervisor dashboard")

        @task(1)
        def bulletin(self) -> None:
            if DATA["bulletin"]:
                self.client.get(
                    f"/supervision/reports/{DATA['bulletin']}/", name="supervisor bulletin"
                )

        @task(2)
        def misclassification(self) -> None:
            self.client.get(f"/misclassification/?year={YEAR}", name="supervisor misclassification")

        @task(1)
        def readiness(self) -> None:
            self.client.get(
                f"/supervision/readiness/{DATA['county']}/?period={YEAR}",
                name="supervisor readiness",
            )

        @task(3)
        def search(self) -> None:
            term = random.choice(DATA["search"])
            self.client.get("/households/", params={"q": term}, name="supervisor name search")

    class ApiClient(Staggered):
        weight = 20
        default_headers = {"Authorization": f"Token {DATA['token']}"}

        @task(2)
        def indicators(self) -> None:
            self.client.get(
                "/api/v1/indicators/",
                params={"indicator": "wrong_exit_rate", "period": f"{YEAR}-12", "level": "county"},
                name="api indicators",
            )

        @task(3)
        def households(self) -> None:
            self.client.get(
                "/api/v1/households/",
                params={"page": random.randint(1, 20)},
                name="api households",
            )

"""On the database ``make run`` builds — the reference fixtures, then the demo logins, the demo
register and its casework, the relocation demo and the monthly dispatch — the relocation and
assistance summaries a city user opens give every figure of the seed, and so do the pages.

The database is built once for the module (the same management commands in the order of the
Makefile's ``setup`` and ``demo`` targets) inside a transaction rolled back at the end; each test
runs in a savepoint of it, so what one test changes the next does not see.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client, TestCase
from rest_framework.test import APIClient

from tests import seed

pytestmark = pytest.mark.django_db

DEMO_PERIOD = "2020-12"  # the Makefile's
DEMO_QUARTER = "2020-Q4"
FIXTURES = [
    "fixtures/tongren_regions/tongren_regions.json",
    "fixtures/tongren_assistance/tongren_assistance.json",
    "fixtures/tongren_relocation/tongren_relocation.json",
]


def make_setup() -> None:
    """``make setup`` after the migrations: the three reference fixtures, in its order."""
    for fixture in FIXTURES:
        call_command("loaddata", fixture, verbosity=0)


def make_demo() -> None:
    """``make demo``: the same commands, with the Makefile's arguments."""
    out = io.StringIO()
    call_command("load_demo", "--allow", stdout=out)
    call_command("load_demo_register", "--allow", "--scale", "0.01", stdout=out)
    call_command("load_demo_relocation", "--allow", stdout=out)
    call_command("run_monthly_dispatch", "--period", DEMO_PERIOD)
    call_command("run_quarterly_analysis", "--period", DEMO_QUARTER, stdout=out)


@pytest.fixture(scope="module")
def make_run(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        # Work queued after commit (the outbox's tasks) runs, at the end rather than per commit.
        with TestCase.captureOnCommitCallbacks(execute=True):
            make_setup()
            make_demo()
        yield
        transaction.set_rollback(True)


def city_user() -> Any:
    return get_user_model().objects.get(username="demo_city")


def relocation_summary() -> dict[str, Any]:
    client = APIClient()
    client.force_authenticate(city_user())
    response = client.get("/api/v1/relocation/summary/")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def assistance_summary(**params: str) -> dict[str, Any]:
    client = APIClient()
    client.force_authenticate(city_user())
    response = client.get("/api/v1/assistance/summary/", params)
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def page(url: str) -> str:
    client = Client()
    client.force_login(city_user())
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def figures_on(html: str) -> dict[str, str]:
    """The figures a page marks with ``data-figure`` (the summary's field names)."""
    return dict(re.findall(r'data-figure="([^"]+)">([^<]*)<', html))


@pytest.mark.parametrize(
    ("path", "seed_figure"), seed.RELOCATION, ids=[path for path, _ in seed.RELOCATION]
)
def test_the_city_relocation_summary_gives_the_seed_figure(make_run, path, seed_figure):
    assert seed.pick(relocation_summary(), path) == seed_figure


def test_the_demo_households_are_in_the_city_figures_once(make_run):
    body = relocation_summary()

    assert body["region_name"] == "铜仁市"
    # The demo's four households are counted by the register, not again by a tally.
    assert (body["planned_households"], body["planned_people"]) == (66_000, 293_600)
    assert (body["households"], body["people"]) == (66_000, 293_600)


@pytest.mark.parametrize(
    ("path", "seed_figure"), seed.RELOCATION, ids=[path for path, _ in seed.RELOCATION]
)
def test_the_relocation_sites_page_shows_the_seed_figure(make_run, path, seed_figure):
    assert figures_on(page("/relocation/sites/"))[path] == str(seed_figure)


def test_the_relocation_sites_page_counts_the_seed_sites(make_run):
    assert "<p>144个安置点</p>" in page("/relocation/sites/")


def test_running_the_relocation_demo_again_changes_no_figure(make_run):
    before = relocation_summary()

    call_command("load_demo_relocation", "--allow", stdout=io.StringIO())

    assert relocation_summary() == before


def test_running_make_run_again_changes_no_figure(make_run):
    relocation, assistance = relocation_summary(), assistance_summary()

    # The fixtures reload (the relocation tallies as published), then the demo runs again.
    with TestCase.captureOnCommitCallbacks(execute=True):
        make_setup()
        make_demo()

    assert relocation_summary() == relocation
    assert assistance_summary() == assistance


@pytest.mark.parametrize(("figure", "expected"), seed.SUZHOU, ids=[f for f, _ in seed.SUZHOU])
def test_the_suzhou_figure(make_run, figure, expected):
    assert assistance_summary(scheme="east_west")[figure] == expected


@pytest.mark.parametrize(
    ("level", "partners", "targets"),
    seed.SUZHOU_PAIRINGS,
    ids=[level for level, *_ in seed.SUZHOU_PAIRINGS],
)
def test_the_suzhou_pairing_counts(make_run, level, partners, targets):
    row = seed.pairing_level(assistance_summary(scheme="east_west"), level)
    assert (row["partner_units"], row["target_units"]) == (partners, targets)


@pytest.mark.parametrize(
    ("figure", "expected"), seed.DESIGNATED, ids=[f for f, _ in seed.DESIGNATED]
)
def test_the_designated_figure(make_run, figure, expected):
    assert assistance_summary(scheme="designated")[figure] == expected


def test_the_designated_pairing_counts(make_run):
    level, units, counties = seed.DESIGNATED_PAIRING
    row = seed.pairing_level(assistance_summary(scheme="designated"), level)
    assert (row["partner_units"], row["target_units"]) == (units, counties)


@pytest.mark.parametrize(
    ("kind", "figure", "expected"), seed.SOCIAL, ids=[f"{k}-{f}" for k, f, _ in seed.SOCIAL]
)
def test_the_social_figure(make_run, kind, figure, expected):
    assert assistance_summary(scheme="social", partner_kind=kind)[figure] == expected


def test_the_social_pairing_counts(make_run):
    kind, level, enterprises, villages = seed.SOCIAL_PAIRING
    row = seed.pairing_level(assistance_summary(scheme="social", partner_kind=kind), level)
    assert (row["partner_units"], row["target_units"]) == (enterprises, villages)


@pytest.mark.parametrize(
    ("figure", "expected"), seed.NINE_PLUS_TWO, ids=[f for f, _ in seed.NINE_PLUS_TWO]
)
def test_the_nine_plus_two_figure(make_run, figure, expected):
    assert assistance_summary(scheme="nine_plus_two")[figure] == expected


def test_the_nine_plus_two_helpers(make_run):
    level, helpers = seed.NINE_PLUS_TWO_HELPERS
    row = seed.pairing_level(assistance_summary(scheme="nine_plus_two"), level)
    assert row["partner_units"] == helpers


def test_the_nine_plus_two_page_shows_the_seed_funds_and_projects(make_run):
    html = page("/assistance/nine-plus-two/")

    assert "80,000,000.00 元" in html and "0.8亿元" in html
    # 38 is the published total (a published aggregate, marked so, with its parts beside it).
    assert '<dt>项目</dt>\n  <dd id="figure-projects" class="published-aggregate">38\n' in html
    assert 'id="published-note"' in html


def test_the_makefile_demo_runs_the_commands_this_module_runs():
    """``make run`` depends on ``demo``, whose last steps are the bulletin of the demo's last
    month and the analysis of its latest quarter: the commands ``make_demo`` repeats."""
    with open("Makefile", encoding="utf-8") as makefile:
        text = makefile.read()
    assert re.search(r"^run: .*\bdemo\b", text, flags=re.M)
    assert f"DEMO_PERIOD := {DEMO_PERIOD}\n" in text and f"DEMO_QUARTER := {DEMO_QUARTER}\n" in text
    demo = text.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "run_monthly_dispatch --period $(DEMO_PERIOD)" in demo
    assert "run_quarterly_analysis --period $(DEMO_QUARTER)" in demo
    assert f"{DEMO_PERIOD[:4]}-Q{(int(DEMO_PERIOD[5:]) + 2) // 3}" == DEMO_QUARTER


def test_make_run_has_the_analysis_of_the_latest_quarter_counting_the_open_problems(make_run):
    from django.db.models import Q

    from inspections.models import Problem, ProblemState
    from supervision.models import Report

    end = datetime.date(2020, 12, 31)
    still_open = Problem.objects.filter(created__date__lte=end).filter(
        ~Q(state=ProblemState.VERIFIED) | Q(verified_at__date__gt=end)
    )
    report = Report.objects.get(kind="analysis", period=DEMO_QUARTER)

    assert report.status == "done"
    assert still_open.count() > 0
    assert report.content["totals"]["open_problems"] == f"{still_open.count()}.00"
    client = Client()
    client.force_login(city_user())
    page = client.get(f"/supervision/reports/{report.pk}/").content.decode()
    row = re.search(r"<td>未销号问题（个）</td>(.*?)</tr>", page, flags=re.S)
    assert row is not None
    assert re.findall(r'<td class="num">([^<]*)</td>', row.group(1))[-1] == str(still_open.count())

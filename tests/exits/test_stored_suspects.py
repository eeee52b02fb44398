"""The stored misclassification suspects (decision 0027): the same households and kinds as the
live assessment, read a keyset page at a time in a fixed number of queries, computed again as a
job from the page or the API, and judged once by the monthly dispatch."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exits import suspects
from exits.misclassification import misclassification_suspects
from exits.models import Suspect, SuspectRun
from households.choices import Status
from households.models import AnnualIncome
from supervision import indicators, services
from supervision.models import IndicatorSnapshot
from supervision.periods import parse_period
from tests.exits.helpers import compute_suspects
from tests.households.factories import household_with_head, income
from tests.inspections.helpers import ALL_ADEQUATE, record_visit
from tests.permissions import check_permission_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

YEAR = 2020
ON = datetime.date(2020, 12, 31)
BIJIANG_VILLAGE = "520602100200"


def exited(**fields: Any) -> Any:
    """An exited household whose drinking water is not safe: a 错退 suspect."""
    return household_with_head(status=Status.EXITED, exit_year=2019, water_safe=False, **fields)


@pytest.fixture
def every_kind(cadre_yanhe: Any) -> dict[str, Any]:
    """One household of each kind of suspect, and one that is none."""
    wrong = exited()
    unvisited = household_with_head(status=Status.EXITED, exit_year=2019)
    income(unvisited, YEAR, Decimal("6500"), 1)
    fine = household_with_head(status=Status.EXITED, exit_year=2019)
    income(fine, YEAR, Decimal("6500"), 1)
    record_visit(cadre_yanhe, fine, datetime.date(2020, 9, 20))
    rich = household_with_head(status=Status.REGISTERED, identification_year=2014)
    AnnualIncome.objects.filter(household=rich).delete()
    income(rich, 2014, Decimal("9000"), 1)  # above twice the line of 2014 (2,800)
    well_off = household_with_head(status=Status.REGISTERED)
    record_visit(cadre_yanhe, well_off, datetime.date(2020, 5, 1), looks=ALL_ADEQUATE)
    missed = household_with_head(status=Status.EDGE, water_safe=False)
    return {
        "wrong_exit": wrong,
        "missing_evidence": unvisited,
        "passed": fine,
        "rich": rich,
        "well_off": well_off,
        "missed": missed,
    }


def stored(on: datetime.date = ON) -> list[tuple[int, str]]:
    return list(Suspect.objects.filter(as_of=on).values_list("household_id", "kind"))


def test_the_stored_suspects_are_the_live_assessment_s(every_kind, city_supervisor):
    live = misclassification_suspects(user=city_supervisor, year=YEAR, on=ON)

    run = compute_suspects(YEAR)

    assert sorted(stored()) == sorted((s.household.pk, s.kind) for s in live)
    assert dict(stored()) == {
        every_kind["wrong_exit"].pk: "wrong_exit",
        every_kind["missing_evidence"].pk: "missing_evidence",
        every_kind["rich"].pk: "wrongly_registered",
        every_kind["well_off"].pk: "wrongly_registered",
        every_kind["missed"].pk: "missed",
    }
    assert (run.state, run.progress) == ("done", 100)
    assert run.counts == {
        "wrong_exit": 1,
        "missing_evidence": 1,
        "wrongly_registered": 2,
        "missed": 1,
    }


def test_a_run_for_a_county_replaces_that_county_only(city_supervisor):
    yanhe = exited()
    bijiang = exited(region_id=BIJIANG_VILLAGE)
    compute_suspects(YEAR)
    yanhe.water_safe = bijiang.water_safe = True
    yanhe.save()
    bijiang.save()

    compute_suspects(YEAR, prefix="520602")

    # Bijiang's household is judged again (no visit: to verify), Yanhe's is left as it was.
    assert sorted(stored()) == [(yanhe.pk, "wrong_exit"), (bijiang.pk, "missing_evidence")]


def test_the_keyset_pages_walk_the_whole_list_once_in_order_while_it_changes(city_supervisor):
    households = [exited() for _ in range(5)]
    compute_suspects(YEAR)
    rows = Suspect.objects.filter(as_of=ON)

    first, cursor = suspects.suspects_page(rows, None, size=2)
    # A suspect of the first page is settled meanwhile: the next pages do not shift.
    Suspect.objects.filter(household=households[0]).delete()
    second, cursor_2 = suspects.suspects_page(rows, suspects.parse_cursor(cursor or ""), size=2)
    third, cursor_3 = suspects.suspects_page(rows, suspects.parse_cursor(cursor_2 or ""), size=2)

    walked = [s.household_id for s in first + second + third]
    assert walked == [h.pk for h in households]
    assert cursor_3 is None


@pytest.mark.parametrize("cursor", ["", "x", "1.abc.2", "9"], ids=["none", "word", "bad", "short"])
def test_a_cursor_that_is_not_one_reads_the_first_page(cursor):
    assert suspects.parse_cursor(cursor) is None


def _page_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_page_and_the_api_take_as_many_queries_for_3_suspects_as_for_30(
    client, city_supervisor
):
    for _ in range(3):
        exited()
    compute_suspects(YEAR)
    client.force_login(city_supervisor)
    _page_queries(client, f"/misclassification/?year={YEAR}")  # the session, once
    few = _page_queries(client, f"/misclassification/?year={YEAR}")
    few_api = _page_queries(client, f"/api/v1/misclassification/?year={YEAR}")
    for _ in range(27):
        exited()
    compute_suspects(YEAR)

    many = _page_queries(client, f"/misclassification/?year={YEAR}")
    many_api = _page_queries(client, f"/api/v1/misclassification/?year={YEAR}")

    assert (many, many_api) == (few, few_api)


def test_the_api_pages_with_next_and_builds_the_evidence_of_the_page_only(client, city_supervisor):
    households = [exited() for _ in range(3)]
    compute_suspects(YEAR)
    client.force_login(city_supervisor)

    first = client.get("/api/v1/misclassification/", {"year": YEAR, "page_size": 2}).json()
    second = client.get(
        "/api/v1/misclassification/", {"year": YEAR, "page_size": 2, "after": first["next"]}
    ).json()

    assert [r["household"] for r in first["results"]] == [h.pk for h in households[:2]]
    assert [r["household"] for r in second["results"]] == [households[2].pk]
    assert second["next"] is None
    assert first["count"] == 3 and first["exited_people"] == 3
    assert first["results"][0]["evidence"] == ["饮水安全有保障：未记录饮水安全。"]
    assert first["computed_at"] is not None


@pytest.mark.parametrize(
    ("params", "field"),
    [({"year": "20"}, "year"), ({"year": YEAR, "kind": "x"}, "kind"),
     ({"year": YEAR, "page_size": 501}, "page_size")],
    ids=["year", "kind", "page size"],
)  # fmt: skip
def test_the_api_refuses_bad_parameters_naming_the_field(client, city_supervisor, params, field):
    client.force_login(city_supervisor)

    response = client.get("/api/v1/misclassification/", params)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_the_page_says_when_the_list_was_computed_and_computes_it_again_as_a_job(
    client, county_supervisor, django_capture_on_commit_callbacks
):
    client.force_login(county_supervisor)
    before = client.get(f"/misclassification/?year={YEAR}").content.decode()
    household = exited()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/misclassification/", {"year": YEAR})
    after = client.get(f"/misclassification/?year={YEAR}").content.decode()

    assert "尚未计算" in before and 'data-computed=""' in before
    assert (
        response.status_code == 302 and response["Location"] == f"/misclassification/?year={YEAR}"
    )
    run = SuspectRun.objects.get()
    assert (run.state, run.progress, run.prefix, run.as_of) == ("done", 100, "520627", ON)
    assert run.requested_by == county_supervisor
    assert re.search(r'data-computed="\d{4}-\d\d-\d\dT', after)
    assert household.household_no in after


def test_a_cadre_may_not_ask_for_a_computation_and_nothing_is_queued(client, cadre_yanhe):
    client.force_login(cadre_yanhe)

    response = client.post("/misclassification/", {"year": YEAR})

    assert response.status_code == 403
    assert SuspectRun.objects.exists() is False


def test_the_api_computation_of_another_county_answers_404(
    county_supervisor_bijiang, county_supervisor
):
    response = check_permission_matrix(
        f"/api/v1/misclassification/?year={YEAR}&region=520627000000",
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
    )

    assert response.json()["count"] == 0


def test_the_dispatch_judges_the_register_once_and_its_rates_are_the_live_ones(
    every_kind, city_supervisor
):
    period = parse_period("2020-12")
    live = {
        code: indicators.compute(code, level="county", period=period)["520627000000"]
        for code in ("wrong_exit_rate", "missing_evidence_rate", "missed_rate")
    }

    with CaptureQueriesContext(connection) as queries:
        services.dispatch_run(period=period)

    judged = [q["sql"] for q in queries.captured_queries if "judged AS (" in q["sql"]]
    assert len(judged) == 1 and judged[0].lstrip().startswith("INSERT")
    for code, figure in live.items():
        snapshot = IndicatorSnapshot.objects.get(
            indicator=code, region_id="520627000000", period="2020-12"
        )
        assert (snapshot.numerator, snapshot.denominator) == (figure.numerator, figure.denominator)
    assert sorted(stored()) == sorted(
        (s.household.pk, s.kind)
        for s in misclassification_suspects(user=city_supervisor, year=YEAR, on=ON)
    )

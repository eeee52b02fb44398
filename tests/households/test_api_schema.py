"""The register's answers are what the OpenAPI document says they are (issue 18's drifts)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit import events
from households.models import AssistanceMeasure
from tests.api_schema import answer, in_process_requests  # noqa: F401  (fixture re-export)
from tests.households.factories import MemberFactory, household_with_head, income

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.sqlite,
    pytest.mark.usefixtures("in_process_requests"),
]

LIST = "/api/v1/households/"


@pytest.fixture
def household(db):
    household = household_with_head()
    MemberFactory(household=household, name="田小明", relation="03")
    return household


def test_the_household_list_answers_the_compact_row_it_documents(household, city_supervisor):
    body = answer(city_supervisor, "GET", LIST)

    assert body["count"] == 1
    assert body["results"][0]["household_no"] == household.household_no
    assert body["results"][0]["member_count"] == 2


def _measure(household, year):
    return AssistanceMeasure.objects.create(
        household=household, kind="industry", year=year, description="养殖", amount="3000.00"
    )


@pytest.mark.parametrize("kind", ["members", "incomes", "measures"])
def test_members_incomes_and_measures_are_paginated_as_documented(kind, household, cadre_yanhe):
    income(household, 2019, 4800, 2)
    income(household, 2020, 6500, 2)
    _measure(household, 2019)
    _measure(household, 2020)

    body = answer(cadre_yanhe, "GET", f"{LIST}{{id}}/{kind}/", id=household.pk)

    assert body["count"] == 2
    assert body["count_exact"] is True
    assert body["next"] is None
    assert [row["id"] for row in body["results"]] == {
        "members": [m.pk for m in household.members.order_by("relation")],
        "incomes": [i.pk for i in household.incomes.order_by("-year")],
        "measures": [m.pk for m in household.measures.order_by("-year")],
    }[kind]


@pytest.mark.parametrize("kind", ["members", "incomes", "measures"])
def test_the_paginated_lists_cost_the_same_queries_for_more_rows(kind, household, api, cadre_yanhe):
    api.force_authenticate(cadre_yanhe)
    income(household, 2013, 4000, 2)
    _measure(household, 2013)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert api.get(f"{LIST}{household.pk}/{kind}/").status_code == 200
        return len(captured.captured_queries)

    queries()  # the first request also loads what later ones find cached
    few = queries()
    for year in range(2014, 2020):
        MemberFactory(household=household)
        income(household, year, 4000, 2)
        _measure(household, year)

    assert queries() == few


def test_the_history_documents_a_system_event_without_an_actor(household, cadre_yanhe):
    events.record(actor=None, action="household.checked", obj=household, summary="系统检查")

    body = answer(cadre_yanhe, "GET", f"{LIST}{{id}}/history/", id=household.pk)

    assert [(row["action"], row["actor"]) for row in body["results"]] == [
        ("household.checked", None)
    ]

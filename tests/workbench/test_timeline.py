"""One timeline per household: every kind of record, newest first, paginated, constant queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.models import AssistanceMeasure
from inspections.models import ConsistencyCheck, ConsistencyItem, FiveLooks
from tests.households.factories import income
from tests.permissions import check_permission_matrix
from tests.workbench.helpers import application, case, exited, household, problem, visit
from workbench import timeline

pytestmark = pytest.mark.django_db


def _visit_with_checks(home, on, visitor, mismatch):
    recorded = visit(home, on, visitor)
    FiveLooks.objects.create(
        visit=recorded,
        furnishings=True,
        clothing=True,
        cupboard=not mismatch,
        bedding=True,
        pot=True,
    )
    check = ConsistencyCheck.objects.create(visit=recorded)
    ConsistencyItem.objects.create(consistency=check, field="family_size", wall="3", system="3")
    ConsistencyItem.objects.create(
        consistency=check, field="status", wall="a", system="b", mismatch=mismatch
    )
    return recorded


def _a_bit_of_everything(home, cadre, times=1, first=0):
    for n in range(first, first + times):
        _visit_with_checks(home, datetime.date(2020, 3, 1 + n), cadre, mismatch=bool(n % 2))
        problem(home, datetime.date(2020, 12, 1), responsible=cadre)
        AssistanceMeasure.objects.create(
            household=home, kind="industry", year=2016, description=f"产业奖补{n}"
        )
        income(home, 2014 + n, Decimal("3000"), 2)
        application(home, "rejected", cadre)
        case(home, datetime.date(2020, 5, 1 + n), status="not_included")


@pytest.mark.sqlite
def test_the_timeline_holds_every_kind_newest_first(cadre_yanhe):
    home = exited()
    seen = _visit_with_checks(home, datetime.date(2020, 10, 8), cadre_yanhe, mismatch=True)
    late = problem(home, datetime.date(2020, 10, 30), responsible=cadre_yanhe)
    income(home, 2019, Decimal("5200"), 2)
    AssistanceMeasure.objects.create(household=home, kind="industry", year=2018, description="种猪")
    exit_application = application(home, "rejected", cadre_yanhe)
    monitoring = case(home, datetime.date(2020, 6, 2))

    events = timeline.household_events(
        user=cadre_yanhe, household=home, today=datetime.date(2020, 11, 20)
    )

    kinds = [(event.kind, event.on) for event in events if event.kind != "change"]
    assert kinds[0][0] == "problem"  # opened today: the newest
    assert kinds[1:] == [
        ("visit", datetime.date(2020, 10, 8)),
        ("exit", datetime.date(2020, 9, 10)),
        ("monitoring", datetime.date(2020, 6, 2)),
        ("income", datetime.date(2019, 12, 31)),
        ("measure", datetime.date(2018, 12, 31)),
    ]
    by_kind = {event.kind: event for event in events}
    assert by_kind["visit"].record == seen
    assert by_kind["visit"].detail == "五个一致：1 项不一致"
    assert by_kind["visit"].looks[2] == ("柜里放的", False)
    assert by_kind["visit"].url == f"/visits/{seen.pk}/"
    assert by_kind["problem"].record == late and by_kind["problem"].late is True
    assert by_kind["exit"].record == exit_application
    assert [step.label for step in by_kind["exit"].steps] == ["民主评议（拟退出）"]
    assert by_kind["monitoring"].record == monitoring
    assert by_kind["income"].title == "2019年收入"


@pytest.mark.sqlite
@pytest.mark.parametrize("times", [1, 6])
def test_the_timeline_page_runs_in_the_same_number_of_queries_whatever_the_events(
    times, client, cadre_yanhe, django_assert_num_queries
):
    home = exited()
    _a_bit_of_everything(home, cadre_yanhe, 1)
    client.force_login(cadre_yanhe)
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"/households/{home.pk}/timeline/").status_code == 200

    _a_bit_of_everything(home, cadre_yanhe, times, first=1)

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(f"/households/{home.pk}/timeline/")
    assert response.context["timeline"].paginator.count == 6 * (1 + times)


def test_the_timeline_is_paginated_twenty_a_page(client, cadre_yanhe):
    home = exited()
    _a_bit_of_everything(home, cadre_yanhe, 4)  # 24 events
    client.force_login(cadre_yanhe)

    first = client.get(f"/households/{home.pk}/timeline/")
    second = client.get(f"/households/{home.pk}/timeline/?page=2")

    assert len(first.context["timeline"].object_list) == 20
    assert len(second.context["timeline"].object_list) == 4
    assert "第 1 页，共 2 页" in first.content.decode()


def test_the_household_page_shows_the_first_page_of_its_timeline(client, cadre_yanhe):
    home = exited()
    _a_bit_of_everything(home, cadre_yanhe, 4)
    client.force_login(cadre_yanhe)

    html = client.get(f"/households/{home.pk}/").content.decode()

    assert 'id="timeline-events"' in html
    assert html.count('class="timeline-event') == 20
    assert f'href="/households/{home.pk}/timeline/?page=2"' in html


def test_the_timeline_names_people_not_logins(client, cadre_yanhe):
    cadre_yanhe.first_name = "张秀英"
    cadre_yanhe.save()
    home = exited()
    visit(home, datetime.date(2020, 10, 8), cadre_yanhe)
    problem(home, datetime.date(2020, 12, 1), responsible=cadre_yanhe)
    client.force_login(cadre_yanhe)

    html = client.get(f"/households/{home.pk}/timeline/").content.decode()

    assert "张秀英 · 村干部（帮扶责任人）" in html
    assert "cadre_yanhe" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_timeline_page_answers_the_permission_matrix(
    cadre_yanhe, cadre_bijiang, api_client_user
):
    home = household()

    response = check_permission_matrix(
        f"/households/{home.pk}/timeline/",
        api=False,
        own=cadre_yanhe,
        other_jurisdiction=cadre_bijiang,
        wrong_role=api_client_user,
    )

    assert response.context["household"] == home

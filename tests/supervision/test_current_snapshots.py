"""The dashboard reads snapshots only (decision 0027): the running month's problems come from the
snapshots ``supervision.current_snapshots`` writes, never from a live count, and the page takes
as many queries for one problem as for ten."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections.models import Problem
from supervision import services, tasks
from supervision.models import IndicatorSnapshot
from tests.households.factories import household_with_head
from tests.inspections.helpers import record_visit

pytestmark = pytest.mark.django_db

YANHE = "520627000000"
MISMATCH = {"family_size": {"wall": "1", "spoken": "3"}}


def open_problems(cadre: Any, count: int) -> None:
    for _ in range(count):
        record_visit(cadre, household_with_head(), timezone.localdate(), consistency=MISMATCH)


def yanhe_open(client: Any) -> Any:
    chart = client.get("/supervision/").context["charts"]["problems"]
    return chart["series"]["open_problems"][chart["names"].index("沿河土家族自治县")]["value"]


def test_the_running_month_s_problems_are_the_snapshot_s_not_a_live_count(
    client, city_supervisor, cadre_yanhe
):
    open_problems(cadre_yanhe, 2)
    client.force_login(city_supervisor)

    before = yanhe_open(client)
    written = tasks.current_snapshots.apply().get()
    after = yanhe_open(client)
    open_problems(cadre_yanhe, 1)
    still = yanhe_open(client)

    assert before is None  # not computed yet: nothing live
    assert written > 0
    assert after == 2
    assert still == 2 and Problem.objects.count() == 3  # the third waits for the next snapshot
    month = timezone.localdate().strftime("%Y-%m")
    snapshot = IndicatorSnapshot.objects.get(
        indicator="open_problems", region_id=YANHE, period=month
    )
    assert snapshot.numerator == 2


def _dashboard_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/supervision/").status_code == 200
    return len(queries)


def test_the_dashboard_takes_as_many_queries_for_one_problem_as_for_ten(
    client, city_supervisor, cadre_yanhe
):
    open_problems(cadre_yanhe, 1)
    services.current_snapshots_store()
    client.force_login(city_supervisor)
    _dashboard_queries(client)  # the snapshots of the ended years, stored once
    one = _dashboard_queries(client)
    open_problems(cadre_yanhe, 9)
    services.current_snapshots_store()

    ten = _dashboard_queries(client)

    assert ten == one
    assert yanhe_open(client) == Problem.objects.unresolved().count()


def test_a_snapshot_taken_while_a_period_ran_is_not_its_figure_once_it_has_ended(
    city_supervisor, cadre_yanhe
):
    from supervision import selectors
    from supervision.periods import month_period

    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    period = month_period(last_month.year, last_month.month)
    IndicatorSnapshot.objects.create(
        indicator="open_problems",
        region_id=YANHE,
        period=period.code,
        value=7,
        numerator=7,
        computed_at=timezone.make_aware(datetime.datetime(last_month.year, last_month.month, 2)),
    )

    rows = selectors.region_figures(
        region=selectors.region_in_jurisdiction(user=city_supervisor, code=YANHE),
        period=period,
        indicator="open_problems",
    )

    assert [row.numerator for row in rows] == [0]

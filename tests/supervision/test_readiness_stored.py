"""The readiness page reads stored snapshots only (decision 0031): a missing figure is said on
the page and asked for as a job through the outbox, never computed on the request."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from households.choices import Status
from regions.models import RegionYearFact
from supervision import indicators, services, snapshot_requests
from supervision.models import IndicatorSnapshot
from supervision.periods import parse_period
from supervision.services import READINESS
from tests.households.factories import MemberFactory, household_with_head
from tongren_fupin.models import OutboxMessage

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

YANHE = "520627000000"
PAGE = f"/supervision/readiness/{YANHE}/?period=2019"


def refuse_computing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any indicator computed from here on fails the test (the database itself is real)."""

    def computed(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("an indicator was computed on the request")

    monkeypatch.setattr(indicators, "compute", computed)


def register(households: int) -> None:
    RegionYearFact.objects.update_or_create(
        region_id=YANHE, year=2019, defaults={"rural_population": 1000}
    )
    for _ in range(households):
        household = household_with_head(identification_year=2014)
        MemberFactory.create_batch(2, household=household)
    household_with_head(identification_year=2014, status=Status.EXITED, exit_year=2016)


def page_queries(client: Any) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)
    assert response.status_code == 200
    return response, len(queries)


def test_a_missing_figure_is_said_and_offered_as_a_job_not_computed(
    county_supervisor, client, monkeypatch
):
    register(3)
    refuse_computing(monkeypatch)
    client.force_login(county_supervisor)

    response, _ = page_queries(client)

    readiness = response.context["readiness"]
    assert [c.indicator for c in readiness.missing] == list(READINESS)
    assert all(c.value is None and c.passed is False for c in readiness.criteria)
    html = response.content.decode()
    assert "4 项指标尚未计算" in html and "计算缺少的指标" in html
    assert IndicatorSnapshot.objects.exists() is False
    assert OutboxMessage.objects.exists() is False


def test_the_page_s_queries_do_not_follow_the_register(county_supervisor, client, monkeypatch):
    refuse_computing(monkeypatch)
    client.force_login(county_supervisor)
    register(1)
    _, few = page_queries(client)

    register(12)
    _, many = page_queries(client)

    assert few == many


def test_the_computation_is_a_job_and_its_figures_are_then_read(
    county_supervisor, client, django_capture_on_commit_callbacks
):
    register(3)  # 1 exited and 3 registered households of 3 people: 9 of 1,000 people
    client.force_login(county_supervisor)

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(PAGE, {"period": "2019"})
    again = client.post(PAGE, {"period": "2019"})  # within the window: the same request
    response, _ = page_queries(client)

    assert asked.status_code == 302 and asked["Location"].endswith("?period=2019")
    message = OutboxMessage.objects.get()
    assert message.task_name == "supervision.compute_snapshots"
    assert message.kwargs == {"period": "2019", "region": YANHE, "indicators": list(READINESS)}
    assert message.sent_at is not None  # run inline here (no broker): the job itself
    assert again.status_code == 302
    event = AuditEvent.objects.get(action="supervision.snapshots_request")
    assert event.region_code == YANHE
    readiness = response.context["readiness"]
    assert readiness.missing == []
    incidence = readiness.criteria[0]
    assert (incidence.value, incidence.numerator, incidence.denominator) == (
        Decimal("0.9"),
        9,
        1000,
    )
    assert incidence.passed is True
    assert "指标计算于" in response.content.decode()


def test_a_request_outside_the_jurisdiction_is_not_found_and_queues_nothing(
    county_supervisor_bijiang, cadre_yanhe, client
):
    client.force_login(county_supervisor_bijiang)
    outside = client.post(PAGE, {"period": "2019"})
    client.force_login(cadre_yanhe)
    wrong_role = client.post(PAGE, {"period": "2019"})

    assert outside.status_code == 404
    assert wrong_role.status_code == 403
    assert OutboxMessage.objects.exists() is False


def test_a_malformed_period_is_refused_by_name(county_supervisor, client):
    client.force_login(county_supervisor)

    response = client.post(PAGE, {"period": "2019-13"}, follow=True)

    assert OutboxMessage.objects.exists() is False
    text = response.content.decode()
    assert "期间：请填写年度（2019）" in text


def test_the_december_dispatch_stores_the_year_s_readiness_figures():
    register(1)

    services.dispatch_run(period=parse_period("2019-12"))

    stored = IndicatorSnapshot.objects.filter(period="2019", region_id=YANHE)
    assert set(READINESS) <= set(stored.values_list("indicator", flat=True))
    incidence = stored.get(indicator="poverty_incidence")
    assert (incidence.numerator, incidence.denominator) == (3, 1000)


def test_a_november_dispatch_stores_no_year_figures():
    services.dispatch_run(period=parse_period("2019-11"))

    assert IndicatorSnapshot.objects.filter(period="2019").exists() is False


def test_the_job_stores_one_county_s_figures_only():
    register(2)

    stored = snapshot_requests.snapshots_compute(
        period=parse_period("2019"), region_code=YANHE, codes=list(READINESS)
    )

    assert stored == 4
    assert set(IndicatorSnapshot.objects.values_list("region_id", flat=True)) == {YANHE}

"""``/api/v1/indicators/`` and ``/api/v1/reports/``: scoping, roles, filters, bad input."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from households.choices import Status
from supervision import indicators, services, snapshot_requests
from supervision.models import IndicatorSnapshot, Report
from supervision.periods import parse_period
from tests.households.factories import MemberFactory, household_with_head
from tests.permissions import check_permission_matrix
from tongren_fupin import outbox
from tongren_fupin.models import OutboxMessage

pytestmark = pytest.mark.django_db

CITY = "520600000000"
YANHE = "520627000000"


def snapshot_count() -> int:
    return IndicatorSnapshot.objects.count()


def refuse_computing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any indicator computed from here on fails the test (the database itself is real)."""

    def computing(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("an indicator was computed on the request")

    monkeypatch.setattr(indicators, "compute", computing)


def jobs_asked() -> int:
    return OutboxMessage.objects.filter(task_name=snapshot_requests.FIGURES_TASK).count()


def computed(api: Any, url: str) -> Any:
    """The answer once the figures asked for are computed: 202 first, the job, then 200."""
    first = api.get(url)
    assert first.status_code == 202, first.content
    assert first["Retry-After"] == "30"
    outbox.drain()  # the worker's part (Celery runs inline in the tests)
    response = api.get(url)
    assert response.status_code == 200, response.content
    return response


def test_indicators_answer_by_jurisdiction_and_role(
    county_supervisor, county_supervisor_bijiang, cadre_yanhe
):
    household_with_head(status=Status.EXITED, exit_year=2019)
    snapshot_requests.snapshots_compute(
        period=parse_period("2019"), region_code=YANHE, codes=["exits"]
    )

    response = check_permission_matrix(
        f"/api/v1/indicators/?indicator=exits&region={YANHE}&period=2019",
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=cadre_yanhe,
        state=snapshot_count,
    )

    [row] = response.json()["results"]
    assert (row["indicator"], row["region"], row["region_name"]) == (
        "exits",
        YANHE,
        "沿河土家族自治县",
    )
    assert (row["value"], row["numerator"], row["denominator"]) == (1, 1, None)


@pytest.mark.sqlite  # the first run's database: the API's jobs there too
def test_a_missing_figure_of_a_finished_period_is_a_job_then_read_from_snapshots(
    api, api_client_user, django_assert_num_queries, monkeypatch
):
    api.force_authenticate(api_client_user)
    household = household_with_head(status=Status.EXITED, exit_year=2019)
    MemberFactory(household=household)
    url = "/api/v1/indicators/?indicator=exits&period=2019&level=county"
    refuse_computing(monkeypatch)

    first, again = api.get(url), api.get(url)

    assert (first.status_code, again.status_code) == (202, 202)
    body = first.json()
    assert (body["status"], body["missing"], body["retry_after"]) == ("computing", 10, 30)
    assert "正在计算" in body["detail"]
    assert IndicatorSnapshot.objects.exists() is False
    assert jobs_asked() == 1  # asked once, however often the client asks
    monkeypatch.undo()
    outbox.drain()
    stored = IndicatorSnapshot.objects.filter(indicator="exits", period="2019").count()
    household_with_head(status=Status.EXITED, exit_year=2019)  # after the snapshot
    refuse_computing(monkeypatch)
    with django_assert_num_queries(3):  # assignment, regions, snapshots
        second = api.get(url)

    assert stored == 10
    assert second.status_code == 200
    yanhe = next(r for r in second.json()["results"] if r["region"] == YANHE)
    assert yanhe["value"] == 2
    assert jobs_asked() == 1


@pytest.mark.sqlite  # the first run's database: the API's jobs there too
def test_the_running_period_is_computed_by_a_job_and_again_when_older_than_15_minutes(
    api, api_client_user, monkeypatch
):
    api.force_authenticate(api_client_user)
    today = timezone.localdate()
    url = f"/api/v1/indicators/?indicator=open_problems&period={today:%Y-%m}"

    response = computed(api, url)

    assert response.json()["results"][0]["region"] == CITY
    assert IndicatorSnapshot.objects.filter(period=f"{today:%Y-%m}").count() == 1
    assert jobs_asked() == 1
    # 16 minutes later: the stored figure is answered at once, and computed again by a job.
    earlier = timezone.now() - datetime.timedelta(minutes=16)
    IndicatorSnapshot.objects.update(computed_at=earlier)
    OutboxMessage.objects.update(created=earlier)
    refuse_computing(monkeypatch)

    later = api.get(url)

    assert later.status_code == 200
    assert later.json()["results"][0]["computed_at"].startswith(
        f"{timezone.localtime(earlier):%Y-%m-%d}"
    )
    assert jobs_asked() == 2
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 1


def test_level_breaks_the_region_down_by_its_children(api, county_supervisor):
    api.force_authenticate(county_supervisor)

    response = computed(
        api, "/api/v1/indicators/?indicator=visit_coverage&period=2019&level=township"
    )

    regions = [row["region"] for row in response.json()["results"]]
    assert response.status_code == 200
    assert len(regions) > 5
    assert all(code.startswith("520627") and code.endswith("000") for code in regions)


def test_without_an_indicator_every_indicator_is_answered(api, city_supervisor):
    api.force_authenticate(city_supervisor)

    response = computed(api, "/api/v1/indicators/?period=2019-Q3&page_size=100")

    assert {row["indicator"] for row in response.json()["results"]} == {
        "poverty_incidence", "exits", "relapses", "monitoring_cases", "visit_coverage",
        "open_problems", "overdue_problems", "disbursement_rate", "reimbursement_rate",
        "filing_rate", "completion_rate", "relocation_employment", "approval_rate",
        "wrong_exit_rate", "missing_evidence_rate", "missed_rate",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("period=2019-13", "period"),
        ("period=2019-Q5", "period"),
        ("period=1999", "period"),
        ("indicator=happiness", "indicator"),
        ("region=5206", "region"),
        ("level=province", "level"),
        (f"region={YANHE}&level=city", "level"),
    ],
)
def test_bad_filters_get_a_chinese_message_naming_the_field(api, city_supervisor, query, field):
    api.force_authenticate(city_supervisor)

    response = api.get(f"/api/v1/indicators/?{query}")

    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body["errors"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(body["errors"][field]) + body["message"])
    assert IndicatorSnapshot.objects.exists() is False


def test_reports_are_listed_for_the_city_and_scoped(
    api, county_supervisor, cadre_yanhe, unassigned_user
):
    services.dispatch_run(period=parse_period("2019-09"))
    report = Report.objects.get()

    response = check_permission_matrix(
        "/api/v1/reports/", own=county_supervisor, wrong_role=cadre_yanhe
    )
    detail = check_permission_matrix(
        f"/api/v1/reports/{report.pk}/", own=county_supervisor, wrong_role=cadre_yanhe
    )
    api.force_authenticate(county_supervisor)

    assert [r["id"] for r in response.json()["results"]] == [report.pk]
    assert detail.json()["kind"] == "dispatch" and detail.json()["period"] == "2019-09"
    assert api.get("/api/v1/reports/?kind=nonsense").status_code == 400
    assert api.get("/api/v1/reports/999999/").status_code == 404
    assert api.get(f"/api/v1/reports/{report.pk}/xlsx/").status_code == 404  # a dispatch has none
    api.force_authenticate(unassigned_user)
    assert api.get("/api/v1/reports/").status_code == 403

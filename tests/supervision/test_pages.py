"""Pages: the dashboard, county exit readiness, reports, and the notification bell and inbox."""

from __future__ import annotations

import pytest

from households.choices import Status
from regions.models import RegionYearFact
from supervision import services, snapshot_requests
from supervision.models import IndicatorSnapshot, Notification, Report
from supervision.periods import parse_period
from supervision.services import READINESS
from supervision.tasks import compute_figures
from supervision.views import FUND_RATES
from tests.households.factories import MemberFactory, household_with_head
from tests.permissions import check_permission_matrix
from tongren_fupin.models import OutboxMessage

pytestmark = pytest.mark.django_db

YANHE = "520627000000"


def notification_state() -> list[tuple]:
    return list(Notification.objects.order_by("pk").values_list("pk", "read_at"))


def test_the_dashboard_is_for_supervisors_with_each_chart_beside_its_table(
    city_supervisor, cadre_yanhe
):
    household_with_head(identification_year=2014, status=Status.EXITED, exit_year=2016)

    response = check_permission_matrix(
        "/supervision/", api=False, own=city_supervisor, wrong_role=cadre_yanhe
    )

    html = response.content.decode()
    for chart in ("incidence", "funds", "employment", "problems"):
        assert f'id="chart-{chart}"' in html
    assert html.count('class="chart-table"') == 4
    assert "vendor/echarts/echarts.min.js" in html and "supervision/dashboard.js" in html
    assert 'id="chart-data" type="application/json"' in html
    assert "沿河土家族自治县" in html
    assert "<script>" not in html  # no inline script (CSP)


def test_county_readiness_shows_the_three_rates_and_one_degree_with_evidence(
    county_supervisor, county_supervisor_bijiang, cadre_yanhe
):
    RegionYearFact.objects.update_or_create(
        region_id=YANHE, year=2019, defaults={"rural_population": 100}
    )
    household = household_with_head(identification_year=2014)
    MemberFactory.create_batch(4, household=household)  # 5 of 100 people: 5% ≥ 3%
    snapshot_requests.county_snapshots_store(period=parse_period("2019"), codes=READINESS)

    response = check_permission_matrix(
        f"/supervision/readiness/{YANHE}/?period=2019",
        api=False,
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=cadre_yanhe,
    )

    criteria = response.context["criteria"]
    assert [c.indicator for c in criteria] == [
        "poverty_incidence",
        "wrong_exit_rate",
        "missed_rate",
        "approval_rate",
    ]
    incidence = criteria[0]
    assert (incidence.value, incidence.numerator, incidence.denominator) == (5, 5, 100)
    assert incidence.threshold == "低于 3.0%" and incidence.passed is False
    assert response.context["ready"] is False
    html = response.content.decode()
    assert "5 / 100" in html and "未达标" in html


def test_readiness_of_a_region_that_is_not_a_county_is_not_found(city_supervisor, client):
    client.force_login(city_supervisor)

    assert client.get("/supervision/readiness/520600000000/").status_code == 404
    assert client.get("/supervision/readiness/999999999999/").status_code == 404


def test_a_bulletin_page_lists_overdue_problems_and_the_ranking(
    county_supervisor, cadre_yanhe, settings, tmp_path, client
):
    settings.MEDIA_ROOT = tmp_path
    report = services.bulletin_publish(period=parse_period("2019-09"))
    analysis = services.analysis_publish(period=parse_period("2019-Q3"))

    response = check_permission_matrix(
        f"/supervision/reports/{report.pk}/",
        api=False,
        own=county_supervisor,
        wrong_role=cadre_yanhe,
    )
    listing = check_permission_matrix(
        "/supervision/reports/", api=False, own=county_supervisor, wrong_role=cadre_yanhe
    )
    client.force_login(county_supervisor)
    workbook = client.get(f"/supervision/reports/{analysis.pk}/xlsx/")
    printable = client.get(f"/supervision/reports/{analysis.pk}/html/")

    assert "县（区）排名" in response.content.decode()
    assert set(listing.context["reports"]) == set(Report.objects.all())
    assert workbook.status_code == 200 and workbook["Content-Disposition"].startswith("attachment")
    assert b"<svg" in printable.content and b"title-block" in printable.content
    bulletin_workbook = client.get(f"/supervision/reports/{report.pk}/xlsx/")
    assert bulletin_workbook["Content-Disposition"].startswith("attachment")
    assert client.get(f"/supervision/reports/{analysis.pk}/doc/").status_code == 404
    dispatch = Report.objects.get(kind="dispatch", period="2019-09")
    assert client.get(f"/supervision/reports/{dispatch.pk}/xlsx/").status_code == 404


def test_the_bell_shows_the_unread_count_on_every_page_and_opening_reads(
    county_supervisor, county_supervisor_bijiang, client
):
    services.bulletin_publish(period=parse_period("2019-09"))
    services.bulletin_publish(period=parse_period("2019-10"))
    mine = Notification.objects.filter(user=county_supervisor).order_by("pk")
    first = mine.first()
    client.force_login(county_supervisor)

    home = client.get("/").content.decode()
    problems = client.get("/problems/").content.decode()
    opened = client.post(f"/notifications/{first.pk}/open/")
    after = client.get("/notifications/").content.decode()

    assert 'data-unread="2"' in home and 'data-unread="2"' in problems
    assert opened.status_code == 302 and opened["Location"] == first.link
    assert 'data-unread="1"' in after
    assert mine.filter(read_at__isnull=True).count() == 1
    # The read one opens (打开), the other opens and is marked read; not a problem's state.
    assert ">打开</button>" in after and "打开并标为已读" in after and "待整改" not in after

    client.post("/notifications/read-all/")
    assert "data-unread" not in client.get("/").content.decode()


def test_someone_elses_notification_is_not_found_and_stays_unread(
    county_supervisor, county_supervisor_bijiang
):
    services.bulletin_publish(period=parse_period("2019-09"))
    theirs = Notification.objects.get(user=county_supervisor_bijiang)

    check_permission_matrix(
        f"/notifications/{theirs.pk}/open/",
        api=False,
        method="post",
        own=county_supervisor_bijiang,
        other_jurisdiction=county_supervisor,
        own_status=302,
        state=notification_state,
    )

    assert Notification.objects.get(pk=theirs.pk).read_at is not None
    assert Notification.objects.get(user=county_supervisor).read_at is None


def test_notifications_are_for_every_signed_in_user(cadre_yanhe, client):
    client.force_login(cadre_yanhe)

    response = client.get("/notifications/")

    assert response.status_code == 200
    assert "暂无通知" in response.content.decode()
    assert response.context["unread_notifications"] == 0


def test_the_fund_chart_shows_the_chosen_year_or_the_latest_year_with_projects(
    city_supervisor, client
):
    from tests.assistance.conftest import add_flow, make_project

    project = make_project(year=2019)
    add_flow(project, "allocated", "100", date="2019-03-01")
    add_flow(project, "disbursed", "40", date="2019-04-01")
    client.force_login(city_supervisor)
    for year in ("2018", "2019"):
        snapshot_requests.county_snapshots_store(period=parse_period(year), codes=FUND_RATES)

    latest = client.get("/supervision/").context["charts"]["funds"]
    chosen = client.get("/supervision/?year=2018").context["charts"]["funds"]
    invalid = client.get("/supervision/?year=1999").context["charts"]["funds"]

    assert latest["period"] == invalid["period"] == "2019"
    assert chosen["period"] == "2018"
    yanhe = latest["names"].index("沿河土家族自治县")
    assert latest["series"]["disbursement_rate"][yanhe]["value"] == 40
    assert chosen["series"]["disbursement_rate"][yanhe]["value"] is None


@pytest.mark.sqlite
def test_the_dashboard_computes_nothing_and_asks_a_job_for_a_missing_ended_year(
    city_supervisor, client
):
    from tests.assistance.conftest import add_flow, make_project

    project = make_project(year=2019)
    add_flow(project, "allocated", "100", date="2019-03-01")
    add_flow(project, "disbursed", "40", date="2019-04-01")
    client.force_login(city_supervisor)

    page = client.get("/supervision/")
    html = page.content.decode()

    # Nothing computed or stored on the request: the figures are said to be missing.
    assert IndicatorSnapshot.objects.exists() is False
    assert page.context["charts"]["funds"]["missing"] is True
    assert "2019" in page.context["missing_periods"]
    assert "计算缺少的指标" in html and "尚未计算" in html

    asked = client.post("/supervision/")
    again = client.post("/supervision/")
    jobs = OutboxMessage.objects.filter(task_name="supervision.compute_figures")
    assert asked.status_code == again.status_code == 302
    # One job per missing period and level (2019 twice: incidence by county, the fund rates),
    # however often the button is pressed.
    assert jobs.count() == len(page.context["missing_periods"]) + 1
    assert "已于" in client.get("/supervision/").content.decode()

    for job in jobs:
        compute_figures(**job.kwargs)
    after = client.get("/supervision/")
    funds = after.context["charts"]["funds"]
    yanhe = funds["names"].index("沿河土家族自治县")
    assert funds["series"]["disbursement_rate"][yanhe]["value"] == 40
    assert after.context["missing_periods"] == []
    assert "计算缺少的指标" not in after.content.decode()

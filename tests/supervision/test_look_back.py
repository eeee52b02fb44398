"""Look-back (回头看): flagged exited households and a deterministic sample, idempotent."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from households.choices import Status
from inspections import services
from inspections.models import LookBackTask
from monitoring import checks
from supervision.look_back import create_look_back_tasks, in_sample
from tests.households.factories import household_with_head, income
from tests.inspections.helpers import record_visit
from tests.permissions import check_permission_matrix

pytestmark = pytest.mark.django_db

PERIOD = "2020-09"


def exited(**kwargs):
    household = household_with_head(status=Status.EXITED, exit_year=2019, **kwargs)
    income(household, 2019, Decimal("8000"), 1)  # the year a look-back in 2020 judges
    income(household, 2020, Decimal("8000"), 1)  # above both lines: no monitoring case
    return household


def well_visited(actor, household):
    record_visit(actor, household, datetime.date(2020, 8, 1))  # no wrong-exit suspicion


def test_flagged_households_get_a_task_and_a_rerun_creates_none(cadre_yanhe):
    with_case = exited()
    with_case.incomes.filter(year=2020).update(per_capita_net_income=Decimal("5000"))
    checks.run_monitoring_checks(on=datetime.date(2020, 8, 20))
    with_problem = exited()
    services.problem_open(
        actor=cadre_yanhe,
        household=with_problem,
        data={
            "source": "visit",
            "category": "diligence",
            "description": "公益岗位工资未发放",
            "deadline": datetime.date(2020, 12, 31),
        },
    )
    suspect = exited()  # never visited: 不愁吃/不愁穿 have no evidence (缺少佐证, not 错退)
    for household in (with_case, with_problem):
        well_visited(cadre_yanhe, household)
    registered = household_with_head(status=Status.REGISTERED)

    first = create_look_back_tasks(period=PERIOD)
    second = create_look_back_tasks(period=PERIOD)

    flagged = {
        t.household_id: t.flags
        for t in LookBackTask.objects.filter(reason="flagged", period=PERIOD)
    }
    assert flagged == {
        with_case.pk: ["monitoring_case"],
        with_problem.pk: ["open_problem"],
        suspect.pk: ["missing_evidence"],
    }
    assert LookBackTask.objects.filter(household=registered).exists() is False
    assert (first, second) == (LookBackTask.objects.count(), 0)
    assert LookBackTask.objects.get(household=suspect).due == datetime.date(2020, 9, 30)
    assert AuditEvent.objects.filter(action="look_back.created").count() == first


def test_the_sample_is_deterministic_about_a_tenth_and_changes_with_the_period():
    numbers = [f"5206271002{n:06d}" for n in range(2000)]

    september = [n for n in numbers if in_sample("2020-09", n)]
    again = [n for n in numbers if in_sample("2020-09", n)]
    october = [n for n in numbers if in_sample("2020-10", n)]

    assert september == again
    assert 150 <= len(september) <= 250
    assert september != october


def test_the_sample_of_unflagged_households_follows_the_hash(cadre_yanhe):
    households = [exited() for _ in range(30)]
    for household in households:
        well_visited(cadre_yanhe, household)

    created = create_look_back_tasks(period=PERIOD)

    expected = {h.pk for h in households if in_sample(PERIOD, h.household_no)}
    assert set(LookBackTask.objects.values_list("household_id", flat=True)) == expected
    assert created == len(expected)
    assert set(LookBackTask.objects.values_list("reason", flat=True)) <= {"sample"}


def test_a_bad_period_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as error:
        create_look_back_tasks(period="2020-13")

    assert "period" in error.value.message_dict
    assert LookBackTask.objects.exists() is False


def test_a_visit_completes_the_open_task_of_its_household(cadre_yanhe):
    household = exited()
    create_look_back_tasks(period=PERIOD)
    task = LookBackTask.objects.get(household=household)
    before = record_visit(cadre_yanhe, household, datetime.date(2020, 8, 30))  # before the period
    assert LookBackTask.objects.get(pk=task.pk).status == "open"

    visit = record_visit(cadre_yanhe, household, datetime.date(2020, 9, 12), kind="look_back")

    task.refresh_from_db()
    assert (task.status, task.visit_id, task.completed_on) == (
        "done",
        visit.pk,
        datetime.date(2020, 9, 12),
    )
    assert before.pk != visit.pk
    assert AuditEvent.objects.filter(action="look_back.completed").count() == 1


def test_look_back_page_permission_matrix(cadre_yanhe, cadre_bijiang, api_client_user):
    household = exited()
    create_look_back_tasks(period=PERIOD)

    response = check_permission_matrix(
        "/look-back/", api=False, own=cadre_yanhe, wrong_role=api_client_user
    )
    other = check_permission_matrix("/look-back/", api=False, own=cadre_bijiang)

    html = response.content.decode()
    assert f"户主{household.pk} · {household.household_no}</a>" in html
    assert f"/households/{household.pk}/visit/?kind=look_back" in html
    assert household.household_no not in other.content.decode()


def test_the_city_supervisor_reads_look_back_tasks_without_a_visit_button(
    client, city_supervisor, county_supervisor
):
    household = exited()
    create_look_back_tasks(period=PERIOD)
    visit_url = f"/households/{household.pk}/visit/?kind=look_back"

    client.force_login(city_supervisor)
    city_html = client.get("/look-back/?status=open").content.decode()
    city_visit = client.get(visit_url)
    client.force_login(county_supervisor)
    county_html = client.get("/look-back/?status=open").content.decode()

    assert household.household_no in city_html
    assert city_visit.status_code == 403  # so the page must not offer the button
    assert visit_url not in city_html
    assert visit_url in county_html


def test_look_back_api_is_scoped_and_filters(api, cadre_yanhe, cadre_bijiang, county_supervisor):
    household = exited()
    create_look_back_tasks(period=PERIOD)
    task = LookBackTask.objects.get()

    own = check_permission_matrix(
        f"/api/v1/look-back-tasks/{task.pk}/", own=cadre_yanhe, other_jurisdiction=cadre_bijiang
    ).json()
    api.force_authenticate(county_supervisor)
    listed = api.get("/api/v1/look-back-tasks/?status=open&period=2020-09").json()
    bad = api.get("/api/v1/look-back-tasks/?period=2020-9")

    # never visited: the exit evidence is missing (not a wrong exit)
    assert (own["household"], own["flags"], own["status"]) == (
        household.pk,
        ["missing_evidence"],
        "open",
    )
    assert [t["id"] for t in listed["results"]] == [task.pk]
    assert bad.status_code == 400 and "period" in bad.json()["errors"]


def test_the_look_back_page_takes_the_same_number_of_queries_for_1_or_6_tasks(
    client, cadre_yanhe, django_assert_num_queries, django_assert_max_num_queries
):
    exited()
    create_look_back_tasks(period=PERIOD)
    client.force_login(cadre_yanhe)
    client.get("/look-back/")
    with django_assert_max_num_queries(12) as first:  # the base page's own queries included
        assert client.get("/look-back/").status_code == 200
    for _ in range(5):
        exited()
    create_look_back_tasks(period="2020-10")

    with django_assert_num_queries(len(first.captured_queries)):
        html = client.get("/look-back/").content.decode()

    assert html.count("?kind=look_back") == 7  # one of September, six of October


def test_the_wrong_exit_flag_judges_the_last_complete_year(cadre_yanhe):
    poor_last_year = household_with_head(status=Status.EXITED, exit_year=2019)
    income(poor_last_year, 2019, Decimal("3000"), 1)  # under the 2019 line of 3747
    no_income_this_year_yet = household_with_head(status=Status.EXITED, exit_year=2019)
    income(no_income_this_year_yet, 2019, Decimal("5000"), 1)
    for household in (poor_last_year, no_income_this_year_yet):
        well_visited(cadre_yanhe, household)

    create_look_back_tasks(period=PERIOD)

    flagged = LookBackTask.objects.filter(reason="flagged")
    assert list(flagged.values_list("household_id", "flags")) == [
        (poor_last_year.pk, ["wrong_exit"])
    ]

"""The exit procedure: every transition by its role, dated, in the history."""

import datetime

import pytest

from exits.models import ExitApplication, ExitStep
from households.models import Household
from tests.exits.helpers import ready_for_exit
from tests.inspections.helpers import record_visit
from tests.permissions import check_permission_matrix

pytestmark = pytest.mark.django_db

BASE = "/api/v1/exit-applications/"
PROPOSED = datetime.date(2020, 10, 10)


def state():
    return (
        list(ExitApplication.objects.values_list("state", "version")),
        list(Household.objects.values_list("status", "exit_year")),
    )


@pytest.fixture
def household(db, cadre_yanhe):
    return ready_for_exit(cadre_yanhe)


@pytest.fixture
def application(api, household, cadre_yanhe):
    api.force_authenticate(cadre_yanhe)
    response = api.post(
        BASE,
        {
            "household": household.pk,
            "year": 2020,
            "proposed_on": PROPOSED.isoformat(),
            "attendees": 12,
            "agreeing": 11,
            "appraisal_result": "同意退出",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    api.force_authenticate(None)
    return ExitApplication.objects.get(pk=response.json()["id"])


def step(url_suffix, application, data, *, own, wrong_role, other, own_status=200):
    return check_permission_matrix(
        f"{BASE}{application.pk}/{url_suffix}/",
        method="post",
        data=data,
        own=own,
        wrong_role=wrong_role,
        other_jurisdiction=other,
        state=state,
        own_status=own_status,
    )


def test_propose_permission_matrix(household, cadre_yanhe, cadre_bijiang, township_reviewer):
    response = check_permission_matrix(
        BASE,
        method="post",
        own=cadre_yanhe,
        wrong_role=township_reviewer,
        own_status=201,
        data={
            "household": household.pk,
            "year": 2020,
            "proposed_on": "2020-10-10",
            "attendees": 12,
            "agreeing": 11,
            "appraisal_result": "同意退出",
        },
        state=state,
    )

    body = response.json()
    assert body["state"] == "proposed"
    assert {c["code"] for c in body["snapshot"]} >= {"income", "food", "housing"}
    other = check_permission_matrix(BASE, own=cadre_bijiang)
    assert other.json()["count"] == 0


def test_the_whole_procedure_moves_each_step_by_its_role(
    application,
    household,
    cadre_yanhe,
    work_team_yanhe,
    township_reviewer,
    county_supervisor,
    cadre_bijiang,
    county_supervisor_bijiang,
):
    record_visit(work_team_yanhe, household, PROPOSED + datetime.timedelta(days=2))

    step(
        "verify",
        application,
        {"on": "2020-10-13"},
        own=work_team_yanhe,
        wrong_role=township_reviewer,
        other=cadre_bijiang,
    )
    step(
        "household-agree",
        application,
        {"on": "2020-10-14"},
        own=cadre_yanhe,
        wrong_role=county_supervisor,
        other=cadre_bijiang,
    )
    step(
        "publicize",
        application,
        {"start": "2020-10-15", "days": 7},
        own=cadre_yanhe,
        wrong_role=township_reviewer,
        other=cadre_bijiang,
    )
    step(
        "township-review",
        application,
        {"on": "2020-10-22"},
        own=township_reviewer,
        wrong_role=cadre_yanhe,
        other=county_supervisor_bijiang,
    )
    response = step(
        "approve",
        application,
        {"on": "2020-10-30", "confirm": True},
        own=county_supervisor,
        wrong_role=township_reviewer,
        other=county_supervisor_bijiang,
    )

    assert response.json()["state"] == "approved"
    household.refresh_from_db()
    assert (household.status, household.exit_year) == ("exited", 2020)
    steps = list(
        ExitStep.objects.filter(application=application).values_list(
            "state", "actor__username", "on"
        )
    )
    assert steps == [
        ("proposed", "cadre_yanhe", datetime.date(2020, 10, 10)),
        ("verified", "work_team_yanhe", datetime.date(2020, 10, 13)),
        ("household_agreed", "cadre_yanhe", datetime.date(2020, 10, 14)),
        ("publicized", "cadre_yanhe", datetime.date(2020, 10, 15)),
        ("township_reviewed", "township_reviewer", datetime.date(2020, 10, 22)),
        ("approved", "county_supervisor", datetime.date(2020, 10, 30)),
    ]
    history = [s["state"] for s in response.json()["steps"]]
    assert history == [s[0] for s in steps]


def _to_publicized(application, household, cadre_yanhe, work_team_yanhe):
    from exits import services as exit_services

    record_visit(work_team_yanhe, household, PROPOSED + datetime.timedelta(days=1))
    exit_services.exit_verify(
        actor=work_team_yanhe, application=application, on=datetime.date(2020, 10, 12)
    )
    exit_services.exit_household_agree(
        actor=cadre_yanhe, application=application, on=datetime.date(2020, 10, 13)
    )
    exit_services.exit_publicize(
        actor=cadre_yanhe, application=application, start=datetime.date(2020, 10, 15)
    )


def test_review_before_the_publicity_period_ends_is_refused(
    api, application, household, cadre_yanhe, work_team_yanhe, township_reviewer
):
    _to_publicized(application, household, cadre_yanhe, work_team_yanhe)
    api.force_authenticate(township_reviewer)

    early = api.post(
        f"{BASE}{application.pk}/township-review/", {"on": "2020-10-21"}, format="json"
    )

    assert early.status_code == 409
    assert early.json()["code"] == "publicity_not_over"
    assert early.json()["message"] == "公示期至2020-10-21，请在公示期满后审核。"
    assert ExitApplication.objects.get().state == "publicized"
    on_time = api.post(
        f"{BASE}{application.pk}/township-review/", {"on": "2020-10-22"}, format="json"
    )
    assert on_time.status_code == 200


def test_approval_before_township_review_is_refused(api, application, county_supervisor):
    api.force_authenticate(county_supervisor)

    response = api.post(
        f"{BASE}{application.pk}/approve/", {"on": "2020-10-30", "confirm": True}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert Household.objects.get().status == "registered"


def test_verification_needs_a_visit_after_the_proposal(
    api, application, household, work_team_yanhe
):
    record_visit(work_team_yanhe, household, PROPOSED - datetime.timedelta(days=1))
    api.force_authenticate(work_team_yanhe)

    response = api.post(f"{BASE}{application.pk}/verify/", {"on": "2020-10-12"}, format="json")

    assert response.status_code == 400
    assert "verification_visit" in response.json()["errors"]


def test_an_upheld_objection_sends_the_application_back(
    api, application, household, cadre_yanhe, work_team_yanhe, township_reviewer
):
    _to_publicized(application, household, cadre_yanhe, work_team_yanhe)
    api.force_authenticate(cadre_yanhe)
    api.post(
        f"{BASE}{application.pk}/objections/",
        {"received_on": "2020-10-16", "content": "该户儿子仍在读书，收入不稳"},
        format="json",
    )
    objection = application.objections.get()
    api.force_authenticate(township_reviewer)

    response = api.post(
        f"{BASE}{application.pk}/decide-objection/",
        {"objection": objection.pk, "upheld": True, "resolution": "重新核实", "on": "2020-10-18"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["state"] == "proposed"
    assert response.json()["publicity_start"] is None
    assert response.json()["steps"][-1]["note"] == "异议成立：重新核实"


def test_a_pending_objection_blocks_the_review(
    application, household, cadre_yanhe, work_team_yanhe, township_reviewer
):
    from exits import services as exit_services
    from publicity import services as publicity
    from tongren_fupin.errors import DomainError

    _to_publicized(application, household, cadre_yanhe, work_team_yanhe)
    publicity.objection_record(
        actor=cadre_yanhe,
        owner=application,
        received_on=datetime.date(2020, 10, 16),
        content="异议",
        rules=exit_services.EXIT_PUBLICITY,
    )

    with pytest.raises(DomainError) as error:
        exit_services.exit_township_review(
            actor=township_reviewer, application=application, on=datetime.date(2020, 10, 25)
        )

    assert error.value.code == "objection_pending"


def test_reject_with_a_reason_from_any_step(
    api, application, county_supervisor, county_supervisor_bijiang, api_client_user
):
    response = check_permission_matrix(
        f"{BASE}{application.pk}/reject/",
        method="post",
        data={"reason": "收入不达标", "on": "2020-10-11"},
        own=county_supervisor,
        wrong_role=api_client_user,
        other_jurisdiction=county_supervisor_bijiang,
        state=state,
    )

    assert (response.json()["state"], response.json()["rejection_reason"]) == (
        "rejected",
        "收入不达标",
    )
    assert Household.objects.get().status == "registered"


def test_a_second_open_application_is_refused(api, application, household, cadre_yanhe):
    api.force_authenticate(cadre_yanhe)

    response = api.post(
        BASE,
        {
            "household": household.pk,
            "year": 2020,
            "proposed_on": "2020-10-11",
            "appraisal_result": "再次",
        },
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["message"] == "该户已有正在办理的退出申请。"
    assert ExitApplication.objects.count() == 1


def test_exit_assessment_endpoint(cadre_yanhe, cadre_bijiang, household):
    response = check_permission_matrix(
        f"/api/v1/households/{household.pk}/exit-assessment/?year=2019",
        own=cadre_yanhe,
        other_jurisdiction=cadre_bijiang,
    )

    body = response.json()
    assert (body["household"], body["year"], body["eligible"]) == (household.pk, 2019, False)
    assert [c["code"] for c in body["criteria"]] == [
        "income",
        "food",
        "clothing",
        "education",
        "medical",
        "housing",
        "water",
        "consistent",
        "no_open_problems",
    ]

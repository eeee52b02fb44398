"""The gate of the exit procedure: the live assessment decides every step, by API and by page;
send-back and re-proposal; approval through a confirmation; each refusal in the history."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from audit.models import AuditEvent
from exits import services as exit_services
from exits.models import ExitApplication
from households.models import Household
from inspections.models import Problem
from tests.exits.helpers import ready_for_exit
from tests.households.factories import household_with_head
from tests.inspections.helpers import record_visit
from tests.permissions import check_permission_matrix

pytestmark = pytest.mark.django_db

BASE = "/api/v1/exit-applications/"
PROPOSED = datetime.date(2020, 10, 10)
PROPOSAL = {
    "year": 2020,
    "proposed_on": "2020-10-10",
    "attendees": 12,
    "agreeing": 10,
    "appraisal_result": "同意退出",
}


def state() -> Any:
    return (
        list(ExitApplication.objects.values_list("state", "version")),
        list(Household.objects.values_list("status", "exit_year")),
    )


def refusals() -> list[dict[str, Any]]:
    return [e.changes for e in AuditEvent.objects.filter(action="exit.refused").order_by("pk")]


def propose(household: Household, cadre: Any) -> ExitApplication:
    return exit_services.exit_propose(
        actor=cadre,
        household=household,
        year=2020,
        proposed_on=PROPOSED,
        attendees=12,
        agreeing=10,
        appraisal_result="同意退出",
    )


def to_reviewed(application: ExitApplication, cadre: Any, team: Any, reviewer: Any) -> None:
    household = application.household
    record_visit(team, household, PROPOSED + datetime.timedelta(days=1))
    exit_services.exit_verify(actor=team, application=application, on=datetime.date(2020, 10, 12))
    exit_services.exit_household_agree(
        actor=cadre, application=application, on=datetime.date(2020, 10, 13)
    )
    exit_services.exit_publicize(
        actor=cadre, application=application, start=datetime.date(2020, 10, 15)
    )
    exit_services.exit_township_review(
        actor=reviewer, application=application, on=datetime.date(2020, 10, 23)
    )


def open_problem(household: Household) -> Problem:
    return Problem.objects.create(
        household=household,
        source="visit",
        category="fill_gaps",
        description="饮水设施损坏未修复",
        deadline=datetime.date(2020, 12, 31),
    )


# -- the proposal --------------------------------------------------------------------------------


def test_a_proposal_with_a_failing_criterion_is_refused_naming_it(api, cadre_yanhe):
    household = household_with_head(water_safe=False)  # no income, no visit, unsafe water
    api.force_authenticate(cadre_yanhe)

    response = api.post(BASE, {**PROPOSAL, "household": household.pk}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "criteria_not_met"
    for named in ["收入", "饮水安全", "缺少佐证", "2020年没有收入记录）"]:
        assert named in body["message"], named
    assert ExitApplication.objects.count() == 0
    (refused,) = refusals()
    assert refused["step"] == [None, "proposed"]
    assert refused["criteria"][1]["water"] == "failed"
    assert refused["criteria"][1]["income"] == "missing"


def test_the_proposal_page_shows_the_assessment_and_refuses(client, cadre_yanhe):
    household = household_with_head()
    client.force_login(cadre_yanhe)
    url = f"/households/{household.pk}/exit/propose/"

    page = client.get(url).content.decode()
    response = client.post(url, {**PROPOSAL})

    assert 'id="live-assessment"' in page and "缺少佐证" in page
    assert response.status_code == 200  # a refused value: shown on the form
    assert "不符合退出标准" in response.content.decode()
    assert ExitApplication.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"attendees": 0}, "attendees", "民主评议的参加人数"),
        ({"agreeing": 13}, "agreeing", "同意人数（13）多于参加人数（12）"),
        ({"agreeing": 6}, "agreeing", "未过半数"),
        ({"agreeing": None}, "agreeing", "同意人数"),
        ({"year": 2021}, "year", "防返贫监测"),
    ],
)
def test_the_appraisal_and_the_year_are_checked_by_field(api, cadre_yanhe, change, field, message):
    household = ready_for_exit(cadre_yanhe)
    api.force_authenticate(cadre_yanhe)

    response = api.post(BASE, {**PROPOSAL, "household": household.pk, **change}, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert message in " ".join(errors[field]), errors
    assert ExitApplication.objects.count() == 0


def test_a_proposal_that_passes_keeps_the_appraisal(api, cadre_yanhe):
    household = ready_for_exit(cadre_yanhe)
    api.force_authenticate(cadre_yanhe)

    response = api.post(BASE, {**PROPOSAL, "household": household.pk}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["attendees"], body["agreeing"]) == (12, 10)
    assert {c["outcome"] for c in body["snapshot"]} == {"passed"}


# -- later steps ---------------------------------------------------------------------------------


def test_a_problem_opened_after_the_proposal_blocks_review_and_approval_until_closed(
    api, cadre_yanhe, work_team_yanhe, township_reviewer, county_supervisor
):
    household = ready_for_exit(cadre_yanhe)
    application = propose(household, cadre_yanhe)
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
    problem = open_problem(household)
    api.force_authenticate(township_reviewer)
    before = state()

    review = api.post(
        f"{BASE}{application.pk}/township-review/", {"on": "2020-10-23"}, format="json"
    )

    assert review.status_code == 409
    assert review.json()["code"] == "criteria_not_met"
    assert "无未销号问题" in review.json()["message"]
    assert "自拟退出以来发生变化：无未销号问题" in review.json()["message"]
    assert state() == before
    assert refusals()[-1]["step"] == [None, "township_reviewed"]

    exit_services_close(problem, cadre_yanhe, county_supervisor)
    review = api.post(
        f"{BASE}{application.pk}/township-review/", {"on": "2020-10-23"}, format="json"
    )
    assert review.status_code == 200, review.json()

    second = open_problem(household)
    api.force_authenticate(county_supervisor)
    approve = api.post(
        f"{BASE}{application.pk}/approve/", {"on": "2020-10-30", "confirm": True}, format="json"
    )
    assert approve.status_code == 409
    assert Household.objects.get().status == "registered"
    exit_services_close(second, cadre_yanhe, township_reviewer)
    approve = api.post(
        f"{BASE}{application.pk}/approve/", {"on": "2020-10-30", "confirm": True}, format="json"
    )
    assert approve.status_code == 200
    assert Household.objects.get().status == "exited"


def exit_services_close(problem: Problem, rectifier: Any, verifier: Any) -> None:
    from inspections import services as inspections

    inspections.problem_rectify(actor=rectifier, problem=problem, evidence="已修复，附照片")
    inspections.problem_verify(actor=verifier, problem=problem)


def test_the_page_refuses_a_step_with_the_live_assessment_failing(
    client, cadre_yanhe, work_team_yanhe, township_reviewer
):
    household = ready_for_exit(cadre_yanhe)
    application = propose(household, cadre_yanhe)
    record_visit(work_team_yanhe, household, PROPOSED + datetime.timedelta(days=1))
    open_problem(household)
    client.force_login(work_team_yanhe)

    response = client.post(f"/exits/{application.pk}/", {"action": "verify", "on": "2020-10-12"})

    assert response.status_code == 409
    page = response.content.decode()
    assert "不再符合退出标准" in page and 'id="gate"' in page
    assert ExitApplication.objects.get().state == "proposed"


# -- send back and propose again -----------------------------------------------------------------


def test_send_back_then_propose_again(api, cadre_yanhe, cadre_bijiang, township_reviewer):
    household = ready_for_exit(cadre_yanhe)
    application = propose(household, cadre_yanhe)
    open_problem(household)

    response = check_permission_matrix(
        f"{BASE}{application.pk}/send-back/",
        method="post",
        data={"reason": "新发现饮水问题，整改后再报", "on": "2020-10-12"},
        own=township_reviewer,
        wrong_role=cadre_yanhe,
        other_jurisdiction=cadre_bijiang,
        state=state,
    )

    assert (response.json()["state"], response.json()["return_reason"]) == (
        "returned",
        "新发现饮水问题，整改后再报",
    )
    assert AuditEvent.objects.filter(action="exit.returned").count() == 1
    Problem.objects.update(state="verified")
    api.force_authenticate(cadre_yanhe)
    again = api.post(
        BASE, {**PROPOSAL, "household": household.pk, "proposed_on": "2020-11-01"}, format="json"
    )
    assert again.status_code == 201, again.json()
    assert ExitApplication.objects.filter(household=household).count() == 2


def test_send_back_needs_a_reason(api, cadre_yanhe, township_reviewer):
    application = propose(ready_for_exit(cadre_yanhe), cadre_yanhe)
    api.force_authenticate(township_reviewer)

    response = api.post(f"{BASE}{application.pk}/send-back/", {"reason": " "}, format="json")

    assert response.status_code == 400
    assert ExitApplication.objects.get().state == "proposed"


def test_the_page_sends_back_with_a_reason(client, cadre_yanhe, township_reviewer):
    application = propose(ready_for_exit(cadre_yanhe), cadre_yanhe)
    client.force_login(township_reviewer)

    response = client.post(
        f"/exits/{application.pk}/", {"action": "send_back", "reason": "资料不全"}, follow=True
    )

    assert response.status_code == 200
    assert "资料不全" in response.content.decode()
    assert ExitApplication.objects.get().state == "returned"


# -- approval through a confirmation -------------------------------------------------------------


def test_approval_needs_the_confirmation_by_api(
    api, cadre_yanhe, work_team_yanhe, township_reviewer, county_supervisor
):
    application = propose(ready_for_exit(cadre_yanhe), cadre_yanhe)
    to_reviewed(application, cadre_yanhe, work_team_yanhe, township_reviewer)
    api.force_authenticate(county_supervisor)

    unconfirmed = api.post(f"{BASE}{application.pk}/approve/", {"on": "2020-10-30"}, format="json")
    declined = api.post(
        f"{BASE}{application.pk}/approve/", {"on": "2020-10-30", "confirm": False}, format="json"
    )

    assert unconfirmed.status_code == declined.status_code == 400
    assert "confirm" in declined.json()["errors"]
    assert Household.objects.get().status == "registered"


def test_approval_goes_through_the_confirmation_page(
    client, cadre_yanhe, work_team_yanhe, township_reviewer, county_supervisor,
    county_supervisor_bijiang,
):  # fmt: skip
    application = propose(ready_for_exit(cadre_yanhe), cadre_yanhe)
    to_reviewed(application, cadre_yanhe, work_team_yanhe, township_reviewer)
    url = f"/exits/{application.pk}/approve/"
    client.force_login(county_supervisor)

    detail = client.get(f"/exits/{application.pk}/").content.decode()
    direct = client.post(f"/exits/{application.pk}/", {"action": "approve", "on": "2020-10-30"})
    page = check_permission_matrix(
        url,
        api=False,
        own=county_supervisor,
        wrong_role=township_reviewer,
        other_jurisdiction=county_supervisor_bijiang,
    ).content.decode()
    unticked = client.post(url, {"on": "2020-10-30"})

    assert url in detail and 'id="next-step"' in detail
    assert direct.status_code == 200 and Household.objects.get().status == "registered"
    assert "criteria-rows" in page and "无法从页面撤销" in page
    assert unticked.status_code == 200 and "请勾选以确认批准退出" in unticked.content.decode()
    assert Household.objects.get().status == "registered"

    done = client.post(url, {"on": "2020-10-30", "confirm": "on"})

    assert (done.status_code, done["Location"]) == (302, f"/exits/{application.pk}/")
    assert (Household.objects.get().status, Household.objects.get().exit_year) == ("exited", 2020)


def test_the_application_page_says_who_acts_next(client, cadre_yanhe, township_reviewer):
    application = propose(ready_for_exit(cadre_yanhe), cadre_yanhe)
    client.force_login(township_reviewer)

    page = client.get(f"/exits/{application.pk}/").content.decode()

    assert "下一步：村两委和驻村工作队核实 — 由驻村工作队办理。" in page
    assert 'value="yes" checked' not in page  # no decision preselected
    # 五个一致 of the latest visit: the register's value with its unit, as on the visit's page
    size = application.household.members.count()
    assert f"<td>{size} 人</td>" in page


def test_the_register_page_of_a_household_identified_after_2020_says_no_exit(client, cadre_yanhe):
    later = household_with_head(identification_year=2021)
    earlier = household_with_head(identification_year=2016)
    client.force_login(cadre_yanhe)

    page = client.get(f"/households/{later.pk}/").content.decode()
    other = client.get(f"/households/{earlier.pk}/").content.decode()

    assert 'id="after-exits"' in page and "防返贫监测" in page
    assert f"/households/{later.pk}/exit/propose/" not in page
    assert 'id="after-exits"' not in other
    assert f"/households/{earlier.pk}/exit/propose/" in other


def test_the_proposal_page_assesses_for_the_date_asked(client, cadre_yanhe):
    household = ready_for_exit(cadre_yanhe)  # visited 2020-09-20: outside today's window
    client.force_login(cadre_yanhe)
    url = f"/households/{household.pk}/exit/propose/"

    today = client.get(url)
    then = client.get(f"{url}?year=2020&proposed_on=2020-10-10")

    assert today.context["eligible"] is False
    assert then.context["eligible"] is True
    assert then.context["form"].initial["proposed_on"] == datetime.date(2020, 10, 10)

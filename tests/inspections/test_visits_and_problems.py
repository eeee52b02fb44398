import datetime
import uuid

import pytest

from audit.models import AuditEvent
from inspections import services
from inspections.models import ConsistencyItem, Problem, Visit
from tests.households.factories import household_with_head
from tests.inspections.helpers import ALL_ADEQUATE, record_visit
from tests.permissions import check_permission_matrix
from tongren_fupin.errors import DomainError

pytestmark = pytest.mark.django_db
ON = datetime.date(2020, 6, 1)


def test_one_disagreeing_source_opens_exactly_one_problem(cadre_yanhe):
    household = household_with_head()

    visit = record_visit(
        cadre_yanhe,
        household,
        ON,
        consistency={
            "family_size": {"wall": "1", "bag": "1", "spoken": "1", "observed": "2"},
            "responsible_cadre": {"wall": "", "bag": "", "spoken": "", "observed": ""},
        },
    )

    problem = Problem.objects.get(household=household)
    assert (problem.visit, problem.source, problem.category, problem.state) == (
        visit,
        "check",
        "fill_gaps",
        "open",
    )
    assert problem.deadline == ON + datetime.timedelta(days=30)
    assert "家庭人口数" in problem.description
    item = ConsistencyItem.objects.get(consistency__visit=visit, field="family_size")
    assert (item.system, item.mismatch) == ("1", True)


def test_five_agreeing_sources_open_no_problem(cadre_yanhe):
    household = household_with_head()

    record_visit(
        cadre_yanhe,
        household,
        ON,
        consistency={
            "family_size": {"wall": "1", "bag": "1", "spoken": "1", "observed": "1"},
            "poverty_attribute": {
                "wall": "一般贫困户",
                "bag": "一般贫困户",
                "spoken": "一般贫困户",
                "observed": "一般贫困户",
            },
        },
    )

    assert Problem.objects.filter(household=household).exists() is False


def test_the_system_column_is_filled_from_the_register_not_the_visitor(cadre_yanhe):
    household = household_with_head()

    visit = record_visit(
        cadre_yanhe,
        household,
        ON,
        consistency={
            "family_size": {"wall": "1", "bag": "1", "spoken": "1", "observed": "1", "system": "9"}
        },
    )

    assert ConsistencyItem.objects.get(consistency__visit=visit).system == "1"
    assert Problem.objects.exists() is False


def test_resubmitting_the_same_form_creates_one_visit(cadre_yanhe):
    household = household_with_head()
    token = uuid.uuid4()

    first = services.visit_record(
        actor=cadre_yanhe,
        household=household,
        data={"date": ON},
        five_looks=ALL_ADEQUATE,
        client_token=token,
    )
    second = services.visit_record(
        actor=cadre_yanhe,
        household=household,
        data={"date": ON},
        five_looks=ALL_ADEQUATE,
        client_token=token,
    )

    assert first.pk == second.pk
    assert Visit.objects.count() == 1
    assert AuditEvent.objects.filter(action="visit.recorded").count() == 1


def test_resubmitting_the_visit_api_call_creates_one_visit(api, cadre_yanhe):
    household = household_with_head()
    api.force_authenticate(cadre_yanhe)
    body = {
        "household": household.pk,
        "date": "2020-06-01",
        "kind": "routine",
        "client_token": str(uuid.uuid4()),
        "five_looks": ALL_ADEQUATE,
    }

    first = api.post("/api/v1/visits/", body, format="json")
    second = api.post("/api/v1/visits/", body, format="json")

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Visit.objects.count() == 1


def test_visit_api_permission_matrix(cadre_yanhe, cadre_bijiang, api_client_user):
    household = household_with_head()
    body = {
        "household": household.pk,
        "date": "2020-06-01",
        "kind": "routine",
        "five_looks": ALL_ADEQUATE,
        "consistency": [
            {"field": "family_size", "wall": "1", "bag": "1", "spoken": "2", "observed": "1"}
        ],
    }

    response = check_permission_matrix(
        "/api/v1/visits/",
        method="post",
        data=body,
        own=cadre_yanhe,
        other_jurisdiction=cadre_bijiang,
        wrong_role=api_client_user,
        own_status=201,
        state=lambda: (Visit.objects.count(), Problem.objects.count()),
    )

    assert response.json()["consistency"][0]["system"] == "1"
    assert response.json()["consistency"][0]["mismatch"] is True
    assert len(response.json()["problems_opened"]) == 1
    check_permission_matrix(
        f"/api/v1/visits/{response.json()['id']}/",
        own=cadre_yanhe,
        other_jurisdiction=cadre_bijiang,
    )


def test_a_future_visit_is_refused(cadre_yanhe):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.visit_record(
            actor=cadre_yanhe,
            household=household_with_head(),
            data={"date": datetime.date(2999, 1, 1)},
        )

    assert error.value.message_dict["date"] == ["走访日期不能晚于今天。"]


def test_the_survey_approves_unless_something_is_dissatisfied(cadre_yanhe):
    household = household_with_head()
    ok = services.visit_record(
        actor=cadre_yanhe,
        household=household,
        data={"date": ON},
        survey={
            "policy": "satisfied",
            "environment": "basically",
            "ethos": "satisfied",
            "cadre_relations": "basically",
        },
    )
    not_ok = services.visit_record(
        actor=cadre_yanhe,
        household=household,
        data={"date": ON},
        survey={
            "policy": "satisfied",
            "environment": "dissatisfied",
            "ethos": "satisfied",
            "cadre_relations": "satisfied",
        },
    )

    assert ok.survey.approves is True
    assert not_ok.survey.approves is False


@pytest.mark.parametrize(("met", "flagged"), [(3, True), (4, False), (6, False)])
def test_motivation_fewer_than_four_met_is_flagged(cadre_yanhe, met, flagged):
    items = ["self_reliance", "initiative", "independence", "ownership", "diligence", "leverage"]
    visit = services.visit_record(
        actor=cadre_yanhe,
        household=household_with_head(),
        data={"date": ON},
        motivation={item: i < met for i, item in enumerate(items)},
    )

    assert (visit.motivation.met_count, visit.motivation.flagged) == (met, flagged)


def test_the_problem_lifecycle_and_who_may_close_it(cadre_yanhe, township_reviewer):
    household = household_with_head()
    record_visit(
        cadre_yanhe, household, ON, consistency={"family_size": {"wall": "1", "spoken": "2"}}
    )
    problem = Problem.objects.get()

    services.problem_start(actor=cadre_yanhe, problem=problem)
    services.problem_rectify(actor=township_reviewer, problem=problem, evidence="已更正公示牌")
    with pytest.raises(DomainError) as same_person:
        services.problem_verify(actor=township_reviewer, problem=problem)
    assert same_person.value.code == "same_person"

    problem.refresh_from_db()
    assert problem.state == "rectified"
    with pytest.raises(DomainError) as wrong_role:
        services.problem_verify(actor=cadre_yanhe, problem=problem)
    assert wrong_role.value.status == 403


def test_problem_transitions_over_the_api(api, cadre_yanhe, township_reviewer, cadre_bijiang):
    household = household_with_head()
    record_visit(
        cadre_yanhe, household, ON, consistency={"family_size": {"wall": "1", "spoken": "2"}}
    )
    problem = Problem.objects.get()
    url = f"/api/v1/problems/{problem.pk}/"

    check_permission_matrix(
        f"{url}rectify/",
        method="post",
        data={"evidence": "已核实"},
        own=cadre_yanhe,
        other_jurisdiction=cadre_bijiang,
        state=lambda: Problem.objects.get().state,
    )
    check_permission_matrix(
        f"{url}verify/",
        method="post",
        data={},
        own=township_reviewer,
        wrong_role=cadre_yanhe,
        state=lambda: Problem.objects.get().state,
    )

    problem.refresh_from_db()
    assert (problem.state, problem.rectified_by, problem.verified_by) == (
        "verified",
        cadre_yanhe,
        township_reviewer,
    )
    again = api
    again.force_authenticate(township_reviewer)
    assert again.post(f"{url}verify/").status_code == 409


def test_overdue_problems_are_listed(api, cadre_yanhe, county_supervisor):
    household = household_with_head()
    services.problem_open(
        actor=cadre_yanhe,
        household=household,
        data={
            "source": "visit",
            "category": "diligence",
            "description": "危房未改造",
            "deadline": datetime.date(2020, 1, 1),
        },
    )
    services.problem_open(
        actor=cadre_yanhe,
        household=household,
        data={
            "source": "visit",
            "category": "diligence",
            "description": "未来期限",
            "deadline": datetime.date(2999, 1, 1),
        },
    )
    api.force_authenticate(county_supervisor)

    overdue = api.get("/api/v1/problems/", {"overdue": "1"}).json()["results"]

    assert [p["description"] for p in overdue] == ["危房未改造"]

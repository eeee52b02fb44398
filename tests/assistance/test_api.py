"""The API: permission matrix on every endpoint, writes through the services, query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from assistance.models import FundFlow, JobPlacement, Pairing, Project, Training
from tests.assistance.conftest import add_flow, make_project
from tests.conftest import BIJIANG, YANHE
from tests.households.factories import MemberFactory
from tests.permissions import check_permission_matrix


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/partners/",
        "/api/v1/pairings/",
        "/api/v1/projects/",
        "/api/v1/trainings/",
        "/api/v1/job-placements/",
        "/api/v1/assistance/summary/",
    ],
)
def test_lists_refuse_anonymous_and_cadres(url, tongren_assistance, county_supervisor, cadre_yanhe):
    check_permission_matrix(url, own=county_supervisor, wrong_role=cadre_yanhe)


def test_api_client_reads(tongren_assistance, api_client_user):
    response = api_for(api_client_user).get("/api/v1/projects/", {"scheme": "nine_plus_two"})
    assert response.json()["count"] == 5


def test_partner_detail(tongren_assistance, county_supervisor, cadre_yanhe):
    partner = Pairing.objects.get(level="town_township").partner
    response = check_permission_matrix(
        f"/api/v1/partners/{partner.pk}/", own=county_supervisor, wrong_role=cadre_yanhe
    )
    assert response.json()["is_collective"] is True


def test_pairing_detail(
    tongren_assistance, county_supervisor, county_supervisor_bijiang, cadre_yanhe
):
    pairing = Pairing.objects.get(level="county_county", partner__name="印江土家族苗族自治县")
    response = check_permission_matrix(
        f"/api/v1/pairings/{pairing.pk}/",
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=cadre_yanhe,
    )
    assert response.json()["region"] == YANHE


def test_project_detail(county_supervisor, county_supervisor_bijiang, cadre_yanhe, yanhe_project):
    add_flow(yanhe_project, "disbursed", "400000.00")
    response = check_permission_matrix(
        f"/api/v1/projects/{yanhe_project.pk}/",
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=cadre_yanhe,
    )
    body = response.json()
    assert (body["allocated"], body["disbursed"], body["reimbursed"]) == (
        "1000000.00",
        "400000.00",
        "0.00",
    )


def flows():
    return list(FundFlow.objects.values_list("kind", "amount"))


def test_record_a_disbursement(
    county_supervisor, county_supervisor_bijiang, township_reviewer, yanhe_project
):
    response = check_permission_matrix(
        f"/api/v1/projects/{yanhe_project.pk}/fund-flows/",
        method="post",
        data={"kind": "disbursed", "amount": "300000.00", "date": "2020-07-01"},
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=township_reviewer,
        own_status=201,
        state=flows,
    )
    assert response.json()["recorded_by"] == "county_supervisor"
    listed = api_for(county_supervisor).get(f"/api/v1/projects/{yanhe_project.pk}/fund-flows/")
    assert [f["kind"] for f in listed.json()] == ["allocated", "disbursed"]


def test_over_disbursement_answers_400_with_the_code_and_a_chinese_message(
    county_supervisor, yanhe_project
):
    response = api_for(county_supervisor).post(
        f"/api/v1/projects/{yanhe_project.pk}/fund-flows/",
        {"kind": "disbursed", "amount": "1000000.01", "date": "2020-07-01"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "over_disbursement"
    assert "超过" in body["message"]
    assert list(body["errors"]) == ["amount"]
    assert FundFlow.objects.filter(kind="disbursed").exists() is False


def test_advance_a_project(
    county_supervisor, county_supervisor_bijiang, township_reviewer, yanhe_project
):
    response = check_permission_matrix(
        f"/api/v1/projects/{yanhe_project.pk}/advance/",
        method="post",
        data={"on": "2020-03-01"},
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=township_reviewer,
        state=lambda: list(Project.objects.values_list("state")),
    )
    assert (response.json()["state"], response.json()["filed_on"]) == ("filed", "2020-03-01")


PROJECT = {
    "name": "沿河茶园",
    "scheme": "nine_plus_two",
    "target_region": YANHE,
    "category": "industry",
    "year": 2020,
    "planned_amount": "2000000.00",
}


def test_create_a_project(county_supervisor, township_reviewer):
    response = check_permission_matrix(
        "/api/v1/projects/",
        method="post",
        data=PROJECT,
        own=county_supervisor,
        wrong_role=township_reviewer,
        own_status=201,
        state=lambda: list(Project.objects.values_list("name")),
    )
    assert response.json()["state"] == "planned"
    assert Project.objects.get().target_region_id == YANHE


def test_create_a_project_outside_the_jurisdiction_is_refused(county_supervisor_bijiang):
    response = api_for(county_supervisor_bijiang).post("/api/v1/projects/", PROJECT, format="json")
    assert response.status_code == 404  # as for a region that does not exist (decision 0020)
    assert "target_region" in response.json()["errors"]
    assert Project.objects.exists() is False


TRAINING = {
    "scheme": "east_west",
    "region": YANHE,
    "title": "苏州–沿河电工培训班",
    "start_on": "2020-04-01",
    "sessions": 2,
    "participants": 60,
}


def test_trainings(county_supervisor, county_supervisor_bijiang, township_reviewer):
    member = MemberFactory()
    response = check_permission_matrix(
        "/api/v1/trainings/",
        method="post",
        data={**TRAINING, "members": [member.pk]},
        own=county_supervisor,
        wrong_role=township_reviewer,
        own_status=201,
        state=lambda: list(Training.objects.values_list("title")),
    )
    assert response.json()["linked_members"] == [member.pk]
    check_permission_matrix(
        f"/api/v1/trainings/{response.json()['id']}/",
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
    )


def test_training_with_a_member_of_another_county_is_refused(county_supervisor):
    member = MemberFactory(household__region_id="520602100200")
    response = api_for(county_supervisor).post(
        "/api/v1/trainings/", {**TRAINING, "members": [member.pk]}, format="json"
    )
    assert response.status_code == 404  # as for a member that does not exist (decision 0020)
    assert "members" in response.json()["errors"]
    assert Training.objects.exists() is False


def test_job_placements(county_supervisor, county_supervisor_bijiang, township_reviewer):
    member = MemberFactory()
    data = {
        "member": member.pk,
        "employer": "苏州某电子厂",
        "place": "suzhou",
        "placed_on": "2020-05-01",
    }
    response = check_permission_matrix(
        "/api/v1/job-placements/",
        method="post",
        data=data,
        own=county_supervisor,
        wrong_role=township_reviewer,
        own_status=201,
        state=lambda: list(JobPlacement.objects.values_list("employer")),
    )
    assert response.json()["member_name"] == member.name
    check_permission_matrix(
        f"/api/v1/job-placements/{response.json()['id']}/",
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
    )
    refused = api_for(county_supervisor_bijiang).post(
        "/api/v1/job-placements/", data, format="json"
    )
    assert refused.status_code == 404  # as for a member that does not exist (decision 0020)
    assert JobPlacement.objects.count() == 1


def test_project_list_query_count_does_not_grow(county_supervisor, django_assert_max_num_queries):
    client = api_for(county_supervisor)
    add_flow(make_project(), "allocated", "10")
    with django_assert_max_num_queries(10) as few:
        client.get("/api/v1/projects/")
    for n in range(25):
        add_flow(make_project(name=f"项目{n}"), "allocated", "10")
    make_project(BIJIANG)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/api/v1/projects/")
    assert response.json()["count"] == 26
    assert Decimal(response.json()["results"][0]["allocated"]) == Decimal("10.00")


def test_lists_hold_only_the_jurisdiction(county_supervisor, yanhe_project, bijiang_project):
    client = api_for(county_supervisor)
    projects = client.get("/api/v1/projects/").json()["results"]
    assert [p["id"] for p in projects] == [yanhe_project.pk]
    assert client.get(f"/api/v1/projects/{bijiang_project.pk}/fund-flows/").status_code == 404


def test_a_project_under_another_countys_agreement_is_refused(
    tongren_assistance, county_supervisor_bijiang
):
    agreement = Pairing.objects.get(partner__name="玉屏侗族自治县").agreement
    data = {**PROJECT, "target_region": BIJIANG, "agreement": agreement.pk}
    response = api_for(county_supervisor_bijiang).post("/api/v1/projects/", data, format="json")
    assert response.status_code == 404  # as for an agreement that does not exist (decision 0020)
    assert "agreement" in response.json()["errors"]
    assert Project.objects.filter(target_region_id=BIJIANG).exists() is False

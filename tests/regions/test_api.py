import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from regions.models import Region
from tests.permissions import check_permission_matrix

pytestmark = pytest.mark.django_db

LIST = "/api/v1/regions/"


def test_region_detail_permission_matrix(cadre_yanhe, cadre_bijiang):
    response = check_permission_matrix(
        f"{LIST}520627100200/", own=cadre_yanhe, other_jurisdiction=cadre_bijiang
    )

    assert response.json()["name"] == Region.objects.get(code="520627100200").name
    assert response.json()["level"] == "village"


def test_region_list_permission_matrix_shows_only_the_own_subtree(county_supervisor):
    response = check_permission_matrix(f"{LIST}?page_size=500", own=county_supervisor)

    codes = [row["code"] for row in response.json()["results"]]
    assert response.json()["count"] == Region.objects.filter(code__startswith="520627").count()
    assert all(code.startswith("520627") for code in codes)


def test_a_village_cadre_lists_only_the_village(api, cadre_yanhe):
    api.force_authenticate(cadre_yanhe)

    body = api.get(LIST).json()

    assert [row["code"] for row in body["results"]] == ["520627100200"]


def test_a_supervisor_cannot_open_the_city_above(api, county_supervisor):
    api.force_authenticate(county_supervisor)

    response = api.get(f"{LIST}520600000000/")

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": response.json()["message"],
        "errors": {},
    }
    assert response.json()["message"] == "未找到。"


def test_filters_by_level_parent_and_prefix(api, city_supervisor):
    api.force_authenticate(city_supervisor)

    counties = api.get(LIST, {"level": "county"}).json()
    townships = api.get(LIST, {"parent": "520627000000", "page_size": 100}).json()
    by_prefix = api.get(LIST, {"code_prefix": "520627100", "level": "village"}).json()

    assert counties["count"] == 10
    assert {row["code"][:6] for row in counties["results"]} == {
        "520602",
        "520603",
        "520621",
        "520622",
        "520623",
        "520624",
        "520625",
        "520626",
        "520627",
        "520628",
    }
    assert townships["count"] == Region.objects.filter(parent_id="520627000000").count()
    assert {row["level"] for row in townships["results"]} == {"township"}
    assert by_prefix["count"] == Region.objects.filter(parent_id="520627100000").count()


def test_search_matches_name_or_code(api, city_supervisor):
    api.force_authenticate(city_supervisor)

    by_name = api.get(LIST, {"search": "沿河"}).json()
    by_code = api.get(LIST, {"search": "520628", "level": "county"}).json()

    assert [row["code"] for row in by_name["results"]] == ["520627000000"]
    assert [row["name"] for row in by_code["results"]] == ["松桃苗族自治县"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"level": "province"}, "level", "选择一个有效的选项。 province 不在可用的选项中。"),
        ({"parent": "5206"}, "parent", "区划代码必须是12位数字。"),
        ({"code_prefix": "52x"}, "code_prefix", "请填写区划代码的前几位数字。"),
    ],
    ids=["unknown-level", "short-parent", "non-numeric-prefix"],
)
def test_bad_filters_answer_400_naming_the_field(api, city_supervisor, params, field, message):
    api.force_authenticate(city_supervisor)

    response = api.get(LIST, params)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"] == {field: [message]}
    assert response.json()["message"] == f"{field}: {message}"


def test_the_list_runs_in_a_constant_number_of_queries(api, city_supervisor):
    api.force_authenticate(city_supervisor)
    api.get(LIST)  # the user's assignment is read once and kept on the user

    with CaptureQueriesContext(connection) as small:
        assert len(api.get(LIST, {"page_size": 5}).json()["results"]) == 5
    with CaptureQueriesContext(connection) as large:
        assert len(api.get(LIST, {"page_size": 500}).json()["results"]) == 500

    assert len(large) == len(small)


def test_token_auth_round_trip(api, api_client_user):
    response = api.post(
        "/api/v1/auth/token/",
        {"username": "api_client", "password": "correct horse battery staple"},
    )

    token = response.json()["token"]
    assert token == Token.objects.get(user=api_client_user).key
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get(LIST, {"level": "county"}).json()["count"] == 10


def test_token_with_a_wrong_password_is_refused_in_chinese(api, api_client_user):
    response = api.post("/api/v1/auth/token/", {"username": "api_client", "password": "nope"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["message"] == "无法使用提供的认证信息登录。"
    assert Token.objects.filter(user=api_client_user).exists() is False


def test_an_invalid_token_answers_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token 0000")

    response = api.get(LIST)

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Token"


def test_a_user_without_jurisdiction_is_refused_with_a_reason(api, unassigned_user):
    api.force_authenticate(unassigned_user)

    response = api.get(LIST)

    assert response.status_code == 403
    assert response.json()["message"] == "您的账号尚未分配管辖范围，请联系系统管理员分配。"


def test_english_is_available(api, city_supervisor):
    api.force_authenticate(city_supervisor)

    response = api.get(f"{LIST}520627000000/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["level_display"] == "County"
    assert api.get(f"{LIST}520627000000/").json()["level_display"] == "县（区）"

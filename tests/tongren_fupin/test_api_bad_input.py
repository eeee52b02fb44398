"""Hostile or broken input gets a 4xx with the API's error body, never a 500 or an HTML page."""

import re
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor_api(city_supervisor) -> APIClient:
    api = APIClient()
    api.force_authenticate(city_supervisor)
    return api


def _assert_error_body(response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] == code
    assert body["message"]


@pytest.mark.parametrize(
    "query",
    ["search=%00", "search=%E5%B2%AD%00", "level=%00", "parent=%00", "page=%00", "q%00=1"],
    ids=["search", "search-after-text", "level", "parent", "page", "parameter-name"],
)
def test_a_nul_byte_in_a_query_parameter_answers_400(supervisor_api, query):
    response = supervisor_api.get(f"/api/v1/regions/?{query}")

    _assert_error_body(response, 400, "invalid")
    assert response.json()["message"] == "请求中含有不允许的空字符（NUL）。"


def test_a_nul_byte_in_the_path_answers_400(supervisor_api):
    response = supervisor_api.get("/api/v1/regions/5206%0027100200/")

    _assert_error_body(response, 400, "invalid")


def test_a_nul_byte_on_a_page_answers_the_chinese_400_page(client, city_supervisor):
    client.force_login(city_supervisor)

    response = client.get("/?q=%00")

    assert response.status_code == 400
    assert "<h1>请求无效</h1>" in response.content.decode()


def test_a_huge_page_number_answers_404(supervisor_api):
    response = supervisor_api.get("/api/v1/regions/?page=99999999999999999999")

    _assert_error_body(response, 404, "not_found")


def test_a_huge_page_size_is_capped(supervisor_api):
    response = supervisor_api.get("/api/v1/regions/?page_size=99999999999999999999")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 500


def test_a_malformed_region_code_in_the_path_answers_the_json_404(supervisor_api):
    response = supervisor_api.get("/api/v1/regions/not-a-code/")

    _assert_error_body(response, 404, "not_found")
    assert response.json()["message"] == "未找到。"


def test_an_unknown_api_path_answers_the_json_404():
    response = Client().get("/api/v1/no-such-thing/")

    _assert_error_body(response, 404, "not_found")


def test_malformed_json_answers_400():
    response = APIClient().post(
        "/api/v1/auth/token/", data='{"username": "x", ', content_type="application/json"
    )

    _assert_error_body(response, 400, "parse_error")


def test_a_text_body_to_the_token_endpoint_answers_415():
    response = APIClient().post(
        "/api/v1/auth/token/", data="username=x&password=y", content_type="text/plain"
    )

    _assert_error_body(response, 415, "unsupported_media_type")


def test_a_json_array_instead_of_an_object_answers_400():
    response = APIClient().post("/api/v1/auth/token/", data="[]", content_type="application/json")

    _assert_error_body(response, 400, "invalid")


def test_a_nul_byte_in_the_token_credentials_answers_400():
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "cadre\x00", "password": "x"}, format="json"
    )

    _assert_error_body(response, 400, "invalid")


def test_the_schema_documents_every_answer_of_the_token_endpoint(supervisor_api):
    spec = supervisor_api.get("/api/schema/", {"format": "json"}).json()

    responses = spec["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert set(responses) == {"200", "400", "415", "429"}
    assert responses["429"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_a_disallowed_host_gets_the_chinese_400_page():
    response = Client().get("/login/", HTTP_HOST="fupin.attacker.example")

    assert response.status_code == 400
    assert "<h1>请求无效</h1>" in response.content.decode()


TOO_MANY_FIELDS = "&".join(f"members={n}" for n in range(1100))  # the limit is 1,000


def test_too_many_form_fields_to_the_api_answer_the_json_400(supervisor_api):
    response = supervisor_api.post(
        "/api/v1/trainings/", TOO_MANY_FIELDS, content_type="application/x-www-form-urlencoded"
    )

    _assert_error_body(response, 400, "bad_request")
    assert response.json()["message"] == "请求无法读取：格式不正确或内容过大。"


def test_too_many_form_fields_to_a_page_answer_the_chinese_400_page(client):
    response = client.post(
        "/login/", TOO_MANY_FIELDS, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert "请求无法读取：格式不正确或内容过大。" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/api/v1/auth/token/", None),
        ("/api/v1/households/", "cadre_yanhe"),
        ("/api/v1/trainings/", "county_supervisor"),
        ("/api/v1/job-placements/", "county_supervisor"),
    ],
    ids=["token", "households", "trainings", "job-placements"],
)
def test_a_json_body_nested_5000_deep_answers_400(request, path, role):
    api = APIClient()
    if role:
        api.force_authenticate(request.getfixturevalue(role))
    body = '{"a": ' * 5000 + "1" + "}" * 5000

    response = api.post(path, data=body, content_type="application/json")

    _assert_error_body(response, 400, "parse_error")
    assert response.json()["message"] == "JSON 请求体嵌套超过 20 层。"


def test_a_json_body_nested_within_the_limit_reaches_the_view():
    body = '{"username": "x", "password": ' + "[" * 19 + "]" * 19 + "}"

    response = APIClient().post("/api/v1/auth/token/", data=body, content_type="application/json")

    _assert_error_body(response, 400, "invalid")
    assert set(response.json()["errors"]) == {"password"}


def test_a_json_body_nested_one_level_too_deep_answers_400():
    body = '{"username": "x", "password": ' + "[" * 20 + "]" * 20 + "}"

    response = APIClient().post("/api/v1/auth/token/", data=body, content_type="application/json")

    _assert_error_body(response, 400, "parse_error")


def test_a_json_body_above_the_size_limit_answers_400(settings):
    settings.API_JSON_MAX_BYTES = 1000
    body = '{"username": "' + "x" * 1000 + '", "password": "y"}'

    response = APIClient().post("/api/v1/auth/token/", data=body, content_type="application/json")

    _assert_error_body(response, 400, "parse_error")
    assert response.json()["message"] == "JSON 请求体超过 1000 字节。"


ROOT = Path(__file__).resolve().parents[2]
NOT_APPLICATION = {".venv", "node_modules", "tests", "bench", "scripts", "docs", "static", "var"}
# Where JSON is decoded with json.load(s) or a JSONField of DRF or Django forms, and why that
# is not a request's input (or is the bounded decoder itself).
JSON_DECODERS = {
    "tongren_fupin/api/parsers.py": "the bounded decoder itself",
    "tongren_fupin/settings.py": "the environment",
    "tongren_fupin/pagination.py": "PostgreSQL's query plan",
    "relocation/fixture.py": "a data file of the project",
}
DECODING = re.compile(r"(\bjson\.loads?|\bloads|serializers\.JSONField|forms\.JSONField)\(")


def test_json_of_a_request_is_decoded_only_within_the_parsers_limits():
    # a new json.loads or JSONField on a request's input must go through bounded_loads or
    # BoundedJSONField (decision 0022); this lists every other decoder of the application
    found = set()
    for top in sorted(
        p
        for p in ROOT.iterdir()
        if p.is_dir() and p.name[0] != "." and p.name not in NOT_APPLICATION
    ):
        for path in top.rglob("*.py"):
            if "migrations" not in path.parts and DECODING.search(path.read_text("utf-8")):
                found.add(path.relative_to(ROOT).as_posix())

    assert found == set(JSON_DECODERS)

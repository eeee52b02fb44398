import re

import pytest
from django.urls import path
from openapi_spec_validator import validate
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.test import APIClient

from tongren_fupin.api.exceptions import api_exception_handler
from tongren_fupin.errors import DomainError

pytestmark = pytest.mark.django_db


def test_anonymous_api_calls_answer_401_with_the_error_body():
    response = APIClient().get("/api/v1/regions/")

    assert response.status_code == 401
    assert response.json() == {
        "code": "not_authenticated",
        "message": "身份认证信息未提供。",
        "errors": {},
    }


def test_a_domain_error_becomes_its_code_message_and_status():
    error = DomainError(
        "stale_version",
        "该户信息已被他人修改，请刷新后重试",
        status=409,
        errors={"version": ["已过期"]},
    )

    response = api_exception_handler(error, {})

    assert response is not None
    assert response.status_code == 409
    assert response.data == {
        "code": "stale_version",
        "message": "该户信息已被他人修改，请刷新后重试",
        "errors": {"version": ["已过期"]},
    }


def test_an_unexpected_exception_is_left_to_the_500_handler():
    assert api_exception_handler(ValueError("boom"), {}) is None


def test_malformed_json_answers_400_with_the_error_body(api_client_user):
    client = APIClient()

    response = client.post("/api/v1/auth/token/", data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert response.json()["message"].startswith("JSON")


def test_schema_requires_login():
    assert APIClient().get("/api/schema/").status_code == 401


def test_schema_is_valid_openapi_3(api, city_supervisor):
    api.force_authenticate(city_supervisor)

    response = api.get("/api/schema/", {"format": "json"})

    spec = response.json()
    assert spec["openapi"].startswith("3.")
    validate(spec)  # raises on an invalid document
    assert "/api/v1/regions/" in spec["paths"]
    assert "/api/v1/regions/{code}/" in spec["paths"]
    assert set(spec["paths"]["/api/v1/regions/{code}/"]["get"]["responses"]) >= {
        "200",
        "401",
        "403",
        "404",
    }


def test_swagger_ui_loads_only_local_assets(client, city_supervisor):
    client.force_login(city_supervisor)

    html = client.get("/api/docs/").content.decode()

    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui" in url for url in urls)
    assert all(url.startswith("/") for url in urls), urls
    assert "http://" not in html and "https://" not in html


def test_swagger_ui_has_a_way_back_and_says_how_to_authenticate(client, api_client_user):
    client.force_login(api_client_user)

    html = client.get("/api/docs/").content.decode()

    assert '<a href="/">← 返回铜仁扶贫</a>' in html
    assert "/api/v1/auth/token/" in html
    assert "Authorization: Token" in html


def test_error_pages_and_api_errors_are_chinese_by_default(client, city_supervisor):
    client.force_login(city_supervisor)

    assert "未找到" in client.get("/regions/520699999999/").content.decode()


@api_view(["GET"])
@permission_classes([AllowAny])
def _raise_domain_error(request):
    raise DomainError("demo_refused", "演示：操作被拒绝", status=409)


urlpatterns = [path("domain-error/", _raise_domain_error)]


@pytest.mark.urls(__name__)
def test_a_view_raising_a_domain_error_answers_json():
    response = APIClient().get("/domain-error/")

    assert response.status_code == 409
    assert response.json() == {"code": "demo_refused", "message": "演示：操作被拒绝", "errors": {}}

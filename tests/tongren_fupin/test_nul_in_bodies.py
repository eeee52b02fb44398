"""A NUL character in a JSON or form body answers 400 before any view runs (the fuzz's
stateful phase found a training whose region code held one answering 500 on PostgreSQL)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from assistance.models import Training
from households.models import Household
from tests.households.factories import household_with_head

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

NUL_MESSAGE = "请求中含有不允许的空字符（NUL）。"


@pytest.fixture
def household(db):
    return household_with_head()


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.parametrize(
    "body",
    [
        '{"version": 1, "phone": "139\\u00000000000"}',
        '{"version": 1, "phone": "139\\\\\\u0000"}',
        '{"version": 1, "phone": "139\x00"}',
    ],
    ids=["escaped", "escaped-after-a-backslash", "raw"],
)
def test_a_nul_in_a_json_body_answers_400_and_changes_nothing(household, cadre_yanhe, body):
    response = _api(cadre_yanhe).patch(
        f"/api/v1/households/{household.pk}/", data=body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "message": NUL_MESSAGE, "errors": {}}
    assert Household.objects.get(pk=household.pk).version == 1


def test_a_backslash_before_u0000_is_text_not_a_nul(household, cadre_yanhe):
    response = _api(cadre_yanhe).patch(
        f"/api/v1/households/{household.pk}/",
        data='{"version": 1, "phone": "\\\\u0000"}',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["message"] != NUL_MESSAGE
    assert "phone" in response.json()["errors"]


def test_a_nul_in_a_region_code_writes_no_training(city_supervisor):
    # A related field looks the code up as it is: PostgreSQL refused it with a 500.
    response = _api(city_supervisor).post(
        "/api/v1/trainings/",
        data='{"title": "电工培训", "region": "520627\\u0000"}',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["message"] == NUL_MESSAGE
    assert Training.objects.exists() is False


def test_a_nul_in_a_posted_form_answers_the_chinese_400_page(household, cadre_yanhe):
    client = Client()
    client.force_login(cadre_yanhe)

    response = client.post(f"/households/{household.pk}/edit/", {"version": "1", "phone": "1\x00"})

    assert response.status_code == 400
    assert "<h1>请求无效</h1>" in response.content.decode()
    assert Household.objects.get(pk=household.pk).version == 1

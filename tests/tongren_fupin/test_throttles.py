"""The API's default throttle per signed-in user, with a Chinese 429."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_the_default_rate_is_600_a_minute_per_user():
    assert settings.API_THROTTLE_USER == "600/minute"
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "tongren_fupin.api.throttling.UserThrottle"
    ]


def test_a_signed_in_user_past_the_rate_gets_the_chinese_429(settings, city_supervisor):
    settings.API_THROTTLE_USER = "3/minute"
    api = APIClient()
    api.force_authenticate(city_supervisor)

    statuses = [api.get("/api/v1/regions/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = api.get("/api/v1/regions/")
    body = response.json()
    assert body["code"] == "throttled"
    assert body["errors"] == {}
    seconds = int(response["Retry-After"])
    assert 1 <= seconds <= 60
    assert body["message"] == f"请求过于频繁，请在 {seconds} 秒后重试。"


def test_each_user_has_a_rate_of_their_own(settings, city_supervisor, county_supervisor):
    settings.API_THROTTLE_USER = "2/minute"
    first, second = APIClient(), APIClient()
    first.force_authenticate(city_supervisor)
    second.force_authenticate(county_supervisor)
    for _ in range(2):
        first.get("/api/v1/regions/")

    assert first.get("/api/v1/regions/").status_code == 429
    assert second.get("/api/v1/regions/").status_code == 200


def test_an_empty_rate_turns_the_user_throttle_off(settings, city_supervisor):
    settings.API_THROTTLE_USER = ""
    api = APIClient()
    api.force_authenticate(city_supervisor)

    statuses = {api.get("/api/v1/regions/").status_code for _ in range(5)}

    assert statuses == {200}

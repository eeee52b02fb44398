"""``/health/``: the database, the storage, Redis and a Celery worker; "ok" or "unavailable"."""

import pytest
from django.test import Client

from tests.worker import redis_url

pytestmark = pytest.mark.django_db


def test_anonymous_gets_ok_and_nothing_else(settings):
    settings.CELERY_BROKER_URL = redis_url()

    response = Client().get("/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_a_staff_user_sees_each_check(settings, operator):
    settings.CELERY_BROKER_URL = redis_url()
    client = Client()
    client.force_login(operator)

    response = client.get("/health/")

    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "storage": "ok", "redis": "ok"},
    }


def test_an_unreachable_redis_answers_503_without_saying_why(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = Client().get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_a_staff_user_sees_which_check_fails(settings, operator, tmp_path):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    unwritable = tmp_path / "media"
    unwritable.write_text("a file where the media directory should be")
    settings.MEDIA_ROOT = str(unwritable)
    client = Client()
    client.force_login(operator)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "storage": "failing", "redis": "failing"},
    }


def test_without_a_worker_the_celery_check_fails(settings, operator):
    settings.CELERY_BROKER_URL = redis_url()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    client = Client()
    client.force_login(operator)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["checks"]["celery"] == "failing"

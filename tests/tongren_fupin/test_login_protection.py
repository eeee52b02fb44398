import json
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from tongren_fupin.login_protection import client_ip, lockout_response
from tongren_fupin.middleware import SESSION_REFRESHED

pytestmark = pytest.mark.django_db

RIGHT = "correct horse battery staple"  # tests/regions/factories.py
WRONG = "not-the-password"
LOCKED_MESSAGE = "登录失败次数过多，该账号已被暂时锁定。请稍后再试，或联系系统管理员解锁。"
ADDRESS_LOCKED_MESSAGE = "该地址登录失败次数过多，已被暂时锁定。请稍后再试，或联系系统管理员解锁。"
CADRE_ADDRESS = "198.51.100.7"


def _log_in(client: Client, password: str, address: str = CADRE_ADDRESS, **extra):
    return client.post(
        "/login/",
        {"username": "cadre_yanhe", "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def _fail_five_times(client: Client, address: str = CADRE_ADDRESS, **extra) -> None:
    for _ in range(5):
        _log_in(client, WRONG, address, **extra)


def _token(api: APIClient, password: str, address: str = CADRE_ADDRESS):
    return api.post(
        "/api/v1/auth/token/",
        {"username": "cadre_yanhe", "password": password},
        format="json",
        REMOTE_ADDR=address,
    )


def test_after_five_failures_even_the_right_password_is_refused_with_the_chinese_message(
    client, cadre_yanhe
):
    _fail_five_times(client)

    response = _log_in(client, RIGHT)

    assert response.status_code == 429
    html = response.content.decode()
    assert "<h1>账号已锁定</h1>" in html
    assert LOCKED_MESSAGE in html
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="cadre_yanhe").failures_since_start == 6


def test_four_failures_then_the_right_password_logs_in_and_clears_the_count(client, cadre_yanhe):
    for _ in range(4):
        _log_in(client, WRONG)

    response = _log_in(client, RIGHT)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert AccessAttempt.objects.filter(username="cadre_yanhe").exists() is False


def test_the_same_user_from_another_address_is_not_locked(client, cadre_yanhe):
    _fail_five_times(client)

    response = _log_in(Client(), RIGHT, address="198.51.100.8")

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_another_user_from_the_locked_address_is_not_locked(client, cadre_yanhe, city_supervisor):
    _fail_five_times(client)

    response = Client().post(
        "/login/", {"username": "city_supervisor", "password": RIGHT}, REMOTE_ADDR=CADRE_ADDRESS
    )

    assert response.status_code == 302


def test_axes_reset_username_unlocks_the_account(client, cadre_yanhe):
    _fail_five_times(client)
    assert _log_in(client, RIGHT).status_code == 429

    call_command("axes_reset_username", "cadre_yanhe", verbosity=0)

    response = _log_in(client, RIGHT)
    assert response.status_code == 302
    assert AccessAttempt.objects.exists() is False


def test_the_operator_sees_the_locked_account_in_the_admin(client, cadre_yanhe, operator):
    _fail_five_times(client)
    admin = Client()
    admin.force_login(operator)

    response = admin.get("/admin/axes/accessattempt/")

    assert response.status_code == 200
    assert "cadre_yanhe" in response.content.decode()


def test_the_token_endpoint_is_locked_the_same_way(cadre_yanhe):
    api = APIClient()
    for _ in range(5):
        _token(api, WRONG)

    response = _token(api, RIGHT)

    assert response.status_code == 429
    assert response.json() == {"code": "locked_out", "message": LOCKED_MESSAGE, "errors": {}}


def test_a_wrong_password_at_the_token_endpoint_answers_400_until_the_limit(cadre_yanhe):
    api = APIClient()

    answers = [_token(api, WRONG).status_code for _ in range(5)]

    assert answers == [400, 400, 400, 400, 429]


def test_failures_on_the_login_page_and_the_token_endpoint_count_together(client, cadre_yanhe):
    for _ in range(3):
        _log_in(client, WRONG)
    for _ in range(2):
        _token(APIClient(), WRONG)

    assert _log_in(client, RIGHT).status_code == 429
    assert _token(APIClient(), RIGHT).json()["code"] == "locked_out"


def test_the_token_endpoint_gives_a_token_to_an_unlocked_user(cadre_yanhe):
    response = _token(APIClient(), RIGHT)

    assert response.status_code == 200
    assert response.json()["token"] == cadre_yanhe.auth_token.key


def test_a_lockout_flagged_on_an_api_path_answers_the_json_error_body():
    response = lockout_response(RequestFactory().post("/api/v1/auth/token/"))

    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "code": "locked_out",
        "message": LOCKED_MESSAGE,
        "errors": {},
    }


@override_settings(REVERSE_PROXY_COUNT=1)
def test_behind_one_proxy_the_lockout_follows_the_forwarded_address(client, cadre_yanhe):
    proxy = "10.0.0.2"
    _fail_five_times(client, proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")

    spoofed = _log_in(client, RIGHT, proxy, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5")
    elsewhere = _log_in(Client(), RIGHT, proxy, HTTP_X_FORWARDED_FOR="203.0.113.6")

    assert spoofed.status_code == 429
    assert elsewhere.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (0, "203.0.113.5", "10.0.0.2"),
        (1, "192.0.2.1, 203.0.113.5", "203.0.113.5"),
        (2, "192.0.2.1, 203.0.113.5, 10.0.0.3", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
        (1, "", "10.0.0.2"),
    ],
    ids=[
        "no-proxy-ignores-the-header",
        "one-proxy-takes-the-last-hop",
        "two-proxies-take-the-second-last",
        "fewer-hops-than-proxies",
        "garbage",
        "empty-header",
    ],
)
def test_client_address_counts_trusted_proxies_from_the_right(proxies, forwarded, address):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    with override_settings(REVERSE_PROXY_COUNT=proxies):
        assert client_ip(request) == address


@pytest.mark.sqlite
def test_sessions_end_after_eight_idle_hours_and_requests_extend_them_every_five_minutes(
    client, cadre_yanhe
):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_REFRESH_SECONDS == 300
    client.force_login(cadre_yanhe)
    assert client.get("/").status_code == 200
    session = Session.objects.get()
    first_end = session.expire_date
    # Within the interval a request writes nothing: the session row stays as it is.
    Session.objects.update(expire_date=first_end - timedelta(hours=1))
    assert client.get("/").status_code == 200
    assert Session.objects.get().expire_date == first_end - timedelta(hours=1)
    # Once the last move is older than the interval, the next request moves the end on.
    store = SessionStore(session_key=session.session_key)
    store[SESSION_REFRESHED] = int(time.time()) - 301
    store.save()
    Session.objects.update(expire_date=first_end - timedelta(hours=1))
    assert client.get("/").status_code == 200
    moved = Session.objects.get().expire_date
    assert moved > first_end - timedelta(minutes=1)
    assert moved - timezone.now() > timedelta(hours=7, minutes=59)
    assert SessionStore(session_key=session.session_key)[SESSION_REFRESHED] >= time.time() - 60


@pytest.mark.sqlite
def test_a_signed_out_or_anonymous_request_creates_no_session(client, cadre_yanhe):
    assert client.get("/login/").status_code == 200
    assert client.get("/api/v1/households/").status_code in (401, 403)
    assert not Session.objects.exists()
    client.force_login(cadre_yanhe)
    client.post("/logout/")
    assert not Session.objects.exists()


def test_an_expired_session_sends_the_user_back_to_the_login_page(client, cadre_yanhe):
    client.force_login(cadre_yanhe)
    assert client.get("/").status_code == 200

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def _spray(client: Client, count: int, address: str = CADRE_ADDRESS) -> None:
    """One wrong password for each of ``count`` usernames, all from one address."""
    for number in range(count):
        client.post(
            "/login/", {"username": f"guess{number}", "password": WRONG}, REMOTE_ADDR=address
        )


def test_an_address_trying_twenty_usernames_is_locked_even_for_a_right_password(
    client, cadre_yanhe
):
    _spray(client, 20)

    response = _log_in(client, RIGHT)

    assert response.status_code == 429
    html = response.content.decode()
    assert ADDRESS_LOCKED_MESSAGE in html
    assert "_auth_user_id" not in client.session
    # The refused attempt counts too: twenty guesses and cadre_yanhe's.
    assert AccessAttempt.objects.filter(ip_address=CADRE_ADDRESS).count() == 21


def test_nineteen_failures_across_usernames_leave_the_address_open(client, cadre_yanhe):
    _spray(client, 19)

    response = _log_in(client, RIGHT)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cadre_yanhe.pk)


def test_the_twentieth_failure_from_an_address_answers_the_lockout(client):
    _spray(client, 19)

    response = client.post(
        "/login/", {"username": "guess19", "password": WRONG}, REMOTE_ADDR=CADRE_ADDRESS
    )

    assert response.status_code == 429
    assert ADDRESS_LOCKED_MESSAGE in response.content.decode()


def test_a_locked_address_leaves_other_addresses_open(client, cadre_yanhe):
    _spray(client, 20)

    response = _log_in(client, RIGHT, address="203.0.113.9")

    assert response.status_code == 302


def test_a_successful_login_does_not_clear_the_failures_of_its_address(client, cadre_yanhe):
    _spray(client, 19)
    _log_in(client, RIGHT)
    client.logout()

    response = client.post(
        "/login/", {"username": "guess19", "password": WRONG}, REMOTE_ADDR=CADRE_ADDRESS
    )

    assert response.status_code == 429
    assert AccessAttempt.objects.filter(ip_address=CADRE_ADDRESS).count() == 20


def test_the_token_endpoint_locks_an_address_spraying_usernames(cadre_yanhe):
    api = APIClient()
    for number in range(20):
        api.post(
            "/api/v1/auth/token/",
            {"username": f"guess{number}", "password": WRONG},
            format="json",
            REMOTE_ADDR=CADRE_ADDRESS,
        )

    response = _token(api, RIGHT)

    assert response.status_code == 429
    assert response.json() == {
        "code": "locked_out",
        "message": ADDRESS_LOCKED_MESSAGE,
        "errors": {},
    }


@override_settings(AXES_ADDRESS_FAILURE_LIMIT=3)
def test_the_address_limit_is_a_setting(client, cadre_yanhe):
    _spray(client, 3)

    response = _log_in(client, RIGHT)

    assert response.status_code == 429

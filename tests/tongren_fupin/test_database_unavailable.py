"""A lost database connection (a PostgreSQL restart) answers 503 and heals by itself.

The shared PostgreSQL server of the tests is not restarted: the server ending this process's
connection (``pg_terminate_backend``, what a restart does to every connection) stands for it.
The whole drill against a private server is in docs/operations.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import close_old_connections, connection
from django.test import Client
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGE = "数据库暂时无法连接，请几秒钟后重试。"


@pytest.fixture(autouse=True)
def _fresh_connection_afterwards() -> Iterator[None]:
    """The test database is emptied after each test: on a connection that works."""
    yield
    connection.close()


def _end_this_connection() -> None:
    """The server ends the connection Django holds, as a restart of PostgreSQL does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    params = connection.get_connection_params()
    conninfo = {k: v for k, v in params.items() if k in {"dbname", "user", "host", "port"}}
    with psycopg.connect(**conninfo, password=params.get("password") or None) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture
def token_client(tongren_regions: None, api_client_user: Any) -> Client:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's connections")
    token = Token.objects.create(user=api_client_user)
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token.key}")


def test_a_request_on_a_lost_connection_answers_503_with_the_api_error_body(token_client):
    assert token_client.get("/api/v1/regions/").status_code == 200
    _end_this_connection()

    response = token_client.get("/api/v1/regions/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {"code": "unavailable", "message": MESSAGE, "errors": {}}


def test_a_page_on_a_lost_connection_answers_the_plain_503_page(client, tongren_regions):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's connections")
    page = Client(raise_request_exception=False)
    assert page.get("/login/").status_code == 200
    _end_this_connection()

    response = page.post("/login/", {"username": "someone", "password": "wrong"})

    assert response.status_code == 503
    html = response.content.decode()
    assert "<h1>服务暂时不可用</h1>" in html
    assert "Traceback" not in html


def test_the_next_request_reconnects_without_a_restart(token_client):
    assert token_client.get("/api/v1/regions/").status_code == 200
    _end_this_connection()
    token_client.get("/api/v1/regions/")  # the failing request, answered 503

    # What the WSGI handler does around each request (the test client leaves it out): a
    # connection found unusable is dropped and the next query opens a new one.
    close_old_connections()
    response = token_client.get("/api/v1/regions/")

    assert response.status_code == 200


def test_a_health_check_before_the_request_reconnects_without_any_failure(token_client):
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert token_client.get("/api/v1/regions/").status_code == 200
    _end_this_connection()

    close_old_connections()  # at the start of the next request
    response = token_client.get("/api/v1/regions/")

    assert response.status_code == 200

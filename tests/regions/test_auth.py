"""The signed-in user comes with its assignment: one query for both, by session and by token."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from regions.scoping import assignment_of
from tests.regions.factories import UserFactory, assigned_user


def user_reads(captured: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT")
        and (
            'FROM "auth_user"' in q["sql"]
            or 'FROM "regions_assignment"' in q["sql"]
            or 'FROM "authtoken_token"' in q["sql"]
        )
    ]


@pytest.mark.django_db
@pytest.mark.sqlite
def test_a_page_loads_the_user_and_its_assignment_in_one_query(client: Any) -> None:
    cadre = assigned_user("auth_cadre", "village_cadre", "520627100200")
    client.force_login(cadre)

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/problems/")

    assert response.status_code == 200
    reads = user_reads(captured)
    assert len(reads) == 1, reads
    assert "regions_assignment" in reads[0] and "regions_region" in reads[0]
    assert response.wsgi_request.user.username == "auth_cadre"
    assert assignment_of(response.wsgi_request.user).region_id == "520627100200"


@pytest.mark.django_db
@pytest.mark.sqlite
def test_a_token_loads_the_user_and_its_assignment_in_one_query() -> None:
    user = assigned_user("auth_api", "api_client", "520627000000")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")

    with CaptureQueriesContext(connection) as captured:
        response = api.get("/api/v1/households/")

    assert response.status_code == 200
    reads = user_reads(captured)
    assert len(reads) == 1, reads
    assert "authtoken_token" in reads[0] and "regions_assignment" in reads[0]


@pytest.mark.django_db
@pytest.mark.sqlite
def test_unknown_tokens_inactive_users_and_users_without_assignment_are_refused(
    client: Any,
) -> None:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    unknown = api.get("/api/v1/households/")
    assert unknown.status_code == 401
    assert unknown["WWW-Authenticate"] == "Token"

    inactive = assigned_user("auth_gone", "api_client", "520627000000", is_active=False)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=inactive).key}")
    assert api.get("/api/v1/households/").status_code == 401

    nobody = UserFactory(username="auth_nobody")
    client.force_login(nobody)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/households/")
    assert assignment_of(response.wsgi_request.user) is None
    assert len(user_reads(captured)) == 1

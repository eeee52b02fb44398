"""The permission matrix, run against any URL.

    check_permission_matrix(
        "/api/v1/households/1/", api=True,
        own=cadre_yanhe, other_jurisdiction=cadre_bijiang, wrong_role=api_client_user,
        method="patch", data={...}, state=lambda: Household.objects.values_list(...),
    )

anonymous → 401 (API) or a redirect to the login page (pages); wrong role → 403; other
jurisdiction → 404; own jurisdiction → ``own_status``. For each denied case ``state()`` (a
snapshot of whatever the request could change) must be unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from rest_framework.test import APIClient


def _request(client: Any, method: str, url: str, data: Any, api: bool) -> Any:
    call = getattr(client, method.lower())
    if data is None:
        return call(url)
    return call(url, data, format="json") if api else call(url, data)


def _client_for(user: Any, api: bool) -> Any:
    client: Any = APIClient() if api else Client()
    if user is not None:
        if api:
            client.force_authenticate(user)
        else:
            client.force_login(user)
    return client


def check_permission_matrix(
    url: str,
    *,
    own: Any,
    other_jurisdiction: Any = None,
    wrong_role: Any = None,
    method: str = "get",
    data: Any = None,
    api: bool = True,
    own_status: int = 200,
    state: Callable[[], Any] | None = None,
) -> Any:
    """Assert the four cases; returns the response of the permitted request."""
    before = state() if state else None

    def assert_unchanged(case: str) -> None:
        if state is not None:
            assert state() == before, f"{case} request changed data"

    anonymous = _request(_client_for(None, api), method, url, data, api)
    if api:
        assert anonymous.status_code == 401, (url, "anonymous", anonymous.status_code)
        assert anonymous.json()["code"] == "not_authenticated"
    else:
        assert anonymous.status_code == 302, (url, "anonymous", anonymous.status_code)
        assert anonymous["Location"].startswith("/login/")
    assert_unchanged("anonymous")

    if wrong_role is not None:
        response = _request(_client_for(wrong_role, api), method, url, data, api)
        assert response.status_code == 403, (url, "wrong role", response.status_code)
        assert_unchanged("wrong-role")

    if other_jurisdiction is not None:
        response = _request(_client_for(other_jurisdiction, api), method, url, data, api)
        assert response.status_code == 404, (url, "other jurisdiction", response.status_code)
        assert_unchanged("other-jurisdiction")

    response = _request(_client_for(own, api), method, url, data, api)
    assert response.status_code == own_status, (url, "own", response.status_code)
    return response

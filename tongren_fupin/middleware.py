"""Request guards that apply to every page and API call."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
logger = logging.getLogger(__name__)
# A NUL in a JSON string: ``\u0000`` after an even number of backslashes (``\\u0000`` is a
# backslash followed by the text "u0000").
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path_info or _nul_in(request.GET):
        return True
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _nul_in(request.POST)
    if request.content_type == "application/json":
        return b"\x00" in request.body or JSON_NUL.search(request.body) is not None
    return False


def _nul_in(query: Any) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in query.lists()
    )


class RejectNulBytesMiddleware:
    """A NUL character in the path, the query string, a form or a JSON body answers 400 before
    any view runs.

    PostgreSQL text cannot hold NUL, and psycopg raises ``ValueError`` or ``DataError`` (a 500)
    when one reaches a query; no legitimate link or record carries one, so one check here covers
    every filter and lookup, and every field of a body (a region code looked up by a related
    field, which no NUL validator guards).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _has_nul(request):
            return self.get_response(request)
        message = _("The request contains a NUL character, which is not allowed.")
        if _is_api(request):
            return JsonResponse({"code": "invalid", "message": message, "errors": {}}, status=400)
        return render(request, "400.html", {"message": message}, status=400)


class ApiNotFoundMiddleware:
    """An ``/api/`` URL that matches no route answers the API's JSON 404, not the HTML page.

    DRF's handler only sees requests that reached a view; a path the URL resolver rejects
    (a malformed region code, say) would otherwise fall through to ``404.html``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 404
            and _is_api(request)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return JsonResponse(
                {"code": "not_found", "message": _("Not found."), "errors": {}}, status=404
            )
        return response


class DatabaseUnavailableMiddleware:
    """A lost database connection answers 503 ("try again in a few seconds"), not a 500.

    While PostgreSQL restarts, a request fails on its query; the connection is then found
    unusable and replaced at the start of the next request (``CONN_HEALTH_CHECKS``), so the
    service comes back by itself (docs/operations.md, "PostgreSQL restart"). The page is plain
    HTML without the site's menus, which would query the database again.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable: %s %s", request.method, request.path, exc_info=True)
        headers = {"Retry-After": "5"}
        if _is_api(request):
            message = _("The database is unavailable for a moment. Try again in a few seconds.")
            body = {"code": "unavailable", "message": message, "errors": {}}
            return JsonResponse(body, status=503, headers=headers)
        return HttpResponse(render_to_string("503.html"), status=503, headers=headers)

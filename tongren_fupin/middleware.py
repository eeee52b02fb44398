"""Request guards that apply to every page and API call."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from tongren_fupin import db_router

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


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _reads_may_lag(view_func: Any) -> bool:
    """The view's GET reads may come from the replica: a view marked ``lagging_view`` (or an
    API view class with ``reads_may_lag``), or an API viewset's ``list`` action."""
    if getattr(view_func, "reads_may_lag", False):
        return True
    cls = getattr(view_func, "cls", None)  # a DRF view
    if cls is None:
        return False
    if getattr(cls, "reads_may_lag", False):
        return True
    return (getattr(view_func, "actions", None) or {}).get("get") == "list"


def _wrote_recently(request: HttpRequest) -> bool:
    until = request.COOKIES.get(db_router.PRIMARY_COOKIE, "")
    return until.isdigit() and int(until) > time.time()


class ReplicaReadsMiddleware:
    """Send the reads of lagging views to the replica, and keep a client that has just written
    on the primary for ``REPLICA_READ_YOUR_WRITES_SECONDS`` (a cookie; decision 0031)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not db_router.has_replica():
            return self.get_response(request)
        try:
            response = self.get_response(request)
        finally:
            db_router.set_reads_may_lag(False)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            seconds = settings.REPLICA_READ_YOUR_WRITES_SECONDS
            response.set_cookie(
                db_router.PRIMARY_COOKIE,
                str(int(time.time()) + seconds),
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(
        self, request: HttpRequest, view_func: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if (
            request.method in ("GET", "HEAD")
            and db_router.has_replica()
            and _reads_may_lag(view_func)
            and not _wrote_recently(request)
        ):
            db_router.set_reads_may_lag(db_router.replica_available())
        return None


#: The session key holding when the session's expiry was last moved on (seconds since epoch).
SESSION_REFRESHED = "_refreshed"


def session_refreshed_at_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Signing in is a refresh: the new session starts its interval (``user_logged_in``)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_REFRESHED] = int(time.time())


class SessionRefreshMiddleware:
    """Move a signed-in session's expiry on at most every ``SESSION_REFRESH_SECONDS``.

    Sessions end after ``SESSION_COOKIE_AGE`` of inactivity. Saving the session on every request
    (``SESSION_SAVE_EVERY_REQUEST``) kept that exact at the price of a write and a commit on
    every page and API call; here a request saves it only when the last save is older than the
    refresh interval (5 minutes by default), so a session ends between 7 h 55 min and 8 h after
    its last request. A session with nothing in it (a visitor who never signed in) is not saved.
    Placed after ``SessionMiddleware``, whose response phase then writes the session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():  # never signed in, or just signed out
            return response
        now = int(time.time())
        if session.modified:  # saved anyway: its expiry moves on now
            session[SESSION_REFRESHED] = now
            return response
        if not session.keys():  # a cookie of a session holding nothing
            return response
        refreshed = session.get(SESSION_REFRESHED)
        if not isinstance(refreshed, int) or now - refreshed >= settings.SESSION_REFRESH_SECONDS:
            session[SESSION_REFRESHED] = now
        return response

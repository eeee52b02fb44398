"""Project-wide page handlers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from audit.security import record_denial


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    """The 403 page; the refusal is a security event."""
    record_denial(request, 403)
    return render(request, "403.html", status=403)


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    """The 400 of a request Django refuses before any view (too many fields, a malformed
    upload): the API's JSON error body on ``/api/``, the 400 page elsewhere."""
    message = _("The request could not be read: it is malformed or too large.")
    if request.path_info.startswith("/api/"):
        return JsonResponse({"code": "bad_request", "message": message, "errors": {}}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


def ping(request: HttpRequest) -> HttpResponse:
    """A constant answer through the whole stack (middleware, URL routing) and nothing else:
    the load benchmark's baseline, the framework's own ceiling on the machine (bench/load.py),
    and a liveness probe that does not touch the database."""
    return HttpResponse(b"ok", content_type="text/plain")

"""Login protection with django-axes: the client address, the lockout answer and message.

Settings point here (``AXES_CLIENT_IP_CALLABLE``, ``AXES_LOCKOUT_CALLABLE``); the token endpoint
of the API uses the same message and code, so a lockout reads the same everywhere.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

LOCKED_OUT_CODE = "locked_out"
LOCKED_OUT_STATUS = 429


def lockout_message() -> str:
    return _(
        "This account is temporarily locked after too many failed logins. Try again later,"
        " or ask the system administrator to unlock it."
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """What a locked-out login attempt answers: the lockout page, or JSON for API calls."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"code": LOCKED_OUT_CODE, "message": lockout_message(), "errors": {}},
            status=LOCKED_OUT_STATUS,
        )
    return render(
        request,
        "registration/locked_out.html",
        {"message": lockout_message()},
        status=LOCKED_OUT_STATUS,
    )


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the socket peer, or the one the outermost trusted proxy saw.

    Each of the ``REVERSE_PROXY_COUNT`` proxies appends the address it received the request
    from to X-Forwarded-For, so the client is that many entries from the right; anything left
    of it was written by the client and is ignored.
    """
    remote_addr: str | None = request.META.get("REMOTE_ADDR")
    count: int = settings.REVERSE_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded:
        return remote_addr
    hops = [hop.strip() for hop in forwarded.split(",")]
    if len(hops) < count:
        return remote_addr
    candidate = hops[-count]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        # A proxy always writes an address; anything else means the header is not theirs.
        return remote_addr
    return candidate

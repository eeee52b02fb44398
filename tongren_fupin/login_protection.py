"""Login protection with django-axes: the client address, the lockout rule, answer and message.

Settings point here (``AXES_HANDLER``, ``AXES_CLIENT_IP_CALLABLE``, ``AXES_LOCKOUT_CALLABLE``);
the token endpoint of the API uses the same message and code, so a lockout reads the same
everywhere.

Two limits lock a login: ``AXES_FAILURE_LIMIT`` failures of one username from one address, and
``AXES_ADDRESS_FAILURE_LIMIT`` failures from one address whatever the usernames (one address
trying many usernames with a few passwords each). The second is higher: a township office
behind one address has many people who mistype.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.conf import settings as axes_settings
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

LOCKED_OUT_CODE = "locked_out"
LOCKED_OUT_STATUS = 429


def lockout_message(request: Any = None) -> str:
    if getattr(request, "axes_address_locked_out", False):
        return _(
            "Logins from this address are temporarily locked after too many failed logins."
            " Try again later, or ask the system administrator to unlock it."
        )
    return _(
        "This account is temporarily locked after too many failed logins. Try again later,"
        " or ask the system administrator to unlock it."
    )


class AddressLockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, and a lock on the address alone across usernames.

    The username + address pair is axes' own rule (``AXES_LOCKOUT_PARAMETERS``); a successful
    login resets that pair only, so one good password does not clear an address's failures.
    """

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if not axes_settings.AXES_LOCK_OUT_AT_FAILURE or not self._address_locked(request):
            return False
        request.axes_address_locked_out = True
        return True

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if not axes_settings.AXES_LOCK_OUT_AT_FAILURE or not self._address_locked(request):
            return
        request.axes_locked_out = True
        request.axes_address_locked_out = True
        request.axes_credentials = credentials
        user_locked_out.send(
            "axes", request=request, username=None, ip_address=request.axes_ip_address
        )

    def _address_locked(self, request: Any) -> bool:
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return False
        attempts = AccessAttempt.objects.filter(ip_address=address)
        if axes_settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
        limit: int = settings.AXES_ADDRESS_FAILURE_LIMIT
        return bool(failures >= limit)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """What a locked-out login attempt answers: the lockout page, or JSON for API calls."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"code": LOCKED_OUT_CODE, "message": lockout_message(request), "errors": {}},
            status=LOCKED_OUT_STATUS,
        )
    return render(
        request,
        "registration/locked_out.html",
        {"message": lockout_message(request)},
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

"""Security events: logins, failed logins, lockouts and permission denials, in the audit trail.

Authentication events come from Django's and django-axes' signals (framework events, not
domain behaviour); permission denials are recorded by the API exception handler and the 403
page. ID-number displays and exports are recorded where they happen.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from audit.events import record
from audit.models import Category


def _ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    from tongren_fupin.login_protection import client_ip

    return client_ip(request)


def record_security(
    action: str, *, request: HttpRequest | None, actor: Any = None, summary: str = ""
) -> None:
    record(
        actor=actor,
        action=action,
        category=Category.SECURITY,
        summary=summary,
        ip_address=_ip(request),
    )


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record_security("login", request=request, actor=user, summary=user.get_username())


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_security("logout", request=request, actor=user, summary=user.get_username())


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    record_security("login_failed", request=request, summary=username)


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def _locked_out(
    sender: Any, request: HttpRequest | None = None, username: str | None = None, **kwargs: Any
) -> None:
    record_security("lockout", request=request, summary=str(username or "")[:150])


def record_denial(request: HttpRequest, status: int) -> None:
    """A refused request of a logged-in user (403), with the path it asked for."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    record_security(
        "permission_denied",
        request=request,
        actor=user,
        summary=f"{status} {request.method} {request.path}"[:255],
    )

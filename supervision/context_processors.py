"""The notification bell: the unread count on every page (one indexed count per page)."""

from __future__ import annotations

from django.http import HttpRequest

from supervision.selectors import unread_count


def notifications(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user=user)}

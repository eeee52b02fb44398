"""``may`` in every template: ``{% if may.exit_verify %}`` asks ``regions.roles.has_role`` about
``EXIT_VERIFY_ROLES`` (any set of ``regions.roles``, by its name without ``_ROLES``)."""

from __future__ import annotations

from django.http import HttpRequest

from regions.roles import May


def roles(request: HttpRequest) -> dict[str, May]:
    return {"may": May(getattr(request, "user", None))}

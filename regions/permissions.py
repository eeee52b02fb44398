"""The DRF permissions every endpoint starts from: a jurisdiction, then (``HasRole``) a role set
of ``regions.roles``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from regions.roles import has_role
from regions.scoping import jurisdiction_prefix


class HasJurisdiction(BasePermission):
    """Authenticated and assigned to a jurisdiction (or an operator)."""

    message = _("Your account has no jurisdiction assigned. Ask an operator to assign one.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return jurisdiction_prefix(user) is not None


class HasRole(HasJurisdiction):
    """Base for role-restricted endpoints: subclasses (or ``view.allowed_roles``) name roles."""

    message = _("Your role may not do this.")
    roles: frozenset[str] = frozenset()

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        allowed = getattr(view, "allowed_roles", None) or self.roles
        return has_role(request.user, allowed)

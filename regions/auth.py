"""Signing in, session and token: the user comes with its assignment and region in one query.

Every request loads its user (the session's or the API token's), and nearly every request then
asks for the user's assignment (``regions.scoping.assignment_of``: the role and the
jurisdiction) — a second query each time. These load both at once.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from rest_framework.authentication import TokenAuthentication

from regions.scoping import remember_assignment

WITH_ASSIGNMENT = "assignment__region"


class AssignmentBackend(ModelBackend):
    """Django's ``ModelBackend`` (passwords and permissions unchanged); the session's user is
    loaded with its assignment."""

    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        user = model._default_manager.select_related(WITH_ASSIGNMENT).filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        remember_assignment(user)
        return user


class AssignmentTokenAuthentication(TokenAuthentication):
    """DRF's token authentication; the token's user is loaded with its assignment. An unknown
    token or an inactive user is refused by DRF's own code, with its messages."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        token: Any = (
            self.get_model()
            ._default_manager.select_related(f"user__{WITH_ASSIGNMENT}")
            .filter(key=key)
            .first()
        )
        if token is None or not token.user.is_active:
            return super().authenticate_credentials(key)
        remember_assignment(token.user)
        return token.user, token

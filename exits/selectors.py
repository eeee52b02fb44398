"""Scoped reads of the exit procedure."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from exits.misclassification import misclassification_suspects
from exits.models import ExitApplication
from regions.scoping import scope_by_region

__all__ = ["exit_application_get", "exit_application_list", "misclassification_suspects"]


def exit_application_list(*, user: Any, state: str = "") -> QuerySet[Any]:
    applications = scope_by_region(ExitApplication.objects.all(), user, field="household__region")
    if state:
        applications = applications.filter(state=state)
    return applications.select_related("household", "household__region", "created_by").order_by(
        "-created"
    )


def exit_application_get(*, user: Any, pk: Any) -> Any:
    try:
        return exit_application_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, ExitApplication.DoesNotExist):
        raise Http404 from None

"""Scoped reads for import jobs and for the export of the register."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from imports.models import ImportJob
from regions.scoping import scope_by_region


def import_job_list(*, user: Any) -> QuerySet[ImportJob]:
    """Jobs made in the user's jurisdiction (an operator's jobs: operators only)."""
    return scope_by_region(ImportJob.objects.filter(kind="register"), user).select_related(
        "created_by"
    )


def import_job_get(*, user: Any, pk: Any) -> ImportJob:
    try:
        return import_job_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, ImportJob.DoesNotExist):
        raise Http404 from None

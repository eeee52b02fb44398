"""Scoped reads for import jobs and for the export of the register."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from imports.models import ExportJob, ImportJob
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


def export_job_list(*, user: Any) -> QuerySet[ExportJob]:
    """The user's own export jobs, still in the user's jurisdiction: a file is scoped and masked
    for the one who asked, so nobody else gets it."""
    if not getattr(user, "is_authenticated", False):
        return ExportJob.objects.none()
    return scope_by_region(ExportJob.objects.filter(created_by=user), user)


def export_job_get(*, user: Any, pk: Any) -> ExportJob:
    try:
        return export_job_list(user=user).get(pk=int(pk))
    except (TypeError, ValueError, ExportJob.DoesNotExist):
        raise Http404 from None

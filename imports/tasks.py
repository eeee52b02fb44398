"""Background work of the import jobs."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from imports.services import export_job_run, import_job_run


@shared_task(
    name="households.run_import_job",
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def run_import_job(job_id: int) -> str:
    """Check or commit an import job (whichever is left); idempotent, see imports.services.

    The name is the wire name from before the jobs had their own app (outbox rows carry it)."""
    return import_job_run(job_id=job_id)


@shared_task(
    name="imports.run_export_job",
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def run_export_job(job_id: int) -> str:
    """Write the file of an export job; idempotent, see imports.services.export_job_run."""
    return export_job_run(job_id=job_id)

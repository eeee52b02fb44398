"""Background work of the register."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from households.import_jobs import import_job_run


@shared_task(
    name="households.run_import_job",
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def run_import_job(job_id: int) -> str:
    """Check or commit an import job (whichever is left); idempotent, see import_jobs."""
    return import_job_run(job_id=job_id)


@shared_task(
    name="households.check_risks",
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def check_risks(household_id: int) -> list[int]:
    """The monitoring check of one household, after a visit or an edit (sent through the
    outbox). Idempotent: a second run opens nothing. Returns the ids of the cases it touched."""
    from households.monitoring import check_household

    return [case.pk for case in check_household(household_id)]

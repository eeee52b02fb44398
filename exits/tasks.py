"""Background work of the exits: the misclassification suspects (decision 0027)."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from exits import suspect_runs


@shared_task(
    name=suspect_runs.SUSPECTS_TASK,
    autoretry_for=(DatabaseError,),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
)
def compute_suspects(run_id: int) -> str:
    """Compute a requested run of the suspects; idempotent (``suspect_run_execute``)."""
    return suspect_runs.suspect_run_execute(run_id=run_id)

"""Background work of the monitoring: the check of one household and the daily check of all.

The task names are the wire names kept from before the monitoring had its own app: they are
stored in outbox rows and beat schedules, and may be in flight on the broker during a deploy.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import DatabaseError, OperationalError
from django.utils import timezone

from monitoring import checks


@shared_task(
    name="households.check_risks",
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def check_household(household_id: int) -> list[int]:
    """The monitoring check of one household, after a visit or an edit (sent through the
    outbox). Idempotent: a second run opens nothing. Returns the ids of the cases it touched."""
    return [case.pk for case in checks.check_household(household_id)]


@shared_task(
    name="supervision.monitoring_checks",
    autoretry_for=(DatabaseError,),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
)
def run_checks(on: str | None = None) -> int:
    """The daily check of every monitored household (beat); idempotent by signal key."""
    day = datetime.date.fromisoformat(on) if on else timezone.localdate()
    return int(checks.run_monitoring_checks(on=day))

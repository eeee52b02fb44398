"""The field notifications' tasks: queued through the outbox by the services whose event they
announce, and the daily reminder check on Celery beat (``supervision.schedules``). Each takes
ids or a date, calls one sender and is idempotent (one notification per user and event key)."""

from __future__ import annotations

import datetime
from typing import Any

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from workbench import notifications


def _task(name: str) -> Any:
    return shared_task(
        name=name,
        autoretry_for=(DatabaseError,),
        retry_backoff=10,
        retry_backoff_max=600,
        retry_jitter=True,
        max_retries=5,
        acks_late=True,
    )


@_task("workbench.notify_problem_assigned")
def notify_problem_assigned(problem_id: int) -> int:
    return notifications.notify_problem_assigned(problem_id=problem_id)


@_task("workbench.notify_exit_returned")
def notify_exit_returned(application_id: int) -> int:
    return notifications.notify_exit_returned(application_id=application_id)


@_task("workbench.notify_look_back_assigned")
def notify_look_back_assigned(period: str) -> int:
    return notifications.notify_look_back_assigned(period=period)


@_task("workbench.field_reminders")
def field_reminders(on: str | None = None) -> dict[str, int]:
    """``on``: the day to check as YYYY-MM-DD (default: today)."""
    today = datetime.date.fromisoformat(on) if on else timezone.localdate()
    return notifications.field_reminders_send(today=today)

"""The task outbox: follow-up work survives a broker outage.

A service calls ``enqueue("households.check_risks", household.pk)`` inside its transaction. The
message row commits together with the write; after the commit it is published to the broker and
marked sent. If the broker cannot be reached, the write still succeeds and the row stays pending;
``drain()`` publishes every pending row once the broker is back. It runs every minute from Celery
beat (the schedule is only delivered while the broker works, which is exactly when draining can
succeed) and on demand with ``manage.py drain_outbox``.

Delivery is at least once: a task sent through the outbox must be idempotent.
"""

from __future__ import annotations

import functools
import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tongren_fupin.celery import app
from tongren_fupin.models import OutboxMessage

logger = logging.getLogger(__name__)

#: Sent messages are kept this long (for inspection in the admin), then purged by ``drain``.
KEEP_SENT = timedelta(days=7)
BATCH = 500


def enqueue(task_name: str, *args: Any, **kwargs: Any) -> OutboxMessage:
    """Record a task to run after the current transaction commits (call it inside one)."""
    message = OutboxMessage.objects.create(task_name=task_name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: _send_one(message.pk))
    return message


def _publish(message: OutboxMessage, connection: Any) -> None:
    app.send_task(
        message.task_name,
        args=message.args,
        kwargs=message.kwargs,
        task_id=message.task_id,
        connection=connection,
        retry=False,
    )


@functools.cache
def _load_task_modules() -> None:
    """The apps' tasks modules, as a worker loads them: once per process. The loader also runs
    Django's system checks (Celery's Django fix-up), about 40 ms, on every call."""
    app.loader.import_default_modules()


def _send_one(message_id: int) -> bool:
    """Publish one message; on any broker failure keep it pending. Never raises."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, sent_at__isnull=True)
            .first()
        )
        if message is None:  # sent meanwhile by a drain
            return False
        return _send_locked([message]) == 1


def _send_locked(messages: list[OutboxMessage]) -> int:
    """Publish locked messages over one connection; mark the sent ones. Returns how many."""
    sent: list[int] = []
    error = ""
    if app.conf.task_always_eager:  # no broker (first run, tests): run inline, one by one
        _load_task_modules()
        for message in messages:
            try:
                app.tasks[message.task_name].apply(
                    args=message.args, kwargs=message.kwargs, task_id=message.task_id, throw=True
                )
            except Exception as exc:  # a failed task stays pending for a retry
                error = f"{type(exc).__name__}: {exc}"[:1000]
                logger.exception("Outbox: task %s failed inline", message.task_name)
            else:
                sent.append(message.pk)
    else:
        try:
            with app.connection_for_write() as connection:
                for message in messages:
                    _publish(message, connection)
                    sent.append(message.pk)
        except Exception as exc:  # whatever the broker failure, the row stays pending
            error = f"{type(exc).__name__}: {exc}"[:1000]
            logger.warning(
                "Outbox: broker unreachable, %s message(s) kept: %s", len(messages), error
            )
    now = timezone.now()
    for message in messages:
        message.attempts += 1
        if message.pk in sent:
            message.sent_at = now
            message.last_error = ""
        else:
            message.last_error = error
    OutboxMessage.objects.bulk_update(messages, ["attempts", "sent_at", "last_error"])
    return len(sent)


def drain() -> dict[str, int]:
    """Publish every pending message, oldest first; purge sent ones older than ``KEEP_SENT``."""
    total_sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True)
                .order_by("pk")[:BATCH]
            )
            if not batch:
                break
            sent = _send_locked(batch)
        total_sent += sent
        if sent < len(batch):  # the broker is down: try again on the next run
            break
    purged, _ = OutboxMessage.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).delete()
    pending = OutboxMessage.objects.filter(sent_at__isnull=True).count()
    return {"sent": total_sent, "pending": pending, "purged": purged}

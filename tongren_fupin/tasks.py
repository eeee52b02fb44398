"""Project-wide tasks."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="tongren_fupin.drain_outbox", ignore_result=True)
def drain_outbox() -> dict[str, int]:
    """Send what the outbox kept while the broker was away (scheduled every minute)."""
    from tongren_fupin import outbox

    return outbox.drain()

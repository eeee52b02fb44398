"""Project-wide tasks."""

from __future__ import annotations

from celery import shared_task

from regions.models import Region


@shared_task(name="tongren_fupin.ping")
def ping() -> dict[str, object]:
    """Health probe for a worker: answers and proves it can read the database."""
    return {"pong": True, "regions": Region.objects.count()}


@shared_task(name="tongren_fupin.drain_outbox", ignore_result=True)
def drain_outbox() -> dict[str, int]:
    """Send what the outbox kept while the broker was away (scheduled every minute)."""
    from tongren_fupin import outbox

    return outbox.drain()

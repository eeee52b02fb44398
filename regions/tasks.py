"""The worker's health probe: it answers and proves it can read the region tree.

Its name stays ``tongren_fupin.ping`` (the probe of the whole project, as the operations guide and
the compose health check call it)."""

from __future__ import annotations

from celery import shared_task

from regions.models import Region


@shared_task(name="tongren_fupin.ping")
def ping() -> dict[str, object]:
    """Health probe for a worker: answers and proves it can read the database."""
    return {"pong": True, "regions": Region.objects.count()}

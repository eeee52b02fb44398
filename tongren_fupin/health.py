"""``/health/``: is the service whole? For docker-compose's health checks and a monitor.

The checks are django-health-check's: the database (``SELECT 1``), the file storage (write,
read, delete), Redis (a ping of the broker) and a Celery worker (a ping over the broker); the
last two only when a broker is configured. The answer is ``{"status": "ok"}`` (200) or
``{"status": "unavailable"}`` (503) and nothing else: no versions, host names or error texts,
which go to the log. A staff user also sees which check failed, and with a read replica
configured whether it answers — a replica down is not a failure: the primary serves its reads
(decision 0031).
"""

from __future__ import annotations

import asyncio
import datetime
import inspect
import logging
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from health_check.checks import Database, Storage
from health_check.contrib.celery import Ping
from health_check.contrib.redis import Redis
from redis.asyncio import Redis as RedisClient

from tongren_fupin import db_router

logger = logging.getLogger(__name__)
TIMEOUT = datetime.timedelta(seconds=3)


def health_checks() -> dict[str, Any]:
    """The checks by name, for the configuration in force."""
    checks: dict[str, Any] = {"database": Database(), "storage": Storage()}
    broker: str = settings.CELERY_BROKER_URL
    if broker.startswith(("redis://", "rediss://")):
        seconds = TIMEOUT.total_seconds()
        checks["redis"] = Redis(
            client_factory=lambda: RedisClient.from_url(
                broker, socket_timeout=seconds, socket_connect_timeout=seconds
            )
        )
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        from tongren_fupin.celery import app

        checks["celery"] = Ping(app=app, timeout=TIMEOUT)
    return checks


def _passes(name: str, check: Any) -> bool:
    try:
        outcome = check.run()
        if inspect.isawaitable(outcome):
            asyncio.run(asyncio.wait_for(outcome, TIMEOUT.total_seconds() + 1))
    except Exception:
        logger.warning("health check %s failed", name, exc_info=True)
        return False
    return True


def _is_staff(request: HttpRequest) -> bool:
    try:
        return bool(request.user.is_staff)
    except DatabaseError:  # the session's user cannot be read: the database check says why
        return False


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    results = {name: _passes(name, check) for name, check in health_checks().items()}
    healthy = all(results.values())
    body: dict[str, Any] = {"status": "ok" if healthy else "unavailable"}
    if _is_staff(request):
        body["checks"] = {name: "ok" if passed else "failing" for name, passed in results.items()}
        if db_router.has_replica():
            body["replica"] = "ok" if db_router.replica_available() else "down"
    return JsonResponse(body, status=200 if healthy else 503)

"""Reads that may lag go to a PostgreSQL hot standby (decision 0031; docs/scaling.md).

With ``DATABASE_REPLICA_URL`` set there is a second database alias, ``replica``. A request's
reads go there only when all of these hold:

- its view says its reads may lag: a page or API view marked ``reads_may_lag`` (indicators,
  reports, dashboards) or the ``list`` action of an API viewset, on GET or HEAD;
- the same browser or client has not written in the last ``REPLICA_READ_YOUR_WRITES_SECONDS``
  (a write answers with a cookie saying until when its reads use the primary);
- the replica answers (checked per request on the open connection; after a failure it is left
  alone for ``REPLICA_RETRY_SECONDS`` and everything reads the primary);
- the read is not inside a transaction on the primary, and its model is not one that must never
  lag (sessions, users, tokens, login attempts, the outbox, roles and jurisdictions).

Everything else — every write, every read of a write request — uses the primary. Background
jobs opt in with ``reads_may_lag()`` around the part that only reads (the register export).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Model

REPLICA = "replica"
PRIMARY = "default"
#: Models whose reads never lag: signing in, the session, a token, a lockout, the outbox, and
#: who may see what (roles and jurisdictions, the region tree): a role taken away takes effect
#: on the next request, not after the replica has caught up.
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "auth", "authtoken", "axes", "admin", "contenttypes", "tongren_fupin", "regions"}
)
#: The cookie of read-your-writes: until when (epoch seconds) this client reads the primary.
PRIMARY_COOKIE = "fupin_primary_until"

logger = logging.getLogger(__name__)
_reads_may_lag: ContextVar[bool] = ContextVar("reads_may_lag", default=False)
_down_until = 0.0

V = TypeVar("V", bound=Callable[..., Any])


def lagging_view(view: V) -> V:
    """Mark a page or API view whose GET reads may come from the replica."""
    view.reads_may_lag = True  # type: ignore[attr-defined]
    return view


def has_replica() -> bool:
    return REPLICA in settings.DATABASES


def replica_available() -> bool:
    """The replica answers: a ``SELECT 1`` on the open connection (or a connection with a short
    timeout). After a failure the primary serves everything for ``REPLICA_RETRY_SECONDS``."""
    global _down_until
    if not has_replica() or time.monotonic() < _down_until:
        return False
    replica = connections[REPLICA]
    try:
        if replica.connection is None or not replica.is_usable():
            replica.close()
            replica.ensure_connection()
    except DatabaseError as error:
        with contextlib.suppress(DatabaseError):
            replica.close()
        _down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
        logger.warning("The read replica is unreachable; the primary serves every read: %s", error)
        return False
    return True


def forget_replica_state() -> None:
    """Check the replica again on the next request (after it was found down)."""
    global _down_until
    _down_until = 0.0


@contextlib.contextmanager
def reads_may_lag() -> Iterator[bool]:
    """Inside, reads go to the replica when it answers; yields whether they do."""
    token = _reads_may_lag.set(replica_available())
    try:
        yield _reads_may_lag.get()
    finally:
        _reads_may_lag.reset(token)


def reading_from_replica() -> bool:
    return _reads_may_lag.get()


def set_reads_may_lag(value: bool) -> None:
    _reads_may_lag.set(value)


class ReplicaRouter:
    """``DATABASE_ROUTERS``: lagging reads to ``replica``, the rest to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if not _reads_may_lag.get() or model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        if connections[PRIMARY].in_atomic_block:  # a write in progress reads its own rows
            return None
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        return True  # the replica is the primary's copy: the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA

"""Writing audit events. Services call ``record`` inside their own transaction."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from audit.models import AuditEvent, Category

Changes = dict[str, list[Any]]


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a field value."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields`` (foreign keys as their ids)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = _plain(getattr(obj, attname))
    return values


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> Changes:
    """``{field: [old, new]}`` for the fields whose value changed."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    subject: models.Model | None = None,
    region_code: str = "",
    changes: Mapping[str, Any] | None = None,
    summary: str = "",
    category: str = Category.DATA,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event. ``subject`` is the record whose history shows it (default ``obj``)."""
    subject = subject if subject is not None else obj
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        category=category,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        region_code=region_code,
        summary=summary[:255],
        changes={key: _plain(value) for key, value in (changes or {}).items()},
        ip_address=ip_address,
    )


def record_change(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: Mapping[str, Any],
    fields: Iterable[str] | None = None,
    extra: Mapping[str, Any] | None = None,
    subject: models.Model | None = None,
    region_code: str = "",
    summary: str = "",
    if_changed: bool = False,
) -> Changes:
    """Record the change of ``obj`` since ``before`` (its ``snapshot``, or ``{}`` for a new row):
    the ``diff`` of ``fields`` (default: the snapshot's) and then ``extra``. With ``if_changed``
    nothing is recorded when no field changed. Returns the diff."""
    changes = diff(before, snapshot(obj, before.keys() if fields is None else fields))
    if changes or not if_changed:
        record(
            actor=actor,
            action=action,
            obj=obj,
            subject=subject,
            region_code=region_code,
            changes={**changes, **(extra or {})},
            summary=summary,
        )
    return changes

"""Human-readable history rows: field labels and choice labels instead of codes.

``events_with_rows`` gives a page of events their rows with one query per kind of related record
named in them (a problem's responsible person, a member's household), whatever the number of
events: a household's history page does not query once per change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.labels import current_label
from audit.models import AuditEvent
from regions.masking import masked_changes

# (related model, target field name) → {stored value as text: the related record}
Related = dict[tuple[Any, str], dict[str, Any]]


def _value(field: models.Field | None, value: Any, related: Related) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(field, models.ForeignKey):
        return _related_label(related.get(_key(field), {}).get(str(value)), value)
    if field is not None and field.choices:
        labels = dict(field.flatchoices)
        if isinstance(value, list):
            return "、".join(str(labels.get(v, v)) for v in value) or "—"
        return str(labels.get(value, value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    return str(value)


def _key(field: models.ForeignKey[Any, Any]) -> tuple[Any, str]:
    return (field.related_model, field.target_field.name)


def _related_label(related: Any, value: Any) -> str:
    """The related record's name (or date) instead of its database id."""
    if related is None:
        return str(value)
    name = getattr(related, "name", "")
    if name:
        return str(name)
    when = getattr(related, "date", None)
    if when is not None:
        return date_format(when, "Y-m-d")
    return str(related)


def _fetch_related(wanted: dict[tuple[Any, str], set[Any]]) -> Related:
    """One query per related model for every value the events name."""
    found: Related = {}
    for (model, target), values in wanted.items():
        field = model._meta.get_field(target)
        clean = set()
        for value in values:
            try:
                clean.add(field.to_python(value))
            except (TypeError, ValueError, ValidationError):
                continue
        records = model._default_manager.filter(**{f"{target}__in": clean}) if clean else []
        found[(model, target)] = {str(getattr(r, target)): r for r in records}
    return found


def _field(model: Any, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    # A reverse relation (a visit's ``photos``) has no label or value of its own: the change
    # records a count, labelled by ``NAMED_CHANGES``.
    return None if isinstance(field, models.ForeignObjectRel) else field


# Changes that are not a field of the record: the number of photos added, and to which look.
NAMED_CHANGES = {"photos": gettext_lazy("photos"), "look": gettext_lazy("look")}


def _model(label: str) -> Any:
    """The model of an event's label, also of one written before the model moved app."""
    try:
        return apps.get_model(current_label(label))
    except (LookupError, ValueError):
        return None


def _fields_and_values(
    event: AuditEvent, user: Any
) -> list[tuple[str, models.Field | None, Any, Any]]:
    """(label, field, old, new) for each changed field, ID numbers masked for the user's role."""
    model = _model(event.object_type or event.subject_type)
    # An event on a record of the household (a relocation) may also change the household itself.
    subject_model = _model(event.subject_type) if event.subject_type else None
    changes = []
    for name, values in masked_changes(user, event.changes).items():
        field = _field(model, name) or _field(subject_model, name)
        if name == "other_causes" and field is not None:
            field = model._meta.get_field("main_cause")
            label = str(_("other poverty causes"))
        else:
            label = (
                str(field.verbose_name) if field is not None else str(NAMED_CHANGES.get(name, name))
            )
        old, new = [*values, None, None][:2] if isinstance(values, list) else (None, values)
        changes.append((label, field, old, new))
    return changes


def events_with_rows(events: Iterable[AuditEvent], user: Any) -> list[AuditEvent]:
    """The events, each with ``rows``: (label, old, new) per changed field."""
    events = list(events)
    changes = [_fields_and_values(event, user) for event in events]
    wanted: dict[tuple[Any, str], set[Any]] = defaultdict(set)
    for event_changes in changes:
        for _label, field, old, new in event_changes:
            if isinstance(field, models.ForeignKey):
                wanted[_key(field)].update(v for v in (old, new) if v not in (None, ""))
    related = _fetch_related(wanted)
    for event, event_changes in zip(events, changes, strict=True):
        event.rows = [  # type: ignore[attr-defined]
            (label, _value(field, old, related), _value(field, new, related))
            for label, field, old, new in event_changes
        ]
    return events


def change_rows(event: AuditEvent, user: Any) -> Sequence[tuple[str, str, str]]:
    """(label, old, new) for each changed field of one event."""
    return events_with_rows([event], user)[0].rows  # type: ignore[attr-defined]

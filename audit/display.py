"""Human-readable history rows: field labels and choice labels instead of codes."""

from __future__ import annotations

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


def _value(field: models.Field | None, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(field, models.ForeignKey):
        return _related(field, value)
    if field is not None and field.choices:
        labels = dict(field.flatchoices)
        if isinstance(value, list):
            return "、".join(str(labels.get(v, v)) for v in value) or "—"
        return str(labels.get(value, value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    return str(value)


def _related(field: models.ForeignKey[Any, Any], value: Any) -> str:
    """The related record's name (or date) instead of its database id."""
    manager = field.related_model._default_manager
    try:
        related = manager.filter(**{field.target_field.name: value}).first()
    except (TypeError, ValueError, ValidationError):
        related = None
    if related is None:
        return str(value)
    name = getattr(related, "name", "")
    if name:
        return str(name)
    when = getattr(related, "date", None)
    if when is not None:
        return date_format(when, "Y-m-d")
    return str(related)


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


def change_rows(event: AuditEvent, user: Any) -> list[tuple[str, str, str]]:
    """(label, old, new) for each changed field, ID numbers masked for the user's role."""
    model = _model(event.object_type or event.subject_type)
    # An event on a record of the household (a relocation) may also change the household itself.
    subject_model = _model(event.subject_type) if event.subject_type else None
    rows = []
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
        rows.append((label, _value(field, old), _value(field, new)))
    return rows

"""Human-readable history rows: field labels and choice labels instead of codes."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.serializers import masked_changes


def _value(field: models.Field | None, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field is not None and field.choices:
        labels = dict(field.flatchoices)
        if isinstance(value, list):
            return "、".join(str(labels.get(v, v)) for v in value) or "—"
        return str(labels.get(value, value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    return str(value)


def change_rows(event: AuditEvent, user: Any) -> list[tuple[str, str, str]]:
    """(label, old, new) for each changed field, ID numbers masked for the user's role."""
    try:
        model = apps.get_model(event.object_type or event.subject_type)
    except (LookupError, ValueError):
        model = None
    rows = []
    for name, values in masked_changes(user, event.changes).items():
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
        if name == "other_causes" and field is not None:
            field = model._meta.get_field("main_cause")  # type: ignore[union-attr]
            label = str(_("other poverty causes"))
        else:
            label = str(field.verbose_name) if field is not None else name
        old, new = [*values, None, None][:2] if isinstance(values, list) else (None, values)
        rows.append((label, _value(field, old), _value(field, new)))
    return rows

"""django-import-export in the admin, with every write through the project's services.

An app's ``resources.py`` declares a ``ServiceResource`` per reference table and says in
``write(instance=…, is_create=…, actor=…)`` which service saves a row (and so records its audit
event and applies the rules the pages apply). Import runs in a transaction: the preview (dry run)
calls the same services and is rolled back, the confirmation commits. A refusal (``DomainError``
or ``ValidationError``) is the row's error, in the project's own words; rows whose values equal
the stored ones are skipped, so importing an export changes nothing.

Workbooks only: XLSX in and out (``ServiceImportExportMixin``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from import_export import resources
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import XLSX

from tongren_fupin.errors import DomainError


class ServiceResource(resources.ModelResource):
    """Saves each row through ``write`` (a service), never ``Model.save`` directly."""

    def import_instance(self, instance: models.Model, row: Any, **kwargs: Any) -> None:
        """An empty cell of a text column is the empty text (as the pages store it), and a date
        cell the workbook holds as a date-time is the date, so that a workbook exported and
        imported again equals the stored rows."""
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            for field in instance._meta.concrete_fields:
                value = getattr(instance, field.attname)
                text = isinstance(field, models.CharField | models.TextField)
                if text and not field.null and value is None:
                    setattr(instance, field.attname, "")
                date_only = isinstance(field, models.DateField) and not isinstance(
                    field, models.DateTimeField
                )
                if date_only and isinstance(value, datetime.datetime):
                    setattr(instance, field.attname, value.date())

    def validate_instance(
        self,
        instance: models.Model,
        import_validation_errors: dict[str, Any] | None = None,
        validate_unique: bool = True,
    ) -> None:
        """The model's own validation (as the admin form's), with a refused code or a value out
        of bounds named as the project names it: the field and what it accepts."""
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            raise ValidationError(
                {
                    name: [field_message(instance, name, e) for e in errors]
                    for name, errors in error.error_dict.items()
                }
            ) from error

    def save_instance(
        self, instance: models.Model, is_create: bool, row: Any, **kwargs: Any
    ) -> None:
        self.before_save_instance(instance, row, **kwargs)
        try:
            self.write(instance=instance, is_create=is_create, actor=kwargs.get("user"))
        except DomainError as error:
            raise ValidationError(
                {name: list(messages) for name, messages in error.errors.items()} or error.message
            ) from error
        self.after_save_instance(instance, row, **kwargs)

    def write(self, *, instance: models.Model, is_create: bool, actor: Any) -> None:
        raise NotImplementedError


class ServiceImportExportMixin(ImportExportMixin):
    """Import with preview and confirmation, export, both as XLSX workbooks."""

    formats = [XLSX]


def field_message(instance: models.Model, name: str, error: ValidationError) -> str:
    """A field's error as the register import words it: a code list names the codes it accepts
    (with their labels), a bound names the limit; any other message is the model's own."""
    message = " ".join(error.messages)
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return message
    column = getattr(field, "verbose_name", name)
    params = error.params or {}
    if error.code == "invalid_choice" and getattr(field, "choices", None):
        accepted = "、".join(f"{value}（{label}）" for value, label in field.choices)  # type: ignore[union-attr]
        return _("%(column)s should be one of %(choices)s.") % {
            "column": column,
            "choices": accepted,
        }
    if error.code == "min_value":
        return _("%(column)s cannot be less than %(limit)s.") % {
            "column": column,
            "limit": params.get("limit_value", ""),
        }
    if error.code == "max_value":
        return _("%(column)s cannot be more than %(limit)s.") % {
            "column": column,
            "limit": params.get("limit_value", ""),
        }
    return message

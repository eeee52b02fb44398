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

from django.core.exceptions import ValidationError
from django.db import models
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

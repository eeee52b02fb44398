"""The poverty lines (扶贫标准, 监测线) are reference data operators maintain here, one at a time
or as an XLSX workbook (``households.resources``); every save goes through
``services.poverty_line_save`` (an audit event). A line is corrected, not deleted: the exit rule
and the indicators of every year read it. The register itself is written on its pages, the API
and the register import only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from households.models import PovertyLine
from households.resources import PovertyLineResource
from households.services import poverty_line_save
from tongren_fupin.resources import ServiceImportExportMixin


@admin.register(PovertyLine)
class PovertyLineAdmin(ServiceImportExportMixin, admin.ModelAdmin):
    resource_classes = [PovertyLineResource]
    list_display = ("year", "kind", "amount", "source")
    list_filter = ("kind",)
    ordering = ("kind", "year")

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        assert isinstance(obj, PovertyLine)
        poverty_line_save(actor=request.user, line=obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

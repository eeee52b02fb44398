"""Relocation sites and their facilities are listed, imported (new rows, through the same
services as the pages, an audit event per row) and exported as XLSX here; they change on their
pages (``relocation.resources``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from relocation.models import Facility, Site
from relocation.resources import FacilityResource, SiteResource
from tongren_fupin.resources import ServiceImportExportMixin


class ImportOnlyAdmin(ServiceImportExportMixin, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Site)
class SiteAdmin(ImportOnlyAdmin):
    resource_classes = [SiteResource]
    list_display = ["name", "region", "kind", "planned_households", "planned_people"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["region"]


@admin.register(Facility)
class FacilityAdmin(ImportOnlyAdmin):
    resource_classes = [FacilityResource]
    list_display = ["__str__", "site", "kind", "status"]
    list_filter = ["kind", "status"]
    list_select_related = ["site"]

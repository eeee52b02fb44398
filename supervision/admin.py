"""Thresholds are reference data operators edit, one at a time or as an XLSX workbook
(``supervision.resources``), every save through ``services.exit_threshold_save`` (an audit
event); a threshold is corrected, not deleted (readiness reads every one). Snapshots, reports
and notifications are written by the services and only read here.
The beat schedules are django-celery-beat's admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from supervision.models import ExitThreshold, IndicatorSnapshot, Notification, Report
from supervision.resources import ExitThresholdResource
from supervision.services import exit_threshold_save
from tongren_fupin.resources import ServiceImportExportMixin


@admin.register(ExitThreshold)
class ExitThresholdAdmin(ServiceImportExportMixin, admin.ModelAdmin):
    resource_classes = [ExitThresholdResource]
    list_display = ("indicator", "zone", "comparison", "value", "source")
    list_filter = ("zone",)

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        assert isinstance(obj, ExitThreshold)
        exit_threshold_save(actor=request.user, threshold=obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IndicatorSnapshot)
class IndicatorSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "region", "period", "value", "numerator", "denominator")
    list_filter = ("indicator",)
    search_fields = ("region__code", "period")
    list_select_related = ("region",)


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "region", "period", "created")
    list_filter = ("kind",)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("title", "user", "created", "read_at", "emailed_at")
    search_fields = ("user__username", "title")
    list_select_related = ("user",)

"""Synced records and data conflicts are written by the services and settled on the 数据冲突
pages (with their audit events); the admin only reads them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fieldsync.models import FieldConflict, SyncRecord


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SyncRecord)
class SyncRecordAdmin(ReadOnlyAdmin):
    list_display = ("client_token", "kind", "status", "household", "actor", "received_at")
    list_filter = ("kind", "status")
    search_fields = ("client_token", "household__household_no")
    list_select_related = ("household", "actor")


@admin.register(FieldConflict)
class FieldConflictAdmin(ReadOnlyAdmin):
    list_display = ("household", "member_name", "field", "state", "recorded_by", "created")
    list_filter = ("state", "target", "field")
    search_fields = ("household__household_no", "member_name")
    list_select_related = ("household", "recorded_by")

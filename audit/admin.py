from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: operators may search the trail, nobody may change it."""

    list_display = [
        "created",
        "category",
        "action",
        "actor",
        "object_type",
        "object_id",
        "region_code",
        "summary",
    ]
    list_filter = ["category", "action"]
    search_fields = ["action", "object_id", "subject_id", "region_code", "actor__username"]
    list_select_related = ["actor"]
    date_hierarchy = "created"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

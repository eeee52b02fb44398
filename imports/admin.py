from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from imports.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Read-only: jobs are made and decided on the import page, so each step is audited."""

    list_display = [
        "id",
        "original_name",
        "status",
        "mode",
        "progress",
        "error_count",
        "created_by",
        "region",
        "created",
    ]
    list_filter = ["status", "mode", "kind"]
    search_fields = ["original_name", "created_by__username"]
    list_select_related = ["created_by", "region"]
    date_hierarchy = "created"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

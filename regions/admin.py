from django.contrib import admin

from regions.models import Assignment, ManagementZone, Region, RegionYearFact


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "level",
        "parent",
        "is_poor_county",
        "is_poor_village",
        "exit_year",
    ]
    list_filter = ["level", "is_poor_county", "is_poor_village", "is_deep_poverty"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(RegionYearFact)
class RegionYearFactAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "rural_population"]
    list_filter = ["year"]
    raw_id_fields = ["region"]
    list_select_related = ["region"]


@admin.register(ManagementZone)
class ManagementZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    filter_horizontal = ["regions"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "region", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "region__name", "region__code"]
    raw_id_fields = ["user", "region"]
    list_select_related = ["user", "region"]

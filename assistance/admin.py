"""Operators maintain the reference data here: partners, institutions, agreements, pairings,
reported totals and the exchange records. Every save and delete goes through
``services.reference_save`` / ``services.reference_delete``, which record an audit event.
Partners, institutions, pairings, projects and trainings are also imported and exported as XLSX
(``assistance.resources``: each imported row through the same services). Projects and trainings
are otherwise written through their pages and the API only (fund flows and job placements too),
so their rules and audit events hold."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from assistance.models import (
    Agreement,
    ConsumptionAssistance,
    ExchangeVisit,
    Institution,
    JointMeeting,
    Pairing,
    Partner,
    Project,
    ReportedTotal,
    SecondedCadre,
    Training,
)
from assistance.resources import (
    InstitutionResource,
    PairingResource,
    PartnerResource,
    ProjectResource,
    TrainingResource,
)
from assistance.services import reference_delete, reference_save
from tongren_fupin.bounds import EXCHANGE_VISIT_PEOPLE_MAX, EXCHANGE_VISIT_PEOPLE_MIN
from tongren_fupin.forms import CountField
from tongren_fupin.resources import ServiceImportExportMixin


class AuditedAdmin(admin.ModelAdmin):
    """Saves and deletes (also the bulk delete action) leave audit events."""

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        reference_save(actor=request.user, obj=obj)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        reference_delete(actor=request.user, obj=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            reference_delete(actor=request.user, obj=obj)


@admin.register(Partner)
class PartnerAdmin(ServiceImportExportMixin, AuditedAdmin):
    resource_classes = [PartnerResource]
    list_display = ["name", "kind", "home_place", "credit_code", "is_collective"]
    list_filter = ["kind", "is_collective"]
    search_fields = ["name", "credit_code"]
    raw_id_fields = ["home_region"]


@admin.register(Institution)
class InstitutionAdmin(ServiceImportExportMixin, AuditedAdmin):
    resource_classes = [InstitutionResource]
    list_display = ["name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["region"]
    list_select_related = ["region"]


@admin.register(Agreement)
class AgreementAdmin(AuditedAdmin):
    list_display = ["title", "scheme", "partner", "region", "signed_on"]
    list_filter = ["scheme"]
    raw_id_fields = ["partner", "region"]
    list_select_related = ["partner", "region"]


@admin.register(Pairing)
class PairingAdmin(ServiceImportExportMixin, AuditedAdmin):
    resource_classes = [PairingResource]
    list_display = ["scheme", "level", "partner", "region", "partner_units", "target_units"]
    list_filter = ["scheme", "level"]
    raw_id_fields = ["partner", "region", "institution", "agreement"]
    list_select_related = ["partner", "region"]


@admin.register(ReportedTotal)
class ReportedTotalAdmin(AuditedAdmin):
    list_display = [
        "scheme",
        "partner",
        "partner_kind",
        "region",
        "start_year",
        "end_year",
        "funds",
    ]
    list_filter = ["scheme"]
    raw_id_fields = ["partner", "region"]
    list_select_related = ["partner", "region"]


@admin.register(ExchangeVisit, JointMeeting, ConsumptionAssistance, SecondedCadre)
class ActivityAdmin(AuditedAdmin):
    list_filter = ["scheme"]
    raw_id_fields = ["partner"]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # An exchange visit's people: the plausible range, refused naming the field (0022).
        if db_field.model is ExchangeVisit and db_field.name == "people":
            low, high = EXCHANGE_VISIT_PEOPLE_MIN, EXCHANGE_VISIT_PEOPLE_MAX
            return CountField(label=db_field.verbose_name, low=low, high=high)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Project)
class ProjectAdmin(ServiceImportExportMixin, admin.ModelAdmin):
    """Projects are listed, imported (new ones, as on the project page) and exported here; they
    change on their pages."""

    resource_classes = [ProjectResource]
    list_display = ["name", "scheme", "target_region", "year", "planned_amount", "state"]
    list_filter = ["scheme", "state", "year"]
    search_fields = ["name"]
    list_select_related = ["target_region"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Training)
class TrainingAdmin(ServiceImportExportMixin, admin.ModelAdmin):
    """Trainings are listed, imported (new ones, as on the training page) and exported here;
    they are recorded on their page."""

    resource_classes = [TrainingResource]
    list_display = ["title", "scheme", "region", "start_on", "sessions", "participants"]
    list_filter = ["scheme"]
    search_fields = ["title"]
    list_select_related = ["region"]
    raw_id_fields = ["partner", "members"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

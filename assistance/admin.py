"""Operators maintain the reference data here: partners, institutions, agreements, pairings,
reported totals and the exchange records. Projects, fund flows, trainings and job placements are
written through the services (pages and API) only, so their rules and audit events hold."""

from django.contrib import admin

from assistance.models import (
    Agreement,
    ConsumptionAssistance,
    ExchangeVisit,
    Institution,
    JointMeeting,
    Pairing,
    Partner,
    ReportedTotal,
    SecondedCadre,
)


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "home_place", "credit_code", "is_collective"]
    list_filter = ["kind", "is_collective"]
    search_fields = ["name", "credit_code"]
    raw_id_fields = ["home_region"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["region"]
    list_select_related = ["region"]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "scheme", "partner", "region", "signed_on"]
    list_filter = ["scheme"]
    raw_id_fields = ["partner", "region"]
    list_select_related = ["partner", "region"]


@admin.register(Pairing)
class PairingAdmin(admin.ModelAdmin):
    list_display = ["scheme", "level", "partner", "region", "partner_units", "target_units"]
    list_filter = ["scheme", "level"]
    raw_id_fields = ["partner", "region", "institution", "agreement"]
    list_select_related = ["partner", "region"]


@admin.register(ReportedTotal)
class ReportedTotalAdmin(admin.ModelAdmin):
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
class ActivityAdmin(admin.ModelAdmin):
    list_filter = ["scheme"]
    raw_id_fields = ["partner"]

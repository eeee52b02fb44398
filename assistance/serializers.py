from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from assistance.models import (
    Agreement,
    FundFlow,
    FundFlowKind,
    JobPlacement,
    Pairing,
    Partner,
    Project,
    Training,
)
from households.models import Member
from regions.models import Region
from regions.references import InJurisdiction, Referenced, ReferencedId, resolve_all
from tongren_fupin.api.fields import CountField
from tongren_fupin.bounds import PROJECT_PEOPLE_MAX, PROJECT_PEOPLE_MIN

AMOUNT = {"max_digits": 16, "decimal_places": 2, "min_value": Decimal("0.01")}


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = [
            "id",
            "name",
            "kind",
            "home_place",
            "home_region",
            "credit_code",
            "is_collective",
            "note",
        ]
        read_only_fields = fields


class PairingSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.name", read_only=True, default="")
    region_name = serializers.CharField(source="region.name", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True, default="")

    class Meta:
        model = Pairing
        fields = [
            "id",
            "scheme",
            "level",
            "partner",
            "partner_name",
            "region",
            "region_name",
            "institution",
            "institution_name",
            "partner_units",
            "target_units",
            "start_on",
            "end_on",
            "agreement",
            "note",
        ]
        read_only_fields = fields


class FundFlowSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(**AMOUNT)  # type: ignore[arg-type]
    kind = serializers.ChoiceField(choices=FundFlowKind.choices)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True, default="")

    class Meta:
        model = FundFlow
        fields = ["id", "project", "kind", "amount", "date", "note", "recorded_by", "created"]
        read_only_fields = ["id", "project", "recorded_by", "created"]


class ProjectSerializer(serializers.ModelSerializer):
    """A project with its fund totals (all flows, read-only) and progress."""

    partner = Referenced(
        queryset=Partner.objects.all(), required=False, allow_null=True, help_text=_("Partner id.")
    )
    agreement = InJurisdiction(
        queryset=Agreement.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Id of an agreement in your jurisdiction."),
    )
    target_region = InJurisdiction(
        queryset=Region.objects.all(),
        scope="code",
        help_text=_("Code of a region in your jurisdiction."),
    )
    partner_name = serializers.CharField(source="partner.name", read_only=True, default="")
    region_name = serializers.CharField(source="target_region.name", read_only=True)
    allocated = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    disbursed = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    reimbursed = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    planned_amount = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=Decimal(0), required=False
    )
    people_covered = CountField(
        label=_("people covered"), low=PROJECT_PEOPLE_MIN, high=PROJECT_PEOPLE_MAX, required=False
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "scheme",
            "partner",
            "partner_name",
            "agreement",
            "target_region",
            "region_name",
            "category",
            "year",
            "planned_amount",
            "people_covered",
            "state",
            "planned_completion",
            "filed_on",
            "started_on",
            "completed_on",
            "accepted_on",
            "allocated",
            "disbursed",
            "reimbursed",
            "note",
        ]
        read_only_fields = [
            "id",
            "state",
            "filed_on",
            "started_on",
            "completed_on",
            "accepted_on",
        ]
        extra_kwargs = {"year": {"min_value": 2000, "max_value": 2100}}


class ProjectAdvanceSerializer(serializers.Serializer):
    on = serializers.DateField(help_text=_("Date the project reached its next state."))


class TrainingSerializer(serializers.ModelSerializer):
    partner = Referenced(
        queryset=Partner.objects.all(), required=False, allow_null=True, help_text=_("Partner id.")
    )
    region = InJurisdiction(
        queryset=Region.objects.all(),
        scope="code",
        help_text=_("Code of a region in your jurisdiction."),
    )
    members = serializers.ListField(
        child=ReferencedId(),
        required=False,
        write_only=True,
        max_length=1000,
        help_text=_("Ids of registered members trained."),
    )

    def validate_members(self, ids: list[int]) -> list[Member]:
        """The members in the caller's jurisdiction; any other id is the field's 404, before
        anything else of the body is judged."""
        members = Member.objects.select_related("household")
        user = self.context["request"].user
        return resolve_all(members, user, ids, "members", scope="household__region")

    linked_members: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, source="members"
    )

    class Meta:
        model = Training
        fields = [
            "id",
            "scheme",
            "partner",
            "region",
            "title",
            "start_on",
            "end_on",
            "sessions",
            "participants",
            "members",
            "linked_members",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {
            "sessions": {"min_value": 1, "max_value": 100000},
            "participants": {"min_value": 1, "max_value": 10000000},
        }


class JobPlacementSerializer(serializers.ModelSerializer):
    partner = Referenced(
        queryset=Partner.objects.all(), required=False, allow_null=True, help_text=_("Partner id.")
    )
    member = InJurisdiction(
        queryset=Member.objects.select_related("household"),
        scope="household__region",
        help_text=_("Id of a registered member in your jurisdiction."),
    )
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = JobPlacement
        fields = [
            "id",
            "member",
            "member_name",
            "employer",
            "place",
            "placed_on",
            "scheme",
            "partner",
        ]
        read_only_fields = ["id"]


class AssistancePairingTotalSerializer(serializers.Serializer):
    scheme = serializers.CharField()
    level = serializers.CharField()
    pairings = serializers.IntegerField()
    partner_units = serializers.IntegerField()
    target_units = serializers.IntegerField()


class AssistanceSummaryAgreementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    partner = serializers.CharField()
    region = serializers.CharField()
    signed_on = serializers.DateField(allow_null=True)
    projects = serializers.IntegerField()


class AssistanceSummaryOutputSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    project_name = serializers.CharField()
    name = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=16, decimal_places=2)
    unit = serializers.CharField()


class AssistanceSummarySerializer(serializers.Serializer):
    """Totals: itemised rows plus reported totals. Money in yuan."""

    region = serializers.CharField()
    region_name = serializers.CharField()
    scheme = serializers.CharField()
    partner_kind = serializers.CharField()
    funds = serializers.DecimalField(max_digits=18, decimal_places=2)
    projects = serializers.IntegerField()
    people_covered = serializers.IntegerField()
    exchange_visitors = serializers.IntegerField()
    joint_meetings = serializers.IntegerField()
    working_meetings = serializers.IntegerField()
    trainings = serializers.IntegerField()
    trainees = serializers.IntegerField()
    placed = serializers.IntegerField()
    purchases = serializers.DecimalField(max_digits=18, decimal_places=2)
    sales_helped = serializers.DecimalField(max_digits=18, decimal_places=2)
    seconded_cadres = serializers.IntegerField()
    pairings = AssistancePairingTotalSerializer(many=True)
    agreements = AssistanceSummaryAgreementSerializer(many=True)
    project_outputs = AssistanceSummaryOutputSerializer(many=True)

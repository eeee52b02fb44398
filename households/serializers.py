from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from households.choices import Cause, Health
from households.models import AnnualIncome, AssistanceMeasure, Household, Member, PovertyLine
from households.services import HOUSEHOLD_FIELDS, MEMBER_EDITABLE
from regions.masking import Personal, displayed
from regions.models import Region
from regions.references import InJurisdiction
from tongren_fupin.api.fields import CountField, VersionField
from tongren_fupin.bounds import HOUSEHOLD_MEMBERS_MAX, HOUSEHOLD_MEMBERS_MIN


def _beside(fields: Iterable[str], displays: dict[str, list[str]]) -> list[str]:
    """``fields`` with the names of ``displays[field]`` right after each field."""
    return [name for field in fields for name in (field, *displays.get(field, []))]


def _reader(serializer: serializers.Serializer) -> Any:
    request = serializer.context.get("request")
    return request.user if request is not None else None


class MemberSerializer(serializers.ModelSerializer):
    """ID numbers, health status and disability details as the reader's role may see them
    (``regions.masking``): a masked health status is ``null``."""

    relation_display = serializers.CharField(source="get_relation_display", read_only=True)
    health = serializers.ChoiceField(
        choices=Health.choices,
        allow_null=True,
        read_only=True,
        help_text=_("Null where your role does not see health details."),
    )

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "id_number",
            "sex",
            "birth_date",
            "relation",
            "relation_display",
            "ethnicity",
            "political_status",
            "education",
            "schooling",
            "health",
            "labour_ability",
            "work_status",
            "work_months",
            "basic_medical_insurance",
            "serious_illness_insurance",
            "pension_insurance",
            "dibao",
            "is_active_military",
        ]
        read_only_fields = ["id", "sex", "birth_date"]
        # Uniqueness is checked by the service with a message that names no other household.
        extra_kwargs: dict[str, dict[str, Any]] = {"id_number": {"validators": []}}

    def to_representation(self, instance: Member) -> dict[str, Any]:
        data = super().to_representation(instance)
        user = _reader(self)
        data["id_number"] = displayed(user, Personal.ID_NUMBER, instance.id_number)
        data["health"] = displayed(user, Personal.HEALTH, instance.health)
        return data


class MemberWriteSerializer(MemberSerializer):
    version = VersionField(write_only=True, help_text=_("The household's version."))
    health = None  # type: ignore[assignment]  # written as the model says; only answers mask

    class Meta(MemberSerializer.Meta):
        fields = [*MemberSerializer.Meta.fields, "version"]


class HeadSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = MEMBER_EDITABLE
        extra_kwargs: dict[str, dict[str, Any]] = {"id_number": {"validators": []}}


class HouseholdSerializer(serializers.ModelSerializer):
    """The phones as the reader's role may see them (``regions.masking``)."""

    region = InJurisdiction(
        queryset=Region.objects.all(),
        scope="code",
        help_text=_("Code of a village in your jurisdiction."),
    )
    phone = serializers.CharField(read_only=True, help_text=_("Masked for some roles."))
    cadre_phone = serializers.CharField(read_only=True, help_text=_("Masked for some roles."))
    head_name = serializers.CharField(read_only=True)
    member_count = serializers.IntegerField(read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    other_causes = serializers.ListField(
        child=serializers.ChoiceField(choices=Cause.choices),
        max_length=2,
        required=False,
        error_messages={"max_length": _("At most 2 other poverty causes.")},
    )

    class Meta:
        model = Household
        fields = [
            "id",
            # The register's fields (the responsible cadre as the cadre_* fields, not as a user),
            # each read-only display beside the field it shows.
            *_beside(
                [f for f in HOUSEHOLD_FIELDS if f != "responsible_cadre"],
                {
                    "region": ["region_name", "head_name", "member_count"],
                    "status": ["status_display"],
                },
            ),
            "version",
            "created",
            "updated",
        ]
        read_only_fields = [
            "id",
            "status",
            "exit_year",
            "relapse_year",
            "relapse_cause",
            "version",
            "created",
            "updated",
        ]
        extra_kwargs: dict[str, dict[str, Any]] = {"household_no": {"validators": []}}

    def to_representation(self, instance: Household) -> dict[str, Any]:
        data = super().to_representation(instance)
        user = _reader(self)
        data["phone"] = displayed(user, Personal.PHONE, instance.phone)
        data["cadre_phone"] = displayed(user, Personal.PHONE, instance.cadre_phone)
        return data


class HouseholdListSerializer(serializers.ModelSerializer):
    """The compact row of the list; the detail endpoint gives every field."""

    head_name = serializers.CharField(read_only=True)
    member_count = serializers.IntegerField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "household_no",
            "region",
            "head_name",
            "member_count",
            "poverty_attribute",
            "status",
            "status_display",
            "identification_year",
            "exit_year",
            "main_cause",
            "version",
        ]
        read_only_fields = fields


class HouseholdCreateSerializer(HouseholdSerializer):
    head = HeadSerializer(write_only=True)
    phone = None  # type: ignore[assignment]  # written as the model says; only answers mask
    cadre_phone = None  # type: ignore[assignment]

    class Meta(HouseholdSerializer.Meta):
        fields = [*HouseholdSerializer.Meta.fields, "head"]


class HouseholdUpdateSerializer(HouseholdSerializer):
    version = VersionField(help_text=_("The version you edited (optimistic locking)."))
    phone = None  # type: ignore[assignment]  # written as the model says; only answers mask
    cadre_phone = None  # type: ignore[assignment]

    class Meta(HouseholdSerializer.Meta):
        read_only_fields = [
            "id",
            "household_no",
            "status",
            "exit_year",
            "relapse_year",
            "relapse_cause",
            "created",
            "updated",
        ]


class IncomeSerializer(serializers.ModelSerializer):
    line = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True, allow_null=True)
    # The page's range (a household of at most 30); the stored size follows the register's
    # members, so the column itself is not bounded this way (decision 0022).
    member_count = CountField(
        label=_("household size at year end"),
        low=HOUSEHOLD_MEMBERS_MIN,
        high=HOUSEHOLD_MEMBERS_MAX,
        required=False,
    )

    class Meta:
        model = AnnualIncome
        fields = [
            "id",
            "year",
            *AnnualIncome.INPUTS,
            "member_count",
            "property_total",
            "transfer_total",
            "net_income",
            "per_capita_net_income",
            "line",
        ]
        read_only_fields = [
            "id",
            "property_total",
            "transfer_total",
            "net_income",
            "per_capita_net_income",
        ]
        extra_kwargs: dict[str, dict[str, Any]] = {"member_count": {"required": False}}


class IncomeWriteSerializer(IncomeSerializer):
    version = VersionField(write_only=True)

    class Meta(IncomeSerializer.Meta):
        fields = [*IncomeSerializer.Meta.fields, "version"]


class MeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssistanceMeasure
        fields = ["id", "kind", "year", "description", "amount", "created"]
        read_only_fields = ["id", "created"]


class PovertyLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = PovertyLine
        fields = ["year", "kind", "amount", "source"]

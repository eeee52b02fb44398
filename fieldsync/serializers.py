"""The offline pack's answer, a synced record's body and answer, and the data conflicts."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fieldsync import fields
from fieldsync.models import FieldConflict, Resolution, SyncKind, SyncStatus
from inspections.models import CheckedField, FiveLooks
from inspections.serializers import ProblemSerializer, VisitSerializer
from regions.masking import Personal, displayed
from regions.people import person_name
from tongren_fupin.api.fields import BoundedJSONField, IdField, VersionField

# -- the offline pack --------------------------------------------------------------------------


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField(allow_blank=True)
    label = serializers.CharField()  # type: ignore[assignment]


class PackRegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PackMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    relation = serializers.CharField()
    relation_display = serializers.CharField()
    id_number = serializers.CharField(help_text=_("Masked as for your role."))
    sex = serializers.CharField()
    birth_date = serializers.DateField()
    work_status = serializers.CharField(allow_blank=True)
    work_status_display = serializers.CharField()
    work_months = serializers.IntegerField()
    schooling = serializers.CharField(allow_blank=True)
    schooling_display = serializers.CharField(allow_blank=True)
    education = serializers.CharField(allow_blank=True)
    education_display = serializers.CharField(allow_blank=True)
    basic_medical_insurance = serializers.BooleanField()


class PackRegisterValueSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=CheckedField.choices)
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.CharField(allow_blank=True)


class PackProblemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    category = serializers.CharField()
    category_display = serializers.CharField()
    description = serializers.CharField()
    deadline = serializers.DateField()
    state = serializers.CharField()
    state_display = serializers.CharField()
    overdue = serializers.BooleanField()


class PackLookBackSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    period = serializers.CharField()
    due = serializers.DateField()


class PackHouseholdSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    household_no = serializers.CharField()
    head_name = serializers.CharField(allow_blank=True)
    village = PackRegionSerializer()
    status = serializers.CharField()
    status_display = serializers.CharField()
    version = serializers.IntegerField(help_text=_("The household's version (optimistic lock)."))
    phone = serializers.CharField(allow_blank=True, help_text=_("Masked as for your role."))
    register = PackRegisterValueSerializer(
        many=True, help_text=_("The register's values that 五个一致 checks (系统录的).")
    )
    members = PackMemberSerializer(many=True)
    open_problems = PackProblemSerializer(many=True)
    look_back_tasks = PackLookBackSerializer(many=True)


class PackUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField(allow_blank=True)


class OfflinePackSerializer(serializers.Serializer):
    generated_at = serializers.DateTimeField()
    user = PackUserSerializer(help_text=_("Whose pack it is (a phone shared by two keeps two)."))
    region = PackRegionSerializer()
    household_count = serializers.IntegerField()
    households = PackHouseholdSerializer(many=True)
    editable_fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("The fields a household update may change, by target."),
    )
    choices = serializers.DictField(
        child=ChoiceSerializer(many=True), help_text=_("Codes and labels for the forms.")
    )


# -- a synced record ---------------------------------------------------------------------------


class VisitSyncSerializer(VisitSerializer):
    """The fields of ``POST /api/v1/visits/`` but the household and the token (the record's)."""

    household = None  # type: ignore[assignment]
    client_token = None  # type: ignore[assignment]
    problems_opened = None  # type: ignore[assignment]
    photos = None  # type: ignore[assignment]

    class Meta(VisitSerializer.Meta):
        fields = [
            f
            for f in VisitSerializer.Meta.fields
            if f
            not in {
                "id",
                "household",
                "visitor",
                "client_token",
                "problems_opened",
                "photos",
                "created",
            }
        ]


class ProblemSyncSerializer(ProblemSerializer):
    """A problem reported by hand; ``visit_token`` names a visit recorded offline before it."""

    household = None  # type: ignore[assignment]
    visit_token = serializers.UUIDField(
        required=False, help_text=_("The client token of the visit it was reported on.")
    )

    class Meta(ProblemSerializer.Meta):
        fields = ["category", "description", "responsible", "deadline", "visit_token"]
        read_only_fields: list[str] = []


class ChangeSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=["household", "member"])
    id = IdField(
        required=False, help_text=_("The member's id (for a member's field; else ignored).")
    )
    field = serializers.CharField(
        max_length=40,
        help_text=_(
            "household: phone; member: work_status, work_months, schooling, education, "
            "basic_medical_insurance"
        ),
    )
    base = BoundedJSONField(allow_null=True, help_text=_("The value the phone read."))
    value = BoundedJSONField(allow_null=True, help_text=_("The value recorded offline."))

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        target, name = data["target"], data["field"]
        allowed = fields.TARGET_FIELDS[target]
        if name not in allowed:
            raise serializers.ValidationError(
                {
                    "field": _("This field cannot be changed offline. Accepted: %(fields)s")
                    % {"fields": ", ".join(allowed)}
                }
            )
        if target == "member" and data.get("id") is None:
            raise serializers.ValidationError({"id": _("Give the member's id.")})
        for key in ("base", "value"):
            try:
                data[key] = fields.normalized(target, name, data.get(key))
            except DjangoValidationError as error:
                raise serializers.ValidationError({key: error.messages}) from error
        return data


class SyncRecordSerializer(serializers.Serializer):
    client_token = serializers.UUIDField(
        help_text=_("Made once per record on the phone: resending it never applies it twice.")
    )
    kind = serializers.ChoiceField(choices=SyncKind.choices)
    recorded_at = serializers.DateTimeField(help_text=_("When it was recorded on the phone."))
    household = IdField(help_text=_("Id of a household in your jurisdiction."))
    visit = VisitSyncSerializer(required=False, help_text=_("For kind visit."))
    seen = serializers.DictField(
        child=serializers.CharField(max_length=100, allow_blank=True),
        required=False,
        help_text=_("For kind visit: the register's values the visitor saw (系统录的), by item."),
    )
    changes = ChangeSerializer(
        many=True,
        required=False,
        max_length=50,  # type: ignore[call-arg]
        help_text=_("For kind household_update."),
    )
    problem = ProblemSyncSerializer(required=False, help_text=_("For kind problem."))

    def validate_seen(self, seen: dict[str, str]) -> dict[str, str]:
        unknown = set(seen) - set(CheckedField.values)
        if unknown:
            raise serializers.ValidationError(
                _("Unknown checked item: %(item)s") % {"item": ", ".join(sorted(unknown))}
            )
        return seen

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        needed = {"visit": "visit", "household_update": "changes", "problem": "problem"}
        part = needed[data["kind"]]
        if not data.get(part):
            raise serializers.ValidationError({part: _("A record of this kind needs this part.")})
        return data


class SyncMultipartSerializer(serializers.Serializer):
    record = serializers.CharField(help_text=_("The record as JSON (the JSON body's fields)."))
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, help_text=_("JPEG, PNG or WebP files")
    )
    looks = serializers.ListField(
        child=serializers.ChoiceField(choices=[("", ""), *[(n, n) for n in FiveLooks.LOOKS]]),
        required=False,
        help_text=_("Per photo, in order: one of the five looks, or empty for the visit."),
    )


class AppliedSerializer(serializers.Serializer):
    target = serializers.CharField()
    id = serializers.IntegerField()
    field = serializers.CharField()


class ConflictBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    target = serializers.CharField()
    member = serializers.IntegerField(allow_null=True)
    field = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    base = BoundedJSONField(allow_null=True)
    server = BoundedJSONField(allow_null=True)
    offline = BoundedJSONField(allow_null=True)


class RegisterChangedSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    seen = serializers.CharField(allow_blank=True)
    current = serializers.CharField(allow_blank=True)


class SyncResultSerializer(serializers.Serializer):
    client_token = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=SyncKind.choices)
    status = serializers.ChoiceField(choices=SyncStatus.choices)
    household = serializers.IntegerField()
    visit = serializers.IntegerField(allow_null=True)
    problem = serializers.IntegerField(allow_null=True)
    applied = AppliedSerializer(many=True)
    conflicts = ConflictBriefSerializer(many=True)
    register_changed = RegisterChangedSerializer(many=True)
    received_at = serializers.DateTimeField()


# -- conflicts ---------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def _person(user: Any) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "name": person_name(user)}


class FieldConflictSerializer(serializers.ModelSerializer):
    resolution = serializers.ChoiceField(
        choices=Resolution.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("Empty while the conflict is open."),
    )
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    head_name = serializers.SerializerMethodField()
    household_version = serializers.IntegerField(source="household.version", read_only=True)
    field_label = serializers.SerializerMethodField()
    base_value = serializers.SerializerMethodField()
    server_value = serializers.SerializerMethodField()
    offline_value = serializers.SerializerMethodField()
    resolved_value = serializers.SerializerMethodField()
    server_changed_by = serializers.SerializerMethodField()
    recorded_by = serializers.SerializerMethodField()
    resolved_by = serializers.SerializerMethodField()

    class Meta:
        model = FieldConflict
        fields = [
            "id",
            "household",
            "household_no",
            "head_name",
            "household_version",
            "target",
            "member",
            "member_name",
            "field",
            "field_label",
            "base_value",
            "server_value",
            "server_changed_by",
            "server_changed_at",
            "offline_value",
            "recorded_by",
            "recorded_at",
            "state",
            "resolution",
            "resolved_value",
            "resolved_by",
            "resolved_at",
            "created",
        ]
        read_only_fields = fields

    def get_head_name(self, conflict: FieldConflict) -> str:
        return str(getattr(conflict.household, "head_name", "") or "")

    def get_field_label(self, conflict: FieldConflict) -> str:
        return fields.label(conflict.target, conflict.field)

    def _value(self, conflict: FieldConflict, value: Any) -> Any:
        if conflict.field == "phone" and isinstance(value, str):
            request = self.context.get("request")
            return displayed(request.user if request else None, Personal.PHONE, value)
        return value

    @extend_schema_field(OpenApiTypes.ANY)
    def get_base_value(self, conflict: FieldConflict) -> Any:
        return self._value(conflict, conflict.base_value)

    @extend_schema_field(OpenApiTypes.ANY)
    def get_server_value(self, conflict: FieldConflict) -> Any:
        return self._value(conflict, conflict.server_value)

    @extend_schema_field(OpenApiTypes.ANY)
    def get_offline_value(self, conflict: FieldConflict) -> Any:
        return self._value(conflict, conflict.offline_value)

    @extend_schema_field(OpenApiTypes.ANY)
    def get_resolved_value(self, conflict: FieldConflict) -> Any:
        return self._value(conflict, conflict.resolved_value)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_server_changed_by(self, conflict: FieldConflict) -> dict[str, Any] | None:
        return _person(conflict.server_changed_by)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_recorded_by(self, conflict: FieldConflict) -> dict[str, Any] | None:
        return _person(conflict.recorded_by)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_resolved_by(self, conflict: FieldConflict) -> dict[str, Any] | None:
        return _person(conflict.resolved_by)


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.ChoiceField(choices=Resolution.choices)
    value = BoundedJSONField(
        required=False, allow_null=True, help_text=_("The value, for resolution other.")
    )
    version = VersionField(help_text=_("The household's version you saw."))

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from households.models import Household
from inspections.models import (
    ApprovalSurvey,
    ConsistencyItem,
    FiveLooks,
    MotivationAssessment,
    Photo,
    Problem,
    Visit,
)
from regions.references import InJurisdiction


class FiveLooksSerializer(serializers.ModelSerializer):
    class Meta:
        model = FiveLooks
        exclude = ["id", "visit"]


class ConsistencyItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsistencyItem
        fields = ["field", "wall", "bag", "spoken", "system", "observed", "mismatch"]
        read_only_fields = ["system", "mismatch"]


class SurveySerializer(serializers.ModelSerializer):
    approves = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApprovalSurvey
        fields = ["policy", "environment", "ethos", "cadre_relations", "approves"]


class MotivationSerializer(serializers.ModelSerializer):
    met_count = serializers.IntegerField(read_only=True)
    flagged = serializers.BooleanField(read_only=True)

    class Meta:
        model = MotivationAssessment
        fields = [*MotivationAssessment.ITEMS, "met_count", "flagged"]


class PhotoSerializer(serializers.ModelSerializer):
    """A photo's facts; its file is ``GET /api/v1/photos/{id}/`` (a JPEG without metadata)."""

    class Meta:
        model = Photo
        fields = ["id", "subject", "look", "taken_at", "width", "height", "created"]
        read_only_fields = fields


class PhotoUploadSerializer(serializers.Serializer):
    photos = serializers.ListField(
        child=serializers.FileField(), allow_empty=False, help_text=_("JPEG, PNG or WebP files")
    )
    look = serializers.ChoiceField(
        choices=[("", "")] + [(name, name) for name in FiveLooks.LOOKS],
        required=False,
        default="",
        help_text=_("One of the five looks, or empty for a photo of the visit."),
    )


class VisitSerializer(serializers.ModelSerializer):
    """A visit with its optional sections; the system column of 五个一致 is filled by the server."""

    household = InJurisdiction(
        queryset=Household.objects.all(), help_text=_("Id of a household in your jurisdiction.")
    )
    five_looks = FiveLooksSerializer(required=False, allow_null=True)
    consistency = ConsistencyItemSerializer(
        many=True,
        required=False,
        source="consistency_items",
        help_text=_("One row per checked item."),
    )
    survey = SurveySerializer(required=False, allow_null=True)
    motivation = MotivationSerializer(required=False, allow_null=True)
    client_token = serializers.UUIDField(
        required=False,
        help_text=_(
            "A token generated once per form: resending the same form gives the same visit."
        ),
    )
    problems_opened = serializers.SerializerMethodField()
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "household",
            "visitor",
            "date",
            "kind",
            "note",
            "location",
            "latitude",
            "longitude",
            "position_accuracy",
            "position_taken_at",
            "client_token",
            "five_looks",
            "consistency",
            "survey",
            "motivation",
            "problems_opened",
            "photos",
            "created",
        ]
        read_only_fields = ["id", "visitor", "created"]

    def get_problems_opened(self, visit: Visit) -> list[int]:
        return [problem.pk for problem in visit.problems.all()]

    def validate_consistency(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        fields = [item["field"] for item in items]
        if len(fields) != len(set(fields)):
            raise serializers.ValidationError(_("Each checked item may appear once."))
        return items

    def to_representation(self, visit: Visit) -> dict[str, Any]:
        visit.consistency_items = (  # type: ignore[attr-defined]
            list(visit.consistency.items.all()) if hasattr(visit, "consistency") else []
        )
        for name in ("five_looks", "survey", "motivation"):
            if not hasattr(visit, name):
                setattr(visit, name, None)
        return super().to_representation(visit)


class ProblemSerializer(serializers.ModelSerializer):
    household = InJurisdiction(
        queryset=Household.objects.all(), help_text=_("Id of a household in your jurisdiction.")
    )
    responsible = InJurisdiction(
        queryset=get_user_model().objects.all(),
        scope=None,
        required=False,
        allow_null=True,
        help_text=_("Id of a user whose jurisdiction lies within yours or above it."),
    )
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = Problem
        fields = [
            "id",
            "household",
            "visit",
            "source",
            "category",
            "category_display",
            "description",
            "responsible",
            "deadline",
            "state",
            "state_display",
            "evidence",
            "rectified_by",
            "rectified_at",
            "verified_by",
            "verified_at",
            "created",
        ]
        read_only_fields = [
            "id",
            "visit",
            "state",
            "evidence",
            "rectified_by",
            "rectified_at",
            "verified_by",
            "verified_at",
            "created",
        ]


class RectifySerializer(serializers.Serializer):
    evidence = serializers.CharField(max_length=2000)

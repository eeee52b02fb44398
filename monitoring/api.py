"""``/api/v1/monitoring-cases/``: monitoring after exit, one action per transition."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from households import selectors
from households.models import Household
from monitoring import selectors as monitoring_selectors
from monitoring import services as monitoring
from monitoring.models import (
    MonitoringCase,
    MonitoringCategory,
    MonitoringObjection,
    MonitoringStatus,
    MonitoringStep,
)
from publicity import api as publicity_api
from regions.references import InJurisdiction
from tongren_fupin.api.fields import IdField
from tongren_fupin.api.schema import ERROR_RESPONSES

CONFLICT = {409: ERROR_RESPONSES[400]}


class MonitoringStepSerializer(serializers.ModelSerializer):
    # A plain string here keeps one schema enum of statuses (MonitoringCaseStatusEnum).
    status = serializers.CharField(help_text=_("The status the step moved the case to."))
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    class Meta:
        model = MonitoringStep
        fields = ["status", "actor", "on", "note"]


class MonitoringObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonitoringObjection
        fields = ["id", "received_on", "content", "upheld", "resolution"]
        read_only_fields = ["id", "upheld", "resolution"]


class RiskSerializer(serializers.Serializer):
    key = serializers.CharField()
    code = serializers.CharField()
    evidence = serializers.CharField()
    found_on = serializers.CharField()


class MonitoringCaseSerializer(serializers.ModelSerializer):
    household = InJurisdiction(
        queryset=Household.objects.all(), help_text=_("Id of a household in your jurisdiction.")
    )
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    region = serializers.CharField(source="household.region_id", read_only=True)
    region_name = serializers.CharField(source="household.region.name", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    risks = RiskSerializer(many=True, read_only=True)
    identify_by = serializers.DateField(read_only=True)
    publicity_ends = serializers.DateField(read_only=True, allow_null=True)
    steps = MonitoringStepSerializer(many=True, read_only=True)
    objections = MonitoringObjectionSerializer(many=True, read_only=True)
    evidence = serializers.CharField(
        write_only=True, max_length=255, help_text=_("The risk reported (for a new case).")
    )

    class Meta:
        model = MonitoringCase
        fields = [
            "id",
            "household",
            "household_no",
            "region",
            "region_name",
            "category",
            "category_display",
            "status",
            "status_display",
            "opened",
            "identify_by",
            "risks",
            "evidence",
            "identified_on",
            "measures",
            "publicity_start",
            "publicity_days",
            "publicity_ends",
            "closed_on",
            "close_reason",
            "steps",
            "objections",
            "version",
            "created",
        ]
        read_only_fields = [
            "id",
            "status",
            "identified_on",
            "measures",
            "publicity_start",
            "publicity_days",
            "closed_on",
            "close_reason",
            "version",
            "created",
        ]
        # One open case per household is the service's rule (answered with 409).
        validators: list[Any] = []


class MonitoringDateSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text=_("Defaults to today."))


class MonitoringAdvanceSerializer(MonitoringDateSerializer):
    measures = serializers.CharField(max_length=2000)


class MonitoringDismissSerializer(MonitoringDateSerializer):
    reason = serializers.CharField(max_length=255)


class MonitoringPublicizeSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField(min_value=5, max_value=60, required=False)


class MonitoringDecideSerializer(MonitoringDateSerializer):
    objection = IdField()
    upheld = serializers.BooleanField()
    resolution = serializers.CharField(max_length=255)


def _on(data: dict[str, Any]) -> datetime.date:
    on: datetime.date = data.get("on") or timezone.localdate()
    return on


def _filters(params: Any) -> monitoring_selectors.CaseFilters:
    status, category = params.get("status", ""), params.get("category", "")
    if status and status not in MonitoringStatus.values:
        raise serializers.ValidationError({"status": [_("Unknown status.")]})
    if category and category not in MonitoringCategory.values:
        raise serializers.ValidationError({"category": [_("Unknown category.")]})
    overdue = params.get("overdue") in {"1", "true", "yes"}
    return monitoring_selectors.CaseFilters(
        status=status, category=category, overdue_on=timezone.localdate() if overdue else None
    )


def _case_response(case: Any, status: int = 200) -> Response:
    return Response(MonitoringCaseSerializer(case).data, status=status)


STEP = {200: MonitoringCaseSerializer, **CONFLICT, **ERROR_RESPONSES}


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=MonitoringStatus.values),
            OpenApiParameter("category", str, enum=MonitoringCategory.values),
            OpenApiParameter(
                "overdue", bool, description="Only cases still being identified after 15 days."
            ),
        ],
        responses={200: MonitoringCaseSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: MonitoringCaseSerializer, **ERROR_RESPONSES}),
    create=extend_schema(responses={201: MonitoringCaseSerializer, **CONFLICT, **ERROR_RESPONSES}),
)
class MonitoringCaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Cases of the user's jurisdiction; every write is checked by role in the service."""

    serializer_class = MonitoringCaseSerializer
    filter_backends = ()

    def get_queryset(self) -> Any:
        return monitoring_selectors.monitoring_case_list(
            user=self.request.user, filters=_filters(self.request.query_params)
        ).prefetch_related("steps__actor", "objections")

    def get_object(self) -> Any:
        return monitoring_selectors.monitoring_case_get(
            user=self.request.user, pk=self.kwargs["pk"]
        )

    def _fresh(self, case: MonitoringCase, status: int = 200) -> Response:
        fresh = (
            monitoring_selectors.monitoring_case_list(user=self.request.user)
            .prefetch_related("steps__actor", "objections")
            .get(pk=case.pk)
        )
        return _case_response(fresh, status)

    def create(self, request: Request) -> Response:
        body = MonitoringCaseSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        household = selectors.household_get(user=request.user, pk=data["household"].pk)
        case = monitoring.monitoring_case_open(
            actor=request.user,
            household=household,
            category=data["category"],
            opened=data["opened"],
            evidence=data["evidence"],
        )
        return self._fresh(case, 201)

    @extend_schema(request=MonitoringAdvanceSerializer, responses=STEP)
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk: str) -> Response:
        """Identification completed: the household is assisted with the given measures."""
        body = MonitoringAdvanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = monitoring.monitoring_case_advance(
            actor=request.user,
            case=self.get_object(),
            on=_on(body.validated_data),
            measures=body.validated_data["measures"],
        )
        return self._fresh(case)

    @extend_schema(request=MonitoringDismissSerializer, responses=STEP)
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str) -> Response:
        """Verification found no risk: not included."""
        body = MonitoringDismissSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = monitoring.monitoring_case_dismiss(
            actor=request.user,
            case=self.get_object(),
            on=_on(body.validated_data),
            reason=body.validated_data["reason"],
        )
        return self._fresh(case)

    @extend_schema(request=MonitoringPublicizeSerializer, responses=STEP)
    @action(detail=True, methods=["post"])
    def publicize(self, request: Request, pk: str) -> Response:
        """The village publicity of the risk clearance."""
        body = MonitoringPublicizeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = monitoring.monitoring_case_publicize(
            actor=request.user,
            case=self.get_object(),
            start=body.validated_data["start"],
            days=body.validated_data.get("days"),
        )
        return self._fresh(case)

    @extend_schema(request=MonitoringObjectionSerializer, responses=STEP)
    @action(detail=True, methods=["post"])
    def objections(self, request: Request, pk: str) -> Response:
        body = MonitoringObjectionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = self.get_object()
        publicity_api.objection_api_record(
            actor=request.user,
            owner=case,
            data=body.validated_data,
            rules=monitoring.MONITORING_PUBLICITY,
        )
        return self._fresh(case)

    @extend_schema(request=MonitoringDecideSerializer, responses=STEP)
    @action(detail=True, methods=["post"], url_path="decide-objection")
    def decide_objection(self, request: Request, pk: str) -> Response:
        body = MonitoringDecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = self.get_object()
        publicity_api.objection_api_decide(
            actor=request.user,
            owner=case,
            data=body.validated_data,
            rules=monitoring.MONITORING_PUBLICITY,
        )
        return self._fresh(case)

    @extend_schema(request=MonitoringDateSerializer, responses=STEP)
    @action(detail=True, methods=["post"])
    def clear(self, request: Request, pk: str) -> Response:
        """Risk cleared, after the publicity period."""
        body = MonitoringDateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = monitoring.monitoring_case_clear(
            actor=request.user, case=self.get_object(), on=_on(body.validated_data)
        )
        return self._fresh(case)

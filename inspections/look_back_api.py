"""``/api/v1/look-back-tasks/``: the look-back visit tasks of the user's jurisdiction (read)."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from inspections import selectors
from inspections.look_back_models import PERIOD_PATTERN, LookBackStatus, LookBackTask
from tongren_fupin.api.schema import ERROR_RESPONSES


class LookBackTaskSerializer(serializers.ModelSerializer):
    household_no = serializers.CharField(source="household.household_no")
    region = serializers.CharField(source="household.region_id")
    region_name = serializers.CharField(source="household.region.name")
    flags = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = LookBackTask
        fields = [
            "id",
            "household",
            "household_no",
            "region",
            "region_name",
            "period",
            "reason",
            "flags",
            "due",
            "status",
            "visit",
            "completed_on",
        ]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=LookBackStatus.values),
            OpenApiParameter("period", str, description="A month, YYYY-MM."),
        ],
        responses={200: LookBackTaskSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: LookBackTaskSerializer, **ERROR_RESPONSES}),
)
class LookBackTaskViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = LookBackTaskSerializer
    filter_backends = ()

    def get_queryset(self) -> Any:
        params = self.request.query_params
        status, period = params.get("status", ""), params.get("period", "")
        errors = {}
        if status and status not in LookBackStatus.values:
            errors["status"] = [_("Unknown status.")]
        if period and not re.fullmatch(PERIOD_PATTERN, period):
            errors["period"] = [_("Give a month as YYYY-MM.")]
        if errors:
            raise serializers.ValidationError(errors)
        return selectors.look_back_task_list(user=self.request.user, status=status, period=period)

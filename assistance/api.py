"""``/api/v1/partners/``, ``pairings/``, ``projects/`` (+ ``fund-flows/``, ``advance/``),
``trainings/``, ``job-placements/`` and ``assistance/summary/``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from assistance import selectors, services
from assistance.models import PairingLevel, PartnerKind, ProjectState, Scheme
from assistance.serializers import (
    AssistanceSummarySerializer,
    FundFlowSerializer,
    JobPlacementSerializer,
    PairingSerializer,
    PartnerSerializer,
    ProjectAdvanceSerializer,
    ProjectSerializer,
    TrainingSerializer,
)
from regions.permissions import HasJurisdiction
from regions.roles import ASSISTANCE_READ_ROLES, ASSISTANCE_WRITE_ROLES, has_role
from tongren_fupin.api.schema import ERROR_RESPONSES

CONFLICT = {409: ERROR_RESPONSES[400]}


class AssistancePermission(HasJurisdiction):
    """Readers (``ASSISTANCE_READ_ROLES``) may read; ``ASSISTANCE_WRITE_ROLES`` may also write."""

    message = _("Your role may not do this.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        roles = ASSISTANCE_READ_ROLES if request.method in SAFE_METHODS else ASSISTANCE_WRITE_ROLES
        return has_role(request.user, roles)


def _choice(params: Any, name: str, choices: list[str]) -> str:
    value = str(params.get(name, ""))
    if value and value not in choices:
        raise serializers.ValidationError({name: [_("Unknown value.")]})
    return value


SCHEME = OpenApiParameter("scheme", str, enum=Scheme.values)


@extend_schema_view(
    list=extend_schema(
        parameters=[SCHEME, OpenApiParameter("kind", str, enum=PartnerKind.values)],
        responses={200: PartnerSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: PartnerSerializer, **ERROR_RESPONSES}),
)
class PartnerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [AssistancePermission]
    serializer_class = PartnerSerializer
    filter_backends = ()

    def get_queryset(self) -> Any:
        params = self.request.query_params
        return selectors.partner_list(
            user=self.request.user,
            scheme=_choice(params, "scheme", Scheme.values),
            kind=_choice(params, "kind", PartnerKind.values),
        )

    def get_object(self) -> Any:
        return selectors.partner_get(user=self.request.user, pk=self.kwargs["pk"])


@extend_schema_view(
    list=extend_schema(
        parameters=[SCHEME, OpenApiParameter("level", str, enum=PairingLevel.values)],
        responses={200: PairingSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: PairingSerializer, **ERROR_RESPONSES}),
)
class PairingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [AssistancePermission]
    serializer_class = PairingSerializer
    filter_backends = ()

    def get_queryset(self) -> Any:
        params = self.request.query_params
        return selectors.pairing_list(
            user=self.request.user,
            scheme=_choice(params, "scheme", Scheme.values),
            level=_choice(params, "level", PairingLevel.values),
        )

    def get_object(self) -> Any:
        return selectors.pairing_get(user=self.request.user, pk=self.kwargs["pk"])


@extend_schema_view(
    list=extend_schema(
        parameters=[
            SCHEME,
            OpenApiParameter("state", str, enum=ProjectState.values),
            OpenApiParameter("year", {"type": "integer", "minimum": 2000, "maximum": 2100}),
        ],
        responses={200: ProjectSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: ProjectSerializer, **ERROR_RESPONSES}),
    create=extend_schema(responses={201: ProjectSerializer, **ERROR_RESPONSES}),
)
class ProjectViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [AssistancePermission]
    serializer_class = ProjectSerializer
    filter_backends = ()

    def get_queryset(self) -> Any:
        params = self.request.query_params
        year = str(params.get("year", ""))
        if year and not (year.isdigit() and 2000 <= int(year) <= 2100):
            raise serializers.ValidationError({"year": [_("Give a year from 2000 to 2100.")]})
        return selectors.project_list(
            user=self.request.user,
            scheme=_choice(params, "scheme", Scheme.values),
            state=_choice(params, "state", ProjectState.values),
            year=int(year) if year else None,
        )

    def get_object(self) -> Any:
        return selectors.project_get(user=self.request.user, pk=self.kwargs["pk"])

    def create(self, request: Request) -> Response:
        serializer = ProjectSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        project = services.project_create(actor=request.user, data=serializer.validated_data)
        fresh = selectors.project_get(user=request.user, pk=project.pk)
        return Response(ProjectSerializer(fresh).data, status=201)

    @extend_schema(
        methods=["get"],
        request=None,
        responses={200: FundFlowSerializer(many=True), **ERROR_RESPONSES},
    )
    @extend_schema(
        methods=["post"],
        request=FundFlowSerializer,
        responses={201: FundFlowSerializer, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["get", "post"], url_path="fund-flows", pagination_class=None)
    def fund_flows(self, request: Request, pk: str) -> Response:
        """The project's fund flows; POST records one (拨付 ≤ 下达, 报账 ≤ 拨付)."""
        project = self.get_object()
        if request.method == "GET":
            flows = selectors.project_flows(project)
            return Response(FundFlowSerializer(flows, many=True).data)
        serializer = FundFlowSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        flow = services.fund_flow_record(
            actor=request.user, project=project, **serializer.validated_data
        )
        return Response(FundFlowSerializer(flow).data, status=201)

    @extend_schema(
        request=ProjectAdvanceSerializer,
        responses={200: ProjectSerializer, **CONFLICT, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk: str) -> Response:
        """Move the project to its next state (planned → filed → started → completed → accepted)."""
        project = self.get_object()
        body = ProjectAdvanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.project_advance(actor=request.user, project=project, on=body.validated_data["on"])
        return Response(ProjectSerializer(self.get_object()).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[SCHEME], responses={200: TrainingSerializer(many=True), **ERROR_RESPONSES}
    ),
    retrieve=extend_schema(responses={200: TrainingSerializer, **ERROR_RESPONSES}),
    create=extend_schema(responses={201: TrainingSerializer, **ERROR_RESPONSES}),
)
class TrainingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [AssistancePermission]
    serializer_class = TrainingSerializer
    filter_backends = ()

    def get_queryset(self) -> Any:
        scheme = _choice(self.request.query_params, "scheme", Scheme.values)
        return selectors.training_list(user=self.request.user, scheme=scheme).prefetch_related(
            "members"
        )

    def get_object(self) -> Any:
        return selectors.training_get(user=self.request.user, pk=self.kwargs["pk"])

    def create(self, request: Request) -> Response:
        serializer = TrainingSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        members = data.pop("members", [])
        training = services.training_record(actor=request.user, data=data, members=members)
        return Response(TrainingSerializer(training).data, status=201)


@extend_schema_view(
    list=extend_schema(
        parameters=[SCHEME], responses={200: JobPlacementSerializer(many=True), **ERROR_RESPONSES}
    ),
    retrieve=extend_schema(responses={200: JobPlacementSerializer, **ERROR_RESPONSES}),
    create=extend_schema(responses={201: JobPlacementSerializer, **ERROR_RESPONSES}),
)
class JobPlacementViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [AssistancePermission]
    serializer_class = JobPlacementSerializer
    filter_backends = ()

    def get_queryset(self) -> Any:
        scheme = _choice(self.request.query_params, "scheme", Scheme.values)
        return selectors.job_placement_list(user=self.request.user, scheme=scheme)

    def get_object(self) -> Any:
        return selectors.job_placement_get(user=self.request.user, pk=self.kwargs["pk"])

    def create(self, request: Request) -> Response:
        serializer = JobPlacementSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        member = data.pop("member")
        placement = services.job_placement_record(actor=request.user, member=member, data=data)
        return Response(JobPlacementSerializer(placement).data, status=201)


class SummaryView(APIView):
    """Totals of the three-in-one assistance and the 9+2 action (itemised + reported rows)."""

    reads_may_lag = True  # indicators, reports, dashboards: the replica (decision 0031)

    permission_classes = [AssistancePermission]

    @extend_schema(
        parameters=[
            SCHEME,
            OpenApiParameter("region", str, description="12-digit region code"),
            OpenApiParameter("partner_kind", str, enum=PartnerKind.values),
        ],
        responses={200: AssistanceSummarySerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        scheme = _choice(params, "scheme", Scheme.values)
        partner_kind = _choice(params, "partner_kind", PartnerKind.values)
        code = str(params.get("region", ""))
        if code and not (code.isdigit() and len(code) == 12):
            raise serializers.ValidationError({"region": [_("A region code has 12 digits.")]})
        region = selectors.summary_region(user=request.user, code=code)
        summary = selectors.assistance_summary(
            user=request.user,
            filters=selectors.SummaryFilters(
                scheme=scheme, region=region, partner_kind=partner_kind
            ),
        )
        return Response(AssistanceSummarySerializer(summary).data)

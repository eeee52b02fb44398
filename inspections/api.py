"""``/api/v1/visits/``, ``/api/v1/problems/`` (+ transitions), ``/api/v1/misclassification/``."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from households.selectors import household_get
from inspections import selectors, services
from inspections.models import ProblemState
from inspections.serializers import (
    PhotoSerializer,
    PhotoUploadSerializer,
    ProblemSerializer,
    RectifySerializer,
    VisitSerializer,
)
from tongren_fupin.api.fields import ID_PARAMETER, query_id
from tongren_fupin.api.schema import ERROR_RESPONSES
from tongren_fupin.photos import photo_response

CONFLICT = {409: ERROR_RESPONSES[400]}


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("household", ID_PARAMETER)],
        responses={200: VisitSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: VisitSerializer, **ERROR_RESPONSES}),
    create=extend_schema(responses={201: VisitSerializer, 200: VisitSerializer, **ERROR_RESPONSES}),
)
class VisitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = VisitSerializer
    filter_backends = ()

    def get_queryset(self) -> Any:
        household = query_id(self.request.query_params, "household")
        return selectors.visit_list(
            user=self.request.user,
            household=(
                household_get(user=self.request.user, pk=household)
                if household is not None
                else None
            ),
        ).prefetch_related("problems")

    def get_object(self) -> Any:
        return selectors.visit_get(user=self.request.user, pk=self.kwargs["pk"])

    def create(self, request: Request) -> Response:
        serializer = VisitSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        household = household_get(user=request.user, pk=data.pop("household").pk)
        items = data.pop("consistency_items", None) or []
        visit = services.visit_record(
            actor=request.user,
            household=household,
            data=data,
            five_looks=data.pop("five_looks", None),
            consistency={item.pop("field"): item for item in items} or None,
            survey=data.pop("survey", None),
            motivation=data.pop("motivation", None),
            client_token=data.pop("client_token", None),
        )
        fresh = (
            selectors.visit_list(user=request.user).prefetch_related("problems").get(pk=visit.pk)
        )
        return Response(VisitSerializer(fresh).data, status=201)

    @extend_schema(
        request={"multipart/form-data": PhotoUploadSerializer},
        responses={201: PhotoSerializer(many=True), **ERROR_RESPONSES, 413: ERROR_RESPONSES[400]},
    )
    @action(
        detail=True, methods=["post"], parser_classes=[parsers.MultiPartParser, parsers.FormParser]
    )
    def photos(self, request: Request, pk: str) -> Response:
        """Add photos to a visit (multipart: ``photos``, optional ``look``); each is re-encoded
        without its metadata, and one refused (too large: 413, not an image: 400) adds none."""
        visit = self.get_object()
        body = PhotoUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        added = services.visit_photos_add(
            actor=request.user,
            visit=visit,
            photos=body.validated_data["photos"],
            look=body.validated_data["look"],
        )
        return Response(PhotoSerializer(added, many=True).data, status=201)


class PhotoFileViewSet(viewsets.GenericViewSet):
    """``GET /api/v1/photos/{id}/``: the JPEG of a photo of the jurisdiction (else 404)."""

    serializer_class = PhotoSerializer

    def get_queryset(self) -> Any:
        return selectors.visit_photos(user=self.request.user, visit_ids=[])

    @extend_schema(responses={(200, "image/jpeg"): bytes, **ERROR_RESPONSES})
    def retrieve(self, request: Request, pk: str) -> Any:
        return photo_response(selectors.photo_get(user=request.user, pk=pk))


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=ProblemState.values),
            OpenApiParameter("overdue", bool),
        ],
        responses={200: ProblemSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: ProblemSerializer, **ERROR_RESPONSES}),
    create=extend_schema(responses={201: ProblemSerializer, **ERROR_RESPONSES}),
)
class ProblemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ProblemSerializer
    filter_backends = ()

    def get_queryset(self) -> Any:
        params = self.request.query_params
        state = params.get("state", "")
        if state and state not in ProblemState.values:
            raise serializers.ValidationError({"state": [_("Unknown state.")]})
        overdue = params.get("overdue") in {"1", "true", "yes"}
        return selectors.problem_list(
            user=self.request.user,
            state=state,
            overdue_on=timezone.localdate() if overdue else None,
        )

    def get_object(self) -> Any:
        return selectors.problem_get(user=self.request.user, pk=self.kwargs["pk"])

    def create(self, request: Request) -> Response:
        serializer = ProblemSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        household = household_get(user=request.user, pk=data.pop("household").pk)
        problem = services.problem_open(actor=request.user, household=household, data=data)
        return Response(ProblemSerializer(problem).data, status=201)

    def _transition(self, request: Request, move: Any, **kwargs: Any) -> Response:
        problem = self.get_object()
        return Response(ProblemSerializer(move(actor=request.user, problem=problem, **kwargs)).data)

    @extend_schema(request=None, responses={200: ProblemSerializer, **CONFLICT, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        return self._transition(request, services.problem_start)

    @extend_schema(
        request=RectifySerializer, responses={200: ProblemSerializer, **CONFLICT, **ERROR_RESPONSES}
    )
    @action(detail=True, methods=["post"])
    def rectify(self, request: Request, pk: str) -> Response:
        body = RectifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._transition(
            request, services.problem_rectify, evidence=body.validated_data["evidence"]
        )

    @extend_schema(request=None, responses={200: ProblemSerializer, **CONFLICT, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str) -> Response:
        return self._transition(request, services.problem_verify)

    @extend_schema(request=None, responses={200: ProblemSerializer, **CONFLICT, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        return self._transition(request, services.problem_reopen)

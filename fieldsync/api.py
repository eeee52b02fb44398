"""``/api/v1/offline-pack/``, ``/api/v1/sync/`` and ``/api/v1/conflicts/`` (+ resolve)."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fieldsync import selectors, services
from fieldsync.fields import TARGET_FIELDS, choices_of
from fieldsync.models import ConflictState, SyncRecord
from fieldsync.serializers import (
    FieldConflictSerializer,
    OfflinePackSerializer,
    ResolveSerializer,
    SyncMultipartSerializer,
    SyncRecordSerializer,
    SyncResultSerializer,
)
from fieldsync.sync_input import parse_record, record_photos, resolve_record
from households.models import annotate_page
from inspections.models import (
    SOURCES,
    ApprovalSurvey,
    CheckedField,
    ConsistencyItem,
    FiveLooks,
    MotivationAssessment,
    ProblemCategory,
    Satisfaction,
    VisitKind,
)
from regions.people import person_name
from regions.permissions import HasRole
from regions.roles import CONFLICT_RESOLVE_ROLES, OFFLINE_PACK_ROLES, role_of
from tongren_fupin.api.schema import ERROR_RESPONSES
from tongren_fupin.errors import DomainError

CONFLICT = {409: ERROR_RESPONSES[400]}


def _pairs(items: Any) -> list[dict[str, Any]]:
    return [{"value": str(value), "label": str(label)} for value, label in items]


def _labels(model: Any, names: Any) -> list[dict[str, Any]]:
    return [{"value": n, "label": str(model._meta.get_field(n).verbose_name)} for n in names]


def pack_choices() -> dict[str, list[dict[str, Any]]]:
    """Codes and labels the phone's forms need with no network."""
    return {
        "work_status": choices_of("member", "work_status"),
        "schooling": choices_of("member", "schooling"),
        "education": choices_of("member", "education"),
        "visit_kind": _pairs(VisitKind.choices),
        "problem_category": _pairs(ProblemCategory.choices),
        "checked_field": _pairs(CheckedField.choices),
        "consistency_source": _labels(ConsistencyItem, [s for s in SOURCES if s != "system"]),
        "five_looks": _labels(FiveLooks, FiveLooks.LOOKS),
        "satisfaction": _pairs(Satisfaction.choices),
        "survey_item": _labels(ApprovalSurvey, ApprovalSurvey.ITEMS),
        "motivation_item": _labels(MotivationAssessment, MotivationAssessment.ITEMS),
    }


class OfflinePackView(APIView):
    """The offline pack: every household of the jurisdiction (or of ``?region=`` within it)
    with what the visit form shows, ID numbers and phones as the role sees them."""

    permission_classes = [HasRole]
    allowed_roles = OFFLINE_PACK_ROLES

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "region",
                str,
                description=_("Code of a township or village within your jurisdiction"),
            )
        ],
        responses={200: OfflinePackSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        region = selectors.pack_region(
            user=request.user, code=request.query_params.get("region") or None
        )
        households = selectors.pack_households(user=request.user, region=region)
        count, cap = households.count(), selectors.pack_cap()
        if count > cap:
            message = _(
                "%(region)s has %(count)s households, more than the %(cap)s an offline pack "
                "holds. Choose a township or village with ?region=<code>."
            ) % {"region": region.name, "count": count, "cap": cap}
            raise DomainError("pack_too_large", message, errors={"region": [message]})
        pack = selectors.offline_pack(user=request.user, households=households, region=region)
        selectors.log_pack_display(user=request.user, pack=pack, ip=request.META.get("REMOTE_ADDR"))
        body = {
            "generated_at": timezone.now(),
            "user": {
                "id": request.user.pk,
                "name": person_name(request.user),
                "role": role_of(request.user) or "",
            },
            "region": {"code": region.code, "name": region.name},
            "household_count": len(pack.households),
            "households": pack.households,
            "editable_fields": {k: list(v) for k, v in TARGET_FIELDS.items()},
            "choices": pack_choices(),
        }
        return Response(OfflinePackSerializer(body).data)


class SyncView(APIView):
    """One record made offline, applied exactly once (its ``client_token``)."""

    @extend_schema(
        request={
            "application/json": SyncRecordSerializer,
            "multipart/form-data": SyncMultipartSerializer,
        },
        responses={
            201: SyncResultSerializer,
            200: SyncResultSerializer,
            **ERROR_RESPONSES,
            **CONFLICT,
            413: ERROR_RESPONSES[400],
        },
    )
    def post(self, request: Request) -> Response:
        """201 when applied now, 200 with the same body when the token was applied before.
        A refused record (400, 403, 404) is not stored: correct it and send the same token."""
        raw = parse_record(request)
        try:
            token = serializers.UUIDField().run_validation(raw.get("client_token", empty))
        except serializers.ValidationError as error:
            raise serializers.ValidationError({"client_token": error.detail}) from error
        replay = services.sync_replay(actor=request.user, client_token=token)
        if replay is not None:
            return _answer(replay, status.HTTP_200_OK)
        body = SyncRecordSerializer(data=raw, context={"request": request})
        body.is_valid(raise_exception=True)
        record, created = resolve_record(request, body.validated_data, raw, record_photos(request))
        return _answer(record, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class SyncRecordView(APIView):
    """What became of a record: its answer when it was applied, else 404 — so a phone on a weak
    connection asks before sending a record's photos again."""

    @extend_schema(
        parameters=[OpenApiParameter("client_token", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: SyncResultSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request, client_token: uuid.UUID) -> Response:
        record = selectors.sync_record_get(user=request.user, client_token=client_token)
        return Response(record.result)


def _answer(record: SyncRecord, code: int) -> Response:
    return Response(
        record.result, status=code, headers={"Idempotent-Replayed": str(code == 200).lower()}
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=["", *ConflictState.values]),
            OpenApiParameter("search", str, description=_("Household number or member name")),
        ],
        responses={200: FieldConflictSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: FieldConflictSerializer, **ERROR_RESPONSES}),
)
class ConflictViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Data conflicts of offline records, for the township reviewer and the county."""

    permission_classes = [HasRole]
    allowed_roles = CONFLICT_RESOLVE_ROLES
    serializer_class = FieldConflictSerializer
    filter_backends = ()

    def get_queryset(self) -> Any:
        params = self.request.query_params
        state = params.get("state", ConflictState.OPEN)
        if state not in {"", *ConflictState.values}:
            raise serializers.ValidationError({"state": [_("Unknown state.")]})
        return selectors.conflict_list(
            user=self.request.user,
            filters=selectors.ConflictFilters(search=params.get("search", "")[:50], state=state),
        )

    def list(self, request: Request) -> Response:
        page = list(self.paginate_queryset(self.get_queryset()) or [])
        annotate_page([conflict.household for conflict in page])
        context = self.get_serializer_context()
        return self.get_paginated_response(
            FieldConflictSerializer(page, many=True, context=context).data
        )

    def get_object(self) -> Any:
        conflict = selectors.conflict_get(user=self.request.user, pk=self.kwargs["pk"])
        annotate_page([conflict.household])
        return conflict

    @extend_schema(
        request=ResolveSerializer,
        responses={200: FieldConflictSerializer, **CONFLICT, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        """Choose the value that stands: the register's (``server``), the one recorded offline
        (``offline``), or ``other`` with ``value``; written through the register's services."""
        conflict = self.get_object()
        body = ResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.conflict_resolve(
            actor=request.user,
            conflict=conflict,
            resolution=body.validated_data["resolution"],
            value=body.validated_data.get("value"),
            expected_version=body.validated_data["version"],
        )
        return Response(
            FieldConflictSerializer(self.get_object(), context=self.get_serializer_context()).data
        )

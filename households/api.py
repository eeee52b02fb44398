"""``/api/v1/households/`` and ``/api/v1/poverty-lines/``: the register, scoped."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from audit.serializers import AuditEventSerializer
from households import selectors, services
from households.choices import Cause, PovertyAttribute, Relation, Status
from households.models import Household, Member, annotate_page
from households.serializers import (
    HouseholdCreateSerializer,
    HouseholdListSerializer,
    HouseholdSerializer,
    HouseholdUpdateSerializer,
    IncomeSerializer,
    IncomeWriteSerializer,
    MeasureSerializer,
    MemberSerializer,
    MemberWriteSerializer,
    PovertyLineSerializer,
)
from regions.masking import Personal
from regions.permissions import HasJurisdiction
from regions.references import ReferencedId, key_of, not_found
from regions.roles import CAPTURE_ROLES, STATUS_ROLES, has_role
from tongren_fupin.api.fields import VersionField, YearField
from tongren_fupin.api.schema import ERROR_RESPONSES


class HouseholdFilterForm(forms.Form):
    search = forms.CharField(required=False, max_length=64)
    region = forms.RegexField(
        r"^\d{12}$",
        required=False,
        error_messages={"invalid": _("A region code has exactly 12 digits.")},
    )
    status = forms.ChoiceField(choices=Status.choices, required=False)
    poverty_attribute = forms.ChoiceField(choices=PovertyAttribute.choices, required=False)
    cause = forms.ChoiceField(choices=Cause.choices, required=False)

    def filters(self) -> selectors.HouseholdFilters:
        if not self.is_valid():
            raise serializers.ValidationError(
                {field: [str(e) for e in errors] for field, errors in self.errors.items()}
            )
        return selectors.HouseholdFilters(**self.cleaned_data)


class RegisterPermission(HasJurisdiction):
    """Reads for every role with a jurisdiction; writes for capture roles (status: supervisors)."""

    message = _("Your role may not do this.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        roles = STATUS_ROLES if getattr(view, "action", "") == "change_status" else CAPTURE_ROLES
        return has_role(request.user, roles)


class ChangeHeadSerializer(serializers.Serializer):
    version = VersionField()
    # Any id that is no member of this household, out of a key's range included, is the
    # field's 404 (decision 0020), as for every other referenced id.
    new_head = ReferencedId(help_text=_("Id of the member who becomes the head."))
    old_head_relation = serializers.ChoiceField(choices=Relation.choices)

    def validate_new_head(self, value: int) -> Member:
        """A member of the household (``context["household"]``); any other id is the field's
        404, before anything else of the body is judged."""
        key = key_of(value)
        members = Member.objects.filter(household=self.context["household"])
        member = None if key is None else members.filter(pk=key).first()
        if member is None:
            raise not_found("new_head")
        return member


class ChangeStatusSerializer(serializers.Serializer):
    version = VersionField()
    status = serializers.ChoiceField(choices=Status.choices)
    year = YearField(required=False)
    reason = serializers.CharField(max_length=200)


class VersionSerializer(serializers.Serializer):
    version = VersionField()


FILTER_PARAMETERS = [
    OpenApiParameter(
        "search", str, description=str(_("Name of a member, ID number or household number"))
    ),
    OpenApiParameter("region", str, description=str(_("Region code (the region and below)"))),
    OpenApiParameter("status", str, enum=Status.values),
    OpenApiParameter("poverty_attribute", str, enum=PovertyAttribute.values),
    OpenApiParameter("cause", str, enum=Cause.values, description=str(_("Main poverty cause"))),
]


@extend_schema_view(
    list=extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={200: HouseholdListSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: HouseholdSerializer, **ERROR_RESPONSES}),
    create=extend_schema(
        request=HouseholdCreateSerializer, responses={201: HouseholdSerializer, **ERROR_RESPONSES}
    ),
    partial_update=extend_schema(
        request=HouseholdUpdateSerializer,
        responses={200: HouseholdSerializer, 409: ERROR_RESPONSES[400], **ERROR_RESPONSES},
    ),
)
class HouseholdViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [RegisterPermission]
    serializer_class = HouseholdSerializer
    filter_backends = ()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> Any:
        filters = HouseholdFilterForm(self.request.query_params).filters()
        return selectors.household_list(user=self.request.user, filters=filters)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        households = annotate_page(list(page or []))
        return self.get_paginated_response(HouseholdListSerializer(households, many=True).data)

    def get_object(self) -> Household:
        return selectors.household_get(user=self.request.user, pk=self.kwargs["pk"])

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One household; reading its phones in full is a security event (a write's answer,
        which echoes what the writer sent, is not)."""
        household = self.get_object()
        selectors.log_full_display(
            user=request.user,
            household=household,
            members=[],
            shown=(Personal.PHONE,),
            channel="api",
            ip_address=request.META.get("REMOTE_ADDR"),
        )
        return self._household_response(household)

    def _household_response(self, household: Household, code: int = 200) -> Response:
        fresh = selectors.household_get(user=self.request.user, pk=household.pk)
        return Response(
            HouseholdSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    def create(self, request: Request) -> Response:
        serializer = HouseholdCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        head = data.pop("head")
        household = services.household_register(actor=request.user, data=data, head=head)
        return self._household_response(household, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        household = self.get_object()
        serializer = HouseholdUpdateSerializer(
            household, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        household = services.household_update(
            actor=request.user, household=household, expected_version=version, data=data
        )
        return self._household_response(household)

    @extend_schema(
        request=MemberWriteSerializer,
        responses={
            200: MemberSerializer(many=True),
            201: MemberSerializer,
            409: ERROR_RESPONSES[400],
            **ERROR_RESPONSES,
        },
    )
    @action(detail=True, methods=["get", "post"])
    def members(self, request: Request, pk: str) -> Response:
        household = self.get_object()
        context = self.get_serializer_context()
        if request.method == "POST":
            serializer = MemberWriteSerializer(data=request.data, context=context)
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
            version = data.pop("version")
            member = services.member_add(
                actor=request.user, household=household, expected_version=version, data=data
            )
            return Response(MemberSerializer(member, context=context).data, status=201)
        members = list(self.paginate_queryset(selectors.household_members(household)) or [])
        selectors.log_full_display(
            user=request.user,
            household=household,
            members=members,
            shown=selectors.MEMBER_SHOWN,
            channel="api",
            ip_address=request.META.get("REMOTE_ADDR"),
        )
        return self.get_paginated_response(
            MemberSerializer(members, many=True, context=context).data
        )

    @extend_schema(
        request=MemberWriteSerializer,
        responses={200: MemberSerializer, 204: None, 409: ERROR_RESPONSES[400], **ERROR_RESPONSES},
        parameters=[OpenApiParameter("member_id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["patch", "delete"], url_path=r"members/(?P<member_id>\d+)")
    def member(self, request: Request, pk: str, member_id: str) -> Response:
        household = self.get_object()
        member: Member = selectors.member_get(user=request.user, household=household, pk=member_id)
        if request.method == "DELETE":
            version = VersionSerializer(data=request.data or request.query_params)
            version.is_valid(raise_exception=True)
            services.member_remove(
                actor=request.user,
                member=member,
                expected_version=version.validated_data["version"],
            )
            return Response(status=204)
        serializer = MemberWriteSerializer(
            member, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        data.pop("relation", None)
        member = services.member_update(
            actor=request.user, member=member, expected_version=version, data=data
        )
        return Response(MemberSerializer(member, context=self.get_serializer_context()).data)

    @extend_schema(
        request=IncomeWriteSerializer,
        responses={
            200: IncomeSerializer(many=True),
            201: IncomeSerializer,
            409: ERROR_RESPONSES[400],
            **ERROR_RESPONSES,
        },
    )
    @action(detail=True, methods=["get", "post"])
    def incomes(self, request: Request, pk: str) -> Response:
        household = self.get_object()
        if request.method == "POST":
            serializer = IncomeWriteSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
            version, year = data.pop("version"), data.pop("year")
            member_count = data.pop("member_count", None)
            income = services.income_record(
                actor=request.user,
                household=household,
                expected_version=version,
                year=year,
                inputs=data,
                member_count=member_count,
            )
            fresh = selectors.household_incomes(household).get(pk=income.pk)
            return Response(IncomeSerializer(fresh).data, status=201)
        page = self.paginate_queryset(selectors.household_incomes(household))
        return self.get_paginated_response(IncomeSerializer(page, many=True).data)

    @extend_schema(
        request=MeasureSerializer,
        responses={200: MeasureSerializer(many=True), 201: MeasureSerializer, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["get", "post"])
    def measures(self, request: Request, pk: str) -> Response:
        household = self.get_object()
        if request.method == "POST":
            serializer = MeasureSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            measure = services.measure_add(
                actor=request.user, household=household, data=serializer.validated_data
            )
            return Response(MeasureSerializer(measure).data, status=201)
        page = self.paginate_queryset(selectors.household_measures(household))
        return self.get_paginated_response(MeasureSerializer(page, many=True).data)

    @extend_schema(
        request=ChangeHeadSerializer,
        responses={200: HouseholdSerializer, 409: ERROR_RESPONSES[400], **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="change-head")
    def change_head(self, request: Request, pk: str) -> Response:
        household = self.get_object()
        serializer = ChangeHeadSerializer(data=request.data, context={"household": household})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        new_head = data["new_head"]
        household = services.household_change_head(
            actor=request.user,
            household=household,
            expected_version=data["version"],
            new_head=new_head,
            old_head_relation=data["old_head_relation"],
        )
        return self._household_response(household)

    @extend_schema(
        request=ChangeStatusSerializer,
        responses={200: HouseholdSerializer, 409: ERROR_RESPONSES[400], **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request: Request, pk: str) -> Response:
        household = self.get_object()
        serializer = ChangeStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        household = services.household_change_status(
            actor=request.user,
            household=household,
            expected_version=data["version"],
            status=data["status"],
            year=data.get("year"),
            reason=data["reason"],
        )
        return self._household_response(household)

    @extend_schema(responses={200: AuditEventSerializer(many=True), **ERROR_RESPONSES})
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str) -> Response:
        household = self.get_object()
        page = self.paginate_queryset(selectors.household_history(household))
        serializer = AuditEventSerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)


@extend_schema_view(
    list=extend_schema(responses={200: PovertyLineSerializer(many=True), **ERROR_RESPONSES})
)
class PovertyLineViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = PovertyLineSerializer
    pagination_class = None
    filter_backends = ()

    def get_queryset(self) -> Any:
        return selectors.poverty_line_list()

"""``/api/v1/sites/``, ``/api/v1/relocations/``, ``/api/v1/relocation/zero-employment/`` and
``/api/v1/relocation/summary/``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from households.selectors import household_get
from regions.permissions import HasJurisdiction
from regions.roles import (
    RELOCATION_RECORD_ROLES,
    RELOCATION_SITE_ROLES,
    RELOCATION_SYSTEM_ROLES,
    has_role,
)
from relocation import selectors, services
from relocation.serializers import (
    RelocationSerializer,
    RelocationSummarySerializer,
    RelocationSystemsSerializer,
    SiteCultureActivitySerializer,
    SiteDetailSerializer,
    SiteFacilitySerializer,
    SiteGovernanceUnitSerializer,
    SitePartyOrganisationSerializer,
    SiteSerializer,
    SiteTallySerializer,
    ZeroEmploymentHouseholdSerializer,
)
from tongren_fupin.api.fields import ID_PARAMETER, query_id
from tongren_fupin.api.schema import ERROR_RESPONSES

CONFLICT = {409: ERROR_RESPONSES[400]}
READ = ("GET", "HEAD", "OPTIONS")


class SitePermission(HasJurisdiction):
    """Reads for every role with a jurisdiction; sites and tallies by county supervisors,
    the records of a site's systems by township reviewers and county supervisors."""

    message = _("Your role may not do this.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in READ:
            return True
        site_level = getattr(view, "action", "") in {"create", "tally"}
        roles = RELOCATION_SITE_ROLES if site_level else RELOCATION_SYSTEM_ROLES
        return has_role(request.user, roles)


class RelocationPermission(HasJurisdiction):
    message = _("Your role may not do this.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in READ or has_role(request.user, RELOCATION_RECORD_ROLES)


SITE_RECORDS: dict[str, tuple[Any, Any]] = {
    "facilities": (SiteFacilitySerializer, services.facility_record),
    "culture-activities": (SiteCultureActivitySerializer, services.culture_activity_record),
    "governance-units": (SiteGovernanceUnitSerializer, services.governance_unit_record),
    "party-organisations": (SitePartyOrganisationSerializer, services.party_organisation_record),
}


def _record_schema(serializer: Any) -> Any:
    return extend_schema(request=serializer, responses={201: serializer, **ERROR_RESPONSES})


@extend_schema_view(
    list=extend_schema(responses={200: SiteSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: SiteDetailSerializer, **ERROR_RESPONSES}),
    create=extend_schema(
        request=SiteSerializer, responses={201: SiteSerializer, **ERROR_RESPONSES}
    ),
)
class SiteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """安置点 with their register count and tally; one site with its 五个体系."""

    permission_classes = [SitePermission]
    serializer_class = SiteSerializer
    filter_backends = ()

    def get_queryset(self) -> Any:
        return selectors.site_list(user=self.request.user)

    def get_object(self) -> Any:
        return selectors.site_get(user=self.request.user, pk=self.kwargs["pk"])

    def retrieve(self, request: Request, pk: str) -> Response:
        site = self.get_object()
        context = {"request": request, "systems": selectors.site_systems(site)}
        return Response(SiteDetailSerializer(site, context=context).data)

    def create(self, request: Request) -> Response:
        serializer = SiteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        site = services.site_create(actor=request.user, data=serializer.validated_data)
        fresh = selectors.site_get(user=request.user, pk=site.pk)
        return Response(SiteSerializer(fresh).data, status=201)

    @extend_schema(
        request=SiteTallySerializer, responses={200: SiteTallySerializer, **ERROR_RESPONSES}
    )
    @action(detail=True, methods=["post"])
    def tally(self, request: Request, pk: str) -> Response:
        site = self.get_object()
        serializer = SiteTallySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tally = services.site_tally_record(
            actor=request.user, site=site, data=serializer.validated_data
        )
        return Response(SiteTallySerializer(tally).data)

    def _record(self, request: Request, kind: str) -> Response:
        site = self.get_object()
        serializer_class, service = SITE_RECORDS[kind]
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = service(actor=request.user, site=site, data=serializer.validated_data)
        return Response(serializer_class(record).data, status=201)

    @_record_schema(SiteFacilitySerializer)
    @action(detail=True, methods=["post"])
    def facilities(self, request: Request, pk: str) -> Response:
        return self._record(request, "facilities")

    @_record_schema(SiteCultureActivitySerializer)
    @action(detail=True, methods=["post"], url_path="culture-activities")
    def culture_activities(self, request: Request, pk: str) -> Response:
        return self._record(request, "culture-activities")

    @_record_schema(SiteGovernanceUnitSerializer)
    @action(detail=True, methods=["post"], url_path="governance-units")
    def governance_units(self, request: Request, pk: str) -> Response:
        return self._record(request, "governance-units")

    @_record_schema(SitePartyOrganisationSerializer)
    @action(detail=True, methods=["post"], url_path="party-organisations")
    def party_organisations(self, request: Request, pk: str) -> Response:
        return self._record(request, "party-organisations")


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("site", ID_PARAMETER)],
        responses={200: RelocationSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: RelocationSerializer, **ERROR_RESPONSES}),
    create=extend_schema(
        request=RelocationSerializer,
        responses={201: RelocationSerializer, **CONFLICT, **ERROR_RESPONSES},
    ),
)
class RelocationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Relocated households, seen from the site's jurisdiction and from the household's."""

    permission_classes = [RelocationPermission]
    serializer_class = RelocationSerializer
    filter_backends = ()

    def get_queryset(self) -> Any:
        site = query_id(self.request.query_params, "site")
        return selectors.relocation_list(
            user=self.request.user,
            site=selectors.site_get(user=self.request.user, pk=site) if site is not None else None,
        )

    def get_object(self) -> Any:
        return selectors.relocation_get(user=self.request.user, pk=self.kwargs["pk"])

    def create(self, request: Request) -> Response:
        serializer = RelocationSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        household = household_get(user=request.user, pk=data["household"].pk)
        relocation = services.relocation_record(
            actor=request.user,
            household=household,
            site=data["site"],
            moved_in=data["moved_in"],
            hukou_transferred=data.get("hukou_transferred", False),
        )
        fresh = selectors.relocation_get(user=request.user, pk=relocation.pk)
        return Response(RelocationSerializer(fresh).data, status=201)

    @extend_schema(
        request=None, responses={200: RelocationSerializer, **CONFLICT, **ERROR_RESPONSES}
    )
    @action(detail=True, methods=["post"], url_path="transfer-hukou")
    def transfer_hukou(self, request: Request, pk: str) -> Response:
        relocation = services.relocation_transfer_hukou(
            actor=request.user, relocation=self.get_object()
        )
        return Response(RelocationSerializer(relocation).data)


@extend_schema_view(
    get=extend_schema(
        parameters=[OpenApiParameter("site", ID_PARAMETER)],
        responses={200: ZeroEmploymentHouseholdSerializer(many=True), **ERROR_RESPONSES},
    )
)
class ZeroEmploymentView(ListAPIView):
    """零就业家庭: relocated households with labour and no member working or placed."""

    reads_may_lag = True  # indicators, reports, dashboards: the replica (decision 0031)

    serializer_class = ZeroEmploymentHouseholdSerializer
    filter_backends = ()

    def get_queryset(self) -> Any:
        site = query_id(self.request.query_params, "site")
        return selectors.zero_employment_list(
            user=self.request.user,
            site=selectors.site_get(user=self.request.user, pk=site) if site is not None else None,
        )


class SummaryQuery(forms.Form):
    region = forms.RegexField(
        r"^\d{12}$",
        required=False,
        error_messages={"invalid": _("A region code has exactly 12 digits.")},
    )


class SummaryView(APIView):
    """The relocation figures of a region (default: the user's jurisdiction) and below it."""

    reads_may_lag = True  # indicators, reports, dashboards: the replica (decision 0031)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "region", str, description=str(_("Region code (the region and below)"))
            )
        ],
        responses={200: RelocationSummarySerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        query = SummaryQuery(request.query_params)
        if not query.is_valid():
            raise serializers.ValidationError(
                {field: [str(e) for e in errors] for field, errors in query.errors.items()}
            )
        region = selectors.summary_region(
            user=request.user, code=query.cleaned_data["region"] or None
        )
        systems = selectors.region_systems(region)
        return Response(
            {
                "region": region.code,
                "region_name": region.name,
                **systems.sites,
                **RelocationSystemsSerializer(systems).data,
            }
        )

"""``/api/v1/exit-applications/``: the exit procedure, one action per transition."""

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
from rest_framework.views import APIView

from exits import selectors, services, suspect_runs, suspects
from exits.assessment import as_dicts, assess_exit
from exits.criteria import Outcome
from exits.models import ExitApplication, ExitState, ExitStep, Objection
from households.models import Household
from households.selectors import household_get
from publicity import api as publicity_api
from regions.references import InJurisdiction
from regions.scoping import jurisdiction_prefix
from regions.selectors import region_get
from tongren_fupin.api.fields import IdField
from tongren_fupin.api.schema import ERROR_RESPONSES

CONFLICT = {409: ERROR_RESPONSES[400]}


class ExitStepSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username")

    class Meta:
        model = ExitStep
        fields = ["state", "actor", "on", "note"]


class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "received_on", "content", "upheld", "resolution"]
        read_only_fields = ["id", "upheld", "resolution"]


class ExitApplicationSerializer(serializers.ModelSerializer):
    household = InJurisdiction(
        queryset=Household.objects.all(), help_text=_("Id of a household in your jurisdiction.")
    )
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    steps = ExitStepSerializer(many=True, read_only=True)
    objections = ObjectionSerializer(many=True, read_only=True)
    publicity_ends = serializers.SerializerMethodField()

    class Meta:
        model = ExitApplication
        fields = [
            "id",
            "household",
            "year",
            "state",
            "state_display",
            "proposed_on",
            "attendees",
            "agreeing",
            "appraisal_result",
            "snapshot",
            "verification_visit",
            "publicity_start",
            "publicity_days",
            "publicity_ends",
            "rejection_reason",
            "return_reason",
            "steps",
            "objections",
            "version",
            "created",
        ]
        read_only_fields = [
            "id",
            "state",
            "snapshot",
            "verification_visit",
            "publicity_start",
            "publicity_days",
            "rejection_reason",
            "return_reason",
            "version",
            "created",
        ]
        # 人数: the service names what is missing (attendees > 0, a majority agreeing).
        # One open application per household is the service's rule (answered with 409).
        validators: list[Any] = []

    def get_publicity_ends(self, application: ExitApplication) -> datetime.date | None:
        return services.publicity_ends(application)


class DateSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text=_("Defaults to today."))


class PublicizeSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField(min_value=1, max_value=60, required=False)


class RejectSerializer(DateSerializer):
    reason = serializers.CharField(max_length=200)


class ApproveSerializer(DateSerializer):
    confirm = serializers.BooleanField(
        help_text=_("true: the live criteria and the snapshot were read; the household exits.")
    )

    def validate_confirm(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(_("Confirm the approval: the household exits."))
        return value


class DecideSerializer(DateSerializer):
    objection = IdField()
    upheld = serializers.BooleanField()
    resolution = serializers.CharField(max_length=255)


def _on(data: dict[str, Any]) -> datetime.date:
    on: datetime.date = data.get("on") or timezone.localdate()
    return on


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("state", str, enum=ExitState.values)],
        responses={200: ExitApplicationSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(responses={200: ExitApplicationSerializer, **ERROR_RESPONSES}),
    create=extend_schema(responses={201: ExitApplicationSerializer, **CONFLICT, **ERROR_RESPONSES}),
)
class ExitApplicationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ExitApplicationSerializer
    filter_backends = ()

    def get_queryset(self) -> Any:
        state = self.request.query_params.get("state", "")
        if state and state not in ExitState.values:
            raise serializers.ValidationError({"state": [_("Unknown state.")]})
        return selectors.exit_application_list(
            user=self.request.user, state=state
        ).prefetch_related("steps__actor", "objections")

    def get_object(self) -> Any:
        return selectors.exit_application_get(user=self.request.user, pk=self.kwargs["pk"])

    def create(self, request: Request) -> Response:
        serializer = ExitApplicationSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        household = household_get(user=request.user, pk=data["household"].pk)
        application = services.exit_propose(
            actor=request.user,
            household=household,
            year=data["year"],
            proposed_on=data["proposed_on"],
            attendees=data.get("attendees", 0),
            agreeing=data.get("agreeing"),
            appraisal_result=data["appraisal_result"],
        )
        return Response(ExitApplicationSerializer(application).data, status=201)

    def _done(self, application: ExitApplication) -> Response:
        fresh = self.get_queryset().get(pk=application.pk)
        return Response(ExitApplicationSerializer(fresh).data)

    def _with_reason(self, request: Request, move: Any) -> Response:
        """A step that ends the application with a reason (reject, send back)."""
        body = RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return self._done(
            move(
                actor=request.user,
                application=self.get_object(),
                reason=data["reason"],
                on=_on(data),
            )
        )

    def _step(self, request: Request, move: Any) -> Response:
        body = DateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._done(
            move(actor=request.user, application=self.get_object(), on=_on(body.validated_data))
        )

    @extend_schema(
        request=DateSerializer,
        responses={200: ExitApplicationSerializer, **CONFLICT, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str) -> Response:
        return self._step(request, services.exit_verify)

    @extend_schema(
        request=DateSerializer,
        responses={200: ExitApplicationSerializer, **CONFLICT, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="household-agree")
    def household_agree(self, request: Request, pk: str) -> Response:
        return self._step(request, services.exit_household_agree)

    @extend_schema(
        request=PublicizeSerializer,
        responses={200: ExitApplicationSerializer, **CONFLICT, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def publicize(self, request: Request, pk: str) -> Response:
        body = PublicizeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._done(
            services.exit_publicize(
                actor=request.user,
                application=self.get_object(),
                start=body.validated_data["start"],
                days=body.validated_data.get("days"),
            )
        )

    @extend_schema(
        request=ObjectionSerializer,
        responses={200: ExitApplicationSerializer, **CONFLICT, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def objections(self, request: Request, pk: str) -> Response:
        body = ObjectionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = self.get_object()
        publicity_api.objection_api_record(
            actor=request.user,
            owner=application,
            data=body.validated_data,
            rules=services.EXIT_PUBLICITY,
        )
        return self._done(application)

    @extend_schema(
        request=DecideSerializer,
        responses={200: ExitApplicationSerializer, **CONFLICT, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="decide-objection")
    def decide_objection(self, request: Request, pk: str) -> Response:
        body = DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = self.get_object()
        publicity_api.objection_api_decide(
            actor=request.user,
            owner=application,
            data=body.validated_data,
            rules=services.EXIT_PUBLICITY,
        )
        return self._done(application)

    @extend_schema(
        request=DateSerializer,
        responses={200: ExitApplicationSerializer, **CONFLICT, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="township-review")
    def township_review(self, request: Request, pk: str) -> Response:
        return self._step(request, services.exit_township_review)

    @extend_schema(
        request=ApproveSerializer,
        responses={200: ExitApplicationSerializer, **CONFLICT, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        body = ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._done(
            services.exit_approve(
                actor=request.user, application=self.get_object(), on=_on(body.validated_data)
            )
        )

    @extend_schema(
        request=RejectSerializer,
        responses={200: ExitApplicationSerializer, **CONFLICT, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request: Request, pk: str) -> Response:
        """退回: back to the village, with the reason."""
        return self._with_reason(request, services.exit_send_back)

    @extend_schema(
        request=RejectSerializer,
        responses={200: ExitApplicationSerializer, **CONFLICT, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self._with_reason(request, services.exit_reject)


class CriterionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    passed = serializers.BooleanField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    evidence = serializers.CharField()


class AssessmentSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    year = serializers.IntegerField()
    eligible = serializers.BooleanField()
    criteria = CriterionSerializer(many=True)


class HouseholdExitAssessmentView(APIView):
    """``/api/v1/households/{id}/exit-assessment/?year=``: the live assessment of one household."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year", {"type": "integer", "minimum": 2014, "maximum": 2100}, required=True
            )
        ],
        responses={200: AssessmentSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request, pk: int) -> Response:
        household = household_get(user=request.user, pk=pk)
        return exit_assessment_response(household, request.query_params.get("year"))


def exit_assessment_response(household: Any, year_param: str | None) -> Response:
    year = int(year_param) if year_param and year_param.isdigit() else None
    if year is None or not 2014 <= year <= 2100:
        raise serializers.ValidationError({"year": [_("Give a year from 2014 on.")]})
    criteria = as_dicts(assess_exit(household, year))
    return Response(
        {
            "household": household.pk,
            "year": year,
            "eligible": all(c["passed"] for c in criteria),
            "criteria": criteria,
        }
    )


class SuspectSerializer(serializers.Serializer):
    kind = serializers.CharField()
    household = serializers.IntegerField(source="household.pk")
    household_no = serializers.CharField(source="household.household_no")
    region = serializers.CharField(source="household.region_id")
    evidence = serializers.ListField(child=serializers.CharField())


class SuspectCountSerializer(serializers.Serializer):
    kind = serializers.CharField()
    households = serializers.IntegerField()
    people = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)


class SuspectRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    progress = serializers.IntegerField()
    prefix = serializers.CharField()
    created = serializers.DateTimeField()
    finished = serializers.DateTimeField(allow_null=True)


class SuspectListSerializer(serializers.Serializer):
    year = serializers.IntegerField(source="on.year")
    computed_at = serializers.DateTimeField(source="computed.finished", allow_null=True)
    latest_run = SuspectRunSerializer(source="latest", allow_null=True)
    exited_people = serializers.IntegerField(source="exited")
    counts = SuspectCountSerializer(many=True)
    count = serializers.IntegerField(source="total")
    next = serializers.CharField(source="next_cursor", allow_null=True)
    results = SuspectSerializer(source="page", many=True)


def _year_of(value: str) -> int:
    if not value.isdigit() or not 2014 <= int(value) <= 2100:
        raise serializers.ValidationError({"year": [_("Give a year from 2014 on.")]})
    return int(value)


class MisclassificationView(APIView):
    """错退 / 缺少佐证 / 错评 / 漏评 suspects as stored by their last computation (decision
    0027), a keyset page at a time (``next`` is the ``after`` of the next page), each with its
    evidence; POST asks for the list to be computed again."""

    reads_may_lag = True  # indicators, reports, dashboards: the replica (decision 0031)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year", {"type": "integer", "minimum": 2014, "maximum": 2100}, required=True
            ),
            OpenApiParameter("kind", str, enum=list(selectors.SUSPECT_KINDS)),
            OpenApiParameter("region", str, description=_("a part of the jurisdiction")),
            OpenApiParameter("after", str, description=_("the next of the previous page")),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": 500},
                description="1–500, 50 by default",
            ),
        ],
        responses={200: SuspectListSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        year = _year_of(params.get("year", ""))
        kind = params.get("kind", "")
        if kind and kind not in selectors.SUSPECT_KINDS:
            raise serializers.ValidationError(
                {
                    "kind": [
                        _("Give one of: %(kinds)s.") % {"kinds": ", ".join(selectors.SUSPECT_KINDS)}
                    ]
                }
            )
        size = params.get("page_size", "50")
        if not size.isdigit() or not 1 <= int(size) <= 500:
            raise serializers.ValidationError({"page_size": [_("Give a number from 1 to 500.")]})
        code = params.get("region", "")
        region = region_get(user=request.user, code=code) if code else None
        listed = selectors.misclassification_list(
            user=request.user,
            on=suspects.year_end(year),
            within=region.prefix if region is not None else "",
            kind=kind,
            cursor=params.get("after", ""),
            size=int(size),
        )
        return Response(SuspectListSerializer(listed).data)

    @extend_schema(
        request=None,
        parameters=[
            OpenApiParameter(
                "year", {"type": "integer", "minimum": 2014, "maximum": 2100}, required=True
            ),
            OpenApiParameter("region", str, description=_("a part of the jurisdiction")),
        ],
        responses={202: SuspectRunSerializer, **ERROR_RESPONSES},
    )
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        year = _year_of(str(data.get("year", request.query_params.get("year", ""))))
        code = str(data.get("region", request.query_params.get("region", "")))
        region = region_get(user=request.user, code=code) if code else None
        prefix = region.prefix if region is not None else jurisdiction_prefix(request.user) or ""
        run = suspect_runs.suspect_run_request(
            actor=request.user, on=suspects.year_end(year), prefix=prefix
        )
        return Response(SuspectRunSerializer(run).data, status=202)

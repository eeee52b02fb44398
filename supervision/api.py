"""``/api/v1/indicators/`` and ``/api/v1/reports/``: indicator figures and the reports, scoped."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from regions.models import Level
from regions.permissions import HasRole
from regions.roles import SUPERVISION_API_ROLES
from supervision import report_files, report_pdfs, selectors, snapshot_requests
from supervision.models import Indicator, ReportKind, ReportStatus
from supervision.periods import month_period, parse_period
from supervision.serializers import (
    FiguresPendingSerializer,
    IndicatorRowSerializer,
    PdfPendingSerializer,
    ReportSerializer,
)
from supervision.views import PDF_RETRY_SECONDS, XLSX, file_response, stored_pdf_response
from tongren_fupin.api.pagination import StandardPagination
from tongren_fupin.api.schema import ERROR_RESPONSES


class SupervisionReadPermission(HasRole):
    roles = SUPERVISION_API_ROLES


class IndicatorQuerySerializer(serializers.Serializer):
    indicator = serializers.ChoiceField(choices=Indicator.choices, required=False)
    region = serializers.RegexField(
        r"^\d{12}$",
        required=False,
        error_messages={"invalid": _("A region code has exactly 12 digits.")},
    )
    period = serializers.CharField(required=False, max_length=7)
    level = serializers.ChoiceField(choices=Level.choices, required=False)

    def validate_period(self, value: str) -> Any:
        return parse_period(value)


INDICATOR_PARAMETERS = [
    OpenApiParameter("indicator", str, enum=Indicator.values),
    OpenApiParameter("region", str, description=str(_("Region code (default: your jurisdiction)"))),
    OpenApiParameter(
        "period",
        str,
        pattern=r"^\d{4}(-(Q[1-4]|0[1-9]|1[0-2]))?$",
        description=str(_("2019, 2019-Q3 or 2019-09 (default: the current month)")),
    ),
    OpenApiParameter(
        "level", str, enum=Level.values, description=str(_("Break the region down by this level"))
    ),
]


#: Seconds an API client waits before asking again for figures being computed.
FIGURES_RETRY_SECONDS = 30


class IndicatorViewSet(viewsets.ViewSet):
    """Indicator figures per region and period: value, numerator, denominator."""

    reads_may_lag = True  # indicators, reports, dashboards: the replica (decision 0031)

    permission_classes = [SupervisionReadPermission]
    pagination_class = StandardPagination

    @extend_schema(
        parameters=INDICATOR_PARAMETERS,
        responses={
            200: IndicatorRowSerializer(many=True),
            202: OpenApiResponse(
                FiguresPendingSerializer,
                description=str(
                    _("Some figures are being computed; ask again after Retry-After seconds.")
                ),
            ),
            **ERROR_RESPONSES,
        },
    )
    def list(self, request: Request) -> Response:
        """Stored figures only (decision 0027): nothing is computed on the request. A figure no
        snapshot holds yet is asked for as a job and the answer is 202 with ``Retry-After``; the
        figures of a running period are those of its latest computation (``computed_at``), asked
        for again when older than 15 minutes."""
        query = IndicatorQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        today = timezone.localdate()
        period = params.get("period") or month_period(today.year, today.month)
        region = selectors.region_in_jurisdiction(user=request.user, code=params.get("region"))
        indicator = params.get("indicator")
        level = params.get("level")
        rows = selectors.region_figures(
            region=region, period=period, indicator=indicator, level=level, stored_only=True
        )
        missing = sum(not row.stored for row in rows)
        running = not period.has_ended(today)
        stale = running and any(
            row.computed_at < timezone.now() - snapshot_requests.REQUEST_WINDOW for row in rows
        )
        if missing or stale:
            job = snapshot_requests.figures_request(
                actor=request.user,
                region=region,
                period=period,
                codes=[indicator] if indicator else list(Indicator.values),
                level=level if level and level != region.level else None,
                roles=SUPERVISION_API_ROLES,
                running=running,
            )
            if missing:
                pending = FiguresPendingSerializer(
                    {
                        "status": "computing",
                        "detail": _("These figures are being computed; ask again in a minute."),
                        "missing": missing,
                        "requested_at": job.created,
                        "retry_after": FIGURES_RETRY_SECONDS,
                    }
                )
                headers = {"Retry-After": str(FIGURES_RETRY_SECONDS)}
                return Response(pending.data, status=202, headers=headers)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        assert page is not None
        return paginator.get_paginated_response(IndicatorRowSerializer(page, many=True).data)


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """一月一调度 / 一月一通报 / 一季一分析 with their files."""

    reads_may_lag = True  # indicators, reports, dashboards: the replica (decision 0031)

    permission_classes = [SupervisionReadPermission]
    serializer_class = ReportSerializer
    filter_backends = ()

    def get_queryset(self) -> Any:
        kind = self.request.query_params.get("kind", "")
        if kind and kind not in ReportKind.values:
            raise serializers.ValidationError({"kind": [_("Unknown report kind.")]})
        return selectors.report_list(user=self.request.user, kind=kind)

    def get_object(self) -> Any:
        return selectors.report_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(
        parameters=[OpenApiParameter("kind", str, enum=ReportKind.values)],
        responses={200: ReportSerializer(many=True), **ERROR_RESPONSES},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: ReportSerializer, **ERROR_RESPONSES})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    def _done_report(self) -> Any:
        report = self.get_object()
        if report.kind == ReportKind.DISPATCH or report.status != ReportStatus.DONE:
            raise Http404
        return report

    def _file(self, fmt: str) -> HttpResponse:
        report = selectors.report_as_read(user=self.request.user, report=self._done_report())
        if fmt == "xlsx":
            return file_response(report_files.report_xlsx(report), f"{report.title}.xlsx", XLSX)
        return HttpResponse(report_files.report_print_html(report, self.request))

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            **ERROR_RESPONSES,
        },
    )
    @action(detail=True, methods=["get"])
    def xlsx(self, request: Request, pk: str) -> HttpResponse:
        """The report's XLSX workbook (bulletin or quarterly analysis)."""
        return self._file("xlsx")

    @extend_schema(
        responses={(200, "text/html"): OpenApiResponse(OpenApiTypes.STR), **ERROR_RESPONSES}
    )
    @action(detail=True, methods=["get"])
    def html(self, request: Request, pk: str) -> HttpResponse:
        """The report's A4 print page (bulletin or quarterly analysis)."""
        return self._file("html")

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            202: OpenApiResponse(
                PdfPendingSerializer,
                description=str(_("The PDF is being prepared: ask again after Retry-After.")),
            ),
            **ERROR_RESPONSES,
        },
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str) -> HttpResponseBase:
        """The report's A4 PDF (bulletin or quarterly analysis) for the caller's jurisdiction,
        stored (decision 0026): 202 while a job prepares it; ask again after ``Retry-After``."""
        report = self._done_report()
        response = stored_pdf_response(request.user, report)
        if response is not None:
            return response
        report_pdfs.report_pdf_request(actor=request.user, report=report)
        pending = PdfPendingSerializer(
            {
                "status": "preparing",
                "detail": _("The PDF is being prepared; ask again in a few seconds."),
                "retry_after": PDF_RETRY_SECONDS,
            }
        )
        return Response(pending.data, status=202, headers={"Retry-After": str(PDF_RETRY_SECONDS)})

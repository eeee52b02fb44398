"""``/api/v1/imports/``: upload a register file, follow its job, commit it, get the error report."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from imports import selectors as import_selectors
from imports import services as import_jobs
from imports.models import CommitMode, ImportJob
from regions.permissions import HasRole
from regions.roles import IMPORT_ROLES
from tongren_fupin.api.schema import ERROR_RESPONSES, ErrorSerializer

TOO_LARGE = OpenApiResponse(ErrorSerializer, description="文件超过上传大小上限")


class ImportPermission(HasRole):
    roles = IMPORT_ROLES


class ImportJobSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="created_by.username", read_only=True)
    report_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "original_name",
            "uploaded_by",
            "status",
            "mode",
            "progress",
            "stage",
            "counts",
            "error_count",
            "errors",
            "skipped",
            "report_url",
            "attempts",
            "created",
            "finished",
        ]
        read_only_fields = fields

    def get_report_url(self, job: ImportJob) -> str | None:
        if not job.report:
            return None
        return reverse("import-job-report", args=[job.pk])


class UploadSerializer(serializers.Serializer):
    file = serializers.ListField(
        child=serializers.FileField(),
        min_length=1,
        max_length=3,
        help_text=_("One .xlsx workbook (or a .zip of CSV files), or up to three .csv files."),
    )


class CommitSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=CommitMode.choices, default=CommitMode.ALL)


@extend_schema_view(
    list=extend_schema(responses={200: ImportJobSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: ImportJobSerializer, **ERROR_RESPONSES}),
    create=extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: ImportJobSerializer, **ERROR_RESPONSES, 413: TOO_LARGE},
    ),
)
class ImportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Jobs of the caller's jurisdiction. A new job is checked (dry run) in the background;
    ``commit`` then writes it, all rows or nothing unless ``mode`` is ``valid_only``."""

    permission_classes = [ImportPermission]
    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filter_backends = ()

    def get_queryset(self) -> Any:
        return import_selectors.import_job_list(user=self.request.user)

    def get_object(self) -> ImportJob:
        return import_selectors.import_job_get(user=self.request.user, pk=self.kwargs["pk"])

    def create(self, request: Request) -> Response:
        serializer = UploadSerializer(data={"file": request.FILES.getlist("file")})
        serializer.is_valid(raise_exception=True)
        uploads = serializer.validated_data["file"]
        import_jobs.check_upload_size([f.size for f in uploads])  # before reading them
        files = [(f.name, f.read()) for f in uploads]
        job = import_jobs.import_job_create(actor=request.user, files=files)
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CommitSerializer,
        responses={202: ImportJobSerializer, 409: ERROR_RESPONSES[400], **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def commit(self, request: Request, pk: str) -> Response:
        job = self.get_object()
        serializer = CommitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        import_jobs.import_job_request_commit(
            actor=request.user, job=job, mode=serializer.validated_data["mode"]
        )
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=None,
        responses={202: ImportJobSerializer, 409: ERROR_RESPONSES[400], **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str) -> Response:
        job = self.get_object()
        import_jobs.import_job_retry(actor=request.user, job=job)
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=None,
        responses={200: ImportJobSerializer, 409: ERROR_RESPONSES[400], **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk: str) -> Response:
        """Discard a checked job that was not written: its file and error report are deleted,
        the register is not touched; audited."""
        job = self.get_object()
        import_jobs.import_job_discard(actor=request.user, job=job)
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data)

    @extend_schema(
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): (
                OpenApiResponse(description=str(_("Every error of the job as an XLSX report")))
            ),
            **ERROR_RESPONSES,
        }
    )
    @action(detail=True, methods=["get"])
    def report(self, request: Request, pk: str) -> HttpResponseBase:
        return report_response(self.get_object())


def report_response(job: ImportJob) -> HttpResponseBase:
    from django.http import Http404

    if not job.report:
        raise Http404
    return FileResponse(
        job.report.open("rb"), as_attachment=True, filename=f"import-{job.pk}-errors.xlsx"
    )

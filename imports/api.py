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
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from imports import selectors as import_selectors
from imports import services as import_jobs
from imports.models import CommitMode, ExportFormat, ExportJob, ImportJob
from regions.permissions import HasRole
from regions.roles import EXPORT_ROLES, IMPORT_ROLES
from tongren_fupin.api.parsers import BoundedJSONParser
from tongren_fupin.api.schema import ERROR_RESPONSES, ErrorSerializer

TOO_LARGE = OpenApiResponse(ErrorSerializer, description="文件超过上传大小上限")


class ImportPermission(HasRole):
    roles = IMPORT_ROLES


class IgnoredColumnsSerializer(serializers.Serializer):
    """Columns of one sheet that the import format does not know: not imported."""

    sheet = serializers.CharField(read_only=True)
    columns = serializers.ListField(child=serializers.CharField(), read_only=True)


class ImportJobSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="created_by.username", read_only=True)
    report_url = serializers.SerializerMethodField()
    ignored_columns = IgnoredColumnsSerializer(
        many=True,
        read_only=True,
        help_text=_(
            "Columns of the file that are not in the import format, by sheet: not imported."
        ),
    )

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
            "ignored_columns",
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
    parser_classes = [MultiPartParser, FormParser, BoundedJSONParser]
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


# -- exports ----------------------------------------------------------------------------------


class ExportPermission(HasRole):
    roles = EXPORT_ROLES


class ExportJobSerializer(serializers.ModelSerializer):
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = ["id", "format", "status", "progress", "stage", "counts", "masked",
                  "file_url", "attempts", "created", "finished"]  # fmt: skip
        read_only_fields = fields

    def get_file_url(self, job: ExportJob) -> str | None:
        if not job.file:
            return None
        return reverse("export-job-download", args=[job.pk])


class ExportRequestSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=ExportFormat.choices, default=ExportFormat.XLSX)


@extend_schema_view(
    list=extend_schema(responses={200: ExportJobSerializer(many=True), **ERROR_RESPONSES}),
    retrieve=extend_schema(responses={200: ExportJobSerializer, **ERROR_RESPONSES}),
    create=extend_schema(
        request=ExportRequestSerializer, responses={202: ExportJobSerializer, **ERROR_RESPONSES}
    ),
)
class ExportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Exports of the register in the national format, written in the background for the
    caller's jurisdiction (ID numbers masked as for the caller's role) and audited; the caller
    follows ``progress`` and fetches ``download`` once ``status`` is ``done``. A job is its
    requester's alone."""

    permission_classes = [ExportPermission]
    serializer_class = ExportJobSerializer
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]
    filter_backends = ()

    def get_queryset(self) -> Any:
        return import_selectors.export_job_list(user=self.request.user)

    def get_object(self) -> ExportJob:
        return import_selectors.export_job_get(user=self.request.user, pk=self.kwargs["pk"])

    def create(self, request: Request) -> Response:
        serializer = ExportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = import_jobs.export_job_create(
            actor=request.user,
            fmt=serializer.validated_data["format"],
            ip_address=request.META.get("REMOTE_ADDR"),
        )
        job.refresh_from_db()
        return Response(ExportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=None,
        responses={202: ExportJobSerializer, 409: ERROR_RESPONSES[400], **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str) -> Response:
        job = self.get_object()
        import_jobs.export_job_retry(actor=request.user, job=job)
        job.refresh_from_db()
        return Response(ExportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                description=str(_("The exported file (XLSX, or a zip of CSV files)"))
            ),
            409: ERROR_RESPONSES[400],
            **ERROR_RESPONSES,
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str) -> HttpResponseBase:
        job = import_jobs.export_job_download(actor=request.user, job=self.get_object())
        return export_file_response(job)


def export_file_response(job: ExportJob) -> HttpResponseBase:
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)

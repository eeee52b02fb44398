from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from supervision.models import Report, ReportKind, ReportStatus
from supervision.selectors import report_content


class IndicatorRowSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    region = serializers.CharField(help_text="12-digit region code")
    region_name = serializers.CharField()
    period = serializers.CharField()
    value = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True, coerce_to_string=False
    )
    numerator = serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=False)
    denominator = serializers.DecimalField(
        max_digits=18, decimal_places=2, allow_null=True, coerce_to_string=False
    )
    computed_at = serializers.DateTimeField()


class ReportSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    files = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "kind",
            "region",
            "region_name",
            "period",
            "title",
            "content",
            "created",
            "status",
            "progress",
            "files",
        ]

    def to_representation(self, instance: Report) -> dict[str, Any]:
        """The content as the caller may read it (rows of their jurisdiction; decision 0020)."""
        data = super().to_representation(instance)
        data["content"] = report_content(user=self.context["request"].user, report=instance)
        return data

    def get_files(self, report: Report) -> dict[str, str]:
        files: dict[str, Any] = {}
        if report.kind != ReportKind.DISPATCH and report.status == ReportStatus.DONE:
            files["xlsx"] = reverse("report-xlsx", args=[report.pk])
            files["html"] = reverse("report-html", args=[report.pk])
            files["pdf"] = reverse("report-pdf", args=[report.pk])
        return files


@extend_schema_serializer(many=False)  # one object, not a page, though the list answers it
class FiguresPendingSerializer(serializers.Serializer):
    """The answer (202) while figures no snapshot holds yet are being computed by a job."""

    status = serializers.ChoiceField(choices=["computing"])
    detail = serializers.CharField()
    missing = serializers.IntegerField(help_text="figures of the answer not computed yet")
    requested_at = serializers.DateTimeField(help_text="when their computation was asked for")
    retry_after = serializers.IntegerField(help_text="seconds before asking again")


class PdfPendingSerializer(serializers.Serializer):
    """The answer (202) while a report's PDF is being prepared for the caller's scope."""

    status = serializers.ChoiceField(choices=["preparing"])
    detail = serializers.CharField()
    retry_after = serializers.IntegerField(help_text="seconds before asking again")

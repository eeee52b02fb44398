"""四个不摘: indicator snapshots, exit-readiness thresholds, reports and the notification inbox."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Indicator(models.TextChoices):
    """Stable indicator codes (DESIGN §9); each has a function in ``supervision.indicators``."""

    POVERTY_INCIDENCE = "poverty_incidence", _("Poverty incidence (%)")
    EXITS = "exits", _("People exited")
    RELAPSES = "relapses", _("People relapsed")
    MONITORING_CASES = "monitoring_cases", _("Open monitoring cases")
    VISIT_COVERAGE = "visit_coverage", _("Visit coverage (%)")
    OPEN_PROBLEMS = "open_problems", _("Open problems")
    OVERDUE_PROBLEMS = "overdue_problems", _("Overdue problems")
    DISBURSEMENT_RATE = "disbursement_rate", _("Fund disbursement rate (%)")
    REIMBURSEMENT_RATE = "reimbursement_rate", _("Fund reimbursement rate (%)")
    FILING_RATE = "filing_rate", _("Project filing rate (%)")
    COMPLETION_RATE = "completion_rate", _("Project completion rate (%)")
    RELOCATION_EMPLOYMENT = "relocation_employment", _("Relocation employment (%)")
    APPROVAL_RATE = "approval_rate", _("Approval rate (%)")
    WRONG_EXIT_RATE = "wrong_exit_rate", _("Wrong exit rate (%)")
    MISSING_EVIDENCE_RATE = "missing_evidence_rate", _("Missing evidence rate (%)")
    MISSED_RATE = "missed_rate", _("Missed identification rate (%)")


class IndicatorSnapshot(models.Model):
    """One indicator's value for one region and period, with what it was computed from."""

    indicator = models.CharField(_("indicator"), max_length=32, choices=Indicator.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField(_("period"), max_length=7)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2, null=True)
    numerator = models.DecimalField(_("numerator"), max_digits=18, decimal_places=2)
    denominator = models.DecimalField(_("denominator"), max_digits=18, decimal_places=2, null=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("indicator snapshot")
        verbose_name_plural = _("indicator snapshots")
        ordering = ["indicator", "period", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region", "period"], name="snapshot_indicator_region_period"
            ),
        ]
        indexes = [
            models.Index(fields=["period", "indicator", "region"], name="snapshot_period_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.region_id} {self.period}"


class Comparison(models.TextChoices):
    BELOW = "lt", _("below")
    AT_LEAST = "gte", _("at least")


class Zone(models.TextChoices):
    WEST = "west", _("Western region")
    CENTRAL = "central", _("Central and eastern region")


class ExitThreshold(models.Model):
    """三率一度: the bar a county must meet to exit; reference data, editable by operators."""

    indicator = models.CharField(_("indicator"), max_length=32, choices=Indicator.choices)
    zone = models.CharField(_("zone"), max_length=8, choices=Zone.choices, default=Zone.WEST)
    comparison = models.CharField(_("comparison"), max_length=3, choices=Comparison.choices)
    value = models.DecimalField(_("threshold (%)"), max_digits=6, decimal_places=2)
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("exit threshold")
        verbose_name_plural = _("exit thresholds")
        ordering = ["zone", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "zone"], name="threshold_indicator_zone"),
            models.CheckConstraint(
                condition=models.Q(value__gte=0) & models.Q(value__lte=100),
                name="threshold_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()} {self.get_comparison_display()} {self.value}%"

    def clean(self) -> None:
        """The rule of the percentage constraint, in the words of the field; and the comparison
        that goes with the indicator (a county must stay below a rate that is better low, reach
        one that is better high), so a slip cannot turn the exit rule around."""
        errors = {}
        if self.value is not None and not 0 <= self.value <= 100:
            errors["value"] = _("%(column)s is a percentage from 0 to 100.") % {
                "column": _("threshold (%)")
            }
        from supervision.indicators import SPECS  # the indicators read this model

        spec = SPECS.get(self.indicator)
        if spec is not None and self.comparison in Comparison.values:
            expected = Comparison.AT_LEAST if spec.higher_is_better else Comparison.BELOW
            if self.comparison != expected:
                errors["comparison"] = _(
                    "%(column)s of %(indicator)s should be %(expected)s (%(code)s)."
                ) % {
                    "column": _("comparison"),
                    "indicator": self.get_indicator_display(),
                    "expected": expected.label,
                    "code": expected.value,
                }
        if errors:
            raise ValidationError(errors)

    def passes(self, value: object) -> bool:
        if value is None:
            return False
        return value < self.value if self.comparison == Comparison.BELOW else value >= self.value  # type: ignore[operator]


class ReportKind(models.TextChoices):
    DISPATCH = "dispatch", _("Monthly dispatch")
    BULLETIN = "bulletin", _("Monthly bulletin")
    ANALYSIS = "analysis", _("Quarterly analysis")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Report(models.Model):
    """一月一调度 / 一月一通报 / 一季一分析: one per kind, region and period.

    A report asked for on the reports page exists from the request on (``queued``), is written
    by a Celery job (``running``, with its ``progress``) and is ``done`` with its files."""

    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("period"), max_length=7)
    title = models.CharField(_("title"), max_length=200)
    content = models.JSONField(_("content"), default=dict)
    xlsx = models.FileField(_("workbook"), upload_to="reports/", blank=True)
    html = models.FileField(_("printable report"), upload_to="reports/", blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.DONE
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=100)
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "region", "period"], name="report_kind_region_period"
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_progress_max_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_running(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message; ``key`` makes sending idempotent (one per user and key)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    key = models.CharField(_("key"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=255, blank=True)
    report = models.ForeignKey(
        Report,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_user_key"),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class ReportPdf(models.Model):
    """A bulletin's or an analysis's PDF as the readers of one scope read it (decision 0026).

    ``scope`` is the region whose rows the file shows: the narrower of the report's region and
    the reader's jurisdiction, so every reader with the same view of the report shares one file.
    The row exists from the first request on; ``file`` is empty until the job has written it.
    ``inputs`` says what the file was written with besides the report's content (the exit
    thresholds, which mark cells below target): a file whose inputs changed is written again."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="pdfs"
    )
    scope = models.ForeignKey(
        "regions.Region", verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="reports/pdf/%Y/%m/", max_length=200, blank=True)
    inputs = models.CharField(_("inputs"), max_length=64, blank=True)
    requested = models.DateTimeField(_("requested"), null=True, blank=True)
    written = models.DateTimeField(_("written"), null=True, blank=True)

    class Meta:
        verbose_name = _("report PDF")
        verbose_name_plural = _("report PDFs")
        ordering = ["report", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["report", "scope"], name="report_pdf_report_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.scope_id}"

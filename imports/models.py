"""Import jobs: one uploaded file, its dry run and its commit, run in the background.

The job is only the record (who, file, status, progress, counts, errors); what a file means and
how it is written is the business of the importing app (``households.importing``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued for checking")
    VALIDATING = "validating", _("Checking")
    VALIDATED = "validated", _("Checked, waiting for a decision")
    COMMIT_QUEUED = "commit_queued", _("Queued for writing")
    COMMITTING = "committing", _("Writing")
    COMMITTED = "committed", _("Written")
    FAILED = "failed", _("Cannot be imported")
    DISCARDED = "discarded", _("Discarded")


# A checked job that was not written can be discarded (its file and report deleted).
DISCARDABLE_STATUSES = frozenset({JobStatus.VALIDATED, JobStatus.FAILED})


# A job in one of these states has work left; a worker that died leaves it there.
RUNNING_STATUSES = frozenset(
    {JobStatus.QUEUED, JobStatus.VALIDATING, JobStatus.COMMIT_QUEUED, JobStatus.COMMITTING}
)


class CommitMode(models.TextChoices):
    ALL = "all", _("All rows or nothing")
    VALID_ONLY = "valid_only", _("Only the valid rows")


class ImportJob(models.Model):
    kind = models.CharField(_("kind"), max_length=32, default="register")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The uploader's jurisdiction when the job was made (empty for operators): the job is
    # visible to users whose jurisdiction covers it.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    mode = models.CharField(_("commit mode"), max_length=12, choices=CommitMode.choices, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    # {sheet: {"new": n, "updated": n, "unchanged": n, "invalid": n}}
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # The first errors, for the page and the API: [{sheet, row, column, value, message}].
    errors = models.JSONField(_("errors shown"), default=list, blank=True)
    # Households left out whole (a row of theirs refused), the first ones:
    # [{household_no, reasons: [{sheet, row, column, value, message}]}].
    skipped = models.JSONField(_("households left out"), default=list, blank=True)
    # Columns of the file that the format does not know, not imported, in sheet order:
    # [{sheet, columns: [header, …]}].
    ignored_columns = models.JSONField(_("columns not imported"), default=list, blank=True)
    # Every error, as an XLSX report.
    report = models.FileField(_("error report"), upload_to="imports/reports/%Y/%m/", blank=True)
    attempts = models.PositiveSmallIntegerField(_("runs"), default=0)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["region", "created"], name="import_job_region_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="import_job_progress_max_100"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse("imports:job", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def can_be_discarded(self) -> bool:
        return self.status in DISCARDABLE_STATUSES

    @property
    def invalid_rows(self) -> int:
        return sum(int(sheet.get("invalid", 0)) for sheet in (self.counts or {}).values())

    @property
    def changed_rows(self) -> int:
        return sum(
            int(sheet.get("new", 0)) + int(sheet.get("updated", 0))
            for sheet in (self.counts or {}).values()
        )


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Writing the file")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Failed")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    ZIP = "zip", _("CSV (zip)")


class ExportJob(models.Model):
    """One export of the register: written in the background, scoped and masked for the user
    who asked (the file is theirs alone: another user may see full ID numbers less, or more)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    masked = models.BooleanField(_("ID numbers masked"), default=False)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("runs"), default=0)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["created_by", "created"], name="export_job_user_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="export_job_progress_max_100"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.format}"

    def get_absolute_url(self) -> str:
        return reverse("imports:export-job", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def filename(self) -> str:
        return f"建档立卡-{self.pk}.{self.format}"

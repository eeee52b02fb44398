"""Look-back visits (回头看): a monthly visit task for flagged exited households and a sample."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

PERIOD_PATTERN = r"^20[0-9]{2}-(0[1-9]|1[0-2])$"


class LookBackReason(models.TextChoices):
    FLAGGED = "flagged", _("Flagged")
    SAMPLE = "sample", _("Random sample")


class LookBackFlag(models.TextChoices):
    MONITORING_CASE = "monitoring_case", _("Open monitoring case")
    OPEN_PROBLEM = "open_problem", _("Open problem")
    WRONG_EXIT = "wrong_exit", _("Wrong-exit suspect")
    MISSING_EVIDENCE = "missing_evidence", _("Exit evidence missing")


class LookBackStatus(models.TextChoices):
    OPEN = "open", _("To visit")
    DONE = "done", _("Visited")


class LookBackTask(models.Model):
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="look_back_tasks",
    )
    period = models.CharField(
        _("period"),
        max_length=7,
        validators=[RegexValidator(PERIOD_PATTERN, _("Give a month as YYYY-MM."))],
    )
    reason = models.CharField(_("reason"), max_length=10, choices=LookBackReason.choices)
    # Why a flagged household was chosen (LookBackFlag values).
    flags = models.JSONField(_("flags"), default=list, blank=True)
    due = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=LookBackStatus.choices, default=LookBackStatus.OPEN
    )
    visit = models.ForeignKey(
        "inspections.Visit",
        verbose_name=_("visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="look_back_tasks",
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("look-back task")
        verbose_name_plural = _("look-back tasks")
        ordering = ["due", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "period"], name="look_back_one_task_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(visit__isnull=False),
                name="look_back_done_has_visit",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due"], name="look_back_status_due"),
            models.Index(fields=["household", "status"], name="look_back_household_status"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.period}"

    @property
    def flag_labels(self) -> list[str]:
        return [str(LookBackFlag(flag).label) for flag in self.flags if flag in LookBackFlag.values]

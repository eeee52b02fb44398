"""Monitoring after exit (防返贫动态监测): cases, their steps and publicity objections."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from publicity.models import PublicityObjectionBase

# From the risk clue to a completed identification (识别认定) at most this many days.
IDENTIFICATION_DAYS = 15
# The village publicity of a risk clearance: at least 5 days, 7 by default like an exit.
MIN_PUBLICITY_DAYS = 5
DEFAULT_PUBLICITY_DAYS = 7


class MonitoringCategory(models.TextChoices):
    UNSTABLE_EXITED = "unstable_exited", _("Unstable exited household")
    EDGE = "edge", _("Edge household at risk of poverty")
    SUDDEN_HARDSHIP = "sudden_hardship", _("Household in sudden serious hardship")


class MonitoringStatus(models.TextChoices):
    IDENTIFYING = "identifying", _("Being identified")
    ASSISTING = "assisting", _("Being assisted")
    RISK_CLEARED = "risk_cleared", _("Risk cleared")
    NOT_INCLUDED = "not_included", _("Not included after verification")


OPEN_STATUSES = frozenset({MonitoringStatus.IDENTIFYING, MonitoringStatus.ASSISTING})


class RiskCode(models.TextChoices):
    INCOME = "income", _("Per-capita income under the monitoring line")
    ILLNESS = "illness", _("New serious illness")
    DISABILITY = "disability", _("New disability")
    DROPOUT = "dropout", _("Child out of school at compulsory age")
    NO_EMPLOYMENT = "no_employment", _("Relocated labour household without work")
    REPORTED = "reported", _("Reported by the household or a cadre")


class MonitoringCaseQuerySet(models.QuerySet):
    def open(self) -> MonitoringCaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def identification_overdue(self, on: datetime.date) -> MonitoringCaseQuerySet:
        """Still being identified more than 15 days after the case was opened."""
        return self.filter(
            status=MonitoringStatus.IDENTIFYING,
            opened__lt=on - datetime.timedelta(days=IDENTIFICATION_DAYS),
        )


class MonitoringCase(models.Model):
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="monitoring_cases",
    )
    category = models.CharField(_("category"), max_length=20, choices=MonitoringCategory.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MonitoringStatus.choices,
        default=MonitoringStatus.IDENTIFYING,
    )
    opened = models.DateField(_("opened on"))
    # The signals that opened the case (and any found while it is open): each a dict with
    # key (what makes the signal unique, e.g. "income:2020"), code, evidence and found_on.
    risks = models.JSONField(_("risks"), default=list, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the monitoring check opened it."),
    )
    identified_on = models.DateField(_("identified on"), null=True, blank=True)
    measures = models.TextField(_("assistance measures"), blank=True)
    publicity_start = models.DateField(_("publicity start"), null=True, blank=True)
    publicity_days = models.PositiveSmallIntegerField(
        _("publicity days"),
        default=DEFAULT_PUBLICITY_DAYS,
        validators=[MinValueValidator(MIN_PUBLICITY_DAYS), MaxValueValidator(60)],
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("reason"), max_length=255, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = MonitoringCaseQuerySet.as_manager()

    class Meta:
        db_table = "households_monitoringcase"
        verbose_name = _("monitoring case")
        verbose_name_plural = _("monitoring cases")
        ordering = ["-opened", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(status__in=["identifying", "assisting"]),
                name="monitoring_one_open_case_per_household",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["identifying", "assisting"])
                | models.Q(closed_on__isnull=False),
                name="monitoring_closed_case_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(publicity_days__gte=MIN_PUBLICITY_DAYS),
                name="monitoring_publicity_at_least_5_days",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "opened"], name="monitoring_status_opened"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.get_category_display()} {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def identify_by(self) -> datetime.date:
        """The last day on which the identification is on time."""
        return self.opened + datetime.timedelta(days=IDENTIFICATION_DAYS)

    @property
    def publicity_ends(self) -> datetime.date | None:
        """The first day after the publicity period."""
        if self.publicity_start is None:
            return None
        return self.publicity_start + datetime.timedelta(days=self.publicity_days)

    def risk_codes(self) -> list[str]:
        return [str(risk.get("code", "")) for risk in self.risks or []]


class MonitoringStep(models.Model):
    """One step of a case: who moved it (nobody for the automatic check), to what, when."""

    case = models.ForeignKey(
        MonitoringCase,
        verbose_name=_("monitoring case"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    status = models.CharField(_("status"), max_length=20, choices=MonitoringStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "households_monitoringstep"
        verbose_name = _("monitoring step")
        verbose_name_plural = _("monitoring steps")
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.get_status_display()


class MonitoringObjection(PublicityObjectionBase):
    """An objection raised during the publicity of a risk clearance."""

    case = models.ForeignKey(
        MonitoringCase,
        verbose_name=_("monitoring case"),
        on_delete=models.CASCADE,
        related_name="objections",
    )

    class Meta(PublicityObjectionBase.Meta):
        db_table = "households_monitoringobjection"
        verbose_name = _("monitoring objection")
        verbose_name_plural = _("monitoring objections")

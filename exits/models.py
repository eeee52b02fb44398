"""The exit procedure (脱贫退出程序): applications, their steps and publicity objections."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from publicity.models import PublicityObjectionBase

DEFAULT_PUBLICITY_DAYS = 7


class ExitState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed (democratic appraisal)")
    VERIFIED = "verified", _("Verified by the village and the work team")
    HOUSEHOLD_AGREED = "household_agreed", _("Agreed by the household")
    PUBLICIZED = "publicized", _("Publicized in the village")
    TOWNSHIP_REVIEWED = "township_reviewed", _("Reviewed by the township")
    APPROVED = "approved", _("Approved by the county")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Sent back to the village")


FINAL_STATES = frozenset({ExitState.APPROVED, ExitState.REJECTED, ExitState.RETURNED})


class ExitApplication(models.Model):
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="exit_applications",
    )
    year = models.PositiveSmallIntegerField(
        _("exit year"), validators=[MinValueValidator(2014), MaxValueValidator(2100)]
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ExitState.choices, default=ExitState.PROPOSED
    )
    proposed_on = models.DateField(_("date of the democratic appraisal"))
    attendees = models.PositiveSmallIntegerField(_("attendees"), default=0)
    # Recorded with every proposal since the gate of the exit procedure; older ones have none.
    agreeing = models.PositiveSmallIntegerField(_("attendees agreeing"), null=True, blank=True)
    appraisal_result = models.CharField(_("appraisal result"), max_length=200)
    # The exit assessment when proposed, shown beside the live one at review.
    snapshot = models.JSONField(_("assessment when proposed"), default=list)
    verification_visit = models.ForeignKey(
        "inspections.Visit",
        verbose_name=_("verification visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    publicity_start = models.DateField(_("publicity start"), null=True, blank=True)
    publicity_days = models.PositiveSmallIntegerField(
        _("publicity days"),
        default=DEFAULT_PUBLICITY_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    rejection_reason = models.CharField(_("rejection reason"), max_length=200, blank=True)
    return_reason = models.CharField(_("reason for sending back"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "households_exitapplication"
        verbose_name = _("exit application")
        verbose_name_plural = _("exit applications")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=~models.Q(state__in=["approved", "rejected", "returned"]),
                name="exit_one_open_application_per_household",
            ),
        ]
        indexes = [models.Index(fields=["state", "household"], name="exit_state_household")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year} {self.get_state_display()}"


class ExitStep(models.Model):
    """One step of the procedure: who moved it, to which state, on which date."""

    application = models.ForeignKey(
        ExitApplication,
        verbose_name=_("exit application"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    state = models.CharField(_("state"), max_length=20, choices=ExitState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "households_exitstep"
        verbose_name = _("exit step")
        verbose_name_plural = _("exit steps")
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.get_state_display()


class Objection(PublicityObjectionBase):
    application = models.ForeignKey(
        ExitApplication,
        verbose_name=_("exit application"),
        on_delete=models.CASCADE,
        related_name="objections",
    )

    class Meta(PublicityObjectionBase.Meta):
        db_table = "households_objection"
        verbose_name = _("publicity objection")
        verbose_name_plural = _("publicity objections")

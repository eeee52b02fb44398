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


# -- misclassification suspects, stored (decision 0027) ------------------------------------------


class SuspectKind(models.TextChoices):
    # In the order the list shows them (``rank``).
    WRONG_EXIT = "wrong_exit", _("wrong exit suspect")
    MISSING_EVIDENCE = "missing_evidence", _("evidence missing (to verify)")
    WRONGLY_REGISTERED = "wrongly_registered", _("wrongly registered suspect")
    MISSED = "missed", _("missed household suspect")


SUSPECT_RANK = {kind.value: rank for rank, kind in enumerate(SuspectKind)}


class SuspectRunState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("computing")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class SuspectRun(models.Model):
    """One computation of the suspects as of ``as_of`` for the households whose region code starts
    with ``prefix`` ("" is the whole register): by the monthly dispatch or asked from the page."""

    as_of = models.DateField(_("as of"))
    prefix = models.CharField(_("region-code prefix"), max_length=12, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=SuspectRunState.choices, default=SuspectRunState.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("suspect computation")
        verbose_name_plural = _("suspect computations")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["as_of", "prefix", "state"], name="suspect_run_on_prefix")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="suspect_run_progress_max_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.as_of} {self.prefix or '*'} {self.state}"

    @property
    def is_running(self) -> bool:
        return self.state in (SuspectRunState.QUEUED, SuspectRunState.RUNNING)


class Suspect(models.Model):
    """A household the evidence contradicts, as of ``as_of``; its evidence text is built when shown.
    ``region`` and ``household_no`` are copied at computation: the list's order and scope."""

    as_of = models.DateField(_("as of"))
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    household_no = models.CharField(_("household number"), max_length=32)
    kind = models.CharField(_("kind"), max_length=20, choices=SuspectKind.choices)
    rank = models.PositiveSmallIntegerField(_("order of the kind"))
    people = models.PositiveIntegerField(_("people"))

    class Meta:
        verbose_name = _("misclassification suspect")
        verbose_name_plural = _("misclassification suspects")
        ordering = ["as_of", "rank", "region", "household_no"]
        constraints = [
            models.UniqueConstraint(fields=["as_of", "household"], name="suspect_once_per_date"),
        ]
        indexes = [
            models.Index(
                fields=["as_of", "rank", "region", "household_no"], name="suspect_keyset_order"
            ),
            models.Index(fields=["as_of", "region"], name="suspect_on_region"),
        ]

    def __str__(self) -> str:
        return f"{self.as_of} {self.household_no} {self.kind}"


class ExitedPeople(models.Model):
    """The people of the households counted as exited as of ``as_of``, per village: the
    denominator of 错退率 and 缺少佐证率, stored with the suspects."""

    as_of = models.DateField(_("as of"))
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    people = models.PositiveIntegerField(_("people"))

    class Meta:
        verbose_name = _("exited people")
        verbose_name_plural = _("exited people")
        constraints = [
            models.UniqueConstraint(fields=["as_of", "region"], name="exited_people_once_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.as_of} {self.region_id} {self.people}"

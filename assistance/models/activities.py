"""Labour cooperation and the other activities of a scheme: trainings, job placements, exchange
visits, joint meetings, consumption assistance and seconded cadres (挂职干部)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assistance.models.partners import Partner, Scheme
from tongren_fupin.bounds import EXCHANGE_VISIT_PEOPLE_MAX, EXCHANGE_VISIT_PEOPLE_MIN


class SchemeActivity(models.Model):
    """What every record of a scheme's activity has: the scheme, the partner when known, and the
    Tongren region it took place in or served (the jurisdiction that sees it)."""

    scheme = models.CharField(_("scheme"), max_length=16, choices=Scheme.choices)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="assistance_%(class)ss",
    )

    class Meta:
        abstract = True


class Training(SchemeActivity):
    """劳务协作培训: one course (sessions and participants), optionally linking members."""

    title = models.CharField(_("title"), max_length=200)
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"), null=True, blank=True)
    sessions = models.PositiveIntegerField(
        pgettext_lazy("training", "sessions"), default=1, validators=[MinValueValidator(1)]
    )
    participants = models.PositiveIntegerField(_("participants"))
    members = models.ManyToManyField(
        "households.Member",
        verbose_name=_("registered members trained"),
        blank=True,
        related_name="assistance_trainings",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-start_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(sessions__gte=1), name="training_sessions"),
            models.CheckConstraint(
                condition=models.Q(end_on__isnull=True)
                | models.Q(end_on__gte=models.F("start_on")),
                name="training_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PlacementPlace(models.TextChoices):
    SUZHOU = "suzhou", _("Suzhou")
    IN_PROVINCE = "in_province", _("In the province")
    LOCAL = "local", _("Local")


class JobPlacement(models.Model):
    """转移就业: a registered member placed in a job."""

    member = models.ForeignKey(
        "households.Member",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="job_placements",
    )
    employer = models.CharField(_("employer"), max_length=100)
    place = models.CharField(_("place of work"), max_length=12, choices=PlacementPlace.choices)
    placed_on = models.DateField(_("placed on"))
    scheme = models.CharField(
        _("scheme"), max_length=16, choices=Scheme.choices, default=Scheme.EAST_WEST
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="job_placements",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("job placement")
        verbose_name_plural = _("job placements")
        ordering = ["-placed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "employer", "placed_on"], name="job_placement_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.employer}"


class ExchangeVisit(SchemeActivity):
    """互访考察: one visit and the number of people on it."""

    date = models.DateField(_("date"))
    people = models.PositiveIntegerField(
        _("people"),
        validators=[
            MinValueValidator(EXCHANGE_VISIT_PEOPLE_MIN),
            MaxValueValidator(EXCHANGE_VISIT_PEOPLE_MAX),
        ],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("exchange visit")
        verbose_name_plural = _("exchange visits")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.people}"


class MeetingKind(models.TextChoices):
    JOINT = "joint", _("Joint meeting")
    WORKING = "working", _("Working meeting")


class JointMeeting(SchemeActivity):
    """联席会议 (and the working meetings beside them): one meeting."""

    kind = models.CharField(
        _("kind"), max_length=10, choices=MeetingKind.choices, default=MeetingKind.JOINT
    )
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class ConsumptionAssistance(SchemeActivity):
    """消费扶贫 over a period: products bought and sales helped, in yuan."""

    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"))
    purchased = models.DecimalField(
        _("products bought (yuan)"), default=0, max_digits=16, decimal_places=2
    )
    sales_helped = models.DecimalField(
        _("sales helped (yuan)"), default=0, max_digits=16, decimal_places=2
    )

    class Meta:
        verbose_name = _("consumption assistance")
        verbose_name_plural = _("consumption assistance")
        ordering = ["-start_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purchased__gte=0, sales_helped__gte=0),
                name="consumption_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start_on}–{self.end_on}"


class SecondedCadre(models.Model):
    """挂职干部: one cadre seconded from a partner unit to a Tongren county."""

    scheme = models.CharField(_("scheme"), max_length=16, choices=Scheme.choices)
    name = models.CharField(_("name"), max_length=50)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("from unit"),
        on_delete=models.PROTECT,
        related_name="seconded_cadres",
    )
    county = models.ForeignKey(
        "regions.Region",
        verbose_name=_("to county"),
        on_delete=models.PROTECT,
        related_name="seconded_cadres",
    )
    post = models.CharField(_("post"), max_length=100, blank=True)
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        verbose_name = _("seconded cadre")
        verbose_name_plural = _("seconded cadres")
        ordering = ["-start_on", "name"]

    def __str__(self) -> str:
        return self.name

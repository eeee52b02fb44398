"""The "76554" method: visits with 五个看, 五个一致, 四个好, 六个不, and problems (七个补)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongren_fupin.photos import PhotoBase


class VisitKind(models.TextChoices):
    ROUTINE = "routine", _("Routine visit")
    VERIFICATION = "verification", _("Verification for an exit")
    SUPERVISION = "supervision", _("Supervision")
    CROSS_INSPECTION = "cross_inspection", _("Cross-inspection")
    LOOK_BACK = "look_back", _("Look-back")


class Visit(models.Model):
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visitor"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    date = models.DateField(_("visit date"))
    kind = models.CharField(
        _("kind"), max_length=20, choices=VisitKind.choices, default=VisitKind.ROUTINE
    )
    note = models.TextField(_("note"), blank=True)
    location = models.CharField(_("location"), max_length=100, blank=True)
    # The phone's position, only when the visitor allowed it (navigator.geolocation); never
    # read from a photo's EXIF, which is dropped.
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    position_accuracy = models.PositiveIntegerField(
        _("position accuracy (m)"), null=True, blank=True
    )
    position_taken_at = models.DateTimeField(_("position taken at"), null=True, blank=True)
    # One visit per form: a resubmitted form (double tap, resend) carries the same token.
    client_token = models.UUIDField(
        _("form token"), default=uuid.uuid4, unique=True, editable=False
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("household visit")
        verbose_name_plural = _("household visits")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["household", "-date"], name="visit_household_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="visit_position_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.date}"

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class FiveLooks(models.Model):
    """五个看: each look adequate or not, with a note."""

    LOOKS = ("furnishings", "clothing", "cupboard", "bedding", "pot")

    visit = models.OneToOneField(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="five_looks"
    )
    furnishings = models.BooleanField(_("what is in the house (furnishings)"))
    furnishings_note = models.CharField(_("note"), max_length=200, blank=True)
    clothing = models.BooleanField(_("what they wear (clothing)"))
    clothing_note = models.CharField(_("note"), max_length=200, blank=True)
    cupboard = models.BooleanField(_("what is in the cupboard (food stores)"))
    cupboard_note = models.CharField(_("note"), max_length=200, blank=True)
    bedding = models.BooleanField(_("what is on the bed (bedding)"))
    bedding_note = models.CharField(_("note"), max_length=200, blank=True)
    pot = models.BooleanField(_("what is in the pot (meals)"))
    pot_note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("five looks")
        verbose_name_plural = _("five looks")

    def __str__(self) -> str:
        return f"五个看 {self.visit_id}"


# The five looks by name, for the API's choice of a photo's look (its OpenAPI enum).
FIVE_LOOKS = FiveLooks.LOOKS


class CheckedField(models.TextChoices):
    FAMILY_SIZE = "family_size", _("Family size")
    PER_CAPITA_INCOME = "per_capita_income", _("Per-capita net income")
    POVERTY_ATTRIBUTE = "poverty_attribute", _("Poverty attribute")
    MAIN_CAUSE = "main_cause", _("Main poverty cause")
    STATUS = "status", _("Status")
    MEASURES = "measures", _("Assistance measures")
    RESPONSIBLE_CADRE = "responsible_cadre", _("Responsible cadre")


#: The unit of an item the register counts or measures. 帮扶措施 is checked as the number of
#: measures (“1 项”), not their names; 家庭人口 as a number of people.
CHECKED_UNITS: dict[str, Any] = {
    CheckedField.FAMILY_SIZE: pgettext_lazy("unit of a number of people", "people"),
    CheckedField.PER_CAPITA_INCOME: pgettext_lazy("unit of an amount of money", "yuan"),
    CheckedField.MEASURES: pgettext_lazy("unit of a number of assistance measures", "measures"),
}


def with_unit(field: str, value: str) -> str:
    """A checked item's value as a cadre reads it: ``1 项``, ``4 人``, ``5200.00 元``."""
    unit = CHECKED_UNITS.get(field)
    return f"{value} {unit}" if unit and value.strip() else value


SOURCES = ("wall", "bag", "spoken", "system", "observed")


class ConsistencyCheck(models.Model):
    """五个一致: one row per checked field, five sources each."""

    visit = models.OneToOneField(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="consistency"
    )

    class Meta:
        verbose_name = _("consistency check")
        verbose_name_plural = _("consistency checks")

    def __str__(self) -> str:
        return f"五个一致 {self.visit_id}"


class ConsistencyItem(models.Model):
    consistency = models.ForeignKey(
        ConsistencyCheck,
        verbose_name=_("consistency check"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    field = models.CharField(_("checked item"), max_length=20, choices=CheckedField.choices)
    wall = models.CharField(_("on the wall (notice board)"), max_length=100, blank=True)
    bag = models.CharField(_("in the bag (document bag)"), max_length=100, blank=True)
    spoken = models.CharField(_("what they say"), max_length=100, blank=True)
    system = models.CharField(_("in the system"), max_length=100, blank=True)
    observed = models.CharField(_("what is observed"), max_length=100, blank=True)
    mismatch = models.BooleanField(_("mismatch"), default=False)

    class Meta:
        verbose_name = _("consistency item")
        verbose_name_plural = _("consistency items")
        constraints = [
            models.UniqueConstraint(
                fields=["consistency", "field"], name="consistency_item_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.get_field_display()

    def values(self) -> list[str]:
        return [getattr(self, source) for source in SOURCES]

    @property
    def system_shown(self) -> str:
        """The register's value with its unit (``1 项`` for the measures: a count)."""
        return with_unit(self.field, self.system)

    def disagrees(self) -> bool:
        """Sources that were filled in must all say the same (blank means not checked)."""
        given = {" ".join(v.split()).lower() for v in self.values() if v.strip()}
        return len(given) > 1


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class ApprovalSurvey(models.Model):
    """四个好: the household's view; it approves (认可) when nothing is 不满意."""

    ITEMS = ("policy", "environment", "ethos", "cadre_relations")

    visit = models.OneToOneField(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="survey"
    )
    policy = models.CharField(
        _("the Party's policies"), max_length=12, choices=Satisfaction.choices
    )
    environment = models.CharField(
        _("the living environment"), max_length=12, choices=Satisfaction.choices
    )
    ethos = models.CharField(_("the social ethos"), max_length=12, choices=Satisfaction.choices)
    cadre_relations = models.CharField(
        _("relations with cadres"), max_length=12, choices=Satisfaction.choices
    )

    class Meta:
        verbose_name = _("approval survey")
        verbose_name_plural = _("approval surveys")

    def __str__(self) -> str:
        return f"四个好 {self.visit_id}"

    @property
    def approves(self) -> bool:
        return all(getattr(self, item) != Satisfaction.DISSATISFIED for item in self.ITEMS)


class MotivationAssessment(models.Model):
    """六个不: fewer than 4 met flags the household for 扶志扶智 measures."""

    ITEMS = ("self_reliance", "initiative", "independence", "ownership", "diligence", "leverage")
    FLAG_BELOW = 4

    visit = models.OneToOneField(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="motivation"
    )
    self_reliance = models.BooleanField(_("self-reliant, not self-abased"))
    initiative = models.BooleanField(_("hopes but does not just wait"))
    independence = models.BooleanField(_("relies on help but is not dependent"))
    ownership = models.BooleanField(_("takes charge, is not taken care of"))
    diligence = models.BooleanField(_("works hard, does not just endure"))
    leverage = models.BooleanField(_("uses help, does not save effort"))

    class Meta:
        verbose_name = _("motivation assessment")
        verbose_name_plural = _("motivation assessments")

    def __str__(self) -> str:
        return f"六个不 {self.visit_id}"

    @property
    def met_count(self) -> int:
        return sum(bool(getattr(self, item)) for item in self.ITEMS)

    @property
    def flagged(self) -> bool:
        return self.met_count < self.FLAG_BELOW


class ProblemSource(models.TextChoices):
    VISIT = "visit", _("Visit")
    BY_HAND = "by_hand", _("Reported by hand")
    CHECK = "check", _("Consistency check")
    LOOK_BACK = "look_back", _("Look-back")
    CROSS_INSPECTION = "cross_inspection", _("Cross-inspection")
    BULLETIN = "bulletin", _("Bulletin")


class ProblemCategory(models.TextChoices):
    FILL_GAPS = "fill_gaps", _("Find and fill gaps (查缺补漏)")
    MEND_AFTER_LOSS = "mend_after_loss", _("Mend the fold (亡羊补牢)")
    LEARN_FROM_OTHERS = "learn_from_others", _("Learn from others (取长补短)")
    JOINT_COVER = "joint_cover", _("Cover together (合力补位)")
    DILIGENCE = "diligence", _("Make up by diligence (勤能补拙)")
    REDEEM = "redeem", _("Redeem by merit (将功补过)")
    REWARD = "reward", _("Reward (激励补赏)")


class ProblemState(models.TextChoices):
    OPEN = "open", _("Open")
    RECTIFYING = "rectifying", _("Being rectified")
    RECTIFIED = "rectified", _("Rectified")
    VERIFIED = "verified", _("Verified and closed")


class ProblemQuerySet(models.QuerySet):
    def unresolved(self) -> ProblemQuerySet:
        return self.exclude(state=ProblemState.VERIFIED)

    def overdue(self, today: datetime.date) -> ProblemQuerySet:
        return self.unresolved().filter(deadline__lt=today)


class Problem(models.Model):
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="problems",
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems",
    )
    source = models.CharField(_("source"), max_length=20, choices=ProblemSource.choices)
    category = models.CharField(_("category"), max_length=20, choices=ProblemCategory.choices)
    description = models.TextField(_("description"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"))
    state = models.CharField(
        _("state"), max_length=12, choices=ProblemState.choices, default=ProblemState.OPEN
    )
    evidence = models.TextField(_("rectification evidence"), blank=True)
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rectified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rectified_at = models.DateTimeField(_("rectified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["state", "deadline"], name="problem_state_deadline"),
            models.Index(fields=["household", "state"], name="problem_household_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="verified")
                | ~models.Q(verified_by=models.F("rectified_by")),
                name="problem_verifier_is_not_rectifier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.household_id}"


class PhotoSubject(models.TextChoices):
    VISIT = "visit", _("Visit")
    LOOK = "look", _("Five looks")
    PROBLEM = "problem", _("Problem")
    RECTIFICATION = "rectification", _("Rectification evidence")


class Photo(PhotoBase):
    """A photo of a visit (of one of its five looks) or of a problem (reported, rectified)."""

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="photos",
    )
    subject = models.CharField(_("photo of"), max_length=16, choices=PhotoSubject.choices)
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("visit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
    )
    look = models.CharField(
        _("look"),
        max_length=12,
        blank=True,
        choices=[
            (name, getattr(FiveLooks._meta.get_field(name), "verbose_name", name))
            for name in FiveLooks.LOOKS
        ],
    )
    problem = models.ForeignKey(
        Problem,
        verbose_name=_("problem"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
    )

    folder = "inspections"

    class Meta(PhotoBase.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        indexes = [models.Index(fields=["household", "-id"], name="photo_household")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(subject__in=["visit", "look"], visit__isnull=False)
                | models.Q(subject__in=["problem", "rectification"], problem__isnull=False),
                name="photo_has_its_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(subject="look") | models.Q(look=""),
                name="photo_look_only_for_looks",
            ),
            models.CheckConstraint(
                condition=~models.Q(subject="look") | ~models.Q(look=""),
                name="photo_look_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} · {self.household_id}"


# Look-back tasks live in their own module.
from inspections.look_back_models import LookBackTask  # noqa: E402, F401

"""三位一体 and 9+2: partners, pairings, agreements, projects and funds, labour cooperation.

Itemised rows (one project, one fund flow, one training session, one placed member) sit beside
``ReportedTotal`` rows: the part of a published cumulative figure (e.g. "1121 projects since
2013") that is not recorded item by item. The summary adds both; nothing is a constant in code.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from assistance.validators import validate_credit_code


class Scheme(models.TextChoices):
    EAST_WEST = "east_west", _("East–west cooperation (Suzhou)")
    DESIGNATED = "designated", _("Designated assistance")
    SOCIAL = "social", _("Social assistance")
    NINE_PLUS_TWO = "nine_plus_two", _("9+2 assistance to Yanhe")


class PartnerKind(models.TextChoices):
    EAST_WEST_CITY = "east_west_city", _("East–west: city")
    EAST_WEST_DISTRICT = "east_west_district", _("East–west: county or district")
    EAST_WEST_TOWN = "east_west_town", _("East–west: town")
    EAST_WEST_VILLAGE = "east_west_village", _("East–west: village")
    EAST_WEST_SCHOOL = "east_west_school", _("East–west: school")
    EAST_WEST_HOSPITAL = "east_west_hospital", _("East–west: hospital")
    EAST_WEST_ENTERPRISE = "east_west_enterprise", _("East–west: enterprise")
    EAST_WEST_ASSOCIATION = "east_west_association", _("East–west: association")
    CENTRAL_UNIT = "central_unit", _("Central designated unit")
    PROVINCIAL_UNIT = "provincial_unit", _("Provincial designated unit")
    MUNICIPAL_UNIT = "municipal_unit", _("Municipal designated unit")
    PRIVATE_ENTERPRISE = "private_enterprise", _("Private enterprise")
    CHAMBER = "chamber", _("Chamber of commerce")
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")
    CITY_COUNTY = "city_county", _("County or district in the city (9+2)")
    CITY_ZONE = "city_zone", _("Development zone in the city (9+2)")


class Partner(models.Model):
    """帮扶单位: who helps. A collective row stands for a group recorded together."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=PartnerKind.choices)
    home_place = models.CharField(_("home place"), max_length=100, blank=True)
    home_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("home region in Tongren"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only for partners inside Tongren (the 9+2 helpers)."),
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    is_collective = models.BooleanField(
        _("collective record"),
        default=False,
        help_text=_("Stands for a group of organisations recorded together."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="partner_credit_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class InstitutionKind(models.TextChoices):
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital or medical institution")


class Institution(models.Model):
    """A school or hospital in Tongren: a target of 结对 beside townships and villages."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=InstitutionKind.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="assistance_institutions",
    )

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["region", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="institution_region_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Agreement(models.Model):
    """帮扶协议 between a partner and a Tongren region; its projects form the 项目清单."""

    title = models.CharField(_("title"), max_length=200)
    scheme = models.CharField(_("scheme"), max_length=16, choices=Scheme.choices)
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="agreements"
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("assisted region"),
        on_delete=models.PROTECT,
        related_name="assistance_agreements",
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    content = models.TextField(_("content"), blank=True)

    class Meta:
        verbose_name = _("assistance agreement")
        verbose_name_plural = _("assistance agreements")
        ordering = ["region", "partner"]

    def __str__(self) -> str:
        return self.title


class PairingLevel(models.TextChoices):
    TOWN_TOWNSHIP = "town_township", _("Town – township")
    VILLAGE_VILLAGE = "village_village", _("Village – village")
    SCHOOL_SCHOOL = "school_school", _("School – school")
    HOSPITAL_HOSPITAL = "hospital_hospital", _("Hospital – hospital")
    COUNTY_COUNTY = "county_county", _("County – county")
    UNIT_COUNTY = "unit_county", _("Unit – county")
    ENTERPRISE_VILLAGE = "enterprise_village", _("Enterprise – village")


class Pairing(models.Model):
    """结对: a partner (or several, recorded together) paired with Tongren targets.

    An itemised pairing is one partner with one target (units 1 and 1). A pairing recorded in
    aggregate says how many partner units and target units it stands for, e.g. 102 Suzhou
    towns with 119 Tongren townships; its region is then the region holding all targets.
    """

    scheme = models.CharField(_("scheme"), max_length=16, choices=Scheme.choices)
    level = models.CharField(_("pairing level"), max_length=20, choices=PairingLevel.choices)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairings",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("assisted region"),
        on_delete=models.PROTECT,
        related_name="assistance_pairings",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("assisted institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairings",
    )
    partner_units = models.PositiveIntegerField(
        _("partner units"), default=1, validators=[MinValueValidator(1)]
    )
    target_units = models.PositiveIntegerField(
        _("target units"), default=1, validators=[MinValueValidator(1)]
    )
    start_on = models.DateField(_("start"), null=True, blank=True)
    end_on = models.DateField(_("end"), null=True, blank=True)
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pairings",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["scheme", "level", "region"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(partner_units__gte=1, target_units__gte=1),
                name="pairing_units_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(partner__isnull=False) | models.Q(partner_units__gt=1),
                name="pairing_partner_unless_aggregate",
            ),
            models.CheckConstraint(
                condition=models.Q(end_on__isnull=True)
                | models.Q(start_on__isnull=True)
                | models.Q(end_on__gte=models.F("start_on")),
                name="pairing_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner or self.note} → {self.institution or self.region}"

    def clean(self) -> None:
        super().clean()
        institution = self.institution if self.institution_id else None
        if institution is not None and self.region_id and institution.region_id != self.region_id:
            raise ValidationError({"region": _("The region must be the institution's region.")})


class ProjectState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    FILED = "filed", _("Filed")
    STARTED = "started", _("Started")
    COMPLETED = "completed", _("Completed")
    ACCEPTED = "accepted", _("Accepted")


# The order a project goes through; a state counts as having passed every earlier one.
PROJECT_STATE_ORDER = [state.value for state in ProjectState]
FILED_STATES = PROJECT_STATE_ORDER[1:]
COMPLETED_STATES = [ProjectState.COMPLETED.value, ProjectState.ACCEPTED.value]


class ProjectCategory(models.TextChoices):
    INDUSTRY = "industry", _("Industry")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health care")
    EMPLOYMENT = "employment", _("Employment")
    HOUSING = "housing", _("Housing")
    OTHER = "other", _("Other")


class Project(models.Model):
    name = models.CharField(_("name"), max_length=200)
    scheme = models.CharField(_("scheme"), max_length=16, choices=Scheme.choices)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    target_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("target region"),
        on_delete=models.PROTECT,
        related_name="assistance_projects",
    )
    category = models.CharField(_("category"), max_length=16, choices=ProjectCategory.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    planned_amount = models.DecimalField(
        _("planned amount (yuan)"),
        default=0,
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    people_covered = models.PositiveIntegerField(_("people covered"), default=0)
    state = models.CharField(
        _("state"), max_length=10, choices=ProjectState.choices, default=ProjectState.PLANNED
    )
    planned_completion = models.DateField(_("planned completion"), null=True, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    beneficiary_households = models.ManyToManyField(
        "households.Household",
        verbose_name=_("beneficiary households"),
        blank=True,
        related_name="assistance_projects",
    )
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("assistance project")
        verbose_name_plural = _("assistance projects")
        ordering = ["-year", "target_region", "name"]
        indexes = [
            models.Index(fields=["target_region", "year"], name="project_region_year"),
            models.Index(fields=["scheme", "year"], name="project_scheme_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_amount__gte=0),
                name="project_planned_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="project_year_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectOutput(models.Model):
    """A measured output of a project (117 亩 of base, 51万 棒 of fungus logs)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="outputs"
    )
    name = models.CharField(_("output"), max_length=100)
    quantity = models.DecimalField(_("quantity"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20)

    class Meta:
        verbose_name = _("project output")
        verbose_name_plural = _("project outputs")
        ordering = ["project", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.quantity}{self.unit}"


class FundFlowKind(models.TextChoices):
    ALLOCATED = "allocated", _("Allocated")
    DISBURSED = "disbursed", _("Disbursed")
    REIMBURSED = "reimbursed", _("Reimbursed")


class FundFlow(models.Model):
    """资金 下达 / 拨付 / 报账 on a project. Only services create them (they check the sums)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="flows"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FundFlowKind.choices)
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), _("The amount must be more than zero."))],
    )
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("fund flow")
        verbose_name_plural = _("fund flows")
        ordering = ["project", "date", "id"]
        indexes = [models.Index(fields=["project", "kind"], name="fundflow_project_kind")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="fundflow_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


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
        _("sessions"), default=1, validators=[MinValueValidator(1)]
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
    people = models.PositiveIntegerField(_("people"), validators=[MinValueValidator(1)])
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


class ReportedTotal(models.Model):
    """The part of a published cumulative figure that is not recorded item by item.

    The summary adds these to the itemised rows. A row names its source, its scheme, the
    region it concerns, the years it covers and, for a group of partners, their kind.
    """

    scheme = models.CharField(_("scheme"), max_length=16, choices=Scheme.choices)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_totals",
    )
    partner_kind = models.CharField(
        _("partner kind"), max_length=24, choices=PartnerKind.choices, blank=True
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="assistance_reported_totals",
    )
    start_year = models.PositiveSmallIntegerField(_("from year"))
    end_year = models.PositiveSmallIntegerField(_("to year"))
    funds = models.DecimalField(_("funds (yuan)"), default=0, max_digits=16, decimal_places=2)
    projects = models.PositiveIntegerField(_("projects"), default=0)
    people_covered = models.PositiveIntegerField(_("people covered"), default=0)
    exchange_visitors = models.PositiveIntegerField(_("exchange visitors"), default=0)
    joint_meetings = models.PositiveIntegerField(_("joint meetings"), default=0)
    working_meetings = models.PositiveIntegerField(_("working meetings"), default=0)
    trainings = models.PositiveIntegerField(_("training sessions"), default=0)
    trainees = models.PositiveIntegerField(_("trainees"), default=0)
    placed = models.PositiveIntegerField(_("people placed in jobs"), default=0)
    purchased = models.DecimalField(
        _("products bought (yuan)"), default=0, max_digits=16, decimal_places=2
    )
    sales_helped = models.DecimalField(
        _("sales helped (yuan)"), default=0, max_digits=16, decimal_places=2
    )
    seconded_cadres = models.PositiveIntegerField(_("seconded cadres"), default=0)
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("reported total")
        verbose_name_plural = _("reported totals")
        ordering = ["scheme", "region", "start_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="reported_total_years_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(funds__gte=0, purchased__gte=0, sales_helped__gte=0),
                name="reported_total_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.start_year}–{self.end_year}"

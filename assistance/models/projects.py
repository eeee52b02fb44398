"""Assistance projects (the 项目清单), their measured outputs and fund flows (下达, 拨付, 报账)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from assistance.models.partners import Agreement, Partner, Scheme
from tongren_fupin.bounds import PROJECT_PEOPLE_MAX, PROJECT_PEOPLE_MIN
from tongren_fupin.photos import PhotoBase


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
    people_covered = models.PositiveIntegerField(
        _("people covered"),
        default=0,
        validators=[MinValueValidator(PROJECT_PEOPLE_MIN), MaxValueValidator(PROJECT_PEOPLE_MAX)],
    )
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


class FundFlowVoucher(PhotoBase):
    """A photo of a fund flow's voucher (拨付凭证, 报账单据), re-encoded without metadata."""

    flow = models.ForeignKey(
        FundFlow, verbose_name=_("fund flow"), on_delete=models.CASCADE, related_name="vouchers"
    )

    folder = "vouchers"

    class Meta(PhotoBase.Meta):
        verbose_name = _("fund flow voucher")
        verbose_name_plural = _("fund flow vouchers")

    def __str__(self) -> str:
        return f"{self.flow} · {self.pk}"

"""建档立卡 register: households, members, yearly income, assistance measures, poverty lines."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from households.choices import (
    Cause,
    Education,
    Ethnicity,
    Fuel,
    Health,
    HousingGrade,
    IdentificationStandard,
    LabourAbility,
    LineKind,
    MeasureKind,
    PoliticalStatus,
    PovertyAttribute,
    Relation,
    RoadType,
    Schooling,
    Sex,
    Status,
    WorkStatus,
)
from households.id_numbers import parse_id_number
from households.standards import NOT_IN_SCHOOL

MAX_OTHER_CAUSES = 2
YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


def money(label: Any, *, editable: bool = True) -> models.DecimalField:
    """A yuan amount of the income form: 12 digits, 2 decimals, zero by default."""
    return models.DecimalField(
        label, max_digits=12, decimal_places=2, default=Decimal("0"), editable=editable
    )


phone_validator = RegexValidator(
    r"^[0-9+\-() ]{5,20}$", _("Enter a phone number (digits, 5 to 20 characters).")
)


# The codes of 致贫原因, built once (Cause.values builds a new list on every call).
CAUSE_CODES = frozenset(Cause.values)


class PovertyLine(models.Model):
    """扶贫标准 and 监测线 per year: reference data, editable by operators."""

    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    kind = models.CharField(_("kind"), max_length=12, choices=LineKind.choices)
    amount = models.DecimalField(
        _("amount (yuan per person per year)"), max_digits=8, decimal_places=2
    )
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("poverty line")
        verbose_name_plural = _("poverty lines")
        ordering = ["kind", "year"]
        constraints = [
            models.UniqueConstraint(fields=["year", "kind"], name="poverty_line_year_kind"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="poverty_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()} {self.amount}"

    def clean(self) -> None:
        """The rule of the positive-amount constraint, in the words of the field."""
        if self.amount is not None and self.amount <= 0:
            raise ValidationError(
                {
                    "amount": _("%(column)s must be more than 0 (yuan per person per year).")
                    % {"column": _("amount (yuan per person per year)")}
                }
            )


class HouseholdQuerySet(models.QuerySet):
    def with_head_and_size(self) -> HouseholdQuerySet:
        """Adds ``head_name`` and ``member_count`` in the same query (use on few rows)."""
        head = Member.objects.filter(household=models.OuterRef("pk"), relation=Relation.HEAD)
        size = (
            Member.objects.filter(household=models.OuterRef("pk"))
            .order_by()
            .values("household")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            head_name=models.Subquery(head.values("name")[:1]),
            member_count=Coalesce(models.Subquery(size), 0),
        )


def annotate_page(households: list[Household]) -> list[Household]:
    """Head name and size for one page of households, in one query whatever the page size.

    Lists paginate the bare queryset first, so the database never computes these for the rows
    an OFFSET skips.
    """
    ids = [household.pk for household in households]
    facts: dict[int, dict[str, Any]] = {
        row["household_id"]: dict(row)
        for row in Member.objects.filter(household_id__in=ids)
        .values("household_id")
        .annotate(
            member_count=models.Count("pk"),
            head_name=models.Max("name", filter=models.Q(relation=Relation.HEAD)),
        )
    }
    for household in households:
        row = facts.get(household.pk, {})
        household.head_name = row.get("head_name")  # type: ignore[attr-defined]
        household.member_count = row.get("member_count", 0)  # type: ignore[attr-defined]
    return households


class Household(models.Model):
    household_no = models.CharField(
        _("household number"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[0-9A-Za-z-]{4,32}$", _("Use 4 to 32 digits or letters."))],
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"level": "village"},
    )
    poverty_attribute = models.CharField(
        _("poverty attribute"),
        max_length=10,
        choices=PovertyAttribute.choices,
        default=PovertyAttribute.GENERAL,
    )
    identification_standard = models.CharField(
        _("identification standard"),
        max_length=10,
        choices=IdentificationStandard.choices,
        default=IdentificationStandard.NATIONAL,
    )
    identification_year = models.PositiveSmallIntegerField(
        _("identification year"), validators=YEAR_VALIDATORS
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    exit_year = models.PositiveSmallIntegerField(
        _("exit year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    relapse_year = models.PositiveSmallIntegerField(
        _("relapse year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    relapse_cause = models.CharField(_("relapse cause"), max_length=200, blank=True)
    main_cause = models.CharField(_("main poverty cause"), max_length=12, choices=Cause.choices)
    other_causes = models.JSONField(_("other poverty causes"), default=list, blank=True)
    housing_grade = models.CharField(
        _("housing safety grade"), max_length=1, choices=HousingGrade.choices, blank=True
    )
    housing_area = models.DecimalField(
        _("housing area (m²)"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    water_safe = models.BooleanField(_("safe drinking water"), default=False)
    electricity = models.BooleanField(_("household electricity"), default=True)
    road_type = models.CharField(
        _("road to the house"), max_length=10, choices=RoadType.choices, blank=True
    )
    toilet = models.BooleanField(_("sanitary toilet"), default=False)
    fuel = models.CharField(_("main fuel"), max_length=10, choices=Fuel.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    responsible_cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible cadre (user)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assisted_households",
    )
    cadre_name = models.CharField(_("responsible cadre"), max_length=50, blank=True)
    cadre_unit = models.CharField(_("cadre's work unit"), max_length=100, blank=True)
    cadre_post = models.CharField(_("cadre's post"), max_length=50, blank=True)
    cadre_phone = models.CharField(
        _("cadre's phone"), max_length=20, blank=True, validators=[phone_validator]
    )
    is_relocated = models.BooleanField(_("relocated household"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("registered household")
        verbose_name_plural = _("registered households")
        ordering = ["region", "household_no"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(housing_grade__in=["", "A", "B", "C", "D"]),
                name="household_housing_grade_a_to_d",
            ),
            models.CheckConstraint(
                condition=models.Q(exit_year__isnull=True)
                | models.Q(exit_year__gte=models.F("identification_year")),
                name="household_exit_after_identification",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "household_no"], name="household_region_number"),
            models.Index(fields=["status", "region"], name="household_status_region"),
            # A household's village by its id from the index alone: a name search probes each
            # matching member's household for the jurisdiction (households.selectors), and
            # without it each probe read the table (a county's search: 68 ms as a hash of the
            # county's households, 51 ms probing the table, 4–10 ms probing this index).
            models.Index(fields=["id"], include=["region"], name="household_id_region"),
        ]

    def __str__(self) -> str:
        return self.household_no

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        causes = self.other_causes or []
        if not isinstance(causes, list) or any(
            not isinstance(c, str) or c not in CAUSE_CODES for c in causes
        ):
            errors["other_causes"] = _("Choose other causes from the list.")
        elif len(causes) > MAX_OTHER_CAUSES:
            errors["other_causes"] = _("At most 2 other poverty causes.")
        elif self.main_cause in causes:
            errors["other_causes"] = _("The main cause cannot also be another cause.")
        if self.region_id and getattr(self.region, "level", "village") != "village":
            errors["region"] = _("A household belongs to a village.")
        if (
            self.exit_year
            and self.identification_year
            and self.exit_year < self.identification_year
        ):
            errors["exit_year"] = _("The exit year cannot be before the identification year.")
        if errors:
            raise ValidationError(errors)


class Member(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("full name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=20, unique=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, editable=False)
    birth_date = models.DateField(_("birth date"), editable=False)
    relation = models.CharField(_("relation to the head"), max_length=2, choices=Relation.choices)
    ethnicity = models.CharField(
        _("ethnicity"), max_length=8, choices=Ethnicity.choices, default=Ethnicity.HAN
    )
    political_status = models.CharField(
        _("political status"),
        max_length=2,
        choices=PoliticalStatus.choices,
        blank=True,
        default="",
        db_default="",  # rows written by COPY without the column (older exports lack it)
    )
    education = models.CharField(
        _("education level"), max_length=16, choices=Education.choices, blank=True
    )
    schooling = models.CharField(
        _("schooling status"), max_length=24, choices=Schooling.choices, blank=True
    )
    health = models.CharField(
        _("health"), max_length=20, choices=Health.choices, default=Health.HEALTHY
    )
    labour_ability = models.CharField(
        _("labour ability"),
        max_length=10,
        choices=LabourAbility.choices,
        default=LabourAbility.ORDINARY,
    )
    work_status = models.CharField(
        _("work status"), max_length=16, choices=WorkStatus.choices, blank=True
    )
    work_months = models.PositiveSmallIntegerField(
        _("months worked away"), default=0, validators=[MaxValueValidator(12)]
    )
    basic_medical_insurance = models.BooleanField(_("basic medical insurance"), default=True)
    serious_illness_insurance = models.BooleanField(_("serious-illness insurance"), default=True)
    pension_insurance = models.BooleanField(_("pension insurance"), default=False)
    dibao = models.BooleanField(_("receives minimum living allowance"), default=False)
    is_active_military = models.BooleanField(_("active military"), default=False)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["household", "relation", "birth_date"]
        indexes = [
            # Name search is by prefix (a full name or its first characters); the household is
            # included so the search reads the index alone.
            models.Index(
                fields=["name"],
                name="member_name_search",
                opclasses=["varchar_pattern_ops"],
                include=["household"],
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(relation="01"),
                name="member_one_head_per_household",
            ),
            # In school: a grade and no 文化程度; not in school (非在校生 or nothing): a 文化程度.
            models.CheckConstraint(
                condition=(models.Q(education="") & ~models.Q(schooling__in=NOT_IN_SCHOOL))
                | (~models.Q(education="") & models.Q(schooling__in=NOT_IN_SCHOOL)),
                name="member_education_xor_schooling",
            ),
            models.CheckConstraint(
                condition=models.Q(work_months__lte=12), name="member_work_months_max_12"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_head(self) -> bool:
        return self.relation == Relation.HEAD

    def age_on(self, day: datetime.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.id_number:
            try:
                facts = parse_id_number(self.id_number)
            except ValidationError as error:
                errors["id_number"] = error.messages
            else:
                self.id_number = facts.number
                self.sex = facts.sex
                self.birth_date = facts.birth_date
        if bool(self.education) == (self.schooling not in NOT_IN_SCHOOL):
            errors["schooling"] = _(
                "A member not in school (schooling status 'not in school' or empty) has an "
                "education level; a member in school has a grade and no education level."
            )
        if self.work_months and not self.work_status:
            errors["work_months"] = _("Months worked away need a work status.")
        if errors:
            raise ValidationError(errors)

    def clean_fields(self, exclude: Any = None) -> None:
        # sex and birth_date are derived from the ID number in clean().
        exclude = set(exclude or ()) | {"sex", "birth_date"}
        super().clean_fields(exclude=exclude)


# The income items of the national form, in its order (stored; the totals are derived).
INCOME_INPUTS = (
    "wage",
    "business",
    "business_expense",
    "property_dividend",
    "property_land",
    "property_other",
    "transfer_family_planning",
    "transfer_dibao",
    "transfer_tekun",
    "transfer_pension",
    "transfer_ecological",
    "transfer_other",
)


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class AnnualIncome(models.Model):
    """A household's income of one year. Inputs are stored; totals are derived on save."""

    INPUTS = INCOME_INPUTS
    PROPERTY = ("property_dividend", "property_land", "property_other")
    TRANSFER = (
        "transfer_family_planning",
        "transfer_dibao",
        "transfer_tekun",
        "transfer_pension",
        "transfer_ecological",
        "transfer_other",
    )

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="incomes"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    wage = money(_("wage income"))
    business = money(_("business income"))
    business_expense = money(_("business expenses"))
    property_dividend = money(_("asset dividends"))
    property_land = money(_("land transfer income"))
    property_other = money(_("other property income"))
    transfer_family_planning = money(_("family-planning allowance"))
    transfer_dibao = money(_("minimum living allowance"))
    transfer_tekun = money(_("extreme-poverty support"))
    transfer_pension = money(_("pension"))
    transfer_ecological = money(_("ecological compensation"))
    transfer_other = money(_("other transfer income"))
    member_count = models.PositiveSmallIntegerField(
        _("household size at year end"), validators=[MinValueValidator(1)]
    )
    # Derived on save from the inputs above; never typed in.
    property_total = money(_("property income"), editable=False)
    transfer_total = money(_("transfer income"), editable=False)
    net_income = money(_("net household income"), editable=False)
    per_capita_net_income = money(_("per-capita net income"), editable=False)

    class Meta:
        verbose_name = _("annual income")
        verbose_name_plural = _("annual incomes")
        ordering = ["household", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="income_household_year"),
            models.CheckConstraint(
                condition=models.Q(member_count__gte=1), name="income_member_count_positive"
            ),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__gte": 0}), name=f"income_{name}_not_negative"
                )
                for name in INCOME_INPUTS
            ],
        ]
        indexes = [models.Index(fields=["year", "household"], name="income_year_household")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        for name in self.INPUTS:
            setattr(self, name, Decimal(getattr(self, name) or 0))
        self.compute_totals()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        negative = {
            name: _("An amount cannot be negative.")
            for name in self.INPUTS
            if (getattr(self, name) or 0) < 0
        }
        if negative:
            raise ValidationError(negative)

    def compute_totals(self) -> None:
        """Net = wage + business − business expense + property + transfer; per capita = net/size."""
        self.property_total = _money(sum((getattr(self, f) for f in self.PROPERTY), Decimal(0)))
        self.transfer_total = _money(sum((getattr(self, f) for f in self.TRANSFER), Decimal(0)))
        self.net_income = _money(
            self.wage
            + self.business
            - self.business_expense
            + self.property_total
            + self.transfer_total
        )
        self.per_capita_net_income = _money(self.net_income / max(self.member_count or 1, 1))


class AssistanceMeasure(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="measures"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MeasureKind.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    description = models.CharField(_("description"), max_length=255)
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("assistance measure")
        verbose_name_plural = _("assistance measures")
        ordering = ["household", "-year", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="measure_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"

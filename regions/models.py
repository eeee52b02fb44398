"""行政区划: the region tree by 12-digit statistical code, yearly facts, zones and assignments."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

code_validator = RegexValidator(r"^\d{12}$", _("A region code has exactly 12 digits."))


class Level(models.TextChoices):
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


# How many leading digits of the code identify a region of each level (GB/T 10114 layout:
# province 2, prefecture 2, county 2, township 3, village 3).
PREFIX_LENGTH = {Level.CITY: 4, Level.COUNTY: 6, Level.TOWNSHIP: 9, Level.VILLAGE: 12}
PARENT_LEVEL = {
    Level.COUNTY: Level.CITY,
    Level.TOWNSHIP: Level.COUNTY,
    Level.VILLAGE: Level.TOWNSHIP,
}
CHILD_LEVEL = {parent: child for child, parent in PARENT_LEVEL.items()}


def prefix_of(code: str, level: str) -> str:
    return code[: PREFIX_LENGTH[Level(level)]]


class RegionQuerySet(models.QuerySet):
    """Region queries; jurisdiction filters live in regions.scoping."""


class Region(models.Model):
    code = models.CharField(
        _("region code"), max_length=12, primary_key=True, validators=[code_validator]
    )
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_poor_county = models.BooleanField(_("poverty county"), default=False)
    is_poor_village = models.BooleanField(_("poverty village"), default=False)
    is_deep_poverty = models.BooleanField(_("deep poverty"), default=False)
    exit_year = models.PositiveSmallIntegerField(
        _("exit year"), null=True, blank=True, help_text=_("Year the county or village exited.")
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^\d{12}$"), name="region_code_12_digits"
            ),
            models.CheckConstraint(
                condition=models.Q(level="city", parent__isnull=True)
                | models.Q(~models.Q(level="city"), parent__isnull=False),
                name="region_parent_unless_city",
            ),
        ]
        indexes = [models.Index(fields=["level", "code"], name="region_level_code")]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        """Code digits shared by this region and everything below it."""
        return prefix_of(self.code, self.level)

    @property
    def child_level(self) -> str | None:
        return CHILD_LEVEL.get(Level(self.level))

    @property
    def unit_kind(self) -> str:
        """街道/镇/乡 for townships, 居委会/村委会 for villages, from the code block."""
        if self.level == Level.TOWNSHIP:
            block = int(self.code[6:9])
            return str(
                _("Subdistrict") if block < 100 else _("Town") if block < 200 else _("Township")
            )
        if self.level == Level.VILLAGE:
            block = int(self.code[9:12])
            return str(_("Residents' committee") if block < 200 else _("Villagers' committee"))
        return self.get_level_display()

    def clean(self) -> None:
        super().clean()
        expected = PARENT_LEVEL.get(Level(self.level)) if self.level else None
        if expected is None:
            if self.parent_id:
                raise ValidationError({"parent": _("A city has no parent region.")})
            return
        if self.parent is None:
            raise ValidationError({"parent": _("This level needs a parent region.")})
        if self.parent.level != expected:
            raise ValidationError({"parent": _("The parent must be a region of the level above.")})
        if not self.code.startswith(self.parent.prefix):
            raise ValidationError({"code": _("The code must start with the parent's code.")})


class RegionYearFact(models.Model):
    """Yearly facts of a county: 农业户籍人口 is the denominator of 贫困发生率.

    Facts are kept at county level only; a city's figure is the sum of its counties.
    """

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="year_facts"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    rural_population = models.PositiveIntegerField(_("rural population"))

    class Meta:
        verbose_name = _("region yearly fact")
        verbose_name_plural = _("region yearly facts")
        ordering = ["region", "year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="region_year_fact_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"


class ManagementZone(models.Model):
    """An overlay such as 铜仁高新区 or 大龙经济开发区: it names real townships/villages."""

    slug = models.SlugField(_("identifier"), unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True)
    regions = models.ManyToManyField(Region, verbose_name=_("regions"), related_name="zones")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("management zone")
        verbose_name_plural = _("management zones")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    VILLAGE_CADRE = "village_cadre", _("Village cadre")
    WORK_TEAM = "work_team", _("Village work team")
    TOWNSHIP_REVIEWER = "township_reviewer", _("Township reviewer")
    COUNTY_SUPERVISOR = "county_supervisor", _("County supervisor")
    CITY_SUPERVISOR = "city_supervisor", _("City supervisor")
    API_CLIENT = "api_client", _("API client")


# The region level each role is assigned at.
ROLE_LEVEL = {
    Role.VILLAGE_CADRE: Level.VILLAGE,
    Role.WORK_TEAM: Level.VILLAGE,
    Role.TOWNSHIP_REVIEWER: Level.TOWNSHIP,
    Role.COUNTY_SUPERVISOR: Level.COUNTY,
    Role.CITY_SUPERVISOR: Level.CITY,
}


class Assignment(models.Model):
    """A user's role and jurisdiction (the region they see, with everything below it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="assignment",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.CharField(_("work unit"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region}"

    def clean(self) -> None:
        super().clean()
        expected = ROLE_LEVEL.get(Role(self.role)) if self.role else None
        if expected and self.region_id and self.region.level != expected:
            raise ValidationError(
                {
                    "region": _("This role is assigned to a region of level: %(level)s.")
                    % {"level": Level(expected).label}
                }
            )

"""Who helps and whom: the schemes, partners, institutions, agreements and pairings (结对)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
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
        """The rules of the check constraints, in the words of their fields (a form and an
        import say what is wrong instead of naming a constraint), and the institution's region."""
        super().clean()
        errors = {}
        institution = self.institution if self.institution_id else None
        if institution is not None and self.region_id and institution.region_id != self.region_id:
            errors["region"] = _("The region must be the institution's region.")
        if self.partner_id is None and (self.partner_units or 0) <= 1:
            errors["partner"] = _(
                "Name the partner: only a pairing recorded in aggregate (more than one partner "
                "unit) may leave it empty."
            )
        if self.start_on and self.end_on and self.end_on < self.start_on:
            errors["end_on"] = _("The end may not be before the start.")
        if errors:
            raise ValidationError(errors)

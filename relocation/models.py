"""易地扶贫搬迁: sites, relocated households and the 五个体系 of each site.

The five systems (五个体系) are public services (``Facility``), employment (computed from the
register, see ``selectors``), culture (``CultureActivity``), governance (``GovernanceUnit``) and
party organisation (``PartyOrganisation``). ``SiteTally`` records a site's households in
aggregate where they are not in the register one by one.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongren_fupin.bounds import (
    SITE_HOUSEHOLDS_MAX,
    SITE_HOUSEHOLDS_MIN,
    SITE_PEOPLE_MAX,
    SITE_PEOPLE_MIN,
)


class SiteKind(models.TextChoices):
    URBAN = "urban", _("Concentrated site in a town or city")
    CENTRAL_VILLAGE = "central_village", _("Central-village site")
    OTHER = "other", _("Other site")


class Site(models.Model):
    """安置点: where relocated households were moved to."""

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="relocation_sites",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SiteKind.choices)
    cross_county = models.BooleanField(
        _("cross-county site"),
        default=False,
        help_text=_("Receives households moved from other counties (跨区域搬迁)."),
    )
    planned_households = models.PositiveIntegerField(
        _("planned households"),
        validators=[MinValueValidator(SITE_HOUSEHOLDS_MIN), MaxValueValidator(SITE_HOUSEHOLDS_MAX)],
    )
    planned_people = models.PositiveIntegerField(
        _("planned people"),
        validators=[MinValueValidator(SITE_PEOPLE_MIN), MaxValueValidator(SITE_PEOPLE_MAX)],
    )
    completed_on = models.DateField(_("completion date"), null=True, blank=True)
    served_by_existing_clinic = models.BooleanField(
        _("served by an existing township or village clinic"), default=False
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("relocation site")
        verbose_name_plural = _("relocation sites")
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="site_unique_name_in_region"),
            models.CheckConstraint(
                condition=Q(planned_people__gte=F("planned_households")),
                name="site_people_at_least_households",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SiteTally(models.Model):
    """A site's relocated households in aggregate: those not in the register one by one.

    The summary adds these rows to what the register gives household by household; when a
    site's households are entered individually, its tally is lowered by as many.
    """

    site = models.OneToOneField(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="tally"
    )
    households = models.PositiveIntegerField(_("households"))
    people = models.PositiveIntegerField(_("people"))
    cross_county_people = models.PositiveIntegerField(_("people moved across counties"))
    hukou_transferred_people = models.PositiveIntegerField(_("people with hukou transferred"))
    labour_households = models.PositiveIntegerField(_("households with labour"))
    labourers = models.PositiveIntegerField(_("labourers"))
    employed_labour_households = models.PositiveIntegerField(
        _("households with labour and at least one employed member")
    )
    employed_labourers = models.PositiveIntegerField(_("employed labourers"))
    recorded_on = models.DateField(_("recorded on"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("site tally")
        verbose_name_plural = _("site tallies")
        constraints = [
            models.CheckConstraint(
                condition=Q(people__gte=F("households")), name="tally_people_at_least_households"
            ),
            models.CheckConstraint(
                condition=Q(cross_county_people__lte=F("people"))
                & Q(hukou_transferred_people__lte=F("people"))
                & Q(labourers__lte=F("people")),
                name="tally_parts_of_people",
            ),
            models.CheckConstraint(
                condition=Q(labour_households__lte=F("households"))
                & Q(employed_labour_households__lte=F("labour_households"))
                & Q(labourers__gte=F("labour_households")),
                name="tally_labour_households",
            ),
            models.CheckConstraint(
                condition=Q(employed_labourers__lte=F("labourers")),
                name="tally_employed_labourers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.recorded_on}"


class Relocation(models.Model):
    """A household of the register moved to a site."""

    household = models.OneToOneField(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="relocation",
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="relocations"
    )
    moved_in = models.DateField(_("moved in"))
    origin_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("origin village"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    hukou_transferred = models.BooleanField(_("hukou transferred"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("relocated household")
        verbose_name_plural = _("relocated households")
        ordering = ["site", "household_id"]

    def __str__(self) -> str:
        return f"{self.household_id} → {self.site_id}"


class FacilityKind(models.TextChoices):
    SCHOOL = "school", _("School or kindergarten")
    CLINIC = "clinic", _("Clinic")
    SERVICE_CENTRE = "service_centre", _("Community service centre")
    OTHER = "other", _("Other facility")


class FacilityStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("relocation", "Planned")
    BUILT = "built", pgettext_lazy("relocation", "Built")
    IN_USE = "in_use", pgettext_lazy("relocation", "In use")


class Facility(models.Model):
    """基本公共服务体系: a school, clinic, service centre … of a site."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="facilities"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FacilityKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=FacilityStatus.choices, default=FacilityStatus.PLANNED
    )

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["site", "kind", "id"]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()


class SiteBound(models.Model):
    """A record of one site, or of a region where the source names no site."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        if self.site is not None and self.region_id and self.site.region_id != self.region_id:
            raise ValidationError({"region": _("The region must be the site's region.")})


class CultureKind(models.TextChoices):
    FAMILY_EDUCATION = "family_education", _("Family-education lecture")
    PERFORMANCE = "performance", _("Performance")
    GRATITUDE_EDUCATION = "gratitude_education", _("Gratitude-education session")
    LECTURE = "lecture", _("Lecture")


class CultureActivity(SiteBound):
    """文化服务体系: one activity, or several sessions recorded together (``sessions``)."""

    kind = models.CharField(_("kind"), max_length=20, choices=CultureKind.choices)
    held_on = models.DateField(_("date"))
    sessions = models.PositiveIntegerField(pgettext_lazy("relocation", "sessions"), default=1)
    attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("culture activity")
        verbose_name_plural = _("culture activities")
        ordering = ["-held_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(sessions__gte=1), name="culture_sessions_min_1")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class GovernanceKind(models.TextChoices):
    MANAGEMENT_UNIT = "management_unit", _("Management unit")
    STREET = "street", _("Street (subdistrict)")
    COMMUNITY = "community", _("Community")
    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")
    POLICE_ROOM = "police_room", _("Community police room")
    SECURITY_ORGANISATION = "security_organisation", _("Security organisation")


class GovernanceStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("relocation", "Planned")
    ESTABLISHED = "established", pgettext_lazy("relocation", "Established")


class GovernanceUnit(SiteBound):
    """社区治理体系: 管理单元, 街道, 社区, 居委会, 警务室 (with officers), 治保组织."""

    kind = models.CharField(_("kind"), max_length=24, choices=GovernanceKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=GovernanceStatus.choices,
        default=GovernanceStatus.ESTABLISHED,
    )
    officers = models.PositiveIntegerField(_("police officers"), default=0)

    class Meta:
        verbose_name = _("governance unit")
        verbose_name_plural = _("governance units")
        ordering = ["region_id", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(officers=0) | Q(kind="police_room"),
                name="governance_officers_only_police_room",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()


class PartyKind(models.TextChoices):
    WORKING_COMMITTEE = "working_committee", _("Party working committee")
    GENERAL_BRANCH = "general_branch", _("General party branch")
    BRANCH = "branch", _("Party branch")
    GROUP = "group", _("Party group")


class PartyOrganisation(SiteBound):
    """基层党建体系: 党工委, 党总支, 党支部, 党小组, with the members elected from the residents."""

    kind = models.CharField(_("kind"), max_length=20, choices=PartyKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    members = models.PositiveIntegerField(_("members elected"), default=0)

    class Meta:
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        ordering = ["region_id", "kind", "id"]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()

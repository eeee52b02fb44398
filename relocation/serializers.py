from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from households.models import Household
from regions.models import Region
from regions.references import InJurisdiction, Referenced
from relocation.models import (
    CultureActivity,
    Facility,
    GovernanceUnit,
    PartyOrganisation,
    Relocation,
    Site,
    SiteTally,
)
from relocation.selectors import Employment, Systems
from tongren_fupin.api.fields import CountField
from tongren_fupin.bounds import (
    SITE_HOUSEHOLDS_MAX,
    SITE_HOUSEHOLDS_MIN,
    SITE_PEOPLE_MAX,
    SITE_PEOPLE_MIN,
)


class SiteTallySerializer(serializers.ModelSerializer):
    class Meta:
        model = SiteTally
        exclude = ["id", "site"]


class SiteSerializer(serializers.ModelSerializer):
    region = InJurisdiction(
        queryset=Region.objects.all(),
        scope="code",
        help_text=_("Code of a region in your jurisdiction."),
    )
    region_name = serializers.CharField(source="region.name", read_only=True)
    register_households = serializers.IntegerField(
        read_only=True,
        help_text=_("Relocated households of the register at this site, one by one."),
    )
    tally = SiteTallySerializer(read_only=True, allow_null=True)
    planned_households = CountField(
        label=_("planned households"), low=SITE_HOUSEHOLDS_MIN, high=SITE_HOUSEHOLDS_MAX
    )
    planned_people = CountField(
        label=_("planned people"), low=SITE_PEOPLE_MIN, high=SITE_PEOPLE_MAX
    )

    class Meta:
        model = Site
        fields = [
            "id",
            "name",
            "region",
            "region_name",
            "kind",
            "cross_county",
            "planned_households",
            "planned_people",
            "completed_on",
            "served_by_existing_clinic",
            "register_households",
            "tally",
        ]
        read_only_fields = ["id"]
        # The unique (region, name) pair is checked by the model with a field-named message.
        validators: list[Any] = []

    def to_representation(self, instance: Site) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["tally"] = (
            SiteTallySerializer(instance.tally).data if hasattr(instance, "tally") else None
        )
        return data


class RelocationEmploymentSerializer(serializers.Serializer):
    labour_households = serializers.IntegerField()
    employed_labour_households = serializers.IntegerField()
    zero_employment_households = serializers.IntegerField()
    rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        allow_null=True,
        help_text=_("Percent of labour households with an employed member."),
    )

    def to_representation(self, instance: Employment) -> dict[str, Any]:
        return {
            "labour_households": instance.labour_households,
            "employed_labour_households": instance.employed_labour_households,
            "zero_employment_households": instance.zero_employment_households,
            "rate": None if instance.rate is None else str(instance.rate),
        }


class RelocationSystemsSerializer(serializers.Serializer):
    """Population and the 五个体系, each table ``{kind: {"total", <status>…, <sum>…}}``."""

    households = serializers.IntegerField()
    people = serializers.IntegerField()
    cross_county_people = serializers.IntegerField()
    hukou_transferred_people = serializers.IntegerField()
    labourers = serializers.IntegerField()
    employed_labourers = serializers.IntegerField()
    employment = RelocationEmploymentSerializer()
    facilities = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField())
    )
    culture_activities = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField())
    )
    governance_units = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField())
    )
    party_organisations = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField())
    )

    def to_representation(self, instance: Systems) -> dict[str, Any]:
        population = instance.population
        return {
            "households": population.households,
            "people": population.people,
            "cross_county_people": population.cross_county_people,
            "hukou_transferred_people": population.hukou_transferred_people,
            "labourers": population.labourers,
            "employed_labourers": population.employed_labourers,
            "employment": RelocationEmploymentSerializer(instance.employment).data,
            "facilities": instance.facilities,
            "culture_activities": instance.culture,
            "governance_units": instance.governance,
            "party_organisations": instance.party,
        }


class SiteDetailSerializer(SiteSerializer):
    systems = serializers.SerializerMethodField()

    class Meta(SiteSerializer.Meta):
        fields = [*SiteSerializer.Meta.fields, "systems"]

    def get_systems(self, site: Site) -> dict[str, Any]:
        return dict(RelocationSystemsSerializer(self.context["systems"]).data)


class RelocationSummarySerializer(RelocationSystemsSerializer):
    region = serializers.CharField()
    region_name = serializers.CharField()
    sites = serializers.IntegerField()
    cross_county_sites = serializers.IntegerField()
    sites_served_by_existing_clinics = serializers.IntegerField()
    planned_households = serializers.IntegerField()
    planned_people = serializers.IntegerField()


class RelocationSerializer(serializers.ModelSerializer):
    household = InJurisdiction(
        queryset=Household.objects.all(), help_text=_("Id of a household in your jurisdiction.")
    )
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    # Any site: a household may move to a site of another county (跨区域搬迁).
    site = Referenced(queryset=Site.objects.all(), help_text=_("Id of a relocation site."))
    site_name = serializers.CharField(source="site.name", read_only=True)
    cross_county = serializers.BooleanField(read_only=True)

    class Meta:
        model = Relocation
        fields = [
            "id",
            "household",
            "household_no",
            "site",
            "site_name",
            "moved_in",
            "origin_region",
            "cross_county",
            "hukou_transferred",
        ]
        read_only_fields = ["id", "origin_region"]
        # A second relocation of a household is refused by the service (409), not a 400 here.
        validators: list[Any] = []
        extra_kwargs: dict[str, dict[str, Any]] = {"household": {"validators": []}}


class ZeroEmploymentHouseholdSerializer(serializers.ModelSerializer):
    """A relocated household with labour and no employed member."""

    household = serializers.IntegerField(source="pk")
    head_name = serializers.CharField(allow_null=True)
    member_count = serializers.IntegerField()
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    site = serializers.IntegerField(source="relocation.site_id")
    site_name = serializers.CharField(source="relocation.site.name")
    moved_in = serializers.DateField(source="relocation.moved_in")

    class Meta:
        model = Household
        fields = [
            "household",
            "household_no",
            "head_name",
            "member_count",
            "region",
            "region_name",
            "site",
            "site_name",
            "moved_in",
        ]


class SiteFacilitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Facility
        fields = ["id", "kind", "name", "status"]
        read_only_fields = ["id"]


class SiteCultureActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = CultureActivity
        fields = ["id", "kind", "held_on", "sessions", "attendance", "note"]
        read_only_fields = ["id"]


class SiteGovernanceUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = GovernanceUnit
        fields = ["id", "kind", "name", "status", "officers"]
        read_only_fields = ["id"]


class SitePartyOrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = PartyOrganisation
        fields = ["id", "kind", "name", "members"]
        read_only_fields = ["id"]

"""Writes of relocation: sites and their tallies, relocations, and the records of the 五个体系.

Each function owns its transaction, validates with ``full_clean`` and writes an audit event.
Sites and their tallies are kept by county supervisors; the records of a site's systems by
township reviewers and county supervisors; a relocation by anyone who keeps the household's
register entry (its village cadre, work team, township, county).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events
from households.models import Household
from regions.models import Region
from regions.roles import (
    RELOCATION_RECORD_ROLES,
    RELOCATION_SITE_ROLES,
    RELOCATION_SYSTEM_ROLES,
    require_role,
)
from regions.scoping import in_jurisdiction
from relocation.models import (
    CultureActivity,
    Facility,
    FacilityStatus,
    GovernanceUnit,
    PartyOrganisation,
    Relocation,
    Site,
    SiteTally,
)
from tongren_fupin.errors import DomainError

SITE_FIELDS = (
    "name",
    "region",
    "kind",
    "cross_county",
    "planned_households",
    "planned_people",
    "completed_on",
    "served_by_existing_clinic",
)
TALLY_FIELDS = (
    "households",
    "people",
    "cross_county_people",
    "hukou_transferred_people",
    "labour_households",
    "labourers",
    "employed_labour_households",
    "employed_labourers",
    "recorded_on",
    "source",
)


def _pick(data: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: data[name] for name in names if name in data}


def _created(obj: models.Model, fields: tuple[str, ...]) -> dict[str, list[Any]]:
    return {name: [None, value] for name, value in events.snapshot(obj, fields).items()}


@transaction.atomic
def site_create(*, actor: Any, data: Mapping[str, Any]) -> Site:
    region = data.get("region")
    if not isinstance(region, Region):
        raise ValidationError({"region": _("Choose the site's region.")})
    require_role(actor, RELOCATION_SITE_ROLES)
    if not in_jurisdiction(actor, region.code):
        raise ValidationError({"region": _("This region is outside your jurisdiction.")})
    site = Site(**_pick(data, SITE_FIELDS))
    site.full_clean()
    site.save()
    events.record(
        actor=actor,
        action="relocation_site.created",
        obj=site,
        region_code=site.region_id,
        changes=_created(site, SITE_FIELDS),
        summary=_("Relocation site %(name)s") % {"name": site.name},
    )
    return site


@transaction.atomic
def site_tally_record(*, actor: Any, site: Site, data: Mapping[str, Any]) -> SiteTally:
    """Sets the site's aggregate figures (households not in the register one by one)."""
    require_role(actor, RELOCATION_SITE_ROLES, site.region_id)
    site = Site.objects.select_for_update().get(pk=site.pk)
    tally = SiteTally.objects.filter(site=site).first() or SiteTally(site=site)
    before = events.snapshot(tally, TALLY_FIELDS) if tally.pk else {}
    for name, value in _pick(data, TALLY_FIELDS).items():
        setattr(tally, name, value)
    tally.full_clean()
    tally.save()
    events.record_change(
        actor=actor,
        action="relocation_site.tally_recorded",
        obj=tally,
        before=before,
        fields=TALLY_FIELDS,
        subject=site,
        region_code=site.region_id,
        summary=_("Tally of %(name)s") % {"name": site.name},
    )
    return tally


@transaction.atomic
def relocation_record(
    *,
    actor: Any,
    household: Household,
    site: Site,
    moved_in: datetime.date,
    hukou_transferred: bool = False,
) -> Relocation:
    """The household moved into the site (which may be in another county: 跨区域搬迁).

    The household is marked relocated in the register; its village is the origin.
    """
    require_role(actor, RELOCATION_RECORD_ROLES, household.region_id)
    locked = Household.objects.select_for_update().get(pk=household.pk)
    if Relocation.objects.filter(household=locked).exists():
        raise DomainError(
            "already_relocated",
            _("This household is already recorded as relocated."),
            status=409,
            errors={"household": [_("This household is already recorded as relocated.")]},
        )
    if moved_in > timezone.localdate():
        raise ValidationError({"moved_in": _("The moving-in date cannot be in the future.")})
    relocation = Relocation(
        household=locked,
        site=site,
        moved_in=moved_in,
        origin_region_id=locked.region_id,
        hukou_transferred=hukou_transferred,
    )
    relocation.full_clean(validate_unique=False)
    relocation.save()
    Household.objects.filter(pk=locked.pk).update(
        is_relocated=True, version=F("version") + 1, updated=timezone.now()
    )
    household.is_relocated = True
    household.version = locked.version + 1
    events.record(
        actor=actor,
        action="relocation.recorded",
        obj=relocation,
        subject=locked,
        region_code=locked.region_id,
        changes={
            "site": [None, site.pk],
            "moved_in": [None, moved_in],
            "hukou_transferred": [None, hukou_transferred],
            "is_relocated": [locked.is_relocated, True],
        },
        summary=_("Moved to %(site)s") % {"site": site.name},
    )
    return relocation


@transaction.atomic
def relocation_transfer_hukou(*, actor: Any, relocation: Relocation) -> Relocation:
    """迁户办证: the household's hukou was moved to the site (by either end of the move)."""
    ends = (relocation.household.region_id, relocation.site.region_id)
    require_role(actor, RELOCATION_RECORD_ROLES, ends)
    locked = Relocation.objects.select_for_update().get(pk=relocation.pk)
    if locked.hukou_transferred:
        raise DomainError(
            "already_transferred", _("The hukou was already transferred."), status=409
        )
    locked.hukou_transferred = True
    locked.save(update_fields=["hukou_transferred"])
    events.record(
        actor=actor,
        action="relocation.hukou_transferred",
        obj=locked,
        subject=relocation.household,
        region_code=relocation.household.region_id,
        changes={"hukou_transferred": [False, True]},
        summary=_("Hukou transferred"),
    )
    relocation.hukou_transferred = True
    return relocation


def _site_record(actor: Any, site: Site, record: models.Model, fields: tuple[str, ...]) -> None:
    """Saves a record of one of the site's systems, with its event."""
    require_role(actor, RELOCATION_SYSTEM_ROLES, site.region_id)
    record.full_clean()
    record.save()
    events.record(
        actor=actor,
        action=f"relocation_{record._meta.model_name}.recorded",
        obj=record,
        subject=site,
        region_code=site.region_id,
        changes=_created(record, fields),
        summary=f"{record._meta.verbose_name}：{record}",
    )


@transaction.atomic
def facility_record(*, actor: Any, site: Site, data: Mapping[str, Any]) -> Facility:
    fields = ("kind", "name", "status")
    facility = Facility(site=site, **_pick(data, fields))
    _site_record(actor, site, facility, fields)
    return facility


@transaction.atomic
def facility_set_status(*, actor: Any, facility: Facility, status: str) -> Facility:
    """A facility moves on: planned → built → in use (or is corrected back)."""
    site = facility.site
    require_role(actor, RELOCATION_SYSTEM_ROLES, site.region_id)
    if status not in FacilityStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    locked = Facility.objects.select_for_update().get(pk=facility.pk)
    old = locked.status
    locked.status = status
    locked.save(update_fields=["status"])
    events.record(
        actor=actor,
        action="relocation_facility.status_changed",
        obj=locked,
        subject=site,
        region_code=site.region_id,
        changes={"status": [old, status]},
        summary=f"{locked}：{locked.get_status_display()}",
    )
    facility.status = status
    return facility


@transaction.atomic
def culture_activity_record(*, actor: Any, site: Site, data: Mapping[str, Any]) -> CultureActivity:
    fields = ("kind", "held_on", "sessions", "attendance", "note")
    activity = CultureActivity(site=site, region_id=site.region_id, **_pick(data, fields))
    if activity.held_on and activity.held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The activity date cannot be in the future.")})
    if activity.sessions is not None and activity.sessions < 1:
        raise ValidationError({"sessions": _("The number of sessions is at least 1.")})
    _site_record(actor, site, activity, fields)
    return activity


@transaction.atomic
def governance_unit_record(*, actor: Any, site: Site, data: Mapping[str, Any]) -> GovernanceUnit:
    fields = ("kind", "name", "status", "officers")
    unit = GovernanceUnit(site=site, region_id=site.region_id, **_pick(data, fields))
    if unit.officers and unit.kind != "police_room":
        raise ValidationError({"officers": _("Only a police room has officers.")})
    _site_record(actor, site, unit, fields)
    return unit


@transaction.atomic
def party_organisation_record(
    *, actor: Any, site: Site, data: Mapping[str, Any]
) -> PartyOrganisation:
    fields = ("kind", "name", "members")
    organisation = PartyOrganisation(site=site, region_id=site.region_id, **_pick(data, fields))
    _site_record(actor, site, organisation, fields)
    return organisation

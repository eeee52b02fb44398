"""Builds ``fixtures/tongren_relocation`` from ``relocation.reference`` and the region fixture."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.conf import settings

from regions.fixture import FIXTURE_PATH as REGIONS_PATH
from relocation import reference as ref

FIXTURE_PATH = (
    Path(settings.BASE_DIR) / "fixtures" / "tongren_relocation" / "tongren_relocation.json"
)


def _townships() -> dict[str, list[tuple[str, str]]]:
    records = json.loads(REGIONS_PATH.read_text(encoding="utf-8"))
    townships: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for record in records:
        if record["model"] == "regions.region" and record["fields"]["level"] == "township":
            townships[record["pk"][:6]].append((record["pk"], record["fields"]["name"]))
    return {county: sorted(places) for county, places in townships.items()}


class _Records:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.pks: dict[str, int] = defaultdict(int)

    def add(self, model: str, **fields: Any) -> None:
        self.pks[model] += 1
        self.items.append({"model": f"relocation.{model}", "pk": self.pks[model], "fields": fields})


def build_fixture() -> list[dict[str, Any]]:
    sites = ref.generate_sites(_townships())
    out = _Records()
    for row in sites:
        out.add(
            "site",
            name=row.name,
            region=row.region,
            kind=row.kind,
            cross_county=row.cross_county,
            planned_households=row.households,
            planned_people=row.people,
            completed_on=None,
            served_by_existing_clinic=row.served_by_existing_clinic,
            created="2020-10-31T00:00:00Z",
        )
    for row in sites:
        out.add(
            "sitetally",
            site=row.pk,
            households=row.households,
            people=row.people,
            cross_county_people=row.cross_county_people,
            hukou_transferred_people=row.hukou_transferred_people,
            labour_households=row.labour_households,
            labourers=row.labourers,
            employed_labour_households=row.employed_labour_households,
            employed_labourers=row.employed_labourers,
            recorded_on=ref.RECORDED_ON.isoformat(),
            source=ref.SOURCE,
        )
    largest = ref.largest_first(sites)
    _facilities(out, largest)
    _culture(out)
    _governance(out, largest)
    _party(out, largest)
    return out.items


def _facilities(out: _Records, largest: list[ref.SiteRow]) -> None:
    for kind, count, status in (
        ("school", ref.SCHOOLS, "in_use"),
        ("clinic", ref.CLINICS, "in_use"),
        ("service_centre", ref.SERVICE_CENTRES, "built"),
    ):
        for row in largest[:count]:
            out.add("facility", site=row.pk, kind=kind, name="", status=status)


def _culture(out: _Records) -> None:
    for kind, sessions, note in ref.CULTURE:
        out.add(
            "cultureactivity",
            region=ref.CITY_CODE,
            site=None,
            kind=kind,
            held_on=ref.RECORDED_ON.isoformat(),
            sessions=sessions,
            attendance=None,
            note=note,
        )


def _governance(out: _Records, largest: list[ref.SiteRow]) -> None:
    def unit(row: ref.SiteRow, kind: str, status: str = "established", officers: int = 0) -> None:
        out.add(
            "governanceunit",
            region=row.region,
            site=row.pk,
            kind=kind,
            name="",
            status=status,
            officers=officers,
        )

    for row in largest[: ref.MANAGEMENT_UNITS]:
        unit(row, "management_unit")
    for index, row in enumerate(largest[: ref.STREETS_PLANNED]):
        unit(row, "street", "established" if index < ref.STREETS_ESTABLISHED else "planned")
    for row in largest[: ref.COMMUNITIES_PLANNED]:
        unit(row, "community", "planned")
    for row in largest[: ref.RESIDENTS_COMMITTEES]:
        unit(row, "residents_committee")
    rooms = largest[: ref.POLICE_ROOMS]
    officers = ref.split(ref.POLICE_OFFICERS, [float(row.people) for row in rooms])
    for row, count in zip(rooms, officers, strict=True):
        unit(row, "police_room", officers=count)
    for row in largest[: ref.SECURITY_ORGANISATIONS]:
        unit(row, "security_organisation")


def _party(out: _Records, largest: list[ref.SiteRow]) -> None:
    def organisation(row: ref.SiteRow, kind: str, members: int = 0) -> None:
        out.add(
            "partyorganisation", region=row.region, site=row.pk, kind=kind, name="", members=members
        )

    for row in largest[: ref.WORKING_COMMITTEES]:
        organisation(row, "working_committee")
    for row in largest[: ref.GENERAL_BRANCHES]:
        organisation(row, "general_branch")
    branches = largest[: ref.BRANCHES]
    members = ref.split(ref.PARTY_MEMBERS_ELECTED, [float(row.people) for row in branches])
    for row, count in zip(branches, members, strict=True):
        organisation(row, "branch", count)
    for row in largest[: ref.GROUPS]:
        organisation(row, "group")


def render_fixture() -> str:
    return json.dumps(build_fixture(), ensure_ascii=False, indent=1) + "\n"


def reference_site(region: str, name: str) -> ref.SiteRow | None:
    """The reference row of the fixture's site ``name`` in ``region``: its tally as loaded."""
    for row in ref.generate_sites(_townships()):
        if (row.region, row.name) == (region, name):
            return row
    return None

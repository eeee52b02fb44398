"""Builds the ``fixtures/tongren_regions`` fixture from ``regions.reference``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings

from regions import reference

FIXTURE_PATH = Path(settings.BASE_DIR) / "fixtures" / "tongren_regions" / "tongren_regions.json"


def build_fixture() -> list[dict[str, Any]]:
    regions = reference.generate_regions()
    records: list[dict[str, Any]] = [
        {
            "model": "regions.region",
            "pk": row.code,
            "fields": {
                "name": row.name,
                "level": row.level,
                "parent": row.parent,
                "is_poor_county": row.is_poor_county,
                "is_poor_village": row.is_poor_village,
                "is_deep_poverty": row.is_deep_poverty,
                "exit_year": row.exit_year,
            },
        }
        for row in regions
    ]
    pk = 0
    for year in reference.FACT_YEARS:
        for code, population in sorted(reference.rural_population(year).items()):
            pk += 1
            records.append(
                {
                    "model": "regions.regionyearfact",
                    "pk": pk,
                    "fields": {"region": code, "year": year, "rural_population": population},
                }
            )
    by_name = {(row.parent, row.name): row.code for row in regions if row.level == "township"}
    for index, zone in enumerate(reference.ZONES, start=1):
        county = f"{zone['county']}000000"
        records.append(
            {
                "model": "regions.managementzone",
                "pk": index,
                "fields": {
                    "slug": zone["slug"],
                    "name": zone["name"],
                    "note": zone["note"],
                    "regions": [by_name[(county, name)] for name in zone["townships"]]
                    + list(zone["codes"]),
                },
            }
        )
    return records


def render_fixture() -> str:
    return json.dumps(build_fixture(), ensure_ascii=False, indent=1) + "\n"

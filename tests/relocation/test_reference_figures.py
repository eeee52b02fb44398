"""With the fixture loaded, the city summary reproduces every figure of the seed (五个体系)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import F

from relocation.fixture import FIXTURE_PATH, render_fixture
from relocation.models import Site, SiteTally

pytestmark = pytest.mark.django_db


def pick(body: dict[str, Any], path: str) -> Any:
    for key in path.split("."):
        body = body[key]
    return body


@pytest.mark.parametrize(
    ("path", "seed_figure"),
    [
        ("sites", 144),
        ("households", 66_000),
        ("people", 293_600),
        ("cross_county_people", 125_500),
        ("facilities.school.in_use", 61),
        ("facilities.school.total", 61),
        ("facilities.clinic.in_use", 51),
        ("sites_served_by_existing_clinics", 82),
        ("facilities.service_centre.built", 48),
        ("hukou_transferred_people", 274_767),
        ("employment.labour_households", 63_510),
        ("labourers", 137_843),
        ("employed_labourers", 118_069),
        ("employment.employed_labour_households", 63_510),
        ("employment.zero_employment_households", 0),
        ("employment.rate", "100.0"),
        ("culture_activities.family_education.sessions", 100),
        ("culture_activities.performance.sessions", 60),
        ("culture_activities.gratitude_education.sessions", 358),
        ("culture_activities.lecture.sessions", 95),
        ("governance_units.management_unit.established", 129),
        ("governance_units.street.total", 8),
        ("governance_units.street.established", 6),
        ("governance_units.community.planned", 38),
        ("governance_units.residents_committee.established", 51),
        ("governance_units.police_room.total", 27),
        ("governance_units.police_room.officers", 96),
        ("governance_units.security_organisation.total", 68),
        ("party_organisations.working_committee.total", 6),
        ("party_organisations.general_branch.total", 8),
        ("party_organisations.branch.total", 112),
        ("party_organisations.group.total", 79),
        ("party_organisations.branch.members", 484),
    ],
    ids=lambda value: str(value),
)
def test_the_city_summary_reproduces_the_seed_figure(summary, path, seed_figure):
    assert pick(summary, path) == seed_figure


def test_the_figures_are_sums_of_rows_not_constants(tongren_relocation, city_supervisor, api):
    SiteTally.objects.filter(site__name="响塘龙安置点").update(
        households=F("households") - 10,
        people=F("people") - 40,
        cross_county_people=F("cross_county_people") - 40,
    )
    last = Site.objects.select_related("tally").order_by("-pk").first()
    removed_households, removed_people = last.tally.households, last.tally.people
    last.delete()
    api.force_authenticate(city_supervisor)

    body = api.get("/api/v1/relocation/summary/").json()

    assert body["sites"] == 143
    assert body["households"] == 66_000 - 10 - removed_households
    assert body["people"] == 293_600 - 40 - removed_people
    assert body["cross_county_people"] == 125_500 - 40


def test_a_county_summary_holds_only_its_sites(tongren_relocation, county_supervisor, api):
    api.force_authenticate(county_supervisor)

    body = api.get("/api/v1/relocation/summary/").json()

    assert body["region"] == "520627000000"
    assert body["sites"] == Site.objects.filter(region__code__startswith="520627").count() == 16
    assert body["cross_county_people"] == 0
    # City-wide culture rows name no site: a county does not see them.
    assert body["culture_activities"]["gratitude_education"]["sessions"] == 0


def test_the_fixture_file_matches_its_generator():
    assert FIXTURE_PATH.read_text(encoding="utf-8") == render_fixture()

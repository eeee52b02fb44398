"""With the fixture loaded, the city summary reproduces every figure of the seed (五个体系)."""

from __future__ import annotations

import pytest
from django.db.models import F

from relocation.fixture import FIXTURE_PATH, render_fixture
from relocation.models import Site, SiteTally
from tests import seed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "seed_figure"), seed.RELOCATION, ids=[path for path, _ in seed.RELOCATION]
)
def test_the_city_summary_reproduces_the_seed_figure(summary, path, seed_figure):
    assert seed.pick(summary, path) == seed_figure


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

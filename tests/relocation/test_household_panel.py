"""The household page's relocation panel, and the zero-employment list's "record employment"
link."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from relocation.models import Relocation
from tests.households.factories import HouseholdFactory, MemberFactory
from tests.relocation.factories import (
    BIJIANG_TOWNSHIP,
    IDLE,
    NO_LABOUR,
    WORKING,
    SiteFactory,
    relocated_household,
)

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def panel(page: str) -> str:
    start = page.index('id="relocation"')
    return page[start : page.index("</section>", start)]


def test_the_household_page_shows_site_moving_in_hukou_and_employment(cadre_yanhe):
    site = SiteFactory(name="碧江测试安置点", region_id=BIJIANG_TOWNSHIP)
    home = relocated_household(site, members=[WORKING, IDLE, NO_LABOUR])

    page = client_for(cadre_yanhe).get(f"/households/{home.pk}/").content.decode()

    shown = panel(page)
    assert "<h2>易地搬迁</h2>" in shown
    # The site is in another county: named, not linked, for a cadre of the origin village.
    assert "碧江测试安置点" in shown and "/relocation/sites/" not in shown
    assert "2019-06-01" in shown
    relocation = Relocation.objects.get(household=home)
    assert f"/relocation/relocations/{relocation.pk}/transfer-hukou/" in shown
    assert '<dd id="relocation-employment">2人中已就业1人</dd>' in shown


def test_the_panel_marks_a_zero_employment_household(township_reviewer):
    site = SiteFactory()
    home = relocated_household(site, members=[IDLE], hukou_transferred=True)

    shown = panel(client_for(township_reviewer).get(f"/households/{home.pk}/").content.decode())

    assert f'href="/relocation/sites/{site.pk}/"' in shown
    assert "transfer-hukou" not in shown
    assert "零就业" in shown


def test_a_household_not_relocated_has_no_panel(cadre_yanhe):
    home = HouseholdFactory()
    MemberFactory(household=home, relation="01")

    page = client_for(cadre_yanhe).get(f"/households/{home.pk}/").content.decode()

    assert 'id="relocation"' not in page


def test_a_household_marked_relocated_without_a_site_offers_the_form(cadre_yanhe, city_supervisor):
    home = HouseholdFactory(is_relocated=True)
    MemberFactory(household=home, relation="01")
    link = f"/relocation/relocations/new/?household={home.pk}"

    assert link in client_for(cadre_yanhe).get(f"/households/{home.pk}/").content.decode()
    assert link not in client_for(city_supervisor).get(f"/households/{home.pk}/").content.decode()


def test_the_household_page_takes_the_same_queries_whatever_the_number_of_members(
    township_reviewer,
):
    site = SiteFactory()
    small = relocated_household(site, members=[IDLE])
    large = relocated_household(site, members=[IDLE, WORKING, WORKING, NO_LABOUR, IDLE, IDLE])
    client = client_for(township_reviewer)
    counts = []
    for home in (small, large):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(f"/households/{home.pk}/").content.decode()
        counts.append(len(queries))

    assert '<dd id="relocation-employment">5人中已就业2人</dd>' in page
    assert counts[0] == counts[1]


def test_the_panel_adds_one_query_to_the_household_page(township_reviewer):
    site = SiteFactory()
    moved = relocated_household(site, members=[IDLE, WORKING])
    stayed = HouseholdFactory()
    for values in (IDLE, WORKING):
        MemberFactory(household=stayed, relation="01" if values is IDLE else "02", **values)
    client = client_for(township_reviewer)
    counts = []
    for home in (moved, stayed):
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/households/{home.pk}/")
        counts.append(len(queries))

    assert counts[0] == counts[1]


# The zero-employment list's link to act on a row.


def test_a_cadre_is_sent_to_the_members_of_the_household(cadre_yanhe):
    home = relocated_household(SiteFactory(), members=[{**IDLE, "name": "龙小云"}])

    page = client_for(cadre_yanhe).get("/relocation/zero-employment/").content.decode()

    assert f'href="/households/{home.pk}/#members" class="employment-link"' in page


def test_a_county_supervisor_is_sent_to_the_job_placement_form(county_supervisor):
    relocated_household(SiteFactory(), members=[{**IDLE, "name": "龙小云"}])

    page = client_for(county_supervisor).get("/relocation/zero-employment/").content.decode()

    assert (
        'href="/assistance/job-placements/new/?q=%E9%BE%99%E5%B0%8F%E4%BA%91" '
        'class="employment-link"'
    ) in page


def test_the_receiving_county_is_sent_to_the_household_it_cannot_place_from(
    county_supervisor_bijiang,
):
    # The household's register village is in 沿河; the site is in 碧江.
    home = relocated_household(SiteFactory(region_id=BIJIANG_TOWNSHIP), members=[IDLE])

    page = (
        client_for(county_supervisor_bijiang).get("/relocation/zero-employment/").content.decode()
    )

    assert f'href="/households/{home.pk}/#members" class="employment-link"' in page
    assert "/assistance/job-placements/new/" not in page


def test_the_zero_employment_list_keeps_a_constant_number_of_queries(county_supervisor):
    site = SiteFactory()
    client = client_for(county_supervisor)
    counts = []
    for n in (1, 5):
        for _ in range(n):
            relocated_household(site, members=[IDLE])
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/relocation/zero-employment/").content.decode()
        counts.append(len(queries))

    assert page.count('class="employment-link"') == 6
    assert counts[0] == counts[1]

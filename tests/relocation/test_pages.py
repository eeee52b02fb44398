"""Pages: the permission matrix, the site page's five systems in one load, constant queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from relocation.models import CultureActivity, Facility, GovernanceUnit, PartyOrganisation
from tests.permissions import check_permission_matrix
from tests.relocation.factories import IDLE, WORKING, SiteFactory, relocated_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return SiteFactory(name="沿河测试安置点")


def add_records(site, n):
    for i in range(n):
        Facility.objects.create(site=site, kind="school", status="in_use")
        Facility.objects.create(site=site, kind="clinic", status="planned")
        CultureActivity.objects.create(
            site=site,
            region_id=site.region_id,
            kind="gratitude_education",
            held_on=datetime.date(2020, 9, 1 + i),
            attendance=40,
        )
        GovernanceUnit.objects.create(
            site=site, region_id=site.region_id, kind="police_room", officers=2
        )
        PartyOrganisation.objects.create(
            site=site, region_id=site.region_id, kind="branch", members=5
        )
        relocated_household(site, members=[IDLE, WORKING])
        relocated_household(site, members=[IDLE])


def test_the_site_list_matrix(site, county_supervisor, county_supervisor_bijiang, api_client_user):
    response = check_permission_matrix(
        "/relocation/sites/", api=False, own=county_supervisor, wrong_role=api_client_user
    )
    other = check_permission_matrix("/relocation/sites/", api=False, own=county_supervisor_bijiang)

    assert "沿河测试安置点" in response.content.decode()
    assert "沿河测试安置点" not in other.content.decode()


@pytest.mark.parametrize("suffix", ["", "households/"], ids=["site", "households"])
def test_the_site_pages_matrix(
    site, township_reviewer, county_supervisor_bijiang, api_client_user, suffix
):
    check_permission_matrix(
        f"/relocation/sites/{site.pk}/{suffix}",
        api=False,
        own=township_reviewer,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=api_client_user,
    )


def test_the_site_page_shows_its_five_systems(site, township_reviewer):
    add_records(site, 2)
    client = Client()
    client.force_login(township_reviewer)

    page = client.get(f"/relocation/sites/{site.pk}/").content.decode()

    for heading in ("基本公共服务", "培训和就业服务", "文化服务", "社区治理", "基层党建"):
        assert f"<h2>{heading}</h2>" in page
    assert '<dd id="employment-rate">50.0%</dd>' in page
    assert "<dt>学校（幼儿园）</dt><dd>使用中 2</dd>" in page
    assert "<dt>医疗机构</dt><dd>规划 2 </dd>" in page
    assert "<dt>社区警务室</dt><dd>已成立 2 · 警务人员 4</dd>" in page
    assert "<td>党支部</td><td>2</td><td>10</td>" in page
    assert "2户零就业家庭" in page


def test_the_site_page_takes_a_constant_number_of_queries(site, township_reviewer):
    client = Client()
    client.force_login(township_reviewer)
    counts = []
    for n in (1, 6):
        add_records(site, n)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/relocation/sites/{site.pk}/").status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_the_household_list_of_a_site_takes_a_constant_number_of_queries(site, township_reviewer):
    client = Client()
    client.force_login(township_reviewer)
    counts = []
    for n in (1, 5):
        add_records(site, n)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(f"/relocation/sites/{site.pk}/households/")
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert page.content.decode().count("零就业</span>") == 6


def test_the_household_list_of_a_site_shows_the_heads_name_beside_the_household_number(
    site, township_reviewer
):
    first = relocated_household(site, members=[{"name": "田茂林"}, IDLE])
    second = relocated_household(site, members=[{"name": "冉桂芬"}])
    client = Client()
    client.force_login(township_reviewer)

    page = client.get(f"/relocation/sites/{site.pk}/households/").content.decode()

    for home, name in ((first, "田茂林"), (second, "冉桂芬")):
        title = (
            f'<span class="record-title">{name} '
            f'<small class="muted">{home.household_no}</small></span>'
        )
        assert title in page


def test_the_zero_employment_page(site, cadre_yanhe, cadre_bijiang, api_client_user):
    idle = relocated_household(site, members=[IDLE])
    working = relocated_household(site, members=[WORKING])

    response = check_permission_matrix(
        "/relocation/zero-employment/", api=False, own=cadre_yanhe, wrong_role=api_client_user
    )
    other = check_permission_matrix("/relocation/zero-employment/", api=False, own=cadre_bijiang)

    page = response.content.decode()
    assert idle.household_no in page
    assert working.household_no not in page
    assert idle.household_no not in other.content.decode()


def test_the_zero_employment_page_of_a_site_outside_the_jurisdiction_is_404(
    site, county_supervisor_bijiang
):
    client = Client()
    client.force_login(county_supervisor_bijiang)

    assert client.get(f"/relocation/zero-employment/?site={site.pk}").status_code == 404
    assert client.get("/relocation/zero-employment/?site=abc").status_code == 404


def test_the_nav_shows_relocation_to_people_not_to_api_clients(cadre_yanhe):
    client = Client()
    client.force_login(cadre_yanhe)

    page = client.get("/relocation/sites/").content.decode()

    assert 'href="/relocation/zero-employment/"' in page

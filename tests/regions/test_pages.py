import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from regions.models import Region
from tests.permissions import check_permission_matrix

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese():
    response = Client().get("/login/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>登录 · 铜仁扶贫</title>" in html
    assert 'lang="zh-hans"' in html


def test_home_requires_login():
    response = Client().get("/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_home_shows_the_jurisdiction_and_its_children(client, county_supervisor):
    client.force_login(county_supervisor)

    html = client.get("/").content.decode()

    assert "沿河土家族自治县" in html
    assert "县扶贫办督导" in html
    first_township = Region.objects.filter(parent_id="520627000000").order_by("code").first()
    assert f'href="/regions/{first_township.code}/"' in html
    assert "/regions/520602" not in html


def test_village_cadre_home_shows_the_village(client, cadre_yanhe):
    client.force_login(cadre_yanhe)

    html = client.get("/").content.decode()

    village = Region.objects.get(code="520627100200")
    assert village.name in html
    assert "村委会" in html


def test_region_page_permission_matrix(county_supervisor, county_supervisor_bijiang):
    response = check_permission_matrix(
        "/regions/520627100000/",
        api=False,
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
    )

    assert Region.objects.get(code="520627100000").name in response.content.decode()


def test_region_page_search_filters_children(client, county_supervisor):
    client.force_login(county_supervisor)
    target = Region.objects.filter(parent_id="520627100000").order_by("code").last()

    html = client.get("/regions/520627100000/", {"q": target.name}).content.decode()

    assert f'href="/regions/{target.code}/"' in html
    # The township's other villages are filtered out; the one other link is 重置 (this page).
    children = html.count('href="/regions/520627100') - html.count('href="/regions/520627100000/"')
    assert children == 1
    assert html.count('href="/regions/520627100000/"') == 1


def test_region_page_runs_in_a_constant_number_of_queries(client, city_supervisor):
    client.force_login(city_supervisor)
    client.get("/")  # warm the session

    with CaptureQueriesContext(connection) as county:
        client.get("/regions/520621000000/")  # a county with few townships
    with CaptureQueriesContext(connection) as city:
        client.get("/regions/520600000000/")  # the city with ten counties

    assert len(city) == len(county)


def test_an_unknown_region_answers_404_in_chinese(client, city_supervisor):
    client.force_login(city_supervisor)

    response = client.get("/regions/529999999999/")

    assert response.status_code == 404
    assert "不在您的管辖范围内" in response.content.decode()

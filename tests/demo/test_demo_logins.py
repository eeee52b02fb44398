import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from demo.logins import DEMO_PASSWORD
from regions.models import Assignment, Region
from tests.permissions import check_permission_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", "--allow", verbosity=0)
    return {
        user.username: user
        for user in get_user_model().objects.filter(username__startswith="demo_")
    }


def test_load_demo_is_refused_unless_enabled(settings):
    settings.DEMO_ENABLED = False

    with pytest.raises(CommandError, match="DEMO_ENABLED"):
        call_command("load_demo")

    assert get_user_model().objects.filter(username__startswith="demo_").exists() is False


def test_one_login_per_role_with_the_documented_jurisdictions(demo):
    assignments = {
        a.user.username: (a.role, a.region_id) for a in Assignment.objects.select_related("user")
    }

    assert assignments == {
        "demo_city": ("city_supervisor", "520600000000"),
        "demo_county": ("county_supervisor", "520627000000"),
        "demo_township": ("township_reviewer", "520627100000"),
        "demo_cadre": ("village_cadre", "520627100200"),
        "demo_team": ("work_team", "520627100200"),
        "demo_cadre_bijiang": ("village_cadre", "520602100200"),
        "demo_api": ("api_client", "520600000000"),
    }
    assert demo["demo_admin"].is_superuser is True
    assert all(user.check_password(DEMO_PASSWORD) for user in demo.values())
    assert Token.objects.filter(user=demo["demo_api"]).exists() is True


def test_load_demo_twice_changes_nothing(demo):
    call_command("load_demo", "--allow", verbosity=0)

    assert get_user_model().objects.filter(username__startswith="demo_").count() == 8
    assert Assignment.objects.count() == 7


def test_demo_cadre_sees_yanhe_only_and_every_other_county_answers_404(demo):
    api = APIClient()
    api.force_authenticate(demo["demo_cadre"])

    listed = api.get("/api/v1/regions/", {"page_size": 500}).json()["results"]

    assert {row["code"][:6] for row in listed} == {"520627"}
    for county in Region.objects.filter(level="county").exclude(code="520627000000"):
        some_village = Region.objects.filter(
            level="village", code__startswith=county.prefix
        ).first()
        for code in (county.code, some_village.code):
            check_permission_matrix(
                f"/api/v1/regions/{code}/",
                own=demo["demo_city"],
                other_jurisdiction=demo["demo_cadre"],
            )
            check_permission_matrix(
                f"/regions/{code}/",
                api=False,
                own=demo["demo_city"],
                other_jurisdiction=demo["demo_cadre"],
            )


def test_demo_logins_work_with_the_documented_password(demo):
    client = Client()

    response = client.post("/login/", {"username": "demo_cadre", "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert Region.objects.get(code="520627100200").name in client.get("/").content.decode()

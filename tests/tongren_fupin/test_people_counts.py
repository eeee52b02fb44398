"""Counts of people and households are bounded by what is plausible (tongren_fupin/bounds.py,
decision 0022), on the pages, the API and the admin alike, refused with a Chinese message that
names the field and the range; the bounds themselves are accepted."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from assistance.models import ExchangeVisit, Project
from households.models import AnnualIncome
from regions.models import Region
from relocation import services as relocation
from relocation.models import Site
from tests.conftest import YANHE, YANHE_TOWNSHIP
from tests.households.factories import household_with_head

pytestmark = pytest.mark.django_db

PROJECT = {
    "name": "沿河茶园",
    "scheme": "nine_plus_two",
    "target_region": YANHE,
    "category": "industry",
    "year": 2020,
    "planned_amount": "2000000.00",
}
SITE = {
    "name": "新安置点",
    "region": "520627100000",
    "kind": "urban",
    "planned_households": 120,
    "planned_people": 500,
}
INCOME = {"version": 1, "year": 2019, "wage": "7000"}

PROJECT_PEOPLE = "覆盖人数：请填写 0 到 5000000 之间的整数。"
SITE_HOUSEHOLDS = "规划搬迁户数：请填写 1 到 15000 之间的整数。"
SITE_PEOPLE = "规划搬迁人数：请填写 1 到 50000 之间的整数。"
HOUSEHOLD_SIZE = "年末家庭人口数：请填写 1 到 30 之间的整数。"


def _api(user: Any) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _income_url() -> str:
    return f"/api/v1/households/{household_with_head().pk}/incomes/"


# -- the API --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "field", "value", "message"),
    [
        ("project", "people_covered", 5_000_001, PROJECT_PEOPLE),
        ("project", "people_covered", -1, PROJECT_PEOPLE),
        ("site", "planned_households", 15_001, SITE_HOUSEHOLDS),
        ("site", "planned_people", 50_001, SITE_PEOPLE),
        ("site", "planned_households", 0, SITE_HOUSEHOLDS),
        ("income", "member_count", 31, HOUSEHOLD_SIZE),
        ("income", "member_count", 0, HOUSEHOLD_SIZE),
        ("income", "member_count", "三", HOUSEHOLD_SIZE),
    ],
    ids=[
        "project-people-past",
        "project-people-negative",
        "site-households-past",
        "site-people-past",
        "site-households-zero",
        "household-of-31",
        "household-of-0",
        "household-size-not-a-number",
    ],
)
def test_the_api_refuses_an_implausible_count_naming_the_field(
    county_supervisor, cadre_yanhe, kind, field, value, message
):
    if kind == "income":
        user, path, body, rows = cadre_yanhe, _income_url(), INCOME, AnnualIncome.objects
    else:
        path, body = {"project": ("/api/v1/projects/", PROJECT), "site": ("/api/v1/sites/", SITE)}[
            kind
        ]
        user, rows = county_supervisor, {"project": Project, "site": Site}[kind].objects

    response = _api(user).post(path, {**body, field: value}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}
    assert rows.exists() is False


def test_the_api_accepts_the_bounds_themselves(county_supervisor, cadre_yanhe):
    project = _api(county_supervisor).post(
        "/api/v1/projects/", {**PROJECT, "people_covered": 5_000_000}, format="json"
    )
    site = _api(county_supervisor).post(
        "/api/v1/sites/",
        {**SITE, "planned_households": 15_000, "planned_people": 50_000},
        format="json",
    )
    # An earlier year keeps the size it is given (the latest year's is the registered members).
    household = household_with_head()
    AnnualIncome.objects.create(household=household, year=2020, member_count=1)
    income = _api(cadre_yanhe).post(
        f"/api/v1/households/{household.pk}/incomes/",
        {**INCOME, "member_count": 30},
        format="json",
    )

    assert (project.status_code, site.status_code, income.status_code) == (201, 201, 201)
    assert Project.objects.get().people_covered == 5_000_000
    assert Site.objects.values_list("planned_households", "planned_people").get() == (
        15_000,
        50_000,
    )
    assert AnnualIncome.objects.get(year=2019).member_count == 30


def test_the_schema_gives_each_counts_range():
    from tests.tongren_fupin.test_integer_bounds import _openapi_document

    schemas = _openapi_document()["components"]["schemas"]

    def bounds(schema: str, field: str) -> tuple[int, int]:
        prop = schemas[schema]["properties"][field]
        return prop["minimum"], prop["maximum"]

    assert bounds("ProjectRequest", "people_covered") == (0, 5_000_000)
    assert bounds("SiteRequest", "planned_households") == (1, 15_000)
    assert bounds("SiteRequest", "planned_people") == (1, 50_000)
    assert bounds("IncomeWriteRequest", "member_count") == (1, 30)


# -- the pages and the admin ------------------------------------------------------------------


def test_the_project_page_refuses_an_implausible_count_naming_the_field(county_supervisor):
    data = {**PROJECT, "target_region": YANHE_TOWNSHIP, "people_covered": "5000001"}

    response = _client(county_supervisor).post("/assistance/projects/new/", data)

    assert response.status_code == 200
    assert response.context["form"].errors == {"people_covered": [PROJECT_PEOPLE]}
    assert PROJECT_PEOPLE in response.content.decode()
    assert Project.objects.exists() is False


def test_the_income_page_refuses_a_household_of_31_naming_the_field(cadre_yanhe):
    household = household_with_head()
    data = {"version": "1", "year": "2019", "wage": "7000", "member_count": "31"}

    response = _client(cadre_yanhe).post(f"/households/{household.pk}/incomes/record/", data)

    assert response.status_code == 200
    assert response.context["form"].errors == {"member_count": [HOUSEHOLD_SIZE]}
    assert AnnualIncome.objects.exists() is False


def test_the_admin_refuses_an_exchange_visit_of_1001_people_naming_the_field(operator):
    data = {
        "scheme": "east_west",
        "region": YANHE,
        "partner": "",
        "date": "2019-05-01",
        "people": "1001",
        "note": "",
    }

    response = _client(operator).post("/admin/assistance/exchangevisit/add/", data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {"people": ["人数：请填写 1 到 1000 之间的整数。"]}
    assert ExchangeVisit.objects.exists() is False


@pytest.mark.parametrize(
    ("field", "value"),
    [("planned_people", 50_001), ("planned_households", 15_001)],
    ids=["people", "households"],
)
def test_a_site_imported_past_the_bounds_is_refused_by_the_model(county_supervisor, field, value):
    # the admin's XLSX import writes through site_create, whose full_clean holds the bounds
    data = {**SITE, "region": Region.objects.get(code=SITE["region"]), field: value}

    with pytest.raises(ValidationError) as refused:
        relocation.site_create(actor=county_supervisor, data=data)

    assert list(refused.value.message_dict) == [field]
    assert Site.objects.exists() is False

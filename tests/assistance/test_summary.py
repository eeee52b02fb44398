"""The summary endpoint reproduces every figure of the seed article with the fixture loaded."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from assistance.models import ReportedTotal
from tests.assistance.conftest import add_flow, make_project
from tests.seed import DESIGNATED, SOCIAL, SUZHOU, SUZHOU_PAIRINGS

pytestmark = pytest.mark.usefixtures("tongren_assistance")


def summary(user: Any, **params: str) -> dict[str, Any]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/assistance/summary/", params)
    assert response.status_code == 200, response.content
    data: dict[str, Any] = response.json()
    return data


def level(data: dict[str, Any], name: str) -> dict[str, Any]:
    (row,) = [row for row in data["pairings"] if row["level"] == name]
    return row


@pytest.mark.parametrize(("figure", "expected"), SUZHOU, ids=[f for f, _ in SUZHOU])
def test_suzhou_figure(city_supervisor, figure, expected):
    assert summary(city_supervisor, scheme="east_west")[figure] == expected


@pytest.mark.parametrize(
    ("name", "partners", "targets"), SUZHOU_PAIRINGS, ids=[p[0] for p in SUZHOU_PAIRINGS]
)
def test_suzhou_pairing_counts(city_supervisor, name, partners, targets):
    row = level(summary(city_supervisor, scheme="east_west"), name)
    assert (row["partner_units"], row["target_units"]) == (partners, targets)


@pytest.mark.parametrize(("figure", "expected"), DESIGNATED, ids=[f for f, _ in DESIGNATED])
def test_designated_figure(city_supervisor, figure, expected):
    assert summary(city_supervisor, scheme="designated")[figure] == expected


def test_designated_six_central_units_with_seven_counties(city_supervisor):
    row = level(summary(city_supervisor, scheme="designated"), "unit_county")
    assert (row["partner_units"], row["target_units"]) == (6, 7)
    client = APIClient()
    client.force_authenticate(city_supervisor)
    partners = client.get("/api/v1/partners/", {"kind": "central_unit"}).json()
    assert partners["count"] == 6


@pytest.mark.parametrize(
    ("kind", "figure", "expected"), SOCIAL, ids=[f"{k}-{f}" for k, f, _ in SOCIAL]
)
def test_social_figure(city_supervisor, kind, figure, expected):
    assert summary(city_supervisor, scheme="social", partner_kind=kind)[figure] == expected


def test_social_enterprises_paired_with_villages(city_supervisor):
    data = summary(city_supervisor, scheme="social", partner_kind="private_enterprise")
    row = level(data, "enterprise_village")
    assert (row["partner_units"], row["target_units"]) == (365, 608)


def test_nine_plus_two_funds_and_projects(county_supervisor):
    data = summary(county_supervisor, scheme="nine_plus_two")
    assert data["region"] == "520627000000"
    assert data["funds"] == "80000000.00"  # 0.8亿元
    assert data["projects"] == 38


def test_nine_plus_two_eleven_helpers(county_supervisor):
    row = level(summary(county_supervisor, scheme="nine_plus_two"), "county_county")
    assert row["partner_units"] == 11


def test_nine_plus_two_fungus_base_outputs(county_supervisor):
    outputs = summary(county_supervisor, scheme="nine_plus_two")["project_outputs"]
    base = {(o["name"], o["quantity"], o["unit"]) for o in outputs if "黑木耳" in o["project_name"]}
    assert base == {("排棒面积", "117.00", "亩"), ("排棒", "510000.00", "棒")}


def test_nine_plus_two_yuping_and_sinan_agreements(county_supervisor):
    agreements = summary(county_supervisor, scheme="nine_plus_two")["agreements"]
    assert sorted(a["partner"] for a in agreements) == ["思南县", "玉屏侗族自治县"]


def test_totals_add_itemised_rows_to_reported_rows(city_supervisor):
    """Figures come from rows: a new project and allocation, or a changed reported row, show."""
    project = make_project(name="新项目", people_covered=100)
    add_flow(project, "allocated", "500000.00")
    ReportedTotal.objects.filter(scheme="east_west").update(trainees=12000)
    data = summary(city_supervisor, scheme="east_west")
    assert data["funds"] == "1705900000.00"
    assert data["projects"] == 1122
    assert data["people_covered"] == 691990
    assert data["trainees"] == 12000


def test_county_summary_leaves_out_city_wide_rows(county_supervisor_bijiang):
    data = summary(county_supervisor_bijiang)
    assert data["region"] == "520602000000"
    assert data["funds"] == "0.00"
    assert data["projects"] == 0


def test_summary_of_a_region_outside_the_jurisdiction_is_404(county_supervisor):
    client = APIClient()
    client.force_authenticate(county_supervisor)
    response = client.get("/api/v1/assistance/summary/", {"region": "520602000000"})
    assert response.status_code == 404


def test_summary_rejects_an_unknown_scheme(city_supervisor):
    client = APIClient()
    client.force_authenticate(city_supervisor)
    response = client.get("/api/v1/assistance/summary/", {"scheme": "nope"})
    assert response.status_code == 400
    assert "scheme" in response.json()["errors"]


def test_city_summary_adds_all_schemes(city_supervisor):
    data = summary(city_supervisor)
    expected = sum(
        Decimal(x) for x in ("1705400000", "222115400", "430000000", "1268000000", "80000000")
    )
    assert Decimal(data["funds"]) == expected

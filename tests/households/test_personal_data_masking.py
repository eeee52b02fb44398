"""Phones, health status and disability details are masked per role like ID numbers, on the
API, the household page and the register export (decision 0021); each display in full is a
security event."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from audit.models import AuditEvent
from households import exports
from households.choices import Health
from households.models import Household, Member
from regions.masking import Personal
from tests.households.factories import MemberFactory, household_with_head, make_id

pytestmark = pytest.mark.django_db

PHONE, CADRE_PHONE = "13812345678", "13987654321"
PHONE_MASKED, CADRE_PHONE_MASKED = "138****5678", "139****4321"
CERTIFICATE = make_id(datetime.date(1975, 3, 9), sequence=7, area="520627") + "43"
# Roles that see personal data whole, and those that see it masked.
WHOLE = ["cadre_yanhe", "work_team_yanhe", "township_reviewer", "county_supervisor"]
MASKED = ["city_supervisor", "api_client_user"]


@pytest.fixture
def household() -> Household:
    """A 沿河 household with both phones, a chronically ill member and a disabled one with a
    disability certificate."""
    household = household_with_head(phone=PHONE, cadre_phone=CADRE_PHONE)
    MemberFactory(household=household, name="龙秀英", health=Health.CHRONIC)
    MemberFactory(
        household=household,
        name="龙国平",
        health=Health.DISABLED,
        id_number=CERTIFICATE,
        birth_date=datetime.date(1975, 3, 9),
    )
    return household


def _members(household: Household) -> dict[str, Member]:
    return {m.name: m for m in household.members.all()}


@pytest.mark.parametrize("cast", WHOLE + MASKED)
def test_the_household_api_masks_both_phones_for_the_city_and_api_clients(
    request, api, household, cast
):
    user = request.getfixturevalue(cast)
    api.force_authenticate(user)

    data = api.get(f"/api/v1/households/{household.pk}/").json()

    whole = cast in WHOLE
    assert (data["phone"], data["cadre_phone"]) == (
        (PHONE, CADRE_PHONE) if whole else (PHONE_MASKED, CADRE_PHONE_MASKED)
    )
    logged = AuditEvent.objects.filter(action="personal_data.displayed", actor=user)
    assert [e.changes["fields"] for e in logged] == ([[None, ["phone"]]] if whole else [])


@pytest.mark.parametrize("cast", WHOLE + MASKED)
def test_the_members_api_masks_ids_health_and_disability_for_the_city_and_api_clients(
    request, api, household, cast
):
    user = request.getfixturevalue(cast)
    api.force_authenticate(user)

    rows = {
        m["name"]: m
        for m in api.get(f"/api/v1/households/{household.pk}/members/").json()["results"]
    }

    whole = cast in WHOLE
    assert rows["龙秀英"]["health"] == ("chronic" if whole else None)
    assert rows["龙国平"]["health"] == ("disabled" if whole else None)
    assert rows["龙国平"]["id_number"] == (
        CERTIFICATE if whole else f"{CERTIFICATE[:6]}********{CERTIFICATE[14:18]}"
    )
    event = AuditEvent.objects.filter(action="personal_data.displayed", actor=user).first()
    fields = event.changes["fields"][1] if event else None
    assert fields == (["id_number", "health", "disability"] if whole else None)


@pytest.mark.parametrize("cast", [*WHOLE, "city_supervisor"])
def test_the_household_page_masks_ids_health_and_the_cadres_phone_for_the_city(
    request, household, cast
):
    user = request.getfixturevalue(cast)
    client = Client()
    client.force_login(user)

    html = client.get(f"/households/{household.pk}/").content.decode()

    whole = cast in WHOLE
    shown = {
        "certificate": CERTIFICATE in html,
        "chronic": "长期慢性病" in html,
        "disabled": "残疾" in html,
        "cadre phone": CADRE_PHONE in html,
        "masked cadre phone": CADRE_PHONE_MASKED in html,
        "health hidden": "健康状况不予显示" in html,
    }
    assert shown == {
        "certificate": whole,
        "chronic": whole,
        "disabled": whole,
        "cadre phone": whole,
        "masked cadre phone": not whole,
        "health hidden": not whole,
    }
    logged = AuditEvent.objects.filter(action="personal_data.displayed", actor=user)
    assert [e.changes["fields"][1] for e in logged] == (
        [["id_number", "phone", "health", "disability"]] if whole else []
    )


def _exported(user: Any) -> dict[str, list[tuple[Any, ...]]]:
    target = io.BytesIO()
    exports.register_export(actor=user, fmt="xlsx", target=target)
    workbook = load_workbook(io.BytesIO(target.getvalue()))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("cast", "whole"), [("county_supervisor", True), ("city_supervisor", False)]
)
def test_the_register_export_masks_phones_ids_and_health_for_the_city(
    request, household, cast, whole
):
    user = request.getfixturevalue(cast)
    members = _members(household)

    sheets = _exported(user)

    households, people = list(sheets.values())[:2]
    header, [row] = households[0], households[1:]
    assert row[header.index("联系电话")] == (PHONE if whole else PHONE_MASKED)
    columns = people[0]
    by_name = {r[columns.index("姓名")]: r for r in people[1:]}
    disabled = by_name["龙国平"]
    assert disabled[columns.index("健康状况")] == ("残疾" if whole else "***")
    assert by_name["龙秀英"][columns.index("健康状况")] == ("长期慢性病" if whole else "***")
    assert disabled[columns.index("证件号码")] == (
        CERTIFICATE if whole else f"{CERTIFICATE[:6]}********{CERTIFICATE[14:18]}"
    )
    head = members[household.members.get(relation="01").name]
    assert row[header.index("户主证件号码")] == (
        head.id_number if whole else f"{head.id_number[:6]}********{head.id_number[-4:]}"
    )
    full_cells = sum(PHONE in str(c) or CERTIFICATE in str(c) for s in sheets.values()
                     for r in s for c in r)  # fmt: skip
    assert full_cells == (2 if whole else 0)


@pytest.mark.parametrize("status", [Health.CHRONIC_DISABLED, Health.SERIOUS_DISABLED])
def test_a_health_status_with_a_disability_is_a_disability_detail_in_the_audit(
    api, county_supervisor, status
):
    household = household_with_head()
    MemberFactory(household=household, name="龙小兰", health=status)  # an ID, no certificate
    api.force_authenticate(county_supervisor)

    rows = api.get(f"/api/v1/households/{household.pk}/members/").json()["results"]

    assert {m["name"]: m["health"] for m in rows}["龙小兰"] == status
    event = AuditEvent.objects.get(action="personal_data.displayed", actor=county_supervisor)
    assert event.changes["fields"][1] == ["id_number", "health", "disability"]


@pytest.mark.sqlite
def test_an_export_for_a_role_that_sees_health_but_not_disability_hides_the_details(
    county_supervisor, monkeypatch
):
    from regions import masking

    monkeypatch.setitem(masking.FULL_VIEW, Personal.DISABILITY, frozenset())
    household = household_with_head()
    MemberFactory(household=household, name="龙秀英", health=Health.CHRONIC)
    MemberFactory(household=household, name="龙小兰", health=Health.CHRONIC_DISABLED)
    MemberFactory(household=household, name="龙国平", health=Health.DISABLED, id_number=CERTIFICATE,
                  birth_date=datetime.date(1975, 3, 9))  # fmt: skip

    people = _exported(county_supervisor)["家庭成员"]

    columns = people[0]
    by_name = {r[columns.index("姓名")]: r for r in people[1:]}
    health, id_number = columns.index("健康状况"), columns.index("证件号码")
    shown = [by_name[name][health] for name in ("龙秀英", "龙小兰", "龙国平")]
    assert shown == ["长期慢性病", "***", "***"]
    assert by_name["龙国平"][id_number] == CERTIFICATE[:18]


@pytest.mark.parametrize(
    ("cast", "whole"), [("county_supervisor", True), ("city_supervisor", False)]
)
def test_an_export_with_personal_data_in_full_is_audited_as_a_full_display(
    request, household, cast, whole
):
    user = request.getfixturevalue(cast)
    people = household.members.count()

    _exported(user)

    logged = AuditEvent.objects.filter(action="personal_data.displayed", actor=user)
    assert [
        (e.category, e.changes["fields"][1], e.changes["households"][1],
         e.changes["members"][1], e.changes["channel"][1])
        for e in logged
    ] == ([("security", ["id_number", "phone", "health"], 1, people, "export")]
          if whole else [])  # fmt: skip
    assert AuditEvent.objects.get(action="register.exported").changes["masked"] == [
        None,
        not whole,
    ]

"""GET /api/v1/offline-pack/: the jurisdiction's households with what the visit form shows —
scoped, masked as for the role, capped, in a constant number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from households import services as register
from inspections import services as inspections
from inspections.models import LookBackTask
from regions.masking import FULL_VIEW, Personal
from tests.conftest import BIJIANG_VILLAGE, YANHE_TOWNSHIP, YANHE_VILLAGE
from tests.households.factories import MemberFactory, household_with_head, income
from tests.permissions import check_permission_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]
OTHER_YANHE_VILLAGE = "520627100201"  # same township as YANHE_VILLAGE


def _household_with_casework(cadre, village=YANHE_VILLAGE, **kwargs):
    household = household_with_head(region_id=village, **kwargs)
    MemberFactory(household=household, work_status="in_county", work_months=5)
    income(household, 2020, Decimal("5200.50"), 2)
    register.measure_add(
        actor=cadre,
        household=household,
        data={"kind": "industry", "year": 2020, "description": "养牛"},
    )
    inspections.problem_open(
        actor=cadre,
        household=household,
        data={
            "source": "by_hand",
            "category": "fill_gaps",
            "description": "危房未改造",
            "deadline": datetime.date(2026, 12, 31),
        },
    )
    LookBackTask.objects.create(
        household=household, period="2026-11", reason="sample", due=datetime.date(2026, 12, 20)
    )
    return household


def _pack(api, user, **params):
    api.force_authenticate(user)
    return api.get("/api/v1/offline-pack/", params)


def test_the_pack_holds_what_the_visit_form_shows(api, cadre_yanhe):
    household = _household_with_casework(cadre_yanhe, phone="13800000001")

    response = _pack(api, cadre_yanhe)

    assert response.status_code == 200
    body = response.json()
    assert (body["region"], body["household_count"]) == (
        {"code": YANHE_VILLAGE, "name": "太岭村"},
        1,
    )
    (row,) = body["households"]
    assert (row["id"], row["household_no"], row["version"], row["phone"]) == (
        household.pk,
        household.household_no,
        household.version,
        "13800000001",
    )
    # the 五个一致 values are the very strings the server fills in for a visit
    assert {item["field"]: item["value"] for item in row["register"]} == {
        str(k): v for k, v in inspections.register_values(household).items()
    }
    assert row["register"][1] == {
        "field": "per_capita_income",
        "label": "人均纯收入",
        "value": "5200.50",
    }
    assert [m["work_status"] for m in row["members"]] == ["", "in_county"]
    assert [p["description"] for p in row["open_problems"]] == ["危房未改造"]
    assert [t["period"] for t in row["look_back_tasks"]] == ["2026-11"]
    assert "work_status" in body["editable_fields"]["member"]
    assert {"value": "out_of_province", "label": "省外务工"} in body["choices"]["work_status"]


def test_the_pack_of_another_jurisdiction_or_above_mine_is_404(api, cadre_yanhe):
    household_with_head(region_id=BIJIANG_VILLAGE)

    for code in (BIJIANG_VILLAGE, YANHE_TOWNSHIP, "999999999999", "abc"):
        response = _pack(api, cadre_yanhe, region=code)
        assert response.status_code == 404, code
        assert list(response.json()["errors"]) == ["region"]


def test_the_pack_holds_only_the_jurisdiction_and_region_narrows_it(api, township_reviewer):
    mine = household_with_head(region_id=YANHE_VILLAGE)
    neighbour = household_with_head(region_id=OTHER_YANHE_VILLAGE)
    household_with_head(region_id=BIJIANG_VILLAGE)

    whole = _pack(api, township_reviewer).json()
    village = _pack(api, township_reviewer, region=YANHE_VILLAGE).json()

    assert sorted(h["id"] for h in whole["households"]) == sorted([mine.pk, neighbour.pk])
    assert [h["id"] for h in village["households"]] == [mine.pk]


def test_id_numbers_are_masked_as_for_the_role(api, cadre_yanhe, township_reviewer, monkeypatch):
    household = household_with_head()
    number = household.members.get().id_number
    monkeypatch.setitem(FULL_VIEW, Personal.ID_NUMBER, frozenset({"village_cadre"}))

    cadre_sees = _pack(api, cadre_yanhe).json()["households"][0]["members"][0]["id_number"]
    reviewer_sees = _pack(api, township_reviewer).json()["households"][0]["members"][0]["id_number"]

    assert cadre_sees == number
    assert reviewer_sees == f"{number[:6]}********{number[-4:]}"
    event = AuditEvent.objects.get(action="personal_data.displayed", actor=cadre_yanhe)
    assert event.changes["channel"] == [None, "offline_pack"]


def test_a_pack_over_the_cap_is_refused_naming_the_count_and_the_cap(
    api, township_reviewer, settings
):
    settings.OFFLINE_PACK_MAX_HOUSEHOLDS = 2
    for village in (YANHE_VILLAGE, YANHE_VILLAGE, OTHER_YANHE_VILLAGE):
        household_with_head(region_id=village)

    refused = _pack(api, township_reviewer)
    narrowed = _pack(api, township_reviewer, region=YANHE_VILLAGE)

    assert refused.status_code == 400
    message = refused.json()["message"]
    assert "3" in message and "2" in message and "?region=" in message
    assert refused.json()["code"] == "pack_too_large"
    assert narrowed.status_code == 200
    assert narrowed.json()["household_count"] == 2


def test_the_pack_costs_the_same_queries_for_one_household_as_for_many(api, cadre_yanhe):
    _household_with_casework(cadre_yanhe)
    api.force_authenticate(cadre_yanhe)
    api.get("/api/v1/offline-pack/")  # warm the user's assignment and session caches

    with CaptureQueriesContext(connection) as one:
        assert api.get("/api/v1/offline-pack/").status_code == 200
    for _ in range(5):
        _household_with_casework(cadre_yanhe)
    with CaptureQueriesContext(connection) as six:
        response = api.get("/api/v1/offline-pack/")

    assert response.json()["household_count"] == 6
    assert len(six) == len(one)


def test_pack_permissions(cadre_yanhe, city_supervisor):
    check_permission_matrix("/api/v1/offline-pack/", own=cadre_yanhe, wrong_role=city_supervisor)
    check_permission_matrix(
        f"/api/v1/offline-pack/?region={YANHE_VILLAGE}",
        own=cadre_yanhe,
        other_jurisdiction=None,
    )

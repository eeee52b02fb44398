"""The relocation API: permission matrix on every endpoint, writes with audit events."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent, Category
from households.models import Household
from relocation.models import (
    CultureActivity,
    Facility,
    GovernanceUnit,
    PartyOrganisation,
    Relocation,
    Site,
    SiteTally,
)
from tests.households.factories import household_with_head
from tests.permissions import check_permission_matrix
from tests.relocation.factories import (
    BIJIANG_TOWNSHIP,
    IDLE,
    WORKING,
    SiteFactory,
    relocated_household,
)

pytestmark = pytest.mark.django_db

SITES = "/api/v1/sites/"
RELOCATIONS = "/api/v1/relocations/"
ZERO = "/api/v1/relocation/zero-employment/"
SUMMARY = "/api/v1/relocation/summary/"


@pytest.fixture
def site():
    return SiteFactory(name="沿河测试安置点")


def data_events():
    """Data events only: a refused request writes a security event, by design."""
    return AuditEvent.objects.filter(category=Category.DATA).count()


def relocation_state():
    return (
        list(Relocation.objects.values_list("pk", "hukou_transferred")),
        list(Household.objects.values_list("pk", "is_relocated", "version")),
        data_events(),
    )


def test_site_list_and_detail_matrix(
    site, county_supervisor, county_supervisor_bijiang, unassigned_user
):
    listed = check_permission_matrix(SITES, own=county_supervisor, wrong_role=unassigned_user)
    assert [row["name"] for row in listed.json()["results"]] == ["沿河测试安置点"]
    other = check_permission_matrix(SITES, own=county_supervisor_bijiang)
    assert other.json()["count"] == 0

    detail = check_permission_matrix(
        f"{SITES}{site.pk}/",
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=unassigned_user,
    )
    assert set(detail.json()["systems"]) >= {"facilities", "employment", "governance_units"}


def test_a_county_supervisor_creates_a_site_with_an_event(county_supervisor, township_reviewer):
    body = {
        "name": "新建安置点",
        "region": "520627100000",
        "kind": "urban",
        "planned_households": 120,
        "planned_people": 500,
    }

    response = check_permission_matrix(
        SITES,
        method="post",
        data=body,
        own=county_supervisor,
        wrong_role=township_reviewer,
        own_status=201,
        state=lambda: (Site.objects.count(), data_events()),
    )

    site = Site.objects.get(name="新建安置点")
    assert response.json()["id"] == site.pk
    event = AuditEvent.objects.get(action="relocation_site.created")
    assert (event.actor, event.object_id, event.changes["planned_people"]) == (
        county_supervisor,
        str(site.pk),
        [None, 500],
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        # another county's region answers like one that does not exist (decision 0020)
        ("region", "520602001000", "region: 您的管辖范围内没有这条记录。"),
        ("planned_people", 10, "__all__"),
        ("kind", "tent", "kind: “tent” 不是合法选项。"),
        (
            "planned_households",
            -1,
            "planned_households: 规划搬迁户数：请填写 1 到 15000 之间的整数。",
        ),
    ],
    ids=["other-county", "fewer-people-than-households", "unknown-kind", "negative"],
)
def test_a_bad_site_is_refused_with_a_chinese_message_naming_the_field(
    api, county_supervisor, field, value, message
):
    body = {
        "name": "坏数据点",
        "region": "520627100000",
        "kind": "urban",
        "planned_households": 120,
        "planned_people": 500,
        field: value,
    }
    api.force_authenticate(county_supervisor)

    response = api.post(SITES, body, format="json")

    assert response.status_code == (404 if field == "region" else 400)
    if message == "__all__":
        assert "errors" in response.json() and response.json()["message"]
    else:
        assert response.json()["message"] == message
    assert Site.objects.exists() is False
    assert AuditEvent.objects.filter(category=Category.DATA).exists() is False


def test_the_tally_is_kept_by_the_county(
    site, county_supervisor, county_supervisor_bijiang, township_reviewer
):
    body = {
        "households": 10,
        "people": 40,
        "cross_county_people": 0,
        "hukou_transferred_people": 30,
        "labour_households": 9,
        "labourers": 18,
        "employed_labour_households": 9,
        "employed_labourers": 15,
        "recorded_on": "2020-10-31",
    }

    check_permission_matrix(
        f"{SITES}{site.pk}/tally/",
        method="post",
        data=body,
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=township_reviewer,
        state=lambda: (list(SiteTally.objects.values()), data_events()),
    )

    assert SiteTally.objects.get(site=site).hukou_transferred_people == 30
    assert AuditEvent.objects.get(action="relocation_site.tally_recorded").changes["people"] == [
        None,
        40,
    ]


def test_a_tally_with_more_employed_than_labour_households_is_refused(site, api, county_supervisor):
    api.force_authenticate(county_supervisor)
    body = {
        "households": 10,
        "people": 40,
        "cross_county_people": 0,
        "hukou_transferred_people": 30,
        "labour_households": 5,
        "labourers": 18,
        "employed_labour_households": 9,
        "employed_labourers": 15,
        "recorded_on": "2020-10-31",
    }

    response = api.post(f"{SITES}{site.pk}/tally/", body, format="json")

    assert response.status_code == 400
    assert SiteTally.objects.exists() is False


@pytest.mark.parametrize(
    ("path", "body", "model"),
    [
        ("facilities", {"kind": "school", "name": "安置点小学", "status": "built"}, Facility),
        (
            "culture-activities",
            {"kind": "gratitude_education", "held_on": "2020-09-01", "attendance": 80},
            CultureActivity,
        ),
        ("governance-units", {"kind": "police_room", "officers": 3}, GovernanceUnit),
        ("party-organisations", {"kind": "branch", "members": 7}, PartyOrganisation),
    ],
    ids=["facility", "culture", "governance", "party"],
)
def test_the_records_of_the_five_systems(
    site, township_reviewer, county_supervisor_bijiang, cadre_yanhe, path, body, model
):
    response = check_permission_matrix(
        f"{SITES}{site.pk}/{path}/",
        method="post",
        data=body,
        own=township_reviewer,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=cadre_yanhe,
        own_status=201,
        state=lambda: (model.objects.count(), data_events()),
    )

    record = model.objects.get(pk=response.json()["id"])
    assert record.site == site
    assert AuditEvent.objects.get(category=Category.DATA).subject_id == str(site.pk)


def test_officers_only_in_a_police_room(site, api, township_reviewer):
    api.force_authenticate(township_reviewer)

    response = api.post(
        f"{SITES}{site.pk}/governance-units/", {"kind": "community", "officers": 2}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["message"] == "officers: 只有警务室配备警务人员。"
    assert GovernanceUnit.objects.exists() is False


def test_recording_a_relocation(site, cadre_yanhe, cadre_bijiang, api_client_user):
    household = household_with_head(housing_grade="D")
    body = {"household": household.pk, "site": site.pk, "moved_in": "2019-06-01"}

    response = check_permission_matrix(
        RELOCATIONS,
        method="post",
        data=body,
        own=cadre_yanhe,
        other_jurisdiction=cadre_bijiang,
        wrong_role=api_client_user,
        own_status=201,
        state=relocation_state,
    )

    relocation = Relocation.objects.get()
    assert response.json()["id"] == relocation.pk
    assert (relocation.origin_region_id, relocation.moved_in) == (
        "520627100200",
        datetime.date(2019, 6, 1),
    )
    fresh = Household.objects.get(pk=household.pk)
    assert (fresh.is_relocated, fresh.version) == (True, household.version + 1)
    event = AuditEvent.objects.get(action="relocation.recorded")
    assert event.subject_id == str(household.pk)


def test_a_household_cannot_be_relocated_twice(site, api, cadre_yanhe):
    household = relocated_household(site)
    api.force_authenticate(cadre_yanhe)

    response = api.post(
        RELOCATIONS,
        {"household": household.pk, "site": site.pk, "moved_in": "2020-01-01"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["message"] == "该户已登记为易地搬迁户。"
    assert Relocation.objects.count() == 1


def test_a_move_in_the_future_is_refused(site, api, cadre_yanhe):
    household = household_with_head()
    api.force_authenticate(cadre_yanhe)
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)

    response = api.post(
        RELOCATIONS,
        {"household": household.pk, "site": site.pk, "moved_in": tomorrow.isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["message"] == "moved_in: 搬迁入住日期不能晚于今天。"
    assert Relocation.objects.exists() is False


def test_a_household_of_the_county_may_move_to_a_site_of_another_county(api, cadre_yanhe):
    far = SiteFactory(region_id=BIJIANG_TOWNSHIP, name="碧江跨区域点", cross_county=True)
    household = household_with_head()
    api.force_authenticate(cadre_yanhe)

    response = api.post(
        RELOCATIONS,
        {"household": household.pk, "site": far.pk, "moved_in": "2019-06-01"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["cross_county"] is True


def test_relocations_are_seen_from_both_ends(
    site, cadre_yanhe, county_supervisor_bijiang, county_supervisor, unassigned_user
):
    far = SiteFactory(region_id=BIJIANG_TOWNSHIP, name="碧江跨区域点")
    moved = relocated_household(far)  # a 沿河 household at a 碧江 site
    local = relocated_household(site)

    yanhe = check_permission_matrix(RELOCATIONS, own=cadre_yanhe, wrong_role=unassigned_user)
    bijiang = check_permission_matrix(RELOCATIONS, own=county_supervisor_bijiang)

    assert {row["household"] for row in yanhe.json()["results"]} == {moved.pk, local.pk}
    assert [row["household"] for row in bijiang.json()["results"]] == [moved.pk]
    check_permission_matrix(
        f"{RELOCATIONS}{Relocation.objects.get(household=local).pk}/",
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=unassigned_user,
    )


def test_transferring_the_hukou(site, cadre_yanhe, cadre_bijiang, api_client_user):
    relocation = Relocation.objects.get(household=relocated_household(site))

    response = check_permission_matrix(
        f"{RELOCATIONS}{relocation.pk}/transfer-hukou/",
        method="post",
        own=cadre_yanhe,
        other_jurisdiction=cadre_bijiang,
        wrong_role=api_client_user,
        state=relocation_state,
    )

    assert response.json()["hukou_transferred"] is True
    assert Relocation.objects.get(pk=relocation.pk).hukou_transferred is True
    assert AuditEvent.objects.filter(action="relocation.hukou_transferred").count() == 1


def test_the_zero_employment_endpoint(site, cadre_yanhe, cadre_bijiang, unassigned_user):
    idle = relocated_household(site, members=[IDLE])
    relocated_household(site, members=[WORKING])

    response = check_permission_matrix(ZERO, own=cadre_yanhe, wrong_role=unassigned_user)
    other = check_permission_matrix(ZERO, own=cadre_bijiang)

    assert [row["household"] for row in response.json()["results"]] == [idle.pk]
    assert response.json()["results"][0]["site_name"] == "沿河测试安置点"
    assert other.json()["count"] == 0


def test_the_zero_employment_list_of_one_site(
    site, api, county_supervisor, county_supervisor_bijiang
):
    other_site = SiteFactory(name="另一安置点")
    relocated_household(site, members=[IDLE])
    there = relocated_household(other_site, members=[IDLE])
    api.force_authenticate(county_supervisor)

    response = api.get(ZERO, {"site": other_site.pk})

    assert [row["household"] for row in response.json()["results"]] == [there.pk]
    api.force_authenticate(county_supervisor_bijiang)
    assert api.get(ZERO, {"site": other_site.pk}).status_code == 404


def test_the_summary_matrix(site, county_supervisor, county_supervisor_bijiang, unassigned_user):
    relocated_household(site, members=[IDLE, WORKING, IDLE])

    response = check_permission_matrix(
        f"{SUMMARY}?region=520627000000",
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=unassigned_user,
    )

    body = response.json()
    assert (body["sites"], body["households"], body["people"], body["labourers"]) == (1, 1, 3, 3)
    assert body["employment"] == {
        "labour_households": 1,
        "employed_labour_households": 1,
        "zero_employment_households": 0,
        "rate": "100.0",
    }


@pytest.mark.parametrize(
    ("region", "status"),
    [("52062", 400), ("999999999999", 404), ("520602000000", 404)],
    ids=["malformed", "unknown", "other-county"],
)
def test_the_summary_refuses_a_bad_region(api, county_supervisor, region, status):
    api.force_authenticate(county_supervisor)

    response = api.get(SUMMARY, {"region": region})

    assert response.status_code == status
    if status == 400:
        assert response.json()["message"] == "region: 区划代码必须是12位数字。"


def test_list_endpoints_take_a_constant_number_of_queries(site, api, county_supervisor):
    relocated_household(site, members=[IDLE])
    api.force_authenticate(county_supervisor)
    api.get(SITES)  # the user's assignment is read once per user object
    counts: dict[str, list[int]] = {}
    for round_ in (1, 2):
        for url in (SITES, RELOCATIONS, ZERO, SUMMARY, f"{SITES}{site.pk}/"):
            with CaptureQueriesContext(connection) as queries:
                assert api.get(url).status_code == 200
            counts.setdefault(url, []).append(len(queries))
        more = SiteFactory(name=f"追加点{round_}")
        for _ in range(3):
            relocated_household(more, members=[IDLE, WORKING])
            relocated_household(site, members=[IDLE])

    assert all(first == second for first, second in counts.values()), counts


def test_the_receiving_county_transfers_the_hukou_of_a_cross_county_household(
    api, county_supervisor_bijiang
):
    far = SiteFactory(region_id=BIJIANG_TOWNSHIP, name="碧江跨区域点", cross_county=True)
    relocation = Relocation.objects.get(household=relocated_household(far))
    api.force_authenticate(county_supervisor_bijiang)

    response = api.post(f"{RELOCATIONS}{relocation.pk}/transfer-hukou/")

    assert (response.status_code, response.json()["cross_county"]) == (200, True)
    assert Relocation.objects.get(pk=relocation.pk).hukou_transferred is True
    again = api.post(f"{RELOCATIONS}{relocation.pk}/transfer-hukou/")
    assert (again.status_code, again.json()["message"]) == (409, "该户已完成迁户办证。")

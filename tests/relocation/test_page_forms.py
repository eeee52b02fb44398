"""Page forms: a relocation (with the household picker), the hukou transfer, the records of a
site's systems and a facility's status. Same services as the API; refusals change nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from households.models import Household
from relocation.models import (
    CultureActivity,
    Facility,
    GovernanceUnit,
    PartyOrganisation,
    Relocation,
)
from tests.households.factories import HouseholdFactory, MemberFactory
from tests.permissions import check_permission_matrix
from tests.relocation.factories import BIJIANG_TOWNSHIP, IDLE, SiteFactory, relocated_household

pytestmark = pytest.mark.django_db

FORM = "/relocation/relocations/new/"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def site():
    return SiteFactory(name="沿河测试安置点")


@pytest.fixture
def household():
    home = HouseholdFactory(household_no="520627100200001")
    MemberFactory(household=home, relation="01", name="田大山", **IDLE)
    return home


def relocation_state() -> list[Any]:
    return [
        list(Relocation.objects.values_list("household_id", "site_id", "hukou_transferred")),
        list(Household.objects.values_list("pk", "is_relocated", "version")),
        AuditEvent.objects.filter(category="data").count(),
    ]


# Recording a relocation.


def test_recording_a_relocation_follows_the_permission_matrix(
    site, household, cadre_yanhe, cadre_bijiang, city_supervisor
):
    data = {"household": household.pk, "site": site.pk, "moved_in": "2019-06-01"}

    response = check_permission_matrix(
        FORM,
        api=False,
        method="post",
        data=data,
        own=cadre_yanhe,
        other_jurisdiction=cadre_bijiang,
        wrong_role=city_supervisor,
        own_status=302,
        state=relocation_state,
    )

    assert response["Location"] == f"/households/{household.pk}/"
    relocation = Relocation.objects.get()
    assert (relocation.household_id, relocation.site_id, relocation.moved_in) == (
        household.pk,
        site.pk,
        datetime.date(2019, 6, 1),
    )
    assert Household.objects.get(pk=household.pk).is_relocated is True
    assert AuditEvent.objects.get(action="relocation.recorded").actor == cadre_yanhe


def test_the_picker_finds_households_by_number_or_head_in_the_jurisdiction_only(
    site, household, cadre_yanhe
):
    moved = relocated_household(site, members=[{"name": "田小河"}])
    elsewhere = HouseholdFactory(region_id="520602001001", household_no="520602001001009")
    MemberFactory(household=elsewhere, relation="01", name="田外县")
    client = client_for(cadre_yanhe)

    by_name = client.get(FORM, {"q": "田"}).content.decode()
    by_number = client.get(FORM, {"q": "520627100200001"}).content.decode()
    short_name = client.get(FORM, {"q": "田大"}).content.decode()

    # One character searches household numbers only (as the register's search).
    assert 'name="household"' not in by_name
    for page in (by_number, short_name):
        assert f'name="household" value="{household.pk}"' in page
        assert "田大山" in page
        assert f'value="{moved.pk}"' not in page
        assert "田外县" not in page


def test_the_picker_list_takes_a_constant_number_of_queries(site, cadre_yanhe):
    client = client_for(cadre_yanhe)
    counts = []
    for n in (1, 6):
        for _ in range(n):
            home = HouseholdFactory()
            MemberFactory(household=home, relation="01", name="张三丰")
        with CaptureQueriesContext(connection) as queries:
            page = client.get(FORM, {"q": "张三"}).content.decode()
        counts.append(len(queries))

    assert page.count('name="household"') == 7
    assert counts[0] == counts[1]


def test_a_preselected_household_and_site_are_checked(site, household, cadre_yanhe):
    page = (
        client_for(cadre_yanhe)
        .get(FORM, {"household": household.pk, "site": site.pk})
        .content.decode()
    )

    assert f'name="household" value="{household.pk}" checked' in page
    assert f'<option value="{site.pk}" selected>' in page


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"moved_in": "2099-01-01"}, "搬迁入住日期不能晚于今天。"),
        ({"moved_in": "2019-13-01"}, "搬迁入住日期：输入一个有效的日期。"),
        ({"moved_in": ""}, "搬迁入住日期：该字段是必填项。"),
        ({"household": ""}, "家庭：请在登记中搜索并选择这一户。"),
        ({"site": "999999"}, "安置点：选择一个有效的选项"),
    ],
    ids=["future", "bad-date", "no-date", "no-household", "unknown-site"],
)
def test_bad_input_names_the_field_and_writes_nothing(
    site, household, cadre_yanhe, data, field_error
):
    before = relocation_state()
    post = {"household": household.pk, "site": site.pk, "moved_in": "2019-06-01", **data}

    response = client_for(cadre_yanhe).post(FORM, post)

    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert relocation_state() == before


def test_a_household_already_relocated_is_refused_on_its_field(site, cadre_yanhe):
    moved = relocated_household(site)
    before = relocation_state()

    response = client_for(cadre_yanhe).post(
        FORM, {"household": moved.pk, "site": site.pk, "moved_in": "2020-01-01"}
    )

    assert response.status_code == 409  # the refusal keeps its status
    assert '<small class="field-error" role="alert">家庭：该户已登记为易地搬迁户。</small>' in (
        response.content.decode()
    )
    assert relocation_state() == before


# The hukou transfer.


def test_the_hukou_transfer_asks_for_confirmation_first(site, cadre_yanhe):
    home = relocated_household(site)
    relocation = Relocation.objects.get(household=home)
    url = f"/relocation/relocations/{relocation.pk}/transfer-hukou/"
    client = client_for(cadre_yanhe)

    page = client.get(url).content.decode()

    assert 'id="hukou-confirm"' in page
    assert home.household_no in page
    assert Relocation.objects.get(pk=relocation.pk).hukou_transferred is False

    response = client.post(url)

    assert response.status_code == 302
    assert Relocation.objects.get(pk=relocation.pk).hukou_transferred is True
    assert AuditEvent.objects.get(action="relocation.hukou_transferred").actor == cadre_yanhe


def test_the_hukou_transfer_follows_the_permission_matrix(
    site, cadre_yanhe, cadre_bijiang, city_supervisor
):
    relocation = Relocation.objects.get(household=relocated_household(site))

    check_permission_matrix(
        f"/relocation/relocations/{relocation.pk}/transfer-hukou/",
        api=False,
        method="post",
        data={},
        own=cadre_yanhe,
        other_jurisdiction=cadre_bijiang,
        wrong_role=city_supervisor,
        own_status=302,
        state=relocation_state,
    )

    assert Relocation.objects.get(pk=relocation.pk).hukou_transferred is True


def test_the_receiving_county_transfers_the_hukou_of_a_household_from_elsewhere(
    county_supervisor_bijiang,
):
    bijiang_site = SiteFactory(region_id=BIJIANG_TOWNSHIP)
    relocation = Relocation.objects.get(household=relocated_household(bijiang_site))

    response = client_for(county_supervisor_bijiang).post(
        f"/relocation/relocations/{relocation.pk}/transfer-hukou/"
    )

    assert response["Location"] == f"/relocation/sites/{bijiang_site.pk}/households/"
    assert Relocation.objects.get(pk=relocation.pk).hukou_transferred is True


def test_the_receiving_county_sees_households_from_elsewhere_without_a_dead_link(
    county_supervisor_bijiang, county_supervisor
):
    bijiang_site = SiteFactory(region_id=BIJIANG_TOWNSHIP)
    household = relocated_household(bijiang_site)  # a household of 沿河 moved to 碧江
    url = f"/relocation/sites/{bijiang_site.pk}/households/"
    link = f'href="/households/{household.pk}/"'

    receiving = client_for(county_supervisor_bijiang).get(url).content.decode()
    register_page = client_for(county_supervisor_bijiang).get(f"/households/{household.pk}/")
    origin = client_for(county_supervisor).get(f"/households/{household.pk}/")

    assert household.household_no in receiving
    assert link not in receiving
    assert register_page.status_code == 404
    assert origin.status_code == 200


def test_a_second_hukou_transfer_is_refused_with_a_message(site, cadre_yanhe):
    relocation = Relocation.objects.get(household=relocated_household(site, hukou_transferred=True))
    before = relocation_state()

    response = client_for(cadre_yanhe).post(
        f"/relocation/relocations/{relocation.pk}/transfer-hukou/", follow=True
    )

    assert "该户已完成迁户办证。" in response.content.decode()
    assert relocation_state() == before


# Records of a site's systems.

RECORDS = {
    "facilities": (Facility, {"kind": "school", "name": "安置点小学", "status": "built"}),
    "culture-activities": (
        CultureActivity,
        {"kind": "performance", "held_on": "2020-10-01", "sessions": "1", "attendance": "80"},
    ),
    "governance-units": (
        GovernanceUnit,
        {"kind": "police_room", "name": "警务室", "status": "established", "officers": "3"},
    ),
    "party-organisations": (PartyOrganisation, {"kind": "branch", "name": "", "members": "7"}),
}


def records_state() -> list[Any]:
    return [
        [list(model.objects.values()) for model, _ in RECORDS.values()],
        AuditEvent.objects.filter(category="data").count(),
    ]


@pytest.mark.parametrize("record", list(RECORDS))
def test_a_site_record_follows_the_permission_matrix(
    site, township_reviewer, county_supervisor_bijiang, city_supervisor, record
):
    model, data = RECORDS[record]

    response = check_permission_matrix(
        f"/relocation/sites/{site.pk}/{record}/new/",
        api=False,
        method="post",
        data=data,
        own=township_reviewer,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=city_supervisor,
        own_status=302,
        state=records_state,
    )

    saved = model.objects.get()
    assert saved.site == site
    assert response["Location"].startswith(f"/relocation/sites/{site.pk}/#")
    assert AuditEvent.objects.get(action=f"relocation_{model._meta.model_name}.recorded")


@pytest.mark.parametrize(
    ("record", "data", "field_error"),
    [
        ("governance-units", {"kind": "street", "officers": "2"}, "只有警务室配备警务人员。"),
        ("culture-activities", {"held_on": "2099-01-01"}, "活动日期不能晚于今天。"),
        ("culture-activities", {"sessions": "0"}, "场次至少为 1。"),
        (
            "facilities",
            {"kind": "castle"},
            "类别 应为 学校、医疗机构、社区综合服务中心、其他设施 之一。",
        ),
        ("party-organisations", {"members": "-1"}, "选举成员数：确保该值大于或等于0。"),
    ],
    ids=["officers", "future", "sessions", "kind", "members"],
)
def test_bad_site_records_name_the_field_and_write_nothing(
    site, township_reviewer, record, data, field_error
):
    before = records_state()

    response = client_for(township_reviewer).post(
        f"/relocation/sites/{site.pk}/{record}/new/", {**RECORDS[record][1], **data}
    )

    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert records_state() == before


def test_the_site_page_offers_the_forms_to_the_roles_that_may_use_them(
    site, township_reviewer, city_supervisor
):
    reviewer = client_for(township_reviewer).get(f"/relocation/sites/{site.pk}/").content.decode()
    city = client_for(city_supervisor).get(f"/relocation/sites/{site.pk}/").content.decode()

    for url in (
        f"/relocation/sites/{site.pk}/facilities/new/",
        f"/relocation/sites/{site.pk}/culture-activities/new/",
        f"/relocation/sites/{site.pk}/governance-units/new/",
        f"/relocation/sites/{site.pk}/party-organisations/new/",
        f"/relocation/relocations/new/?site={site.pk}",
    ):
        assert url in reviewer
        assert url not in city


# Facilities and their status.


def test_the_facility_list_follows_the_matrix_and_takes_constant_queries(
    site, township_reviewer, county_supervisor_bijiang, api_client_user
):
    url = f"/relocation/sites/{site.pk}/facilities/"
    counts = []
    for n in (1, 6):
        for _ in range(n):
            Facility.objects.create(site=site, kind="clinic", status="planned")
        with CaptureQueriesContext(connection) as queries:
            response = check_permission_matrix(
                url,
                api=False,
                own=township_reviewer,
                other_jurisdiction=county_supervisor_bijiang,
                wrong_role=api_client_user,
            )
        counts.append(len(queries))

    assert response.content.decode().count('class="status-form"') == 7
    assert counts[0] == counts[1]


def test_a_facility_status_change_follows_the_permission_matrix(
    site, township_reviewer, county_supervisor_bijiang, city_supervisor
):
    facility = Facility.objects.create(site=site, kind="clinic", status="planned")

    check_permission_matrix(
        f"/relocation/facilities/{facility.pk}/status/",
        api=False,
        method="post",
        data={"status": "in_use"},
        own=township_reviewer,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=city_supervisor,
        own_status=302,
        state=lambda: [
            list(Facility.objects.values_list("status")),
            AuditEvent.objects.filter(category="data").count(),
        ],
    )

    assert Facility.objects.get(pk=facility.pk).status == "in_use"


def test_an_unknown_facility_status_names_the_field(site, township_reviewer):
    facility = Facility.objects.create(site=site, kind="clinic", status="planned")

    response = client_for(township_reviewer).post(
        f"/relocation/facilities/{facility.pk}/status/", {"status": "demolished"}
    )

    assert "状态：选择一个有效的选项" in response.content.decode()
    assert Facility.objects.get(pk=facility.pk).status == "planned"


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("cadre_yanhe", 200),
        ("work_team_yanhe", 200),
        ("township_reviewer", 200),
        ("county_supervisor", 200),
        ("city_supervisor", 403),
        ("api_client_user", 403),
        ("unassigned_user", 403),
    ],
)
def test_who_may_open_the_relocation_form(request, user, status):
    response = client_for(request.getfixturevalue(user)).get(FORM)

    assert response.status_code == status

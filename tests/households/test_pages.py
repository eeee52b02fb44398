import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from households.models import Household, Member
from tests.households.factories import (
    BIJIANG_VILLAGE,
    MemberFactory,
    household_with_head,
    make_id,
)
from tests.permissions import check_permission_matrix

pytestmark = pytest.mark.django_db


def state():
    return (
        list(Household.objects.values_list("pk", "version", "phone").order_by("pk")),
        Member.objects.count(),
    )


@pytest.fixture
def household(db):
    household = household_with_head()
    MemberFactory(household=household, name="田小明", relation="03")
    return household


@pytest.mark.parametrize(
    "suffix", ["", "edit/", "members/new/", "incomes/record/", "measures/new/", "change-head/"]
)
def test_capture_pages_permission_matrix(
    household, cadre_yanhe, cadre_bijiang, city_supervisor, suffix
):
    check_permission_matrix(
        f"/households/{household.pk}/{suffix}",
        api=False,
        own=cadre_yanhe,
        other_jurisdiction=cadre_bijiang,
        wrong_role=city_supervisor if suffix else None,
    )


def test_list_page_permission_matrix_and_scope(household, county_supervisor):
    other = household_with_head(region_id=BIJIANG_VILLAGE, household_no="5206021002000001")

    html = check_permission_matrix(
        "/households/", api=False, own=county_supervisor
    ).content.decode()

    assert household.household_no in html
    assert other.household_no not in html


def test_status_page_permission_matrix(
    household, county_supervisor, county_supervisor_bijiang, cadre_yanhe
):
    check_permission_matrix(
        f"/households/{household.pk}/status/",
        api=False,
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=cadre_yanhe,
    )


def test_posting_as_the_wrong_role_changes_nothing(
    household, city_supervisor, cadre_bijiang, cadre_yanhe
):
    check_permission_matrix(
        f"/households/{household.pk}/edit/",
        api=False,
        method="post",
        data={
            "version": 1,
            "region": household.region_id,
            "identification_year": 2014,
            "main_cause": "illness",
            "poverty_attribute": "general",
            "identification_standard": "national",
            "phone": "13800000000",
        },
        own=cadre_yanhe,
        wrong_role=city_supervisor,
        other_jurisdiction=cadre_bijiang,
        state=state,
        own_status=302,
    )

    assert Household.objects.get(pk=household.pk).phone == "13800000000"


def test_detail_shows_members_income_measures_and_history(client, household, cadre_yanhe):
    client.force_login(cadre_yanhe)
    client.post(
        f"/households/{household.pk}/incomes/record/",
        {"version": 1, "year": 2019, "wage": "7000", "member_count": "2"},
    )

    html = client.get(f"/households/{household.pk}/").content.decode()

    assert "田小明" in html
    assert "3,500.00" in html and "3,747.00" in html and "人均纯收入（元）" in html
    assert "记录了2019年的收入" in html
    assert household.members.get(name="田小明").id_number in html


def test_detail_masks_ids_for_the_city_supervisor(client, household, city_supervisor):
    client.force_login(city_supervisor)
    full = household.members.get(name="田小明").id_number

    html = client.get(f"/households/{household.pk}/").content.decode()

    assert full not in html
    assert f"{full[:6]}********{full[-4:]}" in html
    assert AuditEvent.objects.filter(action="personal_data.displayed").exists() is False


def test_register_a_household_with_its_head(client, cadre_yanhe):
    client.force_login(cadre_yanhe)

    response = client.post(
        "/households/new/",
        {
            "household_no": "5206271002000555",
            "region": "520627100200",
            "poverty_attribute": "general",
            "identification_standard": "national",
            "identification_year": "2014",
            "main_cause": "illness",
            "other_causes": ["land"],
            "housing_grade": "B",
            "water_safe": "on",
            "head-name": "田国华",
            "head-id_number": make_id(sequence=55),
            "head-ethnicity": "15",
            "head-education": "junior",
            "head-health": "healthy",
            "head-labour_ability": "ordinary",
            "head-work_months": "0",
            "head-basic_medical_insurance": "on",
        },
    )

    household = Household.objects.get(household_no="5206271002000555")
    assert response.status_code == 302
    assert response["Location"] == f"/households/{household.pk}/"
    assert household.members.get().name == "田国华"
    assert household.other_causes == ["land"]


def test_a_bad_head_id_is_shown_on_the_head_field(client, cadre_yanhe):
    client.force_login(cadre_yanhe)

    response = client.post(
        "/households/new/",
        {
            "household_no": "5206271002000556",
            "region": "520627100200",
            "poverty_attribute": "general",
            "identification_standard": "national",
            "identification_year": "2014",
            "main_cause": "illness",
            "head-name": "田国华",
            "head-id_number": "522201199002301230",
            "head-ethnicity": "01",
            "head-education": "junior",
            "head-health": "healthy",
            "head-labour_ability": "ordinary",
            "head-work_months": "0",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "证件号码中的出生日期 19900230 不存在。" in html
    assert Household.objects.filter(household_no="5206271002000556").exists() is False


def test_a_stale_edit_shows_the_reload_message(client, household, cadre_yanhe):
    client.force_login(cadre_yanhe)
    form = {
        "region": household.region_id,
        "identification_year": 2014,
        "main_cause": "illness",
        "poverty_attribute": "general",
        "identification_standard": "national",
        "housing_grade": "B",
    }
    client.post(f"/households/{household.pk}/edit/", {**form, "version": 1, "phone": "13800000001"})

    response = client.post(
        f"/households/{household.pk}/edit/", {**form, "version": 1, "phone": "13800000002"}
    )

    assert response.status_code == 409  # shown as the conflict it is
    assert "该户信息已被他人修改，请刷新后重试。" in response.content.decode()
    assert Household.objects.get(pk=household.pk).phone == "13800000001"


def test_removing_a_member_asks_for_confirmation_first(client, household, cadre_yanhe):
    client.force_login(cadre_yanhe)
    member = household.members.get(name="田小明")

    confirm = client.get(f"/households/{household.pk}/members/{member.pk}/remove/")
    assert "确定将田小明从" in confirm.content.decode()
    assert Member.objects.filter(pk=member.pk).exists() is True

    client.post(f"/households/{household.pk}/members/{member.pk}/remove/", {"version": 1})
    assert Member.objects.filter(pk=member.pk).exists() is False


def test_search_by_member_name(client, household, city_supervisor):
    household_with_head(household_no="5206271002000888")
    client.force_login(city_supervisor)

    html = client.get("/households/", {"q": "田小明"}).content.decode()

    assert household.household_no in html
    assert "5206271002000888" not in html


def test_the_list_page_runs_in_a_constant_number_of_queries(client, city_supervisor):
    for n in range(30):
        household_with_head(household_no=f"52062710020{n:05d}")
    client.force_login(city_supervisor)
    client.get("/households/")

    with CaptureQueriesContext(connection) as short_page:
        client.get("/households/", {"q": "户主", "page": 2})  # 5 rows
    with CaptureQueriesContext(connection) as full_page:
        client.get("/households/", {"q": "户主"})  # 25 rows

    assert len(full_page) == len(short_page)

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from households.models import AnnualIncome, AssistanceMeasure, Household, Member
from tests.households.factories import (
    BIJIANG_VILLAGE,
    MemberFactory,
    household_with_head,
    income,
    make_id,
)
from tests.permissions import check_permission_matrix

pytestmark = pytest.mark.django_db

LIST = "/api/v1/households/"


def snapshot():
    return (
        list(Household.objects.values_list("pk", "version", "phone", "status").order_by("pk")),
        Member.objects.count(),
        AnnualIncome.objects.count(),
        AssistanceMeasure.objects.count(),
    )


@pytest.fixture
def yanhe_household(db):
    household = household_with_head()
    MemberFactory(household=household, name="田小明", relation="03")
    return household


@pytest.mark.parametrize("suffix", ["", "members/", "incomes/", "measures/", "history/"])
def test_read_endpoints_permission_matrix(yanhe_household, cadre_yanhe, cadre_bijiang, suffix):
    check_permission_matrix(
        f"{LIST}{yanhe_household.pk}/{suffix}", own=cadre_yanhe, other_jurisdiction=cadre_bijiang
    )


def test_list_permission_matrix_and_scope(yanhe_household, county_supervisor):
    household_with_head(region_id=BIJIANG_VILLAGE, household_no="5206021002000001")

    response = check_permission_matrix(LIST, own=county_supervisor)

    assert [row["household_no"] for row in response.json()["results"]] == [
        yanhe_household.household_no
    ]
    assert response.json()["results"][0]["member_count"] == 2
    assert response.json()["results"][0]["head_name"] == f"户主{yanhe_household.pk}"


def test_poverty_lines_are_listed(api, city_supervisor):
    check_permission_matrix("/api/v1/poverty-lines/", own=city_supervisor)
    api.force_authenticate(city_supervisor)

    lines = {
        (row["kind"], row["year"]): row["amount"]
        for row in api.get("/api/v1/poverty-lines/").json()
    }

    assert lines[("national", 2014)] == "2800.00"
    assert lines[("national", 2020)] == "4000.00"
    assert ("monitoring", 2020) in lines


@pytest.mark.parametrize(
    ("method", "suffix", "data"),
    [
        ("patch", "", {"version": 1, "phone": "13900000000"}),
        (
            "post",
            "members/",
            {
                "version": 1,
                "name": "新成员",
                "id_number": make_id(sequence=77),
                "relation": "03",
                "education": "junior",
            },
        ),
        ("post", "incomes/", {"version": 1, "year": 2019, "wage": "9000"}),
        ("post", "measures/", {"kind": "industry", "year": 2019, "description": "养鸡"}),
    ],
    ids=["edit", "add-member", "record-income", "add-measure"],
)
def test_write_endpoints_permission_matrix(
    yanhe_household, cadre_yanhe, cadre_bijiang, city_supervisor, method, suffix, data
):
    response = check_permission_matrix(
        f"{LIST}{yanhe_household.pk}/{suffix}",
        method=method,
        data=data,
        own=cadre_yanhe,
        other_jurisdiction=cadre_bijiang,
        wrong_role=city_supervisor,
        state=snapshot,
        own_status=200 if method == "patch" else 201,
    )

    assert AuditEvent.objects.filter(subject_id=str(yanhe_household.pk)).count() == 1
    assert response.json()["id"]


def test_create_permission_matrix(cadre_yanhe, api_client_user):
    data = {
        "household_no": "5206271002009999",
        "region": "520627100200",
        "identification_year": 2014,
        "main_cause": "illness",
        "head": {"name": "田国华", "id_number": make_id(sequence=88), "education": "junior"},
    }

    response = check_permission_matrix(
        LIST,
        method="post",
        data=data,
        own=cadre_yanhe,
        wrong_role=api_client_user,
        state=snapshot,
        own_status=201,
    )

    assert response.json()["head_name"] == "田国华"
    assert response.json()["member_count"] == 1
    assert response.json()["version"] == 1


def test_create_in_another_county_is_refused_naming_the_field(api, cadre_bijiang):
    api.force_authenticate(cadre_bijiang)

    response = api.post(
        LIST,
        {
            "household_no": "5206271002009999",
            "region": "520627100200",
            "identification_year": 2014,
            "main_cause": "illness",
            "head": {"name": "x", "id_number": make_id(sequence=89), "education": "junior"},
        },
        format="json",
    )

    # the same answer as for a village that does not exist (decision 0020)
    assert response.status_code == 404
    assert response.json()["errors"] == {"region": ["您的管辖范围内没有这条记录。"]}
    assert Household.objects.exists() is False


def test_status_change_is_for_county_supervisors(
    yanhe_household, county_supervisor, county_supervisor_bijiang, cadre_yanhe
):
    check_permission_matrix(
        f"{LIST}{yanhe_household.pk}/status/",
        method="post",
        data={"version": 1, "status": "removed", "reason": "识别时收入超标"},
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=cadre_yanhe,
        state=snapshot,
    )

    assert Household.objects.get(pk=yanhe_household.pk).status == "removed"


def test_a_stale_edit_answers_409(api, yanhe_household, cadre_yanhe):
    api.force_authenticate(cadre_yanhe)
    api.patch(f"{LIST}{yanhe_household.pk}/", {"version": 1, "phone": "13800000001"}, format="json")

    response = api.patch(
        f"{LIST}{yanhe_household.pk}/", {"version": 1, "phone": "13800000002"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert response.json()["message"] == "该户信息已被他人修改，请刷新后重试。"


def test_a_bad_id_answers_400_in_chinese_naming_the_field(api, yanhe_household, cadre_yanhe):
    api.force_authenticate(cadre_yanhe)

    response = api.post(
        f"{LIST}{yanhe_household.pk}/members/",
        {
            "version": 1,
            "name": "x",
            "id_number": "522201199002301230",
            "relation": "03",
            "education": "junior",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"id_number": ["证件号码中的出生日期 19900230 不存在。"]}


@pytest.mark.parametrize(
    ("cast", "masked"),
    [
        ("cadre_yanhe", False),
        ("county_supervisor", False),
        ("city_supervisor", True),
        ("api_client_user", True),
    ],
)
def test_id_numbers_are_masked_for_roles_that_do_not_need_them(
    request, api, yanhe_household, cast, masked
):
    user = request.getfixturevalue(cast)
    api.force_authenticate(user)
    full = yanhe_household.members.order_by("relation").first().id_number

    shown = api.get(f"{LIST}{yanhe_household.pk}/members/").json()["results"][0]["id_number"]

    assert shown == (f"{full[:6]}********{full[-4:]}" if masked else full)
    logged = AuditEvent.objects.filter(action="personal_data.displayed", actor=user)
    assert logged.exists() is (not masked)


def test_each_display_of_full_ids_is_logged(api, yanhe_household, cadre_yanhe):
    api.force_authenticate(cadre_yanhe)

    api.get(f"{LIST}{yanhe_household.pk}/members/")
    api.get(f"{LIST}{yanhe_household.pk}/members/")

    events = AuditEvent.objects.filter(action="personal_data.displayed")
    assert events.count() == 2
    assert events.first().changes["members"][1] == sorted(
        yanhe_household.members.values_list("pk", flat=True)
    )


def test_incomes_show_the_line_of_their_year(api, yanhe_household, cadre_yanhe):
    from decimal import Decimal

    income(yanhe_household, 2019, Decimal("3700"), 2)
    api.force_authenticate(cadre_yanhe)

    row = api.get(f"{LIST}{yanhe_household.pk}/incomes/").json()["results"][0]

    assert (row["per_capita_net_income"], row["line"]) == ("3700.00", "3747.00")


def test_list_filters_and_search(api, city_supervisor, yanhe_household):
    other = household_with_head(
        household_no="5206271002000777",
        status="exited",
        exit_year=2019,
        poverty_attribute="dibao",
        main_cause="labour",
    )
    api.force_authenticate(city_supervisor)
    id_number = yanhe_household.members.get(name="田小明").id_number

    def numbers(**params):
        return [r["household_no"] for r in api.get(LIST, params).json()["results"]]

    assert numbers(status="exited") == [other.household_no]
    assert numbers(poverty_attribute="dibao") == [other.household_no]
    assert numbers(cause="illness") == [yanhe_household.household_no]
    assert numbers(search="田小明") == [yanhe_household.household_no]
    assert numbers(search=id_number) == [yanhe_household.household_no]
    assert numbers(search="5206271002000777") == [other.household_no]
    assert numbers(region="520627100000") == sorted(
        [yanhe_household.household_no, other.household_no]
    )
    assert numbers(region="520602000000") == []
    bad = api.get(LIST, {"status": "gone"})
    assert bad.status_code == 400 and "status" in bad.json()["errors"]


def test_the_list_runs_in_a_constant_number_of_queries(api, city_supervisor):
    for n in range(30):
        household = household_with_head(household_no=f"52062710020{n:05d}")
        MemberFactory(household=household)
    api.force_authenticate(city_supervisor)
    api.get(LIST)

    with CaptureQueriesContext(connection) as small:
        assert len(api.get(LIST, {"page_size": 2}).json()["results"]) == 2
    with CaptureQueriesContext(connection) as large:
        assert len(api.get(LIST, {"page_size": 30}).json()["results"]) == 30

    assert len(large) == len(small)

"""Pages: permission matrix on every page, the 9+2 view, projects and the entry forms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from assistance.models import FundFlow, Institution, Pairing, Project, ReportedTotal, Training
from tests.assistance.conftest import add_flow, make_project
from tests.conftest import YANHE
from tests.permissions import check_permission_matrix

LIST_PAGES = [
    "/assistance/nine-plus-two/",
    "/assistance/pairings/",
    "/assistance/partners/",
    "/assistance/projects/",
    "/assistance/trainings/",
]


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", LIST_PAGES)
def test_list_pages_refuse_anonymous_and_cadres(
    url, tongren_assistance, county_supervisor, cadre_yanhe
):
    check_permission_matrix(url, api=False, own=county_supervisor, wrong_role=cadre_yanhe)


def test_nine_plus_two_view_lists_each_helper_with_its_agreement_and_projects(
    tongren_assistance, county_supervisor
):
    html = client_for(county_supervisor).get("/assistance/nine-plus-two/").content.decode()
    assert html.count('class="helper"') == 11
    assert "玉屏侗族自治县支持沿河土家族自治县脱贫攻坚产业发展协议" in html
    assert "食用菌（黑木耳）示范基地" in html
    assert "80,000,000.00" in html
    assert "0.8亿元" in html


def test_nine_plus_two_view_of_another_county_shows_no_yanhe_helper(
    tongren_assistance, county_supervisor_bijiang
):
    html = client_for(county_supervisor_bijiang).get("/assistance/nine-plus-two/").content.decode()
    assert 'class="helper"' not in html
    assert "食用菌" not in html


def test_pairings_filter_by_scheme_and_level(tongren_assistance, city_supervisor):
    response = client_for(city_supervisor).get(
        "/assistance/pairings/", {"scheme": "east_west", "level": "school_school"}
    )
    assert [p.pk for p in response.context["page"]] == [
        Pairing.objects.get(level="school_school").pk
    ]


def test_partner_detail(tongren_assistance, county_supervisor, cadre_yanhe):
    partner = Pairing.objects.get(level="county_county", partner__name="思南县").partner
    response = check_permission_matrix(
        f"/assistance/partners/{partner.pk}/",
        api=False,
        own=county_supervisor,
        wrong_role=cadre_yanhe,
    )
    assert "“双高”红薯种植技术指导" in response.content.decode()


def test_project_detail_matrix(
    county_supervisor, county_supervisor_bijiang, cadre_yanhe, yanhe_project
):
    response = check_permission_matrix(
        f"/assistance/projects/{yanhe_project.pk}/",
        api=False,
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=cadre_yanhe,
    )
    html = response.content.decode()
    assert "1,000,000.00" in html and "100万元" in html


def flows():
    return list(FundFlow.objects.values_list("kind", "amount"))


def test_fund_flow_form_matrix(
    county_supervisor, county_supervisor_bijiang, township_reviewer, yanhe_project
):
    response = check_permission_matrix(
        f"/assistance/projects/{yanhe_project.pk}/fund-flows/new/",
        api=False,
        method="post",
        data={"kind": "disbursed", "amount": "250000", "date": "2020-06-01"},
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=township_reviewer,
        own_status=302,
        state=flows,
    )
    assert response["Location"] == f"/assistance/projects/{yanhe_project.pk}/"
    assert FundFlow.objects.get(kind="disbursed").amount == Decimal("250000.00")


def test_fund_flow_form_shows_the_over_disbursement_message(county_supervisor, yanhe_project):
    response = client_for(county_supervisor).post(
        f"/assistance/projects/{yanhe_project.pk}/fund-flows/new/",
        {"kind": "disbursed", "amount": "1000000.01", "date": "2020-06-01"},
    )
    assert response.status_code == 200
    (error,) = response.context["form"].errors["amount"]
    assert "超过" in error and "1,000,000.00" in error
    assert FundFlow.objects.filter(kind="disbursed").exists() is False


def test_fund_flow_form_names_a_bad_field(county_supervisor, yanhe_project):
    response = client_for(county_supervisor).post(
        f"/assistance/projects/{yanhe_project.pk}/fund-flows/new/",
        {"kind": "disbursed", "amount": "abc", "date": ""},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"amount", "date"}


def test_project_advance_matrix(
    county_supervisor, county_supervisor_bijiang, township_reviewer, yanhe_project
):
    check_permission_matrix(
        f"/assistance/projects/{yanhe_project.pk}/advance/",
        api=False,
        method="post",
        data={"on": "2020-03-01", "state": "planned"},
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=township_reviewer,
        own_status=302,
        state=lambda: list(Project.objects.values_list("state", "filed_on")),
    )
    assert Project.objects.get(pk=yanhe_project.pk).state == "filed"


TRAINING = {
    "scheme": "east_west",
    "region": YANHE,
    "title": "苏州–沿河电工培训班",
    "start_on": "2020-04-01",
    "sessions": "2",
    "participants": "60",
}


def test_training_form_matrix(county_supervisor, township_reviewer):
    check_permission_matrix(
        "/assistance/trainings/new/",
        api=False,
        method="post",
        data=TRAINING,
        own=county_supervisor,
        wrong_role=township_reviewer,
        own_status=302,
        state=lambda: list(Training.objects.values_list("title")),
    )
    training = Training.objects.get()
    assert (training.sessions, training.participants, training.region_id) == (2, 60, YANHE)


def test_training_for_a_region_outside_the_jurisdiction_is_refused(county_supervisor_bijiang):
    response = client_for(county_supervisor_bijiang).post("/assistance/trainings/new/", TRAINING)
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert Training.objects.exists() is False


def test_project_list_query_count_does_not_grow(county_supervisor, django_assert_max_num_queries):
    client = client_for(county_supervisor)
    for n in range(3):
        add_flow(make_project(name=f"项目{n}"), "allocated", "10")
    client.get("/assistance/projects/")
    with django_assert_max_num_queries(12) as few:
        client.get("/assistance/projects/")
    for n in range(20):
        add_flow(make_project(name=f"更多项目{n}"), "allocated", "10")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/assistance/projects/")
    assert response.context["page"].paginator.count == 23


def test_project_money_columns_carry_their_unit(county_supervisor):
    add_flow(make_project(name="茶叶基地"), "allocated", "1500000")

    html = client_for(county_supervisor).get("/assistance/projects/").content.decode()

    assert "下达（元）" in html and "拨付（元）" in html and "报账（元）" in html
    assert '<td class="num">1,500,000.00</td>' in html


def test_nine_plus_two_view_query_count_does_not_grow(
    tongren_assistance, county_supervisor, django_assert_max_num_queries
):
    client = client_for(county_supervisor)
    client.get("/assistance/nine-plus-two/")
    with django_assert_max_num_queries(30) as few:
        client.get("/assistance/nine-plus-two/")
    helper = Pairing.objects.get(level="county_county", partner__name="德江县").partner
    for n in range(10):
        add_flow(
            make_project(name=f"德江帮扶项目{n}", scheme="nine_plus_two", partner=helper),
            "allocated",
            "10",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/assistance/nine-plus-two/").content.decode()
    assert html.count("德江帮扶项目") == 10


# --- pairings without Institution rows -----------------------------------------------------------

NO_INSTITUTIONS = "尚未逐一录入学校和医院"


def test_school_pairings_say_no_institution_is_recorded(tongren_assistance, city_supervisor):
    html = (
        client_for(city_supervisor)
        .get("/assistance/pairings/", {"level": "school_school"})
        .content.decode()
    )
    assert NO_INSTITUTIONS in html
    assert 'id="pairings"' in html and "450" in html and "558" in html


def test_a_county_sees_an_empty_state_instead_of_an_empty_table(
    tongren_assistance, county_supervisor
):
    html = (
        client_for(county_supervisor)
        .get("/assistance/pairings/", {"level": "hospital_hospital"})
        .content.decode()
    )
    assert 'id="no-pairings"' in html and "本辖区没有符合筛选条件的结对。" in html
    assert NO_INSTITUTIONS in html
    assert "<table" not in html


def test_no_pairings_at_all(county_supervisor):
    html = client_for(county_supervisor).get("/assistance/pairings/").content.decode()
    assert "本辖区尚无结对记录。" in html and "<table" not in html


def test_other_levels_and_recorded_institutions_need_no_notice(tongren_assistance, city_supervisor):
    client = client_for(city_supervisor)
    html = client.get("/assistance/pairings/", {"level": "county_county"}).content.decode()
    assert NO_INSTITUTIONS not in html
    Institution.objects.create(name="沿河民族中学", kind="school", region_id=YANHE)
    html = client.get("/assistance/pairings/", {"level": "school_school"}).content.decode()
    assert NO_INSTITUTIONS not in html


def test_partner_page_of_school_pairings_says_no_institution_is_recorded(
    tongren_assistance, city_supervisor
):
    partner = Pairing.objects.get(level="school_school").partner
    html = client_for(city_supervisor).get(f"/assistance/partners/{partner.pk}/").content.decode()
    assert NO_INSTITUTIONS in html


# --- published aggregates --------------------------------------------------------------------


def test_nine_plus_two_totals_from_published_figures_say_so_with_the_itemised_sum_beside(
    tongren_assistance, county_supervisor
):
    response = client_for(county_supervisor).get("/assistance/nine-plus-two/")
    figures = response.context["figures"]
    listed = Project.objects.filter(scheme="nine_plus_two").count()
    assert (figures["projects"].total, figures["projects"].itemised) == (38, listed)
    assert figures["projects"].published == 38 - listed
    assert (figures["funds"].total, figures["funds"].published) == (
        Decimal("80000000.00"),
        Decimal("80000000.00"),
    )
    assert figures["funds"].itemised == Decimal("0.00")
    html = response.content.decode()
    assert 'id="published-note"' in html
    assert '<dd id="figure-funds" class="published-aggregate">' in html
    assert '<dd id="figure-projects" class="published-aggregate">' in html
    assert f"公布汇总数 {38 - listed}；逐项记录合计 {listed}" in html


def test_nine_plus_two_totals_without_published_figures_carry_no_note(
    tongren_assistance, county_supervisor
):
    ReportedTotal.objects.filter(scheme="nine_plus_two").delete()
    response = client_for(county_supervisor).get("/assistance/nine-plus-two/")
    html = response.content.decode()
    listed = Project.objects.filter(scheme="nine_plus_two").count()
    assert response.context["figures"]["projects"].total == listed
    assert response.context["figures"]["projects"].published == 0
    assert 'id="published-note"' not in html
    assert "published-aggregate" not in html

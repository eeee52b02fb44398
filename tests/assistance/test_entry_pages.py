"""Page entry of projects and job placements (with the member picker) and the confirmed step of
a project to its next state."""

from __future__ import annotations

import pytest
from django.test import Client

from assistance.models import JobPlacement, Project
from audit.models import AuditEvent, Category
from households.models import Member
from tests.assistance.conftest import make_project
from tests.conftest import YANHE, YANHE_TOWNSHIP
from tests.households.factories import MemberFactory
from tests.permissions import check_permission_matrix


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


# --- projects ----------------------------------------------------------------------------------

PROJECT = {
    "name": "沿河茶叶加工厂",
    "scheme": "east_west",
    "target_region": YANHE_TOWNSHIP,
    "category": "industry",
    "year": "2020",
    "planned_amount": "2500000",
    "people_covered": "320",
    "planned_completion": "2020-12-31",
}


def projects():
    return list(Project.objects.values_list("name", "target_region_id"))


def test_new_project_form_matrix(county_supervisor, township_reviewer, cadre_yanhe):
    check_permission_matrix(
        "/assistance/projects/new/", api=False, own=county_supervisor, wrong_role=cadre_yanhe
    )
    response = check_permission_matrix(
        "/assistance/projects/new/",
        api=False,
        method="post",
        data=PROJECT,
        own=county_supervisor,
        wrong_role=township_reviewer,
        own_status=302,
        state=projects,
    )
    project = Project.objects.get()
    assert response["Location"] == f"/assistance/projects/{project.pk}/"
    assert (project.state, project.target_region_id, str(project.planned_amount)) == (
        "planned",
        YANHE_TOWNSHIP,
        "2500000.00",
    )
    event = AuditEvent.objects.get(action="assistance_project.created")
    assert event.actor == county_supervisor and event.region_code == YANHE_TOWNSHIP


def test_new_project_outside_the_jurisdiction_is_a_field_error(county_supervisor_bijiang):
    response = client_for(county_supervisor_bijiang).post("/assistance/projects/new/", PROJECT)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["target_region"]
    # The field's label sits next to its message on the page.
    html = response.content.decode()
    assert "实施地区" in html and "选择一个有效的选项" in errors["target_region"][0]
    assert Project.objects.exists() is False


def test_new_project_bad_fields_are_named_and_nothing_is_written(county_supervisor):
    response = client_for(county_supervisor).post(
        "/assistance/projects/new/",
        {**PROJECT, "name": "", "year": "1999", "planned_amount": "-5", "scheme": "moon"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "year", "planned_amount", "scheme"}
    assert Project.objects.exists() is False


def test_new_project_with_another_schemes_agreement_is_refused(
    tongren_assistance, county_supervisor
):
    from assistance.models import Agreement

    agreement = Agreement.objects.filter(region_id=YANHE, scheme="nine_plus_two").first()
    assert agreement is not None
    response = client_for(county_supervisor).post(
        "/assistance/projects/new/", {**PROJECT, "agreement": agreement.pk}
    )
    assert response.status_code == 200
    assert "agreement" in response.context["form"].errors
    assert Project.objects.filter(name=PROJECT["name"]).exists() is False


def test_agreements_and_regions_offered_are_the_jurisdictions(
    tongren_assistance, county_supervisor_bijiang
):
    form = client_for(county_supervisor_bijiang).get("/assistance/projects/new/").context["form"]
    regions = list(form.fields["target_region"].queryset.values_list("code", flat=True))
    assert regions and all(code.startswith("520602") for code in regions)
    assert list(form.fields["agreement"].queryset) == []


# --- the confirmed step to the next state ------------------------------------------------------


def test_advance_asks_for_confirmation_first(county_supervisor, yanhe_project):
    response = client_for(county_supervisor).get(
        f"/assistance/projects/{yanhe_project.pk}/advance/", {"on": "2020-03-01"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "从“立项”进入“已备案”" in html
    assert 'value="2020-03-01"' in html and 'name="state" value="planned"' in html
    assert Project.objects.get().state == "planned"  # nothing changes before confirming


def test_advance_confirmation_page_matrix(
    county_supervisor, county_supervisor_bijiang, township_reviewer, yanhe_project
):
    check_permission_matrix(
        f"/assistance/projects/{yanhe_project.pk}/advance/",
        api=False,
        own=county_supervisor,
        other_jurisdiction=county_supervisor_bijiang,
        wrong_role=township_reviewer,
    )


@pytest.mark.parametrize(
    ("state", "next_state", "date_field"),
    [
        ("planned", "filed", "filed_on"),
        ("filed", "started", "started_on"),
        ("started", "completed", "completed_on"),
        ("completed", "accepted", "accepted_on"),
    ],
)
def test_each_confirmed_step(county_supervisor, state, next_state, date_field):
    project = make_project(state=state)
    response = client_for(county_supervisor).post(
        f"/assistance/projects/{project.pk}/advance/", {"on": "2020-06-01", "state": state}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.state == next_state
    assert str(getattr(project, date_field)) == "2020-06-01"


def test_a_resubmitted_confirmation_does_not_advance_twice(county_supervisor, yanhe_project):
    client = client_for(county_supervisor)
    url = f"/assistance/projects/{yanhe_project.pk}/advance/"
    client.post(url, {"on": "2020-03-01", "state": "planned"})
    response = client.post(url, {"on": "2020-03-02", "state": "planned"}, follow=True)
    assert "项目状态已被他人更新" in response.content.decode()
    project = Project.objects.get()
    assert (project.state, str(project.filed_on), project.started_on) == (
        "filed",
        "2020-03-01",
        None,
    )


def test_advance_without_the_confirmed_state_goes_back_to_the_confirmation(
    county_supervisor, yanhe_project
):
    url = f"/assistance/projects/{yanhe_project.pk}/advance/"
    response = client_for(county_supervisor).post(url, {"on": "2020-03-01", "state": "moon"})
    assert (response.status_code, response["Location"]) == (302, url)
    assert Project.objects.get().state == "planned"


def test_advance_with_a_future_date_names_the_date(county_supervisor, yanhe_project):
    response = client_for(county_supervisor).post(
        f"/assistance/projects/{yanhe_project.pk}/advance/",
        {"on": "2999-01-01", "state": "planned"},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["on"]
    assert Project.objects.get().state == "planned"


def test_accepted_project_offers_no_step(county_supervisor):
    project = make_project(state="accepted")
    client = client_for(county_supervisor)
    assert "advance/" not in client.get(f"/assistance/projects/{project.pk}/").content.decode()
    response = client.get(f"/assistance/projects/{project.pk}/advance/")
    assert response.status_code == 302
    assert Project.objects.get().state == "accepted"


# --- job placements ------------------------------------------------------------------------------


def placement_data(member):
    return {
        "member": member.pk,
        "employer": "苏州某电子厂",
        "place": "suzhou",
        "placed_on": "2020-03-15",
        "scheme": "east_west",
    }


def placements():
    return list(JobPlacement.objects.values_list("member_id", "employer"))


def test_job_placement_pages_matrix(county_supervisor, township_reviewer, cadre_yanhe):
    check_permission_matrix(
        "/assistance/job-placements/", api=False, own=county_supervisor, wrong_role=cadre_yanhe
    )
    check_permission_matrix(
        "/assistance/job-placements/new/",
        api=False,
        own=county_supervisor,
        wrong_role=township_reviewer,
    )


def test_record_a_job_placement_matrix(
    county_supervisor, county_supervisor_bijiang, township_reviewer
):
    member = MemberFactory(name="田小红")
    response = check_permission_matrix(
        "/assistance/job-placements/new/",
        api=False,
        method="post",
        data=placement_data(member),
        own=county_supervisor,
        wrong_role=township_reviewer,
        own_status=302,
        state=placements,
    )
    assert response["Location"] == "/assistance/job-placements/"
    placement = JobPlacement.objects.get()
    assert (placement.member, placement.place) == (member, "suzhou")
    assert AuditEvent.objects.filter(action="job_placement.recorded").count() == 1
    # Another county's supervisor cannot pick a Yanhe member: the member field says so.
    response = client_for(county_supervisor_bijiang).post(
        "/assistance/job-placements/new/",
        {**placement_data(member), "employer": "另一家工厂"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["member"] == ["辖区内没有这个成员。"]
    assert JobPlacement.objects.count() == 1


def test_placement_without_a_member_or_with_bad_fields_names_them(county_supervisor):
    response = client_for(county_supervisor).post(
        "/assistance/job-placements/new/",
        {"employer": "", "place": "mars", "placed_on": "2999-01-01", "scheme": "east_west"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"member", "employer", "place"}
    html = response.content.decode()
    assert "请先在台账中检索，并选择转移就业的成员。" in html
    assert JobPlacement.objects.exists() is False


def test_the_same_placement_twice_is_refused_with_a_message(county_supervisor):
    member = MemberFactory()
    client = client_for(county_supervisor)
    assert client.post("/assistance/job-placements/new/", placement_data(member)).status_code == 302
    response = client.post("/assistance/job-placements/new/", placement_data(member))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert JobPlacement.objects.count() == 1


def test_placement_in_the_future_is_refused_on_the_date(county_supervisor):
    member = MemberFactory()
    response = client_for(county_supervisor).post(
        "/assistance/job-placements/new/", {**placement_data(member), "placed_on": "2999-01-01"}
    )
    assert list(response.context["form"].errors) == ["placed_on"]
    assert JobPlacement.objects.exists() is False


def test_picker_searches_the_jurisdiction_by_name_and_id_number(county_supervisor):
    yanhe = MemberFactory(name="杨秀英")
    MemberFactory(name="杨秀英", household__region_id="520602100200")  # in 碧江
    MemberFactory(name="王秀英")
    client = client_for(county_supervisor)
    by_name = client.get("/assistance/job-placements/new/", {"q": "杨秀"}).context["candidates"]
    assert by_name == [yanhe]
    by_id = client.get("/assistance/job-placements/new/", {"q": yanhe.id_number.lower()})
    assert by_id.context["candidates"] == [yanhe]
    one_character = client.get("/assistance/job-placements/new/", {"q": "杨"})
    assert one_character.context["candidates"] == []
    assert "请输入姓名的至少两个字" in one_character.content.decode()


def test_picker_masks_ids_for_the_city_and_logs_full_ids_for_the_county(
    county_supervisor, city_supervisor
):
    member = Member.objects.get(pk=MemberFactory(name="龙春花").pk)
    masked = f"{member.id_number[:6]}********{member.id_number[-4:]}"
    html = (
        client_for(city_supervisor)
        .get("/assistance/job-placements/new/", {"q": "龙春"})
        .content.decode()
    )
    assert masked in html and member.id_number not in html
    assert AuditEvent.objects.filter(action="personal_data.displayed").exists() is False

    html = (
        client_for(county_supervisor)
        .get("/assistance/job-placements/new/", {"q": "龙春"})
        .content.decode()
    )
    assert member.id_number in html
    event = AuditEvent.objects.get(category=Category.SECURITY, action="personal_data.displayed")
    assert event.actor == county_supervisor and event.changes["members"] == [None, [member.pk]]


def test_picker_query_count_does_not_grow(county_supervisor, django_assert_max_num_queries):
    client = client_for(county_supervisor)
    for _ in range(2):
        MemberFactory(name="张家明")
    client.get("/assistance/job-placements/new/", {"q": "张家"})
    with django_assert_max_num_queries(12) as few:
        client.get("/assistance/job-placements/new/", {"q": "张家"})
    for _ in range(15):
        MemberFactory(name="张家明")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/assistance/job-placements/new/", {"q": "张家"})
    assert len(response.context["candidates"]) == 17


def test_placement_list_scoped_and_query_count_does_not_grow(
    county_supervisor, county_supervisor_bijiang, django_assert_max_num_queries
):
    def place(n, region="520627100200"):
        member = MemberFactory(household__region_id=region)
        JobPlacement.objects.create(
            member=member, employer=f"工厂{n}", place="suzhou", placed_on="2020-01-01"
        )

    for n in range(2):
        place(n)
    client = client_for(county_supervisor)
    client.get("/assistance/job-placements/")
    with django_assert_max_num_queries(12) as few:
        client.get("/assistance/job-placements/")
    for n in range(2, 20):
        place(n)
    place(99, region="520602100200")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/assistance/job-placements/")
    assert response.context["page"].paginator.count == 20
    assert "工厂99" not in response.content.decode()
    other = client_for(county_supervisor_bijiang).get("/assistance/job-placements/")
    assert [p.employer for p in other.context["page"]] == ["工厂99"]


def test_empty_placement_list_says_so(county_supervisor):
    html = client_for(county_supervisor).get("/assistance/job-placements/").content.decode()
    assert 'class="empty-state"' in html and "<table" not in html

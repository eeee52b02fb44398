"""我的任务: each list holds exactly its rows, within the jurisdiction, in constant queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from regions.models import Region
from tests.fieldsync.conflicts import work_status_conflict
from tests.regions.factories import assigned_user
from tests.workbench.helpers import (
    TODAY,
    application,
    case,
    exited,
    household,
    look_back,
    problem,
    visit,
)
from workbench import selectors

pytestmark = pytest.mark.django_db

BIJIANG_VILLAGE = "520602100200"
YANHE_VILLAGE = "520627100200"  # 太岭村, the township reviewer's township
YANHE_OTHER_TOWNSHIP = "520627001200"  # 杨田村, 和寨街道: Yanhe county, another township
WANSHAN_VILLAGE = "520603100200"  # 兴坪村, Wanshan district
GUIYANG_VILLAGE = "520102001001"  # outside Tongren (made by the test: the fixture is Tongren's)
DAY = datetime.timedelta(days=1)
REVIEW_KEYS = ("exits", "closure", "overdue", "past_deadline")


def lists_of(user):
    return {task.key: task for task in selectors.my_tasks(user=user, today=TODAY)}


def households_of(task):
    return [row.household.pk for row in task.rows]


@pytest.mark.sqlite
def test_the_cadre_sees_the_five_field_lists_with_exactly_their_rows(cadre_yanhe, work_team_yanhe):
    # given: in the cadre's village, and the same things in another county
    late_task, soon_task, done_task = exited(), exited(), exited()
    look_back(late_task, TODAY - 2 * DAY)
    look_back(soon_task, TODAY + 9 * DAY)
    look_back(done_task, TODAY, status="open").delete()
    look_back(exited(BIJIANG_VILLAGE), TODAY)
    mine_late = problem(household(), TODAY - 5 * DAY, responsible=cadre_yanhe)
    mine_soon = problem(household(), TODAY + 2 * DAY, responsible=cadre_yanhe, state="rectifying")
    problem(household(), TODAY - DAY, responsible=cadre_yanhe, state="rectified")
    problem(household(), TODAY - DAY, responsible=work_team_yanhe)
    agreed = application(household(), "verified", cadre_yanhe)
    to_publicize = application(household(), "household_agreed", cadre_yanhe)
    application(household(), "proposed", cadre_yanhe)  # the work team verifies
    application(household(), "publicized", cadre_yanhe)  # the township reviews
    old_case = case(exited(), TODAY - 20 * DAY)
    new_case = case(exited(), TODAY - 3 * DAY)
    case(exited(), TODAY - 3 * DAY, status="assisting")
    case(exited(BIJIANG_VILLAGE), TODAY - 3 * DAY)

    # when
    lists = lists_of(cadre_yanhe)

    # then
    assert list(lists) == ["look_back", "my_problems", "exits", "identify", "unvisited"]
    assert households_of(lists["look_back"]) == [late_task.pk, soon_task.pk]
    assert [row.late for row in lists["look_back"].rows] == [True, False]
    assert [row.url for row in lists["my_problems"].rows] == [
        f"/problems/{mine_late.pk}/",
        f"/problems/{mine_soon.pk}/",
    ]
    assert [row.late for row in lists["my_problems"].rows] == [True, False]
    assert households_of(lists["exits"]) == [agreed.household_id, to_publicize.household_id]
    assert households_of(lists["identify"]) == [old_case.household_id, new_case.household_id]
    assert [row.late for row in lists["identify"].rows] == [True, False]
    assert lists["identify"].rows[0].detail == "脱贫不稳定户 · 超期5天"
    assert lists["identify"].rows[1].detail == "脱贫不稳定户 · 剩余12天（共15天）"
    assert {key: task.count for key, task in lists.items()} == {
        "look_back": 2,
        "my_problems": 2,
        "exits": 2,
        "identify": 2,
        "unvisited": 14,  # every followed household of the village: none has a visit
    }
    assert len(lists["unvisited"].rows) == selectors.SHOWN


def test_the_work_team_waits_on_its_own_exit_steps(cadre_yanhe, work_team_yanhe):
    proposed = application(household(), "proposed", cadre_yanhe)
    agreed = application(household(), "verified", cadre_yanhe)
    application(household(), "household_agreed", cadre_yanhe)

    lists = lists_of(work_team_yanhe)

    assert households_of(lists["exits"]) == [proposed.household_id, agreed.household_id]
    assert lists["exits"].summary == "2 份退出申请待办"


@pytest.mark.sqlite
def test_a_household_visited_within_the_months_is_not_listed_and_the_months_are_a_setting(
    cadre_yanhe, township_reviewer
):
    recent = household()
    visit(recent, TODAY - datetime.timedelta(days=40), cadre_yanhe)
    older = household()
    visit(older, TODAY - datetime.timedelta(days=120), cadre_yanhe)
    never = household()
    someone_elses = household(responsible_cadre=township_reviewer)
    household(status="removed")

    default = lists_of(cadre_yanhe)["unvisited"]
    with override_settings(WORKBENCH_UNVISITED_MONTHS=6):
        six = lists_of(cadre_yanhe)["unvisited"]
    with override_settings(WORKBENCH_UNVISITED_MONTHS=1):
        one = lists_of(cadre_yanhe)["unvisited"]

    assert households_of(default) == [older.pk, never.pk] or households_of(default) == [
        never.pk,
        older.pk,
    ]
    assert someone_elses.pk not in households_of(default)
    assert default.count == 2
    assert households_of(six) == [never.pk]
    assert sorted(households_of(one)) == sorted([recent.pk, older.pk, never.pk])
    assert default.title == "近3个月未走访的农户"


@pytest.mark.sqlite
def test_the_township_sees_the_five_review_lists_with_exactly_their_rows(
    township_reviewer, cadre_yanhe
):
    awaiting = application(household(), "publicized", cadre_yanhe)
    application(household(), "township_reviewed", cadre_yanhe)  # the county's step
    rectified = problem(household(), TODAY + 5 * DAY, state="rectified")
    overdue = problem(household(), TODAY - 3 * DAY, state="rectifying")
    problem(household(), TODAY - 3 * DAY, state="verified")
    problem(household(BIJIANG_VILLAGE), TODAY - 3 * DAY)
    past = case(exited(), TODAY - 16 * DAY)
    case(exited(), TODAY - 15 * DAY)  # its last day on time
    case(exited(BIJIANG_VILLAGE), TODAY - 30 * DAY)

    lists = lists_of(township_reviewer)

    assert list(lists) == ["exits", "closure", "overdue", "past_deadline", "data_conflicts"]
    assert households_of(lists["exits"]) == [awaiting.household_id]
    assert households_of(lists["closure"]) == [rectified.household_id]
    assert households_of(lists["overdue"]) == [overdue.household_id]
    assert households_of(lists["past_deadline"]) == [past.household_id]
    assert [task.summary for task in lists.values()] == [
        "1 份退出申请待办",
        "1 个问题待销号",
        "1 个问题整改逾期",
        "1 户超期未认定",
        "0 条数据冲突待处理",
    ]


def _review_work(village, actor):
    """In ``village``: one row for each review list, and the same kinds that wait for no
    review (a step of the village or the township, a closed problem, a case still on time).
    Returns the household of each list's row."""
    rows = {
        "exits": application(household(village), "township_reviewed", actor).household_id,
        "closure": problem(household(village), TODAY + 5 * DAY, state="rectified").household_id,
        "overdue": problem(household(village), TODAY - 3 * DAY, state="rectifying").household_id,
        "past_deadline": case(exited(village), TODAY - 16 * DAY).household_id,
    }
    application(household(village), "publicized", actor)
    problem(household(village), TODAY - 3 * DAY, state="verified")
    problem(household(village), TODAY + 3 * DAY, state="open")
    case(exited(village), TODAY - 15 * DAY)
    return rows


def _guiyang_village():
    city = Region.objects.create(code="520100000000", name="贵阳市", level="city")
    county = Region.objects.create(code="520102000000", name="南明区", level="county", parent=city)
    township = Region.objects.create(
        code="520102001000", name="新华路街道", level="township", parent=county
    )
    Region.objects.create(code=GUIYANG_VILLAGE, name="某村", level="village", parent=township)
    return GUIYANG_VILLAGE


@pytest.mark.sqlite
def test_the_county_sees_the_review_lists_of_its_county_exactly(
    county_supervisor, cadre_yanhe, work_team_yanhe, cadre_bijiang
):
    # given: review work in two townships of Yanhe, and the same in Bijiang and Wanshan
    inside = [
        _review_work(village, cadre_yanhe) for village in (YANHE_VILLAGE, YANHE_OTHER_TOWNSHIP)
    ]
    for village in (BIJIANG_VILLAGE, WANSHAN_VILLAGE):
        _review_work(village, cadre_yanhe)
    conflict = work_status_conflict(cadre_yanhe, work_team_yanhe)
    team_bijiang = assigned_user("work_team_bijiang", "work_team", BIJIANG_VILLAGE)
    work_status_conflict(cadre_bijiang, team_bijiang, region_id=BIJIANG_VILLAGE)

    # when
    lists = lists_of(county_supervisor)

    # then: every row of the county, in its order, and nothing of another
    assert list(lists) == [*REVIEW_KEYS, "data_conflicts"]
    for key in REVIEW_KEYS:
        assert households_of(lists[key]) == [rows[key] for rows in inside], key
        assert lists[key].count == 2, key
    assert households_of(lists["data_conflicts"]) == [conflict.household_id]
    assert lists["exits"].summary == "2 份退出申请待办"
    assert lists["data_conflicts"].summary == "1 条数据冲突待处理"


@pytest.mark.sqlite
def test_the_city_sees_the_review_lists_of_the_city_exactly_and_no_exit_step(
    city_supervisor, cadre_yanhe
):
    # given: review work in three counties of Tongren, and the same outside the city
    inside = [
        _review_work(village, cadre_yanhe)
        for village in (YANHE_VILLAGE, BIJIANG_VILLAGE, WANSHAN_VILLAGE)
    ]
    _review_work(_guiyang_village(), cadre_yanhe)

    # when
    lists = lists_of(city_supervisor)

    # then: the exit procedure has no step of the city's; the others hold every row of the
    # city and nothing of Guiyang; conflicts are the township's and the county's to resolve
    assert list(lists) == list(REVIEW_KEYS)
    assert (lists["exits"].count, lists["exits"].rows) == (0, [])
    for key in ("closure", "overdue", "past_deadline"):
        assert households_of(lists[key]) == [rows[key] for rows in inside], key
        assert lists[key].count == 3, key
    assert [task.summary for task in lists.values()] == [
        "0 份退出申请待办",
        "3 个问题待销号",
        "3 个问题整改逾期",
        "3 户超期未认定",
    ]


def test_nothing_of_another_county_reaches_a_cadre_there(cadre_bijiang, cadre_yanhe):
    look_back(exited(), TODAY)
    problem(household(), TODAY - DAY, responsible=cadre_yanhe)
    application(household(), "verified", cadre_yanhe)
    case(exited(), TODAY - 20 * DAY)

    lists = lists_of(cadre_bijiang)

    assert {key: task.count for key, task in lists.items()} == {
        "look_back": 0,
        "my_problems": 0,
        "exits": 0,
        "identify": 0,
        "unvisited": 0,
    }


def test_a_role_without_field_or_review_work_has_no_lists(api_client_user, unassigned_user):
    assert selectors.my_tasks(user=api_client_user, today=TODAY) == []
    assert selectors.my_tasks(user=unassigned_user, today=TODAY) == []


def _load_home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response


def _more_of_everything(cadre, times):
    for _ in range(times):
        look_back(exited(), TODAY)
        problem(household(), TODAY - DAY, responsible=cadre)
        application(household(), "verified", cadre)
        case(exited(), TODAY - 20 * DAY)


@pytest.mark.parametrize("who", ["cadre_yanhe", "township_reviewer"])
def test_the_home_page_runs_in_the_same_number_of_queries_whatever_the_tasks(
    who, request, client, cadre_yanhe, django_assert_num_queries
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    _more_of_everything(cadre_yanhe, 1)
    with CaptureQueriesContext(connection) as few:
        _load_home(client)

    _more_of_everything(cadre_yanhe, 12)

    with django_assert_num_queries(len(few.captured_queries)):
        response = _load_home(client)
    assert sum(task.count for task in response.context["task_lists"]) >= 13


def test_the_home_page_shows_counts_with_their_noun_and_links_to_each_row(client, cadre_yanhe):
    late = problem(household(), TODAY - 5 * DAY, responsible=cadre_yanhe)
    client.force_login(cadre_yanhe)

    html = _load_home(client).content.decode()

    assert "<h1>我的任务</h1>" in html
    assert "1 个问题待整改" in html
    assert f'href="/problems/{late.pk}/"' in html
    assert f"户主{late.household_id} · {late.household.household_no}" in html
    assert "我的管辖范围" in html


def test_the_home_page_asks_an_anonymous_visitor_to_log_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_api_gives_the_same_lists_to_the_signed_in_user(api, cadre_yanhe, township_reviewer):
    late = problem(household(), TODAY - 5 * DAY, responsible=cadre_yanhe)

    anonymous = api.get("/api/v1/my-tasks/")
    api.force_authenticate(cadre_yanhe)
    mine = api.get("/api/v1/my-tasks/").json()
    api.force_authenticate(township_reviewer)
    reviews = api.get("/api/v1/my-tasks/").json()

    assert anonymous.status_code == 401
    assert [task["key"] for task in mine] == [
        "look_back",
        "my_problems",
        "exits",
        "identify",
        "unvisited",
    ]
    problems = mine[1]
    assert (problems["count"], problems["summary"]) == (1, "1 个问题待整改")
    assert problems["rows"] == [
        {
            "title": "勤能补拙",
            "detail": f"危房改造未验收 · 整改期限 {late.deadline.isoformat()}",
            "url": f"/problems/{late.pk}/",
            "household_no": late.household.household_no,
            "head_name": f"户主{late.household_id}",
            "late": True,
        }
    ]
    assert [task["key"] for task in reviews] == [
        "exits",
        "closure",
        "overdue",
        "past_deadline",
        "data_conflicts",
    ]
    assert reviews[2]["count"] == 1


FIELD_KEYS = ["look_back", "my_problems", "exits", "identify", "unvisited"]


@pytest.mark.parametrize(
    ("who", "keys", "counts", "shows_the_problem"),
    [
        pytest.param(
            "cadre_yanhe", FIELD_KEYS, {"my_problems": 1, "unvisited": 1}, True, id="cadre"
        ),
        pytest.param("work_team_yanhe", FIELD_KEYS, {"unvisited": 1}, False, id="work-team"),
        pytest.param("cadre_bijiang", FIELD_KEYS, {}, False, id="cadre-of-another-county"),
        pytest.param(
            "township_reviewer",
            [*REVIEW_KEYS, "data_conflicts"],
            {"overdue": 1},
            True,
            id="township",
        ),
        pytest.param(
            "county_supervisor", [*REVIEW_KEYS, "data_conflicts"], {"overdue": 1}, True, id="county"
        ),
        pytest.param(
            "county_supervisor_bijiang",
            [*REVIEW_KEYS, "data_conflicts"],
            {},
            False,
            id="county-of-another-county",
        ),
        pytest.param("city_supervisor", list(REVIEW_KEYS), {"overdue": 1}, True, id="city"),
        pytest.param("api_client_user", [], {}, False, id="api-client"),
    ],
)
def test_the_home_page_and_the_api_give_each_role_its_lists(
    who, keys, counts, shows_the_problem, request, client, api, cadre_yanhe
):
    # given: one household of 太岭村 with an overdue problem of the cadre's
    late = problem(household(), TODAY - 5 * DAY, responsible=cadre_yanhe)
    user = request.getfixturevalue(who)
    client.force_login(user)
    api.force_authenticate(user)

    # when
    page = client.get("/")
    answer = api.get("/api/v1/my-tasks/")

    # then: the same lists on the page and through the API, each with the right count
    assert (page.status_code, answer.status_code) == (200, 200)
    on_page = {task.key: task.count for task in page.context["task_lists"]}
    assert list(on_page) == keys
    assert {task["key"]: task["count"] for task in answer.json()} == on_page
    assert {key: count for key, count in on_page.items() if count} == counts
    html = page.content.decode()
    assert (f'href="/problems/{late.pk}/"' in html) is shows_the_problem
    assert ("<h1>我的任务</h1>" in html) is bool(keys)


def test_an_account_without_jurisdiction_gets_no_lists_and_the_api_refuses_it(
    client, api, unassigned_user, cadre_yanhe
):
    problem(household(), TODAY - 5 * DAY, responsible=cadre_yanhe)
    client.force_login(unassigned_user)
    api.force_authenticate(unassigned_user)

    page = client.get("/")
    answer = api.get("/api/v1/my-tasks/")

    assert (page.status_code, page.context["task_lists"]) == (200, [])
    assert "您的账号尚未分配管辖范围" in page.content.decode()
    assert answer.status_code == 403


@pytest.mark.parametrize(
    ("url", "api_call"), [("/", False), ("/api/v1/my-tasks/", True)], ids=["page", "api"]
)
def test_my_tasks_ask_an_anonymous_visitor_to_log_in(url, api_call, client, api, cadre_yanhe):
    problem(household(), TODAY - 5 * DAY, responsible=cadre_yanhe)

    response = api.get(url) if api_call else client.get(url)

    if api_call:
        assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_the_api_gives_an_api_client_no_lists(api, api_client_user):
    api.force_authenticate(api_client_user)

    response = api.get("/api/v1/my-tasks/")

    assert (response.status_code, response.json()) == (200, [])

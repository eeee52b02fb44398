"""One timeline per household: every kind of record, newest first, paginated, constant queries."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from households import services as household_services
from households.models import AssistanceMeasure
from inspections import services as inspection_services
from inspections.models import ConsistencyCheck, ConsistencyItem, FiveLooks, Photo, Problem
from monitoring import services as monitoring_services
from monitoring.models import MonitoringStatus
from tests.households.factories import income, make_id
from tests.inspections.test_evidence import jpeg_with_gps
from tests.permissions import check_permission_matrix
from tests.workbench.helpers import TODAY, application, case, exited, household, problem, visit
from workbench import timeline

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _visit_with_checks(home, on, visitor, mismatch):
    recorded = visit(home, on, visitor)
    FiveLooks.objects.create(
        visit=recorded,
        furnishings=True,
        clothing=True,
        cupboard=not mismatch,
        bedding=True,
        pot=True,
    )
    check = ConsistencyCheck.objects.create(visit=recorded)
    ConsistencyItem.objects.create(consistency=check, field="family_size", wall="3", system="3")
    ConsistencyItem.objects.create(
        consistency=check, field="status", wall="a", system="b", mismatch=mismatch
    )
    return recorded


def _version(home):
    home.refresh_from_db()
    return home.version


def _add_member(home, cadre, n):
    """A register change through its service (its audit event is the timeline's change)."""
    return household_services.member_add(
        actor=cadre,
        household=home,
        expected_version=_version(home),
        data={
            "name": f"田新{n}",
            "id_number": make_id(sequence=100 + n),
            "relation": "07",
            "education": "primary",
        },
    )


def _small_photo(name):
    return jpeg_with_gps(name, size=(160, 120))


def _a_bit_of_everything(home, cadre, times=1, first=0, evidence=False):
    """Six events per round; with ``evidence`` two more, both recent (the first page): a visit
    with photos (of the visit and of a look) and a register change, each with its audit
    events."""
    for n in range(first, first + times):
        _visit_with_checks(home, datetime.date(2020, 3, 1 + n), cadre, mismatch=bool(n % 2))
        problem(home, datetime.date(2020, 12, 1), responsible=cadre)
        AssistanceMeasure.objects.create(
            household=home, kind="industry", year=2016, description=f"产业奖补{n}"
        )
        income(home, 2014 + n, Decimal("3000"), 2)
        application(home, "rejected", cadre)
        case(home, datetime.date(2020, 5, 1 + n), status="not_included")
        if evidence:
            inspection_services.visit_record(
                actor=cadre,
                household=home,
                data={"date": TODAY - (1 + n) * DAY},  # on the first page
                photos=[_small_photo(f"visit{n}.jpg")],
                look_photos={"pot": [_small_photo(f"pot{n}.jpg")]},
            )
            _add_member(home, cadre, n)


@pytest.mark.sqlite
def test_the_timeline_holds_every_kind_newest_first(cadre_yanhe):
    home = exited()
    seen = _visit_with_checks(home, datetime.date(2020, 10, 8), cadre_yanhe, mismatch=True)
    late = problem(home, datetime.date(2020, 10, 30), responsible=cadre_yanhe)
    income(home, 2019, Decimal("5200"), 2)
    AssistanceMeasure.objects.create(household=home, kind="industry", year=2018, description="种猪")
    exit_application = application(home, "rejected", cadre_yanhe)
    monitoring = case(home, datetime.date(2020, 6, 2))

    events = timeline.household_events(
        user=cadre_yanhe, household=home, today=datetime.date(2020, 11, 20)
    )

    kinds = [(event.kind, event.on) for event in events if event.kind != "change"]
    assert kinds[0][0] == "problem"  # opened today: the newest
    assert kinds[1:] == [
        ("visit", datetime.date(2020, 10, 8)),
        ("exit", datetime.date(2020, 9, 10)),
        ("monitoring", datetime.date(2020, 6, 2)),
        ("income", datetime.date(2019, 12, 31)),
        ("measure", datetime.date(2018, 12, 31)),
    ]
    by_kind = {event.kind: event for event in events}
    assert by_kind["visit"].record == seen
    assert by_kind["visit"].detail == "五个一致：1 项不一致"
    assert by_kind["visit"].looks[2] == ("柜里放的", False)
    assert by_kind["visit"].url == f"/visits/{seen.pk}/"
    assert by_kind["problem"].record == late and by_kind["problem"].late is True
    assert by_kind["exit"].record == exit_application
    assert [step.label for step in by_kind["exit"].steps] == ["民主评议（拟退出）"]
    assert by_kind["monitoring"].record == monitoring
    assert by_kind["income"].title == "2019年收入"


@pytest.mark.sqlite
@pytest.mark.parametrize("times", [1, 4])
def test_the_timeline_page_runs_in_the_same_number_of_queries_whatever_the_events(
    times, client, cadre_yanhe, django_assert_num_queries
):
    home = exited()
    _a_bit_of_everything(home, cadre_yanhe, 1, evidence=True)
    client.force_login(cadre_yanhe)
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"/households/{home.pk}/timeline/").status_code == 200

    _a_bit_of_everything(home, cadre_yanhe, times, first=1, evidence=True)

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(f"/households/{home.pk}/timeline/")
    assert response.context["timeline"].paginator.count == 8 * (1 + times)
    # The page did show the photos and the register changes it was counted with.
    shown = response.context["timeline"].object_list
    assert {event.kind for event in shown} >= {"visit", "change"}
    html = response.content.decode()
    assert Photo.objects.filter(household=home).count() == 2 * (1 + times)
    for photo in Photo.objects.filter(household=home):
        assert f'src="/photos/{photo.pk}/thumb/"' in html
    assert html.count('class="timeline-event timeline-change"') == 1 + times


def test_register_changes_appear_newest_first_among_the_other_events(cadre_yanhe):
    # given: three changes of the register today through their services, an older visit, and
    # events that are not register changes (the visit's own, another household's)
    home = exited()
    older = visit(home, TODAY - 30 * DAY, cadre_yanhe)
    household_services.household_update(
        actor=cadre_yanhe,
        household=home,
        expected_version=_version(home),
        data={"housing_grade": "A"},
    )
    head = home.members.get()
    household_services.member_update(
        actor=cadre_yanhe,
        member=head,
        expected_version=_version(home),
        data={"health": "chronic"},
    )
    added = _add_member(home, cadre_yanhe, 1)
    _add_member(exited(), cadre_yanhe, 2)
    inspection_services.visit_record(
        actor=cadre_yanhe, household=home, data={"date": TODAY - 40 * DAY}
    )

    # when
    events = timeline.household_events(user=cadre_yanhe, household=home, today=TODAY)

    # then: the changes first (today), newest first, each its audit event, then the visits
    changes = [event for event in events if event.kind == "change"]
    assert [event.record.action for event in changes] == [
        "member.added",
        "member.updated",
        "household.updated",
    ]
    assert [event.record for event in changes] == list(
        AuditEvent.objects.filter(
            subject_id=str(home.pk),
            action__in=["member.added", "member.updated", "household.updated"],
        ).order_by("-created", "-id")
    )
    assert changes[0].title == f"新增成员 {added.name}"
    assert changes[2].title == "修改了家庭信息"
    assert {event.actor for event in changes} == {cadre_yanhe}
    assert [event.kind for event in events] == ["change", "change", "change", "visit", "visit"]
    assert events[3].record == older


def test_problem_steps_and_monitoring_steps_appear_with_who_and_when(
    client, cadre_yanhe, township_reviewer
):
    # given: a problem opened, rectified and closed, and a monitoring case identified, each
    # through its service
    home = exited()
    opened = inspection_services.problem_open(
        actor=cadre_yanhe,
        household=home,
        data={
            "category": "fill_gaps",
            "description": "危房改造资料不全",
            "deadline": TODAY + 10 * DAY,
            "responsible": cadre_yanhe,
            "source": "by_hand",
        },
    )
    inspection_services.problem_rectify(
        actor=cadre_yanhe, problem=opened, evidence="已补齐验收资料"
    )
    inspection_services.problem_verify(actor=township_reviewer, problem=opened)
    followed = monitoring_services.monitoring_case_open(
        actor=cadre_yanhe,
        household=home,
        category="unstable_exited",
        opened=TODAY - 10 * DAY,
        evidence="因病支出骤增",
    )
    monitoring_services.monitoring_case_advance(
        actor=township_reviewer, case=followed, on=TODAY - 2 * DAY, measures="医疗救助"
    )

    # when
    events = timeline.household_events(user=cadre_yanhe, household=home, today=TODAY)
    client.force_login(cadre_yanhe)
    html = client.get(f"/households/{home.pk}/timeline/").content.decode()

    # then
    by_kind = {event.kind: event for event in events}
    problem_steps = [(s.on, s.label, s.actor, s.note) for s in by_kind["problem"].steps]
    assert problem_steps == [
        (TODAY, "登记问题", None, "手工登记"),
        (TODAY, "已整改", cadre_yanhe, "已补齐验收资料"),
        (TODAY, "已销号", township_reviewer, ""),
    ]
    case_steps = [(s.on, s.label, s.actor, s.note) for s in by_kind["monitoring"].steps]
    assert case_steps == [
        (TODAY - 2 * DAY, str(MonitoringStatus.ASSISTING.label), township_reviewer, ""),
        (
            TODAY - 10 * DAY,
            str(MonitoringStatus.IDENTIFYING.label),
            cadre_yanhe,
            "因病支出骤增",
        ),
    ]
    assert by_kind["monitoring"].record == followed
    problem_item = html.split(f'id="event-problem-{opened.pk}"', 1)[1].split("</li>\n</", 1)[0]
    assert "<strong>已整改</strong>" in problem_item and "已补齐验收资料" in problem_item
    assert "<strong>已销号</strong>" in problem_item
    case_item = html.split(f'id="event-monitoring-{followed.pk}"', 1)[1]
    assert f"<strong>{MonitoringStatus.ASSISTING.label}</strong>" in case_item


def test_the_timeline_is_paginated_twenty_a_page(client, cadre_yanhe):
    home = exited()
    _a_bit_of_everything(home, cadre_yanhe, 4)  # 24 events
    client.force_login(cadre_yanhe)

    first = client.get(f"/households/{home.pk}/timeline/")
    second = client.get(f"/households/{home.pk}/timeline/?page=2")

    assert len(first.context["timeline"].object_list) == 20
    assert len(second.context["timeline"].object_list) == 4
    assert "第 1 页，共 2 页" in first.content.decode()


def test_the_household_page_shows_the_first_page_of_its_timeline(client, cadre_yanhe):
    home = exited()
    _a_bit_of_everything(home, cadre_yanhe, 4)
    client.force_login(cadre_yanhe)

    html = client.get(f"/households/{home.pk}/").content.decode()

    assert 'id="timeline-events"' in html
    assert html.count('class="timeline-event') == 20
    assert f'href="/households/{home.pk}/timeline/?page=2"' in html


def test_the_timeline_names_people_not_logins(client, cadre_yanhe):
    cadre_yanhe.first_name = "张秀英"
    cadre_yanhe.save()
    home = exited()
    visit(home, datetime.date(2020, 10, 8), cadre_yanhe)
    problem(home, datetime.date(2020, 12, 1), responsible=cadre_yanhe)
    client.force_login(cadre_yanhe)

    html = client.get(f"/households/{home.pk}/timeline/").content.decode()

    assert "张秀英 · 村干部（帮扶责任人）" in html
    assert "cadre_yanhe" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_timeline_page_answers_the_permission_matrix(
    cadre_yanhe, cadre_bijiang, api_client_user
):
    home = household()

    response = check_permission_matrix(
        f"/households/{home.pk}/timeline/",
        api=False,
        own=cadre_yanhe,
        other_jurisdiction=cadre_bijiang,
        wrong_role=api_client_user,
    )

    assert response.context["household"] == home


def test_a_problem_opened_early_in_the_morning_is_on_that_day_in_tongren(cadre_yanhe):
    home = exited()
    early = problem(home, datetime.date(2020, 12, 1), responsible=cadre_yanhe)
    morning = datetime.datetime(2020, 10, 8, 7, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    Problem.objects.filter(pk=early.pk).update(created=morning)  # 2020-10-07 23:00 in UTC

    events = timeline.household_events(
        user=cadre_yanhe, household=home, today=datetime.date(2020, 11, 20)
    )

    (shown,) = [event for event in events if event.kind == "problem"]
    assert shown.on == datetime.date(2020, 10, 8)
    assert shown.steps[0].on == datetime.date(2020, 10, 8)


@pytest.mark.sqlite
def test_the_household_page_reads_the_records_it_shares_with_its_timeline_once(client, cadre_yanhe):
    # given: a household with a record of each kind the page lists itself
    home = exited()
    _a_bit_of_everything(home, cadre_yanhe, 2)
    client.force_login(cadre_yanhe)

    # when
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/households/{home.pk}/")

    # then: each table read once, and the embedded timeline holds their events all the same
    assert response.status_code == 200
    for table in (
        "households_assistancemeasure",
        "households_annualincome",
        "households_exitapplication",
        "households_monitoringcase",
    ):
        reads = [q for q in captured if q["sql"].startswith(f'SELECT "{table}"."id"')]
        assert len(reads) == 1, table
    kinds = {event.kind for event in response.context["timeline"].object_list}
    assert {"measure", "income", "exit", "monitoring"} <= kinds
    html = response.content.decode()
    assert "产业奖补0" in html and "产业奖补1" in html

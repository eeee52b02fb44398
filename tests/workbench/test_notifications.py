"""Field notifications: in the bell, once per event however often the senders run."""

from __future__ import annotations

import datetime

import pytest

from exits import services as exit_services
from inspections import services as inspection_services
from inspections.models import Problem
from supervision.look_back import create_look_back_tasks
from supervision.models import Notification
from tests.workbench.helpers import application, exited, household, problem
from tongren_fupin.models import OutboxMessage
from workbench import notifications

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2020, 11, 20)
DAY = datetime.timedelta(days=1)


def bell(user):
    return list(Notification.objects.filter(user=user).order_by("key").values_list("key", "title"))


def test_a_problem_opened_for_someone_rings_their_bell_once(
    cadre_yanhe, work_team_yanhe, django_capture_on_commit_callbacks
):
    home = household()

    with django_capture_on_commit_callbacks(execute=True):
        opened = inspection_services.problem_open(
            actor=cadre_yanhe,
            household=home,
            data={
                "source": "visit",
                "category": "diligence",
                "description": "公益岗位工资未发放",
                "deadline": TODAY + 10 * DAY,
                "responsible": work_team_yanhe,
            },
        )
    again = notifications.notify_problem_assigned(problem_id=opened.pk)

    message = OutboxMessage.objects.get()
    assert (message.task_name, message.args, message.sent_at is not None) == (
        "workbench.notify_problem_assigned",
        [opened.pk],
        True,
    )
    assert again == 0
    assert bell(work_team_yanhe) == [
        (
            f"problem:{opened.pk}:assigned:{work_team_yanhe.pk}",
            f"有问题分配给您：勤能补拙 · 户主{home.pk} · {home.household_no}",
        )
    ]
    assert bell(cadre_yanhe) == []


@pytest.mark.sqlite
def test_the_daily_check_sends_each_deadline_reminder_once_however_often_it_runs(cadre_yanhe):
    overdue = problem(household(), TODAY - 2 * DAY, responsible=cadre_yanhe)
    soon = problem(household(), TODAY + 3 * DAY, responsible=cadre_yanhe, state="rectifying")
    problem(household(), TODAY + 4 * DAY, responsible=cadre_yanhe)  # not yet
    problem(household(), TODAY - 2 * DAY, responsible=cadre_yanhe, state="rectified")
    problem(household(), TODAY - 2 * DAY)  # nobody responsible

    runs = [notifications.field_reminders_send(today=TODAY) for _ in range(3)]

    assert [run["deadlines"] for run in runs] == [2, 0, 0]
    assert [run["assigned"] for run in runs] == [3, 0, 0]  # the three without a message yet
    keys = [key for key, _title in bell(cadre_yanhe)]
    assert f"problem:{overdue.pk}:overdue:{overdue.deadline}" in keys
    assert f"problem:{soon.pk}:due:{soon.deadline}" in keys
    assert len(keys) == 5
    assert Notification.objects.count() == 5


def test_a_later_deadline_is_reminded_again_the_next_day_it_passes(cadre_yanhe):
    late = problem(household(), TODAY + DAY, responsible=cadre_yanhe)
    notifications.field_reminders_send(today=TODAY)  # due in 1 day
    notifications.field_reminders_send(today=TODAY + 2 * DAY)  # now overdue
    notifications.field_reminders_send(today=TODAY + 3 * DAY)

    keys = sorted(key for key, _title in bell(cadre_yanhe) if ":assigned:" not in key)

    assert keys == [
        f"problem:{late.pk}:due:{late.deadline}",
        f"problem:{late.pk}:overdue:{late.deadline}",
    ]


def test_an_application_sent_back_rings_the_proposer_once(
    cadre_yanhe, township_reviewer, django_capture_on_commit_callbacks
):
    publicized = application(household(), "publicized", cadre_yanhe)

    with django_capture_on_commit_callbacks(execute=True):
        exit_services.exit_send_back(
            actor=township_reviewer, application=publicized, reason="收入核算有误", on=TODAY
        )
    sent = Notification.objects.count()
    notifications.field_reminders_send(today=TODAY)
    notifications.notify_exit_returned(application_id=publicized.pk)

    assert OutboxMessage.objects.get().task_name == "workbench.notify_exit_returned"
    assert sent == 1
    notification = Notification.objects.get()
    assert (notification.user, notification.key, notification.body, notification.link) == (
        cadre_yanhe,
        f"exit:{publicized.pk}:returned",
        "收入核算有误",
        f"/exits/{publicized.pk}/",
    )
    assert notification.title.startswith("退出申请被退回：")


def test_a_look_back_task_rings_the_village_cadres_once(
    cadre_yanhe,
    work_team_yanhe,
    cadre_bijiang,
    township_reviewer,
    django_capture_on_commit_callbacks,
):
    ours = exited()
    theirs = exited()
    theirs.responsible_cadre = township_reviewer
    theirs.save()
    Problem.objects.create(
        household=ours, source="visit", category="diligence", description="x", deadline=TODAY
    )
    Problem.objects.create(
        household=theirs, source="visit", category="diligence", description="x", deadline=TODAY
    )

    with django_capture_on_commit_callbacks(execute=True):
        created = create_look_back_tasks(period="2020-11", region="520627100200")
    again = notifications.notify_look_back_assigned(period="2020-11")

    assert created == 2
    assert again == 0
    assert OutboxMessage.objects.get().task_name == "workbench.notify_look_back_assigned"
    assert [key for key, _t in bell(cadre_yanhe)] == [key for key, _t in bell(work_team_yanhe)]
    assert len(bell(cadre_yanhe)) == 1
    assert len(bell(township_reviewer)) == 1  # the responsible cadre named on the household
    assert bell(cadre_bijiang) == []


def test_the_bell_counts_the_field_notifications(client, cadre_yanhe):
    problem(household(), TODAY - 2 * DAY, responsible=cadre_yanhe)
    notifications.field_reminders_send(today=TODAY)
    client.force_login(cadre_yanhe)

    html = client.get("/notifications/").content.decode()

    assert 'data-unread="2"' in html
    assert "已逾期" in html

"""Notifications for the field, in the bell (``supervision.Notification``).

A problem assigned to me, its deadline in 3 days, its deadline passed; an exit application sent
back to the village; a look-back visit to make. Each event has one key per recipient — the
(user, key) pair is unique — so however often a sender runs, a person hears of an event once.
The services queue the senders through the outbox when the event happens; the daily check
(``workbench.field_reminders`` on Celery beat) sends the deadline reminders and catches any
event whose message was lost.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from exits.models import ExitApplication, ExitState
from households.models import Household, annotate_page
from inspections.look_back_models import LookBackStatus, LookBackTask
from inspections.models import Problem, ProblemState
from regions.models import Assignment
from regions.roles import FIELD_TASK_ROLES
from supervision.models import Notification

logger = logging.getLogger(__name__)

#: A reminder goes out this many days before a problem's deadline.
DUE_SOON_DAYS = 3
ACTIVE = (ProblemState.OPEN, ProblemState.RECTIFYING)


def _household(household: Household) -> str:
    head = getattr(household, "head_name", None)
    return f"{head} · {household.household_no}" if head else household.household_no


def _send(notifications: Iterable[Notification]) -> int:
    """Create the notifications not sent before; the number created."""
    wanted = {(n.user_id, n.key): n for n in notifications}
    if not wanted:
        return 0
    sent = set(
        Notification.objects.filter(key__in={key for _user, key in wanted}).values_list(
            "user_id", "key"
        )
    )
    new = [n for pair, n in wanted.items() if pair not in sent]
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _problem_link(problem: Problem) -> str:
    return reverse("inspections:problem-detail", args=[problem.pk])


def _problem_notification(problem: Problem, key: str, title: str) -> Notification:
    assert problem.responsible_id is not None  # _problems() keeps only assigned problems
    return Notification(
        user_id=problem.responsible_id,
        key=f"problem:{problem.pk}:{key}",
        title=f"{title}：{problem.get_category_display()} · {_household(problem.household)}"[:200],
        body=_("%(text)s · deadline %(date)s")
        % {"text": problem.description, "date": problem.deadline.isoformat()},
        link=_problem_link(problem),
    )


def _problems(problems: Any) -> list[Problem]:
    rows = list(
        problems.filter(responsible__isnull=False, responsible__is_active=True).select_related(
            "household"
        )
    )
    annotate_page([problem.household for problem in rows])
    return rows


def _assigned(problems: list[Problem]) -> list[Notification]:
    return [
        _problem_notification(
            problem, f"assigned:{problem.responsible_id}", _("A problem is assigned to you")
        )
        for problem in problems
    ]


@transaction.atomic
def notify_problem_assigned(*, problem_id: int) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        problems = _problems(Problem.objects.filter(pk=problem_id, state__in=ACTIVE))
        return _send(_assigned(problems))


def _deadline_reminders(today: datetime.date) -> list[Notification]:
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    problems = _problems(Problem.objects.filter(state__in=ACTIVE, deadline__lte=soon))
    reminders = []
    for problem in problems:
        if problem.deadline < today:
            key, title = f"overdue:{problem.deadline}", _("Deadline passed")
        else:
            key, title = f"due:{problem.deadline}", _("Deadline in 3 days or less")
        reminders.append(_problem_notification(problem, key, title))
    return reminders


def _returned(applications: Any) -> list[Notification]:
    rows = list(applications.select_related("household", "created_by"))
    inactive = set(
        get_user_model()
        .objects.filter(is_active=False, pk__in=_people(rows))
        .values_list("pk", flat=True)
    )
    annotate_page([application.household for application in rows])
    notifications = []
    for application in rows:
        recipients = {application.created_by_id, application.household.responsible_cadre_id}
        recipients -= inactive
        for user_id in sorted(r for r in recipients if r is not None):
            notifications.append(
                Notification(
                    user_id=user_id,
                    key=f"exit:{application.pk}:returned",
                    title=_("Exit application sent back: %(household)s")
                    % {"household": _household(application.household)},
                    body=application.return_reason,
                    link=reverse("exits:detail", args=[application.pk]),
                )
            )
    return notifications


def _people(applications: list[ExitApplication]) -> set[int]:
    people = {application.created_by_id for application in applications}
    cadres = {a.household.responsible_cadre_id for a in applications}
    return people | {cadre for cadre in cadres if cadre is not None}


@transaction.atomic
def notify_exit_returned(*, application_id: int) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        applications = ExitApplication.objects.filter(pk=application_id, state=ExitState.RETURNED)
        return _send(_returned(applications))


def _look_back(tasks: Any) -> list[Notification]:
    """To the household's responsible cadre, or else to the village's cadres and work team."""
    rows = list(tasks.select_related("household"))
    annotate_page([task.household for task in rows])
    villages = {
        task.household.region_id for task in rows if not task.household.responsible_cadre_id
    }
    field_users: dict[str, list[int]] = {}
    for user_id, region_id in Assignment.objects.filter(
        region_id__in=villages, role__in=FIELD_TASK_ROLES, user__is_active=True
    ).values_list("user_id", "region_id"):
        field_users.setdefault(region_id, []).append(user_id)
    notifications = []
    for task in rows:
        cadre = task.household.responsible_cadre_id
        for user_id in [cadre] if cadre else field_users.get(task.household.region_id, []):
            notifications.append(
                Notification(
                    user_id=user_id,
                    key=f"look-back:{task.pk}",
                    title=_("Look-back visit to make: %(household)s")
                    % {"household": _household(task.household)},
                    body=_("due %(date)s") % {"date": task.due.isoformat()},
                    link=reverse("inspections:visit", args=[task.household_id]),
                )
            )
    return notifications


@transaction.atomic
def notify_look_back_assigned(*, period: str) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        tasks = LookBackTask.objects.filter(period=period, status=LookBackStatus.OPEN)
        return _send(_look_back(tasks))


@transaction.atomic
def field_reminders_send(*, today: datetime.date) -> dict[str, int]:
    """The daily check: deadline reminders, and any assignment, return or look-back task whose
    notification is missing. Idempotent: run it as often as you like."""
    with translation.override(settings.LANGUAGE_CODE):
        sent = {
            "deadlines": _send(_deadline_reminders(today)),
            "assigned": _send(_assigned(_problems(Problem.objects.filter(state__in=ACTIVE)))),
            "returned": _send(_returned(ExitApplication.objects.filter(state=ExitState.RETURNED))),
            "look_back": _send(
                _look_back(LookBackTask.objects.filter(status=LookBackStatus.OPEN, due__gte=today))
            ),
        }
    logger.info("Field reminders on %s: %s", today, sent)
    return sent

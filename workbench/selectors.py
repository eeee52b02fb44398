"""我的任务: what waits for the user, one scoped selector per list.

Each list is one query whatever its length: the rows shown (at most ``SHOWN``) carry the full
count in a window column (``COUNT(*) OVER ()``), so no second query counts them. The heads'
names of every list are read together afterwards (``households.models.annotate_page``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Window
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exits.models import ExitApplication
from exits.services import NEXT, STEP_ROLES
from fieldsync.models import FieldConflict
from fieldsync.services import conflict_title
from households.choices import Status
from households.models import Household, annotate_page
from inspections.look_back_models import LookBackStatus, LookBackTask
from inspections.models import Problem, ProblemState, Visit
from monitoring.models import IDENTIFICATION_DAYS, MonitoringCase, MonitoringStatus
from regions.roles import (
    CONFLICT_RESOLVE_ROLES,
    FIELD_TASK_ROLES,
    REVIEW_TASK_ROLES,
    has_role,
    role_of,
)
from regions.scoping import scope_by_region

#: Rows shown per list on the home page; the count covers them all.
SHOWN = 8
#: Households still followed (a removed household is no one's task).
FOLLOWED = (
    Status.REGISTERED,
    Status.EXITED,
    Status.EXITED_NO_POLICY,
    Status.RELAPSED,
    Status.EDGE,
)
ACTIVE_PROBLEM_STATES = (ProblemState.OPEN, ProblemState.RECTIFYING)


@dataclass
class TaskRow:
    title: str
    detail: str
    url: str
    household: Household | None = None
    late: bool = False


@dataclass
class TaskList:
    key: str
    title: str
    summary: str
    count: int
    url: str
    rows: list[TaskRow] = field(default_factory=list)


def _counted(queryset: QuerySet[Any]) -> tuple[list[Any], int]:
    """The first rows and the number of all rows, in one query."""
    rows = list(queryset.annotate(task_total=Window(Count("pk")))[:SHOWN])
    return rows, (rows[0].task_total if rows else 0)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months earlier (the month's last day if shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - one of the four days exists in every month


# -- the village: cadre and work team -----------------------------------------------------------


def look_back_due(*, user: Any, today: datetime.date) -> TaskList:
    tasks = scope_by_region(
        LookBackTask.objects.filter(status=LookBackStatus.OPEN), user, field="household__region"
    ).select_related("household")
    rows, count = _counted(tasks.order_by("due", "household__household_no", "id"))
    return TaskList(
        key="look_back",
        title=_("Look-back visits due"),
        summary=ngettext("%(count)d look-back visit due", "%(count)d look-back visits due", count)
        % {"count": count},
        count=count,
        url=reverse("inspections:look-back") + "?status=open",
        rows=[
            TaskRow(
                title="",
                detail=_("due %(date)s") % {"date": task.due.isoformat()},
                url=reverse("inspections:visit", args=[task.household_id]) + "?kind=look_back",
                household=task.household,
                late=task.due < today,
            )
            for task in rows
        ],
    )


def my_problems(*, user: Any, today: datetime.date) -> TaskList:
    """Problems the user is responsible for, still to rectify: overdue first (by deadline)."""
    problems = scope_by_region(
        Problem.objects.filter(responsible_id=user.pk, state__in=ACTIVE_PROBLEM_STATES),
        user,
        field="household__region",
    ).select_related("household")
    rows, count = _counted(problems.order_by("deadline", "id"))
    return TaskList(
        key="my_problems",
        title=_("Problems assigned to me"),
        summary=ngettext("%(count)d problem to rectify", "%(count)d problems to rectify", count)
        % {"count": count},
        count=count,
        url=reverse("inspections:problems") + "?mine=1",
        rows=[
            TaskRow(
                title=problem.get_category_display(),
                detail=_("%(text)s · deadline %(date)s")
                % {"text": problem.description[:40], "date": problem.deadline.isoformat()},
                url=reverse("inspections:problem-detail", args=[problem.pk]),
                household=problem.household,
                late=problem.deadline < today,
            )
            for problem in rows
        ],
    )


def exit_states_awaiting(user: Any) -> list[str]:
    """The states whose next step of the exit procedure is the user's to take."""
    if user.is_superuser:
        return list(NEXT)
    role = role_of(user)
    return [state for state, after in NEXT.items() if role in STEP_ROLES[after]]


def exits_awaiting_my_step(*, user: Any) -> TaskList:
    applications = scope_by_region(
        ExitApplication.objects.filter(state__in=exit_states_awaiting(user)),
        user,
        field="household__region",
    ).select_related("household")
    rows, count = _counted(applications.order_by("created", "id"))
    return TaskList(
        key="exits",
        title=_("Exit applications waiting for my step"),
        summary=ngettext(
            "%(count)d exit application waiting", "%(count)d exit applications waiting", count
        )
        % {"count": count},
        count=count,
        url=reverse("exits:queue"),
        rows=[
            TaskRow(
                title="",
                detail=f"{application.year} · {application.get_state_display()}",
                url=reverse("exits:detail", args=[application.pk]),
                household=application.household,
            )
            for application in rows
        ],
    )


def cases_to_identify(*, user: Any, today: datetime.date) -> TaskList:
    """Monitoring cases still being identified, oldest first, with their 15-day clock."""
    cases = scope_by_region(
        MonitoringCase.objects.filter(status=MonitoringStatus.IDENTIFYING),
        user,
        field="household__region",
    ).select_related("household")
    rows, count = _counted(cases.order_by("opened", "id"))
    return TaskList(
        key="identify",
        title=_("Monitoring cases to identify"),
        summary=ngettext(
            "%(count)d monitoring case to identify", "%(count)d monitoring cases to identify", count
        )
        % {"count": count},
        count=count,
        url=reverse("monitoring:list") + "?status=identifying",
        rows=[_case_row(case, today) for case in rows],
    )


def _case_row(case: MonitoringCase, today: datetime.date) -> TaskRow:
    left = (case.identify_by - today).days
    if left >= 0:
        clock = ngettext(
            "%(days)d day left of %(total)d", "%(days)d days left of %(total)d", left
        ) % {"days": left, "total": IDENTIFICATION_DAYS}
    else:
        clock = ngettext("%(days)d day late", "%(days)d days late", -left) % {"days": -left}
    return TaskRow(
        title="",
        detail=f"{case.get_category_display()} · {clock}",
        url=reverse("monitoring:detail", args=[case.pk]),
        household=case.household,
        late=left < 0,
    )


def unvisited_months() -> int:
    return int(settings.WORKBENCH_UNVISITED_MONTHS)


def households_not_visited(*, user: Any, today: datetime.date) -> TaskList:
    """The user's households (their jurisdiction's, unless another user is their responsible
    cadre) without a visit in the last ``WORKBENCH_UNVISITED_MONTHS`` months, least recent
    first."""
    months = unvisited_months()
    since = months_before(today, months)
    recent = Visit.objects.filter(household=OuterRef("pk"), date__gte=since)
    last = Visit.objects.filter(household=OuterRef("pk")).order_by("-date").values("date")[:1]
    households = (
        scope_by_region(Household.objects.filter(status__in=FOLLOWED), user)
        .filter(Q(responsible_cadre__isnull=True) | Q(responsible_cadre_id=user.pk))
        .filter(~Exists(recent))
        .annotate(last_visit=Subquery(last))
    )
    rows, count = _counted(households.order_by("last_visit", "household_no"))
    return TaskList(
        key="unvisited",
        title=ngettext(
            "My households not visited in the last %(months)d month",
            "My households not visited in the last %(months)d months",
            months,
        )
        % {"months": months},
        summary=ngettext(
            "%(count)d household not visited", "%(count)d households not visited", count
        )
        % {"count": count},
        count=count,
        url=reverse("households:list"),
        rows=[
            TaskRow(
                title="",
                detail=(
                    _("last visit %(date)s") % {"date": household.last_visit.isoformat()}
                    if household.last_visit
                    else _("never visited")
                ),
                url=reverse("inspections:visit", args=[household.pk]),
                household=household,
                late=True,
            )
            for household in rows
        ],
    )


# -- township, county and city -----------------------------------------------------------------


def _problem_rows(problems: Iterable[Problem], today: datetime.date) -> list[TaskRow]:
    return [
        TaskRow(
            title=problem.get_category_display(),
            detail=_("%(text)s · deadline %(date)s")
            % {"text": problem.description[:40], "date": problem.deadline.isoformat()},
            url=reverse("inspections:problem-detail", args=[problem.pk]),
            household=problem.household,
            late=problem.deadline < today,
        )
        for problem in problems
    ]


def problems_awaiting_closure(*, user: Any, today: datetime.date) -> TaskList:
    """Rectified problems waiting for 销号 (verification)."""
    problems = scope_by_region(
        Problem.objects.filter(state=ProblemState.RECTIFIED), user, field="household__region"
    ).select_related("household")
    rows, count = _counted(problems.order_by("rectified_at", "id"))
    return TaskList(
        key="closure",
        title=_("Problems awaiting closure (销号)"),
        summary=ngettext(
            "%(count)d problem awaiting closure", "%(count)d problems awaiting closure", count
        )
        % {"count": count},
        count=count,
        url=reverse("inspections:problems") + "?state=rectified",
        rows=_problem_rows(rows, today),
    )


def overdue_rectification(*, user: Any, today: datetime.date) -> TaskList:
    problems = scope_by_region(
        Problem.objects.filter(state__in=ACTIVE_PROBLEM_STATES, deadline__lt=today),
        user,
        field="household__region",
    ).select_related("household")
    rows, count = _counted(problems.order_by("deadline", "id"))
    return TaskList(
        key="overdue",
        title=_("Overdue rectification in my area"),
        summary=ngettext("%(count)d problem overdue", "%(count)d problems overdue", count)
        % {"count": count},
        count=count,
        url=reverse("inspections:problems") + "?overdue=1",
        rows=_problem_rows(rows, today),
    )


def cases_past_deadline(*, user: Any, today: datetime.date) -> TaskList:
    cases = (
        scope_by_region(MonitoringCase.objects.all(), user, field="household__region")
        .identification_overdue(today)  # type: ignore[attr-defined]
        .select_related("household")
    )
    rows, count = _counted(cases.order_by("opened", "id"))
    return TaskList(
        key="past_deadline",
        title=_("Monitoring cases past their deadline"),
        summary=ngettext(
            "%(count)d case past its deadline", "%(count)d cases past their deadline", count
        )
        % {"count": count},
        count=count,
        url=reverse("monitoring:list") + "?overdue=1",
        rows=[_case_row(case, today) for case in rows],
    )


# -- per role -----------------------------------------------------------------------------------


def data_conflicts(*, user: Any) -> TaskList:
    """Fields changed offline and in the register meanwhile, oldest first (fieldsync)."""
    conflicts = scope_by_region(
        FieldConflict.objects.open(), user, field="household__region"
    ).select_related("household")
    rows, count = _counted(conflicts.order_by("created", "id"))
    return TaskList(
        key="data_conflicts",
        title=_("Data conflicts to resolve"),
        summary=ngettext(
            "%(count)d data conflict to resolve", "%(count)d data conflicts to resolve", count
        )
        % {"count": count},
        count=count,
        url=reverse("fieldsync:conflicts"),
        rows=[
            TaskRow(
                title="",
                detail=conflict_title(conflict),
                url=reverse("fieldsync:conflict", args=[conflict.pk]),
                household=conflict.household,
            )
            for conflict in rows
        ],
    )


def _field_lists(user: Any, today: datetime.date) -> list[Callable[[], TaskList]]:
    return [
        lambda: look_back_due(user=user, today=today),
        lambda: my_problems(user=user, today=today),
        lambda: exits_awaiting_my_step(user=user),
        lambda: cases_to_identify(user=user, today=today),
        lambda: households_not_visited(user=user, today=today),
    ]


def _review_lists(user: Any, today: datetime.date) -> list[Callable[[], TaskList]]:
    return [
        lambda: exits_awaiting_my_step(user=user),
        lambda: problems_awaiting_closure(user=user, today=today),
        lambda: overdue_rectification(user=user, today=today),
        lambda: cases_past_deadline(user=user, today=today),
        *([lambda: data_conflicts(user=user)] if has_role(user, CONFLICT_RESOLVE_ROLES) else []),
    ]


def my_tasks(*, user: Any, today: datetime.date) -> list[TaskList]:
    """The lists of the user's role (none for a role without field or review work); the heads'
    names of all their rows in one more query."""
    if has_role(user, FIELD_TASK_ROLES) and not user.is_superuser:
        makers = _field_lists(user, today)
    elif has_role(user, REVIEW_TASK_ROLES):
        makers = _review_lists(user, today)
    else:
        return []
    lists = [make() for make in makers]
    annotate_page([row.household for task in lists for row in task.rows if row.household])
    return lists

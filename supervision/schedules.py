"""The supervision's periodic tasks (django-celery-beat), installed by migration 0002 and by
``manage.py setup_periodic_tasks``; operators edit them in the admin afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TIME_ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    minute: str
    hour: str
    day_of_month: str
    month_of_year: str = "*"
    description: str = ""


SCHEDULES = (
    Schedule(
        "一月一调度 monthly dispatch",
        "supervision.monthly_dispatch",
        "0",
        "1",
        "1",
        description="Day 1: snapshots of the month just ended, per county and city.",
    ),
    Schedule(
        "一月一通报 monthly bulletin",
        "supervision.monthly_bulletin",
        "0",
        "7",
        "1",
        description="Day 1: ranking, counties below target, overdue problems; notifications.",
    ),
    Schedule(
        "一季一分析 quarterly analysis",
        "supervision.quarterly_analysis",
        "0",
        "3",
        "2",
        "1,4,7,10",
        description="Day 2 of a quarter: trends and county comparison, XLSX and printable HTML.",
    ),
    Schedule(
        "回头看 look-back tasks",
        "supervision.look_back",
        "0",
        "2",
        "5",
        description="Day 5: look-back visit tasks for flagged exited households and a sample.",
    ),
    Schedule(
        "防返贫 monitoring checks",
        "supervision.monitoring_checks",
        "30",
        "0",
        "*",
        description="Daily: open monitoring cases from risk signals.",
    ),
    Schedule(
        "现场提醒 field reminders",
        "workbench.field_reminders",
        "0",
        "7",
        "*",
        description="Daily: problem deadlines in 3 days or passed, and any missed field notice.",
    ),
    Schedule(
        "本月快照 current month's snapshots",
        "supervision.current_snapshots",
        "*/15",
        "*",
        "*",
        description="Every 15 minutes: the running month's and year's figures the dashboard"
        " shows (problems, employment, funds), so the page reads snapshots only.",
    ),
)


def install(crontab_model: Any, task_model: Any) -> int:
    """Create the schedules that do not exist yet (by name); existing ones keep their edits."""
    created = 0
    for schedule in SCHEDULES:
        if task_model.objects.filter(name=schedule.name).exists():
            continue
        crontab, _ = crontab_model.objects.get_or_create(
            minute=schedule.minute,
            hour=schedule.hour,
            day_of_month=schedule.day_of_month,
            month_of_year=schedule.month_of_year,
            day_of_week="*",
            timezone=TIME_ZONE,
        )
        task_model.objects.create(
            name=schedule.name,
            task=schedule.task,
            crontab=crontab,
            description=schedule.description,
        )
        created += 1
    return created

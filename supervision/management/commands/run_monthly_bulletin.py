from __future__ import annotations

from supervision import tasks
from supervision.management.commands._base import PeriodCommand


class Command(PeriodCommand):
    help = (
        "一月一通报: ranking, counties below target, overdue problems, notifications (idempotent)."
    )

    def run(self, period: str | None) -> object:
        return tasks.monthly_bulletin(period)

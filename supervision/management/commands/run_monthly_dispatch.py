from __future__ import annotations

from supervision import tasks
from supervision.management.commands._base import PeriodCommand


class Command(PeriodCommand):
    help = (
        "一月一调度 and the bulletin: snapshots of the month per county and city, "
        "then the 一月一通报 (idempotent)."
    )

    def run(self, period: str | None) -> object:
        return tasks.monthly_dispatch(period)

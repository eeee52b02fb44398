from __future__ import annotations

from supervision import tasks
from supervision.management.commands._base import PeriodCommand


class Command(PeriodCommand):
    help = "回头看: look-back visit tasks for the period (idempotent)."

    def run(self, period: str | None) -> object:
        return tasks.look_back(period)

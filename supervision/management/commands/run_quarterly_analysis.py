from __future__ import annotations

from supervision import tasks
from supervision.management.commands._base import PeriodCommand


class Command(PeriodCommand):
    help = "一季一分析: trends, county comparison, XLSX and printable HTML (idempotent)."

    period_help = "Period: 2019-Q3 (default: the quarter just ended)."

    def run(self, period: str | None) -> object:
        return tasks.quarterly_analysis(period)

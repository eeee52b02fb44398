from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from monitoring import tasks


def _last_day(month: str) -> str:
    """The last day of ``2020-12``; a malformed month is a command error."""
    try:
        first = datetime.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise CommandError(f"--period: {month!r} is not a month like 2020-12") from None
    next_month = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return (next_month - datetime.timedelta(days=1)).isoformat()


class Command(BaseCommand):
    help = "防返贫 monitoring checks: open monitoring cases from risk signals (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", default=None, help="Day of the check, 2020-12-31 (today).")
        parser.add_argument(
            "--period", default=None, help="A month (2020-12): check on its last day."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = options["on"]
        if options["period"]:
            on = _last_day(options["period"])
        try:
            opened = tasks.run_checks(datetime.date.fromisoformat(on).isoformat() if on else None)
        except ValueError as error:
            raise CommandError(f"--on: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"{opened} monitoring case(s) opened"))

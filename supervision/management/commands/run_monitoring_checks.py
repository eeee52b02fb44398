from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from supervision import tasks


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
            from supervision.periods import parse_period

            on = parse_period(options["period"]).end.isoformat()
        try:
            opened = tasks.monitoring_checks(
                datetime.date.fromisoformat(on).isoformat() if on else None
            )
        except ValueError as error:
            raise CommandError(f"--on: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"{opened} monitoring case(s) opened"))

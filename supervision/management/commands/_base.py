"""Shared shape of the supervision commands: ``--period`` (default: the one just ended)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongren_fupin.errors import DomainError


class PeriodCommand(BaseCommand):
    period_help = "Period: 2019-09 (default: the month just ended)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", default=None, help=self.period_help)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = self.run(options["period"])
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(str(result)))

    def run(self, period: str | None) -> object:  # pragma: no cover - overridden
        raise NotImplementedError

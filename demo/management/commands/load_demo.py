from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.logins import DEMO_PASSWORD, load_demo_logins


class Command(BaseCommand):
    help = "Create the demo logins (one per role). Refused unless DEMO_ENABLED (on with DEBUG)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow", action="store_true", help="Run even though DEMO_ENABLED is off (tests)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEMO_ENABLED or options["allow"]):
            raise CommandError(
                "Demo logins are for a first run only: set DEMO_ENABLED=1 (or DEBUG=1)."
            )
        logins = load_demo_logins()
        for login in logins:
            self.stdout.write(f"{login.username:<20} {login.role:<18} {login.region_code}")
        self.stdout.write(f"{'demo_admin':<20} {'operator':<18} (superuser)")
        self.stdout.write(self.style.SUCCESS(f"Password for every demo login: {DEMO_PASSWORD}"))

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.relocation import generate_demo_relocation


class Command(BaseCommand):
    help = (
        "A small relocation example in the demo village 太岭村 (after load_demo and "
        "load_demo_register). Does nothing when it exists. Refused unless DEMO_ENABLED."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow",
            action="store_true",
            help="Run even though DEMO_ENABLED is off (tests).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEMO_ENABLED or options["allow"]):
            raise CommandError("The demo data is for a first run only: set DEMO_ENABLED=1.")
        if not get_user_model().objects.filter(username="demo_county").exists():
            raise CommandError("Load the demo logins first: manage.py load_demo.")
        counts = generate_demo_relocation()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))

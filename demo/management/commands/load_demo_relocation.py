from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.relocation import DemoRelocationError, generate_demo_relocation


class Command(BaseCommand):
    help = (
        "A small relocation example in the demo village 太岭村 (after the relocation fixture, "
        "load_demo and load_demo_register): four households moved into the fixture's site of "
        "the village's township, whose tally is lowered by as many, so the city totals stay "
        "the seed's. Does nothing when done. Refused unless DEMO_ENABLED."
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
        try:
            counts = generate_demo_relocation()
        except DemoRelocationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))

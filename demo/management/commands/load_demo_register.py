from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from demo.cases import generate_demo_cases
from demo.register import delete_register, generate_register, incidence_at_end_of
from exits.suspect_runs import suspects_compute
from exits.suspects import year_end
from households.models import Household
from supervision.periods import parse_period
from supervision.services import READINESS
from supervision.snapshot_requests import county_snapshots_store


class Command(BaseCommand):
    help = (
        "Generate the demo register at a scale of Tongren (default 1/100), reproducibly. "
        "Skipped when households exist unless --replace. Refused unless DEMO_ENABLED."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=0.01)
        parser.add_argument("--seed", type=int, default=5206)
        parser.add_argument(
            "--replace", action="store_true", help="Delete the existing register first."
        )
        parser.add_argument(
            "--allow",
            action="store_true",
            help="Run even though DEMO_ENABLED is off (tests, benchmarks).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEMO_ENABLED or options["allow"]):
            raise CommandError("The demo register is for a first run only: set DEMO_ENABLED=1.")
        if not 0 < options["scale"] <= 1:
            raise CommandError("--scale must be in (0, 1].")
        if Household.objects.exists():
            if not options["replace"]:
                self.stdout.write("The register already has households: nothing generated.")
                return
            delete_register()
        counts = generate_register(scale=options["scale"], seed=options["seed"])
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
        if get_user_model().objects.filter(username="demo_cadre").exists():
            cases = generate_demo_cases()
            self.stdout.write(f"demo casework: {cases}")
        # The misclassification page reads stored suspects (decision 0027): the story's years,
        # judged on the statistics of the fresh tables (without them a plan can take minutes).
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        for year in range(2014, 2021):
            suspects_compute(on=year_end(year))
        self.stdout.write("misclassification suspects computed for 2014–2020")
        # The readiness page reads stored figures only (decision 0031): the story's years, as
        # each December's dispatch would have stored them.
        for year in range(2014, 2021):
            county_snapshots_store(period=parse_period(str(year)), codes=READINESS)
        self.stdout.write("exit readiness figures stored for 2014–2020")
        for year in (2014, 2019, 2020):
            self.stdout.write(
                f"poverty incidence at the end of {year}: {incidence_at_end_of(year):.2f}%"
            )

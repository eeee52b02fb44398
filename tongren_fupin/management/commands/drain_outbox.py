"""Send the tasks the outbox kept while the broker was unreachable."""

from typing import Any

from django.core.management.base import BaseCommand

from tongren_fupin import outbox


class Command(BaseCommand):
    help = "Publish every pending outbox message to the broker (run after a broker outage)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = outbox.drain()
        self.stdout.write(
            f"sent {result['sent']}, still pending {result['pending']}, purged {result['purged']}"
        )

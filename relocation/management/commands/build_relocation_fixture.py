from typing import Any

from django.core.management.base import BaseCommand

from relocation.fixture import FIXTURE_PATH, render_fixture


class Command(BaseCommand):
    help = "Regenerate fixtures/tongren_relocation from relocation/reference.py (deterministic)."

    def handle(self, *args: Any, **options: Any) -> None:
        FIXTURE_PATH.parent.mkdir(parents=True, exist_ok=True)
        FIXTURE_PATH.write_text(render_fixture(), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {FIXTURE_PATH}"))

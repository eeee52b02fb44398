from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongren_fupin.backups import BackupError, backup_restore, database_label


class Command(BaseCommand):
    help = (
        "Restore the database from a file written by `backup` (pg_restore --clean --if-exists in"
        " one transaction, or the SQLite copy), and optionally the uploaded files. Destructive:"
        " every table of the configured database is replaced."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("database", type=Path, help="The fupin-…-db.dump (or .sqlite3) file.")
        parser.add_argument(
            "--media", type=Path, default=None, help="The fupin-…-media.tar.gz file to put back."
        )
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation (for scripts).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["interactive"]:
            answer = input(
                f"This replaces every table of {database_label()} with {options['database']}.\n"
                "Type 'yes' to continue: "
            )
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled: nothing was changed.")
        try:
            backup_restore(database=options["database"], media=options["media"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored {database_label()}."))

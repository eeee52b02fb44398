from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongren_fupin.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump custom format, or a copy of the SQLite file) and the"
        " uploaded files (a tar.gz of MEDIA_ROOT) into BACKUP_DIR, named with the time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--directory",
            type=Path,
            default=None,
            help="Where to write the two files (default: the BACKUP_DIR setting).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = options["directory"] or Path(settings.BACKUP_DIR)
        try:
            backup = backup_create(directory=directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(backup.database))
        self.stdout.write(str(backup.media))

"""Backups of the database and the uploaded files, and their restore.

PostgreSQL is dumped with ``pg_dump --format=custom`` and restored with ``pg_restore --clean
--if-exists`` in one transaction (all or nothing); SQLite is copied with its online backup API.
The uploaded files (MEDIA_ROOT) go into a tar.gz next to the dump, with the same time stamp.
Connection parameters come from the configured database; the password travels in PGPASSWORD,
never on a command line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

MEDIA_ARCNAME = "media"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


@dataclass(frozen=True)
class Backup:
    database: Path
    media: Path


def backup_create(*, directory: Path, alias: str = DEFAULT_DB_ALIAS) -> Backup:
    """Write the database and the uploaded files to ``directory``; both names carry the time."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    database = directory / f"fupin-{stamp}-db{_database_suffix(alias)}"
    media = directory / f"fupin-{stamp}-media.tar.gz"
    for path in (database, media):
        if path.exists():
            raise BackupError(f"{path} already exists; wait a second and run the backup again.")
    if _vendor(alias) == "postgresql":
        _run(["pg_dump", "--format=custom", f"--file={database}", *_pg_args(alias)], alias)
    else:
        _sqlite_copy(Path(_settings_dict(alias)["NAME"]), database)
    _archive_media(Path(settings.MEDIA_ROOT), media)
    for path in (database, media):
        # Personal data of the whole register: readable by the service account only.
        path.chmod(0o600)
    return Backup(database=database, media=media)


def backup_restore(
    *, database: Path, media: Path | None = None, alias: str = DEFAULT_DB_ALIAS
) -> None:
    """Replace the database (and, if given, add back the uploaded files) from a backup."""
    if not database.is_file():
        raise BackupError(f"{database} is not a file.")
    if media is not None and not media.is_file():
        raise BackupError(f"{media} is not a file.")
    # The restore drops and recreates every table: no connection of ours may hold one.
    connections[alias].close()
    if _vendor(alias) == "postgresql":
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *_pg_args(alias),
                str(database),
            ],
            alias,
        )
    else:
        _sqlite_copy(database, Path(_settings_dict(alias)["NAME"]))
    if media is not None:
        _extract_media(media, Path(settings.MEDIA_ROOT))


def database_label(alias: str = DEFAULT_DB_ALIAS) -> str:
    """Which database a restore would replace, for the confirmation prompt."""
    config = _settings_dict(alias)
    if _vendor(alias) == "postgresql":
        return f"PostgreSQL {config['NAME']} on {config['HOST'] or 'localhost'}"
    return f"SQLite {config['NAME']}"


def _settings_dict(alias: str) -> dict[str, Any]:
    # The live connection's copy of settings.DATABASES (it names the test database in tests).
    config: dict[str, Any] = connections[alias].settings_dict
    return config


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in {"postgresql", "sqlite"}:
        raise BackupError(f"Backups of {vendor} databases are not supported.")
    return vendor


def _database_suffix(alias: str) -> str:
    return ".dump" if _vendor(alias) == "postgresql" else ".sqlite3"


def _pg_args(alias: str) -> list[str]:
    config = _settings_dict(alias)
    args = []
    if config.get("HOST"):
        args.append(f"--host={config['HOST']}")
    if config.get("PORT"):
        args.append(f"--port={config['PORT']}")
    if config.get("USER"):
        args.append(f"--username={config['USER']}")
    args.append(f"--dbname={config['NAME']}")
    return args


def _run(command: list[str], alias: str) -> None:
    env = {**os.environ}
    password = _settings_dict(alias).get("PASSWORD")
    if password:
        env["PGPASSWORD"] = password
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(
            f"{command[0]} is not installed: install the PostgreSQL client tools"
            " (the same major version as the server, or newer)."
        ) from exc
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed:\n{result.stderr.strip()}")


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy with SQLite's online backup API: consistent even while the site writes."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    reader = sqlite3.connect(source)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()


def _archive_media(media_root: Path, archive: Path) -> None:
    with tarfile.open(archive, "w:gz") as tar:
        if media_root.is_dir():
            tar.add(media_root, arcname=MEDIA_ARCNAME)


def _extract_media(archive: Path, media_root: Path) -> None:
    """Put the archived files back; files uploaded since the backup stay where they are."""
    media_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media_root.parent) as scratch:
        with tarfile.open(archive, "r:gz") as tar:
            # The "data" filter refuses absolute paths, "..", links out of the tree and devices.
            tar.extractall(scratch, filter="data")
        extracted = Path(scratch) / MEDIA_ARCNAME
        if extracted.is_dir():
            shutil.copytree(extracted, media_root, dirs_exist_ok=True)

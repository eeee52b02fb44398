import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from regions.models import Assignment, Region
from tests.conftest import YANHE, YANHE_VILLAGE
from tests.regions.factories import assigned_user

ROOT = Path(__file__).resolve().parents[2]
TABLES = ["regions_region", "regions_assignment", "auth_user", "authtoken_token"]


def _database_state() -> dict[str, object]:
    """Row counts of the tables the test touches and a checksum of every region row."""
    with connection.cursor() as cursor:
        state: dict[str, object] = {}
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # table names are constants above
            state[table] = cursor.fetchone()[0]
        cursor.execute("SELECT md5(string_agg(r::text, '|' ORDER BY r.code)) FROM regions_region r")
        state["regions_md5"] = cursor.fetchone()[0]
        cursor.execute("SELECT md5(string_agg(u::text, '|' ORDER BY u.id)) FROM auth_user u")
        state["users_md5"] = cursor.fetchone()[0]
    return state


def _backup(directory: Path) -> tuple[Path, Path]:
    out = StringIO()
    call_command("backup", directory=directory, stdout=out)
    database, media = (Path(line) for line in out.getvalue().split())
    return database, media


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "documents").mkdir(parents=True)
    return Path(settings.MEDIA_ROOT)


def test_a_backup_restores_the_database_and_files_exactly(tongren_regions, media_root, tmp_path):
    assigned_user("cadre_yanhe", "village_cadre", YANHE_VILLAGE)
    assigned_user("county_supervisor", "county_supervisor", YANHE)
    (media_root / "documents" / "低保证明.pdf").write_bytes(b"%PDF-1.4 scan")
    village_name = Region.objects.get(code=YANHE_VILLAGE).name
    before = _database_state()
    database, media = _backup(tmp_path / "backups")

    Assignment.objects.filter(user__username="cadre_yanhe").delete()
    get_user_model().objects.filter(username="county_supervisor").update(is_active=False)
    Region.objects.filter(code=YANHE_VILLAGE).update(name="被改名的村")
    assigned_user("intruder", "city_supervisor", "520600000000")
    (media_root / "documents" / "低保证明.pdf").unlink()
    assert _database_state() != before

    connection.close()
    call_command("restore", str(database), media=media, interactive=False, stdout=StringIO())

    assert _database_state() == before
    assert Region.objects.get(code=YANHE_VILLAGE).name == village_name
    assert get_user_model().objects.filter(username="intruder").exists() is False
    assert get_user_model().objects.get(username="county_supervisor").is_active is True
    assert (media_root / "documents" / "低保证明.pdf").read_bytes() == b"%PDF-1.4 scan"


def test_backup_files_are_named_with_the_time_and_private(tongren_regions, media_root, tmp_path):
    database, media = _backup(tmp_path / "backups")

    assert database.parent == media.parent == tmp_path / "backups"
    assert database.name.startswith("fupin-") and database.name.endswith("-db.dump")
    assert media.name == database.name.replace("-db.dump", "-media.tar.gz")
    assert oct(database.stat().st_mode & 0o777) == "0o600"
    assert oct(media.stat().st_mode & 0o777) == "0o600"
    assert subprocess.run(["pg_restore", "--list", database], capture_output=True).returncode == 0


def test_restore_asks_first_and_changes_nothing_unless_told_yes(
    tongren_regions, media_root, tmp_path, monkeypatch
):
    database, _media = _backup(tmp_path / "backups")
    Region.objects.filter(code=YANHE_VILLAGE).update(name="改过的名字")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="Restore cancelled"):
        call_command("restore", str(database))

    assert Region.objects.get(code=YANHE_VILLAGE).name == "改过的名字"


def test_restore_refuses_a_missing_file(db):
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore", "/nonexistent/fupin-db.dump", interactive=False)


def _manage_sqlite(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(database.parent / "media"),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def _rows(database: Path) -> list[tuple[str]]:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT name FROM village ORDER BY name").fetchall()


def test_a_sqlite_database_round_trips_through_its_backup(tmp_path):
    database = tmp_path / "db.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE village (name TEXT)")
        db.executemany("INSERT INTO village VALUES (?)", [("太岭村",), ("甘溪村",)])
    backup = _manage_sqlite(database, "backup", "--directory", str(tmp_path / "backups"))
    copy = Path(backup.stdout.split()[0])
    with sqlite3.connect(database) as db:
        db.execute("DELETE FROM village")

    restore = _manage_sqlite(database, "restore", str(copy), "--no-input")

    assert backup.returncode == restore.returncode == 0, backup.stderr + restore.stderr
    assert copy.name.endswith("-db.sqlite3")
    assert _rows(database) == [("太岭村",), ("甘溪村",)]

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tongren_fupin import settings as project_settings
from tongren_fupin.settings import env_bool, env_int, parse_database_url

ROOT = Path(__file__).resolve().parents[2]


def test_sqlite_url_is_relative_to_the_project():
    config = parse_database_url("sqlite:///var/db.sqlite3")

    assert config == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(project_settings.BASE_DIR / "var" / "db.sqlite3"),
    }


def test_sqlite_url_with_four_slashes_is_absolute():
    assert parse_database_url("sqlite:////tmp/x.db")["NAME"] == "/tmp/x.db"


def test_postgres_url_gives_every_part():
    config = parse_database_url("postgres://fupin:s%40cret@db.internal:6432/register")

    assert (
        config["ENGINE"],
        config["NAME"],
        config["USER"],
        config["PASSWORD"],
        config["HOST"],
        config["PORT"],
    ) == ("django.db.backends.postgresql", "register", "fupin", "s@cret", "db.internal", "6432")


@pytest.mark.parametrize("url", ["mysql://x/y", "postgres://host:5432/"], ids=["scheme", "no-db"])
def test_unsupported_database_urls_are_refused(url):
    with pytest.raises(ImproperlyConfigured):
        parse_database_url(url)


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), ("true", True), ("off", False), ("0", False)]
)
def test_booleans_parse(monkeypatch, raw, value):
    monkeypatch.setenv("SOME_FLAG", raw)

    assert env_bool("SOME_FLAG") is value


def test_a_misspelt_boolean_is_refused(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "ture")

    with pytest.raises(ImproperlyConfigured):
        env_bool("SOME_FLAG")


def test_a_non_numeric_integer_is_refused(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")

    with pytest.raises(ImproperlyConfigured):
        env_int("SOME_NUMBER", 1)


def _import_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "CELERY_BROKER_URL"}
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import tongren_fupin.settings as s; print(s.DEBUG, s.LANGUAGE_CODE,"
            " s.TIME_ZONE, s.CELERY_TASK_ALWAYS_EAGER)",
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _import_settings(DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_defaults_are_chinese_shanghai_and_eager_without_a_broker():
    result = _import_settings(DEBUG="1")

    assert result.stdout.split() == ["True", "zh-hans", "Asia/Shanghai", "True"]


def test_a_broker_url_turns_eager_mode_off():
    result = _import_settings(DEBUG="1", CELERY_BROKER_URL="redis://127.0.0.1:6379/0")

    assert result.stdout.split()[-1] == "False"

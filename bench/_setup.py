"""Shared set-up of the benchmarks: a separate PostgreSQL database, migrated, with regions."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tongren_fupin_bench"
)


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40 + "0123456789abcdef")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ["ALLOW_EAGER_CELERY"] = "1"
    os.environ.setdefault("ALLOW_CONSOLE_EMAIL", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongren_fupin.settings")
    import django

    django.setup()


def create_database() -> None:
    """Create the benchmark database (dropped first) and migrate it."""
    import psycopg
    from django.conf import settings
    from django.core.management import call_command

    db = settings.DATABASES["default"]
    admin = psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{db["NAME"]}"')
    admin.close()
    call_command("migrate", verbosity=0)
    call_command(
        "loaddata", str(ROOT / "fixtures/tongren_regions/tongren_regions.json"), verbosity=0
    )

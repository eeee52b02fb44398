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
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        "TEST": {"NAME": str(project_settings.BASE_DIR / "var" / "test_db.sqlite3")},
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


# Variables the test run sets (see the Makefile's TEST_ENV) that would hide the defaults.
_RUN_VARIABLES = {
    "SECRET_KEY",
    "DEBUG",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "USE_X_FORWARDED_PROTO",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "REVERSE_PROXY_COUNT",
    "AXES_FAILURE_LIMIT",
    "AXES_ADDRESS_FAILURE_LIMIT",
    "AXES_COOLOFF_MINUTES",
    "EMAIL_BACKEND",
    "ALLOW_SQLITE",
    "ALLOW_EAGER_CELERY",
    "ALLOW_CONSOLE_EMAIL",
    "API_THROTTLE_USER",
}
PRODUCTION_SERVICES = {
    "DATABASE_URL": "postgres://fupin@db.internal:5432/fupin",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}
PRODUCTION_KEY = "prod-like-key-for-settings-tests-4Hq9Lx2Vb7Nc3Md8Pf5Rt1Wz6Yk0"


def _import_settings(
    expression: str = "s.DEBUG, s.LANGUAGE_CODE, s.TIME_ZONE, s.CELERY_TASK_ALWAYS_EAGER",
    **env: str,
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in _RUN_VARIABLES}
    return subprocess.run(
        [sys.executable, "-c", f"import tongren_fupin.settings as s; print({expression})"],
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


def test_manage_py_says_why_it_refuses_to_start():
    clean = {k: v for k, v in os.environ.items() if k not in _RUN_VARIABLES}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env={**clean, "DEBUG": "0"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert result.stderr.startswith("ImproperlyConfigured: SECRET_KEY is not set.")
    assert "Traceback" not in result.stderr


def test_defaults_are_chinese_shanghai_and_eager_without_a_broker():
    result = _import_settings(DEBUG="1")

    assert result.stdout.split() == ["True", "zh-hans", "Asia/Shanghai", "True"]


def test_a_broker_url_turns_eager_mode_off():
    result = _import_settings(DEBUG="1", CELERY_BROKER_URL="redis://127.0.0.1:6379/0")

    assert result.stdout.split()[-1] == "False"


HTTPS_SETTINGS = (
    "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
    " s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD,"
    " getattr(s, 'SECURE_PROXY_SSL_HEADER', None)"
)


def test_production_defaults_are_https_only_behind_the_proxy():
    result = _import_settings(
        HTTPS_SETTINGS, DEBUG="0", SECRET_KEY=PRODUCTION_KEY, **PRODUCTION_SERVICES
    )

    assert result.stdout.strip() == (
        "True True True 31536000 True False ('HTTP_X_FORWARDED_PROTO', 'https')"
    ), result.stderr


def test_local_debug_runs_stay_on_plain_http():
    result = _import_settings(HTTPS_SETTINGS, DEBUG="1")

    assert result.stdout.strip() == "False False False 0 False False None"


def test_each_https_setting_can_be_turned_off_for_a_plain_http_deployment():
    result = _import_settings(
        HTTPS_SETTINGS,
        DEBUG="0",
        SECRET_KEY=PRODUCTION_KEY,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        USE_X_FORWARDED_PROTO="0",
        **PRODUCTION_SERVICES,
    )

    assert result.stdout.strip() == "False False False 0 False False None"


def test_login_lockout_defaults_to_five_failures_and_one_hour():
    result = _import_settings(
        "s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME, s.AXES_LOCKOUT_PARAMETERS,"
        " s.REVERSE_PROXY_COUNT, s.AUTHENTICATION_BACKENDS[0], s.MIDDLEWARE[-1]",
        DEBUG="1",
    )

    assert result.stdout.strip() == (
        "5 1:00:00 [['username', 'ip_address']] 0"
        " axes.backends.AxesStandaloneBackend axes.middleware.AxesMiddleware"
    )


@pytest.mark.parametrize(
    ("missing", "opt_in", "message"),
    [
        ("DATABASE_URL", "ALLOW_SQLITE", "DATABASE_URL is not set."),
        ("CELERY_BROKER_URL", "ALLOW_EAGER_CELERY", "CELERY_BROKER_URL is not set."),
        ("EMAIL_BACKEND", "ALLOW_CONSOLE_EMAIL", "EMAIL_BACKEND is not set."),
    ],
    ids=["database", "broker", "e-mail"],
)
def test_production_refuses_each_silent_fallback(missing, opt_in, message):
    services = {k: v for k, v in PRODUCTION_SERVICES.items() if k != missing}

    result = _import_settings(DEBUG="0", SECRET_KEY=PRODUCTION_KEY, **services)

    assert result.returncode == 1
    assert f"ImproperlyConfigured: {message}" in result.stderr
    assert f"set {opt_in}=1" in result.stderr


def test_production_refuses_a_sqlite_database_url_unless_asked_for():
    services = {**PRODUCTION_SERVICES, "DATABASE_URL": "sqlite:///var/db.sqlite3"}

    refused = _import_settings(DEBUG="0", SECRET_KEY=PRODUCTION_KEY, **services)
    allowed = _import_settings(
        "s.DATABASES['default']['ENGINE']",
        DEBUG="0",
        SECRET_KEY=PRODUCTION_KEY,
        ALLOW_SQLITE="1",
        **services,
    )

    assert refused.returncode == 1
    assert "A PostgreSQL DATABASE_URL is not set." in refused.stderr
    assert allowed.stdout.strip() == "django.db.backends.sqlite3", allowed.stderr


def test_production_runs_on_the_fallbacks_only_when_each_is_asked_for():
    result = _import_settings(
        "s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND",
        DEBUG="0",
        SECRET_KEY=PRODUCTION_KEY,
        ALLOW_SQLITE="1",
        ALLOW_EAGER_CELERY="1",
        ALLOW_CONSOLE_EMAIL="1",
    )

    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ], result.stderr


def test_production_on_postgresql_checks_the_connection_before_each_request():
    result = _import_settings(
        "s.DATABASES['default']['CONN_HEALTH_CHECKS'], s.DATABASES['default']['CONN_MAX_AGE']",
        DEBUG="0",
        SECRET_KEY=PRODUCTION_KEY,
        **PRODUCTION_SERVICES,
    )

    assert result.stdout.split() == ["True", "60"], result.stderr


def test_a_malformed_throttle_rate_is_refused_at_start_up():
    result = _import_settings(DEBUG="1", API_THROTTLE_USER="lots")

    assert result.returncode == 1
    assert "API_THROTTLE_USER must be a rate such as 600/minute, not 'lots'" in result.stderr


@pytest.mark.django_db
def test_postgres_connections_run_without_jit_and_with_the_ssd_page_cost():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
        cursor.execute("SHOW random_page_cost")
        page_cost = cursor.fetchone()[0]

    assert (jit, page_cost) == ("off", "1.1")


def test_the_page_cost_follows_its_variable(monkeypatch):
    monkeypatch.setenv("DATABASE_RANDOM_PAGE_COST", "4")

    options = parse_database_url("postgres://host:5432/register")["OPTIONS"]

    assert options == {"options": "-c jit=off -c random_page_cost=4.0"}


def test_a_page_cost_that_is_not_a_number_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("DATABASE_RANDOM_PAGE_COST", "1.1 -c statement_timeout=0")

    with pytest.raises(ImproperlyConfigured, match="DATABASE_RANDOM_PAGE_COST must be a number"):
        parse_database_url("postgres://host:5432/register")

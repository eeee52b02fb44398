"""Production settings: `check --deploy` is clean, and a weak secret key stops the start-up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "Kq8vN2xR7tLp4Wz9Bc6Hj3Fd5Sg1Mn0Ye8Ua7Ti2Oo4Pw6Qr9Xs3Vb5Nc1Lk7Jh2Gf"
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "fupin.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://fupin.example.gov.cn",
    "DATABASE_URL": "postgres://fupin@db.internal:5432/fupin",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run manage.py with only the given environment: nothing leaks in from the test run."""
    base = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deploy_check_without_a_warning():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    # HSTS preload is a deliberate choice of the domain owner (docs/decisions/0002-security.md).
    assert result.stdout.strip() == "System check identified no issues (1 silenced)."


def test_opting_into_hsts_preload_leaves_nothing_silenced():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", SECURE_HSTS_PRELOAD="1", **PRODUCTION_ENV
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_turning_https_off_in_production_fails_the_deploy_check():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", SECURE_SSL_REDIRECT="0", **PRODUCTION_ENV
    )

    assert result.returncode == 1
    assert "security.W008" in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "short-but-random-Xk29fQ",
        "a" * 40 + "b" * 30,
        "django-insecure-" + STRONG_KEY,
    ],
    ids=["shorter-than-50", "fewer-than-5-distinct-characters", "django-insecure-prefix"],
)
def test_a_weak_secret_key_is_refused_at_start_up(key):
    result = _manage("check", **{**PRODUCTION_ENV, "SECRET_KEY": key})

    assert result.returncode == 1
    assert "ImproperlyConfigured: SECRET_KEY is too weak" in result.stderr


def test_a_weak_secret_key_is_accepted_for_local_debug_runs():
    result = _manage("check", **{**PRODUCTION_ENV, "DEBUG": "1", "SECRET_KEY": "short"})

    assert result.returncode == 0, result.stderr

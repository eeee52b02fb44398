"""Settings: the one module that reads the environment.

Every value comes from an environment variable with strict parsing. With DEBUG=1 the defaults
are the embedded first-run setup (SQLite, eager Celery, console e-mail); production (DEBUG=0)
refuses to start without a secret key, DATABASE_URL (PostgreSQL), CELERY_BROKER_URL and
EMAIL_BACKEND unless each fallback is asked for by name (ALLOW_SQLITE, ALLOW_EAGER_CELERY,
ALLOW_CONSOLE_EMAIL; docs/decisions/0022-runtime-hardening.md).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


_Parsed = TypeVar("_Parsed")


def _env_number(name: str, default: _Parsed, parse: Callable[[str], _Parsed], kind: str) -> _Parsed:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return parse(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be {kind}, not {raw!r}") from exc


def env_int(name: str, default: int) -> int:
    return _env_number(name, default, int, "an integer")


def env_float(name: str, default: float) -> float:
    return _env_number(name, default, float, "a number")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def require_in_production(name: str, opt_in: str, what: str) -> None:
    """Production refuses a silent fallback: ``name`` must be set, or ``opt_in`` must say so."""
    if DEBUG or env_bool(opt_in, False):
        return
    raise ImproperlyConfigured(
        f"{name} is not set. {what} Set it, or set {opt_in}=1 to accept the fallback explicitly."
    )


# SQLite holds a handful of concurrent users (`make run`) when readers do not block the writer
# (WAL), a writer waits for the lock instead of failing at once (busy timeout, seconds), and a
# write transaction takes the lock when it begins, not half-way through, where waiting is no
# longer possible ("database is locked" at once).
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


_RATE = re.compile(r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$")


def env_rate(name: str, default: str) -> str:
    """A DRF throttle rate such as ``600/minute``; empty turns the throttle off."""
    raw = os.environ.get(name, default).strip()
    if raw and not _RATE.match(raw):
        raise ImproperlyConfigured(f"{name} must be a rate such as 600/minute, not {raw!r}")
    return raw


def env_json_object(name: str) -> dict[str, object]:
    """A JSON object (a storage backend's options); unset or blank is an empty one."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a JSON object, not {raw!r}") from exc
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object, not {raw!r}")
    return value


def parse_database_url(url: str) -> dict[str, object]:
    """Turn ``sqlite:///path`` or ``postgres://user:pass@host:port/name`` into DATABASES."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        # sqlite:///var/db.sqlite3 is relative to the project, sqlite:////abs/path is absolute
        name = Path(path[1:])
        if not name.is_absolute():
            name = BASE_DIR / name
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(name),
            "OPTIONS": dict(SQLITE_OPTIONS),
            # The tests' database is a file beside it, not memory shared between connections,
            # where the concurrent tests would meet table locks no busy timeout waits for.
            "TEST": {"NAME": str(name.with_name(f"test_{name.name}"))},
        }
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        if not parts.path.strip("/"):
            raise ImproperlyConfigured("DATABASE_URL names no database")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            # JIT compilation costs more than it saves on short scoped queries (measured:
            # 16 ms of compilation for a 1 ms search). A random page read costs about what a
            # sequential one does on SSD storage and in cache (PostgreSQL's default of 4 is for
            # spinning disks): with the default, a county's name search hashed all 56,000 of
            # its households (48 ms) instead of probing the 1,600 matches' households by index
            # (5–10 ms; docs/benchmarks.md).
            "OPTIONS": {
                "options": "-c jit=off -c random_page_cost="
                + str(env_float("DATABASE_RANDOM_PAGE_COST", 1.1))
            },
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported")


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it (50+ random characters) or run with DEBUG=1 locally."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug-runs"
elif not DEBUG and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")
):
    # The same rule as `check --deploy` (security.W009), enforced at start-up: a weak key
    # lets anyone forge sessions and password-reset links.
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak: use at least 50 random characters (5 or more distinct), e.g."
        " python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# How many reverse proxies, each appending to X-Forwarded-For, stand before gunicorn. 0 trusts
# only the socket address: a client could otherwise spoof X-Forwarded-For to dodge the lockout
# and the API throttles.
REVERSE_PROXY_COUNT = env_int("REVERSE_PROXY_COUNT", 0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "import_export",
    "csp",
    "axes",
    "tongren_fupin",
    "audit",
    "regions",
    "households",
    "inspections",
    "imports",
    "assistance",
    "relocation",
    "exits",
    "monitoring",
    "supervision",
    "fieldsync",
    "workbench",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A signed-in session's expiry moves on at most every SESSION_REFRESH_SECONDS.
    "tongren_fupin.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Reads of indicators, reports, dashboards and API lists from the replica, when there is one.
    "tongren_fupin.middleware.ReplicaReadsMiddleware",
    "tongren_fupin.middleware.RejectNulBytesMiddleware",
    "tongren_fupin.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tongren_fupin.middleware.ApiNotFoundMiddleware",
    # Last, as django-axes requires: it turns a lockout flagged during the view into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tongren_fupin.urls"
WSGI_APPLICATION = "tongren_fupin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tongren_fupin.navigation.navigation",
                "regions.context_processors.roles",
                "supervision.context_processors.notifications",
            ],
        },
    },
]

# Django's form renderer with the common widget templates written in Python (the same output,
# half the CPU of a form page: tongren_fupin/form_rendering.py).
FORM_RENDERER = "tongren_fupin.form_rendering.WidgetRenderer"

if not env_str("DATABASE_URL"):
    require_in_production(
        "DATABASE_URL",
        "ALLOW_SQLITE",
        "Production runs on PostgreSQL (postgres://user:password@host:5432/name).",
    )
DATABASES = {"default": parse_database_url(env_str("DATABASE_URL") or "sqlite:///var/db.sqlite3")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    require_in_production(
        "A PostgreSQL DATABASE_URL", "ALLOW_SQLITE", "The embedded SQLite is for trial runs only."
    )
# A PostgreSQL hot standby for the reads that may lag (tongren_fupin/db_router.py, decision
# 0031): the `replica` alias. Writes, and a client's reads for a few seconds after its write,
# use the primary; when the replica does not answer, the primary serves everything.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    replica = parse_database_url(DATABASE_REPLICA_URL)
    if replica["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must be a PostgreSQL standby (postgres://…)"
        )
    replica_options = replica.get("OPTIONS")
    replica["OPTIONS"] = {
        **(replica_options if isinstance(replica_options, dict) else {}),
        "connect_timeout": env_int("DATABASE_REPLICA_CONNECT_TIMEOUT", 2),
    }
    # The tests read the test database through the standby (no database of its own).
    replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = replica
DATABASE_ROUTERS = ["tongren_fupin.db_router.ReplicaRouter"]
REPLICA_READ_YOUR_WRITES_SECONDS = env_int("REPLICA_READ_YOUR_WRITES_SECONDS", 10)
REPLICA_RETRY_SECONDS = env_int("REPLICA_RETRY_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, the session's user loaded with its assignment in one query.
    "regions.auth.AssignmentBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded files (import jobs, photo evidence). Production may name any django-storages
    # backend (e.g. "storages.backends.s3.S3Storage") with its options as a JSON object; photos
    # are always read back through the scoped views, never from the storage's own URL.
    "default": {
        "BACKEND": env_str("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": env_json_object("STORAGE_OPTIONS"),
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# The largest register upload (the files of one import together); Tongren's whole register is
# about 100 MB as XLSX.
IMPORT_MAX_UPLOAD_MB = env_int("IMPORT_MAX_UPLOAD_MB", 200)

# 我的任务: a household not visited for this many months is listed on its cadre's home page.
WORKBENCH_UNVISITED_MONTHS = env_int("WORKBENCH_UNVISITED_MONTHS", 3)
# The offline pack holds at most this many households; a larger jurisdiction (a township
# reviewer's county) picks a township or village (``?region=``).
OFFLINE_PACK_MAX_HOUSEHOLDS = env_int("OFFLINE_PACK_MAX_HOUSEHOLDS", 500)
# Photo evidence: the largest photo accepted (a phone's full-resolution JPEG is 3-10 MB) and
# the most photos one item takes at once; each is re-encoded to 1600 px (tongren_fupin/photos.py).
PHOTO_MAX_UPLOAD_MB = env_int("PHOTO_MAX_UPLOAD_MB", 12)
PHOTO_MAX_COUNT = env_int("PHOTO_MAX_COUNT", 10)
# Where `manage.py backup` writes; a relative path is taken from the project directory.
BACKUP_DIR = BASE_DIR / env_str("BACKUP_DIR", "var/backups")

if not env_str("EMAIL_BACKEND"):
    require_in_production(
        "EMAIL_BACKEND",
        "ALLOW_CONSOLE_EMAIL",
        "Without it e-mail is only printed (django.core.mail.backends.smtp.EmailBackend sends).",
    )
EMAIL_BACKEND = env_str("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
# The cache holds the API throttles' counts: shared by every web worker when CACHE_URL names a
# Redis database (redis://host:6379/2), else each process counts on its own.
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }

EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "fupin@tongren.invalid")

# Celery: Redis when CELERY_BROKER_URL is set, otherwise tasks run inline (eager).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
if not CELERY_BROKER_URL:
    require_in_production(
        "CELERY_BROKER_URL",
        "ALLOW_EAGER_CELERY",
        "Without a broker every task runs inside the request (redis://host:6379/0).",
    )
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else None
)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 7200)}
CELERY_RESULT_EXPIRES = 86400
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Queues per kind of work (imports, reports, monitoring, notifications, celery), each with its
# own worker: tongren_fupin/queues.py routes every task by name (decision 0031). The prefix
# keeps deployments (or test runs) sharing one broker apart.
TASK_QUEUE_PREFIX = env_str("TASK_QUEUE_PREFIX")
CELERY_TASK_ROUTES = ("tongren_fupin.queues.route",)
CELERY_TASK_DEFAULT_QUEUE = f"{TASK_QUEUE_PREFIX}celery"

# The largest JSON request body (Django's own default ceiling for a body, 2.5 MB) and the deepest
# nesting it may have: the API's bodies nest two or three levels.
API_JSON_MAX_BYTES = env_int("API_JSON_MAX_BYTES", 2_621_440)
API_JSON_MAX_DEPTH = env_int("API_JSON_MAX_DEPTH", 20)

# The API's default throttle per signed-in user (429 past it). Anonymous calls answer 401 before
# any throttle; the token endpoint, the one open to them, has its own (tongren_fupin/api/views.py).
API_THROTTLE_USER = env_rate("API_THROTTLE_USER", "600/minute")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API call then answers 401 with a WWW-Authenticate header.
        "regions.auth.AssignmentTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["regions.permissions.HasJurisdiction"],
    "DEFAULT_PAGINATION_CLASS": "tongren_fupin.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "tongren_fupin.api.exceptions.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # JSON bounded in size (API_JSON_MAX_BYTES) and depth (API_JSON_MAX_DEPTH).
    "DEFAULT_PARSER_CLASSES": [
        "tongren_fupin.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "tongren_fupin.api.throttling.UserThrottle",
    ],
    # The throttles identify a client by the same address the login lockout uses.
    "NUM_PROXIES": REVERSE_PROXY_COUNT,
}

SPECTACULAR_SETTINGS = {
    # One schema name per code list, whatever field it appears on.
    "ENUM_NAME_OVERRIDES": {
        "HouseholdStatusEnum": "households.choices.Status",
        "PovertyCauseEnum": "households.choices.Cause",
        "RelationToHeadEnum": "households.choices.Relation",
        "SatisfactionEnum": "inspections.models.Satisfaction",
        "ProblemStateEnum": "inspections.models.ProblemState",
        "ExitStateEnum": "exits.models.ExitState",
        "RelocationSiteKindEnum": "relocation.models.SiteKind",
        "SyncKindEnum": "fieldsync.models.SyncKind",
        "VisitKindEnum": "inspections.models.VisitKind",
        "ProblemCategoryEnum": "inspections.models.ProblemCategory",
        "FiveLooksEnum": "inspections.models.FIVE_LOOKS",
    },
    "TITLE": "铜仁扶贫 API",
    "DESCRIPTION": "铜仁扶贫业务数据接口：建档立卡、入户核查、帮扶协作、易地搬迁与监测督导。"
    "所有数据按调用者的管辖范围返回；错误以 {code, message, errors} 给出。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tongren_fupin.api.schema.document_unsupported_media_type",
    ],
}

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
# Sessions end after SESSION_COOKIE_AGE of inactivity: a request moves the expiry on when the
# last move is older than SESSION_REFRESH_SECONDS (SessionRefreshMiddleware), instead of a write
# on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 300)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# HTTPS: on by default whenever DEBUG is off; `make run` (DEBUG=1) stays on plain http.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# gunicorn speaks plain http behind the TLS-terminating proxy, which must set (and overwrite)
# X-Forwarded-Proto; without trusting it every request would look like http and redirect forever.
if env_bool("USE_X_FORWARDED_PROTO", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# Preloading commits the whole registrable domain to HTTPS in every browser, for months; that is
# the domain owner's decision, not this application's (docs/decisions/0002-security.md).
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Content Security Policy (django-csp 4): only this origin's scripts, styles and images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Login protection (django-axes): a username + address pair is locked after AXES_FAILURE_LIMIT
# failures, and an address whatever the usernames after AXES_ADDRESS_FAILURE_LIMIT, until
# AXES_COOLOFF_MINUTES pass without another failure, or an operator unlocks it.
AXES_HANDLER = "tongren_fupin.login_protection.AddressLockoutHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tongren_fupin.login_protection.lockout_response"
AXES_CLIENT_IP_CALLABLE = "tongren_fupin.login_protection.client_ip"

# Demo logins are created only by `manage.py load_demo`, which refuses to run unless this is on.
DEMO_ENABLED = env_bool("DEMO_ENABLED", DEBUG)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Failures and lockouts are warnings; the start-up banner and each success are noise.
        "axes": {"level": "WARNING"},
        # WeasyPrint (tongren_fupin/pdf.py) logs each of its rendering steps at INFO.
        "weasyprint": {"level": "WARNING"},
    },
}

#!/usr/bin/env bash
# The production install works: the environment built from uv.lock without the dev group (what
# the Dockerfile installs) loads the URLconf and the Celery tasks, passes `check --deploy`,
# migrates a throwaway database, collects the static files with every template's {% static %}
# path in the manifest and serves the login page with gunicorn, all with production settings.
# A runtime module importing a dev-only package fails here instead of on the first request in
# production, and so does a page whose {% static %} file is not shipped.
#
# Environment: UV and RUNTIME_PYTHON (the uv binary and the interpreter of the new venv),
# RUNTIME_VENV (where it lives, kept between runs so that the second run only checks it; inside
# .venv by default, which ruff, mypy, the message commands and the translation test all skip),
# POSTGRES_SERVER (a server where the throwaway database may be created) and REDIS_URL.
set -euo pipefail
cd "$(dirname "$0")/.."

UV=${UV:-.venv/bin/uv}
if [ -z "${RUNTIME_PYTHON:-}" ]; then
  RUNTIME_PYTHON=python3
  [ -x .venv/bin/python ] && RUNTIME_PYTHON=.venv/bin/python
fi
RUNTIME_VENV=${RUNTIME_VENV:-.venv/runtime}
case "$RUNTIME_VENV" in /*) ;; *) RUNTIME_VENV="$PWD/$RUNTIME_VENV" ;; esac
POSTGRES_SERVER=${POSTGRES_SERVER:-postgres://postgres@127.0.0.1:5432}
POSTGRES_SERVER=${POSTGRES_SERVER%/}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/15}
# One database per run: two checkouts may run the check at the same time.
DB_NAME="tongren_fupin_runtime_check_$$"

step="setting up"
work="$(mktemp -d)"
gunicorn_pid=""
db_created=""
static_created=""
[ -e staticfiles ] || static_created=1

finish() {
  local rc=$?
  if [ -n "$gunicorn_pid" ]; then
    kill "$gunicorn_pid" 2>/dev/null || true
    wait "$gunicorn_pid" 2>/dev/null || true
  fi
  if [ -n "$db_created" ]; then
    dropdb --if-exists --maintenance-db="$POSTGRES_SERVER/postgres" "$DB_NAME" || true
  fi
  # The tests (DEBUG=0) would serve a leftover collection through WhiteNoise: leave none behind.
  if [ -n "$static_created" ]; then rm -rf staticfiles; fi
  rm -rf "$work"
  if [ "$rc" -ne 0 ]; then
    echo "runtime-check FAILED: $step (uv sync --no-dev, production settings; see above)" >&2
  fi
  exit "$rc"
}
trap finish EXIT

step="building the runtime environment from uv.lock without the dev group"
UV_PROJECT_ENVIRONMENT="$RUNTIME_VENV" UV_PYTHON_DOWNLOADS=never \
  "$UV" sync --locked --no-dev --quiet --python "$RUNTIME_PYTHON"
python="$RUNTIME_VENV/bin/python"

step="static/vendor is missing (make assets)"
[ -f static/vendor/pico/pico.min.css ]

# Production values only: `env -i` keeps a developer's DEBUG=1 (or the tests' settings) out.
secret_key="$("$python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
prod_env=(
  PATH="$RUNTIME_VENV/bin:/usr/local/bin:/usr/bin:/bin" HOME="$work" LANG=C.UTF-8
  DJANGO_SETTINGS_MODULE=tongren_fupin.settings
  DEBUG=0 SECRET_KEY="$secret_key" ALLOWED_HOSTS=127.0.0.1,localhost
  DATABASE_URL="$POSTGRES_SERVER/$DB_NAME" CELERY_BROKER_URL="$REDIS_URL"
  EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend
  STATIC_MANIFEST=1
  SECURE_SSL_REDIRECT=1 SESSION_COOKIE_SECURE=1 CSRF_COOKIE_SECURE=1 USE_X_FORWARDED_PROTO=1
  SECURE_HSTS_SECONDS=31536000 SECURE_HSTS_INCLUDE_SUBDOMAINS=1
)
prod() { env -i "${prod_env[@]}" "$@"; }

step="the URLconf or the Celery tasks do not import in the runtime environment"
prod "$python" -c '
import django

django.setup()
import tongren_fupin.urls  # noqa: F401
from tongren_fupin.celery import app

app.loader.import_default_modules()  # what a worker imports: the tasks module of every app
'

step="manage.py check --deploy --fail-level WARNING"
prod "$python" manage.py check --deploy --fail-level WARNING

step="creating the throwaway database $DB_NAME"
createdb --maintenance-db="$POSTGRES_SERVER/postgres" "$DB_NAME"
db_created=1

step="manage.py migrate (the migrate service of docker-compose.yml)"
prod "$python" manage.py migrate --no-input -v 0

step="manage.py collectstatic (the Dockerfile's, STATIC_MANIFEST=1)"
prod "$python" manage.py collectstatic --no-input -v 0

# With the manifest a {% static %} path missing from it answers 500 on the page that loads it
# (the dashboard's ECharts was one); the login page alone would not show it.
step="a template's {% static %} path is not in the manifest (scripts/static_refs.py)"
prod "$python" scripts/static_refs.py

step="finding a free port"
port="$("$python" -c '
import socket

s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
')"

step="starting gunicorn on 127.0.0.1:$port"
# Not through prod(): $! must be gunicorn itself for the trap to stop it. No control socket: it
# would be one path (~/.gunicorn) for every gunicorn of the user.
env -i "${prod_env[@]}" "$RUNTIME_VENV/bin/gunicorn" tongren_fupin.wsgi:application \
  --bind "127.0.0.1:$port" --workers 1 --no-control-socket --access-logfile - \
  >"$work/gunicorn.log" 2>&1 &
gunicorn_pid=$!

step="GET /login/ through gunicorn"
# What the TLS-terminating proxy sends (docs/operations.md): without X-Forwarded-Proto the
# answer is the redirect to https.
status=""
for _ in $(seq 100); do
  if status="$(curl -sS --max-time 10 -o "$work/body" -D "$work/headers" -w '%{http_code}' \
    -H 'Host: localhost' -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$port/login/" \
    2>/dev/null)"; then
    break
  fi
  status=""
  if ! kill -0 "$gunicorn_pid" 2>/dev/null; then break; fi
  sleep 0.2
done
if [ "$status" != "200" ] || ! grep -qi '^strict-transport-security:' "$work/headers"; then
  step="GET /login/ through gunicorn answered ${status:-nothing}, not 200 with HSTS"
  tail -n 40 "$work/gunicorn.log" >&2
  exit 1
fi
echo "runtime-check: passed, the install without the dev group serves /login/ (200, HSTS)," \
  "every static path of the templates in the manifest"

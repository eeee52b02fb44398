#!/usr/bin/env bash
# The PostgreSQL restart drill (docs/operations.md): a private PostgreSQL cluster on its own port
# (never a shared server), the application migrated onto it and served by gunicorn with
# production settings, a burst of API requests, and `pg_ctl restart -m fast` in the middle.
# Prints what the requests answered and how soon the service answered again. Needs PostgreSQL's
# server binaries (PG_BIN) and, as root, a `postgres` system user to run them.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}
PG_PORT=${PG_PORT:-55433}
WEB_PORT=${WEB_PORT:-18433}
PYTHON=${PYTHON:-.venv/bin/python}
work="$(mktemp -d /tmp/pg-restart-drill.XXXXXX)"
chmod 755 "$work"
gunicorn_pid=""
as_postgres=()
[ "$(id -u)" = 0 ] && as_postgres=(runuser -u postgres --)

finish() {
  if [ -n "$gunicorn_pid" ]; then kill "$gunicorn_pid" 2>/dev/null || true; wait "$gunicorn_pid" 2>/dev/null || true; fi
  "${as_postgres[@]}" "$PG_BIN/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap finish EXIT

mkdir "$work/data" "$work/socket"
chown postgres "$work/data" "$work/socket" 2>/dev/null || true
"${as_postgres[@]}" "$PG_BIN/initdb" -D "$work/data" -U postgres -A trust >/dev/null
"${as_postgres[@]}" "$PG_BIN/pg_ctl" -D "$work/data" -l "$work/data/server.log" -w \
  -o "-p $PG_PORT -k $work/socket -c listen_addresses=127.0.0.1" start >/dev/null
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres drill

export DEBUG=0 SECRET_KEY="drill-only-$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')"
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/drill"
export ALLOW_EAGER_CELERY=1 ALLOW_CONSOLE_EMAIL=1 CELERY_BROKER_URL= API_THROTTLE_USER=
"$PYTHON" manage.py migrate --no-input -v 0
"$PYTHON" manage.py loaddata -v 0 fixtures/tongren_regions/tongren_regions.json
token="$("$PYTHON" manage.py shell -c '
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from regions.models import Assignment, Region
user = get_user_model().objects.create(username="drill")
Assignment.objects.create(user=user, role="city_supervisor", region=Region.objects.get(code="520600000000"))
print(Token.objects.create(user=user).key)
' | tail -n 1)"

"$(dirname "$PYTHON")/gunicorn" tongren_fupin.wsgi:application --bind "127.0.0.1:$WEB_PORT" \
  --workers 2 --no-control-socket >"$work/gunicorn.log" 2>&1 &
gunicorn_pid=$!
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$WEB_PORT/login/" && break; sleep 0.2; done

"$PYTHON" scripts/pg_restart_burst.py --url "http://127.0.0.1:$WEB_PORT/api/v1/regions/" \
  --token "$token" --clients 4 --seconds "${SECONDS_OF_BURST:-20}" --marks "$work/marks" &
burst=$!
sleep 5
date +%s.%N >"$work/marks"
"${as_postgres[@]}" "$PG_BIN/pg_ctl" -D "$work/data" -m fast -w restart \
  -o "-p $PG_PORT -k $work/socket -c listen_addresses=127.0.0.1" >/dev/null
date +%s.%N >>"$work/marks"
wait "$burst"

#!/bin/sh
# A PostgreSQL primary and a hot standby streaming from it, both throwaway clusters under var/
# on local ports, for the read-replica tests (decision 0031; docs/scaling.md).
#
#   scripts/pg-replica.sh start           initdb the primary, pg_basebackup -R the standby, start both
#   scripts/pg-replica.sh stop            stop both and delete them
#   scripts/pg-replica.sh stop-standby    stop the standby only (the replica is down)
#   scripts/pg-replica.sh start-standby   start it again
#   scripts/pg-replica.sh status          say what runs
#   scripts/pg-replica.sh env             the DATABASE_URL and DATABASE_REPLICA_URL to use
#
# The tests' own server (127.0.0.1:5432) is left alone: its pg_hba.conf has no replication entry
# and changing a shared server's configuration is not a test's business, so the primary is a
# cluster of its own. Settings: PG_REPLICA_DIR (var/pg-replica), PG_PRIMARY_PORT (5434),
# PG_STANDBY_PORT (5435), PG_REPLICA_DB (the database created on the primary, fupin_replica).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=${PG_REPLICA_DIR:-$ROOT/var/pg-replica}
PRIMARY_PORT=${PG_PRIMARY_PORT:-5434}
STANDBY_PORT=${PG_STANDBY_PORT:-5435}
DB=${PG_REPLICA_DB:-fupin_replica}
PRIMARY=$BASE/primary
STANDBY=$BASE/standby

BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$BIN" ] && command -v pg_config >/dev/null 2>&1; then
  BIN=$(pg_config --bindir)
fi
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  echo "pg-replica: no PostgreSQL server binaries (initdb) under /usr/lib/postgresql/*/bin" >&2
  exit 2
fi

# The server refuses to run as root: then the clusters belong to the postgres user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg() {  # pg <port> <sql>: one value
  "$BIN/psql" -h 127.0.0.1 -p "$1" -U postgres -d postgres -Atqc "$2"
}

running() {  # running <datadir>
  [ -f "$1/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$1" status >/dev/null 2>&1
}

port_free() {
  ! "$BIN/pg_isready" -h 127.0.0.1 -p "$1" >/dev/null 2>&1
}

start_cluster() {  # start_cluster <datadir> <name>
  as_owner "$BIN/pg_ctl" -D "$1" -l "$BASE/$2.log" -w -t 60 start >/dev/null
}

init_primary() {
  as_owner "$BIN/initdb" -D "$PRIMARY" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  # Throwaway clusters: durability off (fsync) for speed; replication on.
  cat >>"$PRIMARY/postgresql.conf" <<EOF
port = $PRIMARY_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$BASE'
wal_level = replica
max_wal_senders = 4
hot_standby = on
fsync = off
full_page_writes = off
shared_buffers = 64MB
jit = off
EOF
  # initdb's trust configuration already allows "replication" from 127.0.0.1.
  grep -q "^host *replication" "$PRIMARY/pg_hba.conf" \
    || echo "host replication postgres 127.0.0.1/32 trust" >>"$PRIMARY/pg_hba.conf"
}

start() {
  if running "$PRIMARY" && running "$STANDBY"; then
    echo "pg-replica: already running (primary :$PRIMARY_PORT, standby :$STANDBY_PORT)"
    return 0
  fi
  for port in "$PRIMARY_PORT" "$STANDBY_PORT"; do
    if port_free "$port"; then :; else
      echo "pg-replica: port $port is taken by another server (set PG_PRIMARY_PORT/PG_STANDBY_PORT)" >&2
      exit 3
    fi
  done
  stop_all quiet
  mkdir -p "$BASE"
  [ "$(id -u)" = 0 ] && chown postgres "$BASE"
  init_primary
  start_cluster "$PRIMARY" primary
  pg "$PRIMARY_PORT" "CREATE DATABASE $DB" >/dev/null
  # The standby: a base backup of the running primary, with its recovery settings (-R).
  as_owner "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$STANDBY" \
    -R -X stream -c fast
  cat >>"$STANDBY/postgresql.conf" <<EOF
port = $STANDBY_PORT
EOF
  start_cluster "$STANDBY" standby
  i=0
  until [ "$(pg "$STANDBY_PORT" "SELECT pg_is_in_recovery()" 2>/dev/null)" = t ] \
    && [ "$(pg "$PRIMARY_PORT" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ]; do
    i=$((i + 1))
    if [ "$i" -gt 60 ]; then
      echo "pg-replica: the standby is not streaming; see $BASE/standby.log" >&2
      exit 4
    fi
    sleep 0.5
  done
  echo "pg-replica: primary :$PRIMARY_PORT, hot standby :$STANDBY_PORT streaming (database $DB)"
}

stop_one() {  # stop_one <datadir>
  if running "$1"; then
    as_owner "$BIN/pg_ctl" -D "$1" -m fast -w stop >/dev/null
  fi
}

stop_all() {
  stop_one "$STANDBY"
  stop_one "$PRIMARY"
  rm -rf "$PRIMARY" "$STANDBY"
  [ "${1:-}" = quiet ] || echo "pg-replica: stopped and removed"
}

case "${1:-}" in
  start) start ;;
  stop) stop_all ;;
  stop-standby) stop_one "$STANDBY"; echo "pg-replica: standby stopped" ;;
  start-standby) start_cluster "$STANDBY" standby; echo "pg-replica: standby started" ;;
  status)
    for name in primary standby; do
      if running "$BASE/$name"; then echo "$name: running"; else echo "$name: stopped"; fi
    done
    ;;
  env)
    echo "DATABASE_URL=postgres://postgres@127.0.0.1:$PRIMARY_PORT/$DB"
    echo "DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$STANDBY_PORT/$DB"
    ;;
  *)
    sed -n '2,14p' "$0" >&2
    exit 64
    ;;
esac

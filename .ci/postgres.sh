#!/usr/bin/env bash
# Install PostgreSQL from Debian's packages (if missing), start a throwaway cluster on a
# local port as the postgres user, create the test database, and print its SQLAlchemy URL.
# Idempotent: a second call reuses the running cluster and prints the same URL.
set -euo pipefail
PORT="${CLEARANCE_PG_PORT:-54329}"
DATA="${CLEARANCE_PG_DATA:-/tmp/clearance-pg-$PORT}"
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
fi
BIN="$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1)")"
as_pg() { if [ "$(id -un)" = postgres ]; then "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi; }
if [ ! -s "$DATA/PG_VERSION" ]; then
  mkdir -p "$DATA" && chown postgres "$DATA" 2>/dev/null || true
  as_pg "$BIN/initdb" -D "$DATA" -A trust -U postgres >/dev/null
fi
if ! as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
    -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
fi
as_pg "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname='clearance_test'" | grep -q 1 \
  || as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres clearance_test
echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/clearance_test"

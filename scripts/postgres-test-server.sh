#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite: loopback only, trust auth, data in a temp dir.
#
#   scripts/postgres-test-server.sh start   # install Debian's postgresql if missing, start, print the URL
#   scripts/postgres-test-server.sh url     # print the URL of the running server (exit 1 if none)
#   scripts/postgres-test-server.sh stop    # stop the server and delete its files
#   scripts/postgres-test-server.sh halt    # stop the server, keep its files (fault-injection tests)
#   scripts/postgres-test-server.sh resume  # start a halted server again on the same port
#   scripts/postgres-test-server.sh start DIR  # any of these with the server's files in DIR (`bench search --keep`)
#
# The server lives in $NEWSDESK_PG_DIR (default: /tmp/newsdesk-pgtest-<uid>-<hash of this checkout>), so
# `start` twice reuses the running server and concurrent checkouts never share one. `make test` passes a
# fresh directory per run. The Debian cluster the package creates is never used.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PG_DIR="${2:-${NEWSDESK_PG_DIR:-/tmp/newsdesk-pgtest-$(id -u)-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)}}"
DATA="$PG_DIR/data"
DB_NAME="newsdesk_test"
MARKER="$PG_DIR/.newsdesk-postgres-test-server"  # only a directory carrying it is ever deleted

log() { echo "postgres-test-server: $*" >&2; }

# Run a PostgreSQL binary as the cluster owner: initdb and postgres refuse to run as root.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
  local initdb
  initdb="$(ls -1d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
  [ -n "$initdb" ] && dirname "$initdb"
}

ensure_installed() {
  if [ -n "$(pg_bin)" ]; then return; fi
  [ "$(id -u)" = 0 ] || { log "PostgreSQL is not installed; run as root or: apt-get install postgresql"; exit 1; }
  log "installing Debian's postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  # The package may start its own cluster on 5432; we use our own, so stop that one again.
  if command -v pg_lsclusters >/dev/null; then
    pg_lsclusters -h 2>/dev/null | while read -r version cluster _; do
      pg_ctlcluster "$version" "$cluster" stop 2>/dev/null || true
    done
  fi
  [ -n "$(pg_bin)" ] || { log "installing postgresql gave no initdb"; exit 1; }
}

is_running() {
  [ -f "$DATA/PG_VERSION" ] && [ -f "$PG_DIR/port" ] && as_owner "$(pg_bin)/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

url() {
  echo "postgresql://postgres@127.0.0.1:$(cat "$PG_DIR/port")/$DB_NAME"
}

free_port() {
  local python=python3
  command -v python3 >/dev/null || python="$ROOT/.venv/bin/python"
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Durability is pointless for a throwaway test server; turning it off makes the suite faster.
server_start() {
  as_owner "$(pg_bin)/pg_ctl" -D "$DATA" -l "$PG_DIR/server.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -c port=$1 -c unix_socket_directories=$PG_DIR \
     -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
}

halt() {
  is_running || { log "not running (files: $PG_DIR)"; exit 1; }
  as_owner "$(pg_bin)/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
}

resume() {
  [ -f "$DATA/PG_VERSION" ] && [ -f "$PG_DIR/port" ] || { log "no halted server in $PG_DIR"; exit 1; }
  is_running || server_start "$(cat "$PG_DIR/port")"
}

start() {
  ensure_installed
  if is_running; then
    url
    return
  fi
  local bin port attempt
  bin="$(pg_bin)"
  mkdir -p "$PG_DIR"
  if [ ! -f "$MARKER" ] && [ -n "$(ls -A "$PG_DIR")" ]; then
    log "$PG_DIR is not empty and was not made by this script; refusing to use it"
    exit 1
  fi
  touch "$MARKER"
  [ "$(id -u)" = 0 ] && chown postgres: "$PG_DIR"
  chmod 700 "$PG_DIR"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    rm -rf "$DATA"
    as_owner "$bin/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
      || { cat "$PG_DIR/initdb.log" >&2; exit 1; }
  fi
  # A free port can be taken between choosing and binding it: try a few.
  for attempt in 1 2 3 4 5; do
    port="$(free_port)"
    if server_start "$port"; then
      echo "$port" >"$PG_DIR/port"
      break
    fi
    log "start on port $port failed (attempt $attempt)"
    tail -n 5 "$PG_DIR/server.log" >&2 || true
    port=""
  done
  [ -n "$port" ] || { log "could not start PostgreSQL"; exit 1; }
  if ! as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$DB_NAME"
  fi
  log "running on 127.0.0.1:$port, files in $PG_DIR"
  url
}

stop() {
  local bin
  [ -d "$PG_DIR" ] || return 0
  if [ ! -f "$MARKER" ] && [ -n "$(ls -A "$PG_DIR")" ]; then
    log "$PG_DIR was not made by this script; leaving it alone"
    exit 1
  fi
  bin="$(pg_bin || true)"
  if [ -n "$bin" ] && [ -f "$DATA/PG_VERSION" ]; then
    as_owner "$bin/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  halt) halt ;;
  resume) resume ;;
  url)
    is_running || { log "not running (files: $PG_DIR)"; exit 1; }
    url
    ;;
  *)
    echo "usage: $0 start|stop|url|halt|resume" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the tests of the batch journal on a database, as the simulator is one
# for the API: installed from Debian's packages when missing, its data in a folder the caller gives (under
# target/ or a temporary folder), run as the `postgres` user when started by root (the server refuses to run
# as root), listening on 127.0.0.1 only, with trust authentication (nothing else can reach it).
#
#   scripts/ensure-postgres.sh install          # the Debian package, when missing
#   scripts/ensure-postgres.sh start DIR [PORT] # prints the connection URL
#   scripts/ensure-postgres.sh stop DIR
set -euo pipefail

PG_VERSION=15
BIN="/usr/lib/postgresql/$PG_VERSION/bin"

install() {
  if [ ! -x "$BIN/initdb" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$PG_VERSION" >/dev/null
  fi
}

# Runs a command as the server's user: `postgres` when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  local dir="$1" port="${2:-$(free_port)}"
  install
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$dir"
    # The server's user must be able to reach the folder.
    local up="$dir"
    while [ "$up" != / ]; do up="$(dirname "$up")"; chmod o+x "$up" 2>/dev/null || true; done
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "$BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1
  fi
  as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50" start >/dev/null
  echo "postgresql://postgres@127.0.0.1:$port/postgres"
}

stop() {
  local dir="$1"
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  fi
}

case "${1:-}" in
  install) install ;;
  start) start "${2:?the data folder}" "${3:-}" ;;
  stop) stop "${2:?the data folder}" ;;
  *) echo "usage: $0 install | start DIR [PORT] | stop DIR" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# A private PostgreSQL for the tests, from Debian's packages, never run as root:
#   .ci/postgres.sh start DIR PORT   initialises DIR (data and socket), starts the server on 127.0.0.1:PORT
#                                    and prints the connection string the tests take (NEURALSTYLE_TEST_POSTGRES)
#   .ci/postgres.sh stop DIR         stops it (DIR may then be deleted)
# Connections are accepted from 127.0.0.1 and the socket in DIR only, with trust authentication: a
# throwaway server for one test run, not a setup to copy (docs/scaling.md has that).
set -euo pipefail
action="${1:?start DIR PORT, or stop DIR}"
dir="${2:?the folder of the server}"

bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "postgres: installing Debian's postgresql" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi

# As root, the server runs as Debian's 'postgres' user (PostgreSQL refuses to run as root).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    port="${3:?the port of the server}"
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres: "$dir"
      runuser -u postgres -- test -w "$dir" || { echo "postgres: the user postgres cannot reach $dir (a folder above it is private)" >&2; exit 1; }
    fi
    as_owner "$bin/initdb" -D "$dir/data" -U neuralstyle --auth=trust -E UTF8 >/dev/null
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=off" start >/dev/null
    echo "Host=127.0.0.1;Port=$port;Username=neuralstyle;Database=postgres"
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    fi
    ;;
  *)
    echo "postgres: unknown action '$action'" >&2
    exit 2
    ;;
esac

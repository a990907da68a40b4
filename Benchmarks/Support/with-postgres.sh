#!/bin/sh
# Runs a command beside a PostgreSQL 15 server of its own: initdb in a scratch folder (as
# postgres when root: initdb refuses root), a free loopback port, BENCH_PG_PORT and
# BENCH_PG_PASSWORD exported to the command; the server is stopped and the folder removed on exit,
# whatever the command's status.
set -e
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
dir=$(mktemp -d /tmp/thingform-bench-pg.XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as=""
if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; as="runuser -u postgres --"; fi
trap '$as "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1; rm -rf "$dir"' EXIT
echo Abc_1234 > "$dir/pw"
if [ -n "$as" ]; then chown postgres "$dir/pw"; fi
$as "$PG_BIN/initdb" -D "$dir/data" -U thingform --pwfile="$dir/pw" --auth-host=scram-sha-256 --auth-local=trust -E UTF8 >/dev/null
$as "$PG_BIN/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=127.0.0.1" -l "$dir/log" -w start >/dev/null
BENCH_PG_PORT=$port BENCH_PG_PASSWORD=Abc_1234 "$@"

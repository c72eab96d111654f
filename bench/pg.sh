#!/usr/bin/env bash
# Runs the ingest benchmark against PostgreSQL with one and with three replicas (`bash bench/pg.sh`), or the
# replica fault run (`bash bench/pg.sh replicas [N]`). Starts a throwaway cluster
# (Debian postgresql server binaries) on a free loopback port, as the postgres user, and removes it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(ls -d /usr/lib/postgresql/*/bin | sort | tail -1)
dir=$(mktemp -d /tmp/yard-bench-pg-XXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
chown postgres:postgres "$dir"
runuser -u postgres -- "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=500" start >/dev/null
trap 'runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
if [ "${1:-ingest}" = "replicas" ]; then
  # The fault run: 3 replicas, events round-robin, one replica kill -9'd mid-load (default 1000 runs).
  "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE bench_fault" >/dev/null
  BENCH_STORE="postgres://postgres@127.0.0.1:$port/bench_fault" bash bench/run.sh replicas "${2:-1000}"
  exit 0
fi
for replicas in 1 3; do
  db="bench_$replicas"
  "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE $db" >/dev/null
  BENCH_STORE="postgres://postgres@127.0.0.1:$port/$db" BENCH_REPLICAS=$replicas bash bench/run.sh ingest
done

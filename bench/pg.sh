#!/usr/bin/env bash
# PostgreSQL benchmarks. `bash bench/pg.sh` runs event ingest and durable runs, each with one and with three replicas;
# `bash bench/pg.sh ingest` or `bash bench/pg.sh runs` runs one of them (both replica counts); `bash bench/pg.sh
# replicas [N]` is the replica fault run. Starts a throwaway cluster (Debian postgresql server binaries) on a free
# loopback port, as the postgres user, and removes it afterwards. BENCH_SECONDS sets the seconds per workload.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(ls -d /usr/lib/postgresql/*/bin | sort | tail -1)
dir=$(mktemp -d /tmp/yard-bench-pg-XXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
chown postgres:postgres "$dir"
runuser -u postgres -- "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=500" start >/dev/null
trap 'runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
what="${1:-all}"
if [ "$what" = "replicas" ]; then
  # The fault run: 3 replicas, events round-robin, one replica kill -9'd mid-load (default 1000 runs).
  "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE bench_fault" >/dev/null
  BENCH_STORE="postgres://postgres@127.0.0.1:$port/bench_fault" bash bench/run.sh replicas "${2:-1000}"
  exit 0
fi
for replicas in 1 3; do
  if [ "$what" = "all" ] || [ "$what" = "ingest" ]; then
    db="bench_ingest_$replicas"
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE $db" >/dev/null
    BENCH_STORE="postgres://postgres@127.0.0.1:$port/$db" BENCH_REPLICAS=$replicas bash bench/run.sh ingest
  fi
  if [ "$what" = "all" ] || [ "$what" = "runs" ]; then
    # Durable runs: 3 steps at 1 and 32 in flight, ten parallel steps at 16 (C# SDK app, invokes spread over replicas).
    db="bench_runs_$replicas"
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE $db" >/dev/null
    BENCH_STORE="postgres://postgres@127.0.0.1:$port/$db" BENCH_REPLICAS=$replicas BENCH_PG_DATA="$dir/data" bash bench/run.sh pgruns
  fi
done

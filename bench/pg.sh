#!/usr/bin/env bash
# PostgreSQL benchmarks. `bash bench/pg.sh` runs event ingest and durable runs, each with one and with three replicas;
# `bash bench/pg.sh ingest` or `bash bench/pg.sh runs` runs one of them (both replica counts); `bash bench/pg.sh
# replicas [N]` is the replica fault run. Starts a throwaway cluster (Debian postgresql server binaries) on a free
# loopback port, as the postgres user, and removes it afterwards. BENCH_SECONDS sets the seconds per workload.
# BENCH_PG_STATEMENTS=1 loads pg_stat_statements and, after each ingest run, prints the statements PostgreSQL ran per
# stored event (calls, server time) and the database's commits: the profile behind the ingest rows.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(ls -d /usr/lib/postgresql/*/bin | sort | tail -1)
dir=$(mktemp -d /tmp/yard-bench-pg-XXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
chown postgres:postgres "$dir"
runuser -u postgres -- "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=500"
if [ "${BENCH_PG_STATEMENTS:-0}" = 1 ]; then opts="$opts -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"; fi
# BENCH_PG_OPTS adds server settings for a diagnosis only (e.g. "-c synchronous_commit=off" shows what the WAL flush
# of each group commit costs); results are measured without it, with every acknowledged event flushed.
opts="$opts ${BENCH_PG_OPTS:-}"
runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "$opts" start >/dev/null
trap 'runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
what="${1:-all}"
# CPU seconds of the cluster so far, from /proc: the postmaster with the backends it has reaped, and the live ones.
pg_cpu() {
  local pm; pm=$(head -1 "$dir/data/postmaster.pid")
  for p in /proc/[0-9]*; do
    awk -v pm="$pm" -v pid="${p#/proc/}" '{ sub(/.*\) /, ""); if (pid == pm) print $12 + $13 + $14 + $15; else if ($2 == pm) print $12 + $13 }' "$p/stat" 2>/dev/null
  done | awk -v hz="$(getconf CLK_TCK)" '{ t += $1 } END { printf "%.2f", t / hz }'
}
if [ "$what" = "replicas" ]; then
  # The fault run: 3 replicas, events round-robin, one replica kill -9'd mid-load (default 1000 runs).
  "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE bench_fault" >/dev/null
  BENCH_STORE="postgres://postgres@127.0.0.1:$port/bench_fault" bash bench/run.sh replicas "${2:-1000}"
  exit 0
fi
# BENCH_PG_REPLICAS="1" (or "3") runs one replica count only.
for replicas in ${BENCH_PG_REPLICAS:-1 3}; do
  if [ "$what" = "all" ] || [ "$what" = "ingest" ]; then
    db="bench_ingest_$replicas"
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE $db" >/dev/null
    if [ "${BENCH_PG_STATEMENTS:-0}" = 1 ]; then "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d "$db" -c "CREATE EXTENSION pg_stat_statements" >/dev/null; fi
    pg_before=$(pg_cpu)
    BENCH_STORE="postgres://postgres@127.0.0.1:$port/$db" BENCH_REPLICAS=$replicas /usr/bin/time -f "%U %S" -o "$dir/cpu" bash bench/run.sh ingest
    if [ "${BENCH_PG_STATEMENTS:-0}" = 1 ]; then
      events=$("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d "$db" -Atc "SELECT count(*) FROM events")
      # CPU is what load does not change much (rates on this shared machine do): the bench process with its replicas
      # (they are its children) and the cluster, per stored event.
      awk -v e="$events" -v pg="$(awk -v a="$(pg_cpu)" -v b="$pg_before" 'BEGIN { print a - b }')" \
        '{ printf "CPU per stored event (%d events): load generator + replicas %.1f us, PostgreSQL %.1f us\n", e, ($1 + $2) / e * 1e6, pg / e * 1e6 }' "$dir/cpu"
      # Both ingest workloads (single events, batches of 100) ran in this database; per event the statements are the
      # same, per request differ only the savepoints. Calls per event are the statements; round trips are fewer
      # (the writer batches them; see the store's switchyard_store_round_trips_total).
      "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d "$db" -P pager=off -c "
        WITH n AS (SELECT count(*)::numeric AS events FROM events)
        SELECT (SELECT events FROM n) AS events_stored, xact_commit AS commits FROM pg_stat_database WHERE datname = current_database();" -c "
        WITH n AS (SELECT GREATEST(count(*), 1)::numeric AS events FROM events)
        SELECT calls, round(calls / n.events, 3) AS per_event, round(total_exec_time::numeric / n.events * 1000, 1) AS us_per_event,
               round(mean_exec_time::numeric * 1000, 1) AS mean_us, left(regexp_replace(query, '\s+', ' ', 'g'), 100) AS statement
        FROM pg_stat_statements, n WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY total_exec_time DESC LIMIT 25;"
    fi
  fi
  if [ "$what" = "all" ] || [ "$what" = "runs" ]; then
    # Durable runs: 3 steps at 1 and 32 in flight, ten parallel steps at 16 (C# SDK app, invokes spread over replicas).
    db="bench_runs_$replicas"
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE $db" >/dev/null
    if [ "${BENCH_PG_STATEMENTS:-0}" = 1 ]; then "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d "$db" -c "CREATE EXTENSION pg_stat_statements" >/dev/null; fi
    BENCH_STORE="postgres://postgres@127.0.0.1:$port/$db" BENCH_REPLICAS=$replicas BENCH_PG_DATA="$dir/data" bash bench/run.sh pgruns
    if [ "${BENCH_PG_STATEMENTS:-0}" = 1 ]; then
      # All three run workloads together, per run stored: the statements behind the "PostgreSQL CPU per run" column.
      "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d "$db" -P pager=off -c "
        WITH n AS (SELECT GREATEST(count(*), 1)::numeric AS runs FROM runs)
        SELECT calls, round(calls / n.runs, 2) AS per_run, round(total_exec_time::numeric / n.runs * 1000, 1) AS us_per_run,
               round(mean_exec_time::numeric * 1000, 1) AS mean_us, left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS statement
        FROM pg_stat_statements, n WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY total_exec_time DESC LIMIT 30;"
    fi
  fi
done

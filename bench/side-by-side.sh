#!/usr/bin/env bash
# Side-by-side benchmark: Switchyard and Restate 1.7.12 (npm) on this machine, same workloads, same driver, end to
# end over keep-alive HTTP (request sent → durable result received). Everything runs inside a private network
# namespace with only loopback (restate-server looks for updates on the internet at start; nothing may leave).
# The C# SDK rows use bench/Switchyard.Bench's functions; the JS rows an unmodified inngest@4.24.0 app (bench/js-app,
# served with serve() on Node: 3 step.run steps and a 4th that POSTs to a local sink), with and without checkpointing.
# Usage: bash bench/side-by-side.sh   (as root; ~5 minutes). Prints a markdown table for bench/RESULTS.md.
# Knobs: BENCH_SECONDS (measured seconds per workload, 10), BENCH_WARMUP (3), BENCH_HISTORY_RUNS (completed runs
# loaded into the store before the 3-step workloads are measured again, 100000; 0 skips that part), BENCH_SIDE_PG (1:
# the 3-step rows on PostgreSQL too, with bench/pg.sh, after Restate's; 0 skips them).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/Switchyard.Cli -c Release -v quiet -clp:ErrorsOnly
dotnet build bench/Switchyard.Bench -c Release -v quiet -clp:ErrorsOnly
(cd bench/peer-restate && npm install --ignore-scripts --no-audit --no-fund --silent)
(cd bench/js-app && npm ci --ignore-scripts --no-audit --no-fund --silent)
exec unshare -n bash -c '
  set -euo pipefail
  ip link set lo up
  work=$(mktemp -d /tmp/yard-side-XXXX)
  trap "kill \$(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf $work" EXIT
  bench/peer-restate/node_modules/@restatedev/restate-server-linux-x64/bin/restate-server \
    --base-dir "$work/restate" > "$work/restate.log" 2>&1 &
  PORT=9080 node bench/peer-restate/service.js > "$work/service.log" 2>&1 &
  for i in $(seq 1 100); do curl -sf http://127.0.0.1:9070/health >/dev/null && break; sleep 0.2; done
  for i in $(seq 1 50); do curl -sf -X POST http://127.0.0.1:9070/deployments -H "content-type: application/json" \
    -d "{\"uri\":\"http://127.0.0.1:9080\"}" >/dev/null && break; sleep 0.2; done
  RESTATE_INGRESS=http://127.0.0.1:8080 dotnet bench/Switchyard.Bench/bin/Release/net10.0/Switchyard.Bench.dll side
  echo "restate-server RSS: $(ps -o rss= -C restate-server | awk "{s+=\$1} END {print int(s/1024)}") MB"
  # The same 3-step workload on PostgreSQL (one replica, the cluster on these 2 cores), after Restate'"'"'s rows of this run:
  # the PostgreSQL row of issue 19 compares with them. BENCH_SIDE_PG=0 skips it.
  if [ "${BENCH_SIDE_PG:-1}" = 1 ] && ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    BENCH_NO_BUILD=1 BENCH_PG_REPLICAS=1 BENCH_PGRUNS_ONLY="3 steps" bash bench/pg.sh runs
  fi
'

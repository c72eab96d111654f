#!/usr/bin/env bash
# Dashboard page-render benchmark (not part of the test suite; run it alone on the machine).
# Usage: bash bench/dashboard.sh [RUNS (100000)] [REPEAT (20)]
# Starts `yard dev` (Release, fresh SQLite store, free port) once to create the schema, stops it, seeds RUNS runs (and
# one event per run, spread over 8 functions and all statuses, over the last 30 days) straight into the SQLite file,
# restarts the server, then fetches each dashboard page REPEAT times and prints p50/max render time per page. The
# issue's target: every page under 200 ms with 100,000 runs in the store.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100000}
repeat=${2:-20}
dotnet build src/Switchyard.Cli -c Release -v quiet -clp:ErrorsOnly
dir=$(mktemp -d /tmp/yard-bench-dashboard-XXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
pid=""
start() {
  dotnet src/Switchyard.Cli/bin/Release/net10.0/yard.dll dev --port "$port" --data-dir "$dir/data" >>"$dir/log" 2>&1 &
  pid=$!
  for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && return; sleep 0.2; done
  echo "server did not start:" >&2; cat "$dir/log" >&2; exit 1
}
stop() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
trap 'stop; rm -rf "$dir"' EXIT
start
stop
db=$(find "$dir/data" -name '*.db' | head -1)
python3 - "$db" "$runs" <<'PY'
import sqlite3, sys, time, json
db, n = sys.argv[1], int(sys.argv[2])
con = sqlite3.connect(db)
now = int(time.time() * 1000)
statuses = ["Completed", "Completed", "Completed", "Failed", "Cancelled", "Running", "Queued"]
span = 30 * 24 * 3600 * 1000
with con:
    for i in range(n):
        at = now - span + i * span // n
        con.execute("INSERT INTO events(id, name, body, ts, received_at, source) VALUES (?, ?, ?, ?, ?, 'api')",
                    (f"ev-{i:07d}", f"bench/event.{i % 8}", json.dumps({"name": f"bench/event.{i % 8}", "data": {"i": i}, "id": f"ev-{i:07d}", "ts": at}), at, at))
        status = statuses[i % len(statuses)]
        ended = at + 1500 if status in ("Completed", "Failed", "Cancelled") else None
        con.execute("""INSERT INTO runs(id, function_id, app_id, event_id, event_seq, status, created_at, started_at, ended_at, output, error, version, force_plan, pending)
                       VALUES (?, ?, 'bench', ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, '[]')""",
                    (f"run-{i:07d}", f"bench-fn-{i % 8}", f"ev-{i:07d}", i + 1, status, at, at + 10, ended,
                     '"ok"' if status == "Completed" else None, '{"message":"boom"}' if status == "Failed" else None))
print(f"seeded {n} runs and {n} events into {db}")
PY
start
last=$(printf 'run-%07d' $((runs - 1)))
pages=(
  "/ui/runs" "/ui/runs?status=Failed" "/ui/runs?function=bench-fn-3" "/ui/runs?hours=24" "/ui/runs?page=20"
  "/ui/events" "/ui/events?prefix=bench/event.5" "/ui/events?page=20"
  "/ui/runs/$last" "/ui/events/ev-$(printf '%07d' $((runs - 1)))" "/ui/functions"
)
# One warm-up pass: the first request of each page compiles its code paths.
# Warm-up, and proof that each page is a real 200 with content (not a redirect or an empty shell).
declare -A bytes
for p in "${pages[@]}"; do
  read -r code size < <(curl -s -o /dev/null -w '%{http_code} %{size_download}\n' "http://127.0.0.1:$port$p")
  [ "$code" = 200 ] || { echo "$p answered $code" >&2; exit 1; }
  bytes[$p]=$size
done
printf '%-40s %8s %8s %8s\n' page p50_ms max_ms bytes
worst=0
for p in "${pages[@]}"; do
  times=$(for _ in $(seq 1 "$repeat"); do curl -fs -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port$p"; done | sort -n)
  p50=$(echo "$times" | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]*1000}')
  max=$(echo "$times" | tail -1 | awk '{printf "%.1f", $1*1000}')
  printf '%-40s %8s %8s %8s\n' "$p" "$p50" "$max" "${bytes[$p]}"
  worst=$(python3 -c "print(max($worst, $p50))")
done
echo "slowest p50: $worst ms (target < 200 ms with $runs runs)"

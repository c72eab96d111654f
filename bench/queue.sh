#!/usr/bin/env bash
# Work-queue benchmark (not part of the test suite). Usage: bash bench/queue.sh [SECONDS (10)] [SENDERS (32)]
# Starts `yard dev` (Release, fresh SQLite store, free port) with one family `bench` whose handler sends the bus event
# bench/queued, then SENDERS concurrent senders POST /v1/queue/bench for SECONDS: prints the emit→admit rate (2xx
# answers, each item durable) and the dispatch rate (items done / time from the first emit until the queue drained).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
senders=${2:-32}
dotnet build src/Switchyard.Cli -c Release -v quiet -clp:ErrorsOnly
dir=$(mktemp -d /tmp/yard-bench-queue-XXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$dir/yard.toml" <<TOML
[queue.families.bench]
handler = "event"
event = "bench/queued"
TOML
dotnet src/Switchyard.Cli/bin/Release/net10.0/yard.dll dev --config "$dir/yard.toml" --port "$port" --data-dir "$dir/data" >"$dir/log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
dotnet build bench/queue/QueueLoad.cs -c Release -v quiet -clp:ErrorsOnly >/dev/null 2>&1 || true
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
before=$(cpu)
out=$(dotnet run --no-build --file bench/queue/QueueLoad.cs -c Release -- "http://127.0.0.1:$port" bench "$senders" "$seconds" 2>/dev/null \
  || dotnet run --file bench/queue/QueueLoad.cs -c Release -- "http://127.0.0.1:$port" bench "$senders" "$seconds")
echo "$out"
# Server CPU per item: steadier than a rate when other work shares the machine.
items=$(echo "$out" | sed -n 's/.*admitted \([0-9]*\) (.*/\1/p')
echo "server CPU: $(( ($(cpu) - before) * 1000 / $(getconf CLK_TCK) )) ms for $items items"

#!/usr/bin/env bash
# Start-to-ready and idle memory of `yard server`: the time from exec until GET /health/ready answers 200, and the
# resident set size after 5 s idle, for the published self-contained binary (scripts/publish.sh) and for
# `dotnet yard.dll` (a framework-dependent build). Each is started RUNS times (default 5) on a fresh store in dev mode,
# then once more on that store (a restart: no schema to create). The idle RSS is split into anonymous memory (GC heap,
# runtime data) and file-backed pages (the mapped code of the runtime and assemblies) plus shared memory (the
# runtime's double-mapped executable memory).
# Usage: bench/startup.sh [PUBLISHED_DIR] [DLL_DIR]   (defaults: artifacts/yard, a Release build of src/Switchyard.Cli)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
published="${1:-$root/artifacts/yard}"
dlldir="${2:-$root/src/Switchyard.Cli/bin/Release/net10.0}"
runs="${RUNS:-5}"
port="${PORT:-18388}"
[ -x "$published/yard" ] || "$root/scripts/publish.sh" "$published" >/dev/null
[ -f "$dlldir/yard.dll" ] || dotnet build "$root/src/Switchyard.Cli/Switchyard.Cli.csproj" -c Release -v quiet -clp:ErrorsOnly >/dev/null

start_ready() { # data dir, command...: starts the server, waits for /health/ready; sets pid and ready (ms)
  local data="$1"; shift
  local start; start=$(date +%s%N)
  "$@" server --dev --port "$port" --data-dir "$data" >/dev/null 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "server exited: $*" >&2; exit 1; }
    sleep 0.005
  done
  ready=$(( ($(date +%s%N) - start) / 1000000 ))
}

stats() { # values...: sorted, then the median
  printf '%s ' $(printf '%s\n' "$@" | sort -n)
  printf '(median %s)' "$(printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p")"
}

measure() { # label, command...
  local label="$1"; shift
  local times=() restarts=() rss=() anon=() file=()
  for _ in $(seq "$runs"); do
    local data; data="$(mktemp -d)"
    start_ready "$data" "$@"
    sleep 5
    times+=("$ready")
    rss+=("$(awk '/^VmRSS/ {print int($2/1024)}' "/proc/$pid/status")")
    anon+=("$(awk '/^RssAnon/ {print int($2/1024)}' "/proc/$pid/status")")
    file+=("$(awk '/^RssFile|^RssShmem/ {s += $2} END {print int(s/1024)}' "/proc/$pid/status")")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    start_ready "$data" "$@"
    restarts+=("$ready")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$data"
  done
  printf '%s\n  ready ms (fresh store): %s\n  ready ms (restart):     %s\n' "$label" "$(stats "${times[@]}")" "$(stats "${restarts[@]}")"
  printf '  idle RSS MB: %s\n    anonymous:  %s\n    file+shmem: %s\n' "$(stats "${rss[@]}")" "$(stats "${anon[@]}")" "$(stats "${file[@]}")"
}

echo "$(date -u +%FT%TZ) $(nproc) cores, runs=$runs, load average$(uptime | sed 's/.*load average//')"
measure "published (R2R, SC)" "$published/yard"
measure "dotnet yard.dll" dotnet "$dlldir/yard.dll"

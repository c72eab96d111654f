#!/usr/bin/env bash
# Start-to-ready and idle memory of `yard server`: the time from exec until GET /health/ready answers 200, and the
# resident set size after 5 s idle, for the published self-contained binary (scripts/publish.sh) and for
# `dotnet yard.dll` (a framework-dependent build). Each is started RUNS times (default 5) on a fresh store in dev mode.
# Usage: bench/startup.sh [PUBLISHED_DIR] [DLL_DIR]   (defaults: artifacts/yard, a Release build of src/Switchyard.Cli)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
published="${1:-$root/artifacts/yard}"
dlldir="${2:-$root/src/Switchyard.Cli/bin/Release/net10.0}"
runs="${RUNS:-5}"
port="${PORT:-18388}"
[ -x "$published/yard" ] || "$root/scripts/publish.sh" "$published" >/dev/null
[ -f "$dlldir/yard.dll" ] || dotnet build "$root/src/Switchyard.Cli/Switchyard.Cli.csproj" -c Release -v quiet -clp:ErrorsOnly >/dev/null

measure() { # label, command...
  local label="$1"; shift
  local times=() rss=()
  for _ in $(seq "$runs"); do
    local data; data="$(mktemp -d)"
    local start; start=$(date +%s%N)
    "$@" server --dev --port "$port" --data-dir "$data" >/dev/null 2>&1 &
    local pid=$!
    until curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
      kill -0 "$pid" 2>/dev/null || { echo "$label: server exited" >&2; exit 1; }
      sleep 0.005
    done
    local ready; ready=$(( ($(date +%s%N) - start) / 1000000 ))
    sleep 5
    times+=("$ready")
    rss+=("$(awk '/^VmRSS/ {print int($2/1024)}' "/proc/$pid/status")")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$data"
  done
  local sorted_t; sorted_t=$(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')
  local sorted_r; sorted_r=$(printf '%s\n' "${rss[@]}" | sort -n | tr '\n' ' ')
  printf '%-22s ready ms: %s(median %s)  idle RSS MB: %s(median %s)\n' "$label" "$sorted_t" \
    "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")" "$sorted_r" \
    "$(printf '%s\n' "${rss[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")"
}

echo "$(date -u +%FT%TZ) $(nproc) cores, runs=$runs"
measure "published (R2R, SC)" "$published/yard"
measure "dotnet yard.dll" dotnet "$dlldir/yard.dll"

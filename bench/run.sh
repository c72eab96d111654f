#!/usr/bin/env bash
# On-demand benchmarks (not part of the test suite). Usage: bash bench/run.sh [ingest|sleepers [N]|dags|crash [N]|all]
# BENCH_NO_BUILD=1 runs what is already built (e.g. to compare a build of another commit).
# BENCH_CLIENT=wrk sends the single-event ingest workload with wrk (Debian package, installed here when missing)
# instead of .NET's HttpClient, whose CPU on the same 2 cores is taken from the server it measures.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${BENCH_CLIENT:-}" = wrk ] && ! command -v wrk >/dev/null; then
  as_root=""; [ "$(id -u)" = 0 ] || as_root="sudo"
  $as_root apt-get install -y wrk >/dev/null || { $as_root apt-get update >/dev/null && $as_root apt-get install -y wrk >/dev/null; }
fi
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  dotnet build src/Switchyard.Cli -c Release -v quiet -clp:ErrorsOnly
  dotnet build bench/Switchyard.Bench -c Release -v quiet -clp:ErrorsOnly
fi
dotnet bench/Switchyard.Bench/bin/Release/net10.0/Switchyard.Bench.dll "$@"

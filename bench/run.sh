#!/usr/bin/env bash
# On-demand benchmarks (not part of the test suite). Usage: bash bench/run.sh [ingest|sleepers [N]|dags|crash [N]|all]
# BENCH_NO_BUILD=1 runs what is already built (e.g. to compare a build of another commit).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  dotnet build src/Switchyard.Cli -c Release -v quiet -clp:ErrorsOnly
  dotnet build bench/Switchyard.Bench -c Release -v quiet -clp:ErrorsOnly
fi
dotnet bench/Switchyard.Bench/bin/Release/net10.0/Switchyard.Bench.dll "$@"

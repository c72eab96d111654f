#!/usr/bin/env bash
# On-demand benchmarks (not part of the test suite). Usage: bash bench/run.sh [ingest|sleepers [N]|dags|crash [N]|all]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Switchyard.Cli -c Release -v quiet -clp:ErrorsOnly
dotnet build bench/Switchyard.Bench -c Release -v quiet -clp:ErrorsOnly
dotnet bench/Switchyard.Bench/bin/Release/net10.0/Switchyard.Bench.dll "$@"

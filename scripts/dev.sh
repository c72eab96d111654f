#!/usr/bin/env bash
# Builds Switchyard and runs `yard dev` with the sample app, so runs appear within a minute:
#   then, in another terminal:  yard send demo/hello -d '{"name":"Ada"}'   (yard installed as in the README's quick start)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Switchyard.slnx -v quiet -clp:ErrorsOnly
dotnet samples/Switchyard.Samples.Hello/bin/Debug/net10.0/Switchyard.Samples.Hello.dll --urls http://127.0.0.1:3939 &
sample=$!
trap 'kill $sample 2>/dev/null || true' EXIT INT TERM
dotnet src/Switchyard.Cli/bin/Debug/net10.0/yard.dll dev --app http://127.0.0.1:3939/api/switchyard "$@"

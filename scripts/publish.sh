#!/usr/bin/env bash
# Publishes `yard` self-contained for linux-x64 with ReadyToRun into OUT (default ./artifacts/yard): the binary the
# systemd units (/usr/local/bin/yard) and deploy/Dockerfile run. No .NET runtime is needed where it runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/artifacts/yard}"
rid="${RID:-linux-x64}"
dotnet publish "$root/src/Switchyard.Cli/Switchyard.Cli.csproj" -c Release -r "$rid" --self-contained \
  -p:PublishReadyToRun=true -o "$out" -v quiet -clp:ErrorsOnly
echo "$out/yard"

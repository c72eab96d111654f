#!/usr/bin/env bash
# Publishes `yard` self-contained for linux-x64 with ReadyToRun into OUT (default ./artifacts/yard): the binary the
# systemd units (/usr/local/bin/yard) and deploy/Dockerfile run. No .NET runtime is needed where it runs.
# COMPOSITE=1 compiles the runtime and the app into one composite ReadyToRun image instead: generic code shared across
# assemblies is then pre-compiled too, so `yard server` is ready in about 80 % of the time, but it maps a larger image
# (idle RSS about 20 MB higher, 45 MB more on disk). bench/RESULTS.md, "Start-to-ready and idle memory".
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/artifacts/yard}"
rid="${RID:-linux-x64}"
dotnet publish "$root/src/Switchyard.Cli/Switchyard.Cli.csproj" -c Release -r "$rid" --self-contained \
  -p:PublishReadyToRun=true -p:PublishReadyToRunComposite="$([ "${COMPOSITE:-0}" = 1 ] && echo true || echo false)" \
  -o "$out" -v quiet -clp:ErrorsOnly
echo "$out/yard"

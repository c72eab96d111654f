#!/usr/bin/env bash
# Packs the NuGet packages (Switchyard.Sdk, Switchyard.Client) and the yard .NET tool into OUT (default
# ./artifacts/packages), then installs the tool from that local feed into a temporary tool path and runs
# `yard --version`, so a broken package fails here rather than on a user's machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/artifacts/packages}"
mkdir -p "$out"
for project in Switchyard.Sdk Switchyard.Client Switchyard.Cli; do
  dotnet pack "$root/src/$project/$project.csproj" -c Release -o "$out" -v quiet -clp:ErrorsOnly
done
tools="$(mktemp -d)"
trap 'rm -rf "$tools"' EXIT
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -1)"
dotnet tool install Switchyard.Cli --tool-path "$tools" --add-source "$out" --version "$version" --ignore-failed-sources >/dev/null
"$tools/yard" --version
ls "$out"

#!/usr/bin/env bash
# Packs the NuGet packages (Switchyard.Sdk, Switchyard.Client) and the yard .NET tool into OUT (default
# ./artifacts/packages), then installs the tool from that local feed into a temporary tool path and runs
# `yard --version`, so a broken package fails here rather than on a user's machine.
# `pack.sh OUT --no-build [CONFIG]` packs the outputs already built in CONFIG (default Debug: what the test suite has
# just compiled) instead of building Release: the same packages and metadata without a second full build
# (PackageTests uses it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/artifacts/packages}"
build=(-c Release)
if [[ "${2:-}" == "--no-build" ]]; then build=(-c "${3:-Debug}" --no-build); fi
mkdir -p "$out"
for project in Switchyard.Sdk Switchyard.Client Switchyard.Cli; do
  dotnet pack "$root/src/$project/$project.csproj" "${build[@]}" -o "$out" -v quiet -clp:ErrorsOnly
done
tools="$(mktemp -d)"
trap 'rm -rf "$tools"' EXIT
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -1)"
dotnet tool install Switchyard.Cli --tool-path "$tools" --add-source "$out" --version "$version" --ignore-failed-sources >/dev/null
"$tools/yard" --version
ls "$out"

#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine with the .NET 10 SDK: installs what the tests need,
# builds, tests, and prints one closing line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "the .NET 10 SDK is required (https://dot.net); dotnet was not found on PATH" >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The compatibility tests run a real inngest (npm) app: they need node >= 18 and npm. On Debian they are installed
# from the distribution's packages when missing (CI runs as root; otherwise sudo is used if present).
node_ok() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
    [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -ge 18 ]
}
if ! node_ok; then
  if [ "$(id -u)" -eq 0 ]; then as_root=""; elif command -v sudo >/dev/null 2>&1; then as_root="sudo"; else
    echo "node >= 18 and npm are required by tests/Switchyard.Compat.Tests: run as root, or install them (apt-get install -y nodejs npm)" >&2
    exit 1
  fi
  $as_root apt-get update
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm
  if ! node_ok; then
    echo "node >= 18 and npm are still missing after apt-get install (found: $(node --version 2>/dev/null || echo none))" >&2
    exit 1
  fi
fi

# The PostgreSQL store tests start their own throwaway cluster (tests/Switchyard.Testing/PostgresServer.cs: initdb +
# pg_ctl as the postgres user, on a free loopback port): they need the server binaries from Debian's postgresql package.
pg_ok() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
if ! pg_ok; then
  if [ "$(id -u)" -eq 0 ]; then as_root=""; elif command -v sudo >/dev/null 2>&1; then as_root="sudo"; else
    echo "PostgreSQL server binaries are required by the PostgreSQL store tests: run as root, or apt-get install -y postgresql" >&2
    exit 1
  fi
  $as_root apt-get update
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
  # The package starts a cluster of its own on 5432; the tests do not use it.
  $as_root service postgresql stop >/dev/null 2>&1 || true
fi
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "the postgres system user is missing (it comes with the postgresql package)" >&2
  exit 1
fi

# The gateway and Redis relay tests start their own redis-server on a free loopback port
# (tests/Switchyard.Testing/RedisServer.cs): they need the binary from Debian's redis-server package.
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then as_root=""; elif command -v sudo >/dev/null 2>&1; then as_root="sudo"; else
    echo "redis-server is required by tests/Switchyard.Gateway.Tests and tests/Switchyard.Server.Tests: run as root, or apt-get install -y redis-server" >&2
    exit 1
  fi
  $as_root apt-get update
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server
  # The package starts a server of its own on 6379; the tests do not use it.
  $as_root service redis-server stop >/dev/null 2>&1 || true
fi

# The dashboard's browser tests (tests/Switchyard.Dashboard.Tests) drive Debian's headless Chromium through
# Playwright with its executable path set to /usr/bin/chromium; Playwright never downloads a browser.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then as_root=""; elif command -v sudo >/dev/null 2>&1; then as_root="sudo"; else
    echo "chromium is required by tests/Switchyard.Dashboard.Tests: run as root, or apt-get install -y chromium" >&2
    exit 1
  fi
  $as_root apt-get update
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

# The deploy/ tests (tests/Switchyard.Server.Tests/Deploy) check the systemd units with systemd-analyze (Debian's
# systemd package) and render the Kubernetes overlays with kubectl kustomize (Debian's kubernetes-client, when no
# kubectl is installed already); the schema check itself runs on node, installed above.
deploy_tools_ok() { command -v systemd-analyze >/dev/null 2>&1 && command -v kubectl >/dev/null 2>&1; }
if ! deploy_tools_ok; then
  if [ "$(id -u)" -eq 0 ]; then as_root=""; elif command -v sudo >/dev/null 2>&1; then as_root="sudo"; else
    echo "systemd-analyze and kubectl are required by the deploy/ tests: run as root, or apt-get install -y systemd kubernetes-client" >&2
    exit 1
  fi
  $as_root apt-get update
  command -v systemd-analyze >/dev/null 2>&1 || $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y systemd
  command -v kubectl >/dev/null 2>&1 || $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y kubernetes-client
fi

dotnet restore Switchyard.slnx -v quiet
dotnet build Switchyard.slnx -c Debug --no-restore -v quiet -clp:ErrorsOnly

log=$(mktemp)
status=0
# One test project at a time (-m:1): the machine has 2 cores, and the end-to-end suites time real processes, so
# running projects side by side only trades wall time for flaky timing.
dotnet test Switchyard.slnx -c Debug --no-build -v quiet -m:1 --logger "console;verbosity=normal" 2>&1 | tee "$log" || status=$?

count() { { grep -E "^ +$1: +[0-9]+\$" "$log" || true; } | awk '{s+=$2} END {print s+0}'; }
passed=$(count Passed)
failed=$(count Failed)
skipped=$(count Skipped)
# The failures again, at the end, where a CI log that keeps only its tail still shows them: each failed test's name,
# message and the top of its stack trace.
if [ "$failed" -ne 0 ]; then
  echo "---- failed tests ----"
  awk '/^  Failed [A-Za-z]/ {on=1; n=0}
       on && /^  (Passed|Skipped) / {on=0}
       on && /^\[xUnit/ {on=0}
       on && /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9] (info|warn|fail|dbug|crit|trce):/ {on=0}
       on && n < 30 {print; n++}' "$log"
  echo "----------------------"
fi
rm -f "$log"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi

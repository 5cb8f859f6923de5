#!/usr/bin/env bash
# Runs every test of the repository on a fresh Debian machine with the .NET 10 SDK:
# installs what the tests need (Chromium for the browser tests), builds everything (benchmarks included)
# and runs each test project. Ends with one line "N passed, N failed" summing all test runs.
set -uo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Chromium for the browser tests"
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
    || { echo "could not install chromium"; echo "0 passed, 1 failed"; exit 1; }
fi

echo "== build"
if ! dotnet build Cidaas.AspNetCore.Authentication.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0
failed=0
status=0
mkdir -p artifacts/test-results
for project in tests/*Tests/*.csproj; do
  name=$(basename "$project" .csproj)
  echo "== test $name"
  log="artifacts/test-results/$name.log"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "console;verbosity=normal" --logger "trx;LogFileName=$name.trx" \
    --results-directory artifacts/test-results 2>&1 | tee "$log" | grep -E "^\s*(Failed|Passed!|Failed!|Skipped) |Error Message|^\s+at .*Tests|Total tests|error" || true
  rc=${PIPESTATUS[0]}
  summary=$(grep -E "(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+" "$log" | tail -n 1)
  if [ -n "$summary" ]; then
    f=$(echo "$summary" | sed -E 's/.*Failed: +([0-9]+),.*/\1/')
    p=$(echo "$summary" | sed -E 's/.*Passed: +([0-9]+),.*/\1/')
    passed=$((passed + p))
    failed=$((failed + f))
  else
    echo "no test summary for $name"
    failed=$((failed + 1))
  fi
  if [ "$rc" != "0" ]; then status=1; fi
done

echo "$passed passed, $failed failed"
if [ "$failed" != "0" ] || [ "$status" != "0" ]; then exit 1; fi
exit 0

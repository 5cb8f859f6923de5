#!/usr/bin/env bash
# Runs every test of the repository on a fresh Debian machine with the .NET 10 SDK:
# installs what the tests need (Chromium for the browser tests, redis-server for the tests of several app instances),
# builds everything (benchmarks included), checks the formatting, and runs each test project. Ends with one line
# "N passed, N failed" summing all test runs (a formatting check that fails counts as one failed test).
set -uo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -x /usr/bin/redis-server ] || missing="$missing redis-server"
if [ -n "$missing" ]; then
  echo "== installing$missing (Debian packages) for the browser and multi-instance tests"
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  # shellcheck disable=SC2086
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null \
    || { echo "could not install$missing"; echo "0 passed, 1 failed"; exit 1; }
fi

started=$SECONDS
# elapsed: the minutes and seconds since the run started, for the phase lines (CI has a time budget).
elapsed() { local t=$((SECONDS - started)); printf '%dm%02ds' $((t / 60)) $((t % 60)); }

echo "== build"
if ! dotnet build Cidaas.AspNetCore.Authentication.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0
failed=0
status=0

echo "== format (dotnet format --verify-no-changes) at $(elapsed)"
if ! format_log=$(dotnet format Cidaas.AspNetCore.Authentication.sln --verify-no-changes --no-restore 2>&1); then
  echo "$format_log" | grep -E "error|warning" | grep -v "Warnings were encountered while loading the workspace"
  echo "   the code differs from .editorconfig's formatting: run 'dotnet format Cidaas.AspNetCore.Authentication.sln'"
  failed=$((failed + 1))
  status=1
fi

# counter NAME COUNTERS-ELEMENT: the attribute's number, 0 when it is absent.
counter() { local v; v=$(echo "$2" | grep -oE " $1=\"[0-9]+\"" | grep -oE "[0-9]+"); echo "${v:-0}"; }

rm -rf artifacts/test-results
mkdir -p artifacts/test-results
for project in tests/*Tests/*.csproj; do
  name=$(basename "$project" .csproj)
  echo "== test $name at $(elapsed)"
  log="artifacts/test-results/$name.log"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "console;verbosity=normal" --logger "trx;LogFileName=$name.trx" \
    --results-directory artifacts/test-results 2>&1 | tee "$log" | grep -E "^\s+Failed |Error Message|Total tests|^\s+(Passed|Failed): "
  rc=${PIPESTATUS[0]}
  # The TRX report's counters are the runner's own count, whatever the console verbosity.
  trx="artifacts/test-results/$name.trx"
  counters=$(grep -o '<Counters [^>]*>' "$trx" 2>/dev/null | head -n 1)
  if [ -n "$counters" ]; then
    p=$(counter passed "$counters"); f=$(counter failed "$counters"); e=$(counter error "$counters")
    passed=$((passed + p))
    failed=$((failed + f + e))
    echo "   $name: $p passed, $((f + e)) failed"
  else
    echo "no test report for $name"
    failed=$((failed + 1))
  fi
  if [ "$rc" != "0" ]; then status=1; fi
done

echo "== done in $(elapsed)"
echo "$passed passed, $failed failed"
if [ "$failed" != "0" ] || [ "$status" != "0" ]; then exit 1; fi
exit 0

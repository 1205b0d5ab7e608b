#!/usr/bin/env bash
# The test command: installs what is missing, then runs the whole NUnit suite.
# Fails when any test fails, when a test is skipped for a reason not in tests/skip-allowlist.txt (every skip is
# printed with its reason), or when a fixture's OneTimeTearDown fails (vstest reports that without failing a test).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh test
log=$(mktemp)
results=$(mktemp -d)
trap 'rm -rf "$log" "$results"' EXIT
shopt -s nullglob
set +e
dotnet test Creps.sln -c Release --no-restore --logger "console;verbosity=normal" \
  --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
/usr/bin/python3 tests/check-skips.py tests/skip-allowlist.txt "$results"/*.trx || rc=1
if grep -qE "(TearDown|SetUp) failed for test fixture" "$log"; then
  echo "test.sh: a fixture's OneTimeSetUp/OneTimeTearDown failed:"
  grep -E -A3 "(TearDown|SetUp) failed for test fixture" "$log"
  rc=1
fi
# One plain closing line with the counts (the vstest summary spreads them over several lines, one summary per test project).
count() { grep -E "^\s+$1: [0-9]+" "$log" | grep -oE "[0-9]+" | awk '{ n += $1 } END { print n + 0 }'; }
echo "tests: $(count Passed) passed, $(count Failed) failed, $(count Skipped) skipped"
exit "$rc"

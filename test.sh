#!/usr/bin/env bash
# The test command: installs what is missing, then runs the whole NUnit suite.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh test
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test Creps.sln -c Release --no-restore --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# One plain closing line with the counts (the vstest summary spreads them over several lines).
count() { grep -E "^\s+$1: [0-9]+" "$log" | tail -1 | grep -oE "[0-9]+" || echo 0; }
echo "tests: $(count Passed) passed, $(count Failed) failed, $(count Skipped) skipped"
exit "$rc"

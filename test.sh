#!/usr/bin/env bash
# The test command: installs what is missing, then runs the whole NUnit suite.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh test
exec dotnet test Creps.sln -c Release --no-restore --logger "console;verbosity=normal" "$@"

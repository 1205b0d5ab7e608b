#!/usr/bin/env bash
# Coverage-guided fuzzing of one target (model | shard) with SharpFuzz + AFL++ for SECONDS (default 480), niced.
#   tools/fuzz/run.sh model 480     # findings in tools/fuzz/findings/model (crashes/, hangs/), queue = the grown corpus
# Needs: apt-get install afl++; dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="${1:?model|shard}"; seconds="${2:-480}"
cd "$here"
dotnet build Creps.Fuzz/Creps.Fuzz.csproj -c Release -o bin -v q -nologo >/dev/null
"${SHARPFUZZ:-$HOME/.dotnet/tools/sharpfuzz}" bin/Creps.Render.dll >/dev/null 2>&1 || true   # instrument (already instrumented: no-op)
mkdir -p findings
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1
exec nice -n 19 afl-fuzz -V "$seconds" -t 5000 -m none -i "corpus/$target" -o "findings/$target" -- dotnet bin/Creps.Fuzz.dll "$target"

#!/usr/bin/env bash
# Bake benchmark (BENCHMARKS.md "## Bake"): a 16384² PNG bake's wall time and peak RSS, and the peak RSS of a 32768²
# bake measured over its first SECONDS32 seconds (its memory is flat after the first band), then interrupted with SIGTERM (a background job of a script ignores SIGINT).
# Usage: scripts/bench-bake.sh [MODEL] [OUTDIR] > results.txt   (slow on 2 cores: run it with nice in the background)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
model="${1:-$root/models/grass.safetensors}"
[ -f "$model" ] || model="$root/../shared/fixtures/official/public-small/weights.safetensors"
out="${2:-$(mktemp -d)}"
seconds32="${SECONDS32:-120}"
# A private copy of the binaries: rebuilding the repo while this runs must not touch the running assemblies.
dotnet build "$root/src/Creps.Cli/Creps.Cli.csproj" -c Release -v q -nologo -o "$out/bin" >/dev/null
creps=(dotnet "$out/bin/creps.dll")
echo "model: $model"; echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"; echo "date: $(date -u +%FT%TZ)"

echo "== 32768x32768 png8, first ${seconds32} s =="
"${creps[@]}" bake --model "$model" --seed 1 --size 32768 --format png8 --out "$out/b32k.png" --force 2>"$out/b32k.err" >/dev/null &
pid=$!
sleep "$seconds32"
grep -E 'VmHWM|VmRSS' /proc/$pid/status
tail -n 2 "$out/b32k.err"
kill -TERM $pid
rc=0; wait $pid || rc=$?
echo "exit after SIGTERM: $rc; files left: $(ls -A "$out" | grep -c b32k.png || true)"

echo "== 16384x16384 png8 =="
/usr/bin/time -v "${creps[@]}" bake --model "$model" --seed 1 --size 16384 --format png8 --out "$out/b16k.png" --force 2>"$out/b16k.err" >/dev/null
grep -E 'done|Elapsed \(wall|Maximum resident' "$out/b16k.err"
ls -l "$out/b16k.png"

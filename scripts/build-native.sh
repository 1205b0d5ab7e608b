#!/usr/bin/env bash
# Publishes libcreps.so (src/Creps.Native, NativeAOT) into artifacts/native/lib and prints its path.
# Incremental (ILC and the link are skipped when nothing changed), and serialised by a lock, so the test projects that
# need the library (Creps.Tests' Native tests, Creps.Unity.Binding.Tests) publish it once per change, never twice at once.
# Its own artifacts path keeps the RID-specific restore and build out of the bin/obj folders `dotnet build` uses.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/native
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9
if ! dotnet publish src/Creps.Native/Creps.Native.csproj -c Release -r linux-x64 --artifacts-path "$out/build" -o "$out/lib" \
     -nologo -v q -p:DebugType=none >"$out/publish.log" 2>&1; then
  cat "$out/publish.log" >&2
  exit 1
fi
echo "$PWD/$out/lib/libcreps.so"

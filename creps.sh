#!/usr/bin/env bash
# Runs the creps CLI (building it in Release the first time): ./creps.sh render …, bake, bench, export-onnx.
# ./creps.sh demo … runs the demo viewer (src/Creps.Demo, creps-demo --help) instead.
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
"$root/scripts/setup.sh" run
if [ "${1:-}" = demo ]; then
  shift
  dotnet build "$root/src/Creps.Demo/Creps.Demo.csproj" -c Release --no-restore -v q -nologo >/dev/null
  exec dotnet "$root/src/Creps.Demo/bin/Release/net10.0/creps-demo.dll" "$@"
fi
dotnet build "$root/src/Creps.Cli/Creps.Cli.csproj" -c Release --no-restore -v q -nologo >/dev/null
exec dotnet "$root/src/Creps.Cli/bin/Release/net10.0/creps.dll" "$@"

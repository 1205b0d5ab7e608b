#!/usr/bin/env bash
# Runs the creps CLI (building it in Release the first time): ./creps.sh render …, bake, bench, export-onnx.
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
"$root/scripts/setup.sh" run
dotnet build "$root/src/Creps.Cli/Creps.Cli.csproj" -c Release --no-restore -v q -nologo >/dev/null
exec dotnet "$root/src/Creps.Cli/bin/Release/net10.0/creps.dll" "$@"

#!/usr/bin/env bash
# compile.sh SHADER.comp OUT.spv [DEFINE] — GLSL → SPIR-V (Vulkan 1.2), with -DDEFINE for a variant, then spirv-val. Errors are rewritten to MSBuild's
# canonical "file(line): error CODE: message" so the build fails with the shader's file and line.
set -uo pipefail
src="$1" out="$2" define="${3:-}"
prebuilt="$(dirname "$src")/prebuilt/$(basename "$out")"
for tool in glslangValidator spirv-val; do
  if ! command -v "$tool" >/dev/null; then
    # A machine without the shader tools (a CPU-only user) builds with the committed SPIR-V; the tests check
    # that prebuilt/ equals what the tools make, so it cannot go stale unnoticed.
    if [ -f "$prebuilt" ]; then
      echo "$src(1): warning SHADERTOOLS: $tool not found (apt package glslang-tools / spirv-tools); using prebuilt/$(basename "$prebuilt")"
      cp "$prebuilt" "$out"; exit 0
    fi
    echo "$src(1): error SHADERTOOLS: $tool not found (apt package glslang-tools / spirv-tools; run scripts/setup.sh test)"; exit 1
  fi
done
log=$(glslangValidator -V --target-env vulkan1.2 ${define:+-D$define} -o "$out.tmp" "$src" 2>&1)
rc=$?
if [ $rc -ne 0 ]; then
  echo "$log" | sed -nE 's/^ERROR: ([^:]+):([0-9]+): (.*)$/\1(\2): error GLSL: \3/p'
  echo "$log" | grep -qE '^ERROR: [^:]+:[0-9]+:' || echo "$src(1): error GLSL: $(echo "$log" | tr '\n' ' ')"
  rm -f "$out.tmp"; exit 1
fi
if ! val=$(spirv-val --target-env vulkan1.2 "$out.tmp" 2>&1); then
  echo "$src(1): error SPIRV: spirv-val: $(echo "$val" | tr '\n' ' ')"
  rm -f "$out.tmp"; exit 1
fi
mv "$out.tmp" "$out"

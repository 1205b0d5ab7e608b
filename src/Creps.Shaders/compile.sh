#!/usr/bin/env bash
# compile.sh SHADER.comp OUT.spv — GLSL → SPIR-V (Vulkan 1.2), then spirv-val. Errors are rewritten to MSBuild's
# canonical "file(line): error CODE: message" so the build fails with the shader's file and line.
set -uo pipefail
src="$1" out="$2"
for tool in glslangValidator spirv-val; do
  command -v "$tool" >/dev/null || { echo "$src(1): error SHADERTOOLS: $tool not found (apt package glslang-tools / spirv-tools; run scripts/setup.sh)"; exit 1; }
done
log=$(glslangValidator -V --target-env vulkan1.2 -o "$out.tmp" "$src" 2>&1)
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

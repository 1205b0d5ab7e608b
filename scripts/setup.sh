#!/usr/bin/env bash
# Installs what Creps needs on Debian 12 with the .NET SDK.
#   scripts/setup.sh run   — what the CLI needs to run: NuGet packages (dotnet restore)
#   scripts/setup.sh test  — also the apt packages the tests use (as root; otherwise prints the exact command)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-test}"

# One line per concern, so a new dependency has an obvious home.
APT_PACKAGES=(
  python3-numpy python3-pil           # test oracles: NumPy's RNG literals, Pillow as an independent PNG decoder
  python3-torch                       # train/ (our PyTorch trainer): CI's smoke training run
  python3-onnx                        # onnx.checker validates `creps export-onnx` models (OnnxTests)
  glslang-tools spirv-tools           # Vulkan backend build: GLSL → SPIR-V compiler (glslangValidator) and spirv-val
  libvulkan1 mesa-vulkan-drivers      # Vulkan backend: loader and lavapipe (a CPU Vulkan device wherever there is no GPU)
  vulkan-validationlayers             # Vulkan tests: VK_LAYER_KHRONOS_validation (every Vulkan test fails on a message)
  libglfw3 xvfb xauth                 # the demo viewer: GLFW windows (P/Invoke), and an X server for its window tests
  clang zlib1g-dev gcc libc6-dev      # the C ABI: NativeAOT links libcreps.so with clang; the C tests are built by gcc
  libvulkan-dev                       # the C ABI tests: tests/native/test_vulkan.c (an engine-style client with its own Vulkan device) includes vulkan/vulkan.h, links -lvulkan
)
# bake's tests read KTX2 with the npm package ktx-parse under Node.js (tests/js); Debian's nodejs only where node is absent.
command -v node >/dev/null && command -v npm >/dev/null || APT_PACKAGES+=(nodejs npm)

missing=()
[ "$mode" = test ] || APT_PACKAGES=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages; run as root:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi
command -v dotnet >/dev/null || { echo "setup: the .NET SDK (dotnet) is not on PATH; install .NET 10 SDK first" >&2; exit 1; }
dotnet restore Creps.sln -v q >/dev/null
# The exact npm versions of tests/js/package-lock.json, into the ignored tests/js/node_modules (once).
if [ "$mode" = test ] && { [ ! -f tests/js/node_modules/.package-lock.json ] || [ tests/js/package-lock.json -nt tests/js/node_modules/.package-lock.json ]; }; then
  (cd tests/js && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

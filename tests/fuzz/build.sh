#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/README.md) with clang into build-fuzz/ (override with
# FLASH_FUZZ_BUILD_DIR): configures once, then an incremental build of TARGET (default fuzz_all).
# FLASH_FUZZ_CMAKE_ARGS adds configure options to a new tree (tests/fuzz/long.sh: -O2, no comparison
# tracing). Safe to call from several ctest processes at once (one build at a time, under a lock).
# Fails (exit 1) when clang or its libFuzzer runtime is missing: scripts/install-deps.sh installs them.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${1:-fuzz_all}
dir=${FLASH_FUZZ_BUILD_DIR:-build-fuzz}
for tool in clang clang++; do
  command -v "$tool" >/dev/null || { echo "fuzz build: $tool not found (run scripts/install-deps.sh)" >&2; exit 1; }
done
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache} CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(pwd)} CCACHE_NOHASHDIR=1
mkdir -p "$dir"
exec 9>"$dir/.build.lock"
flock 9
if [ ! -f "$dir/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DFLASH_FUZZ=ON -DFLASH_BUILD_TESTS=OFF ${FLASH_FUZZ_CMAKE_ARGS:-} >/dev/null
fi
cmake --build "$dir" --target "$target" -j "${FLASH_JOBS:-$(nproc)}"

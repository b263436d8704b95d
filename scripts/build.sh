#!/usr/bin/env bash
# Configures (once) and builds Flash with Ninja into build/ (override with FLASH_BUILD_DIR).
# ccache keeps rebuilds cheap; an unchanged tree rebuilds nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${FLASH_BUILD_DIR:-build}
BUILD_TYPE=${FLASH_BUILD_TYPE:-RelWithDebInfo}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# Relative paths and no working-directory hashing: a fresh clone elsewhere (CI) hits the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(pwd)}
export CCACHE_NOHASHDIR=1
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" ${FLASH_CMAKE_ARGS:-} >/dev/null
fi
cmake --build "$BUILD_DIR" -j "${FLASH_JOBS:-$(nproc)}"

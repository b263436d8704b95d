#!/usr/bin/env bash
# The newcomer's path on the embedded default (SQLite): installs, builds, then in a fresh
# directory runs init → schema → migrate → apply → status and shows the results.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bash scripts/install-deps.sh
bash scripts/build.sh
flash="$root/${FLASH_BUILD_DIR:-build}/bin/flash"

demo=${FLASH_DEMO_DIR:-$(mktemp -d /tmp/flash-demo.XXXXXX)}
cd "$demo"
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
step "$flash" init
step cat flash.toml
step cat db/schema/schema.sql
step "$flash" schema
step "$flash" migrate init
step "$flash" apply
step "$flash" status
printf '\nDemo project left in %s\n' "$demo"

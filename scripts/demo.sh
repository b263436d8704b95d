#!/usr/bin/env bash
# The newcomer's path on the embedded default (SQLite): installs, builds, then in a fresh
# directory runs init → schema → migrate → apply → status → gen and shows the results.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bash scripts/install-deps.sh --build-only
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
step "$flash" raw "INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.com')"
step "$flash" raw "SELECT id, name, email FROM users"
step "$flash" gen
step ls db/gen/go
step sed -n '1,40p' db/gen/go/users.sql.go
printf '\nDemo project left in %s\n' "$demo"

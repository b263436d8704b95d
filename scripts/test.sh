#!/usr/bin/env bash
# The full test run, from a bare machine: installs every dependency, builds, starts throwaway
# PostgreSQL and MariaDB servers on loopback, runs every test, stops the servers.
# Usage: scripts/test.sh [ctest args...]     (e.g. scripts/test.sh -L migrate)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/install-deps.sh
bash scripts/build.sh

db_env=$(bash scripts/db.sh start) || { echo "test.sh: could not start the database servers" >&2; exit 1; }
eval "$db_env"
trap 'bash "$root/scripts/db.sh" stop >/dev/null 2>&1 || true' EXIT
export FLASH_TEST_PG_URL FLASH_TEST_MYSQL_URL

cd "${FLASH_BUILD_DIR:-build}"
ctest --output-on-failure -j "${FLASH_TEST_JOBS:-2}" "$@"

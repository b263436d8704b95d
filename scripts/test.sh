#!/usr/bin/env bash
# The full test run, from a bare machine: installs every dependency (or fails saying which is
# missing), builds (and the libFuzzer tree build-fuzz/ with clang), starts throwaway PostgreSQL,
# MariaDB and FerretDB (MongoDB protocol) servers and a Patroni cluster (ctest -L cluster) on
# loopback, runs every test (a short fuzz run of each target included: label fuzz), stops the servers.
# Usage: scripts/test.sh [ctest args...]     (e.g. scripts/test.sh -L migrate)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# sqlc serves the benchmark only (bench/harness.py synth), not a test: its ~15 min first build is left to
# `bash scripts/install-deps.sh` run by hand (FLASH_SKIP_SQLC=0 here builds it too).
[ "${FLASH_SKIP_SQLC:-1}" = 0 ] && unset FLASH_SKIP_SQLC || export FLASH_SKIP_SQLC=1
bash scripts/install-deps.sh
# The Patroni cluster of ctest -L cluster (scripts/cluster/patroni.sh) starts while the build runs.
patroni_out=$(mktemp)
bash scripts/cluster.sh start patroni >"$patroni_out" 2>"$patroni_out.log" &
patroni_pid=$!
trap 'wait "$patroni_pid" 2>/dev/null; bash "$root/scripts/cluster.sh" stop patroni >/dev/null 2>&1 || true' EXIT
# The Go toolchain install-deps bootstraps when the system has none new enough (see there).
FLASH_GO_DIR=${FLASH_GO_DIR:-$HOME/.local/flash-go}
[ -x "$FLASH_GO_DIR/bin/go" ] && export PATH="$FLASH_GO_DIR/bin:$PATH" GOTOOLCHAIN=local
bash scripts/build.sh
bash tests/fuzz/build.sh

db_env=$(bash scripts/db.sh start) || { echo "test.sh: could not start the database servers" >&2; exit 1; }
eval "$db_env"
trap 'bash "$root/scripts/db.sh" stop >/dev/null 2>&1 || true; bash "$root/scripts/cluster.sh" stop patroni >/dev/null 2>&1 || true' EXIT
export FLASH_TEST_PG_URL FLASH_TEST_MYSQL_URL
# The MongoDB tests run against FerretDB (install-deps.sh builds it): a full run without it would
# skip them, so it stops here instead.
[ -n "${FLASH_TEST_MONGO_URL:-}" ] || { echo "test.sh: FerretDB did not start (scripts/install-deps.sh builds it)" >&2; exit 1; }
export FLASH_TEST_MONGO_URL
wait "$patroni_pid" || { cat "$patroni_out.log" >&2; echo "test.sh: the Patroni cluster did not start" >&2; exit 1; }
eval "$(cat "$patroni_out")"
export FLASH_TEST_PATRONI_URL FLASH_TEST_PATRONI_PROXY_URL FLASH_PATRONI_API FLASH_PATRONI_DIR
rm -f "$patroni_out" "$patroni_out.log"
# The cluster setups of `ctest -L cluster` (scripts/cluster.sh; ~10 s each to start), stopped on exit.
trap 'for s in pgbouncer galera patroni; do bash "$root/scripts/cluster.sh" stop "$s" >/dev/null 2>&1 || true; done; bash "$root/scripts/db.sh" stop >/dev/null 2>&1 || true' EXIT
for setup in pgbouncer galera; do
  cluster_env=$(bash scripts/cluster.sh start "$setup") || { echo "test.sh: could not start the $setup setup" >&2; exit 1; }
  eval "$cluster_env"
done

cd "${FLASH_BUILD_DIR:-build}"
ctest --output-on-failure -j "${FLASH_TEST_JOBS:-2}" "$@"

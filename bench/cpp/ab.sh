#!/usr/bin/env bash
# bench/cpp/ab.sh OP [BLOCKS] [PER]: builds and runs bench/cpp/ab.cpp (hand-written libpq and the
# generated C++ client, alternating blocks of one operation in one process; see ab.cpp).
# Needs BENCH_URL (a PostgreSQL database it may fill: it creates the schema and seeds the tables).
# Generates bench/cpp/flashdb with $FLASH_BIN (default build/bin/flash) unless AB_NO_GEN=1, writes
# bench/sql.json, compiles with g++ $AB_CXXFLAGS (default -O2, as bench/run) into
# bench/.work/bin/ab, then runs it. AB_ONLY=a,b picks contenders, AB_JSON=path keeps the JSON.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(dirname "$BENCH")
: "${BENCH_URL:?BENCH_URL must name a PostgreSQL database}"
FLASH_BIN=${FLASH_BIN:-$ROOT/build/bin/flash}
if [ -z "${AB_NO_GEN:-}" ]; then (cd "$BENCH/project" && "$FLASH_BIN" --force gen --lang cpp >/dev/null); fi
python3 "$BENCH/harness.py" sql >/dev/null
mkdir -p "$BENCH/.work/bin"
PGINC=$(pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)
# shellcheck disable=SC2086
g++ ${AB_CXXFLAGS:--O2} -std=c++20 -Wall -Wextra -I"$BENCH/cpp/flashdb" -I"$PGINC" "$BENCH/cpp/ab.cpp" \
  -o "$BENCH/.work/bin/ab" -lpq
export BENCH_SQL_JSON=$BENCH/sql.json
exec "$BENCH/.work/bin/ab" "$@"

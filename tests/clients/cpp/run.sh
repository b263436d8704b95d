#!/usr/bin/env bash
# The generated C++ client, compiled and executed against the real databases.
#   run.sh FLASH_BINARY
# For each database (postgresql, mysql, sqlite): a copy of the shared project with queries/ and
# batch/ in one folder, `flash gen --lang cpp`, a second gen that must be a cache hit, then
# test_<db>.cpp compiled with the system compiler (C++20, -Wall -Wextra -Werror) against libpq /
# libmariadb / sqlite3 and run (FLASH_TEST_PG_URL, FLASH_TEST_MYSQL_URL; SQLite: a temp file).
# A database without its URL is skipped after the others ran; the run then exits 77 (ctest:
# skipped), never 0.
set -euo pipefail
FLASH=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
PROJECTS=$HERE/../projects
CXX=${CXX:-g++}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

ran=0
skipped=0
for db in postgresql mysql sqlite; do
  case $db in
    postgresql) url=${FLASH_TEST_PG_URL:-}; libs="-lpq"; inc="-I$(pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)" ;;
    mysql) url=${FLASH_TEST_MYSQL_URL:-}; libs=$(pkg-config --libs libmariadb); inc=$(pkg-config --cflags libmariadb) ;;
    sqlite) url=$WORK/sqlite.db; libs="-lsqlite3"; inc="" ;;
  esac
  if [ -z "$url" ]; then
    echo "== $db: SKIPPED (no URL: start the servers with scripts/db.sh)"
    skipped=$((skipped + 1))
    continue
  fi
  proj=$WORK/$db
  mkdir -p "$proj/queries"
  cp "$PROJECTS/$db/schema.sql" "$PROJECTS/$db/flash.toml" "$proj/"
  cp "$PROJECTS/$db"/queries/*.sql "$PROJECTS/$db"/batch/*.sql "$proj/queries/"
  echo "== flash gen --lang cpp ($db)"
  "$FLASH" -c "$proj/flash.toml" gen --lang cpp --out "$proj/gen"
  out=$("$FLASH" -c "$proj/flash.toml" gen --lang cpp --out "$proj/gen" --json)
  echo "$out" | grep -q '"cached": true' || { echo "second flash gen was not a cache hit: $out"; exit 1; }
  echo "== compile ($db)"
  # shellcheck disable=SC2086
  "$CXX" -std=c++20 -O1 -g -Wall -Wextra -Werror -I"$proj/gen" -I"$HERE" $inc "$HERE/test_$db.cpp" \
    -o "$proj/test_$db" $libs
  echo "== run ($db)"
  "$proj/test_$db" "$url" "$proj/schema.sql"
  ran=$((ran + 1))
done
[ "$ran" -gt 0 ] && [ "$skipped" -eq 0 ] || exit 77

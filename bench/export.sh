#!/usr/bin/env bash
# Measures `flash export` on a 1,000,000-row PostgreSQL table next to `psql \copy ... TO STDOUT`:
# wall time, rows/s and peak RSS (/usr/bin/time -v). Needs FLASH_TEST_PG_URL
# (eval "$(scripts/db.sh env)") and a built flash binary (FLASH_BIN, default build/src/flash).
#   bench/export.sh [rows]
set -euo pipefail
ROWS=${1:-1000000}
FLASH_BIN=${FLASH_BIN:-$(cd "$(dirname "$0")/.." && pwd)/build/src/flash}
: "${FLASH_TEST_PG_URL:?set it with eval \"\$(scripts/db.sh env)\"}"
DB=flash_bench_export_$$
BASE=${FLASH_TEST_PG_URL%%\?*}
URL=${BASE%/*}/$DB
WORK=$(mktemp -d)
cleanup() { psql -q "$FLASH_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

psql -q "$FLASH_TEST_PG_URL" -c "CREATE DATABASE $DB"
mkdir -p "$WORK/db/schema"
cat > "$WORK/db/schema/schema.sql" <<'SQL'
CREATE TABLE t (
  id BIGINT PRIMARY KEY,
  name TEXT NOT NULL,
  amount NUMERIC(12,2),
  flag BOOLEAN,
  created TIMESTAMPTZ,
  data BYTEA
);
SQL
printf 'version = "2"\nschema_dir = "db/schema"\nexport_path = "db/export"\n[database]\nprovider = "postgresql"\n' > "$WORK/flash.toml"
psql -q "$URL" -f "$WORK/db/schema/schema.sql"
psql -q "$URL" -c "INSERT INTO t SELECT g, 'name ' || g, g / 100.0, g % 2 = 0, now() - g * interval '1 second', decode(md5(g::text), 'hex') FROM generate_series(1, $ROWS) g"

measure() {  # label, command...
  local label=$1; shift
  /usr/bin/time -v "$@" > /dev/null 2> "$WORK/time.txt"
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$WORK/time.txt" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$WORK/time.txt" | awk '{print $NF}')
  local secs
  secs=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  printf '%-22s %8ss  %10.0f rows/s  peak RSS %6d MB\n' "$label" "$secs" "$(echo "$ROWS / $secs" | bc -l)" $((rss / 1024))
}

cd "$WORK"
export DATABASE_URL=$URL
echo "rows: $ROWS"
measure "psql \\copy (text)" psql -q "$URL" -c "\\copy t TO STDOUT"
for fmt in json csv sqlite; do
  measure "flash export $fmt" "$FLASH_BIN" export --format "$fmt" -o "$WORK/out.$fmt" --json
  du -sh "$WORK/out.$fmt" | awk '{print "  size " $1}'
done

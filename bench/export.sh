#!/usr/bin/env bash
# The export benchmark, in one command: a table of ROWS rows (default 1,000,000) on PostgreSQL,
# MariaDB and SQLite; `flash export --format json|csv|sqlite` next to each engine's own dump tool as
# the reference (psql `\copy ... TO` file, `mysql --quick -B -e 'SELECT ...' > file`,
# `sqlite3 -csv db 'SELECT ...' > file`). For each: wall time, rows/s, peak RSS (/usr/bin/time -v)
# and output size. Then the way back: `flash import` of the CSV and JSON exports into the emptied
# table, next to the engine's own bulk load of the same rows (psql `\copy t FROM`, MariaDB
# `LOAD DATA LOCAL INFILE`, sqlite3 `.import --csv`). Prints a Markdown table (machine, build type,
# load average included) and writes it to bench/.work/export.md (EXPORT_OUT=path: elsewhere), then
# each command's own CPU (user + sys seconds).
# Every load (the reference and each flash import) is checked against the original table through
# the engine's own client (psql / mysql / sqlite3): row count and MD5 of the dump ordered by id,
# listed under "Round trip"; a flash import that does not reproduce the rows makes the script exit 1
# (the references are reported only: sqlite3's CSV holds the blobs as raw text, which .import reads
# back as TEXT values).
#
#   bench/export.sh [rows]
#
# Environment: FLASH_BIN (a built flash; default: builds build-export-rel/, Release, tests off),
# EXPORT_ENGINES (default "postgresql mysql sqlite"), IMPORT_ROUNDS (default 1: how many times
# the reference load and the flash imports run, interleaved), FLASH_BIN_BEFORE (another build
# whose imports run right before FLASH_BIN's in each round, labelled "before"; for A/B runs on a
# shared machine), and scripts/db.sh's FLASH_DB_DIR,
# FLASH_PG_PORT, FLASH_MYSQL_PORT (the servers are started when FLASH_TEST_PG_URL /
# FLASH_TEST_MYSQL_URL are not set, and stopped at the end unless one was already running or
# BENCH_KEEP_SERVERS=1).
set -euo pipefail
ROWS=${1:-1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ENGINES=${EXPORT_ENGINES:-postgresql mysql sqlite}
ROUNDS=${IMPORT_ROUNDS:-1}

if [ -z "${FLASH_BIN:-}" ]; then
  cmake -S "$ROOT" -B "$ROOT/build-export-rel" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFLASH_BUILD_TESTS=OFF >/dev/null
  ninja -C "$ROOT/build-export-rel" -j2 flash >/dev/null
  FLASH_BIN=$ROOT/build-export-rel/bin/flash
fi
BUILD_TYPE=$(grep -m1 '^CMAKE_BUILD_TYPE' "$(dirname "$(dirname "$FLASH_BIN")")/CMakeCache.txt" 2>/dev/null | cut -d= -f2 || true)
if { [[ " $ENGINES " == *" postgresql "* ]] && [ -z "${FLASH_TEST_PG_URL:-}" ]; } ||
   { [[ " $ENGINES " == *" mysql "* ]] && [ -z "${FLASH_TEST_MYSQL_URL:-}" ]; }; then
  running=$(bash "$ROOT/scripts/db.sh" status 2>&1 | grep -c 'running (pid' || true)
  eval "$(bash "$ROOT/scripts/db.sh" start 2>/dev/null | grep '^export ')"
  # Servers this run started are stopped at its end (BENCH_KEEP_SERVERS=1 keeps them).
  [ "$running" != 0 ] || [ -n "${BENCH_KEEP_SERVERS:-}" ] || STOP_SERVERS=1
fi

DB=flash_bench_export_$$
WORK=$(mktemp -d)
PG_BASE=${FLASH_TEST_PG_URL:-}; PG_BASE=${PG_BASE%%\?*}
PG_URL=${PG_BASE%/*}/$DB
MY_BASE=${FLASH_TEST_MYSQL_URL:-}; MY_BASE=${MY_BASE%%\?*}
MY_URL=${MY_BASE%/*}/$DB
# mysql client arguments from the URL mysql://user:pass@host:port/db
my_args() {
  local rest=${MY_BASE#*://} cred hostport
  cred=${rest%%@*}; hostport=${rest#*@}; hostport=${hostport%%/*}
  echo "-u${cred%%:*} -p${cred#*:} -h${hostport%%:*} -P${hostport##*:} --protocol=tcp"
}
cleanup() {
  [ -z "$PG_BASE" ] || psql -q "$FLASH_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  # shellcheck disable=SC2046
  [ -z "$MY_BASE" ] || mysql $(my_args) -e "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  [ -z "${STOP_SERVERS:-}" ] || bash "$ROOT/scripts/db.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

RESULTS=$WORK/results.md
ROUNDTRIP=$WORK/roundtrip.md
: > "$RESULTS"
: > "$ROUNDTRIP"
: > "$WORK/cpu.md"
ROUNDTRIP_FAILED=0
# table_sum ENGINE TARGET (PostgreSQL URL | MariaDB database | SQLite file): "ROWS MD5" of table t,
# read with the engine's own client, the dump ordered by id (blobs as hex for mysql and sqlite3).
table_sum() {
  local n dump
  case $1 in
    postgresql) n=$(psql -qAt "$2" -c "SELECT count(*) FROM t")
                dump=$(psql -qAt "$2" -c "COPY (SELECT * FROM t ORDER BY id) TO STDOUT" | md5sum) ;;
    # shellcheck disable=SC2046
    mysql) n=$(mysql $(my_args) -B -N "$2" -e "SELECT COUNT(*) FROM t")
           # shellcheck disable=SC2046
           dump=$(mysql $(my_args) --quick -B -N "$2" -e "SELECT id, name, amount, flag, created, HEX(data) FROM t ORDER BY id" | md5sum) ;;
    # Every value's storage class too; `created` with 'T' between date and time, as flash's exchange
    # form writes SQLite's text timestamps (README, "such a file imports back to the same rows").
    sqlite) n=$(sqlite3 "$2" "SELECT count(*) FROM t")
            dump=$(sqlite3 "$2" "SELECT id, name, amount, flag, replace(created, ' ', 'T'), hex(data),
                                 typeof(amount), typeof(flag), typeof(created), typeof(data) FROM t ORDER BY id" | md5sum) ;;
  esac
  echo "$n ${dump%% *}"
}
# round_trip ENGINE LABEL TARGET [reference]: compares table t of TARGET with the original (ORIGINAL,
# from table_sum); a difference fails the run unless the load is a reference.
round_trip() {
  local got verdict=same
  got=$(table_sum "$1" "$3")
  if [ "$got" != "$ORIGINAL" ]; then
    verdict="DIFFERENT (original: ${ORIGINAL% *} rows, MD5 ${ORIGINAL#* })"
    if [ "${4:-}" = reference ]; then verdict="$verdict, reference: reported only"; else ROUNDTRIP_FAILED=1; fi
    echo "export.sh: $1 $2: the loaded table differs from the original ($got, want $ORIGINAL)" >&2
  fi
  printf '| %s | %s | %s | %s |\n' "$1" "$2" "${got% *}" "$verdict" >> "$ROUNDTRIP"
}
measure() {  # engine, label, output path, command...
  local engine=$1 label=$2 out=$3; shift 3
  [ -n "${MEASURE_INPUT:-}" ] || rm -rf "$out"  # an import's input is kept
  /usr/bin/time -v "$@" > "$WORK/stdout.txt" 2> "$WORK/time.txt" || { cat "$WORK/time.txt" >&2; return 1; }
  local wall rss secs size
  wall=$(grep 'Elapsed (wall clock)' "$WORK/time.txt" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$WORK/time.txt" | awk '{print $NF}')
  secs=$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  size=$(du -sm "$out" | awk '{print $1}')
  printf '| %s | %s | %.2f | %s | %d | %d |\n' "$engine" "$label" "$secs" \
    "$(printf "%'.0f" "$(echo "$ROWS / $secs" | bc -l)")" $((rss / 1024)) "$size" | tee -a "$RESULTS"
  # The command's own CPU (user + sys; a client's, not its server's), printed after the table.
  printf '| %s | %s | %s |\n' "$engine" "$label" \
    "$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$WORK/time.txt")" >> "$WORK/cpu.md"
}

project() {  # dir, provider, schema
  mkdir -p "$1/db/schema"
  printf '%s\n' "$3" > "$1/db/schema/schema.sql"
  printf 'version = "2"\nschema_dir = "db/schema"\nexport_path = "db/export"\n[database]\nprovider = "%s"\n' "$2" > "$1/flash.toml"
}

flash_runs() {  # engine, project dir, url
  local engine=$1 dir=$2
  for fmt in csv json sqlite; do
    (cd "$dir" && DATABASE_URL=$3 measure "$engine" "flash export --format $fmt" "$WORK/out.$fmt" \
      "$FLASH_BIN" export --format "$fmt" -o "$WORK/out.$fmt" --json)
  done
}

# flash import of the CSV and JSON exports; `empty` (a command) empties the table before each; the
# loaded table (TARGET, as for table_sum) is compared with the original after each.
flash_imports() {  # engine, project dir, url, target, empty command...
  local engine=$1 dir=$2 url=$3 target=$4; shift 4
  for fmt in csv json; do
    if [ -n "${FLASH_BIN_BEFORE:-}" ]; then
      "$@"
      (cd "$dir" && DATABASE_URL=$url MEASURE_INPUT=1 measure "$engine" "flash import ($fmt export), before" \
        "$WORK/out.$fmt" "$FLASH_BIN_BEFORE" import "$WORK/out.$fmt" --json)
      round_trip "$engine" "flash import ($fmt export), before" "$target"
    fi
    "$@"
    (cd "$dir" && DATABASE_URL=$url MEASURE_INPUT=1 measure "$engine" "flash import ($fmt export)" "$WORK/out.$fmt" \
      "$FLASH_BIN" import "$WORK/out.$fmt" --json)
    round_trip "$engine" "flash import ($fmt export)" "$target"
  done
}

echo "rows: $ROWS, flash: $FLASH_BIN ($BUILD_TYPE)" >&2
for engine in $ENGINES; do
  case $engine in
    postgresql)
      psql -q "$FLASH_TEST_PG_URL" -c "CREATE DATABASE $DB"
      schema='CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT NOT NULL, amount NUMERIC(12,2), flag BOOLEAN, created TIMESTAMPTZ, data BYTEA);'
      project "$WORK/pg" postgresql "$schema"
      psql -q "$PG_URL" -c "$schema"
      psql -q "$PG_URL" -c "INSERT INTO t SELECT g, 'name ' || g, g / 100.0, g % 2 = 0, timestamptz '2024-01-01 00:00:00+00' - g * interval '1 second', decode(md5(g::text), 'hex') FROM generate_series(1, $ROWS) g"
      psql -q "$PG_URL" -c "VACUUM ANALYZE t"
      ORIGINAL=$(table_sum postgresql "$PG_URL")
      measure postgresql 'psql \copy (text)' "$WORK/copy.txt" psql -q "$PG_URL" -c "\\copy t TO '$WORK/copy.txt'"
      flash_runs postgresql "$WORK/pg" "$PG_URL"
      for _ in $(seq "$ROUNDS"); do
        psql -q "$PG_URL" -c "TRUNCATE t"
        MEASURE_INPUT=1 measure postgresql 'psql \copy t FROM (text) (reference)' "$WORK/copy.txt" psql -q "$PG_URL" -c "\\copy t FROM '$WORK/copy.txt'"
        round_trip postgresql 'psql \copy t FROM (reference)' "$PG_URL" reference
        flash_imports postgresql "$WORK/pg" "$PG_URL" "$PG_URL" psql -q "$PG_URL" -c "TRUNCATE t"
      done
      ;;
    mysql)
      # shellcheck disable=SC2046
      mysql $(my_args) -e "CREATE DATABASE $DB"
      schema='CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT NOT NULL, amount DECIMAL(12,2), flag BOOLEAN, created DATETIME(6), data BLOB);'
      project "$WORK/my" mysql "$schema"
      # shellcheck disable=SC2046
      mysql $(my_args) "$DB" -e "$schema INSERT INTO t SELECT seq, CONCAT('name ', seq), seq / 100, seq % 2 = 0, TIMESTAMP'2024-01-01 00:00:00' - INTERVAL seq SECOND, UNHEX(MD5(seq)) FROM seq_1_to_$ROWS; ANALYZE TABLE t" >/dev/null
      ORIGINAL=$(table_sum mysql "$DB")
      # shellcheck disable=SC2046
      measure mysql 'mysql --quick -B > file' "$WORK/mysql.tsv" sh -c "mysql $(my_args) --quick -B $DB -e 'SELECT * FROM t' > '$WORK/mysql.tsv'"
      flash_runs mysql "$WORK/my" "$MY_URL"
      # The reference load: LOAD DATA LOCAL INFILE of a tab-separated file (the blob as hex).
      # shellcheck disable=SC2046
      mysql $(my_args) --quick -B -N "$DB" -e "SELECT id, name, amount, flag, created, HEX(data) FROM t" > "$WORK/mysql.load.tsv"
      for _ in $(seq "$ROUNDS"); do
        # shellcheck disable=SC2046
        mysql $(my_args) "$DB" -e "TRUNCATE t"
        # shellcheck disable=SC2046
        MEASURE_INPUT=1 measure mysql 'LOAD DATA LOCAL INFILE (reference)' "$WORK/mysql.load.tsv" mysql $(my_args) --local-infile=1 "$DB" \
          -e "LOAD DATA LOCAL INFILE '$WORK/mysql.load.tsv' INTO TABLE t (id, name, amount, flag, created, @d) SET data = UNHEX(@d)"
        round_trip mysql 'LOAD DATA LOCAL INFILE (reference)' "$DB" reference
        # shellcheck disable=SC2046
        flash_imports mysql "$WORK/my" "$MY_URL" "$DB" mysql $(my_args) "$DB" -e "TRUNCATE t"
      done
      ;;
    sqlite)
      schema='CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, amount NUMERIC(12,2), flag BOOLEAN, created DATETIME, data BLOB);'
      project "$WORK/lite" sqlite "$schema"
      sqlite3 "$WORK/lite/bench.db" "$schema WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < $ROWS) INSERT INTO t SELECT x, 'name ' || x, x / 100.0, x % 2 = 0, datetime(1704067200 - x, 'unixepoch'), randomblob(16) FROM g;"
      ORIGINAL=$(table_sum sqlite "$WORK/lite/bench.db")
      measure sqlite 'sqlite3 -csv > file' "$WORK/sqlite.csv" sh -c "sqlite3 -csv '$WORK/lite/bench.db' 'SELECT * FROM t' > '$WORK/sqlite.csv'"
      flash_runs sqlite "$WORK/lite" "sqlite://$WORK/lite/bench.db"
      new_lite() { rm -f "$WORK/lite/load.db"; sqlite3 "$WORK/lite/load.db" "$schema"; }
      for _ in $(seq "$ROUNDS"); do
        new_lite
        MEASURE_INPUT=1 measure sqlite 'sqlite3 .import --csv (reference)' "$WORK/sqlite.csv" sqlite3 "$WORK/lite/load.db" ".import --csv '$WORK/sqlite.csv' t"
        round_trip sqlite 'sqlite3 .import --csv (reference)' "$WORK/lite/load.db" reference
        flash_imports sqlite "$WORK/lite" "sqlite://$WORK/lite/load.db" "$WORK/lite/load.db" new_lite
      done
      ;;
    *) echo "unknown engine $engine" >&2; exit 2 ;;
  esac
done

OUT=${EXPORT_OUT:-$ROOT/bench/.work/export.md}
mkdir -p "$(dirname "$OUT")"
{
  echo "Export of one table, $(printf "%'d" "$ROWS") rows (id bigint, name text, amount numeric(12,2), flag boolean,"
  echo "created timestamp, data 16-byte blob); flash $BUILD_TYPE build; $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB;"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)."
  echo
  echo "| engine | command | seconds | rows/s | peak RSS MB | output (import: input) MB |"
  echo "|---|---|---:|---:|---:|---:|"
  cat "$RESULTS"
  echo
  echo "Round trip: each loaded table against the original, through the engine's own client (row count and"
  echo "MD5 of the dump ordered by id; SQLite: every value's storage class too)."
  echo
  echo "| engine | load | rows | rows as in the original |"
  echo "|---|---|---:|---|"
  cat "$ROUNDTRIP"
} | tee "$OUT"
echo
echo "Client CPU of each command (user + sys seconds, /usr/bin/time):"
echo
echo "| engine | command | CPU s |"
echo "|---|---|---:|"
cat "$WORK/cpu.md"
[ "$ROUNDTRIP_FAILED" = 0 ] || { echo "export.sh: a flash import did not reproduce the original rows (see Round trip)" >&2; exit 1; }

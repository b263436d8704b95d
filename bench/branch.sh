#!/usr/bin/env bash
# The branch-creation benchmark: one table of ROWS rows (default 200,000; about 30 MB on PostgreSQL)
# on PostgreSQL, MariaDB and SQLite, then
#   PostgreSQL  `flash branch b` (CREATE DATABASE ... TEMPLATE)  vs  createdb + `pg_dump -Fc | pg_restore`
#   MariaDB     `flash branch b` (object copy, INSERT ... SELECT)  vs  `mysqldump | mysql`
#   SQLite      `flash branch b` (online backup API)            vs  `cp`
# Wall time of each (process start included), the database size, and the ratio. Prints a Markdown
# table and writes it to bench/.work/branch.md.
#
#   bench/branch.sh [rows]          the short run (CI's size: 200,000 rows)
#   bench/branch.sh --size-mb 1024  the big run: each table also gets a 256-character column of
#                                   random hex and as many rows as make about that many MB per
#                                   engine (default engines: postgresql sqlite); run it with `nice`
#
# Environment: FLASH_BIN (default build/bin/flash), BRANCH_ENGINES (default "postgresql mysql
# sqlite") and scripts/db.sh's FLASH_DB_DIR, FLASH_PG_PORT, FLASH_MYSQL_PORT (the servers are
# started when FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL are not set). The SQLite file is read once
# before either copy, so that both start with it in the page cache.
set -euo pipefail
SIZE_MB=
if [ "${1:-}" = "--size-mb" ]; then
  SIZE_MB=${2:?--size-mb needs a number of MB}
  ROWS=
else
  ROWS=${1:-200000}
fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FLASH_BIN=${FLASH_BIN:-$ROOT/build/bin/flash}
if [ -n "$SIZE_MB" ]; then ENGINES=${BRANCH_ENGINES:-postgresql sqlite}; else ENGINES=${BRANCH_ENGINES:-postgresql mysql sqlite}; fi
# Rows for SIZE_MB: measured bytes per row with the pad column (table + index), per engine.
rows_for() {
  if [ -z "$SIZE_MB" ]; then echo "$ROWS"; return; fi
  local per
  case $1 in postgresql) per=396 ;; mysql) per=420 ;; *) per=334 ;; esac
  echo $(( SIZE_MB * 1048576 / per ))
}
PAD_PG= PAD_MY= PAD_LITE= PAD_COL_PG= PAD_COL_MY= PAD_COL_LITE=
if [ -n "$SIZE_MB" ]; then
  PAD_COL_PG=", pad text" PAD_PG=", repeat(md5(g::text), 8)"
  PAD_COL_MY=", pad varchar(256)" PAD_MY=", REPEAT(MD5(seq), 8)"
  PAD_COL_LITE=", pad TEXT" PAD_LITE=", hex(randomblob(128))"
fi
if [ -z "${FLASH_TEST_PG_URL:-}" ] || [ -z "${FLASH_TEST_MYSQL_URL:-}" ]; then
  eval "$(bash "$ROOT/scripts/db.sh" start 2>/dev/null | grep '^export ')"
fi
DB=flash_bench_branch_$$
WORK=$(mktemp -d)
PG_BASE=${FLASH_TEST_PG_URL%%\?*}
PG_SRV=${PG_BASE%/*}
MY_BASE=${FLASH_TEST_MYSQL_URL%%\?*}
my_args() {
  local rest=${MY_BASE#*://} cred hostport
  cred=${rest%%@*}; hostport=${rest#*@}; hostport=${hostport%%/*}
  echo "-u${cred%%:*} -p${cred#*:} -h${hostport%%:*} -P${hostport##*:} --protocol=tcp"
}
cleanup() {
  psql -q "$PG_BASE" -c "DROP DATABASE IF EXISTS ${DB}" -c "DROP DATABASE IF EXISTS ${DB}__b" \
    -c "DROP DATABASE IF EXISTS ${DB}_dump" >/dev/null 2>&1 || true
  mysql $(my_args) -e "DROP DATABASE IF EXISTS ${DB}; DROP DATABASE IF EXISTS ${DB}__b; DROP DATABASE IF EXISTS ${DB}_dump" \
    >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
project() {  # a flash project for $1 in $WORK/$1
  mkdir -p "$WORK/$1/db/migrations"
  printf 'version = "2"\n[database]\nprovider = "%s"\n' "$1" >"$WORK/$1/flash.toml"
}
OUT="$ROOT/bench/.work/branch.md"
mkdir -p "$(dirname "$OUT")"
{
  echo "${SIZE_MB:+Size: about $SIZE_MB MB per engine; }Rows: $(for e in $ENGINES; do printf '%s %s; ' "$e" "$(rows_for "$e")"; done)$(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%F)"
  echo
  echo "| engine | size MB | flash branch s | reference | reference s | reference / flash |"
  echo "|---|---:|---:|---|---:|---:|"
} >"$OUT"
row() { printf '| %s | %.1f | %.2f | %s | %.2f | %.1f× |\n' "$1" "$(echo "$2 / 1048576" | bc -l)" "$3" "$4" "$5" \
  "$(echo "$5 / $3" | bc -l)" >>"$OUT"; }

for e in $ENGINES; do
  ROWS=$(rows_for "$e")
  project "$e"
  case $e in
    postgresql)
      psql -q "$PG_BASE" -c "CREATE DATABASE ${DB}" >/dev/null
      psql -q "$PG_SRV/$DB" -c "CREATE TABLE t (id bigint PRIMARY KEY, name text, amount numeric(12,2), created timestamptz$PAD_COL_PG)" \
        -c "INSERT INTO t SELECT g, 'name ' || g, g / 100.0, now()$PAD_PG FROM generate_series(1, $ROWS) g" \
        -c "CREATE INDEX t_name ON t (name)" >/dev/null
      size=$(psql -qtA "$PG_BASE" -c "SELECT pg_database_size('$DB')")
      f=$(cd "$WORK/$e" && DATABASE_URL="$PG_SRV/$DB" secs "$FLASH_BIN" branch b)
      psql -q "$PG_BASE" -c "CREATE DATABASE ${DB}_dump" >/dev/null
      r=$(secs bash -c "pg_dump -Fc '$PG_SRV/$DB' | pg_restore -d '$PG_SRV/${DB}_dump'")
      row PostgreSQL "$size" "$f" '`pg_dump -Fc \| pg_restore`' "$r" ;;
    mysql)
      mysql $(my_args) -e "CREATE DATABASE ${DB}"
      mysql $(my_args) "$DB" -e "CREATE TABLE t (id bigint PRIMARY KEY, name varchar(100), amount decimal(12,2), created datetime$PAD_COL_MY, KEY t_name (name));
        INSERT INTO t SELECT seq, CONCAT('name ', seq), seq / 100, NOW()$PAD_MY FROM seq_1_to_$ROWS;"
      mysql $(my_args) "$DB" -e "ANALYZE TABLE t" >/dev/null
      size=$(mysql $(my_args) -N -e "SELECT SUM(DATA_LENGTH + INDEX_LENGTH) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$DB'")
      f=$(cd "$WORK/$e" && DATABASE_URL="${MY_BASE%/*}/$DB" secs "$FLASH_BIN" branch b)
      mysql $(my_args) -e "CREATE DATABASE ${DB}_dump"
      r=$(secs bash -c "mysqldump $(my_args) --single-transaction --routines --triggers $DB | mysql $(my_args) ${DB}_dump")
      row MariaDB "$size" "$f" '`mysqldump \| mysql`' "$r" ;;
    sqlite)
      sqlite3 "$WORK/$e/app.db" "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, amount NUMERIC, created TEXT$PAD_COL_LITE);
        WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < $ROWS)
        INSERT INTO t SELECT n, 'name ' || n, n / 100.0, datetime('now')$PAD_LITE FROM g; CREATE INDEX t_name ON t (name);"
      size=$(stat -c %s "$WORK/$e/app.db")
      cat "$WORK/$e/app.db" >/dev/null
      f=$(cd "$WORK/$e" && DATABASE_URL="sqlite://app.db" secs "$FLASH_BIN" branch b)
      r=$(secs cp "$WORK/$e/app.db" "$WORK/$e/copy.db")
      row SQLite "$size" "$f" '`cp`' "$r" ;;
  esac
done
cat "$OUT"

#!/usr/bin/env bash
# Executed proof of the Python generator: for each database (postgresql, mysql, sqlite) and each
# driver flavour (async: asyncpg/aiomysql/aiosqlite, sync: psycopg/pymysql/sqlite3) it runs
# `flash gen` on the shared project tests/clients/projects/<db>/ into .gen/<db>-<mode>/client
# (gitignored), type-checks the package and the tests with `mypy --strict`, then runs the pytest
# behaviour tests that call every generated method against the database. The tests are written
# once per database, async (test_<db>.py); the sync variant is derived by dropping async/await;
# conftest_<db>_<mode>.py provides the connection.
# PostgreSQL has a third run, postgresql/asyncpg-record: [gen.python] rows = "record" (client), the
# same project with the default rows (client_nt) and rows = "record" with read_retry
# (client_retry), plus record/record.sql; record/test_postgresql_record.py compares the record rows
# with the NamedTuple ones. FLASH_PY_MODES (default "async sync record") picks the runs.
#
#   tests/clients/python/run.sh FLASH_BINARY [postgresql|mysql|sqlite ...]
#
# Needs the virtualenv tests/clients/python/.venv (scripts/install-deps.sh creates it:
# python3 -m venv .venv && .venv/bin/pip install -r requirements.txt). PostgreSQL and MySQL come
# from FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL (eval "$(scripts/db.sh env)"); a database whose URL
# is not set is skipped (after the others ran). Each run works in its own PostgreSQL schema / MySQL database, so it does
# not collide with other client tests using the same server. Exit status: 0 all passed, 1 a
# failure, 77 a database was skipped (ctest reports that as skipped, never as passed).
set -uo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 FLASH_BINARY [postgresql|mysql|sqlite ...]" >&2
  exit 2
fi
FLASH=$(realpath "$1")
shift
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
PROJECTS="$ROOT/tests/clients/projects"
VENV="${FLASH_PY_VENV:-$HERE/.venv}"
PY="$VENV/bin/python"
WORK="$HERE/.gen"

if [ ! -x "$PY" ]; then
  echo "run.sh: no virtualenv at $VENV (python3 -m venv $VENV && $VENV/bin/pip install -r $HERE/requirements.txt)" >&2
  exit 77
fi
DBS=("$@")
[ ${#DBS[@]} -eq 0 ] && DBS=(postgresql mysql sqlite)

passed=()
failed=()
skipped=()

provider_of() { case "$1" in postgresql) echo postgresql ;; mysql) echo mysql ;; sqlite) echo sqlite ;; esac; }

for db in "${DBS[@]}"; do
  case "$db" in
    postgresql) [ -n "${FLASH_TEST_PG_URL:-}" ] || { skipped+=("$db (FLASH_TEST_PG_URL unset)"); continue; } ;;
    mysql) [ -n "${FLASH_TEST_MYSQL_URL:-}" ] || { skipped+=("$db (FLASH_TEST_MYSQL_URL unset)"); continue; } ;;
    sqlite) ;;
    *) echo "run.sh: unknown database $db" >&2; exit 2 ;;
  esac
  for mode in ${FLASH_PY_MODES:-async sync record}; do
    [ "$mode" = record ] && [ "$db" != postgresql ] && continue
    case "$db-$mode" in
      postgresql-async) driver=asyncpg ;; postgresql-sync) driver=psycopg ;; postgresql-record) driver=asyncpg ;;
      mysql-async) driver=aiomysql ;; mysql-sync) driver=pymysql ;;
      sqlite-async) driver=aiosqlite ;; sqlite-sync) driver=sqlite3 ;;
    esac
    name="$db/$driver"
    [ "$mode" = record ] && name="$db/$driver-record"
    dir="$WORK/$db-$mode"
    rm -rf "$dir"
    mkdir -p "$dir"
    # The project's queries plus its batch/ folder (the :batch kinds, kept apart for Go's
    # database/sql variants), copied into one query folder.
    mkdir -p "$dir/queries"
    cp "$PROJECTS/$db"/queries/*.sql "$PROJECTS/$db"/batch/*.sql "$dir/queries/"
    [ "$mode" = record ] && cp "$HERE/record/record.sql" "$dir/queries/"
    # A project of its own that points at the shared schema and queries.
    cat > "$dir/flash.toml" <<TOML
version = "2"
schema_dir = "$PROJECTS/$db/schema.sql"
queries = "$dir/queries"
migrations_path = "migrations"

[database]
provider = "$(provider_of "$db")"
url_env = "DATABASE_URL"

[gen.python]
enabled = true
out = "client"
driver = "$driver"
TOML
    pkgs=(client)
    if [ "$mode" = record ]; then
      # client: rows = "record"; client_nt: the default rows; client_retry: record + read_retry.
      sed -e 's/^out = "client"$/out = "client_nt"/' "$dir/flash.toml" > "$dir/flash_nt.toml"
      sed -e 's/^out = "client"$/out = "client_retry"/' "$dir/flash.toml" > "$dir/flash_retry.toml"
      printf 'rows = "record"\n' >> "$dir/flash.toml"
      printf 'rows = "record"\nread_retry = true\n' >> "$dir/flash_retry.toml"
      pkgs=(client client_nt client_retry)
    fi
    echo "== $name: flash gen"
    gen_ok=1
    for pkg in "${pkgs[@]}"; do
      toml=flash.toml
      [ "$pkg" = client_nt ] && toml=flash_nt.toml
      [ "$pkg" = client_retry ] && toml=flash_retry.toml
      (cd "$dir" && "$FLASH" -c "$toml" gen --lang python) || gen_ok=0
    done
    if [ $gen_ok = 0 ]; then
      failed+=("$name (flash gen)")
      continue
    fi
    # The tests are written once, async (test_<db>.py); the sync variant drops async/await.
    if [ "$mode" = record ]; then
      # asyncpg's fixture in a schema of its own.
      sed -e 's/^SCHEMA = "flash_py_asyncpg"$/SCHEMA = "flash_py_asyncpg_record"/' \
        "$HERE/conftest_${db}_async.py" > "$dir/conftest.py"
      cp "$HERE/record/test_${db}_record.py" "$dir/test_${db}_${mode}.py"
    else
      cp "$HERE/conftest_${db}_${mode}.py" "$dir/conftest.py"
    fi
    if [ "$mode" = record ]; then
      :
    elif [ "$mode" = async ]; then
      cp "$HERE/test_${db}.py" "$dir/test_${db}_${mode}.py"
    else
      sed -e 's/\bawait //g' -e 's/\basync //g' -e '/pytest\.mark\.asyncio/d' "$HERE/test_${db}.py" > "$dir/test_${db}_${mode}.py"
    fi
    echo "== $name: mypy --strict"
    if ! (cd "$dir" && "$PY" -m mypy --strict --no-incremental --cache-dir=/dev/null "${pkgs[@]}" conftest.py "test_${db}_${mode}.py"); then
      failed+=("$name (mypy)")
      continue
    fi
    echo "== $name: pytest"
    if ! (cd "$dir" && PYTHONPATH="$dir" FLASH_PY_SCHEMA="$PROJECTS/$db/schema.sql" \
          "$PY" -m pytest -q -p no:cacheprovider -o asyncio_default_fixture_loop_scope=function "test_${db}_${mode}.py"); then
      failed+=("$name (pytest)")
      continue
    fi
    passed+=("$name")
  done
done

echo
echo "Python client tests:"
for p in "${passed[@]+"${passed[@]}"}"; do echo "  passed   $p"; done
for f in "${failed[@]+"${failed[@]}"}"; do echo "  FAILED   $f"; done
for s in "${skipped[@]+"${skipped[@]}"}"; do echo "  skipped  $s"; done
[ ${#failed[@]} -gt 0 ] && exit 1
[ ${#passed[@]} -eq 0 ] && exit 77
[ ${#skipped[@]} -gt 0 ] && exit 77
exit 0

#!/usr/bin/env bash
# Executed proof of the TypeScript/JavaScript generator ([gen.js]).
#
#   tests/clients/ts/run.sh /path/to/flash [postgresql mysql sqlite]
#
# For each database (all three by default; PostgreSQL and MySQL need FLASH_TEST_PG_URL /
# FLASH_TEST_MYSQL_URL, from `eval "$(scripts/db.sh env)"`; without them they are skipped and the
# run exits 77, which ctest reports as skipped, after running the others):
#   1. `flash gen --lang js` on the shared project tests/clients/projects/<db> into .out/<db>/gen
#      (queries.ts + queries.js + queries.d.ts), with a flash.toml written here so the [gen.js]
#      settings are this test's own;
#   2. `tsc --strict` (plus noUnused*) over the generated .ts and the behaviour tests;
#   3. the same tests type-checked against the emitted queries.js + queries.d.ts alone, and
#      compiled to JavaScript;
#   4. `node --test`: every generated method runs against the real database, importing the .js
#      that Flash wrote (not tsc's output).
# Extra variants: SQLite with module = "commonjs" (required from a .cjs test) and PostgreSQL with
# bigint = "bigint" and with prepared = false (unnamed statements). Needs node_modules (npm ci, see scripts/install-deps.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
flash="${1:?usage: run.sh /path/to/flash [databases...]}"
flash="$(cd "$(dirname "$flash")" && pwd)/$(basename "$flash")"
shift
dbs=("$@")
((${#dbs[@]})) || dbs=(postgresql mysql sqlite)

cd "$here"
if [ ! -x node_modules/.bin/tsc ] || ! node -e 'require("better-sqlite3")' 2>/dev/null; then
  echo "run.sh: node_modules missing or stale: run npm ci in tests/clients/ts (scripts/install-deps.sh does)" >&2
  exit 1
fi
tsc="$here/node_modules/.bin/tsc"
out="$here/.out"
rm -rf "$out"
mkdir -p "$out"

# gen DB DIR [extra gen.js settings...]: writes DIR/flash.toml for the shared project and runs
# flash gen into DIR/gen.
gen() {
  local db="$1" dir="$2"
  shift 2
  local project="$root/tests/clients/projects/$db"
  mkdir -p "$dir"
  # The project's queries plus its batch/ folder (the :batch kinds, kept apart for Go's
  # database/sql variants), copied into one query folder.
  rm -rf "$dir/queries"
  mkdir -p "$dir/queries"
  cp "$project"/queries/*.sql "$project"/batch/*.sql "$dir/queries/"
  {
    echo 'version = "2"'
    echo "schema_dir = \"$project/schema.sql\""
    echo "queries = \"$dir/queries\""
    echo '[database]'
    echo "provider = \"$db\""
    echo '[gen.js]'
    echo 'enabled = true'
    echo 'out = "gen"'
    for kv in "$@"; do echo "$kv"; done
  } >"$dir/flash.toml"
  (cd "$dir" && "$flash" -c flash.toml gen --lang js --force)
}

selected=()
for db in "${dbs[@]}"; do
  case "$db" in
    postgresql) [ -n "${FLASH_TEST_PG_URL:-}" ] || { echo "run.sh: skip postgresql (FLASH_TEST_PG_URL unset)"; continue; } ;;
    mysql) [ -n "${FLASH_TEST_MYSQL_URL:-}" ] || { echo "run.sh: skip mysql (FLASH_TEST_MYSQL_URL unset)"; continue; } ;;
    sqlite) ;;
    *) echo "run.sh: unknown database $db" >&2; exit 2 ;;
  esac
  gen "$db" "$out/$db"
  selected+=("$db")
done
((${#selected[@]})) || { echo "run.sh: nothing to test"; exit 77; }

# 2. Strict type check of the generated TypeScript with the tests that use it (only the databases
# selected: a skipped one has no generated client to check against).
include='"../test/helpers.ts"'
for db in "${selected[@]}"; do include+=", \"../test/$db.test.ts\", \"$db/gen/*.ts\""; done
echo "{ \"extends\": \"../tsconfig.json\", \"include\": [$include] }" >"$out/tsconfig.json"
"$tsc" -p "$out/tsconfig.json"
echo "run.sh: tsc --strict ok over generated .ts (${selected[*]})"

# 3. The same tests against queries.js + queries.d.ts only; compiled for node.
run="$out/run"
mkdir -p "$run/test"
for db in "${selected[@]}"; do
  mkdir -p "$run/.out/$db/gen"
  cp "$out/$db/gen/queries.js" "$out/$db/gen/queries.d.ts" "$run/.out/$db/gen/"
  cp "test/$db.test.ts" "$run/test/"
done
cp test/helpers.ts "$run/test/"
sed -e 's#"noEmit": true#"noEmit": false#' -e 's#".out/\*/gen/\*.ts"#".out/*/gen/*.d.ts"#' tsconfig.json >"$run/tsconfig.json"
(cd "$run" && "$tsc" -p tsconfig.json)
echo "run.sh: tsc --strict ok against emitted .js + .d.ts"

# Variants: CommonJS output (SQLite), bigint = "bigint" and prepared = false (PostgreSQL): their generated code is
# type-checked on its own, and plain JavaScript tests (test/variants) load the emitted .js.
variants=()
check_alone() {  # check_alone DIR FILE...: strict tsc over the files with this package's types
  cat >"$1/tsconfig.json" <<EOF
{ "extends": "$here/tsconfig.json", "compilerOptions": { "typeRoots": ["$here/node_modules/@types"] },
  "include": [], "files": [$(printf '"%s",' "${@:2}" | sed 's/,$//')] }
EOF
  "$tsc" -p "$1/tsconfig.json"
}
if [[ " ${selected[*]} " == *" sqlite "* ]]; then
  gen sqlite "$out/sqlite-cjs" 'module = "commonjs"' 'emit = "both"'
  echo '{ "type": "commonjs" }' >"$out/sqlite-cjs/gen/package.json"
  check_alone "$out/sqlite-cjs" gen/queries.ts
  variants+=("$here/test/variants/sqlite-cjs.test.cjs")
fi
if [[ " ${selected[*]} " == *" postgresql "* ]]; then
  gen postgresql "$out/postgresql-bigint" 'bigint = "bigint"'
  check_alone "$out/postgresql-bigint" gen/queries.ts
  variants+=("$here/test/variants/postgresql-bigint.test.mjs")
  gen postgresql "$out/postgresql-unnamed" 'prepared = false'
  check_alone "$out/postgresql-unnamed" gen/queries.ts
  variants+=("$here/test/variants/postgresql-unnamed.test.mjs")
fi
echo "run.sh: tsc --strict ok for the variants"

# 4. Behaviour tests against the real databases.
files=()
for db in "${selected[@]}"; do files+=("$run/test/$db.test.js"); done
FLASH_SOURCE_DIR="$root" FLASH_TS_OUT="$out" node --test --test-reporter=spec "${files[@]}" "${variants[@]}"
# A database skipped for its missing URL makes the whole test "skipped" (ctest SKIP_RETURN_CODE 77), never passed.
if ((${#selected[@]} < ${#dbs[@]})); then
  echo "run.sh: skipped: ${#selected[@]} of ${#dbs[@]} databases ran (${selected[*]}); set FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL"
  exit 77
fi

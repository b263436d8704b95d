#!/usr/bin/env bash
# Executed proof of the MongoDB clients `flash gen` writes for Go, TypeScript and Python.
#
#   tests/clients/mongo/run.sh FLASH_BINARY DUMP_BINARY [go ts python]
#
# The project project/ declares three collections ($jsonSchema validators with every BSON type
# the generators map). For each language:
#   1. `flash gen --lang X` into a scratch copy of the project; a second run must be a cache hit
#      and `gen --check` must pass;
#   2. compile / type-check: gofmt -l + go vet (Go), tsc --strict (TypeScript), mypy --strict
#      (Python, the sync and the async package);
#   3. run the behaviour test (go/, ts/test/, python/) against FerretDB (FLASH_TEST_MONGO_URL) in
#      a database of its own: inserts with every mapped type, typed filters, updates, deletes;
#   4. read what the test left behind with DUMP_BINARY (libmongoc through Flash's document driver,
#      not the generated client) and compare it with expected.json: the three languages must store
#      exactly the same documents, BSON types included (canonical Extended JSON).
# Exit: 0 passed, 1 a failure, 77 FLASH_TEST_MONGO_URL unset (ctest: skipped).
set -euo pipefail
FLASH="$(realpath "${1:?usage: run.sh FLASH_BINARY DUMP_BINARY [go ts python]}")"
DUMP="$(realpath "${2:?usage: run.sh FLASH_BINARY DUMP_BINARY [go ts python]}")"
shift 2
langs=("$@")
((${#langs[@]})) || langs=(go ts python)
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
if [ -z "${FLASH_TEST_MONGO_URL:-}" ]; then
  echo "run.sh: FLASH_TEST_MONGO_URL unset (eval \"\$(scripts/db.sh start)\")"
  exit 77
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$HERE/project" "$WORK/project"
PY="${FLASH_PY_VENV:-$ROOT/tests/clients/python/.venv}/bin/python"
# One database per language and run, so parallel runs on one server do not collide.
suffix="$$"

# gen LANG OUT [extra settings]: flash gen of the [gen.LANG] target into OUT, cache and --check.
gen() {
  local lang="$1" out="$2"
  shift 2
  local cfg="$WORK/project/flash-$lang-$(basename "$out").toml"
  {
    echo 'version = "2"'
    echo "schema_dir = \"$WORK/project/db/schema\""
    echo '[database]'
    echo 'provider = "mongodb"'
    echo "[gen.$lang]"
    echo 'enabled = true'
    echo "out = \"$out\""
    for kv in "$@"; do echo "$kv"; done
  } >"$cfg"
  "$FLASH" -c "$cfg" gen --lang "$lang" --force >/dev/null
  local again
  again=$("$FLASH" -c "$cfg" gen --lang "$lang" --json)
  echo "$again" | grep -q '"cached": true' || { echo "second flash gen was not a cache hit: $again"; return 1; }
  "$FLASH" -c "$cfg" gen --lang "$lang" --check >/dev/null
}

# stored LANG DB: the documents the test left in DB, compared with expected.json.
stored() {
  local lang="$1" db="$2"
  local url="${FLASH_TEST_MONGO_URL%/*}/$db"
  "$DUMP" "$url" products events >"$WORK/$lang.json"
  if ! "$PY" - "$HERE/expected.json" "$WORK/$lang.json" <<'PYEOF'
import json, sys
want, got = (json.load(open(p)) for p in sys.argv[1:3])
sys.exit(0 if json.dumps(want, sort_keys=True) == json.dumps(got, sort_keys=True) else 1)
PYEOF
  then
    echo "run.sh: $lang: stored documents differ from expected.json:"
    diff <("$PY" -m json.tool --sort-keys "$HERE/expected.json") <("$PY" -m json.tool --sort-keys "$WORK/$lang.json") || true
    return 1
  fi
  echo "run.sh: $lang: stored documents match expected.json (read with libmongoc)"
}

for lang in "${langs[@]}"; do
  db="flash_gen_${lang}_$suffix"
  case "$lang" in
    go)
      rm -rf "$HERE/go/gen"
      gen go "$HERE/go/gen/shop"
      (cd "$HERE/go" && unformatted=$(gofmt -l gen) && [ -z "$unformatted" ] || { echo "not gofmt-clean: $unformatted"; gofmt -d gen | head -40; exit 1; })
      (cd "$HERE/go" && go vet ./... && FLASH_MONGO_CLIENT_DB="$db" go test -count=1 ./...)
      stored go "$db"
      ;;
    ts)
      [ -x "$HERE/ts/node_modules/.bin/tsc" ] || { echo "run.sh: tests/clients/mongo/ts/node_modules missing (npm ci; scripts/install-deps.sh does)"; exit 1; }
      rm -rf "$HERE/ts/.out"
      gen js "$HERE/ts/.out/gen"
      (cd "$HERE/ts" && node_modules/.bin/tsc -p tsconfig.json)
      echo "run.sh: ts: tsc --strict ok"
      (cd "$HERE/ts" && FLASH_MONGO_CLIENT_DB="$db" node --test --test-reporter=spec .out/build/test/mongo.test.js)
      stored ts "$db"
      ;;
    python)
      [ -x "$PY" ] || { echo "run.sh: no Python venv at $PY (scripts/install-deps.sh creates it)"; exit 1; }
      pw="$WORK/python"
      mkdir -p "$pw"
      gen python "$pw/shop"
      gen python "$pw/shop_async" 'async = true'
      cp "$HERE/python/test_mongo_async.py" "$pw/"
      # The sync test: the async one without async/await.
      sed -e 's/^@pytest.mark.asyncio$//' -e 's/async def /def /' -e 's/await //g' -e 's/shop_async/shop/' \
          -e 's/AsyncMongoClient/MongoClient/' "$HERE/python/test_mongo_async.py" >"$pw/test_mongo_sync.py"
      (cd "$pw" && "$PY" -m mypy --strict --no-incremental shop shop_async test_mongo_async.py test_mongo_sync.py)
      for mode in sync async; do
        (cd "$pw" && FLASH_MONGO_CLIENT_DB="${db}_$mode" "$PY" -m pytest -q -p no:cacheprovider -o asyncio_default_fixture_loop_scope=function "test_mongo_$mode.py")
        stored "python-$mode" "${db}_$mode"
      done
      ;;
    *) echo "run.sh: unknown language $lang" >&2; exit 2 ;;
  esac
done
echo "run.sh: MongoDB clients passed: ${langs[*]}"

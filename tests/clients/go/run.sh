#!/usr/bin/env bash
# Executed proof for the Go generator. Usage: tests/clients/go/run.sh FLASH_BINARY
#
# For each shared project (../projects/{postgresql,mysql,sqlite}) and each generator variant,
# runs `flash gen --lang go` into gen/<variant>/ (gitignored), asserts the output is gofmt-clean,
# runs `go vet`, then `go test` runs the behaviour tests (*_test.go here), which call every
# generated method against the real databases (FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL from
# `eval "$(scripts/db.sh start)"`; SQLite in a temp file). A database whose URL is unset is
# skipped by its test and the run exits 77 (ctest: skipped). Also checks that a second `flash gen` is a cache hit and `--check` passes.
set -euo pipefail
FLASH="$(realpath "${1:?usage: run.sh FLASH_BINARY}")"
HERE="$(cd "$(dirname "$0")" && pwd)"
PROJECTS="$HERE/../projects"
cd "$HERE"

# Variants: name, project, extra flash.toml settings for [gen.go].
variants=(
  "postgresql|postgresql|"
  "postgresql_sqlnull|postgresql|null_style = \"sql\""
  "mysql|mysql|"
  "mysql_prepared|mysql|prepare = true"
  "sqlite|sqlite|"
  "sqlite_sqlnull|sqlite|null_style = \"sql\"\nprepare = true"
  # The :batch kinds exist with pgx/v5 only, so they live in the project's batch/ folder and get
  # a package of their own (the database/sql variants above stay free of them).
  "postgresql_batch|postgresql|queries = \"batch\""
)

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
rm -rf gen
tags=""
for v in "${variants[@]}"; do
  IFS='|' read -r name project extra <<<"$v"
  cfg="$PROJECTS/$project/flash.toml"
  if [ -n "$extra" ]; then
    # A copy of the project config with the variant's settings; paths stay relative to the
    # project (schema_dir/queries are made absolute).
    mkdir -p "$tmp/$name"
    # `queries = "dir"` in the settings replaces the project's query folder.
    qdir=$(printf "$extra\n" | sed -n 's/^queries = "\(.*\)"$/\1/p')
    if [ -n "$qdir" ]; then
      extra=$(printf "$extra\n" | sed '/^queries = /d')
      qline="queries = \"$PROJECTS/$project/$qdir\""
    else
      qline=""
    fi
    sed -e "s|^schema_dir = \"\(.*\)\"|schema_dir = \"$PROJECTS/$project/\1\"|" \
        -e "s|^queries = \"\(.*\)\"|${qline:-queries = \"$PROJECTS/$project/\1\"}|" \
        -e '/^driver = /d' "$cfg" |
      # Only the Go target's section stays, last: the variant's settings are appended to it.
      awk '/^\[/ { skip = ($0 ~ /^\[gen\./ && $0 != "[gen.go]") } !skip' > "$tmp/$name/flash.toml"
    driver_line=$(grep '^driver = ' "$cfg" | head -n1)
    case "$extra" in *driver*) ;; *) extra="$driver_line\n$extra" ;; esac
    printf "$extra\n" >> "$tmp/$name/flash.toml"
    cfg="$tmp/$name/flash.toml"
  fi
  echo "== flash gen ($name)"
  if ! "$FLASH" -c "$cfg" gen --lang go --out "gen/$name" 2>"$tmp/err"; then
    # Until the query analyser parses a dialect, its variants are reported and left out (their
    # test files are behind the build tag flash_<variant>). Any other failure fails the run.
    if grep -q "no query parser for" "$tmp/err"; then
      echo "SKIP $name: $(grep -m1 -o 'no query parser for [a-z]* yet' "$tmp/err")"
      continue
    fi
    cat "$tmp/err"; exit 1
  fi
  tags="${tags:+$tags,}flash_$name"
  # The cache: a second run with the same inputs writes nothing, and --check passes.
  out=$("$FLASH" -c "$cfg" gen --lang go --out "gen/$name" --json)
  echo "$out" | grep -q '"cached": true' || { echo "second flash gen was not a cache hit: $out"; exit 1; }
  "$FLASH" -c "$cfg" gen --lang go --out "gen/$name" --check >/dev/null
done

[ -n "$tags" ] || { echo "no variant could be generated"; exit 1; }
echo "== gofmt -l gen"
unformatted=$(gofmt -l gen)
if [ -n "$unformatted" ]; then
  echo "not gofmt-clean:"; echo "$unformatted"
  gofmt -d gen | head -n 80
  exit 1
fi
echo "== go vet"
go vet -tags "$tags" ./...
echo "== go test -tags $tags"
go test -count=1 -tags "$tags" ./... "${@:2}"
# A database whose URL is unset was skipped by its test: the run is "skipped" (ctest 77), never passed.
if [ -z "${FLASH_TEST_PG_URL:-}" ] || [ -z "${FLASH_TEST_MYSQL_URL:-}" ]; then
  echo "run.sh: skipped: PostgreSQL or MySQL did not run (FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL unset)"
  exit 77
fi

#!/usr/bin/env bash
# The long fuzz campaign (tests/fuzz/README.md): >= 10 million executions per target, run in
# resumable slices so that it can use a machine's idle hours over several sittings.
#
#   tests/fuzz/long.sh [--hours H] [--slice SECONDS] [--goal N] [--target T]
#
# Each slice fuzzes the target with the fewest executions so far (below the goal) for SECONDS
# (default 900) with tests/fuzz/run.sh, from the working corpus the earlier slices grew
# (build-fuzz-long/work/TARGET), and appends one line to the ledger docs/reliability-fuzz-long.txt:
#   RELIABILITY fuzz-slice TARGET - execs=N crashes=N hangs=N seconds=N commit=SHA date=YYYY-MM-DD
# scripts/reliability_render.py sums the slices per target for docs/RELIABILITY.md. The campaign
# stops when every target reached the goal, when --hours are spent, or at the first finding (exit 1:
# the reproducer is in build-fuzz-long/artifacts/TARGET/; fix it and keep it in crashes/TARGET/).
#
# Build: its own tree, build-fuzz-long/, ASan+UBSan as every fuzz build, but -O2 and without
# comparison tracing, and libFuzzer's -entropic=0: about twice the executions per second of the
# CI tree (measured on fuzz_ddl_postgres: 244 → 440 exec/s), at the cost of the value-profile
# guidance that the short CI runs keep.
set -euo pipefail
cd "$(dirname "$0")/../.."
hours=0 slice=900 goal=10000000 only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --hours) hours=$2; shift ;;
    --slice) slice=$2; shift ;;
    --goal) goal=$2; shift ;;
    --target) only=$2; shift ;;
    *) echo "usage: tests/fuzz/long.sh [--hours H] [--slice SECONDS] [--goal N] [--target T]" >&2; exit 2 ;;
  esac
  shift
done
ledger=${FLASH_FUZZ_LEDGER:-docs/reliability-fuzz-long.txt}
targets=(lexer splitter ddl_postgres ddl_mysql ddl_sqlite query_parse query_analyze config_toml config_env migration_file)
[ -n "$only" ] && targets=("$only")
export FLASH_FUZZ_BUILD_DIR=${FLASH_FUZZ_BUILD_DIR:-build-fuzz-long}
export FLASH_FUZZ_CMAKE_ARGS="-DFLASH_FUZZ_OPT=-O2 -DFLASH_FUZZ_TRACE_CMP=OFF"
export FLASH_FUZZ_EXTRA="-entropic=0"
export FLASH_FUZZ_MAX_LEN=${FLASH_FUZZ_MAX_LEN:-4096}
[ -f "$ledger" ] || printf '# Long fuzz campaign ledger (tests/fuzz/long.sh): one line per slice, summed per target in docs/RELIABILITY.md.\n' >"$ledger"

executions_of() {  # total executions of target $1 in the ledger
  awk -v t="$1" '$1 == "RELIABILITY" && $2 == "fuzz-slice" && $3 == t {
    for (i = 5; i <= NF; i++) if ($i ~ /^execs=/) { sub(/^execs=/, "", $i); s += $i } } END { print s + 0 }' "$ledger"
}

deadline=0
[ "$hours" != 0 ] && deadline=$(( $(date +%s) + $(awk -v h="$hours" 'BEGIN { printf "%d", h * 3600 }') ))
while :; do
  best="" best_n=0
  for t in "${targets[@]}"; do
    n=$(executions_of "$t")
    if [ "$n" -lt "$goal" ] && { [ -z "$best" ] || [ "$n" -lt "$best_n" ]; }; then best=$t best_n=$n; fi
  done
  if [ -z "$best" ]; then echo "fuzz long: every target has >= $goal executions" >&2; exit 0; fi
  if [ "$deadline" != 0 ] && [ "$(date +%s)" -ge "$deadline" ]; then
    echo "fuzz long: --hours spent; $best has the fewest executions ($best_n of $goal)" >&2; exit 0
  fi
  echo "fuzz long: $best ($best_n of $goal executions so far), a slice of $slice s" >&2
  set +e
  line=$(bash tests/fuzz/run.sh "$best" "$slice" | grep '^RELIABILITY fuzz ')
  rc=$?
  set -e
  [ -n "$line" ] || { echo "fuzz long: tests/fuzz/run.sh $best printed no result" >&2; exit 1; }
  # "RELIABILITY fuzz T - k=v..." → a slice line with the commit it fuzzed.
  echo "RELIABILITY fuzz-slice ${line#RELIABILITY fuzz } commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src tests || echo '+local') date=$(date -u +%F)" >>"$ledger"
  if [ "$rc" -ne 0 ]; then
    echo "fuzz long: finding in $best (see $FLASH_FUZZ_BUILD_DIR/artifacts/$best/); campaign stopped" >&2
    exit 1
  fi
done

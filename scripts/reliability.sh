#!/usr/bin/env bash
# Regenerates docs/RELIABILITY.md with measured figures — one command for the whole document:
#   scripts/reliability.sh            short fuzz runs (FLASH_FUZZ_SECONDS per target, default 20)
#   scripts/reliability.sh --long     the long fuzz campaign first (tests/fuzz/long.sh: >= 10 million
#                                     executions per target, resumable slices recorded in the ledger
#                                     docs/reliability-fuzz-long.txt, which every run shows beside its
#                                     own short fuzz figures), then the rest; --fuzz-hours H bounds it
#   options: --fuzz-seconds N | --fuzz-runs N | --no-fuzz | --no-ctest | --ci-runs | --out FILE
# The crash and concurrency tests run with FLASH_RELIABILITY_LONG=1 (50 kill runs per command and
# engine, 20 concurrency runs, 20 server kills); --ci-runs keeps CI's smaller counts.
# Steps: installs nothing (run scripts/install-deps.sh first); builds flash and the fuzz tree;
# runs every libFuzzer target (tests/fuzz/run.sh); starts throwaway servers (scripts/db.sh; honours
# FLASH_DB_DIR / FLASH_PG_PORT / FLASH_MYSQL_PORT) and runs `ctest -V` over the labels badinput,
# migrate and export; collects every line of the form
#   RELIABILITY <area> <what> <engine> key=value ...
# that the fuzz runs and those tests print (engine "-" when none applies), and writes the document.
# Areas and the keys each section reads: see docs/RELIABILITY.md ("How the figures are made").
# Exit status: non-zero when a fuzz target or a ctest test failed (the document is written anyway,
# with the failures in it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

fuzz_mode=(seconds "${FLASH_FUZZ_SECONDS:-20}")
run_fuzz=1 run_ctest=1 out=docs/RELIABILITY.md long_fuzz=0 long_runs=1 fuzz_hours=0
fuzz_long_file=docs/reliability-fuzz-long.txt
while [ $# -gt 0 ]; do
  case "$1" in
    --long) long_fuzz=1; fuzz_mode=("long campaign" "(tests/fuzz/long.sh)") ;;
    --fuzz-hours) fuzz_hours=$2; shift ;;
    --ci-runs) long_runs=0 ;;
    --fuzz-seconds) fuzz_mode=(seconds "$2"); shift ;;
    --fuzz-runs) fuzz_mode=(runs "$2"); shift ;;
    --no-fuzz) run_fuzz=0 ;;
    --no-ctest) run_ctest=0 ;;
    --out) out=$2; shift ;;
    *) echo "usage: scripts/reliability.sh [--long [--fuzz-hours H] | --fuzz-seconds N | --fuzz-runs N] [--no-fuzz] [--no-ctest] [--ci-runs] [--out FILE]" >&2; exit 2 ;;
  esac
  shift
done

FLASH_GO_DIR=${FLASH_GO_DIR:-$HOME/.local/flash-go}
[ -x "$FLASH_GO_DIR/bin/go" ] && export PATH="$FLASH_GO_DIR/bin:$PATH" GOTOOLCHAIN=local

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lines="$work/lines"
: >"$lines"
status=0
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
fuzz_targets=(lexer splitter ddl_postgres ddl_mysql ddl_sqlite query_parse query_analyze config_toml config_env migration_file)

if [ "$run_fuzz" = 1 ] && [ "$long_fuzz" = 1 ]; then
  echo "reliability: long fuzz campaign (tests/fuzz/long.sh --hours $fuzz_hours)" >&2
  nice bash tests/fuzz/long.sh --hours "$fuzz_hours" || status=1
elif [ "$run_fuzz" = 1 ]; then
  bash tests/fuzz/build.sh
  for t in "${fuzz_targets[@]}"; do
    if [ "${fuzz_mode[0]}" = runs ]; then args=(--runs "${fuzz_mode[1]}"); else args=("${fuzz_mode[1]}"); fi
    echo "reliability: fuzz $t (${fuzz_mode[0]} ${fuzz_mode[1]})" >&2
    nice bash tests/fuzz/run.sh "$t" "${args[@]}" >"$work/fuzz_$t.out" 2>"$work/fuzz_$t.err" || status=1
    grep '^RELIABILITY ' "$work/fuzz_$t.out" >>"$lines" || echo "RELIABILITY fuzz $t - execs=0 crashes=1 hangs=0 error=no-result" >>"$lines"
  done
fi

ctest_summary="not run"
if [ "$run_ctest" = 1 ]; then
  bash scripts/build.sh
  db_env=$(bash scripts/db.sh start) || { echo "reliability: could not start the database servers" >&2; exit 1; }
  eval "$db_env"
  trap 'bash "$root/scripts/db.sh" stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
  export FLASH_TEST_PG_URL FLASH_TEST_MYSQL_URL
  set +e
  [ "$long_runs" = 1 ] && export FLASH_RELIABILITY_LONG=1
  (cd "${FLASH_BUILD_DIR:-build}" && nice ctest -V -j "${FLASH_TEST_JOBS:-2}" -L 'badinput|migrate|export|reliability') >"$work/ctest.log" 2>&1
  [ $? -eq 0 ] || status=1
  (cd "${FLASH_BUILD_DIR:-build}" && nice ctest -V -R 'GenCrash') >"$work/ctest_gen.log" 2>&1
  [ $? -eq 0 ] || status=1
  cat "$work/ctest_gen.log" >>"$work/ctest.log"
  set -e
  # ctest -V prefixes a test's output with "<test number>: ".
  sed -n 's/^\([0-9]*: \)\{0,1\}\(RELIABILITY .*\)$/\2/p' "$work/ctest.log" >>"$lines"
  ctest_summary=$(grep -E '^[0-9]+% tests passed' "$work/ctest.log" | paste -sd ';' -)
  ctest_summary=${ctest_summary:-"no summary (see ctest output)"}
fi

python3 scripts/reliability_render.py "$lines" "$out" --load "$load_at_start" \
  --commit "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src tests || echo '+local changes')" \
  --fuzz-mode "${fuzz_mode[0]} ${fuzz_mode[1]}" --fuzz-run "$run_fuzz" --ctest-summary "$ctest_summary" \
  --fuzz-long "$fuzz_long_file" --runs-mode "$([ "$long_runs" = 1 ] && echo "long counts (FLASH_RELIABILITY_LONG=1: 50 kill runs per command and engine, 20 concurrency runs, 20 server kills)" || echo "CI counts (--ci-runs: 10 kill runs per command and engine, 3 concurrency runs, 5 server kills)")"
echo "reliability: wrote $out ($(wc -l <"$lines") figures)" >&2
exit "$status"

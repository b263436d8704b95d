#!/usr/bin/env bash
# Runs one libFuzzer target (tests/fuzz/README.md):
#   tests/fuzz/run.sh TARGET SECONDS        a time-boxed run (CI: ctest -L fuzz)
#   tests/fuzz/run.sh TARGET --runs N       exactly N executions (scripts/reliability.sh --long)
# Builds the target first (tests/fuzz/build.sh, incremental), replays every reproducer committed
# in tests/fuzz/crashes/TARGET/ (each must now pass), then fuzzes from a seed corpus gathered at run
# time from the repository's tests and the shared corpus (../shared/corpus; read in place, not
# copied into the repository), and prints one line for docs/RELIABILITY.md:
#   RELIABILITY fuzz TARGET - execs=N crashes=N hangs=N seconds=N seeds=N
# New findings are written to build-fuzz/artifacts/TARGET/ (crash-*, timeout-*, oom-*, leak-*).
# Exit 0 only with no crash, no sanitizer report and no hang.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
target=${1:?usage: run.sh TARGET SECONDS | run.sh TARGET --runs N}
shift
limit=(-max_total_time="${1:?seconds}")
[ "$1" = "--runs" ] && limit=(-runs="${2:?N}")
dir=${FLASH_FUZZ_BUILD_DIR:-build-fuzz}
corpus=${FLASH_CORPUS_DIR:-$root/../shared/corpus}

bash tests/fuzz/build.sh "fuzz_$target" >/dev/null
bin="$dir/bin/fuzz_$target"

# Hangs: one input running longer than this is a finding (libFuzzer -timeout).
timeout_s=${FLASH_FUZZ_TIMEOUT:-10}
max_len=${FLASH_FUZZ_MAX_LEN:-16384}
common=(-timeout="$timeout_s" -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1)
# Extra libFuzzer flags (tests/fuzz/long.sh passes -entropic=0 for throughput).
read -r -a extra <<<"${FLASH_FUZZ_EXTRA:-}"
common+=("${extra[@]}")

# 1. Committed reproducers of earlier findings: each must run cleanly now.
replayed=0
if [ -d "tests/fuzz/crashes/$target" ] && [ -n "$(ls -A "tests/fuzz/crashes/$target")" ]; then
  replayed=$(ls "tests/fuzz/crashes/$target" | wc -l)
  if ! "$bin" "${common[@]}" "tests/fuzz/crashes/$target"/* >"$dir/replay_$target.log" 2>&1; then
    tail -40 "$dir/replay_$target.log" >&2
    echo "fuzz $target: a committed reproducer (tests/fuzz/crashes/$target) still fails" >&2
    echo "RELIABILITY fuzz $target - execs=0 crashes=1 hangs=0 seconds=0 seeds=0 replayed=$replayed"
    exit 1
  fi
fi

# 2. Seeds. Dialect-taking targets read the dialect from the first byte ('0' PostgreSQL, '1'
# MySQL, '2' SQLite), so their seeds are prefixed with it, guessed from the file's path.
seeds="$dir/seeds/$target"
rm -rf "$seeds"; mkdir -p "$seeds"
dialect_byte() {
  case "$1" in
    *sqlite*) echo 2 ;;
    *mysql*|*mariadb*) echo 1 ;;
    *) echo 0 ;;
  esac
}
n=0
add_seed() {  # add_seed FILE [PREFIX]
  n=$((n + 1))
  { [ -n "${2:-}" ] && printf '%s' "$2"; head -c "$max_len" "$1"; } >"$seeds/$n"
}
# Every *.sql of the tests and the corpus; a time-boxed run takes an even sample of at most
# FLASH_FUZZ_MAX_SEEDS (default 300: the first pass over all ~2,200 files alone would take longer
# than the run), a --runs run all of them.
max_seeds=${FLASH_FUZZ_MAX_SEEDS:-300}
[ "${limit[0]#-runs}" != "${limit[0]}" ] && max_seeds=0
sql_files() {
  {
    find tests -name '*.sql' -type f
    [ -d "$corpus" ] && find "$corpus/" -name '*.sql' -type f
  } | sort >"$dir/seeds/$target.list"
  local total k
  total=$(wc -l <"$dir/seeds/$target.list")
  k=1
  [ "$max_seeds" -gt 0 ] && [ "$total" -gt "$max_seeds" ] && k=$(( (total + max_seeds - 1) / max_seeds ))
  awk -v k="$k" 'NR % k == 0' "$dir/seeds/$target.list"
}
case "$target" in
  lexer|splitter|query_parse|query_analyze|migration_file)
    while IFS= read -r f; do add_seed "$f" "$(dialect_byte "$f")"; done < <(sql_files) ;;
  ddl_postgres|ddl_mysql|ddl_sqlite)
    want=${target#ddl_}
    while IFS= read -r f; do
      d=$(dialect_byte "$f")
      case "$want:$d" in postgres:0|mysql:1|sqlite:2) add_seed "$f" ;; esac
    done < <(sql_files) ;;
  config_toml)
    while IFS= read -r f; do add_seed "$f"; done < <(find tests -name 'flash.toml' -type f) ;;
  config_env)
    while IFS= read -r f; do add_seed "$f"; done < <(find tests -name '.env*' -type f) ;;
  *) echo "fuzz: unknown target $target" >&2; exit 2 ;;
esac
# Hand-written seeds for formats the tests keep inline (tests/fuzz/seeds/TARGET/).
if [ -d "tests/fuzz/seeds/$target" ]; then
  for f in "tests/fuzz/seeds/$target"/*; do add_seed "$f"; done
fi

# 3. Fuzz. The working corpus (grown by libFuzzer) stays in build-fuzz/work/TARGET between runs.
work="$dir/work/$target"
artifacts="$dir/artifacts/$target"
mkdir -p "$work" "$artifacts"
log="$dir/fuzz_$target.log"
start=$(date +%s)
set +e
"$bin" "${common[@]}" "${limit[@]}" -artifact_prefix="$artifacts/" "$work" "$seeds" >"$log" 2>&1
rc=$?
set -e
seconds=$(( $(date +%s) - start ))
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
crashes=$(grep -cE 'Test unit written to .*/(crash|leak|oom)-' "$log" || true)
hangs=$(grep -cE 'Test unit written to .*/timeout-' "$log" || true)
if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ] && [ "$hangs" -eq 0 ]; then crashes=1; fi
echo "RELIABILITY fuzz $target - execs=${execs:-0} crashes=$crashes hangs=$hangs seconds=$seconds seeds=$n replayed=$replayed"
if [ "$rc" -ne 0 ]; then
  grep -E 'ERROR|runtime error|SUMMARY|Test unit written|^    #[0-9]' "$log" | head -40 >&2
  echo "fuzz $target: finding(s) in $artifacts (full log: $log); keep the reproducer in tests/fuzz/crashes/$target/" >&2
  exit 1
fi

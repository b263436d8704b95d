#!/usr/bin/env bash
# The cost of a transaction-pooling PgBouncer against direct connections, measured with pgbench
# (PostgreSQL's own load generator) on the pgbouncer setup (scripts/cluster.sh start pgbouncer).
#
#   bench/pooler/run.sh [CLIENTS] [SECONDS]     (defaults: 16 clients, 10 s per mode)
#
# For each protocol mode of pgbench (-M simple | extended | prepared) and each path (direct to
# PostgreSQL, through PgBouncer: pool of 4 server connections) it runs the select-only script (-S)
# at scale 1 and prints transactions per second and mean latency. `prepared` uses named server-side
# prepared statements, which PgBouncer 1.18 in transaction pooling cannot carry: that row shows
# the failure the generated clients' settings avoid (docs/poolers.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
clients="${1:-16}"
secs="${2:-10}"
pgbench=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -n1)
[ -x "$pgbench" ] || { echo "pgbench not found (postgresql-15)" >&2; exit 1; }
eval "$(bash "$here/scripts/cluster.sh" env pgbouncer)"
export PGPASSWORD=flash
direct_port=${FLASH_TEST_PGBOUNCER_DIRECT_URL##*:}; direct_port=${direct_port%%/*}
pooled_port=${FLASH_TEST_PGBOUNCER_URL##*:}; pooled_port=${pooled_port%%/*}
"$pgbench" -i -q -s 1 -h 127.0.0.1 -p "$direct_port" -U flash flash_test >/dev/null 2>&1
echo "| mode | path | clients | tps | mean latency (ms) | clients aborted |"
echo "|---|---|---|---|---|---|"
for mode in simple extended prepared; do
  for path in direct pgbouncer; do
    port=$direct_port; [ "$path" = pgbouncer ] && port=$pooled_port
    out=$("$pgbench" -n -S -M "$mode" -c "$clients" -j 2 -T "$secs" -h 127.0.0.1 -p "$port" -U flash flash_test 2>&1) || true
    tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out" | head -n1)
    lat=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$out" | head -n1)
    failed=$(grep -c "aborted in command" <<<"$out" || true)
    echo "| $mode | $path | $clients | ${tps:-—} | ${lat:-—} | $failed |"
  done
done

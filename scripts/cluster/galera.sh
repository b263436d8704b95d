#!/usr/bin/env bash
# A 3-node multi-primary MariaDB Galera cluster (Debian's mariadb-server + galera-4) on 127.0.0.1.
# Called by scripts/cluster.sh.
#
#   start  install one data dir, copy it to the three nodes, bootstrap node 1 and join nodes 2 and
#          3; print the export lines
#   env    print them: FLASH_TEST_GALERA_URL1/2/3 (mysql://flash:flash@127.0.0.1:PORT/flash_test)
#   stop   stop every node by PID, remove $FLASH_CLUSTER_DIR/galera
#
# Ports: FLASH_GALERA_PORT (default 33090: node k listens on 33090+k-1), FLASH_GALERA_GCOMM_PORT
# (45670: group communication 45670+k-1, IST receive 45680+k-1, SST receive 45690+k-1).
# Short start-up: the nodes start from byte-identical copies of one freshly installed data dir, and
# the joiners' grastate.dat names node 1's position after its bootstrap, so they catch up by IST (a
# few events from node 1's gcache) and need no snapshot transfer (wsrep_sst_method = skip); the
# test user and database are created once the three nodes are synced, so they replicate (total
# order isolation) to all.
set -euo pipefail
DIR="${FLASH_CLUSTER_DIR:?set by scripts/cluster.sh}/galera"
PORT="${FLASH_GALERA_PORT:-33090}"
GPORT="${FLASH_GALERA_GCOMM_PORT:-45670}"
PROVIDER="${FLASH_GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}"
NODES=(1 2 3)

log() { echo "galera.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

print_env() {
  local k
  for k in "${NODES[@]}"; do
    echo "export FLASH_TEST_GALERA_URL$k=mysql://flash:flash@127.0.0.1:$((PORT + k - 1))/flash_test"
  done
}

node_dir() { echo "$DIR/node$1"; }
sock() { echo "$DIR/node$1/mysqld.sock"; }
admin() {  # admin SQL on node $1 through its socket (root: unix-socket authentication)
  local k=$1 u=root
  shift
  is_root || u=$(id -un)
  mariadb --no-defaults --protocol=socket --socket="$(sock "$k")" -u"$u" -N -B "$@"
}
live_pid() {
  local f pid
  f="$(node_dir "$1")/mysqld.pid"
  [ -f "$f" ] || return 1
  pid=$(tr -dc '0-9' <"$f")
  [ -n "$pid" ] || return 1
  case "$(cat "/proc/$pid/comm" 2>/dev/null)" in mariadbd | mysqld) echo "$pid"; return 0 ;; esac
  return 1
}
status_of() { admin "$1" -e "SHOW STATUS LIKE '$2'" 2>/dev/null | cut -f2; }

start_node() {
  local k=$1 d gaddr
  shift
  d=$(node_dir "$k")
  gaddr="gcomm://127.0.0.1:$GPORT,127.0.0.1:$((GPORT + 1)),127.0.0.1:$((GPORT + 2))"
  local user_args=()
  is_root && user_args=(--user=mysql)
  rm -f "$d/mysqld.pid" "$d/mysqld.sock"
  setsid "$MARIADBD" --no-defaults "${user_args[@]}" --datadir="$d/data" --tmpdir="$d/tmp" \
    --socket="$d/mysqld.sock" --pid-file="$d/mysqld.pid" --port=$((PORT + k - 1)) --bind-address=127.0.0.1 \
    --log-error="$d/error.log" --skip-name-resolve --skip-external-locking \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --innodb-buffer-pool-size=16M --innodb-log-file-size=16M --innodb-flush-log-at-trx-commit=0 \
    --innodb-doublewrite=0 --performance-schema=OFF --max-connections=200 --key-buffer-size=1M --local-infile=1 \
    --binlog-format=ROW --innodb-autoinc-lock-mode=2 --default-storage-engine=InnoDB \
    --wsrep-on=ON --wsrep-provider="$PROVIDER" --wsrep-cluster-name=flash-test \
    --wsrep-cluster-address="$gaddr" --wsrep-node-name="node$k" \
    --wsrep-node-address="127.0.0.1:$((GPORT + k - 1))" \
    --wsrep-node-incoming-address="127.0.0.1:$((PORT + k - 1))" \
    --wsrep-sst-method=skip --wsrep-sst-receive-address="127.0.0.1:$((GPORT + 20 + k - 1))" \
    --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$((GPORT + k - 1));ist.recv_addr=127.0.0.1:$((GPORT + 10 + k - 1));gcache.size=16M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S;evs.install_timeout=PT6S;pc.wait_prim_timeout=PT10S" \
    "$@" </dev/null >/dev/null 2>&1 9>&- &
}

wait_synced() {
  local k=$1 until=$((SECONDS + 40))
  while [ "$SECONDS" -lt "$until" ]; do
    if [ -S "$(sock "$k")" ] && [ "$(status_of "$k" wsrep_local_state_comment)" = Synced ]; then return 0; fi
    [ -f "$(node_dir "$k")/mysqld.pid" ] && ! live_pid "$k" >/dev/null && break
    sleep 0.1
  done
  tail -n 30 "$(node_dir "$k")/error.log" >&2 || true
  die "node $k did not reach Synced (ports $((PORT + k - 1)) / $((GPORT + k - 1)) in use?)"
}

start() {
  MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)
  [ -x "$MARIADBD" ] || die "mariadbd not found; install mariadb-server"
  [ -f "$PROVIDER" ] || die "Galera provider $PROVIDER not found; install Debian's galera-4"
  if live_pid 1 >/dev/null; then log "galera already running"; print_env; return; fi
  rm -rf "$DIR"
  mkdir -p "$DIR"
  chmod 755 "$DIR"
  local k
  local user_args=()
  is_root && user_args=(--user=mysql)
  log "mariadb-install-db (one data dir, copied to the three nodes)"
  mkdir -p "$(node_dir 1)"
  mariadb-install-db --no-defaults "${user_args[@]}" --datadir="$(node_dir 1)/data" --skip-test-db \
    --auth-root-authentication-method=socket --skip-name-resolve >"$DIR/install.log" 2>&1 ||
    { cat "$DIR/install.log" >&2; die "mariadb-install-db failed"; }
  for k in "${NODES[@]}"; do
    mkdir -p "$(node_dir "$k")/tmp"
    [ "$k" = 1 ] || cp -a "$(node_dir 1)/data" "$(node_dir "$k")/data"
  done
  is_root && chown -R mysql: "$DIR"/node*
  log "bootstrapping node 1 on 127.0.0.1:$PORT"
  start_node 1 --wsrep-new-cluster
  wait_synced 1
  # The joiners' copies are node 1's state (nothing but view changes happened since the copy):
  # their grastate.dat names node 1's current position, so they catch up by IST from node 1's
  # gcache (wsrep_sst_donor = node1), no snapshot transfer. One at a time: each join moves it.
  local uuid seqno
  for k in 2 3; do
    uuid=$(status_of 1 wsrep_local_state_uuid)
    seqno=$(status_of 1 wsrep_last_committed)
    printf '# GALERA saved state\nversion: 2.1\nuuid:    %s\nseqno:   %s\nsafe_to_bootstrap: 0\n' "$uuid" "$seqno" \
      >"$(node_dir "$k")/data/grastate.dat"
    is_root && chown mysql: "$(node_dir "$k")/data/grastate.dat"
    log "joining node $k on 127.0.0.1:$((PORT + k - 1))"
    start_node "$k" --wsrep-sst-donor=node1
    wait_synced "$k"
  done
  local size
  size=$(status_of 1 wsrep_cluster_size)
  [ "$size" = 3 ] || die "the cluster has $size node(s), expected 3"
  admin 1 -e "
    CREATE USER IF NOT EXISTS 'flash'@'%' IDENTIFIED BY 'flash';
    CREATE USER IF NOT EXISTS 'flash'@'localhost' IDENTIFIED BY 'flash';
    GRANT ALL PRIVILEGES ON *.* TO 'flash'@'%' WITH GRANT OPTION;
    GRANT ALL PRIVILEGES ON *.* TO 'flash'@'localhost' WITH GRANT OPTION;
    CREATE DATABASE IF NOT EXISTS flash_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;" ||
    die "could not create the test user/database"
  # Every node has the user and the database before anyone connects to it.
  for k in 2 3; do
    local i
    for i in $(seq 1 100); do
      [ "$(admin "$k" -e "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = 'flash_test'" 2>/dev/null)" = 1 ] && break
      sleep 0.05
    done
  done
  log "galera ready: 3 nodes synced"
  print_env
}

stop() {
  local k pid pids=()
  for k in "${NODES[@]}"; do
    if pid=$(live_pid "$k"); then
      log "stopping node $k (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  local i
  for pid in "${pids[@]}"; do
    for i in $(seq 1 200); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
    [ -d "/proc/$pid" ] && { log "pid $pid did not stop in 20 s; SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; }
  done
  rm -rf "$DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) print_env ;;
  *) echo "usage: scripts/cluster/galera.sh start|stop|env" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Patroni setup for scripts/cluster.sh: PostgreSQL 15 with automatic failover, from Debian's `patroni` and
# `etcd-server` packages, on loopback. One etcd node (the DCS), two Patroni nodes (node1, node2), each
# running one PostgreSQL; whichever wins the bootstrap race is the primary, the other a synchronous
# replica (synchronous_mode: a commit the primary acknowledged is on the replica too, so a failover
# loses nothing a client was told had committed). Timings are cut for tests: loop_wait 1 s, ttl 5 s,
# retry_timeout 2 s, primary_start_timeout 0 (a crashed primary is failed over at once instead of
# being restarted in place), so a killed primary is replaced within seconds. HAProxy (Debian's `haproxy`)
# in front of both, with Patroni's REST check (GET /primary answers 200 only on the leader), gives one
# address that follows the primary, for clients without multi-host URLs (node-postgres).
#
#   start   start etcd and both nodes, wait until there is a primary and a streaming synchronous
#           replica, create the user flash/flash and database flash_test, print the export lines
#   env     print the export lines
#   stop    stop everything by PID (Patroni stops its PostgreSQL) and remove the data
#
# Export lines:
#   FLASH_TEST_PATRONI_URL  postgresql://flash:flash@127.0.0.1:P1,127.0.0.1:P2/flash_test?target_session_attrs=read-write
#   FLASH_TEST_PATRONI_PROXY_URL  the same database through HAProxy: postgresql://flash:flash@127.0.0.1:P3/flash_test
#   FLASH_PATRONI_API       the Patroni REST API of each node, comma-separated (GET /cluster names the leader)
#   FLASH_PATRONI_DIR       the setup's folder: <dir>/<node>/data is a node's data directory
#
# Settings (environment): FLASH_CLUSTER_DIR (the dispatcher sets it; data under $FLASH_CLUSTER_DIR/patroni),
# FLASH_PATRONI_PG_PORT (54380: node1, +1 node2, +2 HAProxy), FLASH_PATRONI_API_PORT (18008: node1, +1 node2),
# FLASH_PATRONI_ETCD_PORT (23780: client, +1 peer), FLASH_PG_BINDIR (default: PostgreSQL 15's).
# Only the export lines go to stdout. Exit 1 when a start fails (the log tails go to stderr).
set -euo pipefail

verb="${1:-}"
DIR="${FLASH_CLUSTER_DIR:-${TMPDIR:-/tmp}/flash-cluster-$(id -u)}/patroni"
PG_PORT="${FLASH_PATRONI_PG_PORT:-54380}"
API_PORT="${FLASH_PATRONI_API_PORT:-18008}"
ETCD_PORT="${FLASH_PATRONI_ETCD_PORT:-23780}"
NODES=(node1 node2)
TEST_USER=flash TEST_PASS=flash TEST_DB=flash_test

log() { echo "cluster/patroni: $*" >&2; }
die() { log "error: $*"; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

pg_bindir() {
  if [ -n "${FLASH_PG_BINDIR:-}" ]; then echo "$FLASH_PG_BINDIR"; return; fi
  if [ -x /usr/lib/postgresql/15/bin/postgres ]; then echo /usr/lib/postgresql/15/bin; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1
}

node_pg_port() { echo $((PG_PORT + $1)); }
node_api_port() { echo $((API_PORT + $1)); }

print_env() {
  local hosts="127.0.0.1:$(node_pg_port 0),127.0.0.1:$(node_pg_port 1)"
  echo "export FLASH_TEST_PATRONI_URL='postgresql://$TEST_USER:$TEST_PASS@$hosts/$TEST_DB?target_session_attrs=read-write'"
  echo "export FLASH_TEST_PATRONI_PROXY_URL='postgresql://$TEST_USER:$TEST_PASS@127.0.0.1:$(node_pg_port 2)/$TEST_DB'"
  echo "export FLASH_PATRONI_API='http://127.0.0.1:$(node_api_port 0),http://127.0.0.1:$(node_api_port 1)'"
  echo "export FLASH_PATRONI_DIR='$DIR'"
}

# Whether the pid file names a live (not zombie) process.
alive() {
  local pid state
  pid=$(cat "$1" 2>/dev/null | tr -dc '0-9') || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  state=$(sed -e 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ "$state" != Z ] && [ "$state" != X ]
}

# Runs "$@" detached (own session, no stdio of ours) writing its PID (the exec'd program's) to $1 and
# its output to $2; as the postgres user when $3 is "pg" and we are root (PostgreSQL refuses root).
# Returns once the PID file is written: a caller's `alive` check right after must not race the
# background shell (on a loaded machine it had not written the file yet, and a starting haproxy
# was reported as exited).
spawn() {
  local pidfile=$1 logfile=$2 who=$3
  shift 3
  local as=()
  if [ "$who" = pg ] && is_root; then as=(setpriv --reuid=postgres --regid=postgres --init-groups --reset-env); fi
  rm -f "$pidfile"
  setsid bash -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0"; exec "$@"' "$pidfile" "${as[@]}" "$@" </dev/null >"$logfile" 2>&1 9>&- &
  local i
  for i in $(seq 1 100); do [ -s "$pidfile" ] && return 0; sleep 0.05; done
  die "could not start $1 (no PID file after 5 s)"
}

write_node_config() {
  local k=$1 name=${NODES[$1]} bin=$2
  local nd="$DIR/$name"
  cat >"$nd/patroni.yml" <<YAML
scope: flash
namespace: /flash/
name: $name
log:
  level: INFO
restapi:
  listen: 127.0.0.1:$(node_api_port "$k")
  connect_address: 127.0.0.1:$(node_api_port "$k")
etcd3:
  hosts: 127.0.0.1:$ETCD_PORT
bootstrap:
  dcs:
    ttl: 5
    loop_wait: 1
    retry_timeout: 2
    primary_start_timeout: 0
    synchronous_mode: true
    maximum_lag_on_failover: 1048576
    postgresql:
      use_pg_rewind: true
      use_slots: true
      remove_data_directory_on_rewind_failure: true
      remove_data_directory_on_diverged_timelines: true
      parameters:
        wal_log_hints: 'on'
        fsync: 'off'
        max_connections: 100
        max_wal_senders: 5
        max_replication_slots: 5
        wal_keep_size: 64MB
  initdb:
    - encoding: UTF8
    - locale: C
    - no-sync
postgresql:
  listen: 127.0.0.1:$(node_pg_port "$k")
  connect_address: 127.0.0.1:$(node_pg_port "$k")
  data_dir: $nd/data
  bin_dir: $bin
  pgpass: $nd/pgpass
  authentication:
    superuser: {username: postgres, password: postgres}
    replication: {username: replicator, password: replicator}
    rewind: {username: rewinder, password: rewinder}
  parameters:
    unix_socket_directories: '$nd'
    shared_buffers: 32MB
  pg_hba:
    - local all all trust
    - host replication replicator 127.0.0.1/32 scram-sha-256
    - host all all 127.0.0.1/32 scram-sha-256
  basebackup:
    - checkpoint: fast
    - no-sync
YAML
}

# GET a Patroni REST path from whichever node answers.
api_get() {
  local k out
  for k in 0 1; do
    out=$(curl -fsS --max-time 1 "http://127.0.0.1:$(node_api_port "$k")$1" 2>/dev/null) && { echo "$out"; return 0; }
  done
  return 1
}

# The leader's name once there is a running leader and a streaming synchronous standby.
ready_leader() {
  api_get /cluster | /usr/bin/python3 -c '
import json, sys
m = json.load(sys.stdin).get("members", [])
lead = [x["name"] for x in m if x.get("role") == "leader" and x.get("state") == "running"]
sync = [x for x in m if x.get("role") == "sync_standby" and x.get("state") in ("running", "streaming")]
if lead and sync: print(lead[0])
else: sys.exit(1)'
}

tails() {
  local f
  for f in "$DIR"/etcd.log "$DIR"/haproxy.log "$DIR"/node*/patroni.log; do
    [ -f "$f" ] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }
  done
}

start() {
  command -v patroni >/dev/null || die "patroni not found; install Debian's patroni (scripts/install-deps.sh)"
  command -v etcd >/dev/null || die "etcd not found; install Debian's etcd-server (scripts/install-deps.sh)"
  command -v haproxy >/dev/null || die "haproxy not found; install Debian's haproxy (scripts/install-deps.sh)"
  local bin
  bin=$(pg_bindir)
  [ -x "$bin/postgres" ] || die "PostgreSQL server binaries not found (looked in $bin); install postgresql-15"
  if alive "$DIR/etcd.pid"; then
    log "already running"
    print_env
    return
  fi
  rm -rf "$DIR"
  mkdir -p "$DIR/etcd"
  chmod 755 "$DIR" "$(dirname "$DIR")"
  log "starting etcd on 127.0.0.1:$ETCD_PORT"
  spawn "$DIR/etcd.pid" "$DIR/etcd.log" self etcd --name flash --data-dir "$DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
    --initial-cluster "flash=http://127.0.0.1:$((ETCD_PORT + 1))" --initial-cluster-state new \
    --heartbeat-interval 50 --election-timeout 500
  local i
  for i in $(seq 1 100); do
    curl -fsS --max-time 1 "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"' && break
    alive "$DIR/etcd.pid" || { tails; die "etcd exited (port $ETCD_PORT in use?)"; }
    sleep 0.1
  done
  local k
  for k in 0 1; do
    mkdir -p "$DIR/${NODES[$k]}"
    write_node_config "$k" "$bin"
    is_root && chown -R postgres: "$DIR/${NODES[$k]}"
    chmod 700 "$DIR/${NODES[$k]}"
    log "starting patroni ${NODES[$k]} (postgres 127.0.0.1:$(node_pg_port "$k"), api 127.0.0.1:$(node_api_port "$k"))"
    spawn "$DIR/${NODES[$k]}/patroni.pid" "$DIR/${NODES[$k]}/patroni.log" pg patroni "$DIR/${NODES[$k]}/patroni.yml"
  done
  local leader=""
  for i in $(seq 1 600); do  # 60 s
    leader=$(ready_leader 2>/dev/null) && break
    for k in 0 1; do
      alive "$DIR/${NODES[$k]}/patroni.pid" || { tails; die "patroni ${NODES[$k]} exited"; }
    done
    sleep 0.1
  done
  [ -n "$leader" ] || { tails; die "no primary with a synchronous replica after 60 s"; }
  local lk=0
  [ "$leader" = "${NODES[1]}" ] && lk=1
  local psql=("$bin/psql")
  is_root && psql=(setpriv --reuid=postgres --regid=postgres --init-groups "$bin/psql")
  "${psql[@]}" -X -q -h "$DIR/$leader" -p "$(node_pg_port "$lk")" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null <<SQL ||
CREATE ROLE $TEST_USER LOGIN CREATEDB CREATEROLE PASSWORD '$TEST_PASS';
CREATE DATABASE $TEST_DB OWNER $TEST_USER;
SQL
    { tails; die "could not create the test user/database on $leader"; }
  cat >"$DIR/haproxy.cfg" <<CFG
global
  maxconn 200
defaults
  mode tcp
  timeout connect 1s
  timeout client 30m
  timeout server 30m
  timeout check 1s
listen primary
  bind 127.0.0.1:$(node_pg_port 2)
  option httpchk GET /primary
  http-check expect status 200
  default-server inter 300ms fall 1 rise 1 on-marked-down shutdown-sessions
  server node1 127.0.0.1:$(node_pg_port 0) check port $(node_api_port 0)
  server node2 127.0.0.1:$(node_pg_port 1) check port $(node_api_port 1)
CFG
  spawn "$DIR/haproxy.pid" "$DIR/haproxy.log" self haproxy -db -f "$DIR/haproxy.cfg"
  for i in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$(node_pg_port 2)") 2>/dev/null && break
    alive "$DIR/haproxy.pid" || { tails; die "haproxy exited (port $(node_pg_port 2) in use?)"; }
    sleep 0.1
  done
  log "ready: primary $leader"
  print_env
}

stop() {
  local f pids=() pid
  for f in "$DIR"/node*/patroni.pid; do
    [ -f "$f" ] && alive "$f" && pids+=("$(cat "$f")")
  done
  if ((${#pids[@]})); then
    log "stopping patroni (pids ${pids[*]})"
    kill -TERM "${pids[@]}" 2>/dev/null || true
  fi
  local i
  for i in $(seq 1 200); do  # 20 s: Patroni stops its PostgreSQL (fast shutdown) first
    local left=0
    for f in "$DIR"/node*/patroni.pid "$DIR"/node*/data/postmaster.pid; do
      [ -f "$f" ] && alive "$f" && left=1
    done
    [ "$left" = 0 ] && break
    sleep 0.1
  done
  for f in "$DIR"/node*/patroni.pid "$DIR"/node*/data/postmaster.pid; do
    if [ -f "$f" ] && alive "$f"; then
      pid=$(head -n1 "$f")
      log "killing $pid ($f did not stop in time)"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  if alive "$DIR/haproxy.pid"; then
    pid=$(cat "$DIR/haproxy.pid")
    log "stopping haproxy (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do alive "$DIR/haproxy.pid" || break; sleep 0.1; done
  fi
  if alive "$DIR/etcd.pid"; then
    pid=$(cat "$DIR/etcd.pid")
    log "stopping etcd (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do alive "$DIR/etcd.pid" || break; sleep 0.1; done
    alive "$DIR/etcd.pid" && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$DIR"
  log "stopped"
}

case "$verb" in
  start) start ;;
  env) alive "$DIR/etcd.pid" || die "not running (scripts/cluster.sh start patroni)"; print_env ;;
  stop) stop ;;
  *) echo "usage: scripts/cluster/patroni.sh start|env|stop" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# PgBouncer (Debian's `pgbouncer`) in transaction pooling mode in front of a throwaway PostgreSQL
# of its own (scripts/db.sh with FLASH_DB_ONLY=pg), both on 127.0.0.1. Called by scripts/cluster.sh.
#
#   start  start PostgreSQL (port $FLASH_PGBOUNCER_PG_PORT, default 64320) and PgBouncer (port
#          $FLASH_PGBOUNCER_PORT, default 64321), print the export lines
#   env    print the export lines:
#            FLASH_TEST_PGBOUNCER_URL         through PgBouncer (transaction pooling)
#            FLASH_TEST_PGBOUNCER_DIRECT_URL  the PostgreSQL behind it (what `direct_url_env` names)
#   stop   stop both by PID, remove $FLASH_CLUSTER_DIR/pgbouncer
#
# The pool is deliberately small (default_pool_size = 4 server connections per user/database) so
# that concurrent clients really share server connections, which is what breaks session state.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${FLASH_CLUSTER_DIR:?set by scripts/cluster.sh}/pgbouncer"
PG_PORT="${FLASH_PGBOUNCER_PG_PORT:-64320}"
PORT="${FLASH_PGBOUNCER_PORT:-64321}"
POOL="${FLASH_PGBOUNCER_POOL_SIZE:-4}"
PIDFILE="$DIR/pgbouncer.pid"

log() { echo "pgbouncer.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }
db() { FLASH_DB_DIR="$DIR/db" FLASH_DB_ONLY=pg FLASH_PG_PORT="$PG_PORT" bash "$here/db.sh" "$@"; }

print_env() {
  echo "export FLASH_TEST_PGBOUNCER_URL=postgres://flash:flash@127.0.0.1:$PORT/flash_test"
  echo "export FLASH_TEST_PGBOUNCER_DIRECT_URL=postgres://flash:flash@127.0.0.1:$PG_PORT/flash_test"
}

live_pid() {
  local pid
  [ -f "$PIDFILE" ] || return 1
  pid=$(tr -dc '0-9' <"$PIDFILE")
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = pgbouncer ] && { echo "$pid"; return 0; }
  return 1
}

start() {
  local bin
  bin=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
  [ -x "$bin" ] || die "pgbouncer not found; install Debian's pgbouncer (scripts/install-deps.sh)"
  mkdir -p "$DIR"
  chmod 755 "$DIR"
  db start >/dev/null
  if live_pid >/dev/null; then log "pgbouncer already running on port $PORT"; print_env; return; fi
  # PgBouncer refuses to run as root: as root it runs as the postgres user.
  cat >"$DIR/userlist.txt" <<'LIST'
"flash" "flash"
LIST
  cat >"$DIR/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$PG_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $DIR/userlist.txt
pool_mode = transaction
default_pool_size = $POOL
max_client_conn = 500
server_reset_query =
ignore_startup_parameters = extra_float_digits
logfile = $DIR/pgbouncer.log
pidfile = $PIDFILE
INI
  if is_root; then chown -R postgres: "$DIR/userlist.txt" "$DIR/pgbouncer.ini"; chown postgres: "$DIR"; fi
  chmod 600 "$DIR/userlist.txt"
  log "starting pgbouncer on 127.0.0.1:$PORT (transaction pooling, pool of $POOL) in front of 127.0.0.1:$PG_PORT"
  if is_root; then
    runuser -u postgres -- "$bin" -d "$DIR/pgbouncer.ini" </dev/null >/dev/null 2>&1 9>&- || { tail -n 20 "$DIR/pgbouncer.log" >&2 || true; die "pgbouncer did not start"; }
  else
    "$bin" -d "$DIR/pgbouncer.ini" </dev/null >/dev/null 2>&1 9>&- || { tail -n 20 "$DIR/pgbouncer.log" >&2 || true; die "pgbouncer did not start"; }
  fi
  local i
  for i in $(seq 1 100); do
    if live_pid >/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then log "pgbouncer ready"; print_env; return; fi
    sleep 0.05
  done
  tail -n 20 "$DIR/pgbouncer.log" >&2 || true
  die "pgbouncer did not accept connections on port $PORT"
}

stop() {
  local pid i
  if pid=$(live_pid); then
    log "stopping pgbouncer (pid $pid)"
    kill -INT "$pid" 2>/dev/null || true  # SIGINT: safe shutdown, waits for transactions
    for i in $(seq 1 100); do [ -d "/proc/$pid" ] || break; sleep 0.05; done
    [ -d "/proc/$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  fi
  [ -d "$DIR/db" ] && db stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) print_env ;;
  *) echo "usage: scripts/cluster/pgbouncer.sh start|stop|env" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Throwaway PostgreSQL, MariaDB and MongoDB-protocol (FerretDB) servers for the tests. Nothing
# system-wide is touched: all run from a private data dir on loopback with non-default ports and
# sockets inside that dir.
#
#   scripts/db.sh start    start both (idempotent), wait until they accept connections, create the
#                          user flash/flash (may create and drop databases) and database flash_test,
#                          then print the export lines:  eval "$(scripts/db.sh start)"
#   scripts/db.sh env      print the export lines only
#   scripts/db.sh status   say which server is running (exit 1 when one is not)
#   scripts/db.sh stop     stop both by the PIDs in their pid files and remove the data dir
#
# Settings (environment): FLASH_DB_DIR (default ${TMPDIR:-/tmp}/flash-db-$UID), FLASH_PG_PORT
# (54329), FLASH_MYSQL_PORT (33069), FLASH_PG_BINDIR (default: the PostgreSQL 15 binaries, else the
# newest installed), FLASH_MONGO_PORT (27037), FLASH_FERRETDB (the FerretDB binary built by
# scripts/install-deps.sh, default ~/.local/flash-ferretdb/bin/ferretdb; when it is missing the
# MongoDB server is left out with a warning and no FLASH_TEST_MONGO_URL is printed, so the mongo
# tests report themselves skipped), FLASH_DB_ONLY=pg|mysql|mongo to handle just one server
# (mongo: a missing binary is an error), FLASH_DB_DURABLE=1 for a
# server whose commits survive the server process being killed (SIGKILL; not an OS crash): every
# commit reaches the OS before it returns (tests that kill the server itself need it).
# Only the export lines go to stdout; progress and errors go to stderr.
set -euo pipefail

DB_DIR="${FLASH_DB_DIR:-${TMPDIR:-/tmp}/flash-db-$(id -u)}"
PG_PORT="${FLASH_PG_PORT:-54329}"
MY_PORT="${FLASH_MYSQL_PORT:-33069}"
MONGO_PORT="${FLASH_MONGO_PORT:-27037}"
FERRETDB="${FLASH_FERRETDB:-$HOME/.local/flash-ferretdb/bin/ferretdb}"
ONLY="${FLASH_DB_ONLY:-}"
DURABLE="${FLASH_DB_DURABLE:-}"
TEST_USER=flash
TEST_PASS=flash
TEST_DB=flash_test

PG_DIR="$DB_DIR/pg"
PG_DATA="$PG_DIR/data"
MY_DIR="$DB_DIR/mysql"
MY_DATA="$MY_DIR/data"
MY_SOCK="$MY_DIR/mysqld.sock"
MY_PID="$MY_DIR/mysqld.pid"
MONGO_DIR="$DB_DIR/mongo"
MONGO_PID="$MONGO_DIR/ferretdb.pid"

log() { echo "db.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

want() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }

is_root() { [ "$(id -u)" -eq 0 ]; }

pg_bindir() {
  if [ -n "${FLASH_PG_BINDIR:-}" ]; then echo "$FLASH_PG_BINDIR"; return; fi
  if [ -x /usr/lib/postgresql/15/bin/postgres ]; then echo /usr/lib/postgresql/15/bin; return; fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  [ -n "$d" ] || d=$(dirname "$(command -v postgres 2>/dev/null || command -v pg_ctl 2>/dev/null || echo /nonexistent/x)")
  echo "$d"
}

# PostgreSQL refuses to run as root: as root, run its tools as the `postgres` user.
as_pg() {
  if is_root; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Whether PID is a live (not zombie) process whose command name is one of the given names; a
# stale pid file may name a reused PID, and a killed server can linger as a zombie for a moment.
pid_is() {
  local pid=$1 state comm
  shift
  [ -r "/proc/$pid/stat" ] || return 1
  state=$(sed -e 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ "$state" != Z ] && [ "$state" != X ] || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  local name
  for name in "$@"; do [ "$comm" = "$name" ] && return 0; done
  return 1
}

# The server's PID from a pid file, if that server is alive.
live_pid() {
  local f=$1 pid
  shift
  [ -f "$f" ] || return 1
  pid=$(head -n1 "$f" 2>/dev/null | tr -dc '0-9')
  [ -n "$pid" ] && pid_is "$pid" "$@" && { echo "$pid"; return 0; }
  return 1
}

print_env() {
  if want pg; then
    echo "export FLASH_TEST_PG_URL=postgres://$TEST_USER:$TEST_PASS@127.0.0.1:$PG_PORT/$TEST_DB"
  fi
  if want mysql; then
    echo "export FLASH_TEST_MYSQL_URL=mysql://$TEST_USER:$TEST_PASS@127.0.0.1:$MY_PORT/$TEST_DB"
  fi
  # FerretDB's SQLite backend has no users: the URL carries none.
  if want mongo && { [ -x "$FERRETDB" ] || [ "$ONLY" = mongo ]; }; then
    echo "export FLASH_TEST_MONGO_URL=mongodb://127.0.0.1:$MONGO_PORT/$TEST_DB"
  fi
}

make_base_dir() {
  mkdir -p "$DB_DIR"
  # The server users must be able to traverse into their own subdirectories.
  chmod 755 "$DB_DIR"
  if is_root; then
    runuser -u postgres -- test -x "$DB_DIR" ||
      die "$DB_DIR is not reachable for the postgres user (a parent directory is private); set FLASH_DB_DIR"
  fi
}

# ---------------------------------------------------------------- PostgreSQL

pg_start() {
  local bin
  bin=$(pg_bindir)
  [ -x "$bin/postgres" ] || die "PostgreSQL server binaries not found (looked in $bin); install postgresql-15"
  if live_pid "$PG_DATA/postmaster.pid" postgres >/dev/null; then
    log "postgres already running on port $PG_PORT"
    return
  fi
  mkdir -p "$PG_DIR"
  is_root && chown postgres: "$PG_DIR"
  chmod 700 "$PG_DIR"
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log "initdb $PG_DATA"
    rm -rf "$PG_DATA"
    local pwfile="$PG_DIR/.pw"
    echo "postgres" >"$pwfile"
    is_root && chown postgres: "$pwfile"
    as_pg "$bin/initdb" -D "$PG_DATA" -U postgres --pwfile="$pwfile" -E UTF8 --locale=C \
      --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 ||
      { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    rm -f "$pwfile"
  fi
  # Stale (the process is gone, checked above): after a SIGKILL the socket's lock file names a
  # PID that may still be a zombie for a moment, which the server would take for a live one.
  rm -f "$PG_DATA/postmaster.pid" "$PG_DIR/.s.PGSQL.$PG_PORT.lock" "$PG_DIR/.s.PGSQL.$PG_PORT"
  log "starting postgres on 127.0.0.1:$PG_PORT"
  # fsync off and friends: the data is thrown away, speed is all that matters. Durable: a commit's
  # WAL is written to the OS before COMMIT returns (fsync stays off: the OS survives a SIGKILL).
  local commit=off
  [ -n "$DURABLE" ] && commit=on
  as_pg "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_DIR/postgres.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=$commit -c full_page_writes=off -c max_connections=100 -c shared_buffers=32MB" \
    start </dev/null >/dev/null 2>&1 9>&- ||
    { tail -n 30 "$PG_DIR/postgres.log" >&2 || true; die "postgres did not start (port $PG_PORT in use?)"; }
  local i
  for i in $(seq 1 100); do
    as_pg "$bin/pg_isready" -q -h "$PG_DIR" -p "$PG_PORT" && break
    sleep 0.1
  done
  as_pg "$bin/psql" -X -q -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null <<SQL ||
SELECT 'CREATE ROLE $TEST_USER LOGIN CREATEDB CREATEROLE PASSWORD ''$TEST_PASS'''
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$TEST_USER') \gexec
SELECT 'CREATE DATABASE $TEST_DB OWNER $TEST_USER'
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$TEST_DB') \gexec
-- pg_dump output hands objects to the role that owned them (ALTER … OWNER TO postgres): as on a
-- real server where dumps are restored, the restoring user may act as that role. Membership does
-- not make the test user a superuser (that attribute is not inherited).
GRANT postgres TO $TEST_USER;
SQL
    die "could not create the postgres test user/database"
  log "postgres ready"
}

pg_stop() {
  local pid
  if pid=$(live_pid "$PG_DATA/postmaster.pid" postgres); then
    log "stopping postgres (pid $pid)"
    kill -INT "$pid" 2>/dev/null || true  # SIGINT = fast shutdown
    wait_gone "$pid" postgres
  fi
}

pg_status() {
  local pid
  if pid=$(live_pid "$PG_DATA/postmaster.pid" postgres); then
    log "postgres running (pid $pid, port $PG_PORT)"; return 0
  fi
  log "postgres not running"; return 1
}

# ---------------------------------------------------------------- MariaDB

my_admin_sql() {
  # As root, install-db makes root@localhost authenticate by unix socket; otherwise the account of
  # the user that ran it.
  local u=root
  is_root || u=$(id -un)
  mariadb --no-defaults --protocol=socket --socket="$MY_SOCK" -u"$u" "$@"
}

my_start() {
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || die "mariadbd not found; install mariadb-server"
  local mariadbd
  mariadbd=$(command -v mariadbd || echo /usr/sbin/mariadbd)
  if live_pid "$MY_PID" mariadbd mysqld >/dev/null; then
    log "mariadb already running on port $MY_PORT"
    return
  fi
  mkdir -p "$MY_DIR/tmp"
  local user_args=()
  if is_root; then
    chown -R mysql: "$MY_DIR"
    user_args=(--user=mysql)
  fi
  chmod 700 "$MY_DIR"
  if [ ! -d "$MY_DATA/mysql" ]; then
    log "mariadb-install-db $MY_DATA"
    rm -rf "$MY_DATA"
    mariadb-install-db --no-defaults "${user_args[@]}" --datadir="$MY_DATA" --skip-test-db \
      --auth-root-authentication-method=socket --skip-name-resolve \
      >"$MY_DIR/install.log" 2>&1 || { cat "$MY_DIR/install.log" >&2; die "mariadb-install-db failed"; }
  fi
  rm -f "$MY_PID" "$MY_SOCK"
  log "starting mariadb on 127.0.0.1:$MY_PORT"
  # Detached from our stdout so that "$(db.sh start)" returns; small buffers and no durability
  # (durable: the redo log reaches the OS at every commit, which a SIGKILL of the server keeps).
  # local_infile (MariaDB's default, stated): flash import's bulk path is LOAD DATA LOCAL INFILE.
  local flush=0
  [ -n "$DURABLE" ] && flush=2
  setsid "$mariadbd" --no-defaults "${user_args[@]}" --datadir="$MY_DATA" --tmpdir="$MY_DIR/tmp" \
    --socket="$MY_SOCK" --pid-file="$MY_PID" --port="$MY_PORT" --bind-address=127.0.0.1 \
    --log-error="$MY_DIR/error.log" --skip-name-resolve --skip-log-bin --skip-external-locking \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --innodb-buffer-pool-size=32M --innodb-log-file-size=16M --innodb-flush-log-at-trx-commit=$flush \
    --innodb-doublewrite=0 --sync-binlog=0 --performance-schema=OFF --max-connections=200 \
    --key-buffer-size=1M --table-open-cache=200 --max-allowed-packet=64M --local-infile=1 \
    </dev/null >/dev/null 2>&1 9>&- &
  local i ok=0
  for i in $(seq 1 300); do
    if [ -S "$MY_SOCK" ] && my_admin_sql -e "SELECT 1" >/dev/null 2>&1; then ok=1; break; fi
    sleep 0.1
  done
  [ "$ok" = 1 ] || { tail -n 30 "$MY_DIR/error.log" >&2 || true; die "mariadb did not start (port $MY_PORT in use?)"; }
  my_admin_sql -e "
    CREATE USER IF NOT EXISTS '$TEST_USER'@'%' IDENTIFIED BY '$TEST_PASS';
    CREATE USER IF NOT EXISTS '$TEST_USER'@'localhost' IDENTIFIED BY '$TEST_PASS';
    GRANT ALL PRIVILEGES ON *.* TO '$TEST_USER'@'%' WITH GRANT OPTION;
    GRANT ALL PRIVILEGES ON *.* TO '$TEST_USER'@'localhost' WITH GRANT OPTION;
    CREATE DATABASE IF NOT EXISTS $TEST_DB CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
    FLUSH PRIVILEGES;" || die "could not create the mariadb test user/database"
  log "mariadb ready"
}

my_stop() {
  local pid
  if pid=$(live_pid "$MY_PID" mariadbd mysqld); then
    log "stopping mariadb (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" mariadb
  fi
}

my_status() {
  local pid
  if pid=$(live_pid "$MY_PID" mariadbd mysqld); then
    log "mariadb running (pid $pid, port $MY_PORT)"; return 0
  fi
  log "mariadb not running"; return 1
}

# ---------------------------------------------------------------- FerretDB (MongoDB wire protocol)

# FerretDB v1 with its SQLite backend: one SQLite file per database under $MONGO_DIR/data. Flags of
# FerretDB v1.24 (docs.ferretdb.io/v1.24/configuration/flags): no debug HTTP listener (its default
# 127.0.0.1:8088 would clash between instances), no telemetry, state (instance UUID) in our dir.
mongo_start() {
  if [ ! -x "$FERRETDB" ]; then
    [ "$ONLY" = mongo ] && die "FerretDB not found at $FERRETDB; run scripts/install-deps.sh (or set FLASH_FERRETDB)"
    log "warning: FerretDB not found at $FERRETDB (scripts/install-deps.sh builds it); MongoDB tests will be skipped"
    return
  fi
  if live_pid "$MONGO_PID" ferretdb >/dev/null; then
    log "ferretdb already running on port $MONGO_PORT"
    return
  fi
  mkdir -p "$MONGO_DIR/data" "$MONGO_DIR/state"
  chmod 700 "$MONGO_DIR"
  log "starting ferretdb on 127.0.0.1:$MONGO_PORT"
  setsid "$FERRETDB" --handler=sqlite --sqlite-url="file:$MONGO_DIR/data/" \
    --listen-addr="127.0.0.1:$MONGO_PORT" --debug-addr=- --state-dir="$MONGO_DIR/state" \
    --telemetry=disable --log-level=warn --log-format=text \
    </dev/null >"$MONGO_DIR/ferretdb.log" 2>&1 9>&- &
  echo $! >"$MONGO_PID"
  local i ok=0
  for i in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$MONGO_PORT") 2>/dev/null; then ok=1; break; fi
    live_pid "$MONGO_PID" ferretdb >/dev/null || break
    sleep 0.1
  done
  [ "$ok" = 1 ] || { tail -n 30 "$MONGO_DIR/ferretdb.log" >&2 || true; die "ferretdb did not start (port $MONGO_PORT in use?)"; }
  log "ferretdb ready"
}

mongo_stop() {
  local pid
  if pid=$(live_pid "$MONGO_PID" ferretdb); then
    log "stopping ferretdb (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" ferretdb
  fi
}

mongo_status() {
  local pid
  if pid=$(live_pid "$MONGO_PID" ferretdb); then
    log "ferretdb running (pid $pid, port $MONGO_PORT)"; return 0
  fi
  log "ferretdb not running"; return 1
}

wait_gone() {
  local pid=$1 name=$2 i
  for i in $(seq 1 300); do
    pid_is "$pid" postgres mariadbd mysqld ferretdb || return 0
    sleep 0.1
  done
  log "$name (pid $pid) did not stop in 30 s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}

# ---------------------------------------------------------------- main

# One start/stop at a time per data dir (several shells may run `start` at once). The servers
# are started with fd 9 closed so that they do not hold the lock.
with_lock() {
  mkdir -p "$(dirname "$DB_DIR")"
  exec 9>"$DB_DIR.lock"
  flock -w 120 9 || die "timed out waiting for $DB_DIR.lock"
}

cmd="${1:-}"
case "$cmd" in
  start)
    with_lock
    make_base_dir
    want pg && pg_start
    want mysql && my_start
    want mongo && mongo_start
    print_env
    ;;
  stop)
    with_lock
    want pg && pg_stop
    want mysql && my_stop
    want mongo && mongo_stop
    if [ -z "$ONLY" ]; then
      rm -rf "$DB_DIR"
      log "removed $DB_DIR"
    fi
    ;;
  env)
    print_env
    ;;
  status)
    rc=0
    if want pg; then pg_status || rc=1; fi
    if want mysql; then my_status || rc=1; fi
    if want mongo && { [ -x "$FERRETDB" ] || [ "$ONLY" = mongo ]; }; then mongo_status || rc=1; fi
    exit $rc
    ;;
  *)
    echo "usage: $0 start|stop|env|status" >&2
    exit 2
    ;;
esac

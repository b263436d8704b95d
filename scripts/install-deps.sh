#!/usr/bin/env bash
# Installs every system and language dependency the build and the tests need (--build-only: just
# the build's), or fails loudly (non-zero exit) saying what is missing: a fresh Debian 12 machine
# must not silently run fewer tests. Idempotent: packages already present are skipped, so a second
# run takes seconds.
#   Node.js/npm: Debian's nodejs, npm and libnode-dev (headers for better-sqlite3) when `node` is missing.
#   Go: the client and corpus tests need Go >= $GO_MIN (their go.mod); when `go` is missing or older
#     (Debian 12's golang-go is 1.19), the toolchain module golang.org/toolchain@v0.0.1-goX.linux-ARCH
#     is fetched from the Go module proxy — what Go's own toolchain switching (GOTOOLCHAIN) fetches —
#     checked against a pinned SHA-256 and unpacked into $FLASH_GO_DIR (default ~/.local/flash-go);
#     scripts/test.sh puts its bin/ first on PATH.
#   clang + compiler-rt: the libFuzzer targets (tests/fuzz, ctest -L fuzz).
#   libmongoc-dev/libbson-dev: the MongoDB driver (src/flash/driver/mongodb).
#   FerretDB: the MongoDB-protocol test server (scripts/db.sh), built from its Go module (see below).
#   pgbouncer, galera-4: the cluster setups (scripts/cluster.sh pgbouncer|galera; ctest -L cluster).
#   chromium: Flash Studio's browser tests (playwright-core drives Debian's chromium; ctest -L studio).
#   patroni + etcd-server + haproxy: the Patroni failover cluster of the cluster tests (scripts/cluster/patroni.sh,
#     ctest -L cluster; HAProxy gives node-postgres one address that follows the primary).
#   time, bc: GNU time (peak RSS, `/usr/bin/time`) and bc for the benchmarks (bench/harness.py, bench/export.sh).
#   bench/: the benchmark's contenders (ctest -L bench runs a short version; see the end of this file).
#   studio/web: Flash Studio's web app (React, Vite, CodeMirror, React Flow, elkjs) from the npm
#     registry with `npm ci` (package-lock.json pins them); the build embeds its `vite build`.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libpq-dev libmariadb-dev libsqlite3-dev libmongoc-dev libbson-dev libpg-query-dev
  libcli11-dev libtomlplusplus-dev nlohmann-json3-dev libfmt-dev libcpp-httplib-dev libssl-dev libarchive-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  postgresql-15 postgresql-client-15 mariadb-server mariadb-client sqlite3
  curl ca-certificates unzip python3 python3-venv python3-pip python3-yaml python3-jsonschema
  clang libclang-rt-14-dev
  chromium
  patroni etcd-server haproxy
  pgbouncer galera-4
  time bc
)
# Node.js from Debian only when no node is installed (a newer one from elsewhere is kept).
command -v node >/dev/null 2>&1 || APT_PACKAGES+=(nodejs npm libnode-dev)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "install-deps: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # Debian's postgresql/mariadb packages try to start a system service; we run our own throwaway
  # instances (scripts/db.sh), so keep the system ones from starting where policy-rc.d allows it.
  if [ ! -e /usr/sbin/policy-rc.d ] && [ "$(id -u)" -eq 0 ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "install-deps: system packages ok"

# Flash Studio's web app: needed by the build itself (cmake/EmbedStudio.cmake runs `vite build`).
# Skipped when node_modules was installed from the current lock file (stamp).
command -v npm >/dev/null 2>&1 || { echo "install-deps: npm not found after installing nodejs/npm" >&2; exit 1; }
web_dir=studio/web
web_sum="$(sha256sum "$web_dir/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$web_dir/node_modules/.flash-lock-sha256" 2>/dev/null)" = "$web_sum" ] && [ -x "$web_dir/node_modules/.bin/vite" ]; then
  echo "install-deps: studio web packages up to date"
else
  (cd "$web_dir" && npm ci --no-audit --no-fund)
  echo "$web_sum" >"$web_dir/node_modules/.flash-lock-sha256"
  echo "install-deps: studio web packages ok"
fi
# `--build-only`: only what building and running flash needs (the demo); skips the client tests'
# Go, npm and PyPI packages.
[ "${1:-}" = "--build-only" ] && exit 0

# ---------------------------------------------------------------------------------------------
# Client test dependencies
# Go toolchain: see the header. The pinned version and the SHA-256 of its module zip (as the proxy
# serves it and sum.golang.org vouches for it: h1:IkknVKy/4hLMR+ZwWfP4Oqhjz2sKqNtEXz1meP8P3Nc=).
GO_MIN=1.25
GO_BOOTSTRAP=1.25.5
GO_BOOTSTRAP_SHA256_amd64=8cea6783dab64d68b38f5b81ecd38d45155a3c06638991acc6af19e0fca80edb
FLASH_GO_DIR=${FLASH_GO_DIR:-$HOME/.local/flash-go}
[ -x "$FLASH_GO_DIR/bin/go" ] && export PATH="$FLASH_GO_DIR/bin:$PATH"
go_ok() {  # go on PATH and at least GO_MIN
  local v
  v=$(go env GOVERSION 2>/dev/null) || return 1
  v=${v#go}
  [ "$(printf '%s\n%s\n' "$GO_MIN" "$v" | sort -V | head -1)" = "$GO_MIN" ]
}
if ! go_ok; then
  arch=$(dpkg --print-architecture)
  sum_var="GO_BOOTSTRAP_SHA256_$arch"
  [ -n "${!sum_var:-}" ] || { echo "install-deps: no pinned Go toolchain for $arch; install Go >= $GO_MIN" >&2; exit 1; }
  mod="v0.0.1-go$GO_BOOTSTRAP.linux-$arch"
  echo "install-deps: go missing or older than $GO_MIN: fetching golang.org/toolchain@$mod from the Go module proxy"
  tmp=$(mktemp -d)
  curl -sSfL -o "$tmp/go.zip" "${GOPROXY_URL:-https://proxy.golang.org}/golang.org/toolchain/@v/$mod.zip"
  echo "${!sum_var}  $tmp/go.zip" | sha256sum -c --quiet - || { echo "install-deps: Go toolchain checksum mismatch" >&2; exit 1; }
  unzip -q "$tmp/go.zip" -d "$tmp"
  rm -rf "$FLASH_GO_DIR"; mkdir -p "$(dirname "$FLASH_GO_DIR")"
  mv "$tmp/golang.org/toolchain@$mod" "$FLASH_GO_DIR"
  chmod +x "$FLASH_GO_DIR"/bin/* "$FLASH_GO_DIR"/pkg/tool/*/* 2>/dev/null || true
  rm -rf "$tmp"
  export PATH="$FLASH_GO_DIR/bin:$PATH"
  go_ok || { echo "install-deps: the bootstrapped Go toolchain does not run" >&2; exit 1; }
fi
echo "install-deps: $(go version)"

# FerretDB v1 (Apache-2.0), the MongoDB wire-protocol server the MongoDB tests run against (there is
# no MongoDB server package in Debian), built with the Go toolchain above into $FLASH_FERRETDB
# (default ~/.local/flash-ferretdb/bin/ferretdb), where scripts/db.sh looks. The module comes from
# the Go module proxy (`go mod download` checks it against sum.golang.org; we check the pinned h1
# hash too). Built as its own main module from a copy with the version file its build task would
# generate (build/version/version.txt): `go install …@version` lacks that file and the binary panics
# at start. Skipped when the cached binary reports the pinned version. A first build took 9.5 min
# (2.5 min CPU) on 2 busy cores; with the Go build cache warm, about 1 min.
FERRETDB_VERSION=v1.24.2
FERRETDB_SUM=h1:trrUU0LbmusMbyubhPS1IELncvrIwKrsRT2LW1UUWCw=
FLASH_FERRETDB=${FLASH_FERRETDB:-$HOME/.local/flash-ferretdb/bin/ferretdb}
if [ -x "$FLASH_FERRETDB" ] && "$FLASH_FERRETDB" --version 2>/dev/null | grep -qx "version: $FERRETDB_VERSION"; then
  echo "install-deps: FerretDB $FERRETDB_VERSION up to date ($FLASH_FERRETDB)"
else
  echo "install-deps: building FerretDB $FERRETDB_VERSION (a few minutes)"
  tmp=$(mktemp -d)
  info=$(cd "$tmp" && GO111MODULE=on GOFLAGS= go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION")
  src=$(printf '%s\n' "$info" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  sum=$(printf '%s\n' "$info" | sed -n 's/^[[:space:]]*"Sum": "\(.*\)",$/\1/p')
  [ "$sum" = "$FERRETDB_SUM" ] || { echo "install-deps: FerretDB module checksum $sum, expected $FERRETDB_SUM" >&2; exit 1; }
  cp -r "$src" "$tmp/ferretdb"
  chmod -R u+w "$tmp/ferretdb"
  echo "$FERRETDB_VERSION" >"$tmp/ferretdb/build/version/version.txt"
  mkdir -p "$(dirname "$FLASH_FERRETDB")"
  (cd "$tmp/ferretdb" && go build -trimpath -o "$FLASH_FERRETDB.tmp" ./cmd/ferretdb)
  mv "$FLASH_FERRETDB.tmp" "$FLASH_FERRETDB"
  rm -rf "$tmp"
  "$FLASH_FERRETDB" --version | grep -qx "version: $FERRETDB_VERSION" ||
    { echo "install-deps: the FerretDB binary does not report $FERRETDB_VERSION" >&2; exit 1; }
  echo "install-deps: FerretDB $FERRETDB_VERSION ok"
fi

# sqlc (MIT), only for bench/harness.py's side-by-side code-generation timing (`flash gen` vs `sqlc
# generate` on bench/synth.py's projects), built from the Go module proxy into $FLASH_SQLC (default
# ~/.local/flash-sqlc/bin/sqlc); skipped when the cached binary reports the pinned version. Its
# PostgreSQL parser (pg_query_go) is C compiled by cgo: the first build took ~15 min on 2 busy cores.
# FLASH_SKIP_SQLC=1 skips it (the benchmark then reports sqlc as not found).
SQLC_VERSION=v1.31.1
FLASH_SQLC=${FLASH_SQLC:-$HOME/.local/flash-sqlc/bin/sqlc}
if [ -n "${FLASH_SKIP_SQLC:-}" ]; then
  echo "install-deps: sqlc skipped (FLASH_SKIP_SQLC)"
elif [ -x "$FLASH_SQLC" ] && [ "$("$FLASH_SQLC" version 2>/dev/null)" = "$SQLC_VERSION" ]; then
  echo "install-deps: sqlc $SQLC_VERSION up to date ($FLASH_SQLC)"
else
  echo "install-deps: building sqlc $SQLC_VERSION (bench only; several minutes)"
  mkdir -p "$(dirname "$FLASH_SQLC")"
  (cd "$(mktemp -d)" && GOFLAGS= GOBIN="$(dirname "$FLASH_SQLC")" go install "github.com/sqlc-dev/sqlc/cmd/sqlc@$SQLC_VERSION")
  [ "$("$FLASH_SQLC" version)" = "$SQLC_VERSION" ] || { echo "install-deps: sqlc does not report $SQLC_VERSION" >&2; exit 1; }
fi

# Go modules of tests/clients/go (pgx/v5, go-sql-driver/mysql, mattn/go-sqlite3) from the Go
# module proxy, and a first build of go-sqlite3 (cgo, a few minutes) so that GOCACHE holds it.
(cd tests/clients/go && go mod download && go build github.com/mattn/go-sqlite3 github.com/jackc/pgx/v5 github.com/go-sql-driver/mysql)
echo "install-deps: Go client test modules ok"

# MongoDB clients (tests/clients/mongo): the official Go driver go.mongodb.org/mongo-driver/v2
# (Go module proxy) and the `mongodb` npm package with typescript (npm ci, package-lock.json pins
# them); pymongo is in tests/clients/python/requirements.txt (the Python client venv below).
(cd tests/clients/mongo/go && go mod download)
mongo_ts=tests/clients/mongo/ts
mongo_lock_sum="$(sha256sum "$mongo_ts/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$mongo_ts/node_modules/.flash-lock-sha256" 2>/dev/null)" != "$mongo_lock_sum" ]; then
  (cd "$mongo_ts" && npm ci --no-audit --no-fund)
  echo "$mongo_lock_sum" >"$mongo_ts/node_modules/.flash-lock-sha256"
fi
echo "install-deps: MongoDB client test modules ok"

# JS client: tests/clients/ts (pg, mysql2, better-sqlite3, typescript, @types/*) from the npm
# registry with `npm ci` (package-lock.json pins them). better-sqlite3 compiles its addon from
# source against the system Node headers (npm_config_nodedir=/usr; a few minutes). Skipped when
# node_modules was installed from the current lock file (stamp) and the addon loads.
command -v npm >/dev/null 2>&1 || { echo "install-deps: npm not found after installing nodejs/npm" >&2; exit 1; }
ts_dir=tests/clients/ts
lock_sum="$(sha256sum "$ts_dir/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$ts_dir/node_modules/.flash-lock-sha256" 2>/dev/null)" = "$lock_sum" ] &&
   (cd "$ts_dir" && node -e 'require("better-sqlite3")' >/dev/null 2>&1); then
  echo "install-deps: JS client test packages up to date"
else
  (cd "$ts_dir" && npm_config_nodedir=/usr npm ci --no-audit --no-fund)
  echo "$lock_sum" >"$ts_dir/node_modules/.flash-lock-sha256"
  echo "install-deps: JS client test packages ok"
fi

# Python client: tests/clients/python/.venv (gitignored) with the pinned drivers, mypy and pytest of
# tests/clients/python/requirements.txt from PyPI. Skipped when the venv was built from the current
# requirements file (stamp) and its interpreter still runs.
# The corpus test (tests/corpus/go_corpus.py) reads sqlc's YAML configs (python3-yaml above).
python3 -c 'import yaml' || { echo "install-deps: python3 cannot import yaml" >&2; exit 1; }
py_dir=tests/clients/python
req_sum="$(sha256sum "$py_dir/requirements.txt" | cut -d' ' -f1)"
if [ "$(cat "$py_dir/.venv/.flash-req-sha256" 2>/dev/null)" = "$req_sum" ] &&
   "$py_dir/.venv/bin/python" -c 'import asyncpg, aiomysql, aiosqlite, psycopg, pymysql, pymongo, mypy, pytest' >/dev/null 2>&1; then
  echo "install-deps: Python client test packages up to date"
else
  python3 -m venv "$py_dir/.venv"
  "$py_dir/.venv/bin/pip" install -q -r "$py_dir/requirements.txt"
  echo "$req_sum" >"$py_dir/.venv/.flash-req-sha256"
  echo "install-deps: Python client test packages ok"
fi

# ---------------------------------------------------------------------------------------------
# The benchmark's contenders (bench/README.md; `ctest -L bench` runs a short version of bench/run):
# bench/node from its package-lock.json (pg, drizzle-orm, prisma + @prisma/adapter-pg, typescript;
# npm ci, stamped the way bench/run checks it), bench/go's modules (pgx/v5) with bench-pgx built once
# so that GOCACHE holds pgx, and the asyncpg venv bench/.work/venv (bench/python/requirements.txt).
# bench/run itself runs `prisma generate` (with a placeholder engine, see there), `flash gen` and the
# compilers (g++ and libpq-dev above).
bench_node=bench/node
bench_lock_sum="$(sha256sum "$bench_node/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$bench_node/node_modules/.bench-lock" 2>/dev/null)" = "$bench_lock_sum" ]; then
  echo "install-deps: bench node packages up to date"
else
  (cd "$bench_node" && npm ci --no-audit --no-fund)
  echo "$bench_lock_sum" >"$bench_node/node_modules/.bench-lock"
  echo "install-deps: bench node packages ok"
fi
(cd bench/go && go mod download && go build -o /dev/null ./cmd/bench-pgx)
echo "install-deps: bench Go modules ok"
bench_venv=bench/.work/venv
bench_req_sum="$(sha256sum bench/python/requirements.txt | cut -d' ' -f1)"
if [ "$(cat "$bench_venv/.flash-req-sha256" 2>/dev/null)" = "$bench_req_sum" ] &&
   "$bench_venv/bin/python" -c 'import asyncpg' >/dev/null 2>&1; then
  echo "install-deps: bench Python venv up to date"
else
  python3 -m venv "$bench_venv"
  "$bench_venv/bin/pip" install -q -r bench/python/requirements.txt
  echo "$bench_req_sum" >"$bench_venv/.flash-req-sha256"
  echo "install-deps: bench Python venv ok"
fi

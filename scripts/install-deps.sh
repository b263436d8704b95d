#!/usr/bin/env bash
# Installs every system and language dependency the build and the tests need (--build-only: just
# the build's). Idempotent:
# packages already present are skipped, so a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libpq-dev libmariadb-dev libsqlite3-dev libmongoc-dev libbson-dev libpg-query-dev
  libcli11-dev libtomlplusplus-dev nlohmann-json3-dev libfmt-dev libcpp-httplib-dev libssl-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  postgresql-15 postgresql-client-15 mariadb-server mariadb-client sqlite3
)

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
# `--build-only`: only what building and running flash needs (the demo); skips the client tests'
# Go, npm and PyPI packages.
[ "${1:-}" = "--build-only" ] && exit 0

# ---------------------------------------------------------------------------------------------
# Client test dependencies
# Go: the modules of tests/clients/go (pgx/v5, go-sql-driver/mysql, mattn/go-sqlite3) from the Go
# module proxy, and a first build of go-sqlite3 (cgo, a few minutes) so that GOCACHE holds it.
if command -v go >/dev/null 2>&1; then
  (cd tests/clients/go && go mod download && go build github.com/mattn/go-sqlite3 github.com/jackc/pgx/v5 github.com/go-sql-driver/mysql)
  echo "install-deps: Go client test modules ok"
else
  echo "install-deps: go not found; the Go client tests (ctest -L clients) will not run"
fi

# JS client: tests/clients/ts (pg, mysql2, better-sqlite3, typescript, @types/*) from the npm
# registry with `npm ci` (package-lock.json pins them). better-sqlite3 compiles its addon from
# source against the system Node headers (npm_config_nodedir=/usr; a few minutes). Skipped when
# node_modules was installed from the current lock file (stamp) and the addon loads.
if command -v npm >/dev/null 2>&1; then
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
else
  echo "install-deps: npm not found; the JS client tests (ctest -L clients) will not run"
fi

# Python client: tests/clients/python/.venv (gitignored) with the pinned drivers, mypy and pytest of
# tests/clients/python/requirements.txt from PyPI. Skipped when the venv was built from the current
# requirements file (stamp) and its interpreter still runs.
if command -v python3 >/dev/null 2>&1; then
  # The corpus test (tests/corpus/go_corpus.py) reads sqlc's YAML configs.
  python3 -c 'import yaml' 2>/dev/null || python3 -m pip install -q pyyaml
  py_dir=tests/clients/python
  req_sum="$(sha256sum "$py_dir/requirements.txt" | cut -d' ' -f1)"
  if [ "$(cat "$py_dir/.venv/.flash-req-sha256" 2>/dev/null)" = "$req_sum" ] &&
     "$py_dir/.venv/bin/python" -c 'import asyncpg, aiomysql, aiosqlite, psycopg, pymysql, mypy, pytest' >/dev/null 2>&1; then
    echo "install-deps: Python client test packages up to date"
  else
    python3 -m venv "$py_dir/.venv"
    "$py_dir/.venv/bin/pip" install -q -r "$py_dir/requirements.txt"
    echo "$req_sum" >"$py_dir/.venv/.flash-req-sha256"
    echo "install-deps: Python client test packages ok"
  fi
else
  echo "install-deps: python3 not found; the Python client tests (ctest -L clients) will not run"
fi

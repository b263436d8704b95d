#!/usr/bin/env bash
# Throwaway multi-server setups on loopback, from Debian packages, for the cluster tests (issue: PgBouncer, Galera,
# Patroni). Each setup is one script in scripts/cluster/<setup>.sh with the same three verbs:
#
#   scripts/cluster.sh start <setup>   start it (data under $FLASH_CLUSTER_DIR/<setup>), print `export NAME=value` lines
#   scripts/cluster.sh env <setup>     print the same export lines for a running setup
#   scripts/cluster.sh stop <setup>    stop it by PID and remove its data
#
# FLASH_CLUSTER_DIR defaults to ${TMPDIR:-/tmp}/flash-cluster-$UID. Exit 2 on a bad verb or setup, 1 when a start fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
verb="${1:-}"; setup="${2:-}"
case "$verb" in start|stop|env) ;; *) echo "usage: scripts/cluster.sh start|stop|env <setup>" >&2; exit 2 ;; esac
if [[ ! "$setup" =~ ^[a-z0-9_-]+$ || ! -f "$here/cluster/$setup.sh" ]]; then
  known="$(cd "$here/cluster" 2>/dev/null && ls -- *.sh 2>/dev/null | sed 's/\.sh$//' | tr '\n' ' ')" || true
  echo "scripts/cluster.sh: unknown setup '${setup}' (known: ${known:-none})" >&2
  exit 2
fi
export FLASH_CLUSTER_DIR="${FLASH_CLUSTER_DIR:-${TMPDIR:-/tmp}/flash-cluster-$(id -u)}"
exec bash "$here/cluster/$setup.sh" "$verb"

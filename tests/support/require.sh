#!/usr/bin/env bash
# Runs a test command after checking its prerequisites, so that a test whose tool is missing fails
# loudly (ctest: Failed, with the reason) instead of not being registered or being skipped:
#   require.sh [tool:NAME | pymod:MODULE | file:PATH]... -- COMMAND [ARGS...]
# tool:NAME   NAME must be on PATH        pymod:MODULE   python3 must import MODULE
# file:PATH   PATH must be an executable (a venv's interpreter, say)
# scripts/install-deps.sh installs every one of them (and scripts/test.sh puts its Go on PATH).
set -uo pipefail
missing=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case "$1" in
    tool:*) command -v "${1#tool:}" >/dev/null 2>&1 || missing+=("${1#tool:} (not on PATH)") ;;
    pymod:*) python3 -c "import ${1#pymod:}" >/dev/null 2>&1 || missing+=("python3 module ${1#pymod:}") ;;
    file:*) [ -x "${1#file:}" ] || missing+=("${1#file:} (not an executable)") ;;
    *) echo "require.sh: unknown check $1" >&2; exit 2 ;;
  esac
  shift
done
[ "${1:-}" = "--" ] && shift
if ((${#missing[@]})); then
  printf 'missing test prerequisite: %s\n' "${missing[@]}" >&2
  echo "run scripts/install-deps.sh (and scripts/test.sh, which puts its Go toolchain on PATH)" >&2
  exit 1
fi
exec "$@"

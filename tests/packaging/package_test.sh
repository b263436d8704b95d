#!/usr/bin/env bash
# The packages, built and installed (ctest -L package; README "Installation from packages"):
#   1. `cpack -G "DEB;TGZ"` of the build tree: flash, flash-<part> for each part, flash-all;
#   2. the .debs' metadata: each part depends on flash (= version), flash-all on every one;
#   3. flash + flash-core unpacked (dpkg-deb -x, as dpkg -i would place them) into a scratch root,
#      then from those installed files only (PATH without the build tree, a fresh HOME):
#      flash init + migrate + apply + gen + status on SQLite, the man page and the completions in
#      place and complete;
#   4. the base's .tar.gz alone, then `flash plugins add` of flash-core's .tar.gz with its SHA-256:
#      the same commands work from ~/.flash/plugins.
# Usage: package_test.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d /tmp/flash-package-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
[ -n "$version" ] || fail "no CPACK_PACKAGE_VERSION in $build/CPackConfig.cmake"
( cd "$work" && cpack --config "$build/CPackConfig.cmake" -G "DEB;TGZ" -B "$work/out" >"$work/cpack.log" 2>&1 ) ||
  { cat "$work/cpack.log"; fail "cpack"; }
ls -l "$work/out"/*.deb "$work/out"/*.tar.gz

deb() { ls "$work/out/$1"_"$version"_*.deb 2>/dev/null | head -1; }
for p in flash flash-core flash-all; do [ -n "$(deb "$p")" ] || fail "no $p .deb"; done
dpkg-deb -f "$(deb flash-core)" Depends | grep -q "flash (= $version)" || fail "flash-core does not depend on flash"
all_deps=$(dpkg-deb -f "$(deb flash-all)" Depends)
for p in flash flash-core; do echo "$all_deps" | grep -q "$p (= $version)" || fail "flash-all does not depend on $p: $all_deps"; done
dpkg-deb -f "$(deb flash)" Depends | grep -q "lib" && echo "flash depends on: $(dpkg-deb -f "$(deb flash)" Depends)"

# ---- 3. the .debs in a scratch root ---------------------------------------------------------------
root="$work/root"
dpkg-deb -x "$(deb flash)" "$root"
dpkg-deb -x "$(deb flash-core)" "$root"
for f in usr/bin/flash usr/bin/flash-core usr/share/man/man1/flash.1.gz usr/share/bash-completion/completions/flash \
         usr/share/zsh/vendor-completions/_flash usr/share/fish/vendor_completions.d/flash.fish; do
  [ -e "$root/$f" ] || fail "$f is not in the packages"
done
readelf -S "$root/usr/bin/flash-core" | grep -q "\.debug_info" && fail "usr/bin/flash-core is not stripped"
zcat "$root/usr/share/man/man1/flash.1.gz" | grep -q '^\.SS "flash migrate"' || fail "the man page lacks flash migrate"
grep -q "'migrate') words=" "$root/usr/share/bash-completion/completions/flash" || fail "bash completion lacks migrate"
grep -q -- "--accept-data-loss" "$root/usr/share/bash-completion/completions/flash" ||
  fail "bash completion lacks migrate's options"

export HOME="$work/home" PATH="$root/usr/bin:/usr/bin:/bin" NO_COLOR=1
mkdir -p "$HOME"
project() {  # $1: directory; runs the whole flow with the flash on PATH
  mkdir -p "$1" && cd "$1"
  flash init --sqlite >/dev/null
  echo "DATABASE_URL=sqlite://db/dev.db" > .env
  flash migrate init >/dev/null
  flash apply >/dev/null
  flash gen >/dev/null
  flash --json status > status.json
  python3 -c 'import json,sys; j=json.load(open("status.json")); sys.exit(0 if j["ok"] else 1)' ||
    fail "status after apply: $(cat status.json)"
  ls db/migrations/*/ >/dev/null 2>&1 || ls db/migrations >/dev/null || fail "no migration written"
  [ -n "$(find . -path ./db -prune -o -type f -newer flash.toml -print | grep -v status.json | head -1)" ] ||
    fail "gen wrote nothing"
  cd - >/dev/null
}
[ "$(command -v flash)" = "$root/usr/bin/flash" ] || fail "flash on PATH is not the installed one"
project "$work/p1"
echo "ok: init + migrate + apply + gen + status from the installed .debs"

# ---- 4. the base archive + flash plugins add of the core archive ------------------------------------
tgz_root="$work/tgz"
mkdir -p "$tgz_root"
tar -xzf "$work/out/flash-$version-Linux.tar.gz" -C "$tgz_root"
export HOME="$work/home2" PATH="$tgz_root/bin:/usr/bin:/bin"
mkdir -p "$HOME"
set +e
flash migrate x >/dev/null 2>"$work/missing.err"; rc=$?
set -e
[ "$rc" = 127 ] || fail "without flash-core: exit $rc, not 127: $(cat "$work/missing.err")"
core_tgz="$work/out/flash-core-$version-Linux.tar.gz"
flash plugins add "$core_tgz" --sha256 "$(sha256sum "$core_tgz" | cut -d' ' -f1)"
[ -x "$HOME/.flash/plugins/flash-core" ] || fail "plugins add did not install flash-core"
project "$work/p2"
echo "ok: base .tar.gz + flash plugins add flash-core .tar.gz (pinned)"

#!/usr/bin/env python3
"""Parts and `flash plugins add/remove` through the real binaries (README "Parts and packages").

parts_test.py BUILD_BIN_DIR: BUILD_BIN_DIR holds the base `flash` and flash-core. Each case runs in
a fresh HOME with PATH=/usr/bin:/bin, so nothing of the machine's ~/.flash is seen or touched.
  - dispatch: `flash CMD` through the base gives the same stdout, stderr and exit code as flash-core
    (a failing command, --json, a check that fails with 3); stdin passes through;
  - a base alone: `flash migrate` exits 127 naming the package flash-core, `--help` lists every
    command with "[flash-core, not installed]"; after `flash plugins add flash-core --sha256 ...`
    (into ~/.flash/plugins) the same command runs;
  - refusals, each a located diagnostic with nothing written: a wrong pin (exit 3), a missing file,
    archives with ../, absolute, symlink and hardlink members, a file not named flash-*;
  - archives (.tar.gz, .zip) holding bin/flash-gen-*, the lock file, `flash plugins --json`
    (parts with version/size/commands/contract version, installed entries with their pin state,
    "modified" after a change), `flash plugins remove`.
Exit 0 when every check passes; prints each failure.
"""
import hashlib
import io
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile

BIN = pathlib.Path(sys.argv[1]).resolve()
BASE, CORE = BIN / "flash", BIN / "flash-core"
failures: list[str] = []


def check(cond: bool, what: str, detail: str = "") -> None:
    if not cond:
        failures.append(f"{what}\n{detail}")
        print(f"FAIL {what}\n{detail}")
    else:
        print(f"ok   {what}")


def run(exe, args, home, cwd=None, stdin=None):
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"}
    return subprocess.run([str(exe), *args], cwd=cwd or home, env=env, input=stdin, capture_output=True,
                          text=True, timeout=120)


def sha(path) -> str:
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def tree(path: pathlib.Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def diag(r):
    try:
        return json.loads(r.stdout)["error"]
    except Exception:  # noqa: BLE001
        return {}


def tar_gz(path, members):
    """members: (name, kind, data_or_target): kind file|exe|symlink|hardlink."""
    with tarfile.open(path, "w:gz") as t:
        for name, kind, data in members:
            info = tarfile.TarInfo(name)
            if kind in ("file", "exe"):
                info.size = len(data)
                info.mode = 0o755 if kind == "exe" else 0o644
                t.addfile(info, io.BytesIO(data))
            else:
                info.type = tarfile.SYMTYPE if kind == "symlink" else tarfile.LNKTYPE
                info.linkname = data
                t.addfile(info)


PLUGIN = b"#!/bin/sh\n[ \"$1\" = --flash-contract ] && echo '{\"contract_versions\":[1]}'\nexit 0\n"

with tempfile.TemporaryDirectory(prefix="flash-parts-") as tmp:
    tmp = pathlib.Path(tmp)

    # ---- dispatch is transparent -----------------------------------------------------------------
    home = tmp / "home1"
    home.mkdir()
    for args in (["status"], ["--json", "status"], ["status", "--json"], ["migrate", "--help"],
                 ["--config", "nope.toml", "apply"], ["gen", "--bogus-flag"]):
        a, b = run(BASE, args, home), run(CORE, args, home)
        check((a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr),
              f"flash {' '.join(args)} through the base = flash-core (exit {a.returncode})",
              f"base: {a.returncode} {a.stdout[:300]} {a.stderr[:300]}\ncore: {b.returncode} {b.stdout[:300]} {b.stderr[:300]}")
    proj = tmp / "proj"
    proj.mkdir()
    r = run(BASE, ["init", "--sqlite"], home, cwd=proj)
    check(r.returncode == 0, "flash init (base)", r.stderr)
    (proj / ".env").write_text("DATABASE_URL=sqlite://db/dev.db\n")
    req = run(BASE, ["plugin", "request", "--engine", "sqlite", "--target", "go"], home).stdout
    a = run(BASE, ["plugin", "run", "builtin:go", "--request", "-"], home, stdin=req)
    b = run(CORE, ["plugin", "run", "builtin:go", "--request", "-"], home, stdin=req)
    check(a.returncode == 0 and '"files"' in a.stdout and a.stdout == b.stdout,
          "stdin passes through the dispatch (flash plugin run --request -)", a.stdout[:300] + a.stderr)
    r = run(BASE, ["--json", "plugins"], home, cwd=proj)
    j = json.loads(r.stdout) if r.returncode == 0 else {}
    parts = {p["name"]: p for p in j.get("parts", [])}
    check(parts.get("core", {}).get("installed") is True and "migrate" in parts["core"].get("commands", [])
          and parts["core"].get("contract_version") == 1 and parts["core"].get("size", 0) > 0
          and parts["core"].get("version"),
          "flash plugins --json lists flash-core with version, size, commands, contract version", r.stdout[:800])
    check(any(p["name"] == "builtin:go" for p in j.get("plugins", [])), "flash plugins lists the built-in generators")

    # ---- a base without its core part ------------------------------------------------------------
    lone = tmp / "lone"
    lone.mkdir()
    shutil.copy2(BASE, lone / "flash")
    home2 = tmp / "home2"
    home2.mkdir()
    r = run(lone / "flash", ["migrate", "x"], home2)
    check(r.returncode == 127 and "flash-core" in r.stderr and "cli.part-missing" in r.stderr,
          "a missing part: exit 127 naming the package", f"{r.returncode}\n{r.stderr}")
    r = run(lone / "flash", ["--json", "migrate", "x"], home2)
    check(r.returncode == 127 and diag(r).get("code") == "cli.part-missing", "a missing part with --json", r.stdout)
    r = run(lone / "flash", ["--help"], home2)
    check(r.returncode == 0 and "[flash-core, not installed]" in r.stdout and "init" in r.stdout,
          "--help lists every command, with the part and that it is not installed", r.stdout)
    r = run(lone / "flash", ["--version"], home2)
    check(r.returncode == 0 and r.stdout.startswith("flash "), "--version without parts")
    r = run(lone / "flash", ["init", "--sqlite"], home2, cwd=home2)
    check(r.returncode == 0 and (home2 / "flash.toml").exists(), "init without parts", r.stderr)

    # refusals: nothing written
    def refused(args, code, exit_code, what, home=home2):
        before = tree(home)
        r = run(lone / "flash", ["--json", "plugins", "add", *args], home)
        d = diag(r)
        check(r.returncode == exit_code and d.get("code") == code and d.get("file")
              and tree(home) == before, what, f"{r.returncode} {r.stdout} {r.stderr}")

    refused([str(CORE), "--sha256", "0" * 64], "plugins.pin-mismatch", 3, "a wrong pin is refused (exit 3)")
    refused([str(tmp / "no-such-file"), "--sha256", "0" * 64], "plugins.not-found", 1, "a missing file is refused")
    bad = tmp / "bad"
    bad.mkdir()
    hostile = {
        "dotdot.tar.gz": [("pkg/bin/flash-gen-ok", "exe", PLUGIN), ("../flash-gen-evil", "exe", PLUGIN)],
        "nested.tar.gz": [("pkg/bin/../../../flash-gen-evil", "exe", PLUGIN)],
        "absolute.tar.gz": [("/tmp/flash-gen-evil", "exe", PLUGIN)],
    }
    for name, members in hostile.items():
        tar_gz(bad / name, members)
        refused([str(bad / name), "--sha256", sha(bad / name)], "plugins.archive-path", 1,
                f"an archive member outside the directory is refused ({name})")
    for name, members in {"symlink.tar.gz": [("bin/flash-gen-link", "symlink", "/etc/passwd")],
                          "hardlink.tar.gz": [("bin/flash-gen-x", "exe", PLUGIN), ("bin/flash-gen-h", "hardlink", "bin/flash-gen-x")]}.items():
        tar_gz(bad / name, members)
        refused([str(bad / name), "--sha256", sha(bad / name)], "plugins.archive-type", 1,
                f"a link in an archive is refused ({name})")
    with zipfile.ZipFile(bad / "dotdot.zip", "w") as z:
        z.writestr("../flash-gen-evil", PLUGIN)
    refused([str(bad / "dotdot.zip"), "--sha256", sha(bad / "dotdot.zip")], "plugins.archive-path", 1,
            "a zip member with ../ is refused")
    (bad / "tool").write_bytes(PLUGIN)
    refused([str(bad / "tool"), "--sha256", sha(bad / "tool")], "plugins.name", 1, "a file not named flash-* is refused")
    tar_gz(bad / "empty.tar.gz", [("README", "file", b"hi")])
    refused([str(bad / "empty.tar.gz"), "--sha256", sha(bad / "empty.tar.gz")], "plugins.empty", 1,
            "an archive without flash-* executables is refused")
    r = run(lone / "flash", ["plugins", "add", str(CORE), "--sha256", "xyz"], home2)
    check(r.returncode == 2, "a malformed pin is a usage error", r.stderr)

    # install the core part from a file with its pin: the base now runs its commands
    r = run(lone / "flash", ["--json", "plugins", "add", str(CORE), "--sha256", sha(CORE)], home2)
    check(r.returncode == 0 and (home2 / ".flash/plugins/flash-core").exists(), "plugins add flash-core (pinned)",
          r.stdout + r.stderr)
    lock = json.loads((home2 / ".flash/plugins/flash-plugins.lock").read_text())
    check(lock["installed"]["flash-core"]["sha256"] == sha(CORE), "the lock file pins the installed file")
    a, b = run(lone / "flash", ["status"], home2, cwd=home2), run(CORE, ["status"], home2, cwd=home2)
    check((a.returncode, a.stderr) == (b.returncode, b.stderr), "the installed part runs `flash status`",
          f"{a.returncode} {a.stderr}\n{b.returncode} {b.stderr}")
    r = run(lone / "flash", ["--help"], home2)
    check("[flash-core]" in r.stdout and "[flash-core, not installed]" not in r.stdout, "--help: installed", r.stdout)

    # archives and plugins, listing with pins, remove
    tar_gz(tmp / "gen.tar.gz", [("flash-gen-x-1.0/bin/flash-gen-x", "exe", PLUGIN),
                                ("flash-gen-x-1.0/share/README", "file", b"d")])
    r = run(lone / "flash", ["plugins", "add", str(tmp / "gen.tar.gz"), "--sha256", "sha256:" + sha(tmp / "gen.tar.gz")], home2)
    check(r.returncode == 0 and (home2 / ".flash/plugins/flash-gen-x").exists()
          and not (home2 / ".flash/plugins/README").exists(), "plugins add of a .tar.gz installs its bin/flash-*", r.stderr)
    with zipfile.ZipFile(tmp / "gen.zip", "w") as z:
        info = zipfile.ZipInfo("flash-gen-z")
        info.external_attr = 0o100755 << 16
        z.writestr(info, PLUGIN)
    r = run(lone / "flash", ["plugins", "add", str(tmp / "gen.zip"), "--sha256", sha(tmp / "gen.zip")], home2)
    check(r.returncode == 0 and os.access(home2 / ".flash/plugins/flash-gen-z", os.X_OK), "plugins add of a .zip", r.stderr)
    (home2 / ".flash/plugins/flash-gen-z").write_bytes(PLUGIN + b"# changed\n")
    r = run(lone / "flash", ["--json", "plugins"], home2)
    j = json.loads(r.stdout)
    inst = {p["name"]: p for p in j["installed"]}
    check(inst.get("flash-gen-x", {}).get("pin") == "ok" and inst.get("flash-gen-z", {}).get("pin") == "modified"
          and inst.get("flash-core", {}).get("pin") == "ok", "plugins --json: pins checked (ok, modified)", r.stdout[:1500])
    r = run(lone / "flash", ["--json", "plugins", "remove", "flash-gen-nope"], home2)
    check(r.returncode == 1 and diag(r).get("code") == "plugins.not-installed", "remove of an unknown name", r.stdout)
    r = run(lone / "flash", ["plugins", "remove", "flash-gen-z"], home2)
    lock = json.loads((home2 / ".flash/plugins/flash-plugins.lock").read_text())
    check(r.returncode == 0 and not (home2 / ".flash/plugins/flash-gen-z").exists() and "flash-gen-z" not in lock["installed"],
          "plugins remove", r.stderr)
    r = run(lone / "flash", ["plugins", "remove", "flash-core"], home2)
    r = run(lone / "flash", ["migrate", "x"], home2)
    check(r.returncode == 127, "after removing flash-core its commands are missing again", r.stderr)

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)

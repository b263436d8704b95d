#!/usr/bin/env python3
"""The example plugin (examples/plugins/flash-gen-markdown) end to end through `flash gen`
(ctest plugin_markdown_e2e, label plugin): each engine's project of tests/e2e, copied to a
temporary directory with a [gen.markdown] target — once as a path relative to the project, once as
a command on PATH. Checks the Markdown lists every query with its located definition and typed
parameters, that `gen --check` agrees, that an edit is stale (exit 3), and that a bad setting is a
located error with nothing written.
    markdown_e2e.py FLASH_BINARY
"""
import os
import pathlib
import re
import shutil
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "support"))
from flash_run import run_flash  # noqa: E402

PLUGIN = ROOT / "examples" / "plugins" / "flash-gen-markdown"
CASES = {"postgresql": "pg_authors", "mysql": "mysql_shop", "sqlite": "sqlite_notes"}


def expect(cond, what, failures):
    if not cond:
        failures.append(what)


def project(tmp, case, engine, plugin_value, extra=""):
    shutil.copytree(ROOT / "tests" / "e2e" / case / "db", tmp / "db")
    (tmp / "flash.toml").write_text(
        f'version = "2"\n[database]\nprovider = "{engine}"\n\n[gen.markdown]\n'
        f'plugin = "{plugin_value}"\nout = "docs/queries"\nenabled = true\ntitle = "Reference"\n{extra}')


def main():
    flash = sys.argv[1]
    failures, runs = [], 0
    for engine, case in CASES.items():
        with tempfile.TemporaryDirectory(prefix="flash-md-") as d:
            tmp = pathlib.Path(d)
            (tmp / "tools").mkdir()
            shutil.copy(PLUGIN, tmp / "tools" / "flash-gen-markdown")
            project(tmp, case, engine, "tools/flash-gen-markdown")
            r = run_flash(flash, ["gen"], cwd=d, timeout=120)
            runs += 1
            expect(r.returncode == 0, f"{engine}: gen exited {r.returncode}: {r.stderr}", failures)
            md = tmp / "docs" / "queries" / "queries.md"
            text = md.read_text() if md.exists() else ""
            expect(text.startswith("# Reference\n"), f"{engine}: no title in {md}", failures)
            names = []
            for f in sorted((tmp / "db" / "queries").glob("*.sql")):
                for n, line in enumerate(f.read_text().splitlines(), 1):
                    m = re.match(r"--\s*name:\s*(\w+)\s+(:\w+)", line)
                    if m:
                        names.append(m.group(1))
                        expect(f"### {m.group(1)} `{m.group(2)}`" in text, f"{engine}: {m.group(1)} missing", failures)
                        expect(f"Defined at `db/queries/{f.name}:{n}`." in text,
                               f"{engine}: {m.group(1)} not located at db/queries/{f.name}:{n}", failures)
            expect(len(names) >= 3, f"{engine}: only {len(names)} queries in the fixture", failures)
            expect("| 1 |" in text, f"{engine}: no parameter table", failures)
            r = run_flash(flash, ["gen", "--check"], cwd=d, timeout=120)
            expect(r.returncode == 0, f"{engine}: gen --check after gen exited {r.returncode}: {r.stdout}", failures)
            md.write_text(text + "edited\n")
            r = run_flash(flash, ["gen", "--check", "--force"], cwd=d, timeout=120)
            expect(r.returncode == 3, f"{engine}: gen --check after an edit exited {r.returncode}", failures)
            runs += 2
        # On PATH, with a bad setting: located at the [gen.markdown] table, nothing written.
        with tempfile.TemporaryDirectory(prefix="flash-md-") as d:
            tmp = pathlib.Path(d)
            project(tmp, case, engine, "flash-gen-markdown", extra="file = 7\n")
            env = {"PATH": f"{PLUGIN.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
            r = run_flash(flash, ["gen"], cwd=d, env=env, timeout=120)
            runs += 1
            expect(r.returncode == 1, f"{engine}: bad setting exited {r.returncode}", failures)
            expect(re.search(r"flash\.toml:5:\d+: error\[markdown\.setting\]: gen\.markdown\.file must be a "
                             r"non-empty string", r.stderr),
                   f"{engine}: bad setting not located: {r.stderr}", failures)
            expect(not (tmp / "docs").exists(), f"{engine}: something was written despite the error", failures)
    for f in failures:
        print(f)
    print(f"markdown plugin end to end: {runs} flash runs over {len(CASES)} engines, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Corpus proof for the Go generator.

Every sqlc example and sqlc end-to-end case of the shared corpus (index.json) goes through
`flash gen --lang go`; then all generated packages are compiled together in one Go module with a
single `go build`. Prints, per engine, how many config entries analyse without error and how many
of those compile, plus the most frequent failure reasons. See tests/corpus/README.md.

Unit of counting: one `sql[]` (version 2) or `packages[]` (version 1) entry of a sqlc config whose
engine is postgresql, mysql or sqlite, in a variant whose command is `generate` and which does
not expect an error (no stderr.txt). Exit 77 when the corpus or Go is missing (ctest: skipped);
exit 1 when a --min floor is not reached.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import_ok = True
try:
    import yaml  # sqlc.yaml configs (only the examples/endtoend that use YAML)
except ImportError:  # pragma: no cover
    import_ok = False

ENGINES = ("postgresql", "mysql", "sqlite")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "support"))
import flash_run as runner  # noqa: E402  (tests/support/flash_run.py)


def load_config(path: Path):
    text = path.read_text()
    if path.suffix == ".json":
        return json.loads(text)
    if not import_ok:
        raise RuntimeError("PyYAML missing")
    return yaml.safe_load(text)


def sql_files(base: Path, spec):
    """A sqlc schema/queries value: file, directory (*.sql in name order) or list of those."""
    items = spec if isinstance(spec, list) else [spec]
    out = []
    for it in items:
        p = (base / it)
        if p.is_dir():
            out += sorted(q for q in p.iterdir() if q.is_file() and q.suffix == ".sql")
        elif p.is_file():
            out.append(p)
        else:
            raise FileNotFoundError(f"{it} not found")
    return out


def collect_units(corpus: Path):
    """Yields dicts: name, engine, config dir, entry (sqlc config entry)."""
    index = json.loads((corpus / "index.json").read_text())
    configs = []  # (case label, config path)
    skipped = collections.Counter()
    for c in index["cases"]:
        if c["source"] == "sqlc-examples":
            for f in c["files"]:
                if Path(f).name in ("sqlc.json", "sqlc.yaml", "sqlc.yml"):
                    configs.append((f"{c['path']}/{f}", corpus / c["path"] / f))
        elif c["source"] == "sqlc-endtoend":
            for v in c.get("variants") or []:
                if c.get("expects_error") or v.get("expects_error"):
                    skipped["variant expects an error"] += 1
                    continue
                if v.get("command", "generate") != "generate":
                    skipped[f"variant command {v.get('command')}"] += 1
                    continue
                cfg = corpus / c["path"] / v["dir"] / v["config"]
                configs.append((os.path.normpath(f"{c['path']}/{v['dir']}/{v['config']}"), cfg))
    units = []
    for label, cfg in configs:
        try:
            conf = load_config(cfg)
        except Exception as e:  # noqa: BLE001 - a broken config is reported, not fatal
            skipped[f"config unreadable: {e}"] += 1
            continue
        entries = conf.get("packages") if str(conf.get("version")) == "1" else conf.get("sql")
        for i, entry in enumerate(entries or []):
            engine = entry.get("engine") or "postgresql"
            if engine not in ENGINES:
                skipped[f"engine {engine}"] += 1
                continue
            name = label if len(entries) == 1 else f"{label}#{i}"
            units.append({"name": name, "engine": engine, "dir": cfg.parent, "entry": entry})
    return units, skipped


def heldout_units(cases_json: Path, corpus: Path):
    """The held-out set (tests/corpus/heldout/cases.json): one unit per case, files resolved."""
    cases = json.loads(cases_json.read_text())["cases"]
    units = []
    for c in cases:
        schema = []
        for entry in c["schema"]:
            d, suffix = entry.rsplit("/*", 1) if "/*" in entry else (entry, ".sql")
            p = corpus / d
            if p.is_file():
                schema.append(p)
            else:
                schema += sorted(q for q in p.iterdir() if q.is_file() and q.name.endswith(suffix))
        units.append({"name": f"heldout/{c['engine']}/{c['name']}", "engine": c["engine"],
                      "files": {"schema": schema, "queries": [cases_json.parent / c["queries"]]}})
    return units


def first_diagnostic(stderr: str):
    lines = [l.strip() for l in stderr.splitlines() if l.strip()]
    for l in lines:
        if "error" in l.lower():
            return l
    return lines[0] if lines else "(no output)"


def reason_key(diag: str):
    """Groups diagnostics: drops the file:line:col location and quoted identifiers."""
    d = re.sub(r"^\S+:\d+:\d+:\s*", "", diag)
    d = re.sub(r"^\S+\.sql:\s*", "", d)
    d = re.sub(r"[\"'`][^\"'`]*[\"'`]", "'…'", d)
    d = re.sub(r"\bquery \w+:", "query …:", d)
    d = re.sub(r"\d+", "N", d)
    return d[:140]


def run_flash(flash: Path, work: Path, mod: Path, n: int, u: dict):
    proj = work / "projects" / f"u{n}"
    shutil.rmtree(proj, ignore_errors=True)
    (proj / "schema").mkdir(parents=True)
    (proj / "queries").mkdir()
    try:
        for kind in ("schema", "queries"):
            files = u["files"][kind] if "files" in u else sql_files(u["dir"], u["entry"][kind])
            for i, f in enumerate(files):
                # Copies keep the config's order (flash reads *.sql in name order).
                shutil.copyfile(f, proj / kind / f"{i:03d}_{f.name}")
    except Exception as e:  # noqa: BLE001
        return n, False, f"corpus files: {e}"
    driver = "pgx/v5" if u["engine"] == "postgresql" else "database/sql"
    (proj / "flash.toml").write_text(
        f'version = "2"\nschema_dir = "schema"\nqueries = "queries"\nmigrations_path = "migrations"\n\n'
        f'[database]\nprovider = "{u["engine"]}"\n\n'
        f'[gen.go]\nenabled = true\nout = "{mod}/u{n}"\ndriver = "{driver}"\npackage = "u{n}"\n')
    out = mod / f"u{n}"
    shutil.rmtree(out, ignore_errors=True)
    try:
        r = runner.run_flash(flash, ["--no-color", "--config", proj / "flash.toml", "gen", "--lang", "go", "--out", out],
                             timeout=60)
    except runner.TimeoutExpired:
        return n, False, "flash gen timed out (60 s)"
    if r.returncode != 0:
        shutil.rmtree(out, ignore_errors=True)
        return n, False, first_diagnostic(r.stderr + r.stdout)
    if not any(out.glob("*.go")):
        return n, False, "flash gen wrote no .go file"
    return n, True, ""


def go_build(mod: Path, pkgs):
    """One `go build` over every generated package; returns {package dir: first error}."""
    env = dict(os.environ, GOFLAGS="-mod=mod")
    r = subprocess.run(["go", "build", "-gcflags=-e"] + [f"./{p}" for p in pkgs], cwd=mod,
                       capture_output=True, text=True, env=env)
    errs = {}
    cur = None
    for line in (r.stderr + r.stdout).splitlines():
        m = re.match(r"^# flashcorpus/(\S+)", line)
        if m:
            cur = m.group(1)
            continue
        m = re.match(r"^(?:\./)?(u\d+)/\S+\.go:\d+:\d+:\s*(.*)", line)
        if m:
            errs.setdefault(m.group(1), m.group(2))
            continue
        if cur and cur not in errs and line.strip():
            errs[cur] = line.strip()
    if r.returncode != 0 and not errs:
        raise RuntimeError("go build failed without attributable errors:\n" + r.stderr[-3000:])
    return errs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("flash", type=Path)
    ap.add_argument("--corpus", type=Path, default=HERE.parents[2] / "shared" / "corpus")
    ap.add_argument("--work", type=Path, default=HERE / "work")
    ap.add_argument("--jobs", type=int, default=4)
    ap.add_argument("--min", action="append", default=[],
                    help="floor ENGINE=ANALYSED:COMPILED (counts), e.g. sqlite=10:8")
    ap.add_argument("--failures", action="store_true", help="list every failing unit")
    ap.add_argument("--heldout", type=Path, help="also the held-out cases of this cases.json (tests/corpus/heldout)")
    ap.add_argument("--no-sqlc", action="store_true", help="leave out the sqlc corpus (with --heldout)")
    a = ap.parse_args()
    if not (a.corpus / "index.json").is_file():
        print(f"SKIP: corpus not found at {a.corpus}")
        return 77
    if not import_ok:
        print("SKIP: PyYAML (python3-yaml) not installed; the sqlc.yaml configs need it")
        return 77
    if shutil.which("go") is None:
        print("SKIP: go not found")
        return 77
    t0 = time.time()
    flash = a.flash.resolve()
    work = a.work.resolve()
    mod = work / "mod"
    shutil.rmtree(work / "projects", ignore_errors=True)
    shutil.rmtree(mod, ignore_errors=True)
    mod.mkdir(parents=True)
    shutil.copyfile(HERE / "go.mod.in", mod / "go.mod")
    shutil.copyfile(HERE / "go.sum.in", mod / "go.sum")

    units, skipped = ([], collections.Counter()) if a.no_sqlc else collect_units(a.corpus)
    if a.heldout:
        units += heldout_units(a.heldout.resolve(), a.corpus)
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        results = list(ex.map(lambda p: run_flash(flash, work, mod, *p), enumerate(units)))
    t1 = time.time()
    ok = [n for n, good, _ in results if good]
    fail_an = {n: why for n, good, why in results if not good}
    # Every failing package should be reported by the first build; the passing set is rebuilt
    # (cached, fast) until clean so that "compiled" is proven, not inferred.
    comp_err = {}
    for _ in range(4):
        rest = [f"u{n}" for n in ok if f"u{n}" not in comp_err]
        more = go_build(mod, rest) if rest else {}
        if not more:
            break
        comp_err.update(more)
    else:
        raise RuntimeError("go build did not converge")
    t2 = time.time()

    stats = {e: [0, 0, 0] for e in ENGINES}  # total, analysed, compiled
    reasons = {e: (collections.Counter(), collections.Counter()) for e in ENGINES}
    for n, u in enumerate(units):
        s = stats[u["engine"]]
        s[0] += 1
        if n in fail_an:
            reasons[u["engine"]][0][reason_key(fail_an[n])] += 1
            if a.failures:
                print(f"ANALYSE FAIL [{u['engine']}] {u['name']}: {fail_an[n]}")
            continue
        s[1] += 1
        if f"u{n}" in comp_err:
            reasons[u["engine"]][1][reason_key(comp_err[f"u{n}"])] += 1
            if a.failures:
                print(f"COMPILE FAIL [{u['engine']}] {u['name']} (u{n}): {comp_err[f'u{n}']}")
            continue
        s[2] += 1
    print()
    for e in ENGINES:
        t, an, co = stats[e]
        print(f"corpus go {e}: analysed {an}/{t}, compiled {co}/{t}")
    for e in ENGINES:
        for kind, cnt in zip(("analysis", "compile"), reasons[e]):
            if cnt:
                print(f"\ntop {kind} failures ({e}):")
                for why, k in cnt.most_common(8):
                    print(f"  {k:4d}  {why}")
    if skipped:
        print("\nnot counted:", dict(skipped))
    print(f"\ntime: flash gen {t1 - t0:.1f}s, go build {t2 - t1:.1f}s")

    rc = 0
    for spec in a.min:
        e, _, nums = spec.partition("=")
        want_an, _, want_co = nums.partition(":")
        t, an, co = stats[e]
        if an < int(want_an) or co < int(want_co or 0):
            print(f"FAIL: {e} below floor {nums} (analysed {an}, compiled {co})")
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())

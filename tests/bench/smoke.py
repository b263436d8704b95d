#!/usr/bin/env python3
"""The short version of the benchmarks that CI runs (ctest -L bench; bench/README.md "In CI").

  smoke.py workload --flash FLASH --work DIR [--scale 0.02]
      bench/run at a tiny scale, one round, every contender, with FLASH (no Release build), against the
      server of FLASH_TEST_PG_URL (database flash_bench_smoke); results in DIR. Fails when a contender
      fails (its setup, its process, its own checks of the CTE and the looked-up names, or the harness's
      check of the rows it wrote), or when results.json / results.md / the SVG charts miss a phase or a
      contender.
  smoke.py export --flash FLASH --work DIR [--rows 20000]
      bench/export.sh on PostgreSQL, MariaDB and SQLite: export, then every load checked against the
      original table through the engine's own client (export.sh exits 1 otherwise); this script checks
      that every engine, format and load is in its tables.
  smoke.py synth --flash FLASH --work DIR [--tables 40 --queries 200]
      harness.py synth on a small synthetic project with flash only (sqlc reported as not run); fails
      unless every flash run succeeded and the Go, JS and Python code is there and parses.

Exit codes: 0 passed, 1 failed, 77 skipped (FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL missing; the export
test runs the engines it has, then reports skipped). No timing is asserted: the figures are printed only.
"""
import argparse, glob, importlib.util, json, math, os, re, shutil, subprocess, sys
import xml.etree.ElementTree as ET

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BENCH = os.path.join(ROOT, "bench")
# The contenders the benchmark publishes; harness.py's CONTENDERS must hold at least these (a new one is
# checked as well, since the list below is only a floor).
PUBLISHED = ["flash-ts", "node-pg", "drizzle", "drizzle-sql", "prisma", "flash-go", "pgx", "flash-py", "asyncpg",
             "flash-py-record", "libpq", "libpq-pipeline", "flash-cpp", "flash-cpp-pipeline"]
SKIP = 77
failures = []


def fail(msg):
    failures.append(msg)
    print(f"smoke: FAIL: {msg}", flush=True)


def harness_module():
    spec = importlib.util.spec_from_file_location("bench_harness", os.path.join(BENCH, "harness.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def fresh(work):
    """An empty work directory, so that no file of an earlier run can make this one pass."""
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)


def run(cmd, env, cwd=ROOT):
    print("smoke: $ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, env=env, cwd=cwd).returncode


# ------------------------------------------------------------------------------------------- workload
def check_svg(path, phase, names):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        fail(f"chart {phase}: {e}")
        return
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t.text or "" for t in root.iter(ns + "text")]
    bars = [r for r in root.iter(ns + "rect") if r.get("fill") != "white"]
    missing = [n for n in names if n not in texts]
    if missing:
        fail(f"chart {phase}: no bar label for {', '.join(missing)}")
    if len(bars) != len(names):
        fail(f"chart {phase}: {len(bars)} bars, want {len(names)}")
    if not any(l.get("stroke-dasharray") for l in root.iter(ns + "line")):
        fail(f"chart {phase}: no libpq-pipeline floor line")


def workload(a):
    if not os.environ.get("FLASH_TEST_PG_URL"):
        print("smoke: SKIPPED: FLASH_TEST_PG_URL is not set (eval \"$(scripts/db.sh start)\")")
        return SKIP
    h = harness_module()
    names = list(h.CONTENDERS)
    lost = [n for n in PUBLISHED if n not in names]
    if lost:
        fail(f"harness.py no longer has the contender(s) {', '.join(lost)}")
    env = dict(os.environ, FLASH_BIN=a.flash, BENCH_WORK=a.work, BENCH_SCALE=str(a.scale), BENCH_ROUNDS="1",
               BENCH_SKIP_SYNTH="1", BENCH_DB="flash_bench_smoke", BENCH_BUDGET="100000")
    if not a.check_only:
        fresh(a.work)
        if run(["bash", os.path.join(BENCH, "run")], env) != 0:
            fail("bench/run exited non-zero")
            return 1
    try:
        doc = json.load(open(os.path.join(a.work, "results.json")))
    except (OSError, ValueError) as e:
        fail(f"results.json: {e}")
        return 1
    meta, results = doc["meta"], doc["results"]
    if meta.get("rounds") != 1 or meta.get("scale") != a.scale:
        fail(f"results.json: rounds {meta.get('rounds')}, scale {meta.get('scale')}; want 1 round at scale {a.scale}")
    for n in names:
        r = results.get(n)
        if r is None:
            fail(f"results.json: no entry for {n}")
            continue
        if r.get("error"):
            fail(f"{n} failed: {' '.join(str(r['error']).split())[:1500]}")
            continue
        if len(r.get("runs", [])) != 1:
            fail(f"{n}: {len(r.get('runs', []))} runs in results.json, want 1")
            continue
        for ph in h.PHASES:
            v = r["runs"][0].get(ph)
            if not isinstance(v, (int, float)) or not math.isfinite(v) or v <= 0:
                fail(f"{n}: phase {ph} has no time in results.json ({v!r})")
    md = open(os.path.join(a.work, "results.md")).read()
    sections = re.split(r"^### ", md, flags=re.M)
    for ph in h.PHASES:
        sec = next((s for s in sections if s.startswith(h.PHASE_TITLES[ph])), None)
        if sec is None:
            fail(f"results.md: no section for {ph}")
            continue
        for n in names:
            if not re.search(rf"^\| {re.escape(n)} \| [0-9][0-9,.]* \|", sec, re.M):
                fail(f"results.md, {ph}: no measured row for {n}")
    if "FAILED" in md:
        fail("results.md lists a FAILED contender")
    for ph in h.PHASES:
        check_svg(os.path.join(a.work, "charts", f"{ph}.svg"), ph, names)
    print(md)
    if failures:
        return 1  # the database stays for a look at what the last contender left
    subprocess.run(["psql", os.environ["FLASH_TEST_PG_URL"], "-qc", "DROP DATABASE IF EXISTS flash_bench_smoke"], check=False)
    return 0


# ------------------------------------------------------------------------------------------- export
def export(a):
    engines, skipped = ["sqlite"], []
    for engine, var in (("postgresql", "FLASH_TEST_PG_URL"), ("mysql", "FLASH_TEST_MYSQL_URL")):
        (engines if os.environ.get(var) else skipped).append(engine)
    fresh(a.work)
    out = os.path.join(a.work, "export.md")
    env = dict(os.environ, FLASH_BIN=a.flash, EXPORT_ENGINES=" ".join(engines), EXPORT_OUT=out, IMPORT_ROUNDS="1")
    if run(["bash", os.path.join(BENCH, "export.sh"), str(a.rows)], env) != 0:
        fail("bench/export.sh exited non-zero (a failed command, or a load that did not reproduce the rows)")
        return 1
    text = open(out).read()
    main, _, trip = text.partition("Round trip:")
    refs = {"postgresql": "psql \\copy t FROM (reference)", "mysql": "LOAD DATA LOCAL INFILE (reference)",
            "sqlite": "sqlite3 .import --csv (reference)"}
    for e in engines:
        for fmt in ("csv", "json", "sqlite"):
            if not re.search(rf"^\| {e} \| flash export --format {fmt} \|", main, re.M):
                fail(f"export.md: no 'flash export --format {fmt}' row for {e}")
        for load in (refs[e], "flash import (csv export)", "flash import (json export)"):
            m = re.search(rf"^\| {e} \| {re.escape(load)} \| (\d+) \| (.*) \|$", trip, re.M)
            if not m:
                fail(f"export.md: no round-trip row for {e}, {load}")
            elif m.group(1) != str(a.rows) or m.group(2) != "same":
                # sqlite3's CSV holds blobs as raw text, which .import stores as TEXT: that reference differs.
                if load == refs["sqlite"]:
                    print(f"smoke: {e}, {load}: {m.group(2)} (known: sqlite3 -csv / .import turn blobs into text)")
                else:
                    fail(f"export.md: {e}, {load}: {m.group(1)} rows, {m.group(2)}")
    if failures:
        return 1
    if skipped:
        print(f"smoke: SKIPPED (after passing on {', '.join(engines)}): no URL for {', '.join(skipped)}")
        return SKIP
    return 0


# ------------------------------------------------------------------------------------------- synth
def synth(a):
    fresh(a.work)
    env = dict(os.environ, FLASH_BIN=a.flash, BENCH_WORK=a.work, BENCH_SYNTH_TABLES=str(a.tables),
               BENCH_SYNTH_QUERIES=str(a.queries), BENCH_SYNTH_RUNS="1", BENCH_SYNTH_SQLC="0")
    if run([sys.executable, os.path.join(BENCH, "harness.py"), "synth"], env) != 0:
        fail("harness.py synth exited non-zero")
        return 1
    doc = json.load(open(os.path.join(a.work, "synth.json")))
    for what, err in doc["errors"].items():
        fail(f"{what}: {err}")
    flash_runs = [w for w in doc["runs"] if w.startswith("flash")]
    if len(flash_runs) != 4:
        fail(f"synth.json: {len(flash_runs)} flash runs, want 4 (gen go ×2 providers, gen all, migrate init)")
    for w in flash_runs:
        if len(doc["runs"][w]) != 1:
            fail(f"{w}: {len(doc['runs'][w])} runs, want 1")
    if doc.get("sqlc") is not None or any(not w.startswith("flash") for w in doc["runs"]):
        fail("sqlc ran although BENCH_SYNTH_SQLC=0")
    if "sqlc not run" not in open(os.path.join(a.work, "synth.md")).read():
        fail("synth.md does not say that sqlc was not run")
    # What each language generator wrote (SQLite project: Go, JS, Python; PostgreSQL project: Go), a
    # function for every query, the files parsing with the language's own tool.
    queries = []
    for f in sorted(glob.glob(os.path.join(a.work, "synth-sqlite", "db", "queries", "*.sql"))):
        queries += re.findall(r"^--\s*name:\s*(\w+)", open(f).read(), re.M)
    if len(queries) != a.queries:
        fail(f"the synthetic project has {len(queries)} queries, want {a.queries}")
    snake = lambda q: re.sub(r"(?<!^)(?=[A-Z])", "_", q).lower()  # noqa: E731  GetT12 -> get_t12
    langs = {  # glob, the function each query must have (one per query name), the syntax check
        "go": ("gen/go/db/*.go", lambda q: rf"^func \(q \*Queries\) {q}\(", ["gofmt", "-l", "-e"]),
        "js": ("gen/js/*.js", lambda q: rf"^\s*async {q[0].lower() + q[1:]}\(", ["node", "--check"]),
        "python": ("gen/python/db/*.py", lambda q: rf"^\s*(async )?def {snake(q)}\(", [sys.executable, "-m", "py_compile"]),
    }
    for provider, lang in (("sqlite", "go"), ("sqlite", "js"), ("sqlite", "python"), ("postgresql", "go")):
        pattern, func, check = langs[lang]
        proj = os.path.join(a.work, f"synth-{provider}")
        files = sorted(glob.glob(os.path.join(proj, pattern)))
        if not files:
            fail(f"flash gen wrote no {pattern}")
            continue
        code = "".join(open(f).read() for f in files)
        missing = [q for q in queries if not re.search(func(q), code, re.M)]
        if missing:
            fail(f"{lang}: {len(missing)} of {len(queries)} queries have no generated function (e.g. {missing[0]})")
        for f in files:
            r = subprocess.run(check + [f], capture_output=True, text=True)
            if r.returncode != 0:
                fail(f"{lang}: {os.path.relpath(f, proj)} does not parse: {(r.stderr or r.stdout)[-500:]}")
        print(f"smoke: {provider}, {lang}: {len(files)} file(s), {len(queries) - len(missing)} of {len(queries)} query functions, "
              "parsed", flush=True)
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["workload", "export", "synth"])
    ap.add_argument("--flash", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--scale", type=float, default=0.02)
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--tables", type=int, default=40)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--check-only", action="store_true", help="workload: only check the results already in --work")
    a = ap.parse_args()
    a.flash, a.work = os.path.abspath(a.flash), os.path.abspath(a.work)
    rc = {"workload": workload, "export": export, "synth": synth}[a.what](a)
    if failures:
        print(f"smoke: {len(failures)} failure(s):\n  " + "\n  ".join(failures))
        rc = 1
    sys.exit(rc)


if __name__ == "__main__":
    main()

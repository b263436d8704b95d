#!/usr/bin/env python3
"""The benchmark driver (called by bench/run; stdlib only).

  harness.py sql                     extract bench/sql.json from the project's query file
  harness.py bench [--rounds N] [--as-published] [--only a,b] [--budget SEC]
                                     run every contender, print the table, write .work/results.{json,md}
  harness.py table                   re-render the table from .work/results.json
  harness.py charts [DIR]            re-draw the SVG chart per phase from .work/results.json (default .work/charts)
  harness.py synth                   time `flash gen` / `flash migrate --dry-run` on bench/synth.py's projects

Each contender is a separate process (see CONTENDERS); its client CPU time and peak RSS come from
os.wait4's rusage of that child. Phase times are measured inside the child (wall clock around
exactly the phase's operations) and printed as one JSON line.
"""
import json, os, re, shutil, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
# BENCH_WORK: where results, logs, the contenders' binaries and the synthetic projects go (default bench/.work;
# the CI smoke test, ctest -L bench, points it into the build directory). BENCH_VENV: the venv with asyncpg
# (default bench/.work/venv, which scripts/install-deps.sh makes). BENCH_DB: the database the harness
# creates (default flash_bench).
WORK = os.path.abspath(os.environ.get("BENCH_WORK") or os.path.join(HERE, ".work"))
VENV_PY = os.path.join(os.path.abspath(os.environ.get("BENCH_VENV") or os.path.join(HERE, ".work", "venv")), "bin", "python")
BENCH_DB = os.environ.get("BENCH_DB") or "flash_bench"
PHASES = ["insert_users", "insert_posts_comments", "active_users_cte", "mixed_concurrent", "lookups_concurrent"]
PHASE_TITLES = {
    "insert_users": "1. insert 1,000 users",
    "insert_posts_comments": "2. insert 10 categories + 5,000 posts + 15,000 comments",
    "active_users_cte": "3. 500 x active-users CTE (1,000 rows)",
    "mixed_concurrent": "4. 1,000 mixed ops, batches of 30",
    "lookups_concurrent": "5. 2,000 name lookups, batches of 50",
}
NODE = ["node", os.path.join(HERE, "node", "run.mjs")]
# name -> (command, what it is). Order = interleaving order inside a round.
CONTENDERS = {
    "flash-ts": (NODE + ["flash-ts"], "Flash generated TS (node + pg)"),
    "node-pg": (NODE + ["node-pg"], "hand-written node-postgres, named prepared statements"),
    "drizzle": (NODE + ["drizzle"], "Drizzle query builder (CTEs via sql template, same text)"),
    "drizzle-sql": (NODE + ["drizzle-sql"], "Drizzle sql template for every query"),
    "prisma": (NODE + ["prisma"], "Prisma 7 + @prisma/adapter-pg"),
    "flash-go": ([os.path.join(WORK, "bin", "bench-flash-go")], "Flash generated Go (pgx/v5)"),
    "pgx": ([os.path.join(WORK, "bin", "bench-pgx")], "hand-written pgx/v5"),
    "flash-py": ([VENV_PY, os.path.join(HERE, "python", "run.py"), "flash-py"],
                 "Flash generated Python (asyncpg)"),
    "asyncpg": ([VENV_PY, os.path.join(HERE, "python", "run.py"), "asyncpg"],
                "hand-written asyncpg"),
    "flash-py-record": ([VENV_PY, os.path.join(HERE, "python", "run.py"), "flash-py-record"],
                        "Flash generated Python (asyncpg), rows = \"record\""),
    "libpq": ([os.path.join(WORK, "bin", "bench-libpq"), "prepared"], "C++ libpq, prepared statements"),
    "libpq-pipeline": ([os.path.join(WORK, "bin", "bench-libpq"), "pipeline"], "C++ libpq, prepared + pipeline mode"),
    "flash-cpp": ([os.path.join(WORK, "bin", "bench-flash-cpp"), "prepared"], "Flash generated C++ (libpq)"),
    "flash-cpp-pipeline": ([os.path.join(WORK, "bin", "bench-flash-cpp"), "pipeline"], "Flash generated C++, Pipeline API"),
}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- sql.json
def extract_sql():
    path = os.path.join(HERE, "project", "db", "queries", "workload.sql")
    out, name, buf = {}, None, []
    for line in open(path, encoding="utf8"):
        m = re.match(r"--\s*name:\s*(\w+)\s+:\w+", line)
        if m:
            if name: out[name] = "\n".join(buf).strip().rstrip(";").strip()
            name, buf = m.group(1), []
        elif name and not line.lstrip().startswith("--"):
            buf.append(line.rstrip("\n"))
    if name: out[name] = "\n".join(buf).strip().rstrip(";").strip()
    with open(os.path.join(HERE, "sql.json"), "w", encoding="utf8") as f:
        json.dump(out, f, indent=1)
    log(f"harness: {len(out)} queries -> bench/sql.json")


# ---------------------------------------------------------------- database
def psql(url, *cmds):
    args = ["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt"]
    for c in cmds: args += ["-c", c]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0: raise RuntimeError(f"psql: {r.stderr.strip()}")
    return r.stdout


def bench_url(admin_url):
    base, _, query = admin_url.partition("?")
    return base.rsplit("/", 1)[0] + "/" + BENCH_DB + ("?" + query if query else "")


def create_db(admin_url):
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", BENCH_DB): raise SystemExit(f"harness: BENCH_DB={BENCH_DB!r} is not a plain identifier")
    psql(admin_url, f"DROP DATABASE IF EXISTS {BENCH_DB}", f"CREATE DATABASE {BENCH_DB}")
    url = bench_url(admin_url)
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-f",
                    os.path.join(HERE, "project", "db", "schema", "schema.sql")], check=True, capture_output=True)
    return url


def reset(url, vacuum=True):
    cmds = ["TRUNCATE users, categories, posts, comments RESTART IDENTITY CASCADE"]
    if vacuum: cmds.append("VACUUM ANALYZE")
    psql(url, *cmds)


def counts(scale):
    """The workload's row counts at `scale`, as every contender computes them (round half up, at least 1)."""
    n = lambda x: max(1, int(x * scale + 0.5))  # noqa: E731
    return {"users": n(1000), "posts": n(5000), "comments": n(15000), "mixed": n(1000)}


def check_db(url, scale):
    """What a contender's run left in the database, read back with psql after the child exited: every
    row the workload inserts (users with their ids, which the name lookups rely on; 10 categories;
    posts; the sequential comments plus the mixed phase's comments, i % 4 == 0), with exactly the
    workload's values, and nothing else. The contenders verify their reads (the CTE's rows and counts,
    every looked-up name); this covers their writes, which no phase reads back completely.
    Returns None, or what differs."""
    c = counts(scale)
    nu, npo, nc, nm = c["users"], c["posts"], c["comments"], c["mixed"]
    want = {
        "users": ("SELECT id, name, email, address, isadmin FROM users",
                  f"SELECT i + 1, 'User ' || i, 'user' || i || '@test.com', 'Address ' || i, i % 5 = 0 FROM generate_series(0, {nu - 1}) i"),
        "categories": ("SELECT name FROM categories", "SELECT 'Category ' || i FROM generate_series(0, 9) i"),
        "posts": ("SELECT user_id, category_id, title, content FROM posts",
                  f"SELECT i % {nu} + 1, i % 10 + 1, 'Post ' || i, repeat('Content ' || i || '...', 3) FROM generate_series(0, {npo - 1}) i"),
        "comments": ("SELECT post_id, user_id, content FROM comments",
                     f"SELECT i % {npo} + 1, i % {nu} + 1, 'Comment ' || i FROM (SELECT generate_series(0, {nc - 1}) i "
                     f"UNION ALL SELECT {nc} + j FROM generate_series(0, {nm - 1}) j WHERE j % 4 = 0) g"),
    }
    cols = []
    for t, (have, exp) in want.items():
        cols += [f"(SELECT count(*) FROM ({have}) h)", f"(SELECT count(*) FROM ({exp}) e)",
                 f"(SELECT count(*) FROM ({have} EXCEPT ALL {exp}) x)", f"(SELECT count(*) FROM ({exp} EXCEPT ALL {have}) x)"]
    vals = [int(v) for v in psql(url, "SELECT " + ", ".join(cols)).strip().split("|")]
    bad = []
    for k, t in enumerate(want):
        have, exp, extra, missing = vals[4 * k:4 * k + 4]
        if extra or missing or have != exp:
            bad.append(f"{t}: {have} rows, want {exp} ({extra} unexpected, {missing} missing)")
    return "; ".join(bad) or None


# ---------------------------------------------------------------- one contender run
def run_child(cmd, env, timeout):
    out_path = os.path.join(WORK, "child.out")
    err_path = os.path.join(WORK, "child.err")
    rss_path = os.path.join(WORK, "child.rss")
    # GNU time reports the peak RSS: ru_maxrss from wait4 of a child forked by this (bigger)
    # Python process would include the pre-exec copy of Python. CPU time comes from wait4.
    cmd = ["/usr/bin/time", "-f", "%M", "-o", rss_path] + cmd
    with open(out_path, "w") as out, open(err_path, "w") as err:
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=HERE)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid: break
            if time.monotonic() > deadline:
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                return None, f"timed out after {timeout}s", ru
            time.sleep(0.02)
    p.returncode = os.waitstatus_to_exitcode(status)
    try:
        ru = (ru, int(open(rss_path).read().split()[-1]) / 1024)
    except Exception:  # noqa: BLE001
        ru = (ru, None)
    stdout, stderr = open(out_path).read(), open(err_path).read()
    if p.returncode != 0:
        return None, (stderr.strip() or stdout.strip() or f"exit {p.returncode}")[-1500:], ru
    try:
        line = [l for l in stdout.splitlines() if l.startswith("{")][-1]
        doc = json.loads(line)
        # "cpu" (optional): client CPU ms per phase, measured inside the child like the phase times.
        return {"wall": doc["phases"], "cpu": doc.get("cpu")}, None, ru
    except Exception as e:  # noqa: BLE001
        return None, f"bad output ({e}): {stdout[-500:]}", ru


def bench(argv):
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--as-published", action="store_true")
    ap.add_argument("--only", default="")
    ap.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", "1")))
    ap.add_argument("--warmup-round", action="store_true", help="one discarded round first (each process also warms up in-process)")
    ap.add_argument("--budget", type=float, default=float(os.environ.get("BENCH_BUDGET", "480")))
    a = ap.parse_args(argv)
    admin = os.environ["FLASH_TEST_PG_URL"]
    setup_failed = json.load(open(os.path.join(WORK, "setup.json"))) if os.path.exists(os.path.join(WORK, "setup.json")) else {}
    names = [n for n in CONTENDERS if not a.only or n in a.only.split(",")]
    url = create_db(admin)
    env = dict(os.environ, BENCH_URL=url, BENCH_SQL_JSON=os.path.join(HERE, "sql.json"), BENCH_MODE="published" if a.as_published else "fair",
               BENCH_SCALE=str(a.scale))
    results = {n: {"runs": [], "phase_cpu": [], "cpu_ms": [], "rss_mb": [], "error": setup_failed.get(n)} for n in names}
    live = [n for n in names if not results[n]["error"]]
    rounds = 1 if a.as_published else a.rounds
    t_start = time.monotonic()
    load_before = loadavg()

    def one(n, record):
        if a.as_published:
            psql(url, "DROP TABLE IF EXISTS comments, posts, categories, users CASCADE")
            subprocess.run(["psql", url, "-q", "-f", os.path.join(HERE, "project", "db", "schema", "schema.sql")],
                           check=True, capture_output=True)
        else:
            reset(url)
        t0 = time.monotonic()
        phases, err, ru = run_child(CONTENDERS[n][0], env, timeout=240)
        secs = time.monotonic() - t0
        if not err:
            bad = check_db(url, a.scale)
            if bad: err = f"database check after the run: {bad}"
        log(f"harness: {n:15s} {'FAILED' if err else 'ok'} in {secs:.1f}s")
        if err:
            results[n]["error"] = err
            live.remove(n)
        elif record:
            results[n]["runs"].append(phases["wall"])
            results[n]["phase_cpu"].append(phases["cpu"])
            results[n]["cpu_ms"].append((ru[0].ru_utime + ru[0].ru_stime) * 1000)
            if ru[1] is not None: results[n]["rss_mb"].append(ru[1])

    if a.warmup_round and not a.as_published:  # warm-up round: OS caches, server plan caches, JIT-compiled code on disk
        log("harness: warm-up round (discarded)")
        for n in list(live): one(n, False)
    done = 0
    for r in range(rounds):
        elapsed = time.monotonic() - t_start
        if r > 0 and elapsed / r * (r + 1) > a.budget:
            log(f"harness: stopping after {r} rounds to stay within the {a.budget:.0f}s budget")
            break
        log(f"harness: round {r + 1}/{rounds}")
        order = round_order(live, r)
        for n in list(order): one(n, True)
        done = r + 1
    meta = {"scale": a.scale, "rounds": done, "rounds_asked": rounds, "mode": "as-published" if a.as_published else "fair",
            "seconds": round(time.monotonic() - t_start, 1), "machine": machine(), "build": flash_build_type(),
            "load_before": load_before, "load_after": loadavg(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    json.dump({"meta": meta, "results": results}, open(os.path.join(WORK, "results.json"), "w"), indent=1)
    md = table(results, meta)
    open(os.path.join(WORK, "results.md"), "w").write(md)
    charts(results, meta)
    print(md)


# Contenders compared by a paired ratio run next to each other: a group of the compared ones, the group's
# order reversed every other round (A B, then B A: a drift of the machine between rounds, which this VM
# shows, falls on both sides alike) and the groups' order rotated per round.
GROUPS = [["drizzle", "flash-ts", "node-pg", "drizzle-sql", "prisma"], ["flash-go", "pgx"], ["flash-py", "asyncpg", "flash-py-record"],
          ["libpq", "flash-cpp"], ["libpq-pipeline", "flash-cpp-pipeline"]]


def round_order(live, r):
    groups = [[n for n in g if n in live] for g in GROUPS]
    groups = [g for g in groups if g] + [[n] for n in live if not any(n in g for g in GROUPS)]
    k = r % len(groups) if groups else 0
    groups = groups[k:] + groups[:k]
    return [n for g in groups for n in (reversed(g) if r % 2 else g)]


def loadavg():
    return " / ".join(open("/proc/loadavg").read().split()[:3])


def machine():
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
    mem = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0) / 2**20
    return f"{model}, {os.cpu_count()} cores, {mem:.0f} GiB"


def flash_build_type():
    """The CMAKE_BUILD_TYPE of the build directory FLASH_BIN comes from (bench/run builds Release)."""
    flash = os.environ.get("FLASH_BIN", "")
    d = os.path.dirname(os.path.dirname(flash)) if flash else ""
    for cache in (os.path.join(d, "CMakeCache.txt"), os.path.join(os.path.dirname(d), "CMakeCache.txt")):
        if os.path.exists(cache):
            for l in open(cache):
                if l.startswith("CMAKE_BUILD_TYPE:"):
                    return l.split("=", 1)[1].strip() or "unknown"
    return "unknown"


# ---------------------------------------------------------------- SVG charts (plain SVG, no dependencies)
def esc(t):
    return str(t).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def chart_svg(results, meta, ph):
    """One phase: a horizontal bar per contender (median ms, min–max whisker), the libpq-pipeline
    median as a dashed vertical line (the floor), and a caption naming machine, load, build, rounds."""
    rows = [(n, [x[ph] for x in r["runs"]]) for n, r in results.items() if r["runs"]]
    if not rows:
        return None
    W, left, right, bar, gap, top = 820, 150, 110, 18, 8, 58
    H = top + len(rows) * (bar + gap) + 64
    vmax = max(max(xs) for _, xs in rows) * 1.05
    sx = lambda v: left + (W - left - right) * v / vmax  # noqa: E731
    color = lambda n: "#2b6cb0" if n.startswith("flash") else "#a0aec0"  # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
           'font-family="sans-serif" font-size="12">', f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="10" y="20" font-size="15" font-weight="bold">{esc(PHASE_TITLES[ph])} — median ms (lower is better)</text>',
           f'<text x="10" y="38" fill="#4a5568">bars: median of {meta["rounds"]} interleaved round(s), whiskers min–max; '
           'Flash clients in blue; dashed line: libpq-pipeline (the floor)</text>']
    for i, (n, xs) in enumerate(rows):
        y = top + i * (bar + gap)
        m = statistics.median(xs)
        out.append(f'<text x="{left - 6}" y="{y + bar - 5}" text-anchor="end">{esc(n)}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{max(1, sx(m) - left):.1f}" height="{bar}" fill="{color(n)}"/>')
        if len(xs) > 1:
            yc = y + bar / 2
            out.append(f'<line x1="{sx(min(xs)):.1f}" y1="{yc}" x2="{sx(max(xs)):.1f}" y2="{yc}" stroke="#1a202c" stroke-width="1"/>')
        out.append(f'<text x="{sx(max(xs)) + 4:.1f}" y="{y + bar - 5}" fill="#2d3748">{m:,.0f}</text>')
    floor = results.get("libpq-pipeline")
    if floor and floor["runs"]:
        fx = sx(statistics.median(x[ph] for x in floor["runs"]))
        y1, y2 = top - 6, top + len(rows) * (bar + gap)
        out.append(f'<line x1="{fx:.1f}" y1="{y1}" x2="{fx:.1f}" y2="{y2}" stroke="#e53e3e" stroke-width="1.5" stroke-dasharray="5,3"/>')
        out.append(f'<text x="{fx + 3:.1f}" y="{y1 + 2}" fill="#e53e3e" font-size="11">libpq-pipeline floor</text>')
    yb = top + len(rows) * (bar + gap) + 18
    out.append(f'<text x="10" y="{yb}" fill="#4a5568" font-size="11">{esc(meta.get("date", ""))}; {esc(meta.get("machine", ""))}; '
               f'flash build: {esc(meta.get("build", ""))}; scale {meta["scale"]:g}, {esc(meta["mode"])} mode</text>')
    out.append(f'<text x="10" y="{yb + 16}" fill="#4a5568" font-size="11">load average (1/5/15 min) before {esc(meta.get("load_before", "?"))}, '
               f'after {esc(meta.get("load_after", "?"))}; rounds {meta["rounds"]} (asked {meta["rounds_asked"]})</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def charts(results, meta, outdir=None):
    outdir = outdir or os.path.join(WORK, "charts")
    os.makedirs(outdir, exist_ok=True)
    for ph in PHASES:
        svg = chart_svg(results, meta, ph)
        if svg:
            open(os.path.join(outdir, f"{ph}.svg"), "w").write(svg)
    log(f"harness: charts in {outdir}")


def med(xs): return statistics.median(xs) if xs else None


def table(results, meta):
    def fmt(x, d=1): return "—" if x is None else f"{x:,.{d}f}"
    lines = [f"Mode: {meta['mode']}, workload scale {meta['scale']:g}"
             f"{' (the published workload)' if meta['scale'] == 1 else ' (NOT the published workload: counts scaled)'}, rounds: {meta['rounds']} (asked {meta['rounds_asked']}), "
             f"medians with min–max, wall {meta['seconds']} s.", "",
             f"Machine: {meta.get('machine', '?')}; flash build: {meta.get('build', '?')}; {meta.get('date', '')}; "
             f"load average (1/5/15 min) before {meta.get('load_before', '?')}, after {meta.get('load_after', '?')}.", ""]
    ok = {n: r for n, r in results.items() if r["runs"]}
    for ph in PHASES:
        lines += [f"### {PHASE_TITLES[ph]}", "",
                  "| contender | median ms | min–max ms | × Drizzle | × libpq-pipeline |", "|---|---:|---:|---:|---:|"]
        base_d = med([x[ph] for x in ok["drizzle"]["runs"]]) if "drizzle" in ok else None
        base_p = med([x[ph] for x in ok["libpq-pipeline"]["runs"]]) if "libpq-pipeline" in ok else None
        for n, r in results.items():
            if not r["runs"]:
                lines.append(f"| {n} | FAILED | | | |"); continue
            xs = [x[ph] for x in r["runs"]]
            m = med(xs)
            lines.append(f"| {n} | {fmt(m)} | {fmt(min(xs))}–{fmt(max(xs))} | "
                         f"{fmt(base_d / m, 2) + '× faster' if base_d and m <= base_d else (fmt(m / base_d, 2) + '× slower' if base_d else '—')} | "
                         f"{fmt(m / base_p, 2) if base_p else '—'} |")
        lines.append("")
    lines += ["### Totals and process cost", "",
              "| contender | sum of phase medians ms | client CPU ms (whole process) | peak RSS MB | what |",
              "|---|---:|---:|---:|---|"]
    for n, r in results.items():
        if not r["runs"]:
            continue
        total = sum(med([x[ph] for x in r["runs"]]) for ph in PHASES)
        lines.append(f"| {n} | {fmt(total)} | {fmt(med(r['cpu_ms']), 0)} | {fmt(med(r['rss_mb']))} | {CONTENDERS[n][1]} |")
    pairs = [("drizzle", "flash-ts", "target ≥ 1.5"), ("flash-ts", "node-pg", "target ≤ 1.0"),
             ("flash-go", "pgx", "target ≤ 1.05"), ("flash-py", "asyncpg", "target ≤ 1.1"),
             ("flash-py-record", "asyncpg", "target ≤ 1.1"),
             ("flash-cpp", "libpq", "target ≤ 1.1"), ("flash-cpp-pipeline", "libpq-pipeline", "target ≤ 1.2")]
    pairs = [p for p in pairs if ok.get(p[0]) and ok.get(p[1]) and len(ok[p[0]]["runs"]) == len(ok[p[1]]["runs"])]
    if pairs:
        lines += ["", "### Paired ratios (per round, median over rounds; runs of one round are adjacent in time)", "",
                  "| ratio | " + " | ".join(PHASES) + " | client CPU |", "|---|" + "---:|" * (len(PHASES) + 1)]
        for a_, b_, note in pairs:
            ra, rb = ok[a_], ok[b_]
            cells = [fmt(med([x[ph] / y[ph] for x, y in zip(ra["runs"], rb["runs"])]), 2) for ph in PHASES]
            cells.append(fmt(med([x / y for x, y in zip(ra["cpu_ms"], rb["cpu_ms"])]), 2))
            lines.append(f"| {a_} ÷ {b_}{' (' + note + ')' if note else ''} | " + " | ".join(cells) + " |")
    # Per-phase client CPU (user+sys of the contender process during the phase, measured inside it):
    # load-robust where wall time is not. Contenders that do not report it are left out.
    cpu_ok = {n: r for n, r in ok.items() if r.get("phase_cpu") and all(r["phase_cpu"])}
    if cpu_ok:
        lines += ["", "### Client CPU per phase (ms, user+sys inside the phase, median over rounds)", "",
                  "| contender | " + " | ".join(PHASES) + " |", "|---|" + "---:|" * len(PHASES)]
        for n, r in cpu_ok.items():
            lines.append(f"| {n} | " + " | ".join(fmt(med([x[ph] for x in r["phase_cpu"]]), 0) for ph in PHASES) + " |")
        cpairs = [p for p in pairs if p[0] in cpu_ok and p[1] in cpu_ok]
        if cpairs:
            lines += ["", "### Paired client-CPU ratios per phase (per round, median over rounds)", "",
                      "| ratio | " + " | ".join(PHASES) + " |", "|---|" + "---:|" * len(PHASES)]
            for a_, b_, note in cpairs:
                cells = [fmt(med([x[ph] / y[ph] for x, y in zip(cpu_ok[a_]["phase_cpu"], cpu_ok[b_]["phase_cpu"]) if y[ph]]), 2)
                         for ph in PHASES]
                lines.append(f"| {a_} ÷ {b_}{' (' + note + ')' if note else ''} | " + " | ".join(cells) + " |")
    failed = {n: r["error"] for n, r in results.items() if r["error"]}
    if failed:
        lines += ["", "### Failed contenders", ""]
        for n, e in failed.items():
            lines.append(f"- **{n}**: " + " ".join(e.split())[:800])
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- flash gen / migrate on the synthetic project
def timed(cmd, cwd):
    # Output goes to files: waiting for the child while it fills a pipe would deadlock.
    op, ep = os.path.join(WORK, "tool.out"), os.path.join(WORK, "tool.err")
    rss = os.path.join(WORK, "tool.rss")
    with open(op, "w") as o, open(ep, "w") as e:
        t0 = time.monotonic()
        p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss] + cmd, cwd=cwd, stdout=o, stderr=e,
                             stdin=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = (time.monotonic() - t0) * 1000
    peak = int(open(rss).read().split()[-1]) / 1024 if os.path.exists(rss) else 0
    cpu = (ru.ru_utime + ru.ru_stime) * 1000
    return wall, peak, os.waitstatus_to_exitcode(status), open(op).read(), open(ep).read(), cpu


def sqlc_bin():
    """sqlc for the side-by-side code generation timing: $FLASH_SQLC, else the binary
    scripts/install-deps.sh builds from the Go module proxy (~/.local/flash-sqlc/bin/sqlc), else PATH."""
    for c in (os.environ.get("FLASH_SQLC"), os.path.expanduser("~/.local/flash-sqlc/bin/sqlc"), shutil.which("sqlc")):
        if c and os.access(c, os.X_OK):
            return c
    return None


def synth():
    """flash gen (and flash migrate) on bench/synth.py's projects, next to `sqlc generate` on the same
    files: the SQLite project (the published one) and the same tables and queries in PostgreSQL's
    dialect (sqlc parses those with libpg_query, SQLite with its ANTLR grammar). Interleaved runs
    (BENCH_SYNTH_RUNS, default 3); wall time, client CPU (user+sys) and peak RSS per tool.
    BENCH_SYNTH_TABLES / BENCH_SYNTH_QUERIES (default 1,000 / 5,000) size the projects (the CI smoke test
    uses a small one); BENCH_SYNTH_SQLC=0 leaves sqlc out, and the table says it was not run."""
    runs_each = int(os.environ.get("BENCH_SYNTH_RUNS", "3"))
    n_tables = int(os.environ.get("BENCH_SYNTH_TABLES", "1000"))
    n_queries = int(os.environ.get("BENCH_SYNTH_QUERIES", "5000"))
    flash = os.environ["FLASH_BIN"]
    sqlc_off = os.environ.get("BENCH_SYNTH_SQLC") == "0"
    sqlc = None if sqlc_off else sqlc_bin()
    sqlc_version = subprocess.run([sqlc, "version"], capture_output=True, text=True).stdout.strip() if sqlc else None
    tools = []  # (label, cmd, project dir, sqlc label to compare with)
    for provider in ("sqlite", "postgresql"):
        proj = os.path.join(WORK, f"synth-{provider}")
        shutil.rmtree(proj, ignore_errors=True)
        subprocess.run([sys.executable, os.path.join(HERE, "synth.py"), proj, "--tables", str(n_tables), "--queries", str(n_queries),
                        "--provider", provider], check=True)
        sq = f"sqlc generate ({sqlc_version}, Go), {provider}"
        tools.append((f"flash gen --lang go, {provider}", [flash, "--force", "gen", "--lang", "go"], proj, sq if sqlc else None))
        if sqlc:
            tools.append((sq, [sqlc, "generate"], proj, None))
        if provider == "sqlite":
            tools.append(("flash gen (go + js + python), sqlite", [flash, "--force", "gen"], proj, sq if sqlc else None))
            tools.append((f"flash migrate init --dry-run (diff of {n_tables:,} tables), sqlite", [flash, "migrate", "init", "--dry-run"], proj, None))
    # Interleaved: every tool once per round, so a load spike hits all of them alike.
    runs = {t[0]: [] for t in tools}
    errors = {}
    load_before = loadavg()
    for _ in range(runs_each):
        for what, cmd, proj, _vs in tools:
            if what in errors: continue
            wall, peak, rc, out, err, cpu = timed(cmd, proj)
            if rc != 0:
                errors[what] = " ".join((err or out).split())[:400]
                continue
            runs[what].append((wall, peak, cpu))
    rows = {what: None if what in errors else (statistics.median(r[0] for r in runs[what]), statistics.median(r[2] for r in runs[what]),
                                                max(r[1] for r in runs[what])) for what, *_ in tools}
    md = [f"{n_tables:,} tables, {n_queries:,} queries; {runs_each} interleaved runs each; {machine()}; flash build {flash_build_type()}; "
          f"load average (1/5/15 min) before {load_before}, after {loadavg()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.", "",
          "| tool run | median wall ms | median CPU ms (user+sys) | peak RSS MB | sqlc ÷ flash (wall / CPU) |", "|---|---:|---:|---:|---:|"]
    for what, _cmd, _proj, vs in tools:
        r = rows[what]
        if r is None:
            md.append(f"| {what} | FAILED: {errors[what]} | | | |")
            continue
        ratio = ""
        if vs and rows.get(vs):
            ratio = f"{rows[vs][0] / r[0]:.1f}× / {rows[vs][1] / r[1]:.1f}×"
        md.append(f"| {what} | {r[0]:,.0f} | {r[1]:,.0f} | {r[2]:,.1f} | {ratio} |")
    if sqlc_off:
        md += ["", "sqlc not run (BENCH_SYNTH_SQLC=0): no sqlc figures, no sqlc ÷ flash ratios."]
    elif not sqlc:
        md += ["", "sqlc not found (scripts/install-deps.sh builds it into ~/.local/flash-sqlc; or set FLASH_SQLC): not run."]
    text = "\n".join(md) + "\n"
    open(os.path.join(WORK, "synth.md"), "w").write(text)
    json.dump({"tables": n_tables, "queries": n_queries, "sqlc": sqlc_version if sqlc else None,
               "runs": runs, "errors": errors}, open(os.path.join(WORK, "synth.json"), "w"), indent=1)
    print(text)


if __name__ == "__main__":
    os.makedirs(WORK, exist_ok=True)
    cmd = sys.argv[1] if len(sys.argv) > 1 else "bench"
    {"table": lambda: print(table(**{k: v for k, v in json.load(open(os.path.join(WORK, "results.json"))).items()})),
     "charts": lambda: charts(**dict(json.load(open(os.path.join(WORK, "results.json"))), outdir=(sys.argv[2] if len(sys.argv) > 2 else None))),
     "sql": lambda: extract_sql(), "bench": lambda: bench(sys.argv[2:]), "synth": lambda: synth()}[cmd]()

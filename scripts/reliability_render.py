#!/usr/bin/env python3
"""Writes docs/RELIABILITY.md from the RELIABILITY lines scripts/reliability.sh collected.

A line is `RELIABILITY <area> <what> <engine> key=value ...` (engine "-" when none applies). Each
known area has a section with its own intro; lines of other areas go to "Other figures". Tables
have one row per (what, engine) and one column per key, in the order keys first appear; a repeated
(area, what, engine) keeps its last line."""
import argparse
import datetime
import platform
import os
import sys

SECTIONS = [
    ("fuzz", "Fuzzing",
     "libFuzzer targets (tests/fuzz, clang, ASan+UBSan, UBSan reports fatal) over any bytes, seeded from the "
     "repository's tests and the shared corpus. `execs` executions, `crashes` crashes or sanitizer reports, "
     "`hangs` inputs over the per-input timeout (10 s), `replayed` committed reproducers of earlier findings "
     "run first. Goal: 0 crashes, 0 hangs, >= 10 million executions per target in the long run."),
    ("badinput", "Bad input",
     "The checked-in corpus of malformed inputs (schemas, queries, flash.toml, .env, URLs, migration files, "
     "import files): each must give one located error (file:line:col, stable code), the documented exit "
     "code, and leave every file as it was."),
    ("crash", "Crash safety",
     "`kill -9` at random points of apply, down, gen, export, import and seed (and of the server during "
     "apply): no partial output a user would take as complete, nothing marked applied that is not, and the "
     "rerun completes."),
    ("concurrency", "Concurrency",
     "Several `apply` processes at once on one database: every migration applied exactly once."),
    ("injection", "Injection",
     "Hostile identifiers and values on every path a user or a file controls (--where, --tables, names with "
     "quotes/backticks/semicolons, import files, seed options): attempts made, attempts that succeeded "
     "(must be 0)."),
]

FUZZ_WHAT = {
    "lexer": "sql::lex + normalize_expr, 3 dialects",
    "splitter": "sql::split_statements, 3 dialects",
    "ddl_postgres": "PostgreSQL DDL (libpg_query) -> model -> printed DDL + JSON",
    "ddl_mysql": "MySQL DDL -> model -> printed DDL + JSON",
    "ddl_sqlite": "SQLite DDL -> model -> printed DDL + JSON",
    "query_parse": "parameter rewriting + query parser, 3 dialects",
    "query_analyze": "query file -> analyser against a fixed schema, 3 dialects",
    "config_toml": "flash.toml through load_config",
    "config_env": ".env reader",
    "migration_file": "migration file reader + Up replay, 3 dialects",
}


def parse(path):
    rows = {}
    for raw in open(path, encoding="utf-8", errors="replace"):
        parts = raw.split()
        if len(parts) < 4 or parts[0] != "RELIABILITY":
            continue
        area, what, engine = parts[1], parts[2], parts[3]
        kv = {}
        for p in parts[4:]:
            k, _, v = p.partition("=")
            kv[k] = v
        rows[(area, what, engine)] = kv
    return rows


def table(rows, first_cols, extra=None):
    keys = []
    for _, kv in rows:
        for k in kv:
            if k not in keys:
                keys.append(k)
    head = first_cols + keys
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for ident, kv in rows:
        cells = list(ident) + [kv.get(k, "") for k in keys]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def fuzz_table(sel):
    sel = [((w, FUZZ_WHAT.get(w, "")), kv) for (w, _), kv in sel]
    return [table(sel, ["target", "covers"]), "",
            "Total: %d executions, %d crashes, %d hangs over %d targets." % (
                sum(num(kv.get("execs")) for _, kv in sel), sum(num(kv.get("crashes")) for _, kv in sel),
                sum(num(kv.get("hangs")) for _, kv in sel), len(sel)), ""]


def long_fuzz_section(path):
    """The long campaign's ledger (tests/fuzz/long.sh): one line per slice, summed per target."""
    per = {}
    for raw in open(path, encoding="utf-8", errors="replace"):
        parts = raw.split()
        if len(parts) < 4 or parts[:2] != ["RELIABILITY", "fuzz-slice"]:
            continue
        kv = dict(p.partition("=")[::2] for p in parts[4:])
        t = per.setdefault(parts[2], {"execs": 0, "crashes": 0, "hangs": 0, "seconds": 0, "slices": 0,
                                      "commits": [], "dates": []})
        for k in ("execs", "crashes", "hangs", "seconds"):
            t[k] += num(kv.get(k))
        t["slices"] += 1
        for k, dest in (("commit", "commits"), ("date", "dates")):
            if kv.get(k) and kv[k] not in t[dest]:
                t[dest].append(kv[k])
    out = ["### Long campaign (`tests/fuzz/long.sh`, resumable slices summed per target; ledger %s)" % path, ""]
    if not per:
        return out + ["_No slice recorded yet._", ""]
    out += ["| target | covers | execs | crashes | hangs | seconds | slices | commits | dates | goal (10 M) |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for name, t in sorted(per.items()):
        span = lambda xs: xs[0] if len(xs) == 1 else "%s … %s (%d)" % (xs[0], xs[-1], len(xs))
        out.append("| %s | %s | %d | %d | %d | %d | %d | %s | %s | %s |" % (
            name, FUZZ_WHAT.get(name, ""), t["execs"], t["crashes"], t["hangs"], t["seconds"], t["slices"],
            span(t["commits"]), span(t["dates"]),
            "reached" if t["execs"] >= 10_000_000 else "%.1f %%" % (100.0 * t["execs"] / 10_000_000)))
    out += ["", "Total: %d executions, %d crashes, %d hangs over %d targets; %d of them at the goal." % (
        sum(t["execs"] for t in per.values()), sum(t["crashes"] for t in per.values()),
        sum(t["hangs"] for t in per.values()), len(per),
        sum(1 for t in per.values() if t["execs"] >= 10_000_000)), ""]
    return out


def num(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("lines")
    ap.add_argument("out")
    ap.add_argument("--commit", default="?")
    ap.add_argument("--fuzz-mode", default="")
    ap.add_argument("--fuzz-run", default="1")
    ap.add_argument("--ctest-summary", default="not run")
    ap.add_argument("--load", default="?")
    ap.add_argument("--runs-mode", default="")
    ap.add_argument("--fuzz-long", default="",
                    help="the committed lines of the last long fuzz run (header: '# <date> <commit> <machine>')")
    a = ap.parse_args()
    rows = parse(a.lines)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    md = [
        "# Reliability figures",
        "",
        "Generated by `scripts/reliability.sh` — do not edit by hand; rerun it (`--long` for the long fuzz "
        "runs). Last run: %s, commit %s, %s, %d cores, load average at start %s (executions per second "
        "depend on it)." % (now, a.commit, platform.machine(), os.cpu_count() or 0, a.load),
        "",
        "Fuzz mode: %s. Crash and concurrency tests: %s. ctest over the labels badinput, migrate, export, "
        "reliability and the gen kill tests: %s."
        % (a.fuzz_mode if a.fuzz_run == "1" else "not run", a.runs_mode or "?", a.ctest_summary),
        "",
    ]
    for area, title, intro in SECTIONS:
        md += ["## " + title, "", intro, ""]
        sel = [((w, e), kv) for (ar, w, e), kv in sorted(rows.items()) if ar == area]
        if area == "fuzz":
            if a.fuzz_long and os.path.exists(a.fuzz_long):
                md += long_fuzz_section(a.fuzz_long)
            md += ["### This run (%s)" % (a.fuzz_mode if a.fuzz_run == "1" else "not run"), ""]
            md += fuzz_table(sel) if sel else ["_No short fuzz run this time (a `--long` run shows its figures above)._", ""]
            continue
        if sel:
            # One table per `what`: each command's test reports its own keys.
            for what in dict.fromkeys(w for (w, _), _ in sel):
                md += [table([x for x in sel if x[0][0] == what], ["what", "engine"]), ""]
        else:
            md += ["_No figures in this run: no test printed `RELIABILITY %s ...` lines._" % area, ""]
    known = {s[0] for s in SECTIONS}
    other = [((ar, w, e), kv) for (ar, w, e), kv in sorted(rows.items()) if ar not in known]
    if other:
        md += ["## Other figures", "", table(other, ["area", "what", "engine"]), ""]
    md += [
        "## How the figures are made",
        "",
        "`scripts/reliability.sh` builds flash and the fuzz tree, runs each fuzz target (tests/fuzz/run.sh), "
        "starts throwaway servers (scripts/db.sh) and runs `ctest -V -L 'badinput|migrate|export|reliability'` "
        "and the gen kill tests (`-R GenCrash`), by default with FLASH_RELIABILITY_LONG=1 (50 kill runs per "
        "command and engine, 20 concurrency runs, 20 server kills; `--ci-runs` keeps CI's counts), then "
        "collects every output line of the form",
        "",
        "    RELIABILITY <area> <what> <engine> key=value ...",
        "",
        "(`engine` is postgresql, mysql, sqlite or `-`). A test adds figures to this document by printing such "
        "lines; areas with a section above: " + ", ".join("`%s`" % s[0] for s in SECTIONS) + ". Keys are free "
        "(one column each), e.g. `inputs=`, `located=`, `runs=`, `kill_points=`, `false_applied=`, "
        "`exactly_once=`, `attempts=`, `succeeded=`.",
        "",
    ]
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(md))


if __name__ == "__main__":
    sys.exit(main())

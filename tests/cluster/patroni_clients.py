#!/usr/bin/env python3
"""Generated clients through a Patroni failover (issue: PgBouncer, Galera, Patroni).

The project in tests/cluster/clients (a table, two reads, two writes) is generated with
`read_retry = true` for Go (pgx/v5), Python (asyncpg) and TypeScript (pg); the generated code is
checked first (go vet, mypy --strict, tsc --strict) and so is the retry's reach: the SELECTs (:one
GetItem, :many ListItems) run through it, the writes (:exec RenameItem, the :one INSERT … RETURNING
AddItem) do not. Then, round after round, the three read workloads (workload.go on a pgxpool and
workload.py on an asyncpg pool, both through the multi-host URL with target_session_attrs=read-write;
workload.mjs on a pg.Pool through the cluster's HAProxy address, node-postgres having no multi-host
URLs) run at once while the primary's postmaster is killed (SIGKILL):
each must go on after the failover with no error reaching the caller (the bounded retry covers it)
and keep reading afterwards. A control (the Go workload with ReadRetry{}, no retry) runs beside them
and must see errors: without the retry the failover reaches the caller. The outage a client saw is the longest gap between two successful reads.

Prints `CLUSTER patroni clients <lang> rounds=N reads=… errors=0 outage_s=min/median/max` per client;
exit 0 only when every round held, 77 (skipped) when patroni, etcd, psql, go, node or the client
test dependencies (tests/clients/python/.venv, tests/clients/ts/node_modules) are missing. --rounds
(default 2).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
from flash_run import run_flash  # noqa: E402
from patroni import SKIP, Cluster, stats  # noqa: E402

CLIENTS = os.path.join(HERE, "clients")
GO_MODULE = os.path.join(ROOT, "tests", "clients", "go")  # its go.mod pins pgx/v5
VENV_PY = os.path.join(ROOT, "tests", "clients", "python", ".venv", "bin", "python")
TS_MODULES = os.path.join(ROOT, "tests", "clients", "ts", "node_modules")  # pg, @types/pg, typescript
RUN_SECONDS = 16  # per round: ~2 s before the kill, the failover, then reads on the new primary

TOML = """version = "2"
schema_dir = "{clients}"
queries = "{clients}/queries.sql"

[database]
provider = "postgresql"
url_env = "DATABASE_URL"

[gen.go]
enabled = true
out = "{work}/go/gen/failover/db"
package = "db"
read_retry = true

[gen.python]
enabled = true
out = "{work}/py/failoverdb"
driver = "asyncpg"
read_retry = true

[gen.js]
enabled = true
out = "{work}/ts/gen"
driver = "pg"
read_retry = true
"""


def check_generated(work: str) -> list[str]:
    """The reads go through the retry, the writes do not (read from the generated text)."""
    bad = []
    go = open(os.path.join(work, "go", "gen", "failover", "db", "queries.sql.go"), encoding="utf-8").read()
    for fn, retried in (("GetItem", True), ("ListItems", True), ("RenameItem", False), ("AddItem", False)):
        body = go.split(f"func (q *Queries) {fn}(", 1)[1].split("\n}\n", 1)[0]
        if ("retryRead(" in body) != retried:
            bad.append(f"Go {fn}: retried={not retried}, want {retried}")
    py = open(os.path.join(work, "py", "failoverdb", "queries.py"), encoding="utf-8").read()
    for fn, retried in (("get_item", True), ("list_items", True), ("rename_item", False), ("add_item", False)):
        body = py.split(f"def {fn}(", 1)[1].split("\n    async def ", 1)[0]
        if ("_rt.retry_read(" in body) != retried:
            bad.append(f"Python {fn}: retried={not retried}, want {retried}")
    ts = open(os.path.join(work, "ts", "gen", "queries.ts"), encoding="utf-8").read()
    for fn, retried in (("getItem", True), ("listItems", True), ("renameItem", False), ("addItem", False)):
        body = ts.split(f"  async {fn}(", 1)[1].split("\n  }\n", 1)[0]
        if ("retryRead(" in body) != retried:
            bad.append(f"TypeScript {fn}: retried={not retried}, want {retried}")
    return bad


def build_go(work: str) -> str:
    mod = os.path.join(work, "go")
    for f in ("go.mod", "go.sum"):
        shutil.copy(os.path.join(GO_MODULE, f), mod)
    os.makedirs(os.path.join(mod, "cmd"), exist_ok=True)
    shutil.copy(os.path.join(CLIENTS, "workload.go"), os.path.join(mod, "cmd", "main.go"))
    env = dict(os.environ, GOFLAGS="-mod=mod", GOTOOLCHAIN="local")
    for args in (["go", "vet", "./..."], ["go", "build", "-o", "workload", "./cmd"]):
        r = subprocess.run(args, cwd=mod, env=env, capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{r.stdout}{r.stderr}")
    return os.path.join(mod, "workload")


def mypy_python(work: str) -> None:
    r = subprocess.run([VENV_PY, "-m", "mypy", "--strict", "failoverdb"], cwd=os.path.join(work, "py"),
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"mypy --strict on the generated package failed:\n{r.stdout}{r.stderr}")


def check_ts(work: str) -> None:
    """tsc --strict on the generated .ts, and the JS module ready for node (ESM, pg from the client tests)."""
    ts = os.path.join(work, "ts")
    os.symlink(TS_MODULES, os.path.join(ts, "node_modules"))
    with open(os.path.join(ts, "package.json"), "w", encoding="utf-8") as f:
        f.write('{"type": "module"}\n')
    shutil.copy(os.path.join(CLIENTS, "workload.mjs"), ts)
    r = subprocess.run([os.path.join(TS_MODULES, ".bin", "tsc"), "--strict", "--noEmit", "--skipLibCheck",
                        "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022",
                        os.path.join("gen", "queries.ts")], cwd=ts, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError(f"tsc --strict on the generated queries.ts failed:\n{r.stdout}{r.stderr}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--flash", required=True)
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args()
    if shutil.which("go") is None or shutil.which("node") is None or not os.access(VENV_PY, os.X_OK) or \
            not os.path.isdir(os.path.join(TS_MODULES, "pg")):
        print("SKIP: go, node, tests/clients/python/.venv or tests/clients/ts/node_modules missing "
              "(scripts/install-deps.sh)", flush=True)
        return SKIP
    work = tempfile.mkdtemp(prefix="flash-patroni-clients-")
    cl = Cluster.open()
    failures: list[str] = []
    results: dict[str, list[dict]] = {"go": [], "python": [], "typescript": []}
    control_errors = 0
    try:
        with open(os.path.join(work, "flash.toml"), "w", encoding="utf-8") as f:
            f.write(TOML.format(clients=CLIENTS, work=work))
        r = run_flash(os.path.abspath(a.flash), ["gen"], cwd=work, env={"DATABASE_URL": cl.url})
        if r.returncode != 0:
            raise RuntimeError(f"flash gen failed: {r.stdout}{r.stderr}")
        failures += check_generated(work)
        go_bin = build_go(work)
        mypy_python(work)
        check_ts(work)
        cl.wait_healthy()
        cl.query("postgres", "DROP DATABASE IF EXISTS flash_clients")
        cl.query("postgres", "CREATE DATABASE flash_clients")
        cl.wait_primary("flash_clients")  # see Cluster.wait_primary
        cl.query("flash_clients", open(os.path.join(CLIENTS, "schema.sql"), encoding="utf-8").read() +
                 "INSERT INTO items VALUES (1, 'one'), (2, 'two');")
        url = cl.db_url("flash_clients")
        for rnd in range(a.rounds):
            cl.wait_healthy()
            env = dict(os.environ, URL=url, SECONDS_TO_RUN=str(RUN_SECONDS))
            procs = {
                "go": subprocess.Popen([go_bin], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
                "control": subprocess.Popen([go_bin], env=dict(env, NO_RETRY="1"), stdout=subprocess.PIPE,
                                            stderr=subprocess.PIPE, text=True),
                "python": subprocess.Popen([VENV_PY, os.path.join(CLIENTS, "workload.py"), os.path.join(work, "py")],
                                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
                "typescript": subprocess.Popen(["node", "workload.mjs"], cwd=os.path.join(work, "ts"),
                                               env=dict(env, URL=cl.db_url("flash_clients", proxy=True)),
                                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
            }
            for name, p in procs.items():  # each has read once before the kill
                line = p.stdout.readline().strip()
                if line != "ready":
                    raise RuntimeError(f"{name} workload did not start: {line} {p.stderr.read()[-800:]}")
            time.sleep(1.5)
            killed, _ = cl.kill_primary()
            for name, p in procs.items():
                try:
                    out, err = p.communicate(timeout=RUN_SECONDS + 120)
                except subprocess.TimeoutExpired:  # a failure with what it printed, not a traceback
                    p.kill()
                    out, err = p.communicate()
                    failures.append(f"round {rnd} {name}: still running {RUN_SECONDS + 120} s after the kill: "
                                    f"{out[-400:]} {err[-800:]}")
                    continue
                m = re.search(r"^\{.*\}$", out, re.M)
                if p.returncode != 0 or not m:
                    failures.append(f"round {rnd} {name}: exit {p.returncode}: {out[-400:]} {err[-800:]}")
                    continue
                res = json.loads(m.group(0))
                if name == "control":
                    control_errors += res["errors"]
                    print(f"round {rnd}: control (Go, no retry): {res['errors']} errors reached the caller", flush=True)
                    continue
                results[name].append(res)
                if res["errors"]:
                    failures.append(f"round {rnd} {name}: {res['errors']} read(s) failed through the retry: "
                                    f"{res['first_errors']}")
                print(f"round {rnd}: killed {killed}; {name}: {res['reads']} reads, {res['errors']} errors, "
                      f"outage {res['max_gap_s']:.2f} s", flush=True)
            new = cl.leader()
            if new == killed or new is None:
                failures.append(f"round {rnd}: no failover (leader {new} after killing {killed})")
    finally:
        try:
            cl.close()
        finally:
            shutil.rmtree(work, ignore_errors=True)
    for name, rs in results.items():
        print(f"CLUSTER patroni clients {name} rounds={len(rs)} reads={sum(r['reads'] for r in rs)} "
              f"errors={sum(r['errors'] for r in rs)} outage_s={stats([r['max_gap_s'] for r in rs])}", flush=True)
    print(f"CLUSTER patroni clients control-without-retry errors={control_errors}", flush=True)
    if control_errors == 0:
        failures.append("the control without the retry saw no error: the kill did not reach the clients")
    for f in failures:
        print(f"  FAIL: {f}", flush=True)
    return 0 if not failures and all(len(rs) == a.rounds for rs in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""`flash apply` through a Patroni failover (issue: PgBouncer, Galera, Patroni).

A project with five migrations (each a table, rows, a short pg_sleep so that the kill lands inside
statements as often as between them, an index) is applied through the cluster's multi-host URL
(`postgresql://…@h1:p1,h2:p2/db?target_session_attrs=read-write`). At a random point of the apply
the primary's postmaster is killed (SIGKILL); Patroni promotes the synchronous replica. Then, run
after run:

  1. flash must exit 6 (db.connection-lost / db.connect, with the hint to run it again) or 0 (it finished
     first);
  2. on the new primary (psql through the same URL; the test checks that it is another node), every
     migration `flash apply` printed as applied is recorded (synchronous replication loses no
     acknowledged commit), a migration recorded as applied has all of its tables and rows
     (false_applied), a migration not recorded has left nothing (partial_left: one transaction each);
  3. `flash apply` is rerun every 0.2 s until it succeeds (each failed attempt must exit 6): then every
     migration is recorded exactly once and every table holds exactly its rows, read from the new
     primary's catalogs;
  4. the outage seen by apply is the time from the kill to the end of the successful rerun.

Prints `CLUSTER patroni apply runs=N killed_mid_run=N ... outage_s=min/median/max` and exits 0 only when
every run held; 77 (skipped) when patroni, etcd or psql is not installed. --runs (default 5).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "fidelity"))
from flashrun import make_project  # noqa: E402
from patroni import Cluster, stats  # noqa: E402

N_MIGRATIONS = 5
ROWS = {"a": 3, "b": 2}


def migrations() -> list[tuple[str, str]]:
    out = []
    for m in range(1, N_MIGRATIONS + 1):
        up = (f"-- +migrate Up\n"
              f"CREATE TABLE f{m}_a (id INTEGER PRIMARY KEY, v TEXT NOT NULL);\n"
              f"INSERT INTO f{m}_a (id, v) VALUES (1, 'x'), (2, 'y'), (3, 'z');\n"
              f"SELECT pg_sleep(0.12);\n"
              f"CREATE TABLE f{m}_b (id INTEGER PRIMARY KEY, a_id INTEGER NOT NULL REFERENCES f{m}_a (id));\n"
              f"INSERT INTO f{m}_b (id, a_id) VALUES (1, 1), (2, 3);\n"
              f"CREATE INDEX f{m}_b_a ON f{m}_b (a_id);\n"
              f"-- +migrate Down\nDROP TABLE f{m}_b;\nDROP TABLE f{m}_a;\n")
        out.append((f"2026010100000{m}_failover_{m}", up))
    return out


def tables(cl: Cluster, db: str) -> set[str]:
    return {r[0] for r in cl.query(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def history(cl: Cluster, db: str) -> list[tuple[str, bool]]:
    """Every row of _flash_migrations: (id, applied)."""
    if "_flash_migrations" not in tables(cl, db):
        return []
    rows = cl.query(db, "SELECT id, finished_at IS NOT NULL AND rolled_back_at IS NULL FROM _flash_migrations")
    return [(r[0], r[1] == "t") for r in rows]


def count(cl: Cluster, db: str, table: str) -> int:
    return int(cl.query(db, f"SELECT count(*) FROM {table}")[0][0])


def flash_apply(flash: str, project: str, url: str) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, NO_COLOR="1")
    return subprocess.Popen([flash, "apply"], cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, stdin=subprocess.DEVNULL)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--flash", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("FLASH_TEST_SEED", "20261206")))
    a = ap.parse_args()
    flash = os.path.abspath(a.flash)
    rnd = random.Random(a.seed)
    migs = migrations()
    st = dict(runs=a.runs, killed_mid_run=0, finished_before_kill=0, exit6=0, bad_exit=0, failed_over=0,
              acknowledged_lost=0, false_applied=0, partial_left=0, rerun_attempts=0, rerun_ok=0, applied_twice=0)
    outages: list[float] = []
    failures: list[str] = []
    work = tempfile.mkdtemp(prefix="flash-patroni-apply-")
    cl = Cluster.open()
    try:
        full = None
        for run in range(-1, a.runs):  # run -1: a timed full apply sets the range of kill points
            old = cl.wait_healthy()
            db = f"flash_fo_{run + 1}"
            cl.query("postgres", f"DROP DATABASE IF EXISTS {db}")
            cl.query("postgres", f"CREATE DATABASE {db}")
            cl.wait_primary(db)  # see Cluster.wait_primary
            url = cl.db_url(db)
            project = os.path.join(work, f"p{run + 1}")
            make_project(project, "postgresql", [])
            for mid, text in migs:
                with open(os.path.join(project, "db", "migrations", mid + ".sql"), "w", encoding="utf-8") as f:
                    f.write(text)
            start = time.monotonic()
            proc = flash_apply(flash, project, url)
            if run < 0:
                out = proc.communicate(timeout=300)[0]
                if proc.returncode != 0:
                    raise RuntimeError(f"the timed full apply failed: {out}")
                full = time.monotonic() - start
                print(f"full apply through the multi-host URL: {full:.2f} s", flush=True)
                continue
            time.sleep(rnd.uniform(0.1 * full, 0.9 * full))
            killed, t_kill = cl.kill_primary()
            out = proc.communicate(timeout=300)[0]
            ec = proc.returncode
            said_applied = {ln.split()[1] for ln in out.splitlines() if ln.startswith("Applied 2026")}
            if ec == 0:
                st["finished_before_kill"] += 1
            else:
                st["killed_mid_run"] += 1
                if ec == 6 and ("db.connection-lost" in out or "db.connect" in out) and "again" in out:
                    st["exit6"] += 1
                else:
                    st["bad_exit"] += 1
                    failures.append(f"run {run}: flash exited {ec} (want 6 with the hint to rerun); it had applied "
                                    f"{sorted(said_applied)}: {out[-600:]}")
            # The state the new primary holds before anything is rerun.
            cl.wait_primary(db)
            hist = dict(history(cl, db))
            tabs = tables(cl, db)
            for m, (mid, _) in enumerate(migs, 1):
                mine = {f"f{m}_a", f"f{m}_b"}
                if mid in said_applied and not hist.get(mid, False):
                    st["acknowledged_lost"] += 1
                    failures.append(f"run {run}: flash said {mid} was applied, the new primary has no record of it")
                if hist.get(mid, False):
                    if not (mine <= tabs and all(count(cl, db, t) == ROWS[t[-1]] for t in mine)):
                        st["false_applied"] += 1
                        failures.append(f"run {run}: {mid} recorded as applied but its tables/rows are not all there")
                elif mine & tabs:
                    st["partial_left"] += 1
                    failures.append(f"run {run}: {mid} not recorded yet left {sorted(mine & tabs)}")
            # Rerun until it goes through.
            deadline = time.monotonic() + 90
            ok = False
            while time.monotonic() < deadline:
                st["rerun_attempts"] += 1
                r = flash_apply(flash, project, url)
                rout = r.communicate(timeout=300)[0]
                if r.returncode == 0:
                    ok = True
                    break
                if r.returncode != 6:
                    failures.append(f"run {run}: a rerun exited {r.returncode} (want 0, or 6 while failing over): "
                                    f"{rout[-400:]}")
                    break
                time.sleep(0.2)
            t_done = time.monotonic()
            new = cl.leader()
            if new and new != killed:
                st["failed_over"] += 1
            else:
                failures.append(f"run {run}: the leader is {new} after killing {killed} (no failover)")
            rows = history(cl, db)
            ids = [r[0] for r in rows]
            st["applied_twice"] += sum(1 for mid, _ in migs if ids.count(mid) > 1)
            tabs = tables(cl, db)
            complete = ok and all(dict(rows).get(mid, False) for mid, _ in migs) and len(ids) == len(migs) and all(
                f"f{m}_{x}" in tabs and count(cl, db, f"f{m}_{x}") == ROWS[x]
                for m in range(1, N_MIGRATIONS + 1) for x in "ab")
            if complete:
                st["rerun_ok"] += 1
                outages.append(t_done - t_kill)
            else:
                failures.append(f"run {run}: the rerun did not complete: history {rows}, tables {sorted(tabs)}")
            print(f"run {run}: killed {killed} (exit {ec}), primary now {new}, outage {t_done - t_kill:.2f} s",
                  flush=True)
            if run == 0:  # what a user sees, once
                after_error = False
                for ln in out.splitlines():
                    if ln.startswith("error[") or ln.startswith("Applied") or (after_error and "hint:" in ln):
                        print(f"  flash: {ln.strip()[:300]}", flush=True)
                    after_error = after_error or ln.startswith("error[")
    finally:
        try:
            cl.close()
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print("CLUSTER patroni apply " + " ".join(f"{k}={v}" for k, v in st.items()) + f" outage_s={stats(outages)}",
          flush=True)
    for f in failures:
        print(f"  FAIL: {f}", flush=True)
    return 0 if not failures and st["rerun_ok"] == a.runs else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Crash safety when the database server itself dies in the middle of `flash apply`.

For each server engine (PostgreSQL, MariaDB) the test starts a throwaway server of its own
(scripts/db.sh with a private data dir and ports, FLASH_DB_DURABLE=1 so that what COMMIT
acknowledged survives a SIGKILL of the server process), then, run after run:

  1. a fresh database and a project with three migrations of several statements each (one of
     them a short sleep, so that the kill lands inside statements as often as between them);
  2. `flash apply` is started and the server is killed with SIGKILL (the postmaster and every
     backend / mariadbd) at a random point of the apply (the range comes from a timed full run);
  3. flash must exit 6 (database lost) or 0 (it finished first);
  4. the server is restarted (crash recovery) and the engine's own client (psql / mariadb) reads
     the catalog: a migration recorded as applied must have all of its tables and rows
     (false_applied), and on PostgreSQL a migration not recorded must have left nothing
     (partial_left: one transaction per migration);
  5. `flash status --json` must tell the state of every migration as the history table has it;
  6. the rerun completes (on MariaDB, whose DDL cannot be rolled back, a statement that was
     running when the server died makes the rerun stop with exit 3: the test looks in the catalog
     whether it took effect and answers with --resume-at, as the hint tells a user to) and every
     table then holds exactly its rows.

Prints one line per engine for docs/RELIABILITY.md:
  RELIABILITY crash server-kill <engine> runs=N killed_mid_run=N false_applied=0 partial_left=0 ...
Exit 0 only when every run held. Runs per engine: --runs (default 5; 20 with FLASH_RELIABILITY_LONG=1).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "fidelity"))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
from engines import MySQL, Postgres  # noqa: E402  (the fidelity suite's engine clients)
from flash_run import run_flash as run_binary  # noqa: E402  (the one Python runner of flash)
from flashrun import make_project  # noqa: E402

SLEEP = {"postgresql": "SELECT pg_sleep(0.15)", "mysql": "SELECT SLEEP(0.15)"}


def migrations(engine: str) -> list[tuple[str, str]]:
    out = []
    for m in (1, 2, 3):
        up = (f"-- +migrate Up\n"
              f"CREATE TABLE s{m}_a (id INTEGER PRIMARY KEY, v VARCHAR(50));\n"
              f"INSERT INTO s{m}_a (id, v) VALUES (1, 'x'), (2, 'y');\n"
              f"{SLEEP[engine]};\n"
              f"CREATE TABLE s{m}_b (id INTEGER PRIMARY KEY, a_id INTEGER);\n"
              f"INSERT INTO s{m}_b (id, a_id) VALUES (1, 1);\n"
              f"-- +migrate Down\nDROP TABLE s{m}_b;\nDROP TABLE s{m}_a;\n")
        out.append((f"2024010100000{m}_kill_{m}", up))
    return out


EXPECTED_ROWS = {"a": 2, "b": 1}


class Server:
    """A throwaway server of this test's own, through scripts/db.sh."""

    def __init__(self, engine: str, base: str, pg_port: int, my_port: int):
        self.engine = engine
        self.env = dict(os.environ, FLASH_DB_DIR=base, FLASH_PG_PORT=str(pg_port), FLASH_MYSQL_PORT=str(my_port),
                        FLASH_DB_ONLY="pg" if engine == "postgresql" else "mysql", FLASH_DB_DURABLE="1")
        self.base = base
        self.url = ""

    def _db_sh(self, cmd: str) -> str:
        r = subprocess.run(["bash", os.path.join(ROOT, "scripts", "db.sh"), cmd], env=self.env, capture_output=True,
                           text=True, timeout=300)
        if r.returncode != 0:
            raise RuntimeError(f"db.sh {cmd} failed: {r.stderr[-800:]}")
        return r.stdout

    def start(self) -> None:
        out = self._db_sh("start")
        var = "FLASH_TEST_PG_URL" if self.engine == "postgresql" else "FLASH_TEST_MYSQL_URL"
        m = re.search(rf"{var}=['\"]?([^'\"\n]+)", out)
        if not m:
            raise RuntimeError(f"db.sh start printed no {var}: {out}")
        self.url = m.group(1)

    def stop(self) -> None:
        self._db_sh("stop")

    def pids(self) -> list[int]:
        f = (os.path.join(self.base, "pg", "data", "postmaster.pid") if self.engine == "postgresql"
             else os.path.join(self.base, "mysql", "mysqld.pid"))
        try:
            with open(f, encoding="utf-8") as fh:
                main = int(fh.readline().strip())
        except (OSError, ValueError):
            return []
        children = subprocess.run(["pgrep", "-P", str(main)], capture_output=True, text=True).stdout.split()
        return [main] + [int(c) for c in children]

    def kill(self) -> None:
        """SIGKILL to the server and all of its processes, then wait until they are gone."""
        pids = self.pids()
        for p in pids:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for _ in range(200):  # 10 s; a zombie nobody reaps is dead enough
            if not any(os.path.exists(f"/proc/{p}") for p in pids):
                return
            time.sleep(0.05)
        if any(os.path.exists(f"/proc/{p}") and _state(p) != "Z" for p in pids):
            raise RuntimeError(f"server processes {pids} survived SIGKILL")


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "Z"


class Catalog:
    """The database as the engine's own client sees it."""

    def __init__(self, engine: str, url: str, db: str):
        self.engine, self.db = engine, db
        self.client = Postgres(url) if engine == "postgresql" else MySQL(url)

    def query(self, sql: str) -> list[list[str]]:
        if self.engine == "postgresql":
            r = self.client.psql(self.db, ["-At", "-F", "\t", "-v", "ON_ERROR_STOP=1"], stdin=sql)
        else:
            r = self.client.run(self.db, ["-N", "-B"], sql)
        if r.returncode != 0:
            raise RuntimeError(f"query failed: {sql}: {r.stderr.strip()}")
        return [ln.split("\t") for ln in r.stdout.splitlines() if ln]

    def tables(self) -> set[str]:
        if self.engine == "postgresql":
            rows = self.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        else:
            rows = self.query("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")
        return {r[0] for r in rows}

    def count(self, table: str) -> int:
        return int(self.query(f"SELECT count(*) FROM {table}")[0][0])

    def history(self) -> dict[str, tuple[bool, str]]:
        """id → (applied: finished and not rolled back, logs)."""
        if "_flash_migrations" not in self.tables():
            return {}
        rows = self.query("SELECT id, CASE WHEN finished_at IS NOT NULL AND rolled_back_at IS NULL THEN 1 ELSE 0 END, "
                          "COALESCE(logs, '') FROM _flash_migrations")
        return {r[0]: (r[1] == "1", r[2] if len(r) > 2 else "") for r in rows}


def run_flash(flash: str, project: str, url: str, args: list[str]) -> tuple[int, str]:
    p = run_binary(flash, args, cwd=project, env={"DATABASE_URL": url})
    return p.returncode, p.stdout + p.stderr


def resume_decision(cat: Catalog, migs: list[tuple[str, str]]) -> str | None:
    """MariaDB: the statement that was running when the server died; did it take effect?"""
    for mid, text in migs:
        logs = cat.history().get(mid, (False, ""))[1]
        m = re.match(r"flash-running: statement (\d+) of", logs)
        if not m:
            continue
        k = int(m.group(1))
        up = text.split("-- +migrate Down")[0].split("\n", 1)[1]
        stmts = [s.strip() for s in up.split(";\n") if s.strip()]
        sql = stmts[k - 1]
        t = re.search(r"(?:TABLE|INTO) (s\d_[ab])", sql)
        if not t:  # the sleep: nothing to redo
            return f"{mid}:{k + 1}"
        present = t.group(1) in cat.tables()
        took = present if sql.startswith("CREATE") else present and cat.count(t.group(1)) > 0
        return f"{mid}:{k + 1 if took else k}"
    return None


def one_engine(engine: str, flash: str, runs: int, pg_port: int, my_port: int, seed: int) -> tuple[bool, str]:
    rnd = random.Random(seed)
    base = tempfile.mkdtemp(prefix=f"flash-server-kill-{engine}-")
    server = Server(engine, base, pg_port, my_port)
    stats = dict(runs=runs, killed_mid_run=0, finished_before_kill=0, exit6=0, bad_exit=0, false_applied=0,
                 partial_left=0, partial_mysql=0, status_truthful=0, interrupted_statements_answered=0, rerun_ok=0)
    failures: list[str] = []
    migs = migrations(engine)
    try:
        server.start()
        admin = Catalog(engine, server.url, "")
        full = None
        for run in range(-1, runs):  # run -1: the timed full run that sets the range of kill points
            db = f"flash_sk_{run + 1}"
            admin.client.drop(db)
            admin.client.create(db)
            url = admin.client.db_url(db)
            project = os.path.join(base, f"project_{run + 1}")
            make_project(project, engine, [])
            for mid, text in migs:
                with open(os.path.join(project, "db", "migrations", mid + ".sql"), "w", encoding="utf-8") as f:
                    f.write(text)
            env = dict(os.environ, DATABASE_URL=url, NO_COLOR="1")
            start = time.monotonic()
            proc = subprocess.Popen([flash, "apply"], cwd=project, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL)
            if run < 0:
                out = proc.communicate(timeout=300)[0]
                if proc.returncode != 0:
                    raise RuntimeError(f"the timed full apply failed: {out}")
                full = time.monotonic() - start
                continue
            time.sleep(rnd.uniform(0.0, full))
            server.kill()
            out = proc.communicate(timeout=300)[0]
            ec = proc.returncode
            if ec == 0:
                stats["finished_before_kill"] += 1
            elif ec == 6:
                stats["killed_mid_run"] += 1
                stats["exit6"] += 1
            else:
                stats["killed_mid_run"] += 1
                stats["bad_exit"] += 1
                failures.append(f"run {run}: flash exited {ec} (want 6 or 0): {out[-300:]}")
            server.start()
            cat = Catalog(engine, server.url, db)
            hist = cat.history()
            tables = cat.tables()
            for m, (mid, _) in enumerate(migs, 1):
                mine = {f"s{m}_a", f"s{m}_b"}
                applied = hist.get(mid, (False, ""))[0]
                if applied:
                    ok = mine <= tables and all(cat.count(t) == EXPECTED_ROWS[t[-1]] for t in mine)
                    if not ok:
                        stats["false_applied"] += 1
                        failures.append(f"run {run}: {mid} recorded as applied but its tables/rows are not all there")
                elif mine & tables:
                    if engine == "postgresql":
                        stats["partial_left"] += 1
                        failures.append(f"run {run}: {mid} not recorded yet left {sorted(mine & tables)}")
                    else:
                        stats["partial_mysql"] += 1
            rc, sout = run_flash(flash, project, url, ["status", "--json"])
            try:
                doc = json.loads(sout[sout.index("{"):])
                states = {m["id"]: m["state"] for m in doc["migrations"]}
                truthful = all((states.get(mid) == "applied") == hist.get(mid, (False, ""))[0] for mid, _ in migs)
            except (ValueError, KeyError):
                truthful = False
            if truthful:
                stats["status_truthful"] += 1
            else:
                failures.append(f"run {run}: status --json disagrees with the history table: {sout[-400:]}")
            args = ["apply"]
            rc, rout = run_flash(flash, project, url, args)
            if rc == 3 and engine == "mysql" and "interrupted-statement" in rout:
                decision = resume_decision(cat, migs)
                if decision:
                    stats["interrupted_statements_answered"] += 1
                    rc, rout = run_flash(flash, project, url, args + ["--resume-at", decision])
            hist = cat.history()
            tables = cat.tables()
            complete = rc == 0 and all(hist.get(mid, (False, ""))[0] for mid, _ in migs) and all(
                f"s{m}_{x}" in tables and cat.count(f"s{m}_{x}") == EXPECTED_ROWS[x] for m in (1, 2, 3) for x in "ab")
            if complete:
                stats["rerun_ok"] += 1
            else:
                failures.append(f"run {run}: the rerun did not complete (exit {rc}): {rout[-400:]}")
            admin.client.drop(db)
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(base, ignore_errors=True)
    line = f"RELIABILITY crash server-kill {engine} " + " ".join(f"{k}={v}" for k, v in stats.items())
    print(line, flush=True)
    for f in failures:
        print(f"  FAIL {engine}: {f}", flush=True)
    return not failures, line


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--flash", required=True)
    long_mode = os.environ.get("FLASH_RELIABILITY_LONG", "0") not in ("", "0")
    ap.add_argument("--runs", type=int, default=20 if long_mode else 5)
    ap.add_argument("--engines", default="postgresql,mysql")
    ap.add_argument("--pg-port", type=int, default=54720)
    ap.add_argument("--mysql-port", type=int, default=33720)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("FLASH_TEST_SEED", "20261206")))
    a = ap.parse_args()
    ok = True
    for engine in a.engines.split(","):
        good, _ = one_engine(engine, os.path.abspath(a.flash), a.runs, a.pg_port, a.mysql_port, a.seed)
        ok = ok and good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

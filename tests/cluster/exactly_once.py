#!/usr/bin/env python3
"""Exactly-once `flash apply` on the cluster setups (scripts/cluster.sh; ctest -L cluster).

  exactly_once.py --flash BIN --setup pgbouncer [--runs 20] [--rounds 1]
  exactly_once.py --flash BIN --setup galera    [--runs 20] [--rounds 1]

Each round starts from an empty database and launches --runs `flash apply` processes at once:
  pgbouncer  all through PgBouncer in transaction pooling (FLASH_TEST_PGBOUNCER_URL) with
             [database] pooler = "pgbouncer": first the transactional migrations alone (only the
             transaction-scoped lock), then with a `notransaction` migration (CREATE INDEX
             CONCURRENTLY) that runs on direct_url_env (FLASH_TEST_PGBOUNCER_DIRECT_URL)
  galera     spread over the three nodes (FLASH_TEST_GALERA_URL1..3) with cluster = "galera"
Every migration inserts one row into `apply_count` (a table without a unique key on the
migration) and creates its table with IF NOT EXISTS, so a second execution would not fail: it
would show as a second row. Asserted through the engines' own clients (psql / mariadb) after each
round: every process exited 0; per migration exactly one apply_count row and exactly one finished
_flash_migrations row; each table (and the index) in the catalog (pg_catalog / information_schema,
on every Galera node). Also: through the pooler without direct_url_env the `notransaction`
migration is refused (exit 3, migrate.pooler-notransaction) before anything runs, and so is its
`flash down`; with direct_url_env the Down runs on the direct URL.
Exit 77 (ctest: skipped) only when the setup's package is missing (pgbouncer, galera-4); a setup
that is not started is a failure. Prints `CLUSTER <setup> exactly-once ...` lines for the report.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

MIGRATIONS = 5


def fail(msg: str) -> None:
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def pg_sql(url: str, sql: str) -> str:
    u = urllib.parse.urlparse(url)
    env = dict(os.environ, PGPASSWORD=urllib.parse.unquote(u.password or ""))
    r = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", u.hostname, "-p", str(u.port),
                        "-U", u.username, "-d", u.path.lstrip("/"), "-c", sql],
                       capture_output=True, text=True, env=env, timeout=120)
    if r.returncode != 0:
        fail(f"psql: {r.stderr.strip()}")
    return r.stdout.strip()


def my_sql(url: str, sql: str) -> str:
    u = urllib.parse.urlparse(url)
    r = subprocess.run(["mariadb", "--no-defaults", "--protocol=tcp", "-h", u.hostname, "-P", str(u.port),
                        "-u", u.username, f"-p{urllib.parse.unquote(u.password or '')}", "-N", "-B",
                        u.path.lstrip("/"), "-e", sql], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        fail(f"mariadb: {r.stderr.strip()}")
    return r.stdout.strip()


def write_project(root: Path, setup: str) -> None:
    (root / "db" / "migrations").mkdir(parents=True)
    (root / "db" / "schema").mkdir(parents=True)
    (root / "db" / "queries").mkdir(parents=True)
    if setup == "pgbouncer":
        toml = ('[database]\nprovider = "postgresql"\nurl_env = "DATABASE_URL"\npooler = "pgbouncer"\n'
                'direct_url_env = "DIRECT_DATABASE_URL"\n')
        count = "CREATE TABLE IF NOT EXISTS apply_count (migration TEXT NOT NULL, at TIMESTAMPTZ DEFAULT now())"
    else:
        toml = '[database]\nprovider = "mysql"\nurl_env = "DATABASE_URL"\ncluster = "galera"\n'
        count = ("CREATE TABLE IF NOT EXISTS apply_count (n BIGINT AUTO_INCREMENT PRIMARY KEY, "
                 "migration VARCHAR(64) NOT NULL) ENGINE=InnoDB")
    (root / "flash.toml").write_text(toml)
    for k in range(1, MIGRATIONS + 1):
        mid = f"2026010100000{k}_m{k}"
        up = [count] if k == 1 else []
        up.append(f"CREATE TABLE IF NOT EXISTS t{k} (id BIGINT PRIMARY KEY, v VARCHAR(20))")
        up.append(f"INSERT INTO apply_count (migration) VALUES ('m{k}')")
        body = "-- +migrate Up\n" + "".join(s + ";\n" for s in up) + f"\n-- +migrate Down\nDROP TABLE t{k};\n"
        (root / "db" / "migrations" / f"{mid}.sql").write_text(body)


def add_concurrently(root: Path) -> None:
    """A section without a transaction: through the pooler only on the direct URL."""
    (root / "db" / "migrations" / "20260101000009_concurrently.sql").write_text(
        "-- +migrate Up notransaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t1_v ON t1 (v);\n"
        "INSERT INTO apply_count (migration) VALUES ('concurrently');\n"
        "\n-- +migrate Down notransaction\nDROP INDEX CONCURRENTLY t1_v;\n")


def down_through_pooler(flash: str, root: Path, url: str, direct: str, admin: str) -> None:
    """`flash down` of the notransaction migration through the pooler: refused before anything runs
    without direct_url_env, run on the direct URL (under its session lock) with it."""
    mid = "20260101000009_concurrently"
    live = ("SELECT count(*) FROM _flash_migrations WHERE id = '" + mid +
            "' AND finished_at IS NOT NULL AND rolled_back_at IS NULL")
    index = "SELECT count(*) FROM pg_catalog.pg_class WHERE relname = 't1_v'"
    base = dict(os.environ, NO_COLOR="1", DATABASE_URL=url)
    r = subprocess.run([flash, "down", "--json"], cwd=root, env=base, capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=120)
    if r.returncode != 3 or "migrate.pooler-notransaction" not in r.stdout + r.stderr:
        fail(f"down without direct_url_env: exit {r.returncode}, {r.stdout}{r.stderr}")
    if pg_sql(admin, index) != "1" or pg_sql(admin, live) != "1":
        fail("the refused rollback changed something")
    r = subprocess.run([flash, "down", "--json"], cwd=root, env=dict(base, DIRECT_DATABASE_URL=direct),
                       capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    if r.returncode != 0 or json.loads(r.stdout).get("rolled_back") != [mid]:
        fail(f"down with direct_url_env: exit {r.returncode}, {r.stdout}{r.stderr}")
    if pg_sql(admin, index) != "0" or pg_sql(admin, live) != "0":
        fail("down with direct_url_env: the index or its history row is still there")
    print(f"down through the pooler: refused without direct_url_env (exit 3, nothing changed); with it "
          f"{mid} rolled back on the direct URL (index dropped, history row rolled back)")


def run_many(flash: str, root: Path, urls: list[str], extra_env: dict[str, str], runs: int) -> list[tuple[int, str]]:
    procs = []
    for i in range(runs):
        env = dict(os.environ, NO_COLOR="1", DATABASE_URL=urls[i % len(urls)], **extra_env)
        procs.append(subprocess.Popen([flash, "apply", "--no-check", "--no-lint", "--lock-timeout", "60"],
                                      cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True))
    out = []
    for p in procs:
        text, _ = p.communicate(timeout=600)
        out.append((p.returncode, text))
    return out


def check_pg(url: str, ids: list[str]) -> None:
    counts = pg_sql(url, "SELECT migration || '=' || count(*) FROM apply_count GROUP BY migration ORDER BY 1")
    concurrently = any(i.endswith("_concurrently") for i in ids)
    want = sorted([f"m{k}=1" for k in range(1, MIGRATIONS + 1)] + (["concurrently=1"] if concurrently else []))
    if sorted(counts.split()) != want:
        fail(f"apply_count: {counts.split()} (want {want})")
    rows = pg_sql(url, "SELECT id || '=' || count(*) FILTER (WHERE finished_at IS NOT NULL) || '/' || count(*) "
                       "FROM _flash_migrations GROUP BY id ORDER BY id")
    if rows.split() != [f"{i}=1/1" for i in ids]:
        fail(f"_flash_migrations: {rows.split()}")
    tables = pg_sql(url, "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_catalog.pg_class c "
                         "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                         "WHERE n.nspname = 'public' AND c.relkind = 'r' AND relname LIKE 't_'")
    if tables != ",".join(f"t{k}" for k in range(1, MIGRATIONS + 1)):
        fail(f"pg_class tables: {tables}")
    valid = pg_sql(url, "SELECT x.indisvalid FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class c "
                        "ON c.oid = x.indexrelid WHERE c.relname = 't1_v'")
    if concurrently and valid != "t":
        fail(f"index t1_v valid: {valid!r}")


def check_galera(urls: list[str], ids: list[str]) -> None:
    for n, url in enumerate(urls, 1):
        counts = my_sql(url, "SELECT CONCAT(migration, '=', COUNT(*)) FROM apply_count GROUP BY migration ORDER BY 1")
        want = [f"m{k}=1" for k in range(1, MIGRATIONS + 1)]
        if counts.split() != want:
            fail(f"node {n}: apply_count {counts.split()} (want {want})")
        rows = my_sql(url, "SELECT CONCAT(id, '=', SUM(finished_at IS NOT NULL), '/', COUNT(*)) "
                           "FROM _flash_migrations GROUP BY id ORDER BY id")
        if rows.split() != [f"{i}=1/1" for i in ids]:
            fail(f"node {n}: _flash_migrations {rows.split()}")
        tables = my_sql(url, "SELECT GROUP_CONCAT(table_name ORDER BY table_name) FROM information_schema.tables "
                             "WHERE table_schema = DATABASE() AND table_name REGEXP '^t[0-9]$' AND engine = 'InnoDB'")
        if tables != ",".join(f"t{k}" for k in range(1, MIGRATIONS + 1)):
            fail(f"node {n}: information_schema tables {tables}")
        size = my_sql(url, "SHOW STATUS LIKE 'wsrep_cluster_size'").split()[-1]
        if size != "3":
            fail(f"node {n}: wsrep_cluster_size {size}")


def check_galera_lint(flash: str) -> None:
    """The galera.* lint rules: on with cluster = "galera", off without (same migration)."""
    import json
    want = {"galera.no-primary-key", "galera.non-innodb", "galera.lock-tables", "galera.large-transaction"}
    for cluster, expect in (('cluster = "galera"\n', want), ("", set())):
        with tempfile.TemporaryDirectory(prefix="flash-galera-lint-") as tmp:
            root = Path(tmp)
            for d in ("migrations", "schema", "queries"):
                (root / "db" / d).mkdir(parents=True)
            (root / "flash.toml").write_text('[database]\nprovider = "mysql"\n' + cluster)
            (root / "db" / "migrations" / "20260101000001_a.sql").write_text(
                "-- +migrate Up\nCREATE TABLE t1 (id BIGINT PRIMARY KEY, v VARCHAR(20));\n"
                "CREATE TABLE nopk (a INT) ENGINE=MyISAM;\n\n-- +migrate Down\nDROP TABLE nopk;\nDROP TABLE t1;\n")
            (root / "db" / "migrations" / "20260101000002_b.sql").write_text(
                "-- +migrate Up\nLOCK TABLES t1 WRITE;\nUPDATE t1 SET v = 'x';\nUNLOCK TABLES;\n\n-- +migrate Down\n")
            r = subprocess.run([flash, "--json", "lint", "--offline"], cwd=root, capture_output=True, text=True,
                               env=dict(os.environ, NO_COLOR="1"), stdin=subprocess.DEVNULL, timeout=120)
            try:
                found = {f["code"] for f in json.loads(r.stdout)["findings"]} & (want | {"x"})
            except (ValueError, KeyError) as e:
                fail(f"flash lint --json: {e}: {r.stdout}{r.stderr}")
            if found != expect:
                fail(f"lint with {cluster.strip() or 'no cluster'}: galera findings {sorted(found)}, want {sorted(expect)}")
    print("galera lint: the 4 galera.* rules fire with cluster = \"galera\" and stay off without it")


def reset_pg(url: str) -> None:
    pg_sql(url, "DROP SCHEMA public CASCADE; CREATE SCHEMA public")


def reset_galera(url: str) -> None:
    my_sql(url, "DROP DATABASE IF EXISTS flash_test; CREATE DATABASE flash_test CHARACTER SET utf8mb4")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--flash", required=True)
    ap.add_argument("--setup", choices=["pgbouncer", "galera"], required=True)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=1)
    a = ap.parse_args()

    if a.setup == "pgbouncer":
        if not shutil.which("pgbouncer") and not os.path.exists("/usr/sbin/pgbouncer"):
            print("SKIP: pgbouncer is not installed (Debian package pgbouncer; scripts/install-deps.sh)")
            sys.exit(77)
        url = os.environ.get("FLASH_TEST_PGBOUNCER_URL")
        direct = os.environ.get("FLASH_TEST_PGBOUNCER_DIRECT_URL")
        if not url or not direct:
            fail("FLASH_TEST_PGBOUNCER_URL is not set: eval \"$(scripts/cluster.sh start pgbouncer)\" first")
        urls, admin = [url], direct
    else:
        if not os.path.exists("/usr/lib/galera/libgalera_smm.so"):
            print("SKIP: galera-4 is not installed (Debian package galera-4; scripts/install-deps.sh)")
            sys.exit(77)
        urls = [os.environ.get(f"FLASH_TEST_GALERA_URL{k}", "") for k in (1, 2, 3)]
        if not all(urls):
            fail("FLASH_TEST_GALERA_URL1..3 are not set: eval \"$(scripts/cluster.sh start galera)\" first")
        admin = urls[0]
        check_galera_lint(a.flash)

    with tempfile.TemporaryDirectory(prefix=f"flash-{a.setup}-") as tmp:
        root = Path(tmp)
        write_project(root, a.setup)
        reset = reset_pg if a.setup == "pgbouncer" else reset_galera
        check = (lambda ids: check_pg(admin, ids)) if a.setup == "pgbouncer" else (lambda ids: check_galera(urls, ids))
        phases = [("transactional migrations" if a.setup == "pgbouncer" else "migrations", {})]
        if a.setup == "pgbouncer":
            phases.append(("with a notransaction migration on direct_url_env", {"DIRECT_DATABASE_URL": direct}))
        total_runs = applied_total = 0
        for phase, extra in phases:
            if extra:
                add_concurrently(root)
                # Without direct_url_env the notransaction migration is refused before anything runs.
                r = subprocess.run([a.flash, "apply", "--no-check", "--no-lint", "--json"], cwd=root,
                                   env=dict(os.environ, NO_COLOR="1", DATABASE_URL=url), capture_output=True,
                                   text=True, stdin=subprocess.DEVNULL, timeout=120)
                if r.returncode != 3 or "migrate.pooler-notransaction" not in r.stdout + r.stderr:
                    fail(f"without direct_url_env: exit {r.returncode}, {r.stdout}{r.stderr}")
                if pg_sql(admin, "SELECT count(*) FROM pg_catalog.pg_class WHERE relname = 't1_v'") != "0":
                    fail("the refused run executed something")
            ids = sorted(p.stem for p in (root / "db" / "migrations").glob("*.sql"))
            for rnd in range(1, a.rounds + 1):
                reset(admin)
                t0 = time.monotonic()
                results = run_many(a.flash, root, urls, extra, a.runs)
                secs = time.monotonic() - t0
                bad = [(rc, out) for rc, out in results if rc != 0]
                if bad:
                    fail(f"{phase}, round {rnd}: {len(bad)} of {a.runs} runs failed; first: exit {bad[0][0]}\n{bad[0][1]}")
                applied = sum(out.count("Applied 2026") for _, out in results)
                skipped = sum(out.count("Skipped ") for _, out in results)
                if applied != len(ids):
                    fail(f"{phase}, round {rnd}: the runs say they applied {applied} migrations, want {len(ids)}")
                if a.setup == "galera":
                    time.sleep(0.2)
                check(ids)
                total_runs += a.runs
                applied_total += applied
                print(f"{phase}, round {rnd}: {a.runs} concurrent runs in {secs:.1f}s: {applied} applications of "
                      f"{len(ids)} migrations, {skipped} skipped in-transaction as done by another run")
        if a.setup == "pgbouncer":
            down_through_pooler(a.flash, root, url, direct, admin)
        print(f"CLUSTER {a.setup} exactly-once: {total_runs} concurrent runs ({len(phases)} phase(s) x {a.rounds} "
              f"round(s)), {applied_total} applications, each migration exactly once (apply_count, "
              f"_flash_migrations, catalog{' on all 3 nodes' if a.setup == 'galera' else ''}); 0 failed runs")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Write stalls of a migration under a concurrent writer: the naive plan vs `flash migrate --online`.

    bench/online/stall.py --flash build/bin/flash [--rows 1000000] [--engines postgresql,mysql] [--json OUT]

For each engine (a scratch database next to FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL, as scripts/db.sh
prints them), a Flash project whose first migration creates `items` (id, v, note); `--rows` rows are
loaded; then, for the naive plan and for the online plan in turn:
  a writer thread inserts one row per statement (autocommit) as fast as it can and records each
  insert's latency, while `flash apply` runs the change — PostgreSQL: CREATE INDEX on `v`;
  MySQL/MariaDB: ADD COLUMN plus an index on `v` —, then `flash down` undoes it before the next plan.
Reported per plan: the apply's wall time, the writer's longest single insert (the write stall), its
99th percentile, inserts done, and writer errors. Timings are measured here, never asserted; the
CI test (ctest online_stall) runs it small and checks only that both plans ran with 0 writer errors
and the migration took effect.

Drivers: psycopg and PyMySQL from tests/clients/python/.venv (scripts/install-deps.sh).
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse


def connect(engine, url, autocommit=True):
    if engine == "postgresql":
        import psycopg
        return psycopg.connect(url, autocommit=autocommit)
    import pymysql
    u = urllib.parse.urlparse(url)
    return pymysql.connect(host=u.hostname, port=u.port or 3306, user=urllib.parse.unquote(u.username or ""),
                           password=urllib.parse.unquote(u.password or ""), database=u.path.lstrip("/"),
                           autocommit=autocommit)


def scratch(engine, admin_url):
    name = "flash_stall_%d_%d" % (os.getpid(), random.randint(0, 99999))
    c = connect(engine, admin_url)
    c.cursor().execute("CREATE DATABASE " + name)
    c.close()
    u = urllib.parse.urlparse(admin_url)
    return name, urllib.parse.urlunparse(u._replace(path="/" + name))


def drop(engine, admin_url, name):
    c = connect(engine, admin_url)
    c.cursor().execute("DROP DATABASE IF EXISTS " + name + (" WITH (FORCE)" if engine == "postgresql" else ""))
    c.close()


class Writer(threading.Thread):
    def __init__(self, engine, url):
        super().__init__(daemon=True)
        self.engine, self.url = engine, url
        self.stop = threading.Event()
        self.latencies, self.errors = [], []

    def run(self):
        c = connect(self.engine, self.url)
        cur = c.cursor()
        ph = "%s"
        n = 0
        while not self.stop.is_set():
            n += 1
            t = time.perf_counter()
            try:
                cur.execute("INSERT INTO items (v, note) VALUES (%s, %s)" % (ph, ph), (n % 1000, "w"))
            except Exception as e:  # noqa: BLE001 - every failure is a figure
                self.errors.append(str(e).splitlines()[0])
                time.sleep(0.01)
                continue
            self.latencies.append(time.perf_counter() - t)
        c.close()


def flash(args, root, url, env_extra=None):
    env = dict(os.environ, DATABASE_URL=url, NO_COLOR="1")
    r = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, timeout=3600)
    if r.returncode != 0:
        raise RuntimeError("%s failed (%d): %s%s" % (" ".join(args[1:]), r.returncode, r.stdout, r.stderr))
    return r


def load(engine, url, rows):
    c = connect(engine, url)
    cur = c.cursor()
    if engine == "postgresql":
        cur.execute("INSERT INTO items (v, note) SELECT g %% 1000, 'seed' FROM generate_series(1, %d) g" % rows)
        cur.execute("ANALYZE items")
    else:
        cur.execute("INSERT INTO items (v, note) SELECT seq %% 1000, 'seed' FROM seq_1_to_%d" % rows)
        cur.execute("ANALYZE TABLE items")
    c.close()


def run_engine(engine, admin_url, flash_bin, rows):
    name, url = scratch(engine, admin_url)
    root = tempfile.mkdtemp(prefix="flash-stall-")
    out = {"engine": engine, "rows": rows, "plans": {}}
    try:
        os.makedirs(os.path.join(root, "db", "schema"))
        with open(os.path.join(root, "flash.toml"), "w") as f:
            f.write('version = "2"\nschema_dir = "db/schema"\nmigrations_path = "db/migrations"\n'
                    '[database]\nprovider = "%s"\nurl_env = "DATABASE_URL"\n' % engine)
        serial = "BIGSERIAL" if engine == "postgresql" else "BIGINT AUTO_INCREMENT"
        base = "CREATE TABLE items (id %s PRIMARY KEY, v INTEGER NOT NULL, note VARCHAR(40));\n" % serial
        schema = os.path.join(root, "db", "schema", "schema.sql")
        open(schema, "w").write(base)
        flash([flash_bin, "migrate", "base"], root, url)
        flash([flash_bin, "apply"], root, url)
        load(engine, url, rows)
        if engine == "postgresql":  # an index on the loaded table
            change = base + "CREATE INDEX items_v ON items (v);\n"
        else:  # a column and an index
            change = ("CREATE TABLE items (id %s PRIMARY KEY, v INTEGER NOT NULL, note VARCHAR(40), tag VARCHAR(20));\n"
                      "CREATE INDEX items_v ON items (v);\n" % serial)
        open(schema, "w").write(change)
        for plan in ("naive", "online"):
            args = [flash_bin, "migrate", "change_" + plan] + (["--online"] if plan == "online" else [])
            flash(args, root, url)
            w = Writer(engine, url)
            w.start()
            time.sleep(1.0)  # the writer's steady state before the change
            t = time.perf_counter()
            flash([flash_bin, "apply", "--no-lint"], root, url)
            apply_s = time.perf_counter() - t
            time.sleep(0.5)
            w.stop.set()
            w.join()
            lat = sorted(w.latencies)
            c = connect(engine, url)
            cur = c.cursor()
            if engine == "postgresql":
                cur.execute("SELECT count(*) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                            "WHERE i.relname = 'items_v' AND x.indisvalid")
            else:
                cur.execute("SELECT count(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
                            "AND TABLE_NAME = 'items' AND INDEX_NAME = 'items_v'")
            applied = cur.fetchone()[0] > 0
            c.close()
            out["plans"][plan] = {
                "apply_seconds": round(apply_s, 3),
                "max_stall_ms": round(lat[-1] * 1000, 1) if lat else None,
                "p99_ms": round(lat[int(len(lat) * 0.99) - 1] * 1000, 2) if lat else None,
                "inserts": len(lat), "writer_errors": len(w.errors), "first_error": w.errors[0] if w.errors else "",
                "applied": applied,
            }
            # Undo, and drop the migration file, so the next plan starts from the same table.
            flash([flash_bin, "down", "--accept-data-loss", "--no-backup"], root, url)
            migs = os.path.join(root, "db", "migrations")
            for f in os.listdir(migs):
                if "_change_" in f:
                    os.remove(os.path.join(migs, f))
    finally:
        shutil.rmtree(root, ignore_errors=True)
        drop(engine, admin_url, name)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--flash", required=True)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--engines", default="postgresql,mysql")
    ap.add_argument("--json")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 unless every plan applied with 0 writer errors (the CI test)")
    a = ap.parse_args()
    urls = {"postgresql": os.environ.get("FLASH_TEST_PG_URL"), "mysql": os.environ.get("FLASH_TEST_MYSQL_URL")}
    results, failed = [], False
    for engine in a.engines.split(","):
        if not urls.get(engine):
            print("online stall: %s URL not set (scripts/db.sh prints it)" % engine, file=sys.stderr)
            sys.exit(1)
        results.append(run_engine(engine, urls[engine], os.path.abspath(a.flash), a.rows))
    print("| engine | rows | plan | apply (s) | longest insert (ms) | p99 insert (ms) | inserts | writer errors |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        for plan, p in r["plans"].items():
            print("| %s | %d | %s | %s | %s | %s | %d | %d |" % (r["engine"], r["rows"], plan, p["apply_seconds"],
                  p["max_stall_ms"], p["p99_ms"], p["inserts"], p["writer_errors"]))
            print("RELIABILITY online-stall %s_%s %s rows=%d apply_s=%s max_stall_ms=%s p99_ms=%s writer_errors=%d"
                  % (plan, "index" if r["engine"] == "postgresql" else "column_index", r["engine"], r["rows"],
                     p["apply_seconds"], p["max_stall_ms"], p["p99_ms"], p["writer_errors"]))
            failed = failed or not p["applied"] or p["writer_errors"] > 0
    if a.json:
        json.dump(results, open(a.json, "w"), indent=2)
    if a.check and failed:
        print("online stall: a plan did not apply, or the writer saw errors", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

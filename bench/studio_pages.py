#!/usr/bin/env python3
"""Flash Studio page timings (issue 12, "Speed"): a table of N rows (default 1,000,000) on a fresh
database, `flash studio` on it, then the first, a middle and the last page of 50 rows sorted by the key,
each fetched 5 times; prints the server time the API reports (server_ms: the query) and the request's
wall time. Then the first load as a browser makes it: index.html and the files it loads at once (script,
stylesheet, modulepreload), each asked with Chromium's Accept-Encoding ("gzip, deflate, br"), 5 times;
prints the median total time and the bytes sent per file. Standard library only; the database is filled with the engine's own client.
  bench/studio_pages.py FLASH_BINARY sqlite|postgresql|mysql [--rows N]
PostgreSQL/MySQL take FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL (scripts/db.sh)."""
from studio_session import start_studio
import argparse, json, os, re, subprocess, sys, tempfile, time, urllib.parse, urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("flash"); ap.add_argument("engine"); ap.add_argument("--rows", type=int, default=1_000_000)
a = ap.parse_args()
work = tempfile.mkdtemp(prefix="flash-studio-bench-")
n = a.rows
fill = (f"CREATE TABLE big (id BIGINT PRIMARY KEY, name VARCHAR(40), v INTEGER);\n")
if a.engine == "sqlite":
    db = os.path.join(work, "b.db"); url = "sqlite://" + db
    subprocess.run(["sqlite3", db], input=fill + f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM s WHERE i<{n}) "
                   "INSERT INTO big SELECT i, 'name ' || i, i % 1000 FROM s;", text=True, check=True)
    drop = lambda: None
else:
    base = urllib.parse.urlparse(os.environ["FLASH_TEST_PG_URL" if a.engine == "postgresql" else "FLASH_TEST_MYSQL_URL"])
    name = f"flash_studio_bench_{os.getpid()}"
    if a.engine == "postgresql":
        env = {**os.environ, "PGPASSWORD": base.password}
        psql = lambda d, sql: subprocess.run(["psql", "-h", base.hostname, "-p", str(base.port), "-U", base.username, "-d", d, "-qAtX",
                                               "-v", "ON_ERROR_STOP=1"], input=sql, text=True, env=env, check=True)
        psql(base.path[1:], f"CREATE DATABASE {name}")
        psql(name, fill + f"INSERT INTO big SELECT i, 'name ' || i, i % 1000 FROM generate_series(1, {n}) i; ANALYZE big;")
        drop = lambda: psql(base.path[1:], f"DROP DATABASE {name} WITH (FORCE)")
    else:
        my = lambda d, sql: subprocess.run(["mariadb", "-h", base.hostname, "-P", str(base.port), "-u", base.username,
                                            f"-p{base.password}", *([d] if d else [])], input=sql, text=True, check=True)
        my("", f"CREATE DATABASE {name}")
        my(name, fill + f"INSERT INTO big SELECT seq, CONCAT('name ', seq), seq % 1000 FROM seq_1_to_{n}; ANALYZE TABLE big;")
        drop = lambda: my("", f"DROP DATABASE {name}")
    url = f"{base.scheme}://{base.username}:{base.password}@{base.hostname}:{base.port}/{name}"
with open(os.path.join(work, "flash.toml"), "w") as f:
    f.write(f'version = "2"\nschema_dir = "db/schema"\n\n[database]\nprovider = "{a.engine}"\nurl_env = "DATABASE_URL"\n')
p, origin, opener = start_studio(a.flash, work, url)
try:
    def page(q):
        t = time.perf_counter()
        body = json.loads(opener.open(origin + "/api/rows?q=" + urllib.parse.quote(json.dumps(q))).read())
        return body, (time.perf_counter() - t) * 1000
    t = time.perf_counter(); tables = json.loads(opener.open(origin + "/api/tables").read()); tt = (time.perf_counter() - t) * 1000
    print(f"{a.engine}: {n:,} rows; /api/tables {tt:.1f} ms (count: {tables['tables'][0]['count']} {tables['tables'][0]['rows']:,})")
    for label, q in [("first", {"table": "big"}), ("middle", {"table": "big", "after": [n // 2]}), ("last", {"table": "big", "last": True})]:
        runs = [page({**q, "limit": 50}) for _ in range(5)]
        srv = sorted(r[0]["server_ms"] for r in runs); wall = sorted(r[1] for r in runs)
        assert len(runs[0][0]["rows"]) == 50
        print(f"  {label:6} page: server {srv[2]:.2f} ms median (max {srv[-1]:.2f}), request {wall[2]:.2f} ms median")
    def fetch(path, accept="gzip, deflate, br"):
        req = urllib.request.Request(origin + path, headers={"Accept-Encoding": accept})
        with opener.open(req) as r:
            return r.read(), r.headers.get("Content-Encoding") or "identity"
    refs = re.findall(r'(?:src|href)="(/assets/[^"]+)"', fetch("/", "identity")[0].decode())
    loads = []
    for _ in range(5):
        t = time.perf_counter()
        html, enc = fetch("/")
        sent = [("index.html", len(html), enc)]
        for ref in refs:
            body, enc = fetch(ref)
            sent.append((ref.split("/")[-1], len(body), enc))
        loads.append((time.perf_counter() - t) * 1000)
    loads.sort()
    print(f"  first load (index.html + initial assets): {loads[2]:.1f} ms median (max {loads[-1]:.1f}); "
          + ", ".join(f"{n} {b:,} B {e}" for n, b, e in sent))
finally:
    p.terminate(); p.wait(); drop()

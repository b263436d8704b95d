#!/usr/bin/env python3
"""Generated clients through PgBouncer in transaction pooling (scripts/cluster.sh pgbouncer; ctest -L cluster).

  clients_pgbouncer.py --flash BIN [--workers 20] [--iters 50]

A project with [database] pooler = "pgbouncer" is generated for TypeScript (pg), Python (asyncpg) and Go (pgx/v5). Each client
then runs --workers concurrent workers (one pool, --workers connections; PgBouncer has 4 server connections), each
--iters times an :one upsert and an :one read, through PgBouncer and directly, with its pooler setting:
  TypeScript pg   [gen.js] prepared = false, the default under pooler = "pgbouncer" (unnamed statements)
  Python asyncpg  statement_cache_size=0 (docs/poolers.md)
  Go pgx/v5       default_query_exec_mode=exec on the URL (docs/poolers.md)
Asserted: no error, and the counter the workers incremented holds workers x iters (read with psql). The same
workload with the drivers' defaults (named prepared statements: `prepared = true`, asyncpg's statement cache, pgx's statement cache) is run
through PgBouncer too and its error count printed, not asserted (which server connection a client lands on is up to
the pooler). Prints `CLUSTER pooler-overhead ...` lines (ops/s direct vs through PgBouncer) for docs/poolers.md.
Exit 77 (skipped) only when pgbouncer is not installed; go, node and the client test dependencies are required.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_PY = ROOT / "tests" / "clients" / "python" / ".venv" / "bin" / "python"
NODE_MODULES = ROOT / "tests" / "clients" / "ts" / "node_modules"

SCHEMA = "CREATE TABLE counters (\n  name  TEXT PRIMARY KEY,\n  value BIGINT NOT NULL\n);\n"
QUERIES = """-- name: UpsertCounter :one
INSERT INTO counters (name, value) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET value = counters.value + EXCLUDED.value
RETURNING value;

-- name: GetCounter :one
SELECT * FROM counters WHERE name = $1;
"""

PY_WORKLOAD = """
import asyncio, json, sys, time
import asyncpg
sys.path.insert(0, sys.argv[1])
from client import counters

async def main(url, safe, workers, iters, name):
    kw = {"statement_cache_size": 0} if safe else {}
    pool = await asyncpg.create_pool(url, min_size=workers, max_size=workers, **kw)
    errors, first = 0, ""
    async def worker():
        nonlocal errors, first
        for _ in range(iters):
            try:
                async with pool.acquire() as c:
                    q = counters.Queries(c)
                    await q.upsert_counter(name=name, value=1)
                    await q.get_counter(name=name)
            except Exception as e:
                errors += 1
                first = first or f"{type(e).__name__}: {e}"
    t0 = time.monotonic()
    await asyncio.gather(*[worker() for _ in range(workers)])
    secs = time.monotonic() - t0
    await pool.close()
    print(json.dumps({"ops": 2 * workers * iters, "secs": secs, "errors": errors, "first": first}))

asyncio.run(main(sys.argv[2], sys.argv[3] == "safe", int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]))
"""

JS_WORKLOAD = """
import pg from "pg";
const [gen, url, workers, iters, name] = process.argv.slice(2);
const { Queries } = await import(gen);
const pool = new pg.Pool({ connectionString: url, max: Number(workers) });
const q = new Queries(pool);
let errors = 0, first = "";
const t0 = performance.now();
await Promise.all(Array.from({ length: Number(workers) }, async () => {
  for (let i = 0; i < Number(iters); i++) {
    try {
      await q.upsertCounter({ name, value: 1 });
      await q.getCounter({ name });
    } catch (e) {
      errors++;
      first ||= String(e.message ?? e);
    }
  }
}));
const secs = (performance.now() - t0) / 1000;
await pool.end();
console.log(JSON.stringify({ ops: 2 * Number(workers) * Number(iters), secs, errors, first }));
"""

GO_WORKLOAD = """// --workers goroutines on one pgxpool, each --iters times UpsertCounter and GetCounter (clients_pgbouncer.py).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"flashclients/gen/counters/db"
)

func main() {
	ctx := context.Background()
	url, name := os.Args[1], os.Args[4]
	workers, _ := strconv.Atoi(os.Args[2])
	iters, _ := strconv.Atoi(os.Args[3])
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cfg.MaxConns, cfg.MinConns = int32(workers), int32(workers)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer pool.Close()
	q := db.New(pool)
	var mu sync.Mutex
	errs, first := 0, ""
	var wg sync.WaitGroup
	t0 := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < iters; i++ {
				_, err := q.UpsertCounter(ctx, db.UpsertCounterParams{Name: name, Value: 1})
				if err == nil {
					_, err = q.GetCounter(ctx, name)
				}
				if err != nil {
					mu.Lock()
					errs++
					if first == "" {
						first = err.Error()
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	out, _ := json.Marshal(map[string]any{"ops": 2 * workers * iters, "secs": time.Since(t0).Seconds(), "errors": errs, "first": first})
	fmt.Println(string(out))
}
"""
GO_MODULE = ROOT / "tests" / "clients" / "go"  # its go.mod (module flashclients) pins pgx/v5


def fail(msg: str) -> None:
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def psql(url: str, sql: str) -> str:
    u = urllib.parse.urlparse(url)
    env = dict(os.environ, PGPASSWORD=urllib.parse.unquote(u.password or ""))
    r = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", u.hostname, "-p", str(u.port),
                        "-U", u.username, "-d", u.path.lstrip("/"), "-c", sql],
                       capture_output=True, text=True, env=env, timeout=120)
    if r.returncode != 0:
        fail(f"psql: {r.stderr.strip()}")
    return r.stdout.strip()


def gen(flash: str, root: Path, url: str, config: str) -> None:
    r = subprocess.run([flash, "-c", config, "--force", "gen"], cwd=root, capture_output=True, text=True,
                       env=dict(os.environ, NO_COLOR="1", DATABASE_URL=url), stdin=subprocess.DEVNULL, timeout=300)
    if r.returncode != 0:
        fail(f"flash gen ({config}): exit {r.returncode}\n{r.stdout}{r.stderr}")


def run(cmd: list[str], cwd: Path) -> dict:
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        fail(f"{' '.join(cmd[:2])}: exit {r.returncode}\n{r.stdout}{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--flash", required=True)
    ap.add_argument("--workers", type=int, default=20)
    ap.add_argument("--iters", type=int, default=50)
    a = ap.parse_args()
    if not shutil.which("pgbouncer") and not os.path.exists("/usr/sbin/pgbouncer"):
        print("SKIP: pgbouncer is not installed (Debian package pgbouncer; scripts/install-deps.sh)")
        sys.exit(77)
    pooled, direct = os.environ.get("FLASH_TEST_PGBOUNCER_URL"), os.environ.get("FLASH_TEST_PGBOUNCER_DIRECT_URL")
    if not pooled or not direct:
        fail("FLASH_TEST_PGBOUNCER_URL is not set: eval \"$(scripts/cluster.sh start pgbouncer)\" first")
    if not VENV_PY.exists() or not (NODE_MODULES / "pg").exists() or shutil.which("go") is None:
        fail("the client test dependencies are missing (tests/clients/python/.venv, tests/clients/ts/node_modules, go): "
             "run scripts/install-deps.sh")

    with tempfile.TemporaryDirectory(prefix="flash-pgbouncer-clients-") as tmp:
        root = Path(tmp)
        (root / "queries").mkdir()
        (root / "schema.sql").write_text(SCHEMA)
        (root / "queries" / "counters.sql").write_text(QUERIES)
        base = ('version = "2"\nschema_dir = "schema.sql"\nqueries = "queries"\n'
                '[database]\nprovider = "postgresql"\nurl_env = "DATABASE_URL"\npooler = "pgbouncer"\n')
        (root / "flash.toml").write_text(
            base + '[gen.js]\nenabled = true\nout = "gen/ts"\ndriver = "pg"\nemit = "js"\n'
                   '[gen.python]\nenabled = true\nout = "client"\nasync = true\ndriver = "asyncpg"\n'
                   '[gen.go]\nenabled = true\nout = "go/gen/counters/db"\npackage = "db"\n')
        (root / "named.toml").write_text(base + '[gen.js]\nenabled = true\nout = "gen/named"\ndriver = "pg"\nemit = "js"\nprepared = true\n')
        gen(a.flash, root, pooled, "flash.toml")
        gen(a.flash, root, pooled, "named.toml")
        unnamed_js = (root / "gen" / "ts" / "queries.js").read_text()
        if "query({ name" in unnamed_js:
            fail("pooler = \"pgbouncer\": the pg client still names its statements")
        if "query({ name" not in (root / "gen" / "named" / "queries.js").read_text():
            fail("prepared = true: the pg client does not name its statements")
        (root / "node_modules").symlink_to(NODE_MODULES)
        (root / "py_workload.py").write_text(PY_WORKLOAD)
        (root / "js_workload.mjs").write_text(JS_WORKLOAD)
        go_dir = root / "go"
        for f in ("go.mod", "go.sum"):
            shutil.copy(GO_MODULE / f, go_dir / f)
        (go_dir / "cmd").mkdir()
        (go_dir / "cmd" / "main.go").write_text(GO_WORKLOAD)
        go_env = dict(os.environ, GOFLAGS="-mod=mod", GOTOOLCHAIN="local")
        for cmd in (["go", "vet", "./..."], ["go", "build", "-o", "workload", "./cmd"]):
            r = subprocess.run(cmd, cwd=go_dir, capture_output=True, text=True, env=go_env, timeout=600)
            if r.returncode != 0:
                fail(f"{' '.join(cmd)}: exit {r.returncode}\n{r.stdout}{r.stderr}")
        psql(direct, "DROP TABLE IF EXISTS counters; " + SCHEMA)

        def py(url: str, safe: bool, name: str) -> dict:
            return run([str(VENV_PY), "py_workload.py", str(root), url, "safe" if safe else "default",
                        str(a.workers), str(a.iters), name], root)

        def js(url: str, gen_dir: str, name: str) -> dict:
            return run(["node", "js_workload.mjs", str(root / gen_dir / "queries.js"), url, str(a.workers),
                        str(a.iters), name], root)

        def go(url: str, safe: bool, name: str) -> dict:
            if safe:  # pgx: no named statement, no describe cache (one round trip, unnamed)
                url += ("&" if "?" in url else "?") + "default_query_exec_mode=exec"
            return run([str(go_dir / "workload"), url, str(a.workers), str(a.iters), name], root)

        want = str(a.workers * a.iters)
        for client, runner in (("python-asyncpg", lambda u, n: py(u, True, n)),
                               ("ts-pg", lambda u, n: js(u, "gen/ts", n)),
                               ("go-pgx", lambda u, n: go(u, True, n))):
            res = {}
            for path, url in (("direct", direct), ("pgbouncer", pooled)):
                name = f"{client}-{path}"
                r = runner(url, name)
                if r["errors"]:
                    fail(f"{client} {path}: {r['errors']} errors, first: {r['first']}")
                got = psql(direct, f"SELECT value FROM counters WHERE name = '{name}'")
                if got != want:
                    fail(f"{client} {path}: counter {got}, want {want}")
                res[path] = r["ops"] / r["secs"]
            print(f"CLUSTER pooler-overhead {client}: {a.workers} concurrent workers, {2 * a.workers * a.iters} "
                  f"statements: direct {res['direct']:.0f} ops/s, through PgBouncer {res['pgbouncer']:.0f} ops/s "
                  f"({res['pgbouncer'] / res['direct']:.2f}x), 0 errors")
        # The drivers' defaults through the pooler: named prepared statements.
        d_py = py(pooled, False, "python-default")
        d_js = js(pooled, "gen/named", "ts-named")
        d_go = go(pooled, False, "go-default")
        print(f"CLUSTER pooler-defaults through PgBouncer: asyncpg with its statement cache {d_py['errors']} errors "
              f"of {d_py['ops'] // 2} iterations ({d_py['first'][:100]}); pg with named statements {d_js['errors']} "
              f"errors ({d_js['first'][:100]}); pgx with its statement cache {d_go['errors']} errors "
              f"({d_go['first'][:100]})")


if __name__ == "__main__":
    main()

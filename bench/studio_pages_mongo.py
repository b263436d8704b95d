#!/usr/bin/env python3
"""Flash Studio page timings on MongoDB (FerretDB of scripts/db.sh): a collection of N documents
(default 100,000; _id 1..N), `flash studio` on it, then the first, a middle and the last page of 50
documents in _id order (keyset: "after" = N/2), each fetched 5 times; prints the server time the API
reports (server_ms: the find) and the request's wall time. The collection is filled in batches with
flash_test_mongo_tool (tests/studio/mongo_tool.cpp, Flash's document driver).
  bench/studio_pages_mongo.py FLASH_BINARY MONGO_TOOL [--docs N]      (FLASH_TEST_MONGO_URL)"""
import sys
from studio_session import start_studio
import argparse, json, os, subprocess, tempfile, time, urllib.parse, urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("flash"); ap.add_argument("tool"); ap.add_argument("--docs", type=int, default=100_000)
a = ap.parse_args()
n = a.docs
base = urllib.parse.urlparse(os.environ["FLASH_TEST_MONGO_URL"])
url = f"{base.scheme}://{base.netloc}/flash_studio_bench_{os.getpid()}"
run = lambda cmd: subprocess.run([a.tool, url, "command", json.dumps(cmd)], check=True, capture_output=True)
run({"dropDatabase": 1})
t = time.perf_counter()
for lo in range(1, n + 1, 2000):
    run({"insert": "big", "documents": [{"_id": i, "name": f"name {i}", "v": i % 1000} for i in range(lo, min(lo + 2000, n + 1))]})
print(f"filled {n:,} documents in {time.perf_counter() - t:.1f} s")
work = tempfile.mkdtemp(prefix="flash-studio-bench-")
with open(os.path.join(work, "flash.toml"), "w") as f:
    f.write('version = "2"\nschema_dir = "db/schema"\n\n[database]\nprovider = "mongodb"\nurl_env = "DATABASE_URL"\n')
p, origin, opener = start_studio(a.flash, work, url)
try:
    def get(path):
        t = time.perf_counter()
        body = json.loads(opener.open(origin + path).read())
        return body, (time.perf_counter() - t) * 1000
    cols, tt = get("/api/tables")
    print(f"mongodb: {n:,} documents; /api/tables {tt:.1f} ms (count: {cols['collections'][0]['count']} {cols['collections'][0]['rows']:,})")
    for label, q in [("first", {}), ("middle", {"after": {"$numberInt": str(n // 2)}}), ("last", {"last": True})]:
        runs = [get("/api/rows?q=" + urllib.parse.quote(json.dumps({"collection": "big", "limit": 50, **q}))) for _ in range(5)]
        assert len(runs[0][0]["documents"]) == 50
        srv = sorted(r[0]["server_ms"] for r in runs); wall = sorted(r[1] for r in runs)
        print(f"  {label:6} page: server {srv[2]:.2f} ms median (max {srv[-1]:.2f}), request {wall[2]:.2f} ms median")
finally:
    p.terminate(); p.wait(); run({"dropDatabase": 1})

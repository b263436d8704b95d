"""python ab.py OPS [CONTENDERS] [--blocks N] [--per N] [--profile PREFIX]: one operation of the workload
for flash-py, flash-py-record and asyncpg (run.py's contenders) in ONE process, in alternating blocks (the
first contender of each block rotates), so the machine's load drifts onto all alike. Like
bench/node/phase_ab.mjs and bench/go/cmd/bench-ab. Per block: wall time and process CPU
(time.process_time, user+sys) per operation; prints medians and min–max over the blocks, the median of
the per-block paired ratios X ÷ LAST (each contender against the last one listed), a table and one JSON line.

OPS (comma-separated): insert_users (sequential CreateUser, unique e-mails), insert_comments
(sequential CreateComment), cte (one GetActiveUsersWithStats, 1,000 rows), mixed (a concurrent batch of
30 as in mixed_concurrent), lookups (a concurrent batch of 50 name lookups, verified).
CONTENDERS: default flash-py,flash-py-record,asyncpg; each has its own pool (run.make_pool: 20 connections).
flash-py@DIR is flash-py over the generated package in DIR (e.g. an older generator's output), for a
before/after comparison of the generator in one process.
$BENCH_URL is seeded like bench/node/workload.mjs seed() before each operation.
--profile PREFIX: a cProfile of each contender's timed blocks (PREFIX.NAME.prof; `python -m pstats`).
"""
import argparse, asyncio, gc, json, os, re, statistics, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (the workload: contenders, values, batch sizes)

DEFAULT_PER = {"insert_users": 200, "insert_comments": 200, "cte": 10, "mixed": 20, "lookups": 20}


async def seed(pool):
    """The workload's rows at BENCH_SCALE (bench/seed.sql), unless the tables already hold exactly
    those counts."""
    async with pool.acquire() as c:
        counts = await c.fetchrow("SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM posts), (SELECT count(*) FROM comments)")
        if tuple(counts) == (run.N_USERS, run.N_POSTS, run.N_COMMENTS):
            return
        counts = dict(users=run.N_USERS, categories=run.N_CATEGORIES, posts=run.N_POSTS, comments=run.N_COMMENTS)
        text = open(os.path.join(run.HERE, "..", "seed.sql")).read()
        await c.execute(re.sub(r"\{(\w+)\}", lambda m: str(counts[m.group(1)]), text))
        await c.execute("VACUUM ANALYZE")


class Ops:
    """The operations; `serial` keeps inserted values unique across contenders and blocks, `base` across runs."""
    def __init__(self):
        self.serial, self.base = 0, time.time_ns() // 1000

    def _take(self, n):
        first = self.serial
        self.serial += n
        return first

    async def insert_users(self, c): await c.create_user(run.user(self.base + self._take(1)))
    async def insert_comments(self, c): await c.create_comment(run.comment(self._take(1)))

    async def cte(self, c):
        rows = await c.active()
        if len(rows) != run.N_USERS: raise SystemExit(f"CTE returned {len(rows)} rows, want {run.N_USERS}")

    async def mixed(self, c):
        first = self._take(run.MIXED_BATCH)
        await asyncio.gather(*(run.mixed(c, first + i) for i in range(run.MIXED_BATCH)))

    async def lookups(self, c):
        first = self._take(run.LOOKUP_BATCH)
        await asyncio.gather(*(run.lookup(c, first + i) for i in range(run.LOOKUP_BATCH)))


def stat(xs):
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs)}


async def run_op(what, names, cs, blocks, per, profiles):
    ops = Ops()
    op = getattr(ops, what)
    await seed(cs[0].pool)
    for c in cs:  # warm-up (untimed): statements prepared on every pooled connection
        for _ in range(run.WARMUP): await op(c)
        for w in (lambda i: c.top(), lambda i: c.email(i + 1), lambda i: c.isadmin(i + 1), lambda i: c.name(i + 1),
                  lambda i: c.create_comment(run.comment(i)), lambda i: c.active()):
            await run.batched(run.POOL, run.POOL, w)
    wall, cpu = [[] for _ in cs], [[] for _ in cs]
    for b in range(blocks):
        for j in range(len(cs)):
            k = (j + b) % len(cs)
            gc.collect()
            if profiles: profiles[k].enable()
            t, c0 = time.perf_counter(), time.process_time()
            for _ in range(per): await op(cs[k])
            c1, t1 = time.process_time(), time.perf_counter()
            if profiles: profiles[k].disable()
            wall[k].append((t1 - t) * 1e6 / per)
            cpu[k].append((c1 - c0) * 1e6 / per)
    r = {"op": what, "blocks": blocks, "per_block": per,
         "results": [{"contender": n, "wall_us_per_op": stat(wall[k]), "cpu_us_per_op": stat(cpu[k])} for k, n in enumerate(names)]}
    if len(cs) > 1:
        # Each contender ÷ the last one (the reference, asyncpg by default), block by block.
        r["wall_ratio"] = {names[k]: stat([a / b for a, b in zip(wall[k], wall[-1])]) for k in range(len(cs) - 1)}
        r["cpu_ratio"] = {names[k]: stat([a / b for a, b in zip(cpu[k], cpu[-1])]) for k in range(len(cs) - 1)}
    return r


async def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ops")
    ap.add_argument("contenders", nargs="?", default="flash-py,flash-py-record,asyncpg")
    ap.add_argument("--blocks", type=int, default=20)
    ap.add_argument("--per", type=int, default=0, help="operations per block (default per op: %s)" % DEFAULT_PER)
    ap.add_argument("--profile", default="", help="PREFIX: a cProfile per contender of its timed blocks")
    a = ap.parse_args()
    what, names = a.ops.split(","), a.contenders.split(",")
    for w in what:
        if w not in DEFAULT_PER: ap.error(f"unknown operation {w} ({', '.join(DEFAULT_PER)})")
    cs = []
    for n in names:
        name, _, gen = n.partition("@")
        if name not in run.CONTENDERS or (gen and name != "flash-py"):
            ap.error(f"unknown contender {n} ({', '.join(run.CONTENDERS)}, flash-py@DIR)")
        pool = await run.make_pool()
        cs.append(run.FlashPy(pool, gen) if gen else run.CONTENDERS[name](pool))
    profiles = []
    if a.profile:
        import cProfile
        profiles = [cProfile.Profile() for _ in cs]
    out = [await run_op(w, names, cs, a.blocks, a.per or DEFAULT_PER[w], profiles) for w in what]
    for c in cs: await c.pool.close()
    for k, p in enumerate(profiles): p.dump_stats(a.profile + "." + re.sub(r"[^\w-]", "_", names[k]) + ".prof")
    print(f"{'op':<16} {'contender':<16} {'wall µs/op med (min–max)':>26} {'CPU µs/op med (min–max)':>26}")
    for r in out:
        for x in r["results"]:
            w, c = x["wall_us_per_op"], x["cpu_us_per_op"]
            print(f"{r['op']:<16} {x['contender']:<16} {w['median']:10.1f} ({w['min']:6.0f}–{w['max']:6.0f}) "
                  f"{c['median']:10.1f} ({c['min']:6.0f}–{c['max']:6.0f})")
        for n in names[:-1]:
            w, c = r["wall_ratio"][n], r["cpu_ratio"][n]
            print(f"{r['op']:<16} {n} ÷ {names[-1]}: wall {w['median']:.3f} ({w['min']:.2f}–{w['max']:.2f}), "
                  f"CPU {c['median']:.3f} ({c['min']:.2f}–{c['max']:.2f})  [{r['blocks']} blocks × {r['per_block']}]")
    print(json.dumps({"ops": out, "load": list(os.getloadavg()), "python": sys.version.split()[0]}))


if __name__ == "__main__":
    asyncio.run(main())

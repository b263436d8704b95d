"""python run.py CONTENDER: the workload (same values, counts and batch sizes as bench/node/workload.mjs)
with flash-py (Flash's generated asyncpg client, python/flashdb), flash-py-record (the same client generated
with [gen.python] rows = "record", python/flashdb_record: asyncpg builds the rows) or asyncpg (hand-written,
the exact SQL of bench/sql.json), all on an asyncpg pool of 20. Prints {"contender", "phases"} as one JSON line."""
import asyncio, json, os, sys, time

S = float(os.environ.get("BENCH_SCALE", "1"))
n = lambda x: max(1, round(x * S))  # noqa: E731
N_USERS, N_CATEGORIES, N_POSTS, N_COMMENTS = n(1000), 10, n(5000), n(15000)
N_CTE, N_MIXED, MIXED_BATCH, N_LOOKUPS, LOOKUP_BATCH, WARMUP = n(500), n(1000), 30, n(2000), 50, 20
POOL = 20
HERE = os.path.dirname(os.path.abspath(__file__))


def user(i): return dict(name=f"User {i}", email=f"user{i}@test.com", address=f"Address {i}", isadmin=i % 5 == 0)
def post(i): return dict(user_id=i % N_USERS + 1, category_id=i % N_CATEGORIES + 1, title=f"Post {i}", content=f"Content {i}..." * 3)
def comment(i): return dict(post_id=i % N_POSTS + 1, user_id=i % N_USERS + 1, content=f"Comment {i}")


def generated(path=None):
    """The generated workload module: python/flashdb's, or that of the package in directory `path`
    (another generator's output, for ab.py's flash-py@DIR)."""
    if path is None:
        sys.path.insert(0, HERE)
        from flashdb import workload
        return workload
    import importlib, importlib.util
    path = os.path.abspath(path)
    name = f"flashdb_{abs(hash(path))}"
    spec = importlib.util.spec_from_file_location(name, os.path.join(path, "__init__.py"), submodule_search_locations=[path])
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return importlib.import_module(name + ".workload")


class FlashPy:
    def __init__(self, pool, gen=None):
        self.pool = pool
        self.q = generated(gen).Queries(pool)
    async def create_user(self, v): await self.q.create_user(**v)
    async def create_category(self, name): await self.q.create_category(name=name)
    async def create_post(self, v): await self.q.create_post(**v)
    async def create_comment(self, v): await self.q.create_comment(**v)
    async def active(self): return [(r.post_count, r.comment_count) for r in await self.q.get_active_users_with_stats()]
    async def top(self): return await self.q.get_top_active_users()
    async def email(self, id): return await self.q.get_user_email(id=id)
    async def isadmin(self, id): return await self.q.get_user_is_admin(id=id)
    async def name(self, id): return await self.q.get_user_name(id=id)


class FlashPyRecord(FlashPy):
    """flash-py with rows = "record" (bench/project/flash_record.toml → python/flashdb_record)."""
    def __init__(self, pool):
        super().__init__(pool, os.path.join(HERE, "flashdb_record"))


class Asyncpg:
    def __init__(self, pool):
        self.p = self.pool = pool
        self.s = json.load(open(os.path.join(HERE, "..", "sql.json")))
    async def create_user(self, v): await self.p.execute(self.s["CreateUser"], v["name"], v["email"], v["address"], v["isadmin"])
    async def create_category(self, name): await self.p.execute(self.s["CreateCategory"], name)
    async def create_post(self, v): await self.p.execute(self.s["CreatePost"], v["user_id"], v["category_id"], v["title"], v["content"])
    async def create_comment(self, v): await self.p.execute(self.s["CreateComment"], v["post_id"], v["user_id"], v["content"])
    async def active(self): return [(r["post_count"], r["comment_count"]) for r in await self.p.fetch(self.s["GetActiveUsersWithStats"])]
    async def top(self): return await self.p.fetch(self.s["GetTopActiveUsers"])
    async def email(self, id): return await self.p.fetchval(self.s["GetUserEmail"], id)
    async def isadmin(self, id): return await self.p.fetchval(self.s["GetUserIsAdmin"], id)
    async def name(self, id): return await self.p.fetchval(self.s["GetUserName"], id)


async def batched(total, size, op):
    for s in range(0, total, size):
        await asyncio.gather(*(op(i) for i in range(s, min(total, s + size))))


async def mixed(c, i):
    """Operation i of mixed_concurrent."""
    if i % 4 == 0: return await c.create_comment(comment(N_COMMENTS + i))
    uid = i % N_USERS + 1
    return await (c.top() if i % 3 == 0 else c.email(uid) if i % 3 == 1 else c.isadmin(uid))


async def lookup(c, i):
    """Operation i of lookups_concurrent: a name lookup, verified."""
    if await c.name(i % N_USERS + 1) != f"User {i % N_USERS}": raise SystemExit(f"wrong name for user {i % N_USERS + 1}")


CONTENDERS = {"flash-py": FlashPy, "flash-py-record": FlashPyRecord, "asyncpg": Asyncpg}


async def make_pool():
    """The pool of every Python contender: asyncpg, 20 connections opened up front."""
    import asyncpg
    return await asyncpg.create_pool(os.environ["BENCH_URL"], min_size=POOL, max_size=POOL)


async def main(which):
    pool = await make_pool()
    c = CONTENDERS[which](pool)
    ph, cpu = {}, {}
    ms = lambda t: (time.perf_counter() - t) * 1000  # noqa: E731
    # Per-phase client CPU (user+sys of this process, ms): load-robust where wall time is not.
    cpu_ms = lambda c: (time.process_time() - c) * 1000  # noqa: E731
    t, c0 = time.perf_counter(), time.process_time()
    for i in range(N_USERS): await c.create_user(user(i))
    ph["insert_users"] = ms(t)
    cpu["insert_users"] = cpu_ms(c0)
    t, c0 = time.perf_counter(), time.process_time()
    for i in range(N_CATEGORIES): await c.create_category(f"Category {i}")
    for i in range(N_POSTS): await c.create_post(post(i))
    for i in range(N_COMMENTS): await c.create_comment(comment(i))
    ph["insert_posts_comments"] = ms(t)
    cpu["insert_posts_comments"] = cpu_ms(c0)
    for i in range(WARMUP):
        await c.active(); await c.top(); await c.email(i + 1); await c.isadmin(i + 1); await c.name(i + 1)
    # Warm every pooled connection (untimed): POOL concurrent calls of each read path, so the
    # concurrent phases measure queries, not first prepares on fresh connections.
    for op in (lambda i: c.top(), lambda i: c.email(i + 1), lambda i: c.isadmin(i + 1), lambda i: c.name(i + 1)):
        await batched(POOL, POOL, op)
    t, c0 = time.perf_counter(), time.process_time()
    for _ in range(N_CTE): rows = await c.active()
    ph["active_users_cte"] = ms(t)
    cpu["active_users_cte"] = cpu_ms(c0)
    if len(rows) != N_USERS or any(p != 5 or cm != 15 for p, cm in rows):
        raise SystemExit(f"{which}: CTE verification failed ({len(rows)} rows)")

    t, c0 = time.perf_counter(), time.process_time()
    await batched(N_MIXED, MIXED_BATCH, lambda i: mixed(c, i))
    ph["mixed_concurrent"] = ms(t)
    cpu["mixed_concurrent"] = cpu_ms(c0)

    t, c0 = time.perf_counter(), time.process_time()
    await batched(N_LOOKUPS, LOOKUP_BATCH, lambda i: lookup(c, i))
    ph["lookups_concurrent"] = ms(t)
    cpu["lookups_concurrent"] = cpu_ms(c0)
    await pool.close()
    print(json.dumps({"contender": which, "phases": ph, "cpu": cpu}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))

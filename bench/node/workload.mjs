// The benchmark workload, shared by every node contender. A contender is an object with the
// methods used below; run.mjs picks one by name, runs the phases and prints one JSON line.
// Values and batch sizes are the single source of truth for node; bench/go, bench/python and
// bench/libpq repeat them exactly (see bench/README.md "Workload").
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const here = dirname(fileURLToPath(import.meta.url));
// The exact SQL text of bench/project/db/queries/workload.sql, extracted by bench/harness.py.
export const SQL = JSON.parse(readFileSync(join(here, "..", "sql.json"), "utf8"));

export const POOL_SIZE = 20;
// BENCH_SCALE (default 1 = the published workload) scales every count except the 10 categories
// and the batch sizes; the per-user counts (5 posts, 15 comments) stay the same.
const S = Number(process.env.BENCH_SCALE || "1");
const n = (x) => Math.max(1, Math.round(x * S));
export const N_USERS = n(1000), N_CATEGORIES = 10, N_POSTS = n(5000), N_COMMENTS = n(15000);
export const N_CTE = n(500), N_MIXED = n(1000), MIXED_BATCH = 30, N_LOOKUPS = n(2000), LOOKUP_BATCH = 50;
export const WARMUP = 20;

export const userValues = (i) => ({ name: `User ${i}`, email: `user${i}@test.com`, address: `Address ${i}`, isadmin: i % 5 === 0 });
export const postValues = (i) => ({ userId: (i % N_USERS) + 1, categoryId: (i % N_CATEGORIES) + 1, title: `Post ${i}`, content: `Content ${i}...`.repeat(3) });
export const commentValues = (i) => ({ postId: (i % N_POSTS) + 1, userId: (i % N_USERS) + 1, content: `Comment ${i}` });

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
// Client CPU (user+sys of this process, ms) since `c0` = process.cpuUsage(): the load-robust
// per-phase cost (on a busy machine wall time also counts waiting for a core).
const cpuMs = (c0) => { const d = process.cpuUsage(c0); return (d.user + d.system) / 1000; };

async function batched(n, size, op) {
  for (let start = 0; start < n; start += size) {
    const ops = [];
    for (let i = start; i < Math.min(n, start + size); i++) ops.push(op(i));
    await Promise.all(ops);
  }
}

// c: { open? (connect before the timed phases), createUser, createCategory, createPost, createComment, activeUsers, topUsers,
//      userEmail, userIsAdmin, userName, counts(row) -> [posts, comments], close }
export async function runWorkload(c) {
  const phases = {}, cpu = {};
  // One pooled connection opened before the timed phases (connect + authentication), as bench-libpq,
  // bench-flash-cpp and asyncpg do: insert_users measures inserts, not the connection set-up.
  if (c.open) await c.open();
  let t = process.hrtime.bigint(), c0 = process.cpuUsage();
  for (let i = 0; i < N_USERS; i++) await c.createUser(userValues(i));
  phases.insert_users = ms(t); cpu.insert_users = cpuMs(c0);

  t = process.hrtime.bigint(); c0 = process.cpuUsage();
  for (let i = 0; i < N_CATEGORIES; i++) await c.createCategory(`Category ${i}`);
  for (let i = 0; i < N_POSTS; i++) await c.createPost(postValues(i));
  for (let i = 0; i < N_COMMENTS; i++) await c.createComment(commentValues(i));
  phases.insert_posts_comments = ms(t); cpu.insert_posts_comments = cpuMs(c0);

  // Warm-up of the read paths (JIT, prepared statements, plan cache), untimed.
  for (let i = 0; i < WARMUP; i++) {
    await c.activeUsers(); await c.topUsers(); await c.userEmail(i + 1); await c.userIsAdmin(i + 1); await c.userName(i + 1);
  }
  // Open and warm every pooled connection (untimed): POOL_SIZE concurrent calls of each read path,
  // so the concurrent phases measure queries, not connection set-up and first prepares.
  for (const op of [() => c.topUsers(), (i) => c.userEmail(i + 1), (i) => c.userIsAdmin(i + 1), (i) => c.userName(i + 1)]) {
    await batched(POOL_SIZE, POOL_SIZE, op);
  }

  t = process.hrtime.bigint(); c0 = process.cpuUsage();
  let rows;
  for (let i = 0; i < N_CTE; i++) rows = await c.activeUsers();
  phases.active_users_cte = ms(t); cpu.active_users_cte = cpuMs(c0);
  if (rows.length !== N_USERS) throw new Error(`CTE returned ${rows.length} rows, want ${N_USERS}`);
  for (const r of rows) {
    const [p, cm] = c.counts(r);
    if (Number(p) !== 5 || Number(cm) !== 15) throw new Error(`CTE counts ${p}/${cm}, want 5/15`);
  }

  t = process.hrtime.bigint(); c0 = process.cpuUsage();
  await batched(N_MIXED, MIXED_BATCH, (i) => {
    if (i % 4 === 0) return c.createComment(commentValues(N_COMMENTS + i));
    const id = (i % N_USERS) + 1;
    switch (i % 3) {
      case 0: return c.topUsers();
      case 1: return c.userEmail(id);
      default: return c.userIsAdmin(id);
    }
  });
  phases.mixed_concurrent = ms(t); cpu.mixed_concurrent = cpuMs(c0);

  t = process.hrtime.bigint(); c0 = process.cpuUsage();
  let missing = 0;
  await batched(N_LOOKUPS, LOOKUP_BATCH, async (i) => {
    const name = await c.userName((i % N_USERS) + 1);
    if (name !== `User ${i % N_USERS}`) missing++;
  });
  phases.lookups_concurrent = ms(t); cpu.lookups_concurrent = cpuMs(c0);
  if (missing) throw new Error(`${missing} name lookups returned the wrong name`);
  await c.close();
  return { phases, cpu };
}

// bench/seed.sql with the counts in place of {users}, {categories}, {posts}, {comments}.
export const seedSql = (counts) => readFileSync(join(here, "..", "seed.sql"), "utf8").replace(/\{(\w+)\}/g, (_, k) => String(counts[k]));

// Seeds the workload tables of `url` with the workload's row counts at BENCH_SCALE (bench/seed.sql),
// unless they already hold exactly those counts (cte_profile.mjs, phase_ab.mjs).
export async function seed(url) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const count = async (t) => Number((await c.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
  if ((await count("users")) !== N_USERS || (await count("posts")) !== N_POSTS || (await count("comments")) !== N_COMMENTS) {
    await c.query(seedSql({ users: N_USERS, categories: N_CATEGORIES, posts: N_POSTS, comments: N_COMMENTS }));
    await c.query("VACUUM ANALYZE");
  }
  await c.end();
}

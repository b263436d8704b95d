// node run.mjs CONTENDER: runs the workload (workload.mjs) with one node contender against
// $BENCH_URL and prints {"contender", "phases": {phase: ms}} as one JSON line on stdout.
// Contenders: flash-ts (Flash's generated client, gen/queries.js), node-pg (hand-written,
// named prepared statements), drizzle (query builder; the CTEs through its sql template with the
// same text), drizzle-sql (sql template for everything), prisma (Prisma 7 + @prisma/adapter-pg).
import { pathToFileURL } from "node:url";
import pg from "pg";
import { POOL_SIZE, SQL, runWorkload } from "./workload.mjs";

const url = process.env.BENCH_URL;
const which = process.argv[2];
const scalar = (r, key) => (r == null ? null : typeof r === "object" ? r[key] : r);

async function flashTs() {
  // FLASH_TS_GEN: another generated module (e.g. an older generator's output) for before/after runs.
  const { Queries } = await import(process.env.FLASH_TS_GEN || "./gen/queries.js");
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  const q = new Queries(pool);
  return {
    createUser: (v) => q.createUser(v),
    createCategory: (name) => q.createCategory({ name }),
    createPost: (v) => q.createPost(v),
    createComment: (v) => q.createComment(v),
    activeUsers: () => q.getActiveUsersWithStats(),
    topUsers: () => q.getTopActiveUsers(),
    userEmail: async (id) => scalar(await q.getUserEmail({ id }), "email"),
    userIsAdmin: async (id) => scalar(await q.getUserIsAdmin({ id }), "isadmin"),
    userName: async (id) => scalar(await q.getUserName({ id }), "name"),
    counts: (r) => [r.postCount, r.commentCount],
    open: async () => (await pool.connect()).release(),
    close: () => pool.end(),
  };
}

async function nodePg() {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  const run = (name, values) => pool.query({ name, text: SQL[name], values });
  return {
    createUser: (v) => run("CreateUser", [v.name, v.email, v.address, v.isadmin]),
    createCategory: (name) => run("CreateCategory", [name]),
    createPost: (v) => run("CreatePost", [v.userId, v.categoryId, v.title, v.content]),
    createComment: (v) => run("CreateComment", [v.postId, v.userId, v.content]),
    activeUsers: async () => (await run("GetActiveUsersWithStats", [])).rows,
    topUsers: async () => (await run("GetTopActiveUsers", [])).rows,
    userEmail: async (id) => (await run("GetUserEmail", [id])).rows[0]?.email ?? null,
    userIsAdmin: async (id) => (await run("GetUserIsAdmin", [id])).rows[0]?.isadmin ?? null,
    userName: async (id) => (await run("GetUserName", [id])).rows[0]?.name ?? null,
    counts: (r) => [r.post_count, r.comment_count],
    open: async () => (await pool.connect()).release(),
    close: () => pool.end(),
  };
}

async function drizzleContender(allSql) {
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const { sql, eq } = await import("drizzle-orm");
  const { users, categories, posts, comments } = await import("./drizzle_schema.mjs");
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  const db = drizzle({ client: pool });
  // The CTEs as Drizzle sql templates with exactly the workload text.
  const active = sql.raw(SQL.GetActiveUsersWithStats), top = sql.raw(SQL.GetTopActiveUsers);
  const common = {
    activeUsers: async () => (await db.execute(active)).rows,
    topUsers: async () => (await db.execute(top)).rows,
    counts: (r) => [r.post_count, r.comment_count],
    open: async () => (await pool.connect()).release(),
    close: () => pool.end(),
  };
  if (allSql) {
    const one = async (q, key) => (await db.execute(q)).rows[0]?.[key] ?? null;
    return {
      ...common,
      createUser: (v) => db.execute(sql`INSERT INTO users (name, email, address, isadmin) VALUES (${v.name}, ${v.email}, ${v.address}, ${v.isadmin})`),
      createCategory: (name) => db.execute(sql`INSERT INTO categories (name) VALUES (${name})`),
      createPost: (v) => db.execute(sql`INSERT INTO posts (user_id, category_id, title, content) VALUES (${v.userId}, ${v.categoryId}, ${v.title}, ${v.content})`),
      createComment: (v) => db.execute(sql`INSERT INTO comments (post_id, user_id, content) VALUES (${v.postId}, ${v.userId}, ${v.content})`),
      userEmail: (id) => one(sql`SELECT email FROM users WHERE id = ${id}`, "email"),
      userIsAdmin: (id) => one(sql`SELECT isadmin FROM users WHERE id = ${id}`, "isadmin"),
      userName: (id) => one(sql`SELECT name FROM users WHERE id = ${id}`, "name"),
    };
  }
  return {
    ...common,
    createUser: (v) => db.insert(users).values(v),
    createCategory: (name) => db.insert(categories).values({ name }),
    createPost: (v) => db.insert(posts).values(v),
    createComment: (v) => db.insert(comments).values(v),
    userEmail: async (id) => (await db.select({ email: users.email }).from(users).where(eq(users.id, id)))[0]?.email ?? null,
    userIsAdmin: async (id) => (await db.select({ isadmin: users.isadmin }).from(users).where(eq(users.id, id)))[0]?.isadmin ?? null,
    userName: async (id) => (await db.select({ name: users.name }).from(users).where(eq(users.id, id)))[0]?.name ?? null,
  };
}

async function prismaContender() {
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const { PrismaClient } = await import("./prisma/generated/client.ts").catch(() => import("./prisma/generated/client.js"));
  const adapter = new PrismaPg({ connectionString: url, max: POOL_SIZE });
  const prisma = new PrismaClient({ adapter });
  return {
    createUser: (v) => prisma.user.create({ data: v, select: { id: true } }),
    createCategory: (name) => prisma.category.create({ data: { name }, select: { id: true } }),
    createPost: (v) => prisma.post.create({ data: v, select: { id: true } }),
    createComment: (v) => prisma.comment.create({ data: v, select: { id: true } }),
    activeUsers: () => prisma.$queryRawUnsafe(SQL.GetActiveUsersWithStats),
    topUsers: () => prisma.$queryRawUnsafe(SQL.GetTopActiveUsers),
    userEmail: async (id) => (await prisma.user.findUnique({ where: { id }, select: { email: true } }))?.email ?? null,
    userIsAdmin: async (id) => (await prisma.user.findUnique({ where: { id }, select: { isadmin: true } }))?.isadmin ?? null,
    userName: async (id) => (await prisma.user.findUnique({ where: { id }, select: { name: true } }))?.name ?? null,
    counts: (r) => [r.post_count, r.comment_count],
    open: () => prisma.$connect(),
    close: () => prisma.$disconnect(),
  };
}

export const contenders = {
  "flash-ts": flashTs,
  "node-pg": nodePg,
  drizzle: () => drizzleContender(false),
  "drizzle-sql": () => drizzleContender(true),
  prisma: prismaContender,
};

// Run only as the entry point (cte_profile.mjs imports `contenders`).
if (import.meta.url === pathToFileURL(process.argv[1]).href) try {
  if (!contenders[which]) throw new Error(`unknown contender ${which}`);
  const c = await contenders[which]();
  const { phases, cpu } = await runWorkload(c);
  process.stdout.write(JSON.stringify({ contender: which, phases, cpu }) + "\n");
} catch (e) {
  process.stderr.write(`${which}: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
}

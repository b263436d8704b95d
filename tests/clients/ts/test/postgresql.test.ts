// Every generated method of the PostgreSQL project, run against the real server through the
// emitted queries.js (types checked against queries.ts and queries.d.ts by run.sh).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { Queries, userRoleValues, getUserSql, type User, type UserRole } from "../.out/postgresql/gen/queries.js";
import { schemaSql, testDatabase, withDatabase } from "./helpers.js";

const adminUrl = process.env.FLASH_TEST_PG_URL ?? "";
let pool: pg.Pool;
let q: Queries;

before(async () => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${testDatabase} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${testDatabase}`);
  await admin.end();
  pool = new pg.Pool({ connectionString: withDatabase(adminUrl, testDatabase), max: 3 });
  await pool.query(schemaSql("postgresql"));
  q = new Queries(pool);
});

after(async () => {
  await pool?.end();
});

const fullUser = {
  email: "ada@example.com",
  name: "Ada",
  age: 36,
  role: "admin" as UserRole,
  active: true,
  balance: "1234567890.12",
  score: 9.5,
  externalId: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
  tags: ["math", "engines"],
  profile: { langs: ["en", "fr"], n: 1 },
  avatar: Buffer.from([0, 1, 2, 255]),
  birthday: new Date(1815, 11, 10),
  updatedAt: new Date(2024, 0, 2, 3, 4, 5, 678),
};

describe("postgresql (pg)", () => {
  let ada: User;
  let bob: User;

  test("enum values and SQL text are exported", () => {
    assert.deepEqual([...userRoleValues], ["admin", "member", "guest"]);
    assert.equal(getUserSql, "SELECT * FROM users WHERE id = $1");
  });

  test("createUser :one returns the full typed row", async () => {
    const row = await q.createUser(fullUser);
    assert.ok(row);
    ada = row;
    assert.equal(typeof row.id, "string");
    assert.equal(row.email, "ada@example.com");
    assert.equal(row.name, "Ada");
    assert.equal(row.age, 36);
    assert.equal(row.role, "admin");
    assert.equal(row.active, true);
    assert.equal(row.balance, "1234567890.12");
    assert.equal(row.score, 9.5);
    assert.equal(row.externalId, fullUser.externalId);
    assert.deepEqual(row.tags, ["math", "engines"]);
    assert.deepEqual(row.profile, { langs: ["en", "fr"], n: 1 });
    assert.ok(Buffer.isBuffer(row.avatar));
    assert.deepEqual([...row.avatar!], [0, 1, 2, 255]);
    assert.ok(row.birthday instanceof Date);
    assert.equal(row.birthday!.getFullYear(), 1815);
    assert.equal(row.birthday!.getMonth(), 11);
    assert.equal(row.birthday!.getDate(), 10);
    assert.ok(row.createdAt instanceof Date);
    assert.ok(Math.abs(row.createdAt.getTime() - Date.now()) < 60_000);
    assert.equal(row.updatedAt!.getTime(), fullUser.updatedAt.getTime());
  });

  test("createUser with NULLs round-trips NULL as null", async () => {
    const row = await q.createUser({
      email: "bob@example.com", name: null, age: null, role: "member", active: false, balance: 0,
      score: null, externalId: null, tags: [], profile: null, avatar: null, birthday: null, updatedAt: null,
    });
    assert.ok(row);
    bob = row;
    assert.equal(row.name, null);
    assert.equal(row.age, null);
    assert.equal(row.score, null);
    assert.equal(row.externalId, null);
    assert.deepEqual(row.tags, []);
    assert.equal(row.profile, null);
    assert.equal(row.avatar, null);
    assert.equal(row.birthday, null);
    assert.equal(row.updatedAt, null);
    assert.equal(row.balance, "0.00");
    assert.equal(row.active, false);
  });

  test("getUser / getUserByEmail :one, null when missing", async () => {
    const got = await q.getUser({ id: ada.id });
    assert.deepEqual(got, ada);
    assert.equal(await q.getUser({ id: 999999 }), null);
    assert.deepEqual(await q.getUserByEmail({ email: "bob@example.com" }), { id: bob.id, email: "bob@example.com", name: null });
    assert.equal(await q.getUserByEmail({ email: "nobody@example.com" }), null);
  });

  test("listUsers / listUsersByIds / searchUsers :many", async () => {
    const all = await q.listUsers();
    assert.deepEqual(all.map((u) => u.email), ["ada@example.com", "bob@example.com"]);
    assert.deepEqual(await q.listUsersByIds({ ids: [bob.id, BigInt(ada.id)] }), [
      { id: ada.id, email: "ada@example.com" },
      { id: bob.id, email: "bob@example.com" },
    ]);
    assert.deepEqual(await q.listUsersByIds({ ids: [] }), []);
    assert.deepEqual(await q.searchUsers({ minAge: null, role: "member" }), [
      { id: bob.id, email: "bob@example.com", age: null, role: "member" },
    ]);
    assert.deepEqual(await q.searchUsers({ minAge: 30, role: "admin" }), [
      { id: ada.id, email: "ada@example.com", age: 36, role: "admin" },
    ]);
    assert.deepEqual(await q.searchUsers({ minAge: 40, role: "admin" }), []);
  });

  test("rows decoded as pg's DataRows arrive equal the rowMode \"array\" fallback (an executor that is not pg's own)", async () => {
    // On pg's Pool/Client the decoder runs inside pg's DataRow handler; any other executor with
    // pg's query(config) gets array rows of text and the same decoder afterwards.
    const wrapped = { query: (config: pg.QueryArrayConfig) => pool.query(config) } as unknown as pg.Pool;
    const wq = new Queries(wrapped);
    assert.deepEqual(await wq.getUser({ id: ada.id }), ada);
    assert.deepEqual(await wq.listUsers(), await q.listUsers());
    assert.deepEqual(await wq.searchUsers({ minAge: null, role: "member" }), await q.searchUsers({ minAge: null, role: "member" }));
    assert.equal(await wq.getUser({ id: 999999 }), null);
  });

  test("on pg's own Pool/Client every statement is submitted as a pg.Query the client built (no config for pg to copy)", async () => {
    // pg copies every plain config object it is given (normalizeQueryConfig); the generated client
    // hands pg a ready pg.Query subclass instead, for :exec/:execrows as for :one/:many.
    const query = pg.Client.prototype.query;
    const seen: string[] = [];
    pg.Client.prototype.query = function (this: pg.Client, config: any, ...rest: any[]) {
      seen.push(config instanceof pg.Query ? "query" : typeof config === "string" ? config : "config");
      return (query as any).call(this, config, ...rest);
    } as any;
    try {
      await q.updateUserName({ name: "Ada", updatedAt: ada.updatedAt!, id: ada.id });
      assert.equal(await q.deactivateUsersOlderThan({ age: 1000 }), 0);
      assert.deepEqual(await q.getUser({ id: ada.id }), ada);
      assert.equal((await q.listUsers()).length, 2);
      const client = await pool.connect();
      try {
        const single = new Queries(client);
        await single.updateUserName({ name: "Ada", updatedAt: ada.updatedAt!, id: ada.id });
        assert.equal(await single.deactivateUsersOlderThan({ age: 1000 }), 0);
      } finally {
        client.release();
      }
    } finally {
      pg.Client.prototype.query = query;
    }
    assert.deepEqual(seen, ["query", "query", "query", "query", "query", "query"]);
  });

  test(":exec/:execrows errors reject with the server's error and release the pooled client; other executors get the same counts", async () => {
    // More failing statements than the pool has clients (3): a client not released would hang the next call.
    for (let i = 0; i < 5; i++) {
      await assert.rejects(q.deactivateUsersOlderThan({ age: "not a number" as unknown as number }), { code: "22P02" });
      await assert.rejects(q.updateUserName({ name: "x", updatedAt: "never" as unknown as Date, id: ada.id }), { code: "22007" });
    }
    assert.deepEqual(await q.getUser({ id: ada.id }), ada);
    const wrapped = { query: (config: pg.QueryArrayConfig) => pool.query(config) } as unknown as pg.Pool;
    const wq = new Queries(wrapped);
    assert.equal(await wq.updateUserName({ name: "Ada", updatedAt: ada.updatedAt!, id: ada.id }), undefined);
    assert.equal(await wq.deactivateUsersOlderThan({ age: 1000 }), 0);
    await assert.rejects(wq.deactivateUsersOlderThan({ age: "not a number" as unknown as number }), { code: "22P02" });
    assert.deepEqual(await q.getUser({ id: ada.id }), ada);
  });

  test("updateUserName :exec and setUserProfile :execresult", async () => {
    const when = new Date(2025, 5, 6, 7, 8, 9);
    assert.equal(await q.updateUserName({ name: null, updatedAt: when, id: ada.id }), undefined);
    const after1 = await q.getUser({ id: ada.id });
    assert.equal(after1!.name, null);
    assert.equal(after1!.updatedAt!.getTime(), when.getTime());
    const res = await q.setUserProfile({ profile: ["a", 1, null], avatar: new Uint8Array([9, 8]), id: bob.id });
    assert.equal(res.rowCount, 1);
    assert.equal(res.command, "UPDATE");
    const b = await q.getUser({ id: bob.id });
    assert.deepEqual(b!.profile, ["a", 1, null]);
    assert.deepEqual([...b!.avatar!], [9, 8]);
    // A JSON string value is stored as JSON, not as raw text.
    await q.setUserProfile({ profile: "just text", avatar: null, id: bob.id });
    assert.equal((await q.getUser({ id: bob.id }))!.profile, "just text");
  });

  test("countUsers :one with aggregates (bigint as string, numeric as string, NULL sum)", async () => {
    assert.deepEqual(await q.countUsers({ active: true }), { total: "1", totalBalance: "1234567890.12" });
    await q.deactivateUsersOlderThan({ age: 100 });
    assert.deepEqual(await q.countUsers({ active: false }), { total: "1", totalBalance: "0.00" });
  });

  test("deactivateUsersOlderThan :execrows", async () => {
    assert.equal(await q.deactivateUsersOlderThan({ age: 30 }), 1);
    assert.equal(await q.deactivateUsersOlderThan({ age: 300 }), 0);
    assert.deepEqual(await q.countUsers({ active: true }), { total: "0", totalBalance: null });
  });

  test("posts: create, metadata, joins, counts, publish, delete", async () => {
    const p1 = await q.createPost({ userId: ada.id, title: "Notes", body: null, metadata: { draft: true }, publishedAt: null });
    const p2 = await q.createPost({ userId: ada.id, title: "Sketch", body: "text", metadata: null, publishedAt: new Date(2020, 1, 2) });
    assert.ok(p1 && p2);
    assert.equal(typeof p1.id, "string");
    assert.deepEqual(await q.getPostMetadata({ id: p1.id }), { id: p1.id, metadata: { draft: true } });
    assert.deepEqual(await q.getPostMetadata({ id: p2.id }), { id: p2.id, metadata: null });
    assert.equal(await q.getPostMetadata({ id: "424242" }), null);
    assert.deepEqual(await q.listPostsWithAuthors(), [
      { id: p1.id, title: "Notes", views: 0, authorEmail: "ada@example.com" },
      { id: p2.id, title: "Sketch", views: 0, authorEmail: "ada@example.com" },
    ]);
    assert.deepEqual(await q.listUsersWithPosts(), [
      { id: ada.id, email: "ada@example.com", postId: p1.id, postTitle: "Notes" },
      { id: ada.id, email: "ada@example.com", postId: p2.id, postTitle: "Sketch" },
      { id: bob.id, email: "bob@example.com", postId: null, postTitle: null },
    ]);
    assert.deepEqual(await q.countPostsPerUser(), [{ userId: ada.id, postCount: "2", totalViews: "0" }]);
    assert.equal(await q.publishPost({ publishedAt: new Date(), id: p1.id }), 1);
    assert.equal(await q.publishPost({ publishedAt: new Date(), id: p1.id }), 0);
    assert.equal(await q.deletePostsByUser({ userId: ada.id }), 2);
    assert.deepEqual(await q.countPostsPerUser(), []);
  });

  test("counters: upsert :one and getCounter with a table model", async () => {
    assert.deepEqual(await q.upsertCounter({ name: "hits", value: 5 }), { value: "5" });
    assert.deepEqual(await q.upsertCounter({ name: "hits", value: 9007199254740993n }), { value: "9007199254740998" });
    assert.deepEqual(await q.getCounter({ name: "hits" }), { name: "hits", value: "9007199254740998" });
    assert.equal(await q.getCounter({ name: "misses" }), null);
  });

  test("withTransaction commits, and rolls back on throw", async () => {
    const v = await q.withTransaction(async (tx) => {
      await tx.upsertCounter({ name: "tx", value: 1 });
      return (await tx.getCounter({ name: "tx" }))!.value;
    });
    assert.equal(v, "1");
    await assert.rejects(
      q.withTransaction(async (tx) => {
        await tx.upsertCounter({ name: "tx", value: 10 });
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.equal((await q.getCounter({ name: "tx" }))!.value, "1");
    // On a single client too.
    const client = await pool.connect();
    try {
      const single = new Queries(client);
      await single.withTransaction(async (tx) => {
        await tx.upsertCounter({ name: "tx", value: 2 });
      });
      assert.equal((await single.getCounter({ name: "tx" }))!.value, "3");
    } finally {
      client.release();
    }
  });

  test("deleteUser :exec", async () => {
    await q.deleteUser({ id: bob.id });
    assert.equal(await q.getUser({ id: bob.id }), null);
  });

  test("global pg.types overrides do not change declared types", async () => {
    pg.types.setTypeParser(20, (v: string) => parseInt(v, 10));
    try {
      const u = await q.getUser({ id: ada.id });
      assert.equal(typeof u!.id, "string");
    } finally {
      pg.types.setTypeParser(20, (v: string) => v);
    }
  });
});

describe("postgresql (pg) :copyfrom and :batch*", () => {
  test("copyPosts / copyCounters insert every row (multi-row INSERTs, chunked)", async () => {
    const u = await pool.query("INSERT INTO users (email) VALUES ('bulk@example.com') RETURNING id::text AS id");
    const userId = u.rows[0].id as string;
    const n = await q.copyPosts([
      { userId, title: "bulk one", body: "first", views: 3, metadata: { k: 1 } },
      { userId, title: "bulk two", body: null, views: 0, metadata: null },
    ]);
    assert.equal(n, 2);
    const posts = await pool.query("SELECT title, body, views, metadata FROM posts WHERE user_id = $1 ORDER BY id", [userId]);
    assert.deepEqual(posts.rows, [
      { title: "bulk one", body: "first", views: 3, metadata: { k: 1 } },
      { title: "bulk two", body: null, views: 0, metadata: null },
    ]);
    const many = Array.from({ length: 33000 }, (_, i) => ({ name: `bulk-${i}`, value: i }));
    assert.equal(await q.copyCounters(many), 33000);
    const c = await pool.query("SELECT count(*)::text AS n, sum(value)::text AS s FROM counters WHERE name LIKE 'bulk-%'");
    assert.deepEqual(c.rows[0], { n: "33000", s: String((33000 * 32999) / 2) });
    assert.equal(await q.copyCounters([]), 0);
  });

  test("batch kinds run once per element, in order, with per-element results", async () => {
    await q.batchUpsertCounters([
      { name: "batch-a", value: 1 },
      { name: "batch-b", value: 2 },
      { name: "batch-a", value: 10 },
    ]);
    const got = await q.batchGetCounters([{ name: "batch-a" }, { name: "batch-missing" }, { name: "batch-b" }]);
    assert.deepEqual(got, [{ name: "batch-a", value: "11" }, null, { name: "batch-b", value: "2" }]);
    const u1 = (await pool.query("INSERT INTO users (email) VALUES ('b1@example.com') RETURNING id::text AS id")).rows[0].id as string;
    const u2 = (await pool.query("INSERT INTO users (email) VALUES ('b2@example.com') RETURNING id::text AS id")).rows[0].id as string;
    await pool.query("INSERT INTO posts (user_id, title) VALUES ($1, 'p1'), ($1, 'p2'), ($2, 'p3')", [u1, u2]);
    const titles = await q.batchListPostTitles([{ userId: u1 }, { userId: u2 }, { userId: "999999" }]);
    assert.deepEqual(titles.map((rows) => rows.map((r) => r.title)), [["p1", "p2"], ["p3"], []]);
    assert.deepEqual(await q.batchGetCounters([]), []);
  });

  test("a batch inside withTransaction rolls back with it", async () => {
    await assert.rejects(
      q.withTransaction(async (tx) => {
        await tx.batchUpsertCounters([{ name: "batch-tx", value: 1 }]);
        throw new Error("roll back");
      }),
      /roll back/,
    );
    assert.deepEqual(await q.batchGetCounters([{ name: "batch-tx" }]), [null]);
  });

  // The generated client reads the server's ISO timestamps digit by digit and hands every other
  // shape to pg-types: each must give exactly what pg-types gives for the same text.
  test("timestamptz and timestamp decode exactly as pg-types does, in every shape the server sends", async () => {
    const client = new pg.Client({ connectionString: withDatabase(adminUrl, testDatabase) });
    await client.connect();
    try {
      const cq = new Queries(client);
      const id = (await client.query("INSERT INTO users (email) VALUES ('ts@example.com') RETURNING id::text AS id")).rows[0].id as string;
      const parseTz = pg.types.getTypeParser(1184) as (s: string) => unknown;
      const parseTs = pg.types.getTypeParser(1114) as (s: string) => unknown;
      const val = (x: unknown) => (x instanceof Date ? x.getTime() : x);
      const inputs = ["2024-01-02 03:04:05", "1970-01-01 00:00:00", "2038-01-19 03:14:08.5", "9999-12-31 23:59:59.999999",
        "0999-12-31 23:59:59.25", "0044-03-15 12:00:00 BC", "infinity", "-infinity", "12345-01-01 00:00:00"];
      for (let k = 1; k <= 6; k++) inputs.push("2024-02-29 23:59:58." + "987654".slice(0, k), "2001-09-09 01:46:40." + "000001".slice(6 - k));
      let checked = 0;
      for (const zone of ["UTC", "Asia/Kolkata", "America/St_Johns"]) {
        await client.query(`SET TimeZone = '${zone}'`);
        for (const v of inputs) {
          await client.query("UPDATE users SET created_at = $1::timestamptz, updated_at = $1::timestamp WHERE id = $2", [v, id]);
          const text = (await client.query("SELECT created_at::text AS c, updated_at::text AS u FROM users WHERE id = $1", [id])).rows[0];
          const row = (await cq.getUser({ id }))!;
          assert.deepEqual(val(row.createdAt), val(parseTz(text.c)), `timestamptz ${text.c} (${zone})`);
          assert.deepEqual(val(row.updatedAt), val(parseTs(text.u)), `timestamp ${text.u}`);
          if (typeof val(parseTz(text.c)) === "number" && Number.isFinite(val(parseTz(text.c)))) checked++;
        }
      }
      assert.ok(checked >= 3 * 15, `only ${checked} finite values compared`);
    } finally {
      await client.end();
    }
  });
});

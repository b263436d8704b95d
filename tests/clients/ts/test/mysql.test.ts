// Every generated method of the MySQL/MariaDB project, run against the real server through the
// emitted queries.js (types checked against queries.ts and queries.d.ts by run.sh).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import mysql, { type ResultSetHeader, type RowDataPacket } from "mysql2/promise";
import { Queries, usersRoleValues, type User } from "../.out/mysql/gen/queries.js";
import { schemaSql, testDatabase, withDatabase } from "./helpers.js";

const adminUrl = process.env.FLASH_TEST_MYSQL_URL ?? "";
let pool: mysql.Pool;
let q: Queries;

before(async () => {
  const admin = await mysql.createConnection({ uri: adminUrl });
  await admin.query(`DROP DATABASE IF EXISTS ${testDatabase}`);
  await admin.query(`CREATE DATABASE ${testDatabase}`);
  await admin.end();
  const setup = await mysql.createConnection({ uri: withDatabase(adminUrl, testDatabase), multipleStatements: true });
  await setup.query(schemaSql("mysql"));
  await setup.end();
  pool = mysql.createPool({ uri: withDatabase(adminUrl, testDatabase), connectionLimit: 3 });
  q = new Queries(pool);
});

after(async () => {
  await pool?.end();
});

describe("mysql (mysql2)", () => {
  let adaId = 0;
  let bobId = 0;
  let ada: User;

  test("inline enum values are exported", () => {
    assert.deepEqual([...usersRoleValues], ["admin", "member", "guest"]);
  });

  test("createUser :execlastid and getUser :one with every type", async () => {
    adaId = await q.createUser({
      email: "ada@example.com", name: "Ada", age: 36, role: "admin", active: true, balance: "1234567890.12",
      score: 9.5, externalId: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", profile: { langs: ["en", "fr"], n: 1 },
      avatar: Buffer.from([0, 1, 2, 255]), birthday: new Date(1815, 11, 10), updatedAt: new Date(2024, 0, 2, 3, 4, 5),
    });
    assert.equal(typeof adaId, "number");
    assert.ok(adaId > 0);
    const row = await q.getUser({ id: adaId });
    assert.ok(row);
    ada = row;
    assert.equal(row.id, String(adaId));
    assert.equal(row.email, "ada@example.com");
    assert.equal(row.name, "Ada");
    assert.equal(row.age, 36);
    assert.equal(row.role, "admin");
    assert.equal(row.active, true);
    assert.equal(row.balance, "1234567890.12");
    assert.equal(row.score, 9.5);
    assert.equal(row.externalId, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    assert.deepEqual(row.profile, { langs: ["en", "fr"], n: 1 });
    assert.deepEqual([...row.avatar!], [0, 1, 2, 255]);
    assert.equal(row.birthday!.getTime(), new Date(1815, 11, 10).getTime());
    assert.ok(row.createdAt instanceof Date);
    assert.equal(row.updatedAt!.getTime(), new Date(2024, 0, 2, 3, 4, 5).getTime());
  });

  test("NULLs round-trip as null", async () => {
    bobId = await q.createUser({
      email: "bob@example.com", name: null, age: null, role: "member", active: false, balance: 0, score: null,
      externalId: null, profile: null, avatar: null, birthday: null, updatedAt: null,
    });
    const row = await q.getUser({ id: String(bobId) });
    assert.ok(row);
    assert.deepEqual(
      [row.name, row.age, row.score, row.externalId, row.profile, row.avatar, row.birthday, row.updatedAt],
      [null, null, null, null, null, null, null, null],
    );
    assert.equal(row.active, false);
    assert.equal(row.balance, "0.00");
    assert.equal(await q.getUser({ id: 999999 }), null);
  });

  test("getUserByEmail / listUsers / listUsersByIds (slice) / searchUsers", async () => {
    assert.deepEqual(await q.getUserByEmail({ email: "bob@example.com" }), { id: String(bobId), email: "bob@example.com", name: null });
    assert.equal(await q.getUserByEmail({ email: "nobody@example.com" }), null);
    const all = await q.listUsers();
    assert.deepEqual(all.map((u) => u.email), ["ada@example.com", "bob@example.com"]);
    assert.deepEqual(all[0], ada);
    assert.deepEqual(await q.listUsersByIds({ ids: [bobId, BigInt(adaId), "424242"] }), [
      { id: String(adaId), email: "ada@example.com" },
      { id: String(bobId), email: "bob@example.com" },
    ]);
    assert.deepEqual(await q.listUsersByIds({ ids: [bobId] }), [{ id: String(bobId), email: "bob@example.com" }]);
    assert.deepEqual(await q.listUsersByIds({ ids: [] }), []);
    assert.deepEqual(await q.searchUsers({ minAge: null, role: "member" }), [
      { id: String(bobId), email: "bob@example.com", age: null, role: "member" },
    ]);
    assert.deepEqual(await q.searchUsers({ minAge: 30, role: "admin" }), [
      { id: String(adaId), email: "ada@example.com", age: 36, role: "admin" },
    ]);
    assert.deepEqual(await q.searchUsers({ minAge: 40, role: "admin" }), []);
  });

  test("updateUserName :exec, setUserProfile :execresult", async () => {
    const when = new Date(2025, 5, 6, 7, 8, 9);
    assert.equal(await q.updateUserName({ name: null, updatedAt: when, id: adaId }), undefined);
    const a = await q.getUser({ id: adaId });
    assert.equal(a!.name, null);
    assert.equal(a!.updatedAt!.getTime(), when.getTime());
    const res = await q.setUserProfile({ profile: ["a", 1, null], avatar: Buffer.from([9, 8]), id: bobId });
    assert.equal(res.affectedRows, 1);
    const b = await q.getUser({ id: bobId });
    assert.deepEqual(b!.profile, ["a", 1, null]);
    assert.deepEqual([...b!.avatar!], [9, 8]);
    await q.setUserProfile({ profile: "just text", avatar: null, id: bobId });
    const b2 = await q.getUser({ id: bobId });
    assert.equal(b2!.profile, "just text");
    assert.equal(b2!.avatar, null);
  });

  test("countUsers, deactivateUsersOlderThan :execrows", async () => {
    assert.deepEqual(await q.countUsers({ active: true }), { total: "1", totalBalance: "1234567890.12" });
    assert.equal(await q.deactivateUsersOlderThan({ age: 30 }), 1);
    assert.equal(await q.deactivateUsersOlderThan({ age: 300 }), 0);
    assert.deepEqual(await q.countUsers({ active: true }), { total: "0", totalBalance: null });
    assert.deepEqual(await q.countUsers({ active: false }), { total: "2", totalBalance: "1234567890.12" });
  });

  test("posts: create, metadata, joins, counts, publish, delete", async () => {
    const p1 = await q.createPost({ userId: adaId, title: "Notes", body: null, metadata: { draft: true }, publishedAt: null });
    const p2 = await q.createPost({ userId: String(adaId), title: "Sketch", body: "text", metadata: null, publishedAt: new Date(2020, 1, 2) });
    assert.ok(p2 > p1);
    assert.deepEqual(await q.getPostMetadata({ id: p1 }), { id: String(p1), metadata: { draft: true } });
    assert.deepEqual(await q.getPostMetadata({ id: p2 }), { id: String(p2), metadata: null });
    assert.equal(await q.getPostMetadata({ id: 424242 }), null);
    assert.deepEqual(await q.listPostsWithAuthors(), [
      { id: String(p1), title: "Notes", views: 0, authorEmail: "ada@example.com" },
      { id: String(p2), title: "Sketch", views: 0, authorEmail: "ada@example.com" },
    ]);
    assert.deepEqual(await q.listUsersWithPosts(), [
      { id: String(adaId), email: "ada@example.com", postId: String(p1), postTitle: "Notes" },
      { id: String(adaId), email: "ada@example.com", postId: String(p2), postTitle: "Sketch" },
      { id: String(bobId), email: "bob@example.com", postId: null, postTitle: null },
    ]);
    assert.deepEqual(await q.countPostsPerUser(), [{ userId: String(adaId), postCount: "2", totalViews: "0" }]);
    assert.equal(await q.publishPost({ publishedAt: new Date(), id: p1 }), 1);
    assert.equal(await q.publishPost({ publishedAt: new Date(), id: p1 }), 0);
    assert.equal(await q.deletePostsByUser({ userId: adaId }), 2);
    assert.deepEqual(await q.countPostsPerUser(), []);
  });

  test("counters: upsert :execrows and getCounter", async () => {
    assert.equal(await q.upsertCounter({ name: "hits", value: 5 }), 1);
    assert.equal(await q.upsertCounter({ name: "hits", value: 9007199254740993n }), 2);
    assert.deepEqual(await q.getCounter({ name: "hits" }), { name: "hits", value: "9007199254740998" });
    assert.equal(await q.getCounter({ name: "misses" }), null);
  });

  test("withTransaction commits, and rolls back on throw", async () => {
    await q.withTransaction(async (tx) => {
      await tx.upsertCounter({ name: "tx", value: 1 });
    });
    await assert.rejects(
      q.withTransaction(async (tx) => {
        await tx.upsertCounter({ name: "tx", value: 10 });
        assert.equal((await tx.getCounter({ name: "tx" }))!.value, "11");
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.equal((await q.getCounter({ name: "tx" }))!.value, "1");
    const conn = await pool.getConnection();
    try {
      await new Queries(conn).withTransaction(async (tx) => {
        await tx.upsertCounter({ name: "tx", value: 2 });
      });
    } finally {
      conn.release();
    }
    assert.equal((await q.getCounter({ name: "tx" }))!.value, "3");
  });

  test("deleteUser :exec", async () => {
    await q.deleteUser({ id: bobId });
    assert.equal(await q.getUser({ id: bobId }), null);
  });
});

describe("mysql (mysql2) :copyfrom and :batch*", () => {
  test("copyPosts / copyCounters insert every row (multi-row INSERTs, chunked)", async () => {
    const [res] = await pool.query<ResultSetHeader>("INSERT INTO users (email) VALUES ('bulk@example.com')");
    const userId = res.insertId;
    const n = await q.copyPosts([
      { userId, title: "bulk one", body: "first", views: 3, metadata: { k: 1 } },
      { userId, title: "bulk two", body: null, views: 0, metadata: null },
    ]);
    assert.equal(n, 2);
    const [posts] = await pool.query<RowDataPacket[]>(
      "SELECT title, body, views, metadata FROM posts WHERE user_id = ? ORDER BY id",
      [userId],
    );
    const norm = posts.map((p) => ({ ...p, metadata: typeof p.metadata === "string" ? JSON.parse(p.metadata) : p.metadata }));
    assert.deepEqual(norm, [
      { title: "bulk one", body: "first", views: 3, metadata: { k: 1 } },
      { title: "bulk two", body: null, views: 0, metadata: null },
    ]);
    const many = Array.from({ length: 33000 }, (_, i) => ({ name: `bulk-${i}`, value: i }));
    assert.equal(await q.copyCounters(many), 33000);
    const [c] = await pool.query<RowDataPacket[]>(
      "SELECT CAST(COUNT(*) AS CHAR) AS n, CAST(SUM(value) AS CHAR) AS s FROM counters WHERE name LIKE 'bulk-%'",
    );
    assert.deepEqual({ ...c[0] }, { n: "33000", s: String((33000 * 32999) / 2) });
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
    const [r1] = await pool.query<ResultSetHeader>("INSERT INTO users (email) VALUES ('b1@example.com')");
    const [r2] = await pool.query<ResultSetHeader>("INSERT INTO users (email) VALUES ('b2@example.com')");
    await pool.query("INSERT INTO posts (user_id, title) VALUES (?, 'p1'), (?, 'p2'), (?, 'p3')", [
      r1.insertId,
      r1.insertId,
      r2.insertId,
    ]);
    const titles = await q.batchListPostTitles([{ userId: r1.insertId }, { userId: r2.insertId }, { userId: 999999 }]);
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
});

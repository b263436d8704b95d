// Every generated method of the SQLite project, run on a temporary database file through the
// emitted queries.js (types checked against queries.ts and queries.d.ts by run.sh).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Queries, type User } from "../.out/sqlite/gen/queries.js";
import { schemaSql } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "flash-ts-sqlite-"));
let db: Database.Database;
let q: Queries;

before(() => {
  db = new Database(join(dir, "test.db"));
  db.pragma("foreign_keys = ON");
  db.exec(schemaSql("sqlite"));
  q = new Queries(db);
});

after(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const utc = (...a: [number, number, number, number?, number?, number?, number?]) =>
  new Date(Date.UTC(a[0], a[1], a[2], a[3] ?? 0, a[4] ?? 0, a[5] ?? 0, a[6] ?? 0));

describe("sqlite (better-sqlite3)", () => {
  let ada: User;
  let bob: User;

  test("createUser :one (RETURNING *) with every type", async () => {
    const row = await q.createUser({
      email: "ada@example.com", name: "Ada", age: 36, role: "admin", active: true, balance: "1234567890.12",
      score: 9.5, externalId: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", profile: { langs: ["en", "fr"], n: 1 },
      avatar: Buffer.from([0, 1, 2, 255]), birthday: utc(1815, 11, 10), updatedAt: utc(2024, 0, 2, 3, 4, 5, 678),
    });
    assert.ok(row);
    ada = row;
    assert.equal(typeof row.id, "number");
    assert.equal(row.email, "ada@example.com");
    assert.equal(row.age, 36);
    assert.equal(row.role, "admin");
    assert.equal(row.active, true);
    assert.equal(row.balance, "1234567890.12");
    assert.equal(row.score, 9.5);
    assert.deepEqual(row.profile, { langs: ["en", "fr"], n: 1 });
    assert.deepEqual([...row.avatar!], [0, 1, 2, 255]);
    assert.equal(row.birthday!.getTime(), utc(1815, 11, 10).getTime());
    assert.equal(row.updatedAt!.getTime(), utc(2024, 0, 2, 3, 4, 5, 678).getTime());
    assert.ok(Math.abs(row.createdAt.getTime() - Date.now()) < 60_000, `createdAt ${row.createdAt.toISOString()}`);
  });

  test("NULLs round-trip as null; booleans from 0/1", async () => {
    const row = await q.createUser({
      email: "bob@example.com", name: null, age: null, role: "member", active: false, balance: 0, score: null,
      externalId: null, profile: null, avatar: null, birthday: null, updatedAt: null,
    });
    assert.ok(row);
    bob = row;
    assert.deepEqual(
      [row.name, row.age, row.score, row.externalId, row.profile, row.avatar, row.birthday, row.updatedAt],
      [null, null, null, null, null, null, null, null],
    );
    assert.equal(row.active, false);
    assert.equal(row.balance, "0");
  });

  test("getUser / getUserByEmail / listUsers / listUsersByIds (slice) / searchUsers", async () => {
    assert.deepEqual(await q.getUser({ id: ada.id }), ada);
    assert.equal(await q.getUser({ id: 999999 }), null);
    assert.deepEqual(await q.getUserByEmail({ email: "bob@example.com" }), { id: bob.id, email: "bob@example.com", name: null });
    assert.equal(await q.getUserByEmail({ email: "nobody@example.com" }), null);
    assert.deepEqual(await q.listUsers(), [ada, bob]);
    assert.deepEqual(await q.listUsersByIds({ ids: [bob.id, ada.id, 424242] }), [
      { id: ada.id, email: "ada@example.com" },
      { id: bob.id, email: "bob@example.com" },
    ]);
    assert.deepEqual(await q.listUsersByIds({ ids: [String(bob.id)] }), [{ id: bob.id, email: "bob@example.com" }]);
    assert.deepEqual(await q.listUsersByIds({ ids: [] }), []);
    assert.deepEqual(await q.searchUsers({ minAge: null, role: "member" }), [
      { id: bob.id, email: "bob@example.com", age: null, role: "member" },
    ]);
    assert.deepEqual(await q.searchUsers({ minAge: 30, role: "admin" }), [
      { id: ada.id, email: "ada@example.com", age: 36, role: "admin" },
    ]);
    assert.deepEqual(await q.searchUsers({ minAge: 40, role: "admin" }), []);
  });

  test("updateUserName :exec, setUserProfile :execresult", async () => {
    const when = utc(2025, 5, 6, 7, 8, 9);
    assert.equal(await q.updateUserName({ name: null, updatedAt: when, id: ada.id }), undefined);
    const a = await q.getUser({ id: ada.id });
    assert.equal(a!.name, null);
    assert.equal(a!.updatedAt!.getTime(), when.getTime());
    const res = await q.setUserProfile({ profile: ["a", 1, null], avatar: Buffer.from([9, 8]), id: bob.id });
    assert.equal(res.changes, 1);
    const b = await q.getUser({ id: bob.id });
    assert.deepEqual(b!.profile, ["a", 1, null]);
    assert.deepEqual([...b!.avatar!], [9, 8]);
    await q.setUserProfile({ profile: "just text", avatar: null, id: bob.id });
    assert.equal((await q.getUser({ id: bob.id }))!.profile, "just text");
  });

  test("countUsers, deactivateUsersOlderThan :execrows", async () => {
    assert.deepEqual(await q.countUsers({ active: true }), { total: 1, totalBalance: "1234567890.12" });
    assert.equal(await q.deactivateUsersOlderThan({ age: 30 }), 1);
    assert.equal(await q.deactivateUsersOlderThan({ age: 300 }), 0);
    assert.deepEqual(await q.countUsers({ active: true }), { total: 0, totalBalance: null });
  });

  test("posts: create :execlastid, metadata, joins, counts, publish, delete", async () => {
    const p1 = await q.createPost({ userId: ada.id, title: "Notes", body: null, metadata: { draft: true }, publishedAt: null });
    const p2 = await q.createPost({ userId: ada.id, title: "Sketch", body: "text", metadata: null, publishedAt: utc(2020, 1, 2) });
    assert.equal(typeof p1, "number");
    assert.equal(p2, p1 + 1);
    assert.deepEqual(await q.getPostMetadata({ id: p1 }), { id: p1, metadata: { draft: true } });
    assert.deepEqual(await q.getPostMetadata({ id: p2 }), { id: p2, metadata: null });
    assert.equal(await q.getPostMetadata({ id: 424242 }), null);
    assert.deepEqual(await q.listPostsWithAuthors(), [
      { id: p1, title: "Notes", views: 0, authorEmail: "ada@example.com" },
      { id: p2, title: "Sketch", views: 0, authorEmail: "ada@example.com" },
    ]);
    assert.deepEqual(await q.listUsersWithPosts(), [
      { id: ada.id, email: "ada@example.com", postId: p1, postTitle: "Notes" },
      { id: ada.id, email: "ada@example.com", postId: p2, postTitle: "Sketch" },
      { id: bob.id, email: "bob@example.com", postId: null, postTitle: null },
    ]);
    assert.deepEqual(await q.countPostsPerUser(), [{ userId: ada.id, postCount: 2, totalViews: 0 }]);
    assert.equal(await q.publishPost({ publishedAt: new Date(), id: p1 }), 1);
    assert.equal(await q.publishPost({ publishedAt: new Date(), id: p1 }), 0);
    assert.equal(await q.deletePostsByUser({ userId: ada.id }), 2);
    assert.deepEqual(await q.countPostsPerUser(), []);
  });

  test("counters: upsert :one and getCounter", async () => {
    assert.deepEqual(await q.upsertCounter({ name: "hits", value: 5 }), { value: 5 });
    assert.deepEqual(await q.upsertCounter({ name: "hits", value: "7" }), { value: 12 });
    assert.deepEqual(await q.getCounter({ name: "hits" }), { name: "hits", value: 12 });
    assert.equal(await q.getCounter({ name: "misses" }), null);
  });

  test("withTransaction commits, and rolls back on throw", async () => {
    await q.withTransaction(async (tx) => {
      await tx.upsertCounter({ name: "tx", value: 1 });
    });
    await assert.rejects(
      q.withTransaction(async (tx) => {
        await tx.upsertCounter({ name: "tx", value: 10 });
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.equal((await q.getCounter({ name: "tx" }))!.value, 1);
    assert.equal(db.inTransaction, false);
  });

  test("deleteUser :exec", async () => {
    await q.deleteUser({ id: bob.id });
    assert.equal(await q.getUser({ id: bob.id }), null);
  });
});

describe("sqlite (better-sqlite3) :copyfrom and :batch*", () => {
  test("copyPosts / copyCounters insert every row (one prepared INSERT in a transaction)", async () => {
    const userId = Number(db.prepare("INSERT INTO users (email) VALUES ('bulk@example.com')").run().lastInsertRowid);
    const n = await q.copyPosts([
      { userId, title: "bulk one", body: "first", views: 3, metadata: { k: 1 } },
      { userId, title: "bulk two", body: null, views: 0, metadata: null },
    ]);
    assert.equal(n, 2);
    const posts = db.prepare("SELECT title, body, views, metadata FROM posts WHERE user_id = ? ORDER BY id").all(userId);
    assert.deepEqual(posts, [
      { title: "bulk one", body: "first", views: 3, metadata: '{"k":1}' },
      { title: "bulk two", body: null, views: 0, metadata: null },
    ]);
    const many = Array.from({ length: 40000 }, (_, i) => ({ name: `bulk-${i}`, value: i }));
    assert.equal(await q.copyCounters(many), 40000);
    const c = db.prepare("SELECT count(*) AS n, sum(value) AS s FROM counters WHERE name LIKE 'bulk-%'").get();
    assert.deepEqual(c, { n: 40000, s: (40000 * 39999) / 2 });
    assert.equal(await q.copyCounters([]), 0);
    // A failing row rolls the whole copy back (it runs in one transaction).
    await assert.rejects(q.copyCounters([{ name: "bulk-new", value: 1 }, { name: "bulk-1", value: 1 }]));
    assert.equal((db.prepare("SELECT count(*) AS n FROM counters WHERE name = 'bulk-new'").get() as { n: number }).n, 0);
  });

  test("batch kinds run once per element, in order, with per-element results", async () => {
    await q.batchUpsertCounters([
      { name: "batch-a", value: 1 },
      { name: "batch-b", value: 2 },
      { name: "batch-a", value: 10 },
    ]);
    const got = await q.batchGetCounters([{ name: "batch-a" }, { name: "batch-missing" }, { name: "batch-b" }]);
    assert.deepEqual(got, [{ name: "batch-a", value: 11 }, null, { name: "batch-b", value: 2 }]);
    const u1 = Number(db.prepare("INSERT INTO users (email) VALUES ('b1@example.com')").run().lastInsertRowid);
    const u2 = Number(db.prepare("INSERT INTO users (email) VALUES ('b2@example.com')").run().lastInsertRowid);
    db.prepare("INSERT INTO posts (user_id, title) VALUES (?, 'p1'), (?, 'p2'), (?, 'p3')").run(u1, u1, u2);
    const titles = await q.batchListPostTitles([{ userId: u1 }, { userId: u2 }, { userId: 999999 }]);
    assert.deepEqual(titles.map((rows) => rows.map((r) => r.title)), [["p1", "p2"], ["p3"], []]);
    assert.deepEqual(await q.batchGetCounters([]), []);
  });
});

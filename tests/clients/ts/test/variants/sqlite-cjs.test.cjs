// module = "commonjs": the emitted queries.js is a CommonJS module that require() loads.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const Database = require("better-sqlite3");

test("sqlite commonjs module: require() and call methods", async () => {
  const gen = require(`${process.env.FLASH_TS_OUT}/sqlite-cjs/gen/queries.js`);
  assert.equal(typeof gen.Queries, "function");
  assert.equal(typeof gen.getUserSql, "string");
  const db = new Database(":memory:");
  db.exec(fs.readFileSync(`${process.env.FLASH_SOURCE_DIR}/tests/clients/projects/sqlite/schema.sql`, "utf8"));
  const q = new gen.Queries(db);
  const u = await q.createUser({
    email: "c@example.com", name: "C", age: 3, role: "guest", active: false, balance: "2.5",
    score: null, externalId: null, profile: { a: 1 }, avatar: null, birthday: null, updatedAt: null,
  });
  assert.equal(u.email, "c@example.com");
  assert.equal(u.active, false);
  assert.deepEqual(u.profile, { a: 1 });
  assert.deepEqual(await q.getUser({ id: u.id }), u);
  db.close();
});

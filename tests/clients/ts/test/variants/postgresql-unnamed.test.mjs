// prepared = false (the default with [database] pooler = "pgbouncer"): unnamed statements, rows
// decoded the same way. Plain JavaScript loading the .js Flash emitted for this setting.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";

const { Queries } = await import(`${process.env.FLASH_TS_OUT}/postgresql-unnamed/gen/queries.js`);
const url = new URL(process.env.FLASH_TEST_PG_URL);
url.pathname = "/flash_ts_client_unnamed";
let pool;

before(async () => {
  const admin = new pg.Client({ connectionString: process.env.FLASH_TEST_PG_URL });
  await admin.connect();
  await admin.query("DROP DATABASE IF EXISTS flash_ts_client_unnamed WITH (FORCE)");
  await admin.query("CREATE DATABASE flash_ts_client_unnamed");
  await admin.end();
  pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  const { readFileSync } = await import("node:fs");
  await pool.query(readFileSync(`${process.env.FLASH_SOURCE_DIR}/tests/clients/projects/postgresql/schema.sql`, "utf8"));
});
after(() => pool?.end());

test("postgresql prepared = false: unnamed statements, typed rows, no named statement left on the server", async () => {
  const q = new Queries(pool);
  const u = await q.createUser({
    email: "u@example.com", name: "U", age: 7, role: "member", active: true, balance: "2.25",
    score: 1.5, externalId: null, tags: ["a"], profile: { k: 1 }, avatar: null, birthday: null,
    updatedAt: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)),
  });
  assert.equal(typeof u.id, "string");
  assert.equal(u.age, 7);
  assert.deepEqual(u.tags, ["a"]);
  assert.deepEqual(u.profile, { k: 1 });
  assert.equal(u.updatedAt.getTime(), Date.UTC(2024, 0, 2, 3, 4, 5, 678));
  assert.deepEqual(await q.getUser({ id: u.id }), u);
  assert.deepEqual((await q.listUsers()).map((r) => r.email), ["u@example.com"]);
  assert.equal(await q.getUser({ id: "999999" }), null);
  const client = await pool.connect();
  try {
    const one = new Queries(client);
    assert.deepEqual(await one.getUser({ id: u.id }), u);
    const named = await client.query("SELECT count(*)::int AS n FROM pg_prepared_statements");
    assert.equal(named.rows[0].n, 0);
  } finally {
    client.release();
  }
});

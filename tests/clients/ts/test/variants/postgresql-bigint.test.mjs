// bigint = "bigint": 64-bit integers come back as BigInt (numeric stays an exact string). Plain
// JavaScript loading the .js Flash emitted for this setting.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";

const { Queries } = await import(`${process.env.FLASH_TS_OUT}/postgresql-bigint/gen/queries.js`);
const url = new URL(process.env.FLASH_TEST_PG_URL);
url.pathname = "/flash_ts_client_bigint";
let pool;

before(async () => {
  const admin = new pg.Client({ connectionString: process.env.FLASH_TEST_PG_URL });
  await admin.connect();
  await admin.query("DROP DATABASE IF EXISTS flash_ts_client_bigint WITH (FORCE)");
  await admin.query("CREATE DATABASE flash_ts_client_bigint");
  await admin.end();
  pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  const { readFileSync } = await import("node:fs");
  await pool.query(readFileSync(`${process.env.FLASH_SOURCE_DIR}/tests/clients/projects/postgresql/schema.sql`, "utf8"));
});
after(() => pool?.end());

test("postgresql bigint = \"bigint\": int8 as BigInt, numeric as string", async () => {
  const q = new Queries(pool);
  const u = await q.createUser({
    email: "x@example.com", name: null, age: null, role: "guest", active: true, balance: "1.50",
    score: null, externalId: null, tags: [], profile: null, avatar: null, birthday: null, updatedAt: null,
  });
  assert.equal(typeof u.id, "bigint");
  assert.equal(u.balance, "1.50");
  assert.deepEqual(await q.upsertCounter({ name: "big", value: 9007199254740993n }), { value: 9007199254740993n });
  assert.deepEqual(await q.countUsers({ active: true }), { total: 1n, totalBalance: "1.50" });
  assert.equal((await q.getUser({ id: u.id })).email, "x@example.com");
});

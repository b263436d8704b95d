// node insert_floor.mjs [BLOCKS] [PER]: what one sequential, awaited single-row INSERT (the workload's
// CreateUser, a named prepared statement) costs a node process, per query (µs wall and µs client CPU),
// for node-postgres and for the least any node driver can do:
//   wire       a hand-written protocol round trip over node:net: one Bind/Execute/Sync message for the
//              named statement written to the socket, the reply read until ReadyForQuery. The socket is
//              a pg.Client's, taken over after pg connected, authenticated and prepared the statement (so
//              no auth code here); nothing else is parsed or allocated.
//   pg-client  node-postgres, pool.query-free: client.query({ name, text, values }) on one pg.Client
//   pg-pool    the workload's node-pg contender: pool.query({ name, text, values }) on a pg.Pool of 20
//   flash-ts   the generated client's createUser on a pg.Pool of 20 ($FLASH_TS_GEN or ./gen/queries.js)
// Blocks of PER inserts alternate between them (the first of each block rotates), so load drifts onto
// all alike. $BENCH_URL must hold the workload schema (e.g. after cte_profile.mjs or phase_ab.mjs).
import pg from "pg";
import { POOL_SIZE, SQL, userValues } from "./workload.mjs";

const url = process.env.BENCH_URL;
const blocks = Number(process.argv[2] || 20), per = Number(process.argv[3] || 200);
const NAME = "CreateUser", TEXT = SQL.CreateUser;
let serial = 0;
const base = Date.now() * 1000;  // unique e-mails across runs
const next = () => userValues(base + serial++);

// ---- wire: Bind (named statement, 4 text parameters) + Execute + Sync in one buffer -----------------
async function wire() {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query({ name: NAME, text: TEXT, values: Object.values(next()) });  // prepares NAME
  const sock = client.connection.stream;
  sock.removeAllListeners("data");
  client.on("error", () => {});  // the socket is ours now; closing it is not an error
  let pending = null, carry = null;
  sock.on("data", (chunk) => {
    let buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = null;
    let off = 0;
    while (buf.length - off >= 5) {
      const len = buf.readInt32BE(off + 1);
      if (buf.length - off < 1 + len) break;
      const type = buf[off];
      if (type === 0x45) pending.fail = buf.toString("utf8", off + 5, off + 1 + len);  // ErrorResponse
      off += 1 + len;
      if (type === 0x5a) {  // ReadyForQuery
        const p = pending;
        pending = null;
        if (p.fail) p.reject(new Error(p.fail)); else p.resolve();
      }
    }
    if (off < buf.length) carry = buf.subarray(off);
  });
  const stmt = Buffer.from(NAME + "\0");
  const execSync = Buffer.from([0x45, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0x53, 0, 0, 0, 4]);  // Execute "" 0 + Sync
  const insert = (v) => {
    const vals = [v.name, v.email, v.address, v.isadmin ? "t" : "f"];
    let n = 4 + 1 + stmt.length + 2 + 2 + 2;  // length, portal "", statement, 0 formats, count, 0 result formats
    for (const x of vals) n += 4 + Buffer.byteLength(x);
    const b = Buffer.allocUnsafe(1 + n + execSync.length);
    let o = 0;
    b[o++] = 0x42;  // Bind
    o = b.writeInt32BE(n, o);
    b[o++] = 0;
    o += stmt.copy(b, o);
    o = b.writeInt16BE(0, o);
    o = b.writeInt16BE(vals.length, o);
    for (const x of vals) {
      const len = b.write(x, o + 4);
      o = b.writeInt32BE(len, o);
      o += len;
    }
    o = b.writeInt16BE(0, o);
    execSync.copy(b, o);
    return new Promise((resolve, reject) => {
      pending = { resolve, reject, fail: null };
      sock.write(b);
    });
  };
  return { insert, close: () => sock.destroy() };
}

async function pgClient() {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return { insert: (v) => client.query({ name: NAME, text: TEXT, values: [v.name, v.email, v.address, v.isadmin] }), close: () => client.end() };
}

async function pgPool() {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  return { insert: (v) => pool.query({ name: NAME, text: TEXT, values: [v.name, v.email, v.address, v.isadmin] }), close: () => pool.end() };
}

async function flashTs() {
  const { Queries } = await import(process.env.FLASH_TS_GEN || "./gen/queries.js");
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  const q = new Queries(pool);
  return { insert: (v) => q.createUser(v), close: () => pool.end() };
}

const all = { wire, "pg-client": pgClient, "pg-pool": pgPool, "flash-ts": flashTs };
const names = (process.env.FLOOR_ONLY || Object.keys(all).join(",")).split(",");
const cs = [];
for (const n of names) cs.push(await all[n]());
for (const c of cs) for (let i = 0; i < 200; i++) await c.insert(next());  // warm-up
const cpu = names.map(() => 0), wall = names.map(() => 0);
for (let b = 0; b < blocks; b++) {
  for (let j = 0; j < cs.length; j++) {
    const k = (j + b) % cs.length;
    const t = process.hrtime.bigint(), c0 = process.cpuUsage();
    for (let i = 0; i < per; i++) await cs[k].insert(next());
    const d = process.cpuUsage(c0);
    cpu[k] += d.user + d.system;
    wall[k] += Number(process.hrtime.bigint() - t) / 1e3;
  }
}
for (const c of cs) await c.close();
const n = blocks * per;
const out = { inserts_each: n, load: (await import("node:os")).loadavg().map((x) => +x.toFixed(2)) };
out.wall_us = Object.fromEntries(names.map((m, k) => [m, +(wall[k] / n).toFixed(1)]));
out.cpu_us = Object.fromEntries(names.map((m, k) => [m, +(cpu[k] / n).toFixed(1)]));
process.stdout.write(JSON.stringify(out) + "\n");

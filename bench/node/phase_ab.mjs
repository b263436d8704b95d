// node phase_ab.mjs CONTENDERS OP [BLOCKS] [PER]: one operation of the workload for several node
// contenders in one process, in alternating blocks (the first contender of each block rotates), so the
// machine's load drifts onto all alike; prints each one's client CPU and wall per operation.
// CONTENDERS: a comma-separated list of run.mjs contenders; `flash-ts@PATH` is flash-ts over another
// generated module (e.g. an older generator's gen/queries.js). OP:
//   insert_users     sequential CreateUser (unique e-mails past the workload's)
//   insert_comments  sequential CreateComment
//   mixed            a concurrent batch of 30 operations exactly as in mixed_concurrent
//   lookups          a concurrent batch of 50 name lookups
//   cte              one GetActiveUsersWithStats
// Seeds $BENCH_URL like cte_profile.mjs first (the inserts add rows; the next run re-seeds).
// PHASE_PROFILE=PREFIX: a V8 CPU profile per contender of exactly its timed blocks (PREFIX.NAME.cpuprofile).
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { contenders } from "./run.mjs";
import { LOOKUP_BATCH, MIXED_BATCH, N_COMMENTS, N_USERS, WARMUP, commentValues, seed, userValues } from "./workload.mjs";

const [names, what] = [process.argv[2].split(","), process.argv[3] || "mixed"];
const blocks = Number(process.argv[4] || 20), per = Number(process.argv[5] || 50);

async function make(spec) {
  const [name, gen] = spec.split("@");
  if (gen) process.env.FLASH_TS_GEN = new URL(gen, `file://${process.cwd()}/`).href;
  else delete process.env.FLASH_TS_GEN;
  return contenders[name]();
}

let serial = 0;  // unique values across contenders and blocks
const base = Date.now() * 1000;  // unique e-mails across runs
const ops = {
  insert_users: (c) => c.createUser(userValues(base + serial++)),
  insert_comments: (c) => c.createComment(commentValues(serial++)),
  mixed: (c) => {
    const ps = [], first = serial;
    serial += MIXED_BATCH;
    for (let i = first; i < first + MIXED_BATCH; i++) {
      if (i % 4 === 0) { ps.push(c.createComment(commentValues(N_COMMENTS + i))); continue; }
      const id = (i % N_USERS) + 1;
      ps.push(i % 3 === 0 ? c.topUsers() : i % 3 === 1 ? c.userEmail(id) : c.userIsAdmin(id));
    }
    return Promise.all(ps);
  },
  lookups: async (c) => {
    const ps = [];
    for (let i = 0; i < LOOKUP_BATCH; i++) ps.push(c.userName((serial++ % N_USERS) + 1));
    const got = await Promise.all(ps);
    if (got.some((n) => typeof n !== "string")) throw new Error("a name lookup returned no name");
  },
  cte: (c) => c.activeUsers(),
};
const op = ops[what];
if (!op) throw new Error(`unknown op ${what} (${Object.keys(ops).join(", ")})`);

await seed(process.env.BENCH_URL);
const cs = [];
for (const n of names) cs.push(await make(n));
// Warm-up: JIT, prepared statements on every pooled connection (20 concurrent of each read path).
for (const c of cs) {
  for (let i = 0; i < WARMUP; i++) { await op(c); await c.topUsers(); await c.userEmail(i + 1); await c.userIsAdmin(i + 1); }
  await Promise.all(Array.from({ length: 20 }, (_, i) => c.userName(i + 1)));
  await Promise.all(Array.from({ length: 20 }, (_, i) => c.createComment(commentValues(i))));
}
const session = process.env.PHASE_PROFILE ? new Session() : null;
const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
if (session) { session.connect(); await post("Profiler.enable"); await post("Profiler.setSamplingInterval", { interval: 100 }); }
const cpu = names.map(() => 0), wall = names.map(() => 0);
for (let b = 0; b < blocks; b++) {
  for (let j = 0; j < cs.length; j++) {
    const k = (j + b) % cs.length;
    if (session) await post("Profiler.start");
    const t = process.hrtime.bigint(), c0 = process.cpuUsage();
    for (let i = 0; i < per; i++) await op(cs[k]);
    const d = process.cpuUsage(c0);
    cpu[k] += (d.user + d.system) / 1000;
    wall[k] += Number(process.hrtime.bigint() - t) / 1e6;
    if (session) {
      const { profile } = await post("Profiler.stop");
      cs[k].profiles = (cs[k].profiles || []).concat([profile]);
    }
  }
}
if (session) {
  // One file per contender: the profiles of its blocks, merged (samples and time deltas appended).
  cs.forEach((c, k) => {
    const [first, ...rest] = c.profiles;
    let maxId = Math.max(...first.nodes.map((x) => x.id));
    for (const p of rest) {
      const off = maxId;
      for (const x of p.nodes) { x.id += off; if (x.children) x.children = x.children.map((y) => y + off); }
      first.nodes.push(...p.nodes);
      first.samples.push(...p.samples.map((s) => s + off));
      first.timeDeltas.push(...p.timeDeltas);
      maxId = Math.max(maxId, ...p.nodes.map((x) => x.id));
    }
    writeFileSync(`${process.env.PHASE_PROFILE}.${names[k].replace(/[^\w-]/g, "_")}.cpuprofile`, JSON.stringify(first));
  });
}
for (const c of cs) await c.close();
const n = blocks * per;
const out = { op: what, ops_each: n, load: (await import("node:os")).loadavg().map((x) => +x.toFixed(2)) };
out.cpu_us_per_op = Object.fromEntries(names.map((m, k) => [m, +((cpu[k] * 1000) / n).toFixed(1)]));
out.wall_us_per_op = Object.fromEntries(names.map((m, k) => [m, +((wall[k] * 1000) / n).toFixed(1)]));
if (names.length === 2) out.cpu_ratio = +(cpu[0] / cpu[1]).toFixed(3);
process.stdout.write(JSON.stringify(out) + "\n");

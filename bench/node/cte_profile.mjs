// node cte_profile.mjs CONTENDER [RUNS]: the active_users_cte phase alone, for profiling
// one node contender (run.mjs's contenders, or pg-floor below) without the insert phases around it.
// Seeds $BENCH_URL's workload tables with the workload's row counts at $BENCH_SCALE in one statement per
// table (created_at from clock_timestamp(), so timestamps differ per row as in the workload), unless they
// already hold exactly those counts; warms up like workload.mjs, then runs GetActiveUsersWithStats RUNS
// times (default: the phase's count) and prints {"contender", "runs", "rows", "wall_ms", "cpu_ms"}.
// A comma-separated list of contenders runs them interleaved in one process (see below).
// CTE_PROFILE=FILE.cpuprofile: a V8 CPU profile of exactly the timed runs (node:inspector; open it in
// Chrome DevTools or summarise its self times).
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import pg from "pg";
import { contenders } from "./run.mjs";
import { N_CTE, SQL, WARMUP, seed } from "./workload.mjs";

const which = process.argv[2];
const runs = Number(process.argv[3] || N_CTE);

// pg-floor (measurement only): node-postgres with the same named statement, array rows and every
// parser the identity: pg's protocol parsing and string decoding alone, what any pg-based client pays.
async function pgFloor() {
  const pool = new pg.Pool({ connectionString: process.env.BENCH_URL, max: 20 });
  const raw = { getTypeParser: () => (v) => v };
  return {
    activeUsers: async () => (await pool.query({ name: "GetActiveUsersWithStats", text: SQL.GetActiveUsersWithStats, values: [],
                                                   rowMode: "array", types: raw })).rows,
    counts: (r) => [r[3], r[5]],
    close: () => pool.end(),
  };
}

await seed(process.env.BENCH_URL);
const make = (name) => (name === "pg-floor" ? pgFloor() : contenders[name]());

// CONTENDER may be a comma-separated list: all run in this one process, in blocks of 5 runs that
// alternate (the first contender of each block rotates), so the machine's load drifts onto all alike.
if (which.includes(",")) {
  const names = which.split(",");
  const cs = [];
  for (const n of names) cs.push(await make(n));
  for (const c of cs) for (let i = 0; i < WARMUP; i++) await c.activeUsers();
  const cpu = names.map(() => 0), wall = names.map(() => 0);
  for (let b = 0; b * 5 < runs; b++) {
    for (let j = 0; j < cs.length; j++) {
      const k = (j + b) % cs.length;
      const t = process.hrtime.bigint(), c0 = process.cpuUsage();
      for (let i = 0; i < 5; i++) await cs[k].activeUsers();
      const d = process.cpuUsage(c0);
      cpu[k] += (d.user + d.system) / 1000;
      wall[k] += Number(process.hrtime.bigint() - t) / 1e6;
    }
  }
  for (const c of cs) await c.close();
  process.stdout.write(JSON.stringify({ runs_each: Math.ceil(runs / 5) * 5, cpu_ms: Object.fromEntries(names.map((n, k) => [n, Math.round(cpu[k])])),
                                        wall_ms: Object.fromEntries(names.map((n, k) => [n, Math.round(wall[k])])) }) + "\n");
  process.exit(0);
}
const c = await make(which);
for (let i = 0; i < WARMUP; i++) await c.activeUsers();
const session = process.env.CTE_PROFILE ? new Session() : null;
const post = (method, params) => new Promise((resolve, reject) =>
  session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
if (session) {
  session.connect();
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 100 });
  await post("Profiler.start");
}
const t = process.hrtime.bigint(), c0 = process.cpuUsage();
let rows;
for (let i = 0; i < runs; i++) rows = await c.activeUsers();
const cpu = process.cpuUsage(c0);
const wall = Number(process.hrtime.bigint() - t) / 1e6;
if (session) {
  const { profile } = await post("Profiler.stop");
  writeFileSync(process.env.CTE_PROFILE, JSON.stringify(profile));
  session.disconnect();
}
for (const r of rows) {
  const [p, cm] = c.counts(r);
  if (Number(p) !== 5 || Number(cm) !== 15) throw new Error(`CTE counts ${p}/${cm}, want 5/15`);
}
await c.close();
process.stdout.write(JSON.stringify({ contender: which, runs, rows: rows.length, wall_ms: Math.round(wall), cpu_ms: Math.round((cpu.user + cpu.system) / 1000), user_ms: Math.round(cpu.user / 1000), sys_ms: Math.round(cpu.system / 1000) }) + "\n");

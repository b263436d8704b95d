// node ab_gen.mjs A.js B.js [cte|lookups] [BLOCKS] [PER]: two generated TS clients (e.g. an older
// generator's gen/queries.js and today's) in one process on one pool of $BENCH_URL (seeded, e.g. by
// cte_profile.mjs): blocks of PER runs of the CTE (or of 50 concurrent name lookups) alternate between
// them, so the machine's load drifts onto both alike; prints each one's client CPU and A ÷ B.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
const load = async (p) => (await import(pathToFileURL(resolve(p)).href)).Queries;
const A = await load(process.argv[2]), B = await load(process.argv[3]);
const pool = new pg.Pool({ connectionString: process.env.BENCH_URL, max: 20 });
const qa = new A(pool), qb = new B(pool);
const what = process.argv[4] || "cte";
const op = what === "cte" ? (q) => q.getActiveUsersWithStats() : async (q) => { const ps = []; for (let i = 1; i <= 50; i++) ps.push(q.getUserName({ id: i })); await Promise.all(ps); };
for (let i = 0; i < 20; i++) { await op(qa); await op(qb); }
const cpu = { a: 0, b: 0 };
const blocks = Number(process.argv[5] || 20), per = Number(process.argv[6] || 5);
for (let k = 0; k < blocks; k++) {
  for (const [name, q] of k % 2 ? [["a", qa], ["b", qb]] : [["b", qb], ["a", qa]]) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < per; i++) await op(q);
    const d = process.cpuUsage(c0); cpu[name] += (d.user + d.system) / 1000;
  }
}
console.log(JSON.stringify({ what, runs_each: blocks * per, a_cpu_ms: Math.round(cpu.a), b_cpu_ms: Math.round(cpu.b), ratio: +(cpu.a / cpu.b).toFixed(3) }));
await pool.end();

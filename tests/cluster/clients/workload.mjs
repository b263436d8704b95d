// A read workload on the TypeScript/JavaScript client generated with read_retry = true
// (tests/cluster/patroni_clients.py): getItem and listItems in a loop on a pg.Pool through the HAProxy
// address in $URL (node-postgres has no multi-host URLs), for $SECONDS_TO_RUN seconds. Prints "ready"
// after the first successful read, then one JSON line: reads, errors (the ones that reached the
// caller), max_gap_s (the longest time between two successful reads: the outage this client saw),
// first_errors.
import pg from "pg";
import { Queries } from "./gen/queries.js";

const pool = new pg.Pool({ connectionString: process.env.URL, max: 4, connectionTimeoutMillis: 2000 });
pool.on("error", () => {}); // an idle client whose server died: the pool drops it
const q = new Queries(pool);
const deadline = Date.now() + Number(process.env.SECONDS_TO_RUN) * 1000;
let reads = 0, errors = 0, last = 0, maxGap = 0;
const firstErrors = [];
while (Date.now() < deadline) {
  try {
    if (reads % 2 === 0) await q.getItem({ id: "1" });
    else await q.listItems();
    const now = Date.now();
    if (last === 0) console.log("ready");
    else maxGap = Math.max(maxGap, now - last);
    last = now;
    reads++;
  } catch (e) {
    errors++;
    if (firstErrors.length < 3) firstErrors.push(String(e?.message ?? e));
  }
  await new Promise((r) => setTimeout(r, 20));
}
console.log(JSON.stringify({ reads, errors, max_gap_s: maxGap / 1000, first_errors: firstErrors }));
await pool.end();

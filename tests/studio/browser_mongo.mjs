// Flash Studio on MongoDB in a real browser: playwright-core drives Debian's chromium (headless)
// against `flash studio` in a MongoDB project (FerretDB of scripts/db.sh): the SQL pages are not
// offered, open a collection, page, edit a document (read back with the driver: an int64 beyond
// 2^53 typed as a plain number is stored exactly), a conflicting edit refused, insert, delete, a
// $where filter refused, the indexes declared vs live. Screenshots go to <work>/screenshots.
//   node tests/studio/browser_mongo.mjs FLASH_BINARY MONGO_TOOL WORK_DIR
// MONGO_TOOL is flash_test_mongo_tool (tests/studio/mongo_tool.cpp): the test's own client.
// Exit 0 pass, 1 fail, 77 skipped (no FLASH_TEST_MONGO_URL).
import { createRequire } from "node:module";
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../studio/web/package.json"));
const { chromium } = require("playwright-core");

const [flash, tool, work] = process.argv.slice(2);
const CHROMIUM = process.env.FLASH_CHROMIUM ?? "/usr/bin/chromium";
if (!fs.existsSync(CHROMIUM)) {
  console.error(`browser test: ${CHROMIUM} is missing (scripts/install-deps.sh installs Debian's chromium)`);
  process.exit(1);
}
const base = process.env.FLASH_TEST_MONGO_URL;
if (!base) {
  console.log("skipped: FLASH_TEST_MONGO_URL is not set (scripts/db.sh starts FerretDB)");
  process.exit(77);
}

// ---- the database, through the test's own client ----------------------------------------------
const dbName = `flash_studio_ui_${process.pid}`;
const u = new URL(base);
u.pathname = "/" + dbName;
const url = u.toString();
const command = (cmd) => JSON.parse(execFileSync(tool, [url, "command", JSON.stringify(cmd)]).toString());
const find = (coll, filter) =>
  execFileSync(tool, [url, "find", coll, JSON.stringify(filter)]).toString().split("\n").filter(Boolean).map((l) => JSON.parse(l));
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(path.join(work, "screenshots"), { recursive: true });
command({ dropDatabase: 1 });
const people = [];
for (let i = 1; i <= 45; i++) people.push({ _id: i, name: `person ${String(i).padStart(2, "0")}`, age: i % 30 });
command({ insert: "people", documents: people });
command({ createIndexes: "people", indexes: [{ key: { name: 1 }, name: "name_1", unique: true }] });

// ---- the project and the studio -----------------------------------------------------------------
const project = path.join(work, "project");
fs.mkdirSync(path.join(project, "db/schema"), { recursive: true });
fs.writeFileSync(path.join(project, "flash.toml"),
  `version = "2"\nschema_dir = "db/schema"\n\n[database]\nprovider = "mongodb"\nurl_env = "DATABASE_URL"\n`);
fs.writeFileSync(path.join(project, "db/schema/people.json"), JSON.stringify({
  name: "people",
  indexes: [{ key: { name: 1 }, unique: true }, { key: { email: 1 } }],
}, null, 2));
const studio = spawn(flash, ["studio", "--port", "0", "--no-browser", "--json"], {
  cwd: project, env: { ...process.env, DATABASE_URL: url, DISPLAY: "" }, stdio: ["ignore", "pipe", "inherit"],
});
// --json: the command's one JSON object, as soon as it listens (read until it parses).
const first = await new Promise((resolve, reject) => {
  const rl = readline.createInterface({ input: studio.stdout });
  let text = "";
  rl.on("line", (line) => {
    text += line + "\n";
    try { resolve(JSON.parse(text)); } catch { /* more lines */ }
  });
  studio.once("exit", (code) => reject(new Error(`flash studio exited with ${code}`)));
});
const { url: studioUrl } = first;

const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};
const shot = (page, name) => page.screenshot({ path: path.join(work, "screenshots", `mongodb-${name}.png`), fullPage: true });

let context;
try {
  context = await chromium.launchPersistentContext(path.join(work, "chromium-profile"), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
  const page = await context.newPage();
  const external = [];
  page.on("request", (r) => { if (!r.url().startsWith(new URL(studioUrl).origin)) external.push(r.url()); });
  await page.goto(studioUrl);
  await page.getByTestId("collection-people").click();
  await page.getByTestId("doc").first().waitFor();
  check(new URL(page.url()).search === "", "the token left the address bar");
  check((await page.getByTestId("nav-sql").count()) === 0 && (await page.getByTestId("nav-diagram").count()) === 0,
        "no SQL runner or diagram on a MongoDB project");
  check((await page.getByTestId("mongo-note").innerText()).includes("SQL"), "the sidebar says the SQL pages do not apply");
  const ids = async () => (await page.getByTestId("doc-id").allInnerTexts()).map((t) => JSON.parse(t).$numberInt);
  let got = await ids();
  check(got.length === 20 && got[0] === "1" && got[19] === "20", `first page 1..20 (got ${got.length}: ${got[0]}..${got.at(-1)})`);
  await shot(page, "documents");

  await page.getByTestId("next").click();
  await page.waitForFunction(() => document.querySelector("[data-testid=doc-id]")?.textContent?.includes('"21"'));
  got = await ids();
  check(got.length === 20 && got[0] === "21" && got[19] === "40", "next page 21..40");
  await page.getByTestId("next").click();
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=doc]").length === 5);
  check((await page.getByTestId("next").isDisabled()), "last page 41..45, no next");
  await page.getByTestId("prev").click();
  await page.waitForFunction(() => document.querySelector("[data-testid=doc-id]")?.textContent?.includes('"21"'));
  check((await ids())[0] === "21", "previous page back to 21");

  // Edit document 21 as canonical Extended JSON; a plain number beyond 2^53 typed in stays exact.
  const card = page.getByTestId("doc").first();
  await card.getByTestId("doc-edit").click();
  const shown = await page.getByTestId("doc-editor").inputValue();
  check(shown.includes('"$numberInt": "21"'), "the editor shows canonical Extended JSON");
  const edited = shown.replace('"person 21"', '"edited in the browser"').replace(/\n}\s*$/, ',\n  "big": 9007199254740993\n}');
  await page.getByTestId("doc-editor").fill(edited);
  await shot(page, "edit");
  await page.getByTestId("doc-save").click();
  // The editor closes once the server accepted the edit (then the page reloads); an error stays in it.
  await page.waitForFunction(() => !document.querySelector("[data-testid=doc-editor]") || document.querySelector("[data-testid=doc-error]"));
  const saveError = (await page.getByTestId("doc-error").count()) ? await page.getByTestId("doc-error").innerText() : "";
  check(saveError === "", `the edit was saved${saveError ? ` (${saveError})` : ""}`);
  await page.getByTestId("doc").getByText("edited in the browser").first().waitFor();
  let stored = find("people", { _id: 21 });
  check(stored.length === 1 && stored[0].name === "edited in the browser", "edited document is in the database");
  check(stored[0]?.big?.$numberLong === "9007199254740993", `int64 beyond 2^53 stored exactly (${JSON.stringify(stored[0]?.big)})`);
  check(stored[0]?.age?.$numberInt === "21", "untouched field keeps its int32 type");

  // A conflicting edit: the document changes in the database while the editor is open.
  await page.getByTestId("doc").nth(1).getByTestId("doc-edit").click();
  command({ update: "people", updates: [{ q: { _id: 22 }, u: { $set: { age: 99 } } }] });
  const text22 = await page.getByTestId("doc-editor").inputValue();
  await page.getByTestId("doc-editor").fill(text22.replace('"person 22"', '"lost update"'));
  await page.getByTestId("doc-save").click();
  await page.getByTestId("doc-error").waitFor();
  check((await page.getByTestId("doc-error").innerText()).includes("changed since it was read"), "conflict message shown");
  stored = find("people", { _id: 22 });
  check(stored[0]?.name === "person 22" && stored[0]?.age?.$numberInt === "99", "conflicting edit wrote nothing");
  await shot(page, "conflict");

  // Insert, then find it with a filter, then delete it.
  await page.getByTestId("first").click();
  await page.getByTestId("doc-insert").click();
  await page.getByTestId("doc-insert-text").fill('{"_id": 1000, "name": "inserted", "at": {"$date": "2024-01-02T03:04:05Z"}}');
  await page.getByTestId("doc-insert-save").click();
  await page.getByTestId("doc-insert-text").waitFor({ state: "detached" });
  stored = find("people", { _id: 1000 });
  check(stored.length === 1 && stored[0].at?.$date?.$numberLong === "1704164645000", "inserted document with its date");
  await page.getByTestId("doc-filter").fill('{"_id": 1000}');
  await page.getByTestId("doc-filter-apply").click();
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=doc]").length === 1);
  await page.getByTestId("doc-delete").click();
  await page.getByTestId("doc-delete-confirm").click();
  await page.getByText("no documents").waitFor();
  check(find("people", { _id: 1000 }).length === 0, "deleted document is gone from the database");

  // A filter outside the allow-list.
  await page.getByTestId("doc-filter").fill('{"$where": "this.age > 1"}');
  await page.getByTestId("doc-filter-apply").click();
  await page.getByTestId("doc-error").waitFor();
  check((await page.getByTestId("doc-error").innerText()).includes("$where is not allowed"), "$where filter refused");
  await shot(page, "filter-refused");
  check(find("people", {}).length === 45, "45 documents in the database at the end");

  await page.getByTestId("tab-indexes").click();
  await page.getByTestId("index-email_1").waitFor();
  check((await page.getByTestId("index-name_1").locator("td[data-col=status]").innerText()) === "same", "name_1 declared and live: same");
  check((await page.getByTestId("index-email_1").locator("td[data-col=status]").innerText()) === "declared only", "email_1: declared only");
  await shot(page, "indexes");
  check(external.length === 0, `no request left the studio (${external.join(", ")})`);
} catch (e) {
  failures.push(String(e));
  console.error(e);
} finally {
  await context?.close();
  studio.kill("SIGTERM");
  await new Promise((r) => (studio.exitCode !== null ? r() : studio.once("exit", r)));
  check(studio.exitCode === 0, `flash studio stopped cleanly on SIGTERM (exit ${studio.exitCode})`);
  try { command({ dropDatabase: 1 }); } catch { /* reported above if it matters */ }
}
console.log(failures.length ? `${failures.length} failed` : "all passed");
process.exit(failures.length ? 1 : 0);

// Flash Studio in a real browser: playwright-core drives Debian's chromium (headless) against
// `flash studio` on a fresh database: open the printed URL, browse a table, page, filter, follow a
// foreign key, edit a cell (the value is then read with the engine's own client: sqlite3, psql,
// mariadb), run SQL and see a result and an error at its line, open the diagram, add a column in the
// schema editor (the migration file and its Down on disk) and apply it from the migrations page (the
// column read from the engine's catalog), then page 6: import a CSV into a table (the rows read with
// the engine's client), a file with a bad value and one with a key the database refuses (the error at
// its line, the table unchanged), export a table and import the file back (the rows compared), and
// switch to a database branch made with `flash branch` (its own row seen) and back. Screenshots of
// each page go to <work>/screenshots.
//   node tests/studio/browser.mjs FLASH_BINARY WORK_DIR sqlite|postgresql|mysql
// Exit 0 pass, 1 fail, 77 skipped (no FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL for that engine).
import { createRequire } from "node:module";
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../studio/web/package.json"));
const { chromium } = require("playwright-core");

const [flash, work, dialect] = process.argv.slice(2);
const SKIP = 77;
const CHROMIUM = process.env.FLASH_CHROMIUM ?? "/usr/bin/chromium";
if (!fs.existsSync(CHROMIUM)) {
  console.error(`browser test: ${CHROMIUM} is missing (scripts/install-deps.sh installs Debian's chromium)`);
  process.exit(1);
}

// ---- the database, through the engine's own client ------------------------------------------
const dbName = `flash_studio_ui_${process.pid}`;
let url, sqlClient, dropDb, branchClient;
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(path.join(work, "screenshots"), { recursive: true });
if (dialect === "sqlite") {
  const file = path.join(work, "studio.db");
  url = "sqlite://" + file;
  sqlClient = (sql) => execFileSync("sqlite3", ["-batch", "-noheader", file], { input: sql }).toString().trim();
  // flash branch: the branch's file is <stem>__<name><ext> next to the main file.
  branchClient = (sql) => execFileSync("sqlite3", ["-batch", "-noheader", path.join(work, "studio__feature.db")], { input: sql }).toString().trim();
  dropDb = () => {};
} else {
  const base = process.env[dialect === "postgresql" ? "FLASH_TEST_PG_URL" : "FLASH_TEST_MYSQL_URL"];
  if (!base) {
    console.log(`skipped: FLASH_TEST_${dialect === "postgresql" ? "PG" : "MYSQL"}_URL is not set`);
    process.exit(SKIP);
  }
  const u = new URL(base);
  const conn = { host: u.hostname, port: u.port, user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
  if (dialect === "postgresql") {
    const env = { ...process.env, PGPASSWORD: conn.password };
    const psql = (db, sql) => execFileSync("psql", ["-h", conn.host, "-p", conn.port, "-U", conn.user, "-d", db, "-qAtX", "-v", "ON_ERROR_STOP=1"], { input: sql, env }).toString().trim();
    psql(u.pathname.slice(1), `CREATE DATABASE ${dbName}`);
    sqlClient = (sql) => psql(dbName, sql);
    branchClient = (sql) => psql(`${dbName}__feature`, sql);
    dropDb = () => {
      psql(u.pathname.slice(1), `DROP DATABASE IF EXISTS ${dbName}__feature WITH (FORCE)`);
      psql(u.pathname.slice(1), `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    };
  } else {
    const my = (db, sql) => execFileSync("mariadb", ["-h", conn.host, "-P", conn.port, "-u", conn.user, `-p${conn.password}`, "-N", "-B", ...(db ? [db] : [])], { input: sql }).toString().trim();
    my("", `CREATE DATABASE ${dbName}`);
    sqlClient = (sql) => my(dbName, sql);
    branchClient = (sql) => my(`${dbName}__feature`, sql);
    dropDb = () => my("", `DROP DATABASE IF EXISTS ${dbName}__feature; DROP DATABASE IF EXISTS ${dbName}`);
  }
  url = `${u.protocol}//${u.username}:${u.password}@${u.host}/${dbName}${u.search}`;
}
let rows = [];
for (let i = 1; i <= 120; i++) rows.push(`(${i}, 'author ${String(i).padStart(3, "0")}')`);
sqlClient(`CREATE TABLE authors (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);
CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES authors(id), title VARCHAR(100));
INSERT INTO authors (id, name) VALUES ${rows.join(", ")};
INSERT INTO books (id, author_id, title) VALUES (1, 42, 'The Answer'), (2, 7, 'Seven');`);

// ---- the studio --------------------------------------------------------------------------------
const project = path.join(work, "project");
fs.mkdirSync(project, { recursive: true });
fs.mkdirSync(path.join(project, "db", "migrations"), { recursive: true });
fs.writeFileSync(path.join(project, "db/migrations/20240101000000_init.sql"),
  "-- +migrate Up\nCREATE TABLE authors (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);\n-- +migrate Down\nDROP TABLE authors;\n");
fs.writeFileSync(path.join(project, "db/migrations/20240102000000_books.sql"),
  "-- +migrate Up\nCREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES authors(id), title VARCHAR(100));\n" +
  "ALTER TABLE authors ADD COLUMN born INTEGER;\n-- +migrate Down\nALTER TABLE authors DROP COLUMN born;\nDROP TABLE books;\n");
fs.writeFileSync(path.join(project, "flash.toml"),
  `version = "2"\nschema_dir = "db/schema"\n\n[database]\nprovider = "${dialect}"\nurl_env = "DATABASE_URL"\n`);
// A database branch made with the CLI, holding a row that only the branch has (page 6's switcher).
execFileSync(flash, ["branch", "feature", "--json"], { cwd: project, env: { ...process.env, DATABASE_URL: url } });
branchClient("INSERT INTO authors (id, name) VALUES (999, 'only in the branch');");
const studio = spawn(flash, ["studio", "--port", "0", "--no-browser", "--json"], {
  cwd: project, env: { ...process.env, DATABASE_URL: url, DISPLAY: "" }, stdio: ["ignore", "pipe", "inherit"],
});
// --json: the command's one JSON object, as soon as it listens (read until it parses).
let stdoutText = "";
const rl = readline.createInterface({ input: studio.stdout });
const stdoutClosed = new Promise((r) => rl.once("close", r));
const first = await new Promise((resolve, reject) => {
  rl.on("line", (line) => {
    stdoutText += line + "\n";
    try { resolve(JSON.parse(stdoutText)); } catch { /* more lines */ }
  });
  studio.once("exit", (code) => reject(new Error(`flash studio exited with ${code}`)));
});
const { url: studioUrl } = first;

const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};
const shot = (page, name) => page.screenshot({ path: path.join(work, "screenshots", `${dialect}-${name}.png`), fullPage: true });

// A fresh profile directory (playwright passes it as --user-data-dir).
let context;
try {
  context = await chromium.launchPersistentContext(path.join(work, "chromium-profile"), {
    executablePath: CHROMIUM,
    acceptDownloads: true,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
  const page = await context.newPage();
  const external = [];
  // blob: URLs of the studio's origin are the page's own (the PNG export draws its SVG from one).
  page.on("request", (r) => { if (!r.url().replace(/^blob:/, "").startsWith(new URL(studioUrl).origin)) external.push(r.url()); });
  const t0 = Date.now();
  await page.goto(studioUrl);
  const loaded = Date.now() - t0;
  await page.locator("[data-testid=grid] tbody tr").first().waitFor();  // the first table opens by itself
  const firstRows = Date.now() - t0;
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType("navigation")[0];
    const r = performance.getEntriesByType("resource").filter((e) => e.name.includes("/assets/"));
    return { dcl: Math.round(n.domContentLoadedEventEnd), bytes: r.reduce((a, e) => a + e.transferSize, 0), files: r.length };
  });
  console.log(`first page load: load event ${loaded} ms, first rows ${firstRows} ms (DOMContentLoaded ${nav.dcl} ms; ` +
              `${nav.files} initial assets, ${nav.bytes} bytes transferred)`);
  await page.getByTestId("table-authors").click();
  await page.locator("[data-testid=grid] tbody tr").first().waitFor();
  check(new URL(page.url()).search === "", "the token left the address bar");
  const ids = async () => page.locator("[data-testid=grid] tbody tr td[data-col=id]").allInnerTexts();
  let got = await ids();
  check(got.length === 50 && got[0] === "1" && got[49] === "50", `first page 1..50 (got ${got.length}: ${got[0]}..${got.at(-1)})`);
  await shot(page, "data");

  await page.getByTestId("next").click();
  await page.waitForFunction(() => document.querySelector("[data-testid=grid] tbody tr td[data-col=id]")?.textContent === "51");
  got = await ids();
  check(got[0] === "51" && got.length === 50, "next page starts at 51");

  await page.getByTestId("filter-column").selectOption("id");
  await page.getByTestId("filter-op").selectOption(">");
  await page.getByTestId("filter-value").fill("100");
  await page.getByTestId("filter-add").click();
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=grid] tbody tr").length === 20);
  got = await ids();
  check(got.length === 20 && got[0] === "101", "filter id > 100: 20 rows");
  await shot(page, "filtered");

  // Edit a cell; the database has the value.
  await page.locator("[data-testid=grid] tbody tr").first().locator("td[data-col=name]").dblclick();
  await page.getByTestId("cell-input").fill("edited in the browser");
  await page.getByTestId("cell-input").press("Enter");
  await page.getByText("edited in the browser").waitFor();
  check(sqlClient("SELECT name FROM authors WHERE id = 101") === "edited in the browser", "edited cell is in the database");

  // Insert a row and delete it in the UI; the database sees both.
  await page.getByTestId("insert").click();
  await page.getByTestId("draft-id").fill("500");
  await page.getByTestId("draft-name").fill("inserted in the browser");
  await page.getByTestId("draft-save").click();
  await page.getByText("inserted in the browser").waitFor();
  check(sqlClient("SELECT name FROM authors WHERE id = 500") === "inserted in the browser", "inserted row is in the database");
  page.once("dialog", (d) => d.accept());
  await page.locator("[data-testid=grid] tbody tr", { hasText: "inserted in the browser" }).locator("input[type=checkbox]").check();
  await page.getByTestId("delete").click();
  await page.getByText("inserted in the browser").waitFor({ state: "detached" });
  check(sqlClient("SELECT COUNT(*) FROM authors WHERE id = 500") === "0", "deleted row is gone from the database");

  // Export of the view (filter id > 100, every page) as CSV and JSON.
  const saved = async (testid) => {
    const [dl] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testid).click()]);
    const file = path.join(work, "downloads", dl.suggestedFilename());
    await dl.saveAs(file);
    return fs.readFileSync(file);
  };
  const csv = (await saved("export-csv")).toString().trim().split("\n");
  check(csv.length === 21 && csv[0] === "id,name" && csv[1] === "101,edited in the browser", `CSV export of the view (${csv.length} lines: ${csv[1]})`);
  const js = JSON.parse((await saved("export-json")).toString());
  check(js.length === 20 && Number(js[19].id) === 120, "JSON export of the view: 20 rows (flash export's exchange form)");

  // Follow a foreign key from books to authors.
  await page.getByTestId("table-books").click();
  await page.locator("td[data-col=author_id] a").first().waitFor();
  await page.locator("td[data-col=author_id] a", { hasText: "42" }).click();
  await page.waitForFunction(() => document.querySelector("[data-testid=table-title]")?.textContent === "authors");
  got = await ids();
  check(got.length === 1 && got[0] === "42", "foreign key followed to author 42");

  // SQL runner: a result and an error located at its line.
  await page.getByTestId("nav-sql").click();
  await page.locator(".cm-content").click();
  await page.keyboard.type("SELECT COUNT(*) AS n FROM authors;\nSELECT nope FROM authors;");
  await page.getByTestId("sql-run").click();
  await page.getByTestId("sql-error").waitFor();
  const results = await page.getByTestId("sql-result").allInnerTexts();
  check(results.length === 2 && results[0].includes("120"), "SQL result shows 120");
  check((await page.getByTestId("sql-error").innerText()).startsWith("line 2"), "SQL error at line 2");
  await shot(page, "sql");
  const csvResult = (await saved("result-csv")).toString().split("\n");
  check(csvResult[0] === "n" && csvResult[1] === "120", "SQL result saved as CSV");

  const editor = page.locator(".cm-content");
  const clear = async () => { await editor.click(); await page.keyboard.press("Control+A"); await page.keyboard.press("Delete"); };
  // Completion of table and column names from the schema model. ("auth" itself would not do:
  // CodeMirror's SQLite dialect reads it as a builtin word and offers keywords only.)
  const completes = async (typed, want, what) => {
    await clear();
    await page.keyboard.type(typed);
    // The open list follows the typing asynchronously: a list CodeMirror computed for an earlier
    // word ("FROM") can still be on screen after the last key. Wait for the list to offer the name,
    // and if it never does, report what it offers.
    await page.locator(".cm-tooltip-autocomplete").waitFor();
    const settled = await page.waitForFunction((w) => document.querySelector(".cm-tooltip-autocomplete")?.innerText.split("\n").includes(w), want, { timeout: 5000 }).then(() => true, () => false);
    const offered = await page.locator(".cm-tooltip-autocomplete").innerText();
    check(settled && offered.split("\n").includes(want), `completion offers ${what} ${want} after "${typed}" (${offered.replace(/\n/g, " ")})`);
    await page.keyboard.press("Escape");
  };
  await completes("SELECT * FROM boo", "books", "the table");
  await completes("SELECT authors.na", "name", "the column");

  // A statement that changes data reloads the schema; the editor keeps its text, cursor and focus
  // (typing on after Ctrl-Enter, without clicking back into it).
  await clear();
  await page.keyboard.type("UPDATE authors SET name = name WHERE id = 1");
  const reloaded = page.waitForResponse((r) => r.url().endsWith("/api/tables"));
  await page.keyboard.press("Control+Enter");
  await reloaded;
  await page.waitForTimeout(200);
  await page.keyboard.type(" AND id = 1");
  const kept = await page.evaluate(() => document.querySelector(".cm-content")?.textContent);
  check(kept === "UPDATE authors SET name = name WHERE id = 1 AND id = 1", `the editor kept its text and focus over the schema reload (${kept})`);

  // Cancel a long query.
  await clear();
  await page.keyboard.type("SELECT COUNT(*) FROM authors a, authors b, authors c, authors d, authors e");
  await page.getByTestId("sql-run").click();
  await page.getByTestId("sql-running").waitFor();
  await page.waitForTimeout(500);
  const tc = Date.now();
  await page.getByTestId("sql-cancel").click();
  await page.getByTestId("sql-note").waitFor({ timeout: 20000 });
  check((await page.getByTestId("sql-note").innerText()) === "cancelled" && Date.now() - tc < 15000, `long query cancelled in ${Date.now() - tc} ms`);
  await shot(page, "sql-cancelled");

  // EXPLAIN and EXPLAIN ANALYZE as a tree.
  await clear();
  await page.keyboard.type("SELECT * FROM books JOIN authors ON authors.id = books.author_id WHERE authors.id > 5");
  await page.getByTestId("sql-explain").click();
  await page.getByTestId("plan-tree").waitFor();
  const planText = await page.getByTestId("plan-tree").innerText();
  check((await page.getByTestId("plan-node").count()) >= 2 && /authors/.test(planText) && /books/.test(planText), "EXPLAIN shows a plan tree over both tables");
  await page.getByTestId("sql-analyze").click();
  await page.waitForFunction(() => document.querySelector("[data-testid=sql-plan] .stmt")?.textContent?.startsWith("EXPLAIN ANALYZE"));
  const measured = { postgresql: "Actual Rows", mysql: "r_rows", sqlite: "Execution Time" }[dialect];
  check((await page.getByTestId("plan-tree").innerText()).includes(measured), `EXPLAIN ANALYZE shows ${measured}`);
  await shot(page, "explain");

  await page.getByTestId("nav-diagram").click();
  await page.locator(".react-flow__node").nth(1).waitFor();
  check((await page.locator(".react-flow__node").count()) === 2, "diagram shows both tables");
  check((await page.locator(".react-flow__edge").count()) === 1, "diagram shows the foreign key");
  await shot(page, "diagram");
  const svg = (await saved("diagram-svg")).toString();
  check(svg.startsWith("<svg") && svg.includes(">authors<") && svg.includes(">books<"), "diagram exported as SVG");
  const png = await saved("diagram-png");
  check(png.subarray(1, 4).toString() === "PNG" && png.length > 1000, `diagram exported as PNG (${png.length} bytes)`);

  // Move a table: its position is saved in the project's db/studio/layout.json.
  const box = await page.getByTestId("node-title-books").boundingBox();
  await page.mouse.move(box.x + 30, box.y + 8);
  await page.mouse.down();
  await page.mouse.move(box.x + 130, box.y + 208, { steps: 8 });
  await page.mouse.up();
  await page.getByTestId("diagram-status").waitFor();
  const layoutFile = path.join(project, "db/studio/layout.json");
  const layout = fs.existsSync(layoutFile) ? JSON.parse(fs.readFileSync(layoutFile, "utf8")) : {};
  check(layout.positions && layout.positions.books && layout.positions.authors, "layout saved to db/studio/layout.json");

  // The history slider: after migration 2 books is added, authors changed (column born).
  const slider = page.getByTestId("history-slider");
  const setRange = (v) => slider.evaluate((el, v) => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(el, String(v));
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, v);
  await setRange(2);
  await page.waitForFunction(() => document.querySelector("[data-testid=node-books]")?.getAttribute("data-mark") === "added");
  // React Flow hides a node (visibility: hidden) until it has measured it again after the slider rebuilt
  // the graph; innerText of a hidden node is empty, so wait until both are on screen.
  await page.getByTestId("node-books").waitFor({ state: "visible" });
  await page.getByTestId("node-authors").waitFor({ state: "visible" });
  check((await page.getByTestId("node-authors").getAttribute("data-mark")) === "changed", "history 2: authors changed");
  check((await page.getByTestId("node-authors").locator("[data-mark=added]").innerText()).includes("born"), "history 2: column born added");
  await shot(page, "history");
  await setRange(1);
  await page.waitForFunction(() => document.querySelector("[data-testid=node-authors]")?.getAttribute("data-mark") === "added");
  check((await page.locator(".react-flow__node").count()) === 1, "history 1: only authors");

  // The history slider's two migrations were never applied (the tables above were made directly):
  // the schema editor's part starts from a project without migrations and adopts the database.
  for (const f of ["20240101000000_init.sql", "20240102000000_books.sql"]) fs.rmSync(path.join(project, "db/migrations", f));
  // The schema editor and the migrations page: the database is adopted as the first migration
  // (flash migrate --baseline, which also writes the schema file), a column is added in the editor,
  // the migration file is on disk with its Down, it is applied from the migrations page and the
  // column is read from the engine's own catalog.
  execFileSync(flash, ["migrate", "init", "--baseline", "--json"], { cwd: project, env: { ...process.env, DATABASE_URL: url } });
  await page.getByTestId("nav-schema").click();
  await page.getByTestId("se-table-authors").click();
  await page.getByTestId("se-col-name").fill("email");
  await page.getByTestId("se-col-type").fill("VARCHAR(200)");
  await page.getByTestId("se-add-column").click();
  await page.getByTestId("se-preview").waitFor();
  check((await page.getByTestId("se-up").innerText()).includes("email"), "the preview's Up adds email");
  check((await page.getByTestId("se-down").innerText()).includes("email"), "the preview's Down removes email");
  check(await page.getByTestId("se-no-conflicts").isVisible(), "the preview shows the live-data check");
  await page.getByTestId("se-name").fill("add_email");
  await shot(page, "schema-preview");
  await page.getByTestId("se-write").click();
  await page.getByTestId("se-written").waitFor();
  const migDir = path.join(project, "db", "migrations");
  const written = fs.readdirSync(migDir).filter((f) => f.endsWith("_add_email.sql"));
  check(written.length === 1, `the migration file is on disk (${fs.readdirSync(migDir).join(", ")})`);
  const text = written.length ? fs.readFileSync(path.join(migDir, written[0]), "utf8") : "";
  const down = text.slice(text.indexOf("-- +migrate Down"));
  check(text.includes("-- +migrate Down") && down.includes("email"), "its Down section drops email");
  const schemaText = fs.readdirSync(path.join(project, "db", "schema")).map((f) => fs.readFileSync(path.join(project, "db", "schema", f), "utf8")).join("");
  check(schemaText.includes("email"), "the schema file has the column");

  await page.getByTestId("nav-migrations").click();
  await page.getByTestId("mig-apply").click();
  await page.getByTestId("mig-plan").waitFor();
  await shot(page, "migrations-preview");
  await page.getByTestId("mig-confirm").click();
  await page.getByTestId("mig-done").waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=mig-state]")].every((e) => e.textContent === "applied"));
  await shot(page, "migrations");
  const hasEmail = dialect === "sqlite"
    ? sqlClient("SELECT COUNT(*) FROM pragma_table_info('authors') WHERE name = 'email';")
    : sqlClient(`SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'authors' AND column_name = 'email'${dialect === "mysql" ? " AND table_schema = DATABASE()" : ""};`);
  check(hasEmail === "1", `the database has authors.email (engine catalog: ${hasEmail})`);
  const states = await page.getByTestId("mig-state").allInnerTexts();
  check(states.length === 2 && states.every((x) => x === "applied"), `both migrations applied (${states.join(", ")})`);

  // ---- page 6: import a table from a file, export it, the branch switcher ----
  await page.getByTestId("nav-io").click();
  const booksValue = await page.locator("[data-testid=io-table] option", { hasText: /(^|\.)books$/ }).getAttribute("value");
  await page.getByTestId("io-table").selectOption(booksValue);
  const pick = async (name, text) => {
    await page.getByTestId("io-file").setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text) });
    // This file's preview (its row count and size), not the previous file's.
    await page.waitForFunction(([rows, bytes]) => {
      const t = document.querySelector("[data-testid=io-summary]")?.textContent ?? "";
      return t.includes(rows) && t.includes(bytes);
    }, [`${text.trim().split("\n").length - 1} row`, `${Buffer.byteLength(text)} bytes`]);
  };
  const booksCount = () => sqlClient("SELECT COUNT(*) FROM books;");
  await pick("new-books.csv", 'id,author_id,title\n10,1,"Imported, with a comma"\n11,,""\n12,2,plain\n');
  check((await page.getByTestId("io-summary").innerText()).includes("ready to import"), "import preview: 3 rows, no problem");
  check((await page.getByTestId("io-rows").locator("tbody tr").count()) === 3, "import preview shows the rows");
  await shot(page, "import-preview");
  await page.getByTestId("io-import").click();
  await page.getByTestId("io-done").waitFor();
  check(sqlClient("SELECT title FROM books WHERE id = 10;") === "Imported, with a comma", "imported row 10 is in the database (engine client)");
  check(sqlClient("SELECT COUNT(*) FROM books WHERE id = 11 AND author_id IS NULL AND title = '';") === "1", "imported row 11: NULL and '' kept apart");
  check(booksCount() === "5", `books has 5 rows after the import (${booksCount()})`);

  // A bad value: located in the preview and by the import; the table unchanged.
  await pick("bad-value.csv", "id,author_id,title\n20,1,ok\n21,abc,bad\n");
  const problem = page.getByTestId("io-problem").first();
  check((await problem.getAttribute("data-line")) === "3" && (await problem.getAttribute("data-column")) === "author_id",
        `preview locates the bad value (${await problem.innerText()})`);
  await page.getByTestId("io-import").click();
  await page.getByTestId("io-error").waitFor();
  const valueError = await page.getByTestId("io-error").innerText();
  check(valueError.startsWith("line 3: column author_id"), `import refused at line 3, column author_id (${valueError})`);
  await shot(page, "import-error");
  // A row the database refuses (an existing key): located at its line; nothing of the file written.
  await pick("dup-key.csv", "id,author_id,title\n30,1,fine\n10,1,dup of 10\n");
  await page.getByTestId("io-import").click();
  await page.getByTestId("io-error").waitFor();
  const keyError = await page.getByTestId("io-error").innerText();
  check(keyError.startsWith("line 3:"), `the database's refusal is at line 3 (${keyError})`);
  check(booksCount() === "5" && sqlClient("SELECT COUNT(*) FROM books WHERE id IN (20, 21, 30);") === "0", "the refused files changed nothing");

  // Export the whole table, empty it, import the file back: the same rows.
  const before = sqlClient("SELECT id, author_id, title FROM books ORDER BY id;");
  const exported = await saved("io-export-csv");
  check(exported.toString().split("\n")[0] === "id,author_id,title", "the table's export has its header");
  sqlClient("DELETE FROM books;");
  await pick("books-export.csv", exported.toString());
  await page.getByTestId("io-import").click();
  await page.getByTestId("io-done").waitFor();
  const after = sqlClient("SELECT id, author_id, title FROM books ORDER BY id;");
  check(after === before, "export then import gives the same rows");
  await shot(page, "import-export");

  // The branch switcher: the header shows main; the branch's row appears after the switch.
  check((await page.getByTestId("branch-current").innerText()) === "main", "the header shows branch main");
  const head = () => { try { return fs.readFileSync(path.join(project, ".flash", "HEAD"), "utf8").trim(); } catch { return "main"; } };
  const author999 = async () => {
    await page.getByTestId("nav-data").click();
    await page.getByTestId("table-authors").click();
    await page.locator("[data-testid=grid] tbody tr").first().waitFor();
    await page.getByTestId("filter-column").selectOption("id");
    await page.getByTestId("filter-op").selectOption("=");
    await page.getByTestId("filter-value").fill("999");
    await page.getByTestId("filter-add").click();
    await page.waitForFunction(() => document.querySelector("[data-testid=grid]") && document.querySelectorAll("[data-testid=grid] tbody tr").length <= 1);
    return page.locator("[data-testid=grid] tbody tr td[data-col=name]").allInnerTexts();
  };
  await page.getByTestId("branch-select").selectOption("feature");
  await page.waitForFunction(() => document.querySelector("[data-testid=branch-current]")?.textContent === "feature");
  check(head() === "feature", `switching wrote HEAD as flash checkout does (${head()})`);
  const inBranch = await author999();
  check(inBranch.length === 1 && inBranch[0] === "only in the branch", `the branch's own row is shown (${inBranch.join(", ")})`);
  await shot(page, "branch");
  await page.getByTestId("branch-select").selectOption("main");
  await page.waitForFunction(() => document.querySelector("[data-testid=branch-current]")?.textContent === "main");
  const inMain = await author999();
  check(inMain.length === 0 && head() === "main", `back on main: no such row, HEAD main (${inMain.length} rows, HEAD ${head()})`);
  check(sqlClient("SELECT COUNT(*) FROM authors WHERE id = 999;") === "0" && branchClient("SELECT COUNT(*) FROM authors WHERE id = 999;") === "1",
        "the row is in the branch's database only (engine client)");
  check(external.length === 0, `no request left the studio (${external.join(", ")})`);
} catch (e) {
  failures.push(String(e));
  console.error(e);
} finally {
  await context?.close();
  studio.kill("SIGTERM");
  await new Promise((r) => studio.once("exit", r));
  check(studio.exitCode === 0, `flash studio stopped cleanly on SIGTERM (exit ${studio.exitCode})`);
  await stdoutClosed;
  let one = null;
  try { one = JSON.parse(stdoutText); } catch { /* two objects do not parse as one */ }
  check(one !== null && one.ok === true && one.event === "listening", "flash studio --json printed exactly one JSON object");
  dropDb();
}
console.log(failures.length ? `${failures.length} failed` : "all passed");
process.exit(failures.length ? 1 : 0);

// The import / export page (issue 12, page 6): a table from a CSV or JSON file — previewed first
// (the file's names matched with the table's columns, the first rows as they would be written,
// every problem at its line and column), then imported in one transaction by the server — and a
// whole table exported as CSV or JSON (every row, streamed by the server).
import { useEffect, useState } from "react";
import * as api from "./api";
import type { ImportPreview, TableInfo } from "./api";

const keyOf = (t: TableInfo) => t.schema + "." + t.name;

function shown(v: unknown): string {
  if (v === null) return "NULL";
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

function Preview({ p }: { p: ImportPreview }) {
  return (
    <div className="io-preview" data-testid="io-preview">
      <div className="io-summary" data-testid="io-summary">
        {p.format.toUpperCase()} · {p.total_rows} row{p.total_rows === 1 ? "" : "s"} · {p.bytes} bytes
        {p.ok ? " · ready to import" : ` · ${p.problem_count} problem${p.problem_count === 1 ? "" : "s"}`}
      </div>
      <table className="grid io-mapping">
        <thead>
          <tr><th>table column</th><th>value from</th></tr>
        </thead>
        <tbody>
          {p.mapping.map((m) => (
            <tr key={m.name} data-testid={"io-map-" + m.name}>
              <td>{m.name}</td>
              <td className={m.from === "default" && m.required ? "io-bad" : ""}>
                {m.from === "file" ? "the file" : m.from === "generated" ? "generated (not written)" : "its default"}
              </td>
            </tr>
          ))}
          {p.unknown.map((u) => (
            <tr key={"u-" + u} className="io-bad"><td>{u}</td><td>not a column of {p.table}</td></tr>
          ))}
        </tbody>
      </table>
      {p.problems.length > 0 && (
        <ul className="io-problems">
          {p.problems.map((x, i) => (
            <li key={i} data-testid="io-problem" data-line={x.line} data-column={x.column}>
              line {x.line}{x.column ? ` · ${x.column}` : ""}: {x.message}
            </li>
          ))}
          {p.problem_count > p.problems.length && <li>… and {p.problem_count - p.problems.length} more</li>}
        </ul>
      )}
      {p.rows.length > 0 && (
        <table className="grid" data-testid="io-rows">
          <thead>
            <tr><th>line</th>{p.columns.map((c) => <th key={c}>{c}</th>)}</tr>
          </thead>
          <tbody>
            {p.rows.map((r) => (
              <tr key={r.line}>
                <td className="io-line">{r.line}</td>
                {r.values.map((v, i) => <td key={i} className={v === null ? "null" : ""}>{v === "" ? <span className="empty">''</span> : shown(v)}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {p.total_rows > p.rows.length && <div className="note">first {p.rows.length} of {p.total_rows} rows</div>}
    </div>
  );
}

export function Transfer(props: { tables: TableInfo[]; readOnly: boolean; changed: () => void }) {
  const tables = props.tables.filter((t) => t.kind === "table");
  const [key, setKey] = useState(tables[0] ? keyOf(tables[0]) : "");
  const table = tables.find((t) => keyOf(t) === key);
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState("auto");
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [done, setDone] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!key && tables[0]) setKey(keyOf(tables[0]));
  }, [key, tables]);

  async function check(f: File | null, t: TableInfo | undefined, fmt: string) {
    setPreview(null);
    setDone("");
    setError("");
    if (!f || !t) return;
    setBusy(true);
    try {
      setPreview(await api.importPreview(t, f, fmt));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function run() {
    if (!file || !table) return;
    setBusy(true);
    setError("");
    try {
      const r = await api.importRun(table, file, format);
      setDone(`imported ${r.imported} row${r.imported === 1 ? "" : "s"} into ${table.name} in ${r.ms.toFixed(0)} ms`);
      setPreview(null);
      props.changed();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="transfer">
      <div className="toolbar">
        <h2>Import / export</h2>
        <select data-testid="io-table" value={key} onChange={(e) => { setKey(e.target.value); check(file, tables.find((t) => keyOf(t) === e.target.value), format); }}>
          {tables.map((t) => <option key={keyOf(t)} value={keyOf(t)}>{t.schema ? t.schema + "." : ""}{t.name}</option>)}
        </select>
      </div>
      {table && (
        <section className="io-section">
          <h3>Export {table.name}</h3>
          <p className="note">Every row, in primary-key order, in the exchange form of flash export (imports back as it was).</p>
          <a className="button" data-testid="io-export-csv" href={api.exportUrl({ schema: table.schema, table: table.name, format: "csv" })} download={table.name + ".csv"}>CSV</a>{" "}
          <a className="button" data-testid="io-export-json" href={api.exportUrl({ schema: table.schema, table: table.name, format: "json" })} download={table.name + ".json"}>JSON</a>
        </section>
      )}
      <section className="io-section">
        <h3>Import into {table?.name ?? "a table"}</h3>
        {props.readOnly ? (
          <div className="note">The studio runs with --read-only: import is disabled.</div>
        ) : (
          <>
            <p className="note">CSV with a header row of column names, or a JSON array of objects. All rows go in one transaction: one bad row and nothing is written.</p>
            <div className="toolbar">
              <input type="file" data-testid="io-file" accept=".csv,.json,text/csv,application/json"
                     onChange={(e) => { const f = e.target.files?.[0] ?? null; setFile(f); check(f, table, format); }} />
              <select data-testid="io-format" value={format} onChange={(e) => { setFormat(e.target.value); check(file, table, e.target.value); }}>
                <option value="auto">detect</option>
                <option value="csv">CSV</option>
                <option value="json">JSON</option>
              </select>
              <button data-testid="io-import" disabled={!preview || busy || preview.stopped} onClick={run}>
                Import {preview ? preview.total_rows : ""} rows
              </button>
              {busy && <span className="note" data-testid="io-busy">working…</span>}
            </div>
            {preview && <Preview p={preview} />}
          </>
        )}
        {error && <div className="error" data-testid="io-error">{error}</div>}
        {done && <div className="ok" data-testid="io-done">{done}</div>}
      </section>
    </div>
  );
}

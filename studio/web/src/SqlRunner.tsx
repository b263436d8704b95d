// The SQL runner: CodeMirror 6 with completion of table and column names (from the schema model the
// server pulled: /api/tables), one or several statements (split on the server by Flash's splitter),
// each result set or row count with its timing, errors at the statement's line; a running query is
// cancelled by its query id; EXPLAIN / EXPLAIN ANALYZE as a plan tree; results saved as CSV/JSON;
// history kept in localStorage.
import { useEffect, useRef, useState } from "react";
import { EditorView, basicSetup } from "codemirror";
import { keymap } from "@codemirror/view";
import { Compartment } from "@codemirror/state";
import { sql, PostgreSQL, MariaSQL, SQLite } from "@codemirror/lang-sql";
import * as api from "./api";
import type { Explained, SqlResult, TableInfo } from "./api";
import { PlanTree } from "./PlanTree";
import { csvOf, download, jsonOf } from "./download";

const HISTORY = "flash-studio-sql-history";

export function SqlRunner(props: { tables: TableInfo[]; dialect: string; readOnly: boolean; changed: () => void }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const [results, setResults] = useState<SqlResult[]>([]);
  const [plan, setPlan] = useState<Explained | null>(null);
  const [error, setError] = useState("");
  const [running, setRunning] = useState<string | null>(null);  // the query id of the run in flight
  const [note, setNote] = useState("");
  const [history, setHistory] = useState<string[]>(() => JSON.parse(localStorage.getItem(HISTORY) ?? "[]"));
  const run = useRef<() => void>(() => {});

  const remember = (text: string) => {
    const h = [text, ...history.filter((x) => x !== text)].slice(0, 50);
    setHistory(h);
    localStorage.setItem(HISTORY, JSON.stringify(h));
  };

  run.current = async () => {
    const text = view.current?.state.doc.toString() ?? "";
    if (!text.trim() || running) return;
    setError("");
    setNote("");
    setPlan(null);
    const id = api.newQueryId();
    setRunning(id);
    remember(text);
    try {
      const r = await api.runSqlWithId(text, id);
      setResults(r.results);
      if (r.cancelled) setNote("cancelled");
      if (r.results.some((x) => x.affected_rows !== undefined)) props.changed();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setRunning(null);
    }
  };

  async function explain(analyze: boolean) {
    const text = view.current?.state.doc.toString() ?? "";
    if (!text.trim() || running) return;
    setError("");
    setNote("");
    const id = api.newQueryId();
    setRunning(id);
    remember(text);
    try {
      setPlan(await api.explain(text, analyze, id));
      setResults([]);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setRunning(null);
    }
  }

  async function cancel() {
    if (!running) return;
    try {
      await api.cancelQuery(running);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  // The editor is made once; a new schema (the tables reloaded after a statement changed them) or
  // dialect reconfigures its language in place, so the text, the cursor, the undo history and the
  // focus stay as the user left them.
  const language = useRef(new Compartment());
  const languageOf = (tables: TableInfo[], dialectName: string) => {
    // Completion: tables (schema-qualified outside the default schema) and their columns.
    const schema: Record<string, string[]> = {};
    for (const t of tables) schema[t.schema && t.schema !== "public" ? t.schema + "." + t.name : t.name] = t.columns.map((c) => c.name);
    const dialect = dialectName === "postgresql" ? PostgreSQL : dialectName === "mysql" ? MariaSQL : SQLite;
    return sql({ dialect, schema, upperCaseKeywords: true });
  };
  useEffect(() => {
    if (!host.current) return;
    view.current = new EditorView({
      extensions: [
        keymap.of([{ key: "Mod-Enter", run: () => (run.current(), true) }]),
        basicSetup,
        language.current.of(languageOf(props.tables, props.dialect)),
      ],
      parent: host.current,
    });
    return () => {
      view.current?.destroy();
      view.current = null;
    };
  }, [props.readOnly]);
  useEffect(() => {
    view.current?.dispatch({ effects: language.current.reconfigure(languageOf(props.tables, props.dialect)) });
  }, [props.tables, props.dialect]);

  if (props.readOnly) return <div className="note">The SQL runner is disabled: the studio runs with --read-only.</div>;
  return (
    <div className="sql">
      <div className="editor" data-testid="sql-editor" ref={host} />
      <div className="toolbar">
        <button data-testid="sql-run" disabled={!!running} onClick={() => run.current()}>Run (Ctrl-Enter)</button>
        <button data-testid="sql-explain" disabled={!!running} onClick={() => explain(false)}>Explain</button>
        <button data-testid="sql-analyze" disabled={!!running} onClick={() => explain(true)}>Explain analyze</button>
        <button data-testid="sql-cancel" disabled={!running} onClick={cancel}>Cancel</button>
        {running && <span className="note" data-testid="sql-running">running…</span>}
        {note && <span className="note" data-testid="sql-note">{note}</span>}
        <select data-testid="sql-history" onChange={(e) => view.current?.dispatch({ changes: { from: 0, to: view.current.state.doc.length, insert: e.target.value } })} value="">
          <option value="">History…</option>
          {history.map((h, i) => <option key={i} value={h}>{h.slice(0, 80)}</option>)}
        </select>
      </div>
      {error && <div className="error" data-testid="sql-error">{error}</div>}
      {plan && (
        <div className="result" data-testid="sql-plan">
          <div className="stmt">{plan.analyze ? "EXPLAIN ANALYZE" : "EXPLAIN"} · {plan.engine} <span className="timing">{plan.ms.toFixed(1)} ms</span></div>
          <PlanTree tree={plan.tree} />
        </div>
      )}
      {results.map((r, i) => (
        <div className="result" key={i} data-testid="sql-result">
          <div className="stmt">line {r.line}: <code>{r.statement.slice(0, 120)}</code> {r.ms !== undefined && <span className="timing">{r.ms.toFixed(1)} ms</span>}
            {r.columns && (
              <>
                <button data-testid="result-csv" onClick={() => download(`result-${i + 1}.csv`, csvOf(r.columns!.map((c) => c.name), r.rows!), "text/csv")}>CSV</button>
                <button data-testid="result-json" onClick={() => download(`result-${i + 1}.json`, jsonOf(r.columns!.map((c) => c.name), r.rows!), "application/json")}>JSON</button>
              </>
            )}
          </div>
          {r.error && <div className="error" data-testid="sql-error">line {r.error.line}: {r.error.message}</div>}
          {r.affected_rows !== undefined && <div>{r.affected_rows >= 0 ? `${r.affected_rows} row(s) affected` : "OK"}</div>}
          {r.columns && (
            <table className="grid">
              <thead><tr>{r.columns.map((c, j) => <th key={j}>{c.name}</th>)}</tr></thead>
              <tbody>{r.rows!.map((row, j) => <tr key={j}>{row.map((c, k) => <td key={k} className={c === null ? "null" : ""}>{api.show(c)}</td>)}</tr>)}</tbody>
            </table>
          )}
          {r.truncated && <div className="note">showing the first {r.rows!.length} of {r.row_count} rows</div>}
        </div>
      ))}
    </div>
  );
}

// The SQL runner: CodeMirror 6 with completion of table and column names, one or several
// statements (split on the server by Flash's splitter), each result set or row count with its
// timing, errors at the statement's line; history kept in localStorage.
import { useEffect, useRef, useState } from "react";
import { EditorView, basicSetup } from "codemirror";
import { keymap } from "@codemirror/view";
import { sql, PostgreSQL, MySQL, SQLite } from "@codemirror/lang-sql";
import * as api from "./api";
import type { SqlResult, TableInfo } from "./api";

const HISTORY = "flash-studio-sql-history";

export function SqlRunner(props: { tables: TableInfo[]; dialect: string; readOnly: boolean; changed: () => void }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const [results, setResults] = useState<SqlResult[]>([]);
  const [error, setError] = useState("");
  const [history, setHistory] = useState<string[]>(() => JSON.parse(localStorage.getItem(HISTORY) ?? "[]"));
  const run = useRef<() => void>(() => {});

  run.current = async () => {
    const text = view.current?.state.doc.toString() ?? "";
    if (!text.trim()) return;
    setError("");
    try {
      const r = await api.runSql(text);
      setResults(r.results);
      const h = [text, ...history.filter((x) => x !== text)].slice(0, 50);
      setHistory(h);
      localStorage.setItem(HISTORY, JSON.stringify(h));
      if (r.results.some((x) => x.affected_rows !== undefined)) props.changed();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  useEffect(() => {
    const schema: Record<string, string[]> = {};
    for (const t of props.tables) schema[t.name] = t.columns.map((c) => c.name);
    const dialect = props.dialect === "postgresql" ? PostgreSQL : props.dialect === "mysql" ? MySQL : SQLite;
    view.current = new EditorView({
      doc: view.current?.state.doc.toString() ?? "",
      extensions: [
        keymap.of([{ key: "Mod-Enter", run: () => (run.current(), true) }]),
        basicSetup,
        sql({ dialect, schema }),
      ],
      parent: host.current!,
    });
    return () => view.current?.destroy();
  }, [props.tables, props.dialect]);

  if (props.readOnly) return <div className="note">The SQL runner is disabled: the studio runs with --read-only.</div>;
  return (
    <div className="sql">
      <div className="editor" data-testid="sql-editor" ref={host} />
      <div className="toolbar">
        <button data-testid="sql-run" onClick={() => run.current()}>Run (Ctrl-Enter)</button>
        <select onChange={(e) => view.current?.dispatch({ changes: { from: 0, to: view.current.state.doc.length, insert: e.target.value } })} value="">
          <option value="">History…</option>
          {history.map((h, i) => <option key={i} value={h}>{h.slice(0, 80)}</option>)}
        </select>
      </div>
      {error && <div className="error" data-testid="sql-error">{error}</div>}
      {results.map((r, i) => (
        <div className="result" key={i} data-testid="sql-result">
          <div className="stmt">line {r.line}: <code>{r.statement.slice(0, 120)}</code> {r.ms !== undefined && <span className="timing">{r.ms.toFixed(1)} ms</span>}</div>
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

// One table's page (the shell gives each opened target a fresh instance, so state starts clean): keyset paging, sort by a column header, typed filters, edit a cell (carrying
// its old value), insert and delete rows, foreign keys followed both ways, CSV/JSON export of the view.
import { useCallback, useEffect, useRef, useState } from "react";
import * as api from "./api";
import type { Cell, Column, Filter, Page, TableInfo } from "./api";

const OPS = ["=", "<>", "<", ">", "<=", ">=", "like", "in", "between", "is_null", "not_null"];

export interface Target {
  table: TableInfo;
  filters: Filter[];
}

function parseInput(text: string, col: Column, isNull: boolean): Cell {
  if (isNull) return null;
  if (col.kind === "bytes") return { $hex: text.replace(/^\\x/, "") };
  if (col.kind === "boolean") return text === "true" || text === "1";
  return text;
}

export function DataBrowser(props: { target: Target; tables: TableInfo[]; open: (t: Target) => void; readOnly: boolean }) {
  const { table } = props.target;
  const [filters, setFilters] = useState<Filter[]>(props.target.filters);
  const [sort, setSort] = useState<{ col: string | null; dir: "asc" | "desc" }>({ col: null, dir: "asc" });
  const [cursor, setCursor] = useState<object>({});
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState("");
  const [editing, setEditing] = useState<{ row: number; col: number; text: string; isNull: boolean } | null>(null);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [draft, setDraft] = useState<Record<string, string> | null>(null);
  const [nf, setNf] = useState<{ column: string; op: string; value: string }>({ column: table.columns[0]?.name ?? "", op: "=", value: "" });

  const seq = useRef(0);  // only the newest request's answer is shown
  const load = useCallback(async () => {
    const mine = ++seq.current;
    try {
      setError("");
      const p = await api.rows({ schema: table.schema, table: table.name, limit: 50, sort: sort.col, dir: sort.dir, filters, ...cursor });
      if (mine === seq.current) setPage(p);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [table, sort, filters, cursor]);
  useEffect(() => {
    load();
  }, [load]);

  const keyOf = (row: Cell[]) => {
    const k: Record<string, Cell> = {};
    page!.columns.forEach((c, i) => c.pk && (k[c.name] = row[i]));
    return k;
  };

  async function saveEdit() {
    if (!editing || !page) return;
    const col = page.columns[editing.col];
    const row = page.rows[editing.row];
    try {
      await api.update({ schema: table.schema, table: table.name, key: keyOf(row), set: { [col.name]: parseInput(editing.text, col, editing.isNull) }, old: { [col.name]: row[editing.col] } });
      setEditing(null);
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function insertRow() {
    if (!draft) return;
    const values: Record<string, Cell> = {};
    for (const c of table.columns) if (draft[c.name] !== undefined && draft[c.name] !== "") values[c.name] = parseInput(draft[c.name], c, draft[c.name] === "NULL");
    try {
      await api.insert({ schema: table.schema, table: table.name, values });
      setDraft(null);
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function deleteSelected() {
    if (!page || !selected.size || !confirm(`Delete ${selected.size} row(s)?`)) return;
    try {
      await api.remove({ schema: table.schema, table: table.name, keys: [...selected].map((i) => keyOf(page.rows[i])) });
      setSelected(new Set());
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  function addFilter() {
    const col = table.columns.find((c) => c.name === nf.column);
    if (!col) return;
    let value: Cell | Cell[] | undefined = nf.value;
    if (nf.op === "in") value = nf.value.split(",").map((s) => s.trim());
    if (nf.op === "between") value = nf.value.split(",").map((s) => s.trim()).slice(0, 2);
    if (nf.op === "is_null" || nf.op === "not_null") value = undefined;
    setFilters([...filters, { column: nf.column, op: nf.op, value }]);
    setCursor({});
  }

  function follow(col: string, value: Cell) {
    const fk = table.foreign_keys.find((f) => f.columns.length === 1 && f.columns[0] === col);
    const target = fk && props.tables.find((t) => t.name === fk.ref_table && t.schema === fk.ref_schema);
    if (fk && target) props.open({ table: target, filters: [{ column: fk.ref_columns[0], op: "=", value }] });
  }

  const editable = page?.editable && !props.readOnly;
  return (
    <div className="browser">
      <div className="toolbar">
        <h2 data-testid="table-title">{table.name}</h2>
        {table.note && <span className="note">{table.note}</span>}
        <span className="count">{table.rows !== null ? `${table.count === "estimate" ? "~" : ""}${table.rows} rows` : ""}</span>
        <button onClick={() => setCursor({})}>First</button>
        <button data-testid="prev" disabled={!page?.prev} onClick={() => setCursor(page!.paging === "offset" ? (page!.prev as object) : { before: page!.prev })}>Prev</button>
        <button data-testid="next" disabled={!page?.next} onClick={() => setCursor(page!.paging === "offset" ? (page!.next as object) : { after: page!.next })}>Next</button>
        {page?.paging === "keyset" && <button onClick={() => setCursor({ last: true })}>Last</button>}
        {editable && <button data-testid="insert" onClick={() => setDraft({})}>Insert row</button>}
        {editable && <button data-testid="delete" disabled={!selected.size} onClick={deleteSelected}>Delete selected</button>}
        {/* The whole view (filters and sort), every page, written by the server with flash export's formatting. */}
        <a className="button" data-testid="export-csv" href={api.exportUrl({ schema: table.schema, table: table.name, sort: sort.col, dir: sort.dir, filters, format: "csv" })} download={table.name + ".csv"}>CSV</a>
        <a className="button" data-testid="export-json" href={api.exportUrl({ schema: table.schema, table: table.name, sort: sort.col, dir: sort.dir, filters, format: "json" })} download={table.name + ".json"}>JSON</a>
      </div>
      <div className="filters">
        {filters.map((f, i) => (
          <span className="chip" key={i}>
            {f.column} {f.op} {f.value === undefined ? "" : JSON.stringify(f.value)}
            <button onClick={() => { setFilters(filters.filter((_, j) => j !== i)); setCursor({}); }}>×</button>
          </span>
        ))}
        <select data-testid="filter-column" value={nf.column} onChange={(e) => setNf({ ...nf, column: e.target.value })}>
          {table.columns.map((c) => <option key={c.name}>{c.name}</option>)}
        </select>
        <select data-testid="filter-op" value={nf.op} onChange={(e) => setNf({ ...nf, op: e.target.value })}>
          {OPS.map((o) => <option key={o}>{o}</option>)}
        </select>
        <input data-testid="filter-value" placeholder="value (in/between: a, b)" value={nf.value} onChange={(e) => setNf({ ...nf, value: e.target.value })} onKeyDown={(e) => e.key === "Enter" && addFilter()} />
        <button data-testid="filter-add" onClick={addFilter}>Filter</button>
      </div>
      {error && <div className="error" data-testid="error">{error}</div>}
      {draft && (
        <div className="draft">
          {table.columns.map((c) => (
            <label key={c.name}>{c.name}
              {c.enum ? (
                <select data-testid={"draft-" + c.name} value={draft[c.name] ?? ""} onChange={(e) => setDraft({ ...draft, [c.name]: e.target.value })}>
                  <option value="">(default)</option>
                  {c.nullable && <option value="NULL">NULL</option>}
                  {c.enum.map((v) => <option key={v} value={v}>{v}</option>)}
                </select>
              ) : c.kind === "boolean" ? (
                <select data-testid={"draft-" + c.name} value={draft[c.name] ?? ""} onChange={(e) => setDraft({ ...draft, [c.name]: e.target.value })}>
                  <option value="">(default)</option>
                  {c.nullable && <option value="NULL">NULL</option>}
                  <option value="true">true</option>
                  <option value="false">false</option>
                </select>
              ) : (
                <input data-testid={"draft-" + c.name} placeholder={c.type} value={draft[c.name] ?? ""} onChange={(e) => setDraft({ ...draft, [c.name]: e.target.value })} />
              )}
            </label>
          ))}
          <button data-testid="draft-save" onClick={insertRow}>Save</button>
          <button onClick={() => setDraft(null)}>Cancel</button>
        </div>
      )}
      {page && (
        <table className="grid" data-testid="grid">
          <thead>
            <tr>
              {editable && <th />}
              {page.columns.map((c) => (
                <th key={c.name} onClick={() => { setSort({ col: c.name, dir: sort.col === c.name && sort.dir === "asc" ? "desc" : "asc" }); setCursor({}); }}>
                  {c.pk ? "◆ " : ""}{c.name}
                  <span className="type">{c.type}</span>
                  {sort.col === c.name ? (sort.dir === "asc" ? " ▲" : " ▼") : ""}
                </th>
              ))}
              {table.referenced_by.length > 0 && <th>referenced by</th>}
            </tr>
          </thead>
          <tbody>
            {page.rows.map((r, ri) => (
              <tr key={ri} className={selected.has(ri) ? "selected" : ""}>
                {editable && (
                  <td><input type="checkbox" checked={selected.has(ri)} onChange={() => { const s = new Set(selected); s.has(ri) ? s.delete(ri) : s.add(ri); setSelected(s); }} /></td>
                )}
                {r.map((cell, ci) => {
                  const col = page.columns[ci];
                  const isFk = table.foreign_keys.some((f) => f.columns.length === 1 && f.columns[0] === col.name);
                  if (editing && editing.row === ri && editing.col === ci)
                    return (
                      <td key={ci} className="editing">
                        {col.enum ? (
                          <select data-testid="cell-input" value={editing.text} onChange={(e) => setEditing({ ...editing, text: e.target.value })}>
                            {col.enum.map((v) => <option key={v}>{v}</option>)}
                          </select>
                        ) : (
                          <input data-testid="cell-input" autoFocus value={editing.text} disabled={editing.isNull} onChange={(e) => setEditing({ ...editing, text: e.target.value })} onKeyDown={(e) => { if (e.key === "Enter") saveEdit(); if (e.key === "Escape") setEditing(null); }} />
                        )}
                        {col.nullable && <label><input type="checkbox" checked={editing.isNull} onChange={(e) => setEditing({ ...editing, isNull: e.target.checked })} />NULL</label>}
                        <button data-testid="cell-save" onClick={saveEdit}>✓</button>
                      </td>
                    );
                  return (
                    <td key={ci} data-col={col.name} className={cell === null ? "null" : ""} onDoubleClick={() => editable && !col.generated && setEditing({ row: ri, col: ci, text: cell === null ? "" : api.show(cell), isNull: cell === null })}>
                      {isFk && cell !== null ? <a href="#" onClick={(e) => { e.preventDefault(); follow(col.name, cell); }}>{api.show(cell)}</a> : cell === null ? "NULL" : cell === "" ? <span className="empty">''</span> : api.show(cell)}
                    </td>
                  );
                })}
                {table.referenced_by.length > 0 && (
                  <td>
                    {table.referenced_by.map((ref) => {
                      const t = props.tables.find((x) => x.name === ref.table && x.schema === ref.schema);
                      const idx = page.columns.findIndex((c) => c.name === ref.ref_columns[0]);
                      return t && idx >= 0 ? (
                        <a key={ref.table + ref.columns.join()} href="#" onClick={(e) => { e.preventDefault(); props.open({ table: t, filters: [{ column: ref.columns[0], op: "=", value: r[idx] }] }); }}>
                          {ref.table}
                        </a>
                      ) : null;
                    })}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page?.server_ms !== undefined && <div className="timing">page served in {page.server_ms.toFixed(1)} ms</div>}
    </div>
  );
}

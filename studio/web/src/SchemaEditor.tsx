// The schema editor (issue 12, page 4): forms for tables, columns, keys, indexes and enums. An edit
// is previewed first — the schema file's change, the migration's Up and Down as `flash migrate`
// writes it, lint, live-data conflicts, rename questions — and written only when confirmed
// (src/flash/studio/schema_edit.hpp). Nothing runs on the database here: the migrations page applies.
import { useCallback, useEffect, useRef, useState } from "react";
import { getJson, postJson } from "./api";

interface SCol { name: string; type: string; nullable: boolean; default: string | null }
interface SFk { name: string; columns: string[]; ref_table: string; ref_columns: string[]; on_delete: string; on_update: string }
interface STable {
  schema: string; name: string; file: string; line: number; columns: SCol[]; primary_key: string[];
  foreign_keys: SFk[]; uniques: { name: string; columns: string[] }[]; checks: { name: string; expr: string }[];
  indexes: { name: string; columns: string[]; unique: boolean }[];
}
interface SchemaState {
  dialect: string; tables: STable[]; enums: { schema: string; name: string; values: string[] }[]; files: string[];
  read_only: boolean; blocked: string[]; unmigrated: string[]; writable: boolean;
}
interface Finding { code: string; message: string; severity?: string; line?: number }
interface Preview {
  summary: string; file: string; id: string; content: string; up: string; down: string;
  warnings: { code: string; message: string }[]; schema_files: { path: string; before: string; after: string }[];
  renames: { question: string; flag: string }[]; lint?: Finding[] | { findings?: Finding[] };
  conflicts?: { message: string; data_loss: boolean }[]; probe_failures?: { message: string }[];
  written: boolean; proof?: { where: string };
}
type Edit = Record<string, unknown>;

const ACTIONS = ["", "NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"];
const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);

function lintItems(l: Preview["lint"]): Finding[] {
  if (!l) return [];
  return Array.isArray(l) ? l : l.findings ?? [];
}

export function SchemaEditor(props: { changed: () => void }) {
  const [state, setState] = useState<SchemaState | null>(null);
  const [sel, setSel] = useState("");
  const [edit, setEdit] = useState<Edit | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [answers, setAnswers] = useState<Record<string, boolean>>({});
  const [name, setName] = useState("");
  const [acceptLoss, setAcceptLoss] = useState(false);
  const [error, setError] = useState("");
  const [written, setWritten] = useState("");
  const previewBox = useRef<HTMLDivElement>(null);
  useEffect(() => {
    previewBox.current?.scrollIntoView({ block: "start" });
  }, [preview]);

  const load = useCallback(async () => {
    try {
      const s = await getJson<SchemaState>("/api/schema");
      setState(s);
      setSel((cur) => cur || s.tables[0]?.name || "");
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  useEffect(() => { load(); }, [load]);

  const ask = async (e: Edit, ans = answers, loss = acceptLoss) => {
    setError("");
    setWritten("");
    setEdit(e);
    try {
      const p = await postJson<Preview>("/api/schema/preview", { edit: e, renames: ans, accept_data_loss: loss });
      setPreview(p);
      setName(p.id.replace(/^\d+_/, ""));
    } catch (x) {
      setPreview(null);
      setError((x as Error).message);
    }
  };
  const write = async () => {
    if (!edit || !preview) return;
    setError("");
    try {
      // The name changes the file name only; the content must be what was previewed.
      const p = await postJson<Preview>("/api/schema/write", {
        edit, name, renames: answers, accept_data_loss: acceptLoss, confirm: true, expect: preview.content,
      });
      setWritten(p.file);
      setPreview(p);
      setEdit(null);
      await load();
      props.changed();
    } catch (x) {
      setError((x as Error).message);
    }
  };

  if (!state) return <div>{error ? <div className="error">{error}</div> : <div className="note">loading…</div>}</div>;
  const t = state.tables.find((x) => x.name === sel);
  const disabled = !state.writable;
  return (
    <div className="schema-editor" data-testid="schema-editor">
      <div className="toolbar"><h2>Schema</h2><span className="note">{state.files.join(", ") || "no schema files yet"}</span></div>
      {state.read_only && <div className="note">read-only: the editor is disabled (--read-only)</div>}
      {state.blocked.length > 0 && (
        <div className="error" data-testid="schema-blocked">
          The database does not match its migrations; the editor writes nothing until that is resolved:
          <ul>{state.blocked.map((b) => <li key={b}>{b}</li>)}</ul>
        </div>
      )}
      {state.unmigrated.length > 0 && (
        <div className="error">The schema files hold changes no migration has yet (run flash migrate):
          <ul>{state.unmigrated.map((b) => <li key={b}>{b}</li>)}</ul></div>
      )}
      <div className="se-layout">
        <ul className="se-tables">
          {state.tables.map((x) => (
            <li key={x.schema + "." + x.name}>
              <a href="#" data-testid={"se-table-" + x.name} className={x.name === sel ? "active" : ""}
                 onClick={(e) => { e.preventDefault(); setSel(x.name); }}>{x.name}</a>
            </li>
          ))}
        </ul>
        <div className="se-main">
          {t && <TableForms t={t} state={state} disabled={disabled} ask={(e) => ask(e, {}, false)} />}
          <NewTable disabled={disabled} ask={(e) => ask(e, {}, false)} />
          {state.dialect === "postgresql" && <Enums state={state} disabled={disabled} ask={(e) => ask(e, {}, false)} />}
        </div>
      </div>
      {error && <div className="error" data-testid="se-error">{error}</div>}
      {written && <div className="ok" data-testid="se-written">Wrote {written}</div>}
      {preview && !preview.written && (
        <div className="se-preview" data-testid="se-preview" ref={previewBox}>
          <h3>{preview.summary}</h3>
          {preview.renames.length > 0 && (
            <div className="error" data-testid="se-renames">
              {preview.renames.map((r) => (
                <div key={r.flag}>{r.question}{" "}
                  <button onClick={() => { const a = { ...answers, [r.flag]: true }; setAnswers(a); ask(edit!, a); }}>Yes, a rename</button>
                  <button onClick={() => { const a = { ...answers, [r.flag]: false }; setAnswers(a); ask(edit!, a); }}>No: drop and add</button>
                </div>
              ))}
            </div>
          )}
          {preview.schema_files.map((f) => (
            <details key={f.path} open><summary>{f.path}</summary><pre className="sql" data-testid="se-file">{f.after}</pre></details>
          ))}
          <div className="se-sections">
            <div><h4>Up</h4><pre className="sql" data-testid="se-up">{preview.up}</pre></div>
            <div><h4>Down</h4><pre className="sql" data-testid="se-down">{preview.down}</pre></div>
          </div>
          {preview.warnings.map((w) => <div key={w.code + w.message} className="warn">{w.message} [{w.code}]</div>)}
          {lintItems(preview.lint).map((f, i) => <div key={i} className="warn" data-testid="se-lint">lint {f.code}: {f.message}</div>)}
          {(preview.conflicts ?? []).map((c, i) => <div key={i} className="error" data-testid="se-conflict">{c.message}</div>)}
          {(preview.probe_failures ?? []).map((c, i) => <div key={i} className="error">{c.message}</div>)}
          {(preview.conflicts ?? []).length === 0 && <div className="note" data-testid="se-no-conflicts">no conflicts with the live data</div>}
          <div className="toolbar">
            <label>Migration name <input data-testid="se-name" value={name} onChange={(e) => setName(e.target.value)} /></label>
            <label><input type="checkbox" checked={acceptLoss} onChange={(e) => { setAcceptLoss(e.target.checked); ask(edit!, answers, e.target.checked); }} /> accept data loss</label>
            <button data-testid="se-write" disabled={disabled || preview.renames.length > 0} onClick={write}>Write migration and schema file</button>
            <button onClick={() => { setPreview(null); setEdit(null); }}>Cancel</button>
          </div>
        </div>
      )}
    </div>
  );
}

function ColumnFields(p: { prefix: string; col: SCol; set: (c: SCol) => void }) {
  return (
    <>
      <label>name<input data-testid={p.prefix + "-name"} value={p.col.name} onChange={(e) => p.set({ ...p.col, name: e.target.value })} /></label>
      <label>type<input data-testid={p.prefix + "-type"} value={p.col.type} onChange={(e) => p.set({ ...p.col, type: e.target.value })} /></label>
      <label>NULL<input type="checkbox" data-testid={p.prefix + "-nullable"} checked={p.col.nullable} onChange={(e) => p.set({ ...p.col, nullable: e.target.checked })} /></label>
      <label>default<input data-testid={p.prefix + "-default"} value={p.col.default ?? ""} onChange={(e) => p.set({ ...p.col, default: e.target.value || null })} /></label>
    </>
  );
}

function TableForms(p: { t: STable; state: SchemaState; disabled: boolean; ask: (e: Edit) => void }) {
  const { t, ask, disabled } = p;
  const base = { table: t.name, schema: t.schema };
  const [col, setCol] = useState<SCol>({ name: "", type: "", nullable: true, default: null });
  const [editing, setEditing] = useState<{ from: string; col: SCol } | null>(null);
  const [fk, setFk] = useState({ columns: "", ref_table: "", ref_columns: "", on_delete: "", on_update: "" });
  const [uq, setUq] = useState("");
  const [ck, setCk] = useState("");
  const [ix, setIx] = useState({ name: "", columns: "", unique: false });
  return (
    <div data-testid="se-table">
      <h3>{t.name} <span className="note">{t.file}:{t.line}</span></h3>
      <table className="grid">
        <thead><tr><th>column</th><th>type</th><th>NULL</th><th>default</th><th></th></tr></thead>
        <tbody>
          {t.columns.map((c) => (
            <tr key={c.name}>
              <td>{t.primary_key.includes(c.name) ? "◆ " : ""}{c.name}</td><td>{c.type}</td><td>{c.nullable ? "yes" : "no"}</td><td>{c.default ?? ""}</td>
              <td>
                <button disabled={disabled} onClick={() => setEditing({ from: c.name, col: { ...c } })}>Edit</button>
                <button disabled={disabled} data-testid={"se-drop-col-" + c.name} onClick={() => ask({ op: "drop_column", ...base, column_name: c.name })}>Drop</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing && (
        <div className="draft">
          <ColumnFields prefix="se-edit" col={editing.col} set={(c) => setEditing({ ...editing, col: c })} />
          <button disabled={disabled} onClick={() => ask({ op: "alter_column", ...base, column_name: editing.from, column: editing.col })}>Preview change</button>
          <button onClick={() => setEditing(null)}>Cancel</button>
        </div>
      )}
      <div className="draft">
        <b>Add column</b>
        <ColumnFields prefix="se-col" col={col} set={setCol} />
        <button disabled={disabled} data-testid="se-add-column" onClick={() => ask({ op: "add_column", ...base, column: col })}>Preview</button>
      </div>
      <h4>Constraints</h4>
      <ul>
        {t.foreign_keys.map((f, i) => (
          <li key={"f" + i}>FOREIGN KEY {f.name} ({f.columns.join(", ")}) → {f.ref_table}({f.ref_columns.join(", ")}) {f.on_delete && "ON DELETE " + f.on_delete} {f.on_update && "ON UPDATE " + f.on_update}
            <button disabled={disabled} onClick={() => ask({ op: "drop_constraint", ...base, kind: "foreign_key", name: f.name, index: i })}>Drop</button></li>
        ))}
        {t.uniques.map((u, i) => (
          <li key={"u" + i}>UNIQUE {u.name} ({u.columns.join(", ")})
            <button disabled={disabled} onClick={() => ask({ op: "drop_constraint", ...base, kind: "unique", name: u.name, index: i })}>Drop</button></li>
        ))}
        {t.checks.map((c, i) => (
          <li key={"c" + i}>CHECK {c.name} ({c.expr})
            <button disabled={disabled} onClick={() => ask({ op: "drop_constraint", ...base, kind: "check", name: c.name, index: i })}>Drop</button></li>
        ))}
        {t.indexes.map((x) => (
          <li key={"i" + x.name}>{x.unique ? "UNIQUE " : ""}INDEX {x.name} ({x.columns.join(", ")})
            <button disabled={disabled} onClick={() => ask({ op: "drop_index", ...base, name: x.name })}>Drop</button></li>
        ))}
      </ul>
      <div className="draft">
        <b>Foreign key</b>
        <label>columns<input data-testid="se-fk-columns" value={fk.columns} onChange={(e) => setFk({ ...fk, columns: e.target.value })} /></label>
        <label>references<select data-testid="se-fk-table" value={fk.ref_table} onChange={(e) => setFk({ ...fk, ref_table: e.target.value })}>
          <option value=""></option>{p.state.tables.map((x) => <option key={x.name}>{x.name}</option>)}</select></label>
        <label>ref columns<input value={fk.ref_columns} onChange={(e) => setFk({ ...fk, ref_columns: e.target.value })} /></label>
        <label>ON DELETE<select value={fk.on_delete} onChange={(e) => setFk({ ...fk, on_delete: e.target.value })}>{ACTIONS.map((a) => <option key={a}>{a}</option>)}</select></label>
        <label>ON UPDATE<select value={fk.on_update} onChange={(e) => setFk({ ...fk, on_update: e.target.value })}>{ACTIONS.map((a) => <option key={a}>{a}</option>)}</select></label>
        <button disabled={disabled} data-testid="se-add-fk" onClick={() => ask({ op: "add_foreign_key", ...base, constraint: {
          columns: list(fk.columns), ref_table: fk.ref_table, ...(fk.ref_columns ? { ref_columns: list(fk.ref_columns) } : {}),
          on_delete: fk.on_delete, on_update: fk.on_update } })}>Preview</button>
      </div>
      <div className="draft">
        <b>Unique</b><label>columns<input value={uq} onChange={(e) => setUq(e.target.value)} /></label>
        <button disabled={disabled} onClick={() => ask({ op: "add_unique", ...base, constraint: { columns: list(uq) } })}>Preview</button>
        <b>Check</b><label>expression<input value={ck} onChange={(e) => setCk(e.target.value)} /></label>
        <button disabled={disabled} onClick={() => ask({ op: "add_check", ...base, constraint: { expr: ck } })}>Preview</button>
      </div>
      <div className="draft">
        <b>Index</b>
        <label>name<input value={ix.name} onChange={(e) => setIx({ ...ix, name: e.target.value })} /></label>
        <label>columns<input value={ix.columns} onChange={(e) => setIx({ ...ix, columns: e.target.value })} /></label>
        <label>unique<input type="checkbox" checked={ix.unique} onChange={(e) => setIx({ ...ix, unique: e.target.checked })} /></label>
        <button disabled={disabled} onClick={() => ask({ op: "add_index", ...base, name: ix.name, columns: list(ix.columns), unique: ix.unique })}>Preview</button>
        <button disabled={disabled} data-testid="se-drop-table" onClick={() => ask({ op: "drop_table", ...base })}>Drop table {t.name}</button>
      </div>
    </div>
  );
}

function NewTable(p: { disabled: boolean; ask: (e: Edit) => void }) {
  const [name, setName] = useState("");
  const [cols, setCols] = useState<SCol[]>([{ name: "id", type: "integer", nullable: false, default: null }]);
  const [pk, setPk] = useState("id");
  return (
    <div className="draft">
      <b>New table</b>
      <label>name<input data-testid="se-new-table" value={name} onChange={(e) => setName(e.target.value)} /></label>
      {cols.map((c, i) => (
        <span key={i} className="draft">
          <ColumnFields prefix={"se-new-col" + i} col={c} set={(x) => setCols(cols.map((y, j) => (j === i ? x : y)))} />
        </span>
      ))}
      <button onClick={() => setCols([...cols, { name: "", type: "", nullable: true, default: null }])}>+ column</button>
      <label>primary key<input value={pk} onChange={(e) => setPk(e.target.value)} /></label>
      <button disabled={p.disabled} onClick={() => p.ask({ op: "create_table", table: name, columns: cols, primary_key: list(pk) })}>Preview</button>
    </div>
  );
}

function Enums(p: { state: SchemaState; disabled: boolean; ask: (e: Edit) => void }) {
  const [name, setName] = useState("");
  const [values, setValues] = useState("");
  return (
    <div className="draft">
      <b>Enums</b>
      {p.state.enums.map((e) => (
        <span key={e.name}>{e.name} ({e.values.join(", ")})
          <button disabled={p.disabled} onClick={() => { const v = prompt("values, comma-separated", e.values.join(", ")); if (v) p.ask({ op: "alter_enum", name: e.name, values: list(v) }); }}>Edit</button>
          <button disabled={p.disabled} onClick={() => p.ask({ op: "drop_enum", name: e.name })}>Drop</button></span>
      ))}
      <label>name<input value={name} onChange={(e) => setName(e.target.value)} /></label>
      <label>values<input value={values} onChange={(e) => setValues(e.target.value)} /></label>
      <button disabled={p.disabled} onClick={() => p.ask({ op: "create_enum", name, values: list(values) })}>Preview</button>
    </div>
  );
}

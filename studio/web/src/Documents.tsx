// Flash Studio on MongoDB (src/flash/studio/documents.hpp): the collections with their counts, a
// collection's documents in _id order by keyset pages, a JSON filter, each document shown and
// edited as canonical Extended JSON (exact types: {"$numberLong": ...}, {"$oid": ...}), insert,
// delete, and the indexes declared vs live. Edits carry the document as read: a document changed
// meanwhile is a conflict, nothing written. Text the user types is sent as written (JSON.parse
// only checks it), so a plain number beyond 2^53 reaches the server exactly.
import { useCallback, useEffect, useRef, useState } from "react";
import * as api from "./api";
import type { Session } from "./api";

type Doc = Record<string, unknown>;

interface CollectionInfo {
  name: string;
  kind: string;
  rows: number | null;
  count: string;
  editable: boolean;
  declared: boolean;
  live: boolean;
  note?: string;
}

interface DocPage {
  documents: Doc[];
  next: unknown;
  prev: unknown;
  editable: boolean;
  server_ms: number;
}

interface IndexRow {
  name: string;
  key: Doc;
  status: string;
  live: Doc | null;
  declared: Doc | null;
}

const pretty = (d: unknown) => JSON.stringify(d, null, 2);

// The JSON text is valid (an object), or the reason it is not.
function checkObject(text: string): string {
  try {
    const v = JSON.parse(text);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? "" : "a document is a JSON object { ... }";
  } catch (e) {
    return "not JSON: " + (e as Error).message;
  }
}

export function DocumentStudio({ session }: { session: Session }) {
  const [collections, setCollections] = useState<CollectionInfo[]>([]);
  const [current, setCurrent] = useState<string | null>(null);
  const [opened, setOpened] = useState(0);
  const [search, setSearch] = useState("");
  const [error, setError] = useState("");

  const reload = useCallback(async () => {
    try {
      const r = await api.getJson<{ collections: CollectionInfo[] }>("/api/tables");
      setCollections(r.collections);
      setCurrent((c) => c ?? r.collections.find((x) => x.live)?.name ?? null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  useEffect(() => {
    reload();
  }, [reload]);

  const info = collections.find((c) => c.name === current);
  return (
    <div className="app">
      <aside>
        <div className="brand">⚡ Flash Studio</div>
        <div className="db">mongodb · {session.database}{session.read_only ? " · read-only" : ""}</div>
        <div className="note" data-testid="mongo-note">SQL runner and diagram apply to SQL databases</div>
        <input className="search" placeholder="Search collections" value={search} onChange={(e) => setSearch(e.target.value)} />
        <ul className="tables">
          {collections
            .filter((c) => c.name.toLowerCase().includes(search.toLowerCase()))
            .map((c) => (
              <li key={c.name}>
                <a href="#" data-testid={"collection-" + c.name} className={current === c.name ? "active" : ""}
                   title={c.note ?? ""}
                   onClick={(e) => { e.preventDefault(); setCurrent(c.name); setOpened((n) => n + 1); }}>
                  {c.live ? "" : "○ "}{c.name}
                  <span className="count">{c.rows === null ? "" : "~" + c.rows}</span>
                </a>
              </li>
            ))}
        </ul>
      </aside>
      <main>
        {error && <div className="error">{error}</div>}
        {info && <CollectionPage key={opened + ":" + info.name} info={info} readOnly={session.read_only} changed={reload} />}
        {!info && !error && <div className="note">no collections yet: declare them in the schema files and run flash apply</div>}
      </main>
    </div>
  );
}

function CollectionPage({ info, readOnly, changed }: { info: CollectionInfo; readOnly: boolean; changed: () => void }) {
  const [tab, setTab] = useState<"documents" | "indexes">(info.live ? "documents" : "indexes");
  return (
    <div>
      <div className="toolbar">
        <h2 data-testid="collection-title">{info.name}</h2>
        <button data-testid="tab-documents" disabled={!info.live} className={tab === "documents" ? "active" : ""} onClick={() => setTab("documents")}>Documents</button>
        <button data-testid="tab-indexes" className={tab === "indexes" ? "active" : ""} onClick={() => setTab("indexes")}>Indexes</button>
        {info.note && <span className="note">{info.note}</span>}
      </div>
      {tab === "documents" ? <DocumentsView info={info} readOnly={readOnly} changed={changed} /> : <IndexesView name={info.name} />}
    </div>
  );
}

function DocumentsView({ info, readOnly, changed }: { info: CollectionInfo; readOnly: boolean; changed: () => void }) {
  const [filterText, setFilterText] = useState("");
  const [filter, setFilter] = useState("");  // as applied (raw JSON text)
  const [cursor, setCursor] = useState<string>("");  // ',"after":…' as JSON text
  const [page, setPage] = useState<DocPage | null>(null);
  const [error, setError] = useState("");
  const [editing, setEditing] = useState<{ index: number; text: string } | null>(null);
  const [inserting, setInserting] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<number | null>(null);
  const seq = useRef(0);
  const writable = info.editable && !readOnly;

  const load = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const q = `{"collection":${JSON.stringify(info.name)},"limit":20${filter ? ',"filter":' + filter : ""}${cursor}}`;
      const p = await api.getJson<DocPage>("/api/rows?q=" + encodeURIComponent(q));
      if (mine === seq.current) {
        setPage(p);
        setError("");
      }
    } catch (e) {
      if (mine === seq.current) setError((e as Error).message);
    }
  }, [info.name, filter, cursor]);
  useEffect(() => {
    load();
  }, [load]);

  function applyFilter() {
    const t = filterText.trim();
    if (t) {
      const why = checkObject(t);
      if (why) return setError("filter: " + why);
    }
    setFilter(t);
    setCursor("");
  }

  async function save() {
    if (!editing || !page) return;
    const why = checkObject(editing.text);
    if (why) return setError(why);
    try {
      const old = page.documents[editing.index];
      await api.postText("/api/rows/update", `{"collection":${JSON.stringify(info.name)},"old":${JSON.stringify(old)},"new":${editing.text}}`);
      setEditing(null);
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function insert() {
    if (inserting === null) return;
    const why = checkObject(inserting);
    if (why) return setError(why);
    try {
      await api.postText("/api/rows/insert", `{"collection":${JSON.stringify(info.name)},"document":${inserting}}`);
      setInserting(null);
      await load();
      changed();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function remove(index: number) {
    if (!page) return;
    try {
      await api.postText("/api/rows/delete", JSON.stringify({ collection: info.name, documents: [page.documents[index]] }));
      setDeleting(null);
      await load();
      changed();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <div>
      <div className="filters">
        <input data-testid="doc-filter" className="doc-filter" placeholder='filter, e.g. {"age": {"$gt": 30}}' value={filterText}
               onChange={(e) => setFilterText(e.target.value)} onKeyDown={(e) => e.key === "Enter" && applyFilter()} />
        <button data-testid="doc-filter-apply" onClick={applyFilter}>Filter</button>
        {filter && <button onClick={() => { setFilterText(""); setFilter(""); setCursor(""); }}>Clear</button>}
      </div>
      <div className="toolbar">
        <button data-testid="first" disabled={!page?.prev} onClick={() => setCursor("")}>« First</button>
        <button data-testid="prev" disabled={!page?.prev} onClick={() => setCursor(',"before":' + JSON.stringify(page!.prev))}>◀ Prev</button>
        <button data-testid="next" disabled={!page?.next} onClick={() => setCursor(',"after":' + JSON.stringify(page!.next))}>Next ▶</button>
        <button data-testid="last" disabled={!page?.next} onClick={() => setCursor(',"last":true')}>Last »</button>
        {writable && <button data-testid="doc-insert" onClick={() => setInserting("{\n  \n}")}>+ Insert</button>}
        {!writable && <span className="note">{readOnly ? "read-only" : info.note ?? "read-only"}</span>}
        {page && <span className="timing">{page.documents.length} documents · {page.server_ms.toFixed(2)} ms</span>}
      </div>
      {error && <div className="error" data-testid="doc-error">{error}</div>}
      {inserting !== null && (
        <div className="doc-card">
          <textarea data-testid="doc-insert-text" className="doc-editor" value={inserting} onChange={(e) => setInserting(e.target.value)} />
          <button data-testid="doc-insert-save" onClick={insert}>Insert</button>
          <button onClick={() => setInserting(null)}>Cancel</button>
        </div>
      )}
      {page?.documents.map((d, i) => (
        <div className="doc-card" data-testid="doc" key={JSON.stringify(d._id)}>
          <div className="doc-head">
            <code data-testid="doc-id">{JSON.stringify(d._id)}</code>
            {writable && editing?.index !== i && (
              <button data-testid="doc-edit" onClick={() => { setEditing({ index: i, text: pretty(d) }); setError(""); }}>Edit</button>
            )}
            {writable && deleting !== i && <button data-testid="doc-delete" onClick={() => setDeleting(i)}>Delete</button>}
            {deleting === i && (
              <span>
                delete this document? <button data-testid="doc-delete-confirm" onClick={() => remove(i)}>Yes, delete</button>
                <button onClick={() => setDeleting(null)}>No</button>
              </span>
            )}
          </div>
          {editing?.index === i ? (
            <div>
              <textarea data-testid="doc-editor" className="doc-editor" value={editing.text}
                        onChange={(e) => setEditing({ index: i, text: e.target.value })} />
              <button data-testid="doc-save" onClick={save}>Save</button>
              <button onClick={() => setEditing(null)}>Cancel</button>
            </div>
          ) : (
            <pre data-testid="doc-json">{pretty(d)}</pre>
          )}
        </div>
      ))}
      {page && page.documents.length === 0 && <div className="note">no documents</div>}
    </div>
  );
}

function IndexesView({ name }: { name: string }) {
  const [rows, setRows] = useState<IndexRow[] | null>(null);
  const [known, setKnown] = useState(true);
  const [error, setError] = useState("");
  useEffect(() => {
    api.getJson<{ indexes: IndexRow[]; declared_known: boolean }>("/api/indexes?q=" + encodeURIComponent(JSON.stringify({ collection: name })))
      .then((r) => { setRows(r.indexes); setKnown(r.declared_known); }, (e) => setError((e as Error).message));
  }, [name]);
  if (error) return <div className="error">{error}</div>;
  if (!rows) return <div className="note">loading…</div>;
  return (
    <div>
      {!known && <div className="note">the schema files were not read (none, or with errors): live indexes only</div>}
      <table className="grid" data-testid="indexes">
        <thead>
          <tr><th>name</th><th>key</th><th>status</th><th>live</th><th>declared</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name} data-testid={"index-" + r.name}>
              <td>{r.name}</td>
              <td><code>{JSON.stringify(r.key)}</code></td>
              <td data-col="status" className={"status-" + r.status.replace(/ /g, "-")}>{r.status}</td>
              <td><code>{r.live ? JSON.stringify(r.live) : "—"}</code></td>
              <td><code>{r.declared ? JSON.stringify(r.declared) : "—"}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

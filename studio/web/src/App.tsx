// Flash Studio's shell: the table list (with search and row counts) and the three pages.
import { Suspense, lazy, useCallback, useEffect, useState } from "react";
import * as api from "./api";
import type { Session, TableInfo } from "./api";
import { DataBrowser, type Target } from "./DataBrowser";
import { DocumentStudio } from "./Documents";
import { BranchPicker } from "./Branches";
import { Transfer } from "./Transfer";
// The SQL editor (CodeMirror) and the diagram (React Flow, elkjs: most of the bundle) load when opened.
const SqlRunner = lazy(() => import("./SqlRunner").then((m) => ({ default: m.SqlRunner })));
const Diagram = lazy(() => import("./Diagram").then((m) => ({ default: m.Diagram })));
const SchemaEditor = lazy(() => import("./SchemaEditor").then((m) => ({ default: m.SchemaEditor })));
const Migrations = lazy(() => import("./Migrations").then((m) => ({ default: m.Migrations })));

type PageName = "data" | "sql" | "diagram" | "schema" | "migrations" | "io";

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [tables, setTables] = useState<TableInfo[]>([]);
  const [target, setTarget] = useState<Target | null>(null);
  const [opened, setOpened] = useState(0);  // a new DataBrowser per opened target
  const [page, setPage] = useState<PageName>("data");
  const [search, setSearch] = useState("");
  const [error, setError] = useState("");
  const [epoch, setEpoch] = useState(0);  // a branch switch: every page starts over on the new database

  const reload = useCallback(async () => {
    try {
      const t = await api.tables();
      setTables(t);
      setTarget((cur) => {
        if (!cur) return t.length ? { table: t[0], filters: [] } : null;
        const same = t.find((x) => x.name === cur.table.name && x.schema === cur.table.schema);
        return same ? { ...cur, table: same } : t.length ? { table: t[0], filters: [] } : null;
      });
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  useEffect(() => {
    api.session().then(setSession, (e) => setError((e as Error).message));
    reload();
  }, [reload]);

  const switched = async () => {
    try {
      setSession(await api.session());
    } catch (e) {
      setError((e as Error).message);
    }
    await reload();
    setEpoch((n) => n + 1);
  };
  const open = (t: Target) => {
    setTarget(t);
    setOpened((n) => n + 1);
    setPage("data");
  };
  if (error && !session) return <div className="error">{error}</div>;
  if (session?.model === "document") return <DocumentStudio session={session} />;  // MongoDB: no SQL pages
  return (
    <div className="app">
      <aside>
        <div className="brand">⚡ Flash Studio</div>
        <div className="db">{session?.dialect} · {session?.database}{session?.read_only ? " · read-only" : ""}
          {session?.branch && <> · ⎇ <span data-testid="branch-current">{session.branch}</span></>}</div>
        <BranchPicker current={session?.branch} readOnly={!!session?.read_only} switched={switched} />
        <nav>
          {(["data", "sql", "diagram", "schema", "migrations", "io"] as PageName[]).map((p) => (
            <button key={p} data-testid={"nav-" + p} className={page === p ? "active" : ""} onClick={() => setPage(p)}>
              {{ data: "Data", sql: "SQL", diagram: "Diagram", schema: "Schema", migrations: "Migrations", io: "Import/Export" }[p]}
            </button>
          ))}
        </nav>
        <input className="search" placeholder="Search tables" value={search} onChange={(e) => setSearch(e.target.value)} />
        <ul className="tables">
          {tables
            .filter((t) => t.name.toLowerCase().includes(search.toLowerCase()))
            .map((t) => (
              <li key={t.schema + "." + t.name}>
                <a href="#" data-testid={"table-" + t.name} className={target?.table === t ? "active" : ""} onClick={(e) => { e.preventDefault(); open({ table: t, filters: [] }); }}>
                  {t.kind === "view" ? "👁 " : ""}{t.schema ? t.schema + "." : ""}{t.name}
                  <span className="count">{t.rows === null ? "" : (t.count === "estimate" ? "~" : "") + t.rows}</span>
                </a>
              </li>
            ))}
        </ul>
      </aside>
      <main key={epoch}>
        {page === "io" && <Transfer tables={tables} readOnly={!!session?.read_only} changed={reload} />}
        {page === "data" && target && <DataBrowser key={opened} target={target} tables={tables} open={open} readOnly={!!session?.read_only} />}
        <Suspense fallback={<div className="note">loading…</div>}>
          {page === "sql" && session && <SqlRunner tables={tables} dialect={session.dialect} readOnly={session.read_only} changed={reload} />}
          {page === "diagram" && <Diagram tables={tables} readOnly={session?.read_only} open={(t) => open({ table: t, filters: [] })} />}
          {page === "schema" && <SchemaEditor changed={reload} />}
          {page === "migrations" && <Migrations changed={reload} />}
        </Suspense>
      </main>
    </div>
  );
}

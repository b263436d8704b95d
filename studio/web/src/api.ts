// The studio's JSON API (src/flash/studio/api.hpp). The session cookie rides along by itself
// (same origin); every POST carries the CSRF token from /api/session.

export type Cell = null | boolean | number | string | { $hex: string };

export interface Column {
  name: string;
  type: string;
  kind: string;
  nullable: boolean;
  pk: boolean;
  generated: boolean;
  enum?: string[];
}

export interface ForeignKey {
  columns: string[];
  ref_schema: string;
  ref_table: string;
  ref_columns: string[];
}

export interface Reference {
  schema: string;
  table: string;
  columns: string[];
  ref_columns: string[];
}

export interface TableInfo {
  schema: string;
  name: string;
  kind: "table" | "view";
  rows: number | null;
  count?: string;
  primary_key: string[];
  editable: boolean;
  columns: Column[];
  foreign_keys: ForeignKey[];
  referenced_by: Reference[];
  note?: string;
}

export interface Filter {
  column: string;
  op: string;
  value?: Cell | Cell[];
}

export interface Page {
  columns: Column[];
  rows: Cell[][];
  next: Cell[] | { offset: number } | null;
  prev: Cell[] | { offset: number } | null;
  paging: "keyset" | "offset";
  editable: boolean;
  key?: string[];
  server_ms?: number;
}

export interface SqlResult {
  statement: string;
  line: number;
  ms?: number;
  columns?: { name: string; type: string }[];
  rows?: Cell[][];
  row_count?: number;
  truncated?: boolean;
  affected_rows?: number;
  error?: { message: string; line: number; column: number };
}

export interface Session {
  csrf: string;
  read_only: boolean;
  dialect: string;
  database: string;
  model?: "relational" | "document";  // document: MongoDB (Documents.tsx)
  branch?: string | null;  // the database branch viewed (null: no project)
}

export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string, public detail?: Record<string, unknown>) {
    super(message);
  }
}

let csrf = "";

async function parse<T>(r: Response): Promise<T> {
  const body = await r.json().catch(() => ({}));
  if (!r.ok) {
    const e = body.error ?? {};
    throw new ApiError(r.status, e.code ?? "http", e.message ?? `HTTP ${r.status}`, e.detail);
  }
  return body as T;
}

export async function session(): Promise<Session> {
  const s = await parse<Session>(await fetch("/api/session"));
  csrf = s.csrf;
  return s;
}

export async function tables(): Promise<TableInfo[]> {
  return (await parse<{ tables?: TableInfo[] }>(await fetch("/api/tables"))).tables ?? [];
}

export async function rows(q: object): Promise<Page> {
  return parse<Page>(await fetch("/api/rows?q=" + encodeURIComponent(JSON.stringify(q))));
}

async function post<T>(path: string, body: object): Promise<T> {
  return postText<T>(path, JSON.stringify(body));
}

// A POST of JSON text as written (MongoDB documents: numbers beyond 2^53 stay exact).
export async function postText<T>(path: string, body: string): Promise<T> {
  const r = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body,
  });
  return parse<T>(r);
}

export async function getJson<T>(path: string): Promise<T> {
  return parse<T>(await fetch(path));
}

export const update = (b: object) => post<{ updated: number }>("/api/rows/update", b);
export const insert = (b: object) => post<{ inserted: number }>("/api/rows/insert", b);
export const remove = (b: object) => post<{ deleted: number }>("/api/rows/delete", b);
export const runSql = (sql: string) => post<{ ok: boolean; results: SqlResult[] }>("/api/sql", { sql });

export function show(c: Cell): string {
  if (c === null) return "NULL";
  if (typeof c === "object") return "\\x" + c.$hex;
  return String(c);
}

// The schema editor and migrations pages (SchemaEditor.tsx, Migrations.tsx) call their endpoints
// through postJson and getJson (above).
export const postJson = post;

// ---- the tools (src/flash/studio/tools.hpp) ----

export interface PlanNode {
  title: string;
  details: [string, string][];
  children: PlanNode[];
}
export interface Explained {
  engine: string;
  analyze: boolean;
  tree: PlanNode;
  ms: number;
}

export const newQueryId = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2));
export const runSqlWithId = (sql: string, query_id: string) =>
  post<{ ok: boolean; cancelled?: boolean; results: SqlResult[] }>("/api/sql", { sql, query_id });
export const cancelQuery = (query_id: string) => post<{ stopped: boolean; was_running: boolean }>("/api/sql/cancel", { query_id });
export const explain = (sql: string, analyze: boolean, query_id: string) => post<Explained>("/api/explain", { sql, analyze, query_id });

export type Positions = Record<string, { x: number; y: number }>;
export async function layout(): Promise<{ positions: Positions; file: string | null }> {
  return parse(await fetch("/api/layout"));
}
export const saveLayout = (positions: Positions) => post<{ saved: string }>("/api/layout", { positions });

export interface HistoryList {
  migrations: { id: string; name: string; applied: boolean }[];
  applied: number;
}
export interface HistoryAt {
  n: number;
  migration: { id: string; name: string } | null;
  tables: (TableInfo & { removed?: boolean })[];
  changes: { added: string[]; removed: string[]; changed: Record<string, { added: string[]; removed: string[]; changed: string[] }>; operations: string[] };
  problems: string[];
}
export async function history(): Promise<HistoryList> {
  return parse(await fetch("/api/history"));
}
export async function historyAt(n: number): Promise<HistoryAt> {
  return parse(await fetch("/api/history/at?n=" + n));
}
export const exportUrl = (q: object) => "/api/export?q=" + encodeURIComponent(JSON.stringify(q));

// ---- import / export of a table, database branches (page 6: transfer.hpp, branches.hpp) ----

export interface ImportProblem {
  line: number;
  column: string;
  message: string;
}
export interface ImportPreview {
  schema: string;
  table: string;
  format: "csv" | "json";
  bytes: number;
  columns: string[];
  unknown: string[];
  missing: string[];
  ignored: string[];
  mapping: { name: string; from: "file" | "default" | "generated"; required: boolean }[];
  rows: { line: number; values: unknown[] }[];
  total_rows: number;
  problems: ImportProblem[];
  problem_count: number;
  ok: boolean;
  stopped: boolean;
}

// The file itself is the body (up to the server's import limit), the table in the query string.
async function upload<T>(path: string, t: { schema: string; name: string }, file: Blob & { name?: string }, format: string): Promise<T> {
  const q = new URLSearchParams({ schema: t.schema, table: t.name, format, name: file.name ?? "upload" });
  const r = await fetch(path + "?" + q.toString(), {
    method: "POST",
    headers: { "Content-Type": file.type || "application/octet-stream", "X-CSRF-Token": csrf },
    body: file,
  });
  return parse<T>(r);
}
export const importPreview = (t: { schema: string; name: string }, file: File, format: string) =>
  upload<ImportPreview>("/api/import/preview", t, file, format);
export const importRun = (t: { schema: string; name: string }, file: File, format: string) =>
  upload<{ imported: number; ms: number }>("/api/import/run", t, file, format);

export interface BranchList {
  current: string | null;
  branches: { name: string; parent: string; database: string; created_at: string; schema_only: boolean }[];
  env_override: boolean;
}
export const branches = () => getJson<BranchList>("/api/branches");
export const switchBranch = (name: string) => post<{ branch: string; database: string }>("/api/branches/switch", { name });

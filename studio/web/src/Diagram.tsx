// The relationship diagram: tables as nodes with their columns, foreign keys as edges, laid out by
// elkjs (layered) unless the project's db/studio/layout.json places them; zoom and pan by React
// Flow; click a table to open its data; a moved table's position is saved to the layout file.
// Export as SVG (drawn from the model, real vector text) or PNG (that SVG on a canvas). The
// history slider shows the schema after any migration of the folder (replayed on the server) with
// what that migration added (green), changed (amber) and removed (red).
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ReactFlow, Background, Controls, Handle, Position, applyNodeChanges } from "@xyflow/react";
import type { Edge, Node, NodeChange, NodeProps } from "@xyflow/react";
import ELK from "elkjs/lib/elk.bundled.js";
import "@xyflow/react/dist/style.css";
import * as api from "./api";
import type { HistoryAt, HistoryList, Positions, TableInfo } from "./api";
import { download } from "./download";

type Mark = "added" | "changed" | "removed" | undefined;
type Shown = TableInfo & { removed?: boolean };
type TableNode = Node<{ table: Shown; open?: (t: TableInfo) => void; mark: Mark; cols: Record<string, Mark>; gone: string[] }, "table">;

const W = 220, HEAD = 32, ROW = 20;
const id = (schema: string, name: string) => (schema ? schema + "." : "") + name;

function TableBox({ data }: NodeProps<TableNode>) {
  const t = data.table;
  return (
    <div className={"node" + (data.mark ? " mark-" + data.mark : "")} data-testid={"node-" + t.name} data-mark={data.mark ?? ""}>
      <Handle type="target" position={Position.Left} />
      <div className="node-title" data-testid={"node-title-" + t.name} onClick={() => data.open?.(t)}>{t.name}</div>
      {t.columns.map((c) => (
        <div className={"node-col" + (data.cols[c.name] ? " mark-" + data.cols[c.name] : "")} key={c.name} data-mark={data.cols[c.name] ?? ""}>
          <span>{c.pk ? "◆ " : ""}{c.name}</span>
          <span className="type">{c.type}</span>
        </div>
      ))}
      {data.gone.map((c) => <div className="node-col mark-removed" key={"-" + c} data-mark="removed"><span>{c}</span><span className="type">dropped</span></div>)}
      <Handle type="source" position={Position.Right} />
    </div>
  );
}
const nodeTypes = { table: TableBox };

// The picture as SVG: the boxes and edges as they are placed now.
function toSvg(nodes: TableNode[], edges: Edge[]): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  const h = (n: TableNode) => HEAD + ROW * (n.data.table.columns.length + n.data.gone.length);
  const minX = Math.min(0, ...nodes.map((n) => n.position.x)) - 20, minY = Math.min(0, ...nodes.map((n) => n.position.y)) - 20;
  const maxX = Math.max(0, ...nodes.map((n) => n.position.x + W)) + 20, maxY = Math.max(0, ...nodes.map((n) => n.position.y + h(n))) + 20;
  const color = (m: Mark) => (m === "added" ? "#1a7f37" : m === "changed" ? "#b8860b" : m === "removed" ? "#cf222e" : "#444");
  const parts: string[] = [];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const e of edges) {
    const s = byId.get(e.source), t = byId.get(e.target);
    if (!s || !t) continue;
    const x1 = s.position.x + W, y1 = s.position.y + HEAD / 2, x2 = t.position.x, y2 = t.position.y + HEAD / 2;
    const mx = (x1 + x2) / 2;
    parts.push(`<path d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}" fill="none" stroke="#888" stroke-width="1.5"/>`);
    if (e.label) parts.push(`<text x="${mx}" y="${(y1 + y2) / 2 - 4}" font-size="11" fill="#666" text-anchor="middle">${esc(String(e.label))}</text>`);
  }
  for (const n of nodes) {
    const { x, y } = n.position;
    const t = n.data.table;
    parts.push(`<g data-table="${esc(t.name)}"><rect x="${x}" y="${y}" width="${W}" height="${h(n)}" rx="6" fill="#fff" stroke="${color(n.data.mark)}" stroke-width="${n.data.mark ? 2.5 : 1}"/>`);
    parts.push(`<rect x="${x}" y="${y}" width="${W}" height="${HEAD - 6}" rx="6" fill="#eef2f7"/><text x="${x + 8}" y="${y + 18}" font-size="13" font-weight="bold" fill="${color(n.data.mark)}">${esc(t.name)}</text>`);
    const rows = [...t.columns.map((c) => ({ name: (c.pk ? "◆ " : "") + c.name, type: c.type, mark: n.data.cols[c.name] })),
                  ...n.data.gone.map((c) => ({ name: c, type: "dropped", mark: "removed" as Mark }))];
    rows.forEach((c, i) => {
      const cy = y + HEAD + ROW * i + 14;
      parts.push(`<text x="${x + 8}" y="${cy}" font-size="12" fill="${color(c.mark)}">${esc(c.name)}</text><text x="${x + W - 8}" y="${cy}" font-size="11" fill="#777" text-anchor="end">${esc(c.type)}</text>`);
    });
    parts.push(`</g>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${minX} ${minY} ${maxX - minX} ${maxY - minY}" width="${maxX - minX}" height="${maxY - minY}" font-family="sans-serif">` +
    `<rect x="${minX}" y="${minY}" width="${maxX - minX}" height="${maxY - minY}" fill="#fff"/>${parts.join("")}</svg>\n`;
}

async function toPng(svg: string): Promise<Blob> {
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  try {
    await new Promise((ok, fail) => { img.onload = ok; img.onerror = fail; img.src = url; });
    const canvas = document.createElement("canvas");
    canvas.width = img.width * 2;
    canvas.height = img.height * 2;
    const g = canvas.getContext("2d")!;
    g.scale(2, 2);
    g.drawImage(img, 0, 0);
    return await new Promise((ok) => canvas.toBlob((b) => ok(b!), "image/png"));
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function Diagram(props: { tables: TableInfo[]; open: (t: TableInfo) => void; readOnly?: boolean }) {
  const [nodes, setNodes] = useState<TableNode[]>([]);
  const [edges, setEdges] = useState<Edge[]>([]);
  const [saved, setSaved] = useState<Positions | null>(null);
  const [hist, setHist] = useState<HistoryList | null>(null);
  const [step, setStep] = useState<number | null>(null);  // null: the live database
  const [at, setAt] = useState<HistoryAt | null>(null);
  const [status, setStatus] = useState("");
  const pending = useRef<number | undefined>(undefined);

  useEffect(() => {
    api.layout().then((l) => setSaved(l.positions), () => setSaved({}));
    api.history().then(setHist, () => setHist(null));
  }, []);
  useEffect(() => {
    if (step === null) return setAt(null);
    api.historyAt(step).then(setAt, (e) => setStatus((e as Error).message));
  }, [step]);

  const shown: Shown[] = useMemo(() => (at ? at.tables : props.tables.filter((t) => t.kind === "table")), [at, props.tables]);

  useEffect(() => {
    if (saved === null) return;
    const es: Edge[] = [];
    for (const t of shown)
      for (const fk of t.foreign_keys)
        es.push({ id: `${id(t.schema, t.name)}:${fk.columns.join(",")}`, source: id(t.schema, t.name), target: id(fk.ref_schema, fk.ref_table), label: fk.columns.join(", ") });
    const known = new Set(shown.map((t) => id(t.schema, t.name)));
    const valid = es.filter((e) => known.has(e.target));
    const mark = (t: Shown): Mark => {
      if (!at) return undefined;
      const k = id(t.schema, t.name);
      if (t.removed || at.changes.removed.includes(k)) return "removed";
      if (at.changes.added.includes(k)) return "added";
      return at.changes.changed[k] ? "changed" : undefined;
    };
    const colMarks = (t: Shown) => {
      const c = at?.changes.changed[id(t.schema, t.name)];
      const m: Record<string, Mark> = {};
      c?.added.forEach((x) => (m[x] = "added"));
      c?.changed.forEach((x) => (m[x] = "changed"));
      return m;
    };
    const gone = (t: Shown) => at?.changes.changed[id(t.schema, t.name)]?.removed ?? [];
    const make = (pos: (k: string) => { x: number; y: number }) =>
      shown.map((t) => {
        const k = id(t.schema, t.name);
        return { id: k, type: "table" as const, position: pos(k), data: { table: t, open: at ? undefined : props.open, mark: mark(t), cols: colMarks(t), gone: gone(t) } };
      });
    const placed = shown.every((t) => saved[id(t.schema, t.name)]);
    if (placed) {
      setNodes(make((k) => saved[k]));
      setEdges(valid);
      return;
    }
    new ELK()
      .layout({
        id: "root",
        layoutOptions: { "elk.algorithm": "layered", "elk.direction": "LEFT", "elk.spacing.nodeNode": "40", "elk.layered.spacing.nodeNodeBetweenLayers": "80" },
        children: shown.map((t) => ({ id: id(t.schema, t.name), width: W, height: HEAD + ROW * t.columns.length })),
        edges: valid.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
      })
      .then((g) => {
        // Tables the layout file places keep their place; the others where elk puts them.
        setNodes(make((k) => saved[k] ?? (({ x, y }) => ({ x: x ?? 0, y: y ?? 0 }))(g.children!.find((c) => c.id === k)!)));
        setEdges(valid);
      });
  }, [shown, saved, at]);

  const onNodesChange = useCallback((changes: NodeChange<TableNode>[]) => setNodes((ns) => applyNodeChanges(changes, ns)), []);
  const onDragStop = useCallback(() => {
    if (props.readOnly || at) return;
    window.clearTimeout(pending.current);
    pending.current = window.setTimeout(() => {
      setNodes((ns) => {
        const positions: Positions = { ...(saved ?? {}) };
        for (const n of ns) positions[n.id] = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
        api.saveLayout(positions).then((r) => setStatus("saved " + r.saved), (e) => setStatus((e as Error).message));
        return ns;
      });
    }, 300);
  }, [props.readOnly, at, saved]);

  const exportSvg = () => download("diagram.svg", toSvg(nodes, edges), "image/svg+xml");
  const exportPng = async () => download("diagram.png", await toPng(toSvg(nodes, edges)));
  const count = hist?.migrations.length ?? 0;

  return (
    <div className="diagram-page">
      <div className="toolbar">
        <button data-testid="diagram-svg" onClick={exportSvg}>SVG</button>
        <button data-testid="diagram-png" onClick={exportPng}>PNG</button>
        {count > 0 && (
          <label className="history">
            history
            <input type="range" data-testid="history-slider" min={0} max={count + 1} value={step === null ? count + 1 : step}
                   onChange={(e) => { const v = Number(e.target.value); setStep(v > count ? null : v); }} />
            <span data-testid="history-label">
              {step === null ? "live database" : step === 0 ? "before the first migration" : `${step}/${count}: ${at?.migration?.id ?? ""}${hist && !hist.migrations[step - 1]?.applied ? " (pending)" : ""}`}
            </span>
          </label>
        )}
        {at && at.changes.operations.length > 0 && <span className="note" data-testid="history-ops">{at.changes.operations.slice(0, 4).join("; ")}{at.changes.operations.length > 4 ? " …" : ""}</span>}
        {at && at.problems.length > 0 && <span className="error">{at.problems[0]}</span>}
        {status && <span className="note" data-testid="diagram-status">{status}</span>}
      </div>
      <div className="diagram" data-testid="diagram">
        <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} onNodesChange={onNodesChange} onNodeDragStop={onDragStop} fitView minZoom={0.1}>
          <Background />
          <Controls />
        </ReactFlow>
      </div>
    </div>
  );
}

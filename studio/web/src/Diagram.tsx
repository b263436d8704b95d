// The relationship diagram: tables as nodes with their columns, foreign keys as edges, laid out by
// elkjs (layered), zoom and pan by React Flow; click a table to open its data.
import { useEffect, useState } from "react";
import { ReactFlow, Background, Controls, Handle, Position } from "@xyflow/react";
import type { Edge, Node, NodeProps } from "@xyflow/react";
import ELK from "elkjs/lib/elk.bundled.js";
import "@xyflow/react/dist/style.css";
import type { TableInfo } from "./api";

type TableNode = Node<{ table: TableInfo; open: (t: TableInfo) => void }, "table">;

function TableBox({ data }: NodeProps<TableNode>) {
  const t = data.table;
  return (
    <div className="node" onDoubleClick={() => data.open(t)}>
      <Handle type="target" position={Position.Left} />
      <div className="node-title" onClick={() => data.open(t)}>{t.name}</div>
      {t.columns.map((c) => (
        <div className="node-col" key={c.name}>
          <span>{c.pk ? "◆ " : ""}{c.name}</span>
          <span className="type">{c.type}</span>
        </div>
      ))}
      <Handle type="source" position={Position.Right} />
    </div>
  );
}
const nodeTypes = { table: TableBox };

export function Diagram(props: { tables: TableInfo[]; open: (t: TableInfo) => void }) {
  const [nodes, setNodes] = useState<TableNode[]>([]);
  const [edges, setEdges] = useState<Edge[]>([]);
  useEffect(() => {
    const id = (schema: string, name: string) => (schema ? schema + "." : "") + name;
    const es: Edge[] = [];
    for (const t of props.tables)
      for (const fk of t.foreign_keys)
        es.push({ id: `${id(t.schema, t.name)}:${fk.columns.join(",")}`, source: id(t.schema, t.name), target: id(fk.ref_schema, fk.ref_table), label: fk.columns.join(", ") });
    const known = new Set(props.tables.map((t) => id(t.schema, t.name)));
    const valid = es.filter((e) => known.has(e.target));
    new ELK()
      .layout({
        id: "root",
        layoutOptions: { "elk.algorithm": "layered", "elk.direction": "LEFT", "elk.spacing.nodeNode": "40", "elk.layered.spacing.nodeNodeBetweenLayers": "80" },
        children: props.tables.map((t) => ({ id: id(t.schema, t.name), width: 220, height: 32 + 20 * t.columns.length })),
        edges: valid.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
      })
      .then((g) => {
        setNodes(props.tables.map((t) => {
          const n = g.children!.find((c) => c.id === id(t.schema, t.name))!;
          return { id: n.id, type: "table", position: { x: n.x ?? 0, y: n.y ?? 0 }, data: { table: t, open: props.open } };
        }));
        setEdges(valid);
      });
  }, [props.tables]);
  return (
    <div className="diagram" data-testid="diagram">
      <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} fitView minZoom={0.1}>
        <Background />
        <Controls />
      </ReactFlow>
    </div>
  );
}

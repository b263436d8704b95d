// An EXPLAIN plan as a tree (the server turns each engine's own output into the same nodes).
import type { PlanNode } from "./api";

function Node(props: { n: PlanNode; depth: number }) {
  const { n } = props;
  return (
    <li className="plan-node" data-testid="plan-node">
      <div className="plan-title">{n.title}</div>
      {n.details.length > 0 && (
        <div className="plan-details">
          {n.details.map(([k, v], i) => (
            <span key={i}><b>{k}</b> {v}</span>
          ))}
        </div>
      )}
      {n.children.length > 0 && (
        <ul>{n.children.map((c, i) => <Node key={i} n={c} depth={props.depth + 1} />)}</ul>
      )}
    </li>
  );
}

export function PlanTree(props: { tree: PlanNode }) {
  return <ul className="plan" data-testid="plan-tree"><Node n={props.tree} depth={0} /></ul>;
}

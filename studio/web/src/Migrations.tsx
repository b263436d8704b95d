// The migrations page (issue 12, page 5): every migration with its state (applied / pending /
// failed / modified / missing-file ...), drift, each file's SQL; apply and roll back through the
// engine's own apply / down, with a preview first (the statements, lint, what would stop the run)
// and the run's progress polled while it runs.
import { useCallback, useEffect, useRef, useState } from "react";
import { getJson, postJson } from "./api";

interface Mig { id: string; state: string; detail?: string; applied_at?: string; file?: string; up?: string; down?: string }
interface Status {
  migrations: Mig[]; applied: number; pending: number; clean: boolean; read_only: boolean; blocked: string[];
  drift: { checked: boolean; note?: string; differences: { description: string }[] };
}
interface Plan {
  action: string; statements?: string[]; sql?: string; migrations?: string[];
  lint?: { code: string; message: string; severity: string }[];
  blocked?: { code: string; message: string; hint?: string };
  check?: { queries: number; clean: boolean; findings: { code: string; message: string; file?: string; line?: number; column?: number; query: string }[] };
}

export function Migrations(props: { changed: () => void }) {
  const [status, setStatus] = useState<Status | null>(null);
  const [open, setOpen] = useState("");
  const [plan, setPlan] = useState<Plan | null>(null);
  const [acceptLoss, setAcceptLoss] = useState(false);
  const [noCheck, setNoCheck] = useState(false);
  const [log, setLog] = useState<string[]>([]);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState("");
  const [done, setDone] = useState("");
  const poll = useRef<number | undefined>(undefined);

  const load = useCallback(async () => {
    try {
      setStatus(await getJson<Status>("/api/migrations"));
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  useEffect(() => { load(); return () => window.clearInterval(poll.current); }, [load]);

  const preview = async (action: string, loss = acceptLoss) => {
    setError("");
    setDone("");
    try {
      setPlan(await postJson<Plan>("/api/migrations/preview", { action, accept_data_loss: loss, no_check: noCheck }));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const run = async () => {
    if (!plan) return;
    setError("");
    setRunning(true);
    setLog([]);
    poll.current = window.setInterval(async () => {
      const p = await getJson<{ running: boolean; log: string[] }>("/api/migrations/progress").catch(() => null);
      if (p) setLog(p.log);
    }, 250);
    try {
      const r = await postJson<{ applied?: string[]; rolled_back?: string[] }>("/api/migrations/run",
        { action: plan.action, accept_data_loss: acceptLoss, no_check: noCheck, confirm: true });
      const ids = r.applied ?? r.rolled_back ?? [];
      await load();
      setDone((plan.action === "apply" ? "Applied " : "Rolled back ") + (ids.length ? ids.join(", ") : "nothing"));
      setPlan(null);
      props.changed();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      window.clearInterval(poll.current);
      const p = await getJson<{ running: boolean; log: string[] }>("/api/migrations/progress").catch(() => null);
      if (p) setLog(p.log);
      setRunning(false);
      await load();
    }
  };

  if (!status) return <div>{error ? <div className="error">{error}</div> : <div className="note">loading…</div>}</div>;
  return (
    <div data-testid="migrations">
      <div className="toolbar">
        <h2>Migrations</h2>
        <span>{status.applied} applied, {status.pending} pending</span>
        <button data-testid="mig-apply" disabled={status.read_only || running} onClick={() => preview("apply")}>Apply pending…</button>
        <button data-testid="mig-down" disabled={status.read_only || running || status.applied === 0} onClick={() => preview("down")}>Roll back the last…</button>
        <button onClick={load}>Refresh</button>
      </div>
      {status.read_only && <div className="note">read-only: apply and roll back are disabled (--read-only)</div>}
      <div data-testid="mig-drift" className={status.drift.differences.length ? "error" : "note"}>
        {!status.drift.checked ? "Drift not checked: " + (status.drift.note ?? "") :
          status.drift.differences.length === 0 ? "No drift: the database matches the applied migrations" :
            <>Drift (migrations → database):<ul>{status.drift.differences.map((d) => <li key={d.description}>{d.description}</li>)}</ul></>}
      </div>
      <table className="grid">
        <thead><tr><th>migration</th><th>state</th><th>applied at</th><th>detail</th></tr></thead>
        <tbody>
          {status.migrations.map((m) => (
            <tr key={m.id} data-testid={"mig-" + m.id} onClick={() => setOpen(open === m.id ? "" : m.id)}>
              <td>{m.id}</td><td data-testid="mig-state" className={"state-" + m.state}>{m.state}</td><td>{m.applied_at ?? ""}</td><td>{m.detail ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && (() => {
        const m = status.migrations.find((x) => x.id === open);
        return m ? (
          <div className="se-sections" data-testid="mig-sql">
            <div><h4>Up</h4><pre className="sql">{m.up}</pre></div>
            <div><h4>Down</h4><pre className="sql">{m.down}</pre></div>
          </div>
        ) : null;
      })()}
      {plan && (
        <div className="se-preview" data-testid="mig-plan">
          <h3>{plan.action === "apply" ? "Apply" : "Roll back"} {(plan.migrations ?? []).join(", ") || "nothing"}</h3>
          {(plan.lint ?? []).map((f, i) => <div key={i} className={f.severity === "error" ? "error" : "warn"}>lint {f.code}: {f.message}</div>)}
          {(plan.check?.findings ?? []).map((f, i) => <div key={"c" + i} className="error" data-testid="mig-check">check {f.code}: {f.file ? `${f.file}:${f.line}:${f.column}: ` : ""}{f.message}{f.query ? ` (query ${f.query})` : ""}</div>)}
          {plan.blocked && <div className="error" data-testid="mig-blocked">{plan.blocked.message}{plan.blocked.hint ? " — " + plan.blocked.hint : ""}</div>}
          <pre className="sql">{plan.sql}</pre>
          <div className="toolbar">
            <label><input type="checkbox" checked={acceptLoss} onChange={(e) => { setAcceptLoss(e.target.checked); preview(plan.action, e.target.checked); }} /> accept data loss (tables are exported first)</label>
            {plan.action === "apply" && <label><input type="checkbox" data-testid="mig-no-check" checked={noCheck} onChange={(e) => setNoCheck(e.target.checked)} /> skip the query check (--no-check)</label>}
            <button data-testid="mig-confirm" disabled={!!plan.blocked || running || !(plan.migrations ?? []).length || (!noCheck && plan.check !== undefined && !plan.check.clean)} onClick={run}>
              Confirm: {plan.action === "apply" ? "apply" : "roll back"}</button>
            <button onClick={() => setPlan(null)}>Cancel</button>
          </div>
        </div>
      )}
      {(running || log.length > 0) && <pre className="sql" data-testid="mig-log">{log.join("\n")}{running ? "\n…" : ""}</pre>}
      {done && <div className="ok" data-testid="mig-done">{done}</div>}
      {error && <div className="error" data-testid="mig-error">{error}</div>}
    </div>
  );
}

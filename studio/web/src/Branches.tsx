// The branch switcher in the header (issue 12, page 6): the project's branches (branches.json);
// picking one does what `flash checkout` does and the studio then shows that branch's database.
import { useEffect, useState } from "react";
import * as api from "./api";
import type { BranchList } from "./api";

export function BranchPicker(props: { current: string | null | undefined; readOnly: boolean; switched: () => void }) {
  const [list, setList] = useState<BranchList | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.branches().then(setList, (e) => setError((e as Error).message));
  }, [props.current]);

  if (!props.current || !list || list.current === null) return error ? <div className="error">{error}</div> : null;
  async function pick(name: string) {
    setBusy(true);
    setError("");
    try {
      await api.switchBranch(name);
      props.switched();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="branch">
      <label>
        branch{" "}
        <select data-testid="branch-select" value={props.current} disabled={props.readOnly || busy}
                title={props.readOnly ? "read-only: run flash checkout, then start the studio again" : "switch the database branch (flash checkout)"}
                onChange={(e) => pick(e.target.value)}>
          {list.branches.map((b) => (
            <option key={b.name} value={b.name}>{b.name}{b.parent ? ` (from ${b.parent})` : ""}</option>
          ))}
        </select>
      </label>
      {list.env_override && <div className="note">FLASH_BRANCH is set: other flash commands keep using it</div>}
      {error && <div className="error" data-testid="branch-error">{error}</div>}
    </div>
  );
}

// Saving text the page made (results, diagram pictures) as a file.
import * as api from "./api";
import type { Cell } from "./api";

export function download(name: string, data: Blob | string, type = "text/plain") {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(typeof data === "string" ? new Blob([data], { type }) : data);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

// CSV of a result: NULL an empty field, '' a quoted empty string (as flash export writes them).
export function csvOf(columns: string[], rows: Cell[][]): string {
  const q = (s: string) => (/[",\n\r]/.test(s) || s === "" ? '"' + s.replace(/"/g, '""') + '"' : s);
  const lines = [columns.map(q).join(",")];
  for (const r of rows) lines.push(r.map((c) => (c === null ? "" : q(api.show(c)))).join(","));
  return lines.join("\n") + "\n";
}

export function jsonOf(columns: string[], rows: Cell[][]): string {
  return JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]]))), null, 2) + "\n";
}

// Shared by the behaviour tests: where the repository is and how to reach a fresh database.
// run.sh sets FLASH_SOURCE_DIR; the tests run from .out/run/test (compiled), so no relative paths.
import { readFileSync } from "node:fs";

export const sourceDir = process.env.FLASH_SOURCE_DIR ?? "";

export function schemaSql(db: "postgresql" | "mysql" | "sqlite"): string {
  return readFileSync(`${sourceDir}/tests/clients/projects/${db}/schema.sql`, "utf8");
}

/** The same server URL with another database name. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = "/" + name;
  return u.toString();
}

/** The database these tests own (other client tests use flash_test at the same time). */
export const testDatabase = "flash_ts_client";

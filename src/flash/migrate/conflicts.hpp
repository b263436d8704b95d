#pragma once
// Conflict detection against live data, before a pending migration runs. The migration's effect
// is recovered as structured operations: before = replay of the files before it, after = before +
// this file, plan = diff::diff_schemas(before, after). Each operation that can fail or lose data
// on existing rows is checked with a counting query:
//   NOT NULL column without default added to a non-empty table, SET NOT NULL over NULLs,
//   UNIQUE / PRIMARY KEY / unique index over duplicate values, FOREIGN KEY over orphan rows,
//   type changes that would fail or truncate (longer text than the new varchar length,
//   non-numeric text to an integer type, fractional values to an integer type, removed inline
//   enum values), drop table / column / enum value that holds data.
// A conflict names migration, statement, table and row count and offers concrete resolutions.
// Only data-loss conflicts (drops, fractional truncation) can be accepted (--accept-data-loss);
// the others would make the database reject the migration and must be fixed in the data or in
// the migration.
//
// The check fails closed: a probe that cannot run (permission denied, a dead connection) or whose
// answer cannot be trusted (PostgreSQL row-level security active for the current user, which
// hides rows from the count) is reported as a ProbeFailure, never skipped; `apply` then stops
// unless --skip-conflict-check. A table that does not exist in the database yet (created by an
// earlier pending migration) holds no rows and is not probed.
#include <cstdint>
#include <string>
#include <vector>

#include "flash/diff/plan.hpp"
#include "flash/driver/connection.hpp"
#include "flash/migrate/files.hpp"

namespace flash::migrate {

struct Conflict {
  std::string migration;  // id
  int statement = 0;      // 1-based index among the Up statements; 0 when not located
  int line = 0;           // line of that statement in the file
  std::string table;
  std::string column;     // when the conflict is about one column
  std::string kind;       // "not-null-no-default", "null-values", "duplicate-values", "orphan-rows",
                          // "value-too-long", "non-numeric", "fraction-truncated",
                          // "enum-value-in-use", "drop-with-data"
  std::int64_t rows = 0;
  std::string message;
  std::vector<std::string> resolutions;
  bool data_loss = false;  // acceptable with --accept-data-loss (after an export)
};

// A probe that could not run, or whose answer cannot be trusted.
struct ProbeFailure {
  std::string migration;
  int statement = 0;  // 1-based among the Up statements; 0 when not located
  int line = 0;
  std::string table;
  std::string check;   // what the probe checks: "drop-with-data", "null-values", ... or "table-exists"
  std::string probe;   // the SQL of the probe
  std::string error;   // the database's error (or why the answer cannot be trusted)
  bool connection_lost = false;
};

struct ConflictReport {
  std::vector<Conflict> conflicts;
  std::vector<ProbeFailure> failures;
};

// `done_statements`: the first statements of `m` already ran (a MySQL resume); operations located
// at them are not probed.
ConflictReport detect_conflicts(driver::SqlConnection& c, const MigrationFile& m, const schema::Schema& before,
                                const schema::Schema& after, const diff::Plan& plan,
                                std::int64_t done_statements = 0);

// Which of the Down statements of `m` marked `-- flash:lossy` lose data, decided with the live
// data: rolling back from `after` (the schema with `m` applied, the state its Down starts from),
// each statement is replayed on the model and the change it makes is recovered with the differ. A
// statement that only drops tables without rows, columns holding only NULLs (and the indexes,
// keys and views that go with them) loses nothing. Every other marked statement stays lossy, and
// so does one whose probe cannot run or cannot be trusted (row-level security), whose target is
// not in the database, that does not replay, or that follows a data statement (INSERT, UPDATE ...)
// of the same rollback — or of a newer migration rolled back before it (`data_written_before`).
// Returns one flag per statement of m.down (false for unmarked ones).
std::vector<bool> lossy_by_data(driver::SqlConnection& c, const MigrationFile& m, const schema::Schema& after,
                                bool data_written_before = false);

// Tables whose rows a plan may delete (destructive operations), for the pre-run export.
std::vector<std::string> destructive_tables(const diff::Plan& plan);

// Human rendering: "<migration> statement 3 (line 12): table users: 4 rows ...\n  fix: ...".
std::string describe(const Conflict& c);
// "<migration> statement 2 (line 5): table users: the drop-with-data probe failed: <error>\n    probe: <sql>".
std::string describe(const ProbeFailure& f);

}  // namespace flash::migrate

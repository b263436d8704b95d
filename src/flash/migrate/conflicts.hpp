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

std::vector<Conflict> detect_conflicts(driver::SqlConnection& c, const MigrationFile& m,
                                       const schema::Schema& before, const schema::Schema& after,
                                       const diff::Plan& plan);

// Tables whose rows a plan may delete (destructive operations), for the pre-run export.
std::vector<std::string> destructive_tables(const diff::Plan& plan);

// Human rendering: "<migration> statement 3 (line 12): table users: 4 rows ...\n  fix: ...".
std::string describe(const Conflict& c);

}  // namespace flash::migrate

#pragma once
// Proven downs: before `flash migrate` writes a migration, its Down is shown to undo its Up on a
// real engine. In a scratch database (driver::ScratchDatabase: SQLite in memory, a throwaway
// database beside the project's server on PostgreSQL and MySQL) the existing migrations are
// applied, the schema is pulled (S0); the new migration is applied (S1), rolled back (S2) and
// applied again (S3), each time with the same executor `flash apply` / `flash down` use. S2 must
// equal S0 and S3 must equal S1, compared with the differ after both sides are aligned with the
// migrations' own model (pull::align_names: names the engine generates, MySQL's implicit
// foreign-key indexes). The scratch tables are empty, so lossy Downs run (the proof is about the
// schema; the data question is decided by `flash down` against the real data).
//
// Failures are one diagnostic each:
//   migrate.unproven (exit 3): a statement of the Up, the Down or the second Up fails (located at
//     its line of the new file, which is not written), or the schema after the Down (after the
//     second Up) differs — the differences are listed, located at the Down marker.
//   migrate.prove-unavailable (exit 6 when the server cannot be reached, 1 otherwise): no database
//     URL for PostgreSQL/MySQL, CREATE DATABASE refused, the existing migrations do not apply to an
//     empty database, MySQL migrations that create other databases. The proof fails closed: the
//     hint names --no-prove, which writes the migration without it.
#include <optional>
#include <string>
#include <vector>

#include "flash/config/url.hpp"
#include "flash/migrate/engine.hpp"
#include "flash/migrate/files.hpp"

namespace flash::prove {

struct Result {
  std::string where;         // "SQLite 3.40.1 in memory", "PostgreSQL 15.4, scratch database flash_prove_..."
  int replayed = 0;          // existing migrations applied before the new one
  int up_statements = 0;     // of the new migration
  int down_statements = 0;
};

// The flag that skips the proof, as the messages name it.
inline constexpr const char* kSkipFlag = "--no-prove";

// Proves `candidate` (not written yet) after `existing` (the project's migrations, in order).
// `server`: the project's database URL; required for PostgreSQL/MySQL (nullopt → fails closed),
// ignored for SQLite.
Result prove_down(const migrate::Project& project, const std::vector<migrate::MigrationFile>& existing,
                  const migrate::MigrationFile& candidate, const std::optional<config::DatabaseUrl>& server);

// The schema the engine itself makes of `files`: applied in order, with the executor of `flash
// apply`, to an empty scratch database beside `server` (SQLite: in memory) and pulled. Where the
// server stores text parsed and prints it back its own way (MySQL views and routines), comparing
// this with a pulled live database compares like with like. Throws diag::Error
// (migrate.replay-unavailable) when the scratch database cannot be made or the files do not apply.
schema::Schema engine_schema(const migrate::Project& project, const std::vector<migrate::MigrationFile>& files,
                             const config::DatabaseUrl& server);

// The error for a proof that cannot run (no URL, unreachable server, ...): `why` says what is missing.
diag::Error unavailable(const std::string& why, diag::ExitCode exit = diag::ExitCode::error);

}  // namespace flash::prove

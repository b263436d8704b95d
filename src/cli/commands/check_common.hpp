#pragma once
// The query check (flash/check) as the commands run it: `flash check`, `apply` before it applies
// (unless --no-check) and `migrate --check` on the migration it writes.
#include <set>
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "flash/check/check.hpp"
#include "flash/migrate/files.hpp"

namespace flash::cli {

using QueryCheckOptions = check::ProjectOptions;

// The project's queries (and with `rolling` the previous commit's) against the migrations: before =
// the migrations in `applied`, after = all of `files`. A project without query files gives an
// empty report. Replay errors are thrown as diagnostics.
check::Report query_check(Context& ctx, const std::vector<migrate::MigrationFile>& files,
                          const std::set<std::string>& applied, const QueryCheckOptions& o);

// `apply` and `migrate --check`: the migration files, the ids the database has applied (none
// without a history table) and the check, refused with `go_on`. `upto`: only files up to
// and including this id count as pending (apply --to).
void enforce_query_check(Context& ctx, const std::vector<migrate::MigrationFile>& files,
                         const std::set<std::string>& applied, const std::string& go_on,
                         const std::string& upto = "");

}  // namespace flash::cli

#pragma once
// The lint (flash/lint) as the commands run it: `flash lint`, `migrate` on the migration it writes,
// and `apply` before it applies (unless --no-lint), graded by live table statistics when a
// database is at hand.
#include <filesystem>
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "flash/driver/connection.hpp"
#include "flash/lint/lint.hpp"

namespace flash::cli {

// flash.toml [lint] (error, ignore, large_rows) as lint settings; an unknown rule code is an error at
// its line. With `live`, findings carry the tables' statistics read through it.
lint::Settings lint_settings(const config::Config& cfg, driver::SqlConnection* live = nullptr);

// Findings on stderr (human) and as `lint` in the --json result.
void report_lint(Context& ctx, const std::vector<lint::Finding>& findings);

// `apply`: lints the pending migrations `which` of `files` with live statistics; findings of
// severity error stop the run (exit 3) with `go_on` ("pass --no-lint to apply anyway") in the hint.
void enforce_lint(Context& ctx, const std::vector<migrate::MigrationFile>& files, const std::vector<std::size_t>& which,
                  driver::SqlConnection& live, const std::string& go_on);

// `migrate`: lints the migration it just generated (at `path`, written or a dry run's `content`)
// after the existing ones, without a database; findings are reported, never fatal here (apply
// grades and enforces them against the live tables).
void lint_new_migration(Context& ctx, const std::filesystem::path& migrations_dir, schema::Dialect d,
                        const std::filesystem::path& path, const std::string& content, bool written);

}  // namespace flash::cli

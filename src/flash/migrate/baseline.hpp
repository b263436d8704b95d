#pragma once
// `flash migrate NAME --baseline`: adopt an existing database. The caller pulls the live schema
// (flash::pull, which this stage does not link) and passes the model; this writes it as the first
// migration — Up = the whole schema from empty in dependency order (the differ's plan from an empty
// model, rendered like every migration), Down = the drops in reverse order — and records it in
// `_flash_migrations` as applied, with the same id / name / checksum / step count a real `apply`
// would record, without executing its statements. Later `migrate` / `apply` then start from the
// real state.
//
// Refused (diag::Error, exit 3 "migrate.baseline-exists") when the migrations folder already has
// migration files or the tracking table has rows: a baseline is only ever the first migration.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "flash/migrate/engine.hpp"

namespace flash::migrate {

struct BaselineOptions {
  std::string name;
  bool dry_run = false;  // compute the file and the statements, write and record nothing
  std::chrono::milliseconds lock_timeout{30000};
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

struct BaselineResult {
  std::string id;                       // "<UTC timestamp>_<name>"
  std::filesystem::path path;           // the migration file (written, or that would be)
  std::string content;                  // its text
  std::size_t up_statements = 0;        // recorded as applied_steps_count
  std::string checksum;                 // recorded checksum (sha256 of content)
  std::vector<std::string> statements;  // what runs on the database: tracking table, history row
  bool written = false;
  bool recorded = false;
  diff::Plan plan;
  // Where replaying the written Up section differs from `live` (the differ's descriptions); empty
  // when the baseline reproduces the database exactly (the normal case).
  std::vector<std::string> replay_differences;
};

// Throws the "migrate.baseline-exists" refusal when migrations exist (files or history rows).
void check_no_migrations(driver::SqlConnection& c, const Project& p);

// The migration text for `live` (header comment + render_migration of empty → live).
std::string baseline_content(const schema::Schema& live, diff::Plan* plan_out = nullptr);

// Writes and records the baseline (see above). Re-checks under the migration lock that no
// migration appeared meanwhile; removes the file again when recording fails.
BaselineResult baseline(driver::SqlConnection& c, const Project& p, const schema::Schema& live,
                        const BaselineOptions& o, const Output& out);

}  // namespace flash::migrate

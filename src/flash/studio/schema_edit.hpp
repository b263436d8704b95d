#pragma once
// Flash Studio's schema editor and migrations page (issue 12, pages 4 and 5), over the project's
// schema files, migrations folder and database. Transport-free like api.hpp; server.cpp maps:
//   GET  /api/schema                 the schema files' model (tables, columns, keys, indexes, enums)
//                                    and whether the editor may write (drift, unmigrated changes)
//   POST /api/schema/preview         {edit, name?, renames?, accept_data_loss?} → the schema files'
//                                    change, the migration (Up, Down), lint, live-data conflicts and
//                                    rename questions; nothing written
//   POST /api/schema/write           the same with {confirm: true, expect: <previewed content>}:
//                                    proves the Down, writes the migration, then the schema files
//   GET  /api/migrations             status (applied / pending / failed / modified / missing), drift,
//                                    each file's SQL
//   POST /api/migrations/preview     {action: apply|down, to?, steps?, no_check?} → the statements a
//                                    run would execute, lint, `flash check`'s findings (apply), and
//                                    what would stop it (conflicts, history)
//   POST /api/migrations/run         the same with {confirm: true}: the run, through the engine's
//                                    apply / down (same lock, checksums, conflict gate)
//   GET  /api/migrations/progress    what the run in progress has said so far (no database access)
//
// The migration is written by the engine `flash migrate` uses (migrate::generate, with the edited
// files' text instead of the files on disk), proved like the CLI proves it (prove::prove_down),
// linted like `flash lint` (lint::settings_from_config, live table statistics), and checked against
// the live data like `flash apply` (migrate::detect_conflicts). Likely renames are asked as the CLI
// asks them: the preview lists the questions (studio.rename), the request answers them by flag.
//
// Refusals (nothing written): --read-only (403 studio.read_only); no project (400 studio.no_project);
// the database drifted from the migrations, or a migration is failed/modified/missing (409
// studio.drift); the schema files hold changes no migration has yet (409 studio.unmigrated); the
// preview the user confirmed is not what would be written (409 studio.changed); an unanswered
// rename (409 studio.rename); an apply whose pending migrations break a query of the project, unless
// no_check (409 studio.check, the findings located as `flash check` gives them).
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "flash/config/url.hpp"
#include "flash/driver/connection.hpp"
#include "flash/lint/lint.hpp"
#include "flash/migrate/engine.hpp"

namespace flash::studio {

struct EditOptions {
  bool read_only = false;
  std::optional<migrate::Project> project;    // none: the two pages say there is no project
  std::optional<config::DatabaseUrl> server;  // the proof's and drift's scratch databases (not SQLite)
  lint::Settings lint;                         // flash.toml [lint]; live statistics added per request
  std::filesystem::path queries;              // the project's queries (flash.toml `queries`): apply's query check
};

class SchemaEdit {
 public:
  // `changed`: called after a run changed the database (the data browser re-reads its model).
  SchemaEdit(driver::SqlConnection& c, EditOptions o, std::function<void()> changed);
  ~SchemaEdit();
  SchemaEdit(const SchemaEdit&) = delete;
  SchemaEdit& operator=(const SchemaEdit&) = delete;

  nlohmann::json schema();
  nlohmann::json preview(const nlohmann::json& b);
  nlohmann::json write(const nlohmann::json& b);
  nlohmann::json migrations();
  nlohmann::json plan(const nlohmann::json& b);
  nlohmann::json run(const nlohmann::json& b);
  nlohmann::json progress() const;  // safe while another thread runs run()

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flash::studio

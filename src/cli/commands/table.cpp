// The explicit command table: the order here is the order in `flash --help`. Only commands that
// work are listed. To add one: declare its setup function in commands.hpp, add one line here.
// The last field is the part that provides the command (cli/parts.hpp; "core" when omitted): the
// base `flash` dispatches every command it was not built with to `flash-<part>`.
#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/commands/commands.hpp"

namespace flash::cli {

const std::vector<CommandSpec>& command_table() {
  static const std::vector<CommandSpec> table = {
      {"init", "Create flash.toml, a sample schema, queries and the migrations folder", setup_init, "base"},
      {"schema", "Parse the schema files and print the normalised DDL (or JSON with --json)",
       setup_schema},
      {"migrate", "Diff the schema files against the migrations and write a new migration", setup_migrate},
      {"apply", "Apply pending migrations (checks history, locks, detects data conflicts)", setup_apply},
      {"down", "Roll back applied migrations, newest first", setup_down},
      {"lint", "Lint migration files: destructive, data-dependent, locking and engine-specific rules (--format sarif)",
       setup_lint},
      {"check", "Will the pending migrations break the queries? (each finding at the query's file:line:col)",
       setup_check},
      {"status", "List migrations (applied, pending, failed, modified) and schema drift", setup_status},
      {"reset", "Drop every table Flash manages and the migration history (exports first)", setup_reset},
      {"raw", "Run SQL statements and print the results", setup_raw},
      {"pull", "Read the live database's schema and write it as schema files", setup_pull},
      {"gen", "Generate typed client code (Go, TypeScript, Python) from the queries", setup_gen},
      {"plugin", "Generator plugins: the conformance kit (test), golden requests (request), one run (run)",
       setup_plugin},
      {"plugins", "List the parts and generators (versions, sizes, commands, contract versions); add (SHA-256 pinned), remove",
       setup_plugins, "base"},
      {"export", "Export table data to JSON, CSV or a SQLite file", setup_export},
      {"import", "Load an export (JSON, CSV or SQLite) into the database", setup_import},
      {"seed", "Insert fake rows that respect types, uniques, enums and foreign keys", setup_seed},
      {"completion", "Print a shell completion script (bash, zsh, fish) generated from this command table",
       setup_completion, "base"},
      {"branch", "Database branches: list, create, delete (-d), rename (-m), reset, diff, merge", setup_branch},
      {"checkout", "Switch the current database branch (-b creates it)", setup_checkout},
      {"studio", "Flash Studio: a local web UI for data and SQL (secure: loopback, one-time token, CSRF)", setup_studio, "studio"},
  };
  return table;
}

}  // namespace flash::cli

#pragma once
// flash.toml and .env loading, compatible with the original Go tool's keys:
//   version, schema_dir (legacy schema_path), queries, migrations_path, export_path, env_path,
//   [database] provider, url_env (default DATABASE_URL), pooler ("pgbouncer"), cluster ("galera"),
//   direct_url_env,
//   [gen.go|js|python] enabled, out, driver (+ the generator's own keys, see kGenKeys in config.cpp),
//   [gen.NAME] plugin = "flash-gen-NAME", timeout = 30, enabled, out (+ any key for the plugin),
//   [[databases]] name, provider, url_env, default = true, pooler, cluster, direct_url_env, and
//   per-database overrides of the top-level paths.
// Unknown keys (in every table), wrong types and invalid values are located diagnostics
// (file:line:col). A UTF-8 byte-order mark at the start of flash.toml or .env is ignored.
#include <filesystem>
#include <cstdint>
#include <map>
#include <variant>
#include <optional>
#include <string>
#include <vector>

#include "flash/diag/diagnostic.hpp"
#include "flash/schema/model.hpp"

namespace flash::config {

// A generator-specific setting kept as text/bool/int for the generator to interpret.
using SettingValue = std::variant<bool, std::int64_t, std::string>;

struct GenTarget {
  std::string language;  // "go", "js" (TypeScript/JavaScript), "python"; later "cpp"
  bool enabled = false;
  std::string out;       // output directory, relative to the project root
  std::string driver;    // e.g. "pgx/v5", "database/sql", "pg", "mysql2", "better-sqlite3", "asyncpg"
  bool async = false;
  std::map<std::string, SettingValue> settings;  // every other key of the [gen.X] table
  // External generator (docs/plugins.md): `plugin = "flash-gen-NAME"` (a command on PATH or a path
  // relative to the project) and `timeout` in seconds; empty plugin = the built-in generator.
  std::string plugin;
  int timeout_seconds = 30;
  diag::Location location;  // the [gen.X] header in flash.toml; generators locate setting errors here
  diag::Location plugin_location;  // the `plugin` value
};

struct DatabaseEntry {
  std::string name;
  schema::Dialect provider = schema::Dialect::sqlite;
  std::string url_env = "DATABASE_URL";
  bool is_default = false;
  // Per-database overrides of the top-level paths; empty = inherit.
  std::string schema_dir, queries, migrations_path, export_path;
  // Per-database [database] pooler / cluster / direct_url_env (same values); unset = inherit
  // ("none" turns the inherited pooler or cluster off for this entry).
  std::optional<std::string> pooler, cluster, direct_url_env;
  std::map<std::string, diag::Location> value_locations;  // as Config::value_locations
};

// Where a variable loaded from a .env file was written (its value), for errors about the value.
struct EnvOrigin {
  diag::Location location;
  std::string source_line;
};

// One [branches.mask] rule: `users.email = "email"` — the column's values in a branch created with
// `flash branch NAME --mask` are replaced (kinds: email, name, phone, text, null).
struct MaskRule {
  std::string table;
  std::string column;
  std::string kind;
  diag::Location location;  // of the value in flash.toml
};

// One [branches] merge_data entry: a table whose rows `flash branch merge` merges three-way.
struct MergeDataTable {
  std::string table;        // "plans", or "schema.plans"
  diag::Location location;  // of the entry in flash.toml
};

struct Config {
  std::filesystem::path file;  // the flash.toml that was read
  std::filesystem::path root;  // its directory; relative paths below resolve against it
  std::string version = "2";
  std::string schema_dir = "db/schema";
  std::string queries = "db/queries";
  std::string migrations_path = "db/migrations";
  std::string export_path = "db/export";
  std::string env_path;  // when set, this .env file replaces the default search
  schema::Dialect provider = schema::Dialect::sqlite;
  std::string url_env = "DATABASE_URL";
  // [database] pooler = "pgbouncer": the URL goes through a transaction-pooling PgBouncer, so
  // nothing may rely on session state (docs in README "Poolers and clusters"); "" = none. The URL
  // parameter pgbouncer=true says the same.
  std::string pooler;
  // [database] cluster = "galera": a MariaDB Galera cluster (cluster-wide apply lock, Galera lint
  // rules); "" = none (Galera is also detected by wsrep_on at apply time).
  std::string cluster;
  // [database] direct_url_env: the variable holding a URL that bypasses the pooler (Prisma's
  // directUrl); non-transactional migrations run there.
  std::string direct_url_env;
  std::vector<GenTarget> gen;
  std::vector<DatabaseEntry> databases;
  std::string selected_database;  // name of the [[databases]] entry in effect, "" if none
  // [lint] error = [...] / ignore = [...]: rule codes raised to errors / not reported.
  std::vector<std::string> lint_error, lint_ignore;
  std::int64_t lint_large_rows = 1'000'000;  // [lint] large_rows: a locking finding on a table this big is an error
  // [branches.mask] table.column = "kind"
  std::vector<MaskRule> branch_mask;
  // [branches] merge_data = ["plans", ...]: reference tables whose rows a merge carries over
  std::vector<MergeDataTable> branch_merge_data;
  // Where the value of each path key in effect was written ("schema_dir", "queries",
  // "migrations_path", "export_path", "env_path"), so that a problem found later with the value
  // (a missing directory) is reported at its line.
  std::map<std::string, diag::Location> value_locations;
  // Variables this run set from .env files (the shell's own are not listed).
  std::map<std::string, EnvOrigin> env_origins;

  std::filesystem::path resolve(const std::string& rel) const { return root / rel; }
};

// A diagnostic about the value of `key` (see Config::value_locations), located at the value when
// it was written in the config file, else at the file.
diag::Diagnostic value_diagnostic(const Config& cfg, std::string_view key, std::string code,
                                  std::string message);

struct LoadOptions {
  std::filesystem::path config_file = "flash.toml";
  std::optional<std::string> env_name;  // --env
  std::optional<std::string> database;  // --db
};

// Reads and validates flash.toml, applies the selected [[databases]] entry (explicit --db, else
// the one with default = true, else the first), then loads the .env files. Throws diag::Errors.
Config load_config(const LoadOptions& opts);

// .env loading: .env.NAME (with --env), .env, .env.local, in that order, from the project root;
// or only `env_path` when configured. Variables already set in the process are never overridden.
// The variables set are recorded in `origins` when given.
void load_env_files(const Config& cfg, const std::optional<std::string>& env_name,
                    std::map<std::string, EnvOrigin>* origins = nullptr);

}  // namespace flash::config

#pragma once
// flash.toml and .env loading, compatible with the original Go tool's keys:
//   version, schema_dir (legacy schema_path), queries, migrations_path, export_path, env_path,
//   [database] provider, url_env (default DATABASE_URL),
//   [gen.go|js|python] enabled, out, driver, async (+ generator-specific keys),
//   [[databases]] name, provider, url_env, default = true, and per-database overrides of the
//   top-level paths.
// Unknown keys, wrong types and invalid providers are located diagnostics (file:line:col).
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
};

struct DatabaseEntry {
  std::string name;
  schema::Dialect provider = schema::Dialect::sqlite;
  std::string url_env = "DATABASE_URL";
  bool is_default = false;
  // Per-database overrides of the top-level paths; empty = inherit.
  std::string schema_dir, queries, migrations_path, export_path;
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
  std::vector<GenTarget> gen;
  std::vector<DatabaseEntry> databases;
  std::string selected_database;  // name of the [[databases]] entry in effect, "" if none

  std::filesystem::path resolve(const std::string& rel) const { return root / rel; }
};

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
void load_env_files(const Config& cfg, const std::optional<std::string>& env_name);

}  // namespace flash::config

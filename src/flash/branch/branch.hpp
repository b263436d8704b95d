#pragma once
// Database branches (`flash branch`, `flash checkout`): git-like copies of the project's database.
//
// Metadata. The list of branches is shared, reviewable data in
// <migrations_path>/.flash/branches.json (the original Go tool's file): per branch its name,
// parent, creation time, database (PostgreSQL/MySQL: the database name; SQLite: the file name,
// next to the main file) and the migrations applied when it was created (the fork point). Which
// branch is *current* is local state of one checkout, like git's HEAD: <project root>/.flash/HEAD
// (ignored by git; `flash init` adds it to .gitignore). The FLASH_BRANCH environment variable
// overrides it for one process. Without either, the branch is `main`, whose database is the one the
// configured URL names.
//
// Branch names: 1 to 40 characters of [a-z0-9_-], starting with a letter or digit; "reset",
// "diff", "merge", "hook" and "HEAD" are reserved (they are `flash branch` actions). A branch's
// database is "<main database>__<name>" (SQLite: "<stem>__<name><ext>"); it must fit the engine's
// identifier limit (PostgreSQL 63 bytes, MySQL 64 characters).
//
// Storage (storage.cpp): PostgreSQL CREATE DATABASE ... TEMPLATE; MySQL/MariaDB a database with
// tables, data (in foreign-key order, AUTO_INCREMENT counters kept), routines, views and triggers
// re-created; SQLite a file written by SQLite's online backup API.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flash/config/config.hpp"
#include "flash/config/url.hpp"
#include "flash/driver/connection.hpp"

namespace flash::branch {

inline constexpr const char* kMain = "main";

struct Branch {
  std::string name;
  std::string parent;      // "" for main
  std::string database;    // database name, or the SQLite file name (relative to main's directory)
  std::string created_at;  // UTC, "YYYY-MM-DDTHH:MM:SSZ"
  bool schema_only = false;
  bool masked = false;  // [branches.mask] applied (again on reset)
  // Migration ids applied (finished) in the parent when the branch was created: the fork point.
  std::vector<std::string> fork_migrations;
};

struct Store {
  std::filesystem::path file;  // branches.json
  std::vector<Branch> branches;  // main first when present

  const Branch* find(std::string_view name) const;
  Branch* find(std::string_view name);
};

// Throws diag::Error("branch.name", exit 2) naming the allowed characters.
void check_name(std::string_view name);

// <migrations_path>/.flash/branches.json; an absent file is a store with only `main`.
std::filesystem::path store_path(const config::Config& cfg);
Store load_store(const config::Config& cfg, const config::DatabaseUrl& main_url);
void save_store(const Store& s);  // atomic

// The current branch: FLASH_BRANCH, else <root>/.flash/HEAD, else "main".
std::string current(const config::Config& cfg);
void set_current(const config::Config& cfg, const std::string& name);
std::filesystem::path head_path(const config::Config& cfg);

// The database name (or SQLite file name) of a new branch; throws diag::Error when it would not
// fit the engine's identifier limit.
std::string database_for(const config::DatabaseUrl& main_url, std::string_view name);

// The URL of a branch: main's URL with the branch's database.
config::DatabaseUrl url_for(const config::DatabaseUrl& main_url, const Branch& b);

// The URL the other commands use: the current branch's (main's URL when the current branch is main).
// Throws diag::Error("branch.unknown") when HEAD names a branch that branches.json does not list.
config::DatabaseUrl resolve(const config::Config& cfg, const config::DatabaseUrl& main_url);

std::string now_utc();

// ---- storage (storage.cpp) ---------------------------------------------------------------------
struct CopyOptions {
  bool schema_only = false;  // rows removed after the copy (the migration history kept)
};
// Copies the database of `from` into the new database of `to` (which must not exist).
void copy_database(const config::DatabaseUrl& from, const config::DatabaseUrl& to, const CopyOptions& o);
void drop_database(const config::DatabaseUrl& url);
// An empty database (PostgreSQL/MySQL) next to `url`'s, for scratch work; SQLite: nothing to do.
void create_empty_database(const config::DatabaseUrl& url);
bool database_exists(const config::DatabaseUrl& url);
// Bytes on disk (PostgreSQL pg_database_size, MySQL data + index length, SQLite file size).
std::optional<std::int64_t> database_size(const config::DatabaseUrl& url);
// Renames a branch's database (PostgreSQL ALTER DATABASE RENAME, MySQL copy of every object then
// drop, SQLite file rename).
void rename_database(const config::DatabaseUrl& from, const config::DatabaseUrl& to);

// ---- masking (mask.cpp) --------------------------------------------------------------------------
// Rewrites the [branches.mask] columns in the database of `url` in one transaction. Throws a
// diag::Error located at the rule for an unknown table/column, a key column or a non-text column.
void apply_mask(const config::DatabaseUrl& url, const std::vector<config::MaskRule>& rules);

// Migration ids finished in the database (empty without a tracking table).
std::vector<std::string> applied_migrations(driver::SqlConnection& c);

// The table a [branches] setting names: "name" (any schema) or "schema.name"; nullptr if none.
const schema::Table* find_listed_table(const schema::Schema& s, std::string_view listed);

// ---- data merge (data.cpp) ------------------------------------------------------------------------
// [branches] merge_data = ["plans", ...]: `flash branch merge` carries the listed tables' row changes
// over, three-way, keyed by primary key, relative to the fork point.
//
// The fork point's rows. When a branch is created (and when it is reset), after the copy and the
// masking, the listed tables of the branch's database are copied by the engine itself (CREATE
// TABLE ... AS SELECT *, so every value keeps its type) into Flash-owned tables of the same
// database: _flash_fork (listed name, copy name, whether the table existed) and _flash_fork_1,
// _flash_fork_2 ... Flash's inspector skips _flash_ tables, so status, diff, pull and export never
// see them; they live and die with the branch's database. Taking it again drops any older copy (a
// branch of a branch inherits its parent's); after a merge the source's copy is taken again (its
// merged state is the new common ancestor, as a merge commit is in git).
void take_fork_snapshot(const config::DatabaseUrl& url, const std::vector<config::MergeDataTable>& tables);

struct KeyValue {
  std::string column;
  driver::Value value;
};
std::string describe_key(const std::vector<KeyValue>& key);  // "id=3", "a=1, b=x"

// One cell both sides changed differently. `kind` is "<target>/<branch>": update/update,
// update/delete (the target changed the row, the branch deleted it), delete/update, insert/insert.
struct DataConflict {
  std::string table;  // as listed
  std::vector<KeyValue> key;
  std::string column;
  std::string kind;
  std::optional<driver::Value> base, ours, theirs;  // nullopt: no such row on that side
};

struct RowChange {
  enum class Kind { insert, update, remove };
  Kind kind = Kind::insert;
  std::vector<KeyValue> key;
  std::vector<std::string> columns;    // insert: every column carried; update: the changed ones
  std::vector<driver::Value> values;   // the branch's values of `columns`
  std::vector<driver::Value> before;   // update: the target's values of `columns`
};

struct TableDataPlan {
  std::string table;               // as listed
  std::string schema, name;        // the table itself
  std::vector<std::string> key;    // primary-key columns
  bool in_target = true;           // false: a migration of the branch creates it in the target
  bool overriding = false;         // PostgreSQL: an identity ALWAYS column is inserted
  std::vector<std::string> serial_columns;  // PostgreSQL: sequences moved past inserted values
  std::vector<RowChange> changes;
};

struct DataPlan {
  std::vector<TableDataPlan> tables;  // referenced tables before the tables that reference them
  std::vector<DataConflict> conflicts;
  std::size_t change_count() const;
};

// Compares the fork-point copy in `source` (the branch), `source` and `target` row by row. Throws a
// diag::Error located at the merge_data entry for a table the branch lacks, a table without a
// primary key, or a branch without a fork-point copy of the table.
DataPlan plan_data_merge(driver::SqlConnection& source, driver::SqlConnection& target,
                         const std::vector<config::MergeDataTable>& tables, const std::string& source_name);
// Runs the plan's statements on `target` (deletes children first, then updates and inserts parents
// first; values bound) inside the caller's transaction. `skip_missing`: tables not in the target yet
// are left out (the trial run before the branch's migrations are applied).
void run_data_plan(driver::SqlConnection& target, const DataPlan& p, bool skip_missing = false);

}  // namespace flash::branch

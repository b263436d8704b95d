#pragma once
// The branch operations behind `flash branch` / `flash checkout`: list, create, delete, rename,
// reset, diff and merge. Commands are thin: they call these and print the results.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "flash/branch/branch.hpp"
#include "flash/migrate/engine.hpp"

namespace flash::branch {

// Everything an operation needs: the config, main's URL (the configured one) and the project.
struct Env {
  const config::Config* cfg = nullptr;
  config::DatabaseUrl main_url;
  migrate::Project project;
  migrate::Output out;
};

struct ListItem {
  Branch branch;
  bool current = false;
  bool exists = false;                   // its database exists on this machine
  std::optional<std::int64_t> size;      // bytes
  std::optional<int> ahead, behind;      // migrations applied here and not in the parent / the reverse
};
std::vector<ListItem> list(const Env& e);

struct CreateOptions {
  std::string name;
  std::optional<std::string> from;  // default: the current branch
  bool schema_only = false;
  bool checkout = false;            // checkout -b
  bool mask = false;                // apply [branches.mask]
};
Branch create(const Env& e, const CreateOptions& o);

// Refuses the current branch and main; a branch with migrations its parent lacks needs `force`.
void remove(const Env& e, const std::string& name, bool force);
void rename(const Env& e, const std::string& from, const std::string& to);
// Re-creates the branch from its parent's current state (data too unless it was schema-only).
Branch reset(const Env& e, const std::string& name);
void checkout(const Env& e, const std::string& name);

struct TableRows {
  std::string table;  // schema-qualified where not the default schema
  std::optional<std::int64_t> a, b;  // nullopt: the table does not exist on that side
};
struct DiffResult {
  std::string sql;  // the migration (Up and Down) that turns A's schema into B's
  std::vector<std::string> operations;  // the differ's descriptions
  std::vector<TableRows> rows;          // tables whose row counts differ
};
DiffResult diff(const Env& e, const std::string& a, const std::string& b);

struct MergeOptions {
  std::string name;
  std::optional<std::string> into;  // default: the current branch
  bool dry_run = false;
};
struct MergeResult {
  std::string source, target;
  std::vector<std::string> fork;          // migrations both had
  std::vector<std::string> changes;       // the source's own migrations (ids after renumbering)
  std::vector<std::string> target_since;  // the target's own migrations since the fork
  std::vector<std::pair<std::string, std::string>> renumbered;  // old id → new id
  bool commute_checked = false;
  std::vector<std::string> lint_warnings;  // "<id>: <code>: <message>"
  migrate::ApplyResult apply;
  // [branches] merge_data: the row changes (planned, or applied) and the conflicting cells. With a
  // conflict nothing is applied (neither migrations nor rows) and the result says so.
  std::vector<std::string> data_tables;
  DataPlan data;
  bool data_applied = false;
  // The target changed between the check and the data step (after the migrations were applied):
  // the migrations stand, the rows were not merged; `data.conflicts` says why.
  bool data_refused_after_schema = false;
};
MergeResult merge(const Env& e, const MergeOptions& o);

}  // namespace flash::branch

#pragma once
// The migration engine behind `flash migrate / apply / down / status / reset`. Commands are thin:
// they build a Project from the config, an Output from the CLI context and call these functions.
//
// One function produces the list of statements a run executes (plan_* below, as Steps); both the
// real run and --dry-run use that list, the dry run prints it and the real run executes it, so
// they cannot differ (tested by capturing the executed SQL).
//
// Per migration, by dialect:
//   PostgreSQL  BEGIN; <up statements>; [DELETE failed row;] INSERT tracking row; COMMIT — a failure
//               rolls everything back and records a failed row (logs = error) for `status`.
//   SQLite      the same with BEGIN IMMEDIATE (the writer lock: waits up to the lock timeout),
//               PRAGMA foreign_keys = OFF before it, PRAGMA foreign_key_check before COMMIT and
//               PRAGMA foreign_keys = ON after (table rebuilds need it).
//   MySQL       DDL auto-commits, so the row comes first: INSERT (started_at, 0 steps); then each
//               data statement in a transaction with its UPDATE applied_steps_count, each DDL
//               statement between "logs = flash-running: statement k" and UPDATE applied_steps_count
//               (+ logs = NULL); finally UPDATE finished_at. After a failure logs holds "failed at
//               statement k of n: <error>" and the next apply resumes at statement k (also when the
//               file was edited only after statement k). Resume follows the recorded count only: a
//               row still saying "flash-running" stops the next run (exit 3) until the user says
//               with --resume-at whether that statement took effect. Rollbacks count their Down
//               statements the same way.
// A lost connection is exit 6 (db.connection-lost) with what the database holds.
// Errors are diag::Error with the documented exit codes: 3 tampered/out-of-order migrations,
// 4 lock timeout, 5 data conflicts or lossy rollbacks without --accept-data-loss.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "flash/config/config.hpp"
#include "flash/diff/plan.hpp"
#include "flash/driver/connection.hpp"
#include "flash/migrate/conflicts.hpp"
#include "flash/migrate/files.hpp"
#include "flash/migrate/tracking.hpp"
#include "flash/sql/source.hpp"

namespace flash::migrate {

struct Project {
  std::filesystem::path migrations_dir;
  std::filesystem::path schema_dir;
  std::filesystem::path export_dir;
  schema::Dialect dialect = schema::Dialect::sqlite;
  // When set, these migrations (any order) instead of the files in migrations_dir: the proof of
  // `flash migrate` runs the existing ones and the new one, not written yet, in a scratch database.
  std::optional<std::vector<MigrationFile>> files;
  // [database] cluster ("galera": the cluster-wide lock row, lock.hpp) and direct_url_env (named
  // in the refusal of a non-transactional migration through a pooler).
  std::string cluster;
  std::string direct_url_env;
  // Through a transaction-pooling PgBouncer ([database] pooler = "pgbouncer" or the URL parameter
  // pgbouncer=true): every migration takes the transaction-scoped lock, nothing relies on session
  // state, sections without a transaction need `direct_connect` (lock.hpp).
  bool pooled = false;
};
Project project_from_config(const config::Config& cfg);

// How the engine talks to the user. Any member may be empty (silent / not interactive).
struct Output {
  std::function<void(const std::string&)> say;
  std::function<void(const std::string&)> warn;
  // Asks a yes/no question; empty means "no terminal": the engine then fails naming `flag`.
  std::function<bool(const std::string& question, const std::string& flag)> confirm;
};

struct Step {
  enum class Kind { exec, begin, tx_begin, fk_check, statement };
  // begin: opens the migration's transaction and re-checks its tracking row; tx_begin: a plain
  // START TRANSACTION (MySQL data statements with their step count).
  Kind kind = Kind::exec;
  std::string sql;
  std::string migration;  // id of the migration it belongs to; "" for run-level steps
  int index = -1;         // Kind::statement: 0-based index in the migration's section
  int total = 0;          // number of statements in that section
  int line = 0;           // line in the migration file
};

// Steps grouped per migration (the runner handles failures per group).
struct StepGroup {
  std::string migration;  // "" for run-level steps (tracking table, accepted edits)
  const MigrationFile* file = nullptr;
  bool down = false;
  bool had_row = false;   // a tracking row (failed / started) existed when planned
  // Statement by statement, each step recorded in the history row (MySQL, whose DDL commits at
  // once, and PostgreSQL sections marked `notransaction`): resumes at the recorded statement.
  bool tracked = false;
  std::int64_t resume_from = 0;
  std::vector<Step> steps;
};

// Whether a migration's Up (or Down) section runs statement by statement with every step recorded
// (StepGroup::tracked) rather than in one transaction with its history row.
bool statement_tracked(schema::Dialect d, const MigrationFile& f, bool down);

// "-- <migration>\n<sql>;\n" for every step: the dry-run output.
std::string render_steps(const std::vector<StepGroup>& groups);

// ---- apply -------------------------------------------------------------------------------------
struct ApplyOptions {
  bool dry_run = false;
  std::vector<std::string> accept_edit;  // ids whose changed checksum is accepted (re-recorded)
  bool allow_out_of_order = false;
  bool accept_data_loss = false;
  bool no_backup = false;
  std::chrono::milliseconds lock_timeout{30000};
  std::optional<std::string> target;  // apply only up to and including this id
  // Apply even when a live-data conflict probe cannot run (permission denied, row-level security,
  // files that do not replay); the probes that do run still stop on conflicts.
  bool skip_conflict_check = false;
  // MySQL: "ID:N" — a statement was running when the previous run died; continue with statement N
  // (the running one: it did not take effect; the next one: it did).
  std::vector<std::string> resume_at;
  // Through a transaction-pooling PgBouncer (Project::pooled): connects to the database
  // directly ([database] direct_url_env), where sections that run without a transaction
  // (`notransaction`, CREATE INDEX CONCURRENTLY) are executed under the session lock. Empty: such
  // sections are refused before anything runs (migrate.pooler-notransaction, exit 3).
  std::function<std::unique_ptr<driver::SqlConnection>()> direct_connect;
};

struct ApplyResult {
  std::vector<std::string> applied;      // ids applied (or that would be, with --dry-run)
  std::vector<std::string> statements;   // SQL executed (or that would be) — the Step list
  std::vector<std::filesystem::path> exports;
  std::vector<Conflict> accepted_conflicts;
  std::string dry_run_sql;               // render_steps output with --dry-run
};

ApplyResult apply(driver::SqlConnection& c, const Project& p, const ApplyOptions& o, const Output& out);

// ---- down --------------------------------------------------------------------------------------
struct DownOptions {
  bool dry_run = false;
  std::optional<std::string> target;  // roll back every applied migration from the newest down to
                                      // and including this id
  int steps = 1;                      // without target: how many
  bool accept_data_loss = false;
  bool no_backup = false;
  std::vector<std::string> accept_edit;
  std::chrono::milliseconds lock_timeout{30000};
  std::vector<std::string> resume_at;  // as ApplyOptions::resume_at, for an interrupted rollback
  // As ApplyOptions::direct_connect: through a pooler, Down sections without a transaction run on
  // this connection under the session lock; empty: such rollbacks are refused before anything runs.
  std::function<std::unique_ptr<driver::SqlConnection>()> direct_connect;
};

struct DownResult {
  std::vector<std::string> rolled_back;
  std::vector<std::string> statements;
  std::vector<std::filesystem::path> exports;
  std::string dry_run_sql;
};

DownResult down(driver::SqlConnection& c, const Project& p, const DownOptions& o, const Output& out);

// ---- status ------------------------------------------------------------------------------------
struct MigrationStatus {
  std::string id;
  std::string state;   // "applied", "pending", "failed", "modified", "missing-file", "out-of-order",
                       // "rollback-incomplete"
  std::string detail;  // e.g. "failed at statement 2 of 3: ..." or the checksum mismatch
  std::optional<std::string> applied_at;
};

// One difference between the database and the schema its applied migrations produce: a differ
// operation that would turn the migrations' schema into the live one ("create index ix_a on t").
struct DriftItem {
  std::string kind;  // the differ's operation kind: "add_column", "alter_column_type", ...
  std::string schema;
  std::string table;
  std::string object;
  std::string description;  // the operation's comment
};

struct StatusReport {
  bool tracking_table = false;
  std::vector<MigrationStatus> migrations;
  // The schema the applied migrations produce (their Up sections replayed); empty when they do not
  // replay (drift_note says why). Drift itself needs the live schema (flash::pull, a later stage):
  // the `status` command compares the two and fills `drift`.
  std::optional<schema::Schema> applied_schema;
  std::vector<MigrationFile> applied_files;  // what applied_schema was replayed from, in order
  bool drift_checked = false;
  std::string drift_note;        // why drift was not computed
  std::vector<DriftItem> drift;  // migrations → database
  int count(std::string_view state) const;
  bool clean() const;  // every migration applied or pending, no drift
};

StatusReport status(driver::SqlConnection& c, const Project& p);
nlohmann::json to_json(const StatusReport& r);

// ---- reset -------------------------------------------------------------------------------------
struct ResetOptions {
  bool force = false;  // no question
  bool no_backup = false;
  bool dry_run = false;
};
struct ResetResult {
  std::vector<std::string> dropped;  // tables and views
  std::vector<std::string> statements;
  std::optional<std::filesystem::path> export_file;
  bool cancelled = false;
};
ResetResult reset(driver::SqlConnection& c, const Project& p, const ResetOptions& o, const Output& out);

// ---- migrate (generate a file) -----------------------------------------------------------------
struct GenerateOptions {
  std::string name;
  bool empty = false;
  bool dry_run = false;
  std::vector<diff::Rename> renames;
  bool accept_data_loss = false;
  bool online = false;  // --online: the plan's online form (diff/online.hpp)
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  // Called with the existing migrations and the new one (parsed, not written yet) after the file's
  // text is final and before anything is written; a throw writes nothing. Not called for
  // --dry-run, --empty or when there are no changes. The CLI proves the Down here (flash/prove).
  std::function<void(const std::vector<MigrationFile>& existing, const MigrationFile& candidate)> before_write;
  // The desired schema from these texts instead of the files in schema_dir: Flash Studio's schema
  // editor diffs the schema files as they will be after an edit, before it writes them.
  std::optional<std::vector<sql::SourceFile>> schema_files;
};
struct GenerateResult {
  std::optional<std::filesystem::path> path;  // the file written (or that would be)
  std::string content;
  bool written = false;
  bool no_changes = false;
  diff::Plan plan;
  std::vector<std::string> online;  // with --online: what was rewritten
};
GenerateResult generate(const Project& p, const GenerateOptions& o, const Output& out);

// Parses "--rename" values: "table.old:new" (column) or "old:new" (table).
diff::Rename parse_rename_flag(std::string_view v);

}  // namespace flash::migrate

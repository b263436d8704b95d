#pragma once
// Migration files: db/migrations/<YYYYMMDDHHMMSS>_<name>.sql with `-- +migrate Up` and
// `-- +migrate Down` sections (a file without markers is all Up), statements found by
// sql::split_statements, and `-- flash:lossy` comments marking Down statements that cannot restore
// the data Up removed. A file's id is its name without ".sql"; ids sort in creation order.
// Replay: the Up sections of files applied in order to an empty model (sql::apply_ddl) give the
// schema the migrations produce — the baseline for `flash migrate` and for conflict detection.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "flash/diag/diagnostic.hpp"
#include "flash/diff/plan.hpp"
#include "flash/schema/model.hpp"
#include "flash/sql/source.hpp"

namespace flash::migrate {

struct MigrationStatement {
  std::string sql;      // exact text, no trailing ';'
  int line = 0;         // 1-based line in the file
  bool lossy = false;   // preceded by `-- flash:lossy`
};

struct MigrationFile {
  std::string id;        // file name without ".sql": "20240101120000_create_users"
  std::string name;      // the part after the timestamp: "create_users" (the whole id if none)
  std::filesystem::path path;
  std::string content;   // exact bytes
  std::string checksum;  // util::sha256_hex(content)
  bool has_markers = false;
  // `-- +migrate Up notransaction` / `-- +migrate Down notransaction` (sql-migrate's spelling): the
  // section runs outside a transaction (CREATE INDEX CONCURRENTLY), statement by statement, with
  // every statement's step recorded in the history row so that an interrupted run resumes exactly.
  bool up_transactional = true;
  bool down_transactional = true;
  std::vector<MigrationStatement> up;
  std::vector<MigrationStatement> down;
  std::vector<diff::Rename> renames;  // from `-- flash: rename t.a -> b (confirmed)` comments
  // The file text with everything but the Up section blanked (newlines kept), so that replaying
  // it through sql::apply_ddl reports the real line numbers.
  std::string up_text;
};

// Parses one file's text. Splitter diagnostics are appended to `diags`.
MigrationFile parse_migration(const std::filesystem::path& path, std::string content,
                              schema::Dialect d, diag::Diagnostics& diags);

// Every *.sql directly in `dir`, sorted by id. A missing directory is an empty list.
std::vector<MigrationFile> load_migrations(const std::filesystem::path& dir, schema::Dialect d,
                                           diag::Diagnostics& diags);

// "Add Users!" → "add_users": lower-case [a-z0-9_], runs of anything else become one '_'.
std::string sanitize_name(std::string_view name);

// UTC "YYYYMMDDHHMMSS" of `t`.
std::string timestamp_id(std::chrono::system_clock::time_point t);

// A new id "<timestamp>_<name>" strictly greater than every id in `existing` (the timestamp is
// advanced by seconds when needed, so files created within one second keep their order).
std::string next_migration_id(std::chrono::system_clock::time_point now, std::string_view name,
                              const std::vector<MigrationFile>& existing);

// The model produced by the Up sections of `files[0..count)` in order.
schema::Schema replay(const std::vector<MigrationFile>& files, std::size_t count,
                      schema::Dialect d, diag::Diagnostics& diags);
// Applies one more file's Up section to `model`.
void replay_one(schema::Schema& model, const MigrationFile& f, diag::Diagnostics& diags);

// The desired schema: every *.sql directly in `schema_dir` (sorted by name), or the file
// itself when `schema_dir` names a file (legacy schema_path).
schema::Schema parse_schema_dir(const std::filesystem::path& schema_dir, schema::Dialect d,
                                diag::Diagnostics& diags);

}  // namespace flash::migrate

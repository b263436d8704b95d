#pragma once
// The tracking table `_flash_migrations`, with the original Go tool's columns on every dialect:
//   id (text primary key = file name without .sql), checksum (sha256 hex of the file),
//   finished_at (NULL until the migration completed), migration_name, logs (error text of a
//   failed run), rolled_back_at, started_at, applied_steps_count (statements already executed;
//   MySQL resumes there after a failure).
// Statements that write the table are produced as complete SQL text with literals (no
// parameters), so a dry run can print exactly what the real run executes.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "flash/driver/connection.hpp"
#include "flash/schema/model.hpp"

namespace flash::migrate {

inline constexpr const char* kTrackingTable = "_flash_migrations";

struct TrackingRow {
  std::string id;
  std::string checksum;
  std::optional<std::string> finished_at;
  std::string migration_name;
  std::optional<std::string> logs;
  std::optional<std::string> rolled_back_at;
  std::optional<std::string> started_at;
  std::int64_t applied_steps_count = 0;

  bool finished() const { return finished_at.has_value(); }
};

// Optional schema qualification, always quoted (schema::quote_ident_always): "s"."t" or "t".
std::string sql_table(std::string_view schema, std::string_view table, schema::Dialect d);

std::string tracking_table_ddl(schema::Dialect d);  // CREATE TABLE IF NOT EXISTS ...
bool tracking_table_exists(driver::SqlConnection& c);
// All rows ordered by id; empty when the table does not exist.
std::vector<TrackingRow> read_tracking(driver::SqlConnection& c);
std::optional<TrackingRow> read_tracking_row(driver::SqlConnection& c, const std::string& id);

// Statement builders (complete SQL, literals inlined).
std::string sql_insert_applied(schema::Dialect d, const std::string& id, const std::string& name,
                               const std::string& checksum, std::int64_t steps);
std::string sql_insert_started(schema::Dialect d, const std::string& id, const std::string& name,
                               const std::string& checksum);
std::string sql_insert_failed(schema::Dialect d, const std::string& id, const std::string& name,
                              const std::string& checksum, std::int64_t steps,
                              const std::string& logs);
// `clear_logs`: also set logs = NULL (clears a "flash-running" note in the same statement).
std::string sql_update_steps(schema::Dialect d, const std::string& id, std::int64_t steps,
                             bool clear_logs = false);
std::string sql_update_finished(schema::Dialect d, const std::string& id,
                                const std::string& checksum, std::int64_t steps);
// Resuming an unfinished row at statement `steps` (0-based): clears logs, records the checksum.
std::string sql_update_resume(schema::Dialect d, const std::string& id, const std::string& checksum,
                              std::int64_t steps);
std::string sql_update_logs(schema::Dialect d, const std::string& id, const std::string& logs);
std::string sql_update_checksum(schema::Dialect d, const std::string& id, const std::string& checksum);
// Starts a rollback: rolled_back_at = now, applied_steps_count = 0 (it counts Down statements from
// here on), logs = NULL.
std::string sql_mark_rolling_back(schema::Dialect d, const std::string& id);
std::string sql_delete_row(schema::Dialect d, const std::string& id);

// Value helpers for result rows.
std::optional<std::string> value_text(const driver::Value& v);
std::int64_t value_int(const driver::Value& v);

}  // namespace flash::migrate

#include "flash/migrate/tracking.hpp"

#include <charconv>

#include "flash/schema/printer.hpp"

namespace flash::migrate {

using schema::Dialect;

std::string sql_table(std::string_view schema, std::string_view table, Dialect d) {
  if (schema.empty()) return flash::schema::quote_ident_always(table, d);
  return flash::schema::quote_ident_always(schema, d) + "." + flash::schema::quote_ident_always(table, d);
}

std::string tracking_table_ddl(Dialect d) {
  switch (d) {
    case Dialect::postgresql:
      return "CREATE TABLE IF NOT EXISTS _flash_migrations (\n"
             "  id VARCHAR(255) PRIMARY KEY,\n"
             "  checksum VARCHAR(64) NOT NULL,\n"
             "  finished_at TIMESTAMPTZ,\n"
             "  migration_name VARCHAR(255) NOT NULL,\n"
             "  logs TEXT,\n"
             "  rolled_back_at TIMESTAMPTZ,\n"
             "  started_at TIMESTAMPTZ NOT NULL DEFAULT now(),\n"
             "  applied_steps_count INTEGER NOT NULL DEFAULT 0\n"
             ")";
    case Dialect::mysql:
      return "CREATE TABLE IF NOT EXISTS _flash_migrations (\n"
             "  id VARCHAR(255) NOT NULL PRIMARY KEY,\n"
             "  checksum VARCHAR(64) NOT NULL,\n"
             "  finished_at DATETIME(3) NULL,\n"
             "  migration_name VARCHAR(255) NOT NULL,\n"
             "  logs TEXT NULL,\n"
             "  rolled_back_at DATETIME(3) NULL,\n"
             "  started_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),\n"
             "  applied_steps_count INT NOT NULL DEFAULT 0\n"
             ")";
    default:
      return "CREATE TABLE IF NOT EXISTS _flash_migrations (\n"
             "  id TEXT PRIMARY KEY,\n"
             "  checksum TEXT NOT NULL,\n"
             "  finished_at TIMESTAMP,\n"
             "  migration_name TEXT NOT NULL,\n"
             "  logs TEXT,\n"
             "  rolled_back_at TIMESTAMP,\n"
             "  started_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
             "  applied_steps_count INTEGER NOT NULL DEFAULT 0\n"
             ")";
  }
}

bool tracking_table_exists(driver::SqlConnection& c) {
  std::string q;
  switch (c.dialect()) {
    case Dialect::postgresql:
      q = "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() "
          "AND table_name = '_flash_migrations'";
      break;
    case Dialect::mysql:
      q = "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() "
          "AND table_name = '_flash_migrations'";
      break;
    default:
      q = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_flash_migrations'";
  }
  return !c.query(q).rows.empty();
}

std::optional<std::string> value_text(const driver::Value& v) {
  if (driver::is_null(v)) return std::nullopt;
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  return driver::to_display(v);
}

std::int64_t value_int(const driver::Value& v) {
  if (auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  if (auto* b = std::get_if<bool>(&v)) return *b ? 1 : 0;
  if (auto* s = std::get_if<std::string>(&v)) {
    std::int64_t n = 0;
    std::from_chars(s->data(), s->data() + s->size(), n);
    return n;
  }
  return 0;
}

static const char* kSelect =
    "SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, "
    "applied_steps_count FROM _flash_migrations";

static TrackingRow row_of(const std::vector<driver::Value>& r) {
  TrackingRow t;
  t.id = value_text(r.at(0)).value_or("");
  t.checksum = value_text(r.at(1)).value_or("");
  t.finished_at = value_text(r.at(2));
  t.migration_name = value_text(r.at(3)).value_or("");
  t.logs = value_text(r.at(4));
  t.rolled_back_at = value_text(r.at(5));
  t.started_at = value_text(r.at(6));
  t.applied_steps_count = value_int(r.at(7));
  return t;
}

std::vector<TrackingRow> read_tracking(driver::SqlConnection& c) {
  std::vector<TrackingRow> out;
  if (!tracking_table_exists(c)) return out;
  auto rs = c.query(std::string(kSelect) + " ORDER BY id");
  for (const auto& r : rs.rows) out.push_back(row_of(r));
  return out;
}

std::optional<TrackingRow> read_tracking_row(driver::SqlConnection& c, const std::string& id) {
  auto rs = c.query(std::string(kSelect) + " WHERE id = " + flash::schema::quote_string(id, c.dialect()));
  if (rs.rows.empty()) return std::nullopt;
  return row_of(rs.rows.front());
}

static std::string now_sql(Dialect d) {
  return d == Dialect::mysql ? "CURRENT_TIMESTAMP(3)" : "CURRENT_TIMESTAMP";
}

std::string sql_insert_applied(Dialect d, const std::string& id, const std::string& name,
                               const std::string& checksum, std::int64_t steps) {
  return "INSERT INTO _flash_migrations (id, checksum, finished_at, migration_name, logs, "
         "started_at, applied_steps_count) VALUES (" +
         flash::schema::quote_string(id, d) + ", " + flash::schema::quote_string(checksum, d) + ", " + now_sql(d) + ", " +
         flash::schema::quote_string(name, d) + ", NULL, " + now_sql(d) + ", " + std::to_string(steps) + ")";
}

std::string sql_insert_started(Dialect d, const std::string& id, const std::string& name,
                               const std::string& checksum) {
  return "INSERT INTO _flash_migrations (id, checksum, finished_at, migration_name, logs, "
         "started_at, applied_steps_count) VALUES (" +
         flash::schema::quote_string(id, d) + ", " + flash::schema::quote_string(checksum, d) + ", NULL, " + flash::schema::quote_string(name, d) +
         ", NULL, " + now_sql(d) + ", 0)";
}

std::string sql_insert_failed(Dialect d, const std::string& id, const std::string& name,
                              const std::string& checksum, std::int64_t steps,
                              const std::string& logs) {
  return "INSERT INTO _flash_migrations (id, checksum, finished_at, migration_name, logs, "
         "started_at, applied_steps_count) VALUES (" +
         flash::schema::quote_string(id, d) + ", " + flash::schema::quote_string(checksum, d) + ", NULL, " + flash::schema::quote_string(name, d) +
         ", " + flash::schema::quote_string(logs, d) + ", " + now_sql(d) + ", " + std::to_string(steps) + ")";
}

std::string sql_update_steps(Dialect d, const std::string& id, std::int64_t steps, bool clear_logs) {
  return "UPDATE _flash_migrations SET applied_steps_count = " + std::to_string(steps) +
         (clear_logs ? ", logs = NULL" : "") + " WHERE id = " + flash::schema::quote_string(id, d);
}

std::string sql_update_finished(Dialect d, const std::string& id, const std::string& checksum,
                                std::int64_t steps) {
  return "UPDATE _flash_migrations SET finished_at = " + now_sql(d) +
         ", logs = NULL, checksum = " + flash::schema::quote_string(checksum, d) +
         ", applied_steps_count = " + std::to_string(steps) + " WHERE id = " + flash::schema::quote_string(id, d);
}

std::string sql_update_resume(Dialect d, const std::string& id, const std::string& checksum,
                              std::int64_t steps) {
  return "UPDATE _flash_migrations SET logs = NULL, checksum = " + flash::schema::quote_string(checksum, d) +
         ", applied_steps_count = " + std::to_string(steps) + " WHERE id = " + flash::schema::quote_string(id, d);
}

std::string sql_update_logs(Dialect d, const std::string& id, const std::string& logs) {
  return "UPDATE _flash_migrations SET logs = " + flash::schema::quote_string(logs, d) +
         " WHERE id = " + flash::schema::quote_string(id, d);
}

std::string sql_update_checksum(Dialect d, const std::string& id, const std::string& checksum) {
  return "UPDATE _flash_migrations SET checksum = " + flash::schema::quote_string(checksum, d) +
         " WHERE id = " + flash::schema::quote_string(id, d);
}

std::string sql_mark_rolling_back(Dialect d, const std::string& id) {
  return "UPDATE _flash_migrations SET rolled_back_at = " + now_sql(d) +
         ", applied_steps_count = 0, logs = NULL WHERE id = " + flash::schema::quote_string(id, d);
}

std::string sql_delete_row(Dialect d, const std::string& id) {
  return "DELETE FROM _flash_migrations WHERE id = " + flash::schema::quote_string(id, d);
}

}  // namespace flash::migrate

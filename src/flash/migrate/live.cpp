#include "flash/migrate/live.hpp"

#include <chrono>
#include <fstream>

#include <nlohmann/json.hpp>

#include "flash/diag/diagnostic.hpp"
#include "flash/migrate/files.hpp"
#include "flash/migrate/tracking.hpp"
#include "flash/schema/printer.hpp"

namespace flash::migrate {

using schema::Dialect;

std::map<std::string, std::vector<std::string>> live_tables(driver::SqlConnection& c) {
  std::map<std::string, std::vector<std::string>> out;
  switch (c.dialect()) {
    case Dialect::postgresql:
    case Dialect::mysql: {
      std::string schema_expr = c.dialect() == Dialect::postgresql ? "current_schema()" : "DATABASE()";
      auto t = c.query("SELECT table_name FROM information_schema.tables WHERE table_schema = " +
                       schema_expr + " AND table_type = 'BASE TABLE'");
      for (const auto& r : t.rows) {
        auto n = value_text(r[0]).value_or("");
        if (n != kTrackingTable) out[n];
      }
      auto cols = c.query(
          "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = " +
          schema_expr + " ORDER BY table_name, ordinal_position");
      for (const auto& r : cols.rows) {
        auto n = value_text(r[0]).value_or("");
        if (auto it = out.find(n); it != out.end()) it->second.push_back(value_text(r[1]).value_or(""));
      }
      break;
    }
    default: {
      auto t = c.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                       "ORDER BY name");
      for (const auto& r : t.rows) {
        auto n = value_text(r[0]).value_or("");
        if (n == kTrackingTable) continue;
        auto& cols = out[n];
        auto info = c.query("SELECT name FROM pragma_table_info(" + flash::schema::quote_string(n, Dialect::sqlite) + ")");
        for (const auto& cr : info.rows) cols.push_back(value_text(cr[0]).value_or(""));
      }
    }
  }
  return out;
}

std::vector<std::string> live_views(driver::SqlConnection& c) {
  std::string q;
  switch (c.dialect()) {
    case Dialect::postgresql:
      q = "SELECT table_name FROM information_schema.views WHERE table_schema = current_schema()";
      break;
    case Dialect::mysql:
      q = "SELECT table_name FROM information_schema.views WHERE table_schema = DATABASE()";
      break;
    default:
      q = "SELECT name FROM sqlite_master WHERE type = 'view'";
  }
  std::vector<std::string> out;
  for (const auto& r : c.query(q).rows) out.push_back(value_text(r[0]).value_or(""));
  return out;
}

bool live_table_exists(driver::SqlConnection& c, const std::string& table, const std::string& schema) {
  const Dialect d = c.dialect();
  std::string q;
  switch (d) {
    case Dialect::postgresql:
      q = "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          "WHERE c.relkind IN ('r', 'p', 'f') AND n.nspname = " +
          (schema.empty() ? std::string("current_schema()") : flash::schema::quote_string(schema, d)) +
          " AND c.relname = " + flash::schema::quote_string(table, d);
      break;
    case Dialect::mysql:
      q = "SELECT 1 FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema = " +
          (schema.empty() ? std::string("DATABASE()") : flash::schema::quote_string(schema, d)) +
          " AND table_name = " + flash::schema::quote_string(table, d);
      break;
    default:
      q = "SELECT 1 FROM " + (schema.empty() ? std::string() : flash::schema::quote_ident_always(schema, d) + ".") +
          "sqlite_master WHERE type = 'table' AND name = " + flash::schema::quote_string(table, d);
  }
  return !c.query(q).rows.empty();
}

std::int64_t count_rows(driver::SqlConnection& c, const std::string& table_sql,
                        const std::string& where) {
  std::string q = "SELECT count(*) FROM " + table_sql;
  if (!where.empty()) q += " WHERE " + where;
  auto rs = c.query(q);
  if (rs.rows.empty()) return 0;
  return value_int(rs.rows[0][0]);
}

static nlohmann::json to_json_value(const driver::Value& v) {
  if (driver::is_null(v)) return nullptr;
  if (auto* b = std::get_if<bool>(&v)) return *b;
  if (auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  return driver::to_display(v);  // blobs as \x hex
}

static std::int64_t export_tables_unchecked(driver::SqlConnection& c, const std::vector<std::string>& tables,
                                           const std::filesystem::path& file, const std::string& comment);

std::int64_t export_tables(driver::SqlConnection& c, const std::vector<std::string>& tables,
                           const std::filesystem::path& file, const std::string& comment) {
  try {
    return export_tables_unchecked(c, tables, file, comment);
  } catch (const driver::DbError& e) {
    std::error_code ec;
    auto tmp = file;
    tmp += ".tmp";
    std::filesystem::remove(tmp, ec);
    if (!e.connection_usable())
      throw diag::Error("db.connection-lost", "lost the connection to the database while exporting " +
                                                  file.string() + ": " + e.what(),
                        diag::ExitCode::connection, "nothing was changed; run the command again when the server is back");
    throw diag::Error("migrate.backup-failed",
                      "cannot export the tables before the destructive steps, so nothing was changed: " +
                          std::string(e.what()),
                      diag::ExitCode::error,
                      "let the database user read them, or pass --no-backup to run without the export");
  }
}

static std::int64_t export_tables_unchecked(driver::SqlConnection& c, const std::vector<std::string>& tables,
                                           const std::filesystem::path& file, const std::string& comment) {
  std::filesystem::create_directories(file.parent_path());
  auto tmp = file;
  tmp += ".tmp";
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out)
    throw diag::Error("migrate.export", "cannot write export file " + file.string());
  auto now = std::chrono::system_clock::now();
  nlohmann::json head = {{"timestamp", timestamp_id(now)}, {"version", "1.0"}, {"comment", comment}};
  std::string h = head.dump();
  h.pop_back();  // reopen the object to stream the tables
  out << h << ",\"tables\":{";
  std::int64_t total = 0;
  bool first_table = true;
  for (const auto& t : tables) {
    if (!live_table_exists(c, t)) continue;
    if (!first_table) out << ",";
    first_table = false;
    out << nlohmann::json(t).dump() << ":[";
    auto cur = c.stream("SELECT * FROM " + flash::schema::quote_ident_always(t, c.dialect()));
    std::vector<driver::Value> row;
    bool first_row = true;
    while (cur->next(row)) {
      nlohmann::json o = nlohmann::json::object();
      const auto& cols = cur->columns();
      for (std::size_t i = 0; i < cols.size() && i < row.size(); ++i) o[cols[i].name] = to_json_value(row[i]);
      if (!first_row) out << ",";
      first_row = false;
      out << "\n" << o.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      ++total;
    }
    out << "]";
  }
  out << "}}\n";
  out.close();
  if (!out) throw diag::Error("migrate.export", "cannot write export file " + file.string());
  std::filesystem::rename(tmp, file);
  return total;
}

}  // namespace flash::migrate

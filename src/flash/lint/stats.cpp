#include "flash/lint/stats.hpp"

#include <map>
#include <memory>

#include "flash/migrate/tracking.hpp"
#include "flash/schema/printer.hpp"

namespace flash::lint {
namespace {

using schema::Dialect;

std::optional<std::int64_t> int_of(const driver::Value& v) {
  if (driver::is_null(v)) return std::nullopt;
  return migrate::value_int(v);
}

// The catalog's row estimate and size, or nullopt when the table is not there.
std::optional<std::pair<std::optional<std::int64_t>, std::optional<std::int64_t>>> catalog(
    driver::SqlConnection& c, const std::string& schema, const std::string& table) {
  const std::vector<driver::Value> params{schema, table};
  switch (c.dialect()) {
    case Dialect::postgresql: {
      auto rs = c.query(
          "SELECT c.reltuples::bigint, pg_total_relation_size(c.oid) FROM pg_catalog.pg_class c "
          "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
          "WHERE n.nspname = COALESCE(NULLIF($1, ''), current_schema()) AND c.relname = $2 "
          "AND c.relkind IN ('r', 'p')",
          params);
      if (rs.rows.empty()) return std::nullopt;
      return std::pair{int_of(rs.rows[0][0]), int_of(rs.rows[0][1])};
    }
    case Dialect::mysql: {
      auto rs = c.query(
          "SELECT TABLE_ROWS, DATA_LENGTH + INDEX_LENGTH FROM information_schema.TABLES "
          "WHERE TABLE_SCHEMA = COALESCE(NULLIF(?, ''), DATABASE()) AND TABLE_NAME = ? AND TABLE_TYPE = 'BASE TABLE'",
          params);
      if (rs.rows.empty()) return std::nullopt;
      return std::pair{int_of(rs.rows[0][0]), int_of(rs.rows[0][1])};
    }
    default: {
      const std::string db = schema.empty() ? "main" : schema;
      auto rs = c.query("SELECT 1 FROM " + schema::quote_ident_always(db, Dialect::sqlite) +
                            ".sqlite_master WHERE type = 'table' AND name = ?",
                        std::vector<driver::Value>{table});
      if (rs.rows.empty()) return std::nullopt;
      std::optional<std::int64_t> bytes;
      try {  // dbstat is a compile-time option of the SQLite library
        auto b = c.query("SELECT sum(pgsize) FROM dbstat(?) WHERE name = ?", std::vector<driver::Value>{db, table});
        if (!b.rows.empty()) bytes = int_of(b.rows[0][0]);
      } catch (const driver::DbError&) {
      }
      return std::pair{std::optional<std::int64_t>{}, bytes};
    }
  }
}

std::optional<TableStats> read_stats(driver::SqlConnection& c, const std::string& schema, const std::string& table,
                                     std::int64_t large_rows) {
  const auto cat = catalog(c, schema, table);
  if (!cat) return std::nullopt;
  TableStats s;
  s.bytes = cat->second;
  const std::int64_t estimate = cat->first.value_or(-1);
  if (estimate >= large_rows) {
    s.rows = estimate;
    s.count = TableStats::Count::estimate;
    return s;
  }
  // Below the threshold, or no usable estimate: count, but never more than the threshold + 1 rows.
  const Dialect d = c.dialect();
  const std::string name = (schema.empty() ? "" : schema::quote_ident_always(schema, d) + ".") +
                           schema::quote_ident_always(table, d);
  auto rs = c.query("SELECT count(*) FROM (SELECT 1 FROM " + name + " LIMIT " + std::to_string(large_rows + 1) +
                    ") AS flash_bounded");
  const std::int64_t n = rs.rows.empty() ? 0 : migrate::value_int(rs.rows[0][0]);
  s.rows = n;
  s.count = n <= large_rows ? TableStats::Count::exact : TableStats::Count::at_least;
  return s;
}

}  // namespace

const char* to_string(TableStats::Count c) {
  switch (c) {
    case TableStats::Count::exact: return "exact";
    case TableStats::Count::estimate: return "estimate";
    case TableStats::Count::at_least: return "at_least";
  }
  return "exact";
}

StatsFn live_stats(driver::SqlConnection& c, std::int64_t large_rows) {
  auto cache = std::make_shared<std::map<std::pair<std::string, std::string>, std::optional<TableStats>>>();
  return [&c, large_rows, cache](const std::string& schema, const std::string& table) -> std::optional<TableStats> {
    const auto k = std::pair{schema, table};
    if (auto it = cache->find(k); it != cache->end()) return it->second;
    std::optional<TableStats> s;
    try {
      s = read_stats(c, schema, table, large_rows);
    } catch (const driver::DbError&) {
      // No privilege on the catalog or the table: the finding keeps its rule's severity.
    }
    return (*cache)[k] = s;
  };
}

}  // namespace flash::lint

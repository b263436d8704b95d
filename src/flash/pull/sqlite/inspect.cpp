// SQLite: sqlite_schema keeps the exact CREATE statement of every table, index, view and trigger
// (SQLite rewrites it only for ALTER TABLE ... ADD/RENAME), so parsing those statements in
// creation order through the SQLite DDL parser reproduces the model the schema files give.
// Internal objects (sqlite_*, autoindexes, which have no SQL) and _flash_* tables are skipped.
#include "flash/pull/inspect.hpp"

#include "flash/util/text.hpp"

namespace flash::pull {

schema::Schema inspect_sqlite(driver::SqlConnection& c) {
  schema::Schema model;
  model.dialect = schema::Dialect::sqlite;
  auto rs = c.query(
      "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL "
      "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid");
  for (const auto& row : rs.rows) {
    const auto& type = std::get<std::string>(row[0]);
    const auto& name = std::get<std::string>(row[1]);
    const auto& table = std::get<std::string>(row[2]);
    if (is_internal_table(table) || is_internal_table(name)) continue;
    apply_reported_ddl(model, type + " " + name, std::get<std::string>(row[3]) + ";\n");
  }
  return model;
}

}  // namespace flash::pull

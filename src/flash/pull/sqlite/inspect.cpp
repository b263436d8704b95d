// SQLite: sqlite_schema keeps the exact CREATE statement of every table, index, view and trigger
// (SQLite rewrites it only for ALTER TABLE ... ADD/RENAME), so parsing those statements in
// creation order through the SQLite DDL parser reproduces the model the schema files give.
// Internal objects (sqlite_*, autoindexes, which have no SQL) and _flash_* tables are skipped, and
// so are the shadow tables a virtual table keeps its data in (FTS5's x_data, x_idx, ...; FTS4's
// x_content, x_segments, ...): CREATE VIRTUAL TABLE (kept as a raw statement) creates them again.
#include <set>

#include "flash/pull/inspect.hpp"
#include "flash/util/text.hpp"

namespace flash::pull {

namespace {

// Shadow tables: PRAGMA table_list says so (SQLite 3.37+). Older libraries: the tables the
// built-in modules create, named <virtual table>_<suffix>.
std::set<std::string> shadow_tables(driver::SqlConnection& c) {
  std::set<std::string> out;
  try {
    for (const auto& row : c.query("PRAGMA main.table_list").rows)
      if (row.size() > 2 && cell(row[2]) == "shadow") out.insert(util::to_lower(cell(row[1])));
    return out;
  } catch (const std::exception&) {
  }
  static const char* const suffixes[] = {"_data",     "_idx",    "_content", "_docsize", "_config", "_segments",
                                         "_segdir",   "_stat",   "_node",    "_parent",  "_rowid"};
  for (const auto& row : c.query("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'").rows)
    for (const char* s : suffixes) out.insert(util::to_lower(cell(row[0])) + s);
  return out;
}

}  // namespace

schema::Schema inspect_sqlite(driver::SqlConnection& c) {
  schema::Schema model;
  model.dialect = schema::Dialect::sqlite;
  const auto shadow = shadow_tables(c);
  auto rs = c.query(
      "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL "
      "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid");
  for (const auto& row : rs.rows) {
    const auto& type = std::get<std::string>(row[0]);
    const auto& name = std::get<std::string>(row[1]);
    const auto& table = std::get<std::string>(row[2]);
    if (is_internal_table(table) || is_internal_table(name)) continue;
    if (shadow.count(util::to_lower(table))) continue;
    apply_reported_ddl(model, type + " " + name, std::get<std::string>(row[3]) + ";\n");
  }
  return model;
}

}  // namespace flash::pull

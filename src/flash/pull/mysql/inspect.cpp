// MySQL/MariaDB: SHOW CREATE TABLE is the server's exact account of a table (columns in ordinal
// order with their full COLUMN_TYPE, inline ENUM/SET, AUTO_INCREMENT, ON UPDATE, generated
// columns, column collations that differ from the table's, keys, foreign keys with actions,
// CHECK constraints, comments), so each table's statement is parsed through the MySQL DDL parser.
// What the server adds that schema files normally do not say is then removed:
//  * integer display widths (MariaDB prints int(11)); tinyint(1) stays, it is how BOOLEAN is kept;
//  * DEFAULT NULL on nullable columns (the server prints it for every nullable column);
//  * varchar/char CHARACTER SET utf8mb3 with utf8mb3's default collation is NVARCHAR/NCHAR;
//  * the index the server creates for a foreign key without one (named after the constraint,
//    same columns);
//  * table options that are server defaults or state: AUTO_INCREMENT counter always, ENGINE
//    InnoDB, DEFAULT CHARSET/COLLATE equal to the database's.
// Views come from information_schema.VIEWS (the server stores them rewritten, so a view's text
// is the server's, not as written). Triggers and routines are not pulled.
#include "flash/pull/inspect.hpp"

#include <algorithm>

#include "flash/schema/printer.hpp"
#include "flash/util/text.hpp"

namespace flash::pull {

namespace {

using schema::Dialect;

std::string text(const driver::Value& v) { return cell(v); }

bool is_integer_type(const std::string& n) {
  return n == "tinyint" || n == "smallint" || n == "mediumint" || n == "int" || n == "bigint";
}

void normalise_table(schema::Table& t, schema::Schema& model, const std::string& db_charset,
                     const std::string& db_collation) {
  for (auto& c : t.columns) {
    if (is_integer_type(c.type.name) && !(c.type.name == "tinyint" && c.type.args == std::vector<std::string>{"1"}))
      c.type.args.clear();
    if (c.nullable && c.default_expr && util::iequals(*c.default_expr, "NULL")) c.default_expr.reset();
    // MariaDB reports CURRENT_TIMESTAMP as current_timestamp() (with precision: (6)).
    for (auto* e : {&c.default_expr, &c.on_update})
      if (*e && util::iequals(**e, "current_timestamp()")) **e = "CURRENT_TIMESTAMP";
    // NVARCHAR/NCHAR are VARCHAR/CHAR in utf8mb3 with its default collation; the server reports
    // them that way (utf8mb3 spelled "utf8" by older servers).
    const bool utf8mb3 = util::iequals(c.type.charset, "utf8mb3") || util::iequals(c.type.charset, "utf8");
    if ((c.type.name == "varchar" || c.type.name == "char") && utf8mb3 &&
        (!c.collation || util::iequals(*c.collation, c.type.charset + "_general_ci"))) {
      c.type.name = c.type.name == "varchar" ? "nvarchar" : "nchar";
      c.type.charset.clear();
      c.collation.reset();
    }
  }
  // The index the server made for a foreign key: named after the constraint, or after its first
  // column (unnamed constraints, and MariaDB for inline REFERENCES), with exactly its columns.
  for (auto& fk : t.foreign_keys) {
    auto it = std::find_if(model.indexes.begin(), model.indexes.end(), [&](const schema::Index& i) {
      if (i.table != t.name || i.unique || i.parts.size() != fk.columns.size()) return false;
      if (i.name != fk.columns.front() && (fk.name.empty() || i.name != fk.name)) return false;
      for (std::size_t k = 0; k < fk.columns.size(); ++k)
        if (i.parts[k].column != fk.columns[k] || i.parts[k].length) return false;
      return true;
    });
    if (it != model.indexes.end()) model.indexes.erase(it);
  }
  for (auto it = t.options.begin(); it != t.options.end();) {
    const auto& [k, v] = *it;
    const bool drop = k == "auto_increment" || (k == "engine" && util::iequals(v, "InnoDB")) ||
                      (k == "charset" && util::iequals(v, db_charset)) ||
                      (k == "collate" && util::iequals(v, db_collation));
    it = drop ? t.options.erase(it) : std::next(it);
  }
}

}  // namespace

schema::Schema inspect_mysql(driver::SqlConnection& c) {
  schema::Schema model;
  model.dialect = Dialect::mysql;
  auto db = c.query(
      "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA "
      "WHERE SCHEMA_NAME = DATABASE()");
  std::string db_charset, db_collation;
  if (!db.rows.empty()) {
    db_charset = text(db.rows[0][0]);
    db_collation = text(db.rows[0][1]);
  }
  // Creation order is not recorded; name order, and the printer puts referenced tables first.
  auto tables = c.query(
      "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
      "AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME");
  for (const auto& row : tables.rows) {
    const std::string name = text(row[0]);
    if (is_internal_table(name)) continue;
    auto rs = c.query("SHOW CREATE TABLE " + schema::quote_ident(name, Dialect::mysql));
    if (rs.rows.empty() || rs.rows[0].size() < 2) continue;
    apply_reported_ddl(model, "table " + name, text(rs.rows[0][1]) + ";\n");
  }
  // Constraint names (also generated ones: CONSTRAINT_<n>, <table>_ibfk_<n>) stay as the server
  // has them; align_names() matches them to unnamed constraints of existing schema files.
  for (auto& t : model.tables) normalise_table(t, model, db_charset, db_collation);

  auto views = c.query(
      "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() "
      "ORDER BY TABLE_NAME");
  for (const auto& row : views.rows) {
    const std::string name = text(row[0]);
    apply_reported_ddl(model, "view " + name,
                       "CREATE VIEW " + schema::quote_ident(name, Dialect::mysql) + " AS " + text(row[1]) + ";\n");
  }
  return model;
}

}  // namespace flash::pull

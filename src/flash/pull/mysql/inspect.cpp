// MySQL/MariaDB: SHOW CREATE TABLE is the server's exact account of a table (columns in ordinal
// order with their full COLUMN_TYPE, inline ENUM/SET, AUTO_INCREMENT, ON UPDATE, generated
// columns, column collations that differ from the table's, keys, foreign keys with actions,
// CHECK constraints, comments), so each table's statement is parsed through the MySQL DDL parser.
// What the server adds that schema files normally do not say is then removed:
//  * default integer display widths (MariaDB prints int(11) for INT); a width that was written
//    (bigint(13), tinyint(1) for BOOLEAN) stays;
//  * DEFAULT NULL on nullable columns (the server prints it for every nullable column);
//  * varchar/char CHARACTER SET utf8mb3 with utf8mb3's default collation is NVARCHAR/NCHAR;
//  * table options that are server defaults or state: AUTO_INCREMENT counter always, ENGINE
//    InnoDB, DEFAULT CHARSET/COLLATE equal to the database's.
// Every index the server reports is kept, also the one it created for a foreign key (the database
// has it, and an explicit index of that name is what the foreign key then uses): align_names drops
// it when existing schema files do not declare it. Unique keys on plain columns stay in CREATE
// TABLE as named UNIQUE constraints (a later foreign key may need them; MySQL rejects an
// AUTO_INCREMENT column whose key is created after the table).
// Views come from SHOW CREATE VIEW (the server's rewritten text, relative to the current
// database, so a view never names the database it was pulled from). Triggers, procedures,
// functions and events come from SHOW CREATE ... as written (without DEFINER, which is the
// applying user again) and are kept as raw statements.
#include "flash/pull/inspect.hpp"

#include <algorithm>

#include "flash/schema/printer.hpp"
#include "flash/sql/lexer.hpp"
#include "flash/util/text.hpp"

namespace flash::pull {

namespace {

using schema::Dialect;

std::string text(const driver::Value& v) { return cell(v); }

bool is_integer_type(const std::string& n) {
  return n == "tinyint" || n == "smallint" || n == "mediumint" || n == "int" || n == "bigint";
}

}  // namespace

// The display width MariaDB (and MySQL before 8.0.19) prints for an integer type written without
// one; "" for other types.
std::string default_integer_width(const schema::TypeRef& t) {
  const bool u = t.is_unsigned;
  if (t.name == "tinyint") return u ? "3" : "4";
  if (t.name == "smallint") return u ? "5" : "6";
  if (t.name == "mediumint") return u ? "8" : "9";
  if (t.name == "int") return u ? "10" : "11";
  if (t.name == "bigint") return "20";
  return "";
}

namespace {

void normalise_table(schema::Table& t, schema::Schema& model, const std::string& db_charset,
                     const std::string& db_collation) {
  for (auto& c : t.columns) {
    // Only the width the server would print anyway: bigint(13) is what was written.
    if (is_integer_type(c.type.name) && c.type.args == std::vector<std::string>{default_integer_width(c.type)})
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
  // MariaDB's JSON is LONGTEXT in utf8mb4_bin with a column CHECK (json_valid(col)) named after the
  // column: read back as JSON, which creates exactly that again (printed as a table CHECK it would
  // be renamed CONSTRAINT_<n>). The server prints table checks named, column checks unnamed.
  for (auto& c : t.columns) {
    if (c.type.name != "longtext" || !util::iequals(c.type.charset, "utf8mb4") || !c.collation ||
        !util::iequals(*c.collation, "utf8mb4_bin"))
      continue;
    auto ck = std::find_if(t.checks.begin(), t.checks.end(), [&](const schema::CheckConstraint& k) {
      std::string e = util::to_lower(k.expr);
      std::erase_if(e, [](char ch) { return ch == '`' || ch == ' '; });
      return k.name.empty() && e == "json_valid(" + util::to_lower(c.name) + ")";
    });
    if (ck == t.checks.end()) continue;
    t.checks.erase(ck);
    c.type = schema::TypeRef{};
    c.type.name = "json";
    c.collation.reset();
  }
  // A unique key on plain columns stays in CREATE TABLE, as SHOW CREATE TABLE has it (a named
  // UNIQUE constraint is the same unique index): a foreign key of a later table may need it, and an
  // AUTO_INCREMENT column without another key must lead a key there (MySQL rejects the table
  // otherwise). Prefix, descending, FULLTEXT/SPATIAL and expression keys stay indexes.
  std::erase_if(model.indexes, [&](const schema::Index& i) {
    if (i.table != t.name || i.schema != t.schema || !i.unique || !i.method.empty() || !i.where.empty() ||
        i.parts.empty() ||
        !std::all_of(i.parts.begin(), i.parts.end(),
                     [](const auto& p) { return !p.column.empty() && !p.length && !p.descending; }))
      return false;
    schema::UniqueConstraint u{i.name, {}, false};
    for (const auto& p : i.parts) u.columns.push_back(p.column);
    t.uniques.push_back(std::move(u));
    return true;
  });
  for (auto it = t.options.begin(); it != t.options.end();) {
    const auto& [k, v] = *it;
    const bool drop = k == "auto_increment" || (k == "engine" && util::iequals(v, "InnoDB")) ||
                      (k == "charset" && util::iequals(v, db_charset)) ||
                      (k == "collate" && util::iequals(v, db_collation));
    it = drop ? t.options.erase(it) : std::next(it);
  }
}

// "CREATE DEFINER=`u`@`h` TRIGGER ..." → "CREATE TRIGGER ...": the definer is an account of the
// source server; without it the object belongs to whoever applies the schema.
std::string without_definer(const std::string& sql) {
  diag::Diagnostics ds;
  const sql::SourceFile f{"<routine>", sql};
  const auto toks = sql::lex(f, Dialect::mysql, ds);
  for (std::size_t k = 0; k + 1 < toks.size(); ++k) {
    if (!toks[k].is("DEFINER") || !toks[k + 1].is("=")) continue;
    std::size_t e = k + 2;
    // user, optionally @host: name / string / quoted name tokens, '@' glued or as an operator.
    while (e < toks.size() && toks[e].kind != sql::TokenKind::end &&
           !(toks[e].kind == sql::TokenKind::identifier &&
             (toks[e].is("SQL") || toks[e].is("TRIGGER") || toks[e].is("PROCEDURE") || toks[e].is("FUNCTION") ||
              toks[e].is("EVENT") || toks[e].is("VIEW") || toks[e].is("AGGREGATE") || toks[e].is("ALGORITHM"))))
      ++e;
    if (e >= toks.size()) break;
    return sql.substr(0, toks[k].offset) + sql.substr(toks[e].offset);
  }
  return sql;
}

// The CREATE statement in column `col` of SHOW CREATE <what> <name>, "" when the server shows
// none (no privilege to see the body).
std::string show_create(driver::SqlConnection& c, const std::string& what, const std::string& name, std::size_t col) {
  auto rs = c.query("SHOW CREATE " + what + " " + schema::quote_ident(name, Dialect::mysql));
  if (rs.rows.empty() || rs.rows[0].size() <= col) return "";
  return text(rs.rows[0][col]);
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

  // SHOW CREATE VIEW prints the view relative to the current database (information_schema.VIEWS
  // qualifies every table and column with it).
  auto views = c.query(
      "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME");
  for (const auto& row : views.rows) {
    const std::string name = text(row[0]);
    apply_reported_ddl(model, "view " + name, without_definer(show_create(c, "VIEW", name, 1)) + ";\n");
  }

  // Stored functions, procedures, triggers and events: the model keeps them verbatim. Functions
  // first (a procedure or trigger may call one), each kind in name order; triggers in the order
  // the server fires them.
  auto routines = c.query(
      "SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() "
      "ORDER BY ROUTINE_TYPE, ROUTINE_NAME");
  for (const auto& row : routines.rows) {
    const std::string kind = text(row[0]), name = text(row[1]);
    if (kind != "FUNCTION" && kind != "PROCEDURE") continue;  // MariaDB packages: not kept
    const std::string sql = show_create(c, kind, name, 2);
    if (sql.empty())
      throw diag::Error("pull.privilege", "the server does not show the body of " + util::to_lower(kind) + " `" +
                                              name + "` to this user",
                        diag::ExitCode::error, "grant SELECT on mysql.proc (MariaDB) / SHOW_ROUTINE, or pull as its definer");
    apply_reported_ddl(model, util::to_lower(kind) + " " + name, without_definer(sql) + ";\n");
  }
  auto triggers = c.query(
      "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() "
      "ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER");
  for (const auto& row : triggers.rows) {
    const std::string name = text(row[0]);
    apply_reported_ddl(model, "trigger " + name, without_definer(show_create(c, "TRIGGER", name, 2)) + ";\n");
  }
  auto events = c.query(
      "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE() ORDER BY EVENT_NAME");
  for (const auto& row : events.rows) {
    const std::string name = text(row[0]);
    apply_reported_ddl(model, "event " + name, without_definer(show_create(c, "EVENT", name, 3)) + ";\n");
  }
  return model;
}

}  // namespace flash::pull

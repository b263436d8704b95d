#pragma once
// Scratch databases and round-trip checks for the pull tests.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "flash/config/url.hpp"
#include "flash/diff/plan.hpp"
#include "flash/driver/connection.hpp"
#include "flash/pull/inspect.hpp"
#include "flash/schema/printer.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/sql/splitter.hpp"
#include "flash/util/text.hpp"
#include "support/scratch_db.hpp"

namespace flash::pull::test {

namespace fs = std::filesystem;
using schema::Dialect;

using ::flash::test::unique_suffix;

// A database created for one test and dropped afterwards (tests/support/scratch_db.hpp), with an
// open connection.
class ScratchDb : public ::flash::test::ScratchDb {
 public:
  static std::unique_ptr<ScratchDb> create(Dialect d) {
    auto db = std::unique_ptr<ScratchDb>(new ScratchDb());
    if (!db->init(d, "flash_pull")) return nullptr;
    db->conn = db->connect();
    return db;
  }

 protected:
  ScratchDb() = default;

 public:
  ~ScratchDb() override { conn.reset(); }
  // Runs a script statement by statement.
  void load(const std::string& sql) {
    diag::Diagnostics ds;
    for (const auto& st : sql::split_statements(sql::SourceFile{"load.sql", sql}, dialect, ds)) conn->execute(st.text);
  }

  std::unique_ptr<driver::SqlConnection> conn;
};

inline schema::Schema parse(const std::string& sql, Dialect d) {
  diag::Diagnostics ds;
  auto s = sql::parse_schema({sql::SourceFile{"schema.sql", sql}}, d, ds);
  for (const auto& x : ds)
    if (x.severity == diag::Severity::error) ADD_FAILURE() << x.code << ": " << x.message << " at " << x.location.line;
  return s;
}

// The differ's operation comments, one a line ("" = no difference).
inline std::string changes(const schema::Schema& from, const schema::Schema& to) {
  std::string out;
  for (const auto& op : diff::diff_schemas(from, to).operations) out += op.comment + "\n";
  return out;
}

inline std::string corpus(const std::string& rel) {
  return util::read_file(fs::path(FLASH_CORPUS_DIR) / rel);
}

// The two properties every pull must have: the schema files and the pulled model do not differ,
// and the pulled model survives printing and re-parsing unchanged.
// `pulled` is aligned with the files first (align_names), as `flash pull` does for an existing
// project.
inline void expect_round_trip(const schema::Schema& files, schema::Schema pulled) {
  align_names(pulled, files);
  EXPECT_EQ(changes(files, pulled), "");
  EXPECT_EQ(changes(pulled, files), "");
  const std::string printed = schema::print_schema(pulled);
  EXPECT_TRUE(parse(printed, pulled.dialect) == pulled) << printed;
}


// ---- proof through the engine ---------------------------------------------------------------
// The database as the engine's own catalog describes it, one fact a line, in a fixed order:
// tables, columns (exact types, nullability, defaults), indexes with their columns, constraints,
// foreign keys, views, triggers, routines, rules. Flash's bookkeeping tables are left out; names of
// the database itself are replaced by "<db>" so that two databases compare.
inline std::string catalog(driver::SqlConnection& c) {
  std::string out;
  auto dump = [&](const std::string& tag, const std::string& sql) {
    for (const auto& row : c.query(sql).rows) {
      out += tag;
      for (const auto& v : row) out += "|" + (driver::is_null(v) ? std::string("<null>") : cell(v));
      out += "\n";
    }
  };
  switch (c.dialect()) {
    case Dialect::mysql: {
      const std::string db = cell(c.query("SELECT DATABASE()").rows.at(0).at(0));
      const std::string in = "= DATABASE() AND TABLE_NAME NOT LIKE '\\_flash\\_%'";
      dump("table", "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COLLATION, TABLE_COMMENT FROM information_schema.TABLES "
                    "WHERE TABLE_SCHEMA " + in + " ORDER BY 1");
      dump("column", "SELECT TABLE_NAME, ORDINAL_POSITION, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, "
                     "COLLATION_NAME, COLUMN_COMMENT, GENERATION_EXPRESSION FROM information_schema.COLUMNS WHERE "
                     "TABLE_SCHEMA " + in + " ORDER BY 1, 2");
      dump("index", "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, INDEX_TYPE, COLLATION "
                    "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA " + in + " ORDER BY 1, 2, 4");
      dump("fk", "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, "
                 "r.UPDATE_RULE, r.DELETE_RULE FROM information_schema.KEY_COLUMN_USAGE k JOIN "
                 "information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.TABLE_SCHEMA AND "
                 "r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME WHERE k.TABLE_SCHEMA = DATABASE() "
                 "ORDER BY 1, 2, k.ORDINAL_POSITION");
      dump("check", "SELECT TABLE_NAME, CONSTRAINT_NAME, LEVEL, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
                    "WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY 1, 2");
      dump("view", "SELECT TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = "
                   "DATABASE() ORDER BY 1");
      dump("trigger", "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER, "
                      "ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY 1");
      dump("routine", "SELECT ROUTINE_TYPE, ROUTINE_NAME, DTD_IDENTIFIER, ROUTINE_DEFINITION, IS_DETERMINISTIC, "
                      "SQL_DATA_ACCESS FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY 1, 2");
      dump("param", "SELECT SPECIFIC_NAME, ORDINAL_POSITION, PARAMETER_MODE, PARAMETER_NAME, DTD_IDENTIFIER FROM "
                    "information_schema.PARAMETERS WHERE SPECIFIC_SCHEMA = DATABASE() ORDER BY 1, 2");
      dump("event", "SELECT EVENT_NAME, EVENT_DEFINITION, EVENT_TYPE, INTERVAL_VALUE, INTERVAL_FIELD, STATUS FROM "
                    "information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE() ORDER BY 1");
      const std::string from = "`" + db + "`";
      for (auto at = out.find(from); at != std::string::npos; at = out.find(from, at)) out.replace(at, from.size(), "`<db>`");
      return out;
    }
    case Dialect::postgresql: {
      const std::string ns = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'";
      dump("relation", "SELECT n.nspname, c.relname, c.relkind, c.relpersistence, (SELECT string_agg(i.inhparent::regclass::text, "
                       "',' ORDER BY i.inhseqno) FROM pg_inherits i WHERE i.inhrelid = c.oid) FROM pg_class c JOIN "
                       "pg_namespace n ON n.oid = c.relnamespace WHERE " + ns + " AND c.relname NOT LIKE '\\_flash\\_%' "
                       "ORDER BY 1, 2");
      dump("column", "SELECT c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                     "pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, a.attislocal, a.attinhcount FROM "
                     "pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                     "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attnum > 0 AND NOT "
                     "a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm') AND " + ns + " AND c.relname NOT LIKE "
                     "'\\_flash\\_%' ORDER BY n.nspname, 1, 2");
      dump("constraint", "SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid), con.conislocal FROM "
                         "pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = "
                         "c.relnamespace WHERE " + ns + " AND c.relname NOT LIKE '\\_flash\\_%' ORDER BY n.nspname, 1, 2");
      dump("index", "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN "
                    "pg_namespace n ON n.oid = c.relnamespace WHERE " + ns + " AND c.relname NOT LIKE '\\_flash\\_%' "
                    "ORDER BY 1");
      dump("view", "SELECT c.relname, pg_get_viewdef(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE c.relkind IN ('v', 'm') AND " + ns + " ORDER BY n.nspname, 1");
      dump("rule", "SELECT pg_get_ruledef(r.oid) FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n "
                   "ON n.oid = c.relnamespace WHERE r.rulename <> '_RETURN' AND " + ns + " ORDER BY 1");
      dump("trigger", "SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN "
                      "pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND " + ns + " ORDER BY 1");
      dump("function", "SELECT pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                       "WHERE p.prokind IN ('f', 'p') AND " + ns + " ORDER BY 1");
      // Sequences with their type, options and owner (OWNED BY / serial 'a', identity 'i').
      dump("sequence", "SELECT n.nspname, c.relname, format_type(q.seqtypid, NULL), q.seqstart, q.seqincrement, "
                       "q.seqmin, q.seqmax, q.seqcache, q.seqcycle, (SELECT t.relname || '.' || a.attname || ' ' || "
                       "d.deptype::text FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid JOIN pg_attribute a ON "
                       "a.attrelid = t.oid AND a.attnum = d.refobjsubid WHERE d.classid = 'pg_class'::regclass AND "
                       "d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')) FROM "
                       "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_sequence q ON q.seqrelid = "
                       "c.oid WHERE c.relkind = 'S' AND " + ns + " ORDER BY 1, 2");
      return out;
    }
    case Dialect::sqlite: {
      dump("object", "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE '\\_flash\\_%' ESCAPE '\\' AND "
                     "tbl_name NOT LIKE '\\_flash\\_%' ESCAPE '\\' ORDER BY 1, 2");
      for (const auto& row : c.query("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE "
                                     "'\\_flash\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1")
                                 .rows) {
        const std::string t = schema::quote_string(cell(row[0]));
        // Declared type names compare case-insensitively (the model keeps them lower-case; SQLite
        // derives the same affinity from either spelling).
        dump("column " + cell(row[0]), "SELECT cid, name, lower(type), \"notnull\", dflt_value, pk, hidden FROM "
                                       "pragma_table_xinfo(" + t + ")");
        dump("fk " + cell(row[0]), "SELECT * FROM pragma_foreign_key_list(" + t + ")");
        for (const auto& ix : c.query("SELECT name, \"unique\", origin, partial FROM pragma_index_list(" + t + ") ORDER BY 1").rows) {
          out += "index " + cell(row[0]) + "|" + cell(ix[0]) + "|" + cell(ix[1]) + "|" + cell(ix[2]) + "|" + cell(ix[3]) + "\n";
          dump("  part", "SELECT seqno, cid, name, \"desc\", coll, key FROM pragma_index_xinfo(" + schema::quote_string(cell(ix[0])) + ")");
        }
      }
      dump("sql", "SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'view') OR sql LIKE 'CREATE VIRTUAL%' "
                  "ORDER BY 1, 2");
      return out;
    }
    case Dialect::mongodb: break;
  }
  return out;
}

// What `flash migrate` + `flash apply` do with a pulled schema on an empty database: the differ's
// plan from nothing, its Up statements run in order.
inline void apply_model(ScratchDb& db, const schema::Schema& s) {
  schema::Schema empty;
  empty.dialect = s.dialect;
  for (const auto& op : diff::diff_schemas(empty, s).operations)
    for (const auto& st : op.up) db.conn->execute(st);
}

// The promise of pull, checked through the engine: `sql` loaded into database N (the engine's own
// statements), pulled, the pulled schema applied to an empty database P, and N and P compared
// through the engine's catalogs; then P pulled again must print byte for byte the same schema.
// Returns the printed first pull.
inline std::string expect_engine_round_trip(Dialect d, const std::string& sql) {
  auto n = ScratchDb::create(d);
  if (!n) return "";
  n->load(sql);
  const schema::Schema first = inspect(*n->conn);
  const std::string printed = schema::print_schema(first);
  auto p = ScratchDb::create(d);
  try {
    apply_model(*p, first);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "applying the pulled schema failed: " << e.what() << "\n" << printed;
    return printed;
  }
  EXPECT_EQ(catalog(*n->conn), catalog(*p->conn)) << printed;
  EXPECT_EQ(printed, schema::print_schema(inspect(*p->conn)));
  return printed;
}

}  // namespace flash::pull::test

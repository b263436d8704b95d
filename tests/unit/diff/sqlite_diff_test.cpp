// SQLite: ALTER where SQLite allows it, the 12-step rebuild otherwise — and the rebuild run for
// real on an in-memory database (data kept, foreign keys intact, indexes and triggers back).
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <map>

#include "flash/diff/plan.hpp"
#include "flash/sql/ddl.hpp"
#include "diff_test_util.hpp"
#include "flash/util/text.hpp"

namespace {

using namespace flash;
using diff::OpKind;
using diff::Plan;
using diff::testing::Lines;
using diff::testing::ups;
using diff::testing::downs;

schema::Schema lite(const std::string& sql) {
  diag::Diagnostics ds;
  auto s = sql::parse_schema({sql::SourceFile{"schema.sql", sql}}, schema::Dialect::sqlite, ds);
  for (const auto& d : ds) ADD_FAILURE() << d.code << ": " << d.message << "\n" << sql;
  s.dialect = schema::Dialect::sqlite;
  return s;
}
bool warned(const Plan& p, const std::string& code) {
  for (const auto& w : p.warnings)
    if (w.code == code) return true;
  return false;
}
Plan d(const std::string& a, const std::string& b, const diff::DiffOptions& o = {}) {
  return diff::diff_schemas(lite(a), lite(b), o);
}

TEST(SqliteDiff, AddAndDropColumnInPlaceWhenAllowed) {
  auto p = d("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);", "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER DEFAULT 0);");
  ASSERT_EQ(p.operations.size(), 1u);
  EXPECT_EQ(p.operations[0].kind, OpKind::add_column);
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t ADD COLUMN b integer DEFAULT 0"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE t DROP COLUMN b"});

  p = d("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);", "CREATE TABLE t (id INTEGER PRIMARY KEY);");
  EXPECT_EQ(p.operations[0].kind, OpKind::drop_column);
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t DROP COLUMN a"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE t ADD COLUMN a text"});
}

TEST(SqliteDiff, RenameColumn) {
  diff::DiffOptions o;
  o.renames = {{"t", "a", "b"}};
  const auto p = d("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);", "CREATE TABLE t (id INTEGER PRIMARY KEY, b TEXT);", o);
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t RENAME COLUMN a TO b"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE t RENAME COLUMN b TO a"});
}

TEST(SqliteDiff, TypeChangeRebuildsTheTable) {
  const auto p = d("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, gone TEXT); CREATE INDEX t_a ON t (a);",
                   "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER NOT NULL DEFAULT 0); CREATE INDEX t_a ON t (a);");
  ASSERT_EQ(p.operations.size(), 1u);
  const auto& op = p.operations[0];
  EXPECT_EQ(op.kind, OpKind::rebuild_table);
  EXPECT_TRUE(op.destructive);  // column "gone" is dropped
  EXPECT_TRUE(op.lossy_down);
  // `id INTEGER PRIMARY KEY` was written without NOT NULL, and is rebuilt as written.
  EXPECT_EQ(ups(p), (Lines{"CREATE TABLE new_t (\n  id integer,\n  a integer NOT NULL DEFAULT 0,\n  PRIMARY KEY (id)\n)",
                           "INSERT INTO new_t (id, a) SELECT id, a FROM t", "DROP TABLE t",
                           "ALTER TABLE new_t RENAME TO t", "CREATE INDEX t_a ON t (a)", "PRAGMA foreign_key_check"}));
  EXPECT_EQ(downs(p), (Lines{"CREATE TABLE new_t (\n  id integer,\n  a text,\n  gone text,\n  PRIMARY KEY (id)\n)",
                             "INSERT INTO new_t (id, a) SELECT id, a FROM t", "DROP TABLE t",
                             "ALTER TABLE new_t RENAME TO t", "CREATE INDEX t_a ON t (a)", "PRAGMA foreign_key_check"}));
}

TEST(SqliteDiff, ConstraintChangesAndRestrictedColumnsRebuild) {
  // A foreign key cannot be added with ALTER TABLE in SQLite.
  auto p = d("CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (id INTEGER PRIMARY KEY, pid INTEGER);",
             "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p (id) ON DELETE CASCADE);");
  ASSERT_EQ(p.operations.size(), 1u);
  EXPECT_EQ(p.operations[0].kind, OpKind::rebuild_table);
  EXPECT_NE(p.operations[0].up[0].find("FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE"), std::string::npos);
  // An unwritten action is SQLite's NO ACTION: writing it out is no change; RESTRICT is one.
  const std::string fk = "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p (id)";
  EXPECT_TRUE(d(fk + ");", fk + " ON DELETE NO ACTION);").operations.empty());
  EXPECT_EQ(d(fk + ");", fk + " ON DELETE RESTRICT);").operations.at(0).kind, OpKind::rebuild_table);
  // NOT NULL without default cannot be added in place.
  p = d("CREATE TABLE t (id INTEGER PRIMARY KEY);", "CREATE TABLE t (id INTEGER PRIMARY KEY, b TEXT NOT NULL);");
  EXPECT_EQ(p.operations[0].kind, OpKind::rebuild_table);
  EXPECT_TRUE(warned(p, "lint.not-null-no-default"));
  // Indexed columns cannot be dropped in place.
  p = d("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT); CREATE INDEX t_a ON t (a);", "CREATE TABLE t (id INTEGER PRIMARY KEY);");
  EXPECT_EQ(p.operations[0].kind, OpKind::rebuild_table);
  EXPECT_EQ(ups(p).size(), 5u);  // no index to recreate
  // UNIQUE columns neither.
  p = d("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT UNIQUE);", "CREATE TABLE t (id INTEGER PRIMARY KEY);");
  EXPECT_EQ(p.operations[0].kind, OpKind::rebuild_table);
}

TEST(SqliteDiff, CyclesStayInline) {
  const auto p = d("", "CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES b (id));"
                       "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id));");
  ASSERT_EQ(p.operations.size(), 2u);
  for (const auto& op : p.operations) EXPECT_EQ(op.kind, OpKind::create_table);
}

// ---- the rebuild on a real database -------------------------------------------------------------
// The diff library does not link SQLite (the driver does); the few entry points are resolved at
// run time so this test needs no extra link dependency.
struct Sqlite {
  decltype(&sqlite3_open) open = nullptr;
  decltype(&sqlite3_exec) exec = nullptr;
  decltype(&sqlite3_close) close = nullptr;
  decltype(&sqlite3_errmsg) errmsg = nullptr;
  decltype(&sqlite3_free) free = nullptr;
  bool ok = false;
  Sqlite() {
    void* h = dlopen("libsqlite3.so.0", RTLD_NOW);
    if (!h) return;
    open = reinterpret_cast<decltype(open)>(dlsym(h, "sqlite3_open"));
    exec = reinterpret_cast<decltype(exec)>(dlsym(h, "sqlite3_exec"));
    close = reinterpret_cast<decltype(close)>(dlsym(h, "sqlite3_close"));
    errmsg = reinterpret_cast<decltype(errmsg)>(dlsym(h, "sqlite3_errmsg"));
    free = reinterpret_cast<decltype(free)>(dlsym(h, "sqlite3_free"));
    ok = open && exec && close && errmsg && free;
  }
};

class Db {
 public:
  explicit Db(const Sqlite& api) : api_(api) { api_.open(":memory:", &db_); }
  ~Db() { api_.close(db_); }
  // Runs a script; returns the rows of the last result-producing statements as "a|b" strings.
  std::vector<std::string> run(const std::string& sql) {
    std::vector<std::string> rows;
    char* err = nullptr;
    const int rc = api_.exec(
        db_, sql.c_str(),
        [](void* out, int n, char** vals, char**) {
          std::string row;
          for (int i = 0; i < n; ++i) row += (i ? "|" : "") + std::string(vals[i] ? vals[i] : "NULL");
          static_cast<std::vector<std::string>*>(out)->push_back(row);
          return 0;
        },
        &rows, &err);
    if (rc != SQLITE_OK) {
      ADD_FAILURE() << (err ? err : "sqlite error") << "\nin:\n" << sql;
      api_.free(err);
    }
    return rows;
  }
  // Runs a migration section the way the migration engine does for rebuild_table operations.
  void migrate(const Lines& statements) {
    std::string script = "PRAGMA foreign_keys = OFF;\nBEGIN;\n";
    for (const auto& s : statements) script += s + ";\n";
    script += "COMMIT;\nPRAGMA foreign_keys = ON;\n";
    const auto violations = run(script);
    EXPECT_TRUE(violations.empty()) << "foreign_key_check: " << util::join(violations, "\n");
  }

 private:
  const Sqlite& api_;
  sqlite3* db_ = nullptr;
};

std::string script(const schema::Schema& from, const schema::Schema& to) {
  Lines all = ups(diff::diff_schemas(from, to));
  std::string s;
  for (const auto& x : all) s += x + ";\n";
  return s;
}

TEST(SqliteRebuild, KeepsDataForeignKeysIndexesAndTriggers) {
  static const Sqlite api;
  if (!api.ok) GTEST_SKIP() << "libsqlite3.so.0 not loadable";
  const std::string before =
      "CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT, born TEXT);\n"
      "CREATE TABLE book (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES author (id), title TEXT);\n"
      "CREATE INDEX author_name ON author (name);\n"
      "CREATE TABLE log (msg TEXT);\n"
      "CREATE TRIGGER author_log AFTER INSERT ON author BEGIN INSERT INTO log (msg) VALUES (NEW.name); END;\n"
      "CREATE VIEW author_names AS SELECT name FROM author;\n";
  // author: name becomes NOT NULL with a default, born is dropped, email added, a CHECK appears.
  const std::string after =
      "CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'anon', email TEXT, CHECK (length(name) > 0));\n"
      "CREATE TABLE book (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES author (id), title TEXT);\n"
      "CREATE INDEX author_name ON author (name);\n"
      "CREATE TABLE log (msg TEXT);\n"
      "CREATE TRIGGER author_log AFTER INSERT ON author BEGIN INSERT INTO log (msg) VALUES (NEW.name); END;\n"
      "CREATE VIEW author_names AS SELECT name FROM author;\n";
  const auto a = lite(before), b = lite(after);
  const auto plan = diff::diff_schemas(a, b);
  // The view reading author is dropped before the rebuild and re-created after it.
  ASSERT_EQ(plan.operations.size(), 3u) << diff::render_migration(plan);
  EXPECT_EQ(plan.operations[0].kind, OpKind::drop_view);
  ASSERT_EQ(plan.operations[1].kind, OpKind::rebuild_table);
  EXPECT_EQ(plan.operations[2].kind, OpKind::create_view);

  Db db(api);
  db.run("PRAGMA foreign_keys = ON;\n" + script(schema::Schema{.dialect = schema::Dialect::sqlite}, a));
  db.run("INSERT INTO author (id, name, born) VALUES (1, 'Le Guin', '1929'), (2, 'Lem', '1921');"
         "INSERT INTO book (id, author_id, title) VALUES (10, 1, 'The Dispossessed'), (11, 2, 'Solaris');");

  db.migrate(ups(plan));
  EXPECT_EQ(db.run("SELECT id, name, email FROM author ORDER BY id"), (Lines{"1|Le Guin|NULL", "2|Lem|NULL"}));
  EXPECT_EQ(db.run("SELECT name FROM pragma_table_info('author') ORDER BY cid"), (Lines{"id", "name", "email"}));
  EXPECT_EQ(db.run("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'author'"), Lines{"author_name"});
  EXPECT_EQ(db.run("SELECT name FROM sqlite_master WHERE type = 'trigger'"), Lines{"author_log"});
  EXPECT_EQ(db.run("SELECT name FROM author_names ORDER BY name"), (Lines{"Le Guin", "Lem"}));
  EXPECT_EQ(db.run("SELECT count(*) FROM book JOIN author ON author.id = book.author_id"), Lines{"2"});
  // The child's reference still points at the rebuilt table and is enforced.
  db.run("PRAGMA foreign_keys = ON;");
  EXPECT_EQ(db.run("SELECT \"table\" FROM pragma_foreign_key_list('book')"), Lines{"author"});
  EXPECT_EQ(db.run("SELECT count(*) FROM pragma_foreign_key_check"), Lines{"0"});
  db.run("INSERT INTO author (id) VALUES (3)");  // default applies, trigger fires
  EXPECT_EQ(db.run("SELECT name FROM author WHERE id = 3"), Lines{"anon"});
  // The log kept its rows (written by the trigger before the rebuild) and got the new one.
  EXPECT_EQ(db.run("SELECT msg FROM log"), (Lines{"Le Guin", "Lem", "anon"}));
  db.run("DELETE FROM log; DELETE FROM author WHERE id = 3;");

  db.migrate(downs(plan));
  EXPECT_EQ(db.run("SELECT name FROM pragma_table_info('author') ORDER BY cid"), (Lines{"id", "name", "born"}));
  EXPECT_EQ(db.run("SELECT id, name, born FROM author ORDER BY id"), (Lines{"1|Le Guin|NULL", "2|Lem|NULL"}));
  EXPECT_EQ(db.run("SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger', 'view') ORDER BY name"),
            (Lines{"author_log", "author_name", "author_names"}));
  EXPECT_EQ(db.run("SELECT count(*) FROM pragma_foreign_key_check"), Lines{"0"});
}

// The whole Chinook schema created, then taken apart again by the Down, on a real database.
TEST(SqliteRebuild, ChinookUpAndDown) {
  static const Sqlite api;
  if (!api.ok) GTEST_SKIP() << "libsqlite3.so.0 not loadable";
  if (!std::filesystem::exists(std::string(FLASH_CORPUS_DIR) + "/chinook/sqlite/schema.sql"))
    GTEST_SKIP() << "corpus not found: " << FLASH_CORPUS_DIR;
  const auto chinook = lite(util::read_file(std::string(FLASH_CORPUS_DIR) + "/chinook/sqlite/schema.sql"));
  schema::Schema empty{.dialect = schema::Dialect::sqlite};
  const auto plan = diff::diff_schemas(empty, chinook);
  Db db(api);
  db.migrate(ups(plan));
  EXPECT_EQ(db.run("SELECT count(*) FROM sqlite_master WHERE type = 'table'"), Lines{std::to_string(chinook.tables.size())});
  db.migrate(downs(plan));
  EXPECT_EQ(db.run("SELECT count(*) FROM sqlite_master"), Lines{"0"});
}

}  // namespace

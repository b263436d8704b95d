// SQLite pull, proven through the engine (issue 10): loaded by SQLite, pulled, applied to an empty
// database, compared through sqlite_master and the PRAGMAs; a second pull prints the same schema.
#include "pull_test_util.hpp"

namespace flash::pull::test {
namespace {

// Class 8: FTS5's shadow tables (x_data, x_idx, ...) are the virtual table's, not the user's:
// pulled as tables they made apply fail ("already exists"). FTS4's shadow tables have quoted
// string column names, which aborted pull.
TEST(SqliteFidelity, VirtualTablesArePulledWithoutTheirShadowTables) {
  const std::string printed = expect_engine_round_trip(Dialect::sqlite, R"sql(
CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT, body TEXT);
CREATE VIRTUAL TABLE notes_fts USING fts5(title, body, content='notes', content_rowid='id');
CREATE VIRTUAL TABLE legacy_fts USING fts4(a, b);
CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN
  INSERT INTO notes_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
)sql");
  EXPECT_EQ(printed.find("notes_fts_data"), std::string::npos) << printed;
  EXPECT_EQ(printed.find("legacy_fts_segdir"), std::string::npos) << printed;
  EXPECT_NE(printed.find("USING fts4"), std::string::npos) << printed;
}

// A column named by a string literal, as SQLite allows.
TEST(SqliteFidelity, StringColumnNamesParse) {
  const auto s = parse("CREATE TABLE t ('c0a', \"b\" INTEGER);", Dialect::sqlite);
  ASSERT_NE(s.find_table("t"), nullptr);
  ASSERT_EQ(s.find_table("t")->columns.size(), 2u);
  EXPECT_EQ(s.find_table("t")->columns[0].name, "c0a");
}

// DEFAULT "" is SQLite's string '' (a name that names nothing); printed in parentheses it became a
// column reference and the table could not be created.
TEST(SqliteFidelity, DoubleQuotedDefaultStaysALiteral) {
  expect_engine_round_trip(Dialect::sqlite, "CREATE TABLE b (id INTEGER PRIMARY KEY, excerpt TEXT NOT NULL DEFAULT \"\");");
}

// Issue 10: NOT NULL was added to primary-key columns that did not say it; SQLite lets NULL into
// them (a TEXT key accepts NULL), so that changed what the column accepts.
TEST(SqliteFidelity, PrimaryKeysDoNotGainNotNull) {
  const std::string printed = expect_engine_round_trip(Dialect::sqlite, R"sql(
CREATE TABLE a (id TEXT PRIMARY KEY, n INT);
CREATE TABLE b (id INTEGER PRIMARY KEY AUTOINCREMENT, x TEXT NOT NULL);
CREATE TABLE c (k1 TEXT, k2 TEXT NOT NULL, PRIMARY KEY (k1, k2));
CREATE TABLE d (id TEXT NOT NULL PRIMARY KEY);
CREATE TABLE e (id INTEGER, PRIMARY KEY (id)) WITHOUT ROWID;
)sql");
  auto db = ScratchDb::create(Dialect::sqlite);
  apply_model(*db, parse(printed, Dialect::sqlite));
  db->conn->execute("INSERT INTO a (id, n) VALUES (NULL, 1)");  // SQLite's rule for a TEXT key
  EXPECT_THROW(db->conn->execute("INSERT INTO d (id) VALUES (NULL)"), std::exception);
  const auto s = parse(printed, Dialect::sqlite);
  EXPECT_FALSE(s.find_table("a")->find_column("id")->nullable);  // the model's rule is unchanged
}

// Real schemas: shiori (FTS5 and DEFAULT ""), memos (triggers), matrix-rust-sdk (WITHOUT ROWID).
TEST(SqliteFidelity, CorpusSchemasRoundTripThroughTheEngine) {
  struct Case {
    const char* name;
    std::vector<std::string> files;
  };
  const std::vector<Case> cases = {
      {"shiori", {"shiori/migrations/sqlite/0000_system.up.sql", "shiori/migrations/sqlite/0001_initial.up.sql",
                  "shiori/migrations/sqlite/0002_denormalize_content.up.sql", "shiori/migrations/sqlite/0003_uniq_id.up.sql",
                  "shiori/migrations/sqlite/0004_created_time.up.sql"}},
      {"memos", {"memos/migration/sqlite/LATEST.sql"}},
      {"matrix media", {"matrix-rust-sdk/sqlite-migrations/media_store/001_init.sql",
                        "matrix-rust-sdk/sqlite-migrations/media_store/002_lease_locks_with_generation.sql"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::string sql;
    for (const auto& f : c.files) sql += corpus(f) + ";\n";
    expect_engine_round_trip(Dialect::sqlite, sql);
  }
}

}  // namespace
}  // namespace flash::pull::test

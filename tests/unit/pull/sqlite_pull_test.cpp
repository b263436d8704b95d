// SQLite pull: sqlite_schema's statements through the SQLite parser.
#include "pull_test_util.hpp"

namespace flash::pull::test {
namespace {

TEST(SqlitePull, ChinookRoundTrips) {
  auto db = ScratchDb::create(Dialect::sqlite);
  const std::string sql = corpus("chinook/sqlite/schema.sql");
  db->load(sql);
  const auto pulled = inspect(*db->conn);
  EXPECT_EQ(pulled.tables.size(), 11u);
  expect_round_trip(parse(sql, Dialect::sqlite), pulled);
}

const char* kAllFeatures = R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT DEFAULT 'anon',
  age INTEGER CHECK (age >= 0),
  created_at DATETIME DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE posts (
  id INTEGER NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  slug TEXT GENERATED ALWAYS AS (lower(title)) VIRTUAL,
  body BLOB,
  CONSTRAINT posts_pk PRIMARY KEY (id),
  CONSTRAINT posts_title_len CHECK (length(title) > 0)
) WITHOUT ROWID;
CREATE UNIQUE INDEX posts_user_title ON posts (user_id, title DESC);
CREATE INDEX posts_lower_title ON posts (lower(title)) WHERE body IS NOT NULL;
CREATE VIEW user_posts AS SELECT u.email, p.title FROM users u JOIN posts p ON p.user_id = u.id;
CREATE TRIGGER posts_touch AFTER UPDATE ON posts BEGIN UPDATE users SET name = name WHERE id = new.user_id; END;
CREATE TABLE _flash_migrations (id TEXT PRIMARY KEY);
)sql";

TEST(SqlitePull, EveryFeatureRoundTripsAndBookkeepingIsLeftOut) {
  auto db = ScratchDb::create(Dialect::sqlite);
  db->load(kAllFeatures);
  const auto pulled = inspect(*db->conn);
  EXPECT_EQ(pulled.find_table("_flash_migrations"), nullptr);
  ASSERT_NE(pulled.find_table("posts"), nullptr);
  EXPECT_EQ(pulled.find_table("posts")->options.at("without_rowid"), "1");
  EXPECT_TRUE(pulled.find_table("users")->find_column("id")->auto_increment);
  EXPECT_EQ(pulled.indexes.size(), 2u);
  EXPECT_EQ(pulled.views.size(), 1u);
  EXPECT_EQ(pulled.raw.size(), 1u);
  auto files = parse(kAllFeatures, Dialect::sqlite);
  std::erase_if(files.tables, [](const schema::Table& t) { return t.name == "_flash_migrations"; });
  expect_round_trip(files, pulled);
  // Exactly the files' model, in pull's order (by name, then dependency order).
  order_by_name(files);
  EXPECT_TRUE(parse(schema::print_schema(files), Dialect::sqlite) == pulled);
}

}  // namespace
}  // namespace flash::pull::test

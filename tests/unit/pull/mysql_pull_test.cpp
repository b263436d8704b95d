// MySQL/MariaDB pull against the live server (skipped without FLASH_TEST_MYSQL_URL).
#include "pull_test_util.hpp"

namespace flash::pull::test {
namespace {

#define MY_DB(db)                                      \
  auto db = ScratchDb::create(Dialect::mysql);         \
  if (!db) GTEST_SKIP() << "FLASH_TEST_MYSQL_URL is not set";

TEST(MysqlPull, ChinookRoundTrips) {
  for (const char* variant : {"chinook/mysql/schema.sql", "chinook/mysql-auto-increment-pks/schema.sql"}) {
    SCOPED_TRACE(variant);
    MY_DB(db);
    const std::string sql = corpus(variant);
    db->load(sql);
    const auto pulled = inspect(*db->conn);
    EXPECT_EQ(pulled.tables.size(), 11u);
    expect_round_trip(parse(sql, Dialect::mysql), pulled);
  }
}

const char* kAllFeatures = R"sql(
CREATE TABLE users (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  email VARCHAR(255) NOT NULL,
  name VARCHAR(100) DEFAULT 'anon',
  status ENUM('active', 'banned') NOT NULL DEFAULT 'active',
  flags SET('a', 'b'),
  active BOOLEAN NOT NULL DEFAULT 1,
  score DECIMAL(10,2),
  age INT CHECK (age >= 0),
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY users_email (email),
  KEY users_name (name(10))
) COMMENT='People';
CREATE TABLE posts (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id BIGINT UNSIGNED NOT NULL,
  title VARCHAR(200) NOT NULL COMMENT 'headline',
  CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT posts_title CHECK (title <> '')
);
CREATE INDEX posts_title_idx ON posts (title DESC);
CREATE TABLE _flash_migrations (id VARCHAR(64) PRIMARY KEY);
)sql";

TEST(MysqlPull, EveryFeatureRoundTrips) {
  MY_DB(db);
  db->load(kAllFeatures);
  const auto pulled = inspect(*db->conn);
  EXPECT_EQ(pulled.find_table("_flash_migrations"), nullptr);
  const auto* users = pulled.find_table("users");
  ASSERT_NE(users, nullptr);
  EXPECT_TRUE(users->find_column("id")->auto_increment);
  EXPECT_TRUE(users->find_column("id")->type.is_unsigned);
  EXPECT_EQ(users->find_column("status")->type.values, (std::vector<std::string>{"active", "banned"}));
  EXPECT_TRUE(users->find_column("updated_at")->on_update);
  auto files = parse(kAllFeatures, Dialect::mysql);
  std::erase_if(files.tables, [](const schema::Table& t) { return t.name == "_flash_migrations"; });
  expect_round_trip(files, pulled);
}

}  // namespace
}  // namespace flash::pull::test

namespace flash::pull::test {
namespace {

// Views are stored rewritten by the server (qualified, backquoted): pulled, in its spelling.
TEST(MysqlPull, ViewsArePulledInTheServersSpelling) {
  MY_DB(db);
  db->load("CREATE TABLE t (id INT PRIMARY KEY, n INT); CREATE VIEW v AS SELECT id, n FROM t WHERE n > 0;");
  const auto pulled = inspect(*db->conn);
  ASSERT_EQ(pulled.views.size(), 1u);
  EXPECT_EQ(pulled.views[0].name, "v");
  EXPECT_NE(pulled.views[0].query.find("`t`"), std::string::npos);
  EXPECT_TRUE(parse(schema::print_schema(pulled), Dialect::mysql) == pulled);
}

}  // namespace
}  // namespace flash::pull::test

// StatementDescriber (connection.hpp): a statement prepared and described without running it, on
// SQLite (in memory) and, with FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL, PostgreSQL and MySQL.
// Each test works in its own table names and drops them.
#include <gtest/gtest.h>

#include <cstdlib>

#include "flash/config/url.hpp"
#include "flash/driver/connection.hpp"

namespace {

using flash::driver::StatementDescription;

std::unique_ptr<flash::driver::SqlConnection> open(const char* env) {
  if (!env) return flash::driver::connect_sql(flash::config::parse_database_url("sqlite::memory:"));
  const char* url = std::getenv(env);
  if (!url || !*url) return nullptr;
  return flash::driver::connect_sql(flash::config::parse_database_url(url));
}

TEST(Describe, Sqlite) {
  auto c = open(nullptr);
  c->execute("CREATE TABLE dsc_users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, age INT)");
  auto* d = flash::driver::describer(*c);
  ASSERT_NE(d, nullptr);
  StatementDescription s = d->describe("SELECT id, email, age AS years, count(*) AS n FROM dsc_users WHERE id = ?1 AND email = ?2");
  EXPECT_EQ(s.param_count, 2u);
  ASSERT_EQ(s.columns.size(), 4u);
  EXPECT_EQ(s.columns[0].type.name, "INTEGER");
  EXPECT_EQ(s.columns[0].source_not_null, true);  // the rowid key
  EXPECT_EQ(s.columns[1].source_not_null, true);
  EXPECT_EQ(s.columns[2].name, "years");
  EXPECT_EQ(s.columns[2].column, "age");
  EXPECT_EQ(s.columns[2].source_not_null, false);
  EXPECT_EQ(s.columns[3].type.name, "");  // an expression has no declared type
  EXPECT_FALSE(s.columns[3].source_not_null.has_value());
  // Nothing ran: the table is still empty, and a statement that does not prepare throws.
  EXPECT_NO_THROW(d->describe("INSERT INTO dsc_users (email) VALUES (?)"));
  EXPECT_EQ(std::get<std::int64_t>(c->query("SELECT count(*) FROM dsc_users").rows[0][0]), 0);
  EXPECT_THROW(d->describe("SELECT nope FROM dsc_users"), flash::driver::DbError);
}

TEST(Describe, Postgres) {
  auto c = open("FLASH_TEST_PG_URL");
  if (!c) GTEST_SKIP() << "FLASH_TEST_PG_URL not set";
  c->execute("DROP TABLE IF EXISTS dsc_users; DROP DOMAIN IF EXISTS dsc_email; DROP TYPE IF EXISTS dsc_mood;"
             "CREATE TYPE dsc_mood AS ENUM ('ok', 'sad'); CREATE DOMAIN dsc_email AS text;"
             "CREATE TABLE dsc_users (id bigserial PRIMARY KEY, email dsc_email NOT NULL, name varchar(20),"
             " mood dsc_mood, tags text[] NOT NULL DEFAULT '{}', amount numeric(10,2))");
  auto* d = flash::driver::describer(*c);
  ASSERT_NE(d, nullptr);
  StatementDescription s = d->describe(
      "SELECT u.id, u.email, u.name, u.mood, u.tags, u.amount, count(*) OVER () AS n "
      "FROM dsc_users u WHERE u.id = $1 AND u.tags && $2 AND u.mood = $3");
  ASSERT_EQ(s.param_count, 3u);
  ASSERT_EQ(s.params.size(), 3u);
  EXPECT_EQ(s.params[0].base, "int8");
  EXPECT_EQ(s.params[1].base, "text");
  EXPECT_EQ(s.params[1].array_dims, 1);
  EXPECT_TRUE(s.params[2].is_enum);
  ASSERT_EQ(s.columns.size(), 7u);
  EXPECT_EQ(s.columns[0].type.id, 20u);
  EXPECT_EQ(s.columns[0].source_not_null, true);
  EXPECT_EQ(s.columns[1].type.base, "text");  // the domain resolved to its base
  EXPECT_EQ(s.columns[2].type.name, "character varying(20)");
  EXPECT_EQ(s.columns[2].source_not_null, false);
  EXPECT_EQ(s.columns[2].table, "dsc_users");
  EXPECT_EQ(s.columns[3].type.base, "dsc_mood");
  EXPECT_TRUE(s.columns[3].type.is_enum);
  EXPECT_EQ(s.columns[4].type.name, "text[]");
  EXPECT_EQ(s.columns[5].type.name, "numeric(10,2)");
  EXPECT_EQ(s.columns[6].type.base, "int8");
  EXPECT_TRUE(s.columns[6].table.empty());
  EXPECT_FALSE(s.columns[0].nullable.has_value());  // PostgreSQL does not tell
  EXPECT_THROW(d->describe("SELECT nope FROM dsc_users"), flash::driver::DbError);
  c->execute("DROP TABLE dsc_users; DROP DOMAIN dsc_email; DROP TYPE dsc_mood");
}

TEST(Describe, Mysql) {
  auto c = open("FLASH_TEST_MYSQL_URL");
  if (!c) GTEST_SKIP() << "FLASH_TEST_MYSQL_URL not set";
  c->execute("DROP TABLE IF EXISTS dsc_posts; DROP TABLE IF EXISTS dsc_users;"
             "CREATE TABLE dsc_users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(100) NOT NULL,"
             " active BOOLEAN NOT NULL, avatar BLOB, mood ENUM('ok','sad'), n INT UNSIGNED);"
             "CREATE TABLE dsc_posts (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, title TEXT NOT NULL)");
  auto* d = flash::driver::describer(*c);
  ASSERT_NE(d, nullptr);
  StatementDescription s = d->describe(
      "SELECT u.id, u.email, u.active, u.avatar, u.mood, u.n, p.title, COUNT(*) AS c "
      "FROM dsc_users u LEFT JOIN dsc_posts p ON p.user_id = u.id WHERE u.id = ? GROUP BY u.id, p.title");
  EXPECT_EQ(s.param_count, 1u);
  EXPECT_TRUE(s.params.empty());  // MySQL does not infer parameter types
  ASSERT_EQ(s.columns.size(), 8u);
  EXPECT_EQ(s.columns[0].type.base, "BIGINT");
  EXPECT_EQ(s.columns[0].nullable, false);
  EXPECT_EQ(s.columns[1].type.base, "VARCHAR");
  EXPECT_EQ(s.columns[1].table, "dsc_users");
  EXPECT_EQ(s.columns[2].type.base, "TINYINT");
  EXPECT_EQ(s.columns[2].type.length, 1u);
  EXPECT_TRUE(s.columns[3].type.binary);
  EXPECT_EQ(s.columns[3].nullable, true);
  EXPECT_TRUE(s.columns[4].type.is_enum);
  EXPECT_TRUE(s.columns[5].type.is_unsigned);
  EXPECT_EQ(s.columns[5].type.base, "INT");
  EXPECT_EQ(s.columns[6].nullable, true);  // NOT NULL in its table, but outer-joined
  EXPECT_EQ(s.columns[7].nullable, false);
  EXPECT_THROW(d->describe("SELECT nope FROM dsc_users"), flash::driver::DbError);
  c->execute("DROP TABLE dsc_posts; DROP TABLE dsc_users");
}

}  // namespace

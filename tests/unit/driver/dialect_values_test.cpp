// Per-database value mapping beyond the common types: text-form types (NUMERIC, dates, UUID,
// JSON), user-defined types, unsigned and bit types, and SQLite's connection options. The server
// tests skip without FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "flash/config/url.hpp"
#include "flash/driver/connection.hpp"

namespace flash::driver {
namespace {

std::unique_ptr<SqlConnection> connect_env(const char* var) {
  const char* v = std::getenv(var);
  if (v == nullptr || *v == '\0') return nullptr;
  return connect_sql(config::parse_database_url(v));
}

std::string table_name(const char* prefix) {
  return std::string(prefix) + std::to_string(::getpid());
}

// Reads all rows of a cursor.
std::vector<std::vector<Value>> drain(RowCursor& cur) {
  std::vector<std::vector<Value>> rows;
  std::vector<Value> row;
  while (cur.next(row)) rows.push_back(row);
  return rows;
}

TEST(PostgresValues, TextFormTypesAndUserDefinedTypeNames) {
  auto c = connect_env("FLASH_TEST_PG_URL");
  if (!c) GTEST_SKIP() << "FLASH_TEST_PG_URL is not set";
  const std::string mood = table_name("flash_mood_");
  const std::string t = table_name("flash_pgvals_");
  c->execute("DROP TABLE IF EXISTS " + t + "; DROP TYPE IF EXISTS " + mood);
  c->execute("CREATE TYPE " + mood + " AS ENUM ('sad', 'happy'); CREATE TABLE " + t +
             " (n NUMERIC(12,3), ts TIMESTAMPTZ, u UUID, j JSONB, m " + mood +
             ", s SMALLINT, r REAL, arr INTEGER[])");
  const std::vector<Value> params{std::string("12345.678"), std::string("2024-01-02 03:04:05.5+00"),
                                  std::string("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
                                  std::string("{\"k\": [1, 2]}"), std::string("happy"),
                                  std::int64_t{-32768}, 0.5, std::string("{1,2,3}")};
  c->query("INSERT INTO " + t + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", params);
  c->execute("SET TIME ZONE 'UTC'");
  const std::string select = "SELECT n, ts, u, j, m, s, r, arr FROM " + t;
  const ResultSet rs = c->query(select);
  const std::vector<Value> expected{std::string("12345.678"), std::string("2024-01-02 03:04:05.5+00"),
                                    std::string("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
                                    std::string("{\"k\": [1, 2]}"), std::string("happy"),
                                    std::int64_t{-32768}, 0.5, std::string("{1,2,3}")};
  ASSERT_EQ(rs.rows.size(), 1u);
  EXPECT_EQ(rs.rows[0], expected);
  const std::vector<std::string> types{"numeric", "timestamptz", "uuid", "jsonb", mood, "int2", "float4", "_int4"};
  ASSERT_EQ(rs.columns.size(), types.size());
  for (std::size_t i = 0; i < types.size(); ++i) EXPECT_EQ(rs.columns[i].type, types[i]);

  // The stream path resolves the same names (before the rows arrive) and values.
  auto cur = c->stream(select);
  for (std::size_t i = 0; i < types.size(); ++i) EXPECT_EQ(cur->columns()[i].type, types[i]);
  const auto rows = drain(*cur);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], expected);

  c->execute("DROP TABLE " + t + "; DROP TYPE " + mood);
}

// A fresh connection streams a parameterised query over a user-defined type first: resolving the
// type's name must not disturb the prepared statement the stream executes.
TEST(PostgresValues, StreamResolvesUnknownTypesBeforeExecuting) {
  auto setup = connect_env("FLASH_TEST_PG_URL");
  if (!setup) GTEST_SKIP() << "FLASH_TEST_PG_URL is not set";
  const std::string mood = table_name("flash_smood_");
  const std::string t = table_name("flash_sstream_");
  setup->execute("DROP TABLE IF EXISTS " + t + "; DROP TYPE IF EXISTS " + mood);
  setup->execute("CREATE TYPE " + mood + " AS ENUM ('sad', 'happy'); CREATE TABLE " + t + " (id int, m " +
                 mood + "); INSERT INTO " + t + " VALUES (1, 'sad'), (2, 'happy')");
  auto c = connect_env("FLASH_TEST_PG_URL");
  const std::vector<Value> params{std::int64_t{2}};
  auto cur = c->stream("SELECT id, m FROM " + t + " WHERE id = $1", params);
  EXPECT_EQ(cur->columns()[1].type, mood);
  const auto rows = drain(*cur);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][1], Value(std::string("happy")));
  setup->execute("DROP TABLE " + t + "; DROP TYPE " + mood);
}

TEST(PostgresValues, NoticesAndEmptyStatementsAreNotErrors) {
  auto c = connect_env("FLASH_TEST_PG_URL");
  if (!c) GTEST_SKIP() << "FLASH_TEST_PG_URL is not set";
  EXPECT_NO_THROW(c->execute("DROP TABLE IF EXISTS flash_never_existed_table"));
  EXPECT_NO_THROW(c->execute("-- nothing but a comment"));
  // Errors in an aborted transaction keep their SQLSTATE (25P02) until ROLLBACK.
  c->begin();
  EXPECT_THROW(c->query("SELECT 1/0"), DbError);
  try {
    c->query("SELECT 1");
    FAIL();
  } catch (const DbError& e) {
    EXPECT_EQ(e.sqlstate(), "25P02");
  }
  c->rollback();
  EXPECT_EQ(c->query("SELECT 1").rows.at(0).at(0), Value(std::int64_t{1}));
}

TEST(MySqlValues, TextAndBinaryProtocolsAgree) {
  auto c = connect_env("FLASH_TEST_MYSQL_URL");
  if (!c) GTEST_SKIP() << "FLASH_TEST_MYSQL_URL is not set";
  const std::string t = table_name("flash_myvals_");
  c->execute("DROP TABLE IF EXISTS " + t);
  c->execute("CREATE TABLE " + t +
             " (id INT PRIMARY KEY, n DECIMAL(12,3), dt DATETIME(6), d DATE, tm TIME, j JSON, "
             "e ENUM('sad','happy'), ub BIGINT UNSIGNED, b1 BIT(1), b8 BIT(8), f FLOAT, "
             "vb VARBINARY(10), big MEDIUMTEXT)");
  const std::string big(5000, 'x');
  const std::vector<Value> params{std::int64_t{1},
                                  std::string("12345.678"),
                                  std::string("2024-01-02 03:04:05.123456"),
                                  std::string("2024-02-29"),
                                  std::string("13:14:15"),
                                  std::string("{\"k\": [1, 2]}"),
                                  std::string("happy"),
                                  std::string("18446744073709551615"),
                                  true,
                                  std::int64_t{5},
                                  0.5,
                                  Blob{std::string("\0\x01", 2)},
                                  big};
  c->query("INSERT INTO " + t + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", params);
  const std::string select = "SELECT n, dt, d, tm, j, e, ub, b1, b8, f, vb, big FROM " + t;
  const std::vector<Value> expected{std::string("12345.678"),
                                    std::string("2024-01-02 03:04:05.123456"),
                                    std::string("2024-02-29"),
                                    std::string("13:14:15"),
                                    std::string("{\"k\": [1, 2]}"),
                                    std::string("happy"),
                                    std::string("18446744073709551615"),
                                    true,
                                    std::int64_t{5},
                                    0.5,
                                    Blob{std::string("\0\x01", 2)},
                                    big};
  const ResultSet text = c->query(select);
  const std::vector<Value> one{std::int64_t{1}};
  const ResultSet binary = c->query(select + " WHERE id = ?", one);
  ASSERT_EQ(text.rows.size(), 1u);
  ASSERT_EQ(binary.rows.size(), 1u);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(text.rows[0][i], expected[i]) << "text column " << i << ": " << to_display(text.rows[0][i]);
    EXPECT_EQ(binary.rows[0][i], expected[i]) << "binary column " << i << ": " << to_display(binary.rows[0][i]);
  }
  const std::vector<std::string> types{"DECIMAL", "DATETIME", "DATE", "TIME", "LONGTEXT", "ENUM",
                                       "BIGINT UNSIGNED", "BIT", "BIT", "FLOAT", "VARBINARY", "MEDIUMTEXT"};
  for (std::size_t i = 0; i < types.size(); ++i) {
    EXPECT_EQ(text.columns[i].type, types[i]) << "column " << i;
    EXPECT_EQ(binary.columns[i].type, types[i]) << "column " << i;
  }
  // Streams (text protocol, and prepared with a parameter) read the same values.
  auto plain = c->stream(select);
  EXPECT_EQ(drain(*plain), text.rows);
  auto bound = c->stream(select + " WHERE id = ?", one);
  EXPECT_EQ(drain(*bound), text.rows);
  c->execute("DROP TABLE " + t);
}

TEST(MySqlValues, WrongParameterCountIsADbError) {
  auto c = connect_env("FLASH_TEST_MYSQL_URL");
  if (!c) GTEST_SKIP() << "FLASH_TEST_MYSQL_URL is not set";
  const std::vector<Value> two{std::int64_t{1}, std::int64_t{2}};
  EXPECT_THROW(c->query("SELECT ?", two), DbError);
  EXPECT_EQ(c->query("SELECT 1").rows.at(0).at(0), Value(std::int64_t{1}));
}

// A connection killed by the server reports connection_usable() == false.
TEST(PostgresValues, TerminatedConnectionIsNotUsable) {
  auto victim = connect_env("FLASH_TEST_PG_URL");
  if (!victim) GTEST_SKIP() << "FLASH_TEST_PG_URL is not set";
  auto killer = connect_env("FLASH_TEST_PG_URL");
  const Value pid = victim->query("SELECT pg_backend_pid()").rows.at(0).at(0);
  killer->query("SELECT pg_terminate_backend($1)", std::span<const Value>(&pid, 1));
  try {
    victim->query("SELECT 1");
    FAIL() << "expected an error on a terminated connection";
  } catch (const DbError& e) {
    EXPECT_FALSE(e.connection_usable()) << e.what();
  }
}

TEST(MySqlValues, KilledConnectionIsNotUsable) {
  auto victim = connect_env("FLASH_TEST_MYSQL_URL");
  if (!victim) GTEST_SKIP() << "FLASH_TEST_MYSQL_URL is not set";
  auto killer = connect_env("FLASH_TEST_MYSQL_URL");
  const Value id = victim->query("SELECT CONNECTION_ID()").rows.at(0).at(0);
  killer->execute("KILL CONNECTION " + to_display(id));
  try {
    victim->query("SELECT 1");
    FAIL() << "expected an error on a killed connection";
  } catch (const DbError& e) {
    EXPECT_FALSE(e.connection_usable()) << e.what() << " (" << e.native_code() << ")";
  }
}

TEST(SqliteValues, MemoryDatabaseAndDeclaredTypes) {
  auto c = connect_sql(config::parse_database_url("sqlite::memory:"));
  c->execute("CREATE TABLE t (flag BOOL, amount NUMERIC, note VARCHAR(10), any_col)");
  const std::vector<Value> p{false, 2.5, std::string("x"), std::int64_t{9}};
  c->query("INSERT INTO t VALUES (?, ?, ?, ?)", p);
  const ResultSet rs = c->query("SELECT flag, amount, note, any_col, 1 + 1 AS expr FROM t");
  ASSERT_EQ(rs.rows.size(), 1u);
  EXPECT_EQ(rs.rows[0], (std::vector<Value>{false, 2.5, std::string("x"), std::int64_t{9}, std::int64_t{2}}));
  EXPECT_EQ(rs.columns[0].type, "BOOL");
  EXPECT_EQ(rs.columns[2].type, "VARCHAR(10)");
  EXPECT_EQ(rs.columns[3].type, "");  // no declared type
  EXPECT_EQ(rs.columns[4].name, "expr");
  // query() runs one statement; a second one is an error rather than silently ignored.
  EXPECT_THROW(c->query("SELECT 1; SELECT 2"), DbError);
}

TEST(SqliteValues, ForeignKeysAreEnforcedAndErrorsCarryExtendedCodes) {
  auto c = connect_sql(config::parse_database_url("sqlite::memory:"));
  c->execute("CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE ch (pid INTEGER REFERENCES p(id));");
  try {
    c->execute("INSERT INTO ch VALUES (1)");
    FAIL() << "foreign key not enforced";
  } catch (const DbError& e) {
    EXPECT_EQ(e.native_code(), 787);  // SQLITE_CONSTRAINT_FOREIGNKEY
    EXPECT_EQ(e.sqlstate(), "");
    EXPECT_EQ(e.statement(), "INSERT INTO ch VALUES (1)");
  }
}

TEST(SqliteValues, ReadOnlyModeRejectsWrites) {
  const auto path = std::filesystem::temp_directory_path() / ("flash_ro_" + std::to_string(::getpid()) + ".db");
  {
    auto rw = connect_sql(config::parse_database_url("sqlite://" + path.string()));
    rw->execute("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);");
  }
  {
    auto ro = connect_sql(config::parse_database_url("sqlite://" + path.string() + "?mode=ro"));
    EXPECT_EQ(ro->query("SELECT x FROM t").rows.at(0).at(0), Value(std::int64_t{1}));
    EXPECT_THROW(ro->execute("INSERT INTO t VALUES (2)"), DbError);
    Transaction tx(*ro);  // a read transaction still works
    EXPECT_EQ(ro->query("SELECT COUNT(*) FROM t").rows.at(0).at(0), Value(std::int64_t{1}));
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace flash::driver

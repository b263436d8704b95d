// One typed test suite, run against every SQL database: PostgreSQL and MySQL/MariaDB when
// FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL are set (scripts/db.sh start prints them), SQLite
// always (a temporary file). Each test works in its own table so tests may run in parallel.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>

#include "flash/config/url.hpp"
#include "flash/driver/connection.hpp"

namespace flash::driver {
namespace {

using schema::Dialect;

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

std::string unique_suffix() {
  static std::atomic<int> counter{0};
  return std::to_string(::getpid()) + "_" + std::to_string(counter++);
}

struct Postgres {
  static constexpr Dialect dialect = Dialect::postgresql;
  static std::optional<std::string> url() { return env("FLASH_TEST_PG_URL"); }
  static constexpr const char* skip = "FLASH_TEST_PG_URL is not set (eval \"$(scripts/db.sh start)\")";
  static std::string ph(int i) { return "$" + std::to_string(i); }
  static constexpr const char* id_column = "id BIGSERIAL PRIMARY KEY";
  static constexpr const char* double_type = "DOUBLE PRECISION";
  static constexpr const char* blob_type = "BYTEA";
  static std::string to_text(const std::string& e) { return "CAST(" + e + " AS TEXT)"; }
  static Value boolean(bool b) { return b; }
  static std::vector<std::string> column_types() { return {"int8", "float8", "bool", "text", "bytea"}; }
  static constexpr const char* unique_sqlstate = "23505";
  static constexpr int unique_native = 0;
  static constexpr const char* syntax_sqlstate = "42601";
  static constexpr bool has_last_insert_id = false;
};

struct MySql {
  static constexpr Dialect dialect = Dialect::mysql;
  static std::optional<std::string> url() { return env("FLASH_TEST_MYSQL_URL"); }
  static constexpr const char* skip = "FLASH_TEST_MYSQL_URL is not set (eval \"$(scripts/db.sh start)\")";
  static std::string ph(int) { return "?"; }
  static constexpr const char* id_column = "id BIGINT AUTO_INCREMENT PRIMARY KEY";
  static constexpr const char* double_type = "DOUBLE";
  static constexpr const char* blob_type = "LONGBLOB";
  static std::string to_text(const std::string& e) { return "CAST(" + e + " AS CHAR)"; }
  // BOOLEAN is TINYINT(1) in MySQL: it reads back as the integer, losslessly.
  static Value boolean(bool b) { return std::int64_t{b ? 1 : 0}; }
  static std::vector<std::string> column_types() { return {"BIGINT", "DOUBLE", "TINYINT", "TEXT", "LONGBLOB"}; }
  static constexpr const char* unique_sqlstate = "23000";
  static constexpr int unique_native = 1062;  // ER_DUP_ENTRY
  static constexpr const char* syntax_sqlstate = "42000";
  static constexpr bool has_last_insert_id = true;
};

struct Sqlite {
  static constexpr Dialect dialect = Dialect::sqlite;
  static std::optional<std::string> url() {
    return "sqlite://" + (std::filesystem::temp_directory_path() /
                          ("flash_driver_test_" + unique_suffix() + ".db"))
                             .string();
  }
  static constexpr const char* skip = "";
  static std::string ph(int) { return "?"; }
  static constexpr const char* id_column = "id INTEGER PRIMARY KEY";
  static constexpr const char* double_type = "DOUBLE";
  static constexpr const char* blob_type = "BLOB";
  static std::string to_text(const std::string& e) { return "CAST(" + e + " AS TEXT)"; }
  static Value boolean(bool b) { return b; }
  static std::vector<std::string> column_types() { return {"BIGINT", "DOUBLE", "BOOLEAN", "TEXT", "BLOB"}; }
  static constexpr const char* unique_sqlstate = "";
  static constexpr int unique_native = 2067;  // SQLITE_CONSTRAINT_UNIQUE
  static constexpr const char* syntax_sqlstate = "";
  static constexpr bool has_last_insert_id = true;
};

template <class T>
class SqlConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto u = T::url();
    if (!u) GTEST_SKIP() << T::skip;
    url_ = config::parse_database_url(*u);
    conn_ = connect_sql(url_);
    table_ = "flash_drv_" + unique_suffix();
    conn_->execute("DROP TABLE IF EXISTS " + table_);
  }

  void TearDown() override {
    if (conn_) {
      try {
        conn_->execute("DROP TABLE IF EXISTS " + table_);
      } catch (const DbError&) {
      }
      conn_.reset();
    }
    if (url_.dialect == Dialect::sqlite && !url_.is_memory()) {
      std::error_code ec;
      std::filesystem::remove(url_.database, ec);
    }
  }

  // A table with one column per Value type (plus a nullable text column).
  void create_typed_table() {
    conn_->execute("CREATE TABLE " + table_ + " (" + T::id_column + ", i BIGINT, d " +
                   T::double_type + ", b BOOLEAN, t TEXT, bl " + T::blob_type + ", n TEXT)");
  }

  std::string insert_typed() const {
    return "INSERT INTO " + table_ + " (i, d, b, t, bl, n) VALUES (" + T::ph(1) + ", " + T::ph(2) +
           ", " + T::ph(3) + ", " + T::ph(4) + ", " + T::ph(5) + ", " + T::ph(6) + ")";
  }

  std::int64_t count() {
    const ResultSet rs = conn_->query("SELECT COUNT(*) FROM " + table_);
    return std::get<std::int64_t>(rs.rows.at(0).at(0));
  }

  // 10,000 rows (i, t) = (n, 'n') for n = 1..10000, generated by the server from a digits table
  // (portable: MariaDB caps recursive CTEs at 1000 iterations by default).
  void fill_10k() {
    conn_->execute("CREATE TABLE " + table_ + " (i BIGINT NOT NULL, t TEXT)");
    const std::string digits =
        "(SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL "
        "SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 "
        "UNION ALL SELECT 9)";
    const std::string n = "(a.n + 10 * b.n + 100 * c.n + 1000 * e.n + 1)";
    const ResultSet rs = conn_->query("INSERT INTO " + table_ + " (i, t) SELECT " + n + ", " +
                                      T::to_text(n) + " FROM " + digits + " a, " + digits +
                                      " b, " + digits + " c, " + digits + " e");
    ASSERT_EQ(rs.affected_rows, 10000);
  }

  config::DatabaseUrl url_;
  std::unique_ptr<SqlConnection> conn_;
  std::string table_;
};

using Databases = ::testing::Types<Postgres, MySql, Sqlite>;

struct DatabaseNames {
  template <class T>
  static std::string GetName(int) {
    if (std::is_same_v<T, Postgres>) return "Postgres";
    if (std::is_same_v<T, MySql>) return "MySql";
    return "Sqlite";
  }
};

TYPED_TEST_SUITE(SqlConnectionTest, Databases, DatabaseNames);

TYPED_TEST(SqlConnectionTest, ConnectsAndReportsDialectAndVersion) {
  EXPECT_EQ(this->conn_->dialect(), TypeParam::dialect);
  EXPECT_FALSE(this->conn_->server_version().empty());
  EXPECT_EQ(this->conn_->transactional_ddl(), TypeParam::dialect != Dialect::mysql);
  const ResultSet rs = this->conn_->query("SELECT 1 + 1");
  ASSERT_EQ(rs.rows.size(), 1u);
  EXPECT_EQ(rs.rows[0][0], Value(std::int64_t{2}));
  EXPECT_EQ(rs.affected_rows, -1);
}

TYPED_TEST(SqlConnectionTest, ExecuteRunsAScriptOfSeveralStatements) {
  const std::string& t = this->table_;
  this->conn_->execute("-- a script\nCREATE TABLE " + t + " (id INT PRIMARY KEY, name TEXT);\n" +
                       "INSERT INTO " + t + " VALUES (1, 'a');\n/* two */ INSERT INTO " + t +
                       " VALUES (2, 'b;c');\n-- trailing comment\n");
  EXPECT_EQ(this->count(), 2);
  const ResultSet rs = this->conn_->query("SELECT name FROM " + t + " WHERE id = 2");
  EXPECT_EQ(rs.rows.at(0).at(0), Value(std::string("b;c")));

  // An error in a later statement of a script surfaces as a DbError.
  const std::string bad = "INSERT INTO " + t + " VALUES (3, 'c'); INSERT INTO " + t + " VALUES (1, 'dup');";
  EXPECT_THROW(this->conn_->execute(bad), DbError);
  // The connection still works afterwards.
  EXPECT_GE(this->count(), 2);
}

TYPED_TEST(SqlConnectionTest, RoundTripsEveryValueType) {
  this->create_typed_table();
  const std::string unicode = "h\xC3\xA9llo \xF0\x9F\x8C\x8D \xE6\x97\xA5\xE6\x9C\xAC \"quoted\" 'single'";
  const Blob zeros{std::string("\0a\0\xff\x01\0", 6)};
  const std::vector<std::vector<Value>> rows = {
      {std::numeric_limits<std::int64_t>::max(), 3.25, true, unicode, zeros, Null{}},
      {std::numeric_limits<std::int64_t>::min(), -1.5e300, false, std::string(), Blob{}, Null{}},
      {std::int64_t{0}, 0.1, true, std::string("plain"), Blob{std::string(1000, '\0')}, Null{}},
      {Null{}, Null{}, Null{}, Null{}, Null{}, std::string("only n")},
  };
  for (const auto& r : rows) {
    const ResultSet ins = this->conn_->query(this->insert_typed(), r);
    EXPECT_EQ(ins.affected_rows, 1);
  }
  auto expected = [&](std::size_t row, std::size_t col) -> Value {
    const Value& v = rows[row][col];
    if (const bool* b = std::get_if<bool>(&v)) return TypeParam::boolean(*b);
    return v;
  };
  const std::string select = "SELECT i, d, b, t, bl, n FROM " + this->table_;
  // Both paths: without parameters (MySQL: text protocol) and with them (MySQL: binary protocol).
  const ResultSet plain = this->conn_->query(select + " ORDER BY id");
  const std::vector<Value> min_id{std::int64_t{0}};
  const ResultSet bound = this->conn_->query(select + " WHERE id > " + TypeParam::ph(1) + " ORDER BY id", min_id);
  for (const ResultSet* rs : {&plain, &bound}) {
    ASSERT_EQ(rs->rows.size(), rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
      ASSERT_EQ(rs->rows[r].size(), 6u);
      for (std::size_t c = 0; c < 6; ++c) {
        EXPECT_EQ(rs->rows[r][c], expected(r, c))
            << "row " << r << " column " << c << ": got " << to_display(rs->rows[r][c])
            << ", want " << to_display(expected(r, c));
      }
    }
  }
  // A parameter compared against a column, and a value of every type selected back.
  const std::vector<Value> key{unicode};
  const ResultSet found = this->conn_->query("SELECT bl FROM " + this->table_ + " WHERE t = " + TypeParam::ph(1), key);
  ASSERT_EQ(found.rows.size(), 1u);
  EXPECT_EQ(found.rows[0][0], Value(zeros));
}

TYPED_TEST(SqlConnectionTest, ReportsColumnNamesAndTypes) {
  this->create_typed_table();
  const ResultSet rs = this->conn_->query("SELECT i, d, b, t, bl FROM " + this->table_);
  ASSERT_EQ(rs.columns.size(), 5u);
  const std::vector<std::string> names{"i", "d", "b", "t", "bl"};
  const std::vector<std::string> types = TypeParam::column_types();
  for (std::size_t c = 0; c < 5; ++c) {
    EXPECT_EQ(rs.columns[c].name, names[c]);
    EXPECT_EQ(rs.columns[c].type, types[c]) << "column " << names[c];
  }
  EXPECT_TRUE(rs.rows.empty());
}

TYPED_TEST(SqlConnectionTest, ReportsAffectedRowsAndLastInsertId) {
  this->create_typed_table();
  const std::string& t = this->table_;
  const std::vector<Value> one{std::int64_t{7}};
  const ResultSet first = this->conn_->query("INSERT INTO " + t + " (i) VALUES (" + TypeParam::ph(1) + ")", one);
  EXPECT_EQ(first.affected_rows, 1);
  const ResultSet ids = this->conn_->query("SELECT id FROM " + t);
  const std::int64_t id = std::get<std::int64_t>(ids.rows.at(0).at(0));
  if (TypeParam::has_last_insert_id) {
    ASSERT_TRUE(first.last_insert_id.has_value());
    EXPECT_EQ(*first.last_insert_id, id);
  } else {
    EXPECT_FALSE(first.last_insert_id.has_value());
  }

  const ResultSet three = this->conn_->query("INSERT INTO " + t + " (i) VALUES (1), (2), (3)");
  EXPECT_EQ(three.affected_rows, 3);
  const std::vector<Value> limit{std::int64_t{2}};
  const ResultSet upd = this->conn_->query("UPDATE " + t + " SET d = 1.5 WHERE i <= " + TypeParam::ph(1), limit);
  EXPECT_EQ(upd.affected_rows, 2);
  // Matched rows count even when the value does not change (CLIENT_FOUND_ROWS on MySQL).
  const ResultSet same = this->conn_->query("UPDATE " + t + " SET d = 1.5 WHERE i <= 2");
  EXPECT_EQ(same.affected_rows, 2);
  const ResultSet sel = this->conn_->query("SELECT * FROM " + t);
  EXPECT_EQ(sel.affected_rows, -1);
  EXPECT_EQ(sel.rows.size(), 4u);
  const ResultSet del = this->conn_->query("DELETE FROM " + t);
  EXPECT_EQ(del.affected_rows, 4);
  EXPECT_FALSE(del.last_insert_id.has_value());
}

TYPED_TEST(SqlConnectionTest, TransactionCommitIsVisibleToOtherConnections) {
  this->conn_->execute("CREATE TABLE " + this->table_ + " (i BIGINT)");
  {
    Transaction tx(*this->conn_);
    this->conn_->query("INSERT INTO " + this->table_ + " (i) VALUES (1)");
    EXPECT_TRUE(tx.active());
    tx.commit();
    EXPECT_FALSE(tx.active());
  }
  auto other = connect_sql(this->url_);
  const ResultSet rs = other->query("SELECT COUNT(*) FROM " + this->table_);
  EXPECT_EQ(rs.rows.at(0).at(0), Value(std::int64_t{1}));
}

TYPED_TEST(SqlConnectionTest, TransactionRollsBackOnDestruction) {
  this->conn_->execute("CREATE TABLE " + this->table_ + " (i BIGINT PRIMARY KEY)");
  {
    Transaction tx(*this->conn_);
    this->conn_->query("INSERT INTO " + this->table_ + " (i) VALUES (1)");
    EXPECT_EQ(this->count(), 1);
  }
  EXPECT_EQ(this->count(), 0);

  // Also after a failed statement inside the transaction (PostgreSQL: an aborted transaction).
  {
    Transaction tx(*this->conn_);
    this->conn_->query("INSERT INTO " + this->table_ + " (i) VALUES (2)");
    EXPECT_THROW(this->conn_->query("INSERT INTO " + this->table_ + " (i) VALUES (2)"), DbError);
  }
  EXPECT_EQ(this->count(), 0);

  // Explicit begin/rollback.
  this->conn_->begin();
  this->conn_->query("INSERT INTO " + this->table_ + " (i) VALUES (3)");
  this->conn_->rollback();
  EXPECT_EQ(this->count(), 0);
}

TYPED_TEST(SqlConnectionTest, UniqueViolationCarriesSqlstateCodeAndStatement) {
  this->conn_->execute("CREATE TABLE " + this->table_ + " (email VARCHAR(100) NOT NULL UNIQUE)");
  const std::string insert = "INSERT INTO " + this->table_ + " (email) VALUES (" + TypeParam::ph(1) + ")";
  const std::vector<Value> email{std::string("a@example.com")};
  this->conn_->query(insert, email);
  try {
    this->conn_->query(insert, email);
    FAIL() << "expected a unique violation";
  } catch (const DbError& e) {
    EXPECT_EQ(e.sqlstate(), TypeParam::unique_sqlstate);
    EXPECT_EQ(e.native_code(), TypeParam::unique_native);
    EXPECT_EQ(e.statement(), insert);
    EXPECT_TRUE(e.connection_usable());
    EXPECT_FALSE(std::string(e.what()).empty());
  }
  // The same through execute() of a literal statement.
  const std::string literal = "INSERT INTO " + this->table_ + " (email) VALUES ('a@example.com')";
  try {
    this->conn_->execute(literal);
    FAIL() << "expected a unique violation";
  } catch (const DbError& e) {
    EXPECT_EQ(e.sqlstate(), TypeParam::unique_sqlstate);
    EXPECT_EQ(e.native_code(), TypeParam::unique_native);
    EXPECT_EQ(e.statement(), literal);
  }
  EXPECT_EQ(this->count(), 1);
}

TYPED_TEST(SqlConnectionTest, SyntaxErrorIsADbError) {
  try {
    this->conn_->query("SELEC 1");
    FAIL() << "expected a syntax error";
  } catch (const DbError& e) {
    EXPECT_EQ(e.sqlstate(), TypeParam::syntax_sqlstate);
    EXPECT_EQ(e.statement(), "SELEC 1");
    EXPECT_TRUE(e.connection_usable());
  }
  EXPECT_EQ(this->conn_->query("SELECT 2").rows.at(0).at(0), Value(std::int64_t{2}));
}

TYPED_TEST(SqlConnectionTest, Streams10kRowsThroughACursor) {
  this->fill_10k();
  if (this->HasFatalFailure()) return;
  {
    auto cur = this->conn_->stream("SELECT i, t FROM " + this->table_ + " ORDER BY i");
    ASSERT_EQ(cur->columns().size(), 2u);
    EXPECT_EQ(cur->columns()[0].name, "i");
    std::vector<Value> row;
    std::int64_t expected = 1;
    while (cur->next(row)) {
      ASSERT_EQ(row.size(), 2u);
      ASSERT_EQ(row[0], Value(expected));
      ASSERT_EQ(row[1], Value(std::to_string(expected)));
      ++expected;
    }
    EXPECT_EQ(expected, 10001);
    EXPECT_FALSE(cur->next(row));
  }
  {
    // With a parameter (MySQL: a prepared statement fetched row by row).
    const std::vector<Value> from{std::int64_t{5000}};
    auto cur = this->conn_->stream("SELECT i FROM " + this->table_ + " WHERE i > " + TypeParam::ph(1) + " ORDER BY i", from);
    std::vector<Value> row;
    std::int64_t n = 0, sum = 0;
    while (cur->next(row)) {
      ++n;
      sum += std::get<std::int64_t>(row[0]);
    }
    EXPECT_EQ(n, 5000);
    EXPECT_EQ(sum, (5001 + 10000) * 5000 / 2);
  }
  // Abandoning cursors half-way leaves the connection usable.
  for (bool with_param : {false, true}) {
    const std::vector<Value> none{std::int64_t{0}};
    auto cur = with_param
                   ? this->conn_->stream("SELECT i, t FROM " + this->table_ + " WHERE i > " + TypeParam::ph(1), none)
                   : this->conn_->stream("SELECT i, t FROM " + this->table_);
    std::vector<Value> row;
    for (int k = 0; k < 10; ++k) ASSERT_TRUE(cur->next(row));
    cur.reset();
    EXPECT_EQ(this->count(), 10000);
  }
}

TYPED_TEST(SqlConnectionTest, StreamReportsErrors) {
  EXPECT_THROW(
      {
        auto cur = this->conn_->stream("SELECT * FROM no_such_table_" + this->table_);
        std::vector<Value> row;
        while (cur->next(row)) {
        }
      },
      DbError);
  EXPECT_EQ(this->conn_->query("SELECT 3").rows.at(0).at(0), Value(std::int64_t{3}));
}

TYPED_TEST(SqlConnectionTest, ConnectErrorNeverShowsThePassword) {
  const std::string password = "Sup3r-Secret-Pw-42";
  const config::DatabaseUrl& u = this->url_;
  auto server_url = [&](int port) {
    return u.scheme + "://" + u.user + ":" + password + "@" + u.host + ":" + std::to_string(port) +
           "/" + u.database;
  };
  auto expect_connect_error = [&](const std::string& url_text, const std::string& must_mention) {
    const config::DatabaseUrl bad = config::parse_database_url(url_text);
    try {
      connect_sql(bad);
      ADD_FAILURE() << "expected ConnectError for " << bad.redacted();
    } catch (const ConnectError& e) {
      const std::string msg = e.what();
      EXPECT_EQ(msg.find(password), std::string::npos) << msg;
      EXPECT_NE(msg.find("cannot"), std::string::npos) << msg;
      EXPECT_NE(msg.find(must_mention), std::string::npos) << msg;
    }
  };
  if (TypeParam::dialect == Dialect::sqlite) {
    expect_connect_error("sqlite:///nonexistent-dir-for-flash-tests/sub/x.db", "nonexistent-dir");
    return;
  }
  // Nothing listens on port 1: unreachable.
  expect_connect_error(server_url(1), ":1/");
  // Reachable server, wrong password: an authentication failure, also without the password.
  expect_connect_error(server_url(*u.port), std::to_string(*u.port));

  // A DatabaseUrl built in code (no original text) is described from its fields.
  config::DatabaseUrl built = u;
  built.original.clear();
  built.password = password;
  built.port = 1;
  try {
    connect_sql(built);
    ADD_FAILURE() << "expected ConnectError";
  } catch (const ConnectError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.find(password), std::string::npos) << msg;
    EXPECT_NE(msg.find(u.host + ":1"), std::string::npos) << msg;
  }
}

// libpq's multi-host URL (how clients reach a Patroni cluster): the hosts are tried in turn and
// target_session_attrs chooses among them; both travel to libpq from the URL.
TEST(PostgresUrl, HostListAndTargetSessionAttrs) {
  auto raw = env("FLASH_TEST_PG_URL");
  if (!raw) GTEST_SKIP() << Postgres::skip;
  const auto u = config::parse_database_url(*raw);
  ASSERT_TRUE(u.port);
  const std::string auth = u.user + ":" + u.password + "@";
  const std::string port = std::to_string(*u.port);
  // Nothing listens on port 1: libpq moves on to the second host.
  auto c = connect_sql(config::parse_database_url("postgresql://" + auth + "127.0.0.1:1," + u.host + ":" + port +
                                                  "/" + u.database + "?target_session_attrs=read-write"));
  auto rows = c->query("SELECT inet_server_port()::text, pg_is_in_recovery()::text");
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(to_display(rows.rows[0][0]), port);
  EXPECT_EQ(to_display(rows.rows[0][1]), "false");
  // The test server is a primary: no host of the list can serve target_session_attrs=standby.
  try {
    connect_sql(config::parse_database_url("postgresql://" + auth + "127.0.0.1:1," + u.host + ":" + port + "/" +
                                           u.database + "?target_session_attrs=standby"));
    ADD_FAILURE() << "expected ConnectError: the only reachable server is not a standby";
  } catch (const ConnectError& e) {
    EXPECT_NE(std::string(e.what()).find("standby"), std::string::npos) << e.what();  // libpq's own reason
  }
  // host and port in the query string count when the authority leaves them out (libpq's rule).
  auto q = connect_sql(config::parse_database_url("postgresql://" + auth + "/" + u.database + "?host=" + u.host +
                                                  "&port=" + port));
  EXPECT_EQ(to_display(q->query("SELECT inet_server_port()::text").rows.at(0).at(0)), port);
}

// PostgreSQL's bulk path (COPY FROM STDIN, text format) stores exactly what a parameterised INSERT
// of the same values stores: COPY's escapes (tab, newline, backslash, "\N" as text, "\." alone),
// NaN and infinities, the int64 extremes, bytea with NUL and backslash bytes, NULL.
class PgBulkLoad : public SqlConnectionTest<Postgres> {};

TEST_F(PgBulkLoad, StoresWhatInsertStores) {
  BulkLoader* bulk = bulk_loader(*conn_);
  ASSERT_NE(bulk, nullptr) << "the PostgreSQL driver has a bulk path";
  create_typed_table();
  const std::string copy_table = table_ + "_copy";
  conn_->execute("DROP TABLE IF EXISTS " + copy_table);
  conn_->execute("CREATE TABLE " + copy_table + " (LIKE " + table_ + " INCLUDING ALL)");
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<std::vector<Value>> rows = {
      {std::int64_t{1}, 0.1, true, std::string("a\tb"), Blob{std::string("\0\\\xff\n", 4)}, Null{}},
      {std::numeric_limits<std::int64_t>::min(), std::nan(""), false, std::string("back\\slash \\N"), Blob{""},
       std::string("\\N")},
      {std::numeric_limits<std::int64_t>::max(), inf, Null{}, std::string("line\nbreak\r\n"), Null{},
       std::string("\\.")},
      {std::int64_t{0}, -inf, true, std::string(""), Blob{std::string("\\x00")}, std::string("\u00e9\u20ac \t\\t")},
      {std::int64_t{-1}, 1e-300, false, Null{}, Blob{std::string(300, '\\')}, std::string("\\")},
  };
  std::vector<Value> flat;
  for (const auto& r : rows) {
    conn_->query(insert_typed(), r);
    flat.insert(flat.end(), r.begin(), r.end());
  }
  const std::vector<std::string> cols = {"i", "d", "b", "t", "bl", "n"};
  bulk->bulk_load(copy_table, cols, flat, cols.size());
  const std::string select = " ORDER BY id";
  const ResultSet want = conn_->query("SELECT i, d::text, b, t, bl, n FROM " + table_ + select);
  const ResultSet got = conn_->query("SELECT i, d::text, b, t, bl, n FROM " + copy_table + select);
  ASSERT_EQ(got.rows.size(), rows.size());
  EXPECT_EQ(got.rows, want.rows);
  // A refused row fails the whole statement and leaves the connection usable.
  const std::vector<Value> bad = {std::int64_t{1}, 1.0, true, std::string("x"), Null{}, Null{}};
  conn_->execute("ALTER TABLE " + copy_table + " ADD CHECK (t <> 'x')");
  try {
    bulk->bulk_load(copy_table, cols, bad, cols.size());
    FAIL() << "the CHECK constraint refuses the row";
  } catch (const DbError& e) {
    EXPECT_TRUE(e.connection_usable());
  }
  EXPECT_EQ(std::get<std::int64_t>(conn_->query("SELECT COUNT(*) FROM " + copy_table).rows.at(0).at(0)), 5);
  conn_->execute("DROP TABLE " + copy_table);
}

}  // namespace
}  // namespace flash::driver

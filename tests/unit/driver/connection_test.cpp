// The database-independent parts of the driver interface: Value helpers, DbError, Transaction
// (against a recording fake connection) and the dialect registry.
#include "flash/driver/connection.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "flash/config/url.hpp"
#include "flash/diag/diagnostic.hpp"

namespace flash::driver {
namespace {

TEST(Value, IsNullOnlyForNull) {
  EXPECT_TRUE(is_null(Value(Null{})));
  EXPECT_FALSE(is_null(Value(false)));
  EXPECT_FALSE(is_null(Value(std::int64_t{0})));
  EXPECT_FALSE(is_null(Value(std::string())));
  EXPECT_FALSE(is_null(Value(Blob{})));
}

TEST(Value, DisplaysEveryAlternative) {
  EXPECT_EQ(to_display(Null{}), "NULL");
  EXPECT_EQ(to_display(true), "true");
  EXPECT_EQ(to_display(false), "false");
  EXPECT_EQ(to_display(std::numeric_limits<std::int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(to_display(0.1), "0.1");
  EXPECT_EQ(to_display(-1.5e300), "-1.5e+300");
  EXPECT_EQ(to_display(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(to_display(std::string("h\xC3\xA9llo")), "h\xC3\xA9llo");
  EXPECT_EQ(to_display(Blob{std::string("\0\x01\xff", 3)}), "\\x0001ff");
  EXPECT_EQ(to_display(Blob{}), "\\x");
}

TEST(DbError, CarriesItsFields) {
  const DbError e("duplicate key", "23505", 7, "INSERT INTO t VALUES (1)", true);
  EXPECT_STREQ(e.what(), "duplicate key");
  EXPECT_EQ(e.sqlstate(), "23505");
  EXPECT_EQ(e.native_code(), 7);
  EXPECT_EQ(e.statement(), "INSERT INTO t VALUES (1)");
  EXPECT_TRUE(e.connection_usable());
}

// Records the transaction calls; rollback can be made to fail.
class FakeConnection final : public SqlConnection {
 public:
  schema::Dialect dialect() const override { return schema::Dialect::sqlite; }
  std::string server_version() override { return "fake"; }
  void execute(std::string_view sql) override { calls.emplace_back(sql); }
  ResultSet query(std::string_view sql, std::span<const Value>) override {
    calls.emplace_back(sql);
    return {};
  }
  std::unique_ptr<RowCursor> stream(std::string_view, std::span<const Value>) override { return nullptr; }
  bool transactional_ddl() const override { return true; }
  void begin() override { calls.emplace_back("BEGIN"); }
  void commit() override {
    calls.emplace_back("COMMIT");
    if (fail_commit) throw DbError("busy", "", 5, "COMMIT", true);
  }
  void rollback() override {
    calls.emplace_back("ROLLBACK");
    if (fail_rollback) throw DbError("connection lost", "08006", 0, "ROLLBACK", false);
  }
  std::vector<std::string> calls;
  bool fail_commit = false;
  bool fail_rollback = false;
};

TEST(Transaction, CommitEndsItWithoutRollback) {
  FakeConnection c;
  {
    Transaction tx(c);
    EXPECT_TRUE(tx.active());
    tx.commit();
    EXPECT_FALSE(tx.active());
    tx.commit();  // a second commit is a no-op
  }
  EXPECT_EQ(c.calls, (std::vector<std::string>{"BEGIN", "COMMIT"}));
}

TEST(Transaction, DestructionRollsBackAndSwallowsErrors) {
  FakeConnection c;
  c.fail_rollback = true;
  EXPECT_NO_THROW({ Transaction tx(c); });
  EXPECT_EQ(c.calls, (std::vector<std::string>{"BEGIN", "ROLLBACK"}));
}

TEST(Transaction, FailedCommitStillRollsBack) {
  FakeConnection c;
  c.fail_commit = true;
  {
    Transaction tx(c);
    EXPECT_THROW(tx.commit(), DbError);
    EXPECT_TRUE(tx.active());
  }
  EXPECT_EQ(c.calls, (std::vector<std::string>{"BEGIN", "COMMIT", "ROLLBACK"}));
}

TEST(Registry, ConnectsSqliteInMemory) {
  auto c = connect_sql(config::parse_database_url("sqlite::memory:"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->dialect(), schema::Dialect::sqlite);
  c->execute("CREATE TABLE t (x INTEGER)");
  const Value v = std::int64_t{42};
  c->query("INSERT INTO t VALUES (?)", std::span<const Value>(&v, 1));
  EXPECT_EQ(c->query("SELECT x FROM t").rows.at(0).at(0), v);
}

TEST(Registry, MongoDbHasNoSqlDriver) {
  const auto url = config::parse_database_url("mongodb://user:pw-secret-123@localhost:27017/app");
  try {
    connect_sql(url);
    FAIL() << "expected diag::Error";
  } catch (const diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "driver.unsupported");
    EXPECT_EQ(std::string(e.what()).find("pw-secret-123"), std::string::npos);
    EXPECT_EQ(e.diagnostic().message.find("pw-secret-123"), std::string::npos);
  }
}

}  // namespace
}  // namespace flash::driver

// MariaDB's bulk path (driver::BulkLoader: LOAD DATA LOCAL INFILE fed from memory) against the
// server of scripts/db.sh (FLASH_TEST_MYSQL_URL): every type stored exactly as the server stores
// the same values written as SQL literals (compared by the server, <=> on every column, and read
// back through the driver); refused values and duplicate keys are errors even in a non-strict
// session; local_infile=OFF falls back to INSERTs; a file request of the server outside a bulk
// load is refused. The tests that switch local_infile share a ctest RESOURCE_LOCK
// (tests/CMakeLists.txt).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <limits>

#include "flash/config/url.hpp"
#include "flash/driver/bulk.hpp"
#include "flash/driver/connection.hpp"

namespace flash::driver {
namespace {

class MySqlBulk : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* u = std::getenv("FLASH_TEST_MYSQL_URL");
    if (u == nullptr || *u == '\0') GTEST_SKIP() << "FLASH_TEST_MYSQL_URL is not set (eval \"$(scripts/db.sh start)\")";
    conn_ = connect_sql(config::parse_database_url(u));
    bulk_ = bulk_loader(*conn_);
    ASSERT_NE(bulk_, nullptr) << "the MySQL driver has a bulk path";
    static std::atomic<int> counter{0};
    t_ = "flash_bulk_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    ref_ = t_ + "_ref";
  }
  void TearDown() override {
    if (!conn_) return;
    try {
      conn_->execute("DROP TABLE IF EXISTS " + t_ + ", " + ref_);
    } catch (const DbError&) {
    }
  }
  std::int64_t count(const std::string& table) {
    return std::get<std::int64_t>(conn_->query("SELECT COUNT(*) FROM " + table).rows.at(0).at(0));
  }
  void load(const std::string& table, const std::vector<std::string>& cols, const std::vector<std::vector<Value>>& rows) {
    std::vector<Value> flat;
    for (const auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
    bulk_->bulk_load(table, cols, flat, cols.size());
  }

  std::unique_ptr<SqlConnection> conn_;
  BulkLoader* bulk_ = nullptr;
  std::string t_, ref_;
};

// Every type with values at their edges. `ref_` gets them as SQL literals (the server computes
// them), `t_` through the bulk path from the values the driver reads from `ref_` (what an export
// holds), and a second time from the forms an import gives (exchange text: bigints, BIT and
// DECIMAL as strings).
constexpr const char* kAllTypes =
    " (id INT PRIMARY KEY, big BIGINT, ubig BIGINT UNSIGNED, dec38 DECIMAL(38,10), dbl DOUBLE, flt FLOAT,"
    " flag TINYINT(1), b1 BIT(1), b64 BIT(64), bin BINARY(4), vbin VARBINARY(64), blb BLOB, d DATE,"
    " dt DATETIME(6), tm TIME(6), yr YEAR, js JSON, en ENUM('a','b c','x\\ty'), st SET('x','y','z'),"
    " vc VARCHAR(100), tx TEXT, ch CHAR(5)) CHARACTER SET utf8mb4";

constexpr const char* kAllValues = R"SQL(
(1, 9007199254740993, 18446744073709551615, 1234567890123456789012345678.0123456789, 0.1, 0.5, 1, b'1',
 b'1111111111111111111111111111111111111111111111111111111111111111', X'00FF5C09', X'5C4E', X'000A0D5C09FF0000',
 '2024-02-29', '2024-01-02 03:04:05.123456', '-838:59:59.000000', 2155,
 '{"a": [1, 2.50, "x\\ty"], "big": 123456789012345678901234567890, "e": "😀"}', 'x\ty', 'x,z',
 'tab\there\nnew\r\\back \\N \0nul', '😀 emoji ñ 中', ''),
(2, -9223372036854775808, 0, -0.0000000001, -1.5e300, -3.25, 0, b'0', b'0', X'00000000', X'', X'',
 '1000-01-01', '9999-12-31 23:59:59.999999', '00:00:00.000001', 1901, 'null', 'b c', '', '\\N', '\\', NULL),
(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
 NULL, NULL, NULL))SQL";

const std::vector<std::string> kCols = {"`id`", "`big`", "`ubig`", "`dec38`", "`dbl`", "`flt`",  "`flag`", "`b1`",
                                        "`b64`", "`bin`", "`vbin`", "`blb`",  "`d`",   "`dt`",  "`tm`",   "`yr`",
                                        "`js`", "`en`",  "`st`",   "`vc`",   "`tx`",  "`ch`"};

TEST_F(MySqlBulk, EveryTypeStoredAsTheServerStoresItsLiterals) {
  conn_->execute("CREATE TABLE " + ref_ + kAllTypes);
  conn_->execute("CREATE TABLE " + t_ + kAllTypes);
  conn_->execute(std::string("INSERT INTO ") + ref_ + " VALUES " + kAllValues);
  const ResultSet want = conn_->query("SELECT * FROM " + ref_ + " ORDER BY id");
  ASSERT_EQ(want.rows.size(), 3u);
  // What an export reads is what the bulk path stores.
  load(t_, kCols, want.rows);
  EXPECT_EQ(bulk_method(*conn_), "load_data");
  // The server compares: every column NULL-safe equal, byte-exact for strings.
  std::string same = "SELECT COUNT(*) FROM " + ref_ + " r JOIN " + t_ + " c ON c.id = r.id";
  for (std::size_t i = 1; i < kCols.size(); ++i) {
    const std::string& c = kCols[i];
    same += " AND r." + c + " <=> c." + c;
    same += " AND BINARY CAST(r." + c + " AS CHAR) <=> BINARY CAST(c." + c + " AS CHAR)";
  }
  EXPECT_EQ(std::get<std::int64_t>(conn_->query(same).rows.at(0).at(0)), 3) << "a column differs";
  EXPECT_EQ(conn_->query("SELECT * FROM " + t_ + " ORDER BY id").rows, want.rows);
  // Spot checks against the literals: beyond 2^53, unsigned, bits, bytes, NULL vs ''.
  const auto got = conn_->query("SELECT big, CAST(ubig AS CHAR), b64 + 0, HEX(blb), tx IS NULL, ch IS NULL, "
                                "CHAR_LENGTH(tx), HEX(vc) FROM " + t_ + " ORDER BY id").rows;
  EXPECT_EQ(got[0][0], Value(std::int64_t{9007199254740993}));
  EXPECT_EQ(got[0][1], Value(std::string("18446744073709551615")));
  EXPECT_EQ(got[0][2], Value(std::string("18446744073709551615")));
  EXPECT_EQ(got[0][3], Value(std::string("000A0D5C09FF0000")));
  EXPECT_EQ(got[0][6], Value(std::int64_t{11}));  // emoji and CJK: characters, not bytes
  EXPECT_EQ(got[1][4], Value(std::int64_t{0}));   // '\\' is one backslash, not NULL
  EXPECT_EQ(got[1][5], Value(std::int64_t{1}));   // NULL stays NULL
  EXPECT_EQ(got[1][7], Value(std::string("5C4E")));  // the text \N, not NULL
  EXPECT_EQ(got[0][5], Value(std::int64_t{0}));   // '' stays ''

  // The forms an import gives (format.cpp from_exchange): exact integers and DECIMAL, BIT and
  // unsigned BIGINT as text, booleans as 0/1.
  conn_->execute("DELETE FROM " + t_);
  std::vector<std::vector<Value>> imported = want.rows;
  imported[0][1] = std::int64_t{9007199254740993};
  imported[0][2] = std::string("18446744073709551615");
  imported[0][8] = std::string("18446744073709551615");
  imported[0][7] = std::string("1");
  imported[1][8] = std::string("0");
  imported[1][7] = std::int64_t{0};
  load(t_, kCols, imported);
  EXPECT_EQ(std::get<std::int64_t>(conn_->query(same).rows.at(0).at(0)), 3) << "a column differs";
}

// LOAD DATA LOCAL turns refused values into warnings and stores something else (a non-strict
// session) or skips the row: the bulk path makes each an error and stores nothing.
TEST_F(MySqlBulk, RefusedValueFailsTheLoadEvenWhenNotStrict) {
  conn_->execute("SET SESSION sql_mode = ''");
  conn_->execute("CREATE TABLE " + t_ + " (id INT PRIMARY KEY, name VARCHAR(3) NOT NULL, n INT, d DATE)");
  const std::vector<std::string> cols = {"id", "name", "n", "d"};
  const std::vector<std::vector<std::vector<Value>>> bad = {
      {{std::int64_t{1}, std::string("abc"), std::int64_t{1}, Null{}},
       {std::int64_t{2}, std::string("toolong"), std::int64_t{2}, Null{}}},                      // truncated
      {{std::int64_t{3}, Null{}, std::int64_t{3}, Null{}}},                                     // NULL into NOT NULL
      {{std::int64_t{4}, std::string("x"), std::string("12abc"), Null{}}},                      // not a number
      {{std::int64_t{5}, std::string("x"), std::int64_t{5}, std::string("2024-02-30")}},        // no such date
      {{std::int64_t{6}, std::string("x"), std::string("99999999999"), Null{}}},                // out of range
  };
  for (const auto& rows : bad) {
    try {
      load(t_, cols, rows);
      ADD_FAILURE() << "refused value accepted: " << to_display(rows.back()[1]) << " " << to_display(rows.back()[2]);
    } catch (const DbError& e) {
      EXPECT_TRUE(e.connection_usable());
      EXPECT_NE(e.native_code(), 0) << e.what();
      EXPECT_NE(std::string(e.what()).find("refused or changed"), std::string::npos) << e.what();
    }
    EXPECT_EQ(count(t_), 0) << "nothing of a refused load stays (own transaction)";
  }
  // The connection goes on; a good load lands.
  load(t_, cols, {{std::int64_t{7}, std::string("ok"), std::int64_t{7}, std::string("2024-02-29")}});
  EXPECT_EQ(count(t_), 1);
}

// Duplicate keys are errors (LOAD DATA LOCAL alone would skip them with a warning), inside the
// caller's transaction only the failed load is undone.
TEST_F(MySqlBulk, DuplicateKeyIsRefused) {
  conn_->execute("CREATE TABLE " + t_ + " (id INT PRIMARY KEY, u VARCHAR(10) UNIQUE)");
  conn_->execute("INSERT INTO " + t_ + " VALUES (1, 'one')");
  const std::vector<std::string> cols = {"id", "u"};
  try {
    load(t_, cols, {{std::int64_t{2}, std::string("two")}, {std::int64_t{1}, std::string("again")}});
    FAIL() << "duplicate primary key accepted";
  } catch (const DbError& e) {
    EXPECT_EQ(e.native_code(), 1062) << e.what();
    EXPECT_EQ(e.sqlstate(), "23000");
    EXPECT_TRUE(e.connection_usable());
  }
  EXPECT_EQ(count(t_), 1);
  {
    Transaction tx(*conn_);
    load(t_, cols, {{std::int64_t{10}, std::string("ten")}});
    // A duplicate within the batch (a unique key).
    EXPECT_THROW(load(t_, cols, {{std::int64_t{11}, std::string("x")}, {std::int64_t{12}, std::string("x")}}), DbError);
    tx.commit();
  }
  EXPECT_EQ(count(t_), 2) << "the transaction keeps the load before the refused one";
}

// With local_infile=OFF on the server the same call loads through INSERTs, as exactly, and still
// refuses a duplicate.
TEST_F(MySqlBulk, LocalInfileOffFallsBackToInserts) {
  conn_->execute("CREATE TABLE " + ref_ + kAllTypes);
  conn_->execute("CREATE TABLE " + t_ + kAllTypes);
  conn_->execute(std::string("INSERT INTO ") + ref_ + " VALUES " + kAllValues);
  const ResultSet want = conn_->query("SELECT * FROM " + ref_ + " ORDER BY id");
  conn_->execute("SET GLOBAL local_infile = 0");
  struct Restore {
    SqlConnection& c;
    ~Restore() {
      try {
        c.execute("SET GLOBAL local_infile = 1");
      } catch (const DbError&) {
      }
    }
  } restore{*conn_};
  ASSERT_EQ(conn_->query("SELECT @@GLOBAL.local_infile").rows.at(0).at(0), Value(std::int64_t{0}));
  load(t_, kCols, want.rows);
  EXPECT_EQ(bulk_method(*conn_), "insert");
  EXPECT_EQ(conn_->query("SELECT * FROM " + t_ + " ORDER BY id").rows, want.rows);
  try {
    load(t_, kCols, {want.rows[0]});
    FAIL() << "duplicate primary key accepted";
  } catch (const DbError& e) {
    EXPECT_EQ(e.native_code(), 1062) << e.what();
  }
  EXPECT_EQ(count(t_), 3);
}

// The client never sends a file: LOAD DATA LOCAL run as an ordinary statement (a server asking for
// a file outside a bulk load) is refused, and the connection stays in sync.
TEST_F(MySqlBulk, FileRequestOutsideABulkLoadIsRefused) {
  conn_->execute("CREATE TABLE " + t_ + " (line TEXT)");
  for (const char* name : {"/etc/hostname", "flash-bulk-load"}) {
    EXPECT_THROW(conn_->execute(std::string("LOAD DATA LOCAL INFILE '") + name + "' INTO TABLE " + t_), DbError);
    EXPECT_EQ(count(t_), 0);
  }
}

}  // namespace
}  // namespace flash::driver

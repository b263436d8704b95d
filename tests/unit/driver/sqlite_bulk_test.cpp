// SQLite's bulk path (BulkLoader: one prepared INSERT bound per row, values bound in place) stores
// exactly what a parameterised INSERT of the same values stores; a refused row leaves none of the
// call's rows; the prepared statement follows the table and columns it is given.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <unistd.h>

#include "flash/config/url.hpp"
#include "flash/driver/connection.hpp"

namespace flash::driver {
namespace {

struct TempFile {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("flash_sqlite_bulk_" + std::to_string(::getpid()) + ".db");
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

TEST(SqliteBulkLoad, StoresWhatInsertStores) {
  TempFile f;
  auto conn = connect_sql(config::parse_database_url("sqlite://" + f.path.string()));
  BulkLoader* bulk = bulk_loader(*conn);
  ASSERT_NE(bulk, nullptr) << "the SQLite driver has a bulk path";
  for (const char* t : {"a", "b"})
    conn->execute(std::string("CREATE TABLE ") + t +
                  " (id INTEGER PRIMARY KEY, i BIGINT, d REAL, b BOOLEAN, t TEXT, bl BLOB, n NUMERIC)");
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<std::vector<Value>> rows = {
      {std::int64_t{1}, std::numeric_limits<std::int64_t>::max(), 0.1, true, std::string("a\tb\nc"),
       Blob{std::string("\0\\\xff\n", 4)}, std::string("12345678901234.5678")},
      {std::int64_t{2}, std::numeric_limits<std::int64_t>::min(), -inf, false, std::string(""), Blob{""}, Null{}},
      {std::int64_t{3}, Null{}, Null{}, Null{}, Null{}, Null{}, std::string("1.50")},
      {std::int64_t{4}, std::int64_t{9007199254740993}, 1e-300, true, std::string("Ünïcødé ✓ 日本語"),
       Blob{std::string(1000, '\0')}, std::int64_t{7}},
  };
  std::vector<Value> flat;
  for (const auto& r : rows) {
    conn->query("INSERT INTO a (id, i, d, b, t, bl, n) VALUES (?, ?, ?, ?, ?, ?, ?)", r);
    flat.insert(flat.end(), r.begin(), r.end());
  }
  const std::vector<std::string> cols = {"id", "i", "d", "b", "t", "bl", "n"};
  bulk->bulk_load("b", cols, flat, cols.size());
  const std::string select = "SELECT id, i, d, b, t, bl, n, typeof(n), typeof(bl) FROM ";
  const ResultSet want = conn->query(select + "a ORDER BY id");
  const ResultSet got = conn->query(select + "b ORDER BY id");
  ASSERT_EQ(got.rows.size(), rows.size());
  EXPECT_EQ(got.rows, want.rows);

  // A refused row (a duplicate key, third of three) fails the call; none of its rows stay, and
  // the connection goes on: the same statement loads the next call.
  const std::vector<Value> dup = {std::int64_t{10}, Null{}, Null{}, Null{}, Null{}, Null{}, Null{},
                                  std::int64_t{11}, Null{}, Null{}, Null{}, Null{}, Null{}, Null{},
                                  std::int64_t{1},  Null{}, Null{}, Null{}, Null{}, Null{}, Null{}};
  try {
    bulk->bulk_load("b", cols, dup, cols.size());
    FAIL() << "the primary key refuses the third row";
  } catch (const DbError& e) {
    EXPECT_TRUE(e.connection_usable());
    EXPECT_NE(std::string(e.what()).find("UNIQUE"), std::string::npos) << e.what();
  }
  EXPECT_EQ(conn->query("SELECT COUNT(*) FROM b").rows.at(0).at(0), Value(std::int64_t{4}));
  std::vector<Value> ok(dup.begin(), dup.begin() + 14);
  bulk->bulk_load("b", cols, ok, cols.size());
  EXPECT_EQ(conn->query("SELECT COUNT(*) FROM b").rows.at(0).at(0), Value(std::int64_t{6}));

  // Another table and fewer columns: a statement of its own.
  const std::vector<std::string> two = {"id", "t"};
  const std::vector<Value> more = {std::int64_t{100}, std::string("x"), std::int64_t{101}, Null{}};
  bulk->bulk_load("a", two, more, two.size());
  EXPECT_EQ(conn->query("SELECT t FROM a WHERE id = 100").rows.at(0).at(0), Value(std::string("x")));
  EXPECT_EQ(conn->query("SELECT t FROM a WHERE id = 101").rows.at(0).at(0), Value(Null{}));

  // Inside the caller's transaction, the rows are the caller's to commit or roll back.
  conn->begin();
  const std::vector<Value> tx = {std::int64_t{200}, std::string("y")};
  bulk->bulk_load("a", two, tx, two.size());
  conn->rollback();
  EXPECT_TRUE(conn->query("SELECT t FROM a WHERE id = 200").rows.empty());
}

}  // namespace
}  // namespace flash::driver

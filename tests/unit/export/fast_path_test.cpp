// The export fast paths: writers that format driver values directly (compared with the reference
// composition through nlohmann values), the drivers' bulk cursors (PostgreSQL COPY, reused row
// storage on every engine), the streaming JSON reader and the import of arbitrary SQLite files.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>

#include "flash/export/export.hpp"
#include "flash/export/format.hpp"
#include "flash/schema/json.hpp"
#include "support.hpp"

namespace flash::exporter {
namespace {

using namespace export_test;
using nlohmann::json;
using V = driver::Value;

const TypeCategory kAllCategories[] = {
    TypeCategory::boolean, TypeCategory::int16,    TypeCategory::int32, TypeCategory::int64,
    TypeCategory::float32, TypeCategory::float64,  TypeCategory::decimal, TypeCategory::text,
    TypeCategory::bytes,   TypeCategory::date,     TypeCategory::time,  TypeCategory::timestamp,
    TypeCategory::timestamptz, TypeCategory::interval, TypeCategory::uuid, TypeCategory::json,
    TypeCategory::enum_,   TypeCategory::inet,     TypeCategory::bits,  TypeCategory::other};

std::vector<V> sample_values() {
  return {driver::Null{},
          true,
          false,
          std::int64_t{0},
          std::int64_t{-32768},
          std::int64_t{9223372036854775807},
          std::int64_t{std::numeric_limits<std::int64_t>::min()},
          0.1,
          -1.5e300,
          3.0,
          1e-7,
          std::string(""),
          std::string("42"),
          std::string("-7"),
          std::string("12345678901234.5678"),
          std::string("2024-02-29 21:59:59.123456+00"),
          std::string("1999-12-31 23:59:59.5"),
          std::string("Ünïcødé ✓ 日本語 \"quoted\", comma\nline\r\n\ttab\\ \x01\x1f"),
          std::string("bad utf-8: \xff\xfe end \xc3"),
          std::string(R"({"b": [1, 2, {"c": null}], "a": "x\"y\nz", "n": 12345678901234567890})"),
          std::string("[]"),
          std::string("\"just a string\""),
          std::string("t"),
          std::string("NaN"),
          std::string("Infinity"),
          std::string("2.5"),
          driver::Blob{std::string("\0\xff\0A\n", 5)},
          driver::Blob{std::string()}};
}

// Inverse of the CSV quoting, for comparing cells.
std::pair<std::string, bool> unquote(const std::string& cell) {
  if (cell.empty() || cell[0] != '"') return {cell, false};
  std::string out;
  for (std::size_t i = 1; i + 1 < cell.size(); ++i) {
    out += cell[i];
    if (cell[i] == '"') ++i;
  }
  return {out, true};
}

bool same(const json& a, const json& b) {
  if (a.is_number_float() && b.is_number_float() && std::isnan(a.get<double>()) && std::isnan(b.get<double>()))
    return true;
  return a == b;
}

TEST(ExportFastPath, JsonValuesEqualTheExchangeForm) {
  for (const auto& v : sample_values()) {
    for (const auto c : kAllCategories) {
      std::string out;
      append_json_value(out, v, c);
      const json mine = json::parse(out, nullptr, false);
      ASSERT_FALSE(mine.is_discarded()) << out;
      // The reference: the exchange value, with invalid UTF-8 replaced as the dump does.
      const json ref = json::parse(to_exchange(v, c).dump(-1, ' ', false, json::error_handler_t::replace));
      EXPECT_TRUE(same(mine, ref)) << driver::to_display(v) << " as " << schema::to_string(c) << ": " << out
                                   << " vs " << ref.dump();
    }
  }
}

TEST(ExportFastPath, CsvCellsEqualTheExchangeForm) {
  for (const auto& v : sample_values()) {
    for (const auto c : kAllCategories) {
      std::string out, ref;
      append_csv_value(out, v, c);
      try {
        ref = csv_field(to_exchange(v, c), c);
      } catch (const json::exception&) {
        continue;  // the reference cannot serialise invalid UTF-8 in a JSON column at all
      }
      const auto [mine_text, mine_quoted] = unquote(out);
      const auto [ref_text, ref_quoted] = unquote(ref);
      EXPECT_EQ(mine_quoted, ref_quoted) << out << " vs " << ref;
      EXPECT_TRUE(same(csv_to_exchange(mine_text, mine_quoted, c), csv_to_exchange(ref_text, ref_quoted, c)))
          << driver::to_display(v) << " as " << schema::to_string(c) << ": " << out << " vs " << ref;
    }
  }
}

TEST(ExportFastPath, TargetValuesEqualTheImportedForm) {
  for (const auto d : {Dialect::postgresql, Dialect::mysql, Dialect::sqlite}) {
    for (const auto& v : sample_values()) {
      for (const auto c : kAllCategories) {
        const V mine = to_target(v, c, d);
        V ref;
        try {
          ref = from_exchange(to_exchange(v, c), c, d);
        } catch (const json::exception&) {
          continue;  // as above
        }
        if (c == TypeCategory::json && std::holds_alternative<std::string>(ref)) {
          // Both are JSON text; key order may differ (the fast path keeps the database's order).
          EXPECT_EQ(json::parse(std::get<std::string>(mine), nullptr, false),
                    json::parse(std::get<std::string>(ref), nullptr, false));
          continue;
        }
        if (auto* a = std::get_if<double>(&mine); a && std::isnan(*a)) {
          EXPECT_TRUE(std::isnan(std::get<double>(ref)));
          continue;
        }
        if (std::holds_alternative<std::string>(ref) && std::get<std::string>(ref).find('\xff') != std::string::npos)
          continue;  // invalid UTF-8 inside a JSON string literal: replaced on one side only
        EXPECT_EQ(mine, ref) << driver::to_display(v) << " as " << schema::to_string(c) << " for "
                             << schema::to_string(d) << ": " << driver::to_display(mine) << " vs "
                             << driver::to_display(ref);
      }
    }
  }
}

TEST(ExportFastPath, JsonStringEscaping) {
  std::string out;
  append_json_string(out, "a\"b\\c\n\x01\x7f é \xe2\x9c\x93 \xf0\x9f\x98\x80");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\x7f é ✓ 😀\"");
  out.clear();
  append_json_string(out, "\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\xe2\x9c");  // overlong, surrogate, > U+10FFFF, cut
  EXPECT_EQ(json::parse(out).get<std::string>().find('\xc0'), std::string::npos);
  EXPECT_NO_THROW(json::parse(out));
  out.clear();
  EXPECT_TRUE(append_json_text(out, " { \"a b\" : [ 1 , \"x \\\" y\" ] } "));
  EXPECT_EQ(out, R"({ "a b" : [ 1 , "x \" y" ] })");  // as written, without the whitespace around it
  out.clear();
  EXPECT_FALSE(append_json_text(out, "{nope"));
}

// The rows a cursor yields equal what query() returns for the same statement.
void expect_stream_equals_query(driver::SqlConnection& c, const std::string& sql) {
  const auto rs = c.query(sql);
  auto cur = c.stream(sql);
  std::vector<V> row;
  std::size_t n = 0;
  while (cur->next(row)) {
    ASSERT_LT(n, rs.rows.size());
    ASSERT_EQ(row.size(), rs.rows[n].size());
    for (std::size_t i = 0; i < row.size(); ++i) {
      EXPECT_EQ(row[i].index(), rs.rows[n][i].index()) << sql << " row " << n << " column " << i;
      EXPECT_EQ(driver::to_display(row[i]), driver::to_display(rs.rows[n][i])) << sql << " row " << n << " column " << i;
    }
    ++n;
  }
  EXPECT_EQ(n, rs.rows.size()) << sql;
  ASSERT_EQ(cur->columns().size(), rs.columns.size());
  for (std::size_t i = 0; i < rs.columns.size(); ++i) {
    EXPECT_EQ(cur->columns()[i].name, rs.columns[i].name);
    EXPECT_EQ(cur->columns()[i].type, rs.columns[i].type);
  }
}

TEST(ExportCursor, PostgresCopyGivesTheSameValuesAsQuery) {
  REQUIRE_DB(pg, Dialect::postgresql);
  auto c = pg->connect();
  c->execute(
      "CREATE TABLE t (id INT PRIMARY KEY, s TEXT, b BYTEA, f FLOAT8, r REAL, n NUMERIC, ok BOOLEAN, "
      "j JSONB, ts TIMESTAMPTZ, big BIGINT, a INT[])");
  c->execute(
      "INSERT INTO t VALUES "
      "(1, E'tab\\there\\nnew\\\\back\\rcr\\b\\f' || chr(11), '\\x00ff5c0a09'::bytea, 0.1, 1.5, 12345678901234567890.123, "
      "true, '{\"a\": \"x\\ty\"}', '2024-02-29 23:59:59.123456+02', 9223372036854775807, '{1,NULL,3}'),"
      "(2, NULL, NULL, 'NaN', '-Infinity', NULL, NULL, NULL, NULL, NULL, NULL),"
      "(3, '', '\\x'::bytea, -0.0, 0, 0, false, 'null', '1970-01-01 00:00:00+00', -1, '{}'),"
      "(4, '\\N', 'x'::bytea, 1e300, 3.4e38, -0.5, true, '[\"\\\\N\"]', NULL, 0, NULL),"
      "(5, 'Ünïcødé ✓ 日本語', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
  expect_stream_equals_query(*c, "SELECT * FROM t ORDER BY id");
  expect_stream_equals_query(*c, "  -- comment\n  SELECT s, b FROM t WHERE id < 4 ORDER BY id; ");
  expect_stream_equals_query(*c, "WITH x AS (SELECT id, s FROM t) SELECT * FROM x ORDER BY id -- trailing");
  expect_stream_equals_query(*c, "VALUES (1, 'a'), (2, NULL)");
  expect_stream_equals_query(*c, "SELECT id FROM t WHERE false");
  // With parameters (single-row mode), the same values.
  const V p[] = {std::int64_t{1}};
  auto cur = c->stream("SELECT s, b FROM t WHERE id = $1", p);
  std::vector<V> row;
  ASSERT_TRUE(cur->next(row));
  EXPECT_EQ(row[0], V(std::string("tab\there\nnew\\back\rcr\b\f\v")));
  EXPECT_EQ(row[1], V(driver::Blob{std::string("\0\xff\\\n\t", 5)}));
  EXPECT_FALSE(cur->next(row));
}

TEST(ExportCursor, PostgresCopyStopsCleanly) {
  REQUIRE_DB(pg, Dialect::postgresql);
  auto c = pg->connect();
  std::vector<V> row;
  {
    // Abandoned after a few rows of many: the connection stays usable.
    auto cur = c->stream("SELECT g, repeat('x', 100) FROM generate_series(1, 200000) g");
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(cur->next(row));
    EXPECT_EQ(row[0], V(std::int64_t{3}));
  }
  EXPECT_EQ(c->query("SELECT 7").rows.at(0).at(0), V(std::int64_t{7}));
  // An error after some rows is reported by next(); the connection stays usable.
  {
    auto cur = c->stream("SELECT 10 / (5 - g) FROM generate_series(1, 10) g");
    int rows = 0;
    EXPECT_THROW(
        {
          while (cur->next(row)) ++rows;
        },
        driver::DbError);
  }
  EXPECT_EQ(c->query("SELECT 8").rows.at(0).at(0), V(std::int64_t{8}));
  // Inside a transaction: a data-modifying CTE runs once.
  c->execute("CREATE TABLE w (x INT)");
  c->begin();
  {
    auto cur = c->stream("WITH i AS (INSERT INTO w VALUES (1), (2) RETURNING x) SELECT x FROM i ORDER BY x");
    int n = 0;
    while (cur->next(row)) ++n;
    EXPECT_EQ(n, 2);
  }
  c->commit();
  EXPECT_EQ(c->query("SELECT count(*) FROM w").rows.at(0).at(0), V(std::int64_t{2}));
}

TEST(ExportCursor, MysqlRowsReuseStorageCorrectly) {
  REQUIRE_DB(my, Dialect::mysql);
  auto c = my->connect();
  c->execute("CREATE TABLE t (id INT PRIMARY KEY, s TEXT, b BLOB, d DECIMAL(30,10), f DOUBLE)");
  c->execute("INSERT INTO t VALUES (1, 'a long first string value', x'00ff', 1.5, 0.1), (2, NULL, NULL, NULL, NULL), "
             "(3, '', x'', -2.25, 1e300), (4, 'x', x'41', 0, -0.5)");
  expect_stream_equals_query(*c, "SELECT * FROM t ORDER BY id");
}

TEST(ExportCursor, SqliteRowsReuseStorageAcrossStorageClasses) {
  auto db = TestDb::create(Dialect::sqlite);
  auto c = db->connect();
  c->execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v, flag BOOLEAN)");
  c->execute("INSERT INTO t VALUES (1, 'a long first string value', 1), (2, x'00ff', 0), (3, 42, NULL), "
             "(4, 2.5, 1), (5, NULL, 0), (6, 'short', 1), (7, x'', 1), (8, '', 0)");
  expect_stream_equals_query(*c, "SELECT * FROM t ORDER BY id");
}

// Peak resident memory of this process (VmHWM), in kB.
long peak_rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// A JSON export written by hand (keys in another order than Flash writes them, extra keys,
// another table between) of ~60 MB is imported a row at a time: correct, and without holding the
// document in memory.
TEST(ExportImport, JsonIsReadAsAStream) {
  TempDir files;
  const fs::path path = files.path / "big.json";
  constexpr int kRows = 40000;
  {
    std::ofstream out(path, std::ios::binary);
    const auto model = parse(
        "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT NOT NULL, price NUMERIC(10,2), data BLOB);\n"
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, item_id BIGINT REFERENCES items(id), body TEXT);\n",
        Dialect::sqlite);
    out << "{\"comment\": {\"nested\": [1, 2, \"]}\"]},\n \"tables\": {\n";
    out << "  \"notes\": {\"rows\": [[1, \"2\", \"note, with \\\"quotes\\\" and ]brackets[\"]], \"columns\": [\"id\", \"item_id\", \"body\"]},\n";
    out << "  \"items\": {\"columns\": [\"id\", \"name\", \"price\", \"data\"], \"extra\": null, \"rows\": [\n";
    const std::string filler(1300, 'z');
    for (int i = 1; i <= kRows; ++i) {
      out << (i > 1 ? ",\n" : "") << "[\"" << i << "\", \"item " << i << " " << filler << "\", \"" << i << ".25\", "
          << (i % 10 == 0 ? "null" : "\"AAE=\"") << "]";
    }
    out << "\n]}},\n \"schema\": " << schema::to_json(model).dump() << ", \"dialect\": \"sqlite\", \"version\": 1}\n";
  }
  ASSERT_GT(fs::file_size(path), 50u << 20);
  auto db = TestDb::create(Dialect::sqlite);
  auto c = db->connect();
  const long before = peak_rss_kb();
  const auto counts = import_data(*c, {path, {}});
  const long after = peak_rss_kb();
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].table, "items");  // parents first, whatever the file's order
  EXPECT_EQ(counts[0].rows, kRows);
  EXPECT_EQ(counts[1].rows, 1);
  EXPECT_EQ(c->query("SELECT count(*), sum(id) FROM items").rows.at(0),
            (std::vector<V>{std::int64_t{kRows}, std::int64_t{std::int64_t{kRows} * (kRows + 1) / 2}}));
  const auto r = c->query("SELECT name, price, data FROM items WHERE id = 12345").rows.at(0);
  EXPECT_EQ(r.at(0), V(std::string("item 12345 " + std::string(1300, 'z'))));
  EXPECT_EQ(normalized_text(r.at(1), TypeCategory::decimal), "12345.25");
  EXPECT_EQ(r.at(2), V(driver::Blob{std::string("\0\1", 2)}));
  EXPECT_EQ(c->query("SELECT data FROM items WHERE id = 10").rows.at(0).at(0), V(driver::Null{}));
  EXPECT_EQ(c->query("SELECT body FROM notes").rows.at(0).at(0),
            V(std::string("note, with \"quotes\" and ]brackets[")));
  // The whole document as nlohmann values would take several hundred MB.
  if (before > 0) {
    EXPECT_LT(after - before, 40 * 1024) << "peak RSS grew by " << (after - before) << " kB";
  }

  // A malformed document is reported with a position.
  std::ofstream(files.path / "bad.json") << "{\"version\": 1, \"tables\": {\"t\": {\"rows\": [[1]";
  try {
    import_data(*c, {files.path / "bad.json", {}});
    FAIL() << "expected an error";
  } catch (const diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "import.format");
  }
}

// A SQLite database that Flash did not write: its own DDL (child table first, a WITHOUT ROWID
// table, a view, an index, affinity-style types), loaded into every engine.
const char* kForeignSqlite = R"(
CREATE TABLE orders (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  total NUMERIC(10,2),
  placed DATETIME,
  paid BOOLEAN NOT NULL DEFAULT 0,
  note VARCHAR(50)
);
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  email VARCHAR(100) NOT NULL UNIQUE,
  name TEXT,
  score REAL,
  avatar BLOB
);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE INDEX orders_customer ON orders (customer_id);
CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
INSERT INTO customers VALUES (1, 'a@x.io', 'Ann', 4.5, x'00ff10');
INSERT INTO customers VALUES (2, 'b@x.io', NULL, NULL, NULL);
INSERT INTO customers VALUES (3, 'c@x.io', 'Ünïcødé, "q"', -0.25, x'');
INSERT INTO orders (customer_id, total, placed, paid, note) VALUES (1, '19.99', '2024-01-02 03:04:05', 1, 'first');
INSERT INTO orders (customer_id, total, placed, paid, note) VALUES (1, '250.00', '2024-02-29 23:59:59', 0, NULL);
INSERT INTO orders (customer_id, total, placed, paid, note) VALUES (3, '0.50', NULL, 1, 'line1
line2');
INSERT INTO settings VALUES ('theme', 'dark'), ('lang', 'en');
)";

void foreign_sqlite_test(Dialect target) {
  auto dst = TestDb::create(target);
  if (!dst) GTEST_SKIP() << "server URL not set";
  TempDir files;
  const fs::path src_path = files.path / "app.db";
  {
    auto src = driver::connect_sql(config::parse_database_url("sqlite://" + src_path.string()));
    src->execute(kForeignSqlite);
  }
  EXPECT_EQ(detect_format(src_path), Format::sqlite);
  auto c = dst->connect();
  const auto counts = import_data(*c, {src_path, {}});
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_EQ(counts[0].table, "customers");  // referenced before referencing
  EXPECT_EQ(counts[1].table, "orders");
  EXPECT_EQ(counts[0].rows, 3);
  EXPECT_EQ(counts[1].rows, 3);
  EXPECT_EQ(counts[2].rows, 2);
  for (const auto& t : counts) EXPECT_TRUE(t.created) << t.table;
  prepare_session(*c);
  auto q = [&](const std::string& sql) { return c->query(sql).rows; };
  const auto customers = q("SELECT id, email, name, score, avatar FROM customers ORDER BY id");
  ASSERT_EQ(customers.size(), 3u);
  EXPECT_EQ(customers[0][1], V(std::string("a@x.io")));
  EXPECT_EQ(normalized_text(customers[0][3], TypeCategory::float64), "4.5");
  EXPECT_EQ(customers[0][4], V(driver::Blob{std::string("\0\xff\x10", 3)}));
  EXPECT_TRUE(driver::is_null(customers[1][2]));
  EXPECT_EQ(customers[2][2], V(std::string("Ünïcødé, \"q\"")));
  const auto orders = q("SELECT id, customer_id, total, placed, paid, note FROM orders ORDER BY id");
  ASSERT_EQ(orders.size(), 3u);
  EXPECT_EQ(normalized_text(orders[1][2], TypeCategory::decimal), "250");
  EXPECT_EQ(normalized_text(orders[0][2], TypeCategory::decimal), "19.99");
  EXPECT_EQ(normalized_text(orders[1][3], TypeCategory::timestamp), "2024-02-29 23:59:59");
  EXPECT_EQ(normalized_text(orders[0][4], TypeCategory::boolean), "1");
  EXPECT_EQ(normalized_text(orders[1][4], TypeCategory::boolean), "0");
  EXPECT_EQ(orders[2][5], V(std::string("line1\nline2")));
  EXPECT_EQ(q("SELECT value FROM settings WHERE " + schema::quote_ident("key", target) + " = 'theme'").at(0).at(0),
            V(std::string("dark")));
  // The foreign key came along: an order for a missing customer is refused.
  EXPECT_THROW(c->execute("INSERT INTO orders (id, customer_id, paid) VALUES (99, 42, " +
                          std::string(target == Dialect::postgresql ? "false" : "0") + ")"),
               driver::DbError);
}

TEST(ExportImport, ForeignSqliteFileIntoSqlite) { foreign_sqlite_test(Dialect::sqlite); }
TEST(ExportImport, ForeignSqliteFileIntoPostgres) { foreign_sqlite_test(Dialect::postgresql); }
TEST(ExportImport, ForeignSqliteFileIntoMysql) { foreign_sqlite_test(Dialect::mysql); }

}  // namespace
}  // namespace flash::exporter

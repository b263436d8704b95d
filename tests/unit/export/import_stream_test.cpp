// flash import's streamed bulk path (TableLoader::Load::stream, driver::BulkStream; issue 17 goal 5):
// PostgreSQL keeps one COPY FROM STDIN open for the whole table and MariaDB sends LOAD DATA LOCAL
// statements of ~8 MiB, with no savepoint per batch. A row the database refuses in the middle of
// such a stream (past the first chunks sent) fails the whole table. PostgreSQL names the row in the
// error's context ("COPY s, line N"): the loader throws RowError for it and import_data locates the
// row in the file, with no second load. MariaDB does not: the loader throws DbError and import_data
// reads the file again in savepoint-protected batches, which name the row by its number. Either
// way the table is as it was before and the error names the row's file:line. MariaDB's tests are named MysqlImport.* to share the ctest
// RESOURCE_LOCK of the tests that switch the server's local_infile.
#include <gtest/gtest.h>

#include <fstream>

#include "flash/diag/diagnostic.hpp"
#include "flash/driver/bulk.hpp"
#include "flash/export/export.hpp"
#include "flash/export/loader.hpp"
#include "support.hpp"

namespace flash::exporter {
namespace {

using namespace export_test;
using V = driver::Value;

constexpr int kRows = 60000;     // ~13 MiB of rows: several COPY chunks, two LOAD DATA statements
constexpr int kRefused = 45678;  // the row the target refuses: in the last chunk of either engine

std::int64_t count(driver::SqlConnection& c, const std::string& sql) {
  const V v = c.query(sql).rows.at(0).at(0);
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  return std::stoll(driver::to_display(v));
}

// Rows inserted into `table` so far as PostgreSQL's statistics count them (pg_stat_user_tables
// n_tup_ins: attempted inserts, those of rolled-back transactions included), after this session's
// pending counts are flushed (pg_stat_force_next_flush: at the end of that statement).
std::int64_t tuples_inserted(driver::SqlConnection& c, const std::string& table) {
  c.query("SELECT pg_stat_force_next_flush()");
  c.query("SELECT pg_stat_clear_snapshot()");
  return count(c, "SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = '" + table + "'");
}

// Source rows: id, a 12-character code ("c" + 11 digits) except row kRefused's 13 characters, and
// 200 characters of padding. Exported as `f`; the target's `code VARCHAR(12)` refuses that row.
void stream_refusal_test(Dialect d, Format f) {
  auto db = TestDb::create(d);
  if (!db) GTEST_SKIP() << "server URL not set";
  auto c = db->connect();
  const std::string table_sql = "CREATE TABLE s (id BIGINT PRIMARY KEY, code VARCHAR(13), pad TEXT)";
  c->execute(table_sql);
  if (d == Dialect::postgresql)
    c->execute("INSERT INTO s SELECT g, 'c' || lpad(g::text, 11, '0') || CASE WHEN g = " + std::to_string(kRefused) + " THEN 'x' ELSE '' END, repeat('p', 200) "
               "FROM generate_series(1, " + std::to_string(kRows) + ") g");
  else
    c->execute("INSERT INTO s SELECT seq, CONCAT('c', LPAD(seq, 11, '0'), IF(seq = " + std::to_string(kRefused) +
               ", 'x', '')), REPEAT('p', 200) FROM seq_1_to_" + std::to_string(kRows));
  TempDir files;
  ExportOptions o;
  o.format = f;
  o.path = files.path / (f == Format::json ? "s.json" : f == Format::sqlite ? "s.db" : "s_csv");
  ASSERT_EQ(export_data(*c, parse(table_sql + ";", d), o).at(0).rows, kRows);

  // The target: the same table with a narrower code and one row of its own, which must survive.
  c->execute("DROP TABLE s");
  c->execute("CREATE TABLE s (id BIGINT PRIMARY KEY, code VARCHAR(12), pad TEXT)");
  c->execute("INSERT INTO s VALUES (0, 'kept', 'p')");
  if (d == Dialect::mysql) c->execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES'");

  // The stream alone refuses the table and leaves it as it was. PostgreSQL says which row in the
  // error's context ("COPY s, line N, column code: …"): the loader names it from there; MariaDB
  // does not, and the loader throws the database's error.
  {
    const std::vector<std::string> cols = {"id", "code", "pad"};
    TableLoader loader(*c, "", "s", cols, {TypeCategory::int64, TypeCategory::text, TypeCategory::text},
                       TableLoader::Load::stream);
    ASSERT_TRUE(loader.streaming());
    bool refused = false;
    try {
      for (int i = 1; i <= kRows; ++i) {
        std::string code = "c" + std::string(11 - std::to_string(i).size(), '0') + std::to_string(i);
        if (i == kRefused) code += 'x';
        loader.add({std::to_string(i), code, std::string(200, 'p')});
      }
      loader.commit();
    } catch (const driver::DbError&) {
      refused = true;
      EXPECT_EQ(d, Dialect::mysql) << "PostgreSQL's COPY names the row: the loader says which";
    } catch (const RowError& e) {
      refused = true;
      EXPECT_EQ(d, Dialect::postgresql);
      EXPECT_EQ(e.row(), kRefused);
      EXPECT_EQ(e.column(), "code");
      EXPECT_EQ(e.diagnostic().code, "import.row");
    }
    EXPECT_TRUE(refused) << "a 13-character code went into VARCHAR(12) through the stream";
  }
  EXPECT_EQ(count(*c, "SELECT COUNT(*) FROM s"), 1);
  const std::int64_t inserted_before = d == Dialect::postgresql ? tuples_inserted(*c, "s") : 0;

  // The import names the row (read again in batches) and writes nothing.
  try {
    import_data(*c, {o.path, {}});
    ADD_FAILURE() << "the import must fail";
  } catch (const diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "import.row");
    const std::string& m = e.diagnostic().message;
    EXPECT_NE(m.find("`s` row " + std::to_string(kRefused) + (d == Dialect::postgresql ? ", column `code`:" : "")),
              std::string::npos) << m;
    // Located in the file: the line holding the refused row (CSV: after the header line; JSON: one
    // row per line; a SQLite file has no lines and is named alone).
    const auto& at = e.diagnostic().location;
    if (f == Format::sqlite) {
      EXPECT_EQ(at.line, 0) << at.file;
    } else {
      EXPECT_EQ(at.column, 1);
      std::ifstream in(at.file, std::ios::binary);
      std::string line;
      for (int n = 0; n < at.line && std::getline(in, line); ++n) {
      }
      EXPECT_GT(at.line, 1);
      if (f == Format::csv) {
        EXPECT_EQ(at.line, kRefused + 1);
      }
      EXPECT_NE(line.find("c000000" + std::to_string(kRefused) + "x"), std::string::npos)
          << at.file << ":" << at.line << ": " << line.substr(0, 80);
    }
  }
  EXPECT_EQ(count(*c, "SELECT COUNT(*) FROM s"), 1);
  if (d == Dialect::postgresql) {
    // No second pass: the rows inserted (aborted ones included) are those COPY stored before the
    // refused row, not those again through batches of savepoints and row-by-row INSERTs
    // (≈ 2 × kRefused before this named the row from COPY's line number).
    const std::int64_t inserted = tuples_inserted(*c, "s") - inserted_before;
    EXPECT_GT(inserted, 0);
    EXPECT_LT(inserted, kRefused) << "the rows were loaded a second time to name the refused row";
  }
  EXPECT_EQ(count(*c, "SELECT COUNT(*) FROM s WHERE id = 0 AND code = 'kept'"), 1);

  // Widened, the same file streams in whole: every row, byte for byte as the server sums them.
  c->execute("ALTER TABLE s " + std::string(d == Dialect::postgresql ? "ALTER COLUMN code TYPE VARCHAR(13)"
                                                                     : "MODIFY code VARCHAR(13)"));
  const auto counts = import_data(*c, {o.path, {}});
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts[0].rows, kRows);
  EXPECT_EQ(driver::bulk_method(*c), d == Dialect::postgresql ? "copy" : "load_data");
  EXPECT_EQ(count(*c, "SELECT COUNT(*) FROM s"), kRows + 1);
  EXPECT_EQ(count(*c, "SELECT SUM(LENGTH(code)) + SUM(LENGTH(pad)) FROM s WHERE id > 0"),
            static_cast<std::int64_t>(kRows) * 212 + 1);
  EXPECT_EQ(count(*c, "SELECT COUNT(*) FROM s WHERE id = " + std::to_string(kRefused) + " AND code = 'c000000" +
                          std::to_string(kRefused) + "x'"),
            1);
  if (d == Dialect::mysql) c->execute("SET SESSION sql_mode = DEFAULT");
}

// The refused row in PostgreSQL's COPY error context (driver::copy_refusal).
TEST(ImportStream, CopyContextNamesTheRow) {
  using driver::copy_refusal;
  EXPECT_EQ(copy_refusal("COPY s, line 45678, column code: \"c00000045678x\"").row, 45678);
  EXPECT_EQ(copy_refusal("COPY s, line 45678, column code: \"c00000045678x\"").column, "code");
  EXPECT_EQ(copy_refusal("COPY s, line 3, column id: null input").column, "id");
  EXPECT_EQ(copy_refusal("COPY s, line 7").row, 7);
  EXPECT_EQ(copy_refusal("COPY s, line 7").column, "");
  EXPECT_EQ(copy_refusal("COPY s, line 9: \"1\t2\t3\"").row, 9);
  // A trigger's lines come first; the COPY line is the last.
  EXPECT_EQ(copy_refusal("PL/pgSQL function f() line 3 at RAISE\nCOPY \"my, line 2\", line 12").row, 12);
  EXPECT_EQ(copy_refusal("SQL statement \"SELECT 1\"").row, 0);
  EXPECT_EQ(copy_refusal("").row, 0);
  EXPECT_EQ(copy_refusal("COPY s, line x").row, 0);
}

TEST(ImportStream, RefusedRowNamedCsvPostgres) { stream_refusal_test(Dialect::postgresql, Format::csv); }
TEST(ImportStream, RefusedRowNamedJsonPostgres) { stream_refusal_test(Dialect::postgresql, Format::json); }
TEST(MysqlImport, StreamRefusedRowNamedCsv) { stream_refusal_test(Dialect::mysql, Format::csv); }
TEST(MysqlImport, StreamRefusedRowNamedJson) { stream_refusal_test(Dialect::mysql, Format::json); }
// A SQLite export file as the source (its reader writes into the loader's row slots too).
TEST(ImportStream, RefusedRowNamedSqliteFilePostgres) { stream_refusal_test(Dialect::postgresql, Format::sqlite); }
TEST(MysqlImport, StreamRefusedRowNamedSqliteFile) { stream_refusal_test(Dialect::mysql, Format::sqlite); }

// SQLite has no stream: Load::stream loads in batches (its prepared INSERT), as before.
TEST(ImportStream, SqliteLoadsInBatches) {
  auto db = TestDb::create(Dialect::sqlite);
  ASSERT_TRUE(db);
  auto c = db->connect();
  c->execute("CREATE TABLE s (id INTEGER PRIMARY KEY)");
  TableLoader loader(*c, "", "s", {"id"}, {TypeCategory::int64}, TableLoader::Load::stream);
  EXPECT_FALSE(loader.streaming());
  loader.add({"1"});
  EXPECT_EQ(loader.commit(), 1);
}

// A row that fails before it reaches the stream (a bad row after 50,000 streamed rows, ~11 MiB:
// MariaDB's first LOAD DATA is in flight on its worker) abandons the statement: the connection
// stays usable and the table empty (a bad cell's own message is ImportFastPath.BadCellIsNamed*).
void abandoned_stream_test(Dialect d) {
  auto db = TestDb::create(d);
  if (!db) GTEST_SKIP() << "server URL not set";
  auto c = db->connect();
  c->execute("CREATE TABLE s (id BIGINT PRIMARY KEY, pad TEXT)");
  {
    TableLoader loader(*c, "", "s", {"id", "pad"}, {TypeCategory::int64, TypeCategory::text},
                       TableLoader::Load::stream);
    ASSERT_TRUE(loader.streaming());
    for (int i = 1; i <= 50000; ++i) loader.add({std::to_string(i), std::string(200, 'p')});
    EXPECT_THROW(loader.add({"1"}), diag::Error);  // one value for two columns
  }
  EXPECT_EQ(count(*c, "SELECT COUNT(*) FROM s"), 0);
}

TEST(ImportStream, AbandonedCopyLeavesTheConnectionUsable) { abandoned_stream_test(Dialect::postgresql); }
TEST(MysqlImport, AbandonedStreamLeavesTheConnectionUsable) { abandoned_stream_test(Dialect::mysql); }

}  // namespace
}  // namespace flash::exporter

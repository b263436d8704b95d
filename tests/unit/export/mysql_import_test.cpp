// flash import into MariaDB through the bulk path (LOAD DATA LOCAL INFILE fed from memory, issue
// 17 goal 5): an export of every exchange type comes back as the engine stored it (its own
// CHECKSUM TABLE before and after), the JSON names each table's path, a refused row is named (a
// strict session) or fails the table (a non-strict one: LOAD DATA would have truncated it), and
// with local_infile=OFF the same import goes through INSERTs. MysqlImport.* shares a ctest
// RESOURCE_LOCK with the driver's MySqlBulk.* (they switch the server's local_infile).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "flash/diag/diagnostic.hpp"
#include "flash/driver/bulk.hpp"
#include "flash/export/export.hpp"
#include "support.hpp"
#include "support/flash_run.hpp"

namespace flash::exporter {
namespace {

using namespace export_test;
using schema::Dialect;

constexpr const char* kSchema =
    "CREATE TABLE t (id BIGINT PRIMARY KEY, big BIGINT, ubig BIGINT UNSIGNED, amount DECIMAL(30,6), flag BOOLEAN, "
    "created DATETIME(6), d DATE, tm TIME(6), data BLOB, js JSON, en ENUM('a','b c'), bits BIT(12), "
    "note VARCHAR(60), body TEXT, b1 BIT(1), tiny TINYINT(1)) CHARACTER SET utf8mb4";

// 25,000 generated rows (three bulk batches) and the edge cases: beyond 2^53, unsigned maximum,
// bytes with NUL/tab/newline/backslash, NULL vs '', the text \N, emoji, JSON with whitespace, its
// keys unsorted, a duplicate key and digits past a double (export and import keep a JSON value's
// text), BIT(1), and TINYINT(1) — MySQL's BOOLEAN — holding numbers other than 0 and 1.
void fill(driver::SqlConnection& c) {
  run_script(c, kSchema);
  c.execute(
      "INSERT INTO t SELECT seq, seq * 1000003, seq, seq / 7, seq % 2, TIMESTAMP'2024-01-01 00:00:00.5' - INTERVAL "
      "seq SECOND, DATE'2024-01-01' - INTERVAL seq DAY, SEC_TO_TIME(seq) + INTERVAL 0.25 SECOND, UNHEX(MD5(seq)), "
      "JSON_COMPACT(JSON_OBJECT('n', seq)), IF(seq % 2, 'a', 'b c'), seq % 4096, CONCAT('name\t', seq), REPEAT('x', seq % 40), "
      "seq % 2, CAST(seq % 256 AS SIGNED) - 128 "
      "FROM seq_1_to_25000");
  c.execute(R"SQL(INSERT INTO t VALUES
    (30001, 9007199254740993, 18446744073709551615, -123456789012345678901234.123456, 1, '9999-12-31 23:59:59.999999',
     '1000-01-01', '-838:59:59.000000', X'00090A0D5C4E', '{"z": 1, "a": [1.50, -2],\n "s":"😀\\t","a":123456789012345678901234567890}',
     'b c', b'111111111111', '😀 ñ 中', '\\N', b'1', 127),
    (30002, -9223372036854775808, 0, 0, 0, '1000-01-01 00:00:00.000000', '2024-02-29', '00:00:00.000001', X'', '[]',
     'a', b'0', '', 'line\nbreak\\', b'0', -128),
    (30003, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL))SQL");
}

std::string checksum(driver::SqlConnection& c) {
  return driver::to_display(c.query("CHECKSUM TABLE t").rows.at(0).at(1));
}

std::int64_t scalar(driver::SqlConnection& c, const std::string& sql) {
  return std::get<std::int64_t>(c.query(sql).rows.at(0).at(0));
}

struct MysqlProject {
  flash::test::TempDir dir{"flash-mysql-import"};
  std::string env;
  explicit MysqlProject(const TestDb& db) {
    dir.write("flash.toml", "version = \"2\"\nschema_dir = \"db/schema\"\n\n[database]\nprovider = \"mysql\"\n"
                            "url_env = \"DATABASE_URL\"\n");
    dir.write("db/schema/schema.sql", std::string(kSchema) + ";\n");
    env = "DATABASE_URL=" + flash::test::shell_quote(db.url);
  }
  flash::test::FlashRun run(const std::vector<std::string>& args) const {
    return flash::test::run_flash(FLASH_BINARY, args, dir.path(), env);
  }
};

// Exports t (json, csv and sqlite), empties it, imports each through the CLI; returns the methods.
void round_trip(const TestDb& db, driver::SqlConnection& c, const std::string& want_method) {
  const std::string before = checksum(c);
  ASSERT_NE(before, "NULL");
  c.execute("DROP TABLE IF EXISTS snap");
  c.execute("CREATE TABLE snap AS SELECT * FROM t");
  const auto model = parse(kSchema, Dialect::mysql);
  MysqlProject p(db);
  for (const Format f : {Format::json, Format::csv, Format::sqlite}) {
    ExportOptions o;
    o.format = f;
    o.path = p.dir.path() / (f == Format::json ? "x.json" : f == Format::csv ? "x_csv" : "x.sqlite");
    ASSERT_EQ(export_data(c, model, o).at(0).rows, 25003);
    c.execute("TRUNCATE t");
    const auto r = p.run({"import", o.path.string(), "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto out = nlohmann::json::parse(r.out);
    EXPECT_EQ(out["tables"]["t"]["rows"], 25003) << r.out;
    EXPECT_EQ(out["tables"]["t"]["method"], want_method) << r.out;
    EXPECT_EQ(checksum(c), before) << "the engine's checksum differs after the import of " << o.path;
    // Column by column, byte-exact, by the server.
    for (const char* col : {"big", "ubig", "amount", "flag", "created", "d", "tm", "data", "js", "en", "bits", "note",
                            "body", "b1", "tiny"})
      EXPECT_EQ(scalar(c, std::string("SELECT COUNT(*) FROM t JOIN snap s USING (id) WHERE NOT (BINARY t.") + col +
                              " <=> BINARY s." + col + ")"),
                0)
          << col << " differs after the import of " << o.path;
  }
  c.execute("DROP TABLE snap");
  // Spot checks by the server of values a double would lose.
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM t WHERE id = 30001 AND big = 9007199254740993 AND "
                      "ubig = 18446744073709551615 AND data = X'00090A0D5C4E' AND body = '\\\\N' AND bits = 4095 AND "
                      "b1 = 1 AND tiny = 127 AND js = '{\"z\": 1, \"a\": [1.50, -2],\\n \"s\":\"😀\\\\t\",\"a\":123456789012345678901234567890}'"),
            1);
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM t WHERE id = 30002 AND note = '' AND data = X'' AND body IS NOT NULL AND "
                      "b1 = 0 AND tiny = -128"),
            1);
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM t WHERE id = 30003 AND note IS NULL AND data IS NULL"), 1);
}

TEST(MysqlImport, EveryTypeThroughLoadData) {
  REQUIRE_DB(db, Dialect::mysql);
  auto c = db->connect();
  fill(*c);
  round_trip(*db, *c, "load_data");
}

TEST(MysqlImport, LocalInfileOffImportsThroughInserts) {
  REQUIRE_DB(db, Dialect::mysql);
  auto c = db->connect();
  fill(*c);
  c->execute("SET GLOBAL local_infile = 0");
  struct Restore {
    driver::SqlConnection& c;
    ~Restore() {
      try {
        c.execute("SET GLOBAL local_infile = 1");
      } catch (const driver::DbError&) {
      }
    }
  } restore{*c};
  round_trip(*db, *c, "insert");
}

// A value the column cannot hold: the table fails and the row is named — in a strict session and
// in a non-strict one, where LOAD DATA LOCAL alone would have truncated the value (the refused
// batch is loaded again by halves through the same path, BIT values included); nothing of the
// table stays either way.
TEST(MysqlImport, RefusedValueFailsTheTable) {
  REQUIRE_DB(db, Dialect::mysql);
  auto c = db->connect();
  fill(*c);
  c->execute("UPDATE t SET note = REPEAT('y', 60) WHERE id = 12345");
  const auto model = parse(kSchema, Dialect::mysql);
  TempDir files;
  ExportOptions o;
  o.path = files.path / "x.json";
  export_data(*c, model, o);
  c->execute("DROP TABLE t");
  run_script(*c, std::string(kSchema).replace(std::string(kSchema).find("VARCHAR(60)"), 11, "VARCHAR(59)"));
  for (const char* mode : {"STRICT_ALL_TABLES", ""}) {
    SCOPED_TRACE(mode);
    c->execute(std::string("SET SESSION sql_mode = '") + mode + "'");
    try {
      import_data(*c, {o.path, {}});
      FAIL() << "a 60-character note went into VARCHAR(59)";
    } catch (const diag::Error& e) {
      EXPECT_EQ(e.diagnostic().code, "import.row");
      EXPECT_NE(e.diagnostic().message.find("`t` row 12345"), std::string::npos) << e.diagnostic().message;
      EXPECT_NE(e.diagnostic().message.find("'note'"), std::string::npos) << e.diagnostic().message;
    }
    EXPECT_EQ(driver::bulk_method(*c), "load_data");
    EXPECT_EQ(scalar(*c, "SELECT COUNT(*) FROM t"), 0);
  }
}

}  // namespace
}  // namespace flash::exporter

// One uploaded table file (flash/export/table_file.hpp, the studio's import): CSV and JSON read into
// exchange values with every problem at its line and column, then loaded in one transaction on the
// three engines (the rows read back with the driver; a bad row leaves the table unchanged).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "flash/export/format.hpp"
#include "flash/export/table_file.hpp"
#include "flash/pull/inspect.hpp"
#include "support/scratch_db.hpp"

namespace flash::exporter {
namespace {

using nlohmann::json;
using schema::Dialect;
using schema::TypeCategory;

// id bigint (required), name text (required), note text, big bigint, price decimal, cover bytes,
// flag boolean, data json, ratio float, mood enum(happy, sad), small smallint, total generated.
std::vector<TargetColumn> table() {
  return {{"id", TypeCategory::int64, true},       {"name", TypeCategory::text, true},
          {"note", TypeCategory::text},            {"big", TypeCategory::int64},
          {"price", TypeCategory::decimal},        {"cover", TypeCategory::bytes},
          {"flag", TypeCategory::boolean},         {"data", TypeCategory::json},
          {"ratio", TypeCategory::float64},        {"mood", TypeCategory::enum_, false, false, {"happy", "sad"}},
          {"small", TypeCategory::int16},          {"total", TypeCategory::int64, false, true}};
}

std::vector<FileRow> read_all(TableFile& f) {
  std::vector<FileRow> out;
  FileRow r;
  while (f.next(r)) out.push_back(r);
  return out;
}

// The value of column `name` in a row of `f`.
const json& value(const TableFile& f, const FileRow& r, const std::string& name) {
  const auto& cols = f.columns();
  const auto it = std::find(cols.begin(), cols.end(), name);
  EXPECT_NE(it, cols.end()) << name;
  return r.values.at(static_cast<std::size_t>(it - cols.begin()));
}

TEST(TableFile, CsvQuotesEmbeddedNewlinesAndNullVersusEmpty) {
  const std::string text =
      "id,name,note\n"
      "1,\"a, \"\"quoted\"\" name\",\"line one\nline two\"\r\n"
      "2,plain,\n"
      "3,\"\",x\n";
  TableFile f("t.csv", text, TableFileFormat::csv, table());
  EXPECT_EQ(f.columns(), (std::vector<std::string>{"id", "name", "note"}));
  EXPECT_TRUE(f.header_problems().empty());
  const auto rows = read_all(f);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].line, 2);
  EXPECT_EQ(value(f, rows[0], "name"), "a, \"quoted\" name");
  EXPECT_EQ(value(f, rows[0], "note"), "line one\nline two");
  EXPECT_EQ(rows[1].line, 4) << "the row after a two-line field starts on line 4";
  EXPECT_TRUE(value(f, rows[1], "note").is_null()) << "an empty unquoted field is NULL";
  EXPECT_EQ(rows[2].line, 5);
  EXPECT_EQ(value(f, rows[2], "name"), "") << "a quoted empty field is the empty string";
  for (const auto& r : rows) EXPECT_TRUE(r.problems.empty());
}

TEST(TableFile, JsonNullVersusEmptyAndLines) {
  const std::string text = "[\n  {\"id\": 1, \"name\": \"\", \"note\": null},\n  {\"id\": 2,\n   \"name\": \"b\", \"note\": \"x\"}\n]\n";
  TableFile f("t.json", text, TableFileFormat::json, table());
  const auto rows = read_all(f);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].line, 2);
  EXPECT_EQ(value(f, rows[0], "name"), "");
  EXPECT_TRUE(value(f, rows[0], "note").is_null());
  EXPECT_EQ(rows[1].line, 3);
  EXPECT_EQ(value(f, rows[1], "id"), 2);
}

TEST(TableFile, BigintBeyond2To53StaysExact) {
  TableFile c("t.csv", "id,name,big\n1,a,9007199254740993\n2,b,-9223372036854775808\n3,c,9223372036854775808\n",
              TableFileFormat::csv, table());
  auto rows = read_all(c);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(value(c, rows[0], "big").get<std::int64_t>(), 9007199254740993LL);
  EXPECT_EQ(value(c, rows[1], "big").get<std::int64_t>(), INT64_MIN);
  ASSERT_EQ(rows[2].problems.size(), 1u);
  EXPECT_EQ(rows[2].problems[0].line, 4);
  EXPECT_EQ(rows[2].problems[0].column, "big");
  EXPECT_NE(rows[2].problems[0].message.find("out of range"), std::string::npos);

  TableFile j("t.json",
              R"([{"id": 1, "name": "a", "big": 9007199254740993}, {"id": 2, "name": "b", "big": "9007199254740995"},
{"id": 3, "name": "c", "big": 18446744073709551616}, {"id": 4, "name": "d", "big": 1.5}])",
              TableFileFormat::json, table());
  rows = read_all(j);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(value(j, rows[0], "big").get<std::int64_t>(), 9007199254740993LL) << "a JSON number beyond 2^53, exact";
  EXPECT_EQ(value(j, rows[1], "big").get<std::int64_t>(), 9007199254740995LL) << "a JSON string, exact";
  ASSERT_EQ(rows[2].problems.size(), 1u);
  EXPECT_EQ(rows[2].problems[0].line, 2);
  EXPECT_NE(rows[2].problems[0].message.find("out of range"), std::string::npos);
  ASSERT_EQ(rows[3].problems.size(), 1u);
  EXPECT_NE(rows[3].problems[0].message.find("whole number"), std::string::npos);
  // A smallint beyond 16 bits is refused before the database sees it.
  TableFile s("t.csv", "id,name,small\n1,a,32767\n2,b,32768\n", TableFileFormat::csv, table());
  rows = read_all(s);
  EXPECT_TRUE(rows[0].problems.empty());
  ASSERT_EQ(rows[1].problems.size(), 1u);
  EXPECT_EQ(rows[1].problems[0].column, "small");
}

TEST(TableFile, BytesAsHexOrBase64) {
  TableFile c("t.csv", "id,name,cover\n1,a,\\xdeadBEEF\n2,b,3q2+7w==\n3,c,\\xabc\n4,d,not*base64\n5,e,\"\"\n",
              TableFileFormat::csv, table());
  auto rows = read_all(c);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(value(c, rows[0], "cover"), base64_encode("\xde\xad\xbe\xef")) << "\\x-hex becomes the exchange form";
  EXPECT_EQ(value(c, rows[1], "cover"), "3q2+7w==");
  ASSERT_EQ(rows[2].problems.size(), 1u);
  EXPECT_EQ(rows[2].problems[0].column, "cover");
  ASSERT_EQ(rows[3].problems.size(), 1u);
  EXPECT_EQ(rows[3].problems[0].line, 5);
  EXPECT_EQ(value(c, rows[4], "cover"), "") << "empty bytes, not NULL";

  TableFile j("t.json", R"([{"id": 1, "name": "a", "cover": {"$hex": "00ff"}}, {"id": 2, "name": "b", "cover": 12}])",
              TableFileFormat::json, table());
  rows = read_all(j);
  EXPECT_EQ(value(j, rows[0], "cover"), base64_encode(std::string("\x00\xff", 2)));
  ASSERT_EQ(rows[1].problems.size(), 1u) << "a number is not bytes";
}

TEST(TableFile, ValuesCheckedByCategory) {
  const std::string text =
      "id,name,price,flag,data,ratio,mood\n"
      "1,a,12.5000,yes,\"{\"\"k\"\": [1, 2]}\",NaN,happy\n"
      "2,b,1e3,F,null,-1.25,sad\n"
      "3,c,12.5.0,maybe,{,abc,angry\n";
  TableFile f("t.csv", text, TableFileFormat::csv, table());
  const auto rows = read_all(f);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_TRUE(rows[0].problems.empty());
  EXPECT_EQ(value(f, rows[0], "price"), "12.5000") << "decimal digits as written";
  EXPECT_EQ(value(f, rows[0], "flag"), true);
  // A JSON column keeps its text, which the loader gives the database as it stands.
  const std::string k = R"({"k": [1, 2]})";
  EXPECT_EQ(value(f, rows[0], "data"), json::binary(std::vector<std::uint8_t>(k.begin(), k.end()), kJsonTextSubtype));
  EXPECT_EQ(driver::to_display(from_exchange(value(f, rows[0], "data"), TypeCategory::json, Dialect::postgresql)), k);
  EXPECT_EQ(value(f, rows[0], "ratio"), "NaN");
  EXPECT_EQ(value(f, rows[1], "flag"), false);
  EXPECT_EQ(value(f, rows[1], "ratio"), -1.25);
  std::vector<std::string> bad;
  for (const auto& p : rows[2].problems) {
    EXPECT_EQ(p.line, 4);
    bad.push_back(p.column);
  }
  EXPECT_EQ(bad, (std::vector<std::string>{"price", "flag", "data", "ratio", "mood"}));
  // JSON: a decimal written as a number keeps its digits.
  TableFile j("t.json", R"([{"id": 1, "name": "a", "price": 12345678901234567.1234}])", TableFileFormat::json, table());
  const auto jr = read_all(j);
  EXPECT_EQ(value(j, jr[0], "price"), "12345678901234567.1234");
  // NULL where a value is required.
  TableFile n("t.csv", "id,name\n1,\n", TableFileFormat::csv, table());
  const auto nr = read_all(n);
  ASSERT_EQ(nr[0].problems.size(), 1u);
  EXPECT_EQ(nr[0].problems[0].column, "name");
}

TEST(TableFile, HeaderMatchedWithTheTable) {
  TableFile f("t.csv", "\xEF\xBB\xBFid,nmae,total,id\n1,x,5,1\n", TableFileFormat::csv, table());
  EXPECT_EQ(f.columns(), (std::vector<std::string>{"id"}));
  EXPECT_EQ(f.unknown(), (std::vector<std::string>{"nmae"}));
  EXPECT_EQ(f.ignored(), (std::vector<std::string>{"total"}));
  std::vector<std::string> msgs;
  for (const auto& p : f.header_problems()) {
    EXPECT_EQ(p.line, 1);
    msgs.push_back(p.message);
  }
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_NE(msgs[0].find("did you mean `name`?"), std::string::npos) << msgs[0];
  EXPECT_NE(msgs[1].find("named twice"), std::string::npos) << msgs[1];
  EXPECT_NE(msgs[2].find("the file has no column name"), std::string::npos) << msgs[2];
}

TEST(TableFile, MalformedFilesAreLocated) {
  auto fails_at = [](const std::string& text, TableFileFormat fmt, int line) {
    try {
      TableFile f("t", text, fmt, table());
      read_all(f);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const TableFileError& e) {
      EXPECT_EQ(e.diagnostic().code, "import.format");
      EXPECT_EQ(e.line(), line) << e.diagnostic().message;
    }
  };
  fails_at("id,name\n1,a\n2,\"open\n3,c\n", TableFileFormat::csv, 3);       // unclosed quote
  fails_at("id,name\n1,a\n2,b,extra\n", TableFileFormat::csv, 3);           // field count
  fails_at("", TableFileFormat::csv, 1);                                     // empty
  fails_at("{\"id\": 1}", TableFileFormat::json, 1);                         // not an array
  fails_at("[{\"id\": 1, \"name\": \"a\"},\n{\"id\": 2, \"name\": tru}]", TableFileFormat::json, 2);
  fails_at("[{\"id\": 1, \"name\": \"a\"}\n{\"id\": 2}]", TableFileFormat::json, 2);  // no comma
  fails_at("[{\"id\": 1, \"name\": \"a\"}] x", TableFileFormat::json, 1);
  // Keys that differ from the first object's are problems of that row.
  TableFile f("t.json", "[{\"id\": 1, \"name\": \"a\"},\n{\"id\": 2, \"nom\": \"b\"}]", TableFileFormat::json, table());
  const auto rows = read_all(f);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[1].problems.size(), 2u);
  EXPECT_EQ(rows[1].problems[0].column, "nom");
  EXPECT_EQ(rows[1].problems[1].column, "name");
  EXPECT_EQ(rows[1].problems[1].line, 2);
}

TEST(TableFile, FormatDetected) {
  EXPECT_EQ(detect_table_file_format("\xEF\xBB\xBF  \n[{}]"), TableFileFormat::json);
  EXPECT_EQ(detect_table_file_format("id,name\n"), TableFileFormat::csv);
  EXPECT_EQ(table_file_format("JSON"), TableFileFormat::json);
  EXPECT_FALSE(table_file_format("xml"));
}

// ---- loading, on the three engines ---------------------------------------------------------------

class LoadTableFile : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    db = flash::test::ScratchDb::create(GetParam(), "flash_tfile");
    if (!db) GTEST_SKIP() << "no server URL for " << schema::to_string(GetParam());
    c = db->connect();
    const Dialect d = GetParam();
    const std::string bytes_t = d == Dialect::postgresql ? "bytea" : d == Dialect::mysql ? "LONGBLOB" : "BLOB";
    c->execute("CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(50) NOT NULL, big BIGINT, price NUMERIC(20,4), "
               "cover " + bytes_t + ", note VARCHAR(20))");
    c->execute("INSERT INTO items (id, name) VALUES (1000000, 'already here')");
  }
  std::vector<TargetColumn> target() {
    const auto model = pull::inspect(*c);
    const auto* t = model.find_table("items", model.tables.at(0).schema);
    EXPECT_TRUE(t);
    return target_columns(*t, model);
  }
  std::int64_t count() { return std::get<std::int64_t>(c->query("SELECT COUNT(*) FROM items").rows.at(0).at(0)); }
  std::int64_t load(const std::string& text, TableFileFormat fmt = TableFileFormat::csv) {
    TableFile f("items.csv", text, fmt, target());
    return load_table_file(*c, "", "items", f);
  }
  std::unique_ptr<flash::test::ScratchDb> db;
  std::unique_ptr<driver::SqlConnection> c;
};

TEST_P(LoadTableFile, RowsGoInExactly) {
  const std::int64_t n = load("id,name,big,price,cover,note\n"
                              "1,\"a, b\",9007199254740993,123456.7891,\\x00ff10,\n"
                              "2,\"\",-5,0.0001,,\"\"\n");
  EXPECT_EQ(n, 2);
  const auto rs = c->query("SELECT id, name, big, price, cover, note FROM items WHERE id < 10 ORDER BY id");
  ASSERT_EQ(rs.rows.size(), 2u);
  EXPECT_EQ(std::get<std::string>(rs.rows[0][1]), "a, b");
  EXPECT_EQ(std::get<std::int64_t>(rs.rows[0][2]), 9007199254740993LL);
  EXPECT_EQ(normalized_text(rs.rows[0][3], TypeCategory::decimal), "123456.7891");  // SQLite keeps 15 digits
  EXPECT_EQ(std::get<driver::Blob>(rs.rows[0][4]).bytes, std::string("\x00\xff\x10", 3));
  EXPECT_TRUE(driver::is_null(rs.rows[0][5]));
  EXPECT_EQ(std::get<std::string>(rs.rows[1][1]), "") << "'' stays the empty string";
  EXPECT_TRUE(driver::is_null(rs.rows[1][4]));
  EXPECT_EQ(std::get<std::string>(rs.rows[1][5]), "");
}

TEST_P(LoadTableFile, BadValueStopsAtItsLineAndColumnTableUnchanged) {
  try {
    load("id,name,big\n1,a,1\n2,b,two\n3,c,3\n");
    ADD_FAILURE() << "loaded";
  } catch (const TableFileError& e) {
    EXPECT_EQ(e.diagnostic().code, "import.row");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.column(), "big");
    EXPECT_EQ(e.row(), 2);
  }
  EXPECT_EQ(count(), 1) << "nothing of the file went in";
}

TEST_P(LoadTableFile, DatabaseRefusalIsLocatedAcrossBatches) {
  // 2,500 rows (more than one batch of every engine's path); row 2,201 repeats a key: the database
  // refuses it, the loader names it, and it is reported at its line of the file (2,202).
  std::string text = "id,name\n";
  for (int i = 1; i <= 2500; ++i) text += std::to_string(i == 2201 ? 7 : i) + ",n" + std::to_string(i) + "\n";
  try {
    load(text);
    ADD_FAILURE() << "loaded";
  } catch (const TableFileError& e) {
    EXPECT_EQ(e.diagnostic().code, "import.row");
    EXPECT_EQ(e.line(), 2202) << e.diagnostic().message;
    EXPECT_EQ(e.row(), 2201);
  }
  EXPECT_EQ(count(), 1) << "the whole file rolled back";
  // A NOT NULL refusal names its column where the database's message does.
  try {
    load("[{\"id\": 1, \"name\": \"a\"}, {\"id\": 2, \"name\": null}]", TableFileFormat::json);
    ADD_FAILURE() << "loaded";
  } catch (const TableFileError& e) {
    EXPECT_EQ(e.line(), 1);
    EXPECT_EQ(e.column(), "name");
  }
  EXPECT_EQ(count(), 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, LoadTableFile, ::testing::Values(Dialect::sqlite, Dialect::postgresql, Dialect::mysql),
                         [](const auto& i) { return std::string(schema::to_string(i.param)); });

}  // namespace
}  // namespace flash::exporter

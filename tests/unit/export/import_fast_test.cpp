// The import fast paths (ingest.hpp, format.hpp csv_to_target / token_to_target, TableLoader's row
// slots, SQLite's bulk INSERT): each gives the same value as the reference composition through
// nlohmann values (csv_to_exchange / json::parse, then from_exchange), and a whole import through
// them stores exactly what the reference path (read_export + TableLoader::add) stores.
#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>

#include "flash/driver/bulk.hpp"
#include "flash/export/export.hpp"
#include "flash/export/format.hpp"
#include "flash/export/ingest.hpp"
#include "flash/export/loader.hpp"
#include "flash/schema/json.hpp"
#include "flash/schema/printer.hpp"
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
const Dialect kDialects[] = {Dialect::postgresql, Dialect::mysql, Dialect::sqlite};

// What a slot may hold from an earlier row: the fast paths must overwrite every kind.
std::vector<V> previous_slots() {
  return {driver::Null{}, true, std::int64_t{5}, 2.5, std::string("an earlier, longer string value"),
          driver::Blob{std::string("\x01\x02\x03", 3)}};
}

bool same_value(const V& a, const V& b) {
  if (auto* x = std::get_if<double>(&a))
    if (auto* y = std::get_if<double>(&b); y && std::isnan(*x) && std::isnan(*y)) return true;
  if (a.index() != b.index()) return false;
  if (auto* x = std::get_if<double>(&a)) return std::signbit(*x) == std::signbit(std::get<double>(b)) && a == b;
  return a == b;
}

// Texts of CSV cells: numbers of every shape, booleans, base64, timestamps, JSON and not-JSON,
// whitespace, the int64 edges and beyond, NaN/Infinity, invalid base64.
const char* kCellTexts[] = {
    "",      "0",    "-0",   "42",    " 42 ",  "-7",   "9223372036854775807", "9223372036854775808",
    "-9223372036854775808", "12345678901234567890123", "1.5",  "-0.0", "1e300", "1e400", "2.50",
    "0.1",   "NaN",  "Infinity", "-Infinity", "inf", "t",    "f",    "true",  "false", "yes",  "on",
    "TRUE",  "1",    "AAE=", "AP8AQQo=", "not base64!", "2024-02-29T21:59:59.123456+00:00",
    "1999-12-31 23:59:59.5", "2030-06-15T12:30:00Z", "{\"b\": [1, 2.50, {\"c\": null}], \"a\": \"x\"}",
    "[]",    "\"just a string\"", "null", "{nope", "Ünïcødé ✓ 日本語 \"quoted\", comma\nline\r\n\ttab\\",
    "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "12345678901234.5678"};

TEST(ImportFastPath, CsvCellsGiveTheReferenceValue) {
  int compared = 0;
  for (const auto d : kDialects) {
    for (const char* text : kCellTexts) {
      for (const bool quoted : {false, true}) {
        for (const auto c : kAllCategories) {
          std::optional<V> ref;
          std::string ref_error;
          try {
            ref = from_exchange(loader_cell(csv_to_exchange(text, quoted, c), c, text, /*null_is_sql=*/false), c, d);
          } catch (const std::exception& e) {
            ref_error = e.what();
          }
          for (const V& prev : previous_slots()) {
            V mine = prev;
            try {
              csv_to_target(mine, text, quoted, c, d);
            } catch (const std::exception& e) {
              EXPECT_FALSE(ref) << "`" << text << "` as " << schema::to_string(c) << ": fast path threw " << e.what();
              EXPECT_EQ(std::string(e.what()), ref_error);
              continue;
            }
            ASSERT_TRUE(ref) << "`" << text << "` as " << schema::to_string(c) << ": the reference threw " << ref_error;
            EXPECT_TRUE(same_value(mine, *ref)) << "`" << text << "` quoted=" << quoted << " as " << schema::to_string(c)
                                                << " for " << schema::to_string(d) << ": " << driver::to_display(mine)
                                                << " vs " << driver::to_display(*ref);
            ++compared;
          }
        }
      }
    }
  }
  EXPECT_GT(compared, 10000);
}

// JSON tokens as an export holds them (and some it never holds): the fast path either declines or
// gives what from_exchange gives for the parsed token.
const char* kTokens[] = {
    "null", "true", "false", "0", "-0", "42", "-7", "9223372036854775807", "9223372036854775808",
    "-9223372036854775808", "-9223372036854775809", "1.5", "-0.0", "0.1", "1e300", "1E-7", "1e400", "2.50",
    "3.0", "\"\"", "\"42\"", "\" 42 \"", "\"9223372036854775807\"", "\"12345678901234.5678\"", "\"NaN\"",
    "\"Infinity\"", "\"t\"", "\"true\"", "\"AAE=\"", "\"AP8AQQo=\"", "\"not base64!\"",
    "\"2024-02-29T21:59:59.123456+00:00\"", "\"Ünïcødé ✓ 日本語\"", "\"a, b\""};

TEST(ImportFastPath, JsonTokensGiveTheReferenceValue) {
  int compared = 0, taken = 0;
  for (const auto d : kDialects) {
    for (const char* token : kTokens) {
      const json j = json::parse(token, nullptr, false, false);  // no exceptions
      const std::string_view t(token);
      const TokenKind kind = t[0] == '"' ? TokenKind::string : (t[0] == '-' || std::isdigit(static_cast<unsigned char>(t[0])))
                                                                   ? TokenKind::number
                                                                   : TokenKind::literal;
      const std::string_view text = kind == TokenKind::string ? t.substr(1, t.size() - 2) : t;
      for (const auto c : kAllCategories) {
        std::optional<V> ref;
        try {
          if (!j.is_discarded()) ref = from_exchange(j, c, d);
        } catch (const std::exception&) {
        }
        for (const V& prev : previous_slots()) {
          V mine = prev;
          bool took = false;
          if (j.is_discarded()) {  // nlohmann refuses it (1e400): the fast path must leave it too
            EXPECT_FALSE(token_to_target(mine, kind, text, c, d)) << token;
            continue;
          }
          try {
            took = token_to_target(mine, kind, text, c, d);
          } catch (const std::exception& e) {
            EXPECT_FALSE(ref) << token << " as " << schema::to_string(c) << ": fast path threw " << e.what();
            continue;
          }
          if (!took) continue;
          ++taken;
          ASSERT_TRUE(ref) << token << " as " << schema::to_string(c) << ": the reference threw";
          EXPECT_TRUE(same_value(mine, *ref)) << token << " as " << schema::to_string(c) << " for "
                                              << schema::to_string(d) << ": " << driver::to_display(mine) << " vs "
                                              << driver::to_display(*ref);
          ++compared;
        }
      }
    }
  }
  EXPECT_GT(taken, 2000);
  // What a Flash export holds is taken: strings everywhere but JSON columns, integers in integer
  // columns, numbers in float columns, literals.
  V out;
  EXPECT_TRUE(token_to_target(out, TokenKind::string, "9223372036854775807", TypeCategory::int64, Dialect::sqlite));
  EXPECT_EQ(out, V(std::int64_t{9223372036854775807}));
  EXPECT_TRUE(token_to_target(out, TokenKind::number, "-32768", TypeCategory::int16, Dialect::postgresql));
  EXPECT_TRUE(token_to_target(out, TokenKind::number, "1e-7", TypeCategory::float64, Dialect::postgresql));
  EXPECT_TRUE(token_to_target(out, TokenKind::literal, "false", TypeCategory::boolean, Dialect::postgresql));
  EXPECT_EQ(out, V(false));
  EXPECT_FALSE(token_to_target(out, TokenKind::number, "-0", TypeCategory::float64, Dialect::postgresql));
  EXPECT_FALSE(token_to_target(out, TokenKind::number, "1.5", TypeCategory::text, Dialect::postgresql));
  EXPECT_FALSE(token_to_target(out, TokenKind::string, "x", TypeCategory::json, Dialect::postgresql));
}

// Whole rows: the fast path's values equal from_exchange of the parsed row's elements; rows it
// declines are the ones the reference must see (escapes, bad UTF-8, malformed, wrong width).
TEST(ImportFastPath, JsonRowsGiveTheReferenceValues) {
  const std::vector<TypeCategory> cats = {TypeCategory::int64,   TypeCategory::text,  TypeCategory::decimal,
                                          TypeCategory::boolean, TypeCategory::timestamptz, TypeCategory::bytes,
                                          TypeCategory::json,    TypeCategory::float64, TypeCategory::int32};
  struct Case {
    std::string row;
    bool fast;
  };
  const std::vector<Case> cases = {
      {R"(["1","name 1","0.01",false,"2023-12-31T23:59:59+00:00","AAE=",{"b":[1,2.50,{"c":null}],"a":"x\"y"},0.1,7])", true},
      {R"( [ "9223372036854775807" , "" , null , true , null , "" , null , -1.5e300 , -32768 ] )", true},
      // Escapes are decoded as nlohmann decodes them (surrogate pairs joined, \u0000 kept).
      {R"(["-9223372036854775808","Ünïcødé ✓ 日本語, \"q\"","1",1,"x","AP8AQQo=","just text",3,0])", true},
      {R"(["1","\\ \/ \b\f\n\r\t \u00e9\u20AC \ud83d\ude00 \u0000 end","1",null,null,null,"\"x\"",1,1])", true},
      {R"(["1","a","1",null,"2024\u002d01\u002d01","QU\u0042D",null,1,1])", true},  // escaped base64 and timestamp
      {R"(["1","lone \ud800","1",null,null,null,null,1,1])", false},
      {R"(["1","lone \udc00 low","1",null,null,null,null,1,1])", false},
      {R"(["1","\ud800\u0041","1",null,null,null,null,1,1])", false},
      {R"(["1","bad \x escape","1",null,null,null,null,1,1])", false},
      {R"(["1","bad \u12G4","1",null,null,null,null,1,1])", false},
      {R"(["1","a","1",null,null,null,[],"NaN",1])", true},
      {R"(["1","a","1",null,null,null,12345678901234567890,"Infinity",1])", true},
      {R"(["1","a","1",null,null,null,"s",1e400,1])", false},         // out of double range
      {R"(["1","a","1",null,null,null,"s",1,1.5])", false},           // a float in an integer column
      {R"(["1","a","1",null,null,null,"s",1,-0])", false},            // -0
      {R"(["1","a","1",null,null,null,"s",1])", false},               // too few values
      {R"(["1","a","1",null,null,null,"s",1,1,2])", false},           // too many
      {"[\"1\",\"bad \xff utf-8\",\"1\",null,null,null,null,1,1]", false},
      {"[\"1\",\"tab\there\",\"1\",null,null,null,null,1,1]", false},  // a raw control character
      {R"(["1","a","1",nul,null,null,null,1,1])", false},
      {R"(["1","a","1",null,null,null,null,01,1])", false},
      {R"(["1","a","1",null,null,null,null,1,1]x)", false},
      {R"(["1","a","1",null,null,"not base64!",null,1,1])", false},   // throws: the reference reports it
  };
  for (const auto d : kDialects) {
    for (const auto& [row, fast] : cases) {
      std::vector<V> out(cats.size(), V(std::string("previous")));
      bool took = false;
      try {
        took = json_row_to_target(row, cats, d, out);
      } catch (const std::exception&) {
        took = false;
      }
      EXPECT_EQ(took, fast) << row;
      if (!took) continue;
      const json parsed = json::parse(row);
      ASSERT_EQ(parsed.size(), cats.size());
      std::vector<std::string_view> items;
      ASSERT_TRUE(json_array_items(row, items));
      ASSERT_EQ(items.size(), cats.size());
      for (std::size_t i = 0; i < cats.size(); ++i) {
        const V ref = from_exchange(loader_cell(parsed[i], cats[i], items[i]), cats[i], d);
        EXPECT_TRUE(same_value(out[i], ref)) << row << " [" << i << "] for " << schema::to_string(d) << ": "
                                             << driver::to_display(out[i]) << " vs " << driver::to_display(ref);
      }
    }
  }
}

// The reader scans a row where it lies in its buffer (scan_json_row): a window that ends anywhere
// before the row's ']' asks for more — never a value, never a refusal — and the whole row is done.
TEST(ImportFastPath, JsonRowScanAsksForMoreAtEveryCut) {
  const std::vector<TypeCategory> cats = {TypeCategory::int64, TypeCategory::text, TypeCategory::json,
                                          TypeCategory::float64, TypeCategory::boolean, TypeCategory::bytes};
  const std::vector<std::string> rows = {
      R"(["-12345","t\"e\u00e9x\ud83d\ude00t ✓",{"a":[1,2.5e3,"]"],"b":null},-1.25e-3,true,"AAE="])",
      R"([ 9007199254740993 , "" , 12345678901234567890 , 7 , null , null ])",
      R"([null,"x",[],0,false,"QUJD"])"};
  for (const auto d : kDialects) {
    for (const auto& row : rows) {
      std::vector<V> ref(cats.size());
      ASSERT_TRUE(json_row_to_target(row, cats, d, ref)) << row;
      std::string scratch;
      for (std::size_t cut = 0; cut < row.size(); ++cut) {
        const std::string window = row.substr(0, cut);  // its own allocation: reads past it are caught by ASan
        std::vector<V> out(cats.size());
        const char* p = window.data();
        EXPECT_EQ(scan_json_row(p, p + window.size(), cats, d, out, scratch), JsonRowScan::more) << row << " cut at " << cut;
      }
      std::vector<V> out = previous_slots();
      out.resize(cats.size());
      const char* p = row.data();
      ASSERT_EQ(scan_json_row(p, p + row.size(), cats, d, out, scratch), JsonRowScan::done) << row;
      EXPECT_EQ(p, row.data() + row.size());
      for (std::size_t i = 0; i < cats.size(); ++i) EXPECT_TRUE(same_value(out[i], ref[i])) << row << " [" << i << "]";
    }
  }
}

// A JSON export whose rows cross the reader's 1 MiB buffer, one row longer than the buffer (with
// escapes at its ends), imports exactly: the buffer moves the row to its start and grows.
TEST(ImportFastPath, JsonRowsAcrossTheBuffer) {
  auto dst = TestDb::create(Dialect::sqlite);
  ASSERT_TRUE(dst);
  TempDir files;
  const auto model = parse("CREATE TABLE w (id BIGINT PRIMARY KEY, name TEXT, n BIGINT);", Dialect::postgresql);
  const fs::path path = files.path / "w.json";
  const std::string big = R"(\"start\\)" + std::string(3 << 20, 'b') + R"(\u00e9nd\")";  // JSON escapes
  {
    std::ofstream out(path, std::ios::binary);
    out << R"({"version":1,"dialect":"postgresql","schema":)" << schema::to_json(model).dump()
        << R"(,"tables":{"w":{"columns":["id","name","n"],"rows":[)";
    for (int i = 1; i <= 6000; ++i)
      out << (i > 1 ? "," : "") << "\n[\"" << i << "\",\"" << (i == 3000 ? big : std::string(500, 'a' + i % 26))
          << "\"," << 9007199254740993LL + i << "]";
    out << "]}}}";
  }
  auto c = dst->connect();
  c->execute(schema::print_schema(convert_schema(model, Dialect::sqlite)));
  const auto counts = import_data(*c, {path, {}});
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts[0].rows, 6000);
  EXPECT_EQ(c->query("SELECT COUNT(*) FROM w WHERE length(name) = 500 AND n = 9007199254740993 + id").rows.at(0).at(0),
            V(std::int64_t{5999}));
  const auto r = c->query("SELECT name FROM w WHERE id = 3000").rows.at(0).at(0);
  EXPECT_EQ(r, V("\"start\\" + std::string(3 << 20, 'b') + "\xC3\xA9nd\""));
}

// A JSON column is loaded as the file writes it: whitespace, key order, both of two equal keys,
// digits past a double's precision and numbers past its range (1e400) — on the fast path and on
// the reference path (row 2: a float in an integer column, which the fast scan leaves to it); from
// a JSON export and from a CSV directory. The texts are read back from SQLite itself.
TEST(ImportFastPath, JsonColumnsKeepTheirText) {
  const auto model = parse("CREATE TABLE d (id BIGINT PRIMARY KEY, n BIGINT, doc JSONB);", Dialect::postgresql);
  const std::string schema_json = schema::to_json(model).dump();
  std::vector<std::string> docs = {R"({"z":1.10,"a":123456789012345678901234567890,"a":2})",
                                   R"([1e400,-0.0,{"b":null,"a":[]}])", "null", R"("just a string")"};
  for (auto& d : docs) {  // whitespace between the tokens, as json and MariaDB's JSON keep it
    std::string spaced;
    for (char ch : d) spaced += ch == ',' ? std::string(" ,\n ") : std::string(1, ch);
    d = spaced;
  }
  const std::vector<std::string> ns = {"1", "1.5", "3", "4"};
  TempDir files;
  const fs::path json_file = files.path / "d.json", csv_dir = files.path / "csv";
  {
    std::ofstream out(json_file, std::ios::binary);
    out << R"({"version":1,"dialect":"postgresql","schema":)" << schema_json << R"(,"tables":{"d":{"columns":["id","n","doc"],"rows":[)";
    for (std::size_t i = 0; i < docs.size(); ++i)
      out << (i ? "," : "") << "\n[\"" << i + 1 << "\", " << ns[i] << ",  " << docs[i] << "\n]";
    out << "]}}}";
    fs::create_directories(csv_dir);
    std::ofstream(csv_dir / "schema.json") << R"({"version":1,"dialect":"postgresql","schema":)" << schema_json
                                           << R"(,"tables":[{"name":"d","file":"d.csv","columns":["id","n","doc"],"rows":0}]})";
    std::ofstream csv(csv_dir / "d.csv", std::ios::binary);
    csv << "id,n,doc\n";
    for (std::size_t i = 0; i < docs.size(); ++i) {
      std::string quoted;
      for (char ch : docs[i]) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      csv << i + 1 << ',' << (i == 1 ? "2" : ns[i]) << ",\"" << quoted << "\"\n";
    }
  }
  for (const fs::path& path : {json_file, csv_dir}) {
    SCOPED_TRACE(path.filename().string());
    auto dst = TestDb::create(Dialect::sqlite);
    ASSERT_TRUE(dst);
    auto c = dst->connect();
    c->execute(schema::print_schema(convert_schema(model, Dialect::sqlite)));
    const auto counts = import_data(*c, {path, {}});
    ASSERT_EQ(counts.size(), 1u);
    EXPECT_EQ(counts[0].rows, 4);
    const auto rows = c->query("SELECT doc, typeof(n) FROM d ORDER BY id").rows;
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0][0], V(docs[0]));
    EXPECT_EQ(rows[1][0], V(docs[1]));
    // A JSON export writes SQL NULL and JSON null alike (null): SQL NULL. A CSV field of SQL NULL is
    // empty and unquoted, so its `null` is JSON's.
    if (path == json_file) EXPECT_TRUE(driver::is_null(rows[2][0])) << "a JSON null is SQL NULL";
    else EXPECT_EQ(rows[2][0], V(std::string("null")));
    EXPECT_EQ(rows[3][0], V(docs[3]));
    if (path == json_file) EXPECT_EQ(rows[1][1], V(std::string("real"))) << "row 2 went through the reference path";
  }
}

// A SQLite export keeps NaN: SQLite stores a NaN REAL as NULL, so the file holds the text NaN,
// which import reads back as NaN; and a JSON null apart from SQL NULL (checked with PostgreSQL's
// own text of the values).
TEST(ImportFastPath, SqliteExportKeepsNaNAndJsonNull) {
  REQUIRE_DB(pg, Dialect::postgresql);
  auto dst = TestDb::create(Dialect::postgresql);
  ASSERT_TRUE(dst);
  TempDir files;
  const char* ddl = "CREATE TABLE f (id INT PRIMARY KEY, d DOUBLE PRECISION, r REAL, j JSON);";
  const auto model = parse(ddl, Dialect::postgresql);
  auto src = pg->connect();
  run_script(*src, ddl);
  src->execute("INSERT INTO f VALUES (1, 'NaN', 'NaN', 'null'), (2, 'Infinity', '-Infinity', NULL), (3, NULL, 1.5, '[null]')");
  ExportOptions o;
  o.format = Format::sqlite;
  o.path = files.path / "f.sqlite";
  export_data(*src, model, o);
  auto c = dst->connect();
  run_script(*c, ddl);
  import_data(*c, {o.path, {}});
  const char* q = "SELECT id, d::text, r::text, j::text, j IS NULL FROM f ORDER BY id";
  EXPECT_EQ(c->query(q).rows, src->query(q).rows);
  EXPECT_EQ(c->query("SELECT COUNT(*) FROM f WHERE d = 'NaN' AND r = 'NaN'").rows.at(0).at(0), V(std::int64_t{1}));
  // Into a SQLite database the same: NaN kept as its text, not made NULL.
  auto lite = TestDb::create(Dialect::sqlite);
  ASSERT_TRUE(lite);
  auto l = lite->connect();
  run_script(*l, schema::print_schema(convert_schema(model, Dialect::sqlite)));
  import_data(*l, {o.path, {}});
  EXPECT_EQ(l->query("SELECT quote(d), quote(r) FROM f WHERE id = 1").rows.at(0), (std::vector<V>{V("'NaN'"), V("'NaN'")}));
}

// The exchange text of a JSON value: any RFC 8259 number (nlohmann alone refuses 1e400), the
// whitespace around the value dropped, nothing else changed; what is not one JSON value is refused.
TEST(ImportFastPath, JsonText) {
  const std::pair<const char*, const char*> good[] = {
      {" { \"b\" : 1 ,\n \"a\" : [ 1e400 , -0.0 , 2.50 , 1E+2 ] , \"a\" : \"x \\\" y\" } \r\n",
       "{ \"b\" : 1 ,\n \"a\" : [ 1e400 , -0.0 , 2.50 , 1E+2 ] , \"a\" : \"x \\\" y\" }"},
      {"123456789012345678901234567890", "123456789012345678901234567890"},
      {"-1e-400", "-1e-400"},
      {"\"\"", "\"\""},
      {"null", "null"},
  };
  for (const auto& [in, want] : good) {
    std::string out = "kept:";
    EXPECT_TRUE(append_json_text(out, in)) << in;
    EXPECT_EQ(out, std::string("kept:") + want);
  }
  for (const char* bad : {"1 2", "tr ue", "01", "-", "1.", "1e", ".5", "+1", "[1,]", "{\"a\"}", "\"open", "[1e400", "", "NaN", "[1e400 1]"}) {
    std::string out = "kept";
    EXPECT_FALSE(append_json_text(out, bad)) << bad;
    EXPECT_EQ(out, "kept") << bad;
  }
}

// The record reader: the rules of RFC 4180 as the export writes them, and the old reader's
// leniencies; across buffer boundaries (records longer than the 1 MiB buffer).
TEST(ImportFastPath, CsvRecordReader) {
  TempDir dir;
  const fs::path p = dir.path / "t.csv";
  const std::string big(3 << 20, 'q');
  {
    std::ofstream out(p, std::ios::binary);
    out << "a,b,c\r\n"
        << ",\"\",x\n"                       // NULL, empty string, text
        << "\"q\"\"uote\",\"com,ma\",\"line\nbreak\"\r\n"
        << "lone\rcr,mid\"quote,\"ab\"cd\n"
        << "\n"                              // a blank line: one empty unquoted field
        << "\"" << big << "\"," << big << ",end\n"
        << "last,\"no newline\"";
  }
  CsvRecordReader r(p);
  using F = std::vector<std::pair<std::string, bool>>;
  auto fields = [&] {
    F f;
    for (const auto& x : r.fields()) f.emplace_back(std::string(x.text), x.quoted);
    return f;
  };
  ASSERT_TRUE(r.next());
  EXPECT_EQ(fields(), (F{{"a", false}, {"b", false}, {"c", false}}));
  ASSERT_TRUE(r.next());
  EXPECT_EQ(fields(), (F{{"", false}, {"", true}, {"x", false}}));
  ASSERT_TRUE(r.next());
  EXPECT_EQ(fields(), (F{{"q\"uote", true}, {"com,ma", true}, {"line\nbreak", true}}));
  ASSERT_TRUE(r.next());
  EXPECT_EQ(fields(), (F{{"lone\rcr", false}, {"mid\"quote", false}, {"abcd", true}}));
  ASSERT_TRUE(r.next());
  EXPECT_EQ(fields(), (F{{"", false}}));
  ASSERT_TRUE(r.next());
  EXPECT_EQ(fields(), (F{{big, true}, {big, false}, {"end", false}}));
  ASSERT_TRUE(r.next());
  EXPECT_EQ(fields(), (F{{"last", false}, {"no newline", true}}));
  EXPECT_FALSE(r.next());

  // The same records from the text in memory (the studio's upload reads them so): the same fields, and
  // in both modes each record's line (line breaks inside quoted fields count) and byte offset — the
  // file mode across its 1 MiB buffer refills.
  std::string text;
  {
    std::ifstream in(p, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  CsvRecordReader file(p), mem{std::string_view(text)};
  std::vector<std::int64_t> lines;
  while (file.next()) {
    ASSERT_TRUE(mem.next());
    ASSERT_EQ(file.fields().size(), mem.fields().size());
    for (std::size_t i = 0; i < file.fields().size(); ++i) {
      EXPECT_EQ(file.fields()[i].text, mem.fields()[i].text);
      EXPECT_EQ(file.fields()[i].quoted, mem.fields()[i].quoted);
    }
    EXPECT_EQ(file.offset(), mem.offset());
    EXPECT_EQ(file.line(), mem.line());
    lines.push_back(file.line());
    if (lines.size() == 2) {
      EXPECT_EQ(file.offset(), 7u);  // after "a,b,c\r\n"
    }
  }
  EXPECT_FALSE(mem.next());
  EXPECT_EQ(lines, (std::vector<std::int64_t>{1, 2, 3, 5, 6, 7, 8}));

  std::ofstream(dir.path / "bad.csv", std::ios::binary) << "a\n\"open";
  CsvRecordReader bad(dir.path / "bad.csv");
  ASSERT_TRUE(bad.next());
  try {
    bad.next();
    FAIL() << "an unterminated quoted field is an error";
  } catch (const diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "import.format");
    EXPECT_EQ(bad.quote_offset(), 2u);
    EXPECT_EQ(bad.line(), 2);
  }
}

// Records without quotes are split in place in the buffer (CsvRecordReader's fast path): the same
// fields, lines and offsets as the rules say — CRLF and LF ends, a lone CR kept as data, empty
// fields, blank lines — for records that fit in the buffer, straddle its end, or end the file
// without a line break, next to quoted records.
TEST(ImportFastPath, CsvPlainRecordsAcrossTheBuffer) {
  TempDir dir;
  const fs::path p = dir.path / "plain.csv";
  std::vector<std::vector<std::string>> expected;
  std::vector<std::int64_t> lines;
  std::string text;
  std::int64_t line = 1;
  for (int i = 0; text.size() < (5u << 20); ++i) {
    std::vector<std::string> f;
    std::string rec;
    switch (i % 5) {
      case 0: f = {std::to_string(i), "name " + std::to_string(i), "", "x\rcr"}; break;
      case 1: f = {""}; break;
      case 2: f = {std::to_string(i), std::string(static_cast<std::size_t>(i % 997), 'p'), "2024-01-01T00:00:00+00:00"}; break;
      case 3: f = {"", "", ""}; break;
      default: f = {"q", "com,ma"}; break;  // quoted below
    }
    for (std::size_t k = 0; k < f.size(); ++k) {
      if (k) rec += ',';
      rec += i % 5 == 4 ? "\"" + f[k] + "\"" : f[k];
    }
    text += rec + (i % 2 ? "\r\n" : "\n");
    expected.push_back(f);
    lines.push_back(line++);
  }
  text += "last,record";  // no line break at the end
  expected.push_back({"last", "record"});
  lines.push_back(line);
  std::ofstream(p, std::ios::binary) << text;
  CsvRecordReader file(p), mem{std::string_view(text)};
  std::size_t n = 0;
  std::size_t offset = 0;
  for (auto* r : {&file, &mem}) {
    n = 0;
    offset = 0;
    while (r->next()) {
      ASSERT_LT(n, expected.size());
      std::vector<std::string> got;
      for (const auto& x : r->fields()) got.emplace_back(x.text);
      ASSERT_EQ(got, expected[n]) << "record " << n;
      EXPECT_EQ(r->line(), lines[n]);
      EXPECT_EQ(r->offset(), offset) << "record " << n;
      EXPECT_EQ(r->fields()[0].quoted, n % 5 == 4 && n + 1 < expected.size());
      offset = text.find('\n', offset) + 1;
      ++n;
    }
    EXPECT_EQ(n, expected.size());
  }
}

// base64_decode_to decodes whole groups of four at a time: the same bytes as one character at a
// time (a reference written here), with '=' padding, line breaks anywhere, characters after the
// padding ignored, and an invalid character at any place refused.
TEST(ImportFastPath, Base64DecodeAsOneCharacterAtATime) {
  const auto reference = [](std::string_view in) -> std::optional<std::string> {
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned acc = 0;
    int bits = 0;
    for (const char c : in) {
      if (c == '=') break;
      if (c == '\n' || c == '\r') continue;
      const auto v = alphabet.find(c);
      if (v == std::string::npos) return std::nullopt;
      acc = (acc << 6) | static_cast<unsigned>(v);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += static_cast<char>((acc >> bits) & 0xFF);
      }
    }
    return out;
  };
  std::string bytes;
  for (int i = 0; i < 64; ++i) bytes += static_cast<char>(i * 37 + 11);
  std::vector<std::string> texts;
  for (std::size_t n = 0; n <= bytes.size(); ++n) {
    const std::string b64 = base64_encode(bytes.substr(0, n));
    texts.push_back(b64);
    for (std::size_t at = 0; at <= b64.size(); at += 3) {
      texts.push_back(b64.substr(0, at) + "\r\n" + b64.substr(at));
      texts.push_back(b64.substr(0, at) + "!" + b64.substr(at));
      texts.push_back(b64.substr(0, at) + "=" + b64.substr(at) + "$");
    }
  }
  std::string out = "storage of an earlier value";
  for (const auto& t : texts) {
    const auto want = reference(t);
    try {
      base64_decode_to(out, t);
      ASSERT_TRUE(want.has_value()) << t;
      EXPECT_EQ(out, *want) << t;
    } catch (const std::invalid_argument&) {
      EXPECT_FALSE(want.has_value()) << t;
    }
  }
}

// append_load_text finds the bytes to escape eight at a time: the same text as escaping byte by
// byte, for every byte value at every place of strings of 0 to 24 bytes.
TEST(ImportFastPath, LoadTextEscapesAsByteByByte) {
  const auto reference = [](std::string_view s, bool nul) {
    std::string out;
    for (const char c : s) {
      if (c == '\\') out += "\\\\";
      else if (c == '\t') out += "\\t";
      else if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else if (c == '\0' && nul) out += "\\0";
      else out += c;
    }
    return out;
  };
  for (std::size_t len = 0; len <= 24; ++len) {
    for (int b = 0; b < 256; ++b) {
      for (std::size_t at = 0; at < std::max<std::size_t>(len, 1); ++at) {
        std::string s(len, 'a');
        if (at < len) s[at] = static_cast<char>(b);
        if (len > 3) s[len - 1] = static_cast<char>(0xC3);  // a high byte elsewhere in the word
        for (const bool nul : {false, true}) {
          std::string out = "prefix";
          driver::append_load_text(out, s, nul);
          ASSERT_EQ(out, "prefix" + reference(s, nul)) << "length " << len << ", byte " << b << " at " << at;
        }
      }
    }
  }
}

// The export writer's cells read back by the record reader and csv_to_target: what to_target
// gives for the original value (export then import is the identity on target values).
TEST(ImportFastPath, CsvWriterToReaderRoundTrip) {
  const std::vector<std::pair<V, TypeCategory>> values = {
      {std::int64_t{9223372036854775807}, TypeCategory::int64}, {std::string("12345678901234.5678"), TypeCategory::decimal},
      {driver::Blob{std::string("\0\xff,\"\n", 5)}, TypeCategory::bytes}, {driver::Null{}, TypeCategory::text},
      {std::string(""), TypeCategory::text}, {std::string("a,\"b\"\r\nc"), TypeCategory::text},
      {std::string("2024-02-29 21:59:59.123456+00"), TypeCategory::timestamptz}, {true, TypeCategory::boolean},
      {0.1, TypeCategory::float64}, {std::string("2024-02-29"), TypeCategory::date}};
  TempDir dir;
  const fs::path p = dir.path / "r.csv";
  {
    std::string line;
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i) line += ',';
      append_csv_value(line, values[i].first, values[i].second);
    }
    std::ofstream(p, std::ios::binary) << line << "\r\n";
  }
  for (const auto d : kDialects) {
    CsvRecordReader r(p);
    ASSERT_TRUE(r.next());
    ASSERT_EQ(r.fields().size(), values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      V got = std::string("previous");
      csv_to_target(got, r.fields()[i].text, r.fields()[i].quoted, values[i].second, d);
      EXPECT_TRUE(same_value(got, to_target(values[i].first, values[i].second, d)))
          << i << " for " << schema::to_string(d) << ": " << driver::to_display(got);
    }
  }
}

// ---- whole imports ---------------------------------------------------------------------------

const char* kSchema = R"(
CREATE TABLE items (
  id BIGINT PRIMARY KEY,
  name TEXT,
  price NUMERIC(20,4),
  flag BOOLEAN,
  ratio DOUBLE PRECISION,
  small SMALLINT,
  data BYTEA,
  born DATE,
  seen TIMESTAMPTZ,
  doc JSONB
);
)";

// 25,000 rows (three batches) with the values an import must keep exactly, one row per kind of
// edge every 1,000 rows.
const char* kData = R"(
INSERT INTO items SELECT g, CASE g % 5 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN E'tab\there, "q"\nline\\' ELSE 'name ' || g END,
  CASE WHEN g % 7 = 0 THEN NULL ELSE (g * 1234567.8901)::numeric(20,4) END, CASE WHEN g % 3 = 0 THEN NULL ELSE g % 2 = 0 END,
  CASE WHEN g % 11 = 0 THEN 'Infinity'::float8 WHEN g % 13 = 0 THEN '-Infinity' ELSE g / 3.0 END, (g % 65536) - 32768,
  CASE WHEN g % 4 = 0 THEN NULL WHEN g % 4 = 1 THEN '\x'::bytea ELSE decode(md5(g::text), 'hex') END,
  date '2000-01-01' + g, timestamptz '2024-01-01 00:00:00.123456+00' - g * interval '1 second',
  CASE WHEN g % 6 = 0 THEN NULL WHEN g % 6 = 1 THEN jsonb_build_object('n', g, 'big', 12345678901234567890, 's', E'x\ny')
       WHEN g % 6 = 2 THEN jsonb_build_object('pi', 3.14159265358979323846264, 'huge', 123456789012345678901234567890 * g,
                                              'list', jsonb_build_array(2.50, -0.0))
       ELSE to_jsonb('s' || g) END
  FROM generate_series(1, 25000) g;
INSERT INTO items (id, name, price) VALUES (9223372036854775807, 'Ünïcødé ✓ 日本語', 99999999999999.9999),
  (-9223372036854775808, E'\\N', -0.0001), (9007199254740993, '\.', 0);
)";

std::vector<std::vector<V>> rows_of(driver::SqlConnection& c) {
  return c.query("SELECT * FROM items ORDER BY id").rows;
}

// The reference import: every row through read_export's exchange values and TableLoader::add.
void reference_import(driver::SqlConnection& c, const fs::path& path) {
  prepare_session(c);
  std::unique_ptr<TableLoader> loader;
  read_export(
      path,
      [&](const schema::Schema& model, const schema::Table& t, const std::vector<std::string>& cols) {
        if (loader) loader->commit();
        std::vector<TypeCategory> cats;
        for (const auto& n : cols) cats.push_back(schema::category(t.find_column(n)->type, model.dialect, &model));
        loader = std::make_unique<TableLoader>(c, "", t.name, cols, cats);
      },
      [&](const std::vector<json>& row) { loader->add(row); });
  if (loader) loader->commit();
}

void fast_equals_reference(Dialect target) {
  REQUIRE_DB(pg, Dialect::postgresql);
  auto dst = TestDb::create(target);
  if (!dst) GTEST_SKIP() << "server URL not set";
  auto ref_db = TestDb::create(target);
  TempDir files;
  const auto model = parse(kSchema, Dialect::postgresql);
  auto src = pg->connect();
  run_script(*src, kSchema);
  src->execute(kData);
  const auto expected = checksums(*src, model);
  for (const auto f : {Format::csv, Format::json, Format::sqlite}) {
    SCOPED_TRACE(std::string(to_string(f)));
    ExportOptions o;
    o.format = f;
    o.path = files.path / ("out." + std::string(to_string(f)));
    export_data(*src, model, o);
    auto fast = dst->connect();
    auto ref = ref_db->connect();
    for (auto* c : {fast.get(), ref.get()}) {
      c->execute("DROP TABLE IF EXISTS items");
      run_script(*c, schema::print_schema(convert_schema(model, target)));
    }
    const auto counts = import_data(*fast, {o.path, {}});
    ASSERT_EQ(counts.size(), 1u);
    EXPECT_EQ(counts[0].rows, 25003);
    reference_import(*ref, o.path);
    const auto a = rows_of(*fast), b = rows_of(*ref), source = rows_of(*src);
    ASSERT_EQ(a.size(), b.size());
    ASSERT_EQ(a.size(), source.size());
    // The JSON column (doc, the last): the fast path loads the text the source database wrote
    // (key order, digits past a double's precision kept); the reference parses the value
    // (nlohmann sorts keys, rounds numbers to doubles): equal as parsed JSON values.
    const std::size_t doc = a[0].size() - 1;
    auto text = [](const V& v) { return driver::is_null(v) ? std::string("NULL") : driver::to_display(v); };
    int big = 0;
    for (std::size_t r = 0; r < a.size(); ++r) {
      for (std::size_t c = 0; c < doc; ++c) ASSERT_EQ(a[r][c], b[r][c]) << "row " << r << " column " << c;
      ASSERT_EQ(text(a[r][doc]), text(source[r][doc])) << "row " << r;
      if (!driver::is_null(b[r][doc]))
        ASSERT_EQ(json::parse(text(a[r][doc]), nullptr, false), json::parse(text(b[r][doc]), nullptr, false)) << "row " << r;
      big += text(a[r][doc]).find("3.14159265358979323846264") != std::string::npos;
    }
    EXPECT_EQ(big, 25000 / 6 + 1);
    EXPECT_EQ(checksums(*fast, model), expected);
  }
}

TEST(ImportFastPath, SameRowsAsTheReferencePathPostgres) { fast_equals_reference(Dialect::postgresql); }
TEST(ImportFastPath, SameRowsAsTheReferencePathSqlite) { fast_equals_reference(Dialect::sqlite); }

// A bad cell in a CSV or JSON export (bad base64 in row 20,001 — in the third batch) is named by
// table, row and column, and the table stays empty.
void bad_cell_test(Dialect target, Format f) {
  auto dst = TestDb::create(target);
  if (!dst) GTEST_SKIP() << "server URL not set";
  TempDir files;
  const auto model = parse("CREATE TABLE b (id BIGINT PRIMARY KEY, data BYTEA);", Dialect::postgresql);
  const fs::path path = files.path / (f == Format::csv ? "csv" : "b.json");
  const std::string schema_json = schema::to_json(model).dump();
  if (f == Format::csv) {
    fs::create_directories(path);
    std::ofstream(path / "schema.json") << R"({"version":1,"dialect":"postgresql","schema":)" << schema_json
                                         << R"(,"tables":[{"name":"b","file":"b.csv","columns":["id","data"],"rows":0}]})";
    std::ofstream out(path / "b.csv", std::ios::binary);
    out << "id,data\n";
    for (int i = 1; i <= 25000; ++i) out << i << ',' << (i == 20001 ? "not base64!" : "AAE=") << "\n";
  } else {
    std::ofstream out(path, std::ios::binary);
    out << R"({"version":1,"dialect":"postgresql","schema":)" << schema_json
        << R"(,"tables":{"b":{"columns":["id","data"],"rows":[)";
    for (int i = 1; i <= 25000; ++i)
      out << (i > 1 ? "," : "") << "[\"" << i << "\",\"" << (i == 20001 ? "not base64!" : "AAE=") << "\"]";
    out << "]}}}";
  }
  auto c = dst->connect();
  c->execute(schema::print_schema(convert_schema(model, target)));
  try {
    import_data(*c, {path, {}});
    FAIL() << "the import must fail";
  } catch (const diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "import.row");
    EXPECT_NE(e.diagnostic().message.find("`b` row 20001, column `data`"), std::string::npos) << e.diagnostic().message;
  }
  EXPECT_EQ(c->query("SELECT COUNT(*) FROM b").rows.at(0).at(0), V(std::int64_t{0}));
}

TEST(ImportFastPath, BadCellIsNamedCsvPostgres) { bad_cell_test(Dialect::postgresql, Format::csv); }
TEST(ImportFastPath, BadCellIsNamedJsonPostgres) { bad_cell_test(Dialect::postgresql, Format::json); }
TEST(ImportFastPath, BadCellIsNamedCsvSqlite) { bad_cell_test(Dialect::sqlite, Format::csv); }
TEST(ImportFastPath, BadCellIsNamedJsonSqlite) { bad_cell_test(Dialect::sqlite, Format::json); }

}  // namespace
}  // namespace flash::exporter

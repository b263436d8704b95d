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
            ref = from_exchange(csv_to_exchange(text, quoted, c), c, d);
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
      {R"(["-9223372036854775808","Ünïcødé ✓ 日本語, \"q\"","1",1,"x","AP8AQQo=","just text",3,0])", false},  // escape
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
      for (std::size_t i = 0; i < cats.size(); ++i) {
        const V ref = from_exchange(parsed[i], cats[i], d);
        EXPECT_TRUE(same_value(out[i], ref)) << row << " [" << i << "] for " << schema::to_string(d) << ": "
                                             << driver::to_display(out[i]) << " vs " << driver::to_display(ref);
      }
    }
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
    const auto a = rows_of(*fast), b = rows_of(*ref);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t r = 0; r < a.size(); ++r) ASSERT_EQ(a[r], b[r]) << "row " << r;
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

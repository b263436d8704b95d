// flash pull / export / import on a MongoDB project, through the binary against FerretDB and
// checked through the driver (documents read back in canonical Extended JSON) and SQLite's own
// client: a seeded collection with mixed types pulls to the expected validator; every BSON type
// FerretDB stores round-trips exactly through the JSON, CSV and SQLite formats; the BSON types
// FerretDB refuses (decimal128, minKey/maxKey, code, symbol, NaN/Infinity ...) round-trip exactly
// through the same formats' writers and readers without a server; a MongoDB export imports into
// SQLite (documents as JSON plus typed columns); an SQL export imports into MongoDB with typed
// values.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "flash/driver/mongodb/connection.hpp"
#include "flash/export/export.hpp"
#include "flash/mongo/data.hpp"
#include "flash/mongo/validate.hpp"
#include "flash/util/text.hpp"
#include "mongo_test_support.hpp"
#include "support/flash_run.hpp"

namespace flash {
namespace {

using driver::Document;
namespace fs = std::filesystem;

const char* kToml = R"(version = "2"
schema_dir = "db/schema"
migrations_path = "db/migrations"
export_path = "db/export"

[database]
provider = "mongodb"
url_env = "DATABASE_URL"
)";

// The documents of every BSON type FerretDB v1.24 stores (its gaps: see ferretdb_gaps_test.cpp).
const char* kTyped[] = {
    R"({"_id": {"$oid": "0123456789abcdef01234567"}, "s": "héllo \"q\", comma", "i": {"$numberInt": "-7"},
        "l": {"$numberLong": "9007199254740993"}, "d": {"$numberDouble": "0.1"}, "big": {"$numberDouble": "1e300"},
        "b": true, "n": null, "t": {"$date": {"$numberLong": "1700000000123"}},
        "old": {"$date": {"$numberLong": "-1000"}}, "bin": {"$binary": {"base64": "AAEC/w==", "subType": "00"}},
        "uuid": {"$binary": {"base64": "c//SZESzTGmQ6OfR38A11A==", "subType": "04"}},
        "re": {"$regularExpression": {"pattern": "^a.c$", "options": "im"}}, "ts": {"$timestamp": {"t": 5, "i": 7}},
        "o": {"x": {"y": [1, "two", {"z": false}]}}, "arr": [], "empty": {}})",
    R"({"_id": "string-id", "s": "", "i": {"$numberInt": "2147483647"}, "o": {"x": {"y": []}}})",
    R"({"_id": {"$numberLong": "42"}, "l": {"$numberLong": "-9223372036854775808"}})",
};

class MongoData : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::mongo_url_env() == nullptr) GTEST_SKIP() << "FLASH_TEST_MONGO_URL not set (scripts/db.sh starts FerretDB)";
    db_ = std::make_unique<test::ScratchMongo>("data");
    dir_.write("flash.toml", kToml);
    dir_.write("db/migrations/.gitkeep", "");
    dir_.write("db/schema/.gitkeep", "");
  }
  test::FlashRun flash(const std::vector<std::string>& args) {
    return test::run_flash(FLASH_BINARY, args, dir_.path(), "DATABASE_URL=" + test::shell_quote(db_->url()));
  }
  std::vector<Document> canonical(const std::string& coll) {
    return db_->conn().find(coll, Document::object(), {.sort = Document{{"_id", 1}}, .mode = driver::JsonMode::canonical});
  }

  std::unique_ptr<test::ScratchMongo> db_;
  test::TempDir dir_{"flash-mongo-data"};
};

TEST_F(MongoData, PullOfMixedTypesGivesTheExpectedValidator) {
  auto& c = db_->conn();
  c.command(Document{{"create", "people"}});
  c.command(Document::parse(R"({"createIndexes": "people", "indexes": [{"key": {"email": 1}, "name": "email_1", "unique": true},
                                                                       {"key": {"org": 1, "at": -1}, "name": "by_org"}]})"));
  c.command(Document::parse(R"({"create": "log", "capped": true, "size": 65536, "max": 50})"));
  for (const char* d : {
           R"({"_id": {"$oid": "000000000000000000000001"}, "email": "a@x", "age": {"$numberInt": "1"}, "tags": ["x"], "addr": {"city": "P", "zip": {"$numberInt": "75"}}})",
           R"({"_id": {"$oid": "000000000000000000000002"}, "email": "b@x", "age": "unknown", "tags": [], "addr": {"city": "L"}})",
           R"({"_id": {"$oid": "000000000000000000000003"}, "email": "c@x", "age": {"$numberLong": "3"}, "addr": {"city": "B", "zip": "B1"}, "vip": true})",
           R"({"_id": {"$oid": "000000000000000000000004"}, "email": "d@x", "age": {"$numberDouble": "4.5"}, "addr": null, "seen": {"$date": {"$numberLong": "0"}}})"})
    c.insert("people", std::vector<Document>{Document::parse(d)});

  // A sample smaller than the collection: $sample is tried, FerretDB lacks it, a scan samples.
  auto r = flash({"pull", "--sample", "2", "--json", "-o", "db/small"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["collections"].size(), 2u);
  const auto& small = j["collections"][1];
  EXPECT_EQ(small["name"], "people");
  EXPECT_EQ(small["method"], "scan");
  EXPECT_NE(small["why"].get<std::string>().find("$sample"), std::string::npos) << small.dump();
  EXPECT_EQ(small["documents"], 4);
  EXPECT_EQ(small["sampled"], 2);

  r = flash({"pull", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  const auto& people = j["collections"][1];
  EXPECT_EQ(people["sampled"], 4);
  EXPECT_EQ(people["validator"], "inferred");
  EXPECT_EQ(people["indexes"], 2);
  std::map<std::string, nlohmann::json> fields;
  for (const auto& f : people["fields"]) fields[f["path"]] = f;
  EXPECT_EQ(fields["age"]["types"], (nlohmann::json{{"double", 1}, {"int", 1}, {"long", 1}, {"string", 1}}));
  EXPECT_EQ(fields["vip"]["frequency"], 0.25);
  EXPECT_EQ(fields["addr.zip"]["required"], false);
  EXPECT_EQ(fields["email"]["required"], true);

  const auto file = nlohmann::ordered_json::parse(dir_.read("db/schema/people.json"));
  const auto want = nlohmann::ordered_json::parse(R"J({
    "name": "people",
    "validator": {"$jsonSchema": {"bsonType": "object", "required": ["_id", "email", "age", "addr"], "properties": {
      "_id": {"bsonType": "objectId", "description": "seen in 4 of 4 (100%)"},
      "email": {"bsonType": "string", "description": "seen in 4 of 4 (100%)"},
      "age": {"bsonType": ["double", "int", "long", "string"], "description": "seen in 4 of 4 (100%); types: double 25% int 25% long 25% string 25%"},
      "tags": {"bsonType": "array", "description": "seen in 2 of 4 (50%)", "items": {"bsonType": "string", "description": "seen in 1 of 1 (100%)"}},
      "addr": {"bsonType": ["object", "null"], "description": "seen in 4 of 4 (100%); types: object 75% null 25%", "required": ["city"], "properties": {
        "city": {"bsonType": "string", "description": "seen in 3 of 3 (100%)"},
        "zip": {"bsonType": ["int", "string"], "description": "seen in 2 of 3 (66.7%); types: int 50% string 50%"}}},
      "vip": {"bsonType": "bool", "description": "seen in 1 of 4 (25%)"},
      "seen": {"bsonType": "date", "description": "seen in 1 of 4 (25%)"}}}},
    "validationLevel": "strict",
    "validationAction": "warn",
    "indexes": [{"key": {"org": 1, "at": -1}, "name": "by_org"}, {"key": {"email": 1}, "name": "email_1", "unique": true}]})J");
  EXPECT_EQ(file.dump(2), want.dump(2));
  const auto log = nlohmann::ordered_json::parse(dir_.read("db/schema/log.json"));
  EXPECT_EQ(log["options"].dump(), R"({"capped":true,"size":65536,"max":50})");
  // Every document of the collection satisfies the inferred validator (checked by Flash, as the
  // server cannot), and `flash schema` accepts the files.
  for (const auto& d : canonical("people")) EXPECT_TRUE(mongo::violations(file["validator"], d).empty()) << d.dump();
  r = flash({"schema", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["schema"]["collections"].size(), 2u);
  // A second pull finds nothing to change; without --force it would not replace changed files.
  r = flash({"pull"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("already match"), std::string::npos) << r.out;
  c.insert("people", std::vector<Document>{Document{{"email", "e@x"}, {"age", 1}, {"addr", nullptr}, {"extra", 1}}});
  r = flash({"pull"});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  r = flash({"pull", "--backup", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(nlohmann::json::parse(r.out)["backup"].is_string());
}

TEST_F(MongoData, ExtendedJsonRoundTripsEveryStoredTypeInEachFormat) {
  auto& c = db_->conn();
  for (const char* d : kTyped) c.insert("typed", std::vector<Document>{Document::parse(d)});
  c.insert("other", std::vector<Document>{Document{{"_id", 1}, {"k", "v"}}});
  const auto before = canonical("typed");
  ASSERT_EQ(before.size(), 3u);
  for (const std::string format : {"json", "csv", "sqlite"}) {
    SCOPED_TRACE(format);
    const std::string out = "db/export/all." + format;
    auto r = flash({"export", "--format", format, "-o", out, "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["tables"], (nlohmann::json{{"other", 1}, {"typed", 3}}));
    c.command(Document{{"drop", "typed"}});
    c.command(Document{{"drop", "other"}});
    r = flash({"import", out, "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["rows"], 4);
    const auto after = canonical("typed");
    ASSERT_EQ(after.size(), before.size());
    for (std::size_t i = 0; i < before.size(); ++i) EXPECT_EQ(after[i].dump(), before[i].dump());
  }
}

// The exact text of each document through a writer and a reader of every format, for the BSON
// types FerretDB cannot store; compared as BSON bytes by libbson.
TEST(MongoDataOffline, EveryBsonTypeRoundTripsThroughTheFormats) {
  const std::vector<std::string> docs = {
      R"({"_id":{"$oid":"0123456789abcdef01234567"},"dec":{"$numberDecimal":"1.0000000000000000000000000000000001"},"negz":{"$numberDouble":"-0.0"},"nan":{"$numberDouble":"NaN"},"inf":{"$numberDouble":"-Infinity"},"min":{"$minKey":1},"max":{"$maxKey":1},"code":{"$code":"x = 1"},"cws":{"$code":"y","$scope":{"a":{"$numberInt":"1"}}},"sym":{"$symbol":"s"},"undef":{"$undefined":true},"ptr":{"$dbPointer":{"$ref":"c","$id":{"$oid":"0123456789abcdef01234567"}}},"bin":{"$binary":{"base64":"","subType":"80"}},"d":{"$date":{"$numberLong":"253402300800000"}}})",
      R"({"_id":{"$numberInt":"1"},"s":"line\nbreak,\"quoted\"","arr":[{"$numberLong":"1"},{"$numberDecimal":"-0"}]})"};
  schema::Schema model;
  model.dialect = schema::Dialect::sqlite;
  schema::Table t;
  t.name = "coll";
  for (const char* n : {"_id", "_document"}) {
    schema::Column col;
    col.name = n;
    col.type.name = "text";
    t.columns.push_back(col);
  }
  model.tables.push_back(t);
  test::TempDir dir("flash-mongo-bson");
  for (auto format : {exporter::Format::json, exporter::Format::csv, exporter::Format::sqlite}) {
    SCOPED_TRACE(std::string(exporter::to_string(format)));
    exporter::ExportOptions o;
    o.format = format;
    o.path = dir.path() / ("x." + std::string(exporter::to_string(format)));
    exporter::export_rows(model, [&](const schema::Table&, const exporter::RowEmit& emit) {
      for (std::size_t i = 0; i < docs.size(); ++i) emit({std::to_string(i), docs[i]});
    }, o);
    std::vector<std::string> back;
    exporter::read_export(o.path, [](const schema::Schema&, const schema::Table&, const std::vector<std::string>&) {},
                          [&](const std::vector<nlohmann::json>& row) {
                            back.push_back(row[1].is_string() ? row[1].get<std::string>() : row[1].dump());
                          });
    ASSERT_EQ(back.size(), docs.size());
    for (std::size_t i = 0; i < docs.size(); ++i)
      EXPECT_EQ(driver::mongodb::to_bson(Document::parse(back[i])), driver::mongodb::to_bson(Document::parse(docs[i])))
          << back[i];
  }
}

sqlite3* open_sqlite(const fs::path& p) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(p.c_str(), &db), SQLITE_OK);
  return db;
}

std::vector<std::vector<std::string>> sqlite_rows(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  std::vector<std::vector<std::string>> out;
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      const auto* t = sqlite3_column_text(st, i);
      row.push_back(t == nullptr ? "NULL" : std::string(sqlite3_column_decltype(st, i) ? "" : "") +
                                                reinterpret_cast<const char*>(t));
    }
    out.push_back(row);
  }
  sqlite3_finalize(st);
  return out;
}

TEST_F(MongoData, MongoExportImportsIntoSqliteAndSqlExportIntoMongo) {
  auto& c = db_->conn();
  c.insert("people", std::vector<Document>{
                         Document::parse(R"({"_id": {"$oid": "000000000000000000000001"}, "name": "ann", "age": 30, "score": 1.5, "vip": true, "at": {"$date": "2024-01-02T03:04:05.678Z"}, "addr": {"city": "P"}})"),
                         Document::parse(R"({"_id": {"$oid": "000000000000000000000002"}, "name": "bob", "age": 40})")});
  ASSERT_EQ(flash({"export", "-o", "db/export/people.json"}).code, 0);

  // Into SQLite: an SQL project importing the MongoDB export.
  test::TempDir sql("flash-mongo-sql");
  sql.write("flash.toml", "version = \"2\"\nschema_dir = \"db/schema\"\n\n[database]\nprovider = \"sqlite\"\nurl_env = \"DATABASE_URL\"\n");
  sql.write("db/schema/schema.sql", "CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL, qty BIGINT, "
                                    "ratio REAL, blob BLOB, made TIMESTAMP, meta JSON, ok BOOLEAN);\n");
  const fs::path sqlite_db = sql.path() / "app.db";
  const std::string sql_env = "DATABASE_URL=" + test::shell_quote("sqlite://" + sqlite_db.string());
  auto r = test::run_flash(FLASH_BINARY, {"import", (dir_.path() / "db/export/people.json").string(), "--json"}, sql.path(), sql_env);
  ASSERT_EQ(r.code, 0) << r.err;
  sqlite3* s = open_sqlite(sqlite_db);
  auto cols = sqlite_rows(s, "SELECT name, type FROM pragma_table_info('people') ORDER BY cid");
  std::vector<std::string> names;
  for (const auto& row : cols) names.push_back(row[0] + " " + row[1]);
  EXPECT_EQ(names, (std::vector<std::string>{"_id TEXT", "_document TEXT", "age INTEGER", "at timestamp", "name TEXT",
                                             "score REAL", "vip boolean"}));
  auto rows = sqlite_rows(s, "SELECT _id, name, age, typeof(age), json_extract(_document, '$.addr.city') FROM people ORDER BY _id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"000000000000000000000001", "ann", "30", "integer", "P"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"000000000000000000000002", "bob", "40", "integer", "NULL"}));

  // From SQL: rows of an SQLite database exported by flash and imported into MongoDB.
  // (No decimal column: FerretDB cannot store decimal128 — the mapping is checked offline below.)
  ASSERT_EQ(sqlite3_exec(s, "CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL, qty BIGINT, "
                            "ratio REAL, blob BLOB, made TIMESTAMP, meta JSON, ok BOOLEAN);"
                            "INSERT INTO items VALUES (1, 'pen', 9007199254740993, 0.25, x'00ff', '2024-01-02 03:04:05.5', '{\"a\":[1,2]}', 1);"
                            "INSERT INTO items VALUES (2, 'cap', NULL, NULL, NULL, NULL, NULL, 0);",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(s);
  r = test::run_flash(FLASH_BINARY, {"export", "--tables", "items", "-o", "items.json"}, sql.path(), sql_env);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = flash({"import", (sql.path() / "items.json").string(), "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["tables"]["items"]["created"], true);
  const auto items = canonical("items");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].dump(), Document::parse(R"({"_id": {"$numberLong": "1"}, "id": {"$numberLong": "1"}, "label": "pen",
      "qty": {"$numberLong": "9007199254740993"}, "ratio": {"$numberDouble": "0.25"},
      "blob": {"$binary": {"base64": "AP8=", "subType": "00"}}, "made": {"$date": {"$numberLong": "1704164645500"}},
      "meta": {"a": [{"$numberInt": "1"}, {"$numberInt": "2"}]}, "ok": true})").dump());
  EXPECT_EQ(items[1]["qty"], nullptr);
}

// An SQL export row as a document, for the categories FerretDB cannot store (decimal) or that the
// test above does not reach (int32, timestamptz with a zone).
TEST(MongoDataOffline, SqlRowTypes) {
  schema::Schema model;
  model.dialect = schema::Dialect::postgresql;
  schema::Table t;
  t.name = "t";
  for (auto [n, ty] : std::vector<std::pair<std::string, std::string>>{
           {"id", "integer"}, {"price", "numeric"}, {"at", "timestamptz"}, {"x", "double precision"}}) {
    schema::Column col;
    col.name = n;
    col.type.name = ty;
    t.columns.push_back(col);
  }
  t.primary_key = schema::PrimaryKey{.name = "", .columns = {"id"}};
  const auto doc = mongo::row_document(t, model, {"id", "price", "at", "x"},
                                       {7, "12.50", "2024-01-02T03:04:05.25+02:00", "NaN"});
  EXPECT_EQ(doc.dump(), R"({"_id":{"$numberInt":"7"},"id":{"$numberInt":"7"},"price":{"$numberDecimal":"12.50"},)"
                        R"("at":{"$date":{"$numberLong":"1704157445250"}},"x":{"$numberDouble":"NaN"}})");
  // libbson reads every value as its exact type.
  EXPECT_FALSE(driver::mongodb::to_bson(doc).empty());
}

}  // namespace
}  // namespace flash

namespace flash {
namespace {

TEST_F(MongoData, SeedFromDeclaredValidators) {
  dir_.write("db/schema/app.json", R"([
    {"name": "people",
     "validator": {"$jsonSchema": {"bsonType": "object", "required": ["email", "age", "kind", "addr", "tags"], "properties": {
       "email": {"bsonType": "string", "maxLength": 40},
       "age": {"bsonType": "int", "minimum": 18, "maximum": 65},
       "score": {"bsonType": "double"},
       "big": {"bsonType": "long"},
       "kind": {"enum": ["a", "b"]},
       "at": {"bsonType": "date"},
       "ref": {"bsonType": "objectId"},
       "addr": {"bsonType": "object", "required": ["city"], "properties": {"city": {"bsonType": "string", "minLength": 3}}},
       "tags": {"bsonType": "array", "minItems": 1, "maxItems": 3, "items": {"bsonType": "string"}}}}},
     "indexes": [{"key": {"email": 1}, "unique": true}]},
    {"name": "plain"}])");
  ASSERT_EQ(flash({"migrate", "init"}).code, 0);
  // The validator itself is a FerretDB gap: the collection is made plain, the indexes kept.
  db_->conn().command(Document{{"create", "people"}});
  db_->conn().command(Document::parse(R"({"createIndexes": "people", "indexes": [{"key": {"email": 1}, "name": "email_1", "unique": true}]})"));
  auto r = flash({"seed", "people:25", "--seed", "7", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["tables"]["people"], 25);
  const auto docs = canonical("people");
  ASSERT_EQ(docs.size(), 25u);
  const auto declared = nlohmann::ordered_json::parse(dir_.read("db/schema/app.json"));
  for (const auto& d : docs) EXPECT_EQ(mongo::violations(declared[0]["validator"], d), std::vector<std::string>{}) << d.dump();
  EXPECT_EQ(docs[0]["age"].begin().key(), "$numberInt");
  // Seeding again continues the unique sequences (the unique index would refuse a repeat).
  r = flash({"seed", "people:5", "--seed", "7"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(canonical("people").size(), 30u);
  // Same seed, same documents.
  auto a = flash({"seed", "people:3", "--seed", "9", "--dry-run", "--json"});
  auto b = flash({"seed", "people:3", "--seed", "9", "--dry-run", "--json"});
  EXPECT_EQ(nlohmann::json::parse(a.out)["documents"], nlohmann::json::parse(b.out)["documents"]);
  // A collection without a validator is reported, not filled with empty documents.
  r = flash({"seed", "plain:2", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("no $jsonSchema validator"), std::string::npos) << r.err;
  // A pattern the generator cannot honour stops before anything is inserted.
  dir_.write("db/schema/app.json", R"({"name": "people", "validator": {"$jsonSchema": {"bsonType": "object",
      "required": ["code"], "properties": {"code": {"bsonType": "string", "pattern": "^[0-9]{4}$"}}}}})");
  r = flash({"seed", "--count", "3"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("seed.unsatisfiable"), std::string::npos) << r.err;
  EXPECT_EQ(canonical("people").size(), 30u);
}

}  // namespace
}  // namespace flash

// The MongoDB client generators (codegen/*/mongo.cpp) over the executed test project
// tests/clients/mongo/project: golden files (tests/clients/mongo/golden/<target>/,
// FLASH_UPDATE_GOLDEN=1 rewrites them), the same files through the contract's JSON, and the
// diagnostics of validators that cannot be typed. The generated code itself is compiled and run
// against FerretDB by tests/clients/mongo/run.sh (ctest clients_mongo).
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <filesystem>
#include <set>

#include "flash/codegen/documents.hpp"
#include "flash/codegen/generator.hpp"
#include "flash/mongo/collection.hpp"
#include "flash/util/text.hpp"
#include "support/flash_run.hpp"

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using namespace flash;

namespace {

const fs::path kRoot = fs::path(FLASH_SOURCE_DIR) / "tests" / "clients" / "mongo";

std::shared_ptr<const codegen::DocumentSchema> model_of(const std::vector<mongo::Collection>& cols, diag::Diagnostics& diags) {
  std::vector<codegen::DeclaredCollection> in;
  for (const auto& c : cols) in.push_back({c.name, c.validator, c.location});
  return std::make_shared<const codegen::DocumentSchema>(codegen::document_schema(in, diags));
}

std::shared_ptr<const codegen::DocumentSchema> project_model(diag::Diagnostics& diags) {
  const auto cols = mongo::parse_collections_dir(kRoot / "project" / "db" / "schema", diags);
  return model_of(cols.collections, diags);
}

codegen::Request request(std::shared_ptr<const codegen::DocumentSchema> docs, const std::string& lang, bool async = false) {
  config::GenTarget t;
  t.language = lang;
  t.enabled = true;
  t.out = "gen/shop";
  t.async = async;
  auto schema = std::make_shared<schema::Schema>();
  schema->dialect = schema::Dialect::mongodb;
  auto queries = std::make_shared<query::AnalyzedQueries>();
  queries->dialect = schema::Dialect::mongodb;
  auto req = codegen::make_request(schema, queries, t, "golden");
  req.documents = std::move(docs);
  return req;
}

codegen::DocumentSchema parse_one(const std::string& text, diag::Diagnostics& diags) {
  std::vector<mongo::Collection> cols;
  mongo::parse_collections_file("c.json", text, cols, diags);
  std::vector<codegen::DeclaredCollection> in;
  for (const auto& c : cols) in.push_back({c.name, c.validator, c.location});
  return codegen::document_schema(in, diags);
}

}  // namespace

TEST(MongoGen, GoldenFiles) {
  const bool update = std::getenv("FLASH_UPDATE_GOLDEN") && std::string(std::getenv("FLASH_UPDATE_GOLDEN")) == "1";
  diag::Diagnostics diags;
  const auto docs = project_model(diags);
  for (const auto& d : diags) ASSERT_NE(d.severity, diag::Severity::error) << d.message;
  ASSERT_EQ(docs->collections.size(), 5u);  // audit_log (no validator), events, filters, ledger, products
  struct Target {
    std::string lang, dir;
    bool async;
  };
  for (const Target& t : {Target{"go", "go", false}, Target{"js", "js", false}, Target{"python", "python", false},
                          Target{"python", "python_async", true}}) {
    SCOPED_TRACE(t.dir);
    const auto* spec = codegen::find_generator(t.lang);
    ASSERT_TRUE(spec && spec->generate_documents);
    const auto req = request(docs, t.lang, t.async);
    const auto resp = codegen::run_builtin(*spec, req);
    EXPECT_TRUE(resp.diagnostics.empty());
    ASSERT_FALSE(resp.files.empty());
    // What an external plugin receives carries everything: the same files through JSON.
    const auto via_json = codegen::run_builtin(*spec, codegen::request_from_json(codegen::request_to_json(req)));
    EXPECT_EQ(via_json.files, resp.files) << "the documents lost something on their way through JSON";
    const fs::path expected = kRoot / "golden" / t.dir;
    std::set<std::string> produced;
    for (const auto& f : resp.files) {
      produced.insert(f.path);
      const fs::path p = expected / f.path;
      if (update) {
        fs::create_directories(p.parent_path());
        util::write_file_atomic(p, f.content);
        continue;
      }
      ASSERT_TRUE(fs::exists(p)) << "missing golden file " << p << " (FLASH_UPDATE_GOLDEN=1 to create)";
      EXPECT_EQ(util::read_file(p), f.content) << "golden file " << p << " differs (FLASH_UPDATE_GOLDEN=1 to update)";
    }
    for (const auto& e : fs::directory_iterator(expected))
      if (!produced.count(e.path().filename().string())) ADD_FAILURE() << e.path() << " is no longer generated";
  }
}

TEST(MongoGen, ModelTypesEveryField) {
  diag::Diagnostics diags;
  const auto docs = project_model(diags);
  const auto& products = *docs->collections[4].document;
  ASSERT_EQ(products.name, "Product");
  std::map<std::string, const codegen::DocField*> by;
  for (const auto& f : products.fields) by[f.name] = &f;
  ASSERT_EQ(products.fields.front().name, "_id");  // added first: ObjectId, generated on insert
  EXPECT_EQ(by["_id"]->type->kind, codegen::Bson::object_id);
  EXPECT_FALSE(by["_id"]->required);
  EXPECT_EQ(by["stock"]->type->kind, codegen::Bson::int32);
  EXPECT_EQ(by["views"]->type->kind, codegen::Bson::int64);
  EXPECT_EQ(by["rating"]->type->kind, codegen::Bson::double_);
  EXPECT_TRUE(by["discontinued_at"]->nullable);
  EXPECT_FALSE(by["discontinued_at"]->required);
  EXPECT_EQ(by["category"]->type->enum_values, (std::vector<std::string>{"book", "tool", "toy"}));
  EXPECT_EQ(by["dimensions"]->type->name, "ProductDimensions");
  EXPECT_EQ(by["variants"]->type->items->name, "ProductVariant");
  EXPECT_EQ(by["attributes"]->type->kind, codegen::Bson::document);
  EXPECT_EQ(by["extra"]->type->kind, codegen::Bson::any);
  // The untyped `extra` is a note at the collection, not an error.
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, "gen.mongo-untyped");
  EXPECT_EQ(diags[0].severity, diag::Severity::note);
  EXPECT_NE(diags[0].location.file.find("products.json"), std::string::npos);
  EXPECT_EQ(diags[0].location.line, 2);
}

TEST(MongoGen, BadValidatorsAreLocatedErrors) {
  diag::Diagnostics diags;
  // An unknown bsonType is flash/mongo's own error (located at the value); the model adds nothing.
  parse_one(R"({
  "name": "c",
  "validator": {"$jsonSchema": {"bsonType": "object", "required": ["a", "missing"],
    "properties": {"a": {"bsonType": "integer"}, "b": {"bsonType": ["int", "string"]}}}}
})", diags);
  std::vector<std::string> got;
  for (const auto& d : diags) got.push_back(d.code + "@" + std::to_string(d.location.line) + ":" + d.message);
  ASSERT_EQ(diags.size(), 4u) << ::testing::PrintToString(got);
  EXPECT_EQ(diags[0].code, "mongo.bson-type");
  EXPECT_EQ(diags[0].location.line, 4);
  EXPECT_EQ(diags[1].code, "gen.mongo-schema");  // the model's own check of the alias
  EXPECT_EQ(diags[2].code, "gen.mongo-untyped");  // a union: any, a note
  EXPECT_EQ(diags[2].severity, diag::Severity::note);
  EXPECT_NE(diags[2].message.find("properties/b: accepts several BSON types (int, string)"), std::string::npos);
  EXPECT_EQ(diags[3].code, "gen.mongo-schema");  // required but not declared: located at the collection
  EXPECT_NE(diags[3].message.find("`missing` is required but not among the properties"), std::string::npos);
  EXPECT_EQ(diags[3].location.file, "c.json");
  EXPECT_EQ(diags[3].location.line, 2);
}

TEST(MongoGen, LanguagesWithoutAMongoClientSaySo) {
  diag::Diagnostics diags;
  const auto docs = project_model(diags);
  const auto* cpp = codegen::find_generator("cpp");
  ASSERT_TRUE(cpp);
  const auto resp = codegen::run_builtin(*cpp, request(docs, "cpp"));
  EXPECT_TRUE(resp.files.empty());
  ASSERT_EQ(resp.diagnostics.size(), 1u);
  EXPECT_EQ(resp.diagnostics[0].code, "gen.unsupported");
}

TEST(MongoGen, NestedNamesStayUnique) {
  diag::Diagnostics diags;
  // users.address (UserAddress) and a collection user_addresses (UserAddress too): the second
  // gets a number instead of a clash.
  const auto s = parse_one(R"([
  {"name": "users", "validator": {"$jsonSchema": {"properties": {"address": {"bsonType": "object", "properties": {"city": {"bsonType": "string"}}}}}}},
  {"name": "user_addresses", "validator": {"$jsonSchema": {"properties": {"zip": {"bsonType": "string"}}}}}
])", diags);
  std::set<std::string> names;
  for (const auto& t : s.types) EXPECT_TRUE(names.insert(t->name).second) << t->name;
  EXPECT_EQ(names, (std::set<std::string>{"UserAddress", "UserAddress2", "User"}));
}

// ---- flash gen through the real binary (a MongoDB project, no server needed) ----------------


namespace {

void write_project(const test::TempDir& dir, const std::string& collection_json) {
  dir.write("flash.toml",
            "version = \"2\"\nschema_dir = \"db/schema\"\n[database]\nprovider = \"mongodb\"\n"
            "[gen.go]\nenabled = true\nout = \"gen/go/app\"\n[gen.js]\nenabled = true\nout = \"gen/ts\"\n"
            "[gen.python]\nenabled = true\nout = \"gen/py/app\"\nasync = true\n");
  dir.write("db/schema/users.json", collection_json);
}

const char* kUsers = R"({"name": "users", "validator": {"$jsonSchema": {"bsonType": "object", "required": ["email"],
  "properties": {"email": {"bsonType": "string"}, "age": {"bsonType": "int"}}}}})";

}  // namespace

TEST(MongoGenCli, WritesEveryTargetThenHitsTheCache) {
  test::TempDir dir("flash-mongo-gen");
  write_project(dir, kUsers);
  auto r = test::run_flash(FLASH_BINARY, {"gen", "--json"}, dir.path());
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  for (const char* f : {"gen/go/app/models.go", "gen/go/app/collections.go", "gen/go/app/flash_mongo.go", "gen/ts/mongo.ts",
                        "gen/py/app/__init__.py", "gen/py/app/py.typed"})
    EXPECT_TRUE(dir.exists(f)) << f;
  EXPECT_NE(dir.read("gen/go/app/models.go").find("Age   *int32        `bson:\"age,omitempty\"`"), std::string::npos)
      << dir.read("gen/go/app/models.go");
  EXPECT_NE(dir.read("gen/py/app/__init__.py").find("AsyncCollection"), std::string::npos);  // async = true
  r = test::run_flash(FLASH_BINARY, {"gen", "--json"}, dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  for (const auto& t : j["targets"]) EXPECT_TRUE(t["cached"].get<bool>()) << t.dump();
  // A changed collection file is a changed input: --check reports the stale files, exit 3.
  write_project(dir, std::string(kUsers).replace(std::string(kUsers).find("\"int\""), 5, "\"long\""));
  r = test::run_flash(FLASH_BINARY, {"gen", "--check"}, dir.path());
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("stale"), std::string::npos) << r.out;
}

TEST(MongoGenCli, ABadValidatorWritesNothing) {
  test::TempDir dir("flash-mongo-gen");
  write_project(dir, R"({"name": "users", "validator": {"$jsonSchema": {"required": ["email"],
  "properties": {"name": {"bsonType": "string"}}}}})");
  const auto r = test::run_flash(FLASH_BINARY, {"gen"}, dir.path());
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("users.json:1:10"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("`email` is required but not among the properties"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("gen.mongo-schema"), std::string::npos) << r.err;
  EXPECT_FALSE(dir.exists("gen"));
}

TEST(MongoGenCli, VerifyAndCppAreRefusedNamingWhy) {
  test::TempDir dir("flash-mongo-gen");
  write_project(dir, kUsers);
  auto r = test::run_flash(FLASH_BINARY, {"gen", "--verify"}, dir.path());
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--verify"), std::string::npos) << r.err;
  dir.write("flash.toml", "version = \"2\"\nschema_dir = \"db/schema\"\n[database]\nprovider = \"mongodb\"\n"
                          "[gen.cpp]\nenabled = true\nout = \"gen/cpp\"\n");
  r = test::run_flash(FLASH_BINARY, {"gen"}, dir.path());
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("gen.unsupported"), std::string::npos) << r.err;
  EXPECT_FALSE(dir.exists("gen"));
}

// Declared collections: located JSON errors (file:line:col of the offending value or key), every
// kind of index and option, normalisation (defaults, names, order).
#include <gtest/gtest.h>

#include "flash/mongo/collection.hpp"
#include "flash/mongo/json.hpp"

namespace flash::mongo {
namespace {

diag::Diagnostics parse_errors(const std::string& text) {
  diag::Diagnostics diags;
  std::vector<Collection> out;
  parse_collections_file("db/schema/x.json", text, out, diags);
  return diags;
}

void expect_one(const std::string& text, const std::string& code, int line, int col) {
  auto d = parse_errors(text);
  ASSERT_EQ(d.size(), 1u) << text;
  EXPECT_EQ(d[0].code, code) << d[0].message;
  EXPECT_EQ(d[0].location.file, "db/schema/x.json");
  EXPECT_EQ(d[0].location.line, line) << d[0].message;
  EXPECT_EQ(d[0].location.column, col) << d[0].message;
}

TEST(LocatedJson, ValuesAndKeysAreLocated) {
  auto j = parse_located_json("f.json", "{\n  \"a\": [1, 22,\n  {\"b\": true}],\n \"c\":-3.5}");
  auto at = [&](const std::string& p, bool key = false) {
    auto d = j.at(p, "x", "y", key);
    return std::to_string(d.location.line) + ":" + std::to_string(d.location.column);
  };
  EXPECT_EQ(at(""), "1:1");
  EXPECT_EQ(at("/a"), "2:8");
  EXPECT_EQ(at("/a", true), "2:3");
  EXPECT_EQ(at("/a/0"), "2:9");
  EXPECT_EQ(at("/a/1"), "2:12");
  EXPECT_EQ(at("/a/2"), "3:3");
  EXPECT_EQ(at("/a/2/b"), "3:9");
  EXPECT_EQ(at("/c"), "4:6");
  EXPECT_EQ(at("/c", true), "4:2");
  EXPECT_EQ(j.value["c"], -3.5);
}

TEST(LocatedJson, SyntaxErrorAndDuplicateKeyAreLocated) {
  try {
    parse_located_json("f.json", "{\n  \"a\": tru\n}");
    FAIL();
  } catch (const diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "json.syntax");
    EXPECT_EQ(e.diagnostic().location.line, 2);
  }
  try {
    parse_located_json("f.json", "{\"a\": 1,\n \"a\": 2}");
    FAIL();
  } catch (const diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "json.duplicate-key");
    EXPECT_EQ(e.diagnostic().location.line, 2);
    EXPECT_EQ(e.diagnostic().location.column, 2);
  }
  try {
    parse_located_json("f.json", "[1, 2,]");
    FAIL();
  } catch (const diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "json.syntax");
    EXPECT_EQ(e.diagnostic().location.column, 7);
  }
}

TEST(Collections, ErrorsAreLocated) {
  expect_one("{\"name\": \"users\",\n \"indexs\": []}", "mongo.unknown-key", 2, 2);
  expect_one("{\"name\": \"users\",\n \"validationLevel\": \"strct\", \"validator\": {}}", "mongo.value", 2, 21);
  expect_one("{\"name\": \"users\", \"validator\": {\"$jsonSchema\": {\"properties\": {\n"
             "  \"age\": {\"bsonType\": \"integr\"}}}}}",
             "mongo.bson-type", 2, 23);
  expect_one("{\"name\": \"users\", \"indexes\": [\n  {\"key\": {\"a\": 2}}]}", "mongo.index-key", 2, 17);
  expect_one("{\"name\": \"users\", \"indexes\": [\n  {\"key\": {\"loc\": \"2dspere\"}}]}", "mongo.index-key", 2, 19);
  expect_one("{\"name\": \"users\", \"indexes\": [{\"key\": {\"a\": 1}},\n  {\"key\": {\"a\": 1}, \"unique\": true}]}",
             "mongo.index-duplicate", 2, 3);
  expect_one("{\"name\": \"users\", \"indexes\": [\n {\"key\": {\"a\": 1, \"b\": 1}, \"expireAfterSeconds\": 5}]}",
             "mongo.index-options", 2, 50);
  expect_one("{\"name\": \"users\", \"options\": {\"capped\": true}}", "mongo.capped", 1, 41);
  expect_one("{\"name\": \"system.users\"}", "mongo.name", 1, 10);
  expect_one("{\"name\": \"u\", \"indexes\": [{\"key\": {\"a\": 1}, \"sparse\": \"yes\"}]}", "mongo.type", 1, 55);
  auto d = parse_errors("{\"nme\": \"u\"}");  // the unknown key with its did-you-mean, then the missing name
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].code, "mongo.unknown-key");
  EXPECT_EQ(d[0].hint.value_or(""), "did you mean `name`?");
  EXPECT_EQ(d[1].code, "mongo.name");
  d = parse_errors("{\"validator\": {}}");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].code, "mongo.name");
}

TEST(Collections, EveryIndexKindAndOptionNormalised) {
  diag::Diagnostics diags;
  std::vector<Collection> out;
  parse_collections_file("a.json", R"({"collections": [
    {"name": "places", "options": {"collation": {"locale": "en", "strength": 2}},
     "indexes": [{"key": {"loc": "2dsphere"}}, {"key": {"title": "text", "body": "text"}, "weights": {"title": 5}},
                 {"key": {"h": "hashed"}}]},
    {"name": "events", "options": {"capped": true, "size": 4096, "max": 10},
     "validator": {"$jsonSchema": {"bsonType": "object", "required": ["at"],
                                   "properties": {"at": {"bsonType": "date"}}}},
     "validationAction": "warn",
     "indexes": [{"key": {"at": 1}, "expireAfterSeconds": 3600},
                 {"key": {"user": 1, "at": -1}, "unique": true, "name": "by_user"},
                 {"key": {"code": 1}, "sparse": true},
                 {"key": {"s": 1}, "partialFilterExpression": {"s": {"$exists": true}}}]}]})",
                         out, diags);
  ASSERT_TRUE(diags.empty()) << diags[0].message;
  Collections s = normalise(std::move(out), diags);
  ASSERT_TRUE(diags.empty());
  ASSERT_EQ(s.collections.size(), 2u);
  EXPECT_EQ(s.collections[0].name, "events");
  const Json ev = to_json(s.collections[0]);
  EXPECT_EQ(ev["validationLevel"], "strict");  // the default, spelled out
  EXPECT_EQ(ev["validationAction"], "warn");
  EXPECT_EQ(ev["options"].dump(), R"({"capped":true,"size":4096,"max":10})");
  std::vector<std::string> names;
  for (const auto& i : ev["indexes"]) names.push_back(i["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"at_1", "by_user", "code_1", "s_1"}));
  EXPECT_EQ(ev["indexes"][0]["expireAfterSeconds"], 3600);
  EXPECT_EQ(ev["indexes"][1]["unique"], true);
  const Json pl = to_json(s.collections[1]);
  EXPECT_EQ(pl["indexes"][0]["name"], "h_hashed");
  EXPECT_EQ(pl["indexes"][1]["name"], "loc_2dsphere");
  EXPECT_EQ(pl["indexes"][2]["name"], "title_text_body_text");
  EXPECT_EQ(pl["indexes"][2]["weights"]["title"], 5);
  EXPECT_FALSE(pl.contains("validator"));
}

TEST(Collections, DeclaredTwiceAcrossFiles) {
  diag::Diagnostics diags;
  std::vector<Collection> out;
  parse_collections_file("a.json", R"({"name": "users"})", out, diags);
  parse_collections_file("b.json", "[\n {\"name\": \"users\"}]", out, diags);
  normalise(std::move(out), diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, "mongo.duplicate-collection");
  EXPECT_EQ(diags[0].location.file, "b.json");
  EXPECT_EQ(diags[0].location.line, 2);
}

}  // namespace
}  // namespace flash::mongo

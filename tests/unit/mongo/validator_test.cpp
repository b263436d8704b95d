// Without a server: collection renames in the differ (confirmed, candidates, replay), the staged
// validator rollout (stage 1 written with validationAction "warn", stage 2 "error"), the client-side
// $jsonSchema validator, and pull's inference from sampled documents.
#include <gtest/gtest.h>

#include "flash/mongo/bson.hpp"
#include "flash/mongo/infer.hpp"
#include "flash/mongo/migration.hpp"
#include "flash/mongo/validate.hpp"

namespace flash::mongo {
namespace {

Collections declare(const std::string& text) {
  diag::Diagnostics diags;
  std::vector<Collection> out;
  parse_collections_file("schema.json", text, out, diags);
  auto s = normalise(std::move(out), diags);
  EXPECT_TRUE(diags.empty()) << (diags.empty() ? "" : diags[0].message);
  return s;
}

Collections replay_plans(const std::vector<Plan>& plans) {
  diag::Diagnostics diags;
  std::vector<Migration> files;
  for (std::size_t i = 0; i < plans.size(); ++i)
    files.push_back(parse_migration("2024010100000" + std::to_string(i) + "_m.json", migration_text(plans[i]), diags));
  auto s = replay(files, files.size(), diags);
  EXPECT_TRUE(diags.empty()) << (diags.empty() ? "" : diags[0].message);
  return s;
}

std::vector<std::string> codes(const Plan& p) {
  std::vector<std::string> out;
  for (const auto& f : p.findings) out.push_back(f.code);
  return out;
}

const char* kUsers = R"({"name": "users", "indexes": [{"key": {"email": 1}, "unique": true}]})";
const char* kMembers = R"({"name": "members", "indexes": [{"key": {"email": 1}, "unique": true}]})";

TEST(MongoRename, CandidateIsUnresolvedUntilConfirmed) {
  diag::Diagnostics diags;
  const auto from = declare(kUsers), to = declare(kMembers);
  Plan p = diff(from, to, diags);
  ASSERT_TRUE(diags.empty());
  ASSERT_EQ(p.unresolved_renames.size(), 1u);
  EXPECT_EQ(p.unresolved_renames[0].flag(), "--rename users:members");
  EXPECT_TRUE(p.up.empty()) << "nothing to write while a rename is unanswered";

  p = diff(from, to, diags, DiffOptions{.renames = {{"users", "members"}}});
  ASSERT_TRUE(diags.empty());
  EXPECT_EQ(migration_text(p),
            "{\n  \"flash\": \"mongodb-migration\",\n  \"up\": [\n"
            "    {\"renameCollection\":\"users\",\"to\":\"members\"}\n  ],\n  \"down\": [\n"
            "    {\"renameCollection\":\"members\",\"to\":\"users\"}\n  ]\n}\n");
  EXPECT_EQ(codes(p), (std::vector<std::string>{"mongo.rename"}));
  const Plan create = diff(Collections{}, from, diags);
  EXPECT_EQ(to_json(replay_plans({create, p})).dump(), to_json(to).dump());

  // Accepted as a drop: drop + create, the drop flagged.
  p = diff(from, to, diags, DiffOptions{.accept_drops = true});
  EXPECT_TRUE(p.unresolved_renames.empty());
  EXPECT_EQ(p.up.size(), 3u);  // create, createIndexes, drop
  EXPECT_EQ(codes(p), (std::vector<std::string>{"mongo.drop-collection"}));
}

TEST(MongoRename, RenameWithChangesAndBadFlags) {
  diag::Diagnostics diags;
  const auto from = declare(kUsers);
  const auto to = declare(R"({"name": "members", "indexes": [{"key": {"email": 1}, "unique": true}, {"key": {"at": -1}}]})");
  // Not the same shape: no candidate; with the flag, a rename then the index.
  EXPECT_TRUE(diff(from, to, diags, DiffOptions{.accept_drops = false}).unresolved_renames.empty());
  const Plan p = diff(from, to, diags, DiffOptions{.renames = {{"users", "members"}}});
  ASSERT_TRUE(diags.empty());
  ASSERT_EQ(p.up.size(), 2u);
  EXPECT_EQ(p.up[0].dump(), R"({"renameCollection":"users","to":"members"})");
  EXPECT_EQ(p.up[1].begin().key(), "createIndexes");
  EXPECT_EQ(p.down.back().dump(), R"({"renameCollection":"members","to":"users"})");
  diff(from, to, diags, DiffOptions{.renames = {{"nope", "members"}}});
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, "migrate.rename-flag");
  EXPECT_EQ(diags[0].exit_code, diag::ExitCode::usage);
}

TEST(MongoRename, ReplayRefusesRenameOfMissingCollection) {
  diag::Diagnostics diags;
  std::vector<Migration> files = {parse_migration(
      "m/1_x.json", "{\"flash\": \"mongodb-migration\", \"up\": [\n  {\"renameCollection\": \"a\", \"to\": \"b\"}]}", diags)};
  ASSERT_TRUE(diags.empty());
  replay(files, 1, diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, "mongo.replay");
  EXPECT_EQ(diags[0].location.line, 2);
}

const char* kLoose = R"({"name": "users", "validator": {"$jsonSchema": {"bsonType": "object", "required": ["email"]}},
  "validationAction": "warn"})";
const char* kTight = R"({"name": "users", "validator": {"$jsonSchema": {"bsonType": "object",
  "required": ["email", "name"], "properties": {"name": {"bsonType": "string"}}}}})";

TEST(MongoStagedValidator, TighteningIsWrittenAsWarnThenError) {
  diag::Diagnostics diags;
  const auto v1 = declare(kLoose), v2 = declare(kTight);
  const Plan stage1 = diff(v1, v2, diags);
  ASSERT_TRUE(diags.empty());
  ASSERT_EQ(stage1.up.size(), 1u);
  EXPECT_EQ(stage1.up[0]["validationAction"], "warn");
  EXPECT_EQ(stage1.up[0]["validator"], v2.collections[0].validator);
  EXPECT_FALSE(enforces_validator(stage1.up[0]));
  EXPECT_EQ(codes(stage1), (std::vector<std::string>{"mongo.validator-staged"}));
  // After stage 1 the migrations hold the validator with "warn"; the next diff is stage 2.
  const Plan create = diff(Collections{}, v1, diags);
  const auto after1 = replay_plans({create, stage1});
  EXPECT_EQ(after1.collections[0].validation_action, "warn");
  const Plan stage2 = diff(after1, v2, diags);
  ASSERT_EQ(stage2.up.size(), 1u);
  EXPECT_EQ(stage2.up[0]["validationAction"], "error");
  EXPECT_TRUE(enforces_validator(stage2.up[0]));
  EXPECT_EQ(codes(stage2), (std::vector<std::string>{"mongo.validator-tightened"}));
  EXPECT_EQ(to_json(replay_plans({create, stage1, stage2})).dump(), to_json(v2).dump());
  EXPECT_TRUE(diff(v2, v2, diags).empty());
  // Loosening is not staged.
  const Plan loosen = diff(v2, v1, diags);
  EXPECT_EQ(loosen.up[0]["validationAction"], "warn");
  EXPECT_TRUE(loosen.findings.empty());
}

Json canon(const char* text) { return Json::parse(text); }

TEST(MongoValidate, JsonSchemaKeywords) {
  const Json v = canon(R"({"$jsonSchema": {"bsonType": "object", "required": ["name", "age"],
    "additionalProperties": false,
    "properties": {
      "_id": {"bsonType": "objectId"},
      "name": {"bsonType": "string", "minLength": 2, "maxLength": 5, "pattern": "^[a-z]+$"},
      "age": {"bsonType": ["int", "long"], "minimum": 0, "maximum": 150},
      "score": {"bsonType": "number", "exclusiveMaximum": true, "maximum": 10},
      "kind": {"enum": ["a", "b"]},
      "tags": {"bsonType": "array", "minItems": 1, "uniqueItems": true, "items": {"bsonType": "string"}},
      "addr": {"bsonType": "object", "required": ["zip"], "properties": {"zip": {"type": "string"}}},
      "when": {"bsonType": "date"},
      "alt": {"anyOf": [{"bsonType": "bool"}, {"bsonType": "null"}]}}}})");
  ASSERT_EQ(unsupported_validator(v), "");
  const Json good = canon(R"({"_id": {"$oid": "0123456789abcdef01234567"}, "name": "ann", "age": {"$numberInt": "30"},
    "score": {"$numberDouble": "9.5"}, "kind": "a", "tags": ["x", "y"], "addr": {"zip": "123"},
    "when": {"$date": {"$numberLong": "0"}}, "alt": null})");
  EXPECT_EQ(violations(v, good), std::vector<std::string>{});
  const Json bad = canon(R"({"_id": "text", "name": "Ann-Marie", "age": {"$numberDouble": "30.5"},
    "score": {"$numberLong": "10"}, "kind": "c", "tags": ["x", "x"], "addr": {"zip": {"$numberInt": "1"}},
    "when": "2024", "alt": 1, "extra": true})");
  const auto got = violations(v, bad);
  const std::vector<std::string> want = {
      "_id: bsonType objectId expected, found string",
      "name: longer than 5 characters",
      "name: does not match the pattern \"^[a-z]+$\"",
      "age: bsonType [\"int\",\"long\"] expected, found double",
      "score: above the maximum 10",
      "kind: not one of the enum values",
      "tags: items 0 and 1 are equal (uniqueItems)",
      "addr.zip: type string expected, found number",
      "when: bsonType date expected, found string",
      "alt: matches none of anyOf",
      "extra: field not allowed (additionalProperties false)"};
  EXPECT_EQ(got, want);
  EXPECT_EQ(violations(v, canon(R"({"name": "ab"})")),
            std::vector<std::string>{"(document): required field `age` is missing"});
  // Fails closed on what Flash does not check.
  EXPECT_NE(unsupported_validator(canon(R"({"age": {"$gt": 1}})")), "");
  EXPECT_NE(unsupported_validator(canon(R"({"$jsonSchema": {"bsonType": "object", "if": {}}})")), "");
}

TEST(MongoInfer, MixedTypesNestedAndArrays) {
  std::vector<Json> docs = {
      canon(R"({"_id": {"$oid": "000000000000000000000001"}, "name": "a", "age": {"$numberInt": "1"},
               "tags": ["x", "y"], "addr": {"city": "P", "zip": {"$numberInt": "75"}}})"),
      canon(R"({"_id": {"$oid": "000000000000000000000002"}, "name": "b", "age": "unknown",
               "tags": [], "addr": {"city": "L"}})"),
      canon(R"({"_id": {"$oid": "000000000000000000000003"}, "name": "c", "age": {"$numberInt": "3"},
               "addr": {"city": "B", "zip": "B1"}, "vip": true})"),
      canon(R"({"_id": {"$oid": "000000000000000000000004"}, "name": "d", "age": {"$numberLong": "4"},
               "tags": [{"$numberInt": "7"}], "addr": null})")};
  const Inferred inf = infer_schema(docs);
  const Json want = canon(R"J({"bsonType": "object", "required": ["_id", "name", "age", "addr"], "properties": {
    "_id": {"bsonType": "objectId", "description": "seen in 4 of 4 (100%)"},
    "name": {"bsonType": "string", "description": "seen in 4 of 4 (100%)"},
    "age": {"bsonType": ["int", "long", "string"], "description": "seen in 4 of 4 (100%); types: int 50% long 25% string 25%"},
    "tags": {"bsonType": "array", "description": "seen in 3 of 4 (75%)",
             "items": {"bsonType": ["string", "int"], "description": "seen in 3 of 3 (100%); types: string 66.7% int 33.3%"}},
    "addr": {"bsonType": ["object", "null"], "description": "seen in 4 of 4 (100%); types: object 75% null 25%",
             "required": ["city"], "properties": {
               "city": {"bsonType": "string", "description": "seen in 3 of 3 (100%)"},
               "zip": {"bsonType": ["int", "string"], "description": "seen in 2 of 3 (66.7%); types: int 50% string 50%"}}},
    "vip": {"bsonType": "bool", "description": "seen in 1 of 4 (25%)"}}})J");
  EXPECT_EQ(inf.json_schema.dump(2), want.dump(2));
  // Every sampled document satisfies the inferred validator.
  for (const auto& d : docs) EXPECT_EQ(violations(Json{{"$jsonSchema", inf.json_schema}}, d), std::vector<std::string>{});
  std::vector<std::string> paths;
  for (const auto& f : inf.fields) paths.push_back(f.path + (f.required ? "!" : "?"));
  EXPECT_EQ(paths, (std::vector<std::string>{"_id!", "addr!", "addr.city!", "addr.zip?", "age!", "name!", "tags?",
                                             "tags.[]!", "vip?"}));
}

}  // namespace
}  // namespace flash::mongo

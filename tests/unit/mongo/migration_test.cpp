// The collection differ and migration files, without a server: the exact commands Flash writes
// (golden files in golden/, FLASH_UPDATE_GOLDEN=1 rewrites them) for every feature — including
// those FerretDB does not implement (validators, collMod, partial/TTL/text/2dsphere/hashed/
// collation indexes, collations), which the FerretDB end-to-end tests cannot run — lint findings,
// replay of the written file giving back the declared model, and located errors in migration files.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "flash/mongo/migration.hpp"
#include "flash/util/text.hpp"

namespace flash::mongo {
namespace {
namespace fs = std::filesystem;

Collections declare(const std::string& text) {
  diag::Diagnostics diags;
  std::vector<Collection> out;
  parse_collections_file("schema.json", text, out, diags);
  auto s = normalise(std::move(out), diags);
  EXPECT_TRUE(diags.empty()) << (diags.empty() ? "" : diags[0].message);
  return s;
}

void golden(const std::string& name, const std::string& actual) {
  const fs::path p = fs::path(FLASH_SOURCE_DIR) / "tests/unit/mongo/golden" / name;
  const char* up = std::getenv("FLASH_UPDATE_GOLDEN");
  if (up != nullptr && std::string(up) == "1") {
    std::ofstream(p, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(p)) << "missing golden file " << p << " (FLASH_UPDATE_GOLDEN=1 to create)";
  EXPECT_EQ(util::read_file(p), actual) << "golden " << name;
}

// Replays a plan's text as one migration file.
Collections replay_text(const std::vector<std::string>& texts) {
  diag::Diagnostics diags;
  std::vector<Migration> files;
  for (std::size_t i = 0; i < texts.size(); ++i)
    files.push_back(parse_migration("2024010100000" + std::to_string(i) + "_m.json", texts[i], diags));
  auto s = replay(files, files.size(), diags);
  EXPECT_TRUE(diags.empty()) << (diags.empty() ? "" : diags[0].message);
  return s;
}

const char* kV1 = R"([
 {"name": "users",
  "validator": {"$jsonSchema": {"bsonType": "object", "required": ["email"],
                                "properties": {"email": {"bsonType": "string"}}}},
  "validationAction": "warn",
  "options": {"collation": {"locale": "en", "strength": 2}},
  "indexes": [{"key": {"email": 1}, "unique": true},
              {"key": {"org": 1, "created": -1}},
              {"key": {"nick": 1}, "sparse": true},
              {"key": {"deleted": 1}, "partialFilterExpression": {"deleted": {"$exists": true}}},
              {"key": {"session_at": 1}, "expireAfterSeconds": 3600},
              {"key": {"bio": "text", "name": "text"}, "weights": {"name": 10}, "default_language": "english"},
              {"key": {"home": "2dsphere"}},
              {"key": {"shard": "hashed"}},
              {"key": {"city": 1}, "collation": {"locale": "fr"}}]},
 {"name": "events", "options": {"capped": true, "size": 1048576, "max": 1000}},
 {"name": "legacy"}
])";

// The next version: validator tightened (action error, one more required field), one index
// changed, one dropped, one unique added, `legacy` dropped, `audit` added.
const char* kV2 = R"([
 {"name": "users",
  "validator": {"$jsonSchema": {"bsonType": "object", "required": ["email", "name"],
                                "properties": {"email": {"bsonType": "string"}, "name": {"bsonType": "string"}}}},
  "options": {"collation": {"locale": "en", "strength": 2}},
  "indexes": [{"key": {"email": 1}, "unique": true},
              {"key": {"org": 1, "created": -1}, "unique": true},
              {"key": {"deleted": 1}, "partialFilterExpression": {"deleted": {"$exists": true}}},
              {"key": {"session_at": 1}, "expireAfterSeconds": 7200},
              {"key": {"bio": "text", "name": "text"}, "weights": {"name": 10}, "default_language": "english"},
              {"key": {"home": "2dsphere"}},
              {"key": {"shard": "hashed"}},
              {"key": {"city": 1}, "collation": {"locale": "fr"}},
              {"key": {"phone": 1}, "unique": true, "sparse": true}]},
 {"name": "events", "options": {"capped": true, "size": 1048576, "max": 1000}},
 {"name": "audit", "indexes": [{"key": {"at": -1}}]}
])";

TEST(MongoMigration, CreateEverythingGolden) {
  diag::Diagnostics diags;
  const auto plan = diff(Collections{}, declare(kV1), diags);
  ASSERT_TRUE(diags.empty());
  EXPECT_TRUE(plan.findings.empty());
  const std::string text = migration_text(plan);
  golden("create_all.json", text);
  // The written file replays to the declared model.
  const auto back = replay_text({text});
  EXPECT_EQ(to_json(back).dump(), to_json(declare(kV1)).dump());
}

TEST(MongoMigration, ChangeGoldenWithFindings) {
  diag::Diagnostics diags;
  const auto v1 = declare(kV1);
  const auto v2 = declare(kV2);
  // The validator written as declared (the staged rollout is tested in validator_test.cpp).
  const auto plan = diff(v1, v2, diags, DiffOptions{.stage_validators = false});
  ASSERT_TRUE(diags.empty()) << diags[0].message;
  const std::string text = migration_text(plan);
  golden("change.json", text);
  std::vector<std::string> codes;
  for (const auto& f : plan.findings) codes.push_back(f.code);
  EXPECT_EQ(codes, (std::vector<std::string>{"mongo.validator-tightened", "mongo.drop-index", "mongo.unique-index",
                                             "mongo.unique-index", "mongo.drop-collection"}));
  // Replaying create + change gives v2; the Down of the change, applied after it, gives v1.
  const std::string first = migration_text(diff(Collections{}, v1, diags));
  EXPECT_EQ(to_json(replay_text({first, text})).dump(), to_json(v2).dump());
  Plan down_as_up;
  down_as_up.up = plan.down;
  EXPECT_EQ(to_json(replay_text({first, text, migration_text(down_as_up)})).dump(), to_json(v1).dump());
  // Nothing left to do once declared and replayed agree.
  EXPECT_TRUE(diff(v2, v2, diags).empty());
}

TEST(MongoMigration, ImmutableOptionIsAnError) {
  diag::Diagnostics diags;
  diff(declare(R"({"name": "e", "options": {"capped": true, "size": 100}})"),
       declare(R"({"name": "e", "options": {"capped": true, "size": 200}})"), diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, "mongo.immutable-option");
  EXPECT_EQ(diags[0].location.file, "schema.json");
}

TEST(MongoMigration, FileErrorsAreLocated) {
  diag::Diagnostics diags;
  parse_migration("m/1_x.json", "{\"flash\": \"mongodb-migration\",\n \"up\": [{\"createIndex\": \"a\"}]}", diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, "mongo.command");
  EXPECT_EQ(diags[0].location.line, 2);
  EXPECT_EQ(diags[0].location.column, 10);
  EXPECT_EQ(diags[0].hint.value_or(""), "did you mean `createIndexes`?");
  diags.clear();
  std::vector<Migration> files = {parse_migration("m/1_x.json",
                                                  "{\"flash\": \"mongodb-migration\", \"up\": [\n"
                                                  "  {\"create\": \"a\"},\n  {\"dropIndexes\": \"a\", \"index\": \"nope\"}]}",
                                                  diags)};
  ASSERT_TRUE(diags.empty());
  replay(files, 1, diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, "mongo.replay");
  EXPECT_EQ(diags[0].location.line, 3);
  EXPECT_EQ(diags[0].location.column, 3);
}

}  // namespace
}  // namespace flash::mongo

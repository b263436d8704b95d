// The MongoDB commands Flash sends that FerretDB (v1.24, SQLite backend) does not implement, pinned:
// every command the collection differ can write is run here and must succeed or fail exactly as
// listed (the README's "FerretDB gaps" table), and `sparse` is accepted but dropped. When a FerretDB upgrade closes a gap this test
// fails, and the table and the end-to-end tests can grow. The commands of the gaps are covered by
// golden tests of the exact text Flash writes (migration_test.cpp). Skipped on a real MongoDB.
#include <gtest/gtest.h>

#include "mongo_test_support.hpp"

namespace flash {
namespace {

struct Case {
  const char* command;
  bool supported;
};

const Case kCases[] = {
    {R"({"create": "plain"})", true},
    {R"({"create": "capped", "capped": true, "size": 4096, "max": 10})", true},
    {R"({"create": "v1", "validator": {"$jsonSchema": {"bsonType": "object"}}})", false},
    {R"({"create": "v2", "validationLevel": "strict"})", false},
    {R"({"create": "v3", "validationAction": "warn"})", false},
    {R"({"create": "coll", "collation": {"locale": "en", "strength": 2}})", false},
    {R"({"collMod": "plain", "validator": {"$jsonSchema": {"bsonType": "object"}}})", false},
    {R"({"collMod": "plain", "validator": {}, "validationLevel": "strict", "validationAction": "error"})", false},
    {R"({"createIndexes": "plain", "indexes": [{"key": {"a": 1}, "name": "a_1"}]})", true},
    {R"({"createIndexes": "plain", "indexes": [{"key": {"a": 1, "b": -1}, "name": "a_1_b_-1"}]})", true},
    {R"({"createIndexes": "plain", "indexes": [{"key": {"u": 1}, "name": "u_1", "unique": true}]})", true},
    {R"({"createIndexes": "plain", "indexes": [{"key": {"s": 1}, "name": "s_1", "sparse": true}]})", true},
    {R"({"createIndexes": "plain", "indexes": [{"key": {"p": 1}, "name": "p_1", "partialFilterExpression": {"p": {"$exists": true}}}]})", false},
    {R"({"createIndexes": "plain", "indexes": [{"key": {"t": 1}, "name": "t_1", "expireAfterSeconds": 60}]})", false},
    {R"({"createIndexes": "plain", "indexes": [{"key": {"x": "text"}, "name": "x_text"}]})", false},
    {R"({"createIndexes": "plain", "indexes": [{"key": {"g": "2dsphere"}, "name": "g_2dsphere"}]})", false},
    {R"({"createIndexes": "plain", "indexes": [{"key": {"h": "hashed"}, "name": "h_hashed"}]})", false},
    {R"({"createIndexes": "plain", "indexes": [{"key": {"c": 1}, "name": "c_1", "collation": {"locale": "en"}}]})", false},
    {R"({"dropIndexes": "plain", "index": "a_1"})", true},
    {R"({"count": "docs", "query": {"$nor": [{"$jsonSchema": {"bsonType": "object"}}]}})", false},
    {R"({"aggregate": "docs", "pipeline": [{"$sample": {"size": 1}}], "cursor": {}})", false},
    {R"({"drop": "capped"})", true},
};

TEST(FerretDbGaps, ExactlyTheListedCommandsAreMissing) {
  FLASH_REQUIRE_MONGO();
  test::ScratchMongo db("gaps");
  auto& c = db.conn();
  const auto info = c.command(driver::Document{{"buildInfo", 1}});
  if (!info.contains("ferretdbVersion")) GTEST_SKIP() << "not FerretDB: " << info.value("version", "");
  // A document to match: on an empty collection FerretDB answers a query without reading its filter.
  c.insert("docs", std::vector<driver::Document>{driver::Document{{"_id", 1}}});
  for (const Case& k : kCases) {
    SCOPED_TRACE(k.command);
    bool ok = true;
    std::string why;
    try {
      c.command(driver::Document::parse(k.command));
    } catch (const driver::DbError& e) {
      ok = false;
      why = std::string(e.what()) + " [" + e.sqlstate() + "]";
    }
    EXPECT_EQ(ok, k.supported) << why;
  }
  // What the supported ones left behind, through the server's own listing.
  auto ix = c.list_indexes("plain");
  std::vector<std::string> names;
  for (const auto& i : ix) names.push_back(i["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"_id_", "a_1_b_-1", "s_1", "u_1"}));
  // Accepted but not kept: the sparse option is not in the listing (the index is a plain one).
  for (const auto& i : ix) {
    if (i["name"] == "s_1") {
      EXPECT_FALSE(i.value("sparse", false)) << "FerretDB now keeps sparse: " << i.dump();
    }
    if (i["name"] == "u_1") {
      EXPECT_TRUE(i.value("unique", false)) << i.dump();
    }
  }
}

// renameCollection (the admin command with full namespaces, as the applier sends it) works.
TEST(FerretDbGaps, RenameCollectionIsImplemented) {
  FLASH_REQUIRE_MONGO();
  test::ScratchMongo db("gaps_rename");
  auto& c = db.conn();
  c.command(driver::Document{{"create", "before"}});
  c.admin_command(driver::Document{{"renameCollection", db.name() + ".before"}, {"to", db.name() + ".after"}, {"dropTarget", false}});
  std::vector<std::string> names;
  for (const auto& e : c.list_collections()) names.push_back(e["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"after"}));
}

// BSON types: the ones FerretDB v1.24 refuses — it closes the connection on them (the driver
// reports a lost connection) — and -0.0 stored as 0.0. The data tests round-trip every other type
// through FerretDB and these through the export formats without a server (data_test.cpp).
TEST(FerretDbGaps, BsonTypesItRefuses) {
  FLASH_REQUIRE_MONGO();
  test::ScratchMongo db("gaps_types");
  auto& c = db.conn();
  const auto info = c.command(driver::Document{{"buildInfo", 1}});
  if (!info.contains("ferretdbVersion")) GTEST_SKIP() << "not FerretDB: " << info.value("version", "");
  const char* refused[] = {R"({"$numberDecimal": "1.5"})", R"({"$minKey": 1})", R"({"$maxKey": 1})",
                           R"({"$code": "x"})", R"({"$symbol": "s"})", R"({"$undefined": true})",
                           R"({"$numberDouble": "NaN"})", R"({"$numberDouble": "Infinity"})"};
  int n = 0;
  for (const char* v : refused) {
    SCOPED_TRACE(v);
    bool ok = true;
    try {
      c.insert("t", std::vector<driver::Document>{driver::Document{{"_id", n++}, {"v", driver::Document::parse(v)}}});
    } catch (const driver::DbError&) {
      ok = false;
    }
    EXPECT_FALSE(ok) << "FerretDB now stores it";
  }
  c.insert("t", std::vector<driver::Document>{driver::Document{{"_id", 100}, {"v", driver::Document::parse(R"({"$numberDouble": "-0.0"})")}}});
  const auto back = c.find("t", driver::Document{{"_id", 100}}, {.mode = driver::JsonMode::canonical});
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0]["v"].dump(), R"({"$numberDouble":"0.0"})") << "FerretDB now keeps the sign of zero";
  EXPECT_TRUE(c.find("t", driver::Document{{"_id", 0}}).empty());
}

}  // namespace
}  // namespace flash

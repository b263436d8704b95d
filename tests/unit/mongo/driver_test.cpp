// The MongoDB driver against FerretDB: commands, CRUD, collections and indexes as the server
// reports them, Extended JSON types, errors (failed command, unreachable server, bad URL).
#include <gtest/gtest.h>

#include "flash/diag/diagnostic.hpp"
#include "flash/driver/mongodb/connection.hpp"
#include "mongo_test_support.hpp"

namespace flash {
namespace {

using driver::Document;

TEST(MongoDriver, CrudRoundTrip) {
  FLASH_REQUIRE_MONGO();
  test::ScratchMongo db("crud");
  auto& c = db.conn();
  EXPECT_EQ(c.dialect(), schema::Dialect::mongodb);
  EXPECT_FALSE(c.server_version().empty());
  std::vector<Document> docs = {
      Document::parse(R"({"_id": 1, "name": "ada", "tags": ["a", "b"], "at": {"$date": "2024-01-02T03:04:05Z"}})"),
      Document::parse(R"({"_id": 2, "name": "bob", "n": {"$numberLong": "9007199254740993"}})"),
      Document::parse(R"({"_id": 3, "name": "cy", "oid": {"$oid": "65a1b2c3d4e5f60718293a4b"}})")};
  c.insert("people", docs);
  driver::FindOptions sorted;
  sorted.sort = Document{{"_id", 1}};
  auto all = c.find("people", Document::object(), sorted);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]["name"], "ada");
  EXPECT_EQ(all[0]["at"]["$date"], "2024-01-02T03:04:05Z");
  EXPECT_EQ(all[1]["n"], 9007199254740993LL);  // relaxed: a long as a plain number, exact
  EXPECT_EQ(all[2]["oid"]["$oid"], "65a1b2c3d4e5f60718293a4b");
  sorted.mode = driver::JsonMode::canonical;
  auto canon = c.find("people", Document{{"_id", 2}}, sorted);
  ASSERT_EQ(canon.size(), 1u);
  EXPECT_EQ(canon[0]["n"]["$numberLong"], "9007199254740993");
  EXPECT_EQ(canon[0]["_id"]["$numberInt"], "2");

  auto w = c.update("people", Document{{"name", "bob"}}, Document::parse(R"({"$set": {"name": "bo"}})"));
  EXPECT_EQ(w.matched, 1);
  EXPECT_EQ(w.modified, 1);
  w = c.update("people", Document{{"_id", 9}}, Document::parse(R"({"$set": {"name": "new"}})"), false, true);
  EXPECT_EQ(w.upserted, 1);
  w = c.remove("people", Document::parse(R"({"_id": {"$in": [1, 3]}})"), true);
  EXPECT_EQ(w.modified, 2);
  auto rest = c.find("people", Document::object(), {.sort = Document{{"_id", 1}}});
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0]["name"], "bo");
  EXPECT_EQ(rest[1]["name"], "new");
}

TEST(MongoDriver, CollectionsAndIndexesAsTheServerReports) {
  FLASH_REQUIRE_MONGO();
  test::ScratchMongo db("colls");
  auto& c = db.conn();
  c.command(Document{{"create", "b_things"}});
  c.command(Document{{"create", "a_things"}});
  c.command(Document::parse(
      R"({"createIndexes": "a_things", "indexes": [{"key": {"x": 1, "y": -1}, "name": "x_1_y_-1", "unique": true}]})"));
  auto cols = c.list_collections();
  ASSERT_EQ(cols.size(), 2u);
  EXPECT_EQ(cols[0]["name"], "a_things");
  EXPECT_EQ(cols[1]["name"], "b_things");
  auto ix = c.list_indexes("a_things");
  ASSERT_EQ(ix.size(), 2u);  // _id_ and ours
  EXPECT_EQ(ix[0]["name"], "_id_");
  EXPECT_EQ(ix[1]["name"], "x_1_y_-1");
  EXPECT_EQ(ix[1]["key"].dump(), R"({"x":1,"y":-1})");  // key order kept
  EXPECT_EQ(ix[1]["unique"], true);
  EXPECT_TRUE(c.list_indexes("no_such_collection").empty());
}

TEST(MongoDriver, FailedCommandIsDbErrorWithCodeName) {
  FLASH_REQUIRE_MONGO();
  test::ScratchMongo db("err");
  auto& c = db.conn();
  c.command(Document{{"create", "dup"}});
  try {
    c.command(Document{{"create", "dup"}});
    FAIL() << "creating an existing collection must fail";
  } catch (const driver::DbError& e) {
    EXPECT_EQ(e.sqlstate(), "NamespaceExists");
    EXPECT_EQ(e.native_code(), 48);
    EXPECT_TRUE(e.connection_usable());
    EXPECT_NE(e.statement().find("\"create\":\"dup\""), std::string::npos);
  }
  c.insert("dup", std::vector<Document>{Document{{"_id", 1}}});
  try {
    c.insert("dup", std::vector<Document>{Document{{"_id", 1}}});
    FAIL() << "a duplicate _id must fail";
  } catch (const driver::DbError& e) {
    EXPECT_EQ(e.native_code(), 11000);
  }
}

TEST(MongoDriver, UnreachableServerIsConnectError) {
  // Port 1 on loopback: nothing listens there.
  auto url = config::parse_database_url("mongodb://127.0.0.1:1/app?serverSelectionTimeoutMS=500");
  EXPECT_THROW(driver::connect_documents(url), driver::ConnectError);
}

TEST(MongoDriver, UrlWithoutDatabaseIsAConfigError) {
  auto url = config::parse_database_url("mongodb://127.0.0.1:1/");
  try {
    driver::connect_documents(url);
    FAIL();
  } catch (const diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "config.url");
  }
}

TEST(MongoDriver, SqlUrlHasNoDocumentDriver) {
  auto url = config::parse_database_url("sqlite::memory:");
  EXPECT_THROW(driver::connect_documents(url), diag::Error);
}

TEST(MongoDriver, ExtendedJsonToBsonAndBack) {
  auto doc = Document::parse(R"({"create": "x", "n": {"$numberDecimal": "1.50"}, "d": 2.5, "i": 3})");
  const std::string bytes = driver::mongodb::to_bson(doc);
  auto back = driver::mongodb::from_bson(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(),
                                         driver::JsonMode::canonical);
  EXPECT_EQ(back.begin().key(), "create");
  EXPECT_EQ(back["n"]["$numberDecimal"], "1.50");
  EXPECT_EQ(back["d"]["$numberDouble"], "2.5");
  EXPECT_EQ(back["i"]["$numberInt"], "3");
  EXPECT_THROW(driver::mongodb::to_bson(Document::array()), diag::Error);
}

}  // namespace
}  // namespace flash

// flash on a MongoDB project, end to end through the binary against FerretDB, checked through the
// server's own listings (listCollections / listIndexes): schema errors located, migrate → apply →
// change → migrate → apply → down, status, concurrent applies (each migration exactly once), an
// unreachable server. Uses only what FerretDB implements and keeps (ferretdb_gaps_test.cpp lists the
// rest: sparse, for one, is accepted but not kept).
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "mongo_test_support.hpp"
#include "support/flash_run.hpp"

namespace flash {
namespace {

using driver::Document;

const char* kToml = R"(version = "2"
schema_dir = "db/schema"
migrations_path = "db/migrations"

[database]
provider = "mongodb"
url_env = "DATABASE_URL"
)";

const char* kV1 = R"([
  {"name": "users",
   "indexes": [{"key": {"email": 1}, "unique": true},
               {"key": {"org": 1, "created": -1}},
               {"key": {"nick": 1}}]},
  {"name": "events", "options": {"capped": true, "size": 65536, "max": 100}}
]
)";

const char* kV2 = R"([
  {"name": "users",
   "indexes": [{"key": {"email": 1}, "unique": true},
               {"key": {"org": 1, "created": -1}},
               {"key": {"phone": 1}, "unique": true}]},
  {"name": "audit", "indexes": [{"key": {"at": -1}}]}
]
)";

class MongoCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::mongo_url_env() == nullptr) GTEST_SKIP() << "FLASH_TEST_MONGO_URL not set (scripts/db.sh starts FerretDB)";
    db_ = std::make_unique<test::ScratchMongo>("cli");
    dir_.write("flash.toml", kToml);
    dir_.write("db/migrations/.gitkeep", "");
  }
  test::FlashRun flash(const std::vector<std::string>& args) {
    return test::run_flash(FLASH_BINARY, args, dir_.path(), "DATABASE_URL=" + test::shell_quote(db_->url()));
  }
  // The user collections (Flash's own left out), sorted.
  std::vector<std::string> collections() {
    std::vector<std::string> out;
    for (const auto& c : db_->conn().list_collections()) {
      const std::string n = c["name"];
      if (!n.starts_with("_flash_")) out.push_back(n);
    }
    return out;
  }
  std::vector<std::string> indexes(const std::string& coll) {
    std::vector<std::string> out;
    for (const auto& i : db_->conn().list_indexes(coll)) {
      std::string s = i["name"].get<std::string>();
      if (i.value("unique", false)) s += " unique";
      if (i.value("sparse", false)) s += " sparse";
      out.push_back(s);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  std::vector<Document> tracking() {
    return db_->conn().find("_flash_migrations", Document::object(), {.sort = Document{{"_id", 1}}});
  }

  std::unique_ptr<test::ScratchMongo> db_;
  test::TempDir dir_{"flash-mongo"};
};

TEST_F(MongoCli, SchemaErrorIsLocatedAndNothingIsWritten) {
  dir_.write("db/schema/app.json", "{\"name\": \"users\",\n \"indexes\": [{\"key\": {\"email\": \"asc\"}}]}\n");
  auto r = flash({"schema"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("db/schema/app.json:2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("mongo.index-key"), std::string::npos) << r.err;
  r = flash({"migrate", "init"});
  EXPECT_EQ(r.code, 1);
  EXPECT_FALSE(dir_.exists("db/migrations/x")) << "nothing written";
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_.path() / "db/migrations")) ++files;
  EXPECT_EQ(files, 1u);  // .gitkeep only
  r = flash({"schema", "--json"});
  EXPECT_EQ(r.code, 1);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["diagnostics"][0]["line"], 2) << r.out;
}

TEST_F(MongoCli, MigrateApplyChangeApplyDownStatus) {
  dir_.write("db/schema/app.json", kV1);
  auto r = flash({"schema", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["schema"]["collections"].size(), 2u);

  r = flash({"migrate", "init", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["commands"], 3);  // create events, create users, createIndexes users
  r = flash({"status", "--json"});
  EXPECT_EQ(r.code, 3) << r.out;  // pending
  EXPECT_EQ(nlohmann::json::parse(r.out)["migrations"][0]["state"], "pending");

  r = flash({"apply", "--dry-run", "--json"});  // shows, changes nothing
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["commands"].size(), 3u);
  EXPECT_TRUE(collections().empty());
  r = flash({"apply"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(collections(), (std::vector<std::string>{"events", "users"}));
  EXPECT_EQ(indexes("users"),
            (std::vector<std::string>{"_id_", "email_1 unique", "nick_1", "org_1_created_-1"}));
  for (const auto& c : db_->conn().list_collections())
    if (c["name"] == "events") {
      EXPECT_EQ(c["options"].value("capped", false), true) << c.dump();
    }
  auto t = tracking();
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0]["applied_steps_count"], 3);
  EXPECT_FALSE(t[0]["finished_at"].is_null());
  EXPECT_EQ(t[0]["checksum"].get<std::string>().size(), 64u);
  r = flash({"migrate", "again"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("no changes"), std::string::npos) << r.out;

  dir_.write("db/schema/app.json", kV2);
  r = flash({"migrate", "change", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::set<std::string> codes;
  const auto migrate_out = nlohmann::json::parse(r.out);
  for (const auto& f : migrate_out["findings"]) codes.insert(f["code"].get<std::string>());
  EXPECT_EQ(codes, (std::set<std::string>{"mongo.drop-collection", "mongo.drop-index", "mongo.unique-index"}));
  r = flash({"apply", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["applied"].size(), 1u);
  EXPECT_EQ(collections(), (std::vector<std::string>{"audit", "users"}));
  EXPECT_EQ(indexes("users"),
            (std::vector<std::string>{"_id_", "email_1 unique", "org_1_created_-1", "phone_1 unique"}));
  EXPECT_EQ(indexes("audit"), (std::vector<std::string>{"_id_", "at_-1"}));
  r = flash({"status", "--json"});
  EXPECT_EQ(r.code, 0) << r.out;
  const auto status_out = nlohmann::json::parse(r.out);
  for (const auto& m : status_out["migrations"]) EXPECT_EQ(m["state"], "applied");

  r = flash({"down", "--dry-run", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(nlohmann::json::parse(r.out)["commands"].empty());
  EXPECT_EQ(collections(), (std::vector<std::string>{"audit", "users"}));
  r = flash({"down"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(collections(), (std::vector<std::string>{"events", "users"}));
  EXPECT_EQ(indexes("users"),
            (std::vector<std::string>{"_id_", "email_1 unique", "nick_1", "org_1_created_-1"}));
  for (const auto& c : db_->conn().list_collections())
    if (c["name"] == "events") {
      EXPECT_EQ(c["options"].value("capped", false), true) << c.dump();
    }
  EXPECT_EQ(tracking().size(), 1u);
  r = flash({"status", "--json"});
  EXPECT_EQ(r.code, 3);
  auto st = nlohmann::json::parse(r.out)["migrations"];
  ASSERT_EQ(st.size(), 2u);
  EXPECT_EQ(st[0]["state"], "applied");
  EXPECT_EQ(st[1]["state"], "pending");
  // And up again.
  r = flash({"apply"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(collections(), (std::vector<std::string>{"audit", "users"}));
}

TEST_F(MongoCli, ConcurrentAppliesApplyEachMigrationOnce) {
  dir_.write("db/schema/app.json", kV1);
  ASSERT_EQ(flash({"migrate", "one"}).code, 0);
  dir_.write("db/schema/app.json", kV2);
  ASSERT_EQ(flash({"migrate", "two"}).code, 0);
  // Four appliers at once. A migration run twice would fail (create of an existing collection:
  // NamespaceExists), so every one exiting 0 with exactly one doing the work shows the lock held.
  constexpr int kN = 4;
  std::vector<test::FlashRun> runs(kN);
  std::vector<std::thread> threads;
  for (int i = 0; i < kN; ++i)
    threads.emplace_back([&, i] { runs[i] = flash({"apply", "--json"}); });
  for (auto& th : threads) th.join();
  int applied = 0;
  for (const auto& r : runs) {
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    applied += static_cast<int>(nlohmann::json::parse(r.out)["applied"].size());
  }
  EXPECT_EQ(applied, 2);
  auto t = tracking();
  ASSERT_EQ(t.size(), 2u);
  for (const auto& d : t) EXPECT_FALSE(d["finished_at"].is_null());
  EXPECT_EQ(collections(), (std::vector<std::string>{"audit", "users"}));
  EXPECT_TRUE(db_->conn().find("_flash_lock", Document::object()).empty()) << "lock released";
}

TEST_F(MongoCli, ExpiredLockIsTakenOverHeldLockTimesOut) {
  dir_.write("db/schema/app.json", kV1);
  ASSERT_EQ(flash({"migrate", "one"}).code, 0);
  // A lock left by a dead applier, still valid: apply waits, then gives up with exit 4.
  const auto far = Document::parse(R"({"$date": "2999-01-01T00:00:00Z"})");
  db_->conn().insert("_flash_lock", std::vector<Document>{Document{{"_id", "migrate"}, {"owner", "dead"}, {"expires_at", far}}});
  auto r = flash({"apply", "--lock-timeout", "0.5"});
  EXPECT_EQ(r.code, 4) << r.err;
  EXPECT_TRUE(collections().empty());
  // Expired: taken over at once.
  db_->conn().update("_flash_lock", Document{{"_id", "migrate"}},
                     Document{{"$set", Document{{"expires_at", Document::parse(R"({"$date": "2000-01-01T00:00:00Z"})")}}}});
  r = flash({"apply", "--lock-timeout", "0.5"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(collections(), (std::vector<std::string>{"events", "users"}));
}

TEST_F(MongoCli, FailedCommandStopsLocatedAndTheNextRunResumesThere) {
  // Command 2 of 3 is a text index, which FerretDB refuses (NotImplemented): apply stops there,
  // located at the command's line, with command 1 recorded.
  dir_.write("db/migrations/20240101000000_one.json", R"({
  "flash": "mongodb-migration",
  "up": [
    {"create": "notes"},
    {"createIndexes": "notes", "indexes": [{"key": {"body": "text"}, "name": "body_text"}]},
    {"createIndexes": "notes", "indexes": [{"key": {"at": 1}, "name": "at_1"}]}
  ],
  "down": [{"drop": "notes"}]
}
)");
  auto r = flash({"apply"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("20240101000000_one.json:5:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("mongo.command-failed"), std::string::npos) << r.err;
  auto t = tracking();
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0]["applied_steps_count"], 1);
  EXPECT_TRUE(t[0]["finished_at"].is_null());
  EXPECT_NE(t[0]["logs"].get<std::string>().find("20240101000000_one.json:5"), std::string::npos) << t[0].dump();
  r = flash({"status", "--json"});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(nlohmann::json::parse(r.out)["migrations"][0]["state"], "partial");
  // The file fixed (an ascending index instead): the run resumes at command 2 — running
  // command 1 again would fail (the collection exists).
  dir_.write("db/migrations/20240101000000_one.json", R"({
  "flash": "mongodb-migration",
  "up": [
    {"create": "notes"},
    {"createIndexes": "notes", "indexes": [{"key": {"body": 1}, "name": "body_1"}]},
    {"createIndexes": "notes", "indexes": [{"key": {"at": 1}, "name": "at_1"}]}
  ],
  "down": [{"drop": "notes"}]
}
)");
  r = flash({"apply", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["resumed"].size(), 1u);
  EXPECT_EQ(out["commands"], 2);
  EXPECT_EQ(indexes("notes"), (std::vector<std::string>{"_id_", "at_1", "body_1"}));
  t = tracking();
  EXPECT_FALSE(t[0]["finished_at"].is_null());
  EXPECT_TRUE(t[0]["logs"].is_null());
}

// The issue's starting point: `flash init --mongodb` wrote a project no later command accepted.
// Now schema and migrate (which need no server) take it as it is.
TEST(MongoCliOffline, InitProjectIsAcceptedByLaterCommands) {
  test::TempDir dir("flash-mongo");
  ASSERT_EQ(test::run_flash(FLASH_BINARY, {"init", "--mongodb"}, dir.path()).code, 0);
  auto r = test::run_flash(FLASH_BINARY, {"schema", "--json"}, dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"]["collections"][0]["name"], "users");
  EXPECT_EQ(j["schema"]["collections"][0]["indexes"][0]["name"], "email_1");
  r = test::run_flash(FLASH_BINARY, {"migrate", "init", "--json"}, dir.path());
  ASSERT_EQ(r.code, 0) << r.err;
  const auto m = nlohmann::json::parse(r.out);
  EXPECT_EQ(m["commands"], 2);
  ASSERT_TRUE(m["written"].is_string());
  EXPECT_TRUE(std::filesystem::exists(dir.path() / m["written"].get<std::string>()));
}

TEST(MongoCliOffline, UnreachableServerExits6) {
  test::TempDir dir("flash-mongo");
  dir.write("flash.toml", kToml);
  dir.write("db/migrations/.gitkeep", "");
  auto r = test::run_flash(FLASH_BINARY, {"status"}, dir.path(),
                           "DATABASE_URL='mongodb://127.0.0.1:1/app?serverSelectionTimeoutMS=300'");
  EXPECT_EQ(r.code, 6) << r.err;
  EXPECT_NE(r.err.find("db.connect"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace flash

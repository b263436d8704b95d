// flash on a MongoDB project through the binary against FerretDB, checked through the server's own
// listings: collection renames (asked, then --rename), down to an id, reset (exported first), the
// staged validator rollout's check of existing documents (client-side on FerretDB, which has no
// $jsonSchema query), kill -9 in the middle of apply then resume, and 20 concurrent appliers
// applying each migration exactly once.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "flash/util/text.hpp"
#include "mongo_test_support.hpp"
#include "support/flash_run.hpp"

namespace flash {
namespace {

using driver::Document;

const char* kToml = R"(version = "2"
schema_dir = "db/schema"
migrations_path = "db/migrations"
export_path = "db/export"

[database]
provider = "mongodb"
url_env = "DATABASE_URL"
)";

class MongoLifecycle : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::mongo_url_env() == nullptr) GTEST_SKIP() << "FLASH_TEST_MONGO_URL not set (scripts/db.sh starts FerretDB)";
    db_ = std::make_unique<test::ScratchMongo>("life");
    dir_.write("flash.toml", kToml);
    dir_.write("db/migrations/.gitkeep", "");
    dir_.write("db/schema/.gitkeep", "");
  }
  test::FlashRun flash(const std::vector<std::string>& args) {
    return test::run_flash(FLASH_BINARY, args, dir_.path(), "DATABASE_URL=" + test::shell_quote(db_->url()));
  }
  std::unique_ptr<test::FlashProcess> spawn(const std::vector<std::string>& args, const std::string& log) {
    return std::make_unique<test::FlashProcess>(FLASH_BINARY, args, dir_.path(),
                                                std::vector<std::pair<std::string, std::string>>{{"DATABASE_URL", db_->url()}},
                                                dir_.path() / log);
  }
  std::vector<std::string> collections() {
    std::vector<std::string> out;
    for (const auto& c : db_->conn().list_collections()) {
      const std::string n = c["name"];
      if (!n.starts_with("_flash_")) out.push_back(n);
    }
    return out;
  }
  std::vector<Document> tracking() {
    return db_->conn().find("_flash_migrations", Document::object(), {.sort = Document{{"_id", 1}}});
  }
  // A migration file of `up` commands (one per line) and their `down`.
  void migration(const std::string& id, const std::vector<std::string>& up, const std::vector<std::string>& down) {
    std::string s = "{\n  \"flash\": \"mongodb-migration\",\n  \"up\": [\n    " + util::join(up, ",\n    ") +
                    "\n  ],\n  \"down\": [\n    " + util::join(down, ",\n    ") + "\n  ]\n}\n";
    dir_.write("db/migrations/" + id + ".json", s);
  }

  std::unique_ptr<test::ScratchMongo> db_;
  test::TempDir dir_{"flash-mongo-life"};
};

TEST_F(MongoLifecycle, RenameIsAskedThenAppliedKeepingDocuments) {
  dir_.write("db/schema/app.json", R"({"name": "users", "indexes": [{"key": {"email": 1}, "unique": true}]})");
  ASSERT_EQ(flash({"migrate", "init"}).code, 0);
  ASSERT_EQ(flash({"apply"}).code, 0);
  db_->conn().insert("users", std::vector<Document>{Document{{"email", "a@x"}}, Document{{"email", "b@x"}}});
  dir_.write("db/schema/app.json", R"({"name": "members", "indexes": [{"key": {"email": 1}, "unique": true}]})");
  // Without a terminal the question becomes an error naming the flags; nothing written.
  auto r = flash({"migrate", "rename"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("migrate.ambiguous-rename"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--rename users:members"), std::string::npos) << r.err;
  r = flash({"migrate", "rename", "--rename", "users:members", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["commands"], 1);
  EXPECT_EQ(out["findings"][0]["code"], "mongo.rename");
  r = flash({"apply"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(collections(), (std::vector<std::string>{"members"}));
  EXPECT_EQ(db_->conn().find("members", Document::object()).size(), 2u) << "documents kept";
  std::vector<std::string> ix;
  for (const auto& i : db_->conn().list_indexes("members")) ix.push_back(i["name"]);
  EXPECT_EQ(ix, (std::vector<std::string>{"_id_", "email_1"}));
  r = flash({"down"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(collections(), (std::vector<std::string>{"users"}));
  EXPECT_EQ(db_->conn().find("users", Document::object()).size(), 2u);
}

TEST_F(MongoLifecycle, DownToIdThenResetExportsFirst) {
  migration("20240101000001_a", {R"({"create": "a"})"}, {R"({"drop": "a"})"});
  migration("20240101000002_b", {R"({"create": "b"})"}, {R"({"drop": "b"})"});
  migration("20240101000003_c", {R"({"create": "c"})"}, {R"({"drop": "c"})"});
  ASSERT_EQ(flash({"apply"}).code, 0);
  EXPECT_EQ(collections(), (std::vector<std::string>{"a", "b", "c"}));
  auto r = flash({"down", "20240101000009_nope"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("migrate.unknown-id"), std::string::npos);
  r = flash({"down", "20240101000002_b", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["rolled_back"],
            (nlohmann::json{"20240101000003_c", "20240101000002_b"}));
  EXPECT_EQ(collections(), (std::vector<std::string>{"a"}));
  ASSERT_EQ(tracking().size(), 1u);

  db_->conn().insert("a", std::vector<Document>{Document{{"_id", 1}, {"v", "kept in the export"}}});
  db_->conn().command(Document{{"create", "not_ours"}});
  r = flash({"reset"});
  EXPECT_EQ(r.code, 2) << "no terminal: --force needed";
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  r = flash({"reset", "--dry-run", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["statements"].size(), 3u);  // a, _flash_lock?, _flash_migrations
  r = flash({"reset", "--force", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(collections(), (std::vector<std::string>{"not_ours"})) << "only what Flash manages is dropped";
  EXPECT_TRUE(tracking().empty());
  ASSERT_TRUE(j["export"].is_string()) << r.out;
  const auto exported = nlohmann::json::parse(util::read_file(j["export"].get<std::string>()));
  ASSERT_EQ(exported["tables"]["a"]["rows"].size(), 1u);
  EXPECT_NE(exported["tables"]["a"]["rows"][0].dump().find("kept in the export"), std::string::npos);
  // Everything applies again from scratch.
  r = flash({"apply"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(collections(), (std::vector<std::string>{"a", "b", "c", "not_ours"}));
}

TEST_F(MongoLifecycle, EnforcingValidatorChecksExistingDocumentsFirst) {
  db_->conn().command(Document{{"create", "people"}});
  db_->conn().insert("people", std::vector<Document>{Document{{"_id", 1}, {"name", "ann"}, {"age", 30}},
                                                     Document{{"_id", 2}, {"name", "bob"}},
                                                     Document{{"_id", 3}, {"name", 7}, {"age", 5}}});
  const std::string validator =
      R"({"$jsonSchema": {"bsonType": "object", "required": ["name", "age"], "properties": {"name": {"bsonType": "string"}}}})";
  migration("20240101000001_tighten", {R"({"collMod": "people", "validator": )" + validator +
                                       R"(, "validationLevel": "strict", "validationAction": "error"})"},
            {R"({"collMod": "people", "validator": {}, "validationLevel": "strict", "validationAction": "error"})"});
  auto r = flash({"apply", "--json"});
  EXPECT_EQ(r.code, 5) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["error"]["code"], "mongo.validator-violations") << r.out;
  EXPECT_EQ(j["error"]["line"], 4) << "located at the command";
  EXPECT_NE(j["error"]["message"].get<std::string>().find("2 document(s) of `people`"), std::string::npos) << r.out;
  EXPECT_NE(j["error"]["message"].get<std::string>().find("checked by the client"), std::string::npos)
      << "FerretDB has no $jsonSchema query: Flash checks";
  EXPECT_NE(j["error"]["message"].get<std::string>().find("required field `age` is missing"), std::string::npos);
  EXPECT_NE(j["error"]["hint"].get<std::string>().find("--accept-data-loss"), std::string::npos);
  auto t = tracking();
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0]["applied_steps_count"], 0) << "nothing sent";
  // The documents fixed, the check passes and the command is sent (FerretDB then refuses collMod:
  // a gap, pinned in ferretdb_gaps_test.cpp).
  db_->conn().update("people", Document{{"_id", 2}}, Document{{"$set", Document{{"age", 40}}}});
  db_->conn().update("people", Document{{"_id", 3}}, Document{{"$set", Document{{"name", "cy"}}}});
  r = flash({"apply", "--json"});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["code"], "mongo.command-failed") << r.out;
  // Over violating documents again, --accept-data-loss is the consent that sends it anyway.
  db_->conn().insert("people", std::vector<Document>{Document{{"_id", 4}}});
  EXPECT_EQ(flash({"apply"}).code, 5);
  r = flash({"apply", "--accept-data-loss", "--json"});
  EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["code"], "mongo.command-failed") << r.out;
}

TEST_F(MongoLifecycle, LintGradesFindingsByTheDocumentsThere) {
  migration("20240101000001_base", {R"({"create": "a"})", R"({"create": "b"})", R"({"create": "c"})"},
            {R"({"drop": "c"})", R"({"drop": "b"})", R"({"drop": "a"})"});
  migration("20240101000002_change",
            {R"({"renameCollection": "a", "to": "a2"})", R"({"drop": "b"})",
             R"({"createIndexes": "c", "indexes": [{"key": {"u": 1}, "name": "u_1", "unique": true}]})",
             R"({"collMod": "c", "validator": {"$jsonSchema": {"bsonType": "object", "required": ["u"]}}, "validationLevel": "strict", "validationAction": "error"})"},
            {R"({"collMod": "c", "validator": {}, "validationLevel": "strict", "validationAction": "error"})",
             R"({"dropIndexes": "c", "index": "u_1"})", R"({"create": "b"})", R"({"renameCollection": "a2", "to": "a"})"});
  ASSERT_EQ(flash({"apply", "--to", "20240101000001_base"}).code, 0);
  db_->conn().insert("b", std::vector<Document>{Document{{"x", 1}}, Document{{"x", 2}}});
  auto r = flash({"lint", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["live_statistics"], true);
  std::map<std::string, std::string> got;
  for (const auto& f : j["findings"])
    got[f["code"].get<std::string>()] = f["severity"].get<std::string>() + " " + std::to_string(f["line"].get<int>()) +
                                        " " + std::to_string(f["documents"].get<int>());
  EXPECT_EQ(got, (std::map<std::string, std::string>{{"mongo.rename", "note 4 0"},
                                                     {"mongo.drop-collection", "warning 5 2"},
                                                     {"mongo.unique-index", "note 6 0"},
                                                     {"mongo.validator-tightened", "note 6 0"}}));
  r = flash({"lint", "--offline", "--json", "20240101000001"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(nlohmann::json::parse(r.out)["findings"].empty());
}

TEST_F(MongoLifecycle, KillNineMidApplyThenResume) {
  // One migration of 80 commands; apply killed after some are recorded, at a different point in
  // each run; the next apply finishes it (a create that ran but was not recorded is recognised).
  constexpr int kColls = 40;
  std::vector<std::string> up, down;
  for (int i = 0; i < kColls; ++i) {
    const std::string n = "k" + std::to_string(i);
    up.push_back(R"({"create": ")" + n + R"("})");
    up.push_back(R"({"createIndexes": ")" + n + R"(", "indexes": [{"key": {"v": 1}, "name": "v_1"}]})");
    down.insert(down.begin(), R"({"drop": ")" + n + R"("})");
  }
  migration("20240101000001_many", up, down);
  int killed_mid = 0, resumed_ok = 0;
  const int runs = 3;
  for (int run = 0; run < runs; ++run) {
    db_->conn().command(Document{{"dropDatabase", 1}});
    auto p = spawn({"apply"}, "k.out");
    const int target = 5 + run * 20;  // steps recorded before the kill
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline && !p->finished()) {
      auto t = tracking();
      if (!t.empty() && t[0].value("applied_steps_count", 0) >= target) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!p->finished()) {
      p->kill9();
      p->wait();
      auto t = tracking();
      ASSERT_EQ(t.size(), 1u);
      if (t[0]["finished_at"].is_null()) {
        ++killed_mid;
        auto st = flash({"status", "--json"});
        EXPECT_EQ(nlohmann::json::parse(st.out)["migrations"][0]["state"], "partial");
      }
    }
    // The lock of the killed run expires after 60 s: a test cannot wait that long, so it is
    // cleared as an operator would after checking that its owner is dead.
    db_->conn().remove("_flash_lock", Document::object(), true);
    auto r = flash({"apply", "--json"});
    EXPECT_EQ(r.code, 0) << "run " << run << ": " << r.out << r.err;
    if (r.code == 0) ++resumed_ok;
    EXPECT_EQ(collections().size(), static_cast<std::size_t>(kColls)) << "run " << run;
    for (int i = 0; i < kColls; i += 13) {
      std::vector<std::string> ix;
      for (const auto& x : db_->conn().list_indexes("k" + std::to_string(i))) ix.push_back(x["name"]);
      EXPECT_EQ(ix, (std::vector<std::string>{"_id_", "v_1"}));
    }
    auto t = tracking();
    ASSERT_EQ(t.size(), 1u);
    EXPECT_FALSE(t[0]["finished_at"].is_null());
    EXPECT_EQ(t[0]["applied_steps_count"], 2 * kColls);
  }
  EXPECT_GE(killed_mid, 1) << "no run was killed in the middle";
  std::cout << "RELIABILITY crash apply mongodb runs=" << runs << " killed_mid_run=" << killed_mid
            << " resumed_ok=" << resumed_ok << "\n";
}

TEST_F(MongoLifecycle, TwentyConcurrentAppliesApplyEachMigrationExactlyOnce) {
  for (int m = 1; m <= 3; ++m) {
    std::vector<std::string> up, down;
    for (int i = 0; i < 4; ++i) {
      const std::string n = "m" + std::to_string(m) + "_" + std::to_string(i);
      up.push_back(R"({"create": ")" + n + R"("})");
      down.insert(down.begin(), R"({"drop": ")" + n + R"("})");
    }
    migration("2024010100000" + std::to_string(m) + "_m" + std::to_string(m), up, down);
  }
  constexpr int kProcs = 20;
  std::vector<std::unique_ptr<test::FlashProcess>> ps;
  for (int i = 0; i < kProcs; ++i) ps.push_back(spawn({"apply", "--json", "--lock-timeout", "120"}, "c" + std::to_string(i) + ".out"));
  std::map<std::string, int> applied;
  int commands = 0;
  for (int i = 0; i < kProcs; ++i) {
    const int ec = ps[static_cast<std::size_t>(i)]->wait();
    const std::string out = util::read_file(dir_.path() / ("c" + std::to_string(i) + ".out"));
    ASSERT_EQ(ec, 0) << "process " << i << ":\n" << out;
    const auto j = nlohmann::json::parse(out);
    for (const auto& id : j["applied"]) ++applied[id.get<std::string>()];
    commands += j["commands"].get<int>();
  }
  EXPECT_EQ(applied, (std::map<std::string, int>{{"20240101000001_m1", 1}, {"20240101000002_m2", 1},
                                                 {"20240101000003_m3", 1}}));
  EXPECT_EQ(commands, 12) << "every command sent once in all";
  EXPECT_EQ(collections().size(), 12u);
  const auto t = tracking();
  ASSERT_EQ(t.size(), 3u);
  for (const auto& d : t) {
    EXPECT_FALSE(d["finished_at"].is_null());
    EXPECT_EQ(d["applied_steps_count"], 4);
  }
  EXPECT_TRUE(db_->conn().find("_flash_lock", Document::object()).empty()) << "lock released";
  std::cout << "RELIABILITY concurrency apply mongodb processes=" << kProcs << " migrations=3 applied_once="
            << applied.size() << " commands=" << commands << "\n";
}

}  // namespace
}  // namespace flash

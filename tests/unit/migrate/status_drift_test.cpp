// `flash status` drift (issue 11, defect 6): the pulled database against the schema of the applied
// migrations, every difference listed. Before the fix only table and column names of the default
// schema were compared, so a changed type, a dropped NOT NULL or an index made by hand went unseen.
// Through the real binary (--json and the human form) on every engine.
#include <nlohmann/json.hpp>

#include "migrate_test_util.hpp"
#include "support/flash_run.hpp"

namespace flash::migrate {
namespace {

using namespace flash::migrate::testing;

class StatusDrift : public LiveProjectTest {
 protected:
  test::FlashRun flash(const std::vector<std::string>& args) {
    return test::run_flash(FLASH_BINARY, args, proj->root, "NO_COLOR=1 DATABASE_URL=" + test::shell_quote(db->url));
  }
  nlohmann::json status_json() {
    auto r = flash({"status", "--json"});
    last_code = r.code;
    return nlohmann::json::parse(r.out);
  }
  int last_code = -1;
};

TEST_P(StatusDrift, HandMadeChangesAreEachReportedAndACleanApplyHasNone) {
  std::string up =
      "-- +migrate Up\n"
      "CREATE TABLE accounts (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL, nickname VARCHAR(50) NOT NULL,\n"
      "  score INTEGER DEFAULT 0);\n"
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, account_id INTEGER REFERENCES accounts (id), body TEXT);\n"
      "CREATE INDEX notes_account_idx ON notes (account_id);\n";
  if (d() == Dialect::postgresql)
    up += "CREATE SCHEMA audit;\nCREATE TABLE audit.events (id INTEGER PRIMARY KEY, kind VARCHAR(20) NOT NULL);\n";
  proj->write_migration("20240101000001_init", up);
  auto r = flash({"apply"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;

  auto j = status_json();
  EXPECT_EQ(last_code, 0) << j.dump(2);
  EXPECT_TRUE(j["drift"]["checked"].get<bool>()) << j.dump(2);
  EXPECT_EQ(j["drift"]["differences"], nlohmann::json::array()) << "drift after a clean apply: " << j.dump(2);
  EXPECT_TRUE(j["clean"].get<bool>());

  // By hand: a type change, a dropped NOT NULL, a new index (and on PostgreSQL, in another schema).
  switch (d()) {
    case Dialect::postgresql:
      conn->execute("ALTER TABLE accounts ALTER COLUMN score TYPE BIGINT");
      conn->execute("ALTER TABLE accounts ALTER COLUMN nickname DROP NOT NULL");
      conn->execute("CREATE INDEX accounts_email_idx ON accounts (email)");
      conn->execute("ALTER TABLE audit.events ALTER COLUMN kind TYPE VARCHAR(40)");
      break;
    case Dialect::mysql:
      conn->execute("ALTER TABLE accounts MODIFY score BIGINT DEFAULT 0");
      conn->execute("ALTER TABLE accounts MODIFY nickname VARCHAR(50) NULL");
      conn->execute("CREATE INDEX accounts_email_idx ON accounts (email)");
      break;
    default:
      // SQLite alters a column only by rebuilding its table.
      conn->execute("PRAGMA foreign_keys = OFF");
      conn->execute("CREATE TABLE accounts_new (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL, "
                    "nickname VARCHAR(50), score BIGINT DEFAULT 0)");
      conn->execute("INSERT INTO accounts_new SELECT * FROM accounts");
      conn->execute("DROP TABLE accounts");
      conn->execute("ALTER TABLE accounts_new RENAME TO accounts");
      conn->execute("CREATE INDEX accounts_email_idx ON accounts (email)");
      break;
  }
  j = status_json();
  EXPECT_EQ(last_code, 3) << j.dump(2);
  EXPECT_FALSE(j["clean"].get<bool>());
  std::set<std::string> found;
  for (const auto& x : j["drift"]["differences"])
    found.insert(x["kind"].get<std::string>() + " " + x["table"].get<std::string>() + "." +
                 x["object"].get<std::string>());
  auto has = [&](const std::string& kind, const std::string& table, const std::string& object) {
    return found.count(kind + " " + table + "." + object) > 0;
  };
  std::string all = j["drift"].dump(2);
  // Each change on its own, also on SQLite (where fixing it would be one table rebuild).
  EXPECT_TRUE(has("alter_column_type", "accounts", "score")) << all;
  EXPECT_TRUE(has("drop_not_null", "accounts", "nickname")) << all;
  EXPECT_TRUE(has("create_index", "accounts", "accounts_email_idx")) << all;
  if (d() == Dialect::postgresql) {
    bool audit = false;
    for (const auto& x : j["drift"]["differences"])
      audit = audit || (x["schema"] == "audit" && x["table"] == "events");
    EXPECT_TRUE(audit) << "a change outside the default schema is drift too: " << all;
  }
  // The human form lists each difference.
  auto h = flash({"status"});
  EXPECT_EQ(h.code, 3);
  EXPECT_NE(h.out.find("Drift"), std::string::npos) << h.out;
  EXPECT_NE(h.out.find("accounts_email_idx"), std::string::npos) << h.out;
}

// Views (and on MySQL a stored procedure) written the user's way: the server stores them parsed and
// prints them back its own way (MariaDB qualifies and aliases every column), which is no drift.
// Before, `status` on MariaDB reported "replace view" right after a clean apply. A view changed by
// hand is still reported.
TEST_P(StatusDrift, ViewsAsTheServerPrintsThemAreNoDriftButAChangedViewIs) {
  std::string up =
      "-- +migrate Up\n"
      "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, active INTEGER NOT NULL DEFAULT 1);\n"
      "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id), title TEXT);\n"
      "CREATE VIEW active_users AS SELECT id, name FROM users WHERE active = 1;\n"
      "CREATE VIEW post_authors AS SELECT p.id, p.title, u.name AS author FROM posts p JOIN users u ON u.id = p.user_id;\n";
  if (d() == Dialect::mysql)
    up += "CREATE PROCEDURE count_users() SELECT COUNT(*) FROM users;\n";
  proj->write_migration("20240101000001_init", up);
  auto r = flash({"apply"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;

  auto j = status_json();
  EXPECT_EQ(last_code, 0) << j.dump(2);
  EXPECT_TRUE(j["drift"]["checked"].get<bool>()) << j.dump(2);
  EXPECT_EQ(j["drift"]["differences"], nlohmann::json::array()) << "drift after a clean apply: " << j.dump(2);
  EXPECT_FALSE(j["drift"].contains("note")) << j.dump(2);

  conn->execute("DROP VIEW active_users");
  conn->execute("CREATE VIEW active_users AS SELECT id, name FROM users WHERE active = 0");
  j = status_json();
  EXPECT_EQ(last_code, 3) << j.dump(2);
  // The changed view (replaced, or dropped and created, as the dialect's differ does it), nothing else.
  ASSERT_FALSE(j["drift"]["differences"].empty()) << j.dump(2);
  for (const auto& x : j["drift"]["differences"]) EXPECT_EQ(x["object"], "active_users") << j.dump(2);
}

INSTANTIATE_TEST_SUITE_P(Db, StatusDrift, ::testing::ValuesIn(all_dialects()), param_name);

}  // namespace
}  // namespace flash::migrate

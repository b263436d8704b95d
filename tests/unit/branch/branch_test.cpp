// Database branches through the real binary on each engine (SQLite always; PostgreSQL / MySQL with
// FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL, skipped otherwise): create from a populated main, the
// copy checked through the engine's catalogs (FKs, indexes, enums, views, triggers, row counts,
// identity / AUTO_INCREMENT counters continuing independently), writes in the branch leaving main
// unchanged, diff, merge (applied through apply; non-commuting refused; commuting renumbered),
// reset, rename and the delete refusals.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "fixture.hpp"

namespace flash::branch {
namespace {
using namespace testing_support;

TEST_P(Branches, CreateCopiesEverythingAndBothSidesContinueIndependently) {
  const auto r = flash({"branch", "feature", "--json"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.json()["created"]["parent"], "main");
  EXPECT_EQ(r.json()["created"]["fork_migrations"], nlohmann::json::array({"20260101000000_init"}));
  auto b = branch_conn("feature");
  // Rows, and the trigger did not fire while the rows were copied.
  EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM parent"), 2);
  EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM child"), 2);
  EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM audit"), 3);
  EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM _flash_migrations"), 1);
  // Objects, through the engine's catalogs.
  switch (GetParam()) {
    case Dialect::postgresql:
      EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'child'::regclass"), 1);
      EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'child_parent_ix'"), 1);
      EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE typname = 'mood'"), 2);
      EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM pg_views WHERE viewname = 'parent_names'"), 1);
      EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM pg_trigger WHERE tgname = 'parent_audit' AND NOT tgisinternal"), 1);
      break;
    case Dialect::mysql:
      EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = "
                           "DATABASE() AND TABLE_NAME = 'child'"),
                1);
      EXPECT_EQ(scalar(*b, "SELECT COUNT(DISTINCT INDEX_NAME) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = "
                           "DATABASE() AND INDEX_NAME = 'child_parent_ix'"),
                1);
      EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND "
                           "TABLE_NAME = 'parent' AND COLUMN_TYPE = 'enum(''ok'',''sad'')'"),
                1);
      EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() AND "
                           "TABLE_NAME = 'parent_names'"),
                1);
      EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() AND "
                           "TRIGGER_NAME = 'parent_audit'"),
                1);
      break;
    default:
      EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM pragma_foreign_key_list('child')"), 1);
      for (const char* obj : {"index:child_parent_ix", "view:parent_names", "trigger:parent_audit"}) {
        const std::string s(obj);
        const auto colon = s.find(':');
        EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM sqlite_schema WHERE type = '" + s.substr(0, colon) + "' AND name = '" +
                                 s.substr(colon + 1) + "'"),
                  1)
            << s;
      }
  }
  // The branch view reads the branch's rows.
  EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM parent_names"), 2);
  // Counters continue at 4 on both sides, independently; the trigger works in the branch.
  auto m = db->connect();
  EXPECT_EQ(insert_returning_id(*b), "4");
  EXPECT_EQ(insert_returning_id(*b), "5");
  EXPECT_EQ(insert_returning_id(*m), "4");
  EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM audit"), 5);
  EXPECT_EQ(scalar(*m, "SELECT COUNT(*) FROM audit"), 4);
  EXPECT_EQ(scalar(*m, "SELECT COUNT(*) FROM parent"), 3);

  // The list marks main current and shows the new branch with 0 ahead / 0 behind.
  const auto l = flash({"branch", "--json"});
  ASSERT_EQ(l.code, 0) << l.out << l.err;
  const auto j = l.json();
  EXPECT_EQ(j["current"], "main");
  ASSERT_EQ(j["branches"].size(), 2u);
  EXPECT_TRUE(j["branches"][0]["current"].get<bool>());
  EXPECT_EQ(j["branches"][1]["name"], "feature");
  EXPECT_EQ(j["branches"][1]["ahead"], 0);
  EXPECT_EQ(j["branches"][1]["behind"], 0);
  EXPECT_TRUE(j["branches"][1]["size"].is_number());
  // Shared metadata vs local state.
  EXPECT_TRUE(fs::exists(root / "db" / "migrations" / ".flash" / "branches.json"));
  EXPECT_FALSE(fs::exists(root / ".flash" / "HEAD"));
}

TEST_P(Branches, CheckoutRoutesEveryCommandAndMainStaysUnchanged) {
  ASSERT_EQ(flash({"checkout", "-b", "feature"}).code, 0);
  migration("20260102000000_tags", GetParam() == Dialect::mysql
                                       ? "CREATE TABLE tags (id int PRIMARY KEY, label varchar(20));"
                                       : "CREATE TABLE tags (id integer PRIMARY KEY, label varchar(20));");
  const auto a = flash({"apply", "--json"});
  ASSERT_EQ(a.code, 0) << a.out << a.err;
  ASSERT_EQ(flash({"raw", "INSERT INTO tags (id, label) VALUES (1, 'x')"}).code, 0);
  const auto st = flash({"status", "--json"});
  EXPECT_EQ(st.json()["branch"], "feature");
  // main has neither the table nor the migration.
  auto m = db->connect();
  EXPECT_EQ(scalar(*m, "SELECT COUNT(*) FROM _flash_migrations"), 1);
  EXPECT_THROW(m->query("SELECT COUNT(*) FROM tags"), driver::DbError);
  EXPECT_EQ(scalar(*branch_conn("feature"), "SELECT COUNT(*) FROM tags"), 1);
  EXPECT_EQ(flash({"branch", "--json"}).json()["branches"][1]["ahead"], 1);

  // diff: exactly that migration's change, and the row counts that differ.
  const auto d = flash({"branch", "diff", "main", "feature", "--json"});
  ASSERT_EQ(d.code, 0) << d.out << d.err;
  const auto dj = d.json();
  ASSERT_EQ(dj["operations"].size(), 1u) << dj.dump(2);
  EXPECT_NE(dj["sql"].get<std::string>().find("tags"), std::string::npos);
  ASSERT_EQ(dj["row_counts"].size(), 1u) << dj.dump(2);
  EXPECT_EQ(dj["row_counts"][0]["table"], "tags");
  EXPECT_TRUE(dj["row_counts"][0]["rows_a"].is_null());
  EXPECT_EQ(dj["row_counts"][0]["rows_b"], 1);

  // merge into main: applied through apply, main's status clean, data not merged.
  ASSERT_EQ(flash({"checkout", "main"}).code, 0);
  const auto dry = flash({"branch", "merge", "feature", "--dry-run", "--json"});
  ASSERT_EQ(dry.code, 0) << dry.out << dry.err;
  EXPECT_NE(dry.json()["sql"].get<std::string>().find("CREATE TABLE"), std::string::npos);
  EXPECT_THROW(m->query("SELECT COUNT(*) FROM tags"), driver::DbError);  // the dry run changed nothing
  const auto mg = flash({"branch", "merge", "feature", "--json"});
  ASSERT_EQ(mg.code, 0) << mg.out << mg.err;
  EXPECT_EQ(mg.json()["applied"], nlohmann::json::array({"20260102000000_tags"}));
  EXPECT_EQ(scalar(*m, "SELECT COUNT(*) FROM tags"), 0);
  const auto ms = flash({"status", "--json"});
  const auto mj = ms.json();
  EXPECT_EQ(mj["branch"], "main");
  EXPECT_EQ(mj["pending"], 0) << ms.out;
  for (const auto& m : mj["migrations"]) EXPECT_EQ(m["state"], "applied") << ms.out;
  EXPECT_TRUE(mj["drift"]["differences"].empty()) << ms.out;
  EXPECT_EQ(ms.code, 0) << ms.out << ms.err;
  // Merged: deleting it needs no --force now.
  const auto del = flash({"branch", "-d", "feature", "--json"});
  EXPECT_EQ(del.code, 0) << del.out << del.err;
  EXPECT_FALSE(database_exists(branch_url("feature")));
}

TEST_P(Branches, NonCommutingMergeIsRefusedWithTheObjectBothChanged) {
  ASSERT_EQ(flash({"branch", "feature"}).code, 0);
  // The branch adds parent.score as one type, main as another.
  migration("20260102000000_score_text", "ALTER TABLE parent ADD COLUMN score varchar(10);");
  ASSERT_EQ(flash({"apply"}).code, 0);  // on main
  std::filesystem::rename(root / "db" / "migrations" / "20260102000000_score_text.sql",
                          root / "keep_main.sql");
  migration("20260102000001_score_int", "ALTER TABLE parent ADD COLUMN score integer;");
  const auto ba = test::run_flash(FLASH_BINARY, {"apply"}, root,
                                  "FLASH_BRANCH=feature NO_COLOR=1 DATABASE_URL=" + test::shell_quote(db->url));
  ASSERT_EQ(ba.code, 0) << ba.out << ba.err;
  std::filesystem::rename(root / "keep_main.sql", root / "db" / "migrations" / "20260102000000_score_text.sql");
  const auto r = flash({"branch", "merge", "feature", "--json"});
  EXPECT_EQ(r.code, 5) << r.out << r.err;
  const auto msg = r.json()["error"]["message"].get<std::string>();
  EXPECT_NE(msg.find("parent.score"), std::string::npos) << msg;
  // Nothing ran on main.
  EXPECT_EQ(scalar(*db->connect(), "SELECT COUNT(*) FROM _flash_migrations"), 2);
}

TEST_P(Branches, CommutingMergeRenumbersTheBranchesFiles) {
  ASSERT_EQ(flash({"branch", "feature"}).code, 0);
  const std::string key = GetParam() == Dialect::mysql ? "int" : "integer";
  // The branch's migration is older than the one main gained meanwhile.
  migration("20260102000000_y", "CREATE TABLE y (id " + key + " PRIMARY KEY);");
  const std::string env = "NO_COLOR=1 DATABASE_URL=" + test::shell_quote(db->url);
  ASSERT_EQ(test::run_flash(FLASH_BINARY, {"apply"}, root, "FLASH_BRANCH=feature " + env).code, 0);
  fs::rename(root / "db" / "migrations" / "20260102000000_y.sql", root / "y.sql");
  migration("20260103000000_x", "CREATE TABLE x (id " + key + " PRIMARY KEY);");
  ASSERT_EQ(flash({"apply"}).code, 0);
  fs::rename(root / "y.sql", root / "db" / "migrations" / "20260102000000_y.sql");
  const auto r = flash({"branch", "merge", "feature", "--json"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto j = r.json();
  EXPECT_TRUE(j["commute_checked"].get<bool>());
  ASSERT_EQ(j["renumbered"].size(), 1u);
  const std::string new_id = j["renumbered"][0]["to"];
  EXPECT_GT(new_id, std::string("20260103000000_x"));
  EXPECT_TRUE(fs::exists(root / "db" / "migrations" / (new_id + ".sql")));
  EXPECT_FALSE(fs::exists(root / "db" / "migrations" / "20260102000000_y.sql"));
  EXPECT_EQ(scalar(*db->connect(), "SELECT COUNT(*) FROM y"), 0);
  const auto st = flash({"status", "--json"}).json();
  EXPECT_EQ(st["pending"], 0);
  for (const auto& m : st["migrations"]) EXPECT_EQ(m["state"], "applied") << st.dump();
  // The branch's history follows the new name.
  EXPECT_EQ(scalar(*branch_conn("feature"), "SELECT COUNT(*) FROM _flash_migrations WHERE id = '" + new_id + "'"), 1);
}

TEST_P(Branches, ResetRenameAndDeleteRefusals) {
  ASSERT_EQ(flash({"branch", "feature", "--schema-only"}).code, 0);
  auto b = branch_conn("feature");
  EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM parent"), 0);
  EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM _flash_migrations"), 1);
  b.reset();
  // reset asks; without a terminal it needs --force.
  EXPECT_EQ(flash({"branch", "reset", "feature"}).code, 2);
  ASSERT_EQ(flash({"branch", "reset", "feature", "--force"}).code, 0);
  EXPECT_EQ(scalar(*branch_conn("feature"), "SELECT COUNT(*) FROM _flash_migrations"), 1);
  // reset re-creates the branch from its parent's current state: the branch's own migration and
  // rows are gone, the parent's newer migration and rows are there (and the copy is schema-only no
  // more only if it was not: this one keeps --schema-only).
  const std::string i = GetParam() == Dialect::mysql ? "int" : "integer";
  migration("20260101000001_z", "CREATE TABLE z (id " + i + " PRIMARY KEY);");
  ASSERT_EQ(test::run_flash(FLASH_BINARY, {"apply"}, root,
                            "FLASH_BRANCH=feature NO_COLOR=1 DATABASE_URL=" + test::shell_quote(db->url))
                .code,
            0);
  branch_conn("feature")->execute("INSERT INTO parent (name) VALUES ('branch only')");
  fs::remove(root / "db" / "migrations" / "20260101000001_z.sql");
  migration("20260101000002_w", "CREATE TABLE w (id " + i + " PRIMARY KEY);");
  ASSERT_EQ(flash({"apply"}).code, 0);
  ASSERT_EQ(flash({"branch", "reset", "feature", "--force", "--json"}).code, 0);
  {
    auto c = branch_conn("feature");
    EXPECT_EQ(scalar(*c, "SELECT COUNT(*) FROM _flash_migrations"), 2);
    EXPECT_EQ(scalar(*c, "SELECT COUNT(*) FROM w"), 0);
    EXPECT_THROW(c->query("SELECT COUNT(*) FROM z"), driver::DbError);
    EXPECT_EQ(scalar(*c, "SELECT COUNT(*) FROM parent"), 0);  // schema-only, as it was made
  }
  ASSERT_EQ(flash({"branch", "other"}).code, 0);  // a full copy: reset brings the parent's rows back
  branch_conn("other")->execute("DELETE FROM child");
  ASSERT_EQ(flash({"branch", "reset", "other", "--force"}).code, 0);
  EXPECT_EQ(scalar(*branch_conn("other"), "SELECT COUNT(*) FROM child"), 2);
  ASSERT_EQ(flash({"branch", "-d", "other"}).code, 0);

  ASSERT_EQ(flash({"checkout", "feature"}).code, 0);
  EXPECT_EQ(flash({"branch", "-d", "main"}).code, 2);
  EXPECT_EQ(flash({"branch", "-d", "feature"}).code, 2);  // current
  ASSERT_EQ(flash({"branch", "-m", "feature", "renamed"}).code, 0);
  EXPECT_FALSE(database_exists(branch_url("feature")));
  EXPECT_TRUE(database_exists(branch_url("renamed")));
  EXPECT_EQ(flash({"status", "--json"}).json()["branch"], "renamed");
  ASSERT_EQ(flash({"checkout", "main"}).code, 0);
  // A migration main lacks: unmerged, so -d needs --force.
  const std::string key = GetParam() == Dialect::mysql ? "int" : "integer";
  migration("20260102000000_y", "CREATE TABLE y (id " + key + " PRIMARY KEY);");
  ASSERT_EQ(test::run_flash(FLASH_BINARY, {"apply"}, root,
                            "FLASH_BRANCH=renamed NO_COLOR=1 DATABASE_URL=" + test::shell_quote(db->url))
                .code,
            0);
  const auto refused = flash({"branch", "-d", "renamed", "--json"});
  EXPECT_EQ(refused.code, 2);
  EXPECT_EQ(refused.json()["error"]["code"], "branch.unmerged");
  EXPECT_TRUE(database_exists(branch_url("renamed")));
  EXPECT_EQ(flash({"branch", "-d", "renamed", "--force"}).code, 0);
  EXPECT_FALSE(database_exists(branch_url("renamed")));
  // Bad names never reach the database.
  const auto bad = flash({"branch", "x\"; DROP DATABASE y; --", "--json"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.json()["error"]["code"], "branch.name");
  EXPECT_EQ(flash({"branch", "merge", "--json"}).code, 2);
}

TEST_P(Branches, TwoProcessesInTwoBranchesAtOnce) {
  ASSERT_EQ(flash({"branch", "one"}).code, 0);
  ASSERT_EQ(flash({"branch", "other"}).code, 0);
  const std::string key = GetParam() == Dialect::mysql ? "int" : "integer";
  migration("20260102000000_y", "CREATE TABLE y (id " + key + " PRIMARY KEY);");
  const std::string env = "NO_COLOR=1 DATABASE_URL=" + test::shell_quote(db->url);
  test::FlashRun a, b;
  std::thread ta([&] { a = test::run_flash(FLASH_BINARY, {"apply"}, root, "FLASH_BRANCH=one " + env); });
  std::thread tb([&] { b = test::run_flash(FLASH_BINARY, {"apply"}, root, "FLASH_BRANCH=other " + env); });
  ta.join();
  tb.join();
  EXPECT_EQ(a.code, 0) << a.out << a.err;
  EXPECT_EQ(b.code, 0) << b.out << b.err;
  for (const char* n : {"one", "other"})
    EXPECT_EQ(scalar(*branch_conn(n), "SELECT COUNT(*) FROM _flash_migrations"), 2) << n;
  EXPECT_EQ(scalar(*db->connect(), "SELECT COUNT(*) FROM _flash_migrations"), 1);
  for (const char* n : {"one", "other"}) EXPECT_EQ(flash({"branch", "-d", n, "--force"}).code, 0);
}

TEST_P(Branches, MergeIsLintedFirst) {
  ASSERT_EQ(flash({"branch", "feature"}).code, 0);
  migration("20260102000000_rename_audit", "ALTER TABLE audit RENAME TO audit_log;");
  const std::string env = "NO_COLOR=1 DATABASE_URL=" + test::shell_quote(db->url);
  ASSERT_EQ(test::run_flash(FLASH_BINARY, {"apply"}, root, "FLASH_BRANCH=feature " + env).code, 0);
  std::ofstream(root / "flash.toml", std::ios::app) << "[lint]\nerror = [\"compat.rename\"]\n";
  const auto r = flash({"branch", "merge", "feature", "--json"});
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_EQ(r.json()["error"]["code"], "compat.rename");
  EXPECT_EQ(scalar(*db->connect(), "SELECT COUNT(*) FROM audit"), 3);  // nothing ran
  // As a warning (the default) it is reported and the merge goes on.
  std::ofstream(root / "flash.toml", std::ios::trunc)
      << "version = \"2\"\nschema_dir = \"db/schema\"\n[database]\nprovider = \"" << provider(GetParam()) << "\"\n";
  const auto ok = flash({"branch", "merge", "feature", "--json"});
  ASSERT_EQ(ok.code, 0) << ok.out << ok.err;
  ASSERT_EQ(ok.json()["lint_warnings"].size(), 1u) << ok.out;
  EXPECT_NE(ok.json()["lint_warnings"][0].get<std::string>().find("compat.rename"), std::string::npos);
}

TEST_P(Branches, MaskLeavesNoOriginalValueAndKeepsUniquesAndForeignKeys) {
  const bool my = GetParam() == Dialect::mysql;
  const std::string i = my ? "int" : "integer";
  migration("20260102000000_people",
            "CREATE TABLE people (id " + i + " PRIMARY KEY, email varchar(100) NOT NULL UNIQUE, full_name varchar(100), "
            "phone varchar(30), age " + i + ", code varchar(2) UNIQUE);\n"
            "CREATE TABLE orders (id " + i + " PRIMARY KEY, person_id " + i + " NOT NULL REFERENCES people (id));");
  ASSERT_EQ(flash({"apply"}).code, 0);
  auto m = db->connect();
  for (int k = 1; k <= 5; ++k) {
    const std::string n = std::to_string(k);
    m->execute("INSERT INTO people (id, email, full_name, phone, age, code) VALUES (" + n + ", 'real" + n +
               "@corp.com', 'Real Person " + n + "', '+33 6 00 00 0" + n + "', " + n + ", '" + n + "')");
    m->execute("INSERT INTO orders (id, person_id) VALUES (" + n + ", " + n + ")");
  }
  m->execute("UPDATE people SET full_name = NULL WHERE id = 5");
  m.reset();  // PostgreSQL copies a database only while nobody else is connected to it
  std::ofstream(root / "flash.toml", std::ios::app)
      << "[branches.mask]\npeople.email = \"email\"\npeople.full_name = \"name\"\npeople.phone = \"null\"\n"
         "people.code = \"text\"\n";
  const auto r = flash({"branch", "feature", "--mask", "--json"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(r.json()["created"]["masked"].get<bool>());
  auto b = branch_conn("feature");
  EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM people"), 5);
  EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM people WHERE email LIKE 'real%' OR full_name LIKE 'Real%'"), 0);
  EXPECT_EQ(scalar(*b, "SELECT COUNT(DISTINCT email) FROM people"), 5);
  EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM people WHERE phone IS NOT NULL"), 0);
  EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM people WHERE full_name IS NULL"), 1);  // NULL stays NULL
  EXPECT_EQ(scalar(*b, "SELECT SUM(age) FROM people"), 15);                          // unlisted columns kept
  EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM orders o JOIN people p ON p.id = o.person_id"), 5);
  if (GetParam() == Dialect::sqlite) {
    EXPECT_EQ(b->query("PRAGMA foreign_key_check").rows.size(), 0u);
  }
  // The values come from the seed generators (an email as `flash seed` writes it, a name of words).
  EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM people WHERE email LIKE '%@example.com'"), 5);
  EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM people WHERE full_name LIKE '% % _'"), 4);
  // A short unique column whose originals are exactly what the generator writes first ('1' … '5'):
  // every value is replaced by one no row held, still unique and within varchar(2).
  EXPECT_EQ(scalar(*b, "SELECT COUNT(*) FROM people WHERE code IN ('1', '2', '3', '4', '5')"), 0);
  EXPECT_EQ(scalar(*b, "SELECT COUNT(DISTINCT code) FROM people"), 5);
  // main keeps the real values.
  m = db->connect();
  EXPECT_EQ(scalar(*m, "SELECT COUNT(*) FROM people WHERE email LIKE 'real%'"), 5);
  b.reset();
  m.reset();

  // A key column cannot be masked: refused at its line, and no unmasked copy stays behind.
  std::ofstream(root / "flash.toml", std::ios::app) << "people.id = \"text\"\n";
  const auto bad = flash({"branch", "other", "--mask", "--json"});
  EXPECT_EQ(bad.code, 1) << bad.out;
  EXPECT_EQ(bad.json()["error"]["code"], "branch.mask-key");
  EXPECT_GT(bad.json()["error"]["line"].get<int>(), 0) << bad.out;
  EXPECT_FALSE(database_exists(branch_url("other")));
  EXPECT_EQ(flash({"branch", "--json"}).json()["branches"].size(), 2u);
  // An unknown kind is a located configuration error.
  std::ofstream(root / "flash.toml", std::ios::trunc) << "version = \"2\"\n[database]\nprovider = \"" << provider(GetParam())
                                                      << "\"\n[branches.mask]\npeople.email = \"mail\"\n";
  const auto kind = flash({"branch", "other", "--mask", "--json"});
  EXPECT_NE(kind.code, 0);
  EXPECT_EQ(kind.json()["error"]["code"], "config.mask") << kind.out;
  EXPECT_EQ(kind.json()["error"]["line"], 5) << kind.out;
}

// PostgreSQL copies a database only for a role with CREATEDB: without it the error names the
// privilege and the fix, and nothing is created or listed.
TEST(BranchesPostgres, CreateWithoutCreatedbNamesThePrivilege) {
  auto db = ScratchDb::create(Dialect::postgresql, "flash_br");
  if (!db) GTEST_SKIP() << "no server URL for postgresql";
  const std::string role = "flash_nocreatedb_" + test::unique_suffix();
  const std::string pass = "nocreatedb-pass";
  auto admin = db->connect();
  admin->execute("CREATE ROLE " + role + " LOGIN NOCREATEDB PASSWORD '" + pass + "'");
  struct DropRole {
    ScratchDb& db;
    std::string role;
    ~DropRole() {
      try {
        auto c = db.connect();
        c->execute("DROP OWNED BY " + role);
        c->execute("DROP ROLE " + role);
      } catch (...) {
      }
    }
  } drop{*db, role};
  test::TempDir dir("flash_branch_priv");
  dir.write("flash.toml", "version = \"2\"\n[database]\nprovider = \"postgresql\"\n");
  dir.write("db/migrations/20260101000000_init.sql", "-- +migrate Up\nCREATE TABLE t (id integer PRIMARY KEY);\n");
  ASSERT_EQ(test::run_flash(FLASH_BINARY, {"apply"}, dir.path(), "DATABASE_URL=" + test::shell_quote(db->url)).code, 0);
  admin->execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role);
  admin.reset();
  config::DatabaseUrl u = config::parse_database_url(db->url);
  const std::string url = "postgres://" + role + ":" + pass + "@" + u.host + ":" + std::to_string(u.port.value_or(5432)) + "/" + db->name;
  const auto r = test::run_flash(FLASH_BINARY, {"branch", "feature", "--json"}, dir.path(),
                                 "NO_COLOR=1 DATABASE_URL=" + test::shell_quote(url));
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["error"]["code"], "branch.privilege") << r.out;
  const std::string msg = j["error"]["message"];
  EXPECT_NE(msg.find("CREATEDB"), std::string::npos) << msg;
  EXPECT_NE(msg.find(role), std::string::npos) << msg;
  EXPECT_NE(j["error"]["hint"].get<std::string>().find("ALTER ROLE"), std::string::npos);
  // Nothing created, nothing listed.
  config::DatabaseUrl b = u;
  b.original.clear();
  b.database = db->name + "__feature";
  EXPECT_FALSE(database_exists(b));
  EXPECT_FALSE(fs::exists(dir.path() / "db" / "migrations" / ".flash" / "branches.json"));
}

INSTANTIATE_TEST_SUITE_P(Engines, Branches,
                         ::testing::Values(Dialect::sqlite, Dialect::postgresql, Dialect::mysql),
                         [](const auto& info) { return provider(info.param); });

}  // namespace
}  // namespace flash::branch

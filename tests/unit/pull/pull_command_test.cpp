// `flash pull` on an existing project, through the real binary on each database: the change
// summary (files → database), no replacement without a terminal unless --force / --backup, the
// --backup copy, and "nothing written" once the files match. SQLite always runs; PostgreSQL /
// MySQL need FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL.

#include <fstream>

#include <nlohmann/json.hpp>

#include "pull_test_util.hpp"
#include "support/flash_run.hpp"

namespace flash::pull::test {
namespace {

struct CliRun {
  int code = -1;
  std::string out, err;
  nlohmann::json json() const {
    try {
      return nlohmann::json::parse(out);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not JSON: " << e.what() << "\n" << out << "\n" << err;
      return nlohmann::json::object();
    }
  }
};

std::string provider(Dialect d) {
  return d == Dialect::postgresql ? "postgresql" : d == Dialect::mysql ? "mysql" : "sqlite";
}

class PullCommand : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
#ifndef FLASH_BINARY
    GTEST_SKIP() << "FLASH_BINARY not defined";
#endif
    db = ScratchDb::create(GetParam());
    if (!db) GTEST_SKIP() << "no server URL for " << provider(GetParam());
    root = fs::temp_directory_path() / ("flash_pull_cmd_" + unique_suffix());
    fs::create_directories(root / "db" / "schema");
    std::ofstream(root / "flash.toml") << "version = \"2\"\nschema_dir = \"db/schema\"\n[database]\nprovider = \""
                                       << provider(GetParam()) << "\"\n";
  }
  void TearDown() override {
    std::error_code ec;
    if (!root.empty()) fs::remove_all(root, ec);
  }
  CliRun flash(const std::vector<std::string>& args) const {
    CliRun r;
#ifdef FLASH_BINARY
    const auto run = flash::test::run_flash(FLASH_BINARY, args, root,
                                            "NO_COLOR=1 DATABASE_URL=" + flash::test::shell_quote(db->url));
    r.code = run.code;
    r.out = run.out;
    r.err = run.err;
#else
    (void)args;
#endif
    return r;
  }
  std::vector<fs::path> backups() const {
    std::vector<fs::path> v;
    for (const auto& e : fs::directory_iterator(root / "db"))
      if (e.path().filename().string().rfind("schema.backup-", 0) == 0) v.push_back(e.path());
    return v;
  }
  std::unique_ptr<ScratchDb> db;
  fs::path root;
};

TEST_P(PullCommand, ShowsWhatChangedAsksBeforeReplacingAndKeepsABackup) {
  db->load(
      "CREATE TABLE users (id integer PRIMARY KEY, name varchar(100) NOT NULL, email varchar(200));\n"
      "CREATE TABLE posts (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users (id), title "
      "varchar(200));\n");
  // The project's files are older: no email column, no posts table.
  const std::string old_text = "CREATE TABLE users (id integer PRIMARY KEY, name varchar(100) NOT NULL);\n";
  std::ofstream(root / "db" / "schema" / "schema.sql") << old_text;

  // Without a terminal and without --force / --backup: the summary, then a refusal naming the flag.
  auto r = flash({"pull"});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.out.find("The database differs from the schema files"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("posts"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("email"), std::string::npos) << r.out;
  EXPECT_NE((r.out + r.err).find("--force"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(util::read_file(root / "db" / "schema" / "schema.sql"), old_text);
  EXPECT_TRUE(backups().empty());

  // --backup: the old directory copied aside, the new schema written, the changes reported.
  r = flash({"--json", "pull", "--backup"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto j = r.json();
  EXPECT_EQ(j["written"], true);
  ASSERT_TRUE(j["changes"].is_array());
  std::string changes_text;
  for (const auto& c : j["changes"]) changes_text += c.get<std::string>() + "\n";
  EXPECT_NE(changes_text.find("posts"), std::string::npos) << changes_text;
  EXPECT_NE(changes_text.find("email"), std::string::npos) << changes_text;
  ASSERT_EQ(backups().size(), 1u);
  EXPECT_EQ(j["backup"].get<std::string>(), fs::path(backups()[0]).lexically_proximate(root).string());
  EXPECT_EQ(util::read_file(backups()[0] / "schema.sql"), old_text);
  const std::string written = util::read_file(root / "db" / "schema" / "schema.sql");
  auto pulled = inspect(*db->conn);
  const auto files = parse(written, GetParam());
  align_names(pulled, files);
  EXPECT_EQ(changes(files, pulled), "") << written;

  // Again: the files match, nothing written, no new backup.
  r = flash({"--json", "pull", "--backup"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  j = r.json();
  EXPECT_EQ(j["written"], false);
  EXPECT_TRUE(j["changes"].empty()) << r.out;
  EXPECT_EQ(backups().size(), 1u);
  r = flash({"pull"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("already match"), std::string::npos) << r.out;

  // --force replaces without a copy.
  std::ofstream(root / "db" / "schema" / "schema.sql") << old_text;
  r = flash({"--json", "--force", "pull"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.json()["written"], true);
  EXPECT_FALSE(r.json().contains("backup"));
  EXPECT_EQ(backups().size(), 1u);
  EXPECT_EQ(util::read_file(root / "db" / "schema" / "schema.sql"), written);
}

INSTANTIATE_TEST_SUITE_P(AllDialects, PullCommand,
                         ::testing::Values(Dialect::sqlite, Dialect::postgresql, Dialect::mysql),
                         [](const auto& i) { return provider(i.param); });

}  // namespace
}  // namespace flash::pull::test

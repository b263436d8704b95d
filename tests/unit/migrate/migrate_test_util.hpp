#pragma once
// Helpers for the migration tests: a fresh database per test on each dialect (SQLite temp file;
// PostgreSQL / MySQL: a new database created next to FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL and
// dropped afterwards, so tests never collide with other suites on the shared servers), a temp
// project directory, and comparisons of live tables/columns with a model.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>

#include "flash/config/url.hpp"
#include "flash/driver/connection.hpp"
#include "flash/migrate/engine.hpp"
#include "flash/migrate/live.hpp"
#include "support/scratch_db.hpp"

namespace flash::migrate::testing {

namespace fs = std::filesystem;
using schema::Dialect;

inline std::string dialect_name(Dialect d) {
  return d == Dialect::postgresql ? "postgresql" : d == Dialect::mysql ? "mysql" : "sqlite";
}

using ::flash::test::unique_suffix;

// A throwaway database (tests/support/scratch_db.hpp). `url` is the string form (for the CLI's
// DATABASE_URL).
class TestDb : public ::flash::test::ScratchDb {
 public:
  // nullptr when the server URL for the dialect is not set (the test then skips).
  static std::unique_ptr<TestDb> create(Dialect d) {
    auto db = std::unique_ptr<TestDb>(new TestDb());
    return db->init(d, "flash_mig") ? std::move(db) : nullptr;
  }

 protected:
  TestDb() = default;

 public:
};

// A project directory with db/schema and db/migrations.
struct TestProject {
  fs::path root;
  Project project;

  explicit TestProject(Dialect d) {
    root = fs::temp_directory_path() / ("flash_proj_" + unique_suffix());
    fs::create_directories(root / "db" / "schema");
    fs::create_directories(root / "db" / "migrations");
    project.migrations_dir = root / "db" / "migrations";
    project.schema_dir = root / "db" / "schema";
    project.export_dir = root / "db" / "export";
    project.dialect = d;
    std::ofstream(root / "flash.toml") << "version = \"2\"\nschema_dir = \"db/schema\"\n"
                                          "migrations_path = \"db/migrations\"\nexport_path = \"db/export\"\n"
                                          "[database]\nprovider = \"" << dialect_name(d) << "\"\n";
  }
  ~TestProject() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  void write_schema(const std::string& sql) const { std::ofstream(project.schema_dir / "schema.sql") << sql; }
  fs::path write_migration(const std::string& id, const std::string& content) const {
    auto p = project.migrations_dir / (id + ".sql");
    std::ofstream(p) << content;
    return p;
  }
};

using TableMap = std::map<std::string, std::set<std::string>>;

inline TableMap model_tables(const schema::Schema& s) {
  TableMap m;
  for (const auto& t : s.tables) {
    auto& cols = m[t.name];
    for (const auto& c : t.columns) cols.insert(c.name);
  }
  return m;
}

inline TableMap live_table_map(driver::SqlConnection& c) {
  TableMap m;
  for (const auto& [t, cols] : live_tables(c)) m[t] = std::set<std::string>(cols.begin(), cols.end());
  return m;
}

// The exit code a diag::Error thrown by `f` carries, or 0 when nothing was thrown.
template <class F>
int exit_code_of(F&& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const diag::Error& e) {
    if (message) *message = e.diagnostic().message + "\n" + e.diagnostic().hint.value_or("");
    return static_cast<int>(e.diagnostic().exit_code);
  } catch (const diag::Errors& e) {
    if (message && !e.diagnostics().empty()) *message = e.diagnostics().front().message;
    return 1;
  }
  return 0;
}

// `url` with its user and password replaced ("scheme://user:pass@host..." → "scheme://u:p@host...").
inline std::string url_as(const std::string& url, const std::string& user, const std::string& pass) {
  auto scheme = url.find("://");
  auto at = url.find('@', scheme);
  if (scheme == std::string::npos || at == std::string::npos) return url;
  return url.substr(0, scheme + 3) + user + ":" + pass + url.substr(at);
}

// A login role / user of the server that the test creates with limited rights, dropped (after the
// test's databases) when it goes: PostgreSQL `CREATE ROLE`, MySQL `CREATE USER` for '%' and
// 'localhost'. `url` connects as it to `db`.
class RestrictedUser {
 public:
  RestrictedUser(const TestDb& db) : dialect_(db.dialect), admin_url_(db.admin_url) {
    name = "flash_r_" + unique_suffix();
    auto admin = driver::connect_sql(config::parse_database_url(admin_url_));
    if (dialect_ == Dialect::postgresql) {
      admin->execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + kPass + "'");
    } else {
      for (const char* host : {"%", "localhost"})
        admin->execute("CREATE USER '" + name + "'@'" + host + "' IDENTIFIED BY '" + kPass + "'");
    }
    url = url_as(db.url, name, kPass);
  }
  ~RestrictedUser() {
    try {
      auto admin = driver::connect_sql(config::parse_database_url(admin_url_));
      if (dialect_ == Dialect::postgresql) {
        admin->execute("DROP ROLE IF EXISTS " + name);
      } else {
        for (const char* host : {"%", "localhost"}) admin->execute("DROP USER IF EXISTS '" + name + "'@'" + host + "'");
      }
    } catch (...) {
    }
  }
  // MySQL: GRANT `privileges` ON `on` to both host entries.
  void grant_mysql(driver::SqlConnection& admin, const std::string& privileges, const std::string& on) const {
    for (const char* host : {"%", "localhost"})
      admin.execute("GRANT " + privileges + " ON " + on + " TO '" + name + "'@'" + host + "'");
  }
  std::unique_ptr<driver::SqlConnection> connect() const {
    return driver::connect_sql(config::parse_database_url(url));
  }

  std::string name;
  std::string url;

 private:
  static constexpr const char* kPass = "restricted_pw";
  Dialect dialect_;
  std::string admin_url_;
};

inline std::vector<Dialect> all_dialects() { return {Dialect::sqlite, Dialect::postgresql, Dialect::mysql}; }

inline std::string param_name(const ::testing::TestParamInfo<Dialect>& i) { return dialect_name(i.param); }

// A test run once per dialect on a fresh database and project: skipped (visibly) when the
// dialect's server URL is not set.
class LiveProjectTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    db = TestDb::create(GetParam());
    if (!db) GTEST_SKIP() << "no server URL for " << dialect_name(GetParam());
    proj = std::make_unique<TestProject>(GetParam());
    conn = db->connect();
  }
  Dialect d() const { return GetParam(); }

  std::unique_ptr<TestDb> db;
  std::unique_ptr<TestProject> proj;
  std::unique_ptr<driver::SqlConnection> conn;
};

}  // namespace flash::migrate::testing

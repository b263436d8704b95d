// A database created for one test and dropped afterwards: CREATE DATABASE next to the test server
// (FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL, as scripts/db.sh prints them), a SQLite file in a
// temporary directory otherwise. Header-only, because it needs the driver stage, which not every
// test executable links. The one scratch-database helper of the C++ tests.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "flash/config/url.hpp"
#include "flash/driver/connection.hpp"
#include "flash/schema/model.hpp"

namespace flash::test {

// pid, a counter and a random number: unique across the processes ctest runs at once.
inline std::string unique_suffix() {
  static std::atomic<int> n{0};
  std::random_device rd;
  return std::to_string(::getpid()) + "_" + std::to_string(n++) + "_" + std::to_string(rd() % 100000);
}

class ScratchDb {
 public:
  // nullptr when the server URL for the dialect is not set (the test then skips). The database
  // is named `<prefix>_<unique suffix>`.
  static std::unique_ptr<ScratchDb> create(schema::Dialect d, const std::string& prefix = "flash_test") {
    auto db = std::unique_ptr<ScratchDb>(new ScratchDb());
    return db->init(d, prefix) ? std::move(db) : nullptr;
  }
  virtual ~ScratchDb() {
    try {
      if (dialect == schema::Dialect::sqlite) {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
      } else if (!name.empty()) {
        driver::connect_sql(config::parse_database_url(admin_url))
            ->execute("DROP DATABASE IF EXISTS " + name +
                      (dialect == schema::Dialect::postgresql ? " WITH (FORCE)" : ""));
      }
    } catch (...) {
    }
  }
  ScratchDb(const ScratchDb&) = delete;
  ScratchDb& operator=(const ScratchDb&) = delete;

  std::unique_ptr<driver::SqlConnection> connect() const {
    return driver::connect_sql(config::parse_database_url(url));
  }

  schema::Dialect dialect = schema::Dialect::sqlite;
  std::string url;        // the string form, for the CLI's DATABASE_URL
  std::string admin_url;  // the server's URL the database was created from (not SQLite)
  std::string name;       // the database's name (not SQLite)
  std::filesystem::path dir;  // SQLite: the directory of test.db

 protected:
  ScratchDb() = default;

  // Creates the database; false when the server URL for the dialect is not set.
  bool init(schema::Dialect d, const std::string& prefix) {
    dialect = d;
    const std::string tag = prefix + "_" + unique_suffix();
    if (d == schema::Dialect::sqlite) {
      dir = std::filesystem::temp_directory_path() / tag;
      std::filesystem::create_directories(dir);
      url = "sqlite://" + (dir / "test.db").string();
      return true;
    }
    const char* base = std::getenv(d == schema::Dialect::postgresql ? "FLASH_TEST_PG_URL" : "FLASH_TEST_MYSQL_URL");
    if (!base || !*base) return false;
    admin_url = base;
    driver::connect_sql(config::parse_database_url(admin_url))->execute("CREATE DATABASE " + tag);
    name = tag;
    const auto q = admin_url.find('?');
    const std::string head = q == std::string::npos ? admin_url : admin_url.substr(0, q);
    url = head.substr(0, head.rfind('/') + 1) + tag + (q == std::string::npos ? "" : admin_url.substr(q));
    return true;
  }
};

}  // namespace flash::test

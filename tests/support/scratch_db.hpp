// A database created for one test and dropped afterwards: driver::ScratchDatabase (Flash's one
// scratch-database mechanism, src/flash/driver/scratch.hpp) next to the test server
// (FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL, as scripts/db.sh prints them), a SQLite file in a
// temporary directory otherwise. This adds only what tests need on top: the URL as a string for
// the CLI's DATABASE_URL, and nullptr (the test skips) when the server URL is not set.
// Header-only, because it needs the driver stage, which not every test executable links.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "flash/config/url.hpp"
#include "flash/driver/connection.hpp"
#include "flash/driver/scratch.hpp"
#include "flash/schema/model.hpp"

namespace flash::test {

// pid, a counter and a random number: unique across the processes ctest runs at once.
inline std::string unique_suffix() { return driver::scratch_suffix(); }

class ScratchDb {
 public:
  // nullptr when the server URL for the dialect is not set (the test then skips). The database
  // is named `<prefix>_<unique suffix>`.
  static std::unique_ptr<ScratchDb> create(schema::Dialect d, const std::string& prefix = "flash_test") {
    auto db = std::unique_ptr<ScratchDb>(new ScratchDb());
    return db->init(d, prefix) ? std::move(db) : nullptr;
  }
  virtual ~ScratchDb() = default;
  ScratchDb(const ScratchDb&) = delete;
  ScratchDb& operator=(const ScratchDb&) = delete;

  std::unique_ptr<driver::SqlConnection> connect() const { return scratch_->connect(); }

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
    if (d == schema::Dialect::sqlite) {
      config::DatabaseUrl u;
      u.dialect = d;
      scratch_.emplace(u, prefix, driver::ScratchDatabase::Kind::file);
      url = "sqlite://" + scratch_->name();
      dir = std::filesystem::path(scratch_->name()).parent_path();
      scratch_->connection();  // the file exists from now on
      return true;
    }
    const char* base = std::getenv(d == schema::Dialect::postgresql ? "FLASH_TEST_PG_URL" : "FLASH_TEST_MYSQL_URL");
    if (!base || !*base) return false;
    admin_url = base;
    scratch_.emplace(config::parse_database_url(admin_url), prefix);
    name = scratch_->name();
    const auto q = admin_url.find('?');
    const std::string head = q == std::string::npos ? admin_url : admin_url.substr(0, q);
    url = head.substr(0, head.rfind('/') + 1) + name + (q == std::string::npos ? "" : admin_url.substr(q));
    return true;
  }

 private:
  std::optional<driver::ScratchDatabase> scratch_;
};

}  // namespace flash::test

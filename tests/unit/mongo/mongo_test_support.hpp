#pragma once
// Shared by the mongo tests: the FerretDB server of scripts/db.sh (FLASH_TEST_MONGO_URL; the test
// is skipped without it) and a database of its own per test, dropped at the end.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>
#include <unistd.h>

#include "flash/config/url.hpp"
#include "flash/driver/document.hpp"

namespace flash::test {

inline const char* mongo_url_env() {
  const char* u = std::getenv("FLASH_TEST_MONGO_URL");
  return (u != nullptr && *u != '\0') ? u : nullptr;
}

// mongodb://host:port/<name>: the server's URL with another database.
inline std::string mongo_url_for(const std::string& name) {
  std::string u = mongo_url_env();
  const auto scheme = u.find("://");
  const auto slash = u.find('/', scheme + 3);
  const auto q = u.find('?', scheme + 3);
  std::string base = u.substr(0, slash == std::string::npos ? (q == std::string::npos ? u.size() : q) : slash);
  std::string query = q == std::string::npos ? "" : u.substr(q);
  return base + "/" + name + query;
}

// A database named after the test and the process, dropped by the destructor.
class ScratchMongo {
 public:
  explicit ScratchMongo(const std::string& tag) {
    static std::atomic<int> n{0};
    name_ = "flash_t_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
    url_ = mongo_url_for(name_);
    conn_ = driver::connect_documents(config::parse_database_url(url_));
    conn_->command(driver::Document{{"dropDatabase", 1}});
  }
  ~ScratchMongo() {
    try {
      conn_->command(driver::Document{{"dropDatabase", 1}});
    } catch (...) {
    }
  }
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  driver::DocumentConnection& conn() { return *conn_; }

 private:
  std::string name_, url_;
  std::unique_ptr<driver::DocumentConnection> conn_;
};

}  // namespace flash::test

#define FLASH_REQUIRE_MONGO()                                                               \
  do {                                                                                      \
    if (flash::test::mongo_url_env() == nullptr)                                            \
      GTEST_SKIP() << "FLASH_TEST_MONGO_URL not set (scripts/db.sh starts FerretDB)";       \
  } while (0)

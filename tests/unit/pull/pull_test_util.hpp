#pragma once
// Scratch databases and round-trip checks for the pull tests.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "flash/config/url.hpp"
#include "flash/diff/plan.hpp"
#include "flash/driver/connection.hpp"
#include "flash/pull/inspect.hpp"
#include "flash/schema/printer.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/sql/splitter.hpp"
#include "flash/util/text.hpp"

namespace flash::pull::test {

namespace fs = std::filesystem;
using schema::Dialect;

inline std::string unique_suffix() {
  static std::atomic<int> n{0};
  return std::to_string(::getpid()) + "_" + std::to_string(n++);
}

// A database created for one test and dropped afterwards (a temp directory for SQLite).
class ScratchDb {
 public:
  static std::unique_ptr<ScratchDb> create(Dialect d) {
    auto db = std::unique_ptr<ScratchDb>(new ScratchDb());
    db->dialect = d;
    const std::string tag = "flash_pull_" + unique_suffix();
    if (d == Dialect::sqlite) {
      db->dir = fs::temp_directory_path() / tag;
      fs::create_directories(db->dir);
      db->url = "sqlite://" + (db->dir / "test.db").string();
    } else {
      const char* base = std::getenv(d == Dialect::postgresql ? "FLASH_TEST_PG_URL" : "FLASH_TEST_MYSQL_URL");
      if (!base || !*base) return nullptr;
      db->admin_url = base;
      db->name = tag;
      driver::connect_sql(config::parse_database_url(db->admin_url))->execute("CREATE DATABASE " + tag);
      const std::string b = base;
      const auto q = b.find('?');
      const std::string head = q == std::string::npos ? b : b.substr(0, q);
      db->url = head.substr(0, head.rfind('/') + 1) + tag + (q == std::string::npos ? "" : b.substr(q));
    }
    db->conn = driver::connect_sql(config::parse_database_url(db->url));
    return db;
  }
  ~ScratchDb() {
    conn.reset();
    try {
      if (dialect == Dialect::sqlite) {
        std::error_code ec;
        fs::remove_all(dir, ec);
      } else {
        driver::connect_sql(config::parse_database_url(admin_url))
            ->execute("DROP DATABASE IF EXISTS " + name + (dialect == Dialect::postgresql ? " WITH (FORCE)" : ""));
      }
    } catch (...) {
    }
  }
  // Runs a script statement by statement.
  void load(const std::string& sql) {
    diag::Diagnostics ds;
    for (const auto& st : sql::split_statements(sql::SourceFile{"load.sql", sql}, dialect, ds)) conn->execute(st.text);
  }

  Dialect dialect{};
  std::string url, admin_url, name;
  fs::path dir;
  std::unique_ptr<driver::SqlConnection> conn;
};

inline schema::Schema parse(const std::string& sql, Dialect d) {
  diag::Diagnostics ds;
  auto s = sql::parse_schema({sql::SourceFile{"schema.sql", sql}}, d, ds);
  for (const auto& x : ds)
    if (x.severity == diag::Severity::error) ADD_FAILURE() << x.code << ": " << x.message << " at " << x.location.line;
  return s;
}

// The differ's operation comments, one a line ("" = no difference).
inline std::string changes(const schema::Schema& from, const schema::Schema& to) {
  std::string out;
  for (const auto& op : diff::diff_schemas(from, to).operations) out += op.comment + "\n";
  return out;
}

inline std::string corpus(const std::string& rel) {
  return util::read_file(fs::path(FLASH_CORPUS_DIR) / rel);
}

// The two properties every pull must have: the schema files and the pulled model do not differ,
// and the pulled model survives printing and re-parsing unchanged.
// `pulled` is aligned with the files first (align_names), as `flash pull` does for an existing
// project.
inline void expect_round_trip(const schema::Schema& files, schema::Schema pulled) {
  align_names(pulled, files);
  EXPECT_EQ(changes(files, pulled), "");
  EXPECT_EQ(changes(pulled, files), "");
  const std::string printed = schema::print_schema(pulled);
  EXPECT_TRUE(parse(printed, pulled.dialect) == pulled) << printed;
}

}  // namespace flash::pull::test

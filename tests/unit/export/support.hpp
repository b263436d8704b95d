#pragma once
// Helpers shared by the export tests: throwaway databases next to the test servers
// (FLASH_TEST_PG_URL, FLASH_TEST_MYSQL_URL) or SQLite files, temporary directories, and per-table
// checksums of normalised values for comparing data across engines.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "flash/driver/connection.hpp"
#include "flash/export/format.hpp"
#include "flash/schema/printer.hpp"
#include "flash/schema/types.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/util/text.hpp"
#include "support/scratch_db.hpp"

namespace flash::exporter::export_test {

namespace fs = std::filesystem;
using schema::Dialect;
using schema::TypeCategory;

using ::flash::test::unique_suffix;

// A throwaway database (tests/support/scratch_db.hpp).
struct TestDb : ::flash::test::ScratchDb {
  static std::unique_ptr<TestDb> create(Dialect d) {
    auto db = std::unique_ptr<TestDb>(new TestDb());
    return db->init(d, "flash_exp") ? std::move(db) : nullptr;
  }

 protected:
  TestDb() = default;

 public:
};

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("flash_exp_files_" + unique_suffix());
  TempDir() { fs::create_directories(path); }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

inline schema::Schema parse(const std::string& sql, Dialect d) {
  diag::Diagnostics diags;
  auto m = sql::parse_schema({sql::SourceFile{"schema.sql", sql}}, d, diags);
  EXPECT_FALSE(diag::has_errors(diags)) << (diags.empty() ? "" : diags[0].message);
  return m;
}

inline void run_script(driver::SqlConnection& c, const std::string& script) {
  for (const auto& s : util::split(script, ';'))
    if (!util::trim(s).empty()) c.execute(std::string(util::trim(s)));
}

struct TableSum {
  std::int64_t rows = 0;
  std::string checksum;
  friend bool operator==(const TableSum&, const TableSum&) = default;
};

// Row count and a hash of every value normalised to text, using the categories of `reference`
// (the original model) whatever engine the rows live in. Rows in primary-key order.
inline std::map<std::string, TableSum> checksums(driver::SqlConnection& c, const schema::Schema& reference) {
  prepare_session(c);
  std::map<std::string, TableSum> out;
  const Dialect d = c.dialect();
  for (const auto& t : reference.tables) {
    std::vector<std::string> cols;
    std::vector<TypeCategory> cats;
    for (const auto* col : data_columns(t)) {
      cols.push_back(schema::quote_ident(col->name, d));
      cats.push_back(schema::category(col->type, reference.dialect, &reference));
    }
    std::string order = t.primary_key ? util::join(t.primary_key->columns, ", ") : "1";
    auto rs = c.query("SELECT " + util::join(cols, ", ") + " FROM " + schema::quote_ident(t.name, d) + " ORDER BY " + order);
    std::string all;
    for (const auto& row : rs.rows) {
      for (std::size_t i = 0; i < row.size(); ++i) all += normalized_text(row[i], cats[i]) + '\x1f';
      all += '\x1e';
    }
    out[t.name] = {static_cast<std::int64_t>(rs.rows.size()), util::sha256_hex(all)};
  }
  return out;
}


#define REQUIRE_DB(var, dialect)                                             \
  auto var = TestDb::create(dialect);                                        \
  if (!var) GTEST_SKIP() << "server URL for " << schema::to_string(dialect) << " not set"

}  // namespace flash::exporter::export_test

// diff(x, x) is empty for real-world schemas, and diff(empty, x) / diff(x, empty) create and drop
// them completely.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "flash/diff/plan.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/util/text.hpp"

namespace {

using namespace flash;
using schema::Dialect;

// Every test here reads the shared corpus: without it they are reported as skipped.
#define REQUIRE_CORPUS()                                          \
  if (!std::filesystem::exists(std::filesystem::path(FLASH_CORPUS_DIR))) \
  GTEST_SKIP() << "corpus not found: " << FLASH_CORPUS_DIR

schema::Schema load(const std::string& rel, Dialect d) {
  const std::filesystem::path p = std::filesystem::path(FLASH_CORPUS_DIR) / rel;
  diag::Diagnostics ds;
  auto s = sql::parse_schema({sql::SourceFile{p.string(), util::read_file(p)}}, d, ds);
  s.dialect = d;
  return s;
}

struct Case {
  const char* path;
  Dialect dialect;
};

class CorpusSelfDiff : public ::testing::TestWithParam<Case> {};

TEST_P(CorpusSelfDiff, IsEmpty) {
  REQUIRE_CORPUS();
  const auto s = load(GetParam().path, GetParam().dialect);
  ASSERT_FALSE(s.tables.empty());
  const auto plan = diff::diff_schemas(s, s);
  EXPECT_TRUE(plan.empty()) << diff::render_migration(plan);
  EXPECT_TRUE(plan.unresolved_renames.empty());
  EXPECT_TRUE(plan.warnings.empty());
}

TEST_P(CorpusSelfDiff, CreateFromEmptyAndDropBack) {
  REQUIRE_CORPUS();
  const auto s = load(GetParam().path, GetParam().dialect);
  schema::Schema empty;
  empty.dialect = s.dialect;
  const auto create = diff::diff_schemas(empty, s);
  std::size_t creates = 0;
  for (const auto& op : create.operations) creates += op.kind == diff::OpKind::create_table;
  EXPECT_EQ(creates, s.tables.size());
  EXPECT_TRUE(create.unresolved_renames.empty());
  const auto drop = diff::diff_schemas(s, empty);
  std::size_t drops = 0;
  for (const auto& op : drop.operations) {
    drops += op.kind == diff::OpKind::drop_table;
    if (op.kind == diff::OpKind::drop_table) {
      EXPECT_TRUE(op.destructive);
      EXPECT_TRUE(op.lossy_down);
    }
  }
  EXPECT_EQ(drops, s.tables.size());
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, CorpusSelfDiff,
    ::testing::Values(Case{"chinook/postgresql/schema.sql", Dialect::postgresql},
                      Case{"chinook/postgresql-serial-pks/schema.sql", Dialect::postgresql},
                      Case{"chinook/postgresql-identity-pks/schema.sql", Dialect::postgresql},
                      Case{"chinook/mysql/schema.sql", Dialect::mysql},
                      Case{"chinook/mysql-auto-increment-pks/schema.sql", Dialect::mysql},
                      Case{"chinook/sqlite/schema.sql", Dialect::sqlite},
                      Case{"chinook/sqlite-autoincrement-pks/schema.sql", Dialect::sqlite},
                      Case{"pagila/postgresql/schema.sql", Dialect::postgresql},
                      Case{"pagila/postgresql-2024/schema.sql", Dialect::postgresql}),
    [](const auto& info) {
      std::string n = info.param.path;
      n = n.substr(0, n.rfind('/'));
      for (auto& c : n)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      return n;
    });

// Identity vs serial primary keys of the same database: only column-level changes, no table
// drops and no rename questions.
TEST(CorpusDiff, SerialToIdentityIsColumnLevel) {
  REQUIRE_CORPUS();
  const auto a = load("chinook/postgresql-serial-pks/schema.sql", Dialect::postgresql);
  const auto b = load("chinook/postgresql-identity-pks/schema.sql", Dialect::postgresql);
  const auto plan = diff::diff_schemas(a, b);
  EXPECT_FALSE(plan.empty());
  for (const auto& op : plan.operations) {
    EXPECT_NE(op.kind, diff::OpKind::drop_table);
    EXPECT_NE(op.kind, diff::OpKind::create_table);
  }
}

}  // namespace

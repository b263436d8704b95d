// Size limits of the SQL front end. Each test feeds input that took minutes (quadratic) or crashed
// (stack overflow) before the fix; ctest's TIMEOUT (120 s, tests/CMakeLists.txt) is the assertion
// on time, the test body asserts the located diagnostic.
#include <gtest/gtest.h>

#include <string>

#include "flash/query/parse.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/sql/lexer.hpp"

namespace {

using flash::schema::Dialect;
using flash::sql::kMaxNesting;

std::string nested(int depth, const std::string& middle = "1") {
  return std::string(static_cast<std::size_t>(depth), '(') + middle + std::string(static_cast<std::size_t>(depth), ')');
}

const flash::diag::Diagnostic* find(const flash::diag::Diagnostics& ds, const std::string& code) {
  for (const auto& d : ds)
    if (d.code == code) return &d;
  return nullptr;
}

// normalize_expr stripped outer parentheses one level per pass over the whole expression:
// 200,000 levels were 4·10^10 steps.
TEST(Limits, NormalizeExprIsLinearInNesting) {
  for (Dialect d : {Dialect::postgresql, Dialect::mysql, Dialect::sqlite}) {
    EXPECT_EQ(flash::sql::normalize_expr(nested(200000, "a + b"), d), "a + b");
    EXPECT_EQ(flash::sql::normalize_expr("(a) + (b)", d), "(a) + (b)");
  }
}

TEST(Limits, DeepNestingInDdlIsOneLocatedError) {
  for (Dialect d : {Dialect::postgresql, Dialect::mysql, Dialect::sqlite}) {
    const std::string prefix = "CREATE TABLE t (\n  id int CHECK ";
    flash::sql::SourceFile f{"deep.sql", prefix + nested(100000, "id > 0") + "\n);\n"};
    flash::diag::Diagnostics diags;
    flash::sql::parse_schema({f}, d, diags);
    const auto* e = find(diags, "sql.too-deep");
    ASSERT_NE(e, nullptr) << static_cast<int>(d);
    EXPECT_EQ(e->location.file, "deep.sql");
    EXPECT_EQ(e->location.line, 2);
    // The bracket that opens level kMaxNesting + 1 (the column list's own '(' is level 1).
    EXPECT_EQ(e->location.column, static_cast<int>(std::string("  id int CHECK ").size()) + kMaxNesting);
  }
}

TEST(Limits, NestingAtTheLimitParses) {
  for (Dialect d : {Dialect::mysql, Dialect::sqlite, Dialect::postgresql}) {
    flash::sql::SourceFile f{"ok.sql", "CREATE TABLE t (id int CHECK " + nested(kMaxNesting - 1, "id > 0") + ");\n"};
    flash::diag::Diagnostics diags;
    const auto m = flash::sql::parse_schema({f}, d, diags);
    EXPECT_EQ(find(diags, "sql.too-deep"), nullptr) << static_cast<int>(d);
  }
}

TEST(Limits, DeepNestingInQueriesIsOneError) {
  for (Dialect d : {Dialect::postgresql, Dialect::mysql, Dialect::sqlite}) {
    const std::string q = "SELECT " + nested(80000) + " FROM t";
    const auto r = flash::query::parse_query(q, d);
    EXPECT_FALSE(r.statement);
    EXPECT_EQ(r.error_code, "sql.too-deep");
    EXPECT_EQ(r.error_offset, 7u + static_cast<std::size_t>(kMaxNesting));
  }
}

// Below the limit the recursive-descent query parser must not overflow its stack.
TEST(Limits, QueryParserHandlesNestingUpToTheLimit) {
  for (Dialect d : {Dialect::mysql, Dialect::sqlite}) {
    const auto r = flash::query::parse_query("SELECT " + nested(kMaxNesting) + " AS x", d);
    EXPECT_TRUE(r.statement) << r.error;
    std::string nots = "SELECT ";
    for (int i = 0; i < 5000; ++i) nots += "NOT ";
    const auto r2 = flash::query::parse_query(nots + "1", d);
    EXPECT_FALSE(r2.statement);
    EXPECT_EQ(r2.error_code, "sql.too-deep");
  }
}

// A 300,000-item IN list in a PostgreSQL CHECK (≈ 2 MB of SQL; the 10 MB case runs in tests/badinput).
TEST(Limits, HugePostgresCheckList) {
  std::string sql = "CREATE TABLE t (id int CHECK (id IN (";
  for (int i = 0; i < 300000; ++i) {
    if (i) sql += ", ";
    sql += std::to_string(i);
  }
  sql += ")));\n";
  flash::diag::Diagnostics diags;
  const auto m = flash::sql::parse_schema({{"big.sql", sql}}, Dialect::postgresql, diags);
  EXPECT_FALSE(flash::diag::has_errors(diags));
  ASSERT_EQ(m.tables.size(), 1u);
  ASSERT_EQ(m.tables[0].checks.size(), 1u);
  EXPECT_TRUE(m.tables[0].checks[0].expr.starts_with("id IN (0, 1, 2"));
}

}  // namespace

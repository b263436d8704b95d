// flash gen --verify (verify/verify.hpp): the comparison rules on their own, then the shared client
// projects (tests/clients/projects/{sqlite,postgresql,mysql}) prepared by the real databases —
// zero mismatches expected — and deliberately wrong analyses (a flipped type, a flipped
// nullability, a dropped column, a broken statement) that must be reported. SQLite always runs (in
// memory); PostgreSQL and MySQL need FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL and skip without.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "flash/config/url.hpp"
#include "flash/query/analyze.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/verify/verify.hpp"
#include "support/sqlc_corpus.hpp"

namespace fs = std::filesystem;
using flash::schema::Dialect;
using flash::schema::TypeCategory;

namespace {

struct Project {
  flash::schema::Schema schema;
  flash::query::AnalyzedQueries queries;
};

Project load_project(const std::string& engine, Dialect d) {
  const fs::path dir = fs::path(FLASH_SOURCE_DIR) / "tests/clients/projects" / engine;
  std::vector<flash::sql::SourceFile> schema_files{{(dir / "schema.sql").string(), flash::test::slurp(dir / "schema.sql")}};
  std::vector<fs::path> qpaths;
  for (const auto& e : fs::directory_iterator(dir / "queries")) qpaths.push_back(e.path());
  std::sort(qpaths.begin(), qpaths.end());
  std::vector<flash::sql::SourceFile> query_files;
  for (const auto& p : qpaths) query_files.push_back({p.string(), flash::test::slurp(p)});
  flash::diag::Diagnostics diags;
  Project pr;
  pr.schema = flash::sql::parse_schema(schema_files, d, diags);
  pr.queries = flash::query::analyze_queries(pr.schema, query_files, diags);
  EXPECT_FALSE(flash::diag::has_errors(diags));
  EXPECT_GT(pr.queries.queries.size(), 10u);
  return pr;
}

std::string describe(const flash::diag::Diagnostics& ds) {
  std::string s;
  for (const auto& d : ds) s += d.location.file + ":" + std::to_string(d.location.line) + ": " + d.message + "\n";
  return s;
}

bool has_message(const flash::diag::Diagnostics& ds, const std::string& needle) {
  return std::any_of(ds.begin(), ds.end(), [&](const auto& d) { return d.message.find(needle) != std::string::npos; });
}

flash::query::Query& find(flash::query::AnalyzedQueries& aq, const std::string& name) {
  for (auto& q : aq.queries)
    if (q.name == name) return q;
  throw std::runtime_error("no query " + name);
}

std::unique_ptr<flash::driver::SqlConnection> connect_env(const char* var) {
  const char* url = std::getenv(var);
  if (!url || !*url) return nullptr;
  return flash::driver::connect_sql(flash::config::parse_database_url(url));
}

// ---- compare() without a database

flash::query::Query one_column_query(TypeCategory cat, bool nullable) {
  flash::query::Query q;
  q.name = "Q";
  q.file = "q.sql";
  q.loc = {"q.sql", 3, 1};
  flash::query::Column c;
  c.name = "id";
  c.type.category = cat;
  c.nullable = nullable;
  q.columns.push_back(c);
  return q;
}

flash::driver::StatementDescription one_column(const std::string& base, std::optional<bool> nullable) {
  flash::driver::StatementDescription d;
  flash::driver::DescribedColumn c;
  c.name = "id";
  c.type.name = c.type.base = base;
  c.nullable = nullable;
  d.columns.push_back(c);
  return d;
}

TEST(VerifyCompare, SameTypeAndNullabilityIsClean) {
  flash::verify::Result r;
  flash::verify::compare(one_column_query(TypeCategory::int32, false), one_column("int4", std::nullopt),
                         Dialect::postgresql, r);
  EXPECT_TRUE(r.diagnostics.empty()) << describe(r.diagnostics);
  EXPECT_EQ(r.columns_checked, 1);
}

TEST(VerifyCompare, TypeMismatchIsLocatedAndNamed) {
  flash::verify::Result r;
  flash::verify::compare(one_column_query(TypeCategory::int64, false), one_column("int4", std::nullopt),
                         Dialect::postgresql, r);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  const auto& d = r.diagnostics[0];
  EXPECT_EQ(d.code, "gen.verify");
  EXPECT_EQ(d.location.file, "q.sql");
  EXPECT_EQ(d.location.line, 3);
  EXPECT_EQ(d.exit_code, flash::diag::ExitCode::check_failed);
  EXPECT_NE(d.message.find("query Q"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("`id`"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("int64"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("int4"), std::string::npos) << d.message;
}

TEST(VerifyCompare, MysqlNullabilityBothWays) {
  flash::verify::Result r;
  auto d = one_column("BIGINT", true);
  // "Maybe NULL" of an expression is MySQL being conservative (a COUNT subquery is "maybe NULL").
  flash::verify::compare(one_column_query(TypeCategory::int64, false), d, Dialect::mysql, r);
  EXPECT_TRUE(r.diagnostics.empty()) << describe(r.diagnostics);
  // Of a table column it is exact: when we, too, read the column straight from the table.
  d.columns[0].table = "users";
  d.columns[0].column = "id";
  auto direct = one_column_query(TypeCategory::int64, false);
  direct.columns[0].table = "users";
  flash::verify::compare(direct, d, Dialect::mysql, r);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_NE(r.diagnostics[0].message.find("NOT NULL"), std::string::npos);
  // Read through a derived table (our column has no table), MariaDB's "maybe NULL" is conservative
  // again although it names the base table.
  r = {};
  flash::verify::compare(one_column_query(TypeCategory::int64, false), d, Dialect::mysql, r);
  EXPECT_TRUE(r.diagnostics.empty()) << describe(r.diagnostics);
  r = {};
  flash::verify::compare(one_column_query(TypeCategory::int64, true), one_column("BIGINT", false), Dialect::mysql, r);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_NE(r.diagnostics[0].message.find("never NULL"), std::string::npos);
}

TEST(VerifyCompare, SourceColumnNullabilityIsOneSided) {
  auto d = one_column("int4", std::nullopt);
  d.columns[0].table = "users";
  d.columns[0].column = "age";
  d.columns[0].source_not_null = false;
  flash::verify::Result r;
  flash::verify::compare(one_column_query(TypeCategory::int32, false), d, Dialect::postgresql, r);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_NE(r.diagnostics[0].message.find("users.age"), std::string::npos);
  // Nullable in the result while NOT NULL in the table: an outer join does that; not reported.
  d.columns[0].source_not_null = true;
  r = {};
  flash::verify::compare(one_column_query(TypeCategory::int32, true), d, Dialect::postgresql, r);
  EXPECT_TRUE(r.diagnostics.empty()) << describe(r.diagnostics);
}

TEST(VerifyCompare, ExpressionsWithoutDeclaredTypeAreSkipped) {
  flash::verify::Result r;
  flash::verify::compare(one_column_query(TypeCategory::int64, false), one_column("", std::nullopt), Dialect::sqlite, r);
  EXPECT_TRUE(r.diagnostics.empty());
  EXPECT_EQ(r.columns_checked, 0);
}

TEST(VerifyCompare, ExecKindsHaveNoColumnsToCompare) {
  auto q = one_column_query(TypeCategory::int32, false);
  q.columns.clear();
  q.kind = flash::query::Kind::exec;
  flash::verify::Result r;
  flash::verify::compare(q, one_column("int4", std::nullopt), Dialect::postgresql, r);
  EXPECT_TRUE(r.diagnostics.empty()) << describe(r.diagnostics);
  q.kind = flash::query::Kind::many;
  flash::verify::compare(q, one_column("int4", std::nullopt), Dialect::postgresql, r);
  EXPECT_EQ(r.diagnostics.size(), 1u);
}

TEST(VerifyCompare, MysqlExpressionIntegersMayBeWiderOnOurSide) {
  flash::verify::Result r;
  flash::verify::compare(one_column_query(TypeCategory::int64, false), one_column("INT", false), Dialect::mysql, r);
  EXPECT_TRUE(r.diagnostics.empty()) << describe(r.diagnostics);
  auto d = one_column("INT", false);
  d.columns[0].table = "t";
  d.columns[0].column = "n";
  flash::verify::compare(one_column_query(TypeCategory::int64, false), d, Dialect::mysql, r);
  EXPECT_EQ(r.diagnostics.size(), 1u) << describe(r.diagnostics);
}

TEST(VerifyCompare, ColumnAndParameterCounts) {
  auto q = one_column_query(TypeCategory::int32, false);
  flash::query::Param p;
  p.number = 1;
  p.name = "id";
  p.type.category = TypeCategory::int32;
  q.params.push_back(p);
  flash::driver::StatementDescription d;  // no parameters, no columns
  flash::verify::Result r;
  flash::verify::compare(q, d, Dialect::sqlite, r);
  EXPECT_TRUE(has_message(r.diagnostics, "we bind 1 parameter(s), SQLite counts 0")) << describe(r.diagnostics);
  EXPECT_TRUE(has_message(r.diagnostics, "we infer 1 result column(s) (id), SQLite returns 0")) << describe(r.diagnostics);
}

TEST(VerifyCompare, PostgresParameterWideningIsFine) {
  flash::query::Query q;
  q.name = "Q";
  flash::query::Param p;
  p.number = 1;
  p.name = "limit";
  p.type.category = TypeCategory::int32;
  q.params.push_back(p);
  flash::driver::StatementDescription d;
  d.param_count = 1;
  d.params.push_back({.name = "bigint", .id = 20, .base = "int8"});
  flash::verify::Result r;
  flash::verify::compare(q, d, Dialect::postgresql, r);
  EXPECT_TRUE(r.diagnostics.empty()) << describe(r.diagnostics);
  // The other way round a value we send may not fit.
  q.params[0].type.category = TypeCategory::int64;
  d.params[0] = {.name = "integer", .id = 23, .base = "int4"};
  flash::verify::compare(q, d, Dialect::postgresql, r);
  EXPECT_TRUE(has_message(r.diagnostics, "parameter $1 `limit`")) << describe(r.diagnostics);
}

// ---- the client projects on real databases

// Runs the project clean, then deliberate errors, each of which must be reported. `where` receives
// where the clean run happened (Result::where).
void clean_then_broken(const std::string& engine, Dialect d, flash::driver::SqlConnection* conn,
                       std::string* where = nullptr) {
  Project pr = load_project(engine, d);
  auto r = flash::verify::verify_queries(pr.schema, pr.queries, conn);
  EXPECT_TRUE(r.diagnostics.empty()) << engine << ":\n" << describe(r.diagnostics);
  EXPECT_EQ(r.queries, static_cast<int>(pr.queries.queries.size()));
  if (where) *where = r.where;
  EXPECT_GT(r.columns_checked, 20) << r.where;
  if (d == Dialect::postgresql) {
    EXPECT_GT(r.params_checked, 10);
  }

  {  // a flipped type: users.email is text
    auto aq = pr.queries;
    auto& q = find(aq, "GetUserByEmail");
    ASSERT_EQ(q.columns[1].name, "email");
    q.columns[1].type.category = TypeCategory::int32;
    auto bad = flash::verify::verify_queries(pr.schema, aq, conn);
    EXPECT_EQ(bad.diagnostics.size(), 1u) << describe(bad.diagnostics);
    EXPECT_TRUE(has_message(bad.diagnostics, "query GetUserByEmail: column 2 `email`: we infer int32"))
        << describe(bad.diagnostics);
    EXPECT_EQ(bad.diagnostics.at(0).location, q.loc);
  }
  {  // a flipped nullability: users.name is nullable
    auto aq = pr.queries;
    auto& q = find(aq, "GetUserByEmail");
    ASSERT_EQ(q.columns[2].name, "name");
    ASSERT_TRUE(q.columns[2].nullable);
    q.columns[2].nullable = false;
    auto bad = flash::verify::verify_queries(pr.schema, aq, conn);
    EXPECT_EQ(bad.diagnostics.size(), 1u) << describe(bad.diagnostics);
    EXPECT_TRUE(has_message(bad.diagnostics, "column 3 `name`: we infer NOT NULL")) << describe(bad.diagnostics);
  }
  {  // the outer-joined side: NOT NULL in the table, nullable in the result
    auto aq = pr.queries;
    auto& q = find(aq, "ListUsersWithPosts");
    ASSERT_EQ(q.columns[3].name, "post_title");
    ASSERT_TRUE(q.columns[3].nullable);
    q.columns[3].nullable = false;
    auto bad = flash::verify::verify_queries(pr.schema, aq, conn);
    // Only MySQL reports result nullability; PostgreSQL and SQLite see a NOT NULL source column.
    if (d == Dialect::mysql) {
      EXPECT_TRUE(has_message(bad.diagnostics, "column 4 `post_title`: we infer NOT NULL")) << describe(bad.diagnostics);
    } else {
      EXPECT_TRUE(bad.diagnostics.empty()) << describe(bad.diagnostics);
    }
  }
  {  // a dropped column and a dropped parameter
    auto aq = pr.queries;
    auto& q = find(aq, "GetUserByEmail");
    q.columns.pop_back();
    q.params.clear();
    q.bind_order.clear();
    auto bad = flash::verify::verify_queries(pr.schema, aq, conn);
    EXPECT_TRUE(has_message(bad.diagnostics, "we infer 2 result column(s) (id, email)")) << describe(bad.diagnostics);
    EXPECT_TRUE(has_message(bad.diagnostics, "we bind 0 parameter(s)")) << describe(bad.diagnostics);
  }
  {  // SQL the database rejects; the run goes on with the next query
    auto aq = pr.queries;
    find(aq, "GetUser").sql = "SELECT no_such_column FROM users";
    auto bad = flash::verify::verify_queries(pr.schema, aq, conn);
    ASSERT_EQ(bad.diagnostics.size(), 1u) << describe(bad.diagnostics);
    EXPECT_TRUE(has_message(bad.diagnostics, "query GetUser: ")) << describe(bad.diagnostics);
    EXPECT_TRUE(has_message(bad.diagnostics, "rejects it")) << describe(bad.diagnostics);
    EXPECT_EQ(bad.queries, static_cast<int>(aq.queries.size()) - 1);
  }
}

TEST(VerifyLive, SqliteInMemory) { clean_then_broken("sqlite", Dialect::sqlite, nullptr); }

TEST(VerifyLive, Postgres) {
  auto conn = connect_env("FLASH_TEST_PG_URL");
  if (!conn) GTEST_SKIP() << "FLASH_TEST_PG_URL not set";
  clean_then_broken("postgresql", Dialect::postgresql, conn.get());
  // Nothing is left behind, and the connection is usable outside any transaction.
  auto rs = conn->query("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'flash\\_verify\\_%'");
  EXPECT_EQ(std::get<std::int64_t>(rs.rows.at(0).at(0)), 0);
  EXPECT_NO_THROW(conn->execute("BEGIN; ROLLBACK"));
}

// openfga's PostgreSQL goose migrations (shared corpus) end with CREATE INDEX CONCURRENTLY, which
// PostgreSQL refuses inside the transaction the scratch schema is loaded in: the scratch copy
// builds it as a plain CREATE INDEX, and the index is there for the queries.
TEST(VerifyLive, PostgresConcurrentIndexOfOpenfga) {
  auto conn = connect_env("FLASH_TEST_PG_URL");
  if (!conn) GTEST_SKIP() << "FLASH_TEST_PG_URL not set";
  const fs::path dir = fs::path(FLASH_CORPUS_DIR) / "openfga/migrations/postgres";
  if (!fs::exists(dir)) GTEST_SKIP() << "corpus not found: " << dir;
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".sql") paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  std::vector<flash::sql::SourceFile> files;
  for (const auto& p : paths) files.push_back({p.string(), flash::test::slurp(p)});
  flash::diag::Diagnostics diags;
  const auto schema = flash::sql::parse_schema(files, Dialect::postgresql, diags);
  ASSERT_FALSE(flash::diag::has_errors(diags)) << describe(diags);
  ASSERT_TRUE(std::any_of(schema.indexes.begin(), schema.indexes.end(),
                          [](const auto& i) { return i.name == "idx_user_lookup" && i.concurrently; }));
  // A query the index serves, prepared and described by the server against the scratch schema.
  const auto aq = flash::query::analyze_queries(
      schema, {{"q.sql", "-- name: Lookup :many\nSELECT object_id FROM tuple WHERE store = $1 AND _user = $2;\n"}}, diags);
  ASSERT_FALSE(flash::diag::has_errors(diags)) << describe(diags);
  const auto r = flash::verify::verify_queries(schema, aq, conn.get());
  EXPECT_EQ(r.queries, 1);
  EXPECT_TRUE(r.diagnostics.empty()) << describe(r.diagnostics);
  auto rs = conn->query("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'flash\\_verify\\_%'");
  EXPECT_EQ(std::get<std::int64_t>(rs.rows.at(0).at(0)), 0);
}

TEST(VerifyLive, Mysql) {
  auto conn = connect_env("FLASH_TEST_MYSQL_URL");
  if (!conn) GTEST_SKIP() << "FLASH_TEST_MYSQL_URL not set";
  auto before = conn->query("SELECT DATABASE()");
  std::string where;
  clean_then_broken("mysql", Dialect::mysql, conn.get(), &where);
  // The scratch database is gone (other runs may have theirs at the same time: only ours counts).
  const auto at = where.find("flash_verify_");
  ASSERT_NE(at, std::string::npos) << where;
  const flash::driver::Value scratch = where.substr(at);
  auto rs = conn->query("SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?", {&scratch, 1});
  EXPECT_EQ(std::get<std::int64_t>(rs.rows.at(0).at(0)), 0);
  // Back on the database it started on.
  EXPECT_EQ(conn->query("SELECT DATABASE()").rows, before.rows);
}

TEST(VerifyLive, SchemaThatDoesNotLoadIsAnError) {
  Project pr = load_project("sqlite", Dialect::sqlite);
  flash::schema::RawStatement raw;
  raw.sql = "CREATE TABLE broken (";
  pr.schema.raw.push_back(raw);
  try {
    flash::verify::verify_queries(pr.schema, pr.queries, nullptr);
    FAIL() << "expected an error";
  } catch (const flash::diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "gen.verify");
    EXPECT_NE(e.diagnostic().message.find("schema does not load"), std::string::npos) << e.diagnostic().message;
  }
}

}  // namespace

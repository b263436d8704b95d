// The C++ generator on hand-built requests: settings errors, skipped queries, identifiers that are
// C++ keywords, SQL that would end a raw string literal, the file set, and (when a C++ compiler is
// on PATH) that the generated headers compile with -Wall -Wextra -Werror. The executed proof
// against real databases is tests/clients/cpp/run.sh (ctest label "clients").
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "flash/codegen/cpp/cpp.hpp"

using namespace flash;
using namespace flash::codegen;
using schema::Dialect;
using schema::TypeCategory;

namespace {

query::ResolvedType rt(const std::string& name, TypeCategory c) {
  query::ResolvedType t;
  t.sql.name = name;
  t.category = c;
  return t;
}

query::Query make_query(const std::string& name, query::Kind kind, const std::string& sql) {
  query::Query q;
  q.name = name;
  q.kind = kind;
  q.sql = q.source_sql = sql;
  q.file = "db/queries/main.sql";
  q.loc = {"db/queries/main.sql", 3, 1};
  return q;
}

struct Built {
  std::shared_ptr<schema::Schema> schema = std::make_shared<schema::Schema>();
  std::shared_ptr<query::AnalyzedQueries> queries = std::make_shared<query::AnalyzedQueries>();
};

Response run(const Built& b, Dialect d, const std::string& driver, const std::string& package = "db") {
  b.schema->dialect = d;
  b.queries->dialect = d;
  config::GenTarget t;
  t.language = "cpp";
  t.enabled = true;
  t.out = "gen";
  t.driver = driver;
  t.settings["package"] = package;
  return cpp::generate(make_request(b.schema, b.queries, t, "test"));
}

const File* file(const Response& r, const std::string& path) {
  for (const auto& f : r.files)
    if (f.path == path) return &f;
  return nullptr;
}

// A table "class" (a C++ keyword) with columns "namespace" and "id", and queries over it.
Built keyword_project() {
  Built b;
  schema::Table t;
  t.name = "class";
  for (const auto& [n, type] : {std::pair{"id", "bigint"}, {"namespace", "text"}}) {
    schema::Column c;
    c.name = n;
    c.type.name = type;
    c.nullable = std::string(n) == "namespace";
    t.columns.push_back(c);
  }
  b.schema->tables.push_back(t);
  auto get = make_query("Delete", query::Kind::one, "SELECT id, \"namespace\" FROM \"class\" WHERE id = $1 AND ')SQL\"' <> ''");
  query::Param p;
  p.number = 1;
  p.name = "operator";
  p.type = rt("bigint", TypeCategory::int64);
  get.params.push_back(p);
  query::Column c1{"id", rt("bigint", TypeCategory::int64), false, "class", ""};
  query::Column c2{"namespace", rt("text", TypeCategory::text), true, "class", ""};
  get.columns = {c1, c2};
  b.queries->queries.push_back(get);
  return b;
}

}  // namespace

TEST(CppGenerate, RejectsUnknownOrMismatchedDriver) {
  const Built b = keyword_project();
  auto r = run(b, Dialect::postgresql, "mariadb");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, "codegen.setting");
  EXPECT_TRUE(r.files.empty());
  r = run(b, Dialect::sqlite, "odbc");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_NE(r.diagnostics[0].hint->find("sqlite3"), std::string::npos);
  EXPECT_TRUE(r.files.empty());
  EXPECT_TRUE(run(b, Dialect::postgresql, "libpq").diagnostics.empty());
  EXPECT_TRUE(run(b, Dialect::postgresql, "").diagnostics.empty());  // the dialect's default
}

TEST(CppGenerate, FilesPerBackend) {
  const Built b = keyword_project();
  for (const auto& [d, runtime] : {std::pair{Dialect::postgresql, "flash_pg.hpp"}, {Dialect::mysql, "flash_mysql.hpp"},
                                   {Dialect::sqlite, "flash_sqlite.hpp"}}) {
    const auto r = run(b, d, "");
    std::vector<std::string> paths;
    for (const auto& f : r.files) paths.push_back(f.path);
    EXPECT_EQ(paths, (std::vector<std::string>{runtime, "models.hpp", "main.hpp", "queries.hpp"}));
  }
}

TEST(CppGenerate, KeywordsAndRawStringDelimiters) {
  const auto r = run(keyword_project(), Dialect::postgresql, "libpq", "namespace");
  ASSERT_TRUE(r.diagnostics.empty());
  const File* models = file(r, "models.hpp");
  const File* q = file(r, "main.hpp");
  ASSERT_TRUE(models && q);
  EXPECT_NE(models->content.find("namespace namespace_ {"), std::string::npos);
  EXPECT_NE(models->content.find("struct Class {"), std::string::npos);
  EXPECT_NE(models->content.find("std::optional<std::string> namespace_{};"), std::string::npos);
  EXPECT_NE(q->content.find("delete_(flash::pg::Connection& db, std::int64_t operator_)"), std::string::npos);
  // The SQL holds `)SQL"`: the literal's delimiter grows until it does not occur.
  EXPECT_NE(q->content.find("R\"SQL_("), std::string::npos) << q->content;
}

TEST(CppGenerate, SkipsWhatTheBackendCannotDo) {
  Built b = keyword_project();
  b.queries->queries.push_back(make_query("InsertClass", query::Kind::execlastid, "INSERT INTO \"class\" DEFAULT VALUES"));
  b.queries->queries.push_back(make_query("Touch", query::Kind::batchexec, "UPDATE \"class\" SET id = id"));
  auto r = run(b, Dialect::postgresql, "libpq");
  ASSERT_EQ(r.diagnostics.size(), 2u);
  for (const auto& d : r.diagnostics) {
    EXPECT_EQ(d.code, "codegen.unsupported");
    EXPECT_EQ(d.severity, diag::Severity::warning);
    EXPECT_EQ(d.location.line, 3);
  }
  EXPECT_EQ(file(r, "main.hpp")->content.find("insert_class"), std::string::npos);
  // SQLite has a last insert id: only the batch without parameters is skipped.
  r = run(b, Dialect::sqlite, "sqlite3");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_NE(file(r, "main.hpp")->content.find("std::int64_t insert_class(flash::sqlite::Connection& db)"), std::string::npos);
}

TEST(CppGenerate, GeneratedHeadersCompile) {
  if (std::system("command -v c++ >/dev/null 2>&1") != 0) GTEST_SKIP() << "no C++ compiler on PATH";
  char tmpl[] = "/tmp/flash-cpp-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::filesystem::path dir(tmpl);
  Built b = keyword_project();
  b.queries->queries.push_back(make_query("InsertClass", query::Kind::execlastid, "INSERT INTO \"class\" DEFAULT VALUES"));
  for (const auto& [d, flags] : {std::pair{Dialect::postgresql, "-I/usr/include/postgresql"},
                                 {Dialect::mysql, "-I/usr/include/mariadb"}, {Dialect::sqlite, ""}}) {
    b.queries->queries[0].sql = d == Dialect::postgresql ? "SELECT id, \"namespace\" FROM \"class\" WHERE id = $1"
                                : d == Dialect::mysql    ? "SELECT id, `namespace` FROM `class` WHERE id = ?"
                                                         : "SELECT id, \"namespace\" FROM \"class\" WHERE id = ?1";
    const auto r = run(b, d, "", "db");
    const auto out = dir / std::string(schema::to_string(d));
    std::filesystem::create_directories(out);
    for (const auto& f : r.files) std::ofstream(out / f.path) << f.content;
    std::ofstream(out / "main.cpp") << "#include \"queries.hpp\"\nint main() { return 0; }\n";
    const std::string cmd = "c++ -std=c++20 -fsyntax-only -Wall -Wextra -Werror " + std::string(flags) + " -I" +
                            out.string() + " " + (out / "main.cpp").string() + " 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  std::filesystem::remove_all(dir);
}

// Whole-schema checks (sql/validate.hpp) run by parse_schema, and the keyword checks of the
// MySQL/SQLite parser: invalid input that used to pass `schema`/`migrate` and fail only at apply.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "flash/config/url.hpp"
#include "flash/driver/connection.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/sql/validate.hpp"

namespace {

using namespace flash;
using schema::Dialect;

struct Result {
  schema::Schema model;
  diag::Diagnostics diags;
};

Result parse(Dialect d, std::vector<sql::SourceFile> files) {
  Result r;
  r.model = sql::parse_schema(files, d, r.diags);
  return r;
}
Result parse(Dialect d, const std::string& sql) { return parse(d, {{"schema.sql", sql}}); }

std::string dump(const diag::Diagnostics& ds) {
  std::string out;
  for (const auto& d : ds)
    out += d.location.file + ":" + std::to_string(d.location.line) + ":" + std::to_string(d.location.column) + " " +
           d.code + " " + d.message + (d.hint ? " [" + *d.hint + "]" : "") + "\n";
  return out;
}

const diag::Diagnostic& only(const Result& r) {
  EXPECT_EQ(r.diags.size(), 1u) << dump(r.diags);
  static const diag::Diagnostic none;
  return r.diags.empty() ? none : r.diags.front();
}

const std::vector<Dialect> kAll = {Dialect::postgresql, Dialect::mysql, Dialect::sqlite};

TEST(Validate, ForeignKeysResolveAcrossFilesAndLaterAlters) {
  for (Dialect d : kAll) {
    const auto r = parse(d, {{"a.sql", "CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users (id));\n"},
                             {"b.sql", "CREATE TABLE users (id int PRIMARY KEY, org_id int);\n"
                                       "CREATE TABLE orgs (id int PRIMARY KEY);\n"
                                       "ALTER TABLE users ADD CONSTRAINT fk_org FOREIGN KEY (org_id) REFERENCES orgs (id);\n"}});
    EXPECT_TRUE(r.diags.empty()) << dump(r.diags);
  }
}

TEST(Validate, ForeignKeyToUnknownTableIsLocatedWithDidYouMean) {
  for (Dialect d : kAll) {
    const auto r = parse(d, "CREATE TABLE users (id int PRIMARY KEY);\n"
                            "CREATE TABLE posts (\n  id int PRIMARY KEY,\n  user_id int REFERENCES userz (id)\n);\n");
    const auto& e = only(r);
    EXPECT_EQ(e.code, "sql.unknown-table");
    EXPECT_EQ(e.location.line, 4);
    EXPECT_EQ(e.location.column, 26);
    EXPECT_EQ(e.hint.value_or(""), "did you mean `users`?");
    EXPECT_EQ(e.source_line, "  user_id int REFERENCES userz (id)");
  }
}

TEST(Validate, ForeignKeyToUnknownColumnAndCountMismatch) {
  for (Dialect d : kAll) {
    auto r = parse(d, "CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE posts (uid int REFERENCES users (idd));\n");
    EXPECT_EQ(only(r).code, "sql.unknown-column") << dump(r.diags);
    EXPECT_EQ(only(r).hint.value_or(""), "did you mean `id`?");
    r = parse(d, "CREATE TABLE users (id int, org int, PRIMARY KEY (id, org));\n"
                 "CREATE TABLE posts (uid int, FOREIGN KEY (uid) REFERENCES users (id, org));\n");
    EXPECT_EQ(only(r).code, "sql.foreign-key") << dump(r.diags);
  }
}

TEST(Validate, DuplicateColumn) {
  // MySQL/SQLite stop at the second declaration while parsing; PostgreSQL's parse tree keeps both.
  for (Dialect d : kAll) {
    const auto r = parse(d, "CREATE TABLE t (\n  a int,\n  a text\n);\n");
    EXPECT_EQ(only(r).code, "sql.duplicate") << dump(r.diags);
    EXPECT_EQ(only(r).location.line, 3);
  }
}

TEST(Validate, IndexOnUnknownColumn) {
  // PostgreSQL only: the MySQL/SQLite parser already rejects it at the CREATE INDEX.
  const auto r = parse(Dialect::postgresql, "CREATE TABLE t (email text);\nCREATE INDEX t_mail ON t (emial);\n");
  EXPECT_EQ(only(r).code, "sql.unknown-column") << dump(r.diags);
  EXPECT_EQ(only(r).hint.value_or(""), "did you mean `email`?");
  for (Dialect d : {Dialect::mysql, Dialect::sqlite})
    EXPECT_EQ(only(parse(d, "CREATE TABLE t (email text);\nCREATE INDEX t_mail ON t (emial);\n")).code,
              "sql.unknown-column");
}

TEST(Validate, PostgresTypes) {
  auto r = parse(Dialect::postgresql, "CREATE TABLE t (\n  id integr\n);\n");
  EXPECT_EQ(only(r).code, "sql.unknown-type") << dump(r.diags);
  EXPECT_EQ(only(r).hint.value_or(""), "did you mean `integer`?");
  EXPECT_EQ(only(r).location.line, 2);
  // The project's own types, tables as row types, arrays, qualified names, common extensions.
  r = parse(Dialect::postgresql,
            "CREATE TYPE mood AS ENUM ('a');\nCREATE DOMAIN email AS text;\nCREATE TYPE pair AS (a int, b int);\n"
            "CREATE TYPE floatrange AS RANGE (subtype = float8);\nCREATE SCHEMA app;\nCREATE TYPE app.state AS ENUM ('x');\n"
            "CREATE TABLE other (id int);\n"
            "CREATE TABLE t (a mood, b email, c pair[], d floatrange, e app.state, f other, g citext, h vector(3),"
            " i timestamp with time zone, j double precision, k pg_catalog.int4, l \"char\", m bit varying(3),"
            " n information_schema.sql_identifier, o tsvector, p character varying(9));\n");
  EXPECT_TRUE(r.diags.empty()) << dump(r.diags);
  // Types of a created extension are known; an extension Flash has no list for switches the check off.
  EXPECT_TRUE(parse(Dialect::postgresql, "CREATE EXTENSION isn;\nCREATE TABLE t (a isbn13);\n").diags.empty());
  EXPECT_TRUE(parse(Dialect::postgresql, "CREATE EXTENSION pg_whatever;\nCREATE TABLE t (a some_type);\n").diags.empty());
  EXPECT_EQ(only(parse(Dialect::postgresql, "CREATE EXTENSION citext;\nCREATE TABLE t (a isbn13);\n")).code,
            "sql.unknown-type");
}

TEST(Validate, MysqlAndSqliteTypes) {
  EXPECT_EQ(only(parse(Dialect::mysql, "CREATE TABLE t (a integr);\n")).code, "sql.unknown-type");
  EXPECT_TRUE(parse(Dialect::mysql, "CREATE TABLE t (a INTEGER UNSIGNED, b BOOL, c NATIONAL VARCHAR(3), d DOUBLE "
                                    "PRECISION, e LONG VARBINARY, f SERIAL, g FIXED(3,1), h INET6, i POINT);\n")
                  .diags.empty());
  // SQLite accepts any type name, except in STRICT tables.
  EXPECT_TRUE(parse(Dialect::sqlite, "CREATE TABLE t (a whatever, b datetime);\n").diags.empty());
  const auto r = parse(Dialect::sqlite, "CREATE TABLE t (a INT, b datetime) STRICT;\n");
  EXPECT_EQ(only(r).code, "sql.unknown-type") << dump(r.diags);
}

TEST(Validate, IdentifierLengthLimits) {
  const std::string n63(63, 'a'), n64(64, 'a'), n65(65, 'a');
  EXPECT_TRUE(parse(Dialect::postgresql, "CREATE TABLE " + n63 + " (id int);\n").diags.empty());
  auto r = parse(Dialect::postgresql, "CREATE TABLE t (" + n64 + " int);\n");
  EXPECT_EQ(only(r).code, "sql.name-too-long");
  EXPECT_NE(only(r).hint.value_or("").find("truncate"), std::string::npos);
  EXPECT_TRUE(parse(Dialect::mysql, "CREATE TABLE " + n64 + " (id int);\n").diags.empty());
  EXPECT_EQ(only(parse(Dialect::mysql, "CREATE TABLE " + n65 + " (id int);\n")).code, "sql.name-too-long");
  // MySQL counts characters: 64 two-byte characters are fine.
  std::string wide;
  for (int i = 0; i < 64; ++i) wide += "\xc3\xa9";
  EXPECT_TRUE(parse(Dialect::mysql, "CREATE TABLE `" + wide + "` (id int);\n").diags.empty());
  EXPECT_TRUE(parse(Dialect::sqlite, "CREATE TABLE " + std::string(300, 'x') + " (id int);\n").diags.empty());
}

TEST(Validate, MisspelledKeywordsAreSyntaxErrorsNotRawStatements) {
  for (Dialect d : {Dialect::mysql, Dialect::sqlite}) {
    auto r = parse(d, "CREATE TABEL users (id int);\n");
    EXPECT_EQ(only(r).code, "sql.syntax") << dump(r.diags);
    EXPECT_EQ(only(r).location.column, 8);
    EXPECT_EQ(only(r).hint.value_or(""), "did you mean `TABLE`?");
    EXPECT_TRUE(r.model.raw.empty());
    r = parse(d, "CREATE TABLE t (id int);\nALTER TABEL t ADD COLUMN x int;\n");
    EXPECT_EQ(only(r).hint.value_or(""), "did you mean `TABLE`?");
    r = parse(d, "CRATE TABLE t (id int);\n");
    EXPECT_EQ(only(r).hint.value_or(""), "did you mean `CREATE`?");
    r = parse(d, "DROP TABEL t;\n");
    EXPECT_EQ(only(r).code, "sql.syntax");
  }
  // Statements of the dialect that the model does not represent are still kept.
  const auto r = parse(Dialect::mysql, "CREATE USER app IDENTIFIED BY 'x';\nDROP USER app;\n");
  EXPECT_TRUE(r.diags.empty()) << dump(r.diags);
  EXPECT_EQ(r.model.raw.size(), 2u);
  EXPECT_EQ(only(parse(Dialect::sqlite, "CREATE USER app;\n")).code, "sql.syntax");
}

// The PostgreSQL type list is the server's own (pg_type of pg_catalog).
TEST(Validate, PostgresBuiltinTypesMatchTheServer) {
  const char* url = std::getenv("FLASH_TEST_PG_URL");
  if (!url) GTEST_SKIP() << "FLASH_TEST_PG_URL not set";
  auto conn = driver::connect_sql(config::parse_database_url(url));
  const auto rs = conn->query(
      "SELECT typname::text FROM pg_type WHERE typnamespace = 'pg_catalog'::regnamespace "
      "AND typtype IN ('b', 'p', 'r', 'm') AND typname NOT LIKE '\\_%' ORDER BY 1");
  const auto& ours = sql::builtin_type_names(Dialect::postgresql);
  std::set<std::string> server;
  for (const auto& row : rs.rows) server.insert(driver::to_display(row[0]));
  for (const auto& n : server) EXPECT_NE(std::find(ours.begin(), ours.end(), n), ours.end()) << n;
}

// Every MySQL type name Flash accepts is one the server accepts, and a misspelt one is not.
TEST(Validate, MysqlTypesAreTheServers) {
  const char* url = std::getenv("FLASH_TEST_MYSQL_URL");
  if (!url) GTEST_SKIP() << "FLASH_TEST_MYSQL_URL not set";
  auto conn = driver::connect_sql(config::parse_database_url(url));
  conn->execute("DROP TABLE IF EXISTS flash_validate_types");
  const bool mariadb = conn->server_version().find("MariaDB") != std::string::npos;
  for (const auto& n : sql::builtin_type_names(Dialect::mysql)) {
    if (mariadb && n == "geomcollection") continue;  // MySQL 8's alias of geometrycollection
    const std::string ty = n == "enum" || n == "set" ? n + "('a')" : n == "nvarchar" || n == "varchar" || n == "varbinary" ? n + "(3)" : n;
    EXPECT_NO_THROW(conn->execute("CREATE TABLE flash_validate_types (c " + ty + ")")) << ty;
    conn->execute("DROP TABLE IF EXISTS flash_validate_types");
  }
  EXPECT_ANY_THROW(conn->execute("CREATE TABLE flash_validate_types (c integr)"));
  conn->execute("DROP TABLE IF EXISTS flash_validate_types");
}

}  // namespace

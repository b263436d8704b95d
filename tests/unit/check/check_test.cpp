// flash check (src/flash/check): queries against the schema before and after pending migrations,
// on the three SQL dialects; and through the real binary: `check`, `apply` refusing before it runs
// anything, `apply --no-check`, `migrate --check` keeping no file, and `check --rolling` reading
// the previous commit's queries with git.
#include <gtest/gtest.h>

#include <cstdlib>

#include "flash/check/check.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/util/process.hpp"
#include "support/flash_run.hpp"

namespace {

using flash::schema::Dialect;
namespace fs = std::filesystem;

const char* kBefore =
    "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, email VARCHAR(100), age INTEGER);\n";

flash::schema::Schema parse(const std::string& ddl, Dialect d) {
  flash::diag::Diagnostics diags;
  auto s = flash::sql::parse_schema({{"schema.sql", ddl}}, d, diags);
  EXPECT_FALSE(flash::diag::has_errors(diags));
  return s;
}

std::string ph(Dialect d, int n) { return d == Dialect::postgresql ? "$" + std::to_string(n) : "?"; }

flash::check::Report run(const std::string& after_ddl, const std::string& queries, Dialect d) {
  flash::check::Request r;
  r.before = parse(kBefore, d);
  r.after = parse(after_ddl, d);
  r.sets.push_back({"queries", {{"db/queries/users.sql", queries}}});
  return flash::check::check_queries(r);
}

class Check : public ::testing::TestWithParam<Dialect> {};

// A query that fails before the migrations too is still reported, as not the migrations' doing.
TEST_P(Check, AQueryBrokenBeforeIsReportedAsAlreadyBroken) {
  const Dialect d = GetParam();
  const std::string q = "-- name: Bad :many\nSELECT nickname FROM users;\n";
  auto rep = run(kBefore, q, d);
  ASSERT_EQ(rep.findings.size(), 1u);
  EXPECT_EQ(rep.findings[0].diag.code, "check.already-broken");
}

TEST_P(Check, ADroppedColumnBreaksTheQueriesThatUseItAtTheirLocation) {
  const Dialect d = GetParam();
  const std::string q = "-- name: GetUser :one\nSELECT id, name FROM users WHERE id = " + ph(d, 1) +
                        ";\n\n-- name: GetEmail :one\nSELECT email FROM users WHERE id = " + ph(d, 1) + ";\n";
  auto rep = run("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, age INTEGER);\n", q, d);
  EXPECT_EQ(rep.queries, 2u);
  ASSERT_EQ(rep.findings.size(), 1u);
  const auto& f = rep.findings[0];
  EXPECT_EQ(f.query, "GetEmail");
  EXPECT_EQ(f.diag.code, "check.breaks");
  EXPECT_EQ(f.diag.location.file, "db/queries/users.sql");
  EXPECT_EQ(f.diag.location.line, 5);
  EXPECT_EQ(f.diag.location.column, 8);
  EXPECT_NE(f.diag.message.find("email"), std::string::npos) << f.diag.message;
  EXPECT_EQ(f.diag.exit_code, flash::diag::ExitCode::check_failed);
}

TEST_P(Check, ARenamedTableBreaksAndAnUntouchedSchemaFindsNothing) {
  const Dialect d = GetParam();
  const std::string q = "-- name: ListUsers :many\nSELECT id, name FROM users;\n";
  auto rep = run("CREATE TABLE members (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n", q, d);
  ASSERT_FALSE(rep.findings.empty());
  for (const auto& f : rep.findings) EXPECT_EQ(f.diag.code, "check.breaks") << f.diag.message;
  EXPECT_NE(rep.findings[0].diag.message.find("users"), std::string::npos) << rep.findings[0].diag.message;
  EXPECT_TRUE(run(kBefore, q, d).clean());
}

TEST_P(Check, ATypeChangeThatChangesTheGeneratedTypesIsReported) {
  const Dialect d = GetParam();
  const std::string q = "-- name: GetAge :one\nSELECT age FROM users WHERE id = " + ph(d, 1) + ";\n";
  auto rep = run("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, email VARCHAR(100), "
                 "age BIGINT NOT NULL);\n",
                 q, d);
  ASSERT_EQ(rep.findings.size(), 1u);
  const auto& f = rep.findings[0];
  EXPECT_EQ(f.diag.code, "check.type-changed");
  EXPECT_EQ(f.diag.location.line, 1);  // the query's annotation
  EXPECT_NE(f.diag.message.find("bigint NOT NULL"), std::string::npos) << f.diag.message;
  EXPECT_TRUE(f.diag.message.find("was integer NULL") != std::string::npos ||
              f.diag.message.find("was int NULL") != std::string::npos)
      << f.diag.message;
}

TEST_P(Check, ANewNotNullColumnAnInsertDoesNotSetBreaksIt) {
  const Dialect d = GetParam();
  const std::string q = "-- name: AddUser :exec\nINSERT INTO users (id, name) VALUES (" + ph(d, 1) + ", " + ph(d, 2) +
                        ");\n";
  const std::string cols = "id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, email VARCHAR(100), age INTEGER";
  auto rep = run("CREATE TABLE users (" + cols + ", team VARCHAR(20) NOT NULL);\n", q, d);
  ASSERT_EQ(rep.findings.size(), 1u);
  EXPECT_EQ(rep.findings[0].diag.code, "check.missing-not-null");
  EXPECT_NE(rep.findings[0].diag.message.find("team"), std::string::npos) << rep.findings[0].diag.message;
  // With a default, or set by the INSERT, nothing breaks.
  EXPECT_TRUE(run("CREATE TABLE users (" + cols + ", team VARCHAR(20) NOT NULL DEFAULT 'x');\n", q, d).clean());
  const std::string q2 = "-- name: AddUser :exec\nINSERT INTO users (id, name, team) VALUES (" + ph(d, 1) + ", " +
                         ph(d, 2) + ", 'a');\n";
  // (q2 names a column that only exists after the migration: the migration fixes it, nothing breaks.)
  EXPECT_TRUE(run("CREATE TABLE users (" + cols + ", team VARCHAR(20) NOT NULL);\n", q2, d).clean());
}

INSTANTIATE_TEST_SUITE_P(Dialects, Check, ::testing::Values(Dialect::postgresql, Dialect::mysql, Dialect::sqlite),
                         [](const auto& info) { return std::string(flash::schema::to_string(info.param)); });

// ---- through the binary ---------------------------------------------------------------------

struct Live {
  std::string provider, url, env;
};

std::vector<Live> live_targets(const fs::path& dir) {
  std::vector<Live> out{{"sqlite", "sqlite://" + (dir / "dev.db").string(), ""}};
  if (const char* pg = std::getenv("FLASH_TEST_PG_URL")) out.push_back({"postgresql", pg, ""});
  if (const char* my = std::getenv("FLASH_TEST_MYSQL_URL")) out.push_back({"mysql", my, ""});
  return out;
}

void write_project(const flash::test::TempDir& t, const std::string& provider) {
  t.write("flash.toml", "version = \"2\"\nschema_dir = \"db/schema\"\nqueries = \"db/queries\"\n"
                        "migrations_path = \"db/migrations\"\n\n[database]\nprovider = \"" +
                            provider + "\"\nurl_env = \"DATABASE_URL\"\n");
  t.write("db/schema/schema.sql", "CREATE TABLE ck_users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, "
                                  "email VARCHAR(100));\n");
  t.write("db/migrations/20240101000001_init.sql",
          "-- +migrate Up\nCREATE TABLE ck_users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, email "
          "VARCHAR(100));\n-- +migrate Down\nDROP TABLE ck_users;\n");
  const std::string p = provider == "postgresql" ? "$1" : "?";
  t.write("db/queries/users.sql", "-- name: GetEmail :one\nSELECT email FROM ck_users WHERE id = " + p + ";\n");
}

std::string env_for(const Live& l) { return "NO_COLOR=1 DATABASE_URL=" + flash::test::shell_quote(l.url); }

TEST(CheckCli, ApplyRefusesAMigrationThatBreaksAQueryBeforeRunningAnything) {
  const std::string bin = FLASH_BINARY;
  flash::test::TempDir scratch("flash-check-db");
  for (const Live& l : live_targets(scratch.path())) {
    SCOPED_TRACE(l.provider);
    flash::test::TempDir t("flash-check");
    write_project(t, l.provider);
    // A clean slate on the shared test database.
    flash::test::run_flash(bin, {"raw", "DROP TABLE IF EXISTS ck_users"}, t.path(), env_for(l));
    flash::test::run_flash(bin, {"raw", "DROP TABLE IF EXISTS _flash_migrations"}, t.path(), env_for(l));
    auto r = flash::test::run_flash(bin, {"apply"}, t.path(), env_for(l));
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    r = flash::test::run_flash(bin, {"check"}, t.path(), env_for(l));
    EXPECT_EQ(r.code, 0) << r.out << r.err;

    t.write("db/migrations/20240101000002_drop_email.sql",
            "-- +migrate Up\nALTER TABLE ck_users DROP COLUMN email;\n-- +migrate Down\nALTER TABLE ck_users ADD "
            "COLUMN email VARCHAR(100);\n");
    r = flash::test::run_flash(bin, {"check", "--json"}, t.path(), env_for(l));
    EXPECT_EQ(r.code, 3) << r.out << r.err;
    EXPECT_NE(r.out.find("\"check.breaks\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"line\": 2"), std::string::npos) << r.out;
    r = flash::test::run_flash(bin, {"apply"}, t.path(), env_for(l));
    EXPECT_EQ(r.code, 3) << r.out << r.err;
    EXPECT_NE(r.err.find("db/queries/users.sql:2:8"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--no-check"), std::string::npos) << r.err;
    auto st = flash::test::run_flash(bin, {"status", "--json"}, t.path(), env_for(l));
    EXPECT_NE(st.out.find("\"pending\": 1"), std::string::npos) << st.out;  // nothing ran
    // Offline (CI without a database): the newest migration is the pending one.
    r = flash::test::run_flash(bin, {"check", "--offline"}, t.path(), "NO_COLOR=1");
    EXPECT_EQ(r.code, 3) << r.out << r.err;
    r = flash::test::run_flash(bin, {"apply", "--no-check"}, t.path(), env_for(l));
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    flash::test::run_flash(bin, {"raw", "DROP TABLE IF EXISTS ck_users"}, t.path(), env_for(l));
    flash::test::run_flash(bin, {"raw", "DROP TABLE IF EXISTS _flash_migrations"}, t.path(), env_for(l));
  }
}

TEST(CheckCli, MigrateCheckKeepsNoFileThatBreaksAQuery) {
  const std::string bin = FLASH_BINARY;
  flash::test::TempDir t("flash-check-migrate");
  write_project(t, "sqlite");
  t.write("db/schema/schema.sql", "CREATE TABLE ck_users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n");
  auto r = flash::test::run_flash(bin, {"migrate", "drop_email", "--check", "--accept-data-loss"}, t.path(),
                                  "NO_COLOR=1");
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("check.breaks"), std::string::npos) << r.err;
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(t.path() / "db" / "migrations")) files += e.is_regular_file();
  EXPECT_EQ(files, 1u) << "the breaking migration was kept";
  // Without --check the migration is written (and apply would stop on it).
  r = flash::test::run_flash(bin, {"migrate", "drop_email", "--accept-data-loss"}, t.path(), "NO_COLOR=1");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

TEST(CheckCli, RollingChecksThePreviousCommitsQueries) {
  const std::string bin = FLASH_BINARY;
  flash::test::TempDir t("flash-check-rolling");
  write_project(t, "sqlite");
  auto git = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"git", "-c", "user.email=t@example.com", "-c", "user.name=t"});
    auto r = flash::util::run_process(args, t.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  };
  git({"init", "-q"});
  git({"add", "-A"});
  git({"commit", "-qm", "one"});
  // The new commit drops the column and updates its own query: the current queries are fine, the
  // deployed client's (previous commit) are not.
  t.write("db/migrations/20240101000002_drop_email.sql",
          "-- +migrate Up\nALTER TABLE ck_users DROP COLUMN email;\n-- +migrate Down\nALTER TABLE ck_users ADD COLUMN "
          "email VARCHAR(100);\n");
  t.write("db/queries/users.sql", "-- name: GetName :one\nSELECT name FROM ck_users WHERE id = ?;\n");
  git({"add", "-A"});
  git({"commit", "-qm", "two"});
  auto r = flash::test::run_flash(bin, {"check", "--offline"}, t.path(), "NO_COLOR=1");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  r = flash::test::run_flash(bin, {"check", "--offline", "--rolling"}, t.path(), "NO_COLOR=1");
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("HEAD~1:db/queries/users.sql:2:8"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("previous commit"), std::string::npos) << r.err;
  // A revision that is not one is a clear error, not a crash or a shell.
  r = flash::test::run_flash(bin, {"check", "--offline", "--rolling", "--previous", "--upload-pack=touch x"},
                             t.path(), "NO_COLOR=1");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("check.git"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(t.path() / "x"));
}

}  // namespace

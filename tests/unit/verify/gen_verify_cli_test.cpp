// `flash gen --verify` through the real binary (FLASH_BINARY): success output, a query the database
// rejects (exit 3, nothing written, --json lists the diagnostic at the query's line), an unreachable
// database (exit 6), the verification running even when the generated code is cached, and the
// shared client projects on live PostgreSQL / MySQL (skipped without FLASH_TEST_*_URL).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/flash_run.hpp"

namespace fs = std::filesystem;

namespace {

using Run = flash::test::FlashRun;

// A temporary project directory.
struct TempDir : flash::test::TempDir {
  TempDir() : flash::test::TempDir("flash-verify") {}
};

// `env`: NAME=value assignments; DATABASE_URL is always unset first.
Run flash(const std::vector<std::string>& args, const fs::path& cwd, const std::string& env = "") {
  return flash::test::run_flash(FLASH_BINARY, args, cwd, "-u DATABASE_URL " + env);
}

nlohmann::json json_of(const Run& r) {
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not JSON: " << e.what() << "\n" << r.out << "\n" << r.err;
    return nlohmann::json::object();
  }
}

void sqlite_project(const TempDir& d, const std::string& queries) {
  d.write("flash.toml",
          "version = \"2\"\nschema_dir = \"schema.sql\"\nqueries = \"queries\"\n"
          "[database]\nprovider = \"sqlite\"\n[gen.go]\nenabled = true\nout = \"gen\"\n");
  d.write("schema.sql",
          "CREATE TABLE users (\n  id INTEGER PRIMARY KEY,\n  email TEXT NOT NULL,\n  name TEXT\n);\n");
  d.write("queries/users.sql", queries);
}

const char* kGood =
    "-- name: GetUser :one\nSELECT id, email, name FROM users WHERE id = ?;\n\n"
    "-- name: ListUsers :many\nSELECT * FROM users ORDER BY id;\n";

TEST(GenVerifyCli, SqliteInMemoryNeedsNoUrl) {
  TempDir d;
  sqlite_project(d, kGood);
  auto r = flash({"gen", "--verify", "--json"}, d.path());
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto j = json_of(r);
  EXPECT_EQ(j["verify"]["queries"], 2);
  EXPECT_EQ(j["verify"]["mismatches"], 0);
  EXPECT_GE(j["verify"]["columns_checked"].get<int>(), 5);
  EXPECT_TRUE(fs::exists(d.path() / "gen/db.go"));

  // Cached code is still verified: the check is about the queries, not the files.
  r = flash({"gen", "--verify"}, d.path());
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("verified 2 queries on SQLite"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(inputs unchanged)"), std::string::npos) << r.out;
}

TEST(GenVerifyCli, RejectedQueryExits3AndWritesNothing) {
  TempDir d;
  // The analyzer only warns about an unknown function; SQLite refuses to prepare it.
  sqlite_project(d, std::string(kGood) + "\n-- name: Weird :many\nSELECT no_such_function(id) AS x FROM users;\n");
  auto r = flash({"gen", "--verify", "--json"}, d.path());
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  auto j = json_of(r);
  EXPECT_EQ(j["ok"], false);
  ASSERT_EQ(j["diagnostics"].size(), 1u) << r.out;
  const auto& dg = j["diagnostics"][0];
  EXPECT_EQ(dg["code"], "gen.verify");
  EXPECT_EQ(dg["line"], 7);
  EXPECT_NE(dg["file"].get<std::string>().find("users.sql"), std::string::npos);
  EXPECT_NE(dg["message"].get<std::string>().find("query Weird: SQLite rejects it"), std::string::npos) << dg;
  EXPECT_FALSE(fs::exists(d.path() / "gen"));

  // Without --verify the same project generates (the analyzer accepts it with a warning).
  r = flash({"gen"}, d.path());
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

TEST(GenVerifyCli, UnreachableDatabaseExits6) {
  TempDir d;
  d.write("flash.toml",
          "version = \"2\"\nschema_dir = \"schema.sql\"\nqueries = \"queries\"\n"
          "[database]\nprovider = \"postgresql\"\n[gen.go]\nenabled = true\nout = \"gen\"\n");
  d.write("schema.sql", "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, email TEXT NOT NULL);\n");
  d.write("queries/users.sql", "-- name: GetUser :one\nSELECT id, email FROM users WHERE id = $1;\n");
  auto r = flash({"gen", "--verify"}, d.path(), "DATABASE_URL=postgres://nobody@127.0.0.1:1/none?connect_timeout=2");
  EXPECT_EQ(r.code, 6) << r.out << r.err;
  EXPECT_FALSE(fs::exists(d.path() / "gen"));
  // No URL at all: the usual configuration error.
  r = flash({"gen", "--verify"}, d.path());
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("DATABASE_URL"), std::string::npos) << r.err;
}

void live_client_project(const char* env, const std::string& engine) {
  const char* url = std::getenv(env);
  if (!url || !*url) GTEST_SKIP() << env << " not set";
  TempDir out;
  const fs::path toml = fs::path(FLASH_SOURCE_DIR) / "tests/clients/projects" / engine / "flash.toml";
  auto r = flash({"-c", toml.string(), "gen", "--lang", "go", "--out", (out.path() / "go").string(), "--verify",
                  "--json"},
                 out.path(), "DATABASE_URL=" + flash::test::shell_quote(url));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto j = json_of(r);
  EXPECT_GE(j["verify"]["queries"].get<int>(), 20);
  EXPECT_EQ(j["verify"]["mismatches"], 0);
  EXPECT_TRUE(fs::exists(out.path() / "go/db.go"));
}

TEST(GenVerifyCli, PostgresClientProject) { live_client_project("FLASH_TEST_PG_URL", "postgresql"); }
TEST(GenVerifyCli, MysqlClientProject) { live_client_project("FLASH_TEST_MYSQL_URL", "mysql"); }

}  // namespace

// Shell-level tests: run the real `flash` binary (FLASH_BINARY) in temporary directories with
// stdin from /dev/null (no TTY) and check exit codes, stdout, stderr and the files written. Plus
// in-process tests of Context (confirm without a TTY, database_url).
#include <fcntl.h>
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

#include "cli/app.hpp"
#include "support/flash_run.hpp"

namespace fs = std::filesystem;

namespace {

using Result = flash::test::FlashRun;
using flash::test::TempDir;

// Runs flash with `args` in `cwd`; `env` is a prefix of NAME=value assignments.
Result run_flash(const std::vector<std::string>& args, const fs::path& cwd, const std::string& env = "") {
  return flash::test::run_flash(FLASH_BINARY, args, cwd, "-u NO_COLOR " + env);
}

nlohmann::json parse_json(const std::string& s) {
  try {
    return nlohmann::json::parse(s);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not JSON: " << e.what() << "\n" << s;
    return nlohmann::json::object();
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Global behaviour

TEST(Cli, Version) {
  TempDir d;
  auto r = run_flash({"--version"}, d.path());
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out.rfind("flash ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find('.'), std::string::npos);
}

TEST(Cli, HelpListsEveryCommandAndGlobalOption) {
  TempDir d;
  auto r = run_flash({"--help"}, d.path());
  EXPECT_EQ(r.code, 0);
  ASSERT_FALSE(flash::cli::command_table().empty());
  for (const auto& spec : flash::cli::command_table())
    EXPECT_NE(r.out.find(spec.name), std::string::npos) << spec.name << "\n" << r.out;
  for (const char* opt : {"--config", "--env", "--db", "--json", "--force", "--yes", "--no-color",
                          "--version"})
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
  EXPECT_NE(r.out.find("Exit codes"), std::string::npos);
}

TEST(Cli, NoArgumentsPrintsHelp) {
  TempDir d;
  auto r = run_flash({}, d.path());
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("init"), std::string::npos);
}

TEST(Cli, SubcommandHelp) {
  TempDir d;
  auto r = run_flash({"init", "--help"}, d.path());
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("--postgresql"), std::string::npos);
  EXPECT_FALSE(d.exists("flash.toml"));
}

TEST(Cli, UnknownFlagIsUsageError) {
  TempDir d;
  auto r = run_flash({"--bogus"}, d.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("error[cli.usage]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--bogus"), std::string::npos);
  EXPECT_NE(r.err.find("hint:"), std::string::npos);
  EXPECT_TRUE(r.out.empty());

  auto sub = run_flash({"init", "--frobnicate"}, d.path());
  EXPECT_EQ(sub.code, 2);
  EXPECT_FALSE(d.exists("flash.toml"));

  auto unknown_cmd = run_flash({"frobnicate"}, d.path());
  EXPECT_EQ(unknown_cmd.code, 2);
}

TEST(Cli, UsageErrorAsJson) {
  TempDir d;
  auto r = run_flash({"--json", "init", "--sqlite", "--mysql"}, d.path());
  EXPECT_EQ(r.code, 2);
  auto j = parse_json(r.out);
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["error"]["code"], "cli.usage");
  EXPECT_TRUE(j["diagnostics"].is_array());
  EXPECT_FALSE(d.exists("flash.toml"));
}

// ---------------------------------------------------------------------------------------------
// init

TEST(CliInit, WritesSqliteProject) {
  TempDir d;
  auto r = run_flash({"init"}, d.path());
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* f : {"flash.toml", "db/schema/schema.sql", "db/queries/users.sql",
                        "db/migrations/.gitkeep", ".env"})
    EXPECT_TRUE(d.exists(f)) << f;
  EXPECT_TRUE(fs::is_directory(d.path() / "db/migrations"));
  const auto toml = d.read("flash.toml");
  EXPECT_NE(toml.find("provider = \"sqlite\""), std::string::npos);
  EXPECT_NE(toml.find("url_env = \"DATABASE_URL\""), std::string::npos);
  EXPECT_NE(toml.find("[gen.go]"), std::string::npos);
  EXPECT_NE(toml.find("schema_dir = \"db/schema\""), std::string::npos);
  EXPECT_NE(toml.find("migrations_path = \"db/migrations\""), std::string::npos);
  EXPECT_EQ(d.read(".env"), "DATABASE_URL=sqlite://db/dev.db\n");
  EXPECT_NE(d.read("db/schema/schema.sql").find("CREATE TABLE users"), std::string::npos);
  const auto q = d.read("db/queries/users.sql");
  EXPECT_NE(q.find("-- name: GetUser :one"), std::string::npos);
  EXPECT_NE(q.find("-- name: CreateUser :one"), std::string::npos);
  EXPECT_NE(q.find("WHERE id = ?"), std::string::npos);
  EXPECT_NE(r.out.find("flash.toml"), std::string::npos);

  // The written config loads and selects what init chose.
  flash::config::LoadOptions lo;
  lo.config_file = d.path() / "flash.toml";
  auto cfg = flash::config::load_config(lo);
  EXPECT_EQ(cfg.provider, flash::schema::Dialect::sqlite);
  ASSERT_EQ(cfg.gen.size(), 1u);
  EXPECT_EQ(cfg.gen[0].language, "go");
  EXPECT_TRUE(cfg.gen[0].enabled);
}

TEST(CliInit, RefusesSecondTimeThenForce) {
  TempDir d;
  ASSERT_EQ(run_flash({"init"}, d.path()).code, 0);
  d.write(".env", "DATABASE_URL=sqlite://mine.db\n");
  d.write("db/schema/schema.sql", "-- my edits\n");

  auto again = run_flash({"init"}, d.path());
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("error[init.exists]"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("flash.toml"), std::string::npos);
  EXPECT_NE(again.err.find("db/schema/schema.sql"), std::string::npos);
  EXPECT_NE(again.err.find("--force"), std::string::npos);
  EXPECT_EQ(d.read("db/schema/schema.sql"), "-- my edits\n");  // untouched

  auto forced = run_flash({"init", "--force"}, d.path());
  EXPECT_EQ(forced.code, 0) << forced.err;
  EXPECT_NE(d.read("db/schema/schema.sql").find("CREATE TABLE users"), std::string::npos);
  EXPECT_EQ(d.read(".env"), "DATABASE_URL=sqlite://mine.db\n");  // .env is never replaced

  EXPECT_EQ(run_flash({"--yes", "init"}, d.path()).code, 0);  // --yes is --force
}

TEST(CliInit, PostgresInJsProject) {
  TempDir d;
  d.write("package.json", "{}\n");
  auto r = run_flash({"init", "--postgresql"}, d.path());
  ASSERT_EQ(r.code, 0) << r.err;
  const auto toml = d.read("flash.toml");
  EXPECT_NE(toml.find("provider = \"postgresql\""), std::string::npos);
  EXPECT_NE(toml.find("[gen.js]"), std::string::npos);
  EXPECT_EQ(toml.find("[gen.go]"), std::string::npos);
  EXPECT_NE(d.read(".env").find("DATABASE_URL=postgres://"), std::string::npos);
  EXPECT_NE(d.read("db/schema/schema.sql").find("BIGSERIAL"), std::string::npos);
  const auto q = d.read("db/queries/users.sql");
  EXPECT_NE(q.find("WHERE id = $1"), std::string::npos);
  EXPECT_NE(q.find("VALUES ($1, $2) RETURNING"), std::string::npos);
}

TEST(CliInit, MysqlInPythonProjectIntoDirectory) {
  TempDir d;
  d.write("app/requirements.txt", "flask\n");
  auto r = run_flash({"init", "app", "--mysql"}, d.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(d.exists("flash.toml"));
  const auto toml = d.read("app/flash.toml");
  EXPECT_NE(toml.find("provider = \"mysql\""), std::string::npos);
  EXPECT_NE(toml.find("[gen.python]"), std::string::npos);
  EXPECT_NE(d.read("app/.env").find("DATABASE_URL=mysql://"), std::string::npos);
  EXPECT_NE(d.read("app/db/schema/schema.sql").find("AUTO_INCREMENT"), std::string::npos);
  const auto q = d.read("app/db/queries/users.sql");
  EXPECT_NE(q.find("-- name: CreateUser :exec"), std::string::npos);
  EXPECT_EQ(q.find("RETURNING"), std::string::npos);
  EXPECT_EQ(q.find("$1"), std::string::npos);

  flash::config::LoadOptions lo;
  lo.config_file = d.path() / "app/flash.toml";
  EXPECT_EQ(flash::config::load_config(lo).provider, flash::schema::Dialect::mysql);
}

TEST(CliInit, PyprojectMeansPython) {
  TempDir d;
  d.write("pyproject.toml", "[project]\nname = \"x\"\n");
  ASSERT_EQ(run_flash({"init", "--postgres"}, d.path()).code, 0);
  EXPECT_NE(d.read("flash.toml").find("[gen.python]"), std::string::npos);
}

TEST(CliInit, Mongodb) {
  TempDir d;
  auto r = run_flash({"init", "--mongodb"}, d.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(d.read("flash.toml").find("provider = \"mongodb\""), std::string::npos);
  EXPECT_NE(d.read(".env").find("mongodb://"), std::string::npos);
  flash::config::LoadOptions lo;
  lo.config_file = d.path() / "flash.toml";
  EXPECT_EQ(flash::config::load_config(lo).provider, flash::schema::Dialect::mongodb);
}

TEST(CliInit, JsonOutput) {
  TempDir d;
  auto r = run_flash({"init", "--json"}, d.path());  // global option after the command name
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = parse_json(r.out);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["provider"], "sqlite");
  ASSERT_TRUE(j["files"].is_array());
  std::vector<std::string> files = j["files"];
  for (const char* f : {"flash.toml", "db/schema/schema.sql", "db/queries/users.sql", ".env"})
    EXPECT_NE(std::find(files.begin(), files.end(), f), files.end()) << f;

  auto again = run_flash({"--json", "init"}, d.path());  // and before it
  EXPECT_EQ(again.code, 1);
  EXPECT_TRUE(again.err.empty()) << again.err;
  auto e = parse_json(again.out);
  EXPECT_EQ(e["ok"], false);
  EXPECT_EQ(e["error"]["code"], "init.exists");
  EXPECT_TRUE(e["error"].contains("message"));
  EXPECT_TRUE(e["error"].contains("hint"));
  EXPECT_TRUE(e["error"].contains("file"));
  EXPECT_TRUE(e["error"].contains("line"));
  EXPECT_TRUE(e["error"].contains("column"));
  EXPECT_EQ(e["diagnostics"].size(), 1u);
}

// ---------------------------------------------------------------------------------------------
// Config errors through the binary

TEST(CliConfig, BrokenTomlIsLocated) {
  TempDir d;
  d.write("flash.toml", "version = \"2\"\nshema_dir = \"db/schema\"\n");
  auto r = run_flash({"schema"}, d.path());
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("flash.toml:2:1: error[config.unknown-key]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("shema_dir = \"db/schema\""), std::string::npos);  // the source line
  EXPECT_NE(r.err.find("^~~~~~~~"), std::string::npos);                   // the caret
  EXPECT_NE(r.err.find("hint: did you mean `schema_dir`?"), std::string::npos);

  auto j = run_flash({"schema", "--json"}, d.path());
  EXPECT_EQ(j.code, 1);
  auto e = parse_json(j.out);
  EXPECT_EQ(e["ok"], false);
  EXPECT_EQ(e["error"]["code"], "config.unknown-key");
  EXPECT_EQ(e["error"]["line"], 2);
  EXPECT_EQ(e["error"]["column"], 1);
}

TEST(CliConfig, TomlSyntaxError) {
  TempDir d;
  d.write("flash.toml", "[database\nprovider = \"sqlite\"\n");
  auto r = run_flash({"schema"}, d.path());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("flash.toml:1:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("error[config.syntax]"), std::string::npos);
}

TEST(CliConfig, MissingConfigAndGlobalOptions) {
  TempDir d;
  auto r = run_flash({"schema"}, d.path());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("error[config.not-found]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("flash init"), std::string::npos);

  auto other = run_flash({"schema", "--config", "nested/other.toml"}, d.path());
  EXPECT_EQ(other.code, 1);
  EXPECT_NE(other.err.find("nested/other.toml"), std::string::npos) << other.err;

  d.write("flash.toml", "[[databases]]\nname = \"main\"\n");
  auto db = run_flash({"--db", "mian", "schema"}, d.path());
  EXPECT_EQ(db.code, 1);
  EXPECT_NE(db.err.find("did you mean `main`?"), std::string::npos) << db.err;

  auto env = run_flash({"schema", "--env", "prod"}, d.path());
  EXPECT_EQ(env.code, 1);
  EXPECT_NE(env.err.find(".env.prod"), std::string::npos) << env.err;
}

// ---------------------------------------------------------------------------------------------
// schema

TEST(CliSchema, PrintsDdlAndJson) {
  TempDir d;
  ASSERT_EQ(run_flash({"init"}, d.path()).code, 0);
  auto r = run_flash({"schema"}, d.path());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("CREATE TABLE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("users"), std::string::npos);

  auto j = run_flash({"--json", "schema"}, d.path());
  ASSERT_EQ(j.code, 0) << j.err;
  auto o = parse_json(j.out);
  EXPECT_EQ(o["ok"], true);
  EXPECT_EQ(o["dialect"], "sqlite");
  EXPECT_TRUE(o["schema"].is_object());
  EXPECT_NE(o["schema"].dump().find("users"), std::string::npos);
  ASSERT_EQ(o["files"].size(), 1u);
  EXPECT_EQ(o["files"][0], "db/schema/schema.sql");
}

TEST(CliSchema, FilesInNameOrderAndLegacySchemaPath) {
  TempDir d;
  d.write("flash.toml", "[database]\nprovider = \"sqlite\"\n");
  d.write("db/schema/02_posts.sql",
          "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));\n");
  d.write("db/schema/01_users.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  d.write("db/schema/notes.txt", "not sql\n");
  auto j = run_flash({"schema", "--json"}, d.path());
  ASSERT_EQ(j.code, 0) << j.err;
  auto o = parse_json(j.out);
  ASSERT_EQ(o["files"].size(), 2u);
  EXPECT_EQ(o["files"][0], "db/schema/01_users.sql");
  EXPECT_EQ(o["files"][1], "db/schema/02_posts.sql");

  TempDir legacy;
  legacy.write("flash.toml", "schema_path = \"schema.sql\"\n[database]\nprovider = \"sqlite\"\n");
  legacy.write("schema.sql", "CREATE TABLE things (id INTEGER PRIMARY KEY);\n");
  auto l = run_flash({"schema"}, legacy.path());
  ASSERT_EQ(l.code, 0) << l.err;
  EXPECT_NE(l.out.find("things"), std::string::npos);
}

TEST(CliSchema, SyntaxErrorIsLocated) {
  TempDir d;
  d.write("flash.toml", "[database]\nprovider = \"sqlite\"\n");
  d.write("db/schema/schema.sql", "CREATE TABLE ok (id INTEGER);\n\nCREATE TABLE (;\n");
  auto r = run_flash({"schema"}, d.path());
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("db/schema/schema.sql:3:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("error["), std::string::npos);
}

TEST(CliSchema, MissingDirAndBadDialect) {
  TempDir d;
  d.write("flash.toml", "schema_dir = \"nowhere\"\n");
  auto r = run_flash({"schema"}, d.path());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("nowhere"), std::string::npos) << r.err;

  d.write("nowhere/a.sql", "CREATE TABLE a (id INTEGER);\n");
  auto bad = run_flash({"schema", "--dialect", "sqlit"}, d.path());
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("did you mean `sqlite`?"), std::string::npos) << bad.err;
}

// Text that is not valid UTF-8 reaches messages and results (names, comments): --json aborted
// with nlohmann's type_error 316 (SIGABRT) before; now the bytes become U+FFFD.
TEST(CliJson, InvalidUtf8NeverAborts) {
  TempDir d;
  d.write("flash.toml", "[database]\nprovider = \"sqlite\"\n");
  d.write("db/schema/schema.sql", "CREATE TABLE posts (id INTEGER, uid INTEGER REFERENCES us\xff\xfers (id));\n");
  auto r = run_flash({"schema", "--json"}, d.path());
  EXPECT_EQ(r.code, 1) << r.err;
  const auto j = parse_json(r.out);
  EXPECT_EQ(j["error"]["code"], "sql.unknown-table");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("\xEF\xBF\xBD"), std::string::npos);

  // A valid schema with invalid UTF-8 in a comment and a name: schema --json and migrate succeed,
  // and migrate writes its migration and snapshot (it exited 1 after writing the migration).
  d.write("db/schema/schema.sql", "-- caf\xe9\nCREATE TABLE \"t\xe9\" (id INTEGER);\n");
  r = run_flash({"schema", "--json"}, d.path());
  EXPECT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_TRUE(parse_json(r.out)["ok"].get<bool>());
  r = run_flash({"migrate", "init", "--json"}, d.path());
  EXPECT_EQ(r.code, 0) << r.err << r.out;
  const auto m = parse_json(r.out);
  EXPECT_TRUE(m["written"].get<bool>());
  EXPECT_TRUE(fs::exists(d.path() / "db/migrations/.flash/schema_snapshot.json"));
}

// Invalid schemas fail `schema` and `migrate` with a located error, and migrate writes nothing.
TEST(CliSchema, InvalidModelFailsSchemaAndMigrateWritingNothing) {
  TempDir d;
  d.write("flash.toml", "[database]\nprovider = \"sqlite\"\n");
  d.write("db/schema/a.sql", "CREATE TABLE posts (\n  id INTEGER PRIMARY KEY,\n  uid INTEGER REFERENCES userz (id)\n);\n");
  d.write("db/schema/b.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  for (const std::vector<std::string>& cmd : {std::vector<std::string>{"schema"}, {"migrate", "init"}}) {
    auto r = run_flash(cmd, d.path());
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_NE(r.err.find("db/schema/a.sql:3:26: error[sql.unknown-table]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("did you mean `users`?"), std::string::npos) << r.err;
  }
  EXPECT_FALSE(fs::exists(d.path() / "db/migrations"));
}

// A malformed DATABASE_URL from .env is reported at its value there.
TEST(CliConfig, BadUrlFromEnvFileIsLocated) {
  TempDir d;
  d.write("flash.toml", "[database]\nprovider = \"sqlite\"\n");
  d.write(".env", "# comment\nDATABASE_URL=sqlit://db/dev.db\n");
  auto r = run_flash({"status", "--json"}, d.path(), "-u DATABASE_URL");
  EXPECT_EQ(r.code, 1) << r.out;
  const auto j = parse_json(r.out);
  EXPECT_EQ(j["error"]["code"], "config.url");
  EXPECT_EQ(j["error"]["file"], ".env");
  EXPECT_EQ(j["error"]["line"], 2);
  EXPECT_EQ(j["error"]["column"], 14);
}

// ---------------------------------------------------------------------------------------------
// Context in-process

namespace {
// Points stdin at /dev/null for the scope, so the test behaves the same under a terminal.
class NoTtyStdin {
 public:
  NoTtyStdin() : saved_(::dup(STDIN_FILENO)) {
    const int fd = ::open("/dev/null", O_RDONLY);
    ::dup2(fd, STDIN_FILENO);
    ::close(fd);
  }
  ~NoTtyStdin() {
    ::dup2(saved_, STDIN_FILENO);
    ::close(saved_);
  }

 private:
  int saved_;
};
}  // namespace

TEST(CliContext, ConfirmWithoutTtyNeverBlocks) {
  NoTtyStdin guard;
  flash::cli::Context ctx;
  EXPECT_FALSE(ctx.stdin_is_tty());
  try {
    ctx.confirm("drop table users?", "--force");
    FAIL() << "confirm must not prompt without a TTY";
  } catch (const flash::diag::Error& e) {
    EXPECT_EQ(e.diagnostic().exit_code, flash::diag::ExitCode::usage);
    ASSERT_TRUE(e.diagnostic().hint);
    EXPECT_NE(e.diagnostic().hint->find("--force"), std::string::npos);
    EXPECT_NE(e.diagnostic().message.find("drop table users?"), std::string::npos);
  }
  ctx.options.force = true;
  EXPECT_TRUE(ctx.confirm("drop table users?", "--force"));
}

TEST(CliContext, ColorOffForJsonAndNoColor) {
  flash::cli::Context ctx;
  ctx.options.json = true;
  EXPECT_FALSE(ctx.color());
  EXPECT_EQ(ctx.bold("x"), "x");
  ctx.options.json = false;
  ctx.options.no_color = true;
  EXPECT_FALSE(ctx.color());
  EXPECT_EQ(ctx.red("x"), "x");
}

TEST(CliContext, DatabaseUrlResolvesSqliteAgainstRoot) {
  TempDir d;
  d.write("proj/flash.toml", "[database]\nprovider = \"sqlite\"\nurl_env = \"FLASH_CLI_TEST_URL\"\n");
  d.write("proj/.env", "FLASH_CLI_TEST_URL=sqlite://db/dev.db\n");
  ::unsetenv("FLASH_CLI_TEST_URL");
  flash::cli::Context ctx;
  ctx.options.config_file = (d.path() / "proj/flash.toml").string();
  auto url = ctx.database_url();
  EXPECT_EQ(fs::path(url.database), fs::path(d.path() / "proj/db/dev.db").lexically_normal());
  ::unsetenv("FLASH_CLI_TEST_URL");

  ::setenv("FLASH_CLI_TEST_URL", "sqlite:///abs/x.db", 1);
  EXPECT_EQ(ctx.database_url().database, "/abs/x.db");
  ::setenv("FLASH_CLI_TEST_URL", "mysql://u:p@h/d", 1);
  try {
    ctx.database_url();
    FAIL();
  } catch (const flash::diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "config.provider-mismatch");
  }
  ::unsetenv("FLASH_CLI_TEST_URL");
}

TEST(CliContext, DatabaseUrlUnsetNamesTheVariable) {
  TempDir d;
  d.write("flash.toml", "[database]\nprovider = \"postgresql\"\nurl_env = \"FLASH_CLI_UNSET_URL\"\n");
  ::unsetenv("FLASH_CLI_UNSET_URL");
  flash::cli::Context ctx;
  ctx.options.config_file = (d.path() / "flash.toml").string();
  try {
    ctx.database_url();
    FAIL();
  } catch (const flash::diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "config.env-unset");
    EXPECT_NE(e.diagnostic().message.find("FLASH_CLI_UNSET_URL"), std::string::npos);
    ASSERT_TRUE(e.diagnostic().hint);
    EXPECT_NE(e.diagnostic().hint->find("FLASH_CLI_UNSET_URL=postgres://"), std::string::npos);
  }
}

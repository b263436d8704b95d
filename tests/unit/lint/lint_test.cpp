// flash lint (src/flash/lint): per engine, a migration fixture that triggers each of the engine's
// rules at the statement that causes it, a clean one that triggers none (new tables are exempt
// from the locking rules), suppression comments, [lint] settings and SARIF output; and the binary.
#include <gtest/gtest.h>

#include <map>

#include "flash/lint/lint.hpp"
#include "support/flash_run.hpp"
#include "support/sqlc_corpus.hpp"

namespace {

using flash::schema::Dialect;

flash::migrate::MigrationFile file(const std::string& id, const std::string& up, Dialect d) {
  flash::diag::Diagnostics diags;
  auto f = flash::migrate::parse_migration("db/migrations/" + id + ".sql", "-- +migrate Up\n" + up, d, diags);
  EXPECT_FALSE(flash::diag::has_errors(diags)) << id;
  return f;
}

// code → line of the first finding with it, in the last file.
std::multimap<std::string, int> lint_last(const std::vector<flash::migrate::MigrationFile>& files, Dialect d,
                                          const flash::lint::Settings& s = {}) {
  std::multimap<std::string, int> out;
  for (const auto& f : flash::lint::lint_migrations(files, {files.size() - 1}, d, s))
    out.emplace(f.diag.code, f.diag.location.line);
  return out;
}

const char* kBase =
    "CREATE TABLE accounts (id BIGINT PRIMARY KEY, name VARCHAR(50), email VARCHAR(100), score INTEGER);\n"
    "CREATE TABLE orders (id BIGINT PRIMARY KEY, account_id BIGINT, total INTEGER);\n";

TEST(Lint, PostgresRulesFireAtTheirStatements) {
  const Dialect d = Dialect::postgresql;
  auto base = file("20240101000001_base", kBase, d);
  auto bad = file("20240101000002_bad",
                  "CREATE INDEX orders_account ON orders (account_id);\n"               // line 2
                  "ALTER TABLE orders ADD CONSTRAINT orders_fk FOREIGN KEY (account_id) REFERENCES accounts (id);\n"  // 3
                  "ALTER TABLE accounts ALTER COLUMN name SET NOT NULL;\n"              // 4
                  "ALTER TABLE accounts ADD COLUMN token UUID DEFAULT gen_random_uuid();\n"  // 5
                  "ALTER TABLE accounts ALTER COLUMN score TYPE BIGINT;\n"              // 6
                  "ALTER TABLE accounts DROP COLUMN email;\n"                           // 7
                  "ALTER TABLE accounts ADD COLUMN team VARCHAR(20) NOT NULL;\n"        // 8
                  "TRUNCATE orders;\n"                                                  // 9
                  "ALTER TABLE orders RENAME COLUMN total TO amount;\n"                 // 10
                  "CREATE TABLE events (id SERIAL PRIMARY KEY, at TIMESTAMP);\n"        // 11
                  "DROP TABLE orders;\n"                                                // 12
                  "CREATE UNIQUE INDEX CONCURRENTLY accounts_name ON accounts (name);\n",  // 13
                  d);
  auto got = lint_last({base, bad}, d);
  auto at = [&](const std::string& code) {
    auto it = got.find(code);
    return it == got.end() ? -1 : it->second;
  };
  EXPECT_EQ(at("pg.lock-timeout"), 2);
  EXPECT_EQ(at("pg.index-not-concurrent"), 2);
  EXPECT_EQ(at("pg.constraint-not-valid"), 3);
  EXPECT_EQ(at("pg.set-not-null"), 4);
  EXPECT_EQ(at("data.not-null-no-default"), 4);
  EXPECT_EQ(at("pg.volatile-default"), 5);
  EXPECT_EQ(at("pg.type-rewrite"), 6);
  EXPECT_EQ(at("destructive.drop-column"), 7);
  EXPECT_EQ(got.count("data.not-null-no-default"), 2u);  // line 8 too
  EXPECT_EQ(at("destructive.truncate"), 9);
  EXPECT_EQ(at("compat.rename"), 10);
  EXPECT_EQ(at("pg.prefer-identity"), 11);
  EXPECT_EQ(at("pg.int-key"), 11);
  EXPECT_EQ(at("pg.timestamp-without-tz"), 11);
  EXPECT_EQ(at("destructive.drop-table"), 12);
  EXPECT_EQ(at("pg.concurrently-in-transaction"), 13);
  EXPECT_EQ(at("data.unique-existing"), 13);
  EXPECT_EQ(got.count("mysql.multi-ddl"), 0u);  // not a PostgreSQL rule
  for (const auto& [code, line] : got) EXPECT_NE(flash::lint::find_rule(code), nullptr) << code;
}

TEST(Lint, NewTablesAreExemptAndASafeMigrationIsClean) {
  const Dialect d = Dialect::postgresql;
  auto base = file("20240101000001_base", kBase, d);
  auto good = file("20240101000002_good",
                   "SET lock_timeout = '5s';\n"
                   "CREATE TABLE items (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name TEXT NOT NULL, "
                   "at TIMESTAMPTZ);\n"
                   "CREATE INDEX items_name ON items (name);\n"
                   "ALTER TABLE items ADD CONSTRAINT items_name_ck CHECK (name <> '');\n"
                   "ALTER TABLE orders ADD CONSTRAINT orders_fk FOREIGN KEY (account_id) REFERENCES accounts (id) "
                   "NOT VALID;\n"
                   "ALTER TABLE accounts ALTER COLUMN name TYPE VARCHAR(100);\n"
                   "ALTER TABLE accounts ADD COLUMN created TIMESTAMPTZ DEFAULT now();\n",
                   d);
  auto got = lint_last({base, good}, d);
  for (const auto& [code, line] : got) ADD_FAILURE() << code << " at line " << line;
}

TEST(Lint, SuppressionCommentsAndSettings) {
  const Dialect d = Dialect::postgresql;
  auto base = file("20240101000001_base", kBase, d);
  auto m = file("20240101000002_m",
                "SET lock_timeout = '5s';\n"
                "-- flash:lint-ignore destructive.drop-column the column is unused since v2\n"
                "ALTER TABLE accounts DROP COLUMN email;\n"
                "ALTER TABLE accounts DROP COLUMN score;\n",
                d);
  auto got = lint_last({base, m}, d);
  ASSERT_EQ(got.count("destructive.drop-column"), 1u);
  EXPECT_EQ(got.find("destructive.drop-column")->second, 5);
  flash::lint::Settings s;
  s.ignore = {"destructive.drop-column"};
  EXPECT_TRUE(lint_last({base, m}, d, s).empty());
  s = {};
  s.error = {"destructive.drop-column"};
  auto f = flash::lint::lint_migrations({base, m}, {1}, d, s);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].diag.severity, flash::diag::Severity::error);
  auto sarif = flash::lint::to_sarif(f);
  EXPECT_EQ(sarif["version"], "2.1.0");
  EXPECT_EQ(sarif["runs"][0]["results"][0]["ruleId"], "destructive.drop-column");
  EXPECT_EQ(sarif["runs"][0]["results"][0]["level"], "error");
  EXPECT_EQ(sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"], 5);
}

TEST(Lint, MysqlRules) {
  const Dialect d = Dialect::mysql;
  auto base = file("20240101000001_base", kBase, d);
  auto m = file("20240101000002_m",
                "ALTER TABLE accounts MODIFY score BIGINT;\n"                                   // 2
                "ALTER TABLE orders CONVERT TO CHARACTER SET utf8mb4;\n"                       // 3
                "ALTER TABLE accounts DROP COLUMN email;\n",                                   // 4
                d);
  auto got = lint_last({base, m}, d);
  EXPECT_EQ(got.count("mysql.table-copy"), 2u);
  EXPECT_EQ(got.find("mysql.multi-ddl")->second, 3);
  EXPECT_EQ(got.find("destructive.drop-column")->second, 4);
  EXPECT_EQ(got.count("pg.type-rewrite"), 0u);
  EXPECT_EQ(got.count("pg.lock-timeout"), 0u);
}

TEST(Lint, SqliteRules) {
  const Dialect d = Dialect::sqlite;
  auto base = file("20240101000001_base", kBase, d);
  auto m = file("20240101000002_m",
                "CREATE TABLE accounts_new (id BIGINT PRIMARY KEY, name VARCHAR(50) NOT NULL);\n"
                "INSERT INTO accounts_new SELECT id, name FROM accounts;\n"
                "DROP TABLE accounts;\n"
                "ALTER TABLE accounts_new RENAME TO accounts;\n",
                d);
  auto got = lint_last({base, m}, d);
  EXPECT_EQ(got.find("destructive.drop-table")->second, 4);
  EXPECT_EQ(got.find("compat.rename")->second, 5);
  EXPECT_EQ(got.count("pg.index-not-concurrent"), 0u);
}

TEST(Lint, TheReadmeDocumentsEveryRule) {
  const std::string readme = flash::test::slurp(std::string(FLASH_SOURCE_DIR) + "/README.md");
  using G = flash::lint::Rule::Grade;
  for (const auto& r : flash::lint::rules()) {
    const std::string row = std::string("| `") + r.code + "` | " + r.engines + " | " +
                            (r.severity == flash::diag::Severity::error ? "error" : "warning") + " | " +
                            (r.grade == G::sized ? "sized" : r.grade == G::locking ? "locking" : "—") + " | " +
                            r.catches + " | " + r.fix + " |";
    EXPECT_NE(readme.find(row), std::string::npos) << row;
  }
}

TEST(LintCli, ExitCodesFormatsAndConfig) {
  const std::string bin = FLASH_BINARY;
  flash::test::TempDir t("flash-lint");
  t.write("flash.toml", "version = \"2\"\nschema_dir = \"db/schema\"\nmigrations_path = \"db/migrations\"\n\n"
                        "[database]\nprovider = \"postgresql\"\nurl_env = \"DATABASE_URL\"\n\n"
                        "[lint]\nerror = [\"destructive.drop-table\"]\n");
  t.write("db/migrations/20240101000001_base.sql", std::string("-- +migrate Up\n") + kBase);
  t.write("db/migrations/20240101000002_drop.sql", "-- +migrate Up\nDROP TABLE orders;\n");
  auto r = flash::test::run_flash(bin, {"lint"}, t.path(), "NO_COLOR=1");
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("20240101000002_drop.sql:2:1: error[destructive.drop-table]"), std::string::npos) << r.err;
  r = flash::test::run_flash(bin, {"lint", "20240101000002", "--format", "sarif"}, t.path(), "NO_COLOR=1");
  EXPECT_NE(r.out.find("\"ruleId\": \"destructive.drop-table\""), std::string::npos) << r.out;
  r = flash::test::run_flash(bin, {"lint", "--json", "20240101000001"}, t.path(), "NO_COLOR=1");
  EXPECT_EQ(r.code, 0) << r.out << r.err;  // warnings only (serial-free, bigint keys): exit 0
  r = flash::test::run_flash(bin, {"lint", "nope"}, t.path(), "NO_COLOR=1");
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  t.write("flash.toml", "version = \"2\"\nmigrations_path = \"db/migrations\"\n\n[database]\nprovider = "
                        "\"postgresql\"\n\n[lint]\nignore = [\"destructive.drop-tabel\"]\n");
  r = flash::test::run_flash(bin, {"lint"}, t.path(), "NO_COLOR=1");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("flash.toml:8:10"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("destructive.drop-table"), std::string::npos) << r.err;  // did you mean
}

}  // namespace

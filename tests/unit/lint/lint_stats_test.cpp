// Statistics-aware lint (flash/lint/stats.hpp), per engine on a real database: a table of
// 1,000,000 rows, one of 10 and an empty one, the same change on each. The empty table's finding
// is a note, the small one's keeps its rule's severity, the large one's locking finding is an
// error; row counts are compared with the engine's own count(*). And through the binary: `apply`
// refuses a locking change on a table of `[lint] large_rows` rows or more (exit 3, nothing applied,
// checked in the engine's catalog), `--no-lint` applies it, `flash lint --json` carries the stats.
#include <gtest/gtest.h>

#include <map>

#include "flash/lint/lint.hpp"
#include "flash/lint/stats.hpp"
#include "flash/migrate/tracking.hpp"
#include "support/flash_run.hpp"
#include "support/scratch_db.hpp"

namespace {

using flash::schema::Dialect;
using flash::test::ScratchDb;

std::string provider(Dialect d) {
  return d == Dialect::postgresql ? "postgresql" : d == Dialect::mysql ? "mysql" : "sqlite";
}

flash::migrate::MigrationFile file(const std::string& id, const std::string& up, Dialect d) {
  flash::diag::Diagnostics diags;
  auto f = flash::migrate::parse_migration("db/migrations/" + id + ".sql", "-- +migrate Up\n" + up, d, diags);
  EXPECT_FALSE(flash::diag::has_errors(diags)) << id;
  return f;
}

const char* kTables =
    "CREATE TABLE big (id BIGINT PRIMARY KEY, v INTEGER, note VARCHAR(20));\n"
    "CREATE TABLE small (id BIGINT PRIMARY KEY, v INTEGER, note VARCHAR(20));\n"
    "CREATE TABLE empty_t (id BIGINT PRIMARY KEY, v INTEGER, note VARCHAR(20));\n";

// n rows 1..n through the engine's own row generator.
void fill(flash::driver::SqlConnection& c, const std::string& table, int n) {
  const std::string cols = " (id, v, note) ";
  switch (c.dialect()) {
    case Dialect::postgresql:
      c.execute("INSERT INTO " + table + cols + "SELECT g, g % 100, 'x' FROM generate_series(1, " + std::to_string(n) + ") g");
      break;
    case Dialect::mysql:
      c.execute("INSERT INTO " + table + cols + "SELECT seq, seq % 100, 'x' FROM seq_1_to_" + std::to_string(n));
      break;
    default:
      c.execute("INSERT INTO " + table + cols + "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < " +
                std::to_string(n) + ") SELECT g, g % 100, 'x' FROM s");
  }
}

std::int64_t engine_count(flash::driver::SqlConnection& c, const std::string& table) {
  return flash::migrate::value_int(c.query("SELECT count(*) FROM " + table).rows.at(0).at(0));
}

class LintStats : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    db = ScratchDb::create(GetParam(), "flash_lintstats");
    if (!db) GTEST_SKIP() << "no server URL for " << provider(GetParam());
    conn = db->connect();
  }
  std::unique_ptr<ScratchDb> db;
  std::unique_ptr<flash::driver::SqlConnection> conn;
};

TEST_P(LintStats, FindingsAreGradedByTheLiveTableSize) {
  const Dialect d = GetParam();
  conn->execute(kTables);
  fill(*conn, "big", 1'000'000);
  fill(*conn, "small", 10);
  // A change each engine's locking rule catches, on each table (one statement per migration file
  // keeps MySQL's multi-DDL rule out of the way); a unique index (sized) and a dropped column (sized).
  std::vector<flash::migrate::MigrationFile> files{file("20240101000001_base", kTables, d)};
  std::map<std::string, std::string> locking_code;
  int n = 2;
  for (const std::string t : {"big", "small", "empty_t"}) {
    const std::string change = d == Dialect::mysql ? "ALTER TABLE " + t + " MODIFY v BIGINT;\n"
                               : d == Dialect::postgresql ? "CREATE INDEX " + t + "_v ON " + t + " (v);\n"
                                                          : "CREATE UNIQUE INDEX " + t + "_v ON " + t + " (v, id);\n";
    files.push_back(file("2024010100000" + std::to_string(n++) + "_" + t, change, d));
    files.push_back(file("2024010100000" + std::to_string(n++) + "_drop_" + t, "ALTER TABLE " + t + " DROP COLUMN note;\n", d));
  }
  const std::string locking = d == Dialect::mysql ? "mysql.table-copy"
                              : d == Dialect::postgresql ? "pg.index-not-concurrent"
                                                         : "data.unique-existing";  // SQLite: sized, not locking
  flash::lint::Settings s;
  s.stats = flash::lint::live_stats(*conn, s.large_rows);
  std::vector<std::size_t> which;
  for (std::size_t i = 1; i < files.size(); ++i) which.push_back(i);
  const auto findings = flash::lint::lint_migrations(files, which, d, s);

  std::map<std::pair<std::string, std::string>, const flash::lint::Finding*> by;  // (code, table)
  for (const auto& f : findings) by[{f.diag.code, f.table}] = &f;
  for (const std::string& code : {locking, std::string("destructive.drop-column")}) {
    for (const std::string t : {"big", "small", "empty_t"}) {
      const auto key = std::pair{code, t};
      ASSERT_TRUE(by.count(key)) << code << " on " << t;
      const auto& f = *by[key];
      ASSERT_TRUE(f.stats.has_value()) << code << " on " << t << ": " << f.diag.message;
      if (t != "big") {  // below the threshold: counted exactly — the engine's count(*) agrees
        EXPECT_EQ(f.stats->count, flash::lint::TableStats::Count::exact) << t;
        EXPECT_EQ(f.stats->rows, engine_count(*conn, t)) << t;
      } else {
        // At the threshold: counted exactly (1,000,000 rows, the bound is one more) or the catalog's
        // estimate when it says 1,000,000 or more.
        EXPECT_GE(f.stats->rows, 1'000'000) << f.diag.message;
        if (f.stats->count == flash::lint::TableStats::Count::exact) {
          EXPECT_EQ(f.stats->rows, engine_count(*conn, t));
        }
      }
      if (d != Dialect::sqlite || t == "big") {
        ASSERT_TRUE(f.stats->bytes.has_value()) << t;
      }
      const auto sev = f.diag.severity;
      if (t == "empty_t") EXPECT_EQ(sev, flash::diag::Severity::note) << code << ": " << f.diag.message;
      else if (t == "big" && code == locking && d != Dialect::sqlite)
        EXPECT_EQ(sev, flash::diag::Severity::error) << code << ": " << f.diag.message;
      else EXPECT_EQ(sev, flash::diag::Severity::warning) << code << " on " << t << ": " << f.diag.message;
    }
  }
  // The message carries the size the severity came from.
  const std::string small_msg = by[{locking, "small"}]->diag.message;
  const std::string empty_msg = by[{locking, "empty_t"}]->diag.message;
  EXPECT_NE(small_msg.find("live: 10 rows"), std::string::npos) << small_msg;
  EXPECT_NE(empty_msg.find("live: 0 rows"), std::string::npos) << empty_msg;
  // The JSON form: table and stats.
  const auto j = flash::lint::to_json(findings);
  bool seen = false;
  for (const auto& e : j)
    if (e.value("table", "") == "empty_t" && e.contains("stats")) seen = e["stats"]["rows"] == 0;
  EXPECT_TRUE(seen) << j.dump(1);
  // Without statistics the same findings keep their rules' severities.
  const auto plain = flash::lint::lint_migrations(files, which, d, {});
  for (const auto& f : plain) {
    EXPECT_FALSE(f.stats.has_value());
    EXPECT_EQ(f.diag.severity, flash::lint::find_rule(f.diag.code)->severity) << f.diag.code;
  }
}

// apply refuses a locking change on a table at [lint] large_rows, names --no-lint, applies nothing;
// --no-lint applies it. A threshold of 1,000 rows keeps the test small.
// (PostgreSQL and MySQL: SQLite's one locking rule, sqlite.rebuild, comes from the differ's table
// rebuilds, which a hand-written statement does not produce.)
using LintStatsApply = LintStats;
TEST_P(LintStatsApply, ApplyRefusesALockingChangeOnALargeTable) {
  const Dialect d = GetParam();
  flash::test::TempDir t("flash-lintstats");
  t.write("flash.toml", "version = \"2\"\nschema_dir = \"db/schema\"\nmigrations_path = \"db/migrations\"\n\n"
                        "[database]\nprovider = \"" + provider(d) + "\"\nurl_env = \"DATABASE_URL\"\n\n"
                        "[lint]\nlarge_rows = 1000\n");
  t.write("db/migrations/20240101000001_tables.sql", std::string("-- +migrate Up\n") + kTables);
  const std::string env = "NO_COLOR=1 DATABASE_URL=" + flash::test::shell_quote(db->url);
  auto r = flash::test::run_flash(FLASH_BINARY, {"apply"}, t.path(), env);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  fill(*conn, "big", 2'000);
  const std::string change = d == Dialect::mysql ? "ALTER TABLE big MODIFY v BIGINT;\n" : "CREATE INDEX big_v ON big (v);\n";
  t.write("db/migrations/20240101000002_change.sql", "-- +migrate Up\n" + change);
  r = flash::test::run_flash(FLASH_BINARY, {"apply"}, t.path(), env);
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("20240101000002_change.sql:2:1: error["), std::string::npos) << r.err;
  // PostgreSQL has no estimate before ANALYZE: the count stops at the threshold + 1 ("over 1,000
  // rows"); MariaDB's TABLE_ROWS estimate is at the threshold or over it ("~2,000 rows").
  // (An InnoDB estimate below the threshold is counted, and then says "over 1,000 rows" too.)
  EXPECT_TRUE(r.err.find("(live: over 1,000 rows") != std::string::npos ||
              (d == Dialect::mysql && r.err.find("(live: ~") != std::string::npos))
      << r.err;
  EXPECT_NE(r.err.find("--no-lint"), std::string::npos) << r.err;
  const auto changed = [&] {
    if (d == Dialect::postgresql)
      return !conn->query("SELECT 1 FROM pg_indexes WHERE indexname = 'big_v'").rows.empty();
    return !conn->query("SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND "
                        "TABLE_NAME = 'big' AND COLUMN_NAME = 'v' AND DATA_TYPE = 'bigint'").rows.empty();
  };
  EXPECT_FALSE(changed()) << "nothing may run when the lint stops apply";
  // flash lint --json shows the same finding with the table's statistics.
  r = flash::test::run_flash(FLASH_BINARY, {"lint", "--json", "20240101000002"}, t.path(), env);
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  if (d == Dialect::postgresql) {
    EXPECT_NE(r.out.find("\"rows\": 1001"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"rows_count\": \"at_least\""), std::string::npos) << r.out;
  } else {
    EXPECT_TRUE(r.out.find("\"rows_count\": \"estimate\"") != std::string::npos ||
                r.out.find("\"rows_count\": \"at_least\"") != std::string::npos)
        << r.out;
  }
  EXPECT_NE(r.out.find("\"severity\": \"error\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"live_statistics\": true"), std::string::npos) << r.out;
  r = flash::test::run_flash(FLASH_BINARY, {"lint", "--json", "--offline", "20240101000002"}, t.path(), env);
  EXPECT_EQ(r.code, 0) << r.out << r.err;  // graded by the rule alone: a warning
  r = flash::test::run_flash(FLASH_BINARY, {"apply", "--no-lint"}, t.path(), env);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(changed());
}

INSTANTIATE_TEST_SUITE_P(Engines, LintStats, ::testing::Values(Dialect::postgresql, Dialect::mysql, Dialect::sqlite),
                         [](const auto& info) { return provider(info.param); });
INSTANTIATE_TEST_SUITE_P(Engines, LintStatsApply, ::testing::Values(Dialect::postgresql, Dialect::mysql),
                         [](const auto& info) { return provider(info.param); });

}  // namespace

// kill -9 of the real `flash export`, `flash import` and `flash seed` at random points (issue 11:
// crash safety). Export: the previous good export is intact every time and no partial file is left
// where a user would take it for an export. Import: each table is all or nothing, and the rerun
// completes. Seed: each table's rows are all or nothing, and the rerun completes. 10 runs per
// command and engine; FLASH_RELIABILITY_LONG=1 makes it 50. Figures: `RELIABILITY crash ...`.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "flash/driver/connection.hpp"
#include "flash/util/text.hpp"
#include "support.hpp"
#include "support/flash_run.hpp"


namespace flash::exporter {
namespace {

namespace fs = std::filesystem;
using namespace export_test;
using schema::Dialect;
using Clock = std::chrono::steady_clock;

constexpr int kRows = 40000;

int runs() {
  const char* l = std::getenv("FLASH_RELIABILITY_LONG");
  return l && *l && std::string(l) != "0" ? 50 : 10;
}

std::string provider(Dialect d) { return d == Dialect::postgresql ? "postgresql" : d == Dialect::mysql ? "mysql" : "sqlite"; }

// A project directory whose schema is one table `items`, and its database filled with kRows rows.
struct Project {
  TempDir dir;
  std::unique_ptr<TestDb> db;
  std::string url;

  explicit Project(Dialect d) {
    db = TestDb::create(d);
    if (!db) return;
    url = db->url;
    const std::string ddl = "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, n BIGINT);\n";
    fs::create_directories(dir.path / "db" / "schema");
    std::ofstream(dir.path / "db" / "schema" / "schema.sql") << ddl;
    std::ofstream(dir.path / "flash.toml") << "version = \"2\"\nschema_dir = \"db/schema\"\n\n[database]\nprovider = \""
                                           << provider(d) << "\"\nurl_env = \"DATABASE_URL\"\n";
    auto c = db->connect();
    c->execute(ddl);
    const std::string n = std::to_string(kRows);
    if (d == Dialect::postgresql)
      c->execute("INSERT INTO items SELECT g, 'item number ' || g, g * 7 FROM generate_series(1, " + n + ") g");
    else if (d == Dialect::mysql)
      c->execute("INSERT INTO items SELECT seq, CONCAT('item number ', seq), seq * 7 FROM seq_1_to_" + n);
    else
      c->execute("INSERT INTO items WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < " + n +
                 ") SELECT i, 'item number ' || i, i * 7 FROM g");
  }
};

// `flash args...` in `cwd` with DATABASE_URL set; stdout/stderr to /dev/null.
std::unique_ptr<test::FlashProcess> spawn(const std::vector<std::string>& args, const fs::path& cwd,
                                          const std::string& url) {
  return std::make_unique<test::FlashProcess>(FLASH_BINARY, args, cwd,
                                              std::vector<std::pair<std::string, std::string>>{{"DATABASE_URL", url}},
                                              "/dev/null");
}

// Runs to the end; returns the exit code (-1 when killed by a signal) and the time taken.
std::pair<int, double> run_to_end(const std::vector<std::string>& args, const fs::path& cwd, const std::string& url) {
  const auto start = Clock::now();
  const int st = spawn(args, cwd, url)->wait();
  return {st >= 0 ? st : -1, std::chrono::duration<double>(Clock::now() - start).count()};
}

// Runs and kills it with SIGKILL after `delay` seconds (if it is still running). True when killed.
bool run_and_kill(const std::vector<std::string>& args, const fs::path& cwd, const std::string& url, double delay) {
  const auto p = spawn(args, cwd, url);
  const auto until = Clock::now() + std::chrono::duration<double>(delay);
  while (Clock::now() < until) {
    if (p->finished()) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  p->kill9();
  return p->wait() < 0;
}

std::int64_t count_items(driver::SqlConnection& c) {
  try {
    const auto v = c.query("SELECT COUNT(*) FROM items").rows.at(0).at(0);
    return std::get<std::int64_t>(v);
  } catch (const driver::DbError&) {
    return -1;  // no table
  }
}

// A complete export of kRows rows: JSON that parses with every row, or a SQLite file whose header
// table is written and whose items table holds every row.
bool complete_export(const fs::path& p) {
  if (p.extension() == ".json") {
    auto j = nlohmann::json::parse(util::read_file(p), nullptr, false);
    return !j.is_discarded() && j.contains("tables") && j["tables"]["items"]["rows"].size() == kRows;
  }
  sqlite3* db = nullptr;
  bool ok = false;
  if (sqlite3_open_v2(p.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    const char* q = "SELECT (SELECT COUNT(*) FROM _flash_export), (SELECT COUNT(*) FROM items)";
    if (sqlite3_prepare_v2(db, q, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      ok = sqlite3_column_int64(st, 0) == 4 && sqlite3_column_int64(st, 1) == kRows;
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return ok;
}

// Files of `dir` a user would take for an export: everything not hidden.
std::vector<std::string> visible(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string n = e.path().filename().string();
    if (n[0] != '.') out.push_back(n);
  }
  return out;
}

void crash_export(Dialect d) {
  Project p(d);
  if (!p.db) GTEST_SKIP() << "server URL for " << schema::to_string(d) << " not set";
  std::mt19937 rng(12345);
  int total = 0, intact = 0, partial = 0, killed = 0;
  for (const char* format : {"json", "sqlite"}) {
    const std::string name = std::string("data.") + (std::string(format) == "json" ? "json" : "db");
    const fs::path out = p.dir.path / "out";
    fs::create_directories(out);
    const std::vector<std::string> args = {"export", "--format", format, "-o", "out/" + name};
    const auto [code, secs] = run_to_end(args, p.dir.path, p.url);
    ASSERT_EQ(code, 0);
    ASSERT_TRUE(complete_export(out / name));
    const std::string previous = util::read_file(out / name);
    const int n = runs() / 2;
    for (int i = 0; i < n; ++i) {
      ++total;
      const double delay = std::uniform_real_distribution<double>(0.0, secs * 1.1)(rng);
      killed += run_and_kill(args, p.dir.path, p.url, delay) ? 1 : 0;
      if (util::read_file(out / name) == previous || complete_export(out / name)) ++intact;
      else ADD_FAILURE() << "the previous export was damaged by a kill after " << delay << "s";
      const auto files = visible(out);
      if (files.size() != 1 || files[0] != name) {
        ++partial;
        ADD_FAILURE() << "visible files after a kill: " << util::join(files, ", ");
      }
    }
    // A complete run afterwards removes what killed runs left behind.
    ASSERT_EQ(run_to_end(args, p.dir.path, p.url).first, 0);
    for (const auto& e : fs::directory_iterator(out))
      EXPECT_EQ(e.path().filename().string().find(".flash-tmp"), std::string::npos) << e.path();
    fs::remove_all(out);
  }
  std::printf("RELIABILITY crash export %s runs=%d killed=%d previous_intact=%d partial_visible=%d\n",
              provider(d).c_str(), total, killed, intact, partial);
  EXPECT_EQ(intact, total);
  EXPECT_EQ(partial, 0);
}

TEST(CrashSafety, ExportPostgres) { crash_export(Dialect::postgresql); }
TEST(CrashSafety, ExportMysql) { crash_export(Dialect::mysql); }
TEST(CrashSafety, ExportSqlite) { crash_export(Dialect::sqlite); }

// Import claims one transaction per table: after a kill the table holds all rows or none, and a
// rerun (when none) completes.
void crash_import(Dialect d) {
  Project p(d);
  if (!p.db) GTEST_SKIP() << "server URL for " << schema::to_string(d) << " not set";
  ASSERT_EQ(run_to_end({"export", "-o", "data.json"}, p.dir.path, p.url).first, 0);
  auto target = TestDb::create(d);
  ASSERT_TRUE(target);
  auto c = target->connect();
  std::mt19937 rng(777);
  const std::vector<std::string> args = {"import", "data.json"};
  const double secs = [&] {
    const auto r = run_to_end(args, p.dir.path, target->url);
    EXPECT_EQ(r.first, 0);
    return r.second;
  }();
  int total = 0, atomic = 0, completed = 0, killed = 0;
  for (int i = 0; i < runs(); ++i) {
    ++total;
    c->execute("DROP TABLE IF EXISTS items");
    killed += run_and_kill(args, p.dir.path, target->url, std::uniform_real_distribution<double>(0.0, secs * 1.1)(rng));
    const std::int64_t n = count_items(*c);
    if (n <= 0 || n == kRows) ++atomic;
    else ADD_FAILURE() << "a killed import left " << n << " rows";
    if (n != kRows && run_to_end(args, p.dir.path, target->url).first != 0) {
      ADD_FAILURE() << "the rerun failed";
      continue;
    }
    if (count_items(*c) == kRows) ++completed;
  }
  std::printf("RELIABILITY crash import %s runs=%d killed=%d table_atomic=%d rerun_completed=%d\n",
              provider(d).c_str(), total, killed, atomic, completed);
  EXPECT_EQ(atomic, total);
  EXPECT_EQ(completed, total);
}

TEST(CrashSafety, ImportPostgres) { crash_import(Dialect::postgresql); }
TEST(CrashSafety, ImportMysql) { crash_import(Dialect::mysql); }
TEST(CrashSafety, ImportSqlite) { crash_import(Dialect::sqlite); }

// Seed writes each table in one transaction: after a kill the table has its old rows or old + new,
// and a rerun completes.
void crash_seed(Dialect d) {
  Project p(d);
  if (!p.db) GTEST_SKIP() << "server URL for " << schema::to_string(d) << " not set";
  auto c = p.db->connect();
  const std::vector<std::string> args = {"seed", "items:20000", "--seed", "1"};
  c->execute("DELETE FROM items WHERE id > 100");
  const double secs = [&] {
    const auto r = run_to_end(args, p.dir.path, p.url);
    EXPECT_EQ(r.first, 0);
    return r.second;
  }();
  std::mt19937 rng(99);
  int total = 0, atomic = 0, completed = 0, killed = 0;
  for (int i = 0; i < runs(); ++i) {
    ++total;
    c->execute("DELETE FROM items WHERE id > 100");
    killed += run_and_kill(args, p.dir.path, p.url, std::uniform_real_distribution<double>(0.0, secs * 1.1)(rng));
    const std::int64_t n = count_items(*c);
    if (n == 100 || n == 20100) ++atomic;
    else ADD_FAILURE() << "a killed seed left " << n << " rows";
    if (run_to_end(args, p.dir.path, p.url).first == 0) ++completed;
    else ADD_FAILURE() << "the rerun failed";
  }
  std::printf("RELIABILITY crash seed %s runs=%d killed=%d table_atomic=%d rerun_completed=%d\n",
              provider(d).c_str(), total, killed, atomic, completed);
  EXPECT_EQ(atomic, total);
  EXPECT_EQ(completed, total);
}

TEST(CrashSafety, SeedPostgres) { crash_seed(Dialect::postgresql); }
TEST(CrashSafety, SeedMysql) { crash_seed(Dialect::mysql); }
TEST(CrashSafety, SeedSqlite) { crash_seed(Dialect::sqlite); }

}  // namespace
}  // namespace flash::exporter

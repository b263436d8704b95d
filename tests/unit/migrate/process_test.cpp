// Real `flash apply` processes against each database: two concurrent runs apply every migration
// exactly once; kill -9 at random points never leaves a migration marked applied that is not, and
// the next run completes. The binary is bin/flash next to this test executable (or $FLASH_BIN);
// the test skips when it is not built. Runs and counts are printed for the record.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "flash/util/text.hpp"
#include "migrate_test_util.hpp"

namespace flash::migrate {
namespace {

using namespace flash::migrate::testing;

fs::path flash_binary() {
  if (const char* b = std::getenv("FLASH_BIN"); b && *b) return b;
  std::error_code ec;
  auto self = fs::read_symlink("/proc/self/exe", ec);
  return self.parent_path() / "flash";
}

int runs_per_db() {
  if (const char* n = std::getenv("FLASH_MIGRATE_STRESS_RUNS"); n && *n) return std::max(1, std::atoi(n));
  return 20;
}

pid_t spawn_flash(const fs::path& bin, const std::vector<std::string>& args, const fs::path& cwd,
                  const std::string& url, const fs::path& out) {
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::setenv("DATABASE_URL", url.c_str(), 1);
    ::setenv("NO_COLOR", "1", 1);
    int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    std::vector<char*> argv;
    std::string b = bin.string();
    argv.push_back(b.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(b.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

// Exit code, or -signal when killed.
int wait_for(pid_t pid) {
  int st = 0;
  ::waitpid(pid, &st, 0);
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return -WTERMSIG(st);
  return -1000;
}

// Three migrations of several statements each; re-running any statement fails (no IF NOT EXISTS),
// so a double application shows up as a failed process.
void write_stress_migrations(const TestProject& p) {
  for (int m = 1; m <= 3; ++m) {
    std::string n = std::to_string(m);
    std::string up = "-- +migrate Up\n";
    up += "CREATE TABLE s" + n + "_a (id INTEGER PRIMARY KEY, v VARCHAR(50));\n";
    up += "INSERT INTO s" + n + "_a (id, v) VALUES (1, 'x'), (2, 'y');\n";
    up += "CREATE TABLE s" + n + "_b (id INTEGER PRIMARY KEY, a_id INTEGER);\n";
    up += "-- +migrate Down\nDROP TABLE s" + n + "_b;\nDROP TABLE s" + n + "_a;\n";
    p.write_migration("2024010100000" + n + "_stress_" + n, up);
  }
}

void wipe(driver::SqlConnection& c) {
  auto d = c.dialect();
  if (d == Dialect::mysql) c.execute("SET FOREIGN_KEY_CHECKS = 0");
  for (const auto& [t, cols] : live_tables(c))
    c.execute("DROP TABLE IF EXISTS " + sql_ident(t, d));
  c.execute("DROP TABLE IF EXISTS _flash_migrations");
  if (d == Dialect::mysql) c.execute("SET FOREIGN_KEY_CHECKS = 1");
}

class MigrateProcess : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    bin = flash_binary();
    ASSERT_TRUE(fs::exists(bin)) << "flash binary not built at " << bin;
    db = TestDb::create(GetParam());
    if (!db) GTEST_SKIP() << "no server URL for " << dialect_name(GetParam());
    proj = std::make_unique<TestProject>(GetParam());
    write_stress_migrations(*proj);
    conn = db->connect();
    diag::Diagnostics diags;
    files = load_migrations(proj->project.migrations_dir, GetParam(), diags);
    ASSERT_EQ(files.size(), 3u);
  }
  TableMap tables_of(std::size_t count) { return model_tables(replayed(count)); }
  schema::Schema replayed(std::size_t count) {
    diag::Diagnostics diags;
    return replay(files, count, GetParam(), diags);
  }

  fs::path bin;
  std::unique_ptr<TestDb> db;
  std::unique_ptr<TestProject> proj;
  std::unique_ptr<driver::SqlConnection> conn;
  std::vector<MigrationFile> files;
};

TEST_P(MigrateProcess, ConcurrentAppliesApplyEachMigrationOnce) {
  const int runs = runs_per_db();
  int applied_total = 0, skipped_or_idle = 0;
  for (int run = 0; run < runs; ++run) {
    wipe(*conn);
    auto out1 = proj->root / "p1.out", out2 = proj->root / "p2.out";
    pid_t a = spawn_flash(bin, {"apply", "--lock-timeout", "60"}, proj->root, db->url, out1);
    pid_t b = spawn_flash(bin, {"apply", "--lock-timeout", "60"}, proj->root, db->url, out2);
    int ea = wait_for(a), eb = wait_for(b);
    std::string o1 = util::read_file(out1), o2 = util::read_file(out2);
    ASSERT_EQ(ea, 0) << "run " << run << ":\n" << o1;
    ASSERT_EQ(eb, 0) << "run " << run << ":\n" << o2;
    for (const auto& f : files) {
      auto count = [&](const std::string& s) {
        std::size_t n = 0, pos = 0;
        std::string needle = "Applied " + f.id + "\n";
        while ((pos = s.find(needle, pos)) != std::string::npos) ++n, ++pos;
        return n;
      };
      ASSERT_EQ(count(o1) + count(o2), 1u) << f.id << " in run " << run << "\n" << o1 << "\n---\n" << o2;
      auto row = read_tracking_row(*conn, f.id);
      ASSERT_TRUE(row && row->finished());
      ++applied_total;
    }
    if (o1.find("Nothing to apply") != std::string::npos || o2.find("Nothing to apply") != std::string::npos ||
        o1.find("Skipped") != std::string::npos || o2.find("Skipped") != std::string::npos)
      ++skipped_or_idle;
    ASSERT_EQ(read_tracking(*conn).size(), 3u);
    ASSERT_EQ(live_table_map(*conn), tables_of(3));
  }
  std::cout << "[migrate-stress] concurrency " << dialect_name(GetParam()) << ": " << runs
            << " runs of 2 concurrent `flash apply`, " << applied_total
            << " migrations applied exactly once, 0 double applications, " << skipped_or_idle
            << " runs where the second process found the work done\n";
}

TEST_P(MigrateProcess, KillDashNineNeverLeavesAFalseApplied) {
  const int runs = runs_per_db();
  // Duration of a full run sets the range of kill points.
  wipe(*conn);
  auto out = proj->root / "k.out";
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(wait_for(spawn_flash(bin, {"apply"}, proj->root, db->url, out)), 0) << util::read_file(out);
  auto full = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
  std::mt19937 rng(12345 + static_cast<unsigned>(GetParam()));
  std::uniform_int_distribution<long long> when(0, full.count());
  int killed_mid = 0, finished_before_kill = 0, partially_applied = 0, interrupted_rows = 0;
  for (int run = 0; run < runs; ++run) {
    wipe(*conn);
    pid_t p = spawn_flash(bin, {"apply"}, proj->root, db->url, out);
    std::this_thread::sleep_for(std::chrono::microseconds(when(rng)));
    ::kill(p, SIGKILL);
    int ec = wait_for(p);
    if (ec == -SIGKILL) ++killed_mid;
    else ++finished_before_kill;
    // Give the server a moment to notice the dead session (releases its locks, rolls back).
    std::this_thread::sleep_for(std::chrono::milliseconds(GetParam() == Dialect::sqlite ? 0 : 50));
    auto live = live_table_map(*conn);
    auto rows = read_tracking(*conn);
    std::size_t finished = 0;
    for (std::size_t i = 0; i < files.size(); ++i) {
      auto it = std::find_if(rows.begin(), rows.end(), [&](const TrackingRow& r) { return r.id == files[i].id; });
      bool done = it != rows.end() && it->finished();
      // Every table this migration creates.
      auto before = tables_of(i), after = tables_of(i + 1);
      std::size_t present = 0, total = 0;
      for (const auto& [t, cols] : after)
        if (!before.count(t)) {
          ++total;
          present += live.count(t);
        }
      if (done) {
        ++finished;
        ASSERT_EQ(present, total) << files[i].id << " is marked applied but its tables are missing (run " << run
                                  << ")";
      } else if (GetParam() != Dialect::mysql) {
        ASSERT_EQ(present, 0u) << files[i].id << " is not applied but left tables behind (run " << run << ")";
      } else if (it != rows.end()) {
        ++interrupted_rows;
        ASSERT_LE(static_cast<std::size_t>(it->applied_steps_count), files[i].up.size());
      }
      if (!done && present > 0) ++partially_applied;
    }
    (void)finished;
    // The next apply completes.
    auto out2 = proj->root / "k2.out";
    int ec2 = wait_for(spawn_flash(bin, {"apply", "--lock-timeout", "20"}, proj->root, db->url, out2));
    ASSERT_EQ(ec2, 0) << "run " << run << ": the apply after kill -9 failed:\n" << util::read_file(out2);
    ASSERT_EQ(live_table_map(*conn), tables_of(3)) << "run " << run;
    for (const auto& r : read_tracking(*conn)) ASSERT_TRUE(r.finished()) << r.id;
  }
  std::cout << "[migrate-stress] kill -9 " << dialect_name(GetParam()) << ": " << runs << " runs, " << killed_mid
            << " killed mid-run, " << finished_before_kill << " finished before the kill, " << interrupted_rows
            << " interrupted tracking rows resumed, " << partially_applied
            << " partially applied MySQL migrations completed, 0 false 'applied'\n";
}

// The commands through the real binary: output, --json and the documented exit codes.
TEST_P(MigrateProcess, CommandsAndExitCodes) {
  // A fresh project (the stress migrations are not wanted here).
  TestProject p(GetParam());
  auto run = [&](std::vector<std::string> args, std::string* output = nullptr) {
    auto out = p.root / "cli.out";
    int ec = wait_for(spawn_flash(bin, args, p.root, db->url, out));
    if (output) *output = util::read_file(out);
    return ec;
  };
  auto json_of = [](const std::string& s) { return nlohmann::json::parse(s.substr(s.find('{'))); };
  std::string out;
  p.write_schema("CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL UNIQUE, name VARCHAR(80));\n");
  ASSERT_EQ(run({"migrate", "Init Users"}, &out), 0) << out;
  auto migs = load_migrations(p.project.migrations_dir, GetParam(), *std::make_unique<diag::Diagnostics>());
  ASSERT_EQ(migs.size(), 1u);
  EXPECT_EQ(migs[0].name, "init_users");
  ASSERT_EQ(run({"apply", "--dry-run"}, &out), 0) << out;
  EXPECT_NE(out.find("CREATE TABLE users"), std::string::npos) << out;
  EXPECT_FALSE(tracking_table_exists(*conn));
  ASSERT_EQ(run({"apply"}, &out), 0) << out;
  ASSERT_EQ(run({"status", "--json"}, &out), 0) << out;
  auto st = json_of(out);
  EXPECT_EQ(st["applied"], 1);
  EXPECT_EQ(st["clean"], true);
  // Rename without a terminal: exit 2 naming the flag; with the flag: written.
  p.write_schema("CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL UNIQUE, "
                 "full_name VARCHAR(80));\n");
  EXPECT_EQ(run({"migrate", "rename"}, &out), 2) << out;
  EXPECT_NE(out.find("--rename users.name:full_name"), std::string::npos) << out;
  ASSERT_EQ(run({"migrate", "rename", "--rename", "users.name:full_name"}, &out), 0) << out;
  ASSERT_EQ(run({"apply"}, &out), 0) << out;
  ASSERT_EQ(run({"raw", "INSERT INTO users (id, email) VALUES (1, 'a@x'), (2, 'b@x')"}, &out), 0) << out;
  ASSERT_EQ(run({"raw", "--json", "SELECT count(*) AS n FROM users"}, &out), 0) << out;
  EXPECT_EQ(json_of(out)["results"][0]["rows"][0]["n"], 2) << out;
  ASSERT_EQ(run({"raw", "SELECT id, email FROM users ORDER BY id"}, &out), 0) << out;
  EXPECT_NE(out.find("id | email"), std::string::npos) << out;
  EXPECT_NE(out.find("2  | b@x"), std::string::npos) << out;
  // Conflict: exit 5.
  auto bad = p.write_migration("20990101000000_not_null",
                               "-- +migrate Up\nALTER TABLE users ADD COLUMN age INTEGER NOT NULL;\n");
  EXPECT_EQ(run({"apply"}, &out), 5) << out;
  EXPECT_NE(out.find("2 row(s)"), std::string::npos) << out;
  fs::remove(bad);
  // Tampering: exit 3 from apply and status; accepted explicitly.
  migs = load_migrations(p.project.migrations_dir, GetParam(), *std::make_unique<diag::Diagnostics>());
  { std::ofstream(migs[0].path, std::ios::app) << "-- touched\n"; }
  EXPECT_EQ(run({"apply"}, &out), 3) << out;
  EXPECT_NE(out.find(migs[0].id), std::string::npos) << out;
  EXPECT_EQ(run({"status"}, &out), 3) << out;
  EXPECT_NE(out.find("modified"), std::string::npos) << out;
  EXPECT_EQ(run({"apply", "--accept-edit", migs[0].id}, &out), 0) << out;
  // Down: the dry run prints, the real one rolls back the rename.
  ASSERT_EQ(run({"down", "--dry-run"}, &out), 0) << out;
  EXPECT_NE(out.find("RENAME COLUMN full_name TO name"), std::string::npos) << out;
  ASSERT_EQ(run({"down"}, &out), 0) << out;
  EXPECT_TRUE(live_table_map(*conn)["users"].count("name"));
  // Reset: needs --force without a terminal.
  EXPECT_EQ(run({"reset"}, &out), 2) << out;
  ASSERT_EQ(run({"reset", "--force"}, &out), 0) << out;
  EXPECT_TRUE(live_table_map(*conn).empty());
  EXPECT_FALSE(tracking_table_exists(*conn));
  EXPECT_TRUE(fs::exists(p.project.export_dir));
}

INSTANTIATE_TEST_SUITE_P(Db, MigrateProcess, ::testing::ValuesIn(all_dialects()), param_name);

}  // namespace
}  // namespace flash::migrate

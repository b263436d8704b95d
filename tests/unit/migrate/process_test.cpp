// Real `flash` processes against each database (the binary built next to this test, FLASH_BINARY;
// run through tests/support/flash_run):
//  - crash safety: `flash apply` and `flash down` killed with SIGKILL at random points: afterwards
//    nothing is marked applied that did not commit (checked against the engine's catalog),
//    `flash status --json` tells the truth about every migration, and the rerun completes (on
//    MySQL, a DDL statement interrupted while running makes the rerun stop with exit 3; the test
//    then looks in the catalog whether it took effect and answers with --resume-at, as a user
//    would);
//  - concurrency: 4 `flash apply` at once: every migration applied exactly once;
//  - a connection lost mid-apply exits 6.
// Runs per engine: FLASH_RELIABILITY_LONG=1 → 50 kill runs per command, 20 concurrency runs;
// otherwise 10 and 3 (CI). Each test prints one parseable line
//   RELIABILITY <suite> <command> <engine> key=value ...
// that scripts collect into docs/RELIABILITY.md.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <random>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "flash/schema/printer.hpp"
#include "flash/util/text.hpp"
#include "migrate_test_util.hpp"
#include "support/flash_run.hpp"

namespace flash::migrate {
namespace {

using namespace flash::migrate::testing;
using test::FlashProcess;

bool long_mode() {
  const char* v = std::getenv("FLASH_RELIABILITY_LONG");
  return v && *v && std::string(v) != "0";
}
int crash_runs() { return long_mode() ? 50 : 10; }
int concurrency_runs() { return long_mode() ? 20 : 3; }

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
  for (const auto& [t, cols] : live_tables(c)) c.execute("DROP TABLE IF EXISTS " + schema::quote_ident_always(t, d));
  c.execute("DROP TABLE IF EXISTS _flash_migrations");
  if (d == Dialect::mysql) c.execute("SET FOREIGN_KEY_CHECKS = 1");
}

nlohmann::json json_of(const std::string& s) {
  auto p = s.find('{');
  if (p == std::string::npos) return nlohmann::json::object();
  try {
    return nlohmann::json::parse(s.substr(p));
  } catch (const std::exception&) {
    return nlohmann::json::object();
  }
}

class MigrateProcess : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    bin = FLASH_BINARY;
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
  Dialect d() const { return GetParam(); }
  std::string engine() const { return dialect_name(GetParam()); }
  TableMap tables_of(std::size_t count) { return model_tables(replayed(count)); }
  schema::Schema replayed(std::size_t count) {
    diag::Diagnostics diags;
    return replay(files, count, GetParam(), diags);
  }
  std::vector<std::pair<std::string, std::string>> env() const { return {{"DATABASE_URL", db->url}, {"NO_COLOR", "1"}}; }
  std::unique_ptr<FlashProcess> spawn(const std::vector<std::string>& args, const std::string& log) {
    return std::make_unique<FlashProcess>(bin, args, proj->root, env(), proj->root / log);
  }
  // Runs to the end: exit code and output (stdout + stderr).
  int run(const std::vector<std::string>& args, std::string* output = nullptr, const TestProject* p = nullptr) {
    const auto& project = p ? *p : *proj;
    auto r = test::run_flash(bin, args, project.root,
                             "NO_COLOR=1 DATABASE_URL=" + test::shell_quote(db->url));
    if (output) *output = r.out + r.err;
    return r.code;
  }
  // The history row of `id`; none while the history table does not exist yet.
  std::optional<TrackingRow> row_of(const std::string& id) {
    if (!tracking_table_exists(*conn)) return std::nullopt;
    return read_tracking_row(*conn, id);
  }
  // The tables migration i (0-based) creates.
  std::set<std::string> created_by(std::size_t i) {
    auto before = tables_of(i), after = tables_of(i + 1);
    std::set<std::string> out;
    for (const auto& [t, cols] : after)
      if (!before.count(t)) out.insert(t);
    return out;
  }

  // MySQL: a rerun stopped because statement K was running when the process died. Looks in the
  // catalog whether it took effect (every stress statement that can be ambiguous creates or drops a
  // table) and returns the --resume-at value a user would give.
  std::optional<std::string> resume_decision(bool down) {
    for (std::size_t i = 0; i < files.size(); ++i) {
      auto row = row_of(files[i].id);
      if (!row || !row->logs || !row->logs->starts_with("flash-running: statement ")) continue;
      int k = std::atoi(row->logs->c_str() + std::string("flash-running: statement ").size());
      const auto& stmts = down ? files[i].down : files[i].up;
      if (k < 1 || k > static_cast<int>(stmts.size())) return std::nullopt;
      std::smatch m;
      const std::string& sql = stmts[static_cast<std::size_t>(k - 1)].sql;
      if (!std::regex_search(sql, m, std::regex("TABLE (s[0-9]_[ab])"))) return std::nullopt;
      bool present = live_table_exists(*conn, m[1]);
      bool took_effect = util::starts_with_ci(sql, "DROP") ? !present : present;
      return files[i].id + ":" + std::to_string(took_effect ? k + 1 : k);
    }
    return std::nullopt;
  }

  // Runs `args` to completion after a kill; on MySQL answers an "interrupted statement" stop.
  // Returns the exit code; counts the answers in `resolved`.
  int rerun(std::vector<std::string> args, bool down, int& resolved, std::string& output) {
    int ec = run(args, &output);
    if (ec == 3 && d() == Dialect::mysql && output.find("migrate.interrupted-statement") != std::string::npos) {
      auto decision = resume_decision(down);
      if (!decision) return ec;
      ++resolved;
      args.push_back("--resume-at");
      args.push_back(*decision);
      ec = run(args, &output);
    }
    return ec;
  }

  // `flash status --json` against the tracking rows and the catalog. Returns "" when truthful.
  std::string status_lie() {
    std::string out;
    int ec = run({"status", "--json"}, &out);
    auto j = json_of(out);
    if (!j.contains("migrations")) return "status printed no report (exit " + std::to_string(ec) + "): " + out;
    auto live = live_table_map(*conn);
    bool expect_drift = false;  // tables of a migration that is not applied, or missing ones of one that is
    for (std::size_t i = 0; i < files.size(); ++i) {
      std::string state;
      for (const auto& m : j["migrations"])
        if (m["id"] == files[i].id) state = m["state"];
      auto row = row_of(files[i].id);
      std::size_t present = 0;
      auto created = created_by(i);
      for (const auto& t : created) present += live.count(t);
      const bool complete = present == created.size();
      if (row && row->finished() && !row->rolled_back_at) {
        if (state != "applied") return files[i].id + " is applied but status says " + state;
        if (!complete) return files[i].id + " is marked applied but its tables are missing";
        continue;
      }
      if (present > 0) expect_drift = true;
      if (!row) {
        if (state != "pending") return files[i].id + " has no history row but status says " + state;
        if (present > 0 && d() != Dialect::mysql) return files[i].id + " is not applied but left tables behind";
      } else {
        // An unfinished apply or rollback (MySQL only: elsewhere a migration commits whole).
        if (d() != Dialect::mysql) return files[i].id + " left an unfinished history row on " + engine();
        if (state != "failed" && state != "rollback-incomplete")
          return files[i].id + " is unfinished but status says " + state;
      }
    }
    const bool drift = !j["drift"]["differences"].empty();
    if (!j["drift"].value("checked", false)) return "drift was not checked: " + j["drift"].dump();
    if (drift != expect_drift)
      return std::string(drift ? "status reports drift where there is none: " : "status hides a partial migration: ") +
             j["drift"].dump();
    if ((ec == 0) != j.value("clean", false)) return "status exit " + std::to_string(ec) + " disagrees with clean";
    return "";
  }

  fs::path bin;
  std::unique_ptr<TestDb> db;
  std::unique_ptr<TestProject> proj;
  std::unique_ptr<driver::SqlConnection> conn;
  std::vector<MigrationFile> files;
};

TEST_P(MigrateProcess, ConcurrentAppliesApplyEachMigrationOnce) {
  const int runs = concurrency_runs(), procs = 4;
  int exactly_once = 0, double_applied = 0, failed = 0, found_done = 0;
  for (int run_no = 0; run_no < runs; ++run_no) {
    wipe(*conn);
    std::vector<std::unique_ptr<FlashProcess>> ps;
    for (int i = 0; i < procs; ++i) ps.push_back(spawn({"apply", "--lock-timeout", "60"}, "c" + std::to_string(i) + ".out"));
    std::vector<std::string> outs;
    for (int i = 0; i < procs; ++i) {
      int ec = ps[static_cast<std::size_t>(i)]->wait();
      outs.push_back(util::read_file(proj->root / ("c" + std::to_string(i) + ".out")));
      if (ec != 0) ++failed;
      EXPECT_EQ(ec, 0) << "run " << run_no << " process " << i << ":\n" << outs.back();
      if (outs.back().find("Nothing to apply") != std::string::npos ||
          outs.back().find("Skipped") != std::string::npos)
        ++found_done;
    }
    for (const auto& f : files) {
      std::size_t n = 0;
      for (const auto& o : outs) {
        std::string needle = "Applied " + f.id + "\n";
        for (std::size_t pos = o.find(needle); pos != std::string::npos; pos = o.find(needle, pos + 1)) ++n;
      }
      auto row = row_of(f.id);
      if (n == 1 && row && row->finished()) ++exactly_once;
      else ++double_applied;
      EXPECT_EQ(n, 1u) << f.id << " in run " << run_no;
    }
    EXPECT_EQ(read_tracking(*conn).size(), 3u);
    EXPECT_EQ(live_table_map(*conn), tables_of(3)) << "run " << run_no;
    EXPECT_EQ(count_rows(*conn, "s1_a"), 2) << "the data statement ran more than once";
  }
  std::cout << "RELIABILITY concurrency apply " << engine() << " runs=" << runs << " processes=" << procs
            << " migrations=" << runs * 3 << " applied_exactly_once=" << exactly_once
            << " not_exactly_once=" << double_applied << " failed_processes=" << failed
            << " processes_that_found_work_done=" << found_done << "\n";
}

TEST_P(MigrateProcess, KillDashNineDuringApply) {
  const int runs = crash_runs();
  // The shortest of three full runs sets the range of kill points (process start-up included).
  std::string out;
  long long full = 0;
  for (int i = 0; i < 3; ++i) {
    wipe(*conn);
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_EQ(run({"apply"}, &out), 0) << out;
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
    full = i == 0 ? static_cast<long long>(us) : std::min<long long>(full, us);
  }
  std::mt19937 rng(12345 + static_cast<unsigned>(GetParam()));
  std::uniform_int_distribution<long long> when(0, full);
  int killed = 0, finished_first = 0, false_applied = 0, truthful = 0, rerun_ok = 0, resolved = 0, partial = 0;
  std::set<long long> points;
  for (int run_no = 0; run_no < runs; ++run_no) {
    wipe(*conn);
    auto p = spawn({"apply"}, "k.out");
    long long at = when(rng);
    std::this_thread::sleep_for(std::chrono::microseconds(at));
    p->kill9();
    if (p->wait() == -SIGKILL) {
      ++killed;
      points.insert(at / 1000);
    } else {
      ++finished_first;
    }
    // Give the server a moment to notice the dead session (releases its locks, rolls back).
    std::this_thread::sleep_for(std::chrono::milliseconds(d() == Dialect::sqlite ? 0 : 50));
    auto live = live_table_map(*conn);
    for (std::size_t i = 0; i < files.size(); ++i) {
      auto row = row_of(files[i].id);
      std::size_t present = 0;
      for (const auto& t : created_by(i)) present += live.count(t);
      if (row && row->finished() && present != created_by(i).size()) ++false_applied;
      if (!(row && row->finished()) && present > 0) ++partial;
    }
    auto lie = status_lie();
    if (lie.empty()) ++truthful;
    EXPECT_EQ(lie, "") << "run " << run_no;
    int ec = rerun({"apply", "--lock-timeout", "20"}, false, resolved, out);
    bool ok = ec == 0 && live_table_map(*conn) == tables_of(3) && count_rows(*conn, "s3_a") == 2;
    for (const auto& r : read_tracking(*conn)) ok = ok && r.finished();
    if (ok) ++rerun_ok;
    EXPECT_TRUE(ok) << "run " << run_no << ": the apply after kill -9 did not complete (exit " << ec << "):\n" << out;
    EXPECT_EQ(status_lie(), "") << "after the rerun of run " << run_no;
  }
  EXPECT_EQ(false_applied, 0);
  if (d() != Dialect::mysql) {
    EXPECT_EQ(partial, 0);
  }
  std::cout << "RELIABILITY crash apply " << engine() << " runs=" << runs << " killed_mid_run=" << killed
            << " finished_before_kill=" << finished_first << " kill_points_ms=" << points.size()
            << " false_applied=" << false_applied << " partial_mysql=" << partial << " status_truthful=" << truthful
            << " rerun_ok=" << rerun_ok << " interrupted_statements_answered=" << resolved << "\n";
}

TEST_P(MigrateProcess, KillDashNineDuringDown) {
  const int runs = crash_runs();
  std::string out;
  long long full = 0;
  for (int i = 0; i < 3; ++i) {
    wipe(*conn);
    ASSERT_EQ(run({"apply"}, &out), 0) << out;
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_EQ(run({"down", "--steps", "3"}, &out), 0) << out;
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
    full = i == 0 ? static_cast<long long>(us) : std::min<long long>(full, us);
  }
  std::mt19937 rng(54321 + static_cast<unsigned>(GetParam()));
  std::uniform_int_distribution<long long> when(0, full);
  int killed = 0, finished_first = 0, false_applied = 0, truthful = 0, rerun_ok = 0, resolved = 0;
  std::set<long long> points;
  for (int run_no = 0; run_no < runs; ++run_no) {
    wipe(*conn);
    ASSERT_EQ(run({"apply"}, &out), 0) << out;
    auto p = spawn({"down", "--steps", "3"}, "k.out");
    long long at = when(rng);
    std::this_thread::sleep_for(std::chrono::microseconds(at));
    p->kill9();
    if (p->wait() == -SIGKILL) {
      ++killed;
      points.insert(at / 1000);
    } else {
      ++finished_first;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(d() == Dialect::sqlite ? 0 : 50));
    // "Applied" in the history must mean every table is there; no row must mean none is.
    auto live = live_table_map(*conn);
    for (std::size_t i = 0; i < files.size(); ++i) {
      auto row = row_of(files[i].id);
      std::size_t present = 0;
      for (const auto& t : created_by(i)) present += live.count(t);
      if (row && row->finished() && !row->rolled_back_at && present != created_by(i).size()) ++false_applied;
      if (!row && present > 0) ++false_applied;
    }
    auto lie = status_lie();
    if (lie.empty()) ++truthful;
    EXPECT_EQ(lie, "") << "run " << run_no;
    // The rerun rolls back what is left.
    std::optional<std::string> oldest;
    for (const auto& r : read_tracking(*conn))
      if (r.finished() && (!oldest || r.id < *oldest)) oldest = r.id;
    int ec = 0;
    if (oldest) ec = rerun({"down", *oldest, "--lock-timeout", "20"}, true, resolved, out);
    bool ok = ec == 0 && live_table_map(*conn).empty() && read_tracking(*conn).empty();
    if (ok) ++rerun_ok;
    EXPECT_TRUE(ok) << "run " << run_no << ": the down after kill -9 did not complete (exit " << ec << "):\n" << out;
  }
  EXPECT_EQ(false_applied, 0);
  std::cout << "RELIABILITY crash down " << engine() << " runs=" << runs << " killed_mid_run=" << killed
            << " finished_before_kill=" << finished_first << " kill_points_ms=" << points.size()
            << " false_applied=" << false_applied << " status_truthful=" << truthful << " rerun_ok=" << rerun_ok
            << " interrupted_statements_answered=" << resolved << "\n";
}

// The server ends the session while a migration runs: exit 6 (the documented "database could not
// be reached"), not 1, and the state is what the message says.
// SQLite has no connection to lose.
class MigrateProcessServer : public MigrateProcess {};

TEST_P(MigrateProcessServer, ALostConnectionExits6) {
  wipe(*conn);
  TestProject p(d());
  const std::string sleep = d() == Dialect::postgresql ? "SELECT pg_sleep(30)" : "SELECT SLEEP(30)";
  const std::string id = "20240101000001_slow";
  p.write_migration(id, "-- +migrate Up\nCREATE TABLE slow_a (id INTEGER);\n" + sleep + ";\nCREATE TABLE slow_b (id INTEGER);\n");
  FlashProcess proc(bin, {"apply"}, p.root, env(), p.root / "slow.out");
  // Find its session and end it from the server side.
  std::string find = d() == Dialect::postgresql
                         ? "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE "
                           "'SELECT pg_sleep(30)%' AND pid <> pg_backend_pid()"
                         : "SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND info LIKE "
                           "'SELECT SLEEP(30)%'";
  std::optional<std::int64_t> session;
  for (int i = 0; i < 200 && !session; ++i) {
    auto rs = conn->query(find);
    if (!rs.rows.empty()) session = value_int(rs.rows[0][0]);
    else std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(session.has_value()) << "the migration's session never showed up";
  if (d() == Dialect::postgresql) conn->query("SELECT pg_terminate_backend(" + std::to_string(*session) + ")");
  else conn->execute("KILL " + std::to_string(*session));
  int ec = proc.wait();
  std::string out = util::read_file(p.root / "slow.out");
  EXPECT_EQ(ec, 6) << out;
  EXPECT_NE(out.find("lost the connection"), std::string::npos) << out;
  EXPECT_NE(out.find("statement 2 of 3"), std::string::npos) << out;
  auto row = row_of(id);
  if (d() == Dialect::postgresql) {
    // One transaction: nothing kept, nothing recorded.
    EXPECT_FALSE(row && row->finished());
    EXPECT_FALSE(live_table_exists(*conn, "slow_a"));
  } else {
    // The row says statement 2 was running; the next apply asks, then completes.
    ASSERT_TRUE(row && row->logs);
    EXPECT_EQ(row->logs->rfind("flash-running: statement 2 of 3", 0), 0u) << *row->logs;
    EXPECT_EQ(run({"apply"}, &out, &p), 3) << out;
  }
  // The rerun completes. PostgreSQL kept nothing, so the file may be fixed (no 30 s sleep); MySQL
  // continues after the statement that was running (its effect, a sleep, needs no repeat).
  std::vector<std::string> again = {"apply"};
  if (d() == Dialect::mysql) again = {"apply", "--resume-at", id + ":3"};
  else p.write_migration(id, "-- +migrate Up\nCREATE TABLE slow_a (id INTEGER);\nSELECT 1;\nCREATE TABLE slow_b (id INTEGER);\n");
  EXPECT_EQ(run(again, &out, &p), 0) << out;
  EXPECT_TRUE(live_table_exists(*conn, "slow_b"));
  std::cout << "RELIABILITY connection-lost apply " << engine() << " exit=" << ec << "\n";
}

TEST_P(MigrateProcess, CommandsAndExitCodes) {
  // A fresh project (the stress migrations are not wanted here).
  TestProject p(GetParam());
  auto run = [&](std::vector<std::string> args, std::string* output = nullptr) {
    return MigrateProcess::run(args, output, &p);
  };
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
INSTANTIATE_TEST_SUITE_P(Db, MigrateProcessServer, ::testing::Values(Dialect::postgresql, Dialect::mysql), param_name);

}  // namespace
}  // namespace flash::migrate

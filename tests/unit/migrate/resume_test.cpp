// MySQL resume is driven only by the recorded statement index (issue 11, defect 5). Before the fix
// a failure that could not be recorded was swallowed, and the next run took MySQL errors
// 1054/1146/1051/... of the first statement as "it already ran" — so a statement that had failed
// was skipped and its migration recorded as applied. The failures here are real: a trigger on
// _flash_migrations refuses Flash's own bookkeeping at a chosen moment.
#include "migrate_test_util.hpp"

namespace flash::migrate {
namespace {

using namespace flash::migrate::testing;

class MysqlResume : public ::testing::Test {
 protected:
  void SetUp() override {
    db = TestDb::create(Dialect::mysql);
    if (!db) GTEST_SKIP() << "no server URL for mysql";
    proj = std::make_unique<TestProject>(Dialect::mysql);
    conn = db->connect();
    admin = db->connect();
    admin->execute(tracking_table_ddl(Dialect::mysql));
  }
  // A trigger that rejects updates of the history row matching `condition` (on NEW).
  void refuse_updates_where(const std::string& condition) {
    admin->execute("DROP TRIGGER IF EXISTS refuse_bookkeeping");
    admin->execute("CREATE TRIGGER refuse_bookkeeping BEFORE UPDATE ON _flash_migrations FOR EACH ROW BEGIN IF " +
                   condition + " THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'bookkeeping refused'; END IF; END");
  }
  // The statement that fails names a table no migration creates, so the files do not replay: the
  // conflict check is skipped knowingly.
  int run(ApplyOptions o, std::string* msg = nullptr) {
    o.skip_conflict_check = true;
    return exit_code_of([&] { apply(*conn, proj->project, o, {}); }, msg);
  }
  bool has_table(const std::string& t) { return live_table_exists(*admin, t); }

  std::unique_ptr<TestDb> db;
  std::unique_ptr<TestProject> proj;
  std::unique_ptr<driver::SqlConnection> conn, admin;
};

const char* kId = "20240101000001_three";

TEST_F(MysqlResume, AFailureThatCannotBeRecordedStopsLoudlyAndTheNextRunDoesNotGuess) {
  // Statement 2 fails for real (error 1146): with the old code the next run counted 1146 as
  // "already ran" and recorded the migration as applied without it.
  proj->write_migration(kId, "-- +migrate Up\nCREATE TABLE ra (id INT);\nALTER TABLE missing_table ADD COLUMN c INT;\n"
                             "CREATE TABLE rb (id INT);\n");
  refuse_updates_where("NEW.logs LIKE 'failed%'");
  std::string msg;
  EXPECT_EQ(run({}, &msg), 1) << msg;
  EXPECT_NE(msg.find("failed at statement 2 of 3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("recording the failure in _flash_migrations failed too"), std::string::npos) << msg;
  EXPECT_NE(msg.find("bookkeeping refused"), std::string::npos) << msg;
  EXPECT_NE(msg.find(std::string("--resume-at ") + kId + ":2"), std::string::npos) << msg;
  auto row = read_tracking_row(*admin, kId);
  ASSERT_TRUE(row.has_value());
  EXPECT_FALSE(row->finished());
  EXPECT_EQ(row->applied_steps_count, 1);
  auto st = status(*conn, proj->project);
  ASSERT_EQ(st.migrations.size(), 1u);
  EXPECT_EQ(st.migrations[0].state, "failed");
  EXPECT_NE(st.migrations[0].detail.find("may or may not have taken effect"), std::string::npos)
      << st.migrations[0].detail;

  admin->execute("DROP TRIGGER refuse_bookkeeping");
  // The next run refuses to guess (exit 3) and changes nothing.
  EXPECT_EQ(run({}, &msg), 3) << msg;
  EXPECT_NE(msg.find("interrupted while statement 2 of 3 was running"), std::string::npos) << msg;
  EXPECT_NE(msg.find("ALTER TABLE missing_table"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--resume-at"), std::string::npos) << msg;
  EXPECT_FALSE(has_table("rb"));
  EXPECT_FALSE(read_tracking_row(*admin, kId)->finished());

  // Only the two meaningful answers are accepted.
  ApplyOptions bad;
  bad.resume_at = {std::string(kId) + ":4"};
  EXPECT_EQ(run(bad, &msg), 2) << msg;
  bad.resume_at = {"20990101000000_other:1"};
  EXPECT_EQ(run(bad, &msg), 2) << msg;
  bad.resume_at = {"no-colon"};
  EXPECT_EQ(run(bad, &msg), 2) << msg;

  // "It did not take effect": statement 2 runs again, fails again, and this time is recorded.
  ApplyOptions again;
  again.resume_at = {std::string(kId) + ":2"};
  EXPECT_EQ(run(again, &msg), 1) << msg;
  row = read_tracking_row(*admin, kId);
  ASSERT_TRUE(row->logs.has_value());
  EXPECT_EQ(row->logs->rfind("failed at statement 2 of 3", 0), 0u) << *row->logs;
  EXPECT_EQ(row->applied_steps_count, 1);
  EXPECT_FALSE(has_table("rb"));

  // A recorded failure resumes at the recorded statement once the file is fixed there.
  proj->write_migration(kId, "-- +migrate Up\nCREATE TABLE ra (id INT);\nCREATE TABLE missing_table (c INT);\n"
                             "CREATE TABLE rb (id INT);\n");
  EXPECT_EQ(run({}, &msg), 0) << msg;
  row = read_tracking_row(*admin, kId);
  EXPECT_TRUE(row->finished());
  EXPECT_EQ(row->applied_steps_count, 3);
  EXPECT_TRUE(has_table("ra") && has_table("missing_table") && has_table("rb"));
}

TEST_F(MysqlResume, AStatementThatRanButWasNotCountedNeedsTheUsersWord) {
  // Statement 1 (DDL) commits, then recording its step count fails: the row keeps the "running"
  // note. The old code resumed at statement 1 and took "table exists" (1050) as success.
  proj->write_migration(kId, "-- +migrate Up\nCREATE TABLE ra (id INT);\nINSERT INTO ra VALUES (1);\n"
                             "CREATE TABLE rb (id INT);\n");
  refuse_updates_where("NEW.applied_steps_count = 1");
  std::string msg;
  EXPECT_EQ(run({}, &msg), 1) << msg;
  EXPECT_TRUE(has_table("ra"));
  admin->execute("DROP TRIGGER refuse_bookkeeping");
  auto row = read_tracking_row(*admin, kId);
  ASSERT_TRUE(row && row->logs);
  EXPECT_EQ(row->logs->rfind("flash-running: statement 1 of 3", 0), 0u) << *row->logs;
  EXPECT_EQ(row->applied_steps_count, 0);

  EXPECT_EQ(run({}, &msg), 3) << msg;
  EXPECT_NE(msg.find("interrupted while statement 1 of 3 was running"), std::string::npos) << msg;
  // The table is there, so the statement took effect: continue with statement 2.
  ApplyOptions o;
  o.resume_at = {std::string(kId) + ":2"};
  auto res = apply(*conn, proj->project, o, {});
  EXPECT_EQ(res.applied, std::vector<std::string>{kId});
  EXPECT_EQ(std::count(res.statements.begin(), res.statements.end(), "CREATE TABLE ra (id INT)"), 0);
  row = read_tracking_row(*admin, kId);
  EXPECT_TRUE(row->finished());
  EXPECT_EQ(count_rows(*admin, "ra"), 1);
  EXPECT_TRUE(has_table("rb"));
  EXPECT_TRUE(status(*conn, proj->project).clean());
}

TEST_F(MysqlResume, AnInterruptedRollbackResumesByItsRecordedCount) {
  proj->write_migration(kId, "-- +migrate Up\nCREATE TABLE ra (id INT);\nCREATE TABLE rb (id INT);\n"
                             "-- +migrate Down\nDROP TABLE rb;\nDROP TABLE ra;\n");
  ASSERT_EQ(run({}), 0);
  // The rollback's first DROP commits, then its count cannot be recorded.
  refuse_updates_where("NEW.rolled_back_at IS NOT NULL AND NEW.applied_steps_count = 1");
  std::string msg;
  EXPECT_NE(exit_code_of([&] { down(*conn, proj->project, {}, {}); }, &msg), 0) << msg;
  admin->execute("DROP TRIGGER refuse_bookkeeping");
  EXPECT_FALSE(has_table("rb"));
  EXPECT_TRUE(has_table("ra"));
  auto st = status(*conn, proj->project);
  ASSERT_EQ(st.migrations.size(), 1u);
  EXPECT_EQ(st.migrations[0].state, "rollback-incomplete");
  EXPECT_NE(st.migrations[0].detail.find("Down statement 1 of 2 was running"), std::string::npos)
      << st.migrations[0].detail;
  // Apply refuses while the rollback is unfinished; down asks which way the DROP went.
  EXPECT_EQ(run({}, &msg), 3) << msg;
  EXPECT_EQ(exit_code_of([&] { down(*conn, proj->project, {}, {}); }, &msg), 3) << msg;
  EXPECT_NE(msg.find("its rollback was interrupted while statement 1 of 2 was running"), std::string::npos) << msg;
  EXPECT_NE(msg.find("flash down --resume-at"), std::string::npos) << msg;
  DownOptions o;
  o.resume_at = {std::string(kId) + ":2"};
  auto res = down(*conn, proj->project, o, {});
  EXPECT_EQ(res.rolled_back, std::vector<std::string>{kId});
  EXPECT_FALSE(has_table("ra"));
  EXPECT_FALSE(read_tracking_row(*admin, kId).has_value());
}

}  // namespace
}  // namespace flash::migrate

// The migration engine on every database: each test is written once and runs per dialect
// (SQLite always; PostgreSQL / MySQL when FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL are set).
#include <gtest/gtest.h>

#include <fstream>

#include "flash/migrate/lock.hpp"
#include "flash/util/text.hpp"
#include "migrate_test_util.hpp"

namespace flash::migrate {
namespace {

using namespace flash::migrate::testing;

// Forwards to a real connection and records every statement that changes the database (all
// execute() calls, and the foreign-key checks that go through query()).
class RecordingConnection : public driver::SqlConnection {
 public:
  explicit RecordingConnection(driver::SqlConnection& c) : c_(c) {}
  std::vector<std::string> log;
  schema::Dialect dialect() const override { return c_.dialect(); }
  std::string server_version() override { return c_.server_version(); }
  void execute(std::string_view sql) override {
    c_.execute(sql);
    if (!util::starts_with_ci(sql, "PRAGMA busy_timeout")) log.emplace_back(sql);
  }
  driver::ResultSet query(std::string_view sql, std::span<const driver::Value> params = {}) override {
    auto r = c_.query(sql, params);
    if (util::starts_with_ci(sql, "PRAGMA foreign_key_check")) log.emplace_back(sql);
    return r;
  }
  std::unique_ptr<driver::RowCursor> stream(std::string_view sql, std::span<const driver::Value> params = {}) override {
    return c_.stream(sql, params);
  }
  bool transactional_ddl() const override { return c_.transactional_ddl(); }
  void begin() override { c_.begin(); }
  void commit() override { c_.commit(); }
  void rollback() override { c_.rollback(); }

 private:
  driver::SqlConnection& c_;
};

class MigrateEngine : public LiveProjectTest {
 protected:
  const Project& project() const { return proj->project; }

  std::string gen(const std::string& name, std::vector<diff::Rename> renames = {}) {
    GenerateOptions o;
    o.name = name;
    o.renames = std::move(renames);
    auto r = generate(project(), o, {});
    EXPECT_TRUE(r.written) << "nothing generated for " << name;
    return r.path ? r.path->stem().string() : "";
  }
  ApplyResult do_apply(ApplyOptions o = {}) { return apply(*conn, project(), o, {}); }

  schema::Schema desired() {
    diag::Diagnostics diags;
    auto s = parse_schema_dir(project().schema_dir, d(), diags);
    EXPECT_FALSE(diag::has_errors(diags));
    return s;
  }
  schema::Schema replayed(std::size_t count) {
    diag::Diagnostics diags;
    auto files = load_migrations(project().migrations_dir, d(), diags);
    return replay(files, count, d(), diags);
  }
  void expect_live_matches(const schema::Schema& s, const std::string& step) {
    EXPECT_EQ(live_table_map(*conn), model_tables(s)) << "after " << step;
  }
  std::optional<TrackingRow> row(const std::string& id) { return read_tracking_row(*conn, id); }

};

const char* kSchemaV1 =
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL UNIQUE, name VARCHAR(100));\n"
    "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, title VARCHAR(200) NOT NULL);\n";
const char* kSchemaV2 =
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL UNIQUE, full_name VARCHAR(100),\n"
    "  age INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),\n"
    "  title VARCHAR(200) NOT NULL);\n"
    "CREATE INDEX posts_title_idx ON posts (title);\n";
const char* kSchemaV3 =
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL UNIQUE, full_name VARCHAR(100));\n"
    "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),\n"
    "  title VARCHAR(200) NOT NULL);\n"
    "CREATE INDEX posts_title_idx ON posts (title);\n";

TEST_P(MigrateEngine, ScenarioMigrateApplyChangeDownApply) {
  proj->write_schema(kSchemaV1);
  auto m1 = gen("init");
  do_apply();
  expect_live_matches(desired(), "init");
  conn->execute("INSERT INTO users (id, email, name) VALUES (1, 'a@x', 'Ann'), (2, 'b@x', 'Bob')");
  conn->execute("INSERT INTO posts (id, user_id, title) VALUES (1, 1, 'hello')");

  // Add column, add index, add FK, rename: without a terminal the rename must be named (exit 2).
  proj->write_schema(kSchemaV2);
  std::string msg;
  EXPECT_EQ(exit_code_of([&] { generate(project(), GenerateOptions{.name = "v2"}, {}); }, &msg), 2);
  EXPECT_NE(msg.find("--rename users.name:full_name"), std::string::npos) << msg;
  auto m2 = gen("v2", {diff::Rename{"users", "name", "full_name"}});
  auto r2 = do_apply();
  EXPECT_EQ(r2.applied, std::vector<std::string>{m2});
  expect_live_matches(desired(), "v2");
  // The rename kept the data.
  auto names = conn->query("SELECT full_name FROM users WHERE id = 1");
  ASSERT_EQ(names.rows.size(), 1u);
  EXPECT_EQ(value_text(names.rows[0][0]).value_or(""), "Ann");

  // Drop a column that holds data: refused (exit 5) until accepted, then exported first.
  proj->write_schema(kSchemaV3);
  auto m3 = gen("v3");
  EXPECT_EQ(exit_code_of([&] { do_apply(); }, &msg), 5);
  EXPECT_NE(msg.find("age"), std::string::npos) << msg;
  EXPECT_NE(msg.find(m3), std::string::npos) << msg;
  ApplyOptions accept;
  accept.accept_data_loss = true;
  auto r3 = do_apply(accept);
  EXPECT_EQ(r3.applied, std::vector<std::string>{m3});
  ASSERT_EQ(r3.exports.size(), 1u);
  EXPECT_NE(util::read_file(r3.exports[0]).find("b@x"), std::string::npos);
  expect_live_matches(desired(), "v3");

  // Down: newest first; back to what the first two migrations produce.
  // Re-adding the dropped column cannot bring its data back: lossy, refused without the flag.
  EXPECT_EQ(exit_code_of([&] { down(*conn, project(), DownOptions{}, {}); }, &msg), 5);
  EXPECT_NE(msg.find("age"), std::string::npos) << msg;
  DownOptions dopt;
  dopt.accept_data_loss = true;
  auto dr = down(*conn, project(), dopt, {});
  EXPECT_EQ(dr.rolled_back, std::vector<std::string>{m3});
  expect_live_matches(replayed(2), "down v3");
  EXPECT_FALSE(row(m3).has_value());
  auto st = status(*conn, project());
  EXPECT_EQ(st.count("applied"), 2);
  EXPECT_EQ(st.count("pending"), 1);
  EXPECT_TRUE(st.clean());

  // Apply again.
  auto r4 = do_apply(accept);
  EXPECT_EQ(r4.applied, std::vector<std::string>{m3});
  expect_live_matches(desired(), "re-apply v3");
  st = status(*conn, project());
  EXPECT_EQ(st.count("applied"), 3);
  EXPECT_TRUE(st.applied_schema.has_value()) << st.drift_note;  // drift itself: status_drift_test
  EXPECT_TRUE(st.clean()) << to_json(st).dump();

  // Nothing left to generate; --empty writes a template.
  auto same = generate(project(), GenerateOptions{.name = "nothing"}, {});
  EXPECT_TRUE(same.no_changes);
  EXPECT_FALSE(same.written);
  auto empty = generate(project(), GenerateOptions{.name = "manual", .empty = true}, {});
  EXPECT_TRUE(empty.written);
  EXPECT_NE(empty.content.find("-- +migrate Down"), std::string::npos);
  EXPECT_TRUE(fs::exists(project().migrations_dir / ".flash" / "schema_snapshot.json"));

  // Dropping the first tables is lossy: refused without --accept-data-loss.
  DownOptions all;
  all.target = m1;
  EXPECT_EQ(exit_code_of([&] { down(*conn, project(), all, {}); }, &msg), 5);
}

TEST_P(MigrateEngine, DryRunPrintsExactlyWhatRuns) {
  proj->write_schema(kSchemaV1);
  gen("init");
  proj->write_schema(kSchemaV2);
  gen("v2", {diff::Rename{"users", "name", "full_name"}});
  ApplyOptions dry;
  dry.dry_run = true;
  auto planned = apply(*conn, project(), dry, {});
  EXPECT_EQ(planned.applied.size(), 2u);
  EXPECT_TRUE(live_table_map(*conn).empty()) << "a dry run changed the database";
  EXPECT_FALSE(tracking_table_exists(*conn));
  RecordingConnection rec(*conn);
  auto real = apply(rec, project(), ApplyOptions{}, {});
  EXPECT_EQ(real.statements, planned.statements);
  EXPECT_EQ(rec.log, planned.statements);

  DownOptions dd;
  dd.dry_run = true;
  dd.steps = 2;
  dd.accept_data_loss = true;
  dd.no_backup = true;
  auto pdown = down(*conn, project(), dd, {});
  RecordingConnection rec2(*conn);
  dd.dry_run = false;
  auto rdown = down(rec2, project(), dd, {});
  EXPECT_EQ(rdown.rolled_back.size(), 2u);
  EXPECT_EQ(rec2.log, pdown.statements);
  EXPECT_TRUE(live_table_map(*conn).empty());
}

const char* kM1 =
    "-- +migrate Up\nCREATE TABLE t1 (id INTEGER PRIMARY KEY);\n-- +migrate Down\nDROP TABLE t1;\n";
const char* kM2 =
    "-- +migrate Up\nCREATE TABLE t2 (id INTEGER PRIMARY KEY);\n-- +migrate Down\nDROP TABLE t2;\n";

TEST_P(MigrateEngine, TamperingIsDetected) {
  proj->write_migration("20240101000001_one", kM1);
  auto p2 = proj->write_migration("20240101000003_two", kM2);
  do_apply();
  std::string msg;
  // Edited after it was applied.
  proj->write_migration("20240101000001_one", std::string(kM1) + "-- edited\n");
  EXPECT_EQ(exit_code_of([&] { do_apply(); }, &msg), 3);
  EXPECT_NE(msg.find("20240101000001_one"), std::string::npos) << msg;
  EXPECT_EQ(status(*conn, project()).migrations[0].state, "modified");
  ApplyOptions acc;
  acc.accept_edit = {"20240101000001_one"};
  do_apply(acc);
  EXPECT_EQ(row("20240101000001_one")->checksum, util::sha256_hex(std::string(kM1) + "-- edited\n"));
  EXPECT_EQ(exit_code_of([&] { do_apply(); }), 0);
  // Deleted.
  fs::remove(p2);
  EXPECT_EQ(exit_code_of([&] { do_apply(); }, &msg), 3);
  EXPECT_NE(msg.find("20240101000003_two"), std::string::npos) << msg;
  EXPECT_EQ(status(*conn, project()).migrations[1].state, "missing-file");
  proj->write_migration("20240101000003_two", kM2);
  // Out of order: older than the newest applied one.
  proj->write_migration("20240101000002_between",
                        "-- +migrate Up\nCREATE TABLE tb (id INTEGER);\n-- +migrate Down\nDROP TABLE tb;\n");
  EXPECT_EQ(exit_code_of([&] { do_apply(); }, &msg), 3);
  EXPECT_NE(msg.find("20240101000002_between"), std::string::npos) << msg;
  EXPECT_EQ(status(*conn, project()).migrations[1].state, "out-of-order");
  ApplyOptions ooo;
  ooo.allow_out_of_order = true;
  EXPECT_EQ(do_apply(ooo).applied, std::vector<std::string>{"20240101000002_between"});
  EXPECT_TRUE(status(*conn, project()).clean());
}

TEST_P(MigrateEngine, FailedStatementLeavesDocumentedStateAndResumes) {
  proj->write_migration("20240101000001_one", kM1);
  const std::string bad =
      "-- +migrate Up\nCREATE TABLE fa (id INTEGER);\nCREATE TABLE fb (id INTEGER);\n"
      "INSERT INTO no_such_table VALUES (1);\n-- +migrate Down\nDROP TABLE fb;\nDROP TABLE fa;\n";
  proj->write_migration("20240101000002_two", bad);
  std::string msg;
  EXPECT_EQ(exit_code_of([&] { do_apply(); }, &msg), 1);
  EXPECT_NE(msg.find("statement 3 of 3"), std::string::npos) << msg;
  auto r = row("20240101000002_two");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->finished());
  auto live = live_table_map(*conn);
  auto st = status(*conn, project());
  EXPECT_EQ(st.migrations[0].state, "applied");
  EXPECT_EQ(st.migrations[1].state, "failed");
  EXPECT_NE(st.migrations[1].detail.find("statement 3 of 3"), std::string::npos) << st.migrations[1].detail;
  if (d() == Dialect::mysql) {
    // DDL committed: the first two statements stay, the count says so.
    EXPECT_EQ(r->applied_steps_count, 2);
    EXPECT_TRUE(live.count("fa") && live.count("fb"));
    // Editing a statement that already ran is refused...
    proj->write_migration("20240101000002_two", "-- +migrate Up\nCREATE TABLE fa (id BIGINT);\n"
                                                "CREATE TABLE fb (id INTEGER);\nCREATE TABLE fc (id INTEGER);\n");
    EXPECT_EQ(exit_code_of([&] { do_apply(); }), 3);
  } else {
    EXPECT_EQ(r->applied_steps_count, 0);
    EXPECT_FALSE(live.count("fa") || live.count("fb")) << "a failed migration left tables behind";
  }
  // ...fixing the failed statement (and what follows it) resumes.
  proj->write_migration("20240101000002_two",
                        "-- +migrate Up\nCREATE TABLE fa (id INTEGER);\nCREATE TABLE fb (id INTEGER);\n"
                        "CREATE TABLE fc (id INTEGER);\n-- +migrate Down\nDROP TABLE fc;\nDROP TABLE fb;\nDROP TABLE fa;\n");
  auto res = do_apply();
  EXPECT_EQ(res.applied, std::vector<std::string>{"20240101000002_two"});
  if (d() == Dialect::mysql) {
    // Resumed at statement 3: the first two were not executed again.
    EXPECT_EQ(std::count(res.statements.begin(), res.statements.end(), "CREATE TABLE fa (id INTEGER)"), 0);
  }
  live = live_table_map(*conn);
  EXPECT_TRUE(live.count("fa") && live.count("fb") && live.count("fc"));
  r = row("20240101000002_two");
  EXPECT_TRUE(r->finished());
  EXPECT_EQ(r->applied_steps_count, 3);
  EXPECT_FALSE(r->logs.has_value());
  EXPECT_TRUE(status(*conn, project()).clean());
}

// `-- +migrate Up notransaction`: PostgreSQL runs the section statement by statement (what CREATE
// INDEX CONCURRENTLY needs) with each step recorded, so a failure keeps what ran and the rerun
// resumes at the failed statement. MySQL tracks every statement anyway; SQLite, whose lock is the
// migration's write transaction, keeps running the section in one transaction.
TEST_P(MigrateEngine, NoTransactionSectionRunsStatementByStatementAndResumes) {
  proj->write_migration("20240101000001_one", kM1);
  const std::string index = d() == Dialect::postgresql ? "CREATE INDEX CONCURRENTLY nt_v ON nt (v)"
                                                       : "CREATE INDEX nt_v ON nt (v)";
  const std::string head = "-- +migrate Up notransaction\nCREATE TABLE nt (id INTEGER, v INTEGER);\n"
                           "INSERT INTO nt VALUES (1, 2);\n" + index + ";\n";
  const std::string tail = "-- +migrate Down\nDROP TABLE nt;\n";
  proj->write_migration("20240101000002_two", head + "INSERT INTO no_such_table VALUES (1);\n" + tail);
  std::string msg;
  EXPECT_EQ(exit_code_of([&] { do_apply(); }, &msg), 1);
  EXPECT_NE(msg.find("statement 4 of 4"), std::string::npos) << msg;
  auto r = row("20240101000002_two");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->finished());
  auto live = live_table_map(*conn);
  if (d() == Dialect::sqlite) {
    EXPECT_EQ(r->applied_steps_count, 0);
    EXPECT_FALSE(live.count("nt")) << "SQLite runs the section in one transaction";
  } else {
    EXPECT_EQ(r->applied_steps_count, 3);
    EXPECT_TRUE(live.count("nt")) << "the statements before the failure stay";
  }
  proj->write_migration("20240101000002_two", head + "INSERT INTO nt VALUES (2, 3);\n" + tail);
  auto res = do_apply();
  EXPECT_EQ(res.applied, std::vector<std::string>{"20240101000002_two"});
  if (d() != Dialect::sqlite) {  // resumed at statement 4: the first three did not run again
    EXPECT_EQ(std::count(res.statements.begin(), res.statements.end(), index), 0);
  }
  auto n = conn->query("SELECT count(*) FROM nt");
  EXPECT_EQ(value_text(n.rows.at(0).at(0)).value_or(""), "2") << "the INSERT before the failure ran exactly once";
  if (d() == Dialect::postgresql) {
    auto valid = conn->query("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'nt_v'::regclass");
    EXPECT_EQ(value_text(valid.rows.at(0).at(0)).value_or(""), "true");
    // The same index inside a transactional section is refused by the server itself.
    proj->write_migration("20240101000003_three", "-- +migrate Up\nCREATE INDEX CONCURRENTLY nt_id ON nt (id);\n");
    EXPECT_EQ(exit_code_of([&] { do_apply(); }, &msg), 1);
    EXPECT_NE(msg.find("transaction block"), std::string::npos) << msg;
  }
  EXPECT_TRUE(row("20240101000002_two")->finished());
}

TEST_P(MigrateEngine, ConflictsWithLiveDataStopBeforeAnythingRuns) {
  proj->write_migration("20240101000001_base",
                        "-- +migrate Up\n"
                        "CREATE TABLE orgs (id INTEGER PRIMARY KEY);\n"
                        "CREATE TABLE members (id INTEGER PRIMARY KEY, email VARCHAR(100), org_id INTEGER,\n"
                        "  code VARCHAR(20));\n"
                        "-- +migrate Down\nDROP TABLE members;\nDROP TABLE orgs;\n");
  do_apply();
  conn->execute("INSERT INTO orgs (id) VALUES (1)");
  conn->execute("INSERT INTO members (id, email, org_id, code) VALUES (1, 'a@x', 1, '12'), (2, 'a@x', 7, 'abc'), "
                "(3, 'c@x', NULL, '3')");
  struct Case {
    std::string id, up, expect;
  };
  std::string fk_up =
      d() == Dialect::sqlite
          ? "CREATE TABLE new_members (id INTEGER PRIMARY KEY, email VARCHAR(100), org_id INTEGER REFERENCES orgs(id),\n"
            "  code VARCHAR(20));\nINSERT INTO new_members (id, email, org_id, code) SELECT id, email, org_id, code "
            "FROM members;\nDROP TABLE members;\nALTER TABLE new_members RENAME TO members;\n"
          : "ALTER TABLE members ADD CONSTRAINT members_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id);\n";
  std::vector<Case> cases = {
      {"20240101000002_not_null", "ALTER TABLE members ADD COLUMN age INTEGER NOT NULL;\n", "without a default"},
      {"20240101000002_unique", "CREATE UNIQUE INDEX members_email_key ON members (email);\n", "more than once"},
      {"20240101000002_fk", fk_up, "reference missing"},
  };
  if (d() == Dialect::postgresql) {
    cases.push_back({"20240101000002_narrow", "ALTER TABLE members ALTER COLUMN code TYPE VARCHAR(2);\n",
                     "longer than 2"});
    cases.push_back({"20240101000002_to_int",
                     "ALTER TABLE members ALTER COLUMN code TYPE INTEGER USING code::integer;\n", "not an integer"});
  } else if (d() == Dialect::mysql) {
    cases.push_back({"20240101000002_narrow", "ALTER TABLE members MODIFY code VARCHAR(2);\n", "longer than 2"});
    cases.push_back({"20240101000002_to_int", "ALTER TABLE members MODIFY code INT;\n", "not an integer"});
  }
  for (const auto& c : cases) {
    auto p = proj->write_migration(c.id, "-- +migrate Up\n" + c.up);
    std::string msg;
    EXPECT_EQ(exit_code_of([&] { do_apply(); }, &msg), 5) << c.id;
    EXPECT_NE(msg.find(c.expect), std::string::npos) << c.id << ": " << msg;
    EXPECT_NE(msg.find(c.id), std::string::npos) << msg;
    EXPECT_NE(msg.find("members"), std::string::npos) << msg;
    EXPECT_FALSE(row(c.id).has_value()) << "a conflicting migration ran: " << c.id;
    fs::remove(p);
  }
  // Nothing ran: the table is unchanged.
  EXPECT_EQ(live_table_map(*conn)["members"], (std::set<std::string>{"id", "email", "org_id", "code"}));
  EXPECT_EQ(count_rows(*conn, "members"), 3);
}

TEST_P(MigrateEngine, LockTimeoutExitsWith4) {
  proj->write_migration("20240101000001_one", kM1);
  auto other = db->connect();
  if (d() == Dialect::postgresql) other->query("SELECT pg_advisory_lock(" + std::to_string(kPgLockKey) + ")");
  else if (d() == Dialect::mysql)
    other->query("SELECT GET_LOCK(CONCAT('flash_migrate:', DATABASE()), 0)");
  else {
    other->execute("CREATE TABLE hold (id INTEGER)");
    other->execute("BEGIN IMMEDIATE");
    other->execute("INSERT INTO hold VALUES (1)");
  }
  ApplyOptions o;
  o.lock_timeout = std::chrono::milliseconds(800);
  auto t0 = std::chrono::steady_clock::now();
  std::string msg;
  EXPECT_EQ(exit_code_of([&] { do_apply(o); }, &msg), 4) << msg;
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(700));
  if (d() == Dialect::sqlite) other->execute("ROLLBACK");
  other.reset();
  EXPECT_EQ(do_apply().applied.size(), 1u);
}

TEST_P(MigrateEngine, ResetDropsManagedTablesAfterExport) {
  proj->write_schema(kSchemaV1);
  gen("init");
  do_apply();
  conn->execute("INSERT INTO users (id, email, name) VALUES (1, 'keep@x', 'K')");
  ResetOptions ro;
  // Without a way to ask, reset refuses (usage).
  EXPECT_EQ(exit_code_of([&] { reset(*conn, project(), ro, {}); }), 2);
  ro.force = true;
  auto r = reset(*conn, project(), ro, {});
  EXPECT_EQ(r.dropped.size(), 2u);
  ASSERT_TRUE(r.export_file.has_value());
  EXPECT_NE(util::read_file(*r.export_file).find("keep@x"), std::string::npos);
  EXPECT_TRUE(live_table_map(*conn).empty());
  EXPECT_FALSE(tracking_table_exists(*conn));
  // Everything applies again from scratch.
  EXPECT_EQ(do_apply().applied.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Db, MigrateEngine, ::testing::ValuesIn(all_dialects()), param_name);

}  // namespace
}  // namespace flash::migrate

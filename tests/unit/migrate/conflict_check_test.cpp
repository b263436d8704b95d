// The live-data conflict check fails closed (issue 11, defect 1): a probe that cannot run, or
// whose answer cannot be trusted, stops `apply` with exit 5 naming migration, statement, probe, the
// database's error and --skip-conflict-check — with a real restricted user on each server
// (PostgreSQL: SELECT revoked from the owner, FORCE ROW LEVEL SECURITY; MariaDB: no SELECT
// privilege), and on every engine for migration files that do not replay. Each case checks with
// the engine's own catalog that nothing was dropped or converted. Before the fix every one of these
// migrations ran (exit 0) and lost the data.
#include "flash/util/text.hpp"
#include "migrate_test_util.hpp"

namespace flash::migrate {
namespace {

using namespace flash::migrate::testing;

const char* kBase =
    "-- +migrate Up\n"
    "CREATE TABLE items (id INTEGER PRIMARY KEY, note VARCHAR(100), price NUMERIC(10,2));\n"
    "CREATE TABLE old_items (id INTEGER PRIMARY KEY, label VARCHAR(50));\n"
    "-- +migrate Down\nDROP TABLE old_items;\nDROP TABLE items;\n";

struct LossyCase {
  std::string id;
  std::string up;
};

std::vector<LossyCase> lossy_cases(Dialect d) {
  return {
      {"20240101000002_drop_note", "ALTER TABLE items DROP COLUMN note;\n"},
      {"20240101000002_drop_old", "DROP TABLE old_items;\n"},
      {"20240101000002_price_int", d == Dialect::postgresql ? "ALTER TABLE items ALTER COLUMN price TYPE INTEGER;\n"
                                                            : "ALTER TABLE items MODIFY price INT;\n"},
  };
}

class ConflictCheck : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    db = TestDb::create(GetParam());
    if (!db) GTEST_SKIP() << "no server URL for " << dialect_name(GetParam());
    proj = std::make_unique<TestProject>(GetParam());
    admin = db->connect();
  }
  Dialect d() const { return GetParam(); }

  // What the engine's catalog says, read as the admin user (not through Flash's model).
  bool column_exists(const std::string& table, const std::string& column) {
    std::string q = d() == Dialect::postgresql
                        ? "SELECT 1 FROM pg_attribute WHERE attrelid = '" + table + "'::regclass AND attname = '" +
                              column + "' AND NOT attisdropped"
                        : "SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '" +
                              table + "' AND column_name = '" + column + "'";
    return !admin->query(q).rows.empty();
  }
  bool table_exists(const std::string& table) {
    std::string q = d() == Dialect::postgresql
                        ? "SELECT 1 FROM pg_class WHERE relname = '" + table + "' AND relkind = 'r'"
                        : "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '" +
                              table + "'";
    return !admin->query(q).rows.empty();
  }
  std::string column_type(const std::string& table, const std::string& column) {
    std::string q = d() == Dialect::postgresql
                        ? "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '" + table +
                              "'::regclass AND attname = '" + column + "'"
                        : "SELECT column_type FROM information_schema.columns WHERE table_schema = DATABASE() AND "
                          "table_name = '" + table + "' AND column_name = '" + column + "'";
    auto rs = admin->query(q);
    return rs.rows.empty() ? "" : value_text(rs.rows[0][0]).value_or("");
  }
  void expect_untouched(const std::string& when) {
    EXPECT_TRUE(column_exists("items", "note")) << when << ": items.note was dropped";
    EXPECT_TRUE(table_exists("old_items")) << when << ": old_items was dropped";
    EXPECT_NE(column_type("items", "price").find("numeric") == std::string::npos &&
                  column_type("items", "price").find("decimal") == std::string::npos,
              true)
        << when << ": items.price became " << column_type("items", "price");
  }

  // Applies `c` as `conn` and expects the fail-closed stop; returns the message.
  std::string expect_stopped(driver::SqlConnection& conn, const LossyCase& c, const std::string& db_error) {
    auto p = proj->write_migration(c.id, "-- +migrate Up\n" + c.up);
    std::string msg;
    EXPECT_EQ(exit_code_of([&] { apply(conn, proj->project, {}, {}); }, &msg), 5) << c.id << ": " << msg;
    EXPECT_NE(msg.find("could not run"), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.id + " statement 1 (line 2)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("probe: SELECT"), std::string::npos) << msg;
    EXPECT_NE(msg.find(db_error), std::string::npos) << msg;
    EXPECT_NE(msg.find("--skip-conflict-check"), std::string::npos) << msg;
    EXPECT_FALSE(read_tracking_row(*admin, c.id).has_value()) << c.id << " was recorded";
    expect_untouched(c.id);
    fs::remove(p);
    return msg;
  }

  // Declared first: dropped after the database (a PostgreSQL role owning objects cannot go).
  std::unique_ptr<RestrictedUser> user;
  std::unique_ptr<TestDb> db;
  std::unique_ptr<TestProject> proj;
  std::unique_ptr<driver::SqlConnection> admin;
};

class ConflictCheckServer : public ConflictCheck {};

TEST_P(ConflictCheckServer, ProbesThatCannotReadTheDataStopApply) {
  user = std::make_unique<RestrictedUser>(*db);
  std::unique_ptr<driver::SqlConnection> r;
  proj->write_migration("20240101000001_base", kBase);
  if (d() == Dialect::postgresql) {
    // The role owns the tables (it may ALTER and DROP them) but may not read them.
    admin->execute("GRANT CREATE, USAGE ON SCHEMA public TO " + user->name);
    r = user->connect();
    apply(*r, proj->project, {}, {});
    r->execute("INSERT INTO items VALUES (1, 'keep me', 1.50), (2, 'me too', 2.25)");
    r->execute("INSERT INTO old_items VALUES (1, 'old')");
    r->execute("REVOKE SELECT ON items, old_items FROM " + user->name);
    r->execute("GRANT SELECT ON _flash_migrations TO PUBLIC");  // for the checks below
  } else {
    apply(*admin, proj->project, {}, {});
    admin->execute("INSERT INTO items VALUES (1, 'keep me', 1.50), (2, 'me too', 2.25)");
    admin->execute("INSERT INTO old_items VALUES (1, 'old')");
    user->grant_mysql(*admin, "CREATE, ALTER, DROP, INSERT, UPDATE, DELETE, INDEX", db->name + ".*");
    user->grant_mysql(*admin, "SELECT, INSERT, UPDATE, DELETE", db->name + "._flash_migrations");
    r = user->connect();
  }
  const std::string denied = d() == Dialect::postgresql ? "permission denied" : "SELECT command denied";
  for (const auto& c : lossy_cases(d())) expect_stopped(*r, c, denied);
  if (d() == Dialect::mysql) {
    // MariaDB would fill a NOT NULL column without default with 0 on the existing rows.
    expect_stopped(*r, {"20240101000002_qty", "ALTER TABLE items ADD COLUMN qty INTEGER NOT NULL;\n"}, denied);
    EXPECT_FALSE(column_exists("items", "qty"));
  }
  // The flag knowingly skips the probe (no backup possible without SELECT, so --no-backup too).
  auto p = proj->write_migration("20240101000002_drop_note", "-- +migrate Up\nALTER TABLE items DROP COLUMN note;\n");
  ApplyOptions o;
  o.skip_conflict_check = true;
  std::string msg;
  EXPECT_NE(exit_code_of([&] { apply(*r, proj->project, o, {}); }, &msg), 0)
      << "the backup export cannot read the table either, so this must stop: " << msg;
  EXPECT_TRUE(column_exists("items", "note"));
  o.no_backup = true;
  std::vector<std::string> warnings;
  Output out;
  out.warn = [&](const std::string& w) { warnings.push_back(w); };
  EXPECT_EQ(exit_code_of([&] { apply(*r, proj->project, o, out); }, &msg), 0) << msg;
  EXPECT_FALSE(column_exists("items", "note"));
  ASSERT_FALSE(warnings.empty());
  EXPECT_NE(warnings[0].find("conflict check skipped (--skip-conflict-check)"), std::string::npos) << warnings[0];
  fs::remove(p);
}

class ConflictCheckRls : public ConflictCheck {};

TEST_P(ConflictCheckRls, RowLevelSecurityHidingRowsStopsApply) {
  user = std::make_unique<RestrictedUser>(*db);
  proj->write_migration("20240101000001_base", kBase);
  admin->execute("GRANT CREATE, USAGE ON SCHEMA public TO " + user->name);
  auto r = user->connect();
  apply(*r, proj->project, {}, {});
  r->execute("GRANT SELECT ON _flash_migrations TO PUBLIC");
  r->execute("INSERT INTO items VALUES (1, 'keep me', 1.50), (2, 'me too', 2.25)");
  r->execute("INSERT INTO old_items VALUES (1, 'old')");
  // A policy that shows the owner nothing: count(*) says 0 while the rows are there.
  for (const char* t : {"items", "old_items"}) {
    r->execute(std::string("ALTER TABLE ") + t + " ENABLE ROW LEVEL SECURITY");
    r->execute(std::string("ALTER TABLE ") + t + " FORCE ROW LEVEL SECURITY");
    r->execute(std::string("CREATE POLICY hide ON ") + t + " USING (id < 0)");
  }
  ASSERT_EQ(count_rows(*r, "items"), 0) << "the policy should hide the rows from the role";
  for (const auto& c : lossy_cases(d())) expect_stopped(*r, c, "row-level security is active");
}

// Files that do not replay leave the check blind: it stops instead of skipping (every engine).
TEST_P(ConflictCheck, MigrationsThatDoNotReplayStopApply) {
  proj->write_migration("20240101000001_base", kBase);
  apply(*admin, proj->project, {}, {});
  admin->execute("INSERT INTO items (id, note) VALUES (1, 'keep me')");
  // A table the migrations never created: the replay cannot know what dropping it loses.
  admin->execute("CREATE TABLE legacy (id INTEGER PRIMARY KEY, v VARCHAR(10))");
  admin->execute("INSERT INTO legacy VALUES (1, 'data')");
  auto p = proj->write_migration("20240101000002_drop_legacy",
                                 "-- +migrate Up\nALTER TABLE legacy DROP COLUMN v;\nDROP TABLE legacy;\n");
  std::string msg;
  EXPECT_EQ(exit_code_of([&] { apply(*admin, proj->project, {}, {}); }, &msg), 5) << msg;
  EXPECT_NE(msg.find("could not be replayed"), std::string::npos) << msg;
  EXPECT_NE(msg.find("20240101000002_drop_legacy"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--skip-conflict-check"), std::string::npos) << msg;
  EXPECT_TRUE(live_table_exists(*admin, "legacy"));
  EXPECT_EQ(count_rows(*admin, "legacy"), 1);
  fs::remove(p);
}

// A probe of a later pending migration that reads what an earlier pending one adds cannot run
// before anything is applied; it runs right before its migration instead (not skipped, not a
// false stop).
TEST_P(ConflictCheck, ProbesOfLaterPendingMigrationsRunWhenTheirObjectsExist) {
  proj->write_migration("20240101000001_base", kBase);
  apply(*admin, proj->project, {}, {});
  admin->execute("INSERT INTO items (id, note) VALUES (1, 'a'), (2, 'b')");
  // Added without data, dropped again: nothing to lose, both apply in one run.
  proj->write_migration("20240101000002_add_tmp", "-- +migrate Up\nALTER TABLE items ADD COLUMN tmp INTEGER;\n");
  proj->write_migration("20240101000003_drop_tmp", "-- +migrate Up\nALTER TABLE items DROP COLUMN tmp;\n");
  std::string msg;
  EXPECT_EQ(exit_code_of([&] { apply(*admin, proj->project, {}, {}); }, &msg), 0) << msg;
  EXPECT_TRUE(read_tracking_row(*admin, "20240101000003_drop_tmp").has_value());
  // Added with a default (every row gets a value), then dropped: the re-run probe sees the data.
  proj->write_migration("20240101000004_add_kept",
                        "-- +migrate Up\nALTER TABLE items ADD COLUMN kept INTEGER DEFAULT 5;\n");
  proj->write_migration("20240101000005_drop_kept", "-- +migrate Up\nALTER TABLE items DROP COLUMN kept;\n");
  EXPECT_EQ(exit_code_of([&] { apply(*admin, proj->project, {}, {}); }, &msg), 5) << msg;
  EXPECT_NE(msg.find("drops column items.kept which holds data in 2 row(s)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("applied before the check could run: 20240101000004_add_kept"), std::string::npos) << msg;
  EXPECT_TRUE(read_tracking_row(*admin, "20240101000004_add_kept").has_value());
  EXPECT_FALSE(read_tracking_row(*admin, "20240101000005_drop_kept").has_value());
  EXPECT_EQ(live_table_map(*admin)["items"].count("kept"), 1u);
}

// A foreign key over a column the same migration adds (nullable, no default): every existing row
// holds NULL there, so nothing can violate it and there is nothing to probe — apply runs. Before,
// the probe read the column that did not exist yet and stopped apply (exit 5). With a default the
// rows get a value and the probe must run: it cannot, so apply still stops.
// (PostgreSQL and MySQL: SQLite adds a foreign key by rebuilding the table, probed as a rebuild.)
TEST_P(ConflictCheckServer, AForeignKeyOverANewNullColumnNeedsNoProbe) {
  proj->write_migration("20240101000001_base", kBase);
  apply(*admin, proj->project, {}, {});
  admin->execute("INSERT INTO items (id, note) VALUES (1, 'a'), (2, 'b')");
  admin->execute("INSERT INTO old_items (id, label) VALUES (1, 'x')");
  proj->write_migration("20240101000002_link",
                        "-- +migrate Up\nALTER TABLE items ADD COLUMN old_id INTEGER;\n"
                        "ALTER TABLE items ADD CONSTRAINT items_old FOREIGN KEY (old_id) REFERENCES old_items (id);\n");
  std::string msg;
  EXPECT_EQ(exit_code_of([&] { apply(*admin, proj->project, {}, {}); }, &msg), 0) << msg;
  EXPECT_TRUE(column_exists("items", "old_id"));
  proj->write_migration("20240101000003_link_default",
                        "-- +migrate Up\nALTER TABLE items ADD COLUMN other_id INTEGER DEFAULT 7;\n"
                        "ALTER TABLE items ADD CONSTRAINT items_other FOREIGN KEY (other_id) REFERENCES old_items (id);\n");
  EXPECT_EQ(exit_code_of([&] { apply(*admin, proj->project, {}, {}); }, &msg), 5) << msg;
  EXPECT_FALSE(column_exists("items", "other_id"));
}

INSTANTIATE_TEST_SUITE_P(Db, ConflictCheck, ::testing::ValuesIn(all_dialects()), param_name);
INSTANTIATE_TEST_SUITE_P(Db, ConflictCheckServer, ::testing::Values(Dialect::postgresql, Dialect::mysql), param_name);
// Row-level security is PostgreSQL's.
INSTANTIATE_TEST_SUITE_P(Db, ConflictCheckRls, ::testing::Values(Dialect::postgresql), param_name);

}  // namespace
}  // namespace flash::migrate

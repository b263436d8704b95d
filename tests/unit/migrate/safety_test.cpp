// Migration files the engine must refuse before anything runs (issue 11, defects 10 and 14):
// transaction control inside a migration, which would split "a migration and its history row
// commit together" (a PostgreSQL migration recorded as applied while part of it rolled back), and a
// directory named like a migration file, which used to be skipped without a word.
#include <fstream>

#include "migrate_test_util.hpp"

namespace flash::migrate {
namespace {

using namespace flash::migrate::testing;

struct TxCase {
  std::string statement;  // as written in the file
  std::string keyword;    // as reported
};

std::vector<TxCase> tx_cases(Dialect d) {
  std::vector<TxCase> v = {{"COMMIT", "COMMIT"},       {"ROLLBACK", "ROLLBACK"},
                           {"BEGIN", "BEGIN"},         {"SAVEPOINT sp1", "SAVEPOINT"},
                           {"release savepoint sp1", "RELEASE"}};
  if (d != Dialect::sqlite) v.push_back({"START TRANSACTION", "START TRANSACTION"});
  if (d != Dialect::mysql) v.push_back({"END", "END"});
  if (d == Dialect::sqlite) v.push_back({"BEGIN IMMEDIATE TRANSACTION", "BEGIN"});
  if (d == Dialect::postgresql) v.push_back({"ABORT", "ABORT"});
  if (d == Dialect::mysql) v.push_back({"XA START 'x'", "XA"});
  return v;
}

class MigrationSafety : public LiveProjectTest {
 protected:
  // The diagnostics of a run that must stop before executing anything.
  diag::Diagnostics refused(const std::function<void()>& f) {
    try {
      f();
    } catch (const diag::Errors& e) {
      return e.diagnostics();
    } catch (const diag::Error& e) {
      return {e.diagnostic()};
    }
    ADD_FAILURE() << "not refused";
    return {};
  }
};

TEST_P(MigrationSafety, TransactionControlInAMigrationIsRejectedWithItsLocation) {
  for (const auto& c : tx_cases(GetParam())) {
    for (bool in_down : {false, true}) {
      std::string text = "-- +migrate Up\nCREATE TABLE tx_a (id INTEGER);\n";
      if (!in_down) text += "  " + c.statement + ";\n";
      text += "CREATE TABLE tx_b (id INTEGER);\n-- +migrate Down\nDROP TABLE tx_b;\n";
      if (in_down) text += "  " + c.statement + ";\n";
      text += "DROP TABLE tx_a;\n";
      auto p = proj->write_migration("20240101000001_tx", text);
      auto diags = refused([&] { apply(*conn, proj->project, {}, {}); });
      ASSERT_FALSE(diags.empty()) << c.statement;
      const auto& dg = diags.front();
      EXPECT_EQ(dg.code, "migrate.transaction-control") << c.statement << ": " << dg.message;
      EXPECT_EQ(dg.location.file, p.string());
      EXPECT_EQ(dg.location.line, in_down ? 6 : 3) << c.statement;
      EXPECT_EQ(dg.location.column, 3) << c.statement;
      EXPECT_NE(dg.message.find("`" + c.keyword + "`"), std::string::npos) << dg.message;
      EXPECT_TRUE(dg.hint.has_value());
      // Nothing ran: no table, not even the history table.
      EXPECT_FALSE(live_table_exists(*conn, "tx_a")) << c.statement;
      EXPECT_FALSE(tracking_table_exists(*conn)) << c.statement;
      fs::remove(p);
    }
  }
  // Transaction words that are not transaction control stay allowed.
  std::string fine = "-- +migrate Up\nCREATE TABLE tx_ok (id INTEGER, note VARCHAR(20) DEFAULT 'COMMIT');\n"
                     "INSERT INTO tx_ok (id, note) VALUES (1, 'BEGIN; ROLLBACK');\n";
  if (GetParam() == Dialect::postgresql)
    fine += "CREATE PROCEDURE tx_proc() LANGUAGE plpgsql AS $$ BEGIN COMMIT; END $$;\n";
  proj->write_migration("20240101000002_fine", fine);
  EXPECT_EQ(exit_code_of([&] { apply(*conn, proj->project, {}, {}); }), 0);
  EXPECT_TRUE(live_table_exists(*conn, "tx_ok"));
}

TEST_P(MigrationSafety, ADirectoryNamedLikeAMigrationIsAnError) {
  proj->write_migration("20240101000001_one", "-- +migrate Up\nCREATE TABLE one_t (id INTEGER);\n");
  fs::create_directories(proj->project.migrations_dir / "20240101000002_two.sql");
  auto diags = refused([&] { apply(*conn, proj->project, {}, {}); });
  ASSERT_FALSE(diags.empty());
  EXPECT_EQ(diags.front().code, "migrate.not-a-file");
  EXPECT_NE(diags.front().message.find("20240101000002_two.sql"), std::string::npos) << diags.front().message;
  EXPECT_NE(diags.front().message.find("directory"), std::string::npos) << diags.front().message;
  EXPECT_EQ(diags.front().location.file, (proj->project.migrations_dir / "20240101000002_two.sql").string());
  EXPECT_FALSE(live_table_exists(*conn, "one_t"));
  // `flash migrate` refuses as well (it would number the next file past a migration it cannot read).
  GenerateOptions g;
  g.name = "next";
  g.empty = true;
  diags = refused([&] { generate(proj->project, g, {}); });
  ASSERT_FALSE(diags.empty());
  EXPECT_EQ(diags.front().code, "migrate.not-a-file");
  // So do `status` (its states would be a guess) and `reset` (it would drop what it can see).
  diags = refused([&] { status(*conn, proj->project); });
  ASSERT_FALSE(diags.empty());
  EXPECT_EQ(diags.front().code, "migrate.not-a-file");
  ResetOptions r;
  r.force = true;
  diags = refused([&] { reset(*conn, proj->project, r, {}); });
  ASSERT_FALSE(diags.empty());
  EXPECT_EQ(diags.front().code, "migrate.not-a-file");
}

INSTANTIATE_TEST_SUITE_P(Db, MigrationSafety, ::testing::ValuesIn(all_dialects()), param_name);

}  // namespace
}  // namespace flash::migrate

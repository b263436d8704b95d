// Dialect-independent behaviour of the plan: dependency order, FK cycles, renames (candidates and
// confirmed), lossy markings, lint, and the migration file layout.
#include <gtest/gtest.h>

#include "flash/diff/plan.hpp"
#include "flash/sql/ddl.hpp"
#include "diff_test_util.hpp"

namespace {

using namespace flash;
using diff::OpKind;
using diff::Plan;
using schema::Dialect;
using diff::testing::Lines;
using diff::testing::ups;
using diff::testing::downs;

schema::Schema parse(const std::string& sql, Dialect d = Dialect::postgresql) {
  diag::Diagnostics ds;
  auto s = sql::parse_schema({sql::SourceFile{"schema.sql", sql}}, d, ds);
  for (const auto& x : ds) ADD_FAILURE() << x.code << ": " << x.message << "\n" << sql;
  s.dialect = d;
  return s;
}
std::vector<OpKind> kinds(const Plan& p) {
  std::vector<OpKind> out;
  for (const auto& op : p.operations) out.push_back(op.kind);
  return out;
}
bool warned(const Plan& p, const std::string& code) {
  for (const auto& w : p.warnings)
    if (w.code == code) return true;
  return false;
}
Plan d(const std::string& a, const std::string& b, const diff::DiffOptions& o = {}, Dialect dl = Dialect::postgresql) {
  return diff::diff_schemas(parse(a, dl), parse(b, dl), o);
}

TEST(PlanOrder, ReferencedTablesAreCreatedFirst) {
  const auto p = d("", "CREATE TABLE c (id integer PRIMARY KEY, p_id integer REFERENCES p (id));"
                       "CREATE TABLE p (id integer PRIMARY KEY);");
  EXPECT_EQ(ups(p), (Lines{"CREATE TABLE p (\n  id integer NOT NULL,\n  PRIMARY KEY (id)\n)",
                           "CREATE TABLE c (\n  id integer NOT NULL,\n  p_id integer,\n  PRIMARY KEY (id),\n"
                           "  FOREIGN KEY (p_id) REFERENCES p (id)\n)"}));
  EXPECT_EQ(downs(p), (Lines{"DROP TABLE c", "DROP TABLE p"}));
}

TEST(PlanOrder, ForeignKeyCyclesGetSeparateConstraints) {
  const std::string ab = "CREATE TABLE a (id integer PRIMARY KEY, b_id integer, CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES b (id));"
                         "CREATE TABLE b (id integer PRIMARY KEY, a_id integer, CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id));";
  const auto p = d("", ab);
  EXPECT_EQ(kinds(p), (std::vector<OpKind>{OpKind::create_table, OpKind::create_table, OpKind::add_foreign_key}));
  EXPECT_EQ(ups(p), (Lines{"CREATE TABLE b (\n  id integer NOT NULL,\n  a_id integer,\n  PRIMARY KEY (id)\n)",
                           "CREATE TABLE a (\n  id integer NOT NULL,\n  b_id integer,\n  PRIMARY KEY (id),\n"
                           "  CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES b (id)\n)",
                           "ALTER TABLE b ADD CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id)"}));
  EXPECT_EQ(downs(p), (Lines{"ALTER TABLE b DROP CONSTRAINT b_a", "DROP TABLE a", "DROP TABLE b"}));

  // Dropping the pair: the cycle edge goes first, then the tables; the Down mirrors the create.
  const auto q = d(ab, "");
  EXPECT_EQ(kinds(q), (std::vector<OpKind>{OpKind::drop_foreign_key, OpKind::drop_table, OpKind::drop_table}));
  EXPECT_EQ(ups(q), (Lines{"ALTER TABLE b DROP CONSTRAINT b_a", "DROP TABLE a", "DROP TABLE b"}));
  EXPECT_EQ(downs(q), (Lines{"CREATE TABLE b (\n  id integer NOT NULL,\n  a_id integer,\n  PRIMARY KEY (id)\n)",
                             "CREATE TABLE a (\n  id integer NOT NULL,\n  b_id integer,\n  PRIMARY KEY (id),\n"
                             "  CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES b (id)\n)",
                             "ALTER TABLE b ADD CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id)"}));
}

TEST(PlanOrder, ForeignKeysAreDroppedBeforeTheirTargetAndAddedAfterIt) {
  const auto p = d("CREATE TABLE p (id integer PRIMARY KEY); CREATE TABLE c (p_id integer CONSTRAINT c_p REFERENCES p (id));",
                   "CREATE TABLE c (p_id integer);");
  EXPECT_EQ(ups(p), (Lines{"ALTER TABLE c DROP CONSTRAINT c_p", "DROP TABLE p"}));
  EXPECT_EQ(downs(p), (Lines{"CREATE TABLE p (\n  id integer NOT NULL,\n  PRIMARY KEY (id)\n)",
                             "ALTER TABLE c ADD CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (id)"}));
  const auto q = d("CREATE TABLE c (p_id integer);",
                   "CREATE TABLE p (id integer PRIMARY KEY); CREATE TABLE c (p_id integer CONSTRAINT c_p REFERENCES p (id));");
  EXPECT_EQ(kinds(q), (std::vector<OpKind>{OpKind::create_table, OpKind::add_foreign_key}));
}

TEST(PlanOrder, DroppedTableDownRecreatesItsIndexes) {
  const auto p = d("CREATE TABLE t (a integer); CREATE INDEX t_a ON t (a);", "");
  EXPECT_EQ(ups(p), Lines{"DROP TABLE t"});
  EXPECT_EQ(downs(p), (Lines{"CREATE TABLE t (\n  a integer\n)", "CREATE INDEX t_a ON t (a)"}));
  EXPECT_TRUE(p.operations[0].destructive);
}

TEST(PlanRenames, TableCandidateNeedsADecision) {
  const std::string a = "CREATE TABLE users (id integer, name text);";
  const std::string b = "CREATE TABLE people (id integer, name text);";
  const auto p = d(a, b);
  ASSERT_EQ(p.unresolved_renames.size(), 1u);
  EXPECT_EQ(p.unresolved_renames[0].flag(), "--rename users:people");
  EXPECT_TRUE(p.empty());  // never a silent drop + add

  diff::DiffOptions drop;
  drop.accept_drops = true;
  const auto q = d(a, b, drop);
  EXPECT_TRUE(q.unresolved_renames.empty());
  EXPECT_EQ(kinds(q), (std::vector<OpKind>{OpKind::create_table, OpKind::drop_table}));

  diff::DiffOptions ren;
  ren.renames = {{"", "users", "people"}};
  const auto r = d(a, b, ren);
  EXPECT_EQ(kinds(r), std::vector<OpKind>{OpKind::rename_table});
  ASSERT_EQ(r.applied_renames.size(), 1u);
  EXPECT_EQ(diff::render_migration(r),
            "-- +migrate Up\n"
            "-- flash: rename users -> people (confirmed)\n"
            "ALTER TABLE users RENAME TO people;\n"
            "-- +migrate Down\n"
            "ALTER TABLE people RENAME TO users;\n");
}

TEST(PlanRenames, ColumnCandidateAndConfirmedRenameWithFollowUpChanges) {
  const std::string a = "CREATE TABLE users (id integer PRIMARY KEY, name text); CREATE INDEX users_name ON users (name);";
  const std::string b = "CREATE TABLE users (id integer PRIMARY KEY, full_name text NOT NULL); CREATE INDEX users_name ON users (full_name);";
  const auto p = d(a, b);
  ASSERT_EQ(p.unresolved_renames.size(), 1u);
  EXPECT_EQ(p.unresolved_renames[0].flag(), "--rename users.name:full_name");
  for (const auto& op : p.operations) {
    EXPECT_NE(op.kind, OpKind::drop_column);
    EXPECT_NE(op.kind, OpKind::add_column);
  }

  diff::DiffOptions ren;
  ren.renames = {{"users", "name", "full_name"}};
  const auto r = d(a, b, ren);
  EXPECT_TRUE(r.unresolved_renames.empty());
  // The index follows the column; only the rename and the NOT NULL remain.
  EXPECT_EQ(ups(r), (Lines{"ALTER TABLE users RENAME COLUMN name TO full_name",
                           "ALTER TABLE users ALTER COLUMN full_name SET NOT NULL"}));
  EXPECT_EQ(downs(r), (Lines{"ALTER TABLE users ALTER COLUMN full_name DROP NOT NULL",
                             "ALTER TABLE users RENAME COLUMN full_name TO name"}));
  EXPECT_NE(diff::render_migration(r).find("-- flash: rename users.name -> full_name (confirmed)\n"), std::string::npos);
}

TEST(PlanRenames, RenamedTableKeepsIncomingForeignKeys) {
  diff::DiffOptions ren;
  ren.renames = {{"", "author", "writer"}};
  const auto p = d("CREATE TABLE author (id integer PRIMARY KEY); CREATE TABLE book (a integer CONSTRAINT fk REFERENCES author (id));",
                   "CREATE TABLE writer (id integer PRIMARY KEY); CREATE TABLE book (a integer CONSTRAINT fk REFERENCES writer (id));",
                   ren);
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE author RENAME TO writer"});
}

TEST(PlanRenames, DifferentTypesAreNotCandidates) {
  const auto p = d("CREATE TABLE t (id integer, a text);", "CREATE TABLE t (id integer, b integer);");
  EXPECT_TRUE(p.unresolved_renames.empty());
  EXPECT_EQ(kinds(p), (std::vector<OpKind>{OpKind::drop_column, OpKind::add_column}));
}

TEST(PlanRenames, UnmatchedConfirmationWarns) {
  diff::DiffOptions ren;
  ren.renames = {{"t", "nope", "b"}};
  const auto p = d("CREATE TABLE t (a integer);", "CREATE TABLE t (a integer);", ren);
  EXPECT_TRUE(warned(p, "lint.rename-unmatched"));
  EXPECT_TRUE(p.empty());
}

TEST(PlanRender, LayoutAndLossyMarkers) {
  const auto p = d("CREATE TABLE t (a integer, b text);", "CREATE TABLE t (a integer, c integer);",
                   diff::DiffOptions{.renames = {}, .accept_drops = false});
  EXPECT_EQ(diff::render_migration(p),
            "-- +migrate Up\n"
            "ALTER TABLE t DROP COLUMN b;\n"
            "ALTER TABLE t ADD COLUMN c integer;\n"
            "-- +migrate Down\n"
            "-- flash:lossy\n"
            "ALTER TABLE t DROP COLUMN c;\n"
            "-- flash:lossy\n"
            "ALTER TABLE t ADD COLUMN b text;\n");
  const auto e = d("CREATE TABLE t (a integer);", "CREATE TABLE t (a integer);");
  EXPECT_TRUE(e.empty());
  EXPECT_EQ(diff::render_migration(e), "-- +migrate Up\n-- +migrate Down\n");
}

TEST(PlanLint, Codes) {
  auto p = d("CREATE TABLE t (a integer, b text);", "CREATE TABLE t (a integer);");
  EXPECT_TRUE(warned(p, "lint.destructive"));
  p = d("CREATE TABLE t (a int, b text);", "CREATE TABLE t (a int, c int, d int);", {}, Dialect::mysql);
  EXPECT_TRUE(warned(p, "lint.mysql-multi-ddl"));
  p = d("CREATE TABLE t (a int);", "CREATE TABLE t (a int, c int);", {}, Dialect::mysql);
  EXPECT_FALSE(warned(p, "lint.mysql-multi-ddl"));
  p = d("CREATE TABLE t (a integer);", "CREATE TABLE t (a integer); CREATE INDEX t_a ON t (a);");
  EXPECT_TRUE(warned(p, "lint.index-not-concurrent"));
  p = d("CREATE TABLE t (a integer);", "CREATE TABLE t (a integer, b integer NOT NULL);");
  EXPECT_TRUE(warned(p, "lint.not-null-no-default"));
  p = d("CREATE TABLE t (a varchar(255));", "CREATE TABLE t (a varchar(50));");
  EXPECT_TRUE(warned(p, "lint.narrowing"));
  p = d("CREATE TABLE t (a integer);", "CREATE TABLE t (a integer UNIQUE);");
  EXPECT_TRUE(warned(p, "lint.unique-existing"));
}

TEST(PlanKinds, Names) {
  EXPECT_EQ(diff::to_string(OpKind::rebuild_table), "rebuild_table");
  EXPECT_EQ(diff::to_string(OpKind::add_enum_value), "add_enum_value");
  EXPECT_EQ(diff::to_string(OpKind::raw_statement), "raw_statement");
}

}  // namespace

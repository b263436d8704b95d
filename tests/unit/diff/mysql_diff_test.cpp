// MySQL: MODIFY COLUMN with full definitions, DROP FOREIGN KEY / DROP INDEX, inline enums, and
// the non-atomic multi-statement lint.
#include <gtest/gtest.h>

#include "flash/diff/plan.hpp"
#include "flash/sql/ddl.hpp"
#include "diff_test_util.hpp"

namespace {

using namespace flash;
using diff::OpKind;
using diff::Plan;
using diff::testing::Lines;
using diff::testing::ups;
using diff::testing::downs;

schema::Schema my(const std::string& sql) {
  diag::Diagnostics ds;
  auto s = sql::parse_schema({sql::SourceFile{"schema.sql", sql}}, schema::Dialect::mysql, ds);
  for (const auto& d : ds) ADD_FAILURE() << d.code << ": " << d.message << "\n" << sql;
  s.dialect = schema::Dialect::mysql;
  return s;
}
bool warned(const Plan& p, const std::string& code) {
  for (const auto& w : p.warnings)
    if (w.code == code) return true;
  return false;
}
Plan d(const std::string& a, const std::string& b, const diff::DiffOptions& o = {}) {
  return diff::diff_schemas(my(a), my(b), o);
}

TEST(MysqlDiff, ModifyColumnCarriesTheWholeDefinition) {
  const auto p = d("CREATE TABLE t (id int NOT NULL, name varchar(255) NULL);",
                   "CREATE TABLE t (id int NOT NULL, name varchar(100) NOT NULL DEFAULT '' COMMENT 'the name');");
  ASSERT_EQ(p.operations.size(), 1u);
  const auto& op = p.operations[0];
  EXPECT_EQ(op.kind, OpKind::set_not_null);  // checked first by the migration engine
  ASSERT_TRUE(op.old_type && op.new_type);
  EXPECT_TRUE(op.has_default);
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t MODIFY COLUMN name varchar(100) NOT NULL DEFAULT '' COMMENT 'the name'"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE t MODIFY COLUMN name varchar(255)"});
  EXPECT_TRUE(warned(p, "lint.narrowing"));
  EXPECT_TRUE(op.destructive);
  EXPECT_FALSE(warned(p, "lint.mysql-multi-ddl"));  // a single statement is atomic
}

TEST(MysqlDiff, TypeOnlyAndDefaultOnly) {
  auto p = d("CREATE TABLE t (n int);", "CREATE TABLE t (n bigint);");
  EXPECT_EQ(p.operations[0].kind, OpKind::alter_column_type);
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t MODIFY COLUMN n bigint"});
  EXPECT_FALSE(warned(p, "lint.narrowing"));
  p = d("CREATE TABLE t (n int);", "CREATE TABLE t (n int DEFAULT 5);");
  EXPECT_EQ(p.operations[0].kind, OpKind::set_default);
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t MODIFY COLUMN n int DEFAULT 5"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE t MODIFY COLUMN n int"});
}

TEST(MysqlDiff, InlineEnumValues) {
  auto p = d("CREATE TABLE t (s enum('a','b'));", "CREATE TABLE t (s enum('a','b','c'));");
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t MODIFY COLUMN s enum('a','b','c')"});
  EXPECT_FALSE(p.operations[0].destructive);
  EXPECT_TRUE(p.operations[0].lossy_down);
  p = d("CREATE TABLE t (s enum('a','b','c'));", "CREATE TABLE t (s enum('a','c'));");
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t MODIFY COLUMN s enum('a','c')"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE t MODIFY COLUMN s enum('a','b','c')"});
  EXPECT_TRUE(p.operations[0].destructive);
  EXPECT_TRUE(warned(p, "lint.narrowing"));
}

TEST(MysqlDiff, ForeignKeysAndIndexesDropThroughAlterTable) {
  const std::string parent = "CREATE TABLE p (id int NOT NULL, PRIMARY KEY (id));";
  const auto p = d(parent +
                       "CREATE TABLE c (id int NOT NULL, pid int, code varchar(10), KEY c_code (code), "
                       "CONSTRAINT c_p FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE);",
                   parent + "CREATE TABLE c (id int NOT NULL, pid int, code varchar(10));");
  // The index the server made for c_p (no declared index served pid) goes with it, in the same
  // statement; the Down's ADD FOREIGN KEY makes it again.
  EXPECT_EQ(ups(p), (Lines{"ALTER TABLE c DROP FOREIGN KEY c_p, DROP INDEX c_p", "ALTER TABLE c DROP INDEX c_code"}));
  EXPECT_EQ(downs(p), (Lines{"CREATE INDEX c_code ON c (code)",
                             "ALTER TABLE c ADD CONSTRAINT c_p FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE"}));
  EXPECT_TRUE(warned(p, "lint.mysql-multi-ddl"));
}

// Issue 10: on InnoDB an unwritten action, RESTRICT and NO ACTION all reject at once; writing
// one for the other is no change. A different action is.
TEST(MysqlDiff, ForeignKeyActionsCompareByWhatTheyDo) {
  const std::string parent = "CREATE TABLE p (id int NOT NULL, PRIMARY KEY (id));";
  auto fk = [&](const std::string& actions) {
    return parent + "CREATE TABLE c (pid int, CONSTRAINT c_p FOREIGN KEY (pid) REFERENCES p (id)" + actions + ");";
  };
  EXPECT_TRUE(d(fk(""), fk(" ON DELETE RESTRICT ON UPDATE RESTRICT")).operations.empty());
  EXPECT_TRUE(d(fk(""), fk(" ON DELETE NO ACTION ON UPDATE NO ACTION")).operations.empty());
  EXPECT_TRUE(d(fk(" ON DELETE NO ACTION"), fk(" ON DELETE RESTRICT")).operations.empty());
  const auto p = d(fk(""), fk(" ON DELETE CASCADE"));
  EXPECT_EQ(ups(p), (Lines{"ALTER TABLE c DROP FOREIGN KEY c_p",
                           "ALTER TABLE c ADD CONSTRAINT c_p FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE"}));
  // A new table keeps what was written: MariaDB records the explicit NO ACTION.
  const auto created = d("", fk(" ON DELETE NO ACTION"));
  bool found = false;
  for (const auto& st : ups(created)) found = found || st.find("ON DELETE NO ACTION") != std::string::npos;
  EXPECT_TRUE(found);
}

TEST(MysqlDiff, UniqueCheckPrimaryKey) {
  auto p = d("CREATE TABLE t (a int NOT NULL, b int);", "CREATE TABLE t (a int NOT NULL, b int, UNIQUE KEY (b), PRIMARY KEY (a));");
  // The MySQL parser keeps UNIQUE KEY as a unique index named after its column.
  EXPECT_EQ(ups(p), (Lines{"ALTER TABLE t ADD PRIMARY KEY (a)", "CREATE UNIQUE INDEX b ON t (b)"}));
  EXPECT_EQ(downs(p), (Lines{"ALTER TABLE t DROP INDEX b", "ALTER TABLE t DROP PRIMARY KEY"}));
  EXPECT_TRUE(warned(p, "lint.unique-existing"));
  p = d("CREATE TABLE t (a int, CONSTRAINT pos CHECK (a > 0));", "CREATE TABLE t (a int);");
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t DROP CONSTRAINT pos"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE t ADD CONSTRAINT pos CHECK (a > 0)"});
}

TEST(MysqlDiff, RenameColumnAndTable) {
  diff::DiffOptions o;
  o.renames = {{"", "people", "persons"}, {"persons", "nick", "handle"}};
  const auto p = d("CREATE TABLE people (id int, nick varchar(20));", "CREATE TABLE persons (id int, handle varchar(20));", o);
  EXPECT_TRUE(p.unresolved_renames.empty());
  EXPECT_EQ(ups(p), (Lines{"ALTER TABLE people RENAME TO persons", "ALTER TABLE persons RENAME COLUMN nick TO handle"}));
  EXPECT_EQ(downs(p), (Lines{"ALTER TABLE persons RENAME COLUMN handle TO nick", "ALTER TABLE persons RENAME TO people"}));
}

TEST(MysqlDiff, ColumnsKeepTheirPosition) {
  const auto p = d("CREATE TABLE t (id int, x int, y int, z int);", "CREATE TABLE t (first int, id int, z int, w int);",
                   diff::DiffOptions{.renames = {}, .accept_drops = true});
  EXPECT_EQ(ups(p), (Lines{"ALTER TABLE t DROP COLUMN y", "ALTER TABLE t DROP COLUMN x",
                           "ALTER TABLE t ADD COLUMN first int FIRST", "ALTER TABLE t ADD COLUMN w int AFTER z"}));
  EXPECT_EQ(downs(p), (Lines{"ALTER TABLE t DROP COLUMN w", "ALTER TABLE t DROP COLUMN first",
                             "ALTER TABLE t ADD COLUMN x int AFTER id", "ALTER TABLE t ADD COLUMN y int AFTER x"}));
}

TEST(MysqlDiff, TableCommentAndView) {
  auto p = d("CREATE TABLE t (a int);", "CREATE TABLE t (a int) COMMENT='it''s t';");
  EXPECT_EQ(ups(p), Lines{"ALTER TABLE t COMMENT = 'it''s t'"});
  EXPECT_EQ(downs(p), Lines{"ALTER TABLE t COMMENT = ''"});
  p = d("CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t;",
        "CREATE TABLE t (a int); CREATE VIEW v AS SELECT a, a + 1 AS b FROM t;");
  EXPECT_EQ(ups(p), Lines{"CREATE OR REPLACE VIEW v AS\nSELECT a, a + 1 AS b FROM t"});
  EXPECT_EQ(downs(p), Lines{"CREATE OR REPLACE VIEW v AS\nSELECT a FROM t"});
}

}  // namespace

// MySQL CALL of a helper procedure defined in the schema files (sql/mysql_call.cpp): the DDL its
// body runs is applied to the model, an information_schema guard meaning "only if the object
// exists"; a procedure Flash cannot interpret leaves the CALL verbatim with a warning.
#include <gtest/gtest.h>

#include "flash/sql/ddl.hpp"

using namespace flash;
using schema::Dialect;

namespace {

schema::Schema parse(const std::string& sql, diag::Diagnostics& ds) {
  return sql::parse_schema({{"schema.sql", sql}}, Dialect::mysql, ds);
}

std::string codes(const diag::Diagnostics& ds) {
  std::string out;
  for (const auto& d : ds) out += d.code + " " + d.message + "\n";
  return out;
}

bool has_index(const schema::Schema& m, const std::string& table, const std::string& name) {
  const auto* t = m.find_table(table);
  if (!t) return false;
  for (const auto& u : t->uniques)
    if (u.name == name) return true;
  for (const auto* i : m.indexes_of(table))
    if (i->name == name) return true;
  return false;
}

// authelia's V0007 helpers, verbatim in shape: a guard on information_schema, the statement built
// with CONCAT from the parameters, run through PREPARE / EXECUTE.
const std::string kHelpers = R"sql(
CREATE PROCEDURE PROC_DROP_FOREIGN_KEY(IN tableName VARCHAR(64), IN constraintName VARCHAR(64))
BEGIN
    IF EXISTS(
        SELECT * FROM information_schema.TABLE_CONSTRAINTS
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = tableName AND CONSTRAINT_NAME = constraintName
          AND CONSTRAINT_TYPE = 'FOREIGN KEY')
    THEN
        SET @query = CONCAT('ALTER TABLE ', tableName, ' DROP FOREIGN KEY ', constraintName, ';');
        PREPARE stmt FROM @query;
        EXECUTE stmt;
        DEALLOCATE PREPARE stmt;
    END IF;
END;

CREATE PROCEDURE PROC_DROP_INDEX(IN tableName VARCHAR(64), IN indexName VARCHAR(64))
BEGIN
    IF EXISTS(
        SELECT * FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = tableName AND INDEX_NAME = indexName)
    THEN
        SET @query = CONCAT('ALTER TABLE ', tableName, ' DROP INDEX ', indexName, ';');
        PREPARE stmt FROM @query;
        EXECUTE stmt;
        DEALLOCATE PREPARE stmt;
    END IF;
END;
)sql";

const std::string kTables = R"sql(
CREATE TABLE users (id INT PRIMARY KEY, username VARCHAR(100) NOT NULL, UNIQUE KEY (username));
CREATE TABLE prefs (id INT PRIMARY KEY, username VARCHAR(100) NOT NULL,
  CONSTRAINT prefs_user_fkey FOREIGN KEY (username) REFERENCES users (username));
)sql";

TEST(MysqlCall, GuardedDropThroughPreparedStatementIsApplied) {
  diag::Diagnostics ds;
  const auto m = parse(kHelpers + kTables + R"sql(
CALL PROC_DROP_FOREIGN_KEY('prefs', 'prefs_user_fkey');
CALL PROC_DROP_INDEX('users', 'username');
CREATE UNIQUE INDEX username ON users (username);
CALL PROC_DROP_INDEX('users', 'username');
CREATE UNIQUE INDEX users_username_key ON users (username);
)sql", ds);
  EXPECT_TRUE(ds.empty()) << codes(ds);
  EXPECT_TRUE(m.find_table("prefs")->foreign_keys.empty());
  EXPECT_FALSE(has_index(m, "users", "username"));
  EXPECT_TRUE(has_index(m, "users", "users_username_key"));
  // The procedures stay (the database keeps them); the interpreted CALLs are not statements to replay.
  std::vector<std::string> raw;
  for (const auto& r : m.raw) raw.push_back(r.kind + " " + r.name);
  EXPECT_EQ(raw, (std::vector<std::string>{"procedure PROC_DROP_FOREIGN_KEY", "procedure PROC_DROP_INDEX"}));
}

TEST(MysqlCall, FalseGuardChangesNothing) {
  diag::Diagnostics ds;
  const auto m = parse(kHelpers + kTables + R"sql(
CALL PROC_DROP_FOREIGN_KEY('prefs', 'no_such_fkey');
CALL PROC_DROP_INDEX('no_such_table', 'x');
CALL PROC_DROP_INDEX('users', 'no_such_index');
)sql", ds);
  EXPECT_TRUE(ds.empty()) << codes(ds);
  EXPECT_EQ(m.find_table("prefs")->foreign_keys.size(), 1u);
  EXPECT_TRUE(has_index(m, "users", "username"));
}

// V0007's down migration and V0012 call the same helpers: after the up file's drops and renames,
// the down file's drops and re-creations give the original names back.
TEST(MysqlCall, DownFileRestoresTheNames) {
  diag::Diagnostics ds;
  const auto m = parse(kHelpers + kTables + R"sql(
CALL PROC_DROP_INDEX('users', 'username');
CREATE UNIQUE INDEX users_username_key ON users (username);
CALL PROC_DROP_INDEX('users', 'users_username_key');
CREATE UNIQUE INDEX username ON users (username);
CALL PROC_DROP_INDEX('later', 'later_key');
CREATE TABLE later (id INT PRIMARY KEY, k INT);
CREATE UNIQUE INDEX later_key ON later (k);
DROP PROCEDURE IF EXISTS PROC_DROP_FOREIGN_KEY;
DROP PROCEDURE IF EXISTS PROC_DROP_INDEX;
)sql", ds);
  EXPECT_TRUE(ds.empty()) << codes(ds);
  EXPECT_TRUE(has_index(m, "users", "username"));
  EXPECT_FALSE(has_index(m, "users", "users_username_key"));
  EXPECT_TRUE(has_index(m, "later", "later_key"));
  EXPECT_TRUE(m.raw.empty());
}

// dolphinscheduler's upgrade procedures: the DDL written directly in the guarded body, a CALL
// without parentheses; IF NOT EXISTS guards an ADD.
TEST(MysqlCall, DirectDdlAndNotExistsGuard) {
  diag::Diagnostics ds;
  const auto m = parse(R"sql(
CREATE TABLE t (id INT PRIMARY KEY, old_col INT);
DELIMITER d//
CREATE PROCEDURE drop_old()
BEGIN
   IF EXISTS (SELECT 1 FROM information_schema.COLUMNS
           WHERE TABLE_NAME='t' AND TABLE_SCHEMA=(SELECT DATABASE()) AND COLUMN_NAME ='old_col')
   THEN
ALTER TABLE `t` DROP COLUMN `old_col`;
END IF;
END;
d//
CREATE PROCEDURE add_col(IN tbl VARCHAR(64), IN col VARCHAR(64), IN ty VARCHAR(64))
COMMENT 'adds a column once' MODIFIES SQL DATA
BEGIN
  IF NOT EXISTS (SELECT * FROM information_schema.COLUMNS WHERE TABLE_NAME = tbl AND COLUMN_NAME = col) THEN
    SET @ddl := CONCAT('ALTER TABLE ', tbl, ' ADD COLUMN ', col, ' ', ty);
    PREPARE s FROM @ddl;
    EXECUTE s;
    DROP PREPARE s;
  END IF;
END;
d//
delimiter ;
CALL drop_old;
CALL drop_old();
CALL add_col('t', 'n', 'BIGINT');
CALL add_col('t', 'n', 'BIGINT');
)sql", ds);
  EXPECT_TRUE(ds.empty()) << codes(ds);
  const auto* t = m.find_table("t");
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->columns.size(), 2u);
  EXPECT_EQ(t->columns[1].name, "n");
  EXPECT_EQ(t->columns[1].type.name, "bigint");
}

// Without a guard the statement must apply, as on the server: a failure is an error at the CALL.
TEST(MysqlCall, UnguardedFailureIsLocatedAtTheCall) {
  diag::Diagnostics ds;
  parse(R"sql(CREATE TABLE t (id INT PRIMARY KEY);
CREATE PROCEDURE drop_idx(IN i VARCHAR(64))
BEGIN
  SET @q = CONCAT('DROP INDEX ', i, ' ON t');
  PREPARE s FROM @q;
  EXECUTE s;
END;

CALL drop_idx('missing');
)sql", ds);
  ASSERT_EQ(ds.size(), 1u) << codes(ds);
  EXPECT_EQ(ds[0].severity, diag::Severity::error);
  EXPECT_EQ(ds[0].code, "sql.unknown-table");
  EXPECT_EQ(ds[0].location.line, 9);
  EXPECT_EQ(ds[0].location.column, 1);
  EXPECT_NE(ds[0].message.find("CALL `drop_idx` runs `DROP INDEX missing ON t`"), std::string::npos) << ds[0].message;
}

// What Flash cannot interpret is kept verbatim with one warning naming the reason, and the model
// is not changed by guesswork.
TEST(MysqlCall, UninterpretableCallsAreKeptWithAWarning) {
  struct Case {
    const char* proc;
    const char* call;
    const char* reason;
  };
  const Case cases[] = {
      {"", "CALL nowhere('t')", "do not define the procedure"},
      {"CREATE PROCEDURE p(IN x INT) BEGIN DECLARE n INT DEFAULT 0; ALTER TABLE t DROP COLUMN c; END",
       "CALL p(1)", "runs `DECLARE`"},
      {"CREATE PROCEDURE p() BEGIN IF EXISTS (SELECT * FROM t WHERE c = 1) THEN ALTER TABLE t DROP COLUMN c; END IF; END",
       "CALL p()", "information_schema"},
      {"CREATE PROCEDURE p(IN x VARCHAR(9)) BEGIN SET @q = CONCAT('ALTER TABLE t DROP COLUMN ', UPPER(x)); "
       "PREPARE s FROM @q; EXECUTE s; END",
       "CALL p('c')", "CONCAT of literals and parameters"},
      {"CREATE PROCEDURE p(IN x VARCHAR(9)) BEGIN SET @q = CONCAT('ALTER TABLE t DROP COLUMN ', x); "
       "PREPARE s FROM @q; EXECUTE s; END",
       "CALL p(@col)", "not a literal"},
      {"CREATE PROCEDURE p(IN x VARCHAR(9)) BEGIN ALTER TABLE t DROP COLUMN c; END", "CALL p()",
       "takes 1 arguments, the CALL passes 0"},
      {"CREATE PROCEDURE p() BEGIN WHILE 1 DO ALTER TABLE t DROP COLUMN c; END WHILE; END", "CALL p()", "runs `WHILE`"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.call);
    diag::Diagnostics ds;
    const std::string proc = *c.proc ? "DELIMITER //\n" + std::string(c.proc) + "//\nDELIMITER ;\n" : "";
    const auto m = parse("CREATE TABLE t (id INT PRIMARY KEY, c INT);\n" + proc + c.call + ";\n", ds);
    ASSERT_EQ(ds.size(), 1u) << codes(ds);
    EXPECT_EQ(ds[0].severity, diag::Severity::warning);
    EXPECT_EQ(ds[0].code, "sql.call-kept");
    EXPECT_NE(ds[0].message.find(c.reason), std::string::npos) << ds[0].message;
    EXPECT_TRUE(ds[0].hint.has_value());
    EXPECT_EQ(m.find_table("t")->columns.size(), 2u);
    ASSERT_FALSE(m.raw.empty());
    EXPECT_EQ(m.raw.back().kind, "call");
    EXPECT_EQ(m.raw.back().sql, c.call);
  }
}

}  // namespace

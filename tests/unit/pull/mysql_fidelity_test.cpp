// MySQL/MariaDB pull, proven through the engine (issue 10): the original SQL is loaded by the
// server, pulled, the pulled schema applied to an empty database, and the two databases compared
// through information_schema; a second pull must print the same schema byte for byte.
#include "pull_test_util.hpp"

namespace flash::pull::test {
namespace {

#define MY_OR_SKIP()                                                                     \
  if (!std::getenv("FLASH_TEST_MYSQL_URL") || !*std::getenv("FLASH_TEST_MYSQL_URL"))      \
  GTEST_SKIP() << "FLASH_TEST_MYSQL_URL is not set"

// Files → F: the schema files parsed by Flash and applied to an empty database F equal the
// database N the server builds from the same files, compared through information_schema.
// Returns N's catalog.
std::string expect_files_rebuild(const std::string& sql) {
  auto n = ScratchDb::create(Dialect::mysql);
  auto f = ScratchDb::create(Dialect::mysql);
  n->load(sql);
  try {
    apply_model(*f, parse(sql, Dialect::mysql));
  } catch (const std::exception& e) {
    ADD_FAILURE() << "applying the parsed files failed: " << e.what();
  }
  const std::string native = catalog(*n->conn);
  EXPECT_EQ(native, catalog(*f->conn));
  return native;
}

// Issue 10: an explicit ON DELETE / ON UPDATE NO ACTION is what MariaDB records as NO ACTION
// (REFERENTIAL_CONSTRAINTS), an unwritten one as RESTRICT; files and pull both reproduce it.
TEST(MysqlFidelity, ExplicitNoActionIsKept) {
  MY_OR_SKIP();
  const std::string sql = R"sql(
CREATE TABLE p (id INT PRIMARY KEY);
CREATE TABLE c (id INT PRIMARY KEY, a INT, b INT, r INT, x INT,
  CONSTRAINT c_a FOREIGN KEY (a) REFERENCES p (id),
  CONSTRAINT c_b FOREIGN KEY (b) REFERENCES p (id) ON DELETE NO ACTION ON UPDATE NO ACTION,
  CONSTRAINT c_r FOREIGN KEY (r) REFERENCES p (id) ON DELETE RESTRICT ON UPDATE CASCADE);
ALTER TABLE c ADD CONSTRAINT c_x FOREIGN KEY (x) REFERENCES p (id) ON UPDATE NO ACTION;
)sql";
  const std::string native = expect_files_rebuild(sql);
  // The engine tells the two apart (else this test would prove nothing).
  EXPECT_NE(native.find("fk|c|c_a|a|p|id|RESTRICT|RESTRICT"), std::string::npos) << native;
  EXPECT_NE(native.find("fk|c|c_b|b|p|id|NO ACTION|NO ACTION"), std::string::npos) << native;
  EXPECT_NE(native.find("fk|c|c_x|x|p|id|NO ACTION|RESTRICT"), std::string::npos) << native;
  const std::string printed = expect_engine_round_trip(Dialect::mysql, sql);
  EXPECT_NE(printed.find("ON DELETE NO ACTION ON UPDATE NO ACTION"), std::string::npos) << printed;
  // Files and pull agree (once aligned with the files, as `flash pull` does): no migration between them.
  expect_round_trip(parse(sql, Dialect::mysql), parse(printed, Dialect::mysql));
}

// Issue 10 (authelia V0007, V0012): indexes and foreign keys dropped through CALLs of helper
// procedures (IF EXISTS on information_schema, CONCAT, PREPARE / EXECUTE) and re-created under
// the same names; the files rebuild what the server builds, procedures included.
TEST(MysqlFidelity, HelperProcedureCallsAreApplied) {
  MY_OR_SKIP();
  const std::string sql = R"sql(
CREATE TABLE users (id INT PRIMARY KEY, username VARCHAR(100) NOT NULL, UNIQUE KEY (username));
CREATE TABLE prefs (id INT PRIMARY KEY, username VARCHAR(100) NOT NULL, UNIQUE KEY (username),
  CONSTRAINT prefs_user_fkey FOREIGN KEY (username) REFERENCES users (username) ON UPDATE RESTRICT);
DELIMITER //
CREATE PROCEDURE PROC_DROP_FOREIGN_KEY(IN tableName VARCHAR(64), IN constraintName VARCHAR(64))
BEGIN
    IF EXISTS(SELECT * FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE() AND
              TABLE_NAME = tableName AND CONSTRAINT_NAME = constraintName AND CONSTRAINT_TYPE = 'FOREIGN KEY')
    THEN
        SET @query = CONCAT('ALTER TABLE ', tableName, ' DROP FOREIGN KEY ', constraintName, ';');
        PREPARE stmt FROM @query;
        EXECUTE stmt;
        DEALLOCATE PREPARE stmt;
    END IF;
END//
CREATE PROCEDURE PROC_DROP_INDEX(IN tableName VARCHAR(64), IN indexName VARCHAR(64))
BEGIN
    IF EXISTS(SELECT * FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND
              TABLE_NAME = tableName AND INDEX_NAME = indexName)
    THEN
        SET @query = CONCAT('ALTER TABLE ', tableName, ' DROP INDEX ', indexName, ';');
        PREPARE stmt FROM @query;
        EXECUTE stmt;
        DEALLOCATE PREPARE stmt;
    END IF;
END//
DELIMITER ;
CALL PROC_DROP_FOREIGN_KEY('prefs', 'prefs_user_fkey');
CALL PROC_DROP_FOREIGN_KEY('prefs', 'prefs_user_fkey');
CALL PROC_DROP_INDEX('users', 'username');
CALL PROC_DROP_INDEX('prefs', 'username');
CALL PROC_DROP_INDEX('later', 'later_key');
CREATE UNIQUE INDEX users_username_key ON users (username);
CREATE UNIQUE INDEX username ON prefs (username);
ALTER TABLE prefs ADD CONSTRAINT prefs_user_fkey FOREIGN KEY (username) REFERENCES users (username) ON UPDATE CASCADE;
CREATE TABLE later (id INT PRIMARY KEY, k INT);
CREATE UNIQUE INDEX later_key ON later (k);
)sql";
  const std::string native = expect_files_rebuild(sql);
  EXPECT_NE(native.find("index|users|users_username_key|0"), std::string::npos) << native;
  EXPECT_EQ(native.find("index|users|username|"), std::string::npos) << native;
  EXPECT_NE(native.find("routine|PROCEDURE|PROC_DROP_INDEX"), std::string::npos) << native;
  expect_engine_round_trip(Dialect::mysql, sql);
}

// Class 2: the server's VIEW_DEFINITION names the database (`src`.`t`.`a`); pulled views must
// read the database they are applied to.
TEST(MysqlFidelity, ViewsDoNotNameTheSourceDatabase) {
  MY_OR_SKIP();
  const std::string printed = expect_engine_round_trip(Dialect::mysql, R"sql(
CREATE TABLE t (id INT PRIMARY KEY, n INT);
CREATE TABLE u (id INT PRIMARY KEY, t_id INT);
CREATE VIEW v AS SELECT t.id, (SELECT count(*) FROM u WHERE u.t_id = t.id) AS c FROM t JOIN u ON u.t_id = t.id WHERE n > 0;
CREATE VIEW w AS SELECT id FROM v;
)sql");
  EXPECT_EQ(printed.find("flash_pull_"), std::string::npos) << printed;
}

// Class 6: MySQL's own names for unnamed keys (role, role_2, <table>_ibfk_<n>) and the index a
// foreign key gets come back exactly, also where a key name was reused.
TEST(MysqlFidelity, ImplicitNamesAreReproduced) {
  MY_OR_SKIP();
  expect_engine_round_trip(Dialect::mysql, R"sql(
CREATE TABLE roles (id INT PRIMARY KEY, role VARCHAR(20), UNIQUE (role), UNIQUE KEY (role), KEY (role, id));
CREATE TABLE grants (
  id INT AUTO_INCREMENT PRIMARY KEY,
  role_id INT,
  other_id INT,
  KEY role_id (other_id),
  FOREIGN KEY (role_id) REFERENCES roles (id),
  CONSTRAINT named_fk FOREIGN KEY (other_id) REFERENCES roles (id) ON DELETE CASCADE,
  FOREIGN KEY (other_id) REFERENCES roles (id)
);
)sql");
}

// Class 7: an AUTO_INCREMENT column whose only key is a UNIQUE key; MySQL rejects the table when
// that key is created after it.
TEST(MysqlFidelity, AutoIncrementUniqueKeyStaysInCreateTable) {
  MY_OR_SKIP();
  expect_engine_round_trip(Dialect::mysql, R"sql(
CREATE TABLE seqs (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, name VARCHAR(20) NOT NULL, UNIQUE KEY seqs_id (id), PRIMARY KEY (name));
CREATE TABLE nopk (id INT NOT NULL AUTO_INCREMENT, UNIQUE KEY (id, name), name VARCHAR(5));
)sql");
}

// Class 9: triggers, stored procedures and functions, events and named indexes on foreign-key
// columns are pulled (not silently dropped).
TEST(MysqlFidelity, TriggersRoutinesEventsAndForeignKeyIndexesArePulled) {
  MY_OR_SKIP();
  const std::string printed = expect_engine_round_trip(Dialect::mysql, R"sql(
CREATE TABLE accounts (id INT PRIMARY KEY, balance DECIMAL(10,2) NOT NULL DEFAULT 0, touched INT NOT NULL DEFAULT 0);
CREATE TABLE moves (id INT PRIMARY KEY, account_id INT NOT NULL, amount DECIMAL(10,2),
  KEY moves_account_idx (account_id), CONSTRAINT moves_account FOREIGN KEY (account_id) REFERENCES accounts (id));
DELIMITER //
CREATE TRIGGER moves_apply AFTER INSERT ON moves FOR EACH ROW
BEGIN
  UPDATE accounts SET balance = balance + NEW.amount WHERE id = NEW.account_id;
  IF NEW.amount < 0 THEN UPDATE accounts SET touched = touched + 1 WHERE id = NEW.account_id; END IF;
END//
CREATE TRIGGER moves_check BEFORE INSERT ON moves FOR EACH ROW SET NEW.amount = IFNULL(NEW.amount, 0)//
CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2//
CREATE PROCEDURE reset_account(IN acc INT, OUT n INT)
BEGIN
  DECLARE done INT DEFAULT 0;
  UPDATE accounts SET balance = 0 WHERE id = acc;
  SELECT COUNT(*) INTO n FROM moves WHERE account_id = acc;
END//
CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' DO DELETE FROM moves WHERE amount = 0//
DELIMITER ;
)sql");
  for (const char* name : {"moves_apply", "moves_check", "twice", "reset_account", "nightly", "moves_account_idx"})
    EXPECT_NE(printed.find(name), std::string::npos) << name << "\n" << printed;
  EXPECT_EQ(printed.find("DEFINER"), std::string::npos) << printed;
}

// Also from issue 10: MariaDB's JSON columns keep their check named after the column; integer
// display widths that were written (bigint(13)) stay.
TEST(MysqlFidelity, JsonChecksAndWrittenWidthsAreKept) {
  MY_OR_SKIP();
  const std::string printed = expect_engine_round_trip(Dialect::mysql, R"sql(
CREATE TABLE docs (id INT PRIMARY KEY, body JSON, meta JSON NOT NULL DEFAULT '{}', at BIGINT(13) NOT NULL,
  flags TINYINT(1), n INT(11), CONSTRAINT docs_meta CHECK (json_valid(meta)));
)sql");
  EXPECT_NE(printed.find("bigint(13)"), std::string::npos) << printed;
}

// Real schemas: kanboard's mysqldump (implicit names, reused index names, *_ibfk_<n>),
// dolphinscheduler (quartz tables, widths), memos and shiori (JSON, named FK indexes).
TEST(MysqlFidelity, CorpusSchemasRoundTripThroughTheServer) {
  MY_OR_SKIP();
  for (const char* rel : {"kanboard/schema-dumps/mysql.sql", "dolphinscheduler/sql/dolphinscheduler_mysql.sql",
                          "memos/migration/mysql/LATEST.sql"}) {
    SCOPED_TRACE(rel);
    // mysqldump turns foreign-key checks off in a versioned comment (/*!40014 ... */), which only
    // the mysql client executes; said plainly here.
    expect_engine_round_trip(Dialect::mysql, "SET FOREIGN_KEY_CHECKS = 0;\n" + corpus(rel));
  }
  std::string shiori;
  for (const char* f : {"0000_system_create", "0001_initial_account", "0002_initial_bookmark", "0003_initial_tag",
                        "0004_initial_bookmark_tag", "0005_rename_to_created_at", "0006_change_created_at_settings",
                        "0007_add_modified_at", "0009_index_for_created_at", "0010_index_for_modified_at"})
    shiori += corpus(std::string("shiori/migrations/mysql/") + f + ".up.sql") + ";\n";
  SCOPED_TRACE("shiori");
  expect_engine_round_trip(Dialect::mysql, shiori);
}

}  // namespace
}  // namespace flash::pull::test

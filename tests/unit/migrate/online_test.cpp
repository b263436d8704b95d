// Online plans (`flash migrate NAME --online`, diff/online.hpp) through the binary on real servers:
// the written migration has the online form; apply builds it and the engine's catalogs show the
// result (PostgreSQL: index valid, constraints validated, NOT NULL set and the helper check gone;
// MariaDB: the change made with the asserted algorithm); down and up again work. PostgreSQL also:
// an INVALID index left by an interrupted CREATE INDEX CONCURRENTLY is dropped and rebuilt, and a
// statement that times out on a lock held elsewhere is retried until the lock is free.
#include <chrono>
#include <thread>

#include "migrate_test_util.hpp"
#include "flash/migrate/tracking.hpp"
#include "support/flash_run.hpp"

namespace flash::migrate::testing {
namespace {

struct Cli {
  TestProject& p;
  const TestDb& db;
  flash::test::FlashRun run(const std::vector<std::string>& args) const {
    return flash::test::run_flash(FLASH_BINARY, args, p.root, "NO_COLOR=1 DATABASE_URL=" + flash::test::shell_quote(db.url));
  }
  std::string migration_text(const std::string& needle) const {
    for (const auto& e : fs::directory_iterator(p.project.migrations_dir))
      if (e.path().filename().string().find(needle) != std::string::npos) {
        std::ifstream in(e.path());
        return std::string(std::istreambuf_iterator<char>(in), {});
      }
    return "";
  }
};

bool has_row(driver::SqlConnection& c, const std::string& sql, std::vector<driver::Value> params = {}) {
  return !c.query(sql, params).rows.empty();
}

const char* kBasePg =
    "CREATE TABLE accounts (id BIGINT PRIMARY KEY, email TEXT, score INTEGER);\n"
    "CREATE TABLE orders (id BIGINT PRIMARY KEY, account_id BIGINT, total INTEGER);\n";

TEST(OnlinePlan, PostgresWritesAndAppliesTheOnlineForm) {
  auto db = TestDb::create(Dialect::postgresql);
  if (!db) GTEST_SKIP() << "FLASH_TEST_PG_URL not set";
  TestProject p(Dialect::postgresql);
  Cli cli{p, *db};
  p.write_schema(kBasePg);
  ASSERT_EQ(cli.run({"migrate", "base"}).code, 0);
  ASSERT_EQ(cli.run({"apply"}).code, 0);
  auto c = db->connect();
  c->execute("INSERT INTO accounts SELECT g, 'a' || g, g FROM generate_series(1, 1000) g");
  c->execute("INSERT INTO orders SELECT g, g, g FROM generate_series(1, 1000) g");
  p.write_schema(
      "CREATE TABLE accounts (id BIGINT PRIMARY KEY, email TEXT NOT NULL, score INTEGER,\n"
      "  CONSTRAINT score_positive CHECK (score > 0));\n"
      "CREATE TABLE orders (id BIGINT PRIMARY KEY, account_id BIGINT REFERENCES accounts (id), total INTEGER);\n"
      "CREATE INDEX orders_account ON orders (account_id);\n"
      "CREATE TABLE notes (id BIGINT PRIMARY KEY, body TEXT);\n"
      "CREATE INDEX notes_body ON notes (body);\n");
  auto r = cli.run({"migrate", "online", "--online", "--json"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const std::string m = cli.migration_text("_online");
  EXPECT_NE(m.find("-- +migrate Up notransaction\nSET lock_timeout = '5s';"), std::string::npos) << m;
  EXPECT_NE(m.find("CREATE INDEX CONCURRENTLY orders_account ON orders"), std::string::npos) << m;
  EXPECT_NE(m.find("CREATE INDEX notes_body ON notes"), std::string::npos) << m;  // a new table: plain
  EXPECT_NE(m.find("NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_account_id_fkey;"), std::string::npos) << m;
  EXPECT_NE(m.find("VALIDATE CONSTRAINT score_positive"), std::string::npos) << m;
  EXPECT_NE(m.find("CHECK (email IS NOT NULL) NOT VALID"), std::string::npos) << m;
  EXPECT_NE(m.find("-- +migrate Down notransaction\nSET lock_timeout = '5s';"), std::string::npos) << m;
  EXPECT_NE(m.find("DROP INDEX CONCURRENTLY IF EXISTS orders_account"), std::string::npos) << m;
  EXPECT_NE(r.out.find("\"online\""), std::string::npos) << r.out;

  r = cli.run({"apply", "--no-lint"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  // The engine's catalogs: a valid index, validated constraints, NOT NULL, no helper check left.
  EXPECT_TRUE(has_row(*c, "SELECT 1 FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE i.relname = "
                          "'orders_account' AND x.indisvalid"));
  EXPECT_TRUE(has_row(*c, "SELECT 1 FROM pg_constraint WHERE conname = 'orders_account_id_fkey' AND convalidated"));
  EXPECT_TRUE(has_row(*c, "SELECT 1 FROM pg_constraint WHERE conname = 'score_positive' AND convalidated"));
  EXPECT_TRUE(has_row(*c, "SELECT 1 FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attname = 'email' "
                          "AND attnotnull"));
  EXPECT_FALSE(has_row(*c, "SELECT 1 FROM pg_constraint WHERE conname LIKE 'flash_nn_%'"));
  // status: nothing pending, no drift.
  r = cli.run({"status", "--json"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  // Down and up again.
  r = cli.run({"down", "--accept-data-loss", "--no-backup"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_FALSE(has_row(*c, "SELECT 1 FROM pg_class WHERE relname = 'orders_account'"));
  EXPECT_FALSE(has_row(*c, "SELECT 1 FROM pg_constraint WHERE conname = 'score_positive'"));
  r = cli.run({"apply", "--no-lint"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(has_row(*c, "SELECT 1 FROM pg_constraint WHERE conname = 'score_positive' AND convalidated"));
}

TEST(OnlinePlan, PostgresRebuildsAnIndexAnInterruptedConcurrentBuildLeftInvalid) {
  auto db = TestDb::create(Dialect::postgresql);
  if (!db) GTEST_SKIP() << "FLASH_TEST_PG_URL not set";
  TestProject p(Dialect::postgresql);
  Cli cli{p, *db};
  p.write_schema("CREATE TABLE items (id BIGINT PRIMARY KEY, code TEXT);\n");
  ASSERT_EQ(cli.run({"migrate", "base"}).code, 0);
  ASSERT_EQ(cli.run({"apply"}).code, 0);
  auto c = db->connect();
  c->execute("INSERT INTO items VALUES (1, 'a'), (2, 'a'), (3, 'b')");
  // A concurrent unique build that fails half way leaves the index behind, INVALID — as a killed
  // or cancelled CREATE INDEX CONCURRENTLY does.
  EXPECT_THROW(c->execute("CREATE UNIQUE INDEX CONCURRENTLY items_code ON items (code)"), driver::DbError);
  ASSERT_TRUE(has_row(*c, "SELECT 1 FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE i.relname = "
                          "'items_code' AND NOT x.indisvalid"));
  c->execute("DELETE FROM items WHERE id = 2");
  p.write_schema("CREATE TABLE items (id BIGINT PRIMARY KEY, code TEXT);\nCREATE UNIQUE INDEX items_code ON items (code);\n");
  ASSERT_EQ(cli.run({"migrate", "code_unique", "--online"}).code, 0);
  auto r = cli.run({"apply", "--no-lint"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("items_code is INVALID"), std::string::npos) << r.err;
  EXPECT_TRUE(has_row(*c, "SELECT 1 FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE i.relname = "
                          "'items_code' AND x.indisvalid AND x.indisunique"));
}

TEST(OnlinePlan, PostgresRetriesAStatementThatTimesOutOnALock) {
  auto db = TestDb::create(Dialect::postgresql);
  if (!db) GTEST_SKIP() << "FLASH_TEST_PG_URL not set";
  TestProject p(Dialect::postgresql);
  Cli cli{p, *db};
  p.write_schema("CREATE TABLE items (id BIGINT PRIMARY KEY, code TEXT);\n");
  ASSERT_EQ(cli.run({"migrate", "base"}).code, 0);
  ASSERT_EQ(cli.run({"apply"}).code, 0);
  p.write_schema("CREATE TABLE items (id BIGINT PRIMARY KEY, code TEXT, CONSTRAINT code_short CHECK (length(code) < 10));\n");
  ASSERT_EQ(cli.run({"migrate", "check", "--online"}).code, 0);
  // Another session holds the table for 7 s: the first attempt gives up after lock_timeout (5 s),
  // a retry gets the lock once it is released.
  auto holder = db->connect();
  holder->begin();
  holder->execute("LOCK TABLE items IN ACCESS EXCLUSIVE MODE");
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::seconds(7));
    holder->commit();
  });
  auto r = cli.run({"apply", "--no-lint"});
  release.join();
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("gave up waiting for its lock"), std::string::npos) << r.err;
  auto c = db->connect();
  EXPECT_TRUE(has_row(*c, "SELECT 1 FROM pg_constraint WHERE conname = 'code_short' AND convalidated"));
}

TEST(OnlinePlan, PostgresBackfillsAVolatileDefaultInBatches) {
  auto db = TestDb::create(Dialect::postgresql);
  if (!db) GTEST_SKIP() << "FLASH_TEST_PG_URL not set";
  TestProject p(Dialect::postgresql);
  Cli cli{p, *db};
  p.write_schema("CREATE TABLE items (id BIGINT PRIMARY KEY, code TEXT);\n");
  ASSERT_EQ(cli.run({"migrate", "base"}).code, 0);
  ASSERT_EQ(cli.run({"apply"}).code, 0);
  auto c = db->connect();
  c->execute("INSERT INTO items SELECT g, 'c' || g FROM generate_series(1, 25000) g");
  p.write_schema("CREATE TABLE items (id BIGINT PRIMARY KEY, code TEXT, token UUID NOT NULL DEFAULT gen_random_uuid());\n");
  auto r = cli.run({"migrate", "token", "--online"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const std::string m = cli.migration_text("_token");
  EXPECT_NE(m.find("ALTER TABLE items ADD COLUMN token uuid;\n"), std::string::npos) << m;
  EXPECT_NE(m.find("ALTER TABLE items ALTER COLUMN token SET DEFAULT gen_random_uuid();"), std::string::npos) << m;
  EXPECT_NE(m.find("UPDATE /* flash:batch 10000 */ items SET token = gen_random_uuid() WHERE ctid IN"), std::string::npos) << m;
  EXPECT_NE(m.find("ALTER TABLE items ALTER COLUMN token SET NOT NULL;"), std::string::npos) << m;
  r = cli.run({"apply", "--no-lint"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("backfill: 25000 rows in batches of 10000"), std::string::npos) << r.out << r.err;
  // Every existing row got its own value (volatile: one per row), the column is NOT NULL with the
  // default, and no helper check is left — as the catalogs say.
  auto rs = c->query("SELECT count(*), count(DISTINCT token) FROM items WHERE token IS NOT NULL");
  EXPECT_EQ(value_int(rs.rows[0][0]), 25000);
  EXPECT_EQ(value_int(rs.rows[0][1]), 25000);
  EXPECT_TRUE(has_row(*c, "SELECT 1 FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = "
                          "a.attnum WHERE a.attrelid = 'items'::regclass AND a.attname = 'token' AND a.attnotnull"));
  EXPECT_FALSE(has_row(*c, "SELECT 1 FROM pg_constraint WHERE conname LIKE 'flash_nn_%'"));
}

TEST(OnlinePlan, MysqlAssertsTheAlgorithmAndApplies) {
  auto db = TestDb::create(Dialect::mysql);
  if (!db) GTEST_SKIP() << "FLASH_TEST_MYSQL_URL not set";
  TestProject p(Dialect::mysql);
  Cli cli{p, *db};
  p.write_schema("CREATE TABLE items (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT);\n"
                 "CREATE INDEX items_qty ON items (qty);\n");
  ASSERT_EQ(cli.run({"migrate", "base"}).code, 0);
  ASSERT_EQ(cli.run({"apply"}).code, 0);
  auto c = db->connect();
  c->execute("INSERT INTO items SELECT seq, CONCAT('c', seq), seq FROM seq_1_to_1000");
  p.write_schema("CREATE TABLE items (id BIGINT PRIMARY KEY, code VARCHAR(20), qty BIGINT, note VARCHAR(50));\n"
                 "CREATE INDEX items_code ON items (code);\n");
  auto r = cli.run({"migrate", "online", "--online", "--json"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const std::string m = cli.migration_text("_online");
  EXPECT_NE(m.find("ADD COLUMN note varchar(50) AFTER qty, ALGORITHM=INSTANT;"), std::string::npos) << m;
  EXPECT_NE(m.find("CREATE INDEX items_code ON items (code) ALGORITHM=INPLACE LOCK=NONE;"), std::string::npos) << m;
  EXPECT_NE(m.find("DROP INDEX items_qty, ALGORITHM=INPLACE, LOCK=NONE;"), std::string::npos) << m;
  // The type change is a copy: no assertion (the server would refuse it); the lint says so.
  const auto modify = m.find("MODIFY");
  ASSERT_NE(modify, std::string::npos) << m;
  EXPECT_EQ(m.substr(modify, m.find(';', modify) - modify).find("ALGORITHM"), std::string::npos) << m;
  EXPECT_NE(r.out.find("mysql.table-copy"), std::string::npos) << r.out;
  r = cli.run({"apply", "--no-lint"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(has_row(*c, "SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND "
                          "TABLE_NAME = 'items' AND INDEX_NAME = 'items_code'"));
  EXPECT_FALSE(has_row(*c, "SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND "
                           "TABLE_NAME = 'items' AND INDEX_NAME = 'items_qty'"));
  EXPECT_TRUE(has_row(*c, "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND "
                          "TABLE_NAME = 'items' AND COLUMN_NAME = 'note'"));
  r = cli.run({"down", "--accept-data-loss", "--no-backup"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_FALSE(has_row(*c, "SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND "
                           "TABLE_NAME = 'items' AND COLUMN_NAME = 'note'"));
  EXPECT_TRUE(has_row(*c, "SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND "
                          "TABLE_NAME = 'items' AND INDEX_NAME = 'items_qty'"));
}

}  // namespace
}  // namespace flash::migrate::testing

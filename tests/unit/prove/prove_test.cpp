// Proven downs (src/flash/prove): the proof of `flash migrate` through the real binary and the
// library, on every engine. SQLite always runs; PostgreSQL / MySQL need FLASH_TEST_PG_URL /
// FLASH_TEST_MYSQL_URL (GTEST_SKIP without them) — except the fail-closed tests, which need no
// server at all.
//   - MariaDB: an index on a foreign-key column. Before the differ kept the key's index, the Down
//     was a plain DROP INDEX that MariaDB refuses; the proof now passes and `flash down` works on
//     the real database.
//   - a hand-edited Down that does not restore the schema, and one whose statement fails: caught,
//     located, exit 3, nothing written.
//   - PostgreSQL/MySQL without a server: exit 6 naming --no-prove, nothing written; --no-prove
//     writes it.
//   - lossy Downs decided with the data: a new table without rows and a new column of NULLs roll
//     back without --accept-data-loss; with data they still need it (exit 5).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "flash/config/url.hpp"
#include "flash/migrate/files.hpp"
#include "flash/prove/prove.hpp"
#include "support/flash_run.hpp"
#include "support/scratch_db.hpp"

namespace flash::prove {
namespace {

namespace fs = std::filesystem;
using schema::Dialect;
using test::ScratchDb;
using test::TempDir;

const char* provider(Dialect d) {
  return d == Dialect::postgresql ? "postgresql" : d == Dialect::mysql ? "mysql" : "sqlite";
}

struct Project {
  TempDir dir{"flash-prove"};
  Dialect dialect;
  std::string url;  // DATABASE_URL ("" = unset)

  explicit Project(Dialect d, std::string u = "") : dialect(d), url(std::move(u)) {
    dir.write("flash.toml", std::string("version = \"2\"\nschema_dir = \"db/schema\"\nqueries = \"db/queries\"\n"
                                        "migrations_path = \"db/migrations\"\n\n[database]\nprovider = \"") +
                                provider(d) + "\"\nurl_env = \"DATABASE_URL\"\n");
    fs::create_directories(dir.path() / "db" / "migrations");
    fs::create_directories(dir.path() / "db" / "queries");
  }
  void schema(const std::string& sql) const { dir.write("db/schema/schema.sql", sql); }
  test::FlashRun run(const std::vector<std::string>& args) const {
    std::vector<std::string> a{"--json"};
    a.insert(a.end(), args.begin(), args.end());
    return test::run_flash(FLASH_BINARY, a, dir.path(),
                           (url.empty() ? std::string("-u DATABASE_URL NO_COLOR=1")
                                        : "NO_COLOR=1 DATABASE_URL=" + test::shell_quote(url)));
  }
  std::vector<fs::path> migrations() const {
    std::vector<fs::path> v;
    for (const auto& e : fs::directory_iterator(dir.path() / "db" / "migrations"))
      if (e.path().extension() == ".sql") v.push_back(e.path());
    std::sort(v.begin(), v.end());
    return v;
  }
};

nlohmann::json json_of(const test::FlashRun& r) {
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception&) {
    ADD_FAILURE() << "not JSON:\n" << r.out << "\n" << r.err;
    return nlohmann::json::object();
  }
}

std::string error_code(const test::FlashRun& r) {
  auto j = json_of(r);
  return j.contains("error") ? j["error"].value("code", "") : "";
}

// A scratch database for the engine, or nullptr (the caller skips) when its server URL is unset.
std::unique_ptr<ScratchDb> scratch(Dialect d) { return ScratchDb::create(d, "flash_prove_test"); }

class ProveEngines : public ::testing::TestWithParam<Dialect> {};

// ---- MariaDB: the index of a foreign key ------------------------------------------------------

TEST(ProveMysql, IndexOnForeignKeyColumnRollsBack) {
  auto db = scratch(Dialect::mysql);
  if (!db) GTEST_SKIP() << "FLASH_TEST_MYSQL_URL not set";
  Project p(Dialect::mysql, db->url);
  p.schema(
      "CREATE TABLE users (id INT PRIMARY KEY, referrer_id INT);\n"
      "CREATE TABLE orders (id INT PRIMARY KEY, user_id INT NOT NULL, buyer_id INT,\n"
      "  CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id),\n"
      "  FOREIGN KEY (buyer_id) REFERENCES users (id));\n");
  auto r = p.run({"migrate", "init"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(json_of(r)["proof"].is_object()) << r.out;
  ASSERT_EQ(p.run({"apply"}).code, 0);
  // An index on each foreign-key column (named and unnamed constraint), and a new foreign key
  // whose column has no index (the server makes one that DROP FOREIGN KEY leaves behind).
  p.schema(
      "CREATE TABLE users (id INT PRIMARY KEY, referrer_id INT,\n"
      "  CONSTRAINT fk_referrer FOREIGN KEY (referrer_id) REFERENCES users (id));\n"
      "CREATE TABLE orders (id INT PRIMARY KEY, user_id INT NOT NULL, buyer_id INT,\n"
      "  CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id),\n"
      "  FOREIGN KEY (buyer_id) REFERENCES users (id));\n"
      "CREATE INDEX idx_orders_user ON orders (user_id);\n"
      "CREATE INDEX idx_orders_buyer ON orders (buyer_id, id);\n");
  r = p.run({"migrate", "add_indexes"});
  ASSERT_EQ(r.code, 0) << "the proof refused the differ's Down:\n" << r.out << r.err;
  auto j = json_of(r);
  EXPECT_TRUE(j["proof"].is_object()) << r.out;
  const std::string content = j.value("content", "");
  EXPECT_NE(content.find("CREATE INDEX fk_user ON orders (user_id)"), std::string::npos) << content;
  // The real database: apply, roll back, apply again, and nothing is left over.
  ASSERT_EQ(p.run({"apply"}).code, 0);
  r = p.run({"down", "--accept-data-loss"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = p.run({"status"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(json_of(r)["drift"]["differences"].empty()) << r.out;
  EXPECT_TRUE(json_of(r).value("clean", false)) << r.out;
  ASSERT_EQ(p.run({"apply"}).code, 0);
}

// Dropping foreign keys whose columns no declared index serves (named and unnamed constraint): the
// index the server made for each outlived DROP FOREIGN KEY, so `status` reported a drift
// ("create index fk_user") right after a clean apply. The Up now drops it too; its Down's ADD
// FOREIGN KEY makes it again. A declared index over a dropped key's column stays.
TEST(ProveMysql, DroppedForeignKeyTakesItsImplicitIndexAlong) {
  auto db = scratch(Dialect::mysql);
  if (!db) GTEST_SKIP() << "FLASH_TEST_MYSQL_URL not set";
  Project p(Dialect::mysql, db->url);
  p.schema(
      "CREATE TABLE users (id INT PRIMARY KEY);\n"
      "CREATE TABLE orders (id INT PRIMARY KEY, user_id INT NOT NULL, buyer_id INT, seller_id INT,\n"
      "  CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id),\n"
      "  FOREIGN KEY (buyer_id) REFERENCES users (id),\n"
      "  CONSTRAINT fk_seller FOREIGN KEY (seller_id) REFERENCES users (id));\n"
      "CREATE INDEX idx_seller ON orders (seller_id);\n");
  ASSERT_EQ(p.run({"migrate", "init"}).code, 0);
  ASSERT_EQ(p.run({"apply"}).code, 0);
  auto indexes = [&] {
    auto c = db->connect();
    auto rs = c->query(
        "SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
        "AND TABLE_NAME = 'orders'");
    std::vector<std::string> out;
    for (const auto& row : rs.rows) out.push_back(driver::to_display(row[0]));
    std::sort(out.begin(), out.end());
    return out;
  };
  const auto before = indexes();
  ASSERT_EQ(before, (std::vector<std::string>{"PRIMARY", "buyer_id", "fk_user", "idx_seller"}));
  p.schema(
      "CREATE TABLE users (id INT PRIMARY KEY);\n"
      "CREATE TABLE orders (id INT PRIMARY KEY, user_id INT NOT NULL, buyer_id INT, seller_id INT);\n"
      "CREATE INDEX idx_seller ON orders (seller_id);\n");
  auto r = p.run({"migrate", "drop_keys"});
  ASSERT_EQ(r.code, 0) << "the proof refused the differ's plan:\n" << r.out << r.err;
  r = p.run({"apply"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  // The engine: the server-made indexes are gone with their keys; the declared one stays.
  EXPECT_EQ(indexes(), (std::vector<std::string>{"PRIMARY", "idx_seller"}));
  r = p.run({"status"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(json_of(r)["drift"]["differences"].empty()) << r.out;
  r = p.run({"down", "--accept-data-loss"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(indexes(), before);
  r = p.run({"status"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(json_of(r)["drift"]["differences"].empty()) << r.out;
}

// ---- a hand-edited Down -----------------------------------------------------------------------

migrate::MigrationFile file(const fs::path& dir, const std::string& id, const std::string& content, Dialect d) {
  diag::Diagnostics ds;
  auto f = migrate::parse_migration(dir / (id + ".sql"), content, d, ds);
  EXPECT_FALSE(diag::has_errors(ds));
  return f;
}

std::optional<config::DatabaseUrl> server_url(Dialect d) {
  if (d == Dialect::sqlite) return std::nullopt;
  const char* u = std::getenv(d == Dialect::postgresql ? "FLASH_TEST_PG_URL" : "FLASH_TEST_MYSQL_URL");
  if (!u || !*u) return std::nullopt;
  return config::parse_database_url(u);
}

TEST_P(ProveEngines, HandEditedDownThatDoesNotRestoreIsCaught) {
  const Dialect d = GetParam();
  const auto url = server_url(d);
  if (d != Dialect::sqlite && !url) GTEST_SKIP() << "no server URL for " << provider(d);
  TempDir dir("flash-prove-lib");
  migrate::Project p;
  p.dialect = d;
  p.migrations_dir = dir.path();
  const auto init = file(dir.path(), "20240101000000_init",
                         "-- +migrate Up\nCREATE TABLE t (id INT PRIMARY KEY);\n-- +migrate Down\nDROP TABLE t;\n", d);
  // The differ's Down would drop both; this one forgets the table.
  const std::string content =
      "-- +migrate Up\nALTER TABLE t ADD COLUMN note VARCHAR(20);\nCREATE TABLE u (id INT PRIMARY KEY);\n"
      "-- +migrate Down\nALTER TABLE t DROP COLUMN note;\n";
  const auto bad = file(dir.path(), "20240102000000_note", content, d);
  try {
    prove_down(p, {init}, bad, url);
    ADD_FAILURE() << "a Down that leaves table u behind was proven";
  } catch (const diag::Error& e) {
    const auto& dg = e.diagnostic();
    EXPECT_EQ(dg.code, "migrate.unproven");
    EXPECT_EQ(dg.exit_code, diag::ExitCode::check_failed);
    EXPECT_EQ(dg.location.file, bad.path.string());
    EXPECT_EQ(dg.location.line, 4);  // the Down marker
    EXPECT_NE(dg.message.find("does not restore"), std::string::npos) << dg.message;
    EXPECT_NE(dg.message.find("table u"), std::string::npos) << dg.message;
    EXPECT_NE(dg.hint.value_or("").find("--no-prove"), std::string::npos);
  }
  // A Down statement that fails is located at its line.
  const auto failing = file(dir.path(), "20240102000000_note",
                            "-- +migrate Up\nALTER TABLE t ADD COLUMN note VARCHAR(20);\n"
                            "-- +migrate Down\nALTER TABLE t DROP COLUMN nothere;\n",
                            d);
  try {
    prove_down(p, {init}, failing, url);
    ADD_FAILURE() << "a failing Down was proven";
  } catch (const diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "migrate.unproven");
    EXPECT_EQ(e.diagnostic().location.line, 4) << e.diagnostic().message;
  }
  // The fixed Down is proven.
  const auto good = file(dir.path(), "20240102000000_note",
                         "-- +migrate Up\nALTER TABLE t ADD COLUMN note VARCHAR(20);\nCREATE TABLE u (id INT PRIMARY KEY);\n"
                         "-- +migrate Down\nDROP TABLE u;\nALTER TABLE t DROP COLUMN note;\n",
                         d);
  const auto r = prove_down(p, {init}, good, url);
  EXPECT_EQ(r.replayed, 1);
  EXPECT_FALSE(r.where.empty());
}

TEST_P(ProveEngines, HandEditedDownThatRestoresTooLittleIsCaught) {
  const Dialect d = GetParam();
  const auto url = server_url(d);
  if (d != Dialect::sqlite && !url) GTEST_SKIP() << "no server URL for " << provider(d);
  TempDir dir("flash-prove-lib");
  migrate::Project p;
  p.dialect = d;
  p.migrations_dir = dir.path();
  // Up adds a table; the Down (edited by hand) drops nothing.
  const auto bad = file(dir.path(), "20240101000000_init",
                        "-- +migrate Up\nCREATE TABLE t (id INT PRIMARY KEY);\n-- +migrate Down\n", d);
  try {
    prove_down(p, {}, bad, url);
    ADD_FAILURE() << "an empty Down was proven";
  } catch (const diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "migrate.unproven");
    // The second Up cannot create the table again, or the Down's schema differs: both are caught.
    EXPECT_EQ(e.diagnostic().location.file, bad.path.string());
    EXPECT_GT(e.diagnostic().location.line, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(All, ProveEngines, ::testing::Values(Dialect::sqlite, Dialect::postgresql, Dialect::mysql),
                         [](const auto& info) { return std::string(provider(info.param)); });

// The CLI: a broken hand-written Down is refused before the file is written.
TEST(ProveCli, BrokenDownFromTheDifferIsNeverWritten) {
  Project p(Dialect::sqlite, "sqlite://db.sqlite");
  p.schema("CREATE TABLE t (id INTEGER PRIMARY KEY);\n");
  ASSERT_EQ(p.run({"migrate", "init"}).code, 0);
  // A hand-written migration whose Down drops a table that does not exist: proven through the
  // library above; here the CLI writes a correct one after it (the existing history replays).
  p.dir.write("db/migrations/20240102000000_manual.sql",
              "-- +migrate Up\nCREATE TABLE m (id INTEGER);\n-- +migrate Down\nDROP TABLE m;\n");
  p.schema("CREATE TABLE t (id INTEGER PRIMARY KEY);\nCREATE TABLE m (id INTEGER);\nCREATE TABLE n (id INTEGER);\n");
  auto r = p.run({"migrate", "add_n"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(json_of(r)["proof"].value("replayed", -1), 2) << r.out;
}

// ---- fail closed without a server -------------------------------------------------------------

TEST(ProveCli, NoServerFailsClosedNamingTheFlag) {
  for (Dialect d : {Dialect::postgresql, Dialect::mysql}) {
    for (const std::string& url : {std::string(), std::string(d == Dialect::postgresql
                                                                  ? "postgres://nobody:x@127.0.0.1:1/none"
                                                                  : "mysql://nobody:x@127.0.0.1:1/none")}) {
      Project p(d, url);
      p.schema("CREATE TABLE t (id INT PRIMARY KEY);\n");
      auto r = p.run({"migrate", "init"});
      EXPECT_EQ(r.code, 6) << provider(d) << " " << url << ":\n" << r.out << r.err;
      EXPECT_EQ(error_code(r), "migrate.prove-unavailable") << r.out;
      EXPECT_NE(r.out.find("--no-prove"), std::string::npos) << r.out;
      EXPECT_TRUE(p.migrations().empty()) << "a migration was written without its proof";
      r = p.run({"migrate", "init", "--no-prove"});
      EXPECT_EQ(r.code, 0) << r.out << r.err;
      EXPECT_EQ(p.migrations().size(), 1u);
      EXPECT_EQ(json_of(r)["proof"], "skipped (--no-prove)");
    }
  }
}

// ---- lossy Downs decided with the data --------------------------------------------------------

TEST_P(ProveEngines, LossyDownWithoutDataNeedsNoFlag) {
  const Dialect d = GetParam();
  auto db = scratch(d);
  if (!db) GTEST_SKIP() << "no server URL for " << provider(d);
  Project p(d, db->url);
  p.schema("CREATE TABLE users (id INT PRIMARY KEY);\n");
  ASSERT_EQ(p.run({"migrate", "init"}).code, 0);
  p.schema("CREATE TABLE users (id INT PRIMARY KEY, note VARCHAR(50));\nCREATE TABLE tags (id INT PRIMARY KEY);\n");
  auto r = p.run({"migrate", "add_note_tags"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const std::string content = json_of(r).value("content", "");
  ASSERT_NE(content.find("-- flash:lossy"), std::string::npos) << "the Downs stay marked:\n" << content;
  ASSERT_EQ(p.run({"apply"}).code, 0);
  auto conn = db->connect();
  conn->execute("INSERT INTO users (id) VALUES (1)");  // a row, but its note is NULL

  // Nothing to lose: no flag needed.
  r = p.run({"down"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  ASSERT_EQ(p.run({"apply"}).code, 0);

  // A note that holds data: the rollback needs the flag (exit 5) and names that statement only.
  conn->execute("UPDATE users SET note = 'kept' WHERE id = 1");
  r = p.run({"down"});
  EXPECT_EQ(r.code, 5) << r.out << r.err;
  EXPECT_EQ(error_code(r), "migrate.lossy-down");
  EXPECT_NE(r.out.find("note"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("DROP TABLE tags"), std::string::npos) << "the empty table was still counted lossy:\n" << r.out;
  conn->execute("UPDATE users SET note = NULL");
  // A table with rows: needs the flag too.
  conn->execute("INSERT INTO tags (id) VALUES (7)");
  r = p.run({"down"});
  EXPECT_EQ(r.code, 5) << r.out << r.err;
  EXPECT_NE(r.out.find("tags"), std::string::npos) << r.out;
  conn->execute("DELETE FROM tags");
  conn.reset();
  r = p.run({"down"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

}  // namespace
}  // namespace flash::prove

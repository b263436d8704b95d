// The data commands through the real binary: seed --truncate asks first and keeps a backup, import
// says what it left out of a file's schema, and seed/import keep a table's schema (PostgreSQL).
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "flash/driver/connection.hpp"
#include "flash/export/export.hpp"
#include "flash/export/seed.hpp"
#include "flash/schema/json.hpp"
#include "support.hpp"
#include "support/flash_run.hpp"

namespace flash::exporter {
namespace {

namespace fs = std::filesystem;
using namespace export_test;
using schema::Dialect;

std::int64_t scalar(driver::SqlConnection& c, const std::string& sql) {
  return std::get<std::int64_t>(c.query(sql).rows.at(0).at(0));
}

struct SqliteProject {
  flash::test::TempDir dir{"flash-data-cmd"};
  std::string env;
  SqliteProject() {
    dir.write("flash.toml", "version = \"2\"\nschema_dir = \"db/schema\"\n\n[database]\nprovider = \"sqlite\"\n"
                            "url_env = \"DATABASE_URL\"\n");
    dir.write("db/schema/schema.sql", "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n");
    env = "DATABASE_URL=" + flash::test::shell_quote("sqlite://" + (dir.path() / "dev.db").string());
  }
  flash::test::FlashRun run(const std::vector<std::string>& args) const {
    return flash::test::run_flash(FLASH_BINARY, args, dir.path(), env);
  }
  std::unique_ptr<driver::SqlConnection> connect() const {
    return driver::connect_sql(config::parse_database_url("sqlite://" + (dir.path() / "dev.db").string()));
  }
  std::vector<fs::path> backups() const {
    std::vector<fs::path> out;
    if (fs::exists(dir.path() / "db" / "export"))
      for (const auto& e : fs::directory_iterator(dir.path() / "db" / "export")) out.push_back(e.path());
    return out;
  }
};

TEST(SeedCommand, TruncateAsksAndBacksUp) {
  SqliteProject p;
  {
    auto c = p.connect();
    c->execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
    c->execute("INSERT INTO items VALUES (1, 'keep me'), (2, 'and me')");
  }
  // No terminal: refused, naming the flag, nothing deleted.
  auto r = p.run({"seed", "--truncate", "items:3"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  EXPECT_EQ(scalar(*p.connect(), "SELECT COUNT(*) FROM items"), 2);
  EXPECT_TRUE(p.backups().empty());

  r = p.run({"seed", "--truncate", "--force", "items:3", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(scalar(*p.connect(), "SELECT COUNT(*) FROM items"), 3);
  EXPECT_EQ(scalar(*p.connect(), "SELECT COUNT(*) FROM items WHERE name = 'keep me'"), 0);
  const auto out = nlohmann::json::parse(r.out);
  ASSERT_TRUE(out.contains("backup")) << r.out;
  ASSERT_EQ(p.backups().size(), 1u);
  // The backup is an export that import restores.
  const auto doc = nlohmann::json::parse(util::read_file(p.backups()[0]));
  EXPECT_EQ(doc["tables"]["items"]["rows"].size(), 2u);
  EXPECT_NE(doc.dump().find("keep me"), std::string::npos);

  r = p.run({"seed", "--truncate", "--force", "--no-backup", "items:1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(p.backups().size(), 1u);
  EXPECT_EQ(scalar(*p.connect(), "SELECT COUNT(*) FROM items"), 1);
}

TEST(ImportCommand, SaysWhatItLeftOut) {
  SqliteProject p;
  schema::Schema s;
  s.dialect = Dialect::sqlite;
  schema::Table t;
  t.name = "loot";
  schema::Column id;
  id.name = "id";
  id.type.name = "integer";
  id.nullable = false;
  id.default_expr = "(SELECT 1); DROP TABLE victim";
  t.columns = {id};
  s.tables = {t};
  nlohmann::json doc = {{"version", 1}, {"dialect", "sqlite"}, {"schema", schema::to_json(s)},
                        {"tables", {{"loot", {{"columns", {"id"}}, {"rows", {{1}, {2}}}}}}}};
  p.dir.write("crafted.json", doc.dump());
  auto r = p.run({"import", "crafted.json", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto out = nlohmann::json::parse(r.out);
  ASSERT_EQ(out["dropped"].size(), 1u) << r.out;
  EXPECT_NE(out["dropped"][0].get<std::string>().find("default"), std::string::npos);
  EXPECT_NE(r.err.find("warning"), std::string::npos);
  EXPECT_EQ(scalar(*p.connect(), "SELECT COUNT(*) FROM loot"), 2);
  EXPECT_EQ(out["tables"]["loot"]["method"], "prepared_insert") << r.out;  // SQLite's bulk path

  // A bad version: a located, clear message, exit 2, nothing created.
  p.dir.write("bad.json", "{\"version\": \"x\", \"schema\": {}, \"tables\": {}}");
  r = p.run({"import", "bad.json"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("bad.json:1:13"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("export format version \"x\" is not supported"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("stoi"), std::string::npos);
}

// Tables outside the default schema: seed writes there, export keys them by qualified name and
// import recreates them in their schema.
TEST(SchemaQualified, SeedExportImportPostgres) {
  REQUIRE_DB(src, Dialect::postgresql);
  REQUIRE_DB(dst, Dialect::postgresql);
  const std::string ddl =
      "CREATE SCHEMA app;\nCREATE TABLE app.items (id SERIAL PRIMARY KEY, name VARCHAR(20) NOT NULL);\n"
      "CREATE TABLE items (id SERIAL PRIMARY KEY, other TEXT);";
  const auto model = parse(ddl, Dialect::postgresql);
  ASSERT_EQ(model.tables.size(), 2u);
  auto c = src->connect();
  run_script(*c, ddl);
  SeedOptions so;
  so.count = 7;
  so.seed = 1;
  seed_data(*c, model, so);
  EXPECT_EQ(scalar(*c, "SELECT COUNT(*) FROM app.items"), 7);
  EXPECT_EQ(scalar(*c, "SELECT COUNT(*) FROM public.items"), 7);
  TempDir files;
  ExportOptions eo;
  eo.path = files.path / "x.json";
  eo.tables = {"app.items"};
  ASSERT_EQ(export_data(*c, model, eo).at(0).rows, 7);
  auto d = dst->connect();
  const auto counts = import_data(*d, {eo.path, {}});
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_TRUE(counts[0].created);
  EXPECT_EQ(scalar(*d, "SELECT COUNT(*) FROM app.items"), 7);
  EXPECT_EQ(scalar(*d, "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'items'"), 1);  // not in public
}

}  // namespace
}  // namespace flash::exporter

// Hostile input against export, import and seed on the three engines (issue 11: injection). Every
// attack is judged through the engine: the victim table still exists with its rows, no extension
// was installed, nothing slept. Figures are printed as `RELIABILITY injection ...` lines.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "flash/diag/diagnostic.hpp"
#include "flash/driver/connection.hpp"
#include "flash/export/export.hpp"
#include "flash/export/filter.hpp"
#include "flash/export/format.hpp"
#include "flash/export/sanitize.hpp"
#include "flash/export/seed.hpp"
#include "flash/schema/json.hpp"
#include "flash/schema/printer.hpp"
#include "support.hpp"

namespace flash::exporter {
namespace {

namespace fs = std::filesystem;
using namespace export_test;
using schema::Dialect;
using Clock = std::chrono::steady_clock;

std::int64_t count(driver::SqlConnection& c, const std::string& sql) {
  const auto rs = c.query(sql);
  const auto& v = rs.rows.at(0).at(0);
  if (auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (auto* s = std::get_if<std::string>(&v)) return std::stoll(*s);
  return -1;
}

// The victim: 3 rows that no attack may remove.
void make_victim(driver::SqlConnection& c) {
  c.execute("CREATE TABLE victim (id INTEGER PRIMARY KEY)");
  c.execute("INSERT INTO victim (id) VALUES (1), (2), (3)");
}

// Whether the victim is whole: the table exists (asked of the engine's catalog) with its 3 rows.
bool victim_intact(driver::SqlConnection& c) {
  try {
    const Dialect d = c.dialect();
    const std::string catalog =
        d == Dialect::postgresql ? "SELECT COUNT(*) FROM pg_class WHERE relname = 'victim' AND relkind = 'r'"
        : d == Dialect::mysql    ? "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                                   "AND TABLE_NAME = 'victim'"
                                 : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'victim'";
    return count(c, catalog) == 1 && count(c, "SELECT COUNT(*) FROM victim") == 3;
  } catch (const driver::DbError&) {
    return false;
  }
}

// ---- the MySQL connection --------------------------------------------------------------------

// query() and stream() run exactly one statement (the connection has no CLIENT_MULTI_STATEMENTS);
// execute() still runs Flash's own scripts.
TEST(MysqlConnection, QueryAndStreamRunOneStatement) {
  REQUIRE_DB(db, Dialect::mysql);
  auto c = db->connect();
  make_victim(*c);
  EXPECT_THROW(c->query("SELECT 1; DROP TABLE victim"), driver::DbError);
  EXPECT_THROW(
      {
        auto cur = c->stream("SELECT id FROM victim WHERE (1=1); DROP TABLE victim");
        std::vector<driver::Value> row;
        while (cur->next(row)) {
        }
      },
      driver::DbError);
  EXPECT_TRUE(victim_intact(*c));
  c->execute("CREATE TABLE script_a (x INT); INSERT INTO script_a VALUES (1); DROP TABLE script_a");
  EXPECT_THROW(c->query("SELECT 1; SELECT 2"), driver::DbError);  // switched off again after the script
  EXPECT_TRUE(victim_intact(*c));
}

// ---- export --where --------------------------------------------------------------------------

TEST(FilterCheck, AcceptsConditions) {
  for (Dialect d : {Dialect::postgresql, Dialect::mysql, Dialect::sqlite}) {
    for (const char* ok : {"id <= 10", "name LIKE 'a;b%' AND id IN (1, 2, 3)", "(id > 1) OR name IS NULL",
                           "id IN (SELECT id FROM victim)", "lower(name) = 'x''; DROP TABLE victim; --'",
                           "created_at >= '2024-01-01'"})
      EXPECT_NO_THROW(check_filter(ok, d)) << ok << " on " << schema::to_string(d);
  }
}

TEST(FilterCheck, RejectionsAreLocated) {
  try {
    check_filter("id = 1; DROP TABLE victim", Dialect::mysql);
    FAIL();
  } catch (const diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "export.where");
    EXPECT_EQ(e.diagnostic().location.file, "--where");
    EXPECT_EQ(e.diagnostic().location.line, 1);
    EXPECT_EQ(e.diagnostic().location.column, 7);
    EXPECT_EQ(e.diagnostic().exit_code, diag::ExitCode::usage);
  }
  try {
    check_filter("id = 1 OR pg_sleep(5) IS NULL", Dialect::postgresql);
    FAIL();
  } catch (const diag::Error& e) {
    EXPECT_EQ(e.diagnostic().location.column, 11);
  }
}

const std::vector<std::string> kHostileWhere = {
    "1=1; DROP TABLE victim",
    "1=1); DROP TABLE victim; SELECT (1",
    "1=1) ; DROP TABLE victim; --",
    "1=1 -- ) ; DROP TABLE victim",
    "1=1 /* */; DROP TABLE victim",
    "1=1 /*!50000 ; DROP TABLE victim */",
    "1=1 # ; DROP TABLE victim",
    "'a' = 'a'; DROP TABLE victim; SELECT 'x'",
    "id = 1\\'; DROP TABLE victim; -- '",
    "name = 'unterminated; DROP TABLE victim",
    "1=1) UNION SELECT id, CAST(id AS CHAR) FROM victim WHERE (1=1",
    "1=1 UNION SELECT 1, 'x'",
    "1=1 ORDER BY 1",
    "1=1 LIMIT 1",
    "1=1 FOR UPDATE",
    "EXISTS (WITH d AS (DELETE FROM victim RETURNING id) SELECT 1 FROM d)",
    "(SELECT pg_sleep(3)) IS NOT NULL",
    "pg_sleep(3) IS NULL",
    "sleep(3) = 0",
    "benchmark(100000000, md5('x')) = 0",
    "dblink_exec('dbname=flash', 'DROP TABLE victim') IS NOT NULL",
    "query_to_xml('DELETE FROM victim', true, true, '') IS NOT NULL",
    "lo_import('/etc/passwd') > 0",
    "set_config('search_path', 'nowhere', false) IS NOT NULL",
    "flash_evil() = 1",  // a user function that deletes: stopped by the read-only transaction
    "id = ?",
    "",
};

void export_where_injection(Dialect d) {
  auto db = TestDb::create(d);
  if (!db) GTEST_SKIP() << "server URL for " << schema::to_string(d) << " not set";
  auto c = db->connect();
  make_victim(*c);
  c->execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(50))");
  c->execute("INSERT INTO items (id, name) VALUES (1, 'a'), (2, 'b'), (3, NULL)");
  if (d == Dialect::postgresql)
    c->execute("CREATE FUNCTION flash_evil() RETURNS integer LANGUAGE sql AS $$ DELETE FROM victim; SELECT 1 $$");
  if (d == Dialect::mysql)
    c->execute("CREATE FUNCTION flash_evil() RETURNS INT MODIFIES SQL DATA BEGIN DELETE FROM victim; RETURN 1; END");
  const auto model = parse("CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(50));", d);
  TempDir files;
  int tried = 0, succeeded = 0, rejected_early = 0;
  for (const auto& w : kHostileWhere) {
    ++tried;
    ExportOptions o;
    o.where = w;
    o.path = files.path / ("out" + std::to_string(tried) + ".json");
    const auto start = Clock::now();
    bool ran = false;
    try {
      export_data(*c, model, o);
      ran = true;
    } catch (const diag::Error& e) {
      if (e.diagnostic().code == "export.where") ++rejected_early;
    } catch (const driver::DbError&) {
    }
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    const bool harmed = !victim_intact(*c) || secs > 2.5;
    if (harmed) {
      ++succeeded;
      ADD_FAILURE() << "`" << w << "` did harm on " << schema::to_string(d);
      c->execute("DROP TABLE IF EXISTS victim");
      make_victim(*c);
    }
    EXPECT_FALSE(ran && w.find("DROP") != std::string::npos && w.find("'x'';") == std::string::npos)
        << "`" << w << "` was accepted";
    EXPECT_FALSE(fs::exists(o.path) && !ran) << "a failed export left " << o.path;
  }
  // The same connection still exports with a good filter.
  ExportOptions o;
  o.where = "id <= 2";
  o.path = files.path / "good.json";
  std::int64_t expected = -2;
  o.table_start = [&](std::string_view, std::int64_t n) { expected = n; };  // the progress bar's count
  EXPECT_EQ(export_data(*c, model, o).at(0).rows, 2);
  EXPECT_EQ(expected, 2);
  // A filter the database refuses fails the export (the estimate's failure does not hide it).
  o.where = "no_such_column = 1";
  o.path = files.path / "bad.json";
  EXPECT_THROW(export_data(*c, model, o), driver::DbError);
  EXPECT_FALSE(fs::exists(o.path));
  std::printf("RELIABILITY injection export-where %s tried=%d succeeded=%d rejected_before_sql=%d\n",
              std::string(schema::to_string(d)).c_str(), tried, succeeded, rejected_early);
  EXPECT_EQ(succeeded, 0);
}

TEST(ExportInjection, WherePostgres) { export_where_injection(Dialect::postgresql); }
TEST(ExportInjection, WhereMysql) { export_where_injection(Dialect::mysql); }
TEST(ExportInjection, WhereSqlite) { export_where_injection(Dialect::sqlite); }

void export_tables_injection(Dialect d) {
  auto db = TestDb::create(d);
  if (!db) GTEST_SKIP() << "server URL for " << schema::to_string(d) << " not set";
  auto c = db->connect();
  make_victim(*c);
  const auto model = parse("CREATE TABLE victim (id INTEGER PRIMARY KEY);", d);
  TempDir files;
  int tried = 0, succeeded = 0;
  for (const std::string t : {"victim; DROP TABLE victim", "victim\"; DROP TABLE victim; --",
                              "victim`; DROP TABLE victim; --", "victim WHERE 1=0; DROP TABLE victim", "../victim"}) {
    ++tried;
    ExportOptions o;
    o.tables = {t};
    o.path = files.path / "t.json";
    try {
      export_data(*c, model, o);
      ++succeeded;
    } catch (const diag::Error& e) {
      EXPECT_EQ(e.diagnostic().code, "export.unknown-table");
    }
    if (!victim_intact(*c)) ++succeeded;
  }
  std::printf("RELIABILITY injection export-tables %s tried=%d succeeded=%d\n",
              std::string(schema::to_string(d)).c_str(), tried, succeeded);
  EXPECT_EQ(succeeded, 0);
}

TEST(ExportInjection, TablesPostgres) { export_tables_injection(Dialect::postgresql); }
TEST(ExportInjection, TablesMysql) { export_tables_injection(Dialect::mysql); }
TEST(ExportInjection, TablesSqlite) { export_tables_injection(Dialect::sqlite); }

// ---- hostile names through seed, export and import -------------------------------------------

// Tables and columns whose names hold quotes, backticks and semicolons: seeded, exported and
// imported (into a second database), every name quoted by the dialect's one quoting function.
void hostile_names(Dialect d) {
  auto db = TestDb::create(d);
  if (!db) GTEST_SKIP() << "server URL for " << schema::to_string(d) << " not set";
  auto dst = TestDb::create(d);
  auto c = db->connect();
  make_victim(*c);
  const std::string q = d == Dialect::mysql ? "`" : "\"";
  const std::string table = d == Dialect::mysql ? "t``; DROP TABLE victim; -- \"" : "t\"\"; DROP TABLE victim; -- `";
  const std::string col = d == Dialect::mysql ? "c``'; DROP TABLE victim; --" : "c\"\"'; DROP TABLE victim; --";
  const std::string ddl = "CREATE TABLE " + q + table + q + " (id INTEGER PRIMARY KEY, " + q + col + q + " VARCHAR(40));";
  const auto model = parse(ddl, d);
  ASSERT_EQ(model.tables.size(), 1u);
  ASSERT_NE(model.tables[0].name.find("; DROP TABLE victim"), std::string::npos) << model.tables[0].name;
  ASSERT_NE(model.tables[0].columns.at(1).name.find("'; DROP"), std::string::npos);
  c->execute(schema::print_schema(model));
  int tried = 0, succeeded = 0;
  SeedOptions so;
  so.count = 5;
  so.seed = 3;
  ++tried;
  EXPECT_EQ(seed_data(*c, model, so).at(0).rows, 5);
  ++tried;
  so.tables = {{"victim; DROP TABLE victim", 1}};
  EXPECT_THROW(seed_data(*c, model, so), diag::Error);
  TempDir files;
  ExportOptions eo;
  eo.path = files.path / "x.json";
  ++tried;
  EXPECT_EQ(export_data(*c, model, eo).at(0).rows, 5);
  if (!victim_intact(*c)) ++succeeded;
  auto dc = dst->connect();
  make_victim(*dc);
  ++tried;
  const auto counts = import_data(*dc, {eo.path, {}});
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts[0].rows, 5);
  if (!victim_intact(*dc)) ++succeeded;
  std::printf("RELIABILITY injection names %s tried=%d succeeded=%d\n", std::string(schema::to_string(d)).c_str(), tried,
              succeeded);
  EXPECT_EQ(succeeded, 0);
}

TEST(NameInjection, SeedExportImportPostgres) { hostile_names(Dialect::postgresql); }
TEST(NameInjection, SeedExportImportMysql) { hostile_names(Dialect::mysql); }
TEST(NameInjection, SeedExportImportSqlite) { hostile_names(Dialect::sqlite); }

// ---- crafted export files --------------------------------------------------------------------

const std::string kDrop = "1); DROP TABLE victim; --";

schema::Table base_table(const std::string& name = "loot") {
  schema::Table t;
  t.name = name;
  schema::Column id;
  id.name = "id";
  id.type.name = "integer";
  id.nullable = false;
  schema::Column v;
  v.name = "v";
  v.type.name = "integer";
  t.columns = {id, v};
  t.primary_key = schema::PrimaryKey{"", {"id"}};
  return t;
}

struct Crafted {
  std::string what;
  schema::Schema model;
};

// The hostile models: each carries SQL where the format holds a description.
std::vector<Crafted> crafted(Dialect d) {
  std::vector<Crafted> out;
  const std::string sleep = d == Dialect::postgresql ? "pg_sleep(3)" : d == Dialect::mysql ? "sleep(3)" : "randomblob(1)";
  auto add = [&](std::string what, auto change) {
    schema::Schema s;
    s.dialect = d;
    s.tables.push_back(base_table());
    change(s, s.tables[0]);
    out.push_back({std::move(what), std::move(s)});
  };
  auto col = [](schema::Table& t) -> schema::Column& { return t.columns[1]; };
  add("default with a second statement", [&](auto&, auto& t) { col(t).default_expr = kDrop; });
  add("default calling sleep", [&](auto&, auto& t) { col(t).default_expr = sleep; });
  add("default with a subquery", [&](auto&, auto& t) { col(t).default_expr = "(SELECT COUNT(*) FROM victim)"; });
  add("default closing the table", [&](auto&, auto& t) { col(t).default_expr = "0); DROP TABLE victim; CREATE TABLE x (y INT"; });
  add("default with a comment", [&](auto&, auto& t) { col(t).default_expr = "0 /*; DROP TABLE victim */"; });
  add("default nextval of another sequence", [&](auto&, auto& t) { col(t).default_expr = "nextval('victim_id_seq')"; });
  add("check with a second statement", [&](auto&, auto& t) { t.checks.push_back({"", "v > 0); DROP TABLE victim; --"}); });
  add("check calling sleep", [&](auto&, auto& t) { t.checks.push_back({"", sleep + " IS NULL OR v > 0"}); });
  add("check with dblink", [&](auto&, auto& t) { t.checks.push_back({"", "dblink_exec('', 'DROP TABLE victim') <> ''"}); });
  add("generated column", [&](auto&, auto& t) {
    col(t).generated = schema::GeneratedKind::stored;
    col(t).generated_expr = "id) STORED); DROP TABLE victim; --";
  });
  add("index predicate", [&](auto& s, auto&) {
    schema::Index ix;
    ix.name = "loot_v";
    ix.table = "loot";
    ix.parts = {schema::IndexPart{"v"}};
    ix.where = "v > 0; DROP TABLE victim";
    s.indexes.push_back(ix);
  });
  add("index expression", [&](auto& s, auto&) {
    schema::Index ix;
    ix.name = "loot_e";
    ix.table = "loot";
    schema::IndexPart p;
    p.expr = "(v)); DROP TABLE victim; --";
    ix.parts = {p};
    s.indexes.push_back(ix);
  });
  add("index method", [&](auto& s, auto&) {
    schema::Index ix;
    ix.name = "loot_m";
    ix.table = "loot";
    ix.parts = {schema::IndexPart{"v"}};
    ix.method = "btree (v); DROP TABLE victim; --";
    s.indexes.push_back(ix);
  });
  add("identity options", [&](auto&, auto& t) {
    t.columns[0].identity = schema::Identity::by_default;
    t.columns[0].identity_options = "START WITH 1); DROP TABLE victim; --";
  });
  add("sequence options", [&](auto& s, auto&) { s.sequences.push_back({"", "s1", "START 1; DROP TABLE victim"}); });
  add("domain check", [&](auto& s, auto&) {
    schema::Domain dm;
    dm.name = "posint";
    dm.type.name = "integer";
    dm.checks.push_back({"", "VALUE > 0); DROP TABLE victim; --"});
    s.domains.push_back(dm);
  });
  add("table option", [&](auto&, auto& t) {
    t.options["partition_by"] = "RANGE (id); DROP TABLE victim";
    t.options["ENGINE"] = "InnoDB; DROP TABLE victim";
  });
  add("extension dblink", [&](auto& s, auto&) { s.extensions.push_back({"dblink", ""}); });
  add("extension name with SQL", [&](auto& s, auto&) { s.extensions.push_back({"pg_trgm; DROP TABLE victim", ""}); });
  add("raw statement", [&](auto& s, auto&) { s.raw.push_back({"function", "f", "DROP TABLE victim", {}}); });
  add("view", [&](auto& s, auto&) {
    schema::View v;
    v.name = "vw";
    v.query = "SELECT 1; DROP TABLE victim";
    s.views.push_back(v);
  });
  add("type name", [&](auto&, auto& t) { col(t).type.name = "integer); DROP TABLE victim; --"; });
  add("type modifier", [&](auto&, auto& t) {
    col(t).type.name = "varchar";
    col(t).type.args = {"10); DROP TABLE victim; --"};
  });
  add("type with a constraint", [&](auto&, auto& t) { col(t).type.name = "integer references victim on delete cascade"; });
  add("character set", [&](auto&, auto& t) {
    col(t).type.name = "varchar";
    col(t).type.args = {"10"};
    col(t).type.charset = "utf8mb4; DROP TABLE victim";
  });
  add("collation", [&](auto&, auto& t) { col(t).collation = "C\"; DROP TABLE victim; --"; });
  add("on update", [&](auto&, auto& t) { col(t).on_update = "CURRENT_TIMESTAMP; DROP TABLE victim"; });
  add("column name with quotes", [&](auto&, auto& t) { col(t).name = "v\"`]; DROP TABLE victim; --"; });
  add("table name with quotes", [&](auto&, auto& t) { t.name = "loot\"`]; DROP TABLE victim; --"; });
  add("foreign key target", [&](auto&, auto& t) {
    t.foreign_keys.push_back({"", {"v"}, "", "victim\" (id) ON DELETE CASCADE; DROP TABLE victim; --", {"id"}});
  });
  add("enum value", [&](auto& s, auto& t) {
    if (d == Dialect::postgresql) {
      s.enums.push_back({"", "flash_mood", {"a'); DROP TABLE victim; --"}, {}});
      col(t).type.name = "flash_mood";
    } else {
      col(t).type.name = "enum";
      col(t).type.values = {"a'); DROP TABLE victim; --"};
    }
  });
  add("constraint name", [&](auto&, auto& t) { t.primary_key->name = "pk\"; DROP TABLE victim; --"; });
  return out;
}

// Writes a JSON export holding `model` and one row (1, 7) of its first table.
fs::path write_export(const fs::path& dir, const Crafted& c, int n) {
  const auto& t = c.model.tables.at(0);
  nlohmann::json doc = {{"version", 1},
                        {"dialect", std::string(schema::to_string(c.model.dialect))},
                        {"schema", schema::to_json(c.model)}};
  nlohmann::json cols = nlohmann::json::array();
  nlohmann::json row = nlohmann::json::array();
  for (const auto& col : t.columns) {
    if (col.generated != schema::GeneratedKind::none) continue;
    cols.push_back(col.name);
    row.push_back(col.name == "id" ? 1 : 7);
  }
  doc["tables"] = {{schema::qualified(t.schema, t.name), {{"columns", cols}, {"rows", {row}}}}};
  const fs::path p = dir / ("crafted" + std::to_string(n) + ".json");
  std::ofstream(p) << doc.dump();
  return p;
}

void crafted_import(Dialect d) {
  auto db = TestDb::create(d);
  if (!db) GTEST_SKIP() << "server URL for " << schema::to_string(d) << " not set";
  TempDir files;
  auto c = db->connect();
  make_victim(*c);
  const auto cases = crafted(d);
  ASSERT_GE(cases.size(), 20u);
  int tried = 0, succeeded = 0, notes = 0;
  for (const auto& cs : cases) {
    const fs::path p = write_export(files.path, cs, tried++);
    std::vector<std::string> dropped;
    ImportOptions o{p, {}, [&](const std::string& w) { dropped.push_back(w); }};
    const auto start = Clock::now();
    try {
      import_data(*c, o);
    } catch (const diag::Error&) {
    } catch (const driver::DbError&) {
    }
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    bool harmed = !victim_intact(*c) || secs > 2.5;
    if (d == Dialect::postgresql)
      harmed = harmed || count(*c, "SELECT COUNT(*) FROM pg_extension WHERE extname <> 'plpgsql'") > 0;
    if (harmed) {
      ++succeeded;
      ADD_FAILURE() << cs.what << ": harm done on " << schema::to_string(d);
      c->execute("DROP TABLE IF EXISTS victim");
      make_victim(*c);
    }
    if (!dropped.empty()) ++notes;
    // The next case starts from scratch.
    for (const auto& t : cs.model.tables) {
      try {
        c->execute("DROP TABLE IF EXISTS " + schema::quote_ident(t.name, d));
      } catch (const driver::DbError&) {
      }
    }
    if (d == Dialect::postgresql) c->execute("DROP TYPE IF EXISTS flash_mood");
  }
  std::printf("RELIABILITY injection import-file %s tried=%d succeeded=%d reported_dropped=%d\n",
              std::string(schema::to_string(d)).c_str(), tried, succeeded, notes);
  EXPECT_EQ(succeeded, 0);
  EXPECT_GE(notes, 15);  // most cases say what import left out
}

TEST(ImportInjection, CraftedExportsPostgres) { crafted_import(Dialect::postgresql); }
TEST(ImportInjection, CraftedExportsMysql) { crafted_import(Dialect::mysql); }
TEST(ImportInjection, CraftedExportsSqlite) { crafted_import(Dialect::sqlite); }

// What sanitising keeps: a plain same-engine export still recreates its defaults, checks and
// indexes, checked in the engine's catalog.
TEST(ImportInjection, SafePartsAreKeptPostgres) {
  REQUIRE_DB(db, Dialect::postgresql);
  REQUIRE_DB(dst, Dialect::postgresql);
  TempDir files;
  const char* ddl =
      "CREATE TABLE things (id SERIAL PRIMARY KEY, status VARCHAR(10) NOT NULL DEFAULT 'new', "
      "made TIMESTAMPTZ NOT NULL DEFAULT now(), price NUMERIC(10,2) CHECK (price >= 0), "
      "uid UUID DEFAULT gen_random_uuid());\nCREATE INDEX things_status ON things (status);";
  const auto model = parse(ddl, Dialect::postgresql);
  auto src = db->connect();
  run_script(*src, ddl);
  src->execute("INSERT INTO things (price) VALUES (1.5)");
  ExportOptions eo;
  eo.path = files.path / "things.json";
  export_data(*src, model, eo);
  auto c = dst->connect();
  std::vector<std::string> dropped;
  import_data(*c, {eo.path, {}, [&](const std::string& w) { dropped.push_back(w); }});
  EXPECT_TRUE(dropped.empty()) << dropped.front();
  EXPECT_EQ(count(*c, "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'things' AND "
                      "column_default IS NOT NULL"), 4);  // serial, status, made, uid
  EXPECT_EQ(count(*c, "SELECT COUNT(*) FROM pg_constraint WHERE conrelid = 'things'::regclass AND contype = 'c'"), 1);
  EXPECT_EQ(count(*c, "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'things_status'"), 1);
  c->execute("INSERT INTO things (price) VALUES (2)");  // the sequence continues after the import
  EXPECT_EQ(count(*c, "SELECT MAX(id) FROM things"), 2);
}

// ---- file errors -----------------------------------------------------------------------------

TEST(ImportFile, BadVersionIsLocated) {
  TempDir files;
  const fs::path p = files.path / "bad.json";
  std::ofstream(p) << "{\n  \"version\": \"one\",\n  \"dialect\": \"sqlite\",\n  \"schema\": {},\n  \"tables\": {}\n}\n";
  auto db = TestDb::create(Dialect::sqlite);
  auto c = db->connect();
  try {
    import_data(*c, {p, {}});
    FAIL();
  } catch (const diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "import.format");
    EXPECT_NE(e.diagnostic().message.find("version \"one\""), std::string::npos) << e.diagnostic().message;
    EXPECT_EQ(e.diagnostic().location.line, 2);
    EXPECT_EQ(e.diagnostic().location.column, 14);
    EXPECT_EQ(std::string(e.what()).find("stoi"), std::string::npos);
  }
}

TEST(ImportFile, JsonErrorsAreDiagnosticsWithLineAndColumn) {
  TempDir files;
  auto db = TestDb::create(Dialect::sqlite);
  auto c = db->connect();
  const std::string t = schema::to_json(parse("CREATE TABLE t (a INTEGER);", Dialect::sqlite)).dump();
  const std::vector<std::string> bad = {
      "{\"version\": 1, \"schema\": {\"tables\": 5}, \"tables\": {}}",
      "{\"version\": 1,\n \"schema\": " + t + ", \"tables\": {\"t\": {\"columns\": [\"a\"], \"rows\": [[1,]]}}}",
      "{\"version\": 1, \"schema\": " + t + ", \"tables\": {\"t\": {\"columns\": [\"a\"], \"rows\": [[tru]]}}}",
      "{\"version\": 1, \"schema\": {}, \"tables\": {\"t\": {\"columns\": [\"a\"], \"rows\": []}}}",
      "{\"version\": 1, \"schema\": {\"tables\": [{\"name\": 5}]}, \"tables\": {}}",
      "{\"version\": 1, \"schema\": {}, \"dialect\": 7, \"tables\": {}}",
      "{\"version\": 1e400, \"schema\": {}}",
      "[1, 2]",
      "{\"version\": 1, \"schema\": " + t + ", \"tables\": {\"t\": {\"columns\": [\"a\"], \"rows\": [[\"\\ud800\"]]}}}",
  };
  int n = 0;
  for (const auto& text : bad) {
    const fs::path p = files.path / ("bad" + std::to_string(n++) + ".json");
    std::ofstream(p) << text;
    try {
      import_data(*c, {p, {}});
      ADD_FAILURE() << "accepted: " << text;
    } catch (const diag::Error& e) {
      EXPECT_EQ(std::string(e.what()).find("json.exception"), std::string::npos) << e.what();
      EXPECT_EQ(e.diagnostic().message.find("json.exception"), std::string::npos) << e.diagnostic().message;
      EXPECT_FALSE(e.diagnostic().location.file.empty()) << text << " → " << e.diagnostic().message;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a diagnostic for " << text << ": " << e.what();
    }
  }
}

TEST(ImportFile, CsvFileOutsideTheDirectoryIsRefused) {
  TempDir files;
  fs::create_directories(files.path / "exp");
  std::ofstream(files.path / "secret.csv") << "id\r\n42\r\n";
  const auto model = parse("CREATE TABLE t (id INTEGER PRIMARY KEY);", Dialect::sqlite);
  nlohmann::json meta = {{"version", 1}, {"dialect", "sqlite"}, {"schema", schema::to_json(model)},
                         {"tables", {{{"name", "t"}, {"file", "../secret.csv"}, {"columns", {"id"}}}}}};
  std::ofstream(files.path / "exp" / "schema.json") << meta.dump();
  auto db = TestDb::create(Dialect::sqlite);
  auto c = db->connect();
  try {
    import_data(*c, {files.path / "exp", {}});
    FAIL();
  } catch (const diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "import.format");
  }
}

TEST(ExportFile, NoAbsolutePathsOfSchemaFiles) {
  REQUIRE_DB(db, Dialect::sqlite);
  TempDir files;
  diag::Diagnostics diags;
  const std::string schema_path = (files.path / "home" / "someone" / "schema.sql").string();
  auto model = sql::parse_schema({sql::SourceFile{schema_path, "CREATE TABLE t (id INTEGER PRIMARY KEY);"}},
                                 Dialect::sqlite, diags);
  ASSERT_FALSE(model.tables.empty());
  ASSERT_EQ(model.tables[0].loc.file, schema_path);  // the model does know it
  auto c = db->connect();
  c->execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
  for (Format f : {Format::json, Format::csv, Format::sqlite}) {
    ExportOptions o;
    o.format = f;
    o.path = files.path / ("out_" + std::string(to_string(f)));
    export_data(*c, model, o);
    std::string all;
    if (fs::is_directory(o.path)) {
      for (const auto& e : fs::directory_iterator(o.path)) all += util::read_file(e.path());
    } else {
      all = util::read_file(o.path);
    }
    EXPECT_EQ(all.find("someone"), std::string::npos) << to_string(f);
  }
}

}  // namespace
}  // namespace flash::exporter

// Schema files → `flash migrate init` → `flash apply` into an empty database F, compared with the
// database N the engine's own client (psql / mariadb) builds from the same files, through the
// engine's catalogs: sequences (pg_sequences and their OWNED BY column), columns (format_type,
// NOT NULL, default), constraints, indexes, views, functions, triggers. Then `flash migrate`
// must report no changes. Skipped without FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL, psql /
// mariadb or the built binary.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <unistd.h>

#include "flash/util/text.hpp"
#include "support/flash_run.hpp"

namespace {

namespace fs = std::filesystem;
using flash::test::shell_quote;
using flash::test::TempDir;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs a shell command; returns its exit code, stdout+stderr in `out`.
int sh(const std::string& cmd, std::string& out) {
  TempDir d("flash-live");
  const fs::path o = d.path() / "out";
  const int st = std::system((cmd + " > " + shell_quote(o.string()) + " 2>&1").c_str());
  out = slurp(o);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

std::string unique_name(const std::string& prefix) {
  static std::atomic<int> n{0};
  return prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(n++);
}

// postgres://u:p@h:port/db → the same URL naming database `db`.
std::string with_database(const std::string& url, const std::string& db) {
  const auto slash = url.rfind('/');
  std::string out = url.substr(0, slash + 1) + db;
  return out;
}

bool have(const char* tool) {
  std::string out;
  return sh(std::string("command -v ") + tool, out) == 0;
}

// ---- PostgreSQL --------------------------------------------------------------------------------

struct PgDb {
  std::string admin_url, name, url;
  PgDb(std::string admin, std::string n) : admin_url(std::move(admin)), name(std::move(n)) {
    url = with_database(admin_url, name);
    std::string out;
    sh("psql -X -q " + shell_quote(admin_url) + " -c " + shell_quote("DROP DATABASE IF EXISTS " + name) + " -c " +
           shell_quote("CREATE DATABASE " + name),
       out);
  }
  ~PgDb() {
    std::string out;
    sh("psql -X -q " + shell_quote(admin_url) + " -c " + shell_quote("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"),
       out);
  }
  // psql -f: the engine's own client loads the file (stops at the first error).
  std::string load(const fs::path& file) const {
    std::string out;
    const int rc = sh("psql -X -q -v ON_ERROR_STOP=1 " + shell_quote(url) + " -f " + shell_quote(file.string()), out);
    return rc == 0 ? "" : "psql failed: " + out;
  }
  std::string query(const std::string& sql) const {
    std::string out;
    sh("psql -X -q -At -F '|' " + shell_quote(url) + " -c " + shell_quote(sql), out);
    return out;
  }
};

// What the catalogs say about the user's objects, one line per fact, sorted.
std::string pg_catalog_snapshot(const PgDb& db) {
  const std::string user_ns = "n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg\\_%'";
  std::string s;
  s += "-- sequences\n" + db.query(
      "SELECT schemaname, sequencename, data_type, start_value, min_value, max_value, increment_by, cycle, cache_size, "
      "(SELECT d.refobjid::regclass || '.' || a.attname FROM pg_depend d JOIN pg_attribute a ON a.attrelid = "
      "d.refobjid AND a.attnum = d.refobjsubid WHERE d.classid = 'pg_class'::regclass AND d.objid = (quote_ident("
      "schemaname) || '.' || quote_ident(sequencename))::regclass AND d.deptype IN ('a', 'i')) FROM pg_sequences "
      "ORDER BY 1, 2");
  s += "-- columns\n" + db.query(
      "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, "
      "d.adrelid), a.attidentity, a.attgenerated FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN "
      "pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = "
      "a.attnum WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm') AND c.relname <> "
      "'_flash_migrations' AND " + user_ns +
      " ORDER BY 1, 2");
  s += "-- constraints\n" + db.query(
      "SELECT c.conrelid::regclass::text AS t, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN "
      "pg_namespace n ON n.oid = c.connamespace WHERE c.conrelid::regclass::text <> '_flash_migrations' AND " + user_ns +
      " ORDER BY 1, 2, 3");
  s += "-- indexes\n" + db.query(
      "SELECT indexdef FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog','information_schema') AND tablename <> "
      "'_flash_migrations' ORDER BY 1");
  s += "-- views\n" + db.query(
      "SELECT c.relname, pg_get_viewdef(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
      "c.relkind IN ('v', 'm') AND " + user_ns + " ORDER BY 1");
  s += "-- functions\n" + db.query(
      "SELECT p.proname, pg_get_function_identity_arguments(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = "
      "p.pronamespace WHERE " + user_ns + " ORDER BY 1, 2");
  s += "-- types\n" + db.query(
      "SELECT t.typname, t.typtype, format_type(t.typbasetype, t.typtypmod) FROM pg_type t JOIN pg_namespace n ON "
      "n.oid = t.typnamespace WHERE t.typtype IN ('e', 'd') AND " + user_ns + " ORDER BY 1");
  s += "-- triggers\n" + db.query("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1");
  return s;
}

struct FlashProject {
  TempDir dir{"flash-live-proj"};
  explicit FlashProject(const std::string& provider, const std::string& schema_sql) {
    dir.write("flash.toml", "version = \"2\"\nschema_dir = \"db/schema\"\nmigrations_path = \"db/migrations\"\n"
                            "[database]\nprovider = \"" + provider + "\"\n");
    dir.write("db/schema/schema.sql", schema_sql);
    fs::create_directories(dir.path() / "db/migrations");
  }
  flash::test::FlashRun run(const std::vector<std::string>& args, const std::string& url) const {
    return flash::test::run_flash(FLASH_BINARY, args, dir.path(), "-u NO_COLOR DATABASE_URL=" + shell_quote(url));
  }
  std::string migration_text() const {
    std::string all;
    for (const auto& e : fs::directory_iterator(dir.path() / "db/migrations"))
      if (e.is_regular_file() && e.path().extension() == ".sql") all += slurp(e.path());
    return all;
  }
};

const char* pg_url() {
  const char* u = std::getenv("FLASH_TEST_PG_URL");
  return u && *u ? u : nullptr;
}

#define REQUIRE_PG()                                                                   \
  if (!pg_url()) GTEST_SKIP() << "FLASH_TEST_PG_URL not set";                          \
  if (!have("psql")) GTEST_SKIP() << "psql not installed";                             \
  if (!fs::exists(FLASH_BINARY)) GTEST_SKIP() << "flash binary not built"

// N (psql) and F (flash migrate init + apply) from the same file; returns F's snapshot, and
// fails the test when they differ or when `flash migrate` afterwards finds changes.
struct PgComparison {
  std::string native, flash, migration;
};
PgComparison compare_pg(const std::string& schema_sql) {
  PgComparison r;
  PgDb n(pg_url(), unique_name("flash_live_n"));
  PgDb f(pg_url(), unique_name("flash_live_f"));
  TempDir tmp("flash-live-src");
  tmp.write("schema.sql", schema_sql);
  const std::string loaded = n.load(tmp.path() / "schema.sql");
  EXPECT_EQ(loaded, "") << "the engine's own client must accept the schema";
  FlashProject p("postgresql", schema_sql);
  auto init = p.run({"migrate", "init"}, f.url);
  EXPECT_EQ(init.code, 0) << init.out << init.err;
  r.migration = p.migration_text();
  auto apply = p.run({"apply"}, f.url);
  EXPECT_EQ(apply.code, 0) << apply.out << apply.err << "\n" << r.migration;
  auto again = p.run({"migrate", "again"}, f.url);
  EXPECT_EQ(again.code, 0) << again.out << again.err;
  EXPECT_NE((again.out + again.err).find("No changes"), std::string::npos) << again.out << again.err;
  r.native = pg_catalog_snapshot(n);
  r.flash = pg_catalog_snapshot(f);
  EXPECT_EQ(r.native, r.flash) << "catalogs differ between psql's load (left) and flash's migration (right)\n"
                               << r.migration;
  return r;
}

// ---- sequences ----------------------------------------------------------------------------------

// pg_dump's spelling: stand-alone sequences with every option, OWNED BY after the table, nextval
// defaults set by ALTER TABLE, a sequence shared by two tables and one with non-default options.
TEST(LiveCatalog, PgDumpSequencesAreCreatedOwnedAndReferenced) {
  REQUIRE_PG();
  const auto r = compare_pg(R"sql(
SET default_tablespace = '';
CREATE SEQUENCE "public"."actions_id_seq"
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
CREATE TABLE "public"."actions" (
    "id" integer NOT NULL,
    "project_id" integer NOT NULL
);
ALTER SEQUENCE "public"."actions_id_seq" OWNED BY "public"."actions"."id";
ALTER TABLE ONLY "public"."actions" ALTER COLUMN "id" SET DEFAULT "nextval"('"public"."actions_id_seq"'::"regclass");
CREATE SEQUENCE shared_ids START WITH 1000 INCREMENT BY 10 MAXVALUE 99999 CACHE 20 CYCLE;
CREATE SEQUENCE down_seq INCREMENT BY -1;
CREATE TABLE a (id bigint DEFAULT nextval('shared_ids') PRIMARY KEY);
CREATE TABLE b (id bigint DEFAULT nextval('shared_ids'::regclass) PRIMARY KEY, n int DEFAULT nextval('down_seq'));
)sql");
  EXPECT_NE(r.flash.find("actions_id_seq|integer|1|1|2147483647|1|f|1|actions.id"), std::string::npos) << r.flash;
  EXPECT_NE(r.flash.find("shared_ids|bigint|1000|1|99999|10|t|20|"), std::string::npos) << r.flash;
  EXPECT_NE(r.flash.find("down_seq|bigint|-1|-9223372036854775808|-1|-1|f|1|"), std::string::npos) << r.flash;
}

// ---- bpchar -------------------------------------------------------------------------------------

// char / character alone are char(1); bpchar alone is blank-padded text without a limit;
// "char" is the one-byte internal type. format_type must come back the same from flash's DDL.
TEST(LiveCatalog, BpcharWithoutLengthStaysUnlimited) {
  REQUIRE_PG();
  const auto r = compare_pg(R"sql(
CREATE TABLE t (
  a bpchar,
  b character,
  c char,
  d char(3),
  e bpchar(4),
  f "char",
  g pg_catalog.bpchar,
  h character(2)[]
);
CREATE DOMAIN code AS bpchar;
)sql");
  EXPECT_NE(r.flash.find("t|a|bpchar|"), std::string::npos) << r.flash;
  EXPECT_NE(r.flash.find("t|b|character(1)|"), std::string::npos) << r.flash;
  EXPECT_NE(r.flash.find("t|f|\"char\"|"), std::string::npos) << r.flash;
  EXPECT_NE(r.flash.find("t|g|bpchar|"), std::string::npos) << r.flash;
}

// ---- dependency order ---------------------------------------------------------------------------

// Written in an order psql accepts only because each statement comes after what it uses:
// a function called by a default and a generated column, a domain over an enum checked by a
// function, a foreign key on a unique index (not a constraint), a view calling a function, a
// view on a view declared before it in the file would not load; a SQL function reading a table.
TEST(LiveCatalog, ObjectsAreCreatedInDependencyOrder) {
  REQUIRE_PG();
  const auto r = compare_pg(R"sql(
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE FUNCTION is_positive(n integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT n > 0 $$;
CREATE DOMAIN positive AS integer CHECK (is_positive(VALUE));
CREATE DOMAIN feeling AS mood DEFAULT 'ok';
CREATE FUNCTION new_code() RETURNS text LANGUAGE plpgsql AS $$ BEGIN RETURN md5(random()::text); END $$;
CREATE FUNCTION twice(n integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT n * 2 $$;
CREATE TABLE account (
  id serial PRIMARY KEY,
  code text NOT NULL DEFAULT new_code(),
  n positive,
  doubled integer GENERATED ALWAYS AS (twice(n)) STORED,
  f feeling
);
CREATE UNIQUE INDEX account_code_idx ON account (code);
CREATE TABLE payment (id serial PRIMARY KEY, account_code text REFERENCES account (code));
CREATE FUNCTION account_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM account $$;
CREATE VIEW counted AS SELECT account_count() AS n;
CREATE VIEW counted_twice AS SELECT twice(n::integer) AS n FROM counted;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER payment_touch BEFORE UPDATE ON payment FOR EACH ROW EXECUTE FUNCTION touch();
)sql");
  // Up: the functions before the table that calls them, the index before the foreign key.
  const auto& m = r.migration;
  EXPECT_LT(m.find("CREATE FUNCTION new_code"), m.find("CREATE TABLE account")) << m;
  EXPECT_LT(m.find("CREATE UNIQUE INDEX account_code_idx"), m.find("REFERENCES account")) << m;
}

// ---- INHERITS -----------------------------------------------------------------------------------

// pg_dump writes an INHERITS child's own default and primary key on an inherited column with
// ALTER TABLE ONLY child ...: the parser must see the parent's columns.
TEST(LiveCatalog, AlterTableOnInheritedColumns) {
  REQUIRE_PG();
  compare_pg(R"sql(
CREATE SEQUENCE item_id_seq AS integer;
CREATE TABLE item (id integer NOT NULL, name text);
CREATE TABLE book (isbn text) INHERITS (item);
ALTER TABLE ONLY item ALTER COLUMN id SET DEFAULT nextval('item_id_seq'::regclass);
ALTER TABLE ONLY book ALTER COLUMN id SET DEFAULT nextval('item_id_seq'::regclass);
ALTER TABLE ONLY book ADD CONSTRAINT book_pkey PRIMARY KEY (id);
ALTER TABLE IF EXISTS missing_parent ATTACH PARTITION book FOR VALUES IN (1);
)sql");
}

// ---- real-world pg_dump schemas from the shared corpus -------------------------------------------

fs::path corpus(const std::string& rel) { return fs::path(FLASH_CORPUS_DIR) / rel; }

TEST(LiveCatalog, CorpusPgDumpSchemasMigrateLikePsqlLoadsThem) {
  REQUIRE_PG();
  const std::vector<std::string> cases = {"kanboard/schema-dumps/postgres.sql",
                                          "concourse/migrations/1510262030_initial_schema.up.sql",
                                          "pagila/postgresql-2024/schema.sql"};
  int same = 0, ran = 0;
  for (const auto& c : cases) {
    if (!fs::exists(corpus(c))) continue;
    SCOPED_TRACE(c);
    ++ran;
    const int before = ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count();
    // Ownership is not schema: pg_dump's ALTER ... OWNER TO postgres fails for the test user, who
    // is not a member of that role, in psql and in flash alike.
    std::string text;
    for (const auto& line : flash::util::split(slurp(corpus(c)), '\n'))
      if (line.find(" OWNER TO ") == std::string::npos) text += line + "\n";
    compare_pg(text);
    const auto* res = ::testing::UnitTest::GetInstance()->current_test_info()->result();
    bool failed = false;
    for (int i = before; i < res->total_part_count(); ++i) failed = failed || res->GetTestPartResult(i).failed();
    same += failed ? 0 : 1;
    std::cout << "live catalog " << c << ": " << (failed ? "DIFFERENT" : "same as psql") << "\n";
  }
  if (ran == 0) GTEST_SKIP() << "corpus not found";
  std::cout << "live catalog: " << same << " of " << ran << " pg_dump-style corpus schemas equal psql's load\n";
}

// ---- MySQL: index names are per table -----------------------------------------------------------

const char* my_url() {
  const char* u = std::getenv("FLASH_TEST_MYSQL_URL");
  return u && *u ? u : nullptr;
}

TEST(LiveCatalog, MysqlSameIndexNameOnTwoTablesIsStable) {
  if (!my_url()) GTEST_SKIP() << "FLASH_TEST_MYSQL_URL not set";
  if (!fs::exists(FLASH_BINARY)) GTEST_SKIP() << "flash binary not built";
  // mysql://u:p@h:port/db → a fresh database for this test.
  const std::string url = my_url();
  const std::string db = unique_name("flash_live_my");
  const std::string f_url = with_database(url, db);
  const std::string schema = R"sql(
CREATE TABLE project (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(50));
CREATE TABLE task (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, project_id int NOT NULL, KEY project_id (project_id));
CREATE TABLE comment (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, project_id int NOT NULL, KEY project_id (project_id));
)sql";
  // The database is created and dropped with flash's own URL through the mariadb client.
  const auto at = url.find("://") + 3, colon = url.find(':', at), atsign = url.find('@', at);
  const auto hostport = url.substr(atsign + 1, url.rfind('/') - atsign - 1);
  const auto pcolon = hostport.find(':');
  const std::string client = "mariadb -u" + url.substr(at, colon - at) + " -p" + url.substr(colon + 1, atsign - colon - 1) +
                             " -h" + hostport.substr(0, pcolon) + " -P" + hostport.substr(pcolon + 1);
  if (!have("mariadb")) GTEST_SKIP() << "mariadb client not installed";
  std::string out;
  ASSERT_EQ(sh(client + " -e " + shell_quote("CREATE DATABASE " + db), out), 0) << out;
  FlashProject p("mysql", schema);
  auto init = p.run({"migrate", "init"}, f_url);
  EXPECT_EQ(init.code, 0) << init.out << init.err;
  auto apply = p.run({"apply"}, f_url);
  EXPECT_EQ(apply.code, 0) << apply.out << apply.err;
  auto again = p.run({"migrate", "again"}, f_url);
  EXPECT_EQ(again.code, 0) << again.out << again.err;
  EXPECT_NE((again.out + again.err).find("No changes"), std::string::npos) << again.out << again.err << p.migration_text();
  // The server holds both indexes, one per table.
  sh(client + " -N -e " +
         shell_quote("SELECT table_name, index_name FROM information_schema.statistics WHERE table_schema = '" + db +
                     "' AND index_name = 'project_id' ORDER BY 1"),
     out);
  EXPECT_EQ(out, "comment\tproject_id\ntask\tproject_id\n");
  sh(client + " -e " + shell_quote("DROP DATABASE " + db), out);
}

}  // namespace

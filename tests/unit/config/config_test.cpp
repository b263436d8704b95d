#include <gtest/gtest.h>

#include "flash/config/config.hpp"
#include "flash/config/sql_files.hpp"
#include "temp_project.hpp"

using flash::config::Config;
using flash::config::LoadOptions;
using flash::config::load_config;
using flash::schema::Dialect;
using flash::test::ScopedEnv;
using flash::test::TempProject;

namespace {

Config load(const TempProject& p, std::optional<std::string> db = std::nullopt) {
  LoadOptions o;
  o.config_file = p.root() / "flash.toml";
  o.database = std::move(db);
  return load_config(o);
}

// The diagnostics of a config that must fail to load.
flash::diag::Diagnostics load_errors(const TempProject& p, std::optional<std::string> db = std::nullopt) {
  try {
    load(p, std::move(db));
  } catch (const flash::diag::Errors& e) {
    return e.diagnostics();
  } catch (const flash::diag::Error& e) {
    return {e.diagnostic()};
  }
  ADD_FAILURE() << "expected the config to be rejected";
  return {};
}

}  // namespace

TEST(Config, DefaultsForMinimalFile) {
  TempProject p;
  p.write("flash.toml", "");
  auto c = load(p);
  EXPECT_EQ(c.version, "2");
  EXPECT_EQ(c.schema_dir, "db/schema");
  EXPECT_EQ(c.queries, "db/queries");
  EXPECT_EQ(c.migrations_path, "db/migrations");
  EXPECT_EQ(c.export_path, "db/export");
  EXPECT_EQ(c.provider, Dialect::sqlite);
  EXPECT_EQ(c.url_env, "DATABASE_URL");
  EXPECT_TRUE(c.gen.empty());
  EXPECT_TRUE(c.databases.empty());
  EXPECT_EQ(c.selected_database, "");
  EXPECT_EQ(c.root, std::filesystem::path(p.root()).lexically_normal());
  EXPECT_EQ(c.resolve("db/schema"), c.root / "db/schema");
}

TEST(Config, EveryKey) {
  TempProject p;
  p.write("flash.toml", R"(version = "2"
schema_dir = "sql/schema"
queries = "sql/queries/"
migrations_path = "sql/migrations"
export_path = "out/export"
env_path = "config/app.env"

[database]
provider = "postgresql"
url_env = "APP_DB_URL"

[gen.go]
enabled = true
out = "internal/db"
driver = "pgx/v5"
package = "db"
null_style = "sql"
json_tags = false
prepare = true

[gen.js]
enabled = false
out = "web/db"
driver = "pg"
async = true
module = "commonjs"
bigint = "number"
emit = "ts"

[gen.python]
enabled = true
out = "py/db"
driver = "asyncpg"
async = true
)");
  p.write("config/app.env", "");
  auto c = load(p);
  EXPECT_EQ(c.schema_dir, "sql/schema");
  EXPECT_EQ(c.queries, "sql/queries/");
  EXPECT_EQ(c.migrations_path, "sql/migrations");
  EXPECT_EQ(c.export_path, "out/export");
  EXPECT_EQ(c.env_path, "config/app.env");
  EXPECT_EQ(c.provider, Dialect::postgresql);
  EXPECT_EQ(c.url_env, "APP_DB_URL");
  ASSERT_EQ(c.gen.size(), 3u);
  const auto& go = c.gen[0];
  EXPECT_EQ(go.language, "go");
  EXPECT_TRUE(go.enabled);
  EXPECT_EQ(go.out, "internal/db");
  EXPECT_EQ(go.driver, "pgx/v5");
  EXPECT_FALSE(go.async);
  EXPECT_EQ(std::get<std::string>(go.settings.at("package")), "db");
  EXPECT_EQ(std::get<std::string>(go.settings.at("null_style")), "sql");
  EXPECT_EQ(std::get<bool>(go.settings.at("json_tags")), false);
  EXPECT_EQ(std::get<bool>(go.settings.at("prepare")), true);
  EXPECT_EQ(std::get<std::string>(c.gen[1].settings.at("module")), "commonjs");
  EXPECT_EQ(c.gen[1].language, "js");
  EXPECT_FALSE(c.gen[1].enabled);
  EXPECT_TRUE(c.gen[1].async);
  EXPECT_EQ(c.gen[2].language, "python");
  EXPECT_EQ(c.gen[2].driver, "asyncpg");
}

TEST(Config, ProviderAliases) {
  for (auto [text, want] : std::vector<std::pair<std::string, Dialect>>{
           {"postgres", Dialect::postgresql}, {"mariadb", Dialect::mysql},
           {"MySQL", Dialect::mysql},         {"sqlite3", Dialect::sqlite},
           {"mongodb", Dialect::mongodb}}) {
    TempProject p;
    p.write("flash.toml", "[database]\nprovider = \"" + text + "\"\n");
    EXPECT_EQ(load(p).provider, want) << text;
  }
}

TEST(Config, LegacySchemaPathAndIntegerVersion) {
  TempProject p;
  p.write("flash.toml", "version = 2\nschema_path = \"db/schema.sql\"\n");
  auto c = load(p);
  EXPECT_EQ(c.version, "2");
  EXPECT_EQ(c.schema_dir, "db/schema.sql");

  TempProject both;
  both.write("flash.toml", "schema_path = \"old.sql\"\nschema_dir = \"new\"\n");
  EXPECT_EQ(load(both).schema_dir, "new");
}

TEST(Config, UnknownKeyIsLocatedWithSuggestion) {
  TempProject p;
  p.write("flash.toml", "version = \"2\"\nshema_dir = \"db/schema\"\n");
  auto diags = load_errors(p);
  ASSERT_EQ(diags.size(), 1u);
  const auto& d = diags[0];
  EXPECT_EQ(d.code, "config.unknown-key");
  EXPECT_NE(d.message.find("shema_dir"), std::string::npos);
  EXPECT_EQ(d.location.line, 2);
  EXPECT_EQ(d.location.column, 1);
  EXPECT_EQ(d.location.length, 9);
  EXPECT_EQ(d.source_line, "shema_dir = \"db/schema\"");
  EXPECT_NE(d.location.file.find("flash.toml"), std::string::npos);
  ASSERT_TRUE(d.hint);
  EXPECT_EQ(*d.hint, "did you mean `schema_dir`?");
}

TEST(Config, UnknownKeysInSubtables) {
  TempProject p;
  p.write("flash.toml",
          "[database]\nprovider = \"sqlite\"\nurl_evn = \"X\"\n\n[gen.go]\nenabled = true\n"
          "\n[gen.rust]\nenabled = true\n\n[[databases]]\nname = \"a\"\nquries = \"q\"\n");
  auto diags = load_errors(p);
  ASSERT_EQ(diags.size(), 3u);
  EXPECT_EQ(diags[0].location.line, 3);
  EXPECT_EQ(*diags[0].hint, "did you mean `url_env`?");
  EXPECT_NE(diags[1].message.find("gen.rust"), std::string::npos);
  EXPECT_EQ(diags[1].location.line, 8);
  EXPECT_EQ(diags[2].location.line, 13);
  EXPECT_EQ(*diags[2].hint, "did you mean `queries`?");
}

TEST(Config, WrongTypeIsLocated) {
  TempProject p;
  p.write("flash.toml", "version = \"2\"\nmigrations_path = 42\n[gen.go]\nenabled = \"yes\"\n");
  auto diags = load_errors(p);
  ASSERT_EQ(diags.size(), 2u);
  EXPECT_EQ(diags[0].code, "config.type");
  EXPECT_EQ(diags[0].location.line, 2);
  EXPECT_EQ(diags[0].location.column, 19);
  EXPECT_NE(diags[0].message.find("migrations_path"), std::string::npos);
  EXPECT_NE(diags[0].message.find("must be a string"), std::string::npos);
  EXPECT_NE(diags[0].message.find("integer"), std::string::npos);
  EXPECT_EQ(diags[1].location.line, 4);
  EXPECT_EQ(diags[1].location.column, 11);
  EXPECT_NE(diags[1].message.find("boolean"), std::string::npos);
}

TEST(Config, BadProviderWithHint) {
  TempProject p;
  p.write("flash.toml", "[database]\nprovider = \"postgress\"\n");
  auto diags = load_errors(p);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, "config.provider");
  EXPECT_EQ(diags[0].location.line, 2);
  EXPECT_EQ(diags[0].location.column, 12);
  ASSERT_TRUE(diags[0].hint);
  EXPECT_NE(diags[0].hint->find("did you mean `postgres"), std::string::npos);

  TempProject far;
  far.write("flash.toml", "[database]\nprovider = \"oracle\"\n");
  auto d2 = load_errors(far);
  ASSERT_EQ(d2.size(), 1u);
  EXPECT_NE(d2[0].hint->find("valid providers"), std::string::npos);
}

TEST(Config, TomlSyntaxErrorIsLocated) {
  TempProject p;
  p.write("flash.toml", "version = \"2\"\nschema_dir = \"db/schema\n");
  auto diags = load_errors(p);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, "config.syntax");
  EXPECT_EQ(diags[0].location.line, 2);
  EXPECT_GT(diags[0].location.column, 1);
}

TEST(Config, MissingFile) {
  TempProject p;
  auto diags = load_errors(p);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, "config.not-found");
  ASSERT_TRUE(diags[0].hint);
  EXPECT_NE(diags[0].hint->find("flash init"), std::string::npos);
}

namespace {
const char* kMulti = R"([database]
provider = "postgresql"
url_env = "DATABASE_URL"

[[databases]]
name = "primary"
migrations_path = "db/primary"

[[databases]]
name = "analytics"
provider = "mysql"
url_env = "ANALYTICS_URL"
default = true
schema_dir = "db/analytics/schema"
queries = "db/analytics/queries"

[[databases]]
name = "cache"
provider = "sqlite"
url_env = "CACHE_URL"
)";
}  // namespace

TEST(Config, DatabasesDefaultSelection) {
  TempProject p;
  p.write("flash.toml", kMulti);
  auto c = load(p);
  ASSERT_EQ(c.databases.size(), 3u);
  EXPECT_EQ(c.selected_database, "analytics");
  EXPECT_EQ(c.provider, Dialect::mysql);
  EXPECT_EQ(c.url_env, "ANALYTICS_URL");
  EXPECT_EQ(c.schema_dir, "db/analytics/schema");
  EXPECT_EQ(c.queries, "db/analytics/queries");
  EXPECT_EQ(c.migrations_path, "db/migrations");  // not overridden: inherited
  // An entry without provider/url_env inherits [database].
  EXPECT_EQ(c.databases[0].provider, Dialect::postgresql);
  EXPECT_EQ(c.databases[0].url_env, "DATABASE_URL");
}

TEST(Config, DatabasesSelectedByDb) {
  TempProject p;
  p.write("flash.toml", kMulti);
  auto c = load(p, "primary");
  EXPECT_EQ(c.selected_database, "primary");
  EXPECT_EQ(c.provider, Dialect::postgresql);
  EXPECT_EQ(c.url_env, "DATABASE_URL");
  EXPECT_EQ(c.migrations_path, "db/primary");
  EXPECT_EQ(c.schema_dir, "db/schema");

  auto cache = load(p, "cache");
  EXPECT_EQ(cache.provider, Dialect::sqlite);
  EXPECT_EQ(cache.url_env, "CACHE_URL");
}

// pooler / cluster / direct_url_env per [[databases]] entry: set, inherited from [database], or
// turned off with "none"; a wrong value is located.
TEST(Config, DatabasesPoolerClusterPerEntry) {
  TempProject p;
  p.write("flash.toml", R"([database]
provider = "postgresql"
pooler = "pgbouncer"
direct_url_env = "DIRECT_URL"

[gen.js]
enabled = true

[[databases]]
name = "app"

[[databases]]
name = "reports"
pooler = "none"

[[databases]]
name = "shop"
provider = "mysql"
url_env = "SHOP_URL"
pooler = "none"
cluster = "galera"

[[databases]]
name = "edge"
direct_url_env = "EDGE_DIRECT_URL"
)");
  auto app = load(p, "app");
  EXPECT_EQ(app.pooler, "pgbouncer");
  EXPECT_EQ(app.direct_url_env, "DIRECT_URL");
  ASSERT_FALSE(app.gen.empty());
  EXPECT_EQ(app.gen[0].settings.at("prepared"), flash::config::SettingValue(false));  // through the pooler: unnamed statements
  auto reports = load(p, "reports");
  EXPECT_EQ(reports.pooler, "");
  EXPECT_EQ(reports.direct_url_env, "DIRECT_URL");
  EXPECT_FALSE(reports.gen[0].settings.count("prepared"));  // direct: the generator's default
  auto shop = load(p, "shop");
  EXPECT_EQ(shop.pooler, "");
  EXPECT_EQ(shop.cluster, "galera");
  EXPECT_EQ(load(p, "edge").direct_url_env, "EDGE_DIRECT_URL");

  TempProject bad;
  bad.write("flash.toml", "[[databases]]\nname = \"a\"\npooler = \"pgpool\"\n");
  auto diags = load_errors(bad);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].location.line, 3u);
  EXPECT_NE(diags[0].message.find("pgpool"), std::string::npos) << diags[0].message;
}

TEST(Config, DatabasesFirstWhenNoDefault) {
  TempProject p;
  p.write("flash.toml", "[[databases]]\nname = \"one\"\nprovider = \"mysql\"\n"
                        "[[databases]]\nname = \"two\"\n");
  auto c = load(p);
  EXPECT_EQ(c.selected_database, "one");
  EXPECT_EQ(c.provider, Dialect::mysql);
}

TEST(Config, UnknownDbNameSuggests) {
  TempProject p;
  p.write("flash.toml", kMulti);
  auto diags = load_errors(p, "analytic");
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].code, "config.unknown-database");
  ASSERT_TRUE(diags[0].hint);
  EXPECT_EQ(*diags[0].hint, "did you mean `analytics`?");

  TempProject none;
  none.write("flash.toml", "");
  EXPECT_EQ(load_errors(none, "x")[0].code, "config.unknown-database");
}

TEST(Config, DatabasesValidation) {
  TempProject p;
  p.write("flash.toml",
          "[[databases]]\nname = \"a\"\ndefault = true\n[[databases]]\nname = \"a\"\n"
          "default = true\n[[databases]]\nprovider = \"sqlite\"\n");
  auto diags = load_errors(p);
  ASSERT_EQ(diags.size(), 3u);
  EXPECT_EQ(diags[0].code, "config.duplicate");
  EXPECT_EQ(diags[0].location.line, 5);
  EXPECT_EQ(diags[1].code, "config.duplicate");
  EXPECT_EQ(diags[1].location.line, 6);
  EXPECT_EQ(diags[2].code, "config.missing-key");
}

TEST(Config, LoadsEnvFiles) {
  TempProject p;
  p.write("flash.toml", "[database]\nurl_env = \"FLASH_CFG_TEST_URL\"\n");
  p.write(".env", "FLASH_CFG_TEST_URL=sqlite://from-dotenv.db\n");
  ScopedEnv clear("FLASH_CFG_TEST_URL", nullptr);
  auto c = load(p);
  ASSERT_NE(std::getenv("FLASH_CFG_TEST_URL"), nullptr);
  EXPECT_STREQ(std::getenv("FLASH_CFG_TEST_URL"), "sqlite://from-dotenv.db");
}

// Keys under [gen.*] are checked like the top-level ones (they were kept silently).
TEST(Config, UnknownGeneratorKeysAreRejected) {
  TempProject p;
  p.write("flash.toml",
          "[gen.go]\nenabled = true\njsontags = true\n\n[gen.js]\nmodul = \"esm\"\n\n"
          "[gen.python]\nasynk = true\n");
  auto diags = load_errors(p);
  ASSERT_EQ(diags.size(), 3u);
  EXPECT_EQ(diags[0].code, "config.unknown-key");
  EXPECT_EQ(diags[0].location.line, 3);
  EXPECT_EQ(diags[0].location.column, 1);
  EXPECT_EQ(*diags[0].hint, "did you mean `json_tags`?");
  EXPECT_EQ(diags[1].location.line, 6);
  EXPECT_EQ(*diags[1].hint, "did you mean `module`?");
  EXPECT_EQ(diags[2].location.line, 9);
  EXPECT_EQ(*diags[2].hint, "did you mean `async`?");
}

// Every value error of flash.toml carries its line:col (7 of 20 had none: the generators checked
// their own settings later, without the file's positions).
TEST(Config, EveryValueErrorIsLocated) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"go", "null_style = \"pointers\""}, {"go", "json_tags = \"yes\""},    {"go", "prepare = 1"},
      {"go", "package = true"},            {"go", "driver = \"databse/sql\""}, {"go", "driver = \"pgx/v5\""},
      {"js", "module = \"amd\""},          {"js", "bigint = \"int64\""},      {"js", "emit = \"dts\""},
      {"js", "driver = \"mysql2\""},       {"python", "driver = \"psycopg2\""}, {"python", "driver = \"asyncpg\""},
      {"go", "enabled = \"yes\""},         {"go", "out = 3"}};
  for (const auto& [lang, line] : bad) {
    TempProject p;
    p.write("flash.toml", "[database]\nprovider = \"sqlite\"\n\n[gen." + lang + "]\n" + line + "\n");
    const auto diags = load_errors(p);
    ASSERT_EQ(diags.size(), 1u) << line;
    EXPECT_EQ(diags[0].location.line, 5) << line;
    EXPECT_GT(diags[0].location.column, 1) << line;
    EXPECT_EQ(diags[0].source_line, line);
    EXPECT_TRUE(diags[0].code == "config.value" || diags[0].code == "config.type") << diags[0].code;
  }
  TempProject p;
  p.write("flash.toml", "[database]\nprovider = \"sqlite\"\n\n[gen.go]\nnull_style = \"pointers\"\n");
  EXPECT_EQ(*load_errors(p)[0].hint, "did you mean `pointer`? (valid values: pointer, sql)");
  p.write("flash.toml", "[database]\nprovider = \"sqlite\"\n\n[gen.go]\ndriver = \"pgx/v5\"\n");
  EXPECT_EQ(*load_errors(p)[0].hint, "drivers for sqlite: database/sql");
}

// A path that names nothing is reported at the value that names it.
TEST(Config, MissingSchemaDirIsLocated) {
  TempProject p;
  p.write("flash.toml", "version = \"2\"\nschema_dir = \"sql/none\"\n");
  const auto c = load(p);
  try {
    flash::config::sql_files(c, c.schema_dir, "schema", "schema_dir");
    ADD_FAILURE() << "expected schema.not-found";
  } catch (const flash::diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "schema.not-found");
    EXPECT_EQ(e.diagnostic().location.line, 2);
    EXPECT_EQ(e.diagnostic().location.column, 14);
    EXPECT_EQ(e.diagnostic().source_line, "schema_dir = \"sql/none\"");
  }
}

TEST(Config, ByteOrderMarksAreIgnored) {
  TempProject p;
  p.write("flash.toml", "\xEF\xBB\xBF[database]\nprovider = \"mysql\"\n");
  p.write(".env", "\xEF\xBB\xBF" "FLASH_BOM_VAR=ok\n");
  ScopedEnv v("FLASH_BOM_VAR", nullptr);
  const auto c = load(p);
  EXPECT_EQ(c.provider, Dialect::mysql);
  ASSERT_NE(std::getenv("FLASH_BOM_VAR"), nullptr);
  EXPECT_STREQ(std::getenv("FLASH_BOM_VAR"), "ok");
  // Where each loaded variable was written, for errors about its value (a bad DATABASE_URL).
  ASSERT_TRUE(c.env_origins.count("FLASH_BOM_VAR"));
  EXPECT_EQ(c.env_origins.at("FLASH_BOM_VAR").location.line, 1);
  EXPECT_EQ(c.env_origins.at("FLASH_BOM_VAR").location.column, 15);
}

// [gen.python] rows = "record" needs the asyncpg driver (named, or PostgreSQL's default with
// async = true); any other driver, and an unknown value, is refused at the value.
TEST(Config, PythonRecordRowsNeedAsyncpg) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"postgresql", "driver = \"psycopg\""},
      {"postgresql", "async = false"},
      {"mysql", "driver = \"aiomysql\""},
      {"sqlite", "async = true"},
  };
  for (const auto& [provider, line] : bad) {
    TempProject p;
    p.write("flash.toml", "[database]\nprovider = \"" + provider + "\"\n\n[gen.python]\n" + line + "\nrows = \"record\"\n");
    const auto diags = load_errors(p);
    ASSERT_EQ(diags.size(), 1u) << line;
    EXPECT_EQ(diags[0].code, "config.value");
    EXPECT_EQ(diags[0].location.line, 6) << line;
    EXPECT_EQ(diags[0].location.column, 8) << line;
    EXPECT_EQ(diags[0].source_line, "rows = \"record\"");
    EXPECT_NE(diags[0].message.find("asyncpg"), std::string::npos) << diags[0].message;
  }
  TempProject p;
  p.write("flash.toml", "[database]\nprovider = \"postgresql\"\n\n[gen.python]\nrows = \"recrod\"\n");
  const auto diags = load_errors(p);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].location.line, 5);
  EXPECT_EQ(*diags[0].hint, "did you mean `record`? (valid values: namedtuple, record)");
  for (const std::string ok : {"driver = \"asyncpg\"\nrows = \"record\"\n", "async = true\nrows = \"record\"\n",
                               "driver = \"psycopg\"\nrows = \"namedtuple\"\n"}) {
    p.write("flash.toml", "[database]\nprovider = \"postgresql\"\n\n[gen.python]\n" + ok);
    const auto c = load(p);
    ASSERT_EQ(c.gen.size(), 1u);
    EXPECT_TRUE(c.gen[0].settings.count("rows")) << ok;
  }
}

// flash export / import / seed against real servers (FLASH_TEST_PG_URL, FLASH_TEST_MYSQL_URL;
// skipped without them) and SQLite. Each test works in fresh databases created next to the given
// server URLs and dropped afterwards.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "flash/config/url.hpp"
#include "flash/driver/connection.hpp"
#include "flash/export/export.hpp"
#include "flash/export/format.hpp"
#include "flash/export/seed.hpp"
#include "flash/schema/printer.hpp"
#include "flash/schema/types.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/util/text.hpp"
#include "support.hpp"

namespace flash::exporter {
namespace {

namespace fs = std::filesystem;
using schema::Dialect;
using schema::TypeCategory;

using namespace export_test;

const char* kPgSchema = R"(
CREATE TYPE mood AS ENUM ('happy', 'sad', 'ok');
CREATE TABLE users (
  id BIGSERIAL PRIMARY KEY,
  email VARCHAR(100) NOT NULL UNIQUE,
  name TEXT,
  big BIGINT,
  small SMALLINT,
  flag BOOLEAN,
  price NUMERIC(20,4),
  ratio DOUBLE PRECISION,
  data BYTEA,
  born DATE,
  seen TIMESTAMPTZ,
  at TIMESTAMP,
  doc JSONB,
  m mood,
  uid UUID
);
CREATE TABLE posts (
  id SERIAL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  title VARCHAR(200) NOT NULL,
  body TEXT
);
)";

const char* kPgData = R"(
INSERT INTO users (email, name, big, small, flag, price, ratio, data, born, seen, at, doc, m, uid) VALUES
 ('a@x.io', 'Ünïcødé ✓ 日本語 "quoted", comma', 9223372036854775807, -32768, true, 12345678901234.5678, 0.1,
  '\x00ff00410a'::bytea, '2024-02-29', '2024-02-29 23:59:59.123456+02', '1999-12-31 23:59:59.5',
  '{"a": [1, 2, {"b": null}], "s": "x\"y\nz"}', 'happy', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'),
 ('b@x.io', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 ('c@x.io', '', -9223372036854775808, 7, false, -0.0001, -1.5e300, '\x'::bytea, '1970-01-01',
  '1970-01-01 00:00:00+00', '2000-01-01 00:00:00', '[]', 'sad', '00000000-0000-0000-0000-000000000000'),
 ('d@x.io', E'line1\nline2\r\n,"x"', 42, 1, true, 0, 3.14159265358979, '\x2c22'::bytea, '2000-06-15',
  '2030-06-15 12:30:00.000001+00', '2030-06-15 12:30:00', '"just a string"', 'ok', NULL);
INSERT INTO posts (user_id, title, body) SELECT u.id, 'post ' || g || ' by ' || u.email, CASE WHEN g % 3 = 0 THEN NULL ELSE repeat('x', g) END
  FROM users u CROSS JOIN generate_series(1, 150) g ORDER BY u.id, g;
)";


TEST(ExportFormat, Base64RoundTripsZeroBytes) {
  const std::string bytes("\0a\xff\0\0b\x80", 7);
  for (std::size_t n = 0; n <= bytes.size(); ++n)
    EXPECT_EQ(base64_decode(base64_encode(bytes.substr(0, n))), bytes.substr(0, n));
  EXPECT_EQ(base64_encode("Man"), "TWFu");
  EXPECT_EQ(base64_encode("Ma"), "TWE=");
  EXPECT_THROW(base64_decode("$$$"), std::invalid_argument);
}

TEST(ExportFormat, ExchangeKeepsExactValues) {
  using nlohmann::json;
  EXPECT_EQ(to_exchange(std::int64_t{9223372036854775807}, TypeCategory::int64), json("9223372036854775807"));
  EXPECT_EQ(to_exchange(std::string("12.50"), TypeCategory::decimal), json("12.50"));
  EXPECT_EQ(to_exchange(std::string("2024-01-02 03:04:05.5+00"), TypeCategory::timestamptz),
            json("2024-01-02T03:04:05.5+00:00"));
  EXPECT_EQ(to_exchange(driver::Blob{std::string("\0\1", 2)}, TypeCategory::bytes), json("AAE="));
  EXPECT_EQ(to_exchange(std::string(R"({"a":1})"), TypeCategory::json), json({{"a", 1}}));
  EXPECT_EQ(to_exchange(std::int64_t{1}, TypeCategory::boolean), json(true));
  EXPECT_TRUE(to_exchange(driver::Null{}, TypeCategory::text).is_null());
  EXPECT_EQ(from_exchange(json("2024-01-02T03:04:05.5+00:00"), TypeCategory::timestamptz, Dialect::mysql),
            driver::Value(std::string("2024-01-02 03:04:05.5")));
  EXPECT_EQ(from_exchange(json(true), TypeCategory::boolean, Dialect::mysql), driver::Value(std::int64_t{1}));
  EXPECT_EQ(from_exchange(json("9223372036854775807"), TypeCategory::int64, Dialect::sqlite),
            driver::Value(std::int64_t{9223372036854775807}));
}

TEST(ExportFormat, CsvDistinguishesNullFromEmpty) {
  using nlohmann::json;
  EXPECT_EQ(csv_field(nullptr, TypeCategory::text), "");
  EXPECT_EQ(csv_field(json(""), TypeCategory::text), "\"\"");
  EXPECT_EQ(csv_field(json("a,\"b\"\n"), TypeCategory::text), "\"a,\"\"b\"\"\n\"");
  EXPECT_TRUE(csv_to_exchange("", false, TypeCategory::text).is_null());
  EXPECT_EQ(csv_to_exchange("", true, TypeCategory::text), json(""));
  EXPECT_EQ(csv_to_exchange("true", false, TypeCategory::boolean), json(true));
  EXPECT_EQ(csv_to_exchange(R"({"a":[1]})", true, TypeCategory::json), json({{"a", {1}}}));
}

TEST(ExportFormat, TablesInForeignKeyOrder) {
  auto m = parse("CREATE TABLE c (id INT PRIMARY KEY, b_id INT REFERENCES b(id));\n"
                 "CREATE TABLE b (id INT PRIMARY KEY, a_id INT REFERENCES a(id));\n"
                 "CREATE TABLE a (id INT PRIMARY KEY, self INT REFERENCES a(id));\n",
                 Dialect::sqlite);
  std::vector<std::string> names;
  for (const auto* t : fk_order(m)) names.push_back(t->name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(ExportFormat, ConvertedSchemaPrintsForEveryDialect) {
  auto pg = parse(kPgSchema, Dialect::postgresql);
  auto my = convert_schema(pg, Dialect::mysql);
  const auto* email = my.find_table("users")->find_column("email");
  EXPECT_EQ(schema::render_type(email->type, Dialect::mysql), "varchar(100)");
  EXPECT_EQ(my.find_table("users")->find_column("m")->type.values, (std::vector<std::string>{"happy", "sad", "ok"}));
  auto lite = convert_schema(pg, Dialect::sqlite);
  EXPECT_EQ(lite.find_table("users")->find_column("price")->type.name, "text");  // exact decimals
  // The SQLite translation really creates the tables.
  auto db = TestDb::create(Dialect::sqlite);
  auto c = db->connect();
  run_script(*c, schema::print_schema(lite));
  EXPECT_NO_THROW(c->query("SELECT id, email, price, data FROM users"));
}

// MySQL's UNSIGNED integers get types that hold their range elsewhere (an unsigned BIGINT in a
// SQLite INTEGER would become an inexact REAL; PostgreSQL has no unsigned types).
TEST(ExportFormat, UnsignedIntegersKeepTheirRange) {
  auto my = parse("CREATE TABLE u (a BIGINT UNSIGNED, b INT UNSIGNED, c SMALLINT UNSIGNED, d BIGINT, e INT);",
                  Dialect::mysql);
  const auto* u = my.find_table("u");
  auto type_in = [&](Dialect d, const char* col) {
    return schema::render_type(convert_schema(my, d).find_table("u")->find_column(col)->type, d);
  };
  EXPECT_EQ(type_in(Dialect::postgresql, "a"), "numeric(20)");
  EXPECT_EQ(type_in(Dialect::postgresql, "b"), "bigint");
  EXPECT_EQ(type_in(Dialect::postgresql, "c"), "integer");
  EXPECT_EQ(type_in(Dialect::postgresql, "d"), "bigint");
  EXPECT_EQ(type_in(Dialect::postgresql, "e"), "integer");
  EXPECT_EQ(type_in(Dialect::sqlite, "a"), "text");
  EXPECT_EQ(type_in(Dialect::sqlite, "d"), "integer");
  ASSERT_TRUE(u);
  // Through a SQLite export file and back, by the engine: the maximum stays exact.
  auto db = TestDb::create(Dialect::sqlite);
  ASSERT_TRUE(db);
  auto c = db->connect();
  run_script(*c, schema::print_schema(convert_schema(my, Dialect::sqlite)));
  c->execute("INSERT INTO u (a) VALUES ('18446744073709551615')");
  EXPECT_EQ(c->query("SELECT a, typeof(a) FROM u").rows.at(0),
            (std::vector<driver::Value>{std::string("18446744073709551615"), std::string("text")}));
}

// SQLite keeps what it is given: a BOOLEAN column holding a number other than 0 and 1 reads as that
// number (0 and 1 as bools), an INTEGER column may hold a REAL; an export keeps such values (a
// REAL was truncated to an integer) and an import into SQLite stores them again.
TEST(ExportRoundTrip, SqliteKeepsNumbersOfAnotherKind) {
  const char* ddl = "CREATE TABLE f (id INTEGER PRIMARY KEY, flag BOOLEAN, n INTEGER);";
  const auto model = parse(ddl, Dialect::sqlite);
  auto src = TestDb::create(Dialect::sqlite);
  ASSERT_TRUE(src);
  auto s = src->connect();
  run_script(*s, ddl);
  s->execute("INSERT INTO f VALUES (1, 1, 1), (2, 0, 3.5), (3, 7, -2.25), (4, -1, 4.0), (5, NULL, NULL)");
  EXPECT_EQ(s->query("SELECT flag FROM f WHERE id IN (1, 3) ORDER BY id").rows,
            (std::vector<std::vector<driver::Value>>{{true}, {std::int64_t{7}}}));
  TempDir files;
  for (const auto f : {Format::json, Format::csv, Format::sqlite}) {
    SCOPED_TRACE(std::string(to_string(f)));
    ExportOptions o;
    o.format = f;
    o.path = files.path / ("f." + std::string(to_string(f)));
    export_data(*s, model, o);
    auto dst = TestDb::create(Dialect::sqlite);
    ASSERT_TRUE(dst);
    auto d = dst->connect();
    run_script(*d, ddl);
    import_data(*d, {o.path, {}});
    const char* q = "SELECT id, quote(flag), quote(n) FROM f ORDER BY id";
    EXPECT_EQ(d->query(q).rows, s->query(q).rows);
  }
}

// PostgreSQL → SQLite file → MariaDB → JSON → PostgreSQL: equal counts and checksums everywhere.
TEST(ExportRoundTrip, PostgresSqliteMariadbAndBack) {
  REQUIRE_DB(pg, Dialect::postgresql);
  REQUIRE_DB(my, Dialect::mysql);
  REQUIRE_DB(pg2, Dialect::postgresql);
  TempDir files;
  const auto model = parse(kPgSchema, Dialect::postgresql);
  auto src = pg->connect();
  run_script(*src, kPgSchema);
  src->execute(kPgData);
  const auto expected = checksums(*src, model);
  ASSERT_EQ(expected.at("users").rows, 4);
  ASSERT_EQ(expected.at("posts").rows, 600);

  ExportOptions eo;
  eo.format = Format::sqlite;
  eo.path = files.path / "pg.db";
  auto counts = export_data(*src, model, eo);
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].table, "users");  // parents first
  EXPECT_EQ(counts[1].rows, 600);
  EXPECT_EQ(detect_format(eo.path), Format::sqlite);

  auto mc = my->connect();
  auto imported = import_data(*mc, {eo.path, {}});
  ASSERT_EQ(imported.size(), 2u);
  EXPECT_TRUE(imported[0].created);
  EXPECT_EQ(checksums(*mc, model), expected);

  // Export again from MariaDB, whose schema files would be the MySQL translation.
  const auto my_model = convert_schema(model, Dialect::mysql);
  ExportOptions eo2;
  eo2.format = Format::json;
  eo2.path = files.path / "my.json";
  export_data(*mc, my_model, eo2);
  auto pc2 = pg2->connect();
  import_data(*pc2, {eo2.path, {}});
  EXPECT_EQ(checksums(*pc2, model), expected);

  // The sequences continue after imported keys.
  auto rs = pc2->query("INSERT INTO posts (user_id, title) VALUES (1, 'new') RETURNING id");
  EXPECT_EQ(std::get<std::int64_t>(rs.rows.at(0).at(0)), 601);
}

TEST(ExportRoundTrip, JsonAndCsvIntoSqliteAndPostgres) {
  REQUIRE_DB(pg, Dialect::postgresql);
  REQUIRE_DB(pg2, Dialect::postgresql);
  TempDir files;
  const auto model = parse(kPgSchema, Dialect::postgresql);
  auto src = pg->connect();
  run_script(*src, kPgSchema);
  src->execute(kPgData);
  const auto expected = checksums(*src, model);

  // JSON → SQLite, checked against the document's structure too.
  ExportOptions j;
  j.format = Format::json;
  j.path = files.path / "out.json";
  export_data(*src, model, j);
  auto doc = nlohmann::json::parse(util::read_file(j.path));
  EXPECT_EQ(doc["version"], 1);
  EXPECT_EQ(doc["dialect"], "postgresql");
  const auto& row0 = doc["tables"]["users"]["rows"][0];
  EXPECT_EQ(row0[3], "9223372036854775807");        // big as a string
  EXPECT_EQ(row0[6], "12345678901234.5678");        // numeric exact
  EXPECT_EQ(row0[8], base64_encode(std::string("\0\xff\0A\n", 5)));
  EXPECT_EQ(row0[10], "2024-02-29T21:59:59.123456+00:00");
  EXPECT_TRUE(row0[12].is_object());                // JSON column as JSON
  auto lite = TestDb::create(Dialect::sqlite);
  auto lc = lite->connect();
  import_data(*lc, {j.path, {}});
  EXPECT_EQ(checksums(*lc, model), expected);

  // CSV → PostgreSQL (the same dialect: the original schema incl. the enum type is created).
  ExportOptions c;
  c.format = Format::csv;
  c.path = files.path / "csv";
  export_data(*src, model, c);
  EXPECT_TRUE(fs::exists(c.path / "schema.json"));
  EXPECT_TRUE(fs::exists(c.path / "users.csv"));
  auto pc2 = pg2->connect();
  import_data(*pc2, {c.path, {}});
  EXPECT_EQ(checksums(*pc2, model), expected);
  EXPECT_EQ(pc2->query("SELECT count(*) FROM pg_type WHERE typname = 'mood'").rows.at(0).at(0),
            driver::Value(std::int64_t{1}));
}

TEST(ExportRoundTrip, TablesAndWhereFilter) {
  REQUIRE_DB(pg, Dialect::postgresql);
  TempDir files;
  const auto model = parse(kPgSchema, Dialect::postgresql);
  auto src = pg->connect();
  run_script(*src, kPgSchema);
  src->execute(kPgData);
  ExportOptions o;
  o.format = Format::csv;
  o.tables = {"posts"};
  o.where = "id <= 10";
  o.path = files.path / "some";
  auto counts = export_data(*src, model, o);
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts[0].rows, 10);
  o.tables = {"nope"};
  o.path = files.path / "other";
  EXPECT_THROW(export_data(*src, model, o), diag::Error);
}

// A row the target refuses stops the import; that table is rolled back, earlier tables stay.
void failing_row_test(Dialect target) {
  auto pg = TestDb::create(Dialect::postgresql);
  if (!pg) GTEST_SKIP() << "FLASH_TEST_PG_URL not set";
  auto dst = TestDb::create(target);
  if (!dst) GTEST_SKIP() << "server URL not set";
  TempDir files;
  const auto model = parse(kPgSchema, Dialect::postgresql);
  auto src = pg->connect();
  run_script(*src, kPgSchema);
  src->execute(kPgData);
  src->execute("UPDATE posts SET title = repeat('y', 150) WHERE id = 250");
  src->execute("CLUSTER posts USING posts_pkey");  // rows back in key order: row 250 is id 250
  ExportOptions o;
  o.format = Format::json;
  o.path = files.path / "x.json";
  export_data(*src, model, o);

  auto dc = dst->connect();
  const auto target_model = convert_schema(model, target);
  std::string ddl = schema::print_schema(target_model);
  run_script(*dc, ddl);
  // A tighter title than the source had: row 250 does not fit.
  dc->execute("DROP TABLE posts");
  dc->execute(std::string("CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id BIGINT NOT NULL, title ") +
              (target == Dialect::sqlite ? "TEXT NOT NULL CHECK (length(title) <= 100)" : "VARCHAR(100) NOT NULL") +
              ", body TEXT)");
  if (target == Dialect::mysql) dc->execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES'");
  try {
    import_data(*dc, {o.path, {}});
    FAIL() << "import should fail";
  } catch (const diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "import.row");
    EXPECT_NE(e.diagnostic().message.find("`posts` row 250"), std::string::npos) << e.diagnostic().message;
  }
  EXPECT_EQ(dc->query("SELECT COUNT(*) FROM posts").rows.at(0).at(0), driver::Value(std::int64_t{0}));
  EXPECT_EQ(dc->query("SELECT COUNT(*) FROM users").rows.at(0).at(0), driver::Value(std::int64_t{4}));
}

TEST(ExportImport, FailingRowLeavesNoHalfLoadedTableSqlite) { failing_row_test(Dialect::sqlite); }
TEST(ExportImport, FailingRowLeavesNoHalfLoadedTablePostgres) { failing_row_test(Dialect::postgresql); }
TEST(ExportImport, FailingRowLeavesNoHalfLoadedTableMysql) { failing_row_test(Dialect::mysql); }

const char* kSeedPg = R"(
CREATE TYPE status AS ENUM ('draft', 'live', 'gone');
CREATE TABLE authors (
  id SERIAL PRIMARY KEY,
  email VARCHAR(40) NOT NULL UNIQUE,
  code VARCHAR(4) NOT NULL UNIQUE,
  age INTEGER NOT NULL CHECK (age BETWEEN 18 AND 99),
  score NUMERIC(6,2) CHECK (score > 0)
);
CREATE TABLE books (
  id BIGSERIAL PRIMARY KEY,
  author_id INTEGER NOT NULL REFERENCES authors(id),
  title VARCHAR(12) NOT NULL,
  st status NOT NULL,
  price NUMERIC(8,2) NOT NULL CHECK (price >= 1),
  published DATE,
  cover BYTEA,
  meta JSONB,
  ref UUID UNIQUE
);
CREATE TABLE tags (author_id INTEGER REFERENCES authors(id), book_id BIGINT REFERENCES books(id),
  PRIMARY KEY (author_id, book_id));
)";

const char* kSeedMy = R"(
CREATE TABLE authors (
  id INT AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(40) NOT NULL UNIQUE,
  age INT NOT NULL CHECK (age >= 18)
);
CREATE TABLE books (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  author_id INT NOT NULL,
  title VARCHAR(12) NOT NULL,
  st ENUM('draft', 'live') NOT NULL,
  flag BOOLEAN,
  at DATETIME(6),
  FOREIGN KEY (author_id) REFERENCES authors(id)
);
)";

void seed_test(Dialect d, const char* ddl) {
  auto a = TestDb::create(d);
  auto b = TestDb::create(d);
  if (!a || !b) GTEST_SKIP() << "server URL not set";
  const auto model = parse(ddl, d);
  auto ca = a->connect(), cb = b->connect();
  run_script(*ca, ddl);
  run_script(*cb, ddl);
  SeedOptions o;
  o.count = 40;
  o.seed = 42;
  auto counts = seed_data(*ca, model, o);
  seed_data(*cb, model, o);
  for (const auto& c : counts) EXPECT_EQ(c.rows, 40) << c.table;
  // Constraints are enforced by the database itself; the same seed gives the same rows.
  EXPECT_EQ(checksums(*ca, model), checksums(*cb, model));
  EXPECT_EQ(ca->query("SELECT COUNT(*) FROM books b JOIN authors a ON a.id = b.author_id").rows.at(0).at(0),
            driver::Value(std::int64_t{40}));
  // A second run continues the unique sequences; --truncate starts over.
  seed_data(*ca, model, o);
  EXPECT_EQ(ca->query("SELECT COUNT(*) FROM authors").rows.at(0).at(0), driver::Value(std::int64_t{80}));
  o.truncate = true;
  o.seed = 7;
  o.tables = {{"authors", 5}, {"books", 3}};
  if (model.find_table("tags")) o.tables.push_back({"tags", 2});
  seed_data(*ca, model, o);
  EXPECT_EQ(ca->query("SELECT COUNT(*) FROM authors").rows.at(0).at(0), driver::Value(std::int64_t{5}));
  EXPECT_EQ(ca->query("SELECT COUNT(*) FROM books").rows.at(0).at(0), driver::Value(std::int64_t{3}));
  // Dry run: statements printed, nothing written.
  SeedOptions dry;
  dry.dry_run = true;
  dry.count = 3;
  dry.seed = 1;
  std::vector<std::string> printed;
  dry.print = [&](const std::string& s) { printed.push_back(s); };
  seed_data(*ca, model, dry);
  EXPECT_EQ(printed.size(), model.tables.size() * 3);
  EXPECT_EQ(printed[0].rfind("INSERT INTO authors", 0), 0u) << printed[0];
  EXPECT_EQ(ca->query("SELECT COUNT(*) FROM authors").rows.at(0).at(0), driver::Value(std::int64_t{5}));
  // The printed statements are valid SQL for the engine.
  auto fresh = TestDb::create(d);
  auto cf = fresh->connect();
  run_script(*cf, ddl);
  std::vector<std::string> printed2;
  dry.print = [&](const std::string& s) { printed2.push_back(s); };
  seed_data(*cf, model, dry);
  for (const auto& s : printed2) EXPECT_NO_THROW(cf->execute(s.substr(0, s.size() - 1))) << s;
}

TEST(Seed, PostgresRespectsConstraintsAndIsDeterministic) { seed_test(Dialect::postgresql, kSeedPg); }
TEST(Seed, MysqlRespectsConstraintsAndIsDeterministic) { seed_test(Dialect::mysql, kSeedMy); }
TEST(Seed, SqliteRespectsConstraintsAndIsDeterministic) {
  seed_test(Dialect::sqlite,
            "CREATE TABLE authors (id INTEGER PRIMARY KEY AUTOINCREMENT, email VARCHAR(40) NOT NULL UNIQUE, "
            "age INTEGER NOT NULL CHECK (age >= 18));\n"
            "CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors(id), "
            "title TEXT NOT NULL, data BLOB);\n");
}

TEST(Seed, MissingParentRowsIsAnError) {
  auto db = TestDb::create(Dialect::sqlite);
  const char* ddl = "CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER NOT NULL REFERENCES a(id));\n";
  auto c = db->connect();
  run_script(*c, ddl);
  SeedOptions o;
  o.tables = {{"b", 5}};
  o.seed = 1;
  try {
    seed_data(*c, parse(ddl, Dialect::sqlite), o);
    FAIL();
  } catch (const diag::Error& e) {
    EXPECT_EQ(e.diagnostic().code, "seed.no-parent");
  }
}

}  // namespace
}  // namespace flash::exporter

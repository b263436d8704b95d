// The printer's contract with the parsers: parse(print(parse(x))) == parse(x), and the printed DDL
// is accepted by the real database. Run over hand-written DDL that exercises every printed
// feature, and over these corpus schemas: chinook in all three dialects (7 variants) and pagila (2).
// The round trip needs no server; each `...Applies` test needs its server and is reported as
// skipped without its URL. A missing corpus file skips the test that lists it.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <mysql.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "flash/schema/json.hpp"
#include "flash/schema/printer.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/util/text.hpp"

namespace flash::schema {
namespace {

const std::filesystem::path corpus = FLASH_CORPUS_DIR;

Schema parse(const std::string& text, Dialect d, const std::string& name = "input.sql") {
  diag::Diagnostics diags;
  Schema s = sql::parse_schema({{name, text}}, d, diags);
  for (const auto& x : diags) ADD_FAILURE() << name << ": " << diag::render_human(x);
  return s;
}

// Table, index, view and raw statement order follows dependencies in printed DDL, not declaration order; the
// differ matches objects by name, so the property is checked on name-sorted vectors.
Schema canonical(Schema s) {
  auto by_name = [](const auto& a, const auto& b) {
    return std::tie(a.schema, a.name) < std::tie(b.schema, b.name);
  };
  std::stable_sort(s.tables.begin(), s.tables.end(), by_name);
  std::stable_sort(s.indexes.begin(), s.indexes.end(), by_name);
  std::stable_sort(s.views.begin(), s.views.end(), by_name);
  // Raw statements too: a LANGUAGE sql function that reads a table moves after it (what
  // check_function_bodies needs), so their relative order can change.
  std::stable_sort(s.raw.begin(), s.raw.end(), [](const auto& a, const auto& b) { return a.sql < b.sql; });
  return s;
}

// The first object that differs, as JSON, so a failure says what broke.
std::string first_difference(const Schema& a, const Schema& b) {
  const auto ja = to_json(a), jb = to_json(b);
  for (const auto& [key, va] : ja.items()) {
    const auto& vb = jb[key];
    if (va == vb) continue;
    if (va.is_array() && vb.is_array()) {
      for (std::size_t i = 0; i < std::max(va.size(), vb.size()); ++i) {
        const auto ea = i < va.size() ? va[i] : nlohmann::json();
        const auto eb = i < vb.size() ? vb[i] : nlohmann::json();
        if (ea != eb)
          return key + "[" + std::to_string(i) + "]\n  parsed:  " + ea.dump() + "\n  printed: " + eb.dump();
      }
    }
    return key + "\n  parsed:  " + va.dump() + "\n  printed: " + vb.dump();
  }
  return "(no difference in JSON form)";
}

// parse → print → parse; returns the printed DDL.
std::string expect_round_trip(const std::string& text, Dialect d, const std::string& name) {
  const Schema first = parse(text, d, name);
  const std::string printed = print_schema(first);
  const Schema second = parse(printed, d, name + " (printed)");
  const Schema a = canonical(first), b = canonical(second);
  EXPECT_TRUE(a == b) << name << ": first difference in " << first_difference(a, b)
                      << "\n--- printed DDL ---\n" << printed;
  // Printing is stable: the re-parsed model prints to the same text.
  EXPECT_EQ(print_schema(second), printed) << name;
  return printed;
}

// ---- SQLite ------------------------------------------------------------------------------------

// Declared types are stored lower-case in the model; SQLite reports them as written.
std::string lower(std::string s) { return util::to_lower(s); }

struct SqliteDb {
  sqlite3* db = nullptr;
  SqliteDb() { sqlite3_open(":memory:", &db); }
  ~SqliteDb() { sqlite3_close(db); }
  std::string exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) == SQLITE_OK) return "";
    std::string msg = err ? err : "error";
    sqlite3_free(err);
    return msg;
  }
  std::vector<std::string> rows(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return {"prepare failed: " + sql};
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const auto* t = sqlite3_column_text(st, i);
        row += (t ? reinterpret_cast<const char*>(t) : "NULL") + std::string("|");
      }
      out.push_back(row);
    }
    sqlite3_finalize(st);
    return out;
  }
  // What SQLite itself knows about every table: columns, keys, indexes.
  std::vector<std::string> describe() {
    std::vector<std::string> out;
    for (const auto& row : rows("SELECT type, name, tbl_name FROM sqlite_schema ORDER BY type, name")) {
      out.push_back(lower(row));
      const std::string table = row.substr(0, row.find('|'));
      if (table != "table") continue;
      std::string name = row.substr(row.find('|') + 1);
      name = name.substr(0, name.find('|'));
      for (const char* pragma : {"table_xinfo", "foreign_key_list", "index_list"})
        for (const auto& r : rows(std::string("SELECT * FROM pragma_") + pragma + "('" + name + "')"))
          out.push_back(std::string(pragma) + " " + name + ": " + lower(r));
    }
    return out;
  }
};

void expect_sqlite_equivalent(const std::string& original, const std::string& printed, const std::string& name) {
  SqliteDb a, b;
  ASSERT_EQ(a.exec(original), "") << name << " (original)";
  ASSERT_EQ(b.exec(printed), "") << name << " (printed):\n" << printed;
  EXPECT_EQ(a.describe(), b.describe()) << name;
}

// ---- live servers ---------------------------------------------------------------------------
// The tests that apply printed DDL to a server are separate from the round-trip tests and start
// with REQUIRE_SERVER: without the server's URL they are reported as skipped (never as passed).
#define REQUIRE_SERVER(var) \
  if (!std::getenv(var)) GTEST_SKIP() << var << " is not set (scripts/db.sh start sets it)"

std::string scratch_name() { return "flash_printer_test_" + std::to_string(::getpid()); }

// Applies `ddl` to a fresh PostgreSQL database; returns the error, "" on success.
std::string apply_postgres(const std::string& ddl) {
  const char* url = std::getenv("FLASH_TEST_PG_URL");
  if (!url) return "FLASH_TEST_PG_URL is not set";
  PGconn* admin = PQconnectdb(url);
  if (PQstatus(admin) != CONNECTION_OK) {
    std::string e = PQerrorMessage(admin);
    PQfinish(admin);
    return "connect: " + e;
  }
  PQsetNoticeProcessor(admin, [](void*, const char*) {}, nullptr);
  const std::string db = scratch_name();
  PQclear(PQexec(admin, ("DROP DATABASE IF EXISTS " + db).c_str()));
  PGresult* r = PQexec(admin, ("CREATE DATABASE " + db).c_str());
  std::string error = PQresultStatus(r) == PGRES_COMMAND_OK ? "" : PQerrorMessage(admin);
  PQclear(r);
  if (error.empty()) {
    std::string u = url;
    u = u.substr(0, u.rfind('/') + 1) + db;
    PGconn* c = PQconnectdb(u.c_str());
    // Function bodies may call functions defined later, as in a pg_dump.
    PGresult* res = PQexec(c, ("SET client_min_messages = warning; SET check_function_bodies = false;\n" + ddl).c_str());
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
      error = PQerrorMessage(c);
    PQclear(res);
    PQfinish(c);
  }
  PQclear(PQexec(admin, ("DROP DATABASE IF EXISTS " + db).c_str()));
  PQfinish(admin);
  return error;
}

std::string apply_mysql(const std::string& ddl) {
  const char* env = std::getenv("FLASH_TEST_MYSQL_URL");
  if (!env) return "FLASH_TEST_MYSQL_URL is not set";
  // mysql://user:pass@host:port/db
  std::string url = env;
  url = url.substr(url.find("://") + 3);
  const std::string cred = url.substr(0, url.find('@'));
  std::string rest = url.substr(url.find('@') + 1);
  const std::string hostport = rest.substr(0, rest.find('/'));
  const std::string user = cred.substr(0, cred.find(':'));
  const std::string pass = cred.find(':') == std::string::npos ? "" : cred.substr(cred.find(':') + 1);
  const std::string host = hostport.substr(0, hostport.find(':'));
  const unsigned port = hostport.find(':') == std::string::npos ? 3306 : std::stoul(hostport.substr(hostport.find(':') + 1));
  MYSQL* m = mysql_init(nullptr);
  if (!mysql_real_connect(m, host.c_str(), user.c_str(), pass.c_str(), nullptr, port, nullptr, CLIENT_MULTI_STATEMENTS)) {
    std::string e = mysql_error(m);
    mysql_close(m);
    return "connect: " + e;
  }
  const std::string db = scratch_name();
  std::string error;
  auto run = [&](const std::string& sql) {
    if (mysql_query(m, sql.c_str()) != 0) return std::string(mysql_error(m));
    do {
      if (MYSQL_RES* res = mysql_store_result(m)) mysql_free_result(res);
      if (mysql_errno(m)) return std::string(mysql_error(m));
    } while (mysql_next_result(m) == 0);
    if (mysql_errno(m)) return std::string(mysql_error(m));
    return std::string();
  };
  error = run("DROP DATABASE IF EXISTS " + db + "; CREATE DATABASE " + db + "; USE " + db);
  if (error.empty()) error = run(ddl);
  run("DROP DATABASE IF EXISTS " + db);
  mysql_close(m);
  return error;
}

// ---- hand-written DDL ------------------------------------------------------------------------

const char* const kPostgres = R"sql(
CREATE SCHEMA app;
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'it''s fine');
CREATE DOMAIN posint AS integer NOT NULL DEFAULT 1 CONSTRAINT posint_check CHECK (VALUE > 0);
CREATE SEQUENCE ticket_seq START WITH 100 INCREMENT BY 2;
CREATE TABLE "Users" (
  id bigserial PRIMARY KEY,
  email citext NOT NULL UNIQUE,
  "order" int NOT NULL DEFAULT 0,
  name varchar(100) COLLATE "C",
  feeling mood DEFAULT 'ok',
  tags text[] NOT NULL DEFAULT '{}',
  score numeric(10,2) CHECK (score >= 0),
  rank posint,
  created_at timestamptz NOT NULL DEFAULT now(),
  doubled integer GENERATED ALWAYS AS ("order" * 2) STORED
);
COMMENT ON TABLE "Users" IS 'app''s users';
COMMENT ON COLUMN "Users".email IS 'login';
CREATE TABLE app.posts (
  id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES "Users"(id) ON DELETE CASCADE,
  parent_id integer,
  ticket integer NOT NULL DEFAULT nextval('ticket_seq'),
  body text,
  CONSTRAINT posts_parent_fk FOREIGN KEY (parent_id) REFERENCES app.posts(id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT body_len CHECK (length(body) < 10000)
);
CREATE TABLE a (id int PRIMARY KEY, b_id int);
CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a(id));
ALTER TABLE a ADD CONSTRAINT a_b_fk FOREIGN KEY (b_id) REFERENCES b(id);
CREATE UNIQUE INDEX users_lower_name ON "Users" (lower(name));
CREATE INDEX posts_user_idx ON app.posts USING btree (user_id DESC) INCLUDE (body) WHERE body IS NOT NULL;
CREATE INDEX users_tags ON "Users" USING gin (tags);
CREATE VIEW active_users AS SELECT id, email FROM "Users" WHERE score > 0;
CREATE MATERIALIZED VIEW mood_counts AS SELECT feeling, count(*) AS n FROM "Users" GROUP BY feeling;
CREATE UNIQUE INDEX mood_counts_feeling ON mood_counts (feeling);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.created_at = now(); RETURN NEW; END $$;
CREATE TRIGGER users_touch BEFORE UPDATE ON "Users" FOR EACH ROW EXECUTE FUNCTION touch();
)sql";

const char* const kMysql = R"sql(
CREATE TABLE users (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email varchar(255) NOT NULL,
  `order` int NOT NULL DEFAULT 0,
  status enum('active','disabled') NOT NULL DEFAULT 'active',
  bio text COMMENT 'about me',
  active tinyint(1) NOT NULL DEFAULT 1,
  balance decimal(10,2) NOT NULL DEFAULT 0.00,
  created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at timestamp NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP,
  email_upper varchar(255) GENERATED ALWAYS AS (upper(email)) VIRTUAL,
  UNIQUE KEY users_email (email),
  CONSTRAINT positive_balance CHECK (balance >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='people';
CREATE TABLE posts (
  id bigint NOT NULL AUTO_INCREMENT,
  user_id int unsigned NOT NULL,
  title varchar(200) NOT NULL,
  body longtext,
  PRIMARY KEY (id),
  CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE ON UPDATE RESTRICT
) ENGINE=InnoDB;
CREATE TABLE a (id int PRIMARY KEY, b_id int);
CREATE TABLE b (id int PRIMARY KEY, a_id int, CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id));
ALTER TABLE a ADD CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES b (id);
CREATE INDEX posts_title ON posts (title(50), user_id DESC);
CREATE FULLTEXT INDEX posts_body ON posts (body);
CREATE VIEW user_titles AS SELECT u.email, p.title FROM users u JOIN posts p ON p.user_id = u.id;
)sql";

// Primary-key columns are NOT NULL in the model (and so in printed DDL); they are written so here
// for the schemas SQLite builds from both texts to match.
const char* const kSqlite = R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  "group" TEXT DEFAULT 'none',
  created DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  stamp TEXT DEFAULT (datetime('now')),
  score REAL CHECK (score >= 0),
  data BLOB
);
CREATE TABLE kv (k TEXT NOT NULL PRIMARY KEY, v INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE posts (
  id INTEGER NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  parent_id INTEGER REFERENCES posts(id),
  title TEXT NOT NULL,
  slug TEXT GENERATED ALWAYS AS (lower(title)) VIRTUAL,
  PRIMARY KEY (id)
);
CREATE TABLE a (id INTEGER NOT NULL PRIMARY KEY, b_id INTEGER REFERENCES b(id));
CREATE TABLE b (id INTEGER NOT NULL PRIMARY KEY, a_id INTEGER REFERENCES a(id));
CREATE UNIQUE INDEX posts_slug ON posts (slug) WHERE slug IS NOT NULL;
CREATE INDEX posts_title_desc ON posts (title COLLATE NOCASE DESC, lower(title));
CREATE VIEW titles AS SELECT id, title FROM posts;
CREATE TRIGGER posts_ai AFTER INSERT ON posts BEGIN UPDATE users SET score = 0 WHERE id = NEW.user_id; END;
)sql";

TEST(RoundTrip, HandWrittenPostgres) {
  const std::string printed = expect_round_trip(kPostgres, Dialect::postgresql, "postgres.sql");
  EXPECT_NE(printed.find("CREATE TABLE \"Users\" (\n  id bigserial NOT NULL,"), std::string::npos) << printed;
  EXPECT_NE(printed.find("ALTER TABLE a ADD CONSTRAINT a_b_fk FOREIGN KEY (b_id) REFERENCES b (id);"),
            std::string::npos) << printed;
}

TEST(RoundTrip, HandWrittenPostgresApplies) {
  REQUIRE_SERVER("FLASH_TEST_PG_URL");
  const std::string printed = print_schema(parse(kPostgres, Dialect::postgresql, "postgres.sql"));
  EXPECT_EQ(apply_postgres(printed), "") << printed;
}

TEST(RoundTrip, HandWrittenMysql) {
  const std::string printed = expect_round_trip(kMysql, Dialect::mysql, "mysql.sql");
  EXPECT_NE(printed.find(") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='people';"), std::string::npos) << printed;
}

TEST(RoundTrip, HandWrittenMysqlApplies) {
  REQUIRE_SERVER("FLASH_TEST_MYSQL_URL");
  const std::string printed = print_schema(parse(kMysql, Dialect::mysql, "mysql.sql"));
  EXPECT_EQ(apply_mysql(printed), "") << printed;
}

TEST(RoundTrip, HandWrittenSqlite) {
  const std::string printed = expect_round_trip(kSqlite, Dialect::sqlite, "sqlite.sql");
  EXPECT_NE(printed.find("  id integer PRIMARY KEY AUTOINCREMENT NOT NULL,"), std::string::npos) << printed;
  EXPECT_EQ(printed.find("ALTER TABLE"), std::string::npos) << printed;
  expect_sqlite_equivalent(kSqlite, printed, "sqlite.sql");
}

std::string corpus_file(const std::string& rel) {
  const auto p = corpus / rel;
  if (!std::filesystem::exists(p)) return "";
  return util::read_file(p);
}

// Every listed corpus file must exist: a missing one skips the test (visibly) instead of
// shrinking it silently.
#define REQUIRE_CORPUS(files)                                                           \
  for (const char* f_ : files)                                                          \
    if (!std::filesystem::exists(corpus / f_)) GTEST_SKIP() << "corpus file not found: " << (corpus / f_)

const std::vector<const char*> kChinookSqlite = {"chinook/sqlite/schema.sql",
                                                 "chinook/sqlite-autoincrement-pks/schema.sql"};
const std::vector<const char*> kChinookMysql = {"chinook/mysql/schema.sql",
                                                "chinook/mysql-auto-increment-pks/schema.sql"};
const std::vector<const char*> kChinookPostgres = {"chinook/postgresql/schema.sql",
                                                   "chinook/postgresql-serial-pks/schema.sql",
                                                   "chinook/postgresql-identity-pks/schema.sql"};
const std::vector<const char*> kPagila = {"pagila/postgresql-2024/schema.sql", "pagila/postgresql/schema.sql"};

TEST(RoundTrip, ChinookSqlite) {
  REQUIRE_CORPUS(kChinookSqlite);
  for (const char* v : kChinookSqlite) {
    const std::string text = corpus_file(v);
    const std::string printed = expect_round_trip(text, Dialect::sqlite, v);
    expect_sqlite_equivalent(text, printed, v);
  }
}

TEST(RoundTrip, ChinookMysql) {
  REQUIRE_CORPUS(kChinookMysql);
  for (const char* v : kChinookMysql) expect_round_trip(corpus_file(v), Dialect::mysql, v);
}

TEST(RoundTrip, ChinookMysqlApplies) {
  REQUIRE_CORPUS(kChinookMysql);
  REQUIRE_SERVER("FLASH_TEST_MYSQL_URL");
  for (const char* v : kChinookMysql)
    EXPECT_EQ(apply_mysql(print_schema(parse(corpus_file(v), Dialect::mysql, v))), "") << v;
}

TEST(RoundTrip, ChinookPostgres) {
  REQUIRE_CORPUS(kChinookPostgres);
  for (const char* v : kChinookPostgres) expect_round_trip(corpus_file(v), Dialect::postgresql, v);
}

TEST(RoundTrip, ChinookPostgresApplies) {
  REQUIRE_CORPUS(kChinookPostgres);
  REQUIRE_SERVER("FLASH_TEST_PG_URL");
  for (const char* v : kChinookPostgres)
    EXPECT_EQ(apply_postgres(print_schema(parse(corpus_file(v), Dialect::postgresql, v))), "") << v;
}

TEST(RoundTrip, Pagila) {
  REQUIRE_CORPUS(kPagila);
  for (const char* v : kPagila) expect_round_trip(corpus_file(v), Dialect::postgresql, v);
}

// The 2024 pagila loads on PostgreSQL 15; its printed form must too (less the OWNER TO statements,
// which need the postgres role).
TEST(RoundTrip, Pagila2024AppliesToPostgres) {
  REQUIRE_CORPUS(std::vector<const char*>{"pagila/postgresql-2024/schema.sql"});
  REQUIRE_SERVER("FLASH_TEST_PG_URL");
  Schema s = parse(corpus_file("pagila/postgresql-2024/schema.sql"), Dialect::postgresql, "pagila");
  std::erase_if(s.raw, [](const RawStatement& r) { return r.sql.find("OWNER TO") != std::string::npos; });
  EXPECT_EQ(apply_postgres(print_schema(s)), "") << "pagila 2024";
}

}  // namespace
}  // namespace flash::schema

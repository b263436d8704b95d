// Relations the schema files do not declare as plain tables, queried and proven on the real engine
// (query/catalog.hpp): SQLite FTS5 / FTS4 / R*Tree virtual tables with their hidden columns,
// json_each / json_tree, rowid, PRAGMA reads; PostgreSQL system columns, catalog views (pg_stat_activity,
// pg_views, information_schema.key_column_usage, ...); tables created by CREATE TABLE ... AS and
// SELECT ... INTO on all engines. Each case: the analyser accepts every query (no error), types a
// few columns as the engine does, and gen --verify's comparison on the engine finds no mismatch.
// SQLite runs in memory; PostgreSQL / MySQL need FLASH_TEST_PG_URL / FLASH_TEST_MYSQL_URL.
#include <gtest/gtest.h>

#include <cstdlib>

#include "flash/config/url.hpp"
#include "flash/query/analyze.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/verify/verify.hpp"

using flash::schema::Dialect;
using flash::schema::TypeCategory;

namespace {

struct Analysed {
  flash::schema::Schema schema;
  flash::query::AnalyzedQueries aq;
};

Analysed analyse(Dialect d, const std::string& schema_sql, const std::string& queries) {
  flash::diag::Diagnostics diags;
  Analysed a;
  a.schema = flash::sql::parse_schema({{"schema.sql", schema_sql}}, d, diags);
  for (const auto& dg : diags) EXPECT_NE(dg.severity, flash::diag::Severity::error) << "schema: " << dg.message;
  diags.clear();
  a.aq = flash::query::analyze_queries(a.schema, {{"queries.sql", queries}}, diags);
  for (const auto& dg : diags)
    ADD_FAILURE() << dg.location.line << ": " << dg.code << " " << dg.message;  // not even a warning
  return a;
}

const flash::query::Query& query(const Analysed& a, const std::string& name) {
  for (const auto& q : a.aq.queries)
    if (q.name == name) return q;
  throw std::runtime_error("no query " + name);
}

void verify_clean(const Analysed& a, flash::driver::SqlConnection* conn) {
  const auto r = flash::verify::verify_queries(a.schema, a.aq, conn);
  EXPECT_EQ(r.queries, static_cast<int>(a.aq.queries.size()));
  for (const auto& dg : r.diagnostics) ADD_FAILURE() << dg.message;
}

std::unique_ptr<flash::driver::SqlConnection> connect_env(const char* var) {
  const char* url = std::getenv(var);
  if (!url || !*url) return nullptr;
  return flash::driver::connect_sql(flash::config::parse_database_url(url));
}

}  // namespace

TEST(CatalogVerify, SqliteVirtualTablesJsonEachAndRowid) {
  const Analysed a = analyse(Dialect::sqlite, R"sql(
CREATE TABLE doc (id INTEGER PRIMARY KEY, title TEXT NOT NULL, meta TEXT NOT NULL DEFAULT '{}');
CREATE TABLE note (body TEXT NOT NULL);
CREATE VIRTUAL TABLE doc_fts USING fts5(title, body UNINDEXED, tokenize = 'porter');
CREATE VIRTUAL TABLE IF NOT EXISTS mail USING fts4(subject, body TEXT, languageid="lid");
CREATE VIRTUAL TABLE box USING rtree(id, min_x, max_x);
CREATE TABLE doc_copy AS SELECT id, title FROM doc;
)sql",
                             R"sql(
-- name: FtsAll :many
SELECT * FROM doc_fts;

-- name: FtsSearch :many
SELECT rowid, title, rank FROM doc_fts WHERE doc_fts MATCH ? ORDER BY rank LIMIT 10;

-- name: FtsJoin :many
SELECT d.id, d.title, bm25(doc_fts) AS score, highlight(doc_fts, 0, '[', ']') AS hit,
       snippet(doc_fts, 1, '[', ']', '...', 8) AS excerpt
FROM doc_fts JOIN doc d ON d.id = doc_fts.rowid
WHERE doc_fts MATCH ?;

-- name: FtsColumnMatch :many
SELECT rowid FROM doc_fts WHERE title MATCH ?;

-- name: FtsInsert :exec
INSERT INTO doc_fts VALUES (?, ?);

-- name: FtsInsertRowid :exec
INSERT INTO doc_fts (rowid, title, body) VALUES (?, ?, ?);

-- name: FtsOptimize :exec
INSERT INTO doc_fts (doc_fts) VALUES ('optimize');

-- name: Fts4Search :many
SELECT docid, subject, offsets(mail) AS offsets FROM mail WHERE mail MATCH ? AND lid = ?;

-- name: RtreeQuery :many
SELECT id, min_x, max_x FROM box WHERE min_x >= ? AND max_x <= ?;

-- name: JsonEachColumn :many
SELECT d.id, j.key, j.value, j.type, j.fullkey FROM doc d, json_each(d.meta) AS j WHERE d.id = ?;

-- name: JsonEachParam :many
SELECT value FROM json_each(?) ORDER BY value;

-- name: JsonTree :many
SELECT t.path, t.atom, t.parent FROM doc, json_tree(doc.meta) AS t;

-- name: Rowid :many
SELECT rowid, oid AS o, _rowid_ AS r, body FROM note;

-- name: StarWithoutRowid :many
SELECT * FROM note;

-- name: CreatedAs :many
SELECT id, title FROM doc_copy WHERE id > ?;

-- name: ForeignKeys :one
PRAGMA foreign_keys;

-- name: UserVersion :one
PRAGMA main.user_version;

-- name: JournalMode :one
PRAGMA journal_mode = WAL;

-- name: SetForeignKeys :exec
PRAGMA foreign_keys = ON;
)sql");
  ASSERT_EQ(a.aq.queries.size(), 19u);
  ASSERT_EQ(query(a, "ForeignKeys").columns.size(), 1u);  // PRAGMA reads return one column
  EXPECT_EQ(query(a, "ForeignKeys").columns[0].name, "foreign_keys");
  EXPECT_EQ(query(a, "UserVersion").columns[0].type.category, TypeCategory::int64);
  EXPECT_EQ(query(a, "JournalMode").columns[0].type.category, TypeCategory::text);
  EXPECT_EQ(query(a, "FtsAll").columns.size(), 2u);  // hidden columns are not part of *
  const auto& search = query(a, "FtsSearch");
  ASSERT_EQ(search.columns.size(), 3u);
  EXPECT_EQ(search.columns[0].type.category, TypeCategory::int64);
  EXPECT_FALSE(search.columns[0].nullable);
  EXPECT_EQ(search.columns[2].type.category, TypeCategory::float64);
  EXPECT_EQ(search.params.at(0).type.category, TypeCategory::text);
  EXPECT_EQ(query(a, "FtsJoin").columns[2].type.category, TypeCategory::float64);
  EXPECT_EQ(query(a, "FtsInsert").params.size(), 2u);
  EXPECT_EQ(query(a, "RtreeQuery").columns[1].type.category, TypeCategory::float64);
  EXPECT_EQ(query(a, "JsonEachColumn").columns.size(), 5u);
  EXPECT_EQ(query(a, "JsonEachColumn").columns[3].type.category, TypeCategory::text);
  EXPECT_EQ(query(a, "StarWithoutRowid").columns.size(), 1u);
  EXPECT_TRUE(query(a, "CreatedAs").columns[1].nullable);  // CREATE TABLE AS copies no NOT NULL
  verify_clean(a, nullptr);
}

TEST(CatalogVerify, PostgresSystemColumnsCatalogViewsAndCreatedAs) {
  auto conn = connect_env("FLASH_TEST_PG_URL");
  if (!conn) GTEST_SKIP() << "FLASH_TEST_PG_URL not set";
  const Analysed a = analyse(Dialect::postgresql, R"sql(
CREATE TABLE item (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2), created timestamptz NOT NULL);
CREATE TABLE item_copy AS SELECT id, name, price FROM item WITH NO DATA;
CREATE TABLE item_names (item_id, label) AS SELECT id, name FROM item;
SELECT id, created INTO item_dates FROM item;
)sql",
                             R"sql(
-- name: SystemColumns :many
SELECT ctid, xmin, xmax, cmin, cmax, tableoid, id FROM item WHERE id = $1;

-- name: StarHasNoSystemColumns :many
SELECT * FROM item;

-- name: Activity :many
SELECT pid, state, query, backend_start, client_addr FROM pg_stat_activity WHERE datname = $1;

-- name: Views :many
SELECT viewname, definition FROM pg_views WHERE schemaname = $1 ORDER BY viewname;

-- name: Indexes :many
SELECT indexname, indexdef FROM pg_catalog.pg_indexes WHERE tablename = $1;

-- name: KeyColumns :many
SELECT constraint_name, column_name, ordinal_position FROM information_schema.key_column_usage
WHERE table_name = $1 ORDER BY ordinal_position;

-- name: Settings :one
SELECT setting, unit FROM pg_settings WHERE name = $1;

-- name: TableStats :many
SELECT relname, n_live_tup, last_autovacuum FROM pg_stat_user_tables ORDER BY n_live_tup DESC;

-- name: CreatedAs :many
SELECT id, name, price FROM item_copy WHERE id > $1;

-- name: CreatedAsNamed :many
SELECT item_id, label FROM item_names WHERE label = $1;

-- name: SelectInto :many
SELECT id, created FROM item_dates WHERE created > $1;
)sql");
  ASSERT_EQ(a.aq.queries.size(), 11u);
  EXPECT_EQ(query(a, "StarHasNoSystemColumns").columns.size(), 4u);
  EXPECT_TRUE(query(a, "CreatedAs").columns[1].nullable);
  EXPECT_EQ(query(a, "CreatedAsNamed").columns[0].type.category, TypeCategory::int64);
  EXPECT_EQ(query(a, "SelectInto").params.at(0).type.category, TypeCategory::timestamptz);
  verify_clean(a, conn.get());
}

TEST(CatalogVerify, MysqlCreateTableAs) {
  auto conn = connect_env("FLASH_TEST_MYSQL_URL");
  if (!conn) GTEST_SKIP() << "FLASH_TEST_MYSQL_URL not set";
  const Analysed a = analyse(Dialect::mysql, R"sql(
CREATE TABLE item (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, price DECIMAL(10,2));
CREATE TABLE item_copy AS SELECT id, name, price FROM item;
CREATE TABLE item_names SELECT id AS item_id, name AS label FROM item;
)sql",
                             R"sql(
-- name: CreatedAs :many
SELECT id, name, price FROM item_copy WHERE id > ?;

-- name: CreatedWithoutAs :many
SELECT item_id, label FROM item_names WHERE label = ?;
)sql");
  ASSERT_EQ(a.aq.queries.size(), 2u);
  EXPECT_FALSE(query(a, "CreatedAs").columns[1].nullable);  // MySQL keeps the source's NOT NULL
  verify_clean(a, conn.get());
}

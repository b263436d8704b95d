// `read_retry = true` (README "Failover"): in the Go (pgx/v5), Python (asyncpg) and TypeScript (pg)
// output, exactly the reads — :one / :many queries whose statement is a SELECT — run through the retry;
// writes (an INSERT … RETURNING :one included) never do; the setting is refused for drivers it does
// not exist for, and without it the output has no trace of it. The executed proof (the clients
// through a Patroni failover) is tests/cluster/patroni_clients.py.
#include <gtest/gtest.h>

#include <map>

#include "flash/codegen/generator.hpp"
#include "flash/query/analyze.hpp"
#include "flash/sql/ddl.hpp"

using namespace flash;

namespace {

const char* kSchema = "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT NOT NULL);\n";
const char* kQueries = R"(-- name: GetItem :one
SELECT id, name FROM items WHERE id = $1;

-- name: ListItems :many
SELECT id, name FROM items ORDER BY id;

-- name: RenameItem :exec
UPDATE items SET name = $2 WHERE id = $1;

-- name: AddItem :one
INSERT INTO items (id, name) VALUES ($1, $2) RETURNING id, name;
)";

struct Out {
  codegen::Response response;
  std::map<std::string, std::string> files;
};

Out generate(const std::string& lang, std::map<std::string, config::SettingValue> settings, std::string driver = "") {
  diag::Diagnostics diags;
  auto schema = sql::parse_schema({{"schema.sql", kSchema}}, schema::Dialect::postgresql, diags);
  auto queries = query::analyze_queries(schema, {{"queries/items.sql", kQueries}}, diags);
  for (const auto& d : diags) EXPECT_NE(d.severity, diag::Severity::error) << d.code << ": " << d.message;
  codegen::Request req;
  req.schema = std::make_shared<const schema::Schema>(schema);
  req.queries = std::make_shared<const query::AnalyzedQueries>(queries);
  req.settings.language = lang;
  req.settings.out = lang == "python" ? "gen/itemsdb" : "gen/" + lang;
  req.settings.driver = std::move(driver);
  req.settings.settings = std::move(settings);
  const auto* spec = codegen::find_generator(lang);
  EXPECT_NE(spec, nullptr);
  Out o;
  o.response = spec->generate(req);
  for (const auto& f : o.response.files) o.files[f.path] = f.content;
  return o;
}

// The text of one function/method: from `start` to the first line that closes it.
std::string body(const std::string& text, const std::string& start, const std::string& end) {
  const auto at = text.find(start);
  if (at == std::string::npos) return "";
  return text.substr(at, text.find(end, at) - at);
}

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

TEST(ReadRetry, GoWrapsTheSelectsOnly) {
  auto o = generate("go", {{"read_retry", true}});
  ASSERT_TRUE(o.response.diagnostics.empty());
  const auto& q = o.files["items.sql.go"];
  EXPECT_TRUE(has(body(q, "func (q *Queries) GetItem(", "\n}\n"), "retryRead(ctx, q.retry, func() (Item, error)"));
  EXPECT_TRUE(has(body(q, "func (q *Queries) ListItems(", "\n}\n"), "retryRead(ctx, q.retry, func() ([]Item, error)"));
  EXPECT_FALSE(has(body(q, "func (q *Queries) RenameItem(", "\n}\n"), "retryRead"));
  EXPECT_FALSE(has(body(q, "func (q *Queries) AddItem(", "\n}\n"), "retryRead"));
  const auto& db = o.files["db.go"];
  EXPECT_TRUE(has(db, "var DefaultReadRetry = ReadRetry{Attempts: 8, Backoff: 100 * time.Millisecond, MaxBackoff: 2 * time.Second}"));
  EXPECT_TRUE(has(db, "return &Queries{db: db, retry: DefaultReadRetry}"));
  EXPECT_TRUE(has(db, "func (q *Queries) WithTx(tx pgx.Tx) *Queries {\n\treturn &Queries{db: tx}\n}"));  // no retry in a tx
  // Off (the default): nothing of it.
  auto off = generate("go", {});
  EXPECT_FALSE(has(off.files["db.go"], "ReadRetry"));
  EXPECT_FALSE(has(off.files["items.sql.go"], "retryRead"));
  // database/sql has no retry to generate: refused, not ignored.
  auto stdlib = generate("go", {{"read_retry", true}}, "database/sql");
  ASSERT_EQ(stdlib.response.diagnostics.size(), 1u);
  EXPECT_TRUE(has(stdlib.response.diagnostics[0].message, "read_retry"));
}

TEST(ReadRetry, PythonWrapsTheSelectsOnly) {
  auto o = generate("python", {{"read_retry", true}}, "asyncpg");
  ASSERT_TRUE(o.response.diagnostics.empty());
  const auto& q = o.files["items.py"];
  EXPECT_TRUE(has(body(q, "def get_item(", "\n\n"), "_rt.retry_read(self._retry, _rt.fetch_one, self._conn"));
  EXPECT_TRUE(has(body(q, "def list_items(", "\n\n"), "_rt.retry_read(self._retry, _rt.fetch_all, self._conn"));
  EXPECT_FALSE(has(body(q, "def rename_item(", "\n\n"), "retry_read"));
  EXPECT_FALSE(has(body(q, "def add_item(", "\n\n"), "retry_read"));
  EXPECT_FALSE(has(body(q, "def iter_list_items(", "\n\n"), "retry_read"));  // a stream is not rerun
  EXPECT_TRUE(has(q, "read_retry: _rt.ReadRetry = _rt.DEFAULT_READ_RETRY"));
  EXPECT_TRUE(has(o.files["_runtime.py"], "async def retry_read("));
  EXPECT_FALSE(has(generate("python", {}, "asyncpg").files["_runtime.py"], "retry_read"));
  EXPECT_EQ(generate("python", {{"read_retry", true}}, "psycopg").response.diagnostics.size(), 1u);
}

TEST(ReadRetry, TypeScriptWrapsTheSelectsOnly) {
  auto o = generate("js", {{"read_retry", true}}, "pg");
  ASSERT_TRUE(o.response.diagnostics.empty());
  for (const char* f : {"queries.ts", "queries.js"}) {
    const auto& q = o.files[f];
    EXPECT_TRUE(has(body(q, "  async getItem(", "\n  }\n"), "return retryRead(this.readRetry, async () => {")) << f;
    EXPECT_TRUE(has(body(q, "  async listItems(", "\n  }\n"), "return retryRead(this.readRetry, async () => {")) << f;
    EXPECT_FALSE(has(body(q, "  async renameItem(", "\n  }\n"), "retryRead")) << f;
    EXPECT_FALSE(has(body(q, "  async addItem(", "\n  }\n"), "retryRead")) << f;
    EXPECT_TRUE(has(q, "new Queries(client, { attempts: 1, backoffMs: 0, maxBackoffMs: 0 })")) << f;  // none in a tx
  }
  EXPECT_TRUE(has(o.files["queries.d.ts"], "constructor(db: Executor, readRetry?: ReadRetry);"));
  EXPECT_FALSE(has(generate("js", {}, "pg").files["queries.ts"], "retryRead"));
}

}  // namespace

// The Go generator as a pure function: schema text + query text in, files out. The executed
// proof (compiling and running the output against real databases) is tests/clients/go/run.sh.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "flash/codegen/generator.hpp"
#include "flash/query/analyze.hpp"
#include "flash/sql/ddl.hpp"

namespace fs = std::filesystem;
using namespace flash;

namespace {

struct Generated {
  schema::Schema schema;
  query::AnalyzedQueries queries;
  codegen::Response response;
  std::map<std::string, std::string> files;
  const std::string& operator[](const std::string& f) { return files[f]; }
};

Generated gen(schema::Dialect d, const std::string& ddl, const std::string& queries, config::GenTarget t = {}) {
  Generated g;
  diag::Diagnostics diags;
  g.schema = sql::parse_schema({{"schema.sql", ddl}}, d, diags);
  g.queries = query::analyze_queries(g.schema, {{"queries/users.sql", queries}}, diags);
  for (const auto& x : diags) EXPECT_NE(x.severity, diag::Severity::error) << x.code << ": " << x.message;
  t.language = "go";
  if (t.out.empty()) t.out = "internal/store";
  codegen::Request req;
  req.schema = std::make_shared<const schema::Schema>(g.schema);
  req.queries = std::make_shared<const query::AnalyzedQueries>(g.queries);
  req.settings = t;
  const auto* spec = codegen::find_generator("go");
  EXPECT_NE(spec, nullptr);
  g.response = spec->generate(req);
  for (const auto& f : g.response.files) g.files[f.path] = f.content;
  return g;
}

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

const char* kPgSchema = R"(
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE users (
  id BIGSERIAL PRIMARY KEY,
  email TEXT NOT NULL,
  name TEXT,
  feeling mood,
  tags TEXT[] NOT NULL DEFAULT '{}',
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
)";

const char* kPgQueries = R"(
-- name: GetUser :one
SELECT * FROM users WHERE id = $1;

-- name: GetEmail :one
SELECT email FROM users WHERE id = $1;

-- Lists users.
-- name: ListUsers :many
SELECT id, name FROM users WHERE feeling = $1 AND email = $2;

-- name: Rename :execrows
UPDATE users SET name = sqlc.narg(name) WHERE id = @id;

-- name: Touch :execresult
UPDATE users SET created_at = now();

-- name: Drop :exec
DELETE FROM users WHERE id = ANY(sqlc.slice(ids));
)";

}  // namespace

TEST(GoGenerator, PgxFilesAndShapes) {
  auto g = gen(schema::Dialect::postgresql, kPgSchema, kPgQueries);
  ASSERT_TRUE(g.response.diagnostics.empty());
  ASSERT_EQ(g.response.files.size(), 3u);
  EXPECT_EQ(g.response.files[0].path, "db.go");
  EXPECT_EQ(g.response.files[1].path, "models.go");
  EXPECT_EQ(g.response.files[2].path, "users.sql.go");

  const auto& db = g["db.go"];
  EXPECT_TRUE(has(db, "package store\n"));
  EXPECT_TRUE(has(db, "Exec(context.Context, string, ...interface{}) (pgconn.CommandTag, error)"));
  EXPECT_TRUE(has(db, "func Newq(db DBTX) *Queries {"));
  EXPECT_TRUE(has(db, "func (q *Queries) WithTx(tx pgx.Tx) *Queries {"));

  const auto& m = g["models.go"];
  EXPECT_TRUE(has(m, "type Mood string"));
  EXPECT_TRUE(has(m, "\tMoodHappy Mood = \"happy\"\n\tMoodSad   Mood = \"sad\"\n"));
  EXPECT_TRUE(has(m, "func (e Mood) Valid() bool {"));
  EXPECT_TRUE(has(m, "func AllMoodValues() []Mood {"));
  EXPECT_TRUE(has(m, "type User struct {\n\tID        int64     `json:\"id\"`\n"));
  EXPECT_TRUE(has(m, "\tName      *string   `json:\"name\"`\n"));
  EXPECT_TRUE(has(m, "\tFeeling   *Mood     `json:\"feeling\"`\n"));
  EXPECT_TRUE(has(m, "\tTags      []string  `json:\"tags\"`\n"));
  EXPECT_TRUE(has(m, "\tCreatedAt time.Time `json:\"created_at\"`\n"));

  const auto& u = g["users.sql.go"];
  // SELECT * of one table returns the model; one parameter is a plain argument.
  EXPECT_TRUE(has(u, "func (q *Queries) GetUser(ctx context.Context, id int64) (User, error) {"));
  // One column: a scalar.
  EXPECT_TRUE(has(u, "func (q *Queries) GetEmail(ctx context.Context, id int64) (string, error) {"));
  // Two parameters: a Params struct; two columns: a Row struct; the doc comment is kept.
  EXPECT_TRUE(has(u, "type ListUsersParams struct {\n\tFeeling Mood   `json:\"feeling\"`\n\tEmail   string `json:\"email\"`\n}"));
  EXPECT_TRUE(has(u, "type ListUsersRow struct {"));
  EXPECT_TRUE(has(u, "// Lists users.\nfunc (q *Queries) ListUsers(ctx context.Context, arg ListUsersParams) ([]ListUsersRow, error) {"));
  EXPECT_TRUE(has(u, "func (q *Queries) Rename(ctx context.Context, arg RenameParams) (int64, error) {"));
  EXPECT_TRUE(has(u, "return result.RowsAffected(), nil"));
  EXPECT_TRUE(has(u, "func (q *Queries) Touch(ctx context.Context) (pgconn.CommandTag, error) {"));
  // A PostgreSQL slice is an array parameter.
  EXPECT_TRUE(has(u, "func (q *Queries) Drop(ctx context.Context, ids []int64) error {"));
  EXPECT_TRUE(has(u, "const getUser = `-- name: GetUser :one\nSELECT * FROM users WHERE id = $1\n`"));
}

TEST(GoGenerator, Deterministic) {
  auto a = gen(schema::Dialect::postgresql, kPgSchema, kPgQueries);
  auto b = gen(schema::Dialect::postgresql, kPgSchema, kPgQueries);
  EXPECT_EQ(a.files, b.files);
}

TEST(GoGenerator, SettingsAndDiagnostics) {
  config::GenTarget t;
  t.out = "db/gen/go";  // "go" is a keyword: the package falls back to "db"
  t.settings["json_tags"] = false;
  t.settings["null_style"] = std::string("sql");
  auto g = gen(schema::Dialect::postgresql, kPgSchema, kPgQueries, t);
  EXPECT_TRUE(has(g["db.go"], "package db\n"));
  EXPECT_FALSE(has(g["models.go"], "json:"));
  EXPECT_TRUE(has(g["models.go"], "\tName      pgtype.Text\n"));
  EXPECT_TRUE(has(g["models.go"], "\tFeeling   NullMood\n"));
  EXPECT_TRUE(has(g["models.go"], "func (ns NullMood) Value() (driver.Value, error) {"));

  config::GenTarget p;
  p.settings["package"] = std::string("repo");
  EXPECT_TRUE(has(gen(schema::Dialect::postgresql, kPgSchema, kPgQueries, p)["db.go"], "package repo\n"));

  config::GenTarget bad;
  bad.driver = "pgx/v5";
  auto m = gen(schema::Dialect::mysql, "CREATE TABLE t (id INT PRIMARY KEY);", "-- name: X :exec\nDELETE FROM t;", bad);
  ASSERT_EQ(m.response.diagnostics.size(), 1u);
  EXPECT_EQ(m.response.diagnostics[0].code, "gen.driver");

  bad.driver = "pgx/v6";
  auto u = gen(schema::Dialect::postgresql, kPgSchema, kPgQueries, bad);
  ASSERT_EQ(u.response.diagnostics.size(), 1u);
  EXPECT_EQ(u.response.diagnostics[0].hint.value_or(""), "did you mean `pgx/v5`?");

  // :execlastid has no pgx equivalent: a located error pointing at RETURNING.
  auto l = gen(schema::Dialect::postgresql, kPgSchema, "-- name: Add :execlastid\nINSERT INTO users (email) VALUES ($1);");
  ASSERT_EQ(l.response.diagnostics.size(), 1u);
  EXPECT_EQ(l.response.diagnostics[0].code, "gen.unsupported");
  EXPECT_EQ(l.response.diagnostics[0].location.line, 1);
  EXPECT_TRUE(has(l.response.diagnostics[0].hint.value_or(""), "RETURNING id"));
}

TEST(GoGenerator, SQLiteSliceAndPlaceholders) {
  auto g = gen(schema::Dialect::sqlite,
               "CREATE TABLE items (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, price NUMERIC, blob BLOB);",
               "-- name: ByOwners :many\n"
               "SELECT id, price FROM items WHERE owner = @owner AND id IN (sqlc.slice(ids)) AND owner <> @owner;\n"
               "-- name: Add :execlastid\nINSERT INTO items (owner, blob) VALUES (?, ?);\n");
  ASSERT_TRUE(g.response.diagnostics.empty());
  const auto& u = g["users.sql.go"];
  EXPECT_TRUE(has(u, "package store"));
  // ?NNN placeholders become plain ? bound in order; the named parameter is bound twice.
  EXPECT_TRUE(has(u, "WHERE owner = ? AND id IN (/*SLICE:ids*/?) AND owner <> ?\n"));
  EXPECT_TRUE(has(u, "\tqueryParams = append(queryParams, arg.Owner)\n\tif len(arg.IDs) > 0 {"));
  EXPECT_TRUE(has(u, "query = strings.Replace(query, \"/*SLICE:ids*/?\", strings.Repeat(\",?\", len(arg.IDs))[1:], 1)"));
  EXPECT_TRUE(has(u, "\t}\n\tqueryParams = append(queryParams, arg.Owner)\n\trows, err := q.db.QueryContext(ctx, query, queryParams...)"));
  EXPECT_TRUE(has(u, "\tPrice *string `json:\"price\"`"));
  EXPECT_TRUE(has(u, "return result.LastInsertId()"));
  EXPECT_TRUE(has(g["db.go"], "PrepareContext(context.Context, string) (*sql.Stmt, error)"));
}

TEST(GoGenerator, MySQLBackticksEnumsAndPrepare) {
  config::GenTarget t;
  t.settings["prepare"] = true;
  auto g = gen(schema::Dialect::mysql,
               "CREATE TABLE `order` (id BIGINT AUTO_INCREMENT PRIMARY KEY, status ENUM('new','paid') NOT NULL);",
               "-- name: Paid :many\nSELECT `id` FROM `order` WHERE status = ?;\n"
               "-- name: Some :many\nSELECT id FROM `order` WHERE id IN (sqlc.slice(ids));\n",
               t);
  ASSERT_TRUE(g.response.diagnostics.empty());
  EXPECT_TRUE(has(g["models.go"], "type OrderStatus string"));
  EXPECT_TRUE(has(g["models.go"], "\tOrderStatusNew  OrderStatus = \"new\"\n"));
  const auto& u = g["users.sql.go"];
  EXPECT_TRUE(has(u, "const paid = `-- name: Paid :many\nSELECT ` + \"`\" + `id` + \"`\" + ` FROM ` + \"`\" + `order` + \"`\" + ` WHERE status = ?\n`"));
  EXPECT_TRUE(has(u, "func (q *Queries) Paid(ctx context.Context, status OrderStatus) ([]int64, error) {"));
  EXPECT_TRUE(has(u, "rows, err := q.query(ctx, paid, status)"));
  const auto& db = g["db.go"];
  EXPECT_TRUE(has(db, "func Prepare(ctx context.Context, db DBTX) (*Queries, error) {"));
  // Only static queries are prepared.
  EXPECT_TRUE(has(db, "var preparedQueries = []string{\n\tpaid,\n}\n"));
  EXPECT_TRUE(has(db, "return &Queries{db: tx, tx: tx, stmts: q.stmts}"));
}

// gofmt is the arbiter of formatting: the output must need no changes.
TEST(GoGenerator, GofmtClean) {
  if (std::system("command -v gofmt >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "gofmt not installed";
  const fs::path dir = fs::temp_directory_path() / ("flash_go_gofmt_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  int n = 0;
  auto dump = [&](Generated g) {
    const fs::path d = dir / std::to_string(n++);
    fs::create_directories(d);
    for (const auto& f : g.response.files) std::ofstream(d / f.path, std::ios::binary) << f.content;
  };
  dump(gen(schema::Dialect::postgresql, kPgSchema, kPgQueries));
  config::GenTarget t;
  t.settings["null_style"] = std::string("sql");
  t.settings["json_tags"] = false;
  dump(gen(schema::Dialect::postgresql, kPgSchema, kPgQueries, t));
  config::GenTarget p;
  p.settings["prepare"] = true;
  dump(gen(schema::Dialect::mysql, "CREATE TABLE t (id INT PRIMARY KEY, s ENUM('a','b'), j JSON);",
           "-- name: A :one\nSELECT * FROM t WHERE id = ?;\n-- name: B :many\nSELECT id, j FROM t WHERE id IN (sqlc.slice(ids)) AND s = ?;\n", p));
  const std::string out = (dir / "gofmt.out").string();
  ASSERT_EQ(std::system(("gofmt -l " + dir.string() + " > " + out + " 2>&1").c_str()), 0);
  std::ifstream in(out);
  std::string listed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(listed, "") << "not gofmt-clean";
  fs::remove_all(dir);
}

namespace {

const char* kBulkQueries = R"(
-- name: CopyUsers :copyfrom
INSERT INTO users (email, name) VALUES ($1, $2);

-- name: CopyEmails :copyfrom
INSERT INTO users (email) VALUES ($1);

-- name: GetUsers :batchone
SELECT * FROM users WHERE id = $1;

-- name: ListNamed :batchmany
SELECT id, name FROM users WHERE name = $1;

-- name: Rename :batchexec
UPDATE users SET name = $1 WHERE id = $2;
)";

}  // namespace

TEST(GoGenerator, PgxCopyFromAndBatches) {
  auto g = gen(schema::Dialect::postgresql, kPgSchema, kBulkQueries);
  ASSERT_TRUE(g.response.diagnostics.empty()) << g.response.diagnostics[0].message;
  const std::string& q = g["users.sql.go"];
  EXPECT_TRUE(has(q, "func (q *Queries) CopyUsers(ctx context.Context, arg []CopyUsersParams) (int64, error) {\n"
                     "\treturn q.db.CopyFrom(ctx, []string{\"users\"}, []string{\"email\", \"name\"}, "
                     "&iteratorForCopyUsers{rows: arg})\n}"));
  EXPECT_TRUE(has(q, "func (q *Queries) CopyEmails(ctx context.Context, email []string) (int64, error)"));
  EXPECT_TRUE(has(q, "\t\tr.rows[0],\n"));  // single column: the element itself
  EXPECT_TRUE(has(q, "func (q *Queries) GetUsers(ctx context.Context, id []int64) *GetUsersBatchResults {"));
  EXPECT_TRUE(has(q, "func (b *GetUsersBatchResults) QueryRow(f func(int, User, error)) {"));
  EXPECT_TRUE(has(q, "func (b *ListNamedBatchResults) Query(f func(int, []ListNamedRow, error)) {"));
  EXPECT_TRUE(has(q, "func (q *Queries) Rename(ctx context.Context, arg []RenameParams) *RenameBatchResults {"));
  EXPECT_TRUE(has(q, "func (b *RenameBatchResults) Exec(f func(int, error)) {"));
  EXPECT_TRUE(has(g["db.go"], "\tCopyFrom(ctx context.Context, tableName pgx.Identifier, columnNames []string, "
                              "rowSrc pgx.CopyFromSource) (int64, error)\n"));
  EXPECT_TRUE(has(g["db.go"], "\tSendBatch(context.Context, *pgx.Batch) pgx.BatchResults\n"));
  EXPECT_TRUE(has(g["batch.go"], "var ErrBatchAlreadyClosed = errors.New(\"batch already closed\")"));

  // Without bulk kinds DBTX keeps the three methods only.
  auto plain = gen(schema::Dialect::postgresql, kPgSchema, kPgQueries);
  EXPECT_FALSE(has(plain["db.go"], "CopyFrom"));
  EXPECT_FALSE(has(plain["db.go"], "SendBatch"));
  EXPECT_EQ(plain.files.count("batch.go"), 0u);
}

TEST(GoGenerator, DatabaseSQLCopyFromChunksAndBatchesAreUnsupported) {
  const char* ddl = "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT);";
  auto g = gen(schema::Dialect::sqlite, ddl, "-- name: CopyUsers :copyfrom\nINSERT INTO users (email, name) VALUES (?, ?);\n");
  ASSERT_TRUE(g.response.diagnostics.empty());
  const std::string& q = g["users.sql.go"];
  EXPECT_TRUE(has(q, "const copyUsersInsert = \"INSERT INTO \\\"users\\\" (\\\"email\\\", \\\"name\\\") VALUES \""));
  EXPECT_TRUE(has(q, "\tconst chunk = 16383\n"));  // 32766 parameters / 2 columns
  EXPECT_TRUE(has(q, "strings.Repeat(\", (?, ?)\", n)[2:]"));
  EXPECT_TRUE(has(q, "q.db.ExecContext(ctx, query, queryParams...)"));

  auto b = gen(schema::Dialect::sqlite, ddl, "-- name: GetUsers :batchone\nSELECT * FROM users WHERE id = ?;\n");
  ASSERT_EQ(b.response.diagnostics.size(), 1u);
  EXPECT_EQ(b.response.diagnostics[0].code, "gen.unsupported");
  EXPECT_TRUE(b.response.diagnostics[0].hint.has_value());

  // A :copyfrom value that is not a parameter is reported at the query.
  auto bad = gen(schema::Dialect::sqlite, ddl, "-- name: CopyUsers :copyfrom\nINSERT INTO users (email, name) VALUES (?, 'x');\n");
  ASSERT_EQ(bad.response.diagnostics.size(), 1u);
  EXPECT_EQ(bad.response.diagnostics[0].code, "gen.copyfrom");
}

// The same table name in two schemas (MySQL databases): two models that must not share a Go name.
// Proven by compiling the package (database/sql needs nothing beyond the standard library).
TEST(GoGenerator, SameTableNameInTwoSchemasCompiles) {
  auto g = gen(schema::Dialect::mysql,
               "CREATE SCHEMA app; CREATE SCHEMA audit;\n"
               "CREATE TABLE app.users (id BIGINT PRIMARY KEY, name VARCHAR(50) NOT NULL);\n"
               "CREATE TABLE audit.users (id BIGINT PRIMARY KEY, changed_at DATETIME NOT NULL);\n"
               "CREATE TABLE status (id INT PRIMARY KEY, state ENUM('a','b') NOT NULL);\n"
               "CREATE TABLE status_states (id INT PRIMARY KEY);\n",
               "-- name: AppUsers :many\nSELECT * FROM app.users;\n"
               "-- name: AuditUsers :many\nSELECT * FROM audit.users;\n"
               "-- name: Statuses :many\nSELECT * FROM status;\n");
  ASSERT_TRUE(g.response.diagnostics.empty());
  const auto& m = g["models.go"];
  EXPECT_TRUE(has(m, "type AppUser struct")) << m;
  EXPECT_TRUE(has(m, "type AuditUser struct")) << m;
  // The inline enum StatusState and the table status_states: the table's model gets a number.
  EXPECT_TRUE(has(m, "type StatusState string")) << m;
  EXPECT_TRUE(has(m, "type StatusState2 struct")) << m;
  if (std::system("command -v go >/dev/null 2>&1") != 0) GTEST_SKIP() << "go not installed";
  const fs::path dir = fs::temp_directory_path() / ("flash_go_schemas_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "internal/store");
  std::ofstream(dir / "go.mod") << "module example.com/schemas\n\ngo 1.21\n";
  for (const auto& [path, content] : g.files) std::ofstream(dir / "internal/store" / path) << content;
  const std::string out = (dir / "build.out").string();
  const int rc = std::system(("cd " + dir.string() + " && GOFLAGS=-mod=mod GOPROXY=off go build ./... > " + out +
                              " 2>&1").c_str());
  std::ifstream in(out);
  const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rc, 0) << log;
  fs::remove_all(dir);
}

// The analyzer over a hand-built PostgreSQL catalog: result columns (names, categories,
// nullability), parameters (names, types, nullability), and located errors with hints.
#include <gtest/gtest.h>

#include "flash/query/analyze.hpp"
#include "flash/query/file.hpp"

using namespace flash;
using query::Kind;
using schema::TypeCategory;

namespace {

schema::Column col(std::string name, std::string type, bool nullable, int dims = 0) {
  schema::Column c;
  c.name = std::move(name);
  c.type.name = std::move(type);
  c.type.array_dims = dims;
  c.nullable = nullable;
  return c;
}

schema::Schema catalog() {
  schema::Schema s;
  s.dialect = schema::Dialect::postgresql;
  s.enums.push_back({"", "mood", {"happy", "sad"}, {}});
  schema::Table users;
  users.name = "users";
  users.columns = {col("id", "bigint", false),         col("name", "text", false),
                   col("email", "text", false),        col("bio", "text", true),
                   col("org_id", "integer", true),     col("created_at", "timestamptz", false),
                   col("tags", "text", true, 1),       col("mood", "mood", false)};
  users.primary_key = schema::PrimaryKey{"", {"id"}};
  schema::Table orgs;
  orgs.name = "orgs";
  orgs.columns = {col("id", "integer", false), col("name", "text", false)};
  schema::Table posts;
  posts.name = "posts";
  posts.columns = {col("id", "bigint", false),   col("user_id", "bigint", false), col("title", "varchar", true),
                   col("body", "text", false),   col("score", "numeric", true),   col("meta", "jsonb", true),
                   col("views", "integer", false)};
  s.tables = {users, orgs, posts};
  schema::RawStatement fn;
  fn.kind = "function";
  fn.name = "user_score";
  fn.sql = "CREATE FUNCTION user_score(uid bigint) RETURNS numeric AS $$ SELECT 1 $$ LANGUAGE sql";
  s.raw.push_back(fn);
  schema::RawStatement fn2;
  fn2.kind = "function";
  fn2.name = "org_members";
  fn2.sql = "CREATE FUNCTION org_members(oid integer) RETURNS SETOF users AS $$ SELECT 1 $$ LANGUAGE sql";
  s.raw.push_back(fn2);
  schema::View v;
  v.name = "user_names";
  v.query = "SELECT u.id, u.name, o.name AS org FROM users u LEFT JOIN orgs o ON o.id = u.org_id";
  s.views.push_back(v);
  s.sequences.push_back({"", "ticket_seq", ""});
  return s;
}

struct Result {
  query::AnalyzedQueries aq;
  diag::Diagnostics diags;
  const query::Query& q(std::size_t i = 0) const { return aq.queries.at(i); }
  std::string errors() const {
    std::string out;
    for (const auto& d : diags)
      if (d.severity == diag::Severity::error) out += d.code + ": " + d.message + "\n";
    return out;
  }
};

Result run(const std::string& text) {
  Result r;
  r.aq = query::analyze_queries(catalog(), {{"db/queries/q.sql", text}}, r.diags);
  return r;
}

// One query that must analyse cleanly.
query::Query one(const std::string& text) {
  Result r = run(text);
  EXPECT_EQ(r.errors(), "") << text;
  EXPECT_EQ(r.aq.queries.size(), 1u) << text;
  if (r.aq.queries.empty()) return {};
  return r.q();
}

void expect_col(const query::Query& q, std::size_t i, const std::string& name, TypeCategory cat, bool nullable,
                int dims = 0) {
  ASSERT_LT(i, q.columns.size()) << q.name;
  const auto& c = q.columns[i];
  EXPECT_EQ(c.name, name) << q.name << " column " << i;
  EXPECT_EQ(c.type.category, cat) << q.name << " column " << name << " is " << schema::to_string(c.type.category);
  EXPECT_EQ(c.nullable, nullable) << q.name << " column " << name;
  EXPECT_EQ(c.type.array_dims, dims) << q.name << " column " << name;
}

void expect_param(const query::Query& q, std::size_t i, const std::string& name, TypeCategory cat, bool nullable,
                  int dims = 0) {
  ASSERT_LT(i, q.params.size()) << q.name;
  const auto& p = q.params[i];
  EXPECT_EQ(p.number, static_cast<int>(i) + 1);
  EXPECT_EQ(p.name, name) << q.name << " param " << i;
  EXPECT_EQ(p.type.category, cat) << q.name << " param " << name << " is " << schema::to_string(p.type.category);
  EXPECT_EQ(p.nullable, nullable) << q.name << " param " << name;
  EXPECT_EQ(p.type.array_dims, dims) << q.name << " param " << name;
}

const diag::Diagnostic* find_diag(const Result& r, const std::string& code) {
  for (const auto& d : r.diags)
    if (d.code == code) return &d;
  return nullptr;
}

}  // namespace

TEST(Analyze, SelectStarWholeTable) {
  auto q = one("-- name: GetUser :one\nSELECT * FROM users WHERE id = $1;\n");
  EXPECT_EQ(q.kind, Kind::one);
  ASSERT_EQ(q.columns.size(), 8u);
  expect_col(q, 0, "id", TypeCategory::int64, false);
  expect_col(q, 3, "bio", TypeCategory::text, true);
  expect_col(q, 6, "tags", TypeCategory::text, true, 1);
  expect_col(q, 7, "mood", TypeCategory::enum_, false);
  EXPECT_EQ(q.columns[7].type.enum_name, "mood");
  EXPECT_EQ(q.columns[7].type.enum_values, (std::vector<std::string>{"happy", "sad"}));
  EXPECT_EQ(q.columns[0].table, "users");
  EXPECT_EQ(q.returns_table, "users");
  ASSERT_EQ(q.params.size(), 1u);
  expect_param(q, 0, "id", TypeCategory::int64, false);
  EXPECT_EQ(q.sql, "SELECT * FROM users WHERE id = $1");
}

TEST(Analyze, JoinsOfEveryKind) {
  auto inner = one("-- name: J :many\nSELECT u.name, o.name AS org FROM users u JOIN orgs o ON o.id = u.org_id;");
  expect_col(inner, 0, "name", TypeCategory::text, false);
  expect_col(inner, 1, "org", TypeCategory::text, false);
  EXPECT_EQ(inner.returns_table, "");

  auto left = one("-- name: J :many\nSELECT u.id, o.name FROM users u LEFT JOIN orgs o ON o.id = u.org_id;");
  expect_col(left, 0, "id", TypeCategory::int64, false);
  expect_col(left, 1, "name", TypeCategory::text, true);

  auto right = one("-- name: J :many\nSELECT u.id, o.name FROM users u RIGHT OUTER JOIN orgs o ON o.id = u.org_id;");
  expect_col(right, 0, "id", TypeCategory::int64, true);
  expect_col(right, 1, "name", TypeCategory::text, false);

  auto full = one("-- name: J :many\nSELECT u.id, o.id AS oid FROM users u FULL JOIN orgs o ON o.id = u.org_id;");
  expect_col(full, 0, "id", TypeCategory::int64, true);
  expect_col(full, 1, "oid", TypeCategory::int32, true);

  auto cross = one("-- name: J :many\nSELECT u.id, o.id AS oid FROM users u CROSS JOIN orgs o;");
  expect_col(cross, 1, "oid", TypeCategory::int32, false);

  auto comma = one("-- name: J :many\nSELECT p.title, u.email FROM posts p, users u WHERE p.user_id = u.id;");
  expect_col(comma, 0, "title", TypeCategory::text, true);
  expect_col(comma, 1, "email", TypeCategory::text, false);
}

TEST(Analyze, UsingAndNaturalMergeColumns) {
  // USING (id): `*` shows id once, then the other columns of each side.
  auto q = one("-- name: U :many\nSELECT * FROM users JOIN orgs USING (id);");
  ASSERT_EQ(q.columns.size(), 9u);
  expect_col(q, 0, "id", TypeCategory::int64, false);
  expect_col(q, 1, "name", TypeCategory::text, false);
  expect_col(q, 8, "name", TypeCategory::text, false);
  // An unqualified reference to a USING column is not ambiguous.
  auto w = one("-- name: U :many\nSELECT id FROM users LEFT JOIN orgs USING (id) WHERE id > $1;");
  expect_col(w, 0, "id", TypeCategory::int64, false);
  expect_param(w, 0, "id", TypeCategory::int64, false);
  auto n = one("-- name: N :many\nSELECT * FROM users NATURAL JOIN orgs;");
  ASSERT_EQ(n.columns.size(), 8u);  // id and name merged
  expect_col(n, 0, "id", TypeCategory::int64, false);
  expect_col(n, 1, "name", TypeCategory::text, false);
}

TEST(Analyze, CtesAndRecursiveCtes) {
  auto q = one(
      "-- name: C :many\n"
      "WITH active AS (SELECT id, name FROM users WHERE bio IS NOT NULL)\n"
      "SELECT a.name, p.title FROM active a JOIN posts p ON p.user_id = a.id;");
  expect_col(q, 0, "name", TypeCategory::text, false);
  expect_col(q, 1, "title", TypeCategory::text, true);

  auto r = one(
      "-- name: R :many\n"
      "WITH RECURSIVE nums(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM nums WHERE n < $1)\n"
      "SELECT n FROM nums;");
  expect_col(r, 0, "n", TypeCategory::int32, false);
  expect_param(r, 0, "n", TypeCategory::int32, false);
}

TEST(Analyze, Subqueries) {
  auto q = one(
      "-- name: S :many\n"
      "SELECT u.id, (SELECT count(*) FROM posts p WHERE p.user_id = u.id) AS n,\n"
      "       EXISTS (SELECT 1 FROM posts p WHERE p.user_id = u.id) AS has_posts,\n"
      "       t.total\n"
      "FROM users u JOIN (SELECT user_id, sum(views) AS total FROM posts GROUP BY user_id) t ON t.user_id = u.id\n"
      "WHERE u.id IN (SELECT user_id FROM posts WHERE title = $1);");
  expect_col(q, 0, "id", TypeCategory::int64, false);
  expect_col(q, 1, "n", TypeCategory::int64, false);  // an aggregate subquery always yields a row
  expect_col(q, 2, "has_posts", TypeCategory::boolean, false);
  expect_col(q, 3, "total", TypeCategory::int64, true);  // sum(integer) is bigint, NULL over no rows
  expect_param(q, 0, "title", TypeCategory::text, false);
  auto m = one("-- name: M :one\nSELECT (SELECT body FROM posts WHERE posts.user_id = users.id LIMIT 1) AS t,\n"
               "       (SELECT max(body) FROM posts) AS b FROM users;");
  expect_col(m, 0, "t", TypeCategory::text, true);  // may find no row
  expect_col(m, 1, "b", TypeCategory::text, true);  // max over no rows is NULL
}

TEST(Analyze, Aggregates) {
  auto q = one(
      "-- name: A :one\n"
      "SELECT count(*), count(bio) AS with_bio, sum(posts.id) AS s, avg(views) AS a, min(created_at) AS first,\n"
      "       max(title) AS last, coalesce(sum(views), 0) AS total, bool_or(views > 1) AS any_views,\n"
      "       array_agg(name) AS names, string_agg(name, ',') AS joined\n"
      "FROM posts JOIN users ON users.id = posts.user_id;");
  expect_col(q, 0, "count", TypeCategory::int64, false);
  expect_col(q, 1, "with_bio", TypeCategory::int64, false);
  expect_col(q, 2, "s", TypeCategory::decimal, true);  // sum(bigint) is numeric
  expect_col(q, 3, "a", TypeCategory::decimal, true);
  expect_col(q, 4, "first", TypeCategory::timestamptz, true);
  expect_col(q, 5, "last", TypeCategory::text, true);
  expect_col(q, 6, "total", TypeCategory::int64, false);
  expect_col(q, 7, "any_views", TypeCategory::boolean, true);
  expect_col(q, 8, "names", TypeCategory::text, true, 1);
  expect_col(q, 9, "joined", TypeCategory::text, true);
}

TEST(Analyze, ExpressionsCastsCaseJson) {
  auto q = one(
      "-- name: E :many\n"
      "SELECT id::text AS sid, CAST(views AS bigint) AS v, score * 2 AS dbl, views + 1 AS inc,\n"
      "       CASE WHEN views > 10 THEN 'hot' ELSE 'cold' END AS heat,\n"
      "       CASE WHEN views > 10 THEN title END AS maybe,\n"
      "       meta->>'k' AS k, meta->'o' AS o, lower(body) AS lb, upper(title) AS ut,\n"
      "       now() AS ts, length(body) AS len, $1::int AS lit, ARRAY[1, 2] AS arr, title IS NULL AS untitled\n"
      "FROM posts;");
  expect_col(q, 0, "sid", TypeCategory::text, false);
  expect_col(q, 1, "v", TypeCategory::int64, false);
  expect_col(q, 2, "dbl", TypeCategory::decimal, true);
  expect_col(q, 3, "inc", TypeCategory::int32, false);
  expect_col(q, 4, "heat", TypeCategory::text, false);
  expect_col(q, 5, "maybe", TypeCategory::text, true);
  expect_col(q, 6, "k", TypeCategory::text, true);
  expect_col(q, 7, "o", TypeCategory::json, true);
  expect_col(q, 8, "lb", TypeCategory::text, false);
  expect_col(q, 9, "ut", TypeCategory::text, true);
  expect_col(q, 10, "ts", TypeCategory::timestamptz, false);
  expect_col(q, 11, "len", TypeCategory::int32, false);
  expect_col(q, 12, "lit", TypeCategory::int32, false);
  expect_col(q, 13, "arr", TypeCategory::int32, false, 1);
  expect_col(q, 14, "untitled", TypeCategory::boolean, false);
  expect_param(q, 0, "param_1", TypeCategory::int32, false);
}

TEST(Analyze, UnionCombinesNullability) {
  auto q = one("-- name: U :many\nSELECT name, bio FROM users UNION ALL SELECT name, name FROM orgs ORDER BY name;");
  ASSERT_EQ(q.columns.size(), 2u);
  expect_col(q, 0, "name", TypeCategory::text, false);
  expect_col(q, 1, "bio", TypeCategory::text, true);
}

TEST(Analyze, InsertMultiRowValuesNamesParams) {
  auto q = one("-- name: Ins :exec\nINSERT INTO users (name, email, bio) VALUES ($1, $2, $3), ($4, $5, $6);");
  EXPECT_EQ(q.columns.size(), 0u);
  ASSERT_EQ(q.params.size(), 6u);
  expect_param(q, 0, "name", TypeCategory::text, false);
  expect_param(q, 1, "email", TypeCategory::text, false);
  expect_param(q, 2, "bio", TypeCategory::text, true);  // a nullable column accepts NULL
  expect_param(q, 3, "name_2", TypeCategory::text, false);
  expect_param(q, 5, "bio_2", TypeCategory::text, true);
}

TEST(Analyze, UpsertWithReturning) {
  auto q = one(
      "-- name: Upsert :one\n"
      "INSERT INTO users (id, name, email, mood) VALUES ($1, $2, $3, $4)\n"
      "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, bio = $5\n"
      "RETURNING id, name, created_at;");
  ASSERT_EQ(q.columns.size(), 3u);
  expect_col(q, 2, "created_at", TypeCategory::timestamptz, false);
  expect_param(q, 3, "mood", TypeCategory::enum_, false);
  EXPECT_EQ(q.params[3].type.enum_name, "mood");
  expect_param(q, 4, "bio", TypeCategory::text, true);
  auto n = one("-- name: Ignore :exec\nINSERT INTO orgs (id, name) SELECT id, name FROM orgs ON CONFLICT DO NOTHING;");
  EXPECT_TRUE(n.params.empty());
}

TEST(Analyze, InsertSelectTypesParamsFromColumns) {
  auto q = one("-- name: Copy :exec\nINSERT INTO orgs (id, name) SELECT $1, name FROM users WHERE id = $2;");
  expect_param(q, 0, "id", TypeCategory::int32, false);
  expect_param(q, 1, "id_2", TypeCategory::int64, false);
}

TEST(Analyze, UpdateAndDelete) {
  auto u = one(
      "-- name: SetBio :one\n"
      "UPDATE users SET bio = $1, org_id = o.id FROM orgs o WHERE o.name = $2 AND users.id = $3\n"
      "RETURNING users.id, bio;");
  expect_param(u, 0, "bio", TypeCategory::text, true);
  expect_param(u, 1, "name", TypeCategory::text, false);
  expect_param(u, 2, "id", TypeCategory::int64, false);
  expect_col(u, 1, "bio", TypeCategory::text, true);

  auto d = one("-- name: Del :execrows\nDELETE FROM posts p USING users u WHERE p.user_id = u.id AND u.email = $1;");
  expect_param(d, 0, "email", TypeCategory::text, false);
  EXPECT_EQ(d.kind, Kind::execrows);

  auto dr = one("-- name: DelRet :many\nDELETE FROM posts WHERE id = ANY($1::bigint[]) RETURNING *;");
  expect_param(dr, 0, "id", TypeCategory::int64, false, 1);
  EXPECT_EQ(dr.returns_table, "posts");
}

TEST(Analyze, ParamContexts) {
  auto q = one(
      "-- name: P :many\n"
      "SELECT id FROM users\n"
      "WHERE created_at BETWEEN $1 AND $2 AND org_id IN ($3, $4) AND name LIKE $5\n"
      "  AND lower(email) = lower($6) AND id = ANY($7)\n"
      "ORDER BY id LIMIT $8 OFFSET $9;");
  expect_param(q, 0, "created_at", TypeCategory::timestamptz, false);
  expect_param(q, 1, "created_at_2", TypeCategory::timestamptz, false);
  expect_param(q, 2, "org_id", TypeCategory::int32, false);
  expect_param(q, 3, "org_id_2", TypeCategory::int32, false);
  expect_param(q, 4, "name", TypeCategory::text, false);
  expect_param(q, 5, "lower", TypeCategory::text, false);
  expect_param(q, 6, "id", TypeCategory::int64, false, 1);
  expect_param(q, 7, "limit", TypeCategory::int64, false);
  expect_param(q, 8, "offset", TypeCategory::int64, false);
}

TEST(Analyze, NamedParamsSliceNargEmbed) {
  auto q = one(
      "-- name: F :many\n"
      "SELECT sqlc.embed(users), orgs.name FROM users JOIN orgs ON orgs.id = users.org_id\n"
      "WHERE users.name = @name AND bio = sqlc.narg(bio) AND users.id = ANY(sqlc.slice(ids))\n"
      "  AND (sqlc.narg(org)::int IS NULL OR org_id = sqlc.narg(org));");
  EXPECT_EQ(q.sql.find("sqlc"), std::string::npos);
  ASSERT_EQ(q.columns.size(), 9u);
  EXPECT_EQ(q.columns[0].embed_table, "users");
  EXPECT_EQ(q.columns[7].embed_table, "users");
  EXPECT_EQ(q.columns[8].embed_table, "");
  expect_param(q, 0, "name", TypeCategory::text, false);
  expect_param(q, 1, "bio", TypeCategory::text, true);
  expect_param(q, 2, "ids", TypeCategory::int64, false, 1);
  EXPECT_TRUE(q.params[2].is_slice);
  expect_param(q, 3, "org", TypeCategory::int32, true);
}

TEST(Analyze, ParamTestedForNullIsNullable) {
  auto q = one("-- name: Opt :many\nSELECT id FROM users WHERE ($1::int IS NULL OR org_id = $1) AND name = $2;");
  expect_param(q, 0, "org_id", TypeCategory::int32, true);
  expect_param(q, 1, "name", TypeCategory::text, false);
}

TEST(Analyze, FunctionsFromTableAndSchema) {
  Result r = run("-- name: F :many\nSELECT user_score(id) AS s, mystery(id) AS m FROM users WHERE id = $1;");
  ASSERT_EQ(r.errors(), "");
  ASSERT_EQ(r.aq.queries.size(), 1u);
  expect_col(r.q(), 0, "s", TypeCategory::decimal, true);
  expect_col(r.q(), 1, "m", TypeCategory::other, true);
  const diag::Diagnostic* w = find_diag(r, "query.unknown-function");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->severity, diag::Severity::warning);
  Result typo = run("-- name: T :many\nSELECT lowr(name) FROM users;");
  const diag::Diagnostic* t = find_diag(typo, "query.unknown-function");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->hint.value_or(""), "did you mean `lower`?");
  EXPECT_EQ(t->location.column, 8);
}

TEST(Analyze, ViewsSequencesAndSetReturningFunctions) {
  auto v = one("-- name: V :many\nSELECT * FROM user_names WHERE org = $1;");
  ASSERT_EQ(v.columns.size(), 3u);
  expect_col(v, 0, "id", TypeCategory::int64, false);
  expect_col(v, 2, "org", TypeCategory::text, true);
  expect_param(v, 0, "org", TypeCategory::text, false);

  auto s = one("-- name: S :one\nSELECT last_value, nextval('ticket_seq') AS next FROM ticket_seq;");
  expect_col(s, 0, "last_value", TypeCategory::int64, false);
  expect_col(s, 1, "next", TypeCategory::int64, false);

  auto f = one("-- name: F :many\nSELECT m.email FROM org_members($1) m;");
  expect_col(f, 0, "email", TypeCategory::text, false);
  expect_param(f, 0, "oid", TypeCategory::int32, false);  // the function's parameter name

  auto g = one("-- name: G :many\nSELECT g, x.key FROM generate_series(1, $1) AS g, jsonb_each('{}'::jsonb) AS x;");
  expect_col(g, 0, "g", TypeCategory::int32, false);
  expect_col(g, 1, "key", TypeCategory::text, false);
  expect_param(g, 0, "generate_series", TypeCategory::int32, false);
}

TEST(Analyze, WindowFunctionsAndFilters) {
  auto q = one(
      "-- name: W :many\n"
      "SELECT user_id, row_number() OVER (PARTITION BY user_id ORDER BY id) AS rn,\n"
      "       lag(title) OVER (ORDER BY id) AS prev, count(*) FILTER (WHERE views > $1) AS popular\n"
      "FROM posts GROUP BY user_id, id;");
  expect_col(q, 1, "rn", TypeCategory::int64, false);
  expect_col(q, 2, "prev", TypeCategory::text, true);
  expect_col(q, 3, "popular", TypeCategory::int64, false);
  expect_param(q, 0, "views", TypeCategory::int32, false);
}

TEST(Analyze, ReturningOldAndNew) {
  auto q = one("-- name: R :one\nUPDATE users SET name = $1 WHERE id = $2 RETURNING old.name AS before, new.name AS after;");
  expect_col(q, 0, "before", TypeCategory::text, false);
  expect_col(q, 1, "after", TypeCategory::text, false);
}

TEST(Analyze, DocCommentsAndRequired) {
  auto q = one(
      "-- Finds users by bio.\n"
      "-- @required bio\n"
      "-- name: ByBio :many\n"
      "-- Second line of docs.\n"
      "SELECT id FROM users -- trailing comment kept\n"
      "WHERE bio IS NOT DISTINCT FROM $1;");
  EXPECT_EQ(q.comments, (std::vector<std::string>{"Finds users by bio.", "Second line of docs."}));
  EXPECT_NE(q.source_sql.find("-- trailing comment kept"), std::string::npos);
  expect_param(q, 0, "bio", TypeCategory::text, false);  // nullable by use, but @required
  EXPECT_EQ(q.loc.line, 3);
}

TEST(Analyze, KindsAndDuplicateParamNames) {
  Result r = run(
      "-- name: A :execresult\nUPDATE users SET name = $1 WHERE id = $2;\n"
      "-- name: B :execlastid\nINSERT INTO orgs (id, name) VALUES (@id, @name);\n"
      "-- name: C :batchexec\nDELETE FROM orgs WHERE id = $1;\n");
  ASSERT_EQ(r.errors(), "");
  ASSERT_EQ(r.aq.queries.size(), 3u);
  EXPECT_EQ(r.q(0).kind, Kind::execresult);
  EXPECT_EQ(r.q(1).kind, Kind::execlastid);
  EXPECT_EQ(r.q(2).kind, Kind::batchexec);
  EXPECT_EQ(r.q(1).sql, "INSERT INTO orgs (id, name) VALUES ($1, $2)");
}

// ---- errors ---------------------------------------------------------------------------------

TEST(AnalyzeErrors, UnknownColumnWithHintAndLocation) {
  Result r = run("-- name: GetUser :one\nSELECT id, emial\nFROM users;\n");
  EXPECT_TRUE(r.aq.queries.empty());
  const diag::Diagnostic* d = find_diag(r, "query.unknown-column");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->location.file, "db/queries/q.sql");
  EXPECT_EQ(d->location.line, 2);
  EXPECT_EQ(d->location.column, 12);
  EXPECT_EQ(d->location.length, 5);
  ASSERT_TRUE(d->hint.has_value());
  EXPECT_EQ(*d->hint, "did you mean `users.email`?");
}

TEST(AnalyzeErrors, LocationsSurviveParamRewriting) {
  // sqlc.arg(...) is rewritten to $1 before parsing; the error must still point at `nmae`.
  Result r = run("-- name: X :many\nSELECT id FROM users WHERE email = sqlc.arg(email) AND nmae = 'x';");
  const diag::Diagnostic* d = find_diag(r, "query.unknown-column");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->location.line, 2);
  EXPECT_EQ(d->location.column, 56);
}

TEST(AnalyzeErrors, UnknownTableWithHint) {
  Result r = run("-- name: X :many\nSELECT * FROM user_s;");
  const diag::Diagnostic* d = find_diag(r, "query.unknown-table");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->location.line, 2);
  EXPECT_EQ(d->location.column, 15);
  ASSERT_TRUE(d->hint.has_value());
  EXPECT_NE(d->hint->find("users"), std::string::npos);
}

TEST(AnalyzeErrors, AmbiguousColumn) {
  Result r = run("-- name: X :many\nSELECT name FROM users JOIN orgs ON orgs.id = users.org_id;");
  const diag::Diagnostic* d = find_diag(r, "query.ambiguous-column");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->location.column, 8);
  ASSERT_TRUE(d->hint.has_value());
  EXPECT_NE(d->hint->find("users.name"), std::string::npos);
}

TEST(AnalyzeErrors, UnknownInsertAndUpdateColumns) {
  Result r = run("-- name: X :exec\nINSERT INTO orgs (id, nam) VALUES ($1, $2);\n"
                 "-- name: Y :exec\nUPDATE orgs SET nane = $1;\n");
  int n = 0;
  for (const auto& d : r.diags)
    if (d.code == "query.unknown-column") {
      ++n;
      ASSERT_TRUE(d.hint.has_value());
      EXPECT_NE(d.hint->find("name"), std::string::npos);
    }
  EXPECT_EQ(n, 2);
  EXPECT_TRUE(r.aq.queries.empty());
}

TEST(AnalyzeErrors, ParameterGap) {
  Result r = run("-- name: X :many\nSELECT id FROM users WHERE id = $1 OR id = $3;");
  const diag::Diagnostic* d = find_diag(r, "query.param");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->message.find("$2"), std::string::npos);
  EXPECT_EQ(d->location.column, 44);
}

TEST(AnalyzeErrors, KindMismatch) {
  Result r = run("\n-- name: X :one\nUPDATE users SET name = $1;");
  const diag::Diagnostic* d = find_diag(r, "query.kind");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->location.line, 2);
  ASSERT_TRUE(d->hint.has_value());
  EXPECT_NE(d->hint->find("RETURNING"), std::string::npos);
}

TEST(AnalyzeErrors, SyntaxErrorLocated) {
  Result r = run("-- name: X :many\nSELECT id FROM users WHERE;");
  const diag::Diagnostic* d = find_diag(r, "query.syntax");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->location.line, 2);
  EXPECT_EQ(d->location.column, 27);
}

TEST(AnalyzeErrors, SqlcMisuse) {
  Result r = run("-- name: X :many\nSELECT id FROM users WHERE id = sqlc.argh(x);");
  const diag::Diagnostic* d = find_diag(r, "query.param");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->message, "function \"sqlc.argh\" does not exist");
  EXPECT_EQ(d->location.column, 33);
}

TEST(AnalyzeErrors, ParamUsedWithTwoTypes) {
  Result r = run("-- name: X :exec\nUPDATE users SET mood = $1 WHERE created_at > $1;");
  EXPECT_NE(find_diag(r, "query.param"), nullptr);
}

TEST(QueryFile, Annotations) {
  diag::Diagnostics d;
  auto blocks = query::read_query_file(
      {"q.sql",
       "-- name: A :one\nSELECT 1;\n\n/* name: B :many */\nSELECT 2;\n-- name: C :exce\nSELECT 3;\n-- name:  :one\nSELECT 4;\n"
       "-- name: D\nSELECT 5;\n-- name: A :exec\nSELECT 6;\n"},
      schema::Dialect::postgresql, d);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].name, "A");
  EXPECT_EQ(blocks[0].sql, "SELECT 1");
  EXPECT_EQ(blocks[1].name, "B");
  EXPECT_EQ(blocks[1].kind, Kind::many);
  EXPECT_EQ(blocks[1].loc.line, 4);
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[0].message, "unknown query kind `:exce`");
  EXPECT_EQ(d[0].location.line, 6);
  EXPECT_EQ(d[0].location.column, 12);
  EXPECT_EQ(d[0].hint.value_or(""), "did you mean `:exec`?");
  EXPECT_EQ(d[1].location.line, 8);   // no name
  EXPECT_EQ(d[2].location.line, 10);  // no kind
  EXPECT_NE(d[3].message.find("used twice"), std::string::npos);
}

TEST(QueryFile, MissingSemicolonAtEnd) {
  // As in sqlc: PostgreSQL requires the last statement of a file to end with ';'
  // (corpus: missing_semicolon); MySQL and SQLite accept it (func_call_cast, selectstatic).
  const std::string text = "-- name: A :one\nSELECT 1;\n-- name: B :one\nSELECT 2\n\n";
  diag::Diagnostics d;
  auto blocks = query::read_query_file({"q.sql", text}, schema::Dialect::postgresql, d);
  EXPECT_EQ(blocks.size(), 1u);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "missing semicolon at end of file");
  EXPECT_EQ(d[0].location.line, 4);
  for (auto dialect : {schema::Dialect::mysql, schema::Dialect::sqlite}) {
    diag::Diagnostics d2;
    auto b2 = query::read_query_file({"q.sql", text}, dialect, d2);
    EXPECT_TRUE(d2.empty());
    ASSERT_EQ(b2.size(), 2u);
    EXPECT_EQ(b2[1].sql, "SELECT 2");
  }
}

TEST(Analyze, MysqlNamedParamUsedTwiceTakesTheKnownType) {
  // `sqlc.narg(x) IS NULL OR col = sqlc.narg(x)` on MySQL: two `?` placeholders, one parameter;
  // the IS NULL use says nothing about the type, the comparison does.
  schema::Schema s = catalog();
  s.dialect = schema::Dialect::mysql;
  s.enums.clear();
  for (auto& t : s.tables) std::erase_if(t.columns, [](const schema::Column& c) { return c.name == "mood" || c.name == "tags"; });
  diag::Diagnostics d;
  auto aq = query::analyze_queries(
      s, {{"q.sql", "-- name: F :many\nSELECT id FROM users WHERE (sqlc.narg(bio) IS NULL OR bio = sqlc.narg(bio))"
                    " AND (sqlc.narg(other) IS NULL);\n"}},
      d);
  ASSERT_TRUE(d.empty()) << d.front().message;
  const query::Query& q = aq.queries.at(0);
  ASSERT_EQ(q.params.size(), 2u);
  EXPECT_EQ(q.params[0].name, "bio");
  EXPECT_EQ(q.params[0].type.category, TypeCategory::text);
  EXPECT_TRUE(q.params[0].nullable);
  EXPECT_EQ(q.params[1].name, "other");
  EXPECT_EQ(q.params[1].type.category, TypeCategory::other);  // nothing says what it is
  EXPECT_EQ(q.bind_order, (std::vector<int>{0, 0, 1}));
}

TEST(Analyze, PostgresMathFunctionsFollowTheirOverloads) {
  // sqrt/exp/ln/log/power exist for numeric and double precision (found by gen --verify).
  auto q = one(
      "-- name: M :one\n"
      "SELECT sqrt(score) AS r, power(score, 2) AS p, ln(id) AS l, exp(score::float8) AS e\n"
      "FROM posts;");
  expect_col(q, 0, "r", TypeCategory::decimal, true);
  expect_col(q, 1, "p", TypeCategory::decimal, true);
  expect_col(q, 2, "l", TypeCategory::float64, false);
  expect_col(q, 3, "e", TypeCategory::float64, true);
}

TEST(Analyze, PostgresInheritedColumnsComeFirst) {
  // CREATE TABLE person (first_name text NOT NULL, name text NOT NULL) INHERITS (party):
  // SELECT * shows party's columns, then person's own; a redeclared column merges.
  schema::Schema s = catalog();
  schema::Table party;
  party.name = "party";
  party.columns = {col("party_id", "uuid", false), col("name", "text", true)};
  schema::Table person;
  person.name = "person";
  person.columns = {col("first_name", "text", false), col("name", "text", false)};
  person.options["inherits"] = "public.party";
  s.tables.push_back(party);
  s.tables.push_back(person);
  diag::Diagnostics d;
  auto aq = query::analyze_queries(s, {{"q.sql", "-- name: P :many\nSELECT * FROM person;\n"}}, d);
  ASSERT_TRUE(d.empty()) << d.front().message;
  const query::Query& q = aq.queries.at(0);
  ASSERT_EQ(q.columns.size(), 3u);
  expect_col(q, 0, "party_id", TypeCategory::uuid, false);
  expect_col(q, 1, "name", TypeCategory::text, false);
  expect_col(q, 2, "first_name", TypeCategory::text, false);
}

TEST(Analyze, PostgresSliceInInListBecomesAny) {
  // PostgreSQL cannot expand an IN list at run time: the slice is one array parameter.
  auto q = one("-- name: S :many\nSELECT id FROM users WHERE name = @name AND id IN (sqlc.slice(ids))\n"
               "  AND org_id NOT IN ( sqlc.slice('orgs') );");
  EXPECT_NE(q.sql.find("id = ANY($2)"), std::string::npos) << q.sql;
  EXPECT_NE(q.sql.find("org_id <> ALL($3)"), std::string::npos) << q.sql;
  expect_param(q, 1, "ids", TypeCategory::int64, false, 1);
  expect_param(q, 2, "orgs", TypeCategory::int32, false, 1);
  EXPECT_TRUE(q.params[1].is_slice);
}

// The TypeScript/JavaScript generator on hand-built analysed queries. The generated code itself is
// compiled with tsc and executed against real databases by tests/clients/ts/run.sh; these tests
// pin the settings, the shapes and the per-driver conversions.
#include <gtest/gtest.h>

#include <string>

#include "flash/codegen/generator.hpp"
#include "flash/codegen/typescript/typescript.hpp"

namespace flash::codegen {
namespace {

using query::Kind;
using schema::Dialect;
using schema::TypeCategory;

query::ResolvedType rt(std::string name, TypeCategory c, int dims = 0) {
  query::ResolvedType t;
  t.sql.name = std::move(name);
  t.sql.array_dims = dims;
  t.category = c;
  t.array_dims = dims;
  return t;
}

query::Column col(std::string name, query::ResolvedType t, bool nullable, std::string table = "users") {
  query::Column c;
  c.name = std::move(name);
  c.type = std::move(t);
  c.nullable = nullable;
  c.table = std::move(table);
  return c;
}

query::Param param(int n, std::string name, query::ResolvedType t, bool nullable = false, bool slice = false) {
  query::Param p;
  p.number = n;
  p.name = std::move(name);
  p.type = std::move(t);
  p.nullable = nullable;
  p.is_slice = slice;
  return p;
}

schema::Column scol(std::string name, std::string type, bool nullable) {
  schema::Column c;
  c.name = std::move(name);
  c.type.name = std::move(type);
  c.nullable = nullable;
  return c;
}

struct Fixture {
  schema::Schema schema;
  query::AnalyzedQueries queries;
  config::GenTarget settings;

  explicit Fixture(Dialect d) {
    schema.dialect = d;
    queries.dialect = d;
    settings.language = "js";
    settings.out = "gen/js";
    schema::Table users;
    users.name = "users";
    users.columns.push_back(scol("id", "bigint", false));
    users.columns.push_back(scol("email", "text", false));
    users.columns.push_back(scol("created_at", d == Dialect::postgresql ? "timestamptz" : "datetime", false));
    schema.tables.push_back(users);

    const auto id_t = rt("bigint", TypeCategory::int64);
    query::Query get;
    get.name = "GetUser";
    get.kind = Kind::one;
    get.comments = {"Fetches one user."};
    get.sql = d == Dialect::postgresql ? "SELECT id, email, created_at FROM users WHERE id = $1"
                                       : "SELECT id, email, created_at FROM users WHERE id = ?";
    get.params.push_back(param(1, "id", id_t));
    if (d != Dialect::postgresql) get.bind_order = {0};
    get.columns = {col("id", id_t, false), col("email", rt("text", TypeCategory::text), false),
                   col("created_at", rt(d == Dialect::postgresql ? "timestamptz" : "datetime",
                                        d == Dialect::postgresql ? TypeCategory::timestamptz : TypeCategory::timestamp),
                       false)};
    get.returns_table = "users";
    queries.queries.push_back(get);

    query::Query del;
    del.name = "delete_user";
    del.kind = Kind::execrows;
    del.sql = d == Dialect::postgresql ? "DELETE FROM users WHERE id = $1" : "DELETE FROM users WHERE id = ?";
    del.params.push_back(param(1, "id", id_t));
    if (d != Dialect::postgresql) del.bind_order = {0};
    queries.queries.push_back(del);
  }

  Response run() const {
    Request req;
    req.schema = std::make_shared<const schema::Schema>(schema);
    req.queries = std::make_shared<const query::AnalyzedQueries>(queries);
    req.settings = settings;
    req.flash_version = "0.0.0-test";
    return typescript::generate(req);
  }
};

const File* find(const Response& r, const std::string& path) {
  for (const auto& f : r.files)
    if (f.path == path) return &f;
  return nullptr;
}

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

TEST(TypeScriptGen, RegisteredAsJs) {
  const auto* g = find_generator("js");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->generate, &typescript::generate);
}

TEST(TypeScriptGen, EmitsTsJsAndDtsByDefault) {
  Fixture fx(Dialect::postgresql);
  const auto r = fx.run();
  ASSERT_TRUE(r.diagnostics.empty());
  ASSERT_EQ(r.files.size(), 3u);
  const auto* ts = find(r, "queries.ts");
  const auto* js = find(r, "queries.js");
  const auto* dts = find(r, "queries.d.ts");
  ASSERT_TRUE(ts && js && dts);
  // Model reuse for a query returning a whole table, camelCase method and fields.
  EXPECT_TRUE(has(ts->content, "export interface User {\n  id: string;\n  email: string;\n  createdAt: Date;\n}"));
  EXPECT_TRUE(has(ts->content, "async getUser(params: GetUserParams): Promise<User | null> {"));
  EXPECT_TRUE(has(ts->content, "export interface GetUserParams {\n  id: number | bigint | string;\n}"));
  EXPECT_TRUE(has(ts->content, "async deleteUser(params: DeleteUserParams): Promise<number> {"));
  EXPECT_TRUE(has(ts->content, "/**\n   * Fetches one user.\n   */"));
  // pg: named prepared statement, per-query decoder over the columns' text and their parsers,
  // run on each DataRow as it arrives (RowsQuery), rowMode "array" only as the fallback.
  EXPECT_TRUE(has(ts->content, "runRows(this.db, \"GetUser\", getUserSql, [params.id], decodeGetUser)"));
  EXPECT_TRUE(has(ts->content, "rowMode: \"array\""));
  EXPECT_TRUE(has(ts->content, "function decodeGetUser(f: any[], p: Parser[]): User {\n"
                               "  const v0 = f[0] === null ? null : p[0](f[0]);\n"
                               "  const v1 = f[1] === null ? null : p[1](f[1]);\n"
                               "  const v2 = f[2] === null ? null : p[2](f[2]);\n"
                               "  return { id: v0, email: v1, createdAt: v2 };"));
  EXPECT_TRUE(has(ts->content, "this.flashRows.push(this.flashDecode(msg.fields, this.flashParsers));"));
  // :exec/:execrows: a pg.Query subclass submitted to pg's own Client/Pool (runExec), runQuery as
  // its fallback elsewhere. No runQuery/typeParsers when every query returns rows (tsc's noUnusedLocals).
  EXPECT_TRUE(has(ts->content, "return await runExec(this.db, \"delete_user\", deleteUserSql, [params.id]);"));
  EXPECT_TRUE(has(ts->content, "class ExecQuery extends FlashQuery {"));
  EXPECT_EQ(has(ts->content, "function runQuery("),
            has(ts->content, "await runQuery(") || has(ts->content, "return runQuery(db, name, text, values)"));
  EXPECT_EQ(has(ts->content, "const typeParsers"), has(ts->content, "types: typeParsers"));
  // JS has no types; the d.ts has no bodies.
  EXPECT_FALSE(has(js->content, ": GetUserParams"));
  EXPECT_TRUE(has(js->content, "async getUser(params) {"));
  EXPECT_TRUE(has(js->content, "import pg from \"pg\";"));
  EXPECT_TRUE(has(js->content, "export class Queries {"));
  EXPECT_TRUE(has(dts->content, "export declare class Queries {"));
  EXPECT_TRUE(has(dts->content, "  getUser(params: GetUserParams): Promise<User | null>;"));
  EXPECT_TRUE(has(dts->content, "withTransaction<T>(fn: (q: Queries) => Promise<T>): Promise<T>;"));
  EXPECT_FALSE(has(dts->content, "runQuery"));
}

TEST(TypeScriptGen, OutputIsDeterministic) {
  Fixture fx(Dialect::mysql);
  const auto a = fx.run();
  const auto b = fx.run();
  ASSERT_EQ(a.files.size(), b.files.size());
  for (std::size_t i = 0; i < a.files.size(); ++i) {
    EXPECT_EQ(a.files[i].path, b.files[i].path);
    EXPECT_EQ(a.files[i].content, b.files[i].content);
  }
}

TEST(TypeScriptGen, EmitSettingSelectsFiles) {
  Fixture fx(Dialect::sqlite);
  fx.settings.settings["emit"] = std::string("ts");
  auto r = fx.run();
  ASSERT_EQ(r.files.size(), 1u);
  EXPECT_EQ(r.files[0].path, "queries.ts");
  fx.settings.settings["emit"] = std::string("js");
  r = fx.run();
  ASSERT_EQ(r.files.size(), 2u);
  EXPECT_EQ(r.files[0].path, "queries.js");
  EXPECT_EQ(r.files[1].path, "queries.d.ts");
}

TEST(TypeScriptGen, BadSettingsAreDiagnosed) {
  Fixture fx(Dialect::postgresql);
  fx.settings.driver = "mysql2";
  auto r = fx.run();
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics[0].code, "codegen.setting");
  EXPECT_TRUE(has(r.diagnostics[0].message, "does not fit"));
  EXPECT_TRUE(r.files.empty());

  Fixture fx2(Dialect::postgresql);
  fx2.settings.settings["bigint"] = std::string("huge");
  r = fx2.run();
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_TRUE(has(r.diagnostics[0].message, "bigint"));
}

TEST(TypeScriptGen, CommonJsModule) {
  Fixture fx(Dialect::postgresql);
  fx.settings.settings["module"] = std::string("commonjs");
  const auto r = fx.run();
  const auto* js = find(r, "queries.js");
  ASSERT_TRUE(js);
  EXPECT_TRUE(has(js->content, "\"use strict\";"));
  EXPECT_TRUE(has(js->content, "const pg = require(\"pg\");"));
  EXPECT_TRUE(has(js->content, "\nclass Queries {"));
  EXPECT_TRUE(has(js->content, "exports.Queries = Queries;"));
  EXPECT_TRUE(has(js->content, "exports.getUserSql = getUserSql;"));
  EXPECT_FALSE(has(js->content, "export "));
}

TEST(TypeScriptGen, BigIntSettingChangesRowTypesAndDecoders) {
  Fixture fx(Dialect::postgresql);
  fx.settings.settings["bigint"] = std::string("bigint");
  const auto r = fx.run();
  const auto* ts = find(r, "queries.ts");
  ASSERT_TRUE(ts);
  EXPECT_TRUE(has(ts->content, "  id: bigint;"));
  EXPECT_TRUE(has(ts->content, "id: BigInt(v0)"));
}

TEST(TypeScriptGen, EnumsNullsArraysAndJsonOnPostgres) {
  Fixture fx(Dialect::postgresql);
  schema::EnumType role;
  role.name = "user_role";
  role.values = {"admin", "member"};
  fx.schema.enums.push_back(role);
  auto role_t = rt("user_role", TypeCategory::enum_);
  role_t.enum_name = "user_role";
  role_t.enum_values = role.values;
  auto roles_t = role_t;
  roles_t.array_dims = 1;
  query::Query q;
  q.name = "ListRoles";
  q.kind = Kind::many;
  q.sql = "SELECT role, roles, profile, nickname FROM x WHERE profile = $1";
  q.params.push_back(param(1, "profile", rt("jsonb", TypeCategory::json), true));
  q.columns = {col("role", role_t, false), col("roles", roles_t, true), col("profile", rt("jsonb", TypeCategory::json), true),
               col("nickname", rt("text", TypeCategory::text), true)};
  fx.queries.queries.push_back(q);
  const auto r = fx.run();
  const auto* ts = find(r, "queries.ts");
  const auto* dts = find(r, "queries.d.ts");
  ASSERT_TRUE(ts && dts);
  EXPECT_TRUE(has(ts->content, "export type UserRole = \"admin\" | \"member\";"));
  EXPECT_TRUE(has(ts->content, "export const userRoleValues = Object.freeze([\"admin\", \"member\"] as const);"));
  EXPECT_TRUE(has(dts->content, "export declare const userRoleValues: readonly [\"admin\", \"member\"];"));
  EXPECT_TRUE(has(ts->content, "export interface ListRolesRow {\n  role: UserRole;\n  roles: UserRole[] | null;\n"
                               "  profile: unknown;\n  nickname: string | null;\n}"));
  EXPECT_TRUE(has(ts->content, "async listRoles(params: ListRolesParams): Promise<ListRolesRow[]>"));
  // JSON parameters are serialised; a nullable one keeps SQL NULL.
  EXPECT_TRUE(has(ts->content, "params.profile == null ? null : JSON.stringify(params.profile)"));
  // Enum arrays arrive as literals pg cannot parse.
  EXPECT_TRUE(has(ts->content, "textArray(v1)"));
}

TEST(TypeScriptGen, MysqlSliceExpansionAndConversions) {
  Fixture fx(Dialect::mysql);
  query::Query q;
  q.name = "ListByIds";
  q.kind = Kind::many;
  q.sql = "SELECT id, active FROM users WHERE id IN (/*SLICE:ids*/?) AND email <> ?";
  q.params.push_back(param(1, "ids", rt("bigint", TypeCategory::int64), false, true));
  q.params.push_back(param(2, "email", rt("varchar", TypeCategory::text)));
  q.bind_order = {0, 1};
  auto bool_t = rt("tinyint", TypeCategory::boolean);
  q.columns = {col("id", rt("bigint", TypeCategory::int64), false), col("active", bool_t, true)};
  fx.queries.queries.push_back(q);
  query::Query ins;
  ins.name = "CreateUser";
  ins.kind = Kind::execlastid;
  ins.sql = "INSERT INTO users (email) VALUES (?)";
  ins.params.push_back(param(1, "email", rt("varchar", TypeCategory::text)));
  ins.bind_order = {0};
  fx.queries.queries.push_back(ins);
  const auto r = fx.run();
  const auto* ts = find(r, "queries.ts");
  ASSERT_TRUE(ts);
  EXPECT_TRUE(has(ts->content, "  ids: (number | bigint | string)[];"));
  EXPECT_TRUE(has(ts->content, "sql = sql.split(\"/*SLICE:ids*/?\").join(params.ids.length === 0 ? \"NULL\" : "
                               "\"?,\".repeat(params.ids.length).slice(0, -1));"));
  EXPECT_TRUE(has(ts->content, "for (const x of params.ids) values.push(typeof x === \"bigint\" ? x.toString() : x);"));
  EXPECT_TRUE(has(ts->content, "values.push(params.email ?? null);"));
  EXPECT_TRUE(has(ts->content, "active: r[1] === null ? null : Number(r[1]) !== 0"));
  EXPECT_TRUE(has(ts->content, "id: String(r[0])"));
  EXPECT_TRUE(has(ts->content, "supportBigNumbers: true, bigNumberStrings: true"));
  EXPECT_TRUE(has(ts->content, "async createUser(params: CreateUserParams): Promise<number> {"));
  EXPECT_TRUE(has(ts->content, ").insertId);"));
}

TEST(TypeScriptGen, SqliteStatementsBooleansAndDates) {
  Fixture fx(Dialect::sqlite);
  query::Query q;
  q.name = "SetActive";
  q.kind = Kind::exec;
  q.sql = "UPDATE users SET active = ?, created_at = ? WHERE id = ?";
  q.params.push_back(param(1, "active", rt("boolean", TypeCategory::boolean)));
  q.params.push_back(param(2, "created_at", rt("datetime", TypeCategory::timestamp)));
  q.params.push_back(param(3, "id", rt("integer", TypeCategory::int64)));
  q.bind_order = {0, 1, 2};
  fx.queries.queries.push_back(q);
  const auto r = fx.run();
  const auto* ts = find(r, "queries.ts");
  ASSERT_TRUE(ts);
  // Prepared once per Queries instance; raw rows; safe integers for the BIGINT id.
  EXPECT_TRUE(has(ts->content, "const stmt = (this.sGetUser ?\?= this.db.prepare(getUserSql).raw(true).safeIntegers(true));"));
  EXPECT_TRUE(has(ts->content, "createdAt: sqliteDate(r[2])"));
  EXPECT_TRUE(has(ts->content, "stmt.run(params.active ? 1 : 0, sqliteTimestampParam(params.createdAt), "
                               "typeof params.id === \"string\" ? BigInt(params.id) : params.id);"));
  EXPECT_TRUE(has(ts->content, "function sqliteTimestampParam(d: Date): string"));
  EXPECT_TRUE(has(ts->content, "this.db.exec(\"BEGIN\");"));
}

TEST(TypeScriptGen, UnsupportedKindsWarnAndAreSkipped) {
  Fixture fx(Dialect::postgresql);
  query::Query q;
  q.name = "CopyUsers";
  q.kind = Kind::copyfrom;
  q.sql = "INSERT INTO users (email) VALUES ($1)";
  fx.queries.queries.push_back(q);
  const auto r = fx.run();
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].severity, diag::Severity::warning);
  EXPECT_EQ(r.diagnostics[0].code, "codegen.unsupported");
  EXPECT_FALSE(has(find(r, "queries.ts")->content, "copyUsers"));
}

TEST(TypeScriptGen, EmbedsNestTheTableModel) {
  Fixture fx(Dialect::postgresql);
  query::Query q;
  q.name = "PostsWithAuthor";
  q.kind = Kind::many;
  q.sql = "SELECT p.title, u.id, u.email, u.created_at FROM posts p JOIN users u ON u.id = p.user_id";
  q.columns = {col("title", rt("text", TypeCategory::text), false, "posts")};
  for (auto c : {col("id", rt("bigint", TypeCategory::int64), false), col("email", rt("text", TypeCategory::text), false),
                 col("created_at", rt("timestamptz", TypeCategory::timestamptz), false)}) {
    c.embed_table = "users";
    q.columns.push_back(c);
  }
  fx.queries.queries.push_back(q);
  const auto r = fx.run();
  const auto* ts = find(r, "queries.ts");
  ASSERT_TRUE(ts);
  EXPECT_TRUE(has(ts->content, "export interface PostsWithAuthorRow {\n  title: string;\n  user: User;\n}"));
  EXPECT_TRUE(has(ts->content, "return { title: v0, user: { id: v1, email: v2, createdAt: v3 } };"));
}

}  // namespace
}  // namespace flash::codegen

namespace flash::codegen {
namespace {

TEST(TypeScriptGen, SqliteNumberedParametersBecomePositional) {
  Fixture fx(Dialect::sqlite);
  query::Query q;
  q.name = "Rename";
  q.kind = Kind::exec;
  // @name → ?1 (used twice), a plain ? after it is number 2; the literal '?1' stays untouched.
  q.sql = "UPDATE users SET email = ?1, note = '?1' WHERE id = ? OR alias = ?1";
  q.params.push_back(param(1, "email", rt("text", TypeCategory::text)));
  q.params.push_back(param(2, "id", rt("integer", TypeCategory::int64)));
  q.bind_order = {0, 1, 0};
  fx.queries.queries.push_back(q);
  const auto r = fx.run();
  const auto* ts = find(r, "queries.ts");
  ASSERT_TRUE(ts);
  EXPECT_TRUE(has(ts->content, "renameSql = \"UPDATE users SET email = ?, note = '?1' WHERE id = ? OR alias = ?\";"));
  EXPECT_TRUE(has(ts->content, "stmt.run(params.email ?? null, typeof params.id === \"string\" ? BigInt(params.id) : params.id, "
                               "params.email ?? null);"));
}

}  // namespace
}  // namespace flash::codegen

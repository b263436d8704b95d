// The Python generator on hand-built schemas and analysed queries: placeholder rewriting, string
// literals, driver selection, the shape of the generated package, and (when python3 is on PATH)
// that every generated module compiles. The executed proof against real databases is
// tests/clients/python/run.sh (ctest label "clients").
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "flash/codegen/python/python.hpp"

using namespace flash;
using namespace flash::codegen;
using python::Driver;
using schema::Dialect;
using schema::TypeCategory;

namespace {

query::ResolvedType rt(const std::string& name, TypeCategory c) {
  query::ResolvedType t;
  t.sql.name = name;
  t.category = c;
  return t;
}

query::Column col(const std::string& name, query::ResolvedType t, bool nullable, const std::string& table = "") {
  query::Column c;
  c.name = name;
  c.type = std::move(t);
  c.nullable = nullable;
  c.table = table;
  return c;
}

query::Param param(int n, const std::string& name, query::ResolvedType t, bool nullable = false, bool slice = false) {
  query::Param p;
  p.number = n;
  p.name = name;
  p.type = std::move(t);
  p.nullable = nullable;
  p.is_slice = slice;
  return p;
}

schema::Column scol(const std::string& name, const std::string& type, bool nullable) {
  schema::Column c;
  c.name = name;
  c.type.name = type;
  c.nullable = nullable;
  return c;
}

struct Fixture {
  schema::Schema schema;
  query::AnalyzedQueries queries;
};

// users(id bigint, email text, role user_role, profile jsonb, created_at timestamptz) on PostgreSQL.
Fixture pg_fixture() {
  Fixture f;
  f.schema.dialect = Dialect::postgresql;
  schema::EnumType e;
  e.name = "user_role";
  e.values = {"admin", "member", "in-progress"};
  f.schema.enums.push_back(e);
  schema::Table t;
  t.name = "users";
  t.columns = {scol("id", "bigint", false), scol("email", "text", false), scol("role", "user_role", false),
               scol("profile", "jsonb", true), scol("created_at", "timestamptz", false)};
  f.schema.tables.push_back(t);

  f.queries.dialect = Dialect::postgresql;
  auto role = rt("user_role", TypeCategory::enum_);
  role.enum_name = "user_role";
  role.enum_values = e.values;
  {
    query::Query q;
    q.name = "GetUser";
    q.kind = query::Kind::one;
    q.sql = "SELECT id, email, role, profile, created_at FROM users WHERE id = $1";
    q.file = "db/queries/users.sql";
    q.params = {param(1, "id", rt("bigint", TypeCategory::int64))};
    q.columns = {col("id", rt("bigint", TypeCategory::int64), false), col("email", rt("text", TypeCategory::text), false),
                 col("role", role, false), col("profile", rt("jsonb", TypeCategory::json), true),
                 col("created_at", rt("timestamptz", TypeCategory::timestamptz), false)};
    q.returns_table = "users";
    q.comments = {"Fetches one user."};
    f.queries.queries.push_back(q);
  }
  {
    query::Query q;
    q.name = "SearchUsers";
    q.kind = query::Kind::many;
    q.sql = "SELECT id, email FROM users WHERE ($1::text IS NULL OR email LIKE $1) AND role = $2 AND email <> '50%'";
    q.file = "db/queries/users.sql";
    q.params = {param(1, "pattern", rt("text", TypeCategory::text), true), param(2, "role", role)};
    q.columns = {col("id", rt("bigint", TypeCategory::int64), false), col("email", rt("text", TypeCategory::text), false)};
    f.queries.queries.push_back(q);
  }
  {
    query::Query q;
    q.name = "CountUsers";
    q.kind = query::Kind::one;
    q.sql = "SELECT COUNT(*) AS total FROM users WHERE id = ANY($1)";
    q.file = "db/queries/stats.sql";
    q.params = {param(1, "ids", rt("bigint", TypeCategory::int64), false, true)};
    q.columns = {col("total", rt("bigint", TypeCategory::int64), false)};
    f.queries.queries.push_back(q);
  }
  {
    query::Query q;
    q.name = "SetProfile";
    q.kind = query::Kind::execrows;
    q.sql = "UPDATE users SET profile = $1 WHERE id = $2";
    q.file = "db/queries/users.sql";
    q.params = {param(1, "profile", rt("jsonb", TypeCategory::json), true), param(2, "id", rt("bigint", TypeCategory::int64))};
    f.queries.queries.push_back(q);
  }
  {
    query::Query q;
    q.name = "CopyUsers";
    q.kind = query::Kind::copyfrom;
    q.sql = "INSERT INTO users (email) VALUES ($1)";
    q.file = "db/queries/users.sql";
    f.queries.queries.push_back(q);
  }
  return f;
}

Response run(const Fixture& f, const std::string& driver, bool async = false) {
  Request req;
  req.schema = std::make_shared<const schema::Schema>(f.schema);
  req.queries = std::make_shared<const query::AnalyzedQueries>(f.queries);
  req.settings.language = "python";
  req.settings.out = "gen/py/db";
  req.settings.driver = driver;
  req.settings.async = async;
  req.package_name = "db";
  req.flash_version = "1.2.3";
  return python::generate(req);
}

const File* find(const Response& r, const std::string& path) {
  for (const auto& f : r.files)
    if (f.path == path) return &f;
  return nullptr;
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

TEST(PythonSql, PsycopgOrdersDollarParamsAndDoublesPercent) {
  const auto r = python::rewrite_sql("SELECT $2, '$1 50%', $1 -- 10% $3\nFROM t WHERE a LIKE 'x%' AND b = $2",
                                     Dialect::postgresql, Driver::psycopg);
  EXPECT_EQ(r.text, "SELECT %s, '$1 50%%', %s -- 10%% $3\nFROM t WHERE a LIKE 'x%%' AND b = %s");
  EXPECT_EQ(r.order, (std::vector<int>{2, 1, 2}));
}

TEST(PythonSql, AsyncpgKeepsDollarParamsAndPercent) {
  const auto r = python::rewrite_sql("SELECT $1, 5 % 2, $$ $2 $$", Dialect::postgresql, Driver::asyncpg);
  EXPECT_EQ(r.text, "SELECT $1, 5 % 2, $$ $2 $$");
  EXPECT_TRUE(r.order.empty());
}

TEST(PythonSql, DollarQuotedBodiesAndIdentifiersAreNotParameters) {
  const auto r = python::rewrite_sql("SELECT $tag$ $1 ' $tag$, \"a$1\", E'\\' $1', $1", Dialect::postgresql,
                                     Driver::psycopg);
  EXPECT_EQ(r.text, "SELECT $tag$ $1 ' $tag$, \"a$1\", E'\\' $1', %s");
  EXPECT_EQ(r.order, (std::vector<int>{1}));
}

TEST(PythonSql, MysqlQuestionMarksBecomePercentS) {
  const auto r = python::rewrite_sql("SELECT `a?`, 'it\\'s ?', \"?\" # ?\nFROM t WHERE x IN (/*SLICE:ids*/?) AND y = ?",
                                     Dialect::mysql, Driver::pymysql);
  EXPECT_EQ(r.text, "SELECT `a?`, 'it\\'s ?', \"?\" # ?\nFROM t WHERE x IN (/*SLICE:ids*/%s) AND y = %s");
  const auto a = python::rewrite_sql("SELECT 1 % 2 FROM t WHERE y = ?", Dialect::mysql, Driver::aiomysql);
  EXPECT_EQ(a.text, "SELECT 1 %% 2 FROM t WHERE y = %s");
}

TEST(PythonSql, SqliteKeepsQuestionMarks) {
  const auto r = python::rewrite_sql("SELECT '%?' , [?], ? FROM t", Dialect::sqlite, Driver::sqlite3);
  EXPECT_EQ(r.text, "SELECT '%?' , [?], ? FROM t");
  EXPECT_EQ(r.order, (std::vector<int>{0}));
  // Numbered placeholders become plain ones bound per occurrence.
  const auto n = python::rewrite_sql("WHERE (?1 IS NULL OR age >= ?1) AND role = ?2", Dialect::sqlite, Driver::aiosqlite);
  EXPECT_EQ(n.text, "WHERE (? IS NULL OR age >= ?) AND role = ?");
  EXPECT_EQ(n.order, (std::vector<int>{1, 1, 2}));
}

TEST(PythonString, Escapes) {
  EXPECT_EQ(python::py_string("a\"b\\c\n", false), "\"a\\\"b\\\\c\\n\"");
  EXPECT_EQ(python::py_string("SELECT \"x\"\nFROM t", true), "\"\"\"SELECT \"x\"\nFROM t\"\"\"");
  EXPECT_EQ(python::py_string("a\"\"\"b", true), "\"\"\"a\\\"\\\"\"b\"\"\"");
  EXPECT_EQ(python::py_string("ends with \"", true), "\"\"\"ends with \\\"\"\"\"");
  EXPECT_EQ(python::py_string("tab\t\x01", false), "\"tab\\t\\x01\"");
}

TEST(PythonDriver, DefaultsAndFit) {
  EXPECT_EQ(python::default_driver(Dialect::postgresql, true), Driver::asyncpg);
  EXPECT_EQ(python::default_driver(Dialect::postgresql, false), Driver::psycopg);
  EXPECT_EQ(python::default_driver(Dialect::mysql, true), Driver::aiomysql);
  EXPECT_EQ(python::default_driver(Dialect::mysql, false), Driver::pymysql);
  EXPECT_EQ(python::default_driver(Dialect::sqlite, true), Driver::aiosqlite);
  EXPECT_EQ(python::default_driver(Dialect::sqlite, false), Driver::sqlite3);
  EXPECT_EQ(python::driver_from_string("PyMySQL"), Driver::pymysql);
  EXPECT_FALSE(python::driver_from_string("mysqlclient"));
  EXPECT_FALSE(python::driver_fits(Driver::asyncpg, Dialect::mysql));
  EXPECT_TRUE(python::driver_fits(Driver::sqlite3, Dialect::sqlite));
}

TEST(PythonGenerate, RejectsUnknownOrMismatchedDriver) {
  const auto f = pg_fixture();
  auto r = run(f, "pymysql");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, "codegen.setting");
  EXPECT_TRUE(r.files.empty());
  r = run(f, "nope");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_TRUE(contains(*r.diagnostics[0].hint, "asyncpg"));
}

TEST(PythonGenerate, PackageLayoutAndDeterminism) {
  const auto f = pg_fixture();
  const auto a = run(f, "", true);
  const auto b = run(f, "", true);
  ASSERT_EQ(a.files.size(), b.files.size());
  for (std::size_t i = 0; i < a.files.size(); ++i) {
    EXPECT_EQ(a.files[i].path, b.files[i].path);
    EXPECT_EQ(a.files[i].content, b.files[i].content);
  }
  std::vector<std::string> paths;
  for (const auto& file : a.files) paths.push_back(file.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"__init__.py", "_runtime.py", "models.py", "stats.py", "users.py",
                                             "py.typed"}));
  // :copyfrom is skipped with a warning.
  ASSERT_EQ(a.diagnostics.size(), 1u);
  EXPECT_EQ(a.diagnostics[0].code, "codegen.unsupported");
  EXPECT_EQ(a.diagnostics[0].severity, diag::Severity::warning);
  EXPECT_TRUE(contains(find(a, "__init__.py")->content, "from . import models, stats, users\n"));
  EXPECT_TRUE(contains(find(a, "_runtime.py")->content, "# ---- asyncpg"));
  EXPECT_TRUE(contains(find(a, "__init__.py")->content, "# Code generated by flash 1.2.3. DO NOT EDIT."));
}

TEST(PythonGenerate, ModelsHaveEnumsAndNamedTuples) {
  const auto f = pg_fixture();
  const auto r = run(f, "asyncpg");
  const std::string& m = find(r, "models.py")->content;
  EXPECT_TRUE(contains(m, "class UserRole(str, enum.Enum):\n"));
  EXPECT_TRUE(contains(m, "    ADMIN = \"admin\"\n"));
  EXPECT_TRUE(contains(m, "    IN_PROGRESS = \"in-progress\"\n"));
  EXPECT_TRUE(contains(m, "class User(NamedTuple):\n"));
  EXPECT_TRUE(contains(m, "from typing import Any, NamedTuple\n"));
  EXPECT_FALSE(contains(m, "dataclass"));
  EXPECT_TRUE(contains(m, "    role: UserRole\n"));
  EXPECT_TRUE(contains(m, "    profile: Any\n"));
  EXPECT_TRUE(contains(m, "    created_at: datetime.datetime\n"));
}

TEST(PythonGenerate, AsyncpgMethods) {
  const auto f = pg_fixture();
  const auto r = run(f, "asyncpg");
  const std::string& u = find(r, "users.py")->content;
  EXPECT_TRUE(contains(u, "    async def get_user(\n        self,\n        *,\n        id: int,\n    ) -> models.User | None:\n"));
  EXPECT_TRUE(contains(u, "        \"\"\"Fetches one user.\"\"\"\n"));
  // The connection's own calls, no runtime wrapper.
  EXPECT_TRUE(contains(u, "        _row = await self._conn.fetchrow(GET_USER, id)\n"));
  EXPECT_FALSE(contains(u, "_rt.fetch_one("));
  EXPECT_TRUE(contains(u, "        profile=None if r[3] is None else _rt.from_json(r[3]),\n"));
  EXPECT_TRUE(contains(u, "        role=models.UserRole(r[2]),\n"));
  // Nullable parameters default to None; enums bind by value.
  EXPECT_TRUE(contains(u, "        pattern: str | None = None,\n        role: models.UserRole,\n"));
  EXPECT_TRUE(contains(u, "        _rows = await self._conn.fetch(SEARCH_USERS, pattern, _rt.enum_arg(role))\n"));
  EXPECT_TRUE(contains(u, "_rt.iterate(self._conn, SEARCH_USERS, (pattern, _rt.enum_arg(role)))"));
  EXPECT_TRUE(contains(u, "class SearchUsersRow(NamedTuple):\n"));
  // Every value as the driver returns it (bigint is int in asyncpg): the row is built in C.
  EXPECT_TRUE(contains(u, "\n_search_users_row: Callable[[Any], SearchUsersRow] = functools.partial(tuple.__new__, "
                          "SearchUsersRow)\n"));
  // :many maps tuple.__new__ over itertools.repeat(cls) in one list function (no partial call per row).
  EXPECT_TRUE(contains(u, "        return _search_users_rows(_rows)\n"));
  EXPECT_TRUE(contains(u, "\ndef _search_users_rows(rows: Any) -> list[SearchUsersRow]:\n"
                          "    return list(map(tuple.__new__, itertools.repeat(SearchUsersRow), rows))\n"));
  EXPECT_TRUE(contains(u, "import itertools\n"));
  EXPECT_FALSE(contains(u, "int(r["));
  // A conversion (enum, JSON) keeps a function.
  EXPECT_TRUE(contains(u, "def _get_user_row(r: Any) -> models.User:\n    return models.User(\n        id=r[0],\n"));
  EXPECT_TRUE(contains(u, "    async def iter_search_users(\n"));
  EXPECT_TRUE(contains(u, ") -> AsyncIterator[SearchUsersRow]:\n"));
  EXPECT_TRUE(contains(u, "class SearchUsersParams:\n"));
  EXPECT_TRUE(contains(u, "return await _rt.exec_rows(self._conn, SET_PROFILE, (_rt.json_text(profile), id))"));
  EXPECT_FALSE(contains(u, "copy_users"));
  const std::string& s = find(r, "stats.py")->content;
  // Single column → the value itself; PostgreSQL slices bind as a list.
  EXPECT_TRUE(contains(s, "ids: Sequence[int],\n    ) -> int | None:\n"));
  // A single value needing no conversion: fetchval (None for no row, as before).
  EXPECT_TRUE(contains(s, "        _v: int | None = await self._conn.fetchval(COUNT_USERS, list(ids))\n        return _v\n"));
}

TEST(PythonGenerate, PsycopgRewritesPlaceholdersAndWrapsJson) {
  const auto f = pg_fixture();
  const auto r = run(f, "psycopg");
  const std::string& u = find(r, "users.py")->content;
  EXPECT_TRUE(contains(u, "WHERE (%s::text IS NULL OR email LIKE %s) AND role = %s AND email <> '50%%'"));
  EXPECT_TRUE(contains(u, "(self._conn, SEARCH_USERS, (pattern, pattern, _rt.enum_arg(role)))"));
  EXPECT_TRUE(contains(u, "    def get_user(\n"));
  EXPECT_TRUE(contains(u, "(_rt.jsonb_arg(profile), id)"));
  EXPECT_TRUE(contains(u, "        profile=r[3],\n"));  // psycopg decodes JSON itself
  EXPECT_TRUE(contains(u, ") -> Iterator[SearchUsersRow]:\n"));
  // psycopg keeps the runtime calls (cursor handling); rows still build in C when nothing converts.
  EXPECT_TRUE(contains(u, "_rows = _rt.fetch_all(self._conn, SEARCH_USERS, (pattern, pattern, _rt.enum_arg(role)))"));
  EXPECT_TRUE(contains(u, "functools.partial(tuple.__new__, SearchUsersRow)"));
}

namespace {

Fixture sqlite_fixture() {
  Fixture f;
  f.schema.dialect = Dialect::sqlite;
  schema::Table t;
  t.name = "events";
  t.columns = {scol("id", "integer", false), scol("at", "datetime", false), scol("price", "numeric", true),
               scol("done", "boolean", false), scol("uuid", "uuid", true)};
  f.schema.tables.push_back(t);
  f.queries.dialect = Dialect::sqlite;
  query::Query q;
  q.name = "ListEvents";
  q.kind = query::Kind::many;
  q.sql = "SELECT id, at, price, done, uuid FROM events WHERE id IN (/*SLICE:ids*/?) AND at > ? AND id IN (/*SLICE:ids*/?)";
  q.file = "q/events.sql";
  q.params = {param(1, "ids", rt("integer", TypeCategory::int64), false, true),
              param(2, "after", rt("datetime", TypeCategory::timestamp))};
  q.bind_order = {0, 1, 0};
  q.columns = {col("id", rt("integer", TypeCategory::int64), false),
               col("at", rt("datetime", TypeCategory::timestamp), false),
               col("price", rt("numeric", TypeCategory::decimal), true),
               col("done", rt("boolean", TypeCategory::boolean), false),
               col("uuid", rt("uuid", TypeCategory::uuid), true)};
  q.returns_table = "events";
  f.queries.queries.push_back(q);
  query::Query ins;
  ins.name = "AddEvent";
  ins.kind = query::Kind::execlastid;
  ins.sql = "INSERT INTO events (at, price) VALUES (?, ?)";
  ins.file = "q/events.sql";
  ins.params = {param(1, "at", rt("datetime", TypeCategory::timestamp)),
                param(2, "price", rt("numeric", TypeCategory::decimal), true)};
  ins.bind_order = {0, 1};
  f.queries.queries.push_back(ins);
  return f;
}

}  // namespace

TEST(PythonGenerate, SqliteSlicesAndConversions) {
  const auto f = sqlite_fixture();
  const auto r = run(f, "sqlite3");
  EXPECT_TRUE(r.diagnostics.empty());
  const std::string& e = find(r, "events.py")->content;
  EXPECT_TRUE(contains(e, "        _sql = _rt.expand_slice(LIST_EVENTS, \"ids\", len(ids), \"?\")\n"));
  EXPECT_TRUE(contains(e, "_rt.fetch_all(self._conn, _sql, (*ids, _rt.temporal_text(after), *ids))"));
  EXPECT_TRUE(contains(e, "        id=int(r[0]),\n"));  // SQLite: any storage class; PostgreSQL: none
  EXPECT_TRUE(contains(e, "        at=_rt.to_datetime(r[1]),\n"));
  EXPECT_TRUE(contains(e, "        price=None if r[2] is None else _rt.to_decimal(r[2]),\n"));
  EXPECT_TRUE(contains(e, "        done=_rt.to_bool(r[3]),\n"));
  EXPECT_TRUE(contains(e, "return _rt.exec_last_id(self._conn, ADD_EVENT, (_rt.temporal_text(at), _rt.decimal_text(price)))"));
  // A field named like a module used in later annotations is aliased.
  const std::string& m = find(r, "models.py")->content;
  EXPECT_TRUE(contains(m, "    uuid: _uuid.UUID | None\n"));
  EXPECT_TRUE(contains(m, "import uuid as _uuid\n"));

  const auto p = run(f, "", false);
  EXPECT_TRUE(contains(find(p, "_runtime.py")->content, "# ---- sqlite3"));
}

TEST(PythonGenerate, MysqlPyformatSlice) {
  auto f = sqlite_fixture();
  f.schema.dialect = Dialect::mysql;
  f.queries.dialect = Dialect::mysql;
  const auto r = run(f, "aiomysql");
  const std::string& e = find(r, "events.py")->content;
  EXPECT_TRUE(contains(e, "_rt.expand_slice(LIST_EVENTS, \"ids\", len(ids), \"%s\")"));
  EXPECT_TRUE(contains(e, "IN (/*SLICE:ids*/%s) AND at > %s"));
  EXPECT_TRUE(contains(e, "    async def list_events(\n"));
  EXPECT_TRUE(contains(e, "(*ids, after, *ids)"));  // MySQL binds datetimes natively
}

// Every module of every driver's package compiles (python3 -m py_compile), when python3 exists.
TEST(PythonGenerate, GeneratedModulesCompile) {
  if (std::system("python3 --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "python3 not found";
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("flash_py_compile_" + std::to_string(::getpid()));
  const auto pg = pg_fixture();
  const auto lite = sqlite_fixture();
  auto my = sqlite_fixture();
  my.schema.dialect = my.queries.dialect = Dialect::mysql;
  const std::vector<std::pair<const Fixture*, std::string>> cases = {
      {&pg, "asyncpg"}, {&pg, "psycopg"}, {&my, "aiomysql"}, {&my, "pymysql"}, {&lite, "aiosqlite"}, {&lite, "sqlite3"}};
  for (const auto& [fx, drv] : cases) {
    const auto r = run(*fx, drv);
    const fs::path pkg = dir / drv;
    fs::create_directories(pkg);
    for (const auto& file : r.files) std::ofstream(pkg / file.path) << file.content;
    const std::string cmd = "python3 -m py_compile " + (pkg / "*.py").string() + " 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << drv;
  }
  fs::remove_all(dir);
}

// Rows are NamedTuples: a field named like a tuple method (count, index) shadows it, which mypy
// reports unless the line carries an ignore; the row builds in C when no value converts.
TEST(PythonGenerate, RowFieldsNamedLikeTupleMethods) {
  auto f = pg_fixture();
  query::Query q;
  q.name = "CountByRole";
  q.kind = query::Kind::many;
  q.sql = "SELECT email AS index, COUNT(*) AS count FROM users GROUP BY email";
  q.file = "db/queries/stats.sql";
  q.columns = {col("index", rt("text", TypeCategory::text), false), col("count", rt("bigint", TypeCategory::int64), false)};
  f.queries.queries.push_back(q);
  const auto r = run(f, "asyncpg");
  const std::string& s = find(r, "stats.py")->content;
  EXPECT_TRUE(contains(s, "class CountByRoleRow(NamedTuple):\n"));
  EXPECT_TRUE(contains(s, "    index: str  # type: ignore[assignment]\n    count: int  # type: ignore[assignment]\n"));
  EXPECT_TRUE(contains(s, "functools.partial(tuple.__new__, CountByRoleRow)"));
  EXPECT_TRUE(contains(s, "import functools\n"));
  EXPECT_TRUE(contains(s, "from collections.abc import AsyncIterator, Callable, Sequence\n"));
}

namespace {

Response run_rows(const Fixture& f, const std::string& driver, const std::string& rows, bool read_retry = false) {
  Request req;
  req.schema = std::make_shared<const schema::Schema>(f.schema);
  req.queries = std::make_shared<const query::AnalyzedQueries>(f.queries);
  req.settings.language = "python";
  req.settings.out = "gen/py/db";
  req.settings.driver = driver;
  req.settings.settings["rows"] = rows;
  if (read_retry) req.settings.settings["read_retry"] = true;
  req.package_name = "db";
  return python::generate(req);
}

}  // namespace

// rows = "record": result rows are asyncpg.Record subclasses that asyncpg builds itself
// (record_class=), one typed property per column; table models stay NamedTuples and get a
// record twin for `SELECT *` results; no per-row conversion function.
TEST(PythonGenerate, RecordRows) {
  auto f = pg_fixture();
  {
    query::Query q;  // :batchone / :batchmany keep working
    q.name = "GetUsersBatch";
    q.kind = query::Kind::batchmany;
    q.sql = "SELECT id, email FROM users WHERE role = $1";
    q.file = "db/queries/users.sql";
    q.params = {param(1, "id", rt("bigint", TypeCategory::int64))};
    q.columns = {col("id", rt("bigint", TypeCategory::int64), false), col("email", rt("text", TypeCategory::text), false)};
    f.queries.queries.push_back(q);
    q.name = "GetUserBatch";
    q.kind = query::Kind::batchone;
    f.queries.queries.push_back(q);
  }
  {
    query::Query q;  // sqlc.embed(users) and a column after it
    q.name = "GetUserNote";
    q.kind = query::Kind::one;
    q.sql = "SELECT users.*, 'n' AS note FROM users WHERE id = $1";
    q.file = "db/queries/users.sql";
    q.params = {param(1, "id", rt("bigint", TypeCategory::int64))};
    q.columns = f.queries.queries[0].columns;
    for (auto& c : q.columns) c.embed_table = "users";
    q.columns.push_back(col("note", rt("text", TypeCategory::text), false));
    f.queries.queries.push_back(q);
  }
  {
    query::Query q;  // an :exec after a record query gets no record_class
    q.name = "DeleteUser";
    q.kind = query::Kind::exec;
    q.sql = "DELETE FROM users WHERE id = $1";
    q.file = "db/queries/users.sql";
    q.params = {param(1, "id", rt("bigint", TypeCategory::int64))};
    f.queries.queries.push_back(q);
  }
  const auto r = run_rows(f, "asyncpg", "record");
  ASSERT_FALSE(r.files.empty());
  const std::string& u = find(r, "users.py")->content;
  EXPECT_TRUE(contains(u, "class SearchUsersRow(_rt.Record):\n"));
  EXPECT_TRUE(contains(u, "    __slots__ = ()\n\n    id: int = _rt.column(0)\n    email: str = _rt.column(1)\n"));
  EXPECT_FALSE(contains(u, "NamedTuple"));
  EXPECT_FALSE(contains(u, "tuple.__new__"));
  EXPECT_TRUE(contains(u, "        _rows: list[SearchUsersRow] = await self._conn.fetch(SEARCH_USERS, pattern, "
                          "_rt.enum_arg(role), record_class=SearchUsersRow)\n        return _rows\n"));
  EXPECT_TRUE(contains(u, "        async for _r in _rt.iterate(self._conn, SEARCH_USERS, (pattern, _rt.enum_arg(role)), "
                          "SearchUsersRow):\n            yield _r\n"));
  // The whole table: the model's record twin, built by asyncpg.
  EXPECT_TRUE(contains(u, ") -> models.UserRecord | None:\n"));
  EXPECT_TRUE(contains(u, "        _row: models.UserRecord | None = await self._conn.fetchrow(GET_USER, id, "
                          "record_class=models.UserRecord)\n        return _row\n"));
  EXPECT_FALSE(contains(u, "_get_user_row"));
  // The embedded model is built on each read; the column after it is a plain itemgetter of its index.
  EXPECT_TRUE(contains(u, "    user: models.User = _rt.computed(lambda r: models.User(\n            id=r[0],\n"));
  EXPECT_TRUE(contains(u, "    note: str = _rt.column(5)\n"));
  EXPECT_TRUE(contains(u, "        await self._conn.execute(DELETE_USER, id)\n"));
  EXPECT_TRUE(contains(u, "            _out.append(await _rt.fetch_all(self._conn, GET_USERS_BATCH, (_p.id,), GetUsersBatchRow))\n"));
  EXPECT_TRUE(contains(u, "            _out.append(await _rt.fetch_one(self._conn, GET_USER_BATCH, (_p.id,), GetUserBatchRow))\n"));
  const std::string& m = find(r, "models.py")->content;
  EXPECT_TRUE(contains(m, "class User(NamedTuple):\n"));
  EXPECT_TRUE(contains(m, "class UserRecord(_rt.Record):\n"));
  // A value that converts in namedtuple mode converts in its property.
  EXPECT_TRUE(contains(m, "    role: UserRole = _rt.computed(lambda r: UserRole(r[2]))\n"));
  EXPECT_TRUE(contains(m, "    profile: Any = _rt.computed(lambda r: None if r[3] is None else _rt.from_json(r[3]))\n"));
  EXPECT_TRUE(contains(m, "    created_at: datetime.datetime = _rt.column(4)\n"));
  EXPECT_TRUE(contains(m, "from . import _runtime as _rt\n"));
  const std::string& rtm = find(r, "_runtime.py")->content;
  EXPECT_TRUE(contains(rtm, "    Record = asyncpg.Record\n"));
  EXPECT_TRUE(contains(rtm, "    return property(operator.itemgetter(index))\n"));
  // A single value is the value, as in namedtuple mode.
  EXPECT_TRUE(contains(find(r, "stats.py")->content, "_v: int | None = await self._conn.fetchval(COUNT_USERS, list(ids))"));

  // read_retry: the retried read passes the record class.
  const auto rr = run_rows(f, "asyncpg", "record", true);
  EXPECT_TRUE(contains(find(rr, "users.py")->content,
                       "_rt.retry_read(self._retry, functools.partial(_rt.fetch_all, record_class=SearchUsersRow), "
                       "self._conn, SEARCH_USERS, (pattern, _rt.enum_arg(role)))"));

  // namedtuple (the default, or said) generates no record class.
  const auto nt = run_rows(f, "asyncpg", "namedtuple");
  EXPECT_FALSE(contains(find(nt, "users.py")->content, "record_class"));
  EXPECT_FALSE(contains(find(nt, "models.py")->content, "UserRecord"));
  EXPECT_FALSE(contains(find(nt, "_runtime.py")->content, "operator"));

  // Only asyncpg builds records; an unknown value is refused.
  for (const auto& [drv, rows] : std::vector<std::pair<std::string, std::string>>{
           {"psycopg", "record"}, {"asyncpg", "records"}, {"asyncpg", "dataclass"}}) {
    const auto bad = run_rows(f, drv, rows);
    ASSERT_EQ(bad.diagnostics.size(), 1u) << drv << " " << rows;
    EXPECT_EQ(bad.diagnostics[0].code, "codegen.setting");
    EXPECT_TRUE(bad.files.empty());
  }
}

// The Python generator.
//
// Settings ([gen.python] in flash.toml):
//   out     output directory: the generated package (its last path element is the package name)
//   driver  asyncpg | psycopg (PostgreSQL), aiomysql | pymysql (MySQL/MariaDB), aiosqlite | sqlite3
//           (SQLite). Default by dialect: asyncpg/aiomysql/aiosqlite with `async = true`,
//           psycopg/pymysql/sqlite3 otherwise. The driver decides sync vs async.
//   read_retry  asyncpg only, default false: a read (:one / :many SELECT) that fails because the
//           connection was lost or could not be made (a failover) runs again under
//           `Queries(conn, read_retry=_runtime.ReadRetry(...))` (default 8 attempts, 0.1 s doubling
//           to 2 s); writes never, nor reads inside a transaction. Pass an asyncpg.Pool built from
//           a multi-host DSN with target_session_attrs=read-write.
//   rows    namedtuple (default) | record (asyncpg only). `record`: result rows are subclasses of
//           asyncpg.Record that asyncpg builds itself (fetch / fetchrow / cursor record_class=), one
//           typed read-only property per column, so a :many result is not copied row by row (the
//           copy was ~0.45 ms of CPU per 1,000 rows). A record row is attribute, index and
//           column-name accessible and equals the tuple of its values, but cannot be constructed,
//           pickled or _replace'd from Python. A column that needs a conversion (json, enum, uuid,
//           numeric, inet, sqlc.embed) converts on each attribute read; index / name access, len()
//           and iteration are asyncpg's: the SQL's columns (an sqlc.embed's one by one), values as
//           asyncpg decodes them. A column named get, keys, values or items
//           shadows that Record method. Table models stay NamedTuples (constructible values);
//           `SELECT *` / `RETURNING *` results are models.<Model>Record, the model's record twin,
//           and an sqlc.embed(t) field is the model NamedTuple, built on each read. A single-column
//           result stays the bare value. record rows cost asyncpg ~0.2 µs more per row than its
//           own Record (a subclass is allocated generically), far less than the copy.
//
// Output package (Python >= 3.10, passes `mypy --strict`):
//   __init__.py   imports the modules; re-exports Connection, ExecResult and transaction
//   py.typed      PEP 561 marker
//   _runtime.py   conversions, the driver calls and transaction(conn) (runtime.cpp)
//   models.py     one `enum.Enum(str)` subclass per enum, one typing.NamedTuple per table
//   <file>.py     per query file: the SQL constants, frozen <Name>Params dataclasses, <Name>Row
//                 NamedTuples and a
//                 `Queries` class taking the driver connection, one snake_case method per query with
//                 keyword-only parameters (nullable ones default to None). Params dataclasses
//                 can be splatted: `q.create_user(**vars(params))`.
//
// Result shapes: :one → Row | None, :many → list[Row] plus iter_<name>() (an iterator / async
// iterator streaming rows), :exec → None, :execrows → int, :execlastid → int (PostgreSQL: the
// value of RETURNING), :execresult → ExecResult. Row is the table's model when the query returns
// exactly a table's columns (`RETURNING *`, `SELECT *`), the bare value when it returns a single
// column (sqlc's behaviour), a <Name>Row NamedTuple otherwise; sqlc.embed(t) columns nest as a
// model-typed field. Rows are NamedTuples (immutable, typed, attribute access in C) rather than
// frozen dataclasses so that a row whose values need no conversion is built by tuple.__new__ in C:
// a frozen dataclass's __init__ costs ~1 µs per row of six fields, which on a 1,000-row result
// was more than asyncpg's own decoding (bench/RESULTS.md).
// :copyfrom → <name>(rows: Sequence[<Name>Params]) -> int (rows inserted): asyncpg
// copy_records_to_table, psycopg cursor.copy() (COPY FROM STDIN), PyMySQL/aiomysql multi-row
// INSERTs under 65535 placeholders, sqlite3/aiosqlite executemany inside one transaction.
// :batchexec / :batchone / :batchmany → <name>(items: Sequence[<Name>Params]) -> None /
// list[Row | None] / list[list[Row]]: the statement once per element, in order, on the connection.
// Either kind without parameters is skipped with a codegen.unsupported warning.
//
// Type mapping (query/schema TypeCategory → Python type; conversions done by the generated code):
//   boolean            bool               MySQL/SQLite 0/1 → bool
//   int16/int32/int64  int                int() (MySQL SUM() returns Decimal); none on PostgreSQL,
//                                         whose drivers decode int2/int4/int8/oid as int
//   float32/float64    float              float(); none on PostgreSQL (float4/float8 are float)
//   decimal            decimal.Decimal    SQLite int/float → Decimal; bound as text on SQLite
//   text               str
//   bytes              bytes
//   date               datetime.date      SQLite: ISO text both ways
//   time               datetime.time      MySQL timedelta → time; SQLite: ISO text both ways
//   timestamp(tz)      datetime.datetime  SQLite: 'YYYY-MM-DD HH:MM:SS' text both ways
//   interval           datetime.timedelta
//   uuid               uuid.UUID          bound as text on MySQL/SQLite
//   json               Any (dict/list/str/int/float/bool)  decoded from text for asyncpg, MySQL and
//                      SQLite; bound as json.dumps text, or psycopg Json/Jsonb; None is SQL NULL
//   enum               models.<Enum> (enum.Enum(str))  bound by .value
//   inet               str
//   bits, other        Any
//   arrays (PG)        list[T]            sqlc.slice on PostgreSQL: Sequence[T] bound as a list
// Nullable columns and parameters are `T | None`. sqlc.slice on MySQL/SQLite is Sequence[T],
// expanded to one placeholder per element at run time (an empty list matches nothing).
//
// Placeholders: asyncpg $n; psycopg %s in $n occurrence order; PyMySQL/aiomysql %s; sqlite3 and
// aiosqlite ?. Literal % is doubled for the %s drivers (sql_text.cpp).
// Writes: asyncpg autocommits; psycopg, PyMySQL and aiomysql follow the connection's autocommit
// setting (commit yourself or use transaction()); sqlite3/aiosqlite commit a statement's implicit
// transaction right after it unless a transaction is already open (see _runtime.py).
#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <tuple>
#include <set>
#include <string>
#include <vector>

#include "flash/codegen/copyfrom.hpp"
#include "flash/codegen/python/python.hpp"
#include "flash/schema/types.hpp"
#include "flash/sql/lexer.hpp"
#include "flash/util/text.hpp"

namespace flash::codegen::python {

std::optional<Driver> driver_from_string(std::string_view name) {
  const std::string n = util::to_lower(util::trim(name));
  if (n == "asyncpg") return Driver::asyncpg;
  if (n == "psycopg" || n == "psycopg3") return Driver::psycopg;
  if (n == "aiomysql") return Driver::aiomysql;
  if (n == "pymysql") return Driver::pymysql;
  if (n == "aiosqlite") return Driver::aiosqlite;
  if (n == "sqlite3") return Driver::sqlite3;
  return std::nullopt;
}

std::string_view to_string(Driver d) {
  switch (d) {
    case Driver::asyncpg: return "asyncpg";
    case Driver::psycopg: return "psycopg";
    case Driver::aiomysql: return "aiomysql";
    case Driver::pymysql: return "pymysql";
    case Driver::aiosqlite: return "aiosqlite";
    case Driver::sqlite3: return "sqlite3";
  }
  return "?";
}

bool is_async(Driver d) { return d == Driver::asyncpg || d == Driver::aiomysql || d == Driver::aiosqlite; }

Driver default_driver(schema::Dialect d, bool async) {
  switch (d) {
    case schema::Dialect::mysql: return async ? Driver::aiomysql : Driver::pymysql;
    case schema::Dialect::sqlite: return async ? Driver::aiosqlite : Driver::sqlite3;
    default: return async ? Driver::asyncpg : Driver::psycopg;
  }
}

bool driver_fits(Driver drv, schema::Dialect d) {
  switch (drv) {
    case Driver::asyncpg:
    case Driver::psycopg: return d == schema::Dialect::postgresql;
    case Driver::aiomysql:
    case Driver::pymysql: return d == schema::Dialect::mysql;
    case Driver::aiosqlite:
    case Driver::sqlite3: return d == schema::Dialect::sqlite;
  }
  return false;
}

namespace {

using schema::TypeCategory;

constexpr std::array<std::string_view, 35> kKeywords = {
    "False", "None",   "True",    "and",      "as",     "assert", "async", "await", "break",
    "class", "continue", "def",   "del",      "elif",   "else",   "except", "finally", "for",
    "from",  "global", "if",      "import",   "in",     "is",     "lambda", "nonlocal", "not",
    "or",    "pass",   "raise",   "return",   "try",    "while",  "with",  "yield"};

bool is_keyword(std::string_view s) {
  return std::find(kKeywords.begin(), kKeywords.end(), s) != kKeywords.end();
}

// A valid lower-case Python identifier from a snake_case name: other characters become '_',
// leading underscores are dropped (they mean "private"), keywords get a trailing '_'.
std::string py_ident(std::string_view raw, std::string_view fallback) {
  std::string s;
  for (char c : raw) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '_') s += c;
    else if (!s.empty() && s.back() != '_') s += '_';
  }
  while (!s.empty() && s.front() == '_') s.erase(s.begin());
  while (!s.empty() && s.back() == '_' && raw.size() && raw.back() != '_') s.pop_back();
  if (s.empty()) s = std::string(fallback);
  if (std::isdigit(static_cast<unsigned char>(s[0]))) s = "n" + s;
  if (is_keyword(s) || s == "self") s += '_';
  return s;
}

// snake_name, but an upper-case run followed by a plural 's' stays one word: "ListUsersByIDs" →
// list_users_by_ids (snake_name alone splits it as by_i_ds).
std::string class_ident(std::string_view raw, std::string_view fallback) {
  std::string s;
  for (char c : pascal_name(raw))
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') s += c;
  if (s.empty()) s = std::string(fallback);
  if (std::isdigit(static_cast<unsigned char>(s[0]))) s = "X" + s;
  if (is_keyword(s)) s += '_';
  return s;
}

// Makes `name` unique within `used` by appending _2, _3 ...
std::string unique(std::string name, std::set<std::string>& used) {
  std::string n = name;
  for (int i = 2; used.count(n); ++i) n = name + "_" + std::to_string(i);
  used.insert(n);
  return n;
}

std::string header(const Request& req) {
  std::string h = "# Code generated by flash";
  if (!req.flash_version.empty()) h += " " + req.flash_version;
  h += ". DO NOT EDIT.\n";
  return h;
}

struct Imports {
  bool dataclasses = false, datetime = false, decimal = false, uuid = false, enum_ = false;
  bool any = false, sequence = false, iterator = false, async_iterator = false, models = false;
  bool runtime = false, final_ = false, named_tuple = false, functools = false, callable = false;
  bool itertools = false;
  std::set<std::string> aliases;  // "datetime" → `import datetime as _datetime`
};

// Python type and conversions of one (element) type.
struct TypeInfo {
  std::string hint;     // without `| None`, arrays included
  std::string read_fn;  // element conversion applied to a driver value, "" = none
  std::string bind_fn;  // element conversion applied to a parameter (None-safe), "" = none
  int dims = 0;
};

struct Ctx {
  const Request* req = nullptr;
  schema::Dialect dialect = schema::Dialect::postgresql;
  Driver driver = Driver::asyncpg;
  std::map<std::string, std::string> enum_classes;  // enum name → class name
  std::map<std::string, std::string> table_models;  // table name → class name
  diag::Diagnostics* diags = nullptr;
  bool read_retry = false;  // asyncpg: SELECTs of :one/:many run through _rt.retry_read
  bool record_rows = false;  // rows = "record": result rows are asyncpg.Record subclasses
  std::map<std::string, std::string> table_records;  // record_rows: table name → models.<X>Record
};

TypeInfo map_type(const query::ResolvedType& t, const Ctx& ctx, Imports& im, bool in_models) {
  const bool pg = ctx.dialect == schema::Dialect::postgresql;
  const bool sqlite = ctx.dialect == schema::Dialect::sqlite;
  TypeInfo ti;
  ti.dims = std::max(t.array_dims, t.sql.array_dims);
  std::string& h = ti.hint;
  switch (t.category) {
    case TypeCategory::boolean:
      h = "bool";
      if (!pg) ti.read_fn = "_rt.to_bool";
      break;
    case TypeCategory::int16:
    case TypeCategory::int32:
    case TypeCategory::int64:
      h = "int";
      // PostgreSQL types only int2/int4/int8/oid (and their domains) as int*: asyncpg and psycopg
      // return int for them. MySQL's SUM() returns Decimal, SQLite any storage class.
      if (!pg) ti.read_fn = "int";
      break;
    case TypeCategory::float32:
    case TypeCategory::float64:
      h = "float";
      if (!pg) ti.read_fn = "float";
      break;
    case TypeCategory::decimal:
      h = "decimal.Decimal";
      im.decimal = true;
      ti.read_fn = "_rt.to_decimal";
      if (sqlite) ti.bind_fn = "_rt.decimal_text";
      break;
    case TypeCategory::text: h = "str"; break;
    case TypeCategory::bytes:
      h = "bytes";
      if (!pg) ti.read_fn = "_rt.to_bytes";
      break;
    case TypeCategory::date:
      h = "datetime.date";
      im.datetime = true;
      if (sqlite) ti.read_fn = "_rt.to_date", ti.bind_fn = "_rt.temporal_text";
      break;
    case TypeCategory::time:
      h = "datetime.time";
      im.datetime = true;
      if (!pg) ti.read_fn = "_rt.to_time";
      if (sqlite) ti.bind_fn = "_rt.temporal_text";
      break;
    case TypeCategory::timestamp:
    case TypeCategory::timestamptz:
      h = "datetime.datetime";
      im.datetime = true;
      if (sqlite) ti.read_fn = "_rt.to_datetime", ti.bind_fn = "_rt.temporal_text";
      break;
    case TypeCategory::interval:
      h = "datetime.timedelta";
      im.datetime = true;
      break;
    case TypeCategory::uuid:
      h = "uuid.UUID";
      im.uuid = true;
      ti.read_fn = "_rt.to_uuid";
      if (!pg) ti.bind_fn = "_rt.uuid_text";
      break;
    case TypeCategory::json:
      h = "Any";
      im.any = true;
      if (ctx.driver != Driver::psycopg) ti.read_fn = "_rt.from_json";
      if (ctx.driver == Driver::psycopg)
        ti.bind_fn = util::to_lower(t.sql.name) == "jsonb" ? "_rt.jsonb_arg" : "_rt.json_arg";
      else
        ti.bind_fn = "_rt.json_text";
      break;
    case TypeCategory::enum_: {
      const auto it = ctx.enum_classes.find(t.enum_name);
      if (it == ctx.enum_classes.end()) {
        h = "str";
        break;
      }
      h = in_models ? it->second : "models." + it->second;
      if (!in_models) im.models = true;
      ti.read_fn = h;
      ti.bind_fn = "_rt.enum_arg";
      break;
    }
    case TypeCategory::inet:
      h = "str";
      ti.read_fn = "str";
      break;
    default:  // bits, other
      h = "Any";
      im.any = true;
      break;
  }
  for (int i = 0; i < ti.dims; ++i) h = "list[" + h + "]";
  if (ti.dims > 1) ti.read_fn.clear(), ti.bind_fn.clear();
  if (!ti.read_fn.empty() || !ti.bind_fn.empty()) im.runtime = im.runtime || !in_models;
  return ti;
}

std::string optional_hint(const std::string& hint, bool nullable) {
  return nullable && hint != "Any" ? hint + " | None" : hint;
}

// The expression that turns driver value `v` into the Python value.
std::string read_expr(const TypeInfo& ti, const std::string& v, bool nullable) {
  if (ti.read_fn.empty()) return v;
  const std::string conv = ti.dims == 0 ? ti.read_fn + "(" + v + ")" : "_rt.array(" + ti.read_fn + ", " + v + ")";
  return nullable ? "None if " + v + " is None else " + conv : conv;
}

// The expression that turns parameter `v` into what the driver binds.
std::string bind_expr(const TypeInfo& ti, const std::string& v, bool nullable) {
  if (ti.bind_fn.empty()) return v;
  if (ti.dims == 0) return ti.bind_fn + "(" + v + ")";  // the bind helpers pass None through
  const std::string conv = "_rt.array(" + ti.bind_fn + ", " + v + ")";
  return nullable ? "None if " + v + " is None else " + conv : conv;
}

const std::set<std::string>& builtin_names() {
  static const std::set<std::string> names = {"list", "str", "int", "float", "bool", "bytes"};
  return names;
}

const std::set<std::string>& module_names() {
  static const std::set<std::string> names = {"datetime", "decimal", "uuid", "models", "Any", "enum",
                                              "dataclasses", "list", "str", "int", "float", "bool", "bytes"};
  return names;
}

// Prefixes module names in a hint with '_' (for classes whose field names shadow those modules).
std::string alias_hint(const std::string& hint, const std::set<std::string>& shadowed, Imports& im) {
  std::string out;
  std::size_t i = 0;
  while (i < hint.size()) {
    if (std::isalpha(static_cast<unsigned char>(hint[i])) || hint[i] == '_') {
      std::size_t e = i;
      while (e < hint.size() && (std::isalnum(static_cast<unsigned char>(hint[e])) || hint[e] == '_')) ++e;
      const std::string word = hint.substr(i, e - i);
      const bool head = i == 0 || hint[i - 1] != '.';
      if (head && shadowed.count(word) && builtin_names().count(word)) {
        out += "builtins." + word;
        im.aliases.insert("builtins");
      } else if (head && shadowed.count(word)) {
        out += "_" + word;
        im.aliases.insert(word);
      } else {
        out += word;
      }
      i = e;
    } else {
      out += hint[i++];
    }
  }
  return out;
}

std::string import_block(const Imports& im, bool future = true) {
  std::string out;
  if (future) out += "from __future__ import annotations\n\n";
  std::vector<std::string> std_mods;
  if (im.dataclasses) std_mods.push_back("dataclasses");
  if (im.datetime) std_mods.push_back("datetime");
  if (im.decimal) std_mods.push_back("decimal");
  if (im.enum_) std_mods.push_back("enum");
  if (im.functools) std_mods.push_back("functools");
  if (im.itertools) std_mods.push_back("itertools");
  if (im.uuid) std_mods.push_back("uuid");
  for (const auto& m : std_mods) out += "import " + m + "\n";
  for (const auto& a : im.aliases) {
    if (a == "Any") out += "from typing import Any as _Any\n";
    else if (a == "models") out += "from . import models as _models\n";
    else if (a == "builtins") out += "import builtins\n";
    else out += "import " + a + " as _" + a + "\n";
  }
  std::vector<std::string> abc;
  if (im.async_iterator) abc.push_back("AsyncIterator");
  if (im.callable) abc.push_back("Callable");
  if (im.iterator) abc.push_back("Iterator");
  if (im.sequence) abc.push_back("Sequence");
  if (!abc.empty()) out += "from collections.abc import " + util::join(abc, ", ") + "\n";
  std::vector<std::string> typing;
  if (im.any) typing.push_back("Any");
  if (im.final_) typing.push_back("Final");
  if (im.named_tuple) typing.push_back("NamedTuple");
  if (!typing.empty()) out += "from typing import " + util::join(typing, ", ") + "\n";
  if (im.models || im.runtime) {
    out += "\n";
    if (im.models) out += "from . import models\n";
    if (im.runtime) out += "from . import _runtime as _rt\n";
  }
  return out;
}

// A field line of a NamedTuple class body. A field named like a tuple method (count, index)
// shadows it, which Python allows and mypy reports as an incompatible override: the field keeps
// its type for the callers, the class line carries the ignore.
std::string tuple_field(const std::string& name, const std::string& hint) {
  std::string line = "    " + name + ": " + hint;
  if (name == "count" || name == "index") line += "  # type: ignore[assignment]";
  return line + "\n";
}

// rows = "record": a subclass of asyncpg.Record (_rt.Record) with one read-only property per
// field, typed by its annotation: _rt.column(i) (operator.itemgetter, in C) for a value read as it
// is, _rt.computed(lambda r: <expr>) for one that needs a conversion. `exprs` are in the row `r`.
std::string record_class(const std::string& cls, const std::string& doc,
                         const std::vector<std::tuple<std::string, std::string, std::string>>& fields) {
  std::string out = "\n\nclass " + cls + "(_rt.Record):\n";
  out += "    " + py_string(doc, false) + "\n\n    __slots__ = ()\n\n";
  for (const auto& [name, hint, expr] : fields) {
    out += "    " + name + ": " + hint + " = ";
    // A value read as it is, `r[N]` (after an sqlc.embed N is not the field's position).
    const std::string_view index = expr.size() > 3 && expr.starts_with("r[") && expr.ends_with("]")
                                       ? std::string_view(expr).substr(2, expr.size() - 3)
                                       : std::string_view();
    const bool plain = !index.empty() && std::all_of(index.begin(), index.end(), [](char c) { return c >= '0' && c <= '9'; });
    out += plain ? "_rt.column(" + std::string(index) + ")" : "_rt.computed(lambda r: " + expr + ")";
    if (name == "get" || name == "keys" || name == "values" || name == "items") out += "  # type: ignore[assignment]";
    out += "\n";
  }
  return out;
}

std::string docstring(const std::vector<std::string>& lines, const std::string& indent) {
  if (lines.empty()) return "";
  std::string text = util::join(lines, "\n" + indent);
  return indent + py_string(text, true) + "\n";
}

// A schema column as an analysed type.
query::ResolvedType column_type(const schema::Schema& s, const schema::Table& t, const schema::Column& c) {
  query::ResolvedType rt;
  rt.sql = c.type;
  rt.category = schema::category(c.type, s.dialect, &s);
  rt.array_dims = c.type.array_dims;
  if (rt.category == TypeCategory::enum_) {
    if (!c.type.values.empty()) {
      rt.enum_name = t.name + "_" + c.name;
      rt.enum_values = c.type.values;
    } else {
      rt.enum_name = c.type.name;
      if (const auto* e = s.find_enum(c.type.name, c.type.schema)) rt.enum_values = e->values;
    }
  }
  return rt;
}

struct EnumDef {
  std::string name, class_name, comment;
  std::vector<std::string> values;
};

std::string enum_member(const std::string& value, std::set<std::string>& used) {
  std::string m;
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) m += static_cast<char>(std::toupper(u));
    else if (!m.empty() && m.back() != '_') m += '_';
  }
  while (!m.empty() && m.back() == '_') m.pop_back();
  if (m.empty()) m = "EMPTY";
  if (std::isdigit(static_cast<unsigned char>(m[0]))) m = "V_" + m;
  if (is_keyword(m)) m += '_';
  return unique(m, used);
}

// ---- models.py ----

std::string models_module(const Request& req, Ctx& ctx, const std::vector<EnumDef>& enums) {
  const schema::Schema& s = *req.schema;
  Imports im;
  std::string body;
  for (const auto& e : enums) {
    im.enum_ = true;
    body += "\n\nclass " + e.class_name + "(str, enum.Enum):\n";
    body += docstring({e.comment}, "    ") + "\n";
    std::set<std::string> used;
    for (const auto& v : e.values) body += "    " + enum_member(v, used) + " = " + py_string(v, false) + "\n";
  }
  for (const auto& t : s.tables) {
    const auto it = ctx.table_models.find(t.name);
    if (it == ctx.table_models.end()) continue;
    im.named_tuple = true;
    std::set<std::string> used, shadowed;
    std::vector<std::pair<std::string, std::string>> fields;
    std::vector<std::string> exprs;  // rows = "record": each column's value from an asyncpg row r
    for (const auto& c : t.columns) {
      const auto ti = map_type(column_type(s, t, c), ctx, im, true);
      const std::string name = unique(py_ident(snake_name(c.name), "column"), used);
      if (module_names().count(name)) shadowed.insert(name);
      fields.emplace_back(name, optional_hint(ti.hint, c.nullable));
      exprs.push_back(read_expr(ti, "r[" + std::to_string(exprs.size()) + "]", c.nullable));
    }
    body += "\n\nclass " + it->second + "(NamedTuple):\n";
    body += docstring({"A row of table " + schema::qualified(t.schema, t.name) + "."}, "    ") + "\n";
    for (const auto& [name, hint] : fields) body += tuple_field(name, alias_hint(hint, shadowed, im));
    const auto rec = ctx.table_records.find(t.name);
    if (rec == ctx.table_records.end()) continue;
    // rows = "record": the twin that `SELECT *` / `RETURNING *` results are (asyncpg builds it).
    im.runtime = true;
    std::vector<std::tuple<std::string, std::string, std::string>> rfields;
    for (std::size_t i = 0; i < fields.size(); ++i)
      rfields.emplace_back(fields[i].first, alias_hint(fields[i].second, shadowed, im), exprs[i]);
    body += record_class(rec->second,
                         "A row of table " + schema::qualified(t.schema, t.name) + " as query results return it "
                         "(an asyncpg.Record; " + it->second + " is the constructible model).",
                         rfields);
  }
  std::string out = header(req);
  out += "\"\"\"Row models of the schema's tables and its enum types.\"\"\"\n\n";
  out += import_block(im);
  out += body;
  return out;
}

// ---- query modules ----

struct ParamInfo {
  const query::Param* p;
  std::string name;
  TypeInfo ti;
};

struct Field {
  std::string name;
  std::string hint;
  std::string expr;  // construction expression from row `r`
};

class ModuleWriter {
 public:
  ModuleWriter(const Request& req, Ctx& ctx) : req_(req), ctx_(ctx) {}

  bool add(const query::Query& q) {
    const bool async = is_async(ctx_.driver);
    record_cls_.clear();  // set by row_function for the kinds that return rows
    const bool batch = q.kind == query::Kind::batchexec || q.kind == query::Kind::batchmany ||
                       q.kind == query::Kind::batchone;
    const bool copyfrom = q.kind == query::Kind::copyfrom;
    if ((batch || copyfrom) && q.params.empty()) {
      warn(q, q.name + " is " + std::string(query::to_string(q.kind)) +
                  " but has no parameters (one statement runs per element); skipped");
      return false;
    }
    std::optional<CopyTarget> copy;
    if (copyfrom) {
      copy = copy_target(q, ctx_.dialect, req_.schema.get(), *ctx_.diags);
      if (!copy) return false;
    }
    const bool rows = q.kind == query::Kind::one || q.kind == query::Kind::many || q.kind == query::Kind::batchone ||
                      q.kind == query::Kind::batchmany;
    if (rows && q.columns.empty()) {
      warn(q, q.name + " is " + std::string(query::to_string(q.kind)) + " but returns no columns; skipped");
      return false;
    }
    if (q.kind == query::Kind::execlastid && ctx_.dialect == schema::Dialect::postgresql && q.columns.empty()) {
      warn(q, q.name + ": PostgreSQL has no last-insert id; add RETURNING id to use :execlastid. Skipped");
      return false;
    }
    const std::string snake = snake_name(q.name);
    const std::string method = unique(py_ident(snake, "query"), methods_);
    const std::string pascal = class_ident(q.name, "Query");
    std::string constant = util::to_upper(py_ident(snake, "query"));
    constant = unique(constant, globals_);

    // SQL.
    const DriverSql dsql = rewrite_sql(q.sql, ctx_.dialect, ctx_.driver);
    consts_ += "\n" + constant + ": Final = " + py_string(dsql.text, dsql.text.find('\n') != std::string::npos) + "\n";
    im_.final_ = true;

    // Parameters, in number order.
    std::vector<const query::Param*> ordered;
    for (const auto& p : q.params) ordered.push_back(&p);
    std::stable_sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->number < b->number; });
    std::vector<ParamInfo> params;
    std::set<std::string> used_params;
    for (const auto* p : ordered) {
      ParamInfo pi{p, unique(py_ident(snake_name(p->name), "arg" + std::to_string(p->number)), used_params),
                   map_type(p->type, ctx_, im_, false)};
      params.push_back(std::move(pi));
    }
    const auto hint_of = [&](const ParamInfo& pi) {
      std::string h = pi.ti.hint;
      if (pi.p->is_slice) {
        im_.sequence = true;
        // PostgreSQL slices are typed as the array; the parameter is a sequence of elements.
        if (pi.ti.dims > 0 && h.starts_with("list[")) h = h.substr(5, h.size() - 6);
        h = "Sequence[" + h + "]";
      }
      return optional_hint(h, pi.p->nullable && !pi.p->is_slice);
    };
    // `pre` prefixes the parameter's name: "" in a plain method, "_p." for an element of a
    // :copyfrom / :batch* sequence.
    const auto bound = [&](const ParamInfo& pi, const std::string& pre) -> std::string {
      const std::string name = pre + pi.name;
      if (pi.p->is_slice) {
        im_.runtime = true;
        if (ctx_.dialect == schema::Dialect::postgresql)
          return pi.ti.bind_fn.empty() ? "list(" + name + ")" : "_rt.array(" + pi.ti.bind_fn + ", " + name + ")";
        return pi.ti.bind_fn.empty() ? "*" + name : "*_rt.array(" + pi.ti.bind_fn + ", " + name + ")";
      }
      return bind_expr(pi.ti, name, pi.p->nullable);
    };
    const auto by_number = [&](int n) -> const ParamInfo* {
      for (const auto& pi : params)
        if (pi.p->number == n) return &pi;
      return nullptr;
    };
    const auto build_args = [&](const std::string& pre) {
    std::vector<std::string> args;
    if (ctx_.driver == Driver::asyncpg) {
      for (const auto& pi : params) args.push_back(bound(pi, pre));
    } else if (ctx_.driver == Driver::psycopg) {
      for (int n : dsql.order)
        if (const auto* pi = by_number(n)) args.push_back(bound(*pi, pre));
    } else {
      // One argument per placeholder: `?NNN` binds parameter NNN; plain `?`s take the query's
      // bind_order in turn (or the parameters in order when it is empty).
      std::size_t next = 0;
      for (int n : dsql.order) {
        const ParamInfo* pi = nullptr;
        if (n > 0) {
          pi = by_number(n);
        } else if (!q.bind_order.empty()) {
          const int idx = next < q.bind_order.size() ? q.bind_order[next] : -1;
          ++next;
          const auto* src = idx >= 0 && idx < static_cast<int>(q.params.size()) ? &q.params[idx] : nullptr;
          for (const auto& cand : params)
            if (cand.p == src) pi = &cand;
        } else if (next < params.size()) {
          pi = &params[next++];
        }
        if (pi) args.push_back(bound(*pi, pre));
      }
    }
    return args;
    };
    const std::vector<std::string> arg_list = build_args(batch || copyfrom ? "_p." : "");
    std::string args_expr = "()";
    if (arg_list.size() == 1) args_expr = "(" + arg_list[0] + ",)";
    else if (arg_list.size() > 1) args_expr = "(" + util::join(arg_list, ", ") + ")";

    // Params dataclass.
    std::string params_cls;
    if (!params.empty()) {
      im_.dataclasses = true;
      std::string cls = unique(pascal + "Params", globals_);
      params_cls = cls;
      std::set<std::string> shadowed;
      for (const auto& pi : params)
        if (module_names().count(pi.name)) shadowed.insert(pi.name);
      classes_ += "\n\n@dataclasses.dataclass(frozen=True, kw_only=True)\nclass " + cls + ":\n";
      classes_ += docstring({"Parameters of " + method + "(); pass them as `**vars(params)`."}, "    ") + "\n";
      for (const auto& pi : params) {
        classes_ += "    " + pi.name + ": " + alias_hint(hint_of(pi), shadowed, im_);
        if (pi.p->nullable && !pi.p->is_slice) classes_ += " = None";
        classes_ += "\n";
      }
    }

    // Result type and the row conversion function.
    std::string result;
    std::string row_fn;
    if (rows) {
      row_fn = unique("_" + py_ident(snake, "query") + "_row", globals_);
      result = row_function(q, pascal, row_fn);
    }

    // The method.
    std::string sig = "    " + std::string(async ? "async " : "") + "def " + method + "(";
    std::string ret;
    switch (q.kind) {
      case query::Kind::one:
        ret = result.size() > 7 && result.ends_with(" | None") ? result : result + " | None";
        break;
      case query::Kind::many: ret = "list[" + result + "]"; break;
      case query::Kind::exec: ret = "None"; break;
      case query::Kind::execrows:
      case query::Kind::execlastid: ret = "int"; break;
      case query::Kind::execresult: ret = "_rt.ExecResult"; break;
      default: ret = "None"; break;
    }
    if (result == "Any" && q.kind == query::Kind::one) ret = "Any";  // Any already admits None
    std::string plist;
    if (params.empty()) {
      plist = "self)";
    } else {
      plist = "\n        self,\n        *,\n";
      for (const auto& pi : params) {
        plist += "        " + pi.name + ": " + hint_of(pi);
        if (pi.p->nullable && !pi.p->is_slice) plist += " = None";
        plist += ",\n";
      }
      plist += "    )";
    }
    std::vector<std::string> doc = q.comments;
    std::string body;
    std::string sql_var = constant;
    for (const auto& pi : params) {
      if (!pi.p->is_slice || ctx_.dialect == schema::Dialect::postgresql) continue;
      const std::string ph = ctx_.driver == Driver::pymysql || ctx_.driver == Driver::aiomysql ? "%s" : "?";
      body += "        _sql = _rt.expand_slice(" + sql_var + ", " + py_string(pi.p->name, false) + ", len(" + pi.name +
              "), \"" + ph + "\")\n";
      sql_var = "_sql";
    }
    im_.runtime = true;
    const std::string aw = async ? "await " : "";
    const std::string call_args = "(self._conn, " + sql_var + ", " + args_expr + ")";
    std::string read_args = call_args;  // of fetch_one / fetch_all (the iterator keeps call_args)
    std::string fetch_one = "_rt.fetch_one", fetch_all = "_rt.fetch_all";
    bool retried = false;
    if (ctx_.read_retry && (q.kind == query::Kind::one || q.kind == query::Kind::many) &&
        sql::leading_keyword(q.sql, schema::Dialect::postgresql) == "SELECT") {
      // A read: run again after a lost connection, under the Queries object's policy.
      std::string reader = q.kind == query::Kind::one ? fetch_one : fetch_all;
      if (!record_cls_.empty()) {
        im_.functools = true;
        reader = "functools.partial(" + reader + ", record_class=" + record_cls_ + ")";
      }
      read_args = "(self._retry, " + reader + ", " + call_args.substr(1);
      fetch_one = fetch_all = "_rt.retry_read";
      retried = true;
    }
    // asyncpg: the connection's own fetchrow / fetch / execute are called in the method (no
    // runtime wrapper: one coroutine and one argument tuple less per call, 10-15 % of a one-row
    // lookup's client CPU). A single value that needs no conversion comes from fetchval: None
    // for no row and for NULL alike, as the conversion function would return.
    const bool direct = ctx_.driver == Driver::asyncpg && !retried;
    std::string direct_args = "(" + sql_var;
    for (const auto& a : arg_list) direct_args += ", " + a;
    const std::string rc = record_cls_.empty() ? "" : ", record_class=" + record_cls_;
    direct_args += rc + ")";
    switch (q.kind) {
      case query::Kind::one:
        if (!record_cls_.empty()) {  // asyncpg builds the row: no conversion
          body += "        _row: " + ret + " = " + aw + (direct ? "self._conn.fetchrow" + direct_args : fetch_one + read_args) +
                  "\n        return _row\n";
          break;
        }
        if (direct && row_identity_value_) {
          body += "        _v: " + ret + " = await self._conn.fetchval" + direct_args + "\n        return _v\n";
          break;
        }
        body += "        _row = " + aw + (direct ? "self._conn.fetchrow" + direct_args : fetch_one + read_args) + "\n";
        body += "        if _row is None:\n            return None\n";
        body += "        return " + row_fn + "(_row)\n";
        break;
      case query::Kind::many:
        if (!record_cls_.empty()) {
          body += "        _rows: " + ret + " = " + aw + (direct ? "self._conn.fetch" + direct_args : fetch_all + read_args) +
                  "\n        return _rows\n";
          break;
        }
        body += "        _rows = " + aw + (direct ? "self._conn.fetch" + direct_args : fetch_all + read_args) + "\n";
        body += rows_fn_.empty() ? "        return list(map(" + row_fn + ", _rows))\n" : "        return " + rows_fn_ + "(_rows)\n";
        break;
      case query::Kind::exec:
        if (direct) body += "        await self._conn.execute" + direct_args + "\n";
        else body += "        " + aw + "_rt.execute" + call_args + "\n";
        break;
      case query::Kind::execrows: body += "        return " + aw + "_rt.exec_rows" + call_args + "\n"; break;
      case query::Kind::execlastid: body += "        return " + aw + "_rt.exec_last_id" + call_args + "\n"; break;
      case query::Kind::execresult: body += "        return " + aw + "_rt.exec_result" + call_args + "\n"; break;
      default: break;
    }
    if (batch || copyfrom) {
      // The element sequence replaces the keyword parameters; each element is a Params object.
      im_.sequence = true;
      const std::string seq = copyfrom ? "rows" : "items";
      plist = "self, " + seq + ": Sequence[" + params_cls + "])";
      body.clear();
      const auto tuple_of = [](const std::vector<std::string>& v) {
        return v.size() == 1 ? "(" + v[0] + ",)" : "(" + util::join(v, ", ") + ")";
      };
      if (copyfrom) {
        ret = "int";
        std::vector<std::string> vals;  // column order
        for (std::size_t c = 0; c < copy->columns.size(); ++c)
          for (const auto& pi : params)
            if (pi.p == &q.params[copy->column_param[c]]) vals.push_back(bound(pi, "_p."));
        const std::string records = "[" + tuple_of(vals) + " for _p in rows]";
        switch (ctx_.driver) {
          case Driver::asyncpg: {
            std::vector<std::string> cols;
            for (const auto& c : copy->columns) cols.push_back(py_string(c, false));
            body += "        return await _rt.copy_from(\n            self._conn,\n            " +
                    (copy->schema.empty() ? std::string("None") : py_string(copy->schema, false)) + ",\n            " +
                    py_string(copy->table, false) + ",\n            " + tuple_of(cols) + ",\n            " + records +
                    ",\n        )\n";
            break;
          }
          case Driver::psycopg: {
            std::string copy_sql = copy_insert_prefix(*copy, ctx_.dialect);
            // "INSERT INTO t (a, b) VALUES " → "COPY t (a, b) FROM STDIN"
            copy_sql = "COPY " + copy_sql.substr(12, copy_sql.size() - 12 - 8) + " FROM STDIN";
            const std::string cname = unique(constant + "_COPY", globals_);
            consts_ += cname + ": Final = " + py_string(copy_sql, false) + "\n";
            body += "        return _rt.copy_from(self._conn, " + cname + ", " + records + ")\n";
            break;
          }
          case Driver::pymysql:
          case Driver::aiomysql: {
            std::string prefix;
            for (char c : copy_insert_prefix(*copy, ctx_.dialect)) prefix += c == '%' ? std::string("%%") : std::string(1, c);
            const std::string cname = unique(constant + "_INSERT", globals_);
            consts_ += cname + ": Final = " + py_string(prefix, false) + "\n";
            std::string group = "(";
            for (std::size_t c = 0; c < copy->columns.size(); ++c) group += c ? ", %s" : "%s";
            group += ")";
            body += "        return " + aw + "_rt.insert_rows(\n            self._conn,\n            " + cname +
                    ",\n            " + py_string(group, false) + ",\n            " + records + ",\n            " +
                    std::to_string(copy_chunk_rows(*copy, ctx_.dialect)) + ",\n        )\n";
            break;
          }
          case Driver::sqlite3:
          case Driver::aiosqlite:
            body += "        return " + aw + "_rt.insert_rows(self._conn, " + constant + ", [" + args_expr +
                    " for _p in rows])\n";
            break;
        }
      } else {
        std::string elem;
        if (q.kind == query::Kind::batchexec) {
          ret = "None";
        } else if (q.kind == query::Kind::batchone) {
          elem = result.size() > 7 && result.ends_with(" | None") ? result : result + " | None";
          if (result == "Any") elem = "Any";
          ret = "list[" + elem + "]";
        } else {
          elem = "list[" + result + "]";
          ret = "list[" + elem + "]";
        }
        if (!elem.empty()) body += "        _out: list[" + elem + "] = []\n";
        body += "        for _p in items:\n";
        std::string sv = constant;
        for (const auto& pi : params) {
          if (!pi.p->is_slice || ctx_.dialect == schema::Dialect::postgresql) continue;
          const std::string ph = ctx_.driver == Driver::pymysql || ctx_.driver == Driver::aiomysql ? "%s" : "?";
          body += "            _sql = _rt.expand_slice(" + sv + ", " + py_string(pi.p->name, false) + ", len(_p." +
                  pi.name + "), \"" + ph + "\")\n";
          sv = "_sql";
        }
        const std::string ca = "(self._conn, " + sv + ", " + args_expr + (record_cls_.empty() ? "" : ", " + record_cls_) + ")";
        if (!record_cls_.empty() && q.kind != query::Kind::batchexec) {
          body += "            _out.append(" + aw + "_rt." + (q.kind == query::Kind::batchone ? "fetch_one" : "fetch_all") + ca + ")\n";
        } else switch (q.kind) {
          case query::Kind::batchone:
            body += "            _row = " + aw + "_rt.fetch_one" + ca + "\n";
            body += "            _out.append(None if _row is None else " + row_fn + "(_row))\n";
            break;
          case query::Kind::batchmany:
            body += "            _rows = " + aw + "_rt.fetch_all" + ca + "\n";
            body += rows_fn_.empty() ? "            _out.append([" + row_fn + "(_r) for _r in _rows])\n"
                                     : "            _out.append(" + rows_fn_ + "(_rows))\n";
            break;
          default: body += "            " + aw + "_rt.execute" + ca + "\n"; break;
        }
        if (!elem.empty()) body += "        return _out\n";
      }
      if (doc.empty())
        doc.push_back(copyfrom ? std::string(":copyfrom ") + q.name + ": inserts every element of rows; returns the number of rows inserted."
                               : std::string(query::to_string(q.kind)) + " " + q.name +
                                     ": runs the statement once per element of items, in order, on this connection.");
    }
    methods_text_ += "\n" + sig + plist + " -> " + ret + ":\n";
    methods_text_ += docstring(doc.empty() ? std::vector<std::string>{std::string(query::to_string(q.kind)) + " " + q.name}
                                           : doc,
                               "        ");
    methods_text_ += body;

    // The streaming variant of :many.
    if (q.kind == query::Kind::many) {
      const std::string iter_name = "iter_" + method;
      if (!methods_.count(iter_name)) {
        methods_.insert(iter_name);
        std::string it_ret;
        if (async) {
          im_.async_iterator = true;
          it_ret = "AsyncIterator[" + result + "]";
        } else {
          im_.iterator = true;
          it_ret = "Iterator[" + result + "]";
        }
        methods_text_ += "\n" + sig.replace(sig.find(method), method.size(), iter_name) + plist + " -> " + it_ret + ":\n";
        methods_text_ += docstring({"Like " + method + "(), yielding rows as they arrive."}, "        ");
        std::string ibody = body.substr(0, body.find("        _rows"));
        if (!record_cls_.empty()) {
          ibody += "        async for _r in _rt.iterate(self._conn, " + sql_var + ", " + args_expr + ", " + record_cls_ + "):\n";
          ibody += "            yield _r\n";
        } else {
          ibody += "        " + std::string(async ? "async " : "") + "for _r in _rt.iterate" + call_args + ":\n";
          ibody += "            yield " + row_fn + "(_r)\n";
        }
        methods_text_ += ibody;
      }
    }
    return true;
  }

  std::string finish(const std::string& source_file) {
    std::string out = header(req_);
    out += "# source: " + source_file + "\n";
    out += docstring({"Queries of " + source_file + " (driver: " + std::string(to_string(ctx_.driver)) + ")."}, "") + "\n";
    out += import_block(im_);
    out += consts_;
    out += row_classes_;
    out += classes_;
    out += row_fns_;
    out += "\n\nclass Queries:\n";
    out += docstring({"The queries of " + source_file + ", run on a " + std::string(to_string(ctx_.driver)) +
                      " connection."},
                     "    ") +
           "\n";
    if (ctx_.read_retry)
      out += "    def __init__(self, conn: _rt.Connection, *, read_retry: _rt.ReadRetry = _rt.DEFAULT_READ_RETRY) -> None:\n"
             "        self._conn = conn\n        self._retry = read_retry\n\n";
    else
      out += "    def __init__(self, conn: _rt.Connection) -> None:\n        self._conn = conn\n\n";
    out += "    @property\n    def conn(self) -> _rt.Connection:\n        return self._conn\n";
    out += methods_text_;
    return out;
  }

 private:
  // Emits the row dataclass (if any) and the conversion function; returns the result type.
  std::string row_function(const query::Query& q, const std::string& pascal, std::string& fn) {
    im_.any = true;
    row_identity_value_ = false;
    rows_fn_.clear();
    record_cls_.clear();
    const bool lists = q.kind == query::Kind::many || q.kind == query::Kind::batchmany;
    // A whole table row: the model.
    if (!q.returns_table.empty()) {
      const auto it = ctx_.table_models.find(q.returns_table);
      const schema::Table* t = req_.schema ? req_.schema->find_table(q.returns_table) : nullptr;
      if (it != ctx_.table_models.end() && t && t->columns.size() == q.columns.size()) {
        im_.models = true;
        if (ctx_.record_rows) {  // the model's record twin (models.py)
          record_cls_ = "models." + ctx_.table_records.at(q.returns_table);
          return record_cls_;
        }
        const std::string model = "models." + it->second;
        std::set<std::string> used;
        std::vector<Field> fields;
        for (std::size_t i = 0; i < q.columns.size(); ++i) {
          // The model's field types are the table's: convert by the table column's type so the
          // value matches the annotation even where the analyser typed the column more loosely.
          const auto& tc = t->columns[i];
          const auto ti = map_type(column_type(*req_.schema, *t, tc), ctx_, im_, false);
          Field fd;
          fd.name = unique(py_ident(snake_name(tc.name), "column"), used);
          fd.expr = read_expr(ti, "r[" + std::to_string(i) + "]", q.columns[i].nullable || tc.nullable);
          fields.push_back(std::move(fd));
        }
        emit_row_fn(fn, model, fields, lists);
        return model;
      }
    }
    // A single value.
    if (q.columns.size() == 1 && q.columns[0].embed_table.empty()) {
      const auto& c = q.columns[0];
      const auto ti = map_type(c.type, ctx_, im_, false);
      const std::string hint = optional_hint(ti.hint, c.nullable);
      const std::string expr = read_expr(ti, "r[0]", c.nullable);
      row_identity_value_ = expr == "r[0]";
      // The driver's value as it is: typed through an annotated local (mypy --strict refuses to
      // return Any from a typed function; a cast() would cost a call per row).
      const std::string ret = row_identity_value_ ? "    _v: " + hint + " = r[0]\n    return _v\n" : "    return " + expr + "\n";
      emit_fn("\n\ndef " + fn + "(r: Any) -> " + hint + ":\n" + ret, fn);
      return hint;
    }
    // A Row class; sqlc.embed(t) columns nest as the table's model.
    im_.named_tuple = im_.named_tuple || !ctx_.record_rows;
    const std::string cls = unique(pascal + "Row", globals_);
    std::set<std::string> used, shadowed;
    std::vector<Field> fields;
    for (std::size_t i = 0; i < q.columns.size();) {
      const auto& c = q.columns[i];
      if (!c.embed_table.empty()) {
        std::size_t j = i;
        while (j < q.columns.size() && q.columns[j].embed_table == c.embed_table) ++j;
        const auto it = ctx_.table_models.find(c.embed_table);
        const schema::Table* t = req_.schema ? req_.schema->find_table(c.embed_table) : nullptr;
        if (it != ctx_.table_models.end() && t) {
          im_.models = true;
          Field f;
          f.name = unique(py_ident(snake_name(singular(c.embed_table)), "embed"), used);
          f.hint = "models." + it->second;
          std::set<std::string> inner;
          std::string expr = "models." + it->second + "(\n";
          for (std::size_t k = i; k < j; ++k) {
            const auto& ec = q.columns[k];
            const auto ti = map_type(ec.type, ctx_, im_, false);
            // The model's nullability is the table column's.
            const schema::Column* tc = t->find_column(ec.name);
            const bool nullable = tc ? tc->nullable : ec.nullable;
            expr += "            " + unique(py_ident(snake_name(ec.name), "column"), inner) + "=" +
                    read_expr(ti, "r[" + std::to_string(k) + "]", nullable) + ",\n";
          }
          expr += "        )";
          f.expr = expr;
          if (module_names().count(f.name)) shadowed.insert(f.name);
          fields.push_back(std::move(f));
          i = j;
          continue;
        }
      }
      const auto ti = map_type(c.type, ctx_, im_, false);
      Field f;
      f.name = unique(py_ident(snake_name(c.name), "column_" + std::to_string(i + 1)), used);
      f.hint = optional_hint(ti.hint, c.nullable);
      f.expr = read_expr(ti, "r[" + std::to_string(i) + "]", c.nullable);
      if (module_names().count(f.name)) shadowed.insert(f.name);
      fields.push_back(std::move(f));
      ++i;
    }
    if (ctx_.record_rows) {
      std::vector<std::tuple<std::string, std::string, std::string>> rfields;
      for (const auto& f : fields) rfields.emplace_back(f.name, alias_hint(f.hint, shadowed, im_), f.expr);
      row_classes_ += record_class(cls, "A row of " + q.name + " (an asyncpg.Record).", rfields);
      record_cls_ = cls;
      return cls;
    }
    row_classes_ += "\n\nclass " + cls + "(NamedTuple):\n";
    row_classes_ += docstring({"A row of " + q.name + "."}, "    ") + "\n";
    for (const auto& f : fields) row_classes_ += tuple_field(f.name, alias_hint(f.hint, shadowed, im_));
    emit_row_fn(fn, cls, fields, lists);
    return cls;
  }

  // The conversion function from a driver row `r` to the NamedTuple `cls`. When every field is
  // the driver's value as it is (r[0], r[1], ... in order), the function is
  // functools.partial(tuple.__new__, cls): the row is built in C with no Python frame; the driver
  // row (asyncpg Record, a tuple) iterates its values in column order. :many then calls a list
  // function (rows_fn_) that maps tuple.__new__ over itertools.repeat(cls) and the rows: the same
  // C construction without the partial's call per row, ~9 % less CPU for the conversion of a
  // 1,000-row result (bench/RESULTS.md, 2026-12-07 go-py-perf). Otherwise a function converting
  // field by field.
  void emit_row_fn(std::string& fn, const std::string& cls, const std::vector<Field>& fields, bool lists) {
    bool identity = true;
    for (std::size_t i = 0; i < fields.size(); ++i)
      identity = identity && fields[i].expr == "r[" + std::to_string(i) + "]";
    if (identity) {
      im_.functools = true;
      im_.callable = true;
      // The annotation states the call's type (mypy types the partial's result as a plain tuple).
      emit_fn("\n\n" + fn + ": Callable[[Any], " + cls + "] = functools.partial(tuple.__new__, " + cls + ")\n", fn);
      if (!lists) return;
      im_.itertools = true;
      rows_fn_ = unique(fn + "s", globals_);
      emit_fn("\n\ndef " + rows_fn_ + "(rows: Any) -> list[" + cls + "]:\n    return list(map(tuple.__new__, itertools.repeat(" +
                  cls + "), rows))\n",
              rows_fn_);
      return;
    }
    std::string fnt = "\n\ndef " + fn + "(r: Any) -> " + cls + ":\n    return " + cls + "(\n";
    for (const auto& f : fields) fnt += "        " + f.name + "=" + f.expr + ",\n";
    fnt += "    )\n";
    emit_fn(fnt, fn);
  }

  // Adds a row conversion function unless an identical one exists (queries returning the same
  // model share one); `fn` becomes the name to call.
  void emit_fn(const std::string& text, std::string& fn) {
    std::string key = text;
    key.replace(key.find(fn), fn.size(), "@");
    const auto [it, inserted] = fn_by_body_.emplace(key, fn);
    if (inserted) row_fns_ += text;
    else fn = it->second;
  }

  void warn(const query::Query& q, std::string msg) {
    diag::Diagnostic d;
    d.severity = diag::Severity::warning;
    d.code = "codegen.unsupported";
    d.message = std::move(msg);
    d.location = q.loc;
    ctx_.diags->push_back(std::move(d));
  }

  const Request& req_;
  Ctx& ctx_;
  Imports im_;
  std::set<std::string> methods_ = {"conn"};
  std::set<std::string> globals_ = {"Queries", "models", "_rt", "dataclasses", "datetime", "decimal", "uuid",
                                    "Any", "Final", "Sequence", "Iterator", "AsyncIterator",
                                    "functools", "itertools", "Callable", "NamedTuple"};
  std::string consts_, row_classes_, classes_, row_fns_, methods_text_;
  std::map<std::string, std::string> fn_by_body_;
  bool row_identity_value_ = false;  // the last row_function: a single value read as it is
  std::string rows_fn_;              // the last row_function: the :many list function, "" = none
  std::string record_cls_;           // the last row_function: its asyncpg.Record row class, "" = none
};

// Located at the [gen.X] table of flash.toml (the request's settings_location).
diag::Diagnostic setting_error(const Request& req, std::string msg, std::string hint) {
  diag::Diagnostic d;
  d.location = req.settings.location;
  d.code = "codegen.setting";
  d.message = std::move(msg);
  d.hint = std::move(hint);
  return d;
}

}  // namespace

Response generate(const Request& req) {
  Response resp;
  if (!req.schema || !req.queries) {
    resp.diagnostics.push_back(setting_error(req, "the Python generator needs a schema and analysed queries", ""));
    return resp;
  }
  Ctx ctx;
  ctx.req = &req;
  ctx.dialect = req.queries->dialect;
  ctx.diags = &resp.diagnostics;
  const std::string valid = "asyncpg, psycopg (PostgreSQL); aiomysql, pymysql (MySQL); aiosqlite, sqlite3 (SQLite)";
  if (!req.settings.driver.empty()) {
    const auto drv = driver_from_string(req.settings.driver);
    if (!drv) {
      resp.diagnostics.push_back(
          setting_error(req, "unknown Python driver `" + req.settings.driver + "` in [gen.python]", "drivers: " + valid));
      return resp;
    }
    if (!driver_fits(*drv, ctx.dialect)) {
      resp.diagnostics.push_back(setting_error(req, "the Python driver `" + req.settings.driver + "` does not work with " +
                                                   std::string(schema::to_string(ctx.dialect)),
                                               "drivers: " + valid));
      return resp;
    }
    ctx.driver = *drv;
  } else {
    if (ctx.dialect == schema::Dialect::mongodb) {
      resp.diagnostics.push_back(setting_error(req, "the Python generator does not support MongoDB", ""));
      return resp;
    }
    ctx.driver = default_driver(ctx.dialect, req.settings.async);
  }

  if (auto it = req.settings.settings.find("read_retry"); it != req.settings.settings.end()) {
    const auto* b = std::get_if<bool>(&it->second);
    if (!b || (*b && ctx.driver != Driver::asyncpg)) {
      resp.diagnostics.push_back(setting_error(req, "gen.python.read_retry must be true or false and needs driver = \"asyncpg\"",
                                               "the retry of reads after a failover is generated for asyncpg"));
      return resp;
    }
    ctx.read_retry = *b;
  }
  if (auto it = req.settings.settings.find("rows"); it != req.settings.settings.end()) {
    const auto* v = std::get_if<std::string>(&it->second);
    if (!v || (*v != "namedtuple" && *v != "record") || (*v == "record" && ctx.driver != Driver::asyncpg)) {
      resp.diagnostics.push_back(setting_error(req, "gen.python.rows must be \"namedtuple\" or \"record\"; \"record\" needs driver = \"asyncpg\"",
                                               "record rows are asyncpg.Record subclasses (record_class=)"));
      return resp;
    }
    ctx.record_rows = *v == "record";
  }

  // Enums: the schema's, MySQL inline ones (<table>_<column>), then any only queries mention.
  const schema::Schema& s = *req.schema;
  std::vector<EnumDef> enums;
  std::set<std::string> class_names = {"Any"};
  const auto add_enum = [&](const std::string& name, const std::vector<std::string>& values, std::string comment) {
    if (name.empty() || ctx.enum_classes.count(name)) return;
    EnumDef e{name, unique(class_ident(name, "Enum"), class_names), std::move(comment), values};
    ctx.enum_classes[name] = e.class_name;
    enums.push_back(std::move(e));
  };
  for (const auto& e : s.enums) add_enum(e.name, e.values, "Enum type " + schema::qualified(e.schema, e.name) + ".");
  for (const auto& t : s.tables)
    for (const auto& c : t.columns)
      if (!c.type.values.empty() && schema::category(c.type, s.dialect, &s) == TypeCategory::enum_)
        add_enum(t.name + "_" + c.name, c.type.values, "ENUM of column " + t.name + "." + c.name + ".");
  for (const auto& q : req.queries->queries) {
    for (const auto& p : q.params)
      if (p.type.category == TypeCategory::enum_ && !p.type.enum_values.empty())
        add_enum(p.type.enum_name, p.type.enum_values, "Enum " + p.type.enum_name + ".");
    for (const auto& c : q.columns)
      if (c.type.category == TypeCategory::enum_ && !c.type.enum_values.empty())
        add_enum(c.type.enum_name, c.type.enum_values, "Enum " + c.type.enum_name + ".");
  }
  for (const auto& t : s.tables) {
    if (ctx.table_models.count(t.name)) continue;
    std::string name = class_ident(singular(t.name), "Table");
    if (class_names.count(name) && !t.schema.empty()) name = class_ident(t.schema + "_" + singular(t.name), "Table");
    ctx.table_models[t.name] = unique(name, class_names);
  }
  if (ctx.record_rows)
    for (const auto& t : s.tables)
      if (!ctx.table_records.count(t.name)) ctx.table_records[t.name] = unique(ctx.table_models[t.name] + "Record", class_names);

  // Query modules, one per query file, named after the file.
  std::map<std::string, std::string> file_module;  // file → module
  std::set<std::string> modules = {"models", "_runtime", "__init__"};
  std::vector<std::string> files;
  for (const auto& q : req.queries->queries)
    if (!file_module.count(q.file)) {
      files.push_back(q.file);
      file_module[q.file] = "";
    }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::string m = py_ident(snake_name(std::filesystem::path(f).stem().string()), "queries");
    if (modules.count(m)) m += "_queries";
    file_module[f] = unique(m, modules);
  }

  std::vector<std::pair<std::string, std::string>> module_files;  // module → content, sorted
  for (const auto& f : files) {
    ModuleWriter w(req, ctx);
    for (const auto& q : req.queries->queries)
      if (q.file == f) w.add(q);
    module_files.emplace_back(file_module[f], w.finish(std::filesystem::path(f).filename().string()));
  }
  std::sort(module_files.begin(), module_files.end());

  // __init__.py
  std::string init = header(req);
  init += docstring({"Database client generated by flash from the schema and queries (driver: " +
                     std::string(to_string(ctx.driver)) + ")."},
                    "") +
          "\n";
  std::vector<std::string> mods = {"models"};
  for (const auto& [m, _] : module_files) mods.push_back(m);
  std::sort(mods.begin(), mods.end());
  init += "from . import " + util::join(mods, ", ") + "\n";
  init += "from ._runtime import Connection, ExecResult, transaction\n\n";
  std::vector<std::string> all = {"\"Connection\"", "\"ExecResult\"", "\"transaction\""};
  for (const auto& m : mods) all.push_back("\"" + m + "\"");
  std::sort(all.begin(), all.end());
  init += "__all__ = [" + util::join(all, ", ") + "]\n";

  resp.files.push_back({"__init__.py", init});
  resp.files.push_back({"_runtime.py", header(req) + runtime_module(ctx.driver, ctx.read_retry, ctx.record_rows)});
  resp.files.push_back({"models.py", models_module(req, ctx, enums)});
  for (const auto& [m, content] : module_files) resp.files.push_back({m + ".py", content});
  resp.files.push_back({"py.typed", ""});
  return resp;
}

}  // namespace flash::codegen::python

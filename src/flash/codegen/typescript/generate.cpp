// The TypeScript/JavaScript generator.
//
// Settings ([gen.js] in flash.toml):
//   out     output directory
//   driver  "pg" (node-postgres), "mysql2" (mysql2/promise) or "better-sqlite3"; default by dialect
//   module  "esm" (default) or "commonjs": the shape of the emitted .js
//   bigint  "string" (default), "bigint" or "number": how 64-bit integers come back
//   emit    "both" (default: queries.ts + queries.js + queries.d.ts), "ts" or "js" (.js + .d.ts)
//   read_retry  pg only, default false: a read (a :one or :many SELECT) that fails because the
//           connection was lost or refused (a failover) runs again, bounded by the ReadRetry
//           given to `new Queries(db, readRetry)` (default 8 attempts, 100 ms doubling to 2 s);
//           writes never, nor reads inside withTransaction. node-postgres has no multi-host URLs:
//           `db` is a pg.Pool on one address that follows the primary (HAProxy + Patroni's REST
//           check, a virtual IP), README "Failover".
// The .js and .d.ts are written by Flash itself (no TypeScript compiler needed by users); the .ts
// is the same module as source for TypeScript projects.
//
// Runtime shape, the same for the three drivers: `new Queries(db)` and one camelCase method per
// query taking a typed params object (no argument when the query has no parameters). Every method
// returns a Promise — also with better-sqlite3, whose synchronous calls are wrapped, so code can
// move between drivers unchanged. :one → Promise<Row | null>, :many → Promise<Row[]>, :exec →
// Promise<void>, :execrows → Promise<number> (affected rows), :execlastid → Promise<number>
// (bigint with bigint = "bigint"; PostgreSQL needs RETURNING), :execresult → the driver's
// result (pg QueryResult, mysql2 ResultSetHeader, better-sqlite3 RunResult).
// :copyfrom → method(rows: Params[]): Promise<number> (rows inserted): pg and mysql2 multi-row
// INSERTs of at most 65535 placeholders each (the <method>Insert prefix is exported), better-sqlite3
// the prepared INSERT run per row inside db.transaction(). :batchexec / :batchone / :batchmany →
// method(items: Params[]): Promise<void> / Promise<(Row | null)[]> / Promise<Row[][]>: the statement
// once per element, in order, on one connection (withConnection checks one out of a pool).
// `q.withTransaction(async (tx) => ...)` runs the callback in BEGIN/COMMIT (ROLLBACK on throw) on
// one connection (taken from and returned to a pool when `db` is a pool). Not nestable.
//
// Driver specifics: pg uses named prepared statements (`name: "GetUser"`; `prepared = false`, the
// default with [database] pooler = "pgbouncer": unnamed ones) and a generated decoder per query
// (monomorphic object literals) that reads each row's column texts straight from pg's DataRow
// messages (runRows: no intermediate row arrays) with the parsers of the columns' actual types
// from its own type-parser table, so global pg.types overrides cannot change the declared types
// (int8, numeric and interval arrive as text); on pg's own Client/Pool every :one/:many/:exec/
// :execrows statement is handed to pg as a ready pg.Query subclass (no config object for pg to
// copy per call, no pg Result rows). mysql2 uses execute() (server-side prepared,
// cached by mysql2) with rowsAsArray and exact BIGINTs; sqlc.slice(x) lists are expanded at run
// time (an empty list becomes NULL, matching nothing). better-sqlite3 statements are prepared once
// per Queries instance, read in raw (array) mode, with safeIntegers where 64-bit exactness matters.
//
// Type mapping (row type / parameter type):
//   SQL category                 TypeScript
//   boolean                      boolean        (MySQL/SQLite 0/1 converted)
//   smallint, integer            number
//   bigint (int64)               string | bigint | number per `bigint` (default string);
//                                params accept number | bigint | string. SQLite columns declared
//                                INTEGER/INT are JS numbers (only BIGINT/INT8 follow `bigint`)
//   real, double                 number
//   numeric/decimal              string (exact); params accept string | number
//   text, varchar, char, uuid,   string
//   inet, time, interval
//   bit/varbit                   string (PostgreSQL), Buffer (MySQL BIT)
//   bytea, blob                  Buffer; pg params also accept Uint8Array
//   date, timestamp(tz),         Date (SQLite text is parsed; UTC when no offset is stored;
//   datetime                     params are written as "YYYY-MM-DD HH:MM:SS.SSS" UTC)
//   json, jsonb                  unknown (parsed; params are JSON.stringify'd)
//   enum                         string-literal union `UserRole` + `userRoleValues` const array
//   PostgreSQL arrays            T[]
//   anything else                unknown
//   nullable columns/params      T | null
#include "flash/codegen/typescript/typescript.hpp"
#include "flash/codegen/typescript/pg_runtime.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "flash/codegen/copyfrom.hpp"
#include "flash/schema/types.hpp"
#include "flash/sql/lexer.hpp"
#include "flash/util/text.hpp"

namespace flash::codegen::typescript {
namespace {

using query::Kind;
using query::ResolvedType;
using schema::Dialect;
using schema::TypeCategory;

enum class Driver { pg, mysql2, sqlite };
enum class Int64Mode { string, bigint, number };
enum class Mode { ts, js, dts };

struct Options {
  Dialect dialect = Dialect::postgresql;
  Driver driver = Driver::pg;
  bool esm = true;
  Int64Mode int64 = Int64Mode::string;
  bool emit_ts = true;
  bool emit_js = true;
  bool read_retry = false;  // pg: SELECTs of :one/:many run through retryRead
  // pg: named prepared statements (`prepared = false`: unnamed ones, which a transaction-pooling
  // PgBouncer allows; flash.toml's [database] pooler = "pgbouncer" makes false the default).
  bool prepared = true;
};

// Located at the [gen.X] table of flash.toml (the request's settings_location).
diag::Diagnostic setting_error(const Request& req, std::string message, std::string hint) {
  diag::Diagnostic d;
  d.location = req.settings.location;
  d.code = "codegen.setting";
  d.message = std::move(message);
  d.hint = std::move(hint);
  return d;
}

std::optional<std::string> string_setting(const config::GenTarget& g, const std::string& key) {
  auto it = g.settings.find(key);
  if (it == g.settings.end()) return std::nullopt;
  if (const auto* s = std::get_if<std::string>(&it->second)) return *s;
  if (const auto* b = std::get_if<bool>(&it->second)) return *b ? "true" : "false";
  return std::to_string(std::get<std::int64_t>(it->second));
}

// Reads and validates the settings; errors go to diags.
Options read_options(const Request& req, diag::Diagnostics& diags) {
  Options o;
  o.dialect = req.queries ? req.queries->dialect : (req.schema ? req.schema->dialect : Dialect::postgresql);
  std::string driver = req.settings.driver;
  if (driver.empty()) {
    driver = o.dialect == Dialect::postgresql ? "pg" : o.dialect == Dialect::mysql ? "mysql2" : "better-sqlite3";
  }
  const std::map<std::string, std::pair<Driver, Dialect>> drivers = {
      {"pg", {Driver::pg, Dialect::postgresql}},
      {"node-postgres", {Driver::pg, Dialect::postgresql}},
      {"mysql2", {Driver::mysql2, Dialect::mysql}},
      {"better-sqlite3", {Driver::sqlite, Dialect::sqlite}},
  };
  if (auto it = drivers.find(driver); it == drivers.end()) {
    diags.push_back(setting_error(req, "unknown driver `" + driver + "` for gen.js",
                                  "valid drivers: pg (PostgreSQL), mysql2 (MySQL/MariaDB), better-sqlite3 (SQLite)"));
  } else if (it->second.second != o.dialect) {
    diags.push_back(setting_error(req, "driver `" + driver + "` does not fit the " +
                                      std::string(schema::to_string(o.dialect)) + " dialect",
                                  "use pg for PostgreSQL, mysql2 for MySQL/MariaDB, better-sqlite3 for SQLite"));
  } else {
    o.driver = it->second.first;
  }
  if (auto m = string_setting(req.settings, "module")) {
    if (*m == "esm" || *m == "es" || *m == "module") o.esm = true;
    else if (*m == "commonjs" || *m == "cjs") o.esm = false;
    else diags.push_back(setting_error(req, "unknown module `" + *m + "` for gen.js", "valid values: esm, commonjs"));
  }
  if (auto b = string_setting(req.settings, "bigint")) {
    if (*b == "string") o.int64 = Int64Mode::string;
    else if (*b == "bigint") o.int64 = Int64Mode::bigint;
    else if (*b == "number") o.int64 = Int64Mode::number;
    else diags.push_back(setting_error(req, "unknown bigint `" + *b + "` for gen.js", "valid values: string, bigint, number"));
  }
  if (auto it = req.settings.settings.find("read_retry"); it != req.settings.settings.end()) {
    const auto* b = std::get_if<bool>(&it->second);
    if (!b || (*b && o.driver != Driver::pg))
      diags.push_back(setting_error(req, "gen.js.read_retry must be true or false and needs driver = \"pg\"",
                                    "the retry of reads after a failover is generated for node-postgres"));
    else
      o.read_retry = *b;
  }
  if (auto p = string_setting(req.settings, "prepared")) o.prepared = *p != "false";
  if (auto e = string_setting(req.settings, "emit")) {
    if (*e == "both") o.emit_ts = o.emit_js = true;
    else if (*e == "ts") o.emit_ts = true, o.emit_js = false;
    else if (*e == "js") o.emit_ts = false, o.emit_js = true;
    else diags.push_back(setting_error(req, "unknown emit `" + *e + "` for gen.js", "valid values: both, ts, js"));
  }
  return o;
}

// A JavaScript string literal (double-quoted, JSON-compatible escapes).
std::string js_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const bool ok = c == '_' || c == '$' || std::isalpha(c) || (i > 0 && std::isdigit(c));
    if (!ok) return false;
  }
  return true;
}

// An object property key: bare when it is an identifier, quoted otherwise.
std::string prop_key(const std::string& name) { return is_identifier(name) ? name : js_string(name); }

// A block comment body must not close the comment early.
std::string comment_safe(std::string s) {
  for (std::size_t p = s.find("*/"); p != std::string::npos; p = s.find("*/", p)) s.replace(p, 2, "* /");
  return s;
}

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

struct EnumDef {
  std::string type_name;  // UserRole
  std::string const_name;  // userRoleValues
  std::vector<std::string> values;
};

struct Field {
  std::string prop;      // property name in the row/params object
  std::string ts_type;   // full type including `| null`
  std::string decode;    // JS expression computing the value from `r`
};

struct Embed {  // sqlc.embed(t): a nested object
  std::string table;
  std::size_t first_column = 0;
  std::string prop;
  std::string ts_type;
  std::vector<Field> fields;
  std::string null_check;  // non-empty: the embed is null when this expression is true
};

struct ParamField {
  std::string prop;
  std::string ts_type;
  const query::Param* param = nullptr;
};

struct QueryPlan {
  const query::Query* q = nullptr;
  std::string method;
  std::string sql_const;
  std::string params_type;  // "" when the query takes no parameters
  std::vector<ParamField> params;
  std::string row_type;     // "" for exec kinds
  bool declare_row = false; // a *Row interface is emitted (otherwise a table model is reused)
  std::vector<Field> row_fields;
  std::vector<Embed> embeds;
  std::vector<std::pair<bool, std::size_t>> row_order;  // (is_embed, index) in column order
  std::string decoder;      // decoder function name
  bool safe_ints = false;   // better-sqlite3 safeIntegers for this statement
  bool has_slice = false;
  std::string sql;          // the SQL text the client sends
  std::vector<int> sites;   // ?-engines: params index bound at each `?`, in SQL order
  // :batch* run one statement per element: `kind` is the per-element kind (:one, :many, :exec)
  // and `batch` is set; :copyfrom keeps its kind and has `copy`.
  Kind kind = Kind::one;
  bool batch = false;
  std::optional<CopyTarget> copy;
  std::string copy_prefix_const;  // pg, mysql2: "INSERT INTO t (a, b) VALUES "
};

// better-sqlite3 binds positional arguments only to anonymous `?`; the analyser writes SQLite
// named parameters as numbered `?NNN`. Rewrites those to `?` and works out which parameter each
// `?` binds (SQLite numbers an anonymous `?` one past the largest number seen so far; a
// /*SLICE:name*/? binds its slice parameter). Uses the SQL lexer, so literals and comments are
// left alone.
std::pair<std::string, std::vector<int>> sqlite_positional(const query::Query& q) {
  diag::Diagnostics ignored;
  sql::LexOptions lo;
  lo.keep_comments = true;
  // The tokens' `raw` views point into the source: keep it alive while they are read.
  const sql::SourceFile src{q.file, q.sql};
  const auto toks = sql::lex(src, Dialect::sqlite, ignored, lo);
  std::string out = q.sql;
  std::vector<int> sites;
  std::vector<std::pair<std::size_t, std::size_t>> edits;  // (offset, length) of `?NNN` tokens
  int max_seen = 0;
  std::string slice_name;
  const auto index_of_number = [&](int n) {
    for (std::size_t i = 0; i < q.params.size(); ++i)
      if (q.params[i].number == n && !q.params[i].is_slice) return static_cast<int>(i);
    return -1;
  };
  for (const auto& t : toks) {
    if (t.kind == sql::TokenKind::comment) {
      const std::string_view c = t.raw;
      slice_name.clear();
      if (c.size() > 11 && c.substr(0, 9) == "/*SLICE:" && c.substr(c.size() - 2) == "*/")
        slice_name = std::string(c.substr(8, c.size() - 10));
      continue;
    }
    if (t.kind != sql::TokenKind::param || t.raw.empty() || t.raw[0] != '?') {
      slice_name.clear();
      continue;
    }
    int idx = -1;
    if (t.raw.size() > 1) {
      const int n = std::stoi(std::string(t.raw.substr(1)));
      max_seen = std::max(max_seen, n);
      idx = index_of_number(n);
      edits.push_back({t.offset, t.raw.size()});
    } else if (!slice_name.empty()) {
      for (std::size_t i = 0; i < q.params.size(); ++i)
        if (q.params[i].is_slice && q.params[i].name == slice_name) idx = static_cast<int>(i);
      max_seen = std::max(max_seen, idx >= 0 ? q.params[static_cast<std::size_t>(idx)].number : max_seen + 1);
    } else {
      idx = index_of_number(++max_seen);
    }
    slice_name.clear();
    sites.push_back(idx);
  }
  for (auto it = edits.rbegin(); it != edits.rend(); ++it) out.replace(it->first, it->second, "?");
  return {out, sites};
}

class Generator {
 public:
  Generator(const Request& req, Options o) : req_(req), o_(o) {}

  Response run(diag::Diagnostics diags) {
    Response resp;
    resp.diagnostics = std::move(diags);
    if (diag::has_errors(resp.diagnostics)) return resp;
    collect_enums();
    build_models();
    if (req_.queries) {
      for (const auto& q : req_.queries->queries) plan_query(q, resp.diagnostics);
    }
    if (o_.emit_ts) resp.files.push_back({"queries.ts", render(Mode::ts)});
    if (o_.emit_js) {
      resp.files.push_back({"queries.js", render(Mode::js)});
      resp.files.push_back({"queries.d.ts", render(Mode::dts)});
    }
    return resp;
  }

 private:
  const Request& req_;
  Options o_;
  std::vector<EnumDef> enums_;
  std::map<std::string, std::size_t> enum_index_;  // enum_name → enums_ index
  struct Model {
    std::string table;
    std::string name;
    std::vector<Field> fields;  // decode unused
    std::vector<std::string> comments;
  };
  std::vector<Model> models_;
  std::vector<QueryPlan> plans_;
  std::set<std::string> used_names_;
  // Runtime helpers the generated module needs (emitted only when used, in a fixed order).
  bool need_with_connection_ = false;  // pg, mysql2 batches: one pooled connection for all elements
  // pg: runRows (:one/:many rows decoded from the columns' text), typeParsers (runQuery, :execresult, :copyfrom).
  bool need_run_rows_ = false, need_type_parsers_ = false;
  bool need_to_bigint_ = false, need_to_number_ = false, need_mysql_json_ = false, need_run_query_ = false,
       need_run_exec_ = false, need_query_result_ = false, need_sqlite_date_ = false, need_sqlite_date_param_ = false,
       need_sqlite_ts_param_ = false;

  // ---- types -------------------------------------------------------------------------------

  void add_enum(const std::string& name, const std::vector<std::string>& values) {
    if (name.empty() || values.empty() || enum_index_.count(name)) return;
    EnumDef e;
    e.type_name = pascal_name(name);
    e.const_name = camel_name(name) + "Values";
    e.values = values;
    enum_index_[name] = enums_.size();
    enums_.push_back(std::move(e));
  }

  ResolvedType column_type(const schema::Table& t, const schema::Column& c) const {
    ResolvedType rt;
    rt.sql = c.type;
    rt.category = schema::category(c.type, o_.dialect, req_.schema.get());
    rt.array_dims = c.type.array_dims;
    if (rt.category == TypeCategory::enum_) {
      if (!c.type.values.empty()) {  // MySQL inline ENUM
        rt.enum_name = t.name + "_" + c.name;
        rt.enum_values = c.type.values;
      } else if (const auto* e = req_.schema->find_enum(c.type.name, c.type.schema)) {
        rt.enum_name = e->name;
        rt.enum_values = e->values;
      }
    }
    return rt;
  }

  void collect_enums() {
    if (req_.schema) {
      for (const auto& e : req_.schema->enums) add_enum(e.name, e.values);
      for (const auto& t : req_.schema->tables)
        for (const auto& c : t.columns) {
          const auto rt = column_type(t, c);
          if (rt.category == TypeCategory::enum_) add_enum(rt.enum_name, rt.enum_values);
        }
    }
    if (req_.queries)
      for (const auto& q : req_.queries->queries) {
        for (const auto& c : q.columns)
          if (c.type.category == TypeCategory::enum_) add_enum(c.type.enum_name, c.type.enum_values);
        for (const auto& p : q.params)
          if (p.type.category == TypeCategory::enum_) add_enum(p.type.enum_name, p.type.enum_values);
      }
    for (const auto& e : enums_) {
      used_names_.insert(e.type_name);
      used_names_.insert(e.const_name);
    }
  }

  Int64Mode int64_mode(const ResolvedType& t) const {
    // SQLite gives every INTEGER column 64-bit storage; only columns declared BIGINT/INT8 are
    // treated as 64-bit values in JS, the rest are plain numbers (better-sqlite3's default).
    if (o_.dialect == Dialect::sqlite && !contains(t.sql.name, "big") && !contains(t.sql.name, "int8"))
      return Int64Mode::number;
    return o_.int64;
  }

  std::string scalar_type(const ResolvedType& t, bool param) const {
    switch (t.category) {
      case TypeCategory::boolean: return "boolean";
      case TypeCategory::int16:
      case TypeCategory::int32:
      case TypeCategory::float32:
      case TypeCategory::float64: return "number";
      case TypeCategory::int64:
        if (param) return "number | bigint | string";
        switch (int64_mode(t)) {
          case Int64Mode::string: return "string";
          case Int64Mode::bigint: return "bigint";
          case Int64Mode::number: return "number";
        }
        return "string";
      case TypeCategory::decimal: return param ? "string | number" : "string";
      case TypeCategory::text:
      case TypeCategory::uuid:
      case TypeCategory::inet:
      case TypeCategory::time:
      case TypeCategory::interval: return "string";
      case TypeCategory::bits: return o_.driver == Driver::mysql2 ? "Buffer" : "string";
      case TypeCategory::bytes: return param && o_.driver == Driver::pg ? "Buffer | Uint8Array" : "Buffer";
      case TypeCategory::date:
      case TypeCategory::timestamp:
      case TypeCategory::timestamptz: return "Date";
      case TypeCategory::json: return "unknown";
      case TypeCategory::enum_: {
        auto it = enum_index_.find(t.enum_name);
        return it == enum_index_.end() ? "string" : enums_[it->second].type_name;
      }
      case TypeCategory::other: return "unknown";
    }
    return "unknown";
  }

  std::string ts_type(const ResolvedType& t, bool nullable, bool param, bool slice = false) const {
    std::string s = scalar_type(t, param);
    int dims = t.array_dims;
    // A PostgreSQL slice parameter is already typed as the array; ?-engines expand a list.
    if (slice && dims == 0) dims = 1;
    for (int i = 0; i < dims; ++i) s = (contains(s, "|") ? "(" + s + ")" : s) + "[]";
    if (nullable && s != "unknown") s += " | null";
    return s;
  }

  // JS expression decoding the raw driver value `v` of a result column.
  std::string decode(const std::string& v, const ResolvedType& t, bool nullable, bool safe_ints) {
    std::string e = v;
    const auto mode = int64_mode(t);
    switch (o_.driver) {
      case Driver::pg:
        if (t.array_dims > 0) {
          if (t.category == TypeCategory::enum_ || t.category == TypeCategory::bits) {
            // Arrays of types pg does not know arrive as array literals.
            e = "typeof " + v + " === \"string\" ? textArray(" + v + ") : " + v;
          } else if (t.category == TypeCategory::int64 && mode == Int64Mode::bigint) {
            need_to_bigint_ = true;
            e = v + ".map(toBigInt)";
          } else if (t.category == TypeCategory::int64 && mode == Int64Mode::number) {
            need_to_number_ = true;
            e = v + ".map(toNumber)";
          }
        } else if (t.category == TypeCategory::int64) {
          if (mode == Int64Mode::bigint) e = "BigInt(" + v + ")";
          if (mode == Int64Mode::number) e = "Number(" + v + ")";
        }
        break;
      case Driver::mysql2:
        switch (t.category) {
          case TypeCategory::boolean: e = "Number(" + v + ") !== 0"; break;
          // Expressions may come back as BIGINT/DECIMAL text even where the analyser infers int.
          case TypeCategory::int16:
          case TypeCategory::int32:
          case TypeCategory::float32:
          case TypeCategory::float64: e = "Number(" + v + ")"; break;
          case TypeCategory::int64:
            e = mode == Int64Mode::bigint ? "BigInt(" + v + ")"
                : mode == Int64Mode::number ? "Number(" + v + ")" : "String(" + v + ")";
            break;
          case TypeCategory::decimal: e = "String(" + v + ")"; break;
          case TypeCategory::json:
            need_mysql_json_ = true;
            e = "mysqlJson(" + v + ")";
            break;
          default: break;
        }
        break;
      case Driver::sqlite:
        switch (t.category) {
          case TypeCategory::boolean: e = "Number(" + v + ") !== 0"; break;
          case TypeCategory::int16:
          case TypeCategory::int32:
          case TypeCategory::float32:
          case TypeCategory::float64:
            if (safe_ints) e = "Number(" + v + ")";
            break;
          case TypeCategory::int64:
            if (mode == Int64Mode::bigint) e = "BigInt(" + v + ")";
            else if (mode == Int64Mode::string) e = "String(" + v + ")";
            else if (safe_ints) e = "Number(" + v + ")";
            break;
          case TypeCategory::decimal: e = "String(" + v + ")"; break;
          case TypeCategory::date:
          case TypeCategory::timestamp:
          case TypeCategory::timestamptz:
            need_sqlite_date_ = true;
            e = "sqliteDate(" + v + ")";
            break;
          case TypeCategory::json: e = "JSON.parse(" + v + ")"; break;
          default: break;
        }
        break;
    }
    if (e != v && nullable) e = v + " === null ? null : " + e;
    return e;
  }

  // Whether a better-sqlite3 statement must read integers as BigInt to stay exact.
  bool needs_safe_ints(const std::vector<query::Column>& cols) const {
    if (o_.driver != Driver::sqlite) return false;
    for (const auto& c : cols) {
      if (c.type.category == TypeCategory::decimal) return true;
      if (c.type.category == TypeCategory::int64 && int64_mode(c.type) != Int64Mode::number) return true;
    }
    return false;
  }

  // JS expression encoding parameter value `x` for the driver.
  std::string encode(const std::string& x, const ResolvedType& t, bool nullable) {
    std::string e = x;
    const bool array = t.array_dims > 0;
    if (t.category == TypeCategory::json && !array) {
      e = "JSON.stringify(" + x + ")";
    } else if (o_.driver == Driver::mysql2 && t.category == TypeCategory::int64 && !array) {
      e = "typeof " + x + " === \"bigint\" ? " + x + ".toString() : " + x;
    } else if (o_.driver == Driver::sqlite) {
      switch (t.category) {
        case TypeCategory::boolean: e = x + " ? 1 : 0"; break;
        case TypeCategory::int64:
        case TypeCategory::int32:
        case TypeCategory::int16: e = "typeof " + x + " === \"string\" ? BigInt(" + x + ") : " + x; break;
        case TypeCategory::date:
          need_sqlite_date_param_ = true;
          e = "sqliteDateParam(" + x + ")";
          break;
        case TypeCategory::timestamp:
        case TypeCategory::timestamptz:
          need_sqlite_ts_param_ = true;
          e = "sqliteTimestampParam(" + x + ")";
          break;
        default: break;
      }
    }
    if (e != x) return (nullable ? x + " == null ? null : " : "") + e;
    // undefined is not a valid bind value for mysql2/better-sqlite3; pg treats it as NULL.
    return o_.driver == Driver::pg ? x : x + " ?? null";
  }

  // ---- planning ----------------------------------------------------------------------------

  // How a decoder reads result column i: pg decoders parse the column's text into a local v<i>
  // first (render_bodies), the other drivers read the driver's row array.
  std::string column_ref(std::size_t i) const {
    return o_.driver == Driver::pg ? "v" + std::to_string(i) : "r[" + std::to_string(i) + "]";
  }

  std::string unique_name(std::string base) {
    std::string n = base;
    for (int i = 2; used_names_.count(n); ++i) n = base + std::to_string(i);
    used_names_.insert(n);
    return n;
  }

  void build_models() {
    if (!req_.schema) return;
    for (const auto& t : req_.schema->tables) {
      Model m;
      m.table = t.name;
      m.name = unique_name(pascal_name(singular(t.name)));
      if (t.comment) m.comments.push_back(*t.comment);
      std::set<std::string> props;
      for (const auto& c : t.columns) {
        std::string prop = camel_name(c.name);
        for (int i = 2; props.count(prop); ++i) prop = camel_name(c.name) + std::to_string(i);
        props.insert(prop);
        m.fields.push_back({prop, ts_type(column_type(t, c), c.nullable, false), ""});
      }
      models_.push_back(std::move(m));
    }
  }

  const Model* find_model(const std::string& table) const {
    for (const auto& m : models_)
      if (m.table == table) return &m;
    return nullptr;
  }

  void plan_query(const query::Query& q, diag::Diagnostics& diags) {
    const auto unsupported = [&](const std::string& why) {
      diag::Diagnostic d;
      d.severity = diag::Severity::warning;
      d.code = "codegen.unsupported";
      d.message = "query `" + q.name + "` skipped by gen.js: " + why;
      d.location = q.loc;
      diags.push_back(std::move(d));
    };
    QueryPlan p;
    p.kind = q.kind;
    switch (q.kind) {
      case Kind::copyfrom:
      case Kind::batchexec:
      case Kind::batchmany:
      case Kind::batchone:
        if (q.params.empty()) {
          unsupported(std::string(query::to_string(q.kind)) + " needs at least one parameter (one statement per element)");
          return;
        }
        if (q.kind == Kind::copyfrom) {
          p.copy = copy_target(q, o_.dialect, req_.schema.get(), diags);
          if (!p.copy) return;
        } else {
          p.batch = true;
          p.kind = q.kind == Kind::batchone ? Kind::one : q.kind == Kind::batchmany ? Kind::many : Kind::exec;
        }
        break;
      case Kind::execlastid:
        if (o_.driver == Driver::pg && q.columns.empty()) {
          unsupported(":execlastid needs a RETURNING clause on PostgreSQL");
          return;
        }
        break;
      default: break;
    }

    p.q = &q;
    p.sql = q.sql;
    if (o_.driver == Driver::sqlite) {
      auto [text, sites] = sqlite_positional(q);
      bool ok = true;
      for (int i : sites) ok = ok && i >= 0;
      if (ok) p.sql = std::move(text), p.sites = std::move(sites);
    }
    p.method = camel_name(q.name);
    const std::string pascal = pascal_name(q.name);
    p.sql_const = unique_name(p.method + "Sql");
    p.decoder = "decode" + pascal;

    // Parameters: one property per distinct parameter, in SQL order.
    std::set<std::string> props;
    for (const auto& prm : q.params) {
      std::string prop = camel_name(prm.name.empty() ? "p" + std::to_string(prm.number) : prm.name);
      if (!is_identifier(prop)) prop = "p" + std::to_string(prm.number);
      const std::string base = prop;
      for (int i = 2; props.count(prop); ++i) prop = base + std::to_string(i);
      props.insert(prop);
      p.params.push_back({prop, ts_type(prm.type, prm.nullable, true, prm.is_slice), &prm});
      if (prm.is_slice && o_.driver != Driver::pg) p.has_slice = true;
    }
    if (!p.params.empty()) p.params_type = unique_name(pascal + "Params");

    const bool returns_rows = p.kind == Kind::one || p.kind == Kind::many;
    if (returns_rows && q.columns.empty()) {
      unsupported(std::string(query::to_string(q.kind)) + " on a statement that returns no columns");
      return;
    }
    if (returns_rows) {
      p.safe_ints = needs_safe_ints(q.columns);
      const Model* model = q.returns_table.empty() ? nullptr : find_model(q.returns_table);
      bool has_embed = false;
      for (const auto& c : q.columns) has_embed = has_embed || !c.embed_table.empty();
      if (model && model->fields.size() == q.columns.size() && !has_embed) {
        p.row_type = model->name;
        for (std::size_t i = 0; i < q.columns.size(); ++i) {
          const auto& c = q.columns[i];
          p.row_fields.push_back({model->fields[i].prop, model->fields[i].ts_type,
                                  decode(column_ref(i), c.type, c.nullable, p.safe_ints)});
          p.row_order.push_back({false, i});
        }
      } else {
        p.declare_row = true;
        p.row_type = unique_name(pascal + "Row");
        std::set<std::string> row_props;
        std::map<std::string, std::size_t> embed_of;
        const auto take = [&](std::string prop) {
          if (prop.empty()) prop = "column";
          const std::string base = prop;
          for (int i = 2; row_props.count(prop); ++i) prop = base + std::to_string(i);
          row_props.insert(prop);
          return prop;
        };
        for (std::size_t i = 0; i < q.columns.size(); ++i) {
          const auto& c = q.columns[i];
          const std::string v = column_ref(i);
          if (!c.embed_table.empty()) {
            auto it = embed_of.find(c.embed_table);
            if (it == embed_of.end()) {
              Embed e;
              e.table = c.embed_table;
              e.first_column = i;
              e.prop = take(camel_name(singular(c.embed_table)));
              it = embed_of.emplace(c.embed_table, p.embeds.size()).first;
              p.embeds.push_back(std::move(e));
              p.row_order.push_back({true, it->second});
            }
            p.embeds[it->second].fields.push_back(
                {camel_name(c.name), ts_type(c.type, c.nullable, false), decode(v, c.type, c.nullable, p.safe_ints)});
            continue;
          }
          p.row_fields.push_back({take(camel_name(c.name)), ts_type(c.type, c.nullable, false),
                                  decode(v, c.type, c.nullable, p.safe_ints)});
          p.row_order.push_back({false, p.row_fields.size() - 1});
        }
        finish_embeds(p);
      }
    }
    if (p.copy) {
      if (o_.driver == Driver::pg) need_type_parsers_ = true;
      if (o_.driver != Driver::sqlite) p.copy_prefix_const = unique_name(p.method + "Insert");
      if (o_.driver == Driver::mysql2) need_query_result_ = true;  // ResultSetHeader
    } else {
      if (q.kind == Kind::execresult) need_query_result_ = true;
      if (o_.driver == Driver::pg && q.kind != Kind::execresult) (p.row_type.empty() ? need_run_query_ : need_run_rows_) = true;
      if (o_.driver == Driver::pg && p.row_type.empty() && (p.kind == Kind::exec || p.kind == Kind::execrows))
        need_run_exec_ = true;  // runExec (runQuery is its fallback)
      if (o_.driver == Driver::pg && p.row_type.empty()) need_type_parsers_ = true;  // runQuery, :execresult
      if (o_.driver == Driver::mysql2) (p.row_type.empty() ? need_run_exec_ : need_run_query_) = true;
      if (p.batch && o_.driver != Driver::sqlite) need_with_connection_ = true;
    }
    used_names_.insert(p.method);
    plans_.push_back(std::move(p));
  }

  // An embedded table reuses its model when the columns match; when every embedded column is
  // nullable but the table has NOT NULL columns (an outer join), the embed itself is nullable.
  void finish_embeds(QueryPlan& p) const {
    for (auto& e : p.embeds) {
      const std::string& table = e.table;
      const Model* m = find_model(table);
      const schema::Table* st = req_.schema ? req_.schema->find_table(table) : nullptr;
      bool all_nullable = true;
      for (const auto& f : e.fields) all_nullable = all_nullable && contains(f.ts_type, "| null");
      bool table_has_not_null = false;
      if (st)
        for (const auto& c : st->columns) table_has_not_null = table_has_not_null || !c.nullable;
      const bool nullable_embed = all_nullable && table_has_not_null;
      if (m && m->fields.size() == e.fields.size() && !nullable_embed) {
        e.ts_type = m->name;
        for (std::size_t i = 0; i < e.fields.size(); ++i) e.fields[i].prop = m->fields[i].prop;
      } else {
        std::string t = "{ ";
        for (const auto& f : e.fields) t += prop_key(f.prop) + ": " + f.ts_type + "; ";
        e.ts_type = t + "}";
      }
      if (nullable_embed) {
        e.ts_type += " | null";
        e.null_check = column_ref(e.first_column) + " === null";
      }
    }
  }

  // ---- rendering ---------------------------------------------------------------------------

  static void doc(std::string& out, const std::vector<std::string>& lines, const std::string& indent) {
    if (lines.empty()) return;
    out += indent + "/**\n";
    for (const auto& l : lines) out += indent + " *" + (l.empty() ? "" : " " + comment_safe(l)) + "\n";
    out += indent + " */\n";
  }

  std::string return_type(const QueryPlan& p) const {
    if (p.copy) return "number";
    if (p.batch) {
      if (p.kind == Kind::one) return "(" + p.row_type + " | null)[]";
      if (p.kind == Kind::many) return p.row_type + "[][]";
      return "void";
    }
    return single_return_type(p);
  }

  // What one execution returns (the element type of a batch).
  std::string single_return_type(const QueryPlan& p) const {
    switch (p.kind) {
      case Kind::one: return p.row_type + " | null";
      case Kind::many: return p.row_type + "[]";
      case Kind::exec: return "void";
      case Kind::execrows: return "number";
      case Kind::execlastid: return o_.int64 == Int64Mode::bigint ? "bigint" : "number";
      case Kind::execresult:
        return o_.driver == Driver::pg ? "QueryResult" : o_.driver == Driver::mysql2 ? "ResultSetHeader" : "RunResult";
      default: return "void";
    }
  }

  // The bind values of a query: an array literal, or statements filling `values` when slices
  // expand at run time.
  std::string values_code(QueryPlan& p, const std::string& indent, Mode mode) {
    const auto& q = *p.q;
    std::vector<std::size_t> order;
    if (o_.driver == Driver::pg) {
      // $n binds params[n-1]: order by number.
      std::vector<std::size_t> idx(q.params.size());
      for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
      std::stable_sort(idx.begin(), idx.end(),
                       [&](std::size_t a, std::size_t b) { return q.params[a].number < q.params[b].number; });
      order = idx;
    } else if (!p.sites.empty()) {
      for (int i : p.sites) order.push_back(static_cast<std::size_t>(i));
    } else if (!q.bind_order.empty()) {
      for (int i : q.bind_order) order.push_back(static_cast<std::size_t>(i));
    } else {
      for (std::size_t i = 0; i < q.params.size(); ++i) order.push_back(i);
    }
    const auto value_of = [&](std::size_t i) {
      const auto& pf = p.params[i];
      return encode("params." + pf.prop, pf.param->type, pf.param->nullable);
    };
    if (!p.has_slice) {
      std::string s = "[";
      for (std::size_t k = 0; k < order.size(); ++k) {
        if (k) s += ", ";
        s += value_of(order[k]);
      }
      return s + "]";
    }
    std::string s = indent + "const values" + (mode == Mode::ts ? ": unknown[]" : "") + " = [];\n";
    for (std::size_t k = 0; k < order.size(); ++k) {
      const auto& pf = p.params[order[k]];
      if (pf.param->is_slice) {
        ResolvedType elem = pf.param->type;
        std::string enc = encode("x", elem, false);
        s += indent + "for (const x of params." + pf.prop + ") values.push(" + (enc == "x ?? null" ? "x" : enc) + ");\n";
      } else {
        s += indent + "values.push(" + value_of(order[k]) + ");\n";
      }
    }
    return s;
  }

  std::string slice_sql(const QueryPlan& p, const std::string& indent) const {
    std::string s = indent + "let sql = " + p.sql_const + ";\n";
    std::set<std::string> done;
    for (const auto& pf : p.params) {
      if (!pf.param->is_slice || !done.insert(pf.param->name).second) continue;
      s += indent + "sql = sql.split(" + js_string("/*SLICE:" + pf.param->name + "*/?") + ").join(params." + pf.prop +
           ".length === 0 ? \"NULL\" : \"?,\".repeat(params." + pf.prop + ".length).slice(0, -1));\n";
    }
    return s;
  }

  std::string render(Mode mode) {
    // Helper flags are set while planning decoders/encoders; rendering the bodies first makes
    // sure every flag is known before the helper section is written.
    std::string body = mode == Mode::dts ? "" : render_bodies(mode);
    std::string out;
    out += "// Code generated by Flash";
    if (!req_.flash_version.empty()) out += " " + req_.flash_version;
    out += ". DO NOT EDIT.\n";
    out += "// Driver: " + std::string(driver_package()) + ". Every Queries method returns a Promise";
    out += o_.driver == Driver::sqlite ? " (better-sqlite3 runs synchronously inside it).\n" : ".\n";
    if (req_.queries) {
      std::set<std::string> files;
      for (const auto& q : req_.queries->queries)
        if (!q.file.empty()) files.insert(q.file);
      for (const auto& f : files) out += "// source: " + f + "\n";
    }
    const bool cjs_js = mode == Mode::js && !o_.esm;
    if (cjs_js) out += "\"use strict\";\nObject.defineProperty(exports, \"__esModule\", { value: true });\n";
    out += "\n";
    out += render_imports(mode);
    const std::string exp = mode == Mode::js && !o_.esm ? "" : "export ";
    const std::string decl = mode == Mode::dts ? "declare " : "";
    std::vector<std::string> cjs_exports;

    // Enums.
    for (const auto& e : enums_) {
      std::string union_;
      std::string arr;
      for (std::size_t i = 0; i < e.values.size(); ++i) {
        union_ += (i ? " | " : "") + js_string(e.values[i]);
        arr += (i ? ", " : "") + js_string(e.values[i]);
      }
      if (mode != Mode::js) out += "export type " + e.type_name + " = " + union_ + ";\n";
      if (mode == Mode::dts) {
        out += "export declare const " + e.const_name + ": readonly [" + arr + "];\n";
      } else {
        out += exp + "const " + e.const_name + " = Object.freeze([" + arr + "]" + (mode == Mode::ts ? " as const" : "") +
               ");\n";
        cjs_exports.push_back(e.const_name);
      }
      out += "\n";
    }

    // Table models.
    if (mode != Mode::js) {
      for (const auto& m : models_) {
        doc(out, m.comments, "");
        out += "export interface " + m.name + " {\n";
        for (const auto& f : m.fields) out += "  " + prop_key(f.prop) + ": " + f.ts_type + ";\n";
        out += "}\n\n";
      }
    }

    // Per-query params/rows and SQL text.
    for (const auto& p : plans_) {
      if (mode != Mode::js && !p.params_type.empty()) {
        out += "export interface " + p.params_type + " {\n";
        for (const auto& f : p.params) out += "  " + prop_key(f.prop) + ": " + f.ts_type + ";\n";
        out += "}\n\n";
      }
      if (mode != Mode::js && p.declare_row) {
        out += "export interface " + p.row_type + " {\n";
        for (const auto& [is_embed, i] : p.row_order) {
          if (is_embed) out += "  " + prop_key(p.embeds[i].prop) + ": " + p.embeds[i].ts_type + ";\n";
          else out += "  " + prop_key(p.row_fields[i].prop) + ": " + p.row_fields[i].ts_type + ";\n";
        }
        out += "}\n\n";
      }
      if (mode == Mode::dts) {
        out += "export declare const " + p.sql_const + " = " + js_string(p.sql) + ";\n\n";
      } else {
        out += exp + "const " + p.sql_const + " = " + js_string(p.sql) + ";\n\n";
        cjs_exports.push_back(p.sql_const);
      }
      if (!p.copy_prefix_const.empty()) {
        const std::string prefix = js_string(copy_insert_prefix(*p.copy, o_.dialect));
        if (mode == Mode::dts) {
          out += "export declare const " + p.copy_prefix_const + " = " + prefix + ";\n\n";
        } else {
          out += exp + "const " + p.copy_prefix_const + " = " + prefix + ";\n\n";
          cjs_exports.push_back(p.copy_prefix_const);
        }
      }
    }

    if (mode == Mode::dts) {
      out += render_class_dts();
    } else {
      out += body;
      if (o_.read_retry && !plans_.empty()) cjs_exports.push_back("defaultReadRetry");
      cjs_exports.push_back("Queries");
    }
    if (cjs_js) {
      out += "\n";
      for (const auto& n : cjs_exports) out += "exports." + n + " = " + n + ";\n";
    }
    return out;
  }

  const char* driver_package() const {
    switch (o_.driver) {
      case Driver::pg: return "pg (node-postgres)";
      case Driver::mysql2: return "mysql2/promise";
      case Driver::sqlite: return "better-sqlite3";
    }
    return "";
  }

  std::string render_imports(Mode mode) const {
    std::string out;
    const bool cjs_js = mode == Mode::js && !o_.esm;
    const bool runtime = !plans_.empty();  // helpers (and their imports) only when there are queries
    const auto type_import = [&](std::vector<std::string> names, const char* from) {
      std::sort(names.begin(), names.end());
      return "import type { " + util_join(names) + " } from \"" + from + "\";\n";
    };
    switch (o_.driver) {
      case Driver::pg: {
        if (runtime && mode == Mode::js) out += cjs_js ? "const pg = require(\"pg\");\n" : "import pg from \"pg\";\n";
        if (runtime && mode == Mode::ts) out += "import pg from \"pg\";\n";
        if (mode == Mode::js) break;
        std::vector<std::string> names = {"Client", "Pool", "PoolClient"};
        if (need_query_result_) names.push_back("QueryResult");
        if (mode == Mode::ts && runtime) names.insert(names.end(), {"ClientBase", "CustomTypesConfig"});
        if (mode == Mode::ts && need_run_query_) names.push_back("QueryArrayResult");
        out += type_import(names, "pg");
        out += "\n/** What a Queries object runs on: a Pool, a pooled client or a Client. */\n"
               "export type Executor = Pool | PoolClient | Client;\n";
        break;
      }
      case Driver::mysql2: {
        if (mode == Mode::js) break;
        std::vector<std::string> names = {"Connection", "Pool", "PoolConnection"};
        if (need_query_result_ || (mode == Mode::ts && need_run_exec_)) names.push_back("ResultSetHeader");
        if (mode == Mode::ts && need_run_query_) names.push_back("QueryOptions");
        out += type_import(names, "mysql2/promise");
        out += "\n/** What a Queries object runs on: a Pool, a pooled connection or a Connection (mysql2/promise). */\n"
               "export type Executor = Pool | PoolConnection | Connection;\n";
        break;
      }
      case Driver::sqlite:
        if (mode != Mode::js)
          out += "import type Database from \"better-sqlite3\";\n\n/** What a Queries object runs on. */\n"
                 "export type Executor = Database.Database;\nexport type RunResult = Database.RunResult;\n";
        break;
    }
    return out.empty() ? out : out + "\n";
  }

  static std::string util_join(const std::vector<std::string>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    return s;
  }

  // Runtime helpers, the Queries class and the decoders (TS or JS).
  std::string render_bodies(Mode mode) {
    const bool ts = mode == Mode::ts;
    const auto a = [&](const std::string& s) { return ts ? s : std::string(); };
    std::string cls;  // class text (rendered first so helper flags are set)
    std::string decoders;
    for (auto& p : plans_) {
      if (p.row_type.empty()) continue;
      if (o_.driver == Driver::pg) {
        // f: the row's column texts (null for NULL), p: their parsers (columnParsers).
        decoders += "function " + p.decoder + "(f" + a(": any[]") + ", p" + a(": Parser[]") + ")" + a(": " + p.row_type) + " {\n";
        for (std::size_t i = 0; i < p.q->columns.size(); ++i) {
          const std::string k = std::to_string(i);
          decoders += "  const v" + k + " = f[" + k + "] === null ? null : p[" + k + "](f[" + k + "]);\n";
        }
        decoders += "  return {";
      } else {
        decoders += "function " + p.decoder + "(r" + a(": any[]") + ")" + a(": " + p.row_type) + " {\n  return {";
      }
      bool first = true;
      for (const auto& [is_embed, i] : p.row_order) {
        decoders += first ? " " : ", ";
        first = false;
        if (!is_embed) {
          decoders += prop_key(p.row_fields[i].prop) + ": " + p.row_fields[i].decode;
          continue;
        }
        const auto& e = p.embeds[i];
        std::string obj = "{ ";
        for (std::size_t k = 0; k < e.fields.size(); ++k)
          obj += (k ? ", " : "") + prop_key(e.fields[k].prop) + ": " + e.fields[k].decode;
        obj += " }";
        decoders += prop_key(e.prop) + ": " + (e.null_check.empty() ? obj : e.null_check + " ? null : " + obj);
      }
      decoders += " };\n}\n\n";
    }

    cls += "export class Queries {\n";
    cls += ts ? "  readonly db: Executor;\n" : "";
    if (o_.read_retry && ts) cls += "  readonly readRetry: ReadRetry;\n";
    if (o_.driver == Driver::sqlite) {
      for (const auto& p : plans_)
        if (!p.has_slice && ts) cls += "  private " + stmt_field(p) + ": Database.Statement | undefined;\n";
      if (ts) cls += "  private readonly dynamic = new Map<string, Database.Statement>();\n";
    }
    if (o_.read_retry)
      cls += std::string("\n  constructor(db") + a(": Executor") + ", readRetry" + a(": ReadRetry") +
             " = defaultReadRetry) {\n    this.db = db;\n    this.readRetry = readRetry;\n";
    else
      cls += std::string("\n  constructor(db") + a(": Executor") + ") {\n    this.db = db;\n";
    if (o_.driver == Driver::sqlite) {
      for (const auto& p : plans_)
        if (!p.has_slice) cls += "    this." + stmt_field(p) + " = undefined;\n";
      if (!ts) cls += "    this.dynamic = new Map();\n";
    }
    cls += "  }\n";
    for (auto& p : plans_) cls += "\n" + render_method(p, mode);
    cls += "\n" + render_transaction(mode);
    cls += "}\n";
    if (!o_.esm && !ts) cls.erase(0, 7);  // CommonJS: `class Queries`, exported at the end

    std::string helpers = render_helpers(mode);
    return helpers + decoders + cls;
  }

  static std::string stmt_field(const QueryPlan& p) { return "s" + pascal_name(p.q->name); }

  std::string render_method(QueryPlan& p, Mode mode) {
    const bool ts = mode == Mode::ts;
    const auto& q = *p.q;
    std::string out;
    doc(out, q.comments, "  ");
    out += "  async " + p.method + "(" + method_arg(p, ts) + ")" + (ts ? ": Promise<" + return_type(p) + ">" : "") +
           " {\n";
    if (p.copy) return out + render_copy(p, mode) + "  }\n";
    if (p.batch) {
      // Each element runs through `one` (the body of the per-element query), in order, on one
      // connection: a pooled one is taken for the whole batch.
      const bool pooled = o_.driver != Driver::sqlite;
      const std::string in = pooled ? "      " : "    ";
      const std::string el = single_return_type(p);
      std::string body = render_single(p, mode);
      if (pooled) {
        for (std::size_t k = body.find("this.db"); k != std::string::npos; k = body.find("this.db", k + 2))
          body.replace(k, 7, "db");
        out += "    return withConnection(this.db, async (db) => {\n";
      }
      std::string indented;
      for (const auto& line : util::split(body, '\n'))
        if (!line.empty()) indented += in.substr(2) + line + "\n";
      out += in + "const one = async (params" + (ts ? ": " + p.params_type : "") + ")" + (ts ? ": Promise<" + el + ">" : "") +
             " => {\n" + indented + in + "};\n";
      if (p.kind == Kind::exec) {
        out += in + "for (const params of items) await one(params);\n";
      } else {
        out += in + "const results" + (ts ? ": " + return_type(p) : "") + " = [];\n";
        out += in + "for (const params of items) results.push(await one(params));\n";
        out += in + "return results;\n";
      }
      if (pooled) out += "    });\n";
      return out + "  }\n";
    }
    if (o_.read_retry && (p.kind == Kind::one || p.kind == Kind::many) &&
        sql::leading_keyword(q.sql, Dialect::postgresql) == "SELECT") {
      // A read: run again after a lost connection, under this.readRetry.
      std::string inner;
      for (const auto& line : util::split(render_single(p, mode), '\n'))
        if (!line.empty()) inner += "  " + line + "\n";
      return out + "    return retryRead(this.readRetry, async () => {\n" + inner + "    });\n  }\n";
    }
    return out + render_single(p, mode) + "  }\n";
  }

  // The argument list of a query method.
  static std::string method_arg(const QueryPlan& p, bool ts) {
    if (p.params_type.empty()) return "";
    if (p.copy) return "rows" + std::string(ts ? ": " + p.params_type + "[]" : "");
    if (p.batch) return "items" + std::string(ts ? ": " + p.params_type + "[]" : "");
    return "params" + std::string(ts ? ": " + p.params_type : "");
  }

  // :copyfrom — pg and mysql2: multi-row INSERTs of at most copy_chunk_rows rows (under the
  // 65535-placeholder limit); better-sqlite3: the prepared INSERT run per row in one transaction.
  std::string render_copy(QueryPlan& p, Mode mode) {
    const bool ts = mode == Mode::ts;
    const auto& c = *p.copy;
    std::string out;
    std::vector<std::string> vals;
    for (std::size_t k = 0; k < c.columns.size(); ++k) {
      const auto& pf = p.params[c.column_param[k]];
      vals.push_back(encode("params." + pf.prop, pf.param->type, pf.param->nullable));
    }
    if (o_.driver == Driver::sqlite) {
      const std::string values = values_code(p, "    ", mode);
      out += "    const stmt = (this." + stmt_field(p) + " ?" "?= this.db.prepare(" + p.sql_const + "));\n";
      out += "    const insert = this.db.transaction((all" + std::string(ts ? ": " + p.params_type + "[]" : "") + ") => {\n";
      out += "      let total = 0;\n";
      out += "      for (const params of all) total += stmt.run(" + values.substr(1, values.size() - 2) + ").changes;\n";
      out += "      return total;\n    });\n";
      out += "    return insert(rows);\n";
      return out;
    }
    const std::size_t chunk = copy_chunk_rows(c, o_.dialect);
    out += "    let total = 0;\n";
    out += "    for (let start = 0; start < rows.length; start += " + std::to_string(chunk) + ") {\n";
    out += "      const part = rows.slice(start, start + " + std::to_string(chunk) + ");\n";
    out += "      const values" + std::string(ts ? ": unknown[]" : "") + " = [];\n";
    if (o_.driver == Driver::pg) {
      out += "      const groups" + std::string(ts ? ": string[]" : "") + " = [];\n";
      out += "      for (const params of part) {\n        const n = values.length;\n        groups.push(\"(";
      for (std::size_t k = 0; k < vals.size(); ++k)
        out += std::string(k ? ", " : "") + "$\" + (n + " + std::to_string(k + 1) + ") + \"";
      out += ")\");\n";
      out += "        values.push(" + util::join(vals, ", ") + ");\n      }\n";
      out += "      const res = await (this.db" + std::string(ts ? " as ClientBase" : "") + ").query({ text: " +
             p.copy_prefix_const + " + groups.join(\", \"), values, types: typeParsers });\n";
      out += "      total += res.rowCount ?? 0;\n";
    } else {
      std::string group = "(";
      for (std::size_t k = 0; k < vals.size(); ++k) group += k ? ", ?" : "?";
      group += ")";
      out += "      for (const params of part) values.push(" + util::join(vals, ", ") + ");\n";
      out += "      const [res] = await (this.db" + std::string(ts ? " as Connection" : "") + ").query" +
             (ts ? "<ResultSetHeader>" : "") + "(\n        " + p.copy_prefix_const + " + new Array(part.length).fill(" +
             js_string(group) + ").join(\", \"),\n        values,\n      );\n";
      out += "      total += res.affectedRows;\n";
    }
    out += "    }\n    return total;\n";
    return out;
  }

  // The statements of one execution of the query with `params` (indented for a method body).
  std::string render_single(QueryPlan& p, Mode mode) {
    const bool ts = mode == Mode::ts;
    const auto& q = *p.q;
    std::string out;
    const std::string in = "    ";
    std::string values;
    if (p.has_slice) {
      out += slice_sql(p, in);
      out += values_code(p, in, mode);
      values = "values";
    } else {
      values = values_code(p, in, mode);
    }
    const std::string sql = p.has_slice ? "sql" : p.sql_const;
    const bool rows = !p.row_type.empty();
    switch (o_.driver) {
      case Driver::pg: {
        const std::string call = "runQuery(this.db, " + js_string(q.name) + ", " + sql + ", " + values + ")";
        const std::string exec_call = "runExec(this.db, " + js_string(q.name) + ", " + sql + ", " + values + ")";
        const std::string rows_call =
            "runRows(this.db, " + js_string(q.name) + ", " + sql + ", " + values + ", " + p.decoder + ")";
        switch (p.kind) {
          case Kind::one:
            out += in + "const rows = await " + rows_call + ";\n";
            out += in + "return rows.length === 0 ? null : rows[0];\n";
            break;
          case Kind::many: out += in + "return " + rows_call + ";\n"; break;
          case Kind::execrows: out += in + "return await " + exec_call + ";\n"; break;
          case Kind::execlastid:
            out += in + "const res = await " + call + ";\n";
            out += in + "if (res.rows.length === 0) throw new Error(" + js_string(q.name + ": no row returned") + ");\n";
            out += in + "return " + std::string(o_.int64 == Int64Mode::bigint ? "BigInt" : "Number") + "(res.rows[0][0]);\n";
            break;
          case Kind::execresult:
            out += in + "return (this.db" + (ts ? " as ClientBase" : "") + ").query({ " + (o_.prepared ? "name: " + js_string(q.name) + ", " : std::string()) +
                   "text: " + sql + ", values: " + values + ", types: typeParsers });\n";
            break;
          default:
            out += in + "await " + (p.kind == Kind::exec ? exec_call : call) + ";\n";
            break;
        }
        break;
      }
      case Driver::mysql2: {
        if (rows) {
          const std::string call = "runQuery(this.db, " + sql + ", " + values + ")";
          if (p.kind == Kind::one) {
            out += in + "const rows = await " + call + ";\n";
            out += in + "return rows.length === 0 ? null : " + p.decoder + "(rows[0]);\n";
          } else {
            out += in + "const rows = await " + call + ";\n";
            out += many_loop(p, in, ts);
          }
          break;
        }
        const std::string call = "runExec(this.db, " + sql + ", " + values + ")";
        switch (p.kind) {
          case Kind::execrows: out += in + "return (await " + call + ").affectedRows;\n"; break;
          case Kind::execlastid:
            out += in + "return " + std::string(o_.int64 == Int64Mode::bigint ? "BigInt" : "Number") + "((await " + call +
                   ").insertId);\n";
            break;
          case Kind::execresult: out += in + "return " + call + ";\n"; break;
          default: out += in + "await " + call + ";\n"; break;
        }
        break;
      }
      case Driver::sqlite: {
        std::string prep = "this.db.prepare(" + sql + ")";
        if (rows) prep += ".raw(true)" + std::string(p.safe_ints ? ".safeIntegers(true)" : "");
        if (p.has_slice) {
          out += in + "let stmt = this.dynamic.get(sql);\n";
          out += in + "if (stmt === undefined) {\n" + in + "  stmt = " + prep + ";\n" + in + "  this.dynamic.set(sql, stmt);\n" +
                 in + "}\n";
        } else {
          out += in + "const stmt = (this." + stmt_field(p) + " ?" "?= " + prep + ");\n";
        }
        const std::string args = p.has_slice ? "...values" : values.substr(1, values.size() - 2);
        switch (p.kind) {
          case Kind::one:
            out += in + "const r = stmt.get(" + args + ")" + (ts ? " as any[] | undefined" : "") + ";\n";
            out += in + "return r === undefined ? null : " + p.decoder + "(r);\n";
            break;
          case Kind::many:
            out += in + "const rows = stmt.all(" + args + ")" + (ts ? " as any[][]" : "") + ";\n";
            out += many_loop(p, in, ts);
            break;
          case Kind::execrows: out += in + "return stmt.run(" + args + ").changes;\n"; break;
          case Kind::execlastid:
            out += in + "return " + std::string(o_.int64 == Int64Mode::bigint ? "BigInt" : "Number") + "(stmt.run(" + args +
                   ").lastInsertRowid);\n";
            break;
          case Kind::execresult: out += in + "return stmt.run(" + args + ");\n"; break;
          default:
            if (rows) out += in + "stmt.all(" + args + ");\n";
            else out += in + "stmt.run(" + args + ");\n";
            break;
        }
        break;
      }
    }
    return out;
  }

  std::string many_loop(const QueryPlan& p, const std::string& in, bool ts) const {
    std::string s;
    s += in + "const out" + (ts ? ": " + p.row_type + "[]" : "") + " = new Array(rows.length);\n";
    s += in + "for (let i = 0; i < rows.length; i++) out[i] = " + p.decoder + "(rows[i]);\n";
    s += in + "return out;\n";
    return s;
  }

  std::string render_transaction(Mode mode) const {
    const bool ts = mode == Mode::ts;
    const auto a = [&](const std::string& s) { return ts ? s : std::string(); };
    std::string s;
    s += "  /**\n   * Runs `fn` inside BEGIN … COMMIT on one connection; any throw rolls back and is rethrown.\n"
         "   * The Queries object passed to `fn` must be used for the statements of the transaction.\n   */\n";
    s += "  async withTransaction" + a("<T>") + "(fn" + a(": (q: Queries) => Promise<T>") + ")" + a(": Promise<T>") + " {\n";
    switch (o_.driver) {
      case Driver::pg:
        s += "    const pooled = typeof (this.db" + a(" as Pool") + ").totalCount === \"number\";\n";
        s += "    const client = pooled ? await (this.db" + a(" as Pool") + ").connect() : (this.db" +
             a(" as PoolClient | Client") + ");\n";
        s += "    let broken = false;\n";
        s += "    try {\n      await client.query(\"BEGIN\");\n      const result = await fn(new Queries(client" +
             std::string(o_.read_retry ? ", { attempts: 1, backoffMs: 0, maxBackoffMs: 0 }" : "") + "));\n"
             "      await client.query(\"COMMIT\");\n      return result;\n    } catch (err) {\n"
             "      try {\n        await client.query(\"ROLLBACK\");\n      } catch {\n        broken = true;\n      }\n"
             "      throw err;\n    } finally {\n      if (pooled) (client" + a(" as PoolClient") + ").release(broken);\n    }\n";
        break;
      case Driver::mysql2:
        s += "    const pooled = typeof (this.db" + a(" as Pool") + ").getConnection === \"function\";\n";
        s += "    const conn = pooled ? await (this.db" + a(" as Pool") + ").getConnection() : (this.db" + a(" as Connection") +
             ");\n";
        s += "    try {\n      await conn.beginTransaction();\n      const result = await fn(new Queries(conn));\n"
             "      await conn.commit();\n      return result;\n    } catch (err) {\n"
             "      try {\n        await conn.rollback();\n      } catch {\n        // the original error is the one that matters\n      }\n"
             "      throw err;\n    } finally {\n      if (pooled) (conn" + a(" as PoolConnection") + ").release();\n    }\n";
        break;
      case Driver::sqlite:
        s += "    this.db.exec(\"BEGIN\");\n";
        s += "    try {\n      const result = await fn(this);\n      this.db.exec(\"COMMIT\");\n      return result;\n"
             "    } catch (err) {\n      if (this.db.inTransaction) this.db.exec(\"ROLLBACK\");\n      throw err;\n    }\n";
        break;
    }
    s += "  }\n";
    return s;
  }

  std::string render_helpers(Mode mode) const {
    const bool ts = mode == Mode::ts;
    const auto a = [&](const std::string& s) { return ts ? s : std::string(); };
    std::string s;
    switch (o_.driver) {
      case Driver::pg:
        if (plans_.empty()) break;
        s += "// Text arrays in pg's own format; int8, numeric and interval (and their arrays) stay text so that\n"
             "// global pg.types overrides cannot change the declared types.\n";
        s += "const textArray = pg.types.getTypeParser(1009" + a(" as any") + ")" + a(" as (value: string) => string[]") + ";\n";
        s += "const rawText = (value" + a(": string") + ")" + a(": string") + " => value;\n";
        if (ts) s += "/** A column's parser: the server's text of one value to its declared JS value. */\n"
                     "type Parser = (value: string) => any;\n";
        s += pg_dates_runtime(ts);
        s += "function parserFor(oid" + a(": number") + ", format" + a("?: string") + ")" + a(": Parser") +
             " {\n  switch (oid) {\n    case 20:\n    case 1700:\n    case 1186:\n      return rawText;\n"
             "    case 1016:\n    case 1231:\n    case 1187:\n      return textArray;\n"
             "    case 1184:\n      return format === \"binary\" ? pg.types.getTypeParser(oid, format" + a(" as any") + ") : parseTimestamptz;\n"
             "    case 1114:\n      return format === \"binary\" ? pg.types.getTypeParser(oid, format" + a(" as any") + ") : parseTimestamp;\n"
             "    default:\n"
             "      return pg.types.getTypeParser(oid, format" + a(" as any") + ");\n  }\n}\n";
        if (need_type_parsers_)
          s += "const typeParsers = { getTypeParser: parserFor }" + a(" as unknown as CustomTypesConfig") + ";\n";
        if (need_run_rows_ || need_run_exec_) s += pg_rows_runtime(ts, o_.prepared, need_run_rows_, need_run_exec_);
        if (need_to_bigint_) s += "const toBigInt = (v" + a(": any") + ") => (v === null ? null : BigInt(v));\n";
        if (need_to_number_) s += "const toNumber = (v" + a(": any") + ") => (v === null ? null : Number(v));\n";
        if (need_with_connection_)
          s += "\n// A batch runs on one connection: a pooled client is checked out for it.\n"
               "async function withConnection" + a("<T>") + "(db" + a(": Executor") + ", fn" + a(": (db: Executor) => Promise<T>") +
               ")" + a(": Promise<T>") + " {\n"
               "  if (typeof (db" + a(" as Pool") + ").totalCount !== \"number\") return fn(db);\n"
               "  const client = await (db" + a(" as Pool") + ").connect();\n"
               "  try {\n    return await fn(client);\n  } finally {\n    client.release();\n  }\n}\n";
        if (o_.read_retry) s += read_retry_helpers(mode);
        if (!need_run_query_) break;
        s += "\nfunction runQuery(db" + a(": Executor") + ", name" + a(": string") + ", text" + a(": string") + ", values" +
             a(": unknown[]") + ")" + a(": Promise<QueryArrayResult<any[]>>") + " {\n";
        if (!o_.prepared) s += "  void name;  // unnamed statements (prepared = false)\n";
        s += "  return (db" + a(" as ClientBase") + ").query({ " + std::string(o_.prepared ? "name, " : "") +
             "text, values, rowMode: \"array\", types: typeParsers });\n}\n\n";
        break;
      case Driver::mysql2: {
        const std::string big = o_.int64 == Int64Mode::number ? "" : ", supportBigNumbers: true, bigNumberStrings: true";
        if (need_mysql_json_) s += "// JSON arrives parsed from MySQL and as text from MariaDB (unless extended metadata is on).\n"
          "function mysqlJson(v" + a(": any") + ")" + a(": unknown") +
             " {\n  if (typeof v !== \"string\") return v;\n  try {\n    return JSON.parse(v);\n  } catch {\n    return v;\n  }\n}\n\n";
        if (need_run_query_) s += "async function runQuery(db" + a(": Executor") + ", sql" + a(": string") + ", values" + a(": any[]") + ")" +
             a(": Promise<any[][]>") + " {\n";
        if (need_run_query_) s += "  const [rows] = await (db" + a(" as Connection") + ").execute({ sql, rowsAsArray: true" + big + " }" +
             a(" as QueryOptions") + ", values);\n  return rows" + a(" as any[][]") + ";\n}\n\n";
        if (need_with_connection_)
          s += "// A batch runs on one connection: a pooled connection is checked out for it.\n"
               "async function withConnection" + a("<T>") + "(db" + a(": Executor") + ", fn" + a(": (db: Executor) => Promise<T>") +
               ")" + a(": Promise<T>") + " {\n"
               "  if (typeof (db" + a(" as Pool") + ").getConnection !== \"function\") return fn(db);\n"
               "  const conn = await (db" + a(" as Pool") + ").getConnection();\n"
               "  try {\n    return await fn(conn);\n  } finally {\n    conn.release();\n  }\n}\n\n";
        if (need_run_exec_) s += "async function runExec(db" + a(": Executor") + ", sql" + a(": string") + ", values" + a(": any[]") + ")" +
             a(": Promise<ResultSetHeader>") + " {\n";
        if (need_run_exec_) s += "  const [res] = await (db" + a(" as Connection") + ").execute" + a("<ResultSetHeader>") +
             "(sql, values);\n  return res;\n}\n\n";
        break;
      }
      case Driver::sqlite:
        if (need_sqlite_date_)
          s += "// SQLite keeps dates as text (\"YYYY-MM-DD HH:MM:SS\", UTC as CURRENT_TIMESTAMP writes it) or as\n"
               "// unix seconds.\nfunction sqliteDate(v" + a(": any") + ")" + a(": Date") +
               " {\n  if (typeof v === \"number\" || typeof v === \"bigint\") return new Date(Number(v) * 1000);\n"
               "  let s = String(v);\n  if (s.length > 10 && s[10] === \" \") s = s.slice(0, 10) + \"T\" + s.slice(11);\n"
               "  if (s.length > 10 && !s.endsWith(\"Z\") && !/[+-]\\d\\d:?\\d\\d$/.test(s)) s += \"Z\";\n"
               "  return new Date(s);\n}\n\n";
        if (need_sqlite_date_param_)
          s += "function sqliteDateParam(d" + a(": Date") + ")" + a(": string") +
               " {\n  return d.toISOString().slice(0, 10);\n}\n\n";
        if (need_sqlite_ts_param_)
          s += "function sqliteTimestampParam(d" + a(": Date") + ")" + a(": string") +
               " {\n  const s = d.toISOString();\n  return s.slice(0, 10) + \" \" + s.slice(11, 23);\n}\n\n";
        break;
    }
    return s;
  }

  // read_retry (pg): the policy type, its default, what a lost connection is, and the loop.
  std::string read_retry_helpers(Mode mode) const {
    const bool ts = mode == Mode::ts;
    const auto a = [&](const std::string& x) { return ts ? x : std::string(); };
    const std::string exp = mode == Mode::js && !o_.esm ? "" : "export ";
    std::string s;
    if (ts)
      s += "\n/** How a read (a :one or :many SELECT) runs again when the connection was lost or refused, as in a\n"
           " * failover: `attempts` runs in all, waiting `backoffMs` after the first failure, doubled up to\n"
           " * `maxBackoffMs`. Writes never run again. */\n"
           "export interface ReadRetry {\n  attempts: number;\n  backoffMs: number;\n  maxBackoffMs: number;\n}\n";
    s += "\n/** 8 attempts, 100 ms doubling to 2 s (about 7 s of waiting); { attempts: 1, … } turns it off. */\n";
    s += exp + "const defaultReadRetry" + a(": ReadRetry") +
         " = Object.freeze({ attempts: 8, backoffMs: 100, maxBackoffMs: 2000 });\n\n";
    s += "// A lost or refused connection (worth another attempt on a fresh one), not an error of the query.\n"
         "function connectionLost(e" + a(": any") + ")" + a(": boolean") + " {\n"
         "  const code = typeof e?.code === \"string\" ? e.code : \"\";\n"
         "  if (code.startsWith(\"08\") || code === \"57P01\" || code === \"57P02\" || code === \"57P03\") return true;\n"
         "  if ([\"ECONNREFUSED\", \"ECONNRESET\", \"EPIPE\", \"ETIMEDOUT\", \"EHOSTUNREACH\"].includes(code)) return true;\n"
         "  const msg = String(e?.message ?? \"\");\n"
         "  return /Connection terminated|connection (is )?closed|Client has encountered a connection error/i.test(msg);\n"
         "}\n\n";
    s += "async function retryRead" + a("<T>") + "(policy" + a(": ReadRetry") + ", read" + a(": () => Promise<T>") + ")" +
         a(": Promise<T>") + " {\n"
         "  let wait = policy.backoffMs;\n"
         "  for (let attempt = 1; ; attempt++) {\n"
         "    try {\n      return await read();\n    } catch (e) {\n"
         "      if (attempt >= policy.attempts || !connectionLost(e)) throw e;\n    }\n"
         "    await new Promise((resolve) => setTimeout(resolve, wait));\n"
         "    wait = Math.min(wait * 2, policy.maxBackoffMs);\n  }\n}\n";
    return s;
  }

  std::string render_class_dts() const {
    std::string s;
    if (o_.read_retry)
      s += "/** How a read (a :one or :many SELECT) runs again when the connection was lost or refused. */\n"
           "export interface ReadRetry {\n  attempts: number;\n  backoffMs: number;\n  maxBackoffMs: number;\n}\n"
           "export declare const defaultReadRetry: ReadRetry;\n\n";
    s += "export declare class Queries {\n  readonly db: Executor;\n";
    if (o_.read_retry) s += "  readonly readRetry: ReadRetry;\n";
    if (o_.driver == Driver::sqlite) {
      for (const auto& p : plans_)
        if (!p.has_slice) s += "  private " + stmt_field(p) + ";\n";
      s += "  private readonly dynamic;\n";
    }
    s += o_.read_retry ? "  constructor(db: Executor, readRetry?: ReadRetry);\n" : "  constructor(db: Executor);\n";
    for (const auto& p : plans_) {
      doc(s, p.q->comments, "  ");
      s += "  " + p.method + "(" + method_arg(p, true) + "): Promise<" + return_type(p) + ">;\n";
    }
    s += "  /** Runs `fn` inside BEGIN … COMMIT on one connection; any throw rolls back and is rethrown. */\n";
    s += "  withTransaction<T>(fn: (q: Queries) => Promise<T>): Promise<T>;\n}\n";
    return s;
  }
};

}  // namespace

Response generate(const Request& req) {
  diag::Diagnostics diags;
  const Options o = read_options(req, diags);
  Generator g(req, o);
  return g.run(std::move(diags));
}

}  // namespace flash::codegen::typescript

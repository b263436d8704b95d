// The Go generator: sqlc-style clients for database/sql and pgx/v5.
//
// Output (package = settings "package", else the last element of `out`):
//   db.go              DBTX interface, Queries, New(db) and its alias Newq (the original Flash ORM's
//                      name), WithTx; with `prepare = true` (database/sql) also Prepare(ctx, db),
//                      Close() and the statement helpers.
//   models.go          one struct per table (singular name), enums as named string types with
//                      constants, Valid(), AllXValues() and Scan (plus NullX with null_style "sql").
//   <file>.sql.go      per query file: the SQL as a constant, a <Name>Params struct when the query
//                      has more than one parameter (sqlc's rule), a <Name>Row struct unless the row
//                      is exactly a table model or a single column, and one context-first method.
//
// Settings ([gen.go] in flash.toml):
//   driver      "pgx/v5" (default for PostgreSQL) or "database/sql" (default for MySQL/SQLite;
//               with PostgreSQL use it with github.com/jackc/pgx/v5/stdlib)
//   package     Go package name
//   null_style  "pointer" (default): a nullable value is *T, except []byte and slices (nil is
//               NULL). "sql": sql.NullString, sql.NullInt64 ... (database/sql) or pgtype.Text,
//               pgtype.Int8 ... (pgx/v5); enums get a NullX type. Not-null values are the same in
//               both styles.
//   json_tags   true (default): struct fields carry `json:"snake_case"` tags; false: none.
//   prepare     database/sql only: emit Prepare(ctx, db), which prepares every static query once.
//               pgx/v5 caches prepared statements itself, so the setting is ignored there.
//   read_retry  pgx/v5 only, default false: a read (a :one or :many query whose statement is a
//               SELECT) that fails because the connection was lost or could not be made (a
//               failover) is run again, bounded by ReadRetry (db.go: 8 attempts, 100 ms doubling
//               to 2 s, about 7.5 s; New sets DefaultReadRetry, WithReadRetry another, WithTx
//               none). Writes are never retried. Needs a pool (pgxpool) that reconnects, through
//               a multi-host URL with target_session_attrs=read-write.
//
// Type mapping (TypeCategory → Go type; not null / nullable with null_style "pointer"):
//   category     pgx/v5               database/sql         null_style "sql" (pgx / database/sql)
//   boolean      bool                 bool                 pgtype.Bool / sql.NullBool
//   int16        int16                int16                pgtype.Int2 / sql.NullInt16
//   int32        int32                int32                pgtype.Int4 / sql.NullInt32
//   int64        int64                int64                pgtype.Int8 / sql.NullInt64
//   float32      float32              float32              pgtype.Float4 / sql.Null[float32]
//   float64      float64              float64              pgtype.Float8 / sql.NullFloat64
//   decimal      string               string               pgtype.Numeric / sql.NullString
//   text         string               string               pgtype.Text / sql.NullString
//   bytes        []byte               []byte               []byte (nil = NULL)
//   date         time.Time            time.Time            pgtype.Date / sql.NullTime
//   time         pgtype.Time          string               pgtype.Time / sql.NullString
//   timestamp    time.Time            time.Time            pgtype.Timestamp / sql.NullTime
//   timestamptz  time.Time            time.Time            pgtype.Timestamptz / sql.NullTime
//   interval     pgtype.Interval      string               pgtype.Interval / sql.NullString
//   uuid         string               string               pgtype.UUID / sql.NullString
//   json         json.RawMessage      json.RawMessage      json.RawMessage (nil = NULL) / sql.NullString
//   enum         named string type    named string type    NullX (generated)
//   inet, bits   string               string               pgtype.Text / sql.NullString
//   other        interface{}          interface{}          interface{}
//   PostgreSQL arrays are []T of the element type (pgx/v5 encodes and scans them natively).
// Kinds: :one (T, error), :many ([]T, error), :exec error, :execrows (int64, error) — rows
// affected, :execresult (sql.Result | pgconn.CommandTag, error), :execlastid (int64, error) —
// database/sql only (PostgreSQL has no last insert id: use RETURNING id with :one).
// :copyfrom (copyfrom.hpp decides which INSERTs qualify) → X(ctx, arg []XParams) (int64, error):
// pgx/v5 CopyFrom with an iteratorForX (sqlc's API; DBTX gains CopyFrom only then), database/sql
// multi-row INSERTs of at most max_bind_params / columns rows each, on q.db. :batchexec,
// :batchone, :batchmany (pgx/v5 only; database/sql reports gen.unsupported) → X(ctx, arg
// []XParams) *XBatchResults, queued in a pgx.Batch and sent with SendBatch (DBTX gains SendBatch),
// read back with Exec / QueryRow / Query callbacks, Close, and ErrBatchAlreadyClosed in batch.go.
// A single parameter replaces XParams by its own type ([]T), as in sqlc.
#include "flash/codegen/go/go.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "flash/codegen/copyfrom.hpp"
#include "flash/schema/types.hpp"
#include "flash/sql/lexer.hpp"
#include "flash/util/text.hpp"

namespace flash::codegen::go {
namespace {

using schema::Dialect;
using schema::TypeCategory;

enum class Driver { pgx, stdlib };
enum class NullStyle { pointer, sql };

struct Options {
  Dialect dialect = Dialect::postgresql;
  Driver driver = Driver::pgx;
  NullStyle null_style = NullStyle::pointer;
  bool json_tags = true;
  bool prepare = false;
  bool read_retry = false;  // pgx/v5: reads retried after a lost connection (ReadRetry in db.go)
  std::string package;
};

const std::set<std::string>& go_keywords() {
  static const std::set<std::string> k = {
      "break",  "case",   "chan",      "const",       "continue", "default", "defer",
      "else",   "fallthrough", "for",  "func",        "go",       "goto",    "if",
      "import", "interface", "map",    "package",     "range",    "return",  "select",
      "struct", "switch", "type",      "var"};
  return k;
}

// Names a generated method's parameters must not take: the receiver, the context, locals and the
// packages the generated files import (a parameter `time` would shadow package time).
std::string safe_local(std::string name) {
  static const std::set<std::string> taken = {
      "q",       "ctx",     "err",    "row",     "rows",   "items", "i",      "query",
      "queryParams", "result", "v",   "arg",     "time",   "json",  "sql",    "context",
      "fmt",     "strings", "pgtype", "pgconn",  "pgx",    "driver", "sync",  "errors"};
  if (name.empty()) name = "param";
  if (go_keywords().count(name) || taken.count(name)) name += "_";
  return name;
}

// The SQL constant of a query: lowerCamel of its name ("GetUser" → getUser).
std::string const_name(const std::string& query_name) {
  std::string s = go_name(query_name);
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  if (go_keywords().count(s)) s += "Query";
  return s;
}

// A Go local name: the first word lower-case, the rest as go_name ("user_id" → userID, "id" → id).
std::string local_name(const std::string& name) {
  const auto words = util::split(snake_name(name), '_');
  std::string out;
  std::vector<std::string> rest;
  for (const auto& w : words) {
    if (w.empty()) continue;
    if (out.empty()) out = w;
    else rest.push_back(w);
  }
  return out + go_name(util::join(rest, "_"));
}

// ---------------------------------------------------------------------------------------------
// Imports and types

struct Imports {
  std::set<std::string> std_lib, third;
  void add(const std::string& path) {
    if (path.empty()) return;
    (path.find('.') != std::string::npos && path.find('/') != std::string::npos ? third : std_lib).insert(path);
  }
  std::string render() const {
    if (std_lib.empty() && third.empty()) return "";
    std::string s = "import (\n";
    for (const auto& p : std_lib) s += "\t\"" + p + "\"\n";
    if (!std_lib.empty() && !third.empty()) s += "\n";
    for (const auto& p : third) s += "\t\"" + p + "\"\n";
    return s + ")\n\n";
  }
};

constexpr const char* kPgtype = "github.com/jackc/pgx/v5/pgtype";

struct EnumInfo {
  std::string go;                   // UserRole
  std::vector<std::string> values;
};

class Generator {
 public:
  Generator(const Request& req, Options opts) : req_(req), o_(std::move(opts)) {}

  Response run();

 private:
  const Request& req_;
  Options o_;
  Response resp_;
  std::vector<EnumInfo> enums_;                   // declaration order
  std::map<std::string, std::size_t> enum_by_name_;  // SQL enum name → index
  // Keyed by table_key(): "schema.table" — the same table name may live in two schemas.
  std::map<std::string, std::string> model_by_table_;  // table → Go struct name
  std::map<std::string, std::map<std::string, std::string>> model_fields_;  // table → column → field
  static std::string table_key(const schema::Table& t) { return t.schema + "." + t.name; }
  // A table named in a query result (Query::returns_table, Column::embed_table carry no schema).
  std::string table_key(const std::string& name) const {
    const schema::Table* t = req_.schema->find_table(name);
    return t ? table_key(*t) : "." + name;
  }

  // ---- enums ------------------------------------------------------------------------------
  std::string add_enum(const std::string& sql_name, const std::vector<std::string>& values) {
    auto it = enum_by_name_.find(sql_name);
    if (it != enum_by_name_.end()) return enums_[it->second].go;
    EnumInfo e;
    e.go = go_name(sql_name);
    if (e.go.empty()) e.go = "Enum";
    e.values = values;
    enum_by_name_[sql_name] = enums_.size();
    enums_.push_back(std::move(e));
    return enums_.back().go;
  }

  // The Go enum type for a resolved type of category enum_ ("" when none can be named).
  // MySQL inline enums may come without a name: they are matched by their values against the
  // table columns' enums (registered first, in run()).
  std::string enum_go(const query::ResolvedType& t) {
    const auto& values = t.enum_values.empty() ? t.sql.values : t.enum_values;
    if (!t.enum_name.empty()) return add_enum(t.enum_name, values);
    if (!values.empty()) {
      for (const auto& e : enums_)
        if (e.values == values) return e.go;
    }
    return "";
  }

  // ---- type mapping ----------------------------------------------------------------------
  std::string base_type(TypeCategory c, const std::string& enum_type, Imports& im) const {
    const bool pgx = o_.driver == Driver::pgx;
    switch (c) {
      case TypeCategory::boolean: return "bool";
      case TypeCategory::int16: return "int16";
      case TypeCategory::int32: return "int32";
      case TypeCategory::int64: return "int64";
      case TypeCategory::float32: return "float32";
      case TypeCategory::float64: return "float64";
      case TypeCategory::decimal:
      case TypeCategory::text:
      case TypeCategory::uuid:
      case TypeCategory::inet:
      case TypeCategory::bits: return "string";
      case TypeCategory::bytes: return "[]byte";
      case TypeCategory::date:
      case TypeCategory::timestamp:
      case TypeCategory::timestamptz: im.add("time"); return "time.Time";
      case TypeCategory::time:
        if (pgx) { im.add(kPgtype); return "pgtype.Time"; }
        return "string";
      case TypeCategory::interval:
        if (pgx) { im.add(kPgtype); return "pgtype.Interval"; }
        return "string";
      case TypeCategory::json: im.add("encoding/json"); return "json.RawMessage";
      case TypeCategory::enum_: return enum_type.empty() ? "string" : enum_type;
      case TypeCategory::other: return "interface{}";
    }
    return "interface{}";
  }

  std::string sql_null_type(TypeCategory c, const std::string& enum_type, Imports& im) const {
    if (o_.driver == Driver::pgx) {
      const char* t = nullptr;
      switch (c) {
        case TypeCategory::boolean: t = "pgtype.Bool"; break;
        case TypeCategory::int16: t = "pgtype.Int2"; break;
        case TypeCategory::int32: t = "pgtype.Int4"; break;
        case TypeCategory::int64: t = "pgtype.Int8"; break;
        case TypeCategory::float32: t = "pgtype.Float4"; break;
        case TypeCategory::float64: t = "pgtype.Float8"; break;
        case TypeCategory::decimal: t = "pgtype.Numeric"; break;
        case TypeCategory::text:
        case TypeCategory::inet:
        case TypeCategory::bits: t = "pgtype.Text"; break;
        case TypeCategory::date: t = "pgtype.Date"; break;
        case TypeCategory::time: t = "pgtype.Time"; break;
        case TypeCategory::timestamp: t = "pgtype.Timestamp"; break;
        case TypeCategory::timestamptz: t = "pgtype.Timestamptz"; break;
        case TypeCategory::interval: t = "pgtype.Interval"; break;
        case TypeCategory::uuid: t = "pgtype.UUID"; break;
        default: break;
      }
      if (t) { im.add(kPgtype); return t; }
    } else {
      const char* t = nullptr;
      switch (c) {
        case TypeCategory::boolean: t = "sql.NullBool"; break;
        case TypeCategory::int16: t = "sql.NullInt16"; break;
        case TypeCategory::int32: t = "sql.NullInt32"; break;
        case TypeCategory::int64: t = "sql.NullInt64"; break;
        case TypeCategory::float32: t = "sql.Null[float32]"; break;
        case TypeCategory::float64: t = "sql.NullFloat64"; break;
        case TypeCategory::decimal:
        case TypeCategory::text:
        case TypeCategory::uuid:
        case TypeCategory::inet:
        case TypeCategory::bits:
        case TypeCategory::time:
        case TypeCategory::interval:
        case TypeCategory::json: t = "sql.NullString"; break;
        case TypeCategory::date:
        case TypeCategory::timestamp:
        case TypeCategory::timestamptz: t = "sql.NullTime"; break;
        default: break;
      }
      if (t) { im.add("database/sql"); return t; }
    }
    if (c == TypeCategory::enum_ && !enum_type.empty()) return "Null" + enum_type;
    return base_type(c, enum_type, im);
  }

  std::string go_type(TypeCategory c, const std::string& enum_type, int array_dims, bool nullable,
                      Imports& im) const {
    if (array_dims > 0) {
      std::string prefix;
      for (int i = 0; i < array_dims; ++i) prefix += "[]";
      return prefix + base_type(c, enum_type, im);
    }
    if (!nullable) return base_type(c, enum_type, im);
    if (c == TypeCategory::bytes || c == TypeCategory::other) return base_type(c, enum_type, im);
    if (o_.null_style == NullStyle::sql) return sql_null_type(c, enum_type, im);
    return "*" + base_type(c, enum_type, im);
  }

  std::string resolved_type(const query::ResolvedType& t, bool nullable, Imports& im) {
    std::string en = t.category == TypeCategory::enum_ ? enum_go(t) : "";
    return go_type(t.category, en, t.array_dims, nullable, im);
  }

  std::string column_type(const schema::Table& table, const schema::Column& col, Imports& im) {
    schema::TypeRef elem = col.type;
    elem.array_dims = 0;
    TypeCategory c = schema::category(elem, o_.dialect, req_.schema.get());
    std::string en;
    if (c == TypeCategory::enum_) {
      if (!col.type.values.empty()) {
        en = add_enum(table.name + "_" + col.name, col.type.values);
      } else if (const auto* e = req_.schema->find_enum(col.type.name, col.type.schema)) {
        en = add_enum(e->name, e->values);
      }
    }
    return go_type(c, en, col.type.array_dims, col.nullable, im);
  }

  // ---- files -------------------------------------------------------------------------------
  std::string header(const std::string& source) const {
    std::string s = "// Code generated by Flash ORM (flash gen). DO NOT EDIT.\n";
    if (!source.empty()) s += "// source: " + source + "\n";
    return s + "\npackage " + o_.package + "\n\n";
  }

  void error(const query::Query* q, std::string code, std::string message, std::optional<std::string> hint = {}) {
    diag::Diagnostic d;
    d.code = std::move(code);
    d.message = std::move(message);
    d.hint = std::move(hint);
    if (q) d.location = q->loc;
    resp_.diagnostics.push_back(std::move(d));
  }

  void collect_schema_enums() {
    for (const auto& e : req_.schema->enums)
      add_enum(e.schema.empty() ? e.name : e.schema + "_" + e.name, e.values);
    // Re-key schema-qualified enums under their plain name too, as queries name them.
    for (const auto& e : req_.schema->enums)
      if (!e.schema.empty()) enum_by_name_.emplace(e.name, enum_by_name_[e.schema + "_" + e.name]);
  }

  // Kinds this generator can emit for the driver (others are reported by gen_query).
  bool supported(const query::Query& q) const {
    if (is_batch(q.kind) && o_.driver != Driver::pgx) return false;
    if (q.kind == query::Kind::execlastid && o_.driver == Driver::pgx) return false;
    return true;
  }

  static bool is_batch(query::Kind k) {
    return k == query::Kind::batchexec || k == query::Kind::batchmany || k == query::Kind::batchone;
  }

  bool uses_copyfrom_ = false;  // pgx: DBTX needs CopyFrom
  bool uses_batch_ = false;     // pgx: DBTX needs SendBatch; batch.go declares ErrBatchAlreadyClosed

  std::string gen_db();
  std::string gen_models();
  std::string gen_query_file(const std::string& file, const std::vector<const query::Query*>& qs);
  bool gen_query(const query::Query& q, std::string& out, Imports& im);
};

// ---------------------------------------------------------------------------------------------
// Rendering helpers

using Field = StructField;

}  // namespace

// A struct with gofmt's column alignment (names, types and tags padded with spaces).
std::string render_struct(const std::string& name, const std::vector<StructField>& fields) {
  std::size_t wn = 0, wt = 0;
  bool tags = false;
  for (const auto& f : fields) {
    wn = std::max(wn, f.name.size());
    wt = std::max(wt, f.type.size());
    tags = tags || !f.tag.empty();
  }
  std::string s = "type " + name + " struct {\n";
  for (const auto& f : fields) {
    s += "\t" + f.name + std::string(wn - f.name.size() + 1, ' ') + f.type;
    if (tags && !f.tag.empty()) s += std::string(wt - f.type.size() + 1, ' ') + f.tag;
    s += "\n";
  }
  return s + "}\n";
}

// An interpreted Go string literal ("a\"b").
std::string go_string(const std::string& text) {
  std::string s = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') s += '\\';
    s += c;
  }
  return s + "\"";
}

namespace {

// A Go string literal for SQL text: a raw string, with backticks spliced in as "`".
std::string raw_literal(const std::string& text) {
  std::string s = "`";
  for (char c : text) {
    if (c == '`') s += "` + \"`\" + `";
    else s += c;
  }
  return s + "`";
}

// SQLite's numbered `?NNN` placeholders become plain `?`, so every ?-engine binds the same way:
// positionally, following Query::bind_order (which names the parameter of each placeholder).
// The SQL lexer finds them, so strings, quoted identifiers and comments are copied untouched.
std::string plain_placeholders(std::string_view sql) {
  std::string out;
  for (std::size_t pos = 0; pos < sql.size();) {
    const sql::Scanned t = sql::scan_token(sql, pos, Dialect::sqlite);
    pos = t.end;
    const std::string_view raw = sql.substr(t.begin, t.end - t.begin);
    out += t.kind == sql::TokenKind::param && raw.front() == '?' ? std::string_view("?") : raw;
  }
  return out;
}

std::string tag(const Options& o, const std::string& name) {
  if (!o.json_tags) return "";
  return "`json:\"" + snake_name(name) + "\"`";
}

// Unique Go field names: go_name(x), then x_2, x_3 for repeats (sqlc's convention).
class FieldNames {
 public:
  std::string take(const std::string& sql_name, std::size_t index) {
    std::string base = go_name(sql_name);
    if (base.empty()) base = "Column" + std::to_string(index + 1);
    std::string name = base;
    for (int k = 2; used_.count(name); ++k) name = base + "_" + std::to_string(k);
    used_.insert(name);
    return name;
  }

 private:
  std::set<std::string> used_;
};

// ---------------------------------------------------------------------------------------------
// db.go

// `read_retry`: Queries gains a retry policy for reads, and db.go the loop and the rule for what a
// lost connection is. `b` is db.go's pgx body without it.
std::string read_retry_db(std::string b, Imports& im) {
  for (const char* pkg : {"errors", "io", "net", "strings", "time"}) im.add(pkg);
  const auto swap = [&b](const std::string& from, const std::string& to) {
    const std::size_t at = b.find(from);
    if (at != std::string::npos) b.replace(at, from.size(), to);
  };
  swap("return &Queries{db: db}", "return &Queries{db: db, retry: DefaultReadRetry}");
  swap("type Queries struct {\n\tdb DBTX\n}", "type Queries struct {\n\tdb    DBTX\n\tretry ReadRetry\n}");
  swap("// WithTx returns the queries bound to the transaction tx.\n",
       "// WithTx returns the queries bound to the transaction tx. Reads are not retried there: the\n"
       "// transaction ends with its connection.\n");
  return b +
         "\n// ReadRetry bounds how a read (a :one or :many SELECT) is run again when the connection was lost\n"
         "// or could not be made, as during a failover: Attempts runs in all, waiting Backoff after the\n"
         "// first failure, doubled after each one up to MaxBackoff. Writes are never retried. The zero value\n"
         "// runs each read once.\n"
         "type ReadRetry struct {\n\tAttempts   int\n\tBackoff    time.Duration\n\tMaxBackoff time.Duration\n}\n\n"
         "// DefaultReadRetry is the policy New sets: 8 attempts, 100 ms doubling to 2 s (about 7.5 s of waiting).\n"
         "var DefaultReadRetry = ReadRetry{Attempts: 8, Backoff: 100 * time.Millisecond, MaxBackoff: 2 * time.Second}\n\n"
         "// WithReadRetry returns the queries with another retry policy for reads (ReadRetry{}: none).\n"
         "func (q *Queries) WithReadRetry(r ReadRetry) *Queries {\n\treturn &Queries{db: q.db, retry: r}\n}\n\n"
         "// connectionLost tells a lost or refused connection (worth another attempt on a fresh connection)\n"
         "// from an error of the query itself.\n"
         "func connectionLost(ctx context.Context, err error) bool {\n"
         "\tif err == nil || ctx.Err() != nil {\n\t\treturn false\n\t}\n"
         "\tvar pgErr *pgconn.PgError\n"
         "\tif errors.As(err, &pgErr) {\n"
         "\t\t// Class 08: connection exception; 57P01-57P03: the server is shutting down or starting.\n"
         "\t\treturn strings.HasPrefix(pgErr.Code, \"08\") || pgErr.Code == \"57P01\" || pgErr.Code == \"57P02\" ||\n"
         "\t\t\tpgErr.Code == \"57P03\"\n\t}\n"
         "\tvar connectErr *pgconn.ConnectError\n\tvar netErr net.Error\n"
         "\treturn errors.As(err, &connectErr) || errors.As(err, &netErr) || errors.Is(err, io.EOF) ||\n"
         "\t\terrors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, pgconn.ErrConnClosed) || pgconn.SafeToRetry(err)\n}\n\n"
         "// retryRead runs read under the policy r.\n"
         "func retryRead[T any](ctx context.Context, r ReadRetry, read func() (T, error)) (T, error) {\n"
         "\twait := r.Backoff\n"
         "\tfor attempt := 1; ; attempt++ {\n"
         "\t\tv, err := read()\n"
         "\t\tif attempt >= r.Attempts || !connectionLost(ctx, err) {\n\t\t\treturn v, err\n\t\t}\n"
         "\t\tselect {\n\t\tcase <-ctx.Done():\n\t\t\treturn v, err\n\t\tcase <-time.After(wait):\n\t\t}\n"
         "\t\tif wait *= 2; wait > r.MaxBackoff {\n\t\t\twait = r.MaxBackoff\n\t\t}\n"
         "\t}\n}\n";
}

std::string Generator::gen_db() {
  Imports im;
  im.add("context");
  std::string b;
  if (o_.driver == Driver::pgx) {
    im.add("github.com/jackc/pgx/v5");
    im.add("github.com/jackc/pgx/v5/pgconn");
    // Like sqlc, CopyFrom and SendBatch are required only when a query needs them, so a type
    // that lacks them (a custom wrapper) still satisfies DBTX otherwise.
    b += "// DBTX is what the queries run on: *pgx.Conn, *pgxpool.Pool or pgx.Tx.\n"
         "type DBTX interface {\n"
         "\tExec(context.Context, string, ...interface{}) (pgconn.CommandTag, error)\n"
         "\tQuery(context.Context, string, ...interface{}) (pgx.Rows, error)\n"
         "\tQueryRow(context.Context, string, ...interface{}) pgx.Row\n" +
         std::string(uses_copyfrom_ ? "\tCopyFrom(ctx context.Context, tableName pgx.Identifier, columnNames []string, "
                                      "rowSrc pgx.CopyFromSource) (int64, error)\n"
                                    : "") +
         std::string(uses_batch_ ? "\tSendBatch(context.Context, *pgx.Batch) pgx.BatchResults\n" : "") +
         "}\n\n"
         "// New returns the queries bound to db.\n"
         "func New(db DBTX) *Queries {\n\treturn &Queries{db: db}\n}\n\n"
         "// Newq is New under the name the original Flash ORM generated.\n"
         "func Newq(db DBTX) *Queries {\n\treturn New(db)\n}\n\n"
         "// Queries holds the generated query methods.\n"
         "type Queries struct {\n\tdb DBTX\n}\n\n"
         "// WithTx returns the queries bound to the transaction tx.\n"
         "func (q *Queries) WithTx(tx pgx.Tx) *Queries {\n\treturn &Queries{db: tx}\n}\n";
    if (o_.read_retry) b = read_retry_db(b, im);
  } else {
    im.add("database/sql");
    b += "// DBTX is what the queries run on: *sql.DB, *sql.Conn or *sql.Tx.\n"
         "type DBTX interface {\n"
         "\tExecContext(context.Context, string, ...interface{}) (sql.Result, error)\n"
         "\tPrepareContext(context.Context, string) (*sql.Stmt, error)\n"
         "\tQueryContext(context.Context, string, ...interface{}) (*sql.Rows, error)\n"
         "\tQueryRowContext(context.Context, string, ...interface{}) *sql.Row\n"
         "}\n\n"
         "// New returns the queries bound to db.\n"
         "func New(db DBTX) *Queries {\n\treturn &Queries{db: db}\n}\n\n"
         "// Newq is New under the name the original Flash ORM generated.\n"
         "func Newq(db DBTX) *Queries {\n\treturn New(db)\n}\n\n";
    if (!o_.prepare) {
      b += "// Queries holds the generated query methods.\n"
           "type Queries struct {\n\tdb DBTX\n}\n\n"
           "// WithTx returns the queries bound to the transaction tx.\n"
           "func (q *Queries) WithTx(tx *sql.Tx) *Queries {\n\treturn &Queries{db: tx}\n}\n";
    } else {
      im.add("fmt");
      std::string list;
      for (const auto& q : req_.queries->queries) {
        bool slice = std::any_of(q.params.begin(), q.params.end(), [](const query::Param& p) { return p.is_slice; });
        if (!slice && supported(q) && q.kind != query::Kind::copyfrom) list += "\t" + const_name(q.name) + ",\n";
      }
      b += "// Prepare prepares every query without a slice parameter once, on db, and returns queries\n"
           "// that run them through those statements. The statement map is filled here and only read\n"
           "// afterwards, and *sql.Stmt is safe for concurrent use, so the result may be shared by\n"
           "// goroutines. Close releases the statements.\n"
           "func Prepare(ctx context.Context, db DBTX) (*Queries, error) {\n"
           "\tq := &Queries{db: db, stmts: make(map[string]*sql.Stmt)}\n"
           "\tfor _, query := range preparedQueries {\n"
           "\t\tif _, ok := q.stmts[query]; ok {\n"
           "\t\t\tcontinue\n"
           "\t\t}\n"
           "\t\tstmt, err := db.PrepareContext(ctx, query)\n"
           "\t\tif err != nil {\n"
           "\t\t\t_ = q.Close()\n"
           "\t\t\treturn nil, fmt.Errorf(\"preparing query: %w\", err)\n"
           "\t\t}\n"
           "\t\tq.stmts[query] = stmt\n"
           "\t}\n"
           "\treturn q, nil\n"
           "}\n\n"
           "var preparedQueries = []string{\n" + list + "}\n\n"
           "// Close closes the prepared statements.\n"
           "func (q *Queries) Close() error {\n"
           "\tvar err error\n"
           "\tfor _, stmt := range q.stmts {\n"
           "\t\tif cerr := stmt.Close(); cerr != nil && err == nil {\n"
           "\t\t\terr = cerr\n"
           "\t\t}\n"
           "\t}\n"
           "\treturn err\n"
           "}\n\n"
           "func (q *Queries) stmt(ctx context.Context, query string) *sql.Stmt {\n"
           "\tstmt, ok := q.stmts[query]\n"
           "\tif !ok {\n"
           "\t\treturn nil\n"
           "\t}\n"
           "\tif q.tx != nil {\n"
           "\t\treturn q.tx.StmtContext(ctx, stmt)\n"
           "\t}\n"
           "\treturn stmt\n"
           "}\n\n"
           "func (q *Queries) exec(ctx context.Context, query string, args ...interface{}) (sql.Result, error) {\n"
           "\tif stmt := q.stmt(ctx, query); stmt != nil {\n"
           "\t\treturn stmt.ExecContext(ctx, args...)\n"
           "\t}\n"
           "\treturn q.db.ExecContext(ctx, query, args...)\n"
           "}\n\n"
           "func (q *Queries) query(ctx context.Context, query string, args ...interface{}) (*sql.Rows, error) {\n"
           "\tif stmt := q.stmt(ctx, query); stmt != nil {\n"
           "\t\treturn stmt.QueryContext(ctx, args...)\n"
           "\t}\n"
           "\treturn q.db.QueryContext(ctx, query, args...)\n"
           "}\n\n"
           "func (q *Queries) queryRow(ctx context.Context, query string, args ...interface{}) *sql.Row {\n"
           "\tif stmt := q.stmt(ctx, query); stmt != nil {\n"
           "\t\treturn stmt.QueryRowContext(ctx, args...)\n"
           "\t}\n"
           "\treturn q.db.QueryRowContext(ctx, query, args...)\n"
           "}\n\n"
           "// Queries holds the generated query methods.\n"
           "type Queries struct {\n"
           "\tdb    DBTX\n"
           "\ttx    *sql.Tx\n"
           "\tstmts map[string]*sql.Stmt\n"
           "}\n\n"
           "// WithTx returns the queries bound to the transaction tx; prepared statements are\n"
           "// re-bound to it (tx.StmtContext).\n"
           "func (q *Queries) WithTx(tx *sql.Tx) *Queries {\n"
           "\treturn &Queries{db: tx, tx: tx, stmts: q.stmts}\n"
           "}\n";
    }
  }
  return header("") + im.render() + b;
}

// ---------------------------------------------------------------------------------------------
// models.go

std::string Generator::gen_models() {
  Imports im;
  std::string structs;
  for (const auto& t : req_.schema->tables) {
    FieldNames names;
    std::vector<Field> fields;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      const auto& c = t.columns[i];
      fields.push_back({names.take(c.name, i), column_type(t, c, im), tag(o_, c.name)});
    }
    if (fields.empty()) continue;
    const std::string& go = model_by_table_[table_key(t)];
    structs += "\n// " + go + " is a row of " + (t.schema.empty() ? t.name : t.schema + "." + t.name) + ".\n";
    structs += render_struct(go, fields);
  }
  std::string enums;
  for (const auto& e : enums_) {
    im.add("fmt");
    std::vector<std::string> consts;
    std::set<std::string> used;
    for (std::size_t i = 0; i < e.values.size(); ++i) {
      std::string c = e.go + go_name(e.values[i]);
      if (c == e.go) c += "Value" + std::to_string(i + 1);
      std::string base = c;
      for (int k = 2; used.count(c); ++k) c = base + "_" + std::to_string(k);
      used.insert(c);
      consts.push_back(c);
    }
    std::size_t w = 0;
    for (const auto& c : consts) w = std::max(w, c.size());
    enums += "\n// " + e.go + " is an enum of the database.\ntype " + e.go + " string\n";
    if (!consts.empty()) {
      enums += "\nconst (\n";
      for (std::size_t i = 0; i < consts.size(); ++i) {
        std::string lit = "\"";
        for (char ch : e.values[i]) {
          if (ch == '"' || ch == '\\') lit += '\\';
          lit += ch;
        }
        lit += "\"";
        enums += "\t" + consts[i] + std::string(w - consts[i].size() + 1, ' ') + e.go + " = " + lit + "\n";
      }
      enums += ")\n";
    }
    enums += "\n// Scan implements sql.Scanner: the value may arrive as []byte or string.\n"
             "func (e *" + e.go + ") Scan(src interface{}) error {\n"
             "\tswitch s := src.(type) {\n"
             "\tcase []byte:\n"
             "\t\t*e = " + e.go + "(s)\n"
             "\tcase string:\n"
             "\t\t*e = " + e.go + "(s)\n"
             "\tdefault:\n"
             "\t\treturn fmt.Errorf(\"unsupported scan type for " + e.go + ": %T\", src)\n"
             "\t}\n"
             "\treturn nil\n"
             "}\n";
    enums += "\n// Valid reports whether e is one of the enum's values.\n"
             "func (e " + e.go + ") Valid() bool {\n";
    if (!consts.empty()) {
      enums += "\tswitch e {\n\tcase ";
      for (std::size_t i = 0; i < consts.size(); ++i)
        enums += consts[i] + (i + 1 < consts.size() ? ",\n\t\t" : ":\n");
      enums += "\t\treturn true\n\t}\n";
    }
    enums += "\treturn false\n}\n";
    enums += "\n// All" + e.go + "Values returns every value of " + e.go + ", in declaration order.\n"
             "func All" + e.go + "Values() []" + e.go + " {\n"
             "\treturn []" + e.go + "{";
    if (consts.empty()) {
      enums += "}\n}\n";
    } else {
      enums += "\n";
      for (const auto& c : consts) enums += "\t\t" + c + ",\n";
      enums += "\t}\n}\n";
    }
    if (o_.null_style == NullStyle::sql) {
      im.add("database/sql/driver");
      std::vector<Field> f = {{e.go, e.go, tag(o_, snake_name(e.go))}, {"Valid", "bool", tag(o_, "valid")}};
      enums += "\n// Null" + e.go + " is a " + e.go + " that may be NULL (Valid is false then).\n";
      enums += render_struct("Null" + e.go, f);
      enums += "\n// Scan implements sql.Scanner.\n"
               "func (ns *Null" + e.go + ") Scan(value interface{}) error {\n"
               "\tif value == nil {\n"
               "\t\tns." + e.go + ", ns.Valid = \"\", false\n"
               "\t\treturn nil\n"
               "\t}\n"
               "\tns.Valid = true\n"
               "\treturn ns." + e.go + ".Scan(value)\n"
               "}\n"
               "\n// Value implements driver.Valuer.\n"
               "func (ns Null" + e.go + ") Value() (driver.Value, error) {\n"
               "\tif !ns.Valid {\n"
               "\t\treturn nil, nil\n"
               "\t}\n"
               "\treturn string(ns." + e.go + "), nil\n"
               "}\n";
    }
  }
  std::string out = header("") + im.render();
  std::string body = enums + structs;
  if (!body.empty() && body[0] == '\n') body.erase(0, 1);
  if (body.empty() && !out.empty() && out.size() >= 2 && out.substr(out.size() - 2) == "\n\n") out.pop_back();
  return out + body;
}

// ---------------------------------------------------------------------------------------------
// <file>.sql.go

std::string Generator::gen_query_file(const std::string& file, const std::vector<const query::Query*>& qs) {
  Imports im;
  im.add("context");
  std::string body;
  for (const auto* q : qs) {
    std::string one;
    if (gen_query(*q, one, im)) body += (body.empty() ? "" : "\n") + one;
  }
  return header(file) + im.render() + body;
}

bool Generator::gen_query(const query::Query& q, std::string& out, Imports& im) {
  using query::Kind;
  if (!supported(q)) {
    if (q.kind == Kind::execlastid)
      error(&q, "gen.unsupported", "query " + q.name + ": :execlastid is not supported with pgx/v5",
            "PostgreSQL has no last insert id: add `RETURNING id` and use :one");
    else
      error(&q, "gen.unsupported",
            "query " + q.name + ": " + std::string(query::to_string(q.kind)) +
                " needs the pgx/v5 driver (batches are a pgx feature)",
            o_.dialect == Dialect::postgresql
                ? "set driver = \"pgx/v5\" in [gen.go], or use :exec/:one/:many in a loop inside a transaction"
                : "use :exec/:one/:many in a loop inside a transaction, or :copyfrom for bulk inserts");
    return false;
  }
  std::optional<CopyTarget> copy;
  if (q.kind == Kind::copyfrom) {
    copy = copy_target(q, o_.dialect, req_.schema.get(), resp_.diagnostics);
    if (!copy) return false;
  }
  if (is_batch(q.kind) && q.params.empty()) {
    error(&q, "gen.unsupported", "query " + q.name + ": a " + std::string(query::to_string(q.kind)) +
                                     " query needs at least one parameter (one statement is queued per value)",
          "use :exec, :one or :many");
    return false;
  }
  const bool pgx = o_.driver == Driver::pgx;
  const bool qmark = o_.dialect != Dialect::postgresql;
  const std::string fn = go_name(q.name);
  const std::string cn = const_name(q.name);
  const std::string sql = o_.dialect == Dialect::sqlite ? plain_placeholders(q.sql) : q.sql;

  // ---- parameters
  struct P {
    std::string field, type;
    bool slice = false;
    std::string expr;  // how the method body refers to it
  };
  std::vector<P> ps;
  FieldNames pnames;
  for (std::size_t i = 0; i < q.params.size(); ++i) {
    const auto& p = q.params[i];
    P x;
    x.field = pnames.take(p.name.empty() ? "param_" + std::to_string(i + 1) : p.name, i);
    x.slice = p.is_slice && qmark;
    if (x.slice) {
      query::ResolvedType elem = p.type;
      elem.array_dims = 0;
      x.type = "[]" + resolved_type(elem, false, im);
    } else {
      x.type = resolved_type(p.type, p.nullable, im);
    }
    ps.push_back(std::move(x));
  }
  std::string sig;  // after ctx
  std::string params_struct;
  if (ps.size() > 1) {
    std::vector<Field> fields;
    for (std::size_t i = 0; i < ps.size(); ++i) {
      fields.push_back({ps[i].field, ps[i].type, tag(o_, q.params[i].name.empty() ? ps[i].field : q.params[i].name)});
      ps[i].expr = "arg." + ps[i].field;
    }
    params_struct = render_struct(fn + "Params", fields);
    sig = ", arg " + fn + "Params";
  } else if (ps.size() == 1) {
    std::string local = safe_local(local_name(q.params[0].name.empty() ? "param" : q.params[0].name));
    ps[0].expr = local;
    sig = ", " + local + " " + ps[0].type;
  }

  // ---- result
  std::string ret;                  // T of :one / :many
  std::string row_struct;
  std::vector<std::string> scan;    // scan targets
  if (q.kind == Kind::one || q.kind == Kind::many || q.kind == Kind::batchone || q.kind == Kind::batchmany) {
    const schema::Table* table = q.returns_table.empty() ? nullptr : req_.schema->find_table(q.returns_table);
    if (table && table->columns.size() == q.columns.size() && model_by_table_.count(table_key(*table))) {
      ret = model_by_table_[table_key(*table)];
      for (const auto& c : table->columns) scan.push_back("&i." + model_fields_[table_key(*table)][c.name]);
    } else if (q.columns.size() == 1 && q.columns[0].embed_table.empty()) {
      ret = resolved_type(q.columns[0].type, q.columns[0].nullable, im);
      scan.push_back("&i");
    } else {
      ret = fn + "Row";
      FieldNames names;
      std::vector<Field> fields;
      for (std::size_t i = 0; i < q.columns.size(); ++i) {
        const auto& c = q.columns[i];
        if (!c.embed_table.empty() && model_by_table_.count(table_key(c.embed_table))) {
          const std::string& model = model_by_table_[table_key(c.embed_table)];
          std::string field;
          if (i == 0 || q.columns[i - 1].embed_table != c.embed_table) {
            field = names.take(model, i);
            fields.push_back({field, model, tag(o_, singular(c.embed_table))});
          } else {
            field = fields.back().name;
          }
          auto& mf = model_fields_[table_key(c.embed_table)];
          auto it = mf.find(c.name);
          scan.push_back("&i." + field + "." + (it != mf.end() ? it->second : go_name(c.name)));
          continue;
        }
        std::string field = names.take(c.name, i);
        fields.push_back({field, resolved_type(c.type, c.nullable, im), tag(o_, c.name)});
        scan.push_back("&i." + field);
      }
      row_struct = render_struct(ret, fields);
    }
  }

  auto scan_call = [&](const std::string& indent) {
    if (scan.size() == 1) return "Scan(" + scan[0] + ")";
    std::string s = "Scan(\n";
    for (const auto& t : scan) s += indent + "\t" + t + ",\n";
    return s + indent + ")";
  };
  if (q.kind == Kind::copyfrom || is_batch(q.kind)) {
    // ---- :copyfrom and the :batch kinds take a slice: of <Name>Params, or of the one parameter.
    if (ps.empty()) {
      error(&q, "gen.copyfrom", "query " + q.name + ": :copyfrom needs at least one parameter");
      return false;
    }
    std::string elem, arg_name;
    std::vector<std::string> item;  // per parameter: its value for one element `row`
    if (ps.size() > 1) {
      elem = fn + "Params";
      arg_name = "arg";
      for (const auto& p : ps) item.push_back("row." + p.field);
    } else {
      elem = ps[0].type;
      // The method's own locals must not be shadowed by the slice parameter.
      static const std::set<std::string> bulk_locals = {"batch", "br", "vals", "total", "chunk", "n",
                                                        "affected", "sb", "strconv"};
      arg_name = safe_local(local_name(q.params[0].name.empty() ? "param" : q.params[0].name));
      if (bulk_locals.count(arg_name)) arg_name += "_";
      item.push_back("row");
    }
    std::string s = "const " + cn + " = " +
                    raw_literal("-- name: " + q.name + " " + std::string(query::to_string(q.kind)) + "\n" + sql + "\n") +
                    "\n";
    if (!params_struct.empty()) s += "\n" + params_struct;
    if (!row_struct.empty()) s += "\n" + row_struct;
    std::string docs;
    for (const auto& c : q.comments) docs += util::trim(c).empty() ? "//\n" : "// " + std::string(util::trim(c)) + "\n";
    const std::string sig_bulk = "(ctx context.Context, " + arg_name + " []" + elem + ")";
    if (q.kind == Kind::copyfrom && pgx) {
      uses_copyfrom_ = true;
      const std::string it = "iteratorFor" + fn;
      s += "\n// " + it + " implements pgx.CopyFromSource.\n";
      s += render_struct(it, {{"rows", "[]" + elem, ""}, {"skippedFirstNextCall", "bool", ""}});
      s += "\nfunc (r *" + it + ") Next() bool {\n"
           "\tif len(r.rows) == 0 {\n\t\treturn false\n\t}\n"
           "\tif !r.skippedFirstNextCall {\n\t\tr.skippedFirstNextCall = true\n\t\treturn true\n\t}\n"
           "\tr.rows = r.rows[1:]\n\treturn len(r.rows) > 0\n}\n";
      s += "\nfunc (r " + it + ") Values() ([]interface{}, error) {\n\treturn []interface{}{\n";
      for (std::size_t c = 0; c < copy->columns.size(); ++c) {
        const std::string& v = item[copy->column_param[c]];
        s += "\t\tr.rows[0]" + (v == "row" ? std::string() : v.substr(3)) + ",\n";
      }
      s += "\t}, nil\n}\n";
      s += "\nfunc (r " + it + ") Err() error {\n\treturn nil\n}\n\n";
      s += docs.empty() ? "// " + fn + " inserts the rows with COPY FROM STDIN and returns how many were copied.\n" : docs;
      std::string table = "[]string{";
      if (!copy->schema.empty()) table += go_string(copy->schema) + ", ";
      table += go_string(copy->table) + "}";
      std::string cols = "[]string{";
      for (std::size_t c = 0; c < copy->columns.size(); ++c) cols += (c ? ", " : "") + go_string(copy->columns[c]);
      cols += "}";
      s += "func (q *Queries) " + fn + sig_bulk + " (int64, error) {\n";
      s += "\treturn q.db.CopyFrom(ctx, " + table + ", " + cols + ", &" + it + "{rows: " + arg_name + "})\n}\n";
    } else if (q.kind == Kind::copyfrom) {
      // database/sql: multi-row INSERTs under the engine's parameter limit, on q.db (so inside
      // the caller's transaction when q came from WithTx).
      const std::size_t ncols = copy->columns.size();
      const std::size_t chunk = copy_chunk_rows(*copy, o_.dialect);
      const std::string prefix = cn + "Insert";
      s += "\nconst " + prefix + " = " + go_string(copy_insert_prefix(*copy, o_.dialect)) + "\n\n";
      s += docs.empty() ? "// " + fn + " inserts the rows with multi-row INSERTs and returns how many were inserted.\n" : docs;
      s += "// At most " + std::to_string(chunk) + " rows (" + std::to_string(max_bind_params(o_.dialect)) +
           " parameters) go into one INSERT.\n";
      s += "func (q *Queries) " + fn + sig_bulk + " (int64, error) {\n";
      s += "\tconst chunk = " + std::to_string(chunk) + "\n\tvar total int64\n";
      s += "\tfor len(" + arg_name + ") > 0 {\n";
      s += "\t\tn := len(" + arg_name + ")\n\t\tif n > chunk {\n\t\t\tn = chunk\n\t\t}\n";
      if (qmark) {
        im.add("strings");
        std::string group = "(";
        for (std::size_t c = 0; c < ncols; ++c) group += c ? ", ?" : "?";
        group += ")";
        s += "\t\tquery := " + prefix + " + strings.Repeat(\", " + group + "\", n)[2:]\n";
      } else {
        im.add("strings");
        im.add("strconv");
        s += "\t\tvar sb strings.Builder\n\t\tsb.WriteString(" + prefix + ")\n";
        s += "\t\tfor i := 0; i < n; i++ {\n\t\t\tif i > 0 {\n\t\t\t\tsb.WriteString(\", \")\n\t\t\t}\n";
        for (std::size_t c = 0; c < ncols; ++c) {
          s += "\t\t\tsb.WriteString(\"" + std::string(c ? ", $" : "($") + "\")\n";
          s += "\t\t\tsb.WriteString(strconv.Itoa(i*" + std::to_string(ncols) + " + " + std::to_string(c + 1) + "))\n";
        }
        s += "\t\t\tsb.WriteString(\")\")\n\t\t}\n\t\tquery := sb.String()\n";
      }
      s += "\t\tqueryParams := make([]interface{}, 0, n*" + std::to_string(ncols) + ")\n";
      s += "\t\tfor _, row := range " + arg_name + "[:n] {\n\t\t\tqueryParams = append(queryParams";
      for (std::size_t c = 0; c < ncols; ++c) s += ", " + item[copy->column_param[c]];
      s += ")\n\t\t}\n";
      s += "\t\tresult, err := q.db.ExecContext(ctx, query, queryParams...)\n"
           "\t\tif err != nil {\n\t\t\treturn total, err\n\t\t}\n"
           "\t\taffected, err := result.RowsAffected()\n"
           "\t\tif err != nil {\n\t\t\treturn total, err\n\t\t}\n"
           "\t\ttotal += affected\n";
      s += "\t\t" + arg_name + " = " + arg_name + "[n:]\n\t}\n\treturn total, nil\n}\n";
    } else {
      // pgx batches: one queued statement per element, sent with SendBatch; the results type
      // reads them back through a callback (sqlc's API).
      uses_batch_ = true;
      im.add("github.com/jackc/pgx/v5");
      const std::string br = fn + "BatchResults";
      s += "\n// " + br + " reads the results of a " + fn + " batch; Close releases it.\n";
      s += render_struct(br, {{"br", "pgx.BatchResults", ""}, {"tot", "int", ""}, {"closed", "bool", ""}});
      s += "\n" + (docs.empty() ? "// " + fn + " queues the statement once per element of " + arg_name +
                                      " and sends them as one batch.\n"
                                : docs);
      s += "func (q *Queries) " + fn + sig_bulk + " *" + br + " {\n";
      s += "\tbatch := &pgx.Batch{}\n";
      s += "\tfor _, row := range " + arg_name + " {\n\t\tvals := []interface{}{\n";
      for (const auto& v : item) s += "\t\t\t" + v + ",\n";
      s += "\t\t}\n\t\tbatch.Queue(" + cn + ", vals...)\n\t}\n";
      s += "\tbr := q.db.SendBatch(ctx, batch)\n";
      s += "\treturn &" + br + "{br, len(" + arg_name + "), false}\n}\n";
      std::string scan_targets;
      for (std::size_t k = 0; k < scan.size(); ++k) scan_targets += (k ? ", " : "") + scan[k];
      if (q.kind == Kind::batchexec) {
        s += "\nfunc (b *" + br + ") Exec(f func(int, error)) {\n"
             "\tdefer b.br.Close()\n"
             "\tfor t := 0; t < b.tot; t++ {\n"
             "\t\tif b.closed {\n\t\t\tif f != nil {\n\t\t\t\tf(t, ErrBatchAlreadyClosed)\n\t\t\t}\n\t\t\tcontinue\n\t\t}\n"
             "\t\t_, err := b.br.Exec()\n"
             "\t\tif f != nil {\n\t\t\tf(t, err)\n\t\t}\n\t}\n}\n";
      } else if (q.kind == Kind::batchmany) {
        s += "\nfunc (b *" + br + ") Query(f func(int, []" + ret + ", error)) {\n"
             "\tdefer b.br.Close()\n"
             "\tfor t := 0; t < b.tot; t++ {\n"
             "\t\tvar items []" + ret + "\n"
             "\t\tif b.closed {\n\t\t\tif f != nil {\n\t\t\t\tf(t, items, ErrBatchAlreadyClosed)\n\t\t\t}\n\t\t\tcontinue\n\t\t}\n"
             "\t\terr := func() error {\n"
             "\t\t\trows, err := b.br.Query()\n"
             "\t\t\tif err != nil {\n\t\t\t\treturn err\n\t\t\t}\n"
             "\t\t\tdefer rows.Close()\n"
             "\t\t\tfor rows.Next() {\n"
             "\t\t\t\tvar i " + ret + "\n"
             "\t\t\t\tif err := rows." + scan_call("\t\t\t\t") + "; err != nil {\n\t\t\t\t\treturn err\n\t\t\t\t}\n"
             "\t\t\t\titems = append(items, i)\n"
             "\t\t\t}\n"
             "\t\t\treturn rows.Err()\n"
             "\t\t}()\n"
             "\t\tif f != nil {\n\t\t\tf(t, items, err)\n\t\t}\n\t}\n}\n";
      } else {
        s += "\nfunc (b *" + br + ") QueryRow(f func(int, " + ret + ", error)) {\n"
             "\tdefer b.br.Close()\n"
             "\tfor t := 0; t < b.tot; t++ {\n"
             "\t\tvar i " + ret + "\n"
             "\t\tif b.closed {\n\t\t\tif f != nil {\n\t\t\t\tf(t, i, ErrBatchAlreadyClosed)\n\t\t\t}\n\t\t\tcontinue\n\t\t}\n"
             "\t\trow := b.br.QueryRow()\n"
             "\t\terr := row." + scan_call("\t\t") + "\n"
             "\t\tif f != nil {\n\t\t\tf(t, i, err)\n\t\t}\n\t}\n}\n";
      }
      s += "\nfunc (b *" + br + ") Close() error {\n\tb.closed = true\n\treturn b.br.Close()\n}\n";
    }
    out = s;
    return true;
  }

  // ---- the call
  bool dynamic = std::any_of(ps.begin(), ps.end(), [](const P& p) { return p.slice; });
  std::vector<std::string> args;  // non-dynamic: argument expressions in binding order
  std::string prelude;            // dynamic: builds query and queryParams
  std::vector<int> order;
  if (qmark && !q.bind_order.empty()) {
    order = q.bind_order;
  } else {
    for (std::size_t i = 0; i < ps.size(); ++i) order.push_back(static_cast<int>(i));
  }
  if (dynamic) {
    im.add("strings");
    prelude += "\tquery := " + cn + "\n\tvar queryParams []interface{}\n";
    for (int idx : order) {
      if (idx < 0 || static_cast<std::size_t>(idx) >= ps.size()) continue;
      const P& p = ps[static_cast<std::size_t>(idx)];
      if (!p.slice) {
        prelude += "\tqueryParams = append(queryParams, " + p.expr + ")\n";
        continue;
      }
      const std::string marker = "\"/*SLICE:" + q.params[static_cast<std::size_t>(idx)].name + "*/?\"";
      prelude += "\tif len(" + p.expr + ") > 0 {\n"
                 "\t\tfor _, v := range " + p.expr + " {\n"
                 "\t\t\tqueryParams = append(queryParams, v)\n"
                 "\t\t}\n"
                 "\t\tquery = strings.Replace(query, " + marker + ", strings.Repeat(\",?\", len(" + p.expr + "))[1:], 1)\n"
                 "\t} else {\n"
                 "\t\tquery = strings.Replace(query, " + marker + ", \"NULL\", 1)\n"
                 "\t}\n";
    }
  } else {
    for (int idx : order)
      if (idx >= 0 && static_cast<std::size_t>(idx) < ps.size()) args.push_back(ps[static_cast<std::size_t>(idx)].expr);
  }
  auto call = [&](const char* what) {
    std::string f;
    const std::string w = what;
    if (pgx) f = "q.db." + std::string(w == "exec" ? "Exec" : w == "query" ? "Query" : "QueryRow");
    else if (o_.prepare) f = "q." + w;
    else f = "q.db." + std::string(w == "exec" ? "ExecContext" : w == "query" ? "QueryContext" : "QueryRowContext");
    if (dynamic) return f + "(ctx, query, queryParams...)";
    if (args.empty()) return f + "(ctx, " + cn + ")";
    if (args.size() == 1) return f + "(ctx, " + cn + ", " + args[0] + ")";
    std::string s = f + "(ctx, " + cn + ",\n";
    for (const auto& a : args) s += "\t\t" + a + ",\n";
    return s + "\t)";
  };

  // ---- emit
  std::string s = "const " + cn + " = " + raw_literal("-- name: " + q.name + " " + std::string(query::to_string(q.kind)) + "\n" + sql + "\n") + "\n";
  if (!params_struct.empty()) s += "\n" + params_struct;
  if (!row_struct.empty()) s += "\n" + row_struct;
  s += "\n";
  for (const auto& c : q.comments) s += util::trim(c).empty() ? "//\n" : "// " + std::string(util::trim(c)) + "\n";
  std::string result_sig;
  switch (q.kind) {
    case Kind::one: result_sig = "(" + ret + ", error)"; break;
    case Kind::many: result_sig = "([]" + ret + ", error)"; break;
    case Kind::exec: result_sig = "error"; break;
    case Kind::execrows:
    case Kind::execlastid: result_sig = "(int64, error)"; break;
    case Kind::execresult:
      if (pgx) { im.add("github.com/jackc/pgx/v5/pgconn"); result_sig = "(pgconn.CommandTag, error)"; }
      else { im.add("database/sql"); result_sig = "(sql.Result, error)"; }
      break;
    default: break;
  }
  s += "func (q *Queries) " + fn + "(ctx context.Context" + sig + ") " + result_sig + " {\n";
  const std::size_t body_at = s.size();
  s += prelude;
  switch (q.kind) {
    case Kind::one:
      s += "\trow := " + call("queryRow") + "\n";
      s += "\tvar i " + ret + "\n";
      s += "\terr := row." + scan_call("\t") + "\n";
      s += "\treturn i, err\n";
      break;
    case Kind::many:
      s += "\trows, err := " + call("query") + "\n";
      s += "\tif err != nil {\n\t\treturn nil, err\n\t}\n\tdefer rows.Close()\n";
      s += "\tvar items []" + ret + "\n";
      s += "\tfor rows.Next() {\n\t\tvar i " + ret + "\n";
      s += "\t\tif err := rows." + scan_call("\t\t") + "; err != nil {\n\t\t\treturn nil, err\n\t\t}\n";
      s += "\t\titems = append(items, i)\n\t}\n";
      if (!pgx) s += "\tif err := rows.Close(); err != nil {\n\t\treturn nil, err\n\t}\n";
      s += "\tif err := rows.Err(); err != nil {\n\t\treturn nil, err\n\t}\n\treturn items, nil\n";
      break;
    case Kind::exec:
      s += "\t_, err := " + call("exec") + "\n\treturn err\n";
      break;
    case Kind::execrows:
      s += "\tresult, err := " + call("exec") + "\n\tif err != nil {\n\t\treturn 0, err\n\t}\n";
      s += pgx ? "\treturn result.RowsAffected(), nil\n" : "\treturn result.RowsAffected()\n";
      break;
    case Kind::execresult:
      s += "\treturn " + call("exec") + "\n";
      break;
    case Kind::execlastid:
      s += "\tresult, err := " + call("exec") + "\n\tif err != nil {\n\t\treturn 0, err\n\t}\n";
      s += "\treturn result.LastInsertId()\n";
      break;
    default: break;
  }
  // read_retry: a SELECT's body runs inside retryRead (writes, RETURNING included, never do).
  if (o_.read_retry && pgx && (q.kind == Kind::one || q.kind == Kind::many) &&
      sql::leading_keyword(q.sql, Dialect::postgresql) == "SELECT") {
    std::string inner;
    for (const auto& line : util::split(s.substr(body_at), '\n'))
      if (!line.empty()) inner += "\t" + line + "\n";
    s.erase(body_at);
    s += "\treturn retryRead(ctx, q.retry, func() (" + std::string(q.kind == Kind::one ? ret : "[]" + ret) +
         ", error) {\n" + inner + "\t})\n";
  }
  s += "}\n";
  out = s;
  return true;
}

// ---------------------------------------------------------------------------------------------

Response Generator::run() {
  collect_schema_enums();
  for (const auto& t : req_.schema->tables) {
    Imports unused;
    for (const auto& c : t.columns) column_type(t, c, unused);  // registers inline enums
  }
  // Model names are package-level Go identifiers: a table name found in two schemas takes its
  // schema as a prefix (as sqlc names tables outside the default schema), and any name still
  // taken (by an enum, another model) a number.
  std::set<std::string> taken;
  for (const auto& e : enums_) taken.insert(e.go);
  std::map<std::string, int> seen;
  for (const auto& t : req_.schema->tables) ++seen[go_name(singular(t.name))];
  for (const auto& t : req_.schema->tables) {
    std::string base = go_name(singular(t.name));
    if (seen[base] > 1 && !t.schema.empty()) base = go_name(t.schema + "_" + singular(t.name));
    std::string name = base;
    for (int k = 2; taken.count(name); ++k) name = base + std::to_string(k);
    taken.insert(name);
    model_by_table_[table_key(t)] = name;
    FieldNames names;
    for (std::size_t i = 0; i < t.columns.size(); ++i)
      model_fields_[table_key(t)][t.columns[i].name] = names.take(t.columns[i].name, i);
  }
  // Query files in the order their first query appears (the analyser keeps file order).
  std::vector<std::string> files;
  std::map<std::string, std::vector<const query::Query*>> by_file;
  for (const auto& q : req_.queries->queries) {
    if (!by_file.count(q.file)) files.push_back(q.file);
    by_file[q.file].push_back(&q);
  }
  std::vector<File> query_files;
  std::set<std::string> names;
  for (const auto& f : files) {
    std::string base = std::filesystem::path(f).filename().string();
    if (base.empty()) base = "queries.sql";
    std::string name = base + ".go";
    for (int k = 2; names.count(name); ++k) name = base + "_" + std::to_string(k) + ".go";
    names.insert(name);
    query_files.push_back({name, gen_query_file(base, by_file[f])});
  }
  std::string models = gen_models();
  std::string db = gen_db();
  resp_.files.push_back({"db.go", db});
  resp_.files.push_back({"models.go", models});
  for (auto& f : query_files) resp_.files.push_back(std::move(f));
  if (uses_batch_) {
    resp_.files.push_back({"batch.go", header("") + "import \"errors\"\n\n"
                                       "// ErrBatchAlreadyClosed is passed to a batch callback for the results that remain "
                                       "after Close.\n"
                                       "var ErrBatchAlreadyClosed = errors.New(\"batch already closed\")\n"});
  }
  return std::move(resp_);
}

}  // namespace

Response generate(const Request& req) {
  Response bad;
  auto fail = [&](std::string code, std::string message, std::optional<std::string> hint = {}) {
    diag::Diagnostic d;
    d.code = std::move(code);
    d.message = std::move(message);
    d.hint = std::move(hint);
    d.location = req.settings.location;  // the [gen.go] table in flash.toml
    bad.diagnostics.push_back(std::move(d));
    return bad;
  };
  if (!req.schema || !req.queries) return fail("gen.internal", "the Go generator needs a schema and queries");
  Options o;
  o.dialect = req.queries->dialect;
  if (o.dialect == Dialect::mongodb)
    return fail("gen.unsupported", "the Go generator does not support MongoDB projects");
  const std::string driver = req.settings.driver.empty()
                                 ? (o.dialect == Dialect::postgresql ? "pgx/v5" : "database/sql")
                                 : req.settings.driver;
  if (driver == "pgx/v5" || driver == "pgx") {
    if (o.dialect != Dialect::postgresql)
      return fail("gen.driver", "driver `pgx/v5` only works with PostgreSQL",
                  "use driver = \"database/sql\" in [gen.go]");
    o.driver = Driver::pgx;
  } else if (driver == "database/sql") {
    o.driver = Driver::stdlib;
  } else {
    return fail("gen.driver", "unknown Go driver `" + driver + "`",
                diag::did_you_mean(driver, {"pgx/v5", "database/sql"}).value_or("drivers: pgx/v5, database/sql"));
  }
  auto setting = [&](const std::string& key) -> const config::SettingValue* {
    auto it = req.settings.settings.find(key);
    return it == req.settings.settings.end() ? nullptr : &it->second;
  };
  if (const auto* v = setting("null_style")) {
    const auto* s = std::get_if<std::string>(v);
    if (s && *s == "sql") o.null_style = NullStyle::sql;
    else if (!s || *s != "pointer")
      return fail("gen.setting", "gen.go.null_style must be \"pointer\" or \"sql\"");
  }
  if (const auto* v = setting("json_tags")) {
    const auto* b = std::get_if<bool>(v);
    if (!b) return fail("gen.setting", "gen.go.json_tags must be true or false");
    o.json_tags = *b;
  }
  if (const auto* v = setting("prepare")) {
    const auto* b = std::get_if<bool>(v);
    if (!b) return fail("gen.setting", "gen.go.prepare must be true or false");
    o.prepare = *b && o.driver == Driver::stdlib;
  }
  if (const auto* v = setting("read_retry")) {
    const auto* b = std::get_if<bool>(v);
    if (!b) return fail("gen.setting", "gen.go.read_retry must be true or false");
    if (*b && o.driver != Driver::pgx)
      return fail("gen.setting", "gen.go.read_retry needs driver = \"pgx/v5\"",
                  "the retry of reads after a failover is generated for pgx/v5 (PostgreSQL)");
    o.read_retry = *b;
  }
  std::string pkg = req.package_name;
  if (const auto* v = setting("package")) {
    const auto* s = std::get_if<std::string>(v);
    if (!s) return fail("gen.setting", "gen.go.package must be a string");
    pkg = *s;
  }
  if (pkg.empty()) pkg = std::filesystem::path(req.settings.out).lexically_normal().filename().string();
  std::string clean;
  for (char c : util::to_lower(pkg))
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') clean += c;
  if (clean.empty() || std::isdigit(static_cast<unsigned char>(clean[0])) || go_keywords().count(clean)) clean = "db";
  o.package = clean;
  Generator g(req, o);
  return g.run();
}

}  // namespace flash::codegen::go

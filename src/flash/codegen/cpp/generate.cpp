// The C++ generator: a header-only C++20 client, one function per query.
//
// Output (namespace = settings "package", else the last element of `out`, as a C++ identifier):
//   flash_pg.hpp | flash_mysql.hpp | flash_sqlite.hpp
//                  the runtime of the backend (cpp/runtime_*.cpp): flash::Error, the value types,
//                  flash::<backend>::Connection (prepared-statement cache), Params, Transaction
//                  (RAII: commit() explicit, rollback in the destructor) and, for libpq, Pipeline.
//   models.hpp     enum classes (flash_enum_text / flash_enum_parse) and one struct per table
//                  (singular PascalCase name, snake_case fields) with its decoder (flash_decode).
//   <file>.hpp     per query file: the SQL as constants, a <Name>Row struct unless the result is
//                  exactly a table's row, a <Name>Params struct for :copyfrom and multi-parameter
//                  :batch* queries, and one inline function per query taking the Connection first.
//   queries.hpp    includes every query header; prepare_all(db) prepares every statement now.
//
// Settings ([gen.cpp] in flash.toml):
//   driver   "libpq" (PostgreSQL), "mariadb" (MySQL/MariaDB: MariaDB Connector/C, also "mysql"),
//            "sqlite3" (SQLite). Default: the one of the dialect.
//   package  the C++ namespace.
//
// Type mapping (TypeCategory → C++; a nullable value is std::optional<T>):
//   boolean bool · int16/int32/int64 std::int16_t/std::int32_t/std::int64_t · float32 float ·
//   float64 double · decimal std::string (the exact text) · text, uuid, json, inet, bits, interval,
//   other std::string · bytes flash::Bytes (std::vector<std::byte>) · date flash::Date
//   (std::chrono::sys_days) · time flash::Time (std::chrono::microseconds since midnight) ·
//   timestamp flash::Timestamp (std::chrono::local_time<microseconds>) · timestamptz
//   flash::TimestampTz (std::chrono::sys_time<microseconds>, UTC) · enum an enum class.
//   PostgreSQL arrays are std::vector<T>; sqlc.slice parameters std::vector<T>.
// Kinds: :one std::optional<Row> (std::nullopt when there is no row) · :many std::vector<Row> ·
//   :exec void · :execrows std::int64_t (affected rows) · :execresult flash::ExecResult ·
//   :execlastid std::int64_t (MySQL/SQLite: the insert id; PostgreSQL: the first column RETURNING
//   gives) · :copyfrom std::int64_t rows (PostgreSQL COPY FROM STDIN; MySQL/SQLite multi-row
//   INSERTs of at most max_bind_params / columns rows) · :batchexec void, :batchone
//   std::vector<std::optional<Row>>, :batchmany std::vector<std::vector<Row>> over a list of
//   parameters (libpq: one pipeline; MySQL/SQLite: the prepared statement once per element).
// libpq only: every :one/:many/:exec* function also has an overload taking a flash::pg::Pipeline&
//   that queues the statement and returns a flash::pg::Pending<T> (read after Pipeline::sync(), or
//   flash::pg::sync_all over several connections' pipelines, or the non-blocking send()/process()).
// sqlc.embed(t) columns are flattened into the row struct.
#include "flash/codegen/cpp/cpp.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "flash/codegen/copyfrom.hpp"
#include "flash/codegen/python/python.hpp"
#include "flash/schema/printer.hpp"
#include "flash/schema/types.hpp"
#include "flash/util/text.hpp"

namespace flash::codegen::cpp {
namespace {

using schema::Dialect;
using schema::TypeCategory;

enum class Backend { pg, mysql, sqlite };

const std::set<std::string>& cpp_keywords() {
  static const std::set<std::string> k = {
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch",
      "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval", "constexpr",
      "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default", "delete",
      "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for",
      "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
      "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register", "reinterpret_cast",
      "requires", "return", "short", "signed", "sizeof", "static", "static_assert", "static_cast", "struct",
      "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef", "typeid", "typename",
      "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
      "flash", "std"};
  return k;
}

// Names a generated function's parameters must not take: its own locals.
const std::set<std::string>& reserved_locals() {
  static const std::set<std::string> k = {"db", "p", "pl", "rows", "items", "item", "sql", "out", "pending", "x"};
  return k;
}

// A C++ identifier from a name: `fallback` when nothing is left, `_` appended to keywords, and a
// leading digit (snake_name's "_1") kept valid.
std::string ident(std::string name, const std::string& fallback) {
  if (name.empty() || name == "_") name = fallback;
  if (cpp_keywords().count(name)) name += "_";
  return name;
}

std::string unique(std::string name, std::set<std::string>& used) {
  if (used.insert(name).second) return name;
  for (int i = 2;; ++i)
    if (used.insert(name + "_" + std::to_string(i)).second) return name + "_" + std::to_string(i);
}

// A raw string literal holding `s` (a delimiter that does not occur in it).
std::string raw_literal(const std::string& s) {
  std::string delim = "SQL";
  while (s.find(")" + delim + "\"") != std::string::npos) delim += "_";
  return "R\"" + delim + "(" + s + ")" + delim + "\"";
}

std::string cpp_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

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
  std::string sql_name, cpp_name, comment;
  std::vector<std::string> values, members;
};

struct Field {
  std::string name, type;
};

struct Ctx {
  const Request* req = nullptr;
  Dialect dialect = Dialect::postgresql;
  Backend be = Backend::pg;
  std::string ns;
  std::string rt;  // flash::pg / flash::mysql / flash::sqlite
  std::vector<EnumDef> enums;
  std::map<std::string, std::string> enum_by_sql;  // SQL enum name → C++ type
  std::map<std::string, std::string> models;       // table name → struct
  std::set<std::string> types;                     // every C++ type name of the namespace
  diag::Diagnostics* diags = nullptr;

  std::string enum_type(const query::ResolvedType& t) const {
    if (!t.enum_name.empty()) {
      auto it = enum_by_sql.find(t.enum_name);
      if (it != enum_by_sql.end()) return it->second;
    }
    const auto& values = t.enum_values.empty() ? t.sql.values : t.enum_values;
    for (const auto& e : enums)  // MySQL inline enums without a name: matched by their values
      if (!values.empty() && e.values == values) return e.cpp_name;
    return "";
  }

  std::string base_type(const query::ResolvedType& t) const {
    switch (t.category) {
      case TypeCategory::boolean: return "bool";
      case TypeCategory::int16: return "std::int16_t";
      case TypeCategory::int32: return "std::int32_t";
      case TypeCategory::int64: return "std::int64_t";
      case TypeCategory::float32: return "float";
      case TypeCategory::float64: return "double";
      case TypeCategory::bytes: return "flash::Bytes";
      case TypeCategory::date: return "flash::Date";
      case TypeCategory::time: return "flash::Time";
      case TypeCategory::timestamp: return "flash::Timestamp";
      case TypeCategory::timestamptz: return "flash::TimestampTz";
      case TypeCategory::enum_: {
        const std::string e = enum_type(t);
        return e.empty() ? "std::string" : e;
      }
      default: return "std::string";  // decimal (exact text), text, uuid, json, inet, bits, interval, other
    }
  }

  std::string type_of(const query::ResolvedType& t, bool nullable) const {
    std::string s = base_type(t);
    for (int i = 0; i < t.array_dims; ++i) s = "std::vector<" + s + ">";
    return nullable ? "std::optional<" + s + ">" : s;
  }
};

// Arguments are taken by value when they are cheap to copy.
std::string arg_type(const std::string& type, const Ctx& ctx) {
  static const std::set<std::string> by_value = {"bool",        "std::int16_t",     "std::int32_t",
                                                 "std::int64_t", "float",           "double",
                                                 "flash::Date", "flash::Time",      "flash::Timestamp",
                                                 "flash::TimestampTz"};
  if (by_value.count(type)) return type;
  for (const auto& e : ctx.enums)
    if (e.cpp_name == type) return type;
  return "const " + type + "&";
}

std::string header_comment(const Request& req) {
  std::string h = "// Code generated by flash";
  if (!req.flash_version.empty()) h += " " + req.flash_version;
  return h + " (C++ generator). DO NOT EDIT.\n";
}

// ---------------------------------------------------------------------------------------------
// models.hpp

std::string decoder(const std::string& type, const std::vector<Field>& fields) {
  std::string s = "template <class Row>\ninline void flash_decode(const Row& r, int c, " + type + "& out) {\n";
  if (fields.empty()) s += "  (void)r;\n  (void)c;\n  (void)out;\n";
  for (std::size_t i = 0; i < fields.size(); ++i)
    s += "  r.get(c + " + std::to_string(i) + ", out." + fields[i].name + ");\n";
  return s + "}\n";
}

std::string struct_text(const std::string& comment, const std::string& name, const std::vector<Field>& fields) {
  std::string s = "// " + comment + "\nstruct " + name + " {\n";
  for (const auto& f : fields) s += "  " + f.type + " " + f.name + "{};\n";
  s += "  friend bool operator==(const " + name + "&, const " + name + "&) = default;\n};\n";
  return s;
}

std::string models_file(const Ctx& ctx, const std::string& runtime_file) {
  const schema::Schema& s = *ctx.req->schema;
  std::string out = header_comment(*ctx.req) + "#pragma once\n\n#include \"" + runtime_file + "\"\n\nnamespace " +
                    ctx.ns + " {\n";
  for (const auto& e : ctx.enums) {
    out += "\n// " + e.comment + "\nenum class " + e.cpp_name + " {\n";
    for (const auto& m : e.members) out += "  " + m + ",\n";
    out += "};\n\ninline constexpr std::string_view flash_enum_text(" + e.cpp_name + " v) {\n  switch (v) {\n";
    for (std::size_t i = 0; i < e.values.size(); ++i)
      out += "    case " + e.cpp_name + "::" + e.members[i] + ": return " + cpp_string(e.values[i]) + ";\n";
    out += "  }\n  return {};\n}\n\ninline bool flash_enum_parse(std::string_view s, " + e.cpp_name + "& out) {\n";
    for (std::size_t i = 0; i < e.values.size(); ++i)
      out += "  if (s == " + cpp_string(e.values[i]) + ") {\n    out = " + e.cpp_name + "::" + e.members[i] +
             ";\n    return true;\n  }\n";
    out += "  return false;\n}\n";
  }
  for (const auto& t : s.tables) {
    const auto it = ctx.models.find(t.name);
    if (it == ctx.models.end()) continue;
    std::set<std::string> used;
    std::vector<Field> fields;
    for (const auto& c : t.columns)
      fields.push_back({unique(ident(snake_name(c.name), "column"), used), ctx.type_of(column_type(s, t, c), c.nullable)});
    out += "\n" + struct_text("A row of table " + schema::qualified(t.schema, t.name) + ".", it->second, fields);
    out += "\n" + decoder(it->second, fields);
  }
  return out + "\n}  // namespace " + ctx.ns + "\n";
}

// ---------------------------------------------------------------------------------------------
// Query headers

struct ParamInfo {
  const query::Param* p;
  std::string name, type;  // type: the value's C++ type (std::vector<T> for a slice)
};

class QueryWriter {
 public:
  explicit QueryWriter(Ctx& ctx) : ctx_(ctx) {}

  void add(const query::Query& q);

 private:
  struct ListFn {
    std::string pascal, fn, conn, k, row;
    std::vector<ParamInfo> params;
    std::optional<CopyTarget> target;
  };
  void add_list(const query::Query& q, const ListFn& f);

 public:
  std::string finish(const std::string& file_name) const {
    std::string s = header_comment(*ctx_.req) + "// Queries of " + file_name + ".\n#pragma once\n\n#include \"models.hpp\"\n\nnamespace " +
                    ctx_.ns + " {\n" + body_ + "\n}  // namespace " + ctx_.ns + "\n";
    return s;
  }

 private:
  void warn(const query::Query& q, std::string msg) {
    diag::Diagnostic d;
    d.severity = diag::Severity::warning;
    d.code = "codegen.unsupported";
    d.message = std::move(msg);
    d.location = q.loc;
    ctx_.diags->push_back(std::move(d));
  }

  // The row type of a query with columns (a model or a new <Name>Row).
  std::string row_type(const query::Query& q, const std::string& pascal) {
    bool embed = false;
    for (const auto& c : q.columns) embed = embed || !c.embed_table.empty();
    if (!q.returns_table.empty() && !embed) {
      auto it = ctx_.models.find(q.returns_table);
      if (it != ctx_.models.end()) return it->second;
    }
    const std::string name = unique(pascal + "Row", ctx_.types);
    std::set<std::string> used;
    std::vector<Field> fields;
    for (const auto& c : q.columns)
      fields.push_back({unique(ident(snake_name(c.name), "column"), used), ctx_.type_of(c.type, c.nullable)});
    body_ += "\n" + struct_text("A row of " + q.name + ".", name, fields) + "\n" + decoder(name, fields);
    return name;
  }

  // `p.add(...)` lines binding the parameters in placeholder order; `pre` prefixes each name
  // ("item." inside a loop over a list of Params structs).
  std::string bind_lines(const query::Query& q, const std::vector<ParamInfo>& params, const std::string& pre,
                         const std::string& indent) const {
    std::vector<const ParamInfo*> order;
    const auto by_number = [&](int n) -> const ParamInfo* {
      for (const auto& pi : params)
        if (pi.p->number == n) return &pi;
      return nullptr;
    };
    const auto by_index = [&](int idx) -> const ParamInfo* {
      if (idx < 0 || idx >= static_cast<int>(q.params.size())) return nullptr;
      for (const auto& pi : params)
        if (pi.p == &q.params[static_cast<std::size_t>(idx)]) return &pi;
      return nullptr;
    };
    if (ctx_.be == Backend::pg) {
      for (const auto& pi : params) order.push_back(&pi);  // number order: $1, $2, ...
    } else if (ctx_.be == Backend::sqlite) {
      // ?NNN → plain ?, bound per occurrence (the same rewrite as the Python sqlite3 client).
      const auto dsql = python::rewrite_sql(q.sql, ctx_.dialect, python::Driver::sqlite3);
      std::size_t next = 0;
      for (int n : dsql.order) {
        const ParamInfo* pi = nullptr;
        if (n > 0) pi = by_number(n);
        else if (!q.bind_order.empty()) pi = by_index(next < q.bind_order.size() ? q.bind_order[next++] : -1);
        else if (next < params.size()) pi = &params[next++];
        if (pi) order.push_back(pi);
      }
    } else if (!q.bind_order.empty()) {
      for (int idx : q.bind_order)
        if (const auto* pi = by_index(idx)) order.push_back(pi);
    } else {
      for (const auto& pi : params) order.push_back(&pi);
    }
    std::string s;
    for (const auto* pi : order) s += indent + "p.add(" + pre + pi->name + ");\n";
    return s;
  }

  std::string sql_text(const query::Query& q) const {
    if (ctx_.be == Backend::sqlite) return python::rewrite_sql(q.sql, ctx_.dialect, python::Driver::sqlite3).text;
    return q.sql;
  }

  Ctx& ctx_;
  std::string body_;
  std::set<std::string> fns_ = {"flash_decode", "flash_enum_text", "flash_enum_parse"};
  std::vector<std::string> statements_;  // the SQL constants a Connection prepares (not COPY's)

 public:
  const std::set<std::string>& functions() const { return fns_; }
  const std::vector<std::string>& statements() const { return statements_; }
};

void QueryWriter::add(const query::Query& q) {
  using query::Kind;
  const bool pg = ctx_.be == Backend::pg;
  const bool batch = q.kind == Kind::batchexec || q.kind == Kind::batchone || q.kind == Kind::batchmany;
  const bool copy = q.kind == Kind::copyfrom;
  if (batch && q.params.empty()) {
    warn(q, q.name + ": a :batch query needs parameters (one statement per element). Skipped");
    return;
  }
  if (q.kind == Kind::execlastid && pg && q.columns.empty()) {
    warn(q, q.name + ": PostgreSQL has no last-insert id; add RETURNING id to use :execlastid. Skipped");
    return;
  }
  std::optional<CopyTarget> target;
  if (copy) {
    target = copy_target(q, ctx_.dialect, ctx_.req->schema.get(), *ctx_.diags);
    if (!target) return;
  }
  const std::string pascal = ident(pascal_name(q.name), "Query");
  const std::string fn = unique(ident(snake_name(q.name), "query"), fns_);
  const std::string conn = ctx_.rt + "::Connection& db";

  // Parameters, in number order.
  std::vector<ParamInfo> params;
  {
    std::vector<const query::Param*> ordered;
    for (const auto& p : q.params) ordered.push_back(&p);
    std::stable_sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->number < b->number; });
    std::set<std::string> used;
    for (const auto* p : ordered) {
      std::string type = ctx_.type_of(p->type, p->nullable && !p->is_slice);
      if (p->is_slice && !type.starts_with("std::vector<")) type = "std::vector<" + type + ">";
      std::string name = ident(snake_name(p->name), "arg" + std::to_string(p->number));
      if (reserved_locals().count(name)) name += "_";
      params.push_back({p, unique(name, used), type});
    }
  }

  body_ += "\n";
  for (const auto& line : q.comments) body_ += "// " + line + "\n";
  if (q.comments.empty()) body_ += "// " + q.name + " (" + std::string(query::to_string(q.kind)) + ")\n";

  // The SQL constant(s).
  const std::string k = unique("k" + pascal, ctx_.types);
  std::string sql_ref = k;
  if (copy) {
    std::string prefix;
    if (pg) {
      prefix = "COPY ";
      if (!target->schema.empty()) prefix += schema::quote_ident_always(target->schema, ctx_.dialect) + ".";
      prefix += schema::quote_ident_always(target->table, ctx_.dialect) + " (";
      for (std::size_t i = 0; i < target->columns.size(); ++i)
        prefix += (i ? ", " : "") + schema::quote_ident_always(target->columns[i], ctx_.dialect);
      prefix += ") FROM STDIN";
      body_ += "inline constexpr const char* " + k + " = " + raw_literal(prefix) + ";\n";
    } else {
      body_ += "inline constexpr std::string_view " + k + " = " + raw_literal(copy_insert_prefix(*target, ctx_.dialect)) +
               ";\n";
    }
  } else if (pg) {
    body_ += "inline constexpr " + ctx_.rt + "::Statement " + k + "{" + cpp_string(ctx_.ns + "_" + fn) + ", " +
             raw_literal(sql_text(q)) + ", " + std::to_string(params.size()) + "};\n";
  } else {
    body_ += "inline constexpr std::string_view " + k + " = " + raw_literal(sql_text(q)) + ";\n";
  }

  if (!copy) statements_.push_back(k);
  const std::string row = q.columns.empty() || q.kind == Kind::execlastid ? "" : row_type(q, pascal);

  // :copyfrom and :batch* take a list: of <Name>Params (or of the one parameter's type).
  if (copy || batch) {
    add_list(q, {pascal, fn, conn, k, row, params, target});
    return;
  }

  // A plain query: the function, and for libpq its Pipeline overload.
  std::string result, call;
  switch (q.kind) {
    case Kind::one: result = "std::optional<" + row + ">"; call = "one<" + row + ">"; break;
    case Kind::many: result = "std::vector<" + row + ">"; call = "many<" + row + ">"; break;
    case Kind::exec: result = "void"; call = "exec"; break;
    case Kind::execrows: result = "std::int64_t"; call = "exec_rows"; break;
    case Kind::execresult: result = "flash::ExecResult"; call = "exec_result"; break;
    default: result = "std::int64_t"; call = "exec_lastid"; break;
  }
  std::string args;
  for (const auto& pi : params) args += ", " + arg_type(pi.type, ctx_) + " " + pi.name;
  std::string build = "  " + ctx_.rt + "::Params p(" + std::to_string(params.size()) + ");\n" + bind_lines(q, params, "", "  ");
  if (!pg) {
    std::vector<std::string> slices;
    for (const auto& pi : params)
      if (pi.p->is_slice)
        slices.push_back("flash::expand_slice(" + (slices.empty() ? k : std::string("sql")) + ", " +
                         cpp_string("/*SLICE:" + pi.p->name + "*/?") + ", " + pi.name + ".size())");
    if (!slices.empty()) {
      build = "  std::string sql = " + slices[0] + ";\n";
      for (std::size_t i = 1; i < slices.size(); ++i) build += "  sql = " + slices[i] + ";\n";
      build += "  " + ctx_.rt + "::Params p(" + std::to_string(params.size()) + ");\n" + bind_lines(q, params, "", "  ");
      sql_ref = "sql";
    }
  }
  const std::string ret = result == "void" ? "  " : "  return ";
  body_ += "inline " + result + " " + fn + "(" + conn + args + ") {\n" + build + ret + "db." + call + "(" + sql_ref + ", p);\n}\n";
  if (pg) {
    const std::string pending = result == "void" ? "void" : result;
    body_ += "inline " + ctx_.rt + "::Pending<" + pending + "> " + fn + "(" + ctx_.rt + "::Pipeline& pl" + args + ") {\n" +
             build + "  return pl." + call + "(" + k + ", p);\n}\n";
  }
}

// The function of a :copyfrom or :batch* query: over a list of <Name>Params (or of the one
// parameter's type when there is only one).
void QueryWriter::add_list(const query::Query& q, const ListFn& f) {
  using query::Kind;
  const bool pg = ctx_.be == Backend::pg;
  const bool copy = q.kind == Kind::copyfrom;
  const auto& [pascal, fn, conn, k, row, params, target] = f;
  std::string elem, pre = "item.";
  if (copy || params.size() > 1) {
    elem = unique(pascal + "Params", ctx_.types);
    std::vector<Field> fields;
    for (const auto& pi : params) fields.push_back({pi.name, pi.type});
    body_ += "\n" + struct_text("The parameters of one " + q.name + " element.", elem, fields);
  } else {
    elem = params[0].type;
    pre = "";
  }
  std::vector<ParamInfo> item_params = params;
  if (pre.empty()) item_params[0].name = "item";
  if (copy) {
    body_ += "\ninline std::int64_t " + fn + "(" + conn + ", const std::vector<" + elem + ">& rows) {\n";
    std::string adds;
    for (std::size_t idx : target->column_param) {
      for (const auto& pi : params)
        if (pi.p == &q.params[idx]) adds += "    w.add(item." + pi.name + ");\n";
    }
    if (pg) {
      body_ += "  return db.copy_in(" + k + ", rows, [](" + ctx_.rt + "::CopyRow& w, const " + elem + "& item) {\n" +
               adds + "  });\n}\n";
    } else {
      std::string group = "(";
      for (std::size_t i = 0; i < target->columns.size(); ++i) group += i ? ", ?" : "?";
      group += ")";
      body_ += "  return db.copy_rows(" + k + ", " + cpp_string(group) + ", " +
               std::to_string(copy_chunk_rows(*target, ctx_.dialect)) + ", rows, [](" + ctx_.rt + "::Params& w, const " +
               elem + "& item) {\n" + adds + "  });\n}\n";
    }
    return;
  }
  const std::string result = q.kind == Kind::batchexec  ? "void"
                             : q.kind == Kind::batchone ? "std::vector<std::optional<" + row + ">>"
                                                        : "std::vector<std::vector<" + row + ">>";
  body_ += "\n// Runs " + q.name + " once per element of items, in order" +
           (pg ? " (one libpq pipeline: a single round trip)" : "") + ".\n";
  body_ += "inline " + result + " " + fn + "(" + conn + ", const std::vector<" + elem + ">& items) {\n";
  const std::string call = q.kind == Kind::batchexec ? "exec" : q.kind == Kind::batchone ? "one<" + row + ">" : "many<" + row + ">";
  if (pg) {
    body_ += "  " + ctx_.rt + "::Pipeline pl(db);\n";
    const std::string pending_t = q.kind == Kind::batchexec  ? "void"
                                  : q.kind == Kind::batchone ? "std::optional<" + row + ">"
                                                             : "std::vector<" + row + ">";
    body_ += "  std::vector<" + ctx_.rt + "::Pending<" + pending_t + ">> pending;\n  pending.reserve(items.size());\n";
    body_ += "  for (const auto& item : items) {\n    " + ctx_.rt + "::Params p(" + std::to_string(params.size()) + ");\n";
    body_ += bind_lines(q, item_params, pre, "    ");
    body_ += "    pending.push_back(pl." + call + "(" + k + ", p));\n  }\n  pl.sync();\n";
    if (q.kind == Kind::batchexec) {
      body_ += "}\n";
    } else {
      body_ += "  " + result + " out;\n  out.reserve(pending.size());\n  for (const auto& x : pending) out.push_back(x.get());\n  return out;\n}\n";
    }
  } else {
    if (q.kind != Kind::batchexec) body_ += "  " + result + " out;\n  out.reserve(items.size());\n";
    body_ += "  for (const auto& item : items) {\n    " + ctx_.rt + "::Params p(" + std::to_string(params.size()) + ");\n";
    body_ += bind_lines(q, item_params, pre, "    ");
    if (q.kind == Kind::batchexec) body_ += "    db.exec(" + k + ", p);\n  }\n}\n";
    else body_ += "    out.push_back(db." + call + "(" + k + ", p));\n  }\n  return out;\n}\n";
  }
}

diag::Diagnostic setting_error(const Request& req, std::string msg, std::string hint) {
  diag::Diagnostic d;
  d.location = req.settings.location;
  d.code = "codegen.setting";
  d.message = std::move(msg);
  d.hint = std::move(hint);
  return d;
}

// The enum member for a value: snake_case, valid and unique.
std::string enum_member(const std::string& value, std::set<std::string>& used) {
  std::string m = snake_name(value);
  if (m.empty()) m = "value";
  if (m[0] == '_') m = "v" + m;
  return unique(ident(m, "value"), used);
}

}  // namespace

Response generate(const Request& req) {
  Response resp;
  if (!req.schema || !req.queries) {
    resp.diagnostics.push_back(setting_error(req, "the C++ generator needs a schema and analysed queries", ""));
    return resp;
  }
  Ctx ctx;
  ctx.req = &req;
  ctx.dialect = req.queries->dialect;
  ctx.diags = &resp.diagnostics;
  const std::string valid = "libpq (PostgreSQL), mariadb (MySQL/MariaDB), sqlite3 (SQLite)";
  std::optional<Backend> wanted;
  const std::string drv = util::to_lower(req.settings.driver);
  if (drv == "libpq") wanted = Backend::pg;
  else if (drv == "mariadb" || drv == "libmariadb" || drv == "mysql") wanted = Backend::mysql;
  else if (drv == "sqlite3" || drv == "sqlite") wanted = Backend::sqlite;
  else if (!drv.empty()) {
    resp.diagnostics.push_back(setting_error(req, "unknown C++ driver `" + req.settings.driver + "` in [gen.cpp]", "drivers: " + valid));
    return resp;
  }
  Backend be;
  switch (ctx.dialect) {
    case Dialect::postgresql: be = Backend::pg; break;
    case Dialect::mysql: be = Backend::mysql; break;
    case Dialect::sqlite: be = Backend::sqlite; break;
    default:
      resp.diagnostics.push_back(setting_error(req, "the C++ generator does not support " +
                                                        std::string(schema::to_string(ctx.dialect)), "drivers: " + valid));
      return resp;
  }
  if (wanted && *wanted != be) {
    resp.diagnostics.push_back(setting_error(req, "the C++ driver `" + req.settings.driver + "` does not work with " +
                                                      std::string(schema::to_string(ctx.dialect)), "drivers: " + valid));
    return resp;
  }
  ctx.be = be;
  ctx.rt = be == Backend::pg ? "flash::pg" : be == Backend::mysql ? "flash::mysql" : "flash::sqlite";
  const std::string runtime_file = be == Backend::pg ? "flash_pg.hpp" : be == Backend::mysql ? "flash_mysql.hpp" : "flash_sqlite.hpp";
  ctx.ns = ident(snake_name(req.package_name), "db");

  // Enums: the schema's, MySQL inline ones (<table>_<column>), then any only queries mention.
  const schema::Schema& s = *req.schema;
  const auto add_enum = [&](const std::string& name, const std::vector<std::string>& values, std::string comment) {
    if (name.empty() || ctx.enum_by_sql.count(name)) return;
    EnumDef e{name, unique(ident(pascal_name(name), "Enum"), ctx.types), std::move(comment), values, {}};
    std::set<std::string> used;
    for (const auto& v : values) e.members.push_back(enum_member(v, used));
    ctx.enum_by_sql[name] = e.cpp_name;
    ctx.enums.push_back(std::move(e));
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
    if (ctx.models.count(t.name)) continue;
    std::string name = ident(pascal_name(singular(t.name)), "Table");
    if (ctx.types.count(name) && !t.schema.empty()) name = ident(pascal_name(t.schema + "_" + singular(t.name)), "Table");
    ctx.models[t.name] = unique(name, ctx.types);
  }

  // One header per query file, named after it.
  std::vector<std::string> files;
  for (const auto& q : req.queries->queries)
    if (std::find(files.begin(), files.end(), q.file) == files.end()) files.push_back(q.file);
  std::sort(files.begin(), files.end());
  std::set<std::string> names = {"models", "queries", "flash_pg", "flash_mysql", "flash_sqlite"};
  std::vector<File> query_files;
  std::set<std::string> functions;
  std::vector<std::string> statements;
  for (const auto& f : files) {
    std::string stem = snake_name(std::filesystem::path(f).stem().string());
    if (stem.empty()) stem = "queries";
    if (names.count(stem)) stem += "_queries";
    stem = unique(stem, names);
    QueryWriter w(ctx);
    for (const auto& q : req.queries->queries)
      if (q.file == f) w.add(q);
    functions.insert(w.functions().begin(), w.functions().end());
    statements.insert(statements.end(), w.statements().begin(), w.statements().end());
    query_files.push_back({stem + ".hpp", w.finish(std::filesystem::path(f).filename().string())});
  }

  std::string runtime = header_comment(req) + "// The " +
                        std::string(be == Backend::pg ? "libpq" : be == Backend::mysql ? "MariaDB Connector/C" : "SQLite") +
                        " runtime of the generated client (C++20).\n#pragma once\n\n";
  runtime += runtime_common();
  runtime += be == Backend::pg ? runtime_pg() : be == Backend::mysql ? runtime_mysql() : runtime_sqlite();
  std::string all = header_comment(req) + "// Every query of the client (namespace " + ctx.ns + ").\n#pragma once\n\n";
  for (const auto& f : query_files) all += "#include \"" + f.path + "\"\n";
  if (query_files.empty()) all += "#include \"models.hpp\"\n";
  all += "\nnamespace " + ctx.ns + " {\n\n// Prepares the statement of every query on db now (each is otherwise prepared on its first use\n"
         "// on a connection), e.g. for each connection of a pool before it serves requests.\ninline void " +
         unique("prepare_all", functions) + "(" + ctx.rt + "::Connection& " + (statements.empty() ? "" : "db") + ") {\n";
  for (const auto& k : statements) all += "  db.prepare(" + k + ");\n";
  all += "}\n\n}  // namespace " + ctx.ns + "\n";

  resp.files.push_back({runtime_file, runtime});
  resp.files.push_back({"models.hpp", models_file(ctx, runtime_file)});
  for (auto& f : query_files) resp.files.push_back(std::move(f));
  resp.files.push_back({"queries.hpp", all});
  return resp;
}

}  // namespace flash::codegen::cpp

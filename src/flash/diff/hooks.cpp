#include "flash/diff/hooks.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include "flash/schema/printer.hpp"
#include "flash/schema/types.hpp"
#include "flash/sql/lexer.hpp"
#include "flash/util/text.hpp"

namespace flash::diff {

using schema::Dialect;

// The one table of dialects the differ knows. MongoDB has no DDL to diff.
const DialectHooks& hooks_for(Dialect d) {
  switch (d) {
    case Dialect::postgresql: return postgres_hooks();
    case Dialect::mysql: return mysql_hooks();
    case Dialect::sqlite: return sqlite_hooks();
    case Dialect::mongodb: break;
  }
  throw diag::Error("diff.unsupported-dialect",
                    "schema diffs are not available for " + std::string(schema::to_string(d)));
}

// ---- helpers ----------------------------------------------------------------------------------

std::string DialectHooks::q(std::string_view ident) const { return schema::quote_ident(ident, dialect()); }
// PostgreSQL resolves an unqualified name in pg_catalog before the search path: `DROP VIEW
// pg_available_extensions` would drop the system view, not the public one the schema files made
// (hatchet's pg-stubs; found by the proof of the Down). Such names are written `public.`-qualified.
static std::string_view statement_schema(std::string_view s, std::string_view n, schema::Dialect d) {
  if (s.empty() && d == schema::Dialect::postgresql && util::starts_with_ci(n, "pg_")) return "public";
  return s;
}
std::string DialectHooks::qt(const schema::Table& t) const {
  return schema::quote_qualified(statement_schema(t.schema, t.name, dialect()), t.name, dialect());
}
std::string DialectHooks::qn(std::string_view s, std::string_view n) const {
  return schema::quote_qualified(statement_schema(s, n, dialect()), n, dialect());
}
std::string DialectHooks::column_list(const std::vector<std::string>& cols) const {
  std::string out;
  for (const auto& c : cols) {
    if (!out.empty()) out += ", ";
    out += q(c);
  }
  return out;
}

// ---- default (standard SQL / PostgreSQL-like) renderings -------------------------------------

std::vector<std::string> DialectHooks::create_schema(const std::string& name) const {
  return {"CREATE SCHEMA " + q(name)};
}
std::vector<std::string> DialectHooks::drop_schema(const std::string& name) const {
  return {"DROP SCHEMA " + q(name)};
}
std::vector<std::string> DialectHooks::create_extension(const schema::Extension& e) const {
  std::string s = "CREATE EXTENSION IF NOT EXISTS " + q(e.name);
  if (!e.schema.empty()) s += " WITH SCHEMA " + q(e.schema);
  return {s};
}
std::vector<std::string> DialectHooks::drop_extension(const schema::Extension& e) const {
  return {"DROP EXTENSION IF EXISTS " + q(e.name)};
}

// A migration creates exactly what it says: IF NOT EXISTS as written in a schema file would hide
// a conflicting table.
std::vector<std::string> DialectHooks::create_table(const schema::Table& t, const schema::Schema& ctx) const {
  schema::Table c = t;
  c.if_not_exists = false;
  std::vector<std::string> out = {schema::print_create_table(c, dialect(), &ctx)};
  for (auto& st : schema::print_unique_after_table(c, dialect())) out.push_back(std::move(st));
  return out;
}
std::string DialectHooks::drop_table(const schema::Table& t) const { return "DROP TABLE " + qt(t); }
std::string DialectHooks::rename_table(const schema::Table& t, const std::string& from,
                                       const std::string& to) const {
  return "ALTER TABLE " + qn(t.schema, from) + " RENAME TO " + q(to);
}

// The copy-and-swap rebuild of https://www.sqlite.org/lang_altertable.html section 7. The
// executor turns foreign_keys off around the transaction (Operation kind rebuild_table); the
// final foreign_key_check makes a broken reference fail the migration instead of passing
// silently.
std::vector<std::string> DialectHooks::rebuild_table(const RebuildSpec& spec) const {
  const schema::Table& to = *spec.to_table;
  schema::Table tmp = to;
  tmp.name = "new_" + to.name;
  tmp.if_not_exists = false;
  std::vector<std::string> out;
  out.push_back(schema::print_create_table(tmp, dialect(), spec.ctx));
  if (!spec.common_columns.empty()) {
    const std::string cols = column_list(spec.common_columns);
    out.push_back("INSERT INTO " + qn(to.schema, tmp.name) + " (" + cols + ") SELECT " + cols +
                  " FROM " + qt(to));
  }
  out.push_back("DROP TABLE " + qt(to));
  out.push_back("ALTER TABLE " + qn(to.schema, tmp.name) + " RENAME TO " + q(to.name));
  for (const auto* i : spec.indexes) out.push_back(create_index(*i));
  for (const auto* r : spec.triggers) out.push_back(r->sql);
  out.push_back("PRAGMA foreign_key_check");
  return out;
}

std::vector<std::string> DialectHooks::add_column(const schema::Table& t, const schema::Column& c) const {
  return {"ALTER TABLE " + qt(t) + " ADD COLUMN " + schema::print_column_definition(c, dialect())};
}
std::string DialectHooks::drop_column(const schema::Table& t, const schema::Column& c) const {
  return "ALTER TABLE " + qt(t) + " DROP COLUMN " + q(c.name);
}
std::string DialectHooks::rename_column(const schema::Table& t, const std::string& from,
                                        const std::string& to) const {
  return "ALTER TABLE " + qt(t) + " RENAME COLUMN " + q(from) + " TO " + q(to);
}

std::string DialectHooks::add_primary_key(const schema::Table& t, const schema::PrimaryKey& pk) const {
  std::string s = "ALTER TABLE " + qt(t) + " ADD ";
  if (!pk.name.empty()) s += "CONSTRAINT " + q(pk.name) + " ";
  return s + "PRIMARY KEY (" + column_list(pk.columns) + ")";
}
std::string DialectHooks::drop_primary_key(const schema::Table& t, const schema::PrimaryKey& pk) const {
  return "ALTER TABLE " + qt(t) + " DROP CONSTRAINT " + q(pk.name.empty() ? t.name + "_pkey" : pk.name);
}
std::string DialectHooks::add_unique(const schema::Table& t, const schema::UniqueConstraint& u) const {
  std::string s = "ALTER TABLE " + qt(t) + " ADD ";
  if (!u.name.empty()) s += "CONSTRAINT " + q(u.name) + " ";
  s += "UNIQUE ";
  if (u.nulls_not_distinct) s += "NULLS NOT DISTINCT ";
  return s + "(" + column_list(u.columns) + ")";
}
std::string DialectHooks::drop_unique(const schema::Table& t, const schema::UniqueConstraint& u) const {
  return "ALTER TABLE " + qt(t) + " DROP CONSTRAINT " + q(u.name.empty() ? default_unique_name(t, u) : u.name);
}
std::string DialectHooks::add_foreign_key(const schema::Table& t, const schema::ForeignKey& fk) const {
  return "ALTER TABLE " + qt(t) + " ADD " + schema::print_foreign_key(fk, dialect());
}
std::string DialectHooks::drop_foreign_key(const schema::Table& t, const schema::ForeignKey& fk) const {
  return "ALTER TABLE " + qt(t) + " DROP CONSTRAINT " + q(fk.name.empty() ? default_fk_name(t, fk) : fk.name);
}
std::string DialectHooks::add_check(const schema::Table& t, const schema::CheckConstraint& c) const {
  std::string s = "ALTER TABLE " + qt(t) + " ADD ";
  if (!c.name.empty()) s += "CONSTRAINT " + q(c.name) + " ";
  s += "CHECK (" + c.expr + ")";
  if (c.no_inherit) s += " NO INHERIT";
  return s;
}
std::string DialectHooks::drop_check(const schema::Table& t, const schema::CheckConstraint& c) const {
  return "ALTER TABLE " + qt(t) + " DROP CONSTRAINT " + q(c.name.empty() ? default_check_name(t, c) : c.name);
}

// PostgreSQL's ChooseConstraintName conventions: <table>_<columns>_key / _fkey, <table>_<first
// column of the expression>_check.
std::string DialectHooks::default_unique_name(const schema::Table& t, const schema::UniqueConstraint& u) const {
  return t.name + "_" + util::join(u.columns, "_") + "_key";
}
std::string DialectHooks::default_fk_name(const schema::Table& t, const schema::ForeignKey& fk) const {
  return t.name + "_" + util::join(fk.columns, "_") + "_fkey";
}
std::string DialectHooks::default_check_name(const schema::Table& t, const schema::CheckConstraint& c) const {
  const std::string col = detail::first_column_in(c.expr, t, dialect());
  return col.empty() ? t.name + "_check" : t.name + "_" + col + "_check";
}

std::string DialectHooks::create_index(const schema::Index& i) const {
  return schema::print_create_index(i, dialect());
}
std::string DialectHooks::drop_index(const schema::Index& i) const { return "DROP INDEX " + qn(i.schema, i.name); }
std::string DialectHooks::create_view(const schema::View& v) const { return schema::print_create_view(v, dialect()); }
std::optional<std::string> DialectHooks::replace_view(const schema::View&, const schema::View&) const {
  return std::nullopt;
}
std::string DialectHooks::drop_view(const schema::View& v) const {
  return std::string(v.materialized ? "DROP MATERIALIZED VIEW " : "DROP VIEW ") + qn(v.schema, v.name);
}
std::vector<std::string> DialectHooks::create_enum(const schema::EnumType& e) const {
  return {schema::print_create_enum(e)};
}
std::vector<std::string> DialectHooks::drop_enum(const schema::EnumType& e) const {
  return {"DROP TYPE " + qn(e.schema, e.name)};
}
std::string DialectHooks::add_enum_value(const schema::EnumType& e, const std::string& value,
                                         const std::string& before, const std::string& after) const {
  std::string s = "ALTER TYPE " + qn(e.schema, e.name) + " ADD VALUE " + schema::quote_string(value);
  if (!before.empty()) s += " BEFORE " + schema::quote_string(before);
  else if (!after.empty()) s += " AFTER " + schema::quote_string(after);
  return s;
}

// Create the replacement type under a temporary name, move every column over through text,
// drop the old type and give the new one its name. Column defaults that mention the old type
// must be dropped first and restored afterwards, or the conversion fails.
std::vector<std::string> DialectHooks::rebuild_enum(const schema::EnumType& from, const schema::EnumType& to,
                                                    const std::vector<EnumUser>& users) const {
  schema::EnumType tmp = to;
  tmp.name = to.name + "_new";
  std::vector<std::string> out = create_enum(tmp);
  const std::string new_type = qn(tmp.schema, tmp.name);
  for (const auto& u : users) {
    const auto& c = *u.column;
    const std::string alter = "ALTER TABLE " + qt(*u.table) + " ALTER COLUMN " + q(c.name);
    std::string brackets;
    for (int i = 0; i < c.type.array_dims; ++i) brackets += "[]";
    if (c.default_expr) out.push_back(alter + " DROP DEFAULT");
    out.push_back(alter + " TYPE " + new_type + brackets + " USING " + q(c.name) + "::text" + brackets +
                  "::" + new_type + brackets);
  }
  out.push_back("DROP TYPE " + qn(from.schema, from.name));
  out.push_back("ALTER TYPE " + new_type + " RENAME TO " + q(to.name));
  for (const auto& u : users)
    if (u.column->default_expr)
      out.push_back("ALTER TABLE " + qt(*u.table) + " ALTER COLUMN " + q(u.column->name) + " SET DEFAULT " +
                    *u.column->default_expr);
  return out;
}

std::string DialectHooks::create_sequence(const schema::Sequence& s) const {
  return schema::print_create_sequence(s);
}
std::string DialectHooks::drop_sequence(const schema::Sequence& s) const { return "DROP SEQUENCE " + qn(s.schema, s.name); }
std::string DialectHooks::sequence_owner(const schema::Sequence& s) const { return schema::print_sequence_owner(s); }

std::optional<std::string> DialectHooks::alter_sequence(const schema::Sequence& a, const schema::Sequence& b) const {
  std::vector<std::string> c;
  if (a.type != b.type) c.push_back("AS " + (b.type.empty() ? std::string("bigint") : b.type));
  if (a.increment_value() != b.increment_value()) c.push_back("INCREMENT BY " + std::to_string(b.increment_value()));
  // NO MINVALUE / NO MAXVALUE let the server recompute the default for the new type and direction.
  if (a.min_effective() != b.min_effective() || a.min_value != b.min_value)
    c.push_back(b.min_value ? "MINVALUE " + std::to_string(*b.min_value) : "NO MINVALUE");
  if (a.max_effective() != b.max_effective() || a.max_value != b.max_value)
    c.push_back(b.max_value ? "MAXVALUE " + std::to_string(*b.max_value) : "NO MAXVALUE");
  if (a.start_effective() != b.start_effective()) c.push_back("START WITH " + std::to_string(b.start_effective()));
  if (a.cache.value_or(1) != b.cache.value_or(1)) c.push_back("CACHE " + std::to_string(b.cache.value_or(1)));
  if (a.cycle != b.cycle) c.push_back(b.cycle ? "CYCLE" : "NO CYCLE");
  if (c.empty()) return std::nullopt;
  return "ALTER SEQUENCE " + qn(b.schema, b.name) + " " + util::join(c, " ");
}

std::string DialectHooks::create_domain(const schema::Domain& d) const { return schema::print_create_domain(d); }
std::string DialectHooks::drop_domain(const schema::Domain& d) const { return "DROP DOMAIN " + qn(d.schema, d.name); }

std::vector<std::string> DialectHooks::alter_domain(const schema::Domain& a, const schema::Domain& b) const {
  const std::string alter = "ALTER DOMAIN " + qn(b.schema, b.name);
  std::vector<std::string> out;
  auto check_name = [&](const schema::CheckConstraint& c) { return c.name.empty() ? b.name + "_check" : c.name; };
  auto same = [&](const schema::CheckConstraint& x, const schema::CheckConstraint& y) {
    return check_name(x) == check_name(y) && x.expr == y.expr;
  };
  for (const auto& c : a.checks)
    if (std::none_of(b.checks.begin(), b.checks.end(), [&](const auto& x) { return same(c, x); }))
      out.push_back(alter + " DROP CONSTRAINT " + q(check_name(c)));
  if (a.default_expr != b.default_expr)
    out.push_back(b.default_expr ? alter + " SET DEFAULT " + *b.default_expr : alter + " DROP DEFAULT");
  if (a.nullable != b.nullable) out.push_back(alter + (b.nullable ? " DROP NOT NULL" : " SET NOT NULL"));
  for (const auto& c : b.checks)
    if (std::none_of(a.checks.begin(), a.checks.end(), [&](const auto& x) { return same(c, x); })) {
      schema::CheckConstraint named = c;
      named.name = check_name(c);
      out.push_back(alter + " ADD " + schema::print_check(named, dialect()));
    }
  return out;
}

// Undo statements for the raw statements whose kind and name say what they created. Anything
// else (grants, DO blocks, policies without a table ...) has no derivable reversal.
std::optional<std::string> DialectHooks::raw_down(const schema::RawStatement& r) const {
  if (r.name.empty()) return std::nullopt;
  const std::string kind = util::to_lower(r.kind);
  if (kind == "function" || kind == "procedure" || kind == "trigger" || kind == "sequence" ||
      kind == "domain" || kind == "type" || kind == "view" || kind == "index")
    return "DROP " + util::to_upper(kind) + " IF EXISTS " + q(r.name);
  // SQLite: DROP TABLE drops a virtual table and its shadow tables.
  if (kind == "virtual table") return "DROP TABLE IF EXISTS " + q(r.name);
  return std::nullopt;
}

// ---- detail -----------------------------------------------------------------------------------

namespace detail {
namespace {
// The tokens' `raw` views dangle once this returns: callers read only `text`, `offset`, `kind`
// and `raw.size()`, never the bytes of `raw` (Token::is() reads them: do not call it here).
std::vector<sql::Token> tokens(std::string_view text, Dialect d) {
  diag::Diagnostics ignored;
  return sql::lex(sql::SourceFile{"", std::string(text)}, d, ignored);
}
bool is_name(const sql::Token& t) {
  return t.kind == sql::TokenKind::identifier || t.kind == sql::TokenKind::quoted_ident;
}
}  // namespace

bool mentions(std::string_view text, std::string_view ident, Dialect d) {
  for (const auto& t : tokens(text, d))
    if (is_name(t) && util::iequals(t.text, ident)) return true;
  return false;
}

std::string replace_ident(std::string_view text, std::string_view from, std::string_view to, Dialect d) {
  return sql::replace_identifier(text, from, to, d);
}

std::string first_column_in(std::string_view expr, const schema::Table& t, Dialect d) {
  for (const auto& tok : tokens(expr, d))
    if (is_name(tok) && t.find_column(tok.text)) return tok.text;
  return "";
}

namespace {
constexpr long long kUnbounded = std::numeric_limits<long long>::max();

long long arg_num(const schema::TypeRef& t, std::size_t i, long long dflt) {
  if (i >= t.args.size()) return dflt;
  try {
    return std::stoll(t.args[i]);
  } catch (...) {
    return dflt;
  }
}

int int_rank(const std::string& n) {
  static const std::map<std::string, int> ranks = {
      {"tinyint", 1}, {"smallint", 2}, {"int2", 2}, {"mediumint", 3}, {"integer", 4},
      {"int", 4},     {"int4", 4},     {"bigint", 8}, {"int8", 8}};
  auto it = ranks.find(n);
  return it == ranks.end() ? 0 : it->second;
}
int float_rank(const std::string& n) {
  if (n == "real" || n == "float4" || n == "float") return 4;
  if (n == "double precision" || n == "double" || n == "float8") return 8;
  return 0;
}
// Maximum length of a character type, or -1 when not a character type.
long long char_length(const schema::TypeRef& t) {
  const auto& n = t.name;
  if (n == "varchar" || n == "character varying" || n == "nvarchar" || n == "varchar2")
    return arg_num(t, 0, kUnbounded);
  if (n == "bpchar") return arg_num(t, 0, kUnbounded);  // PostgreSQL bpchar without a length
  if (n == "char" || n == "character" || n == "nchar") return arg_num(t, 0, 1);
  if (n == "tinytext") return 255;
  if (n == "text") return t.args.empty() ? kUnbounded : arg_num(t, 0, kUnbounded);
  if (n == "mediumtext") return 16777215;
  if (n == "longtext" || n == "clob" || n == "citext") return kUnbounded;
  return -1;
}
long long blob_length(const std::string& n) {
  if (n == "tinyblob") return 255;
  if (n == "blob") return 65535;
  if (n == "mediumblob") return 16777215;
  if (n == "longblob" || n == "bytea") return kUnbounded;
  return -1;
}
TypeChange compare(long long from, long long to) {
  if (to < from) return TypeChange::narrowing;
  if (to > from) return TypeChange::widening;
  return TypeChange::same;
}
}  // namespace

TypeChange classify_type_change(const schema::TypeRef& from, const schema::TypeRef& to, Dialect d) {
  if (from == to) return TypeChange::same;
  if (from.array_dims != to.array_dims) return TypeChange::unknown;
  // MySQL inline enum/set: removing a value narrows, adding widens.
  if (!from.values.empty() || !to.values.empty()) {
    if (from.name != to.name) return TypeChange::unknown;
    bool all_kept = true;
    for (const auto& v : from.values) {
      bool found = false;
      for (const auto& w : to.values) found = found || v == w;
      all_kept = all_kept && found;
    }
    if (!all_kept) return TypeChange::narrowing;
    return to.values.size() > from.values.size() ? TypeChange::widening : TypeChange::unknown;
  }
  if (from.is_unsigned != to.is_unsigned) return TypeChange::unknown;
  if (int_rank(from.name) && int_rank(to.name)) {
    // MySQL display widths (int(11)) do not change the range.
    return compare(int_rank(from.name), int_rank(to.name));
  }
  if (float_rank(from.name) && float_rank(to.name)) return compare(float_rank(from.name), float_rank(to.name));
  if (int_rank(from.name) && float_rank(to.name) == 8 && int_rank(from.name) <= 4) return TypeChange::widening;
  const long long fc = char_length(from), tc = char_length(to);
  if (fc >= 0 && tc >= 0) {
    const TypeChange c = compare(fc, tc);
    return c == TypeChange::same ? TypeChange::unknown : c;  // char(n) ↔ varchar(n): padding semantics differ
  }
  const long long fb = blob_length(from.name), tb = blob_length(to.name);
  if (fb >= 0 && tb >= 0) return compare(fb, tb);
  if (from.name == to.name) {
    if (from.name == "numeric" || from.name == "decimal") {
      // No precision = unbounded in PostgreSQL; MySQL's default is decimal(10,0).
      const long long dflt_p = d == Dialect::mysql ? 10 : kUnbounded;
      const long long fp = arg_num(from, 0, dflt_p), tp = arg_num(to, 0, dflt_p);
      const long long fs = arg_num(from, 1, 0), ts = arg_num(to, 1, 0);
      // Integer digits (p - s) and fraction digits (s) must both not shrink.
      const long long fi = fp == kUnbounded ? kUnbounded : fp - fs;
      const long long ti = tp == kUnbounded ? kUnbounded : tp - ts;
      if (ti < fi || ts < fs) return TypeChange::narrowing;
      return TypeChange::widening;
    }
    // timestamp(p), time(p), bit(n), varbinary(n), float(p) ...: a smaller modifier narrows.
    if (from.args.size() == 1 && to.args.size() == 1) {
      const long long f = arg_num(from, 0, -1), t = arg_num(to, 0, -1);
      if (f >= 0 && t >= 0) return compare(f, t);
    }
    if (from.args.empty() != to.args.empty()) return from.args.empty() ? TypeChange::narrowing : TypeChange::widening;
  }
  // Numbers into unbounded text keep every value.
  if ((int_rank(from.name) || float_rank(from.name) || from.name == "numeric" || from.name == "decimal") &&
      tc == kUnbounded)
    return TypeChange::widening;
  return TypeChange::unknown;
}

}  // namespace detail
}  // namespace flash::diff

#include "flash/schema/printer.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "flash/schema/depend.hpp"
#include "flash/schema/types.hpp"
#include "flash/util/text.hpp"

namespace flash::schema {
namespace {

using WordSet = std::unordered_set<std::string_view>;

// PostgreSQL reserved and type_func_name keywords (Appendix C): these cannot be table or column
// names unquoted. col_name keywords (int, time, values ...) are valid column/table names.
const WordSet& postgres_reserved() {
  static const WordSet w = {
      "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case",
      "cast", "check", "collate", "column", "constraint", "create", "current_catalog",
      "current_date", "current_role", "current_time", "current_timestamp", "current_user",
      "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch",
      "for", "foreign", "from", "grant", "group", "having", "in", "initially", "intersect", "into",
      "lateral", "leading", "limit", "localtime", "localtimestamp", "not", "null", "offset", "on",
      "only", "or", "order", "placing", "primary", "references", "returning", "select",
      "session_user", "some", "symmetric", "system_user", "table", "then", "to", "trailing", "true",
      "union", "unique", "user", "using", "variadic", "when", "where", "window", "with",
      // type_func_name keywords
      "authorization", "binary", "collation", "concurrently", "cross", "current_schema", "freeze",
      "full", "ilike", "inner", "is", "isnull", "join", "left", "like", "natural", "notnull",
      "outer", "overlaps", "right", "similar", "tablesample", "verbose"};
  return w;
}

// MySQL 8.0 reserved words plus MariaDB's additional ones.
const WordSet& mysql_reserved() {
  static const WordSet w = {
      "accessible", "add", "all", "alter", "analyze", "and", "as", "asc", "asensitive", "before",
      "between", "bigint", "binary", "blob", "both", "by", "call", "cascade", "case", "change",
      "char", "character", "check", "collate", "column", "condition", "constraint", "continue",
      "convert", "create", "cross", "cube", "cume_dist", "current_date", "current_role",
      "current_time", "current_timestamp", "current_user", "cursor", "database", "databases",
      "day_hour", "day_microsecond", "day_minute", "day_second", "dec", "decimal", "declare",
      "default", "delayed", "delete", "dense_rank", "desc", "describe", "deterministic",
      "distinct", "distinctrow", "div", "double", "drop", "dual", "each", "else", "elseif",
      "empty", "enclosed", "escaped", "except", "exists", "exit", "explain", "false", "fetch",
      "first_value", "float", "float4", "float8", "for", "force", "foreign", "from", "fulltext",
      "function", "general", "generated", "get", "grant", "group", "grouping", "groups", "having",
      "high_priority", "hour_microsecond", "hour_minute", "hour_second", "if", "ignore",
      "ignore_server_ids", "in", "index", "infile", "inner", "inout", "insensitive", "insert",
      "int", "int1", "int2", "int3", "int4", "int8", "integer", "intersect", "interval", "into",
      "io_after_gtids", "io_before_gtids", "is", "iterate", "join", "json_table", "key", "keys",
      "kill", "lag", "last_value", "lateral", "lead", "leading", "leave", "left", "like", "limit",
      "linear", "lines", "load", "localtime", "localtimestamp", "lock", "long", "longblob",
      "longtext", "loop", "low_priority", "master_bind", "master_heartbeat_period",
      "master_ssl_verify_server_cert", "match", "maxvalue", "mediumblob", "mediumint",
      "mediumtext", "middleint", "minute_microsecond", "minute_second", "mod", "modifies",
      "natural", "not", "no_write_to_binlog", "nth_value", "ntile", "null", "numeric", "of",
      "offset", "on", "optimize", "optimizer_costs", "option", "optionally", "or", "order", "out",
      "outer", "outfile", "over", "page_checksum", "parse_vcol_expr", "partition", "percent_rank",
      "position", "precision", "primary", "procedure", "purge", "range", "rank", "read", "reads",
      "read_write", "real", "recursive", "ref_system_id", "references", "regexp", "release",
      "rename", "repeat", "replace", "require", "resignal", "restrict", "return", "returning",
      "revoke", "right", "rlike", "row", "row_number", "rows", "schema", "schemas",
      "second_microsecond", "select", "sensitive", "separator", "set", "show", "signal", "slow",
      "smallint", "spatial", "specific", "sql", "sqlexception", "sqlstate", "sqlwarning",
      "sql_big_result", "sql_calc_found_rows", "sql_small_result", "ssl", "starting",
      "stats_auto_recalc", "stats_persistent", "stats_sample_pages", "stored", "straight_join",
      "system", "table", "terminated", "then", "tinyblob", "tinyint", "tinytext", "to",
      "trailing", "trigger", "true", "undo", "union", "unique", "unlock", "unsigned", "update",
      "usage", "use", "using", "utc_date", "utc_time", "utc_timestamp", "values", "varbinary",
      "varchar", "varcharacter", "varying", "virtual", "when", "where", "while", "window", "with",
      "write", "xor", "year_month", "zerofill"};
  return w;
}

// Every SQLite keyword (https://www.sqlite.org/lang_keywords.html). SQLite accepts many of them
// as names through its fallback rules, but which ones depends on context, so all are quoted.
const WordSet& sqlite_reserved() {
  static const WordSet w = {
      "abort", "action", "add", "after", "all", "alter", "always", "analyze", "and", "as", "asc",
      "attach", "autoincrement", "before", "begin", "between", "by", "cascade", "case", "cast",
      "check", "collate", "column", "commit", "conflict", "constraint", "create", "cross",
      "current", "current_date", "current_time", "current_timestamp", "database", "default",
      "deferrable", "deferred", "delete", "desc", "detach", "distinct", "do", "drop", "each",
      "else", "end", "escape", "except", "exclude", "exclusive", "exists", "explain", "fail",
      "filter", "first", "following", "for", "foreign", "from", "full", "generated", "glob",
      "group", "groups", "having", "if", "ignore", "immediate", "in", "index", "indexed",
      "initially", "inner", "insert", "instead", "intersect", "into", "is", "isnull", "join",
      "key", "last", "left", "like", "limit", "match", "materialized", "natural", "no", "not",
      "nothing", "notnull", "null", "nulls", "of", "offset", "on", "or", "order", "others",
      "outer", "over", "partition", "plan", "pragma", "preceding", "primary", "query", "raise",
      "range", "recursive", "references", "regexp", "reindex", "release", "rename", "replace",
      "restrict", "returning", "right", "rollback", "row", "rows", "savepoint", "select", "set",
      "table", "temp", "temporary", "then", "ties", "to", "transaction", "trigger", "unbounded",
      "union", "unique", "update", "using", "vacuum", "values", "view", "virtual", "when", "where",
      "window", "with", "without"};
  return w;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool needs_quotes(std::string_view n, Dialect d) {
  if (n.empty()) return true;
  if (std::isdigit(static_cast<unsigned char>(n[0])) || n[0] == '$') return true;
  for (char ch : n) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) return true;  // non-ASCII: case folding differs between servers
    if (std::islower(c) || std::isdigit(c) || c == '_') continue;
    if (std::isupper(c)) {
      if (d == Dialect::postgresql) return true;  // would fold to lower case
      continue;
    }
    if (c == '$' && d != Dialect::sqlite) continue;
    return true;
  }
  const std::string l = lower(n);
  switch (d) {
    case Dialect::postgresql: return postgres_reserved().count(l) > 0;
    case Dialect::mysql: return mysql_reserved().count(l) > 0;
    case Dialect::sqlite: return sqlite_reserved().count(l) > 0;
    case Dialect::mongodb: return false;
  }
  return false;
}

std::string join_idents(const std::vector<std::string>& names, Dialect d) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += quote_ident(names[i], d);
  }
  return out;
}

// Scans SQL text at nesting depth 0, outside string literals and quoted identifiers, calling
// `f(pos)` for each such position. Used for the small structural questions below.
template <typename F>
void scan_top_level(std::string_view e, F f) {
  int depth = 0;
  for (std::size_t i = 0; i < e.size(); ++i) {
    const char c = e[i];
    if (c == '\'' || c == '"' || c == '`') {
      const char q = c;
      for (++i; i < e.size(); ++i) {
        if (e[i] == q) {
          if (i + 1 < e.size() && e[i + 1] == q) { ++i; continue; }
          break;
        }
      }
      continue;
    }
    if (c == '(') { ++depth; continue; }
    if (c == ')') { --depth; continue; }
    if (depth == 0) f(i);
  }
}

// "(a + b)" is wrapped as a whole; "(a) + (b)" is not.
bool fully_parenthesised(std::string_view e) {
  if (e.size() < 2 || e.front() != '(' || e.back() != ')') return false;
  bool inside = true;
  int depth = 0;
  for (std::size_t i = 0; i < e.size(); ++i) {
    const char c = e[i];
    if (c == '\'' || c == '"' || c == '`') {
      for (++i; i < e.size() && e[i] != c; ++i) {}
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && --depth == 0 && i + 1 != e.size()) inside = false;
  }
  return inside;
}

std::vector<std::string> top_level_words(std::string_view e) {
  std::vector<std::string> words;
  std::string cur;
  scan_top_level(e, [&](std::size_t i) {
    const auto c = static_cast<unsigned char>(e[i]);
    if (std::isalnum(c) || c == '_') {
      cur += static_cast<char>(std::toupper(c));
      if (i + 1 == e.size()) words.push_back(std::move(cur)), cur.clear();
    } else if (!cur.empty()) {
      words.push_back(std::move(cur));
      cur.clear();
    }
  });
  if (!cur.empty()) words.push_back(cur);
  return words;
}

// A default that every dialect accepts without parentheses: a (signed) number, a string literal
// (with an optional _charset / N / X / B prefix), NULL, TRUE, FALSE or a CURRENT_* keyword.
bool is_plain_literal(std::string_view e, Dialect d) {
  if (e.empty()) return false;
  static const char* const words[] = {"NULL", "TRUE", "FALSE", "CURRENT_TIMESTAMP", "CURRENT_DATE",
                                      "CURRENT_TIME", "LOCALTIME", "LOCALTIMESTAMP"};
  const std::string u = upper(e);
  for (const char* w : words)
    if (u == w) return true;
  if (d == Dialect::mysql) {
    // MySQL only accepts these datetime defaults in their bare form on older servers.
    for (const char* w : {"CURRENT_TIMESTAMP(", "NOW(", "LOCALTIMESTAMP(", "LOCALTIME("})
      if (u.rfind(w, 0) == 0 && u.back() == ')' && u.find(')') == u.size() - 1) return true;
  }
  // SQLite: DEFAULT "x" is the string 'x' (its fallback for a name that names nothing); in
  // parentheses it would be a column reference, which a default cannot be.
  if (d == Dialect::sqlite && e.size() >= 2 && e.front() == '"' && e.back() == '"' &&
      e.substr(1, e.size() - 2).find('"') == std::string_view::npos)
    return true;
  std::size_t i = 0;
  if (e[0] == '-' || e[0] == '+') i = 1;
  if (i < e.size() && (std::isdigit(static_cast<unsigned char>(e[i])) || e[i] == '.')) {
    for (; i < e.size(); ++i) {
      const char c = e[i];
      if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e' || c == 'E' ||
            ((c == '-' || c == '+') && (e[i - 1] == 'e' || e[i - 1] == 'E'))))
        return false;
    }
    return true;
  }
  if (i != 0) return false;
  // Prefix: _utf8mb4'x', N'x', X'ff', B'01'.
  while (i < e.size() && e[i] != '\'') {
    const auto c = static_cast<unsigned char>(e[i]);
    if (!(std::isalnum(c) || c == '_')) return false;
    ++i;
  }
  if (i >= e.size()) return false;
  for (++i; i < e.size(); ++i) {
    if (e[i] == '\'') {
      if (i + 1 < e.size() && e[i + 1] == '\'') { ++i; continue; }
      return i + 1 == e.size();
    }
    if (d == Dialect::mysql && e[i] == '\\') ++i;
  }
  return false;
}

std::string paren(std::string_view e) {
  if (fully_parenthesised(e)) return std::string(e);
  return "(" + std::string(e) + ")";
}

std::string default_text(std::string_view e, Dialect d) {
  if (d == Dialect::postgresql) {
    // DEFAULT takes a b_expr, which has no boolean operators; parenthesise those.
    static const std::set<std::string> boolish = {"AND", "OR", "NOT", "IS", "IN", "LIKE",
                                                  "ILIKE", "BETWEEN", "SIMILAR", "ISNULL", "NOTNULL"};
    for (const auto& w : top_level_words(e))
      if (boolish.count(w)) return paren(e);
    return std::string(e);
  }
  if (is_plain_literal(e, d)) return std::string(e);
  return paren(e);
}

std::string quote_collation(std::string_view c, Dialect d) {
  if (d == Dialect::postgresql) {
    const auto dot = c.find('.');
    if (dot != std::string_view::npos && c.find('"') == std::string_view::npos)
      return quote_qualified(c.substr(0, dot), c.substr(dot + 1), d);
    if (!c.empty() && c.front() == '"') return std::string(c);
    // Collation names are case-sensitive identifiers in PostgreSQL ("C", "en_US").
    return quote_ident(c, d);
  }
  return std::string(c);
}

bool is_pg_serial_base(const Column& c, std::string* serial) {
  if (!c.auto_increment || c.default_expr || c.identity != Identity::none ||
      c.generated != GeneratedKind::none || c.type.array_dims || !c.type.args.empty() ||
      !c.type.schema.empty())
    return false;
  if (c.type.name == "integer") *serial = "serial";
  else if (c.type.name == "bigint") *serial = "bigserial";
  else if (c.type.name == "smallint") *serial = "smallserial";
  else return false;
  return true;
}

struct ColumnCtx {
  const Schema* schema = nullptr;
  bool inline_pk = false;         // SQLite INTEGER PRIMARY KEY AUTOINCREMENT
  std::string inline_pk_name;
};

std::string column_def(const Column& c, Dialect d, const ColumnCtx& ctx) {
  std::string out = quote_ident(c.name, d);
  TypeRef type = c.type;
  if (d == Dialect::mysql && ctx.schema && type.values.empty()) {
    // A model imported from PostgreSQL names its enum type; MySQL spells the values inline.
    if (const EnumType* e = ctx.schema->find_enum(type.name, type.schema)) {
      type.name = "enum";
      type.schema.clear();
      type.values = e->values;
    }
  }
  std::string serial;
  const bool as_serial = d == Dialect::postgresql && is_pg_serial_base(c, &serial);
  if (as_serial) {
    out += " " + serial;
  } else if (!type.name.empty()) {
    out += " " + render_type(type, d);
  }
  if (c.collation) out += " COLLATE " + quote_collation(*c.collation, d);

  const auto generated = [&] {
    if (c.generated == GeneratedKind::none) return;
    out += " GENERATED ALWAYS AS (" + c.generated_expr + ")";
    out += c.generated == GeneratedKind::stored ? " STORED" : " VIRTUAL";
  };

  switch (d) {
    case Dialect::postgresql:
      generated();
      if (c.identity != Identity::none) {
        out += c.identity == Identity::always ? " GENERATED ALWAYS AS IDENTITY"
                                              : " GENERATED BY DEFAULT AS IDENTITY";
        if (!c.identity_options.empty()) out += " (" + c.identity_options + ")";
      }
      if (c.default_expr) out += " DEFAULT " + default_text(*c.default_expr, d);
      if (!c.nullable) out += " NOT NULL";
      break;
    case Dialect::mysql:
      generated();
      if (!c.nullable) out += " NOT NULL";
      // A nullable TIMESTAMP must say so: with explicit_defaults_for_timestamp off the server
      // would otherwise make it NOT NULL DEFAULT CURRENT_TIMESTAMP.
      else if (type.name == "timestamp" && c.generated == GeneratedKind::none) out += " NULL";
      if (c.default_expr) out += " DEFAULT " + default_text(*c.default_expr, d);
      if (c.on_update) out += " ON UPDATE " + *c.on_update;
      if (c.auto_increment) out += " AUTO_INCREMENT";
      if (c.comment) out += " COMMENT " + quote_string(*c.comment, d);
      break;
    case Dialect::sqlite:
      if (ctx.inline_pk) {
        if (!ctx.inline_pk_name.empty()) out += " CONSTRAINT " + quote_ident(ctx.inline_pk_name, d);
        out += " PRIMARY KEY";
        if (c.auto_increment) out += " AUTOINCREMENT";
      }
      if (!c.nullable && !c.implied_not_null) out += " NOT NULL";
      if (c.default_expr) out += " DEFAULT " + default_text(*c.default_expr, d);
      generated();
      break;
    case Dialect::mongodb: break;
  }
  return out;
}

std::string check_def(const CheckConstraint& ck, Dialect d) {
  std::string out;
  if (!ck.name.empty()) out += "CONSTRAINT " + quote_ident(ck.name, d) + " ";
  out += "CHECK (" + ck.expr + ")";
  if (ck.no_inherit && d == Dialect::postgresql) out += " NO INHERIT";
  return out;
}

std::string option_value(std::string_view v, Dialect d) {
  bool bare = !v.empty();
  for (char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (!(std::isalnum(c) || c == '_')) bare = false;
  }
  return bare ? std::string(v) : quote_string(v, d);
}

// Text after the closing parenthesis of CREATE TABLE.
std::string table_suffix(const Table& t, Dialect d) {
  std::string out;
  switch (d) {
    case Dialect::postgresql: {
      for (const auto& [k, v] : t.options) {
        if (k == "inherits") out += " INHERITS (" + v + ")";
      }
      if (auto it = t.options.find("partition_by"); it != t.options.end())
        out += " PARTITION BY " + it->second;
      if (auto it = t.options.find("with"); it != t.options.end()) out += " WITH (" + it->second + ")";
      if (auto it = t.options.find("tablespace"); it != t.options.end())
        out += " TABLESPACE " + quote_ident(it->second, d);
      break;
    }
    case Dialect::mysql: {
      std::vector<std::pair<std::string, std::string>> opts;
      for (const auto& [k, v] : t.options) {
        std::string key = lower(k);
        std::replace(key.begin(), key.end(), '_', ' ');
        if (key == "charset" || key == "default charset" || key == "character set" ||
            key == "default character set")
          key = "DEFAULT CHARSET";
        else if (key == "collate" || key == "default collate")
          key = "COLLATE";
        else if (key == "comment")
          continue;  // Table::comment is the source of truth
        else
          key = upper(k);
        opts.emplace_back(key, v);
      }
      // ENGINE first, as SHOW CREATE TABLE does; the rest in key order.
      std::stable_partition(opts.begin(), opts.end(), [](const auto& p) { return p.first == "ENGINE"; });
      for (const auto& [k, v] : opts) out += " " + k + "=" + option_value(v, d);
      if (t.comment) out += " COMMENT=" + quote_string(*t.comment, d);
      break;
    }
    case Dialect::sqlite: {
      std::vector<std::string> opts;
      if (auto it = t.options.find("without_rowid"); it != t.options.end() && it->second != "0")
        opts.push_back("WITHOUT ROWID");
      if (auto it = t.options.find("strict"); it != t.options.end() && it->second != "0")
        opts.push_back("STRICT");
      for (std::size_t i = 0; i < opts.size(); ++i) out += (i ? ", " : " ") + opts[i];
      break;
    }
    case Dialect::mongodb: break;
  }
  return out;
}

ForeignKey with_ref_columns(const ForeignKey& fk, Dialect d, const Schema* ctx) {
  ForeignKey out = fk;
  // MySQL requires the referenced columns; the model allows "the primary key".
  if (d == Dialect::mysql && ctx && out.ref_columns.empty()) {
    if (const Table* ref = ctx->find_table(fk.ref_table, fk.ref_schema); ref && ref->primary_key)
      out.ref_columns = ref->primary_key->columns;
  }
  return out;
}

// The parser joins a table's EXCLUDE constraints with "; " (outside parentheses and strings).
std::vector<std::string> split_exclude(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  scan_top_level(text, [&](std::size_t i) {
    if (text[i] == ';') {
      out.emplace_back(util::trim(text.substr(start, i - start)));
      start = i + 1;
    }
  });
  out.emplace_back(util::trim(text.substr(start)));
  std::erase_if(out, [](const std::string& x) { return x.empty(); });
  return out;
}

// PostgreSQL drops a UNIQUE constraint of a CREATE TABLE whose columns equal the primary key's
// or an earlier UNIQUE's (transformIndexConstraints); pg_dump writes such keys with ALTER TABLE,
// where they stay. They are printed after the table, the same way.
bool folded_unique(const Table& t, std::size_t k, Dialect d) {
  if (d != Dialect::postgresql) return false;
  const auto& u = t.uniques[k];
  if (t.primary_key && t.primary_key->columns == u.columns) return true;
  for (std::size_t j = 0; j < k; ++j)
    if (t.uniques[j].columns == u.columns && t.uniques[j].nulls_not_distinct == u.nulls_not_distinct) return true;
  return false;
}

std::string unique_def(const UniqueConstraint& u, Dialect d) {
  std::string s;
  if (!u.name.empty()) s += "CONSTRAINT " + quote_ident(u.name, d) + " ";
  s += "UNIQUE ";
  if (u.nulls_not_distinct && d == Dialect::postgresql) s += "NULLS NOT DISTINCT ";
  return s + "(" + join_idents(u.columns, d) + ")";
}

std::string create_table(const Table& t, Dialect d, const Schema* ctx, std::size_t fk_limit,
                         bool if_not_exists) {
  std::string out = "CREATE ";
  if (d == Dialect::postgresql) {
    if (auto it = t.options.find("unlogged"); it != t.options.end() && it->second != "0")
      out += "UNLOGGED ";
  }
  out += "TABLE ";
  if (if_not_exists) out += "IF NOT EXISTS ";
  out += quote_qualified(t.schema, t.name, d);
  // A partition (PostgreSQL): its columns are the parent's; only its own constraints are listed.
  const auto part_of = d == Dialect::postgresql ? t.options.find("partition_of") : t.options.end();
  const bool partition = part_of != t.options.end() && t.columns.empty() && t.options.count("partition_bound");
  if (partition) out += " PARTITION OF " + part_of->second;
  out += " (";

  std::vector<std::string> lines;
  std::string inline_pk_col;
  if (d == Dialect::sqlite && t.primary_key && t.primary_key->columns.size() == 1) {
    if (const Column* c = t.find_column(t.primary_key->columns[0]); c && c->auto_increment)
      inline_pk_col = c->name;
  }
  for (const auto& c : t.columns) {
    ColumnCtx cc;
    cc.schema = ctx;
    if (!inline_pk_col.empty() && c.name == inline_pk_col) {
      cc.inline_pk = true;
      cc.inline_pk_name = t.primary_key->name;
    }
    lines.push_back(column_def(c, d, cc));
  }
  if (t.primary_key && inline_pk_col.empty()) {
    std::string pk;
    if (!t.primary_key->name.empty()) pk += "CONSTRAINT " + quote_ident(t.primary_key->name, d) + " ";
    pk += "PRIMARY KEY (" + join_idents(t.primary_key->columns, d) + ")";
    lines.push_back(pk);
  }
  for (std::size_t k = 0; k < t.uniques.size(); ++k)
    if (!folded_unique(t, k, d)) lines.push_back(unique_def(t.uniques[k], d));
  for (std::size_t i = 0; i < t.foreign_keys.size() && i < fk_limit; ++i)
    lines.push_back(print_foreign_key(with_ref_columns(t.foreign_keys[i], d, ctx), d));
  for (const auto& ck : t.checks) lines.push_back(check_def(ck, d));
  // EXCLUDE constraints are kept verbatim (the parser stores them as the "exclude" option).
  if (auto it = t.options.find("exclude"); it != t.options.end() && d == Dialect::postgresql && !partition)
    for (const auto& x : split_exclude(it->second)) lines.push_back(x);

  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += "\n  " + lines[i];
    if (i + 1 < lines.size()) out += ',';
  }
  if (partition) {
    if (lines.empty()) out.resize(out.size() - 2);  // no " ("
    else out += "\n)";
    out += " " + t.options.at("partition_bound");
    if (auto it = t.options.find("partition_by"); it != t.options.end()) out += " PARTITION BY " + it->second;
    return out;
  }
  out += lines.empty() ? ")" : "\n)";
  out += table_suffix(t, d);
  return out;
}

std::string index_part(const IndexPart& p, Dialect d) {
  std::string out = p.column.empty() ? paren(p.expr) : quote_ident(p.column, d);
  if (p.length && d == Dialect::mysql) out += "(" + std::to_string(*p.length) + ")";
  if (!p.collation.empty() && d != Dialect::mysql) out += " COLLATE " + quote_collation(p.collation, d);
  if (!p.opclass.empty() && d == Dialect::postgresql) out += " " + p.opclass;
  if (p.descending) out += " DESC";
  return out;
}

std::string create_index(const Index& i, Dialect d, bool if_not_exists) {
  std::string out = "CREATE ";
  const std::string method = lower(i.method);
  if (i.unique) out += "UNIQUE ";
  if (d == Dialect::mysql && (method == "fulltext" || method == "spatial")) out += upper(method) + " ";
  out += "INDEX ";
  if (i.concurrently && d == Dialect::postgresql) out += "CONCURRENTLY ";
  if (if_not_exists && d != Dialect::mysql) out += "IF NOT EXISTS ";
  // PostgreSQL creates the index in its table's schema (the name cannot be qualified); SQLite
  // qualifies the index name and forbids qualifying the table.
  if (d == Dialect::sqlite) {
    out += quote_qualified(i.schema, i.name, d) + " ON " + quote_ident(i.table, d);
  } else {
    if (!i.name.empty()) out += quote_ident(i.name, d) + " ";
    out += "ON " + quote_qualified(i.schema, i.table, d);
  }
  if (d == Dialect::postgresql && !method.empty()) out += " USING " + method;
  out += " (";
  for (std::size_t k = 0; k < i.parts.size(); ++k) {
    if (k) out += ", ";
    out += index_part(i.parts[k], d);
  }
  out += ")";
  if (d == Dialect::mysql && (method == "btree" || method == "hash")) out += " USING " + upper(method);
  if (d == Dialect::postgresql && !i.include.empty()) out += " INCLUDE (" + join_idents(i.include, d) + ")";
  if (d == Dialect::postgresql && !i.with.empty()) out += " WITH (" + i.with + ")";
  if (!i.where.empty() && d != Dialect::mysql) out += " WHERE " + i.where;
  return out;
}

std::string create_view(const View& v, Dialect d, bool if_not_exists) {
  std::string out = "CREATE ";
  if (if_not_exists && !v.materialized && d != Dialect::sqlite) out += "OR REPLACE ";
  if (v.materialized && d == Dialect::postgresql) out += "MATERIALIZED ";
  out += "VIEW ";
  if (if_not_exists && (d == Dialect::sqlite || v.materialized)) out += "IF NOT EXISTS ";
  out += quote_qualified(v.schema, v.name, d);
  if (!v.columns.empty()) out += " (" + join_idents(v.columns, d) + ")";
  out += " AS\n" + v.query;
  return out;
}

}  // namespace

std::string quote_ident_always(std::string_view n, Dialect d) {
  const char q = d == Dialect::mysql ? '`' : '"';
  std::string out(1, q);
  for (char c : n) {
    if (c == q) out += q;
    out += c;
  }
  out += q;
  return out;
}

std::string quote_ident(std::string_view name, Dialect d) {
  return needs_quotes(name, d) ? quote_ident_always(name, d) : std::string(name);
}

std::string quote_qualified(std::string_view schema, std::string_view name, Dialect d) {
  if (schema.empty()) return quote_ident(name, d);
  return quote_ident(schema, d) + "." + quote_ident(name, d);
}

std::string quote_string(std::string_view s, Dialect d) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\0') {
      if (d == Dialect::mysql) out += "\\0";
      continue;
    }
    if (c == '\'' || (c == '\\' && d == Dialect::mysql)) out += c;
    out += c;
  }
  out += '\'';
  return out;
}

std::string quote_string(std::string_view s) { return quote_string(s, Dialect::postgresql); }

std::string print_column_definition(const Column& c, Dialect d) { return column_def(c, d, {}); }

std::vector<std::string> print_unique_after_table(const Table& t, Dialect d) {
  std::vector<std::string> out;
  for (std::size_t k = 0; k < t.uniques.size(); ++k)
    if (folded_unique(t, k, d))
      out.push_back("ALTER TABLE " + quote_qualified(t.schema, t.name, d) + " ADD " + unique_def(t.uniques[k], d));
  return out;
}

std::string print_create_table(const Table& t, Dialect d, const Schema* ctx) {
  return create_table(t, d, ctx, t.foreign_keys.size(), t.if_not_exists);
}

std::string print_create_index(const Index& i, Dialect d) { return create_index(i, d, false); }

std::string print_create_enum(const EnumType& e) {
  std::string out = "CREATE TYPE " + quote_qualified(e.schema, e.name, Dialect::postgresql) + " AS ENUM (";
  for (std::size_t i = 0; i < e.values.size(); ++i) {
    if (i) out += ", ";
    out += quote_string(e.values[i]);
  }
  return out + ")";
}

std::string print_create_view(const View& v, Dialect d) { return create_view(v, d, false); }

std::string print_create_domain(const Domain& dom) {
  const Dialect d = Dialect::postgresql;
  std::string st = "CREATE DOMAIN " + quote_qualified(dom.schema, dom.name, d) + " AS " + render_type(dom.type, d);
  if (dom.default_expr) st += " DEFAULT " + default_text(*dom.default_expr, d);
  if (!dom.nullable) st += " NOT NULL";
  for (const auto& ck : dom.checks) st += " " + check_def(ck, d);
  return st;
}

std::string print_create_range(const RangeType& r) {
  const Dialect d = Dialect::postgresql;
  std::string st = "CREATE TYPE " + quote_qualified(r.schema, r.name, d) + " AS RANGE (SUBTYPE = " +
                   render_type(r.subtype, d);
  if (!r.subtype_opclass.empty()) st += ", SUBTYPE_OPCLASS = " + r.subtype_opclass;
  if (!r.collation.empty()) st += ", COLLATION = " + quote_collation(r.collation, d);
  if (!r.canonical.empty()) st += ", CANONICAL = " + r.canonical;
  if (!r.subtype_diff.empty()) st += ", SUBTYPE_DIFF = " + r.subtype_diff;
  if (!r.multirange.empty()) st += ", MULTIRANGE_TYPE_NAME = " + quote_qualified(r.schema, r.multirange, d);
  return st + ")";
}

std::string print_check(const CheckConstraint& c, Dialect d) { return check_def(c, d); }

std::string print_create_sequence(const Sequence& s, bool if_not_exists) {
  std::string out = "CREATE SEQUENCE " + std::string(if_not_exists ? "IF NOT EXISTS " : "") +
                    quote_qualified(s.schema, s.name, Dialect::postgresql);
  const std::string opts = s.options_text();
  if (!opts.empty()) out += " " + opts;
  return out;
}

std::string print_sequence_owner(const Sequence& s) {
  const SequenceOwner o = sequence_owner(s);
  std::string owner = "NONE";
  if (!o.empty())
    owner = quote_qualified(o.schema, o.table, Dialect::postgresql) + "." + quote_ident(o.column, Dialect::postgresql);
  return "ALTER SEQUENCE " + quote_qualified(s.schema, s.name, Dialect::postgresql) + " OWNED BY " + owner;
}

std::string print_foreign_key(const ForeignKey& fk, Dialect d) {
  std::string out;
  if (!fk.name.empty()) out += "CONSTRAINT " + quote_ident(fk.name, d) + " ";
  out += "FOREIGN KEY (" + join_idents(fk.columns, d) + ") REFERENCES " +
         quote_qualified(fk.ref_schema, fk.ref_table, d);
  if (!fk.ref_columns.empty()) out += " (" + join_idents(fk.ref_columns, d) + ")";
  if (!fk.match.empty() && !(d == Dialect::postgresql && upper(fk.match) == "SIMPLE"))
    out += " MATCH " + upper(fk.match);
  // Only what was written: an explicit NO ACTION is what MariaDB records as NO ACTION (unwritten:
  // RESTRICT).
  if (fk.on_delete != RefAction::unspecified) out += " ON DELETE " + std::string(to_sql(fk.on_delete));
  if (fk.on_update != RefAction::unspecified) out += " ON UPDATE " + std::string(to_sql(fk.on_update));
  if (fk.deferrable && d != Dialect::mysql) {
    out += " DEFERRABLE";
    if (fk.initially_deferred) out += " INITIALLY DEFERRED";
  }
  return out;
}

namespace {

std::string comment_target(std::string_view name, Dialect d) {
  // Names with argument lists or explicit quotes are printed as stored.
  if (name.find('(') != std::string_view::npos || name.find('"') != std::string_view::npos)
    return std::string(name);
  std::string out;
  std::size_t start = 0;
  while (true) {
    const auto dot = name.find('.', start);
    out += quote_ident(name.substr(start, dot == std::string_view::npos ? name.npos : dot - start), d);
    if (dot == std::string_view::npos) break;
    out += '.';
    start = dot + 1;
  }
  return out;
}

struct TableOrder {
  std::vector<std::size_t> order;
  std::vector<std::size_t> fk_limit;  // per table index: FKs [0, limit) inline, the rest ALTERed
};

TableOrder order_tables(const Schema& s) {
  const std::size_t n = s.tables.size();
  TableOrder r;
  r.fk_limit.resize(n);
  for (std::size_t i = 0; i < n; ++i) r.fk_limit[i] = s.tables[i].foreign_keys.size();
  auto index_of = [&](const ForeignKey& fk) -> std::size_t {
    for (std::size_t j = 0; j < n; ++j)
      if (s.tables[j].name == fk.ref_table && s.tables[j].schema == fk.ref_schema) return j;
    return n;
  };
  std::vector<std::vector<std::size_t>> deps(n);
  for (std::size_t i = 0; i < n; ++i)
    for (const auto& fk : s.tables[i].foreign_keys)
      if (auto j = index_of(fk); j < n && j != i) deps[i].push_back(j);

  std::vector<bool> done(n, false);
  const bool can_alter = s.dialect != Dialect::sqlite;
  auto on_pending_cycle = [&](std::size_t start) {
    std::vector<bool> seen(n, false);
    std::vector<std::size_t> stack(deps[start].begin(), deps[start].end());
    while (!stack.empty()) {
      const std::size_t j = stack.back();
      stack.pop_back();
      if (done[j] || seen[j]) continue;
      if (j == start) return true;
      seen[j] = true;
      stack.insert(stack.end(), deps[j].begin(), deps[j].end());
    }
    return false;
  };
  for (std::size_t emitted = 0; emitted < n; ++emitted) {
    // The earliest-declared table whose referenced tables all exist; declaration order is kept
    // whenever it is already valid.
    std::size_t pick = n;
    for (std::size_t i = 0; i < n && pick == n; ++i) {
      if (done[i]) continue;
      if (std::all_of(deps[i].begin(), deps[i].end(), [&](std::size_t j) { return done[j]; })) pick = i;
    }
    if (pick == n) {
      // A cycle: create the earliest remaining table now, and add the foreign keys that point
      // at missing tables afterwards. Everything from the first such key on is moved so that
      // re-parsing appends them in their original order.
      // Prefer a table that is itself on a cycle: tables that merely depend on one become
      // creatable once the cycle is broken.
      for (std::size_t i = 0; i < n && pick == n; ++i)
        if (!done[i] && on_pending_cycle(i)) pick = i;
      for (std::size_t i = 0; i < n && pick == n; ++i)
        if (!done[i]) pick = i;
      if (can_alter) {
        const auto& fks = s.tables[pick].foreign_keys;
        for (std::size_t k = 0; k < fks.size(); ++k) {
          const auto j = index_of(fks[k]);
          if (j < n && j != pick && !done[j]) {
            r.fk_limit[pick] = k;
            break;
          }
        }
      }
    }
    done[pick] = true;
    r.order.push_back(pick);
  }
  return r;
}

std::string terminate(std::string stmt) { return stmt + ";\n"; }

}  // namespace

// Statements in blocks, each block with its dependency keys (depend.hpp); the blocks are listed
// in a conventional order (types, sequences, tables with their indexes, foreign keys of cycles,
// views, raw statements, comments) and printed in dependency order, which keeps that order
// wherever it is already valid.
std::string print_schema(const Schema& s, const PrintOptions& opts) {
  const Dialect d = s.dialect;
  const bool ine = opts.if_not_exists;
  const Dependencies deps(s);
  std::vector<std::string> blocks;
  std::vector<DepNode> nodes;
  auto block = [&](std::string text, DepNode node) {
    blocks.push_back(std::move(text));
    nodes.push_back(std::move(node));
  };
  // A block that creates several objects: provides all, needs what none of them provides.
  auto merge = [](DepNode& into, const DepNode& n) {
    for (const auto& k : n.provides)
      if (std::find(into.provides.begin(), into.provides.end(), k) == into.provides.end()) into.provides.push_back(k);
    for (const auto& k : n.needs)
      if (std::find(into.needs.begin(), into.needs.end(), k) == into.needs.end()) into.needs.push_back(k);
    std::erase_if(into.needs, [&](const std::string& k) {
      return std::find(into.provides.begin(), into.provides.end(), k) != into.provides.end();
    });
  };

  if (d != Dialect::sqlite) {
    for (const auto& name : s.schemas)
      block(terminate("CREATE SCHEMA " + std::string(ine ? "IF NOT EXISTS " : "") + quote_ident(name, d)), {});
  }
  if (d == Dialect::postgresql) {
    for (const auto& e : s.extensions) {
      std::string st = "CREATE EXTENSION IF NOT EXISTS " + quote_ident(e.name, d);
      if (!e.schema.empty()) st += " WITH SCHEMA " + quote_ident(e.schema, d);
      block(terminate(st), {});
    }
    for (const auto& e : s.enums) block(terminate(print_create_enum(e)), deps.enum_type(e));
    for (const auto& dom : s.domains) block(terminate(print_create_domain(dom)), deps.domain(dom));
    for (const auto& r : s.ranges) block(terminate(print_create_range(r)), deps.range(r));
    for (const auto& seq : s.sequences) block(terminate(print_create_sequence(seq, ine)), deps.sequence(seq));
  }

  // Tables, each followed by its comments and indexes (a foreign key needs the unique index of
  // the table it references to exist already).
  const TableOrder to = order_tables(s);
  std::vector<bool> index_done(s.indexes.size(), false);
  for (std::size_t ti : to.order) {
    const Table& t = s.tables[ti];
    std::string text = terminate(create_table(t, d, &s, to.fk_limit[ti], ine || t.if_not_exists));
    for (auto& st : print_unique_after_table(t, d)) text += terminate(std::move(st));
    std::vector<const ForeignKey*> inline_fks;
    for (std::size_t k = 0; k < to.fk_limit[ti]; ++k) inline_fks.push_back(&t.foreign_keys[k]);
    DepNode node = deps.table(t, inline_fks);
    if (d == Dialect::postgresql) {
      const std::string tn = quote_qualified(t.schema, t.name, d);
      if (t.comment) text += terminate("COMMENT ON TABLE " + tn + " IS " + quote_string(*t.comment));
      for (const auto& c : t.columns)
        if (c.comment)
          text += terminate("COMMENT ON COLUMN " + tn + "." + quote_ident(c.name, d) + " IS " + quote_string(*c.comment));
    }
    for (std::size_t k = 0; k < s.indexes.size(); ++k) {
      const Index& i = s.indexes[k];
      if (i.table == t.name && i.schema == t.schema) {
        text += terminate(create_index(i, d, ine));
        merge(node, deps.index(i));
        index_done[k] = true;
      }
    }
    block(std::move(text), std::move(node));
  }
  for (std::size_t ti : to.order) {
    const Table& t = s.tables[ti];
    for (std::size_t k = to.fk_limit[ti]; k < t.foreign_keys.size(); ++k)
      block(terminate("ALTER TABLE " + quote_qualified(t.schema, t.name, d) + " ADD " +
                      print_foreign_key(with_ref_columns(t.foreign_keys[k], d, &s), d)),
            deps.foreign_key(t, t.foreign_keys[k]));
  }
  if (d == Dialect::postgresql)
    for (const auto& seq : s.sequences)
      if (!seq.owned_by.empty()) block(terminate(print_sequence_owner(seq)), deps.sequence_owner(seq));

  // Views (indexes on materialized views follow their view), then raw statements; a view that
  // calls a function a raw statement creates moves after it.
  for (const auto& v : s.views) {
    std::string text = terminate(create_view(v, d, ine));
    DepNode node = deps.view(v);
    for (std::size_t k = 0; k < s.indexes.size(); ++k) {
      if (!index_done[k] && s.indexes[k].table == v.name && s.indexes[k].schema == v.schema) {
        text += terminate(create_index(s.indexes[k], d, ine));
        merge(node, deps.index(s.indexes[k]));
        index_done[k] = true;
      }
    }
    block(std::move(text), std::move(node));
  }
  for (const auto& r : s.raw) block(terminate(r.sql), deps.raw(r));
  // Indexes on tables the model does not know (created by raw statements) come after them.
  for (std::size_t k = 0; k < s.indexes.size(); ++k)
    if (!index_done[k]) block(terminate(create_index(s.indexes[k], d, ine)), deps.index(s.indexes[k]));

  // Comments last: they may be about objects that raw statements create (functions, triggers).
  if (d == Dialect::postgresql) {
    for (const auto& c : s.comments) {
      std::string kind = upper(c.object_kind);
      std::replace(kind.begin(), kind.end(), '_', ' ');
      block(terminate("COMMENT ON " + kind + " " + comment_target(c.object_name, d) + " IS " + quote_string(c.text)),
            deps.comment(c));
    }
  }

  std::string out;
  bool first = true;
  for (std::size_t i : dependency_order(nodes)) {
    if (!first) out += '\n';
    first = false;
    out += blocks[i];
  }
  return out;
}

}  // namespace flash::schema

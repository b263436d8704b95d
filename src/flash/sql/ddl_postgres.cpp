// PostgreSQL DDL → schema model, through libpg_query (PostgreSQL 15's own grammar).
//
// Flow per file: split into statements (sql::split_statements, the splitter of every dialect),
// parse each statement on its own with pg_query_parse (so a syntax error in one statement is
// reported with its position and the others are still applied), read the JSON parse tree with
// nlohmann-json and apply it to the model in order.
//
// Expression text. The raw parse tree has start locations only, and not even that reliably (an
// A_Expr's location is its operator). So expression text is taken from the source: the statement
// is re-lexed with PostgreSQL's own scanner (pg_query_scan, exact byte positions) and each
// expression is delimited syntactically — the balanced parentheses after CHECK / GENERATED ... AS,
// the tokens after DEFAULT up to the next sibling constraint's location (or a top-level ',' / ')'),
// comma-separated segments of the table-element, index-parameter and ALTER TABLE command lists
// (which correspond one-to-one to the parse tree's lists), the tail after WHERE / AS. The slice is
// then normalised with sql::normalize_expr, exactly as the MySQL/SQLite parser and the printer
// do, so equal expressions compare equal. The deparser was not used: it needs the protobuf form
// and prints PostgreSQL's own spelling (extra casts and parentheses) that no other parser
// produces. View queries and raw statements are verbatim source slices.
//
// PostgreSQL 18 `GENERATED ALWAYS AS (...) VIRTUAL` is beyond the PostgreSQL 15 grammar: when the
// parser stops at such a VIRTUAL keyword, it is replaced by STORED (same length, so every
// location stays valid), the statement is parsed again and the column is marked virtual.
#include <pg_query.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "flash/diag/position.hpp"
#include "flash/schema/printer.hpp"
#include "flash/schema/types.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/sql/lexer.hpp"
#include "flash/sql/pg_scan.hpp"
#include "flash/sql/splitter.hpp"
#include "flash/util/text.hpp"

namespace flash::sql {
namespace {

using json = nlohmann::json;
using schema::Dialect;

// ---------------------------------------------------------------------------------------------
// Parse-tree access helpers. libpg_query's JSON omits fields holding their default value (0,
// false, empty), so every read has a default.

const json& null_json() {
  static const json n;
  return n;
}

const json& field(const json& j, std::string_view key) {
  if (!j.is_object()) return null_json();
  auto it = j.find(key);
  return it == j.end() ? null_json() : *it;
}

std::string str(const json& j, std::string_view key) {
  const json& v = field(j, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

bool flag(const json& j, std::string_view key) {
  const json& v = field(j, key);
  return v.is_boolean() && v.get<bool>();
}

int num(const json& j, std::string_view key, int dflt = 0) {
  const json& v = field(j, key);
  return v.is_number_integer() ? v.get<int>() : dflt;
}

// {"NodeType": {...}} → "NodeType".
std::string node_type(const json& n) {
  if (n.is_object() && n.size() == 1) return n.begin().key();
  return {};
}
const json& node_body(const json& n) {
  if (n.is_object() && n.size() == 1) return n.begin().value();
  return null_json();
}

// A list of {"String": {"sval": ...}} nodes.
std::vector<std::string> strings(const json& list) {
  std::vector<std::string> out;
  if (!list.is_array()) return out;
  for (const auto& item : list) {
    const json& b = node_body(item);
    if (node_type(item) == "String") out.push_back(str(b, "sval"));
  }
  return out;
}

// A "List" node or a bare array of strings.
std::vector<std::string> list_strings(const json& n) {
  if (n.is_array()) return strings(n);
  if (node_type(n) == "List") return strings(field(node_body(n), "items"));
  if (node_type(n) == "String") return {str(node_body(n), "sval")};
  if (node_type(n) == "TypeName") return strings(field(node_body(n), "names"));
  return {};
}

// Schema part as the model stores it: "" for the default schema.
std::string model_schema(std::string s) { return s == "public" ? std::string() : s; }

struct QName {
  std::string schema;
  std::string name;
};

QName qname(const std::vector<std::string>& parts) {
  QName q;
  if (parts.empty()) return q;
  q.name = parts.back();
  if (parts.size() >= 2) q.schema = model_schema(parts[parts.size() - 2]);
  return q;
}

QName range_var(const json& rv) {
  return QName{model_schema(str(rv, "schemaname")), str(rv, "relname")};
}

std::string join_dot(const std::vector<std::string>& parts) { return util::join(parts, "."); }

// "OBJECT_MATVIEW" → "matview", "OBJECT_FOREIGN_TABLE" → "foreign table".
std::string object_kind(std::string_view objtype) {
  if (objtype.starts_with("OBJECT_")) objtype.remove_prefix(7);
  std::string out = util::to_lower(objtype);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

// Text of a constant-ish value node (A_Const, Integer, Float, String, Boolean, TypeName).
std::string value_text(const json& n) {
  const std::string t = node_type(n);
  const json& b = node_body(n);
  if (t == "Integer") return std::to_string(num(b, "ival"));
  if (t == "Float") return str(b, "fval");
  if (t == "String") return str(b, "sval");
  if (t == "Boolean") return flag(b, "boolval") ? "true" : "false";
  if (t == "A_Const") {
    if (b.contains("ival")) return std::to_string(num(field(b, "ival"), "ival"));
    if (b.contains("fval")) return str(field(b, "fval"), "fval");
    if (b.contains("sval")) return str(field(b, "sval"), "sval");
    if (b.contains("boolval")) return flag(field(b, "boolval"), "boolval") ? "true" : "false";
    return "NULL";
  }
  if (t == "ColumnRef") return join_dot(strings(field(b, "fields")));
  if (t == "TypeCast") return value_text(field(b, "arg"));
  return {};
}

// WITH (...) storage parameters as pg_get_indexdef prints them (flatten_reloptions):
// "name=value, ..." with the value bare when it is an identifier needing no quotes, else quoted;
// a parameter without a value is "true".
std::string storage_parameters(const json& options) {
  std::vector<std::string> out;
  if (!options.is_array()) return {};
  for (const auto& o : options) {
    const json& d = node_body(o);
    const json& arg = field(d, "arg");
    std::string v = "true";
    if (node_type(arg) == "TypeName") v = join_dot(strings(field(node_body(arg), "names")));
    else if (!arg.is_null()) v = value_text(arg);
    const std::string name = (str(d, "defnamespace").empty() ? "" : str(d, "defnamespace") + ".") + str(d, "defname");
    out.push_back(name + "=" + (schema::quote_ident(v, Dialect::postgresql) == v ? v : schema::quote_string(v)));
  }
  return util::join(out, ", ");
}

bool is_lower_name(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// TypeName node → TypeRef. `serial` reports SERIAL/BIGSERIAL/SMALLSERIAL (then the integer type
// is returned).
schema::TypeRef type_ref(const json& tn, bool* serial = nullptr) {
  schema::TypeRef t;
  const auto names = strings(field(tn, "names"));
  std::string base;
  bool builtin = false;
  if (names.size() >= 2 && names.front() == "pg_catalog") {
    base = names.back();
    builtin = true;
  } else if (!names.empty()) {
    base = names.back();
    if (names.size() >= 2) t.schema = model_schema(names[names.size() - 2]);
  }
  if (serial) *serial = false;
  if (names.size() == 1) {
    static const std::pair<std::string_view, std::string_view> serials[] = {
        {"serial", "integer"}, {"serial4", "integer"}, {"bigserial", "bigint"},
        {"serial8", "bigint"}, {"smallserial", "smallint"}, {"serial2", "smallint"}};
    for (const auto& [s, real] : serials)
      if (base == s) {
        if (serial) *serial = true;
        base = std::string(real);
        builtin = true;
      }
  }
  // Unquoted names arrive folded to lower case; a name with capitals was quoted and is a
  // user-defined type that must keep its spelling.
  t.name = (builtin || (t.schema.empty() && is_lower_name(base)))
               ? schema::canonical_type_name(base, Dialect::postgresql)
               : base;
  // The grammar turns CHAR / CHARACTER into pg_catalog.bpchar with the length (1 when none is
  // written); "char" (quoted, or pg_catalog.char) is the one-byte internal type, and a bare
  // bpchar without a length is unlimited blank-padded text (format_type: "bpchar").
  if (base == "char" && (names.size() == 1 || builtin)) {
    t.name = "\"char\"";
    t.schema.clear();
  }
  const bool has_mods = field(tn, "typmods").is_array() && !field(tn, "typmods").empty();
  if (t.name == "bpchar" && has_mods) t.name = "char";
  const json& mods = field(tn, "typmods");
  if (mods.is_array()) {
    for (const auto& m : mods) t.args.push_back(value_text(m));
    // INTERVAL carries its field mask as the first modifier (32767 = full range); the model
    // keeps only the precision.
    if (t.name == "interval" && !t.args.empty()) {
      t.args.erase(t.args.begin());
    }
  }
  const json& bounds = field(tn, "arrayBounds");
  if (bounds.is_array()) t.array_dims = static_cast<int>(bounds.size());
  return t;
}

schema::RefAction ref_action(const std::string& c) {
  if (c == "r") return schema::RefAction::restrict;
  if (c == "c") return schema::RefAction::cascade;
  if (c == "n") return schema::RefAction::set_null;
  if (c == "d") return schema::RefAction::set_default;
  // 'a' (NO ACTION) is also what an unwritten action parses to: the catalog cannot tell them apart.
  return schema::RefAction::unspecified;
}

// Sequence / identity options as normalised clause text, e.g. "START WITH 10 INCREMENT BY 2".
std::string render_seq_option(const json& defelem) {
  const std::string name = str(defelem, "defname");
  const json& arg = field(defelem, "arg");
  const std::string v = arg.is_null() ? std::string() : value_text(arg);
  if (name == "as") return "AS " + schema::render_type(type_ref(node_body(arg)), Dialect::postgresql);
  if (name == "increment") return "INCREMENT BY " + v;
  if (name == "start") return "START WITH " + v;
  if (name == "restart") return arg.is_null() ? "RESTART" : "RESTART WITH " + v;
  if (name == "minvalue") return arg.is_null() ? "NO MINVALUE" : "MINVALUE " + v;
  if (name == "maxvalue") return arg.is_null() ? "NO MAXVALUE" : "MAXVALUE " + v;
  if (name == "cache") return "CACHE " + v;
  if (name == "cycle") return v == "true" ? "CYCLE" : "NO CYCLE";
  if (name == "owned_by") {
    const auto parts = list_strings(arg);
    if (parts.size() == 1 && parts[0] == "none") return "OWNED BY NONE";
    return "OWNED BY " + join_dot(parts);
  }
  if (name == "sequence_name") return "SEQUENCE NAME " + join_dot(list_strings(arg));
  return util::to_upper(name) + (v.empty() ? "" : " " + v);
}

std::string render_seq_options(const json& options) {
  std::vector<std::string> parts;
  if (options.is_array())
    for (const auto& o : options) parts.push_back(render_seq_option(node_body(o)));
  return util::join(parts, " ");
}

// CREATE / ALTER SEQUENCE options applied to the model's sequence (ALTER changes only the
// options it lists). RESTART changes the state, not the definition, and is not kept.
void apply_seq_options(schema::Sequence& sq, const json& options) {
  if (!options.is_array()) return;
  auto number = [](const json& arg) -> std::optional<std::int64_t> {
    if (arg.is_null()) return std::nullopt;  // NO MINVALUE / NO MAXVALUE
    const std::string v = value_text(arg);
    try {
      return std::stoll(v);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  };
  for (const auto& o : options) {
    const json& d = node_body(o);
    const std::string name = str(d, "defname");
    const json& arg = field(d, "arg");
    if (name == "as") sq.type = schema::render_type(type_ref(node_body(arg)), Dialect::postgresql);
    else if (name == "increment") sq.increment = number(arg);
    else if (name == "start") sq.start = number(arg);
    else if (name == "minvalue") sq.min_value = number(arg);
    else if (name == "maxvalue") sq.max_value = number(arg);
    else if (name == "cache") sq.cache = number(arg);
    else if (name == "cycle") sq.cycle = arg.is_null() || value_text(arg) == "true";
    else if (name == "owned_by") {
      auto parts = list_strings(arg);
      if (parts.size() == 1 && parts[0] == "none") parts.clear();
      // schema.table.column: the default schema is not written.
      if (parts.size() == 3 && parts[0] == "public") parts.erase(parts.begin());
      sq.owned_by = join_dot(parts);
    }
  }
  schema::normalize_sequence(sq);
}

// The column name PostgreSQL derives for an index expression (FigureIndexColname).
std::string figure_colname(const json& e) {
  const std::string t = node_type(e);
  const json& b = node_body(e);
  if (t == "ColumnRef") {
    auto f = strings(field(b, "fields"));
    return f.empty() ? "expr" : f.back();
  }
  if (t == "FuncCall") {
    auto f = strings(field(b, "funcname"));
    return f.empty() ? "expr" : f.back();
  }
  if (t == "TypeCast") {
    std::string inner = figure_colname(field(b, "arg"));
    if (inner != "expr") return inner;
    auto names = strings(field(field(b, "typeName"), "names"));
    return names.empty() ? "expr" : names.back();
  }
  if (t == "CoalesceExpr") return "coalesce";
  if (t == "MinMaxExpr") return str(b, "op") == "IS_GREATEST" ? "greatest" : "least";
  return "expr";
}

// ---------------------------------------------------------------------------------------------
// One statement being applied.

class Applier {
 public:
  Applier(schema::Schema& m, const SourceFile& file, diag::Diagnostics& diags)
      : m_(m), file_(file), diags_(diags) {}

  void run();

 private:
  schema::Schema& m_;
  const SourceFile& file_;
  mutable diag::LineColCursor lines_{file_.text};
  diag::Diagnostics& diags_;

  // Current fragment (the text handed to the parser) and its tokens.
  std::string_view frag_;       // original source text of the fragment
  std::size_t base_ = 0;        // its offset in the file
  std::vector<pg::Token> toks_;
  std::set<int> virtual_at_;    // offsets of VIRTUAL keywords parsed as STORED
  // Current statement's token range [first_, last_] (inclusive, no trailing ';').
  std::size_t first_ = 0, last_ = 0;

  // --- token helpers -------------------------------------------------------------------------
  std::string_view tok_text(std::size_t i) const {
    return frag_.substr(static_cast<std::size_t>(toks_[i].start),
                        static_cast<std::size_t>(toks_[i].end - toks_[i].start));
  }
  bool is_kw(std::size_t i, std::string_view w) const {
    return i < toks_.size() && toks_[i].keyword_kind != 0 && util::iequals(tok_text(i), w);
  }
  bool is_word(std::size_t i, std::string_view w) const {
    return i < toks_.size() && util::iequals(tok_text(i), w);
  }
  bool is_punct(std::size_t i, char c) const { return i < toks_.size() && toks_[i].kind == c; }
  bool opens(std::size_t i) const { return is_punct(i, '(') || is_punct(i, '['); }
  bool closes(std::size_t i) const { return is_punct(i, ')') || is_punct(i, ']'); }

  // libpg_query's JSON leaves out a negative Integer's ival ({"Integer":{}}), which would read
  // as 0: such option values are read back from the source tokens after the option's keyword.
  json with_negative_ints(json options) const {
    if (!options.is_array()) return options;
    for (auto& o : options) {
      json& d = o["DefElem"];
      json& arg = d["arg"];
      if (!arg.is_object() || !arg.contains("Integer") || arg["Integer"].contains("ival")) continue;
      for (std::size_t i = tok_at(num(d, "location", stmt_start())); i <= last_; ++i) {
        const std::string t(tok_text(i));
        if (t.empty() || !std::isdigit(static_cast<unsigned char>(t[0]))) continue;
        const bool minus = i > first_ && is_punct(i - 1, '-');
        arg = json{{"Float", {{"fval", (minus ? "-" : "") + t}}}};
        break;
      }
    }
    return options;
  }
  // First token of the statement starting at or after `off`.
  std::size_t tok_at(int off) const {
    std::size_t i = first_;
    while (i <= last_ && toks_[i].start < off) ++i;
    return i;
  }
  // Index of the bracket closing the one opened at `i` (or last_ when unbalanced).
  std::size_t match(std::size_t i) const {
    int depth = 0;
    for (std::size_t j = i; j <= last_; ++j) {
      if (opens(j)) ++depth;
      else if (closes(j) && --depth == 0) return j;
    }
    return last_;
  }
  // First '(' at or after token i, at the statement's level.
  std::size_t next_paren(std::size_t i) const {
    while (i <= last_ && !is_punct(i, '(')) ++i;
    return i;
  }
  std::string slice(std::size_t i, std::size_t j) const {
    if (i > j || j > last_) return {};
    return std::string(frag_.substr(static_cast<std::size_t>(toks_[i].start),
                                    static_cast<std::size_t>(toks_[j].end - toks_[i].start)));
  }
  std::string norm(std::size_t i, std::size_t j) const {
    return normalize_expr(slice(i, j), Dialect::postgresql);
  }
  // Tokens i..j joined by single spaces (none inside parentheses' edges or before ','), keywords
  // upper-case: for clauses that are not expressions (partition bounds).
  std::string spaced(std::size_t i, std::size_t j) const {
    std::string out;
    for (std::size_t k = i; k <= j && k <= last_; ++k) {
      const bool tight = k == i || is_punct(k, ')') || is_punct(k, ',') || is_punct(k - 1, '(');
      if (!tight) out += ' ';
      out += toks_[k].keyword_kind != 0 && toks_[k].kind != pg::tok_ident
                 ? util::to_upper(tok_text(k))
                 : std::string(tok_text(k));
    }
    return out;
  }
  // Normalised text inside the parentheses opened at or after token i.
  std::string paren_expr(std::size_t i, std::size_t* close = nullptr) const {
    const std::size_t open = next_paren(i);
    if (open > last_) return {};
    const std::size_t c = match(open);
    if (close) *close = c;
    return c > open + 1 ? norm(open + 1, c - 1) : std::string();
  }
  // Comma-separated segments of the list opened by the bracket at `open`: inclusive token ranges.
  std::vector<std::pair<std::size_t, std::size_t>> segments(std::size_t open) const {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    const std::size_t close = match(open);
    std::size_t start = open + 1;
    int depth = 0;
    for (std::size_t j = open + 1; j <= close; ++j) {
      if (j == close || (depth == 0 && is_punct(j, ','))) {
        if (j > start) out.emplace_back(start, j - 1);
        start = j + 1;
        continue;
      }
      if (opens(j)) ++depth;
      else if (closes(j)) --depth;
    }
    return out;
  }
  // Expression starting at token i, ending before token index `stop` or at a top-level ',' / ')'.
  std::string expr_until(std::size_t i, std::size_t stop) const {
    int depth = 0;
    std::size_t j = i;
    for (; j <= last_ && j < stop; ++j) {
      if (opens(j)) ++depth;
      else if (closes(j)) {
        if (depth == 0) break;
        --depth;
      } else if (depth == 0 && is_punct(j, ',')) {
        break;
      }
    }
    return j > i ? norm(i, j - 1) : std::string();
  }

  // --- diagnostics ---------------------------------------------------------------------------
  diag::Location loc(int rel) const {
    diag::Location l;
    l.file = file_.path;
    // One cursor per file: locating every column of a 1,000-table file from the start of the text
    // was quadratic (17 % of `flash gen` on bench/synth.py --provider postgresql).
    const auto lc = lines_.at(base_ + static_cast<std::size_t>(std::max(rel, 0)));
    l.line = lc.line;
    l.column = lc.column;
    return l;
  }
  int stmt_start() const { return toks_[first_].start; }
  void report(std::string code, std::string message, int rel, std::size_t length = 1,
              std::optional<std::string> hint = std::nullopt,
              diag::Severity sev = diag::Severity::error) {
    auto d = diag::at_offset(std::move(code), std::move(message), file_.path, file_.text,
                             base_ + static_cast<std::size_t>(std::max(rel, 0)), length);
    d.hint = std::move(hint);
    d.severity = sev;
    diags_.push_back(std::move(d));
  }
  int name_length(int rel) const {
    for (std::size_t i = first_; i <= last_; ++i)
      if (toks_[i].start == rel) return toks_[i].end - toks_[i].start;
    return 1;
  }
  std::vector<std::string> table_names() const {
    std::vector<std::string> out;
    for (const auto& t : m_.tables) out.push_back(schema::qualified(t.schema, t.name));
    return out;
  }
  schema::Table* find_table_or_report(const json& rv, bool missing_ok) {
    const QName q = range_var(rv);
    if (auto* t = m_.find_table(q.name, q.schema)) return t;
    if (!missing_ok) {
      const int at = num(rv, "location", stmt_start());
      report("sql.unknown-table", "unknown table `" + schema::qualified(q.schema, q.name) + "`", at,
             static_cast<std::size_t>(name_length(at)),
             diag::did_you_mean(schema::qualified(q.schema, q.name), table_names()));
    }
    return nullptr;
  }
  // A column an INHERITS child gets from its parents (the model keeps it with the parent only).
  const schema::Column* inherited_column(const schema::Table& t, const std::string& col, int depth = 0) const {
    const auto it = t.options.find("inherits");
    if (it == t.options.end() || depth > 8) return nullptr;
    for (const auto& name : util::split(it->second, ',')) {
      const std::string n(util::trim(name));
      const auto dot = n.find('.');
      const schema::Table* parent =
          dot == std::string::npos ? m_.find_table(n) : m_.find_table(n.substr(dot + 1), n.substr(0, dot));
      if (!parent) continue;
      if (const auto* c = parent->find_column(col)) return c;
      if (const auto* c = inherited_column(*parent, col, depth + 1)) return c;
    }
    return nullptr;
  }
  // A partition's columns are its parent's (the model keeps them with the parent only).
  bool has_column(const schema::Table& t, const std::string& col, int depth = 0) const {
    if (t.find_column(col) || inherited_column(t, col)) return true;
    const auto it = t.options.find("partition_of");
    if (it == t.options.end() || !t.columns.empty() || depth > 8) return false;
    const auto dot = it->second.find('.');
    const schema::Table* parent = dot == std::string::npos
                                      ? m_.find_table(it->second)
                                      : m_.find_table(it->second.substr(dot + 1), it->second.substr(0, dot));
    return parent && has_column(*parent, col, depth + 1);
  }
  schema::Column* find_column_or_report(schema::Table& t, const std::string& col, int at) {
    if (auto* c = t.find_column(col)) return c;
    // ALTER TABLE child ... on an inherited column: the child gets its own definition of the
    // column, which CREATE TABLE child (...) INHERITS (parent) merges with the parent's.
    if (const auto* p = inherited_column(t, col)) {
      schema::Column c;
      c.name = p->name;
      c.type = p->type;
      c.nullable = p->nullable;
      c.default_expr = p->default_expr;
      c.generated = p->generated;
      c.generated_expr = p->generated_expr;
      c.collation = p->collation;
      c.loc = loc(at);
      t.columns.push_back(std::move(c));
      return &t.columns.back();
    }
    std::vector<std::string> names;
    for (const auto& c : t.columns) names.push_back(c.name);
    report("sql.unknown-column", "table `" + schema::qualified(t.schema, t.name) +
                                     "` has no column `" + col + "`",
           at, col.size(), diag::did_you_mean(col, names));
    return nullptr;
  }

  void add_raw(std::string kind, std::string name) {
    schema::RawStatement r;
    r.kind = std::move(kind);
    r.name = std::move(name);
    r.sql = slice(first_, last_);
    r.loc = loc(stmt_start());
    m_.raw.push_back(std::move(r));
  }

  // --- statements ----------------------------------------------------------------------------
  // false: the fragment ends inside a BEGIN ATOMIC body (cut at an inner ';') and should be
  // retried with the next piece appended; only when `may_extend`.
  bool parse_fragment(std::size_t offset, std::size_t length, bool may_extend);
  void apply(const json& stmt);
  void create_table(const json& s);
  void column_def(schema::Table& t, const json& cd, std::size_t seg_first, std::size_t seg_last);
  void table_constraint(schema::Table& t, const json& c, std::size_t seg_first, std::size_t seg_last,
                        const std::vector<std::string>& column_scope);
  void create_index(const json& s);
  void alter_table(const json& s);
  void rename(const json& s);
  void alter_schema(const json& s);
  void drop(const json& s);
  void comment(const json& s);
  void create_view(const json& s);
  void create_matview(const json& s);
  void create_enum(const json& s);
  void alter_enum(const json& s);
  void create_domain(const json& s);
  void create_range(const json& s);
  void alter_domain(const json& s);
  void create_sequence(const json& s);
  void alter_sequence(const json& s);
  void create_extension(const json& s);
  void create_schema(const json& s);

  std::optional<std::string> keyword_hint(std::size_t ti) const;
  std::string check_expr_at(int location) const { return paren_expr(tok_at(location)); }
  std::string default_expr_at(int location, int bound) const;
  void drop_column_refs(schema::Table& t, const std::string& col);
  void rename_column_refs(schema::Table& t, const std::string& from, const std::string& to);
  bool drop_constraint(schema::Table& t, const std::string& name);
  std::string default_index_name(const schema::Index& ix) const;
  bool relation_name_taken(const std::string& schema, const std::string& name) const;
  std::string choose_serial_sequence_name(const schema::Table& t, const std::string& column) const;
  void detach_serial(schema::Table& t, schema::Column& c, const std::string& seq_name);
  void detach_serial(schema::Table& t, schema::Column& c) {
    detach_serial(t, c, schema::pg_serial_sequence_name(t.name, c.name));
  }
};

// A misspelt leading keyword (`CRATE TABLE`, `CREATE TABEL`): the did-you-mean for a syntax
// error at the statement's first word, or at the word after CREATE / ALTER / DROP.
std::optional<std::string> Applier::keyword_hint(std::size_t ti) const {
  static const std::vector<std::string> statements = {
      "CREATE", "ALTER", "DROP", "COMMENT", "GRANT", "REVOKE", "INSERT", "UPDATE", "DELETE", "SELECT", "WITH",
      "SET", "BEGIN", "COMMIT", "ROLLBACK", "TRUNCATE", "DO", "CALL", "REFRESH", "ANALYZE", "VACUUM", "COPY"};
  static const std::vector<std::string> objects = {
      "TABLE", "INDEX", "VIEW", "MATERIALIZED", "SEQUENCE", "SCHEMA", "TYPE", "DOMAIN", "FUNCTION", "PROCEDURE",
      "TRIGGER", "EXTENSION", "POLICY", "RULE", "UNIQUE", "TEMPORARY", "TEMP", "UNLOGGED", "OR", "AGGREGATE",
      "OPERATOR", "COLLATION", "SERVER", "ROLE", "USER", "PUBLICATION", "SUBSCRIPTION", "STATISTICS", "EVENT",
      "FOREIGN", "CAST", "CONVERSION", "LANGUAGE", "TEXT", "DATABASE", "TABLESPACE", "DEFAULT"};
  const std::string w = util::to_upper(tok_text(ti));
  if (ti == 0) return diag::did_you_mean(w, statements);
  if (ti == 1 && (is_word(0, "create") || is_word(0, "alter") || is_word(0, "drop")))
    return diag::did_you_mean(w, objects);
  return std::nullopt;
}

// DEFAULT expression: tokens after the DEFAULT keyword at `location` up to the sibling that
// starts at `bound` (-1: none), or a top-level ',' / ')'.
std::string Applier::default_expr_at(int location, int bound) const {
  std::size_t i = tok_at(location);
  while (i <= last_ && !is_kw(i, "default")) ++i;
  if (i > last_) return {};
  const std::size_t stop = bound >= 0 ? tok_at(bound) : last_ + 1;
  return expr_until(i + 1, stop);
}

void Applier::run() {
  // The one statement splitter (sql::split_statements), as for migration files: BEGIN ATOMIC
  // bodies and parenthesised rule actions stay whole; an unterminated string, quoted name or
  // comment is its located sql.lex error, and the rest of the file (the last statement) is not
  // parsed again.
  const std::size_t before = diags_.size();
  const std::vector<Statement> stmts = split_statements(file_, Dialect::postgresql, diags_);
  const std::size_t n = diags_.size() > before && !stmts.empty() ? stmts.size() - 1 : stmts.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t off = stmts[i].offset;
    std::size_t j = i;
    while (!parse_fragment(off, stmts[j].offset + stmts[j].text.size() - off, j + 1 < n)) ++j;
    i = j;
  }
}

bool Applier::parse_fragment(std::size_t offset, std::size_t length, bool may_extend) {
  base_ = offset;
  frag_ = std::string_view(file_.text).substr(offset, length);
  std::string text(frag_);
  pg::ScanError serr;
  auto toks = pg::scan(text, &serr);
  if (!toks) {
    const std::size_t off = pg::char_pos_to_byte(text, serr.cursorpos);
    diags_.push_back(diag::at_offset("sql.syntax", serr.message, file_.path, file_.text, base_ + off, 1));
    return true;
  }
  toks_ = std::move(*toks);
  if (toks_.empty()) return true;
  for (const auto& t : toks_) {
    // PostgreSQL truncates a name past 63 bytes (with only a NOTICE), and so does the parse tree:
    // the model holds the name the catalog will hold. Real schemas rely on it (hatchet,
    // concourse, dolphinscheduler), so it is a warning, not an error (sql.name-too-long).
    const int quotes = t.kind == pg::tok_ident && text[static_cast<std::size_t>(t.start)] == '"' ? 2 : 0;
    if (t.kind != pg::tok_ident || t.end - t.start - quotes <= 63) continue;
    auto d = diag::at_offset("sql.name-too-long",
                             "name `" + std::string(text.substr(static_cast<std::size_t>(t.start), static_cast<std::size_t>(t.end - t.start))) +
                                 "` is longer than PostgreSQL's 63 bytes",
                             file_.path, file_.text, base_ + static_cast<std::size_t>(t.start),
                             static_cast<std::size_t>(t.end - t.start));
    d.severity = diag::Severity::warning;
    d.hint = "PostgreSQL truncates it to its first 63 bytes, and so does Flash; a shorter name avoids two names "
             "truncating to the same";
    diags_.push_back(std::move(d));
  }
  if (const auto deep = too_deep_at(text, Dialect::postgresql)) {
    auto d = diag::at_offset("sql.too-deep", "parentheses nested deeper than " + std::to_string(kMaxNesting) + " levels",
                             file_.path, file_.text, base_ + *deep, 1);
    d.hint = "Flash parses up to " + std::to_string(kMaxNesting) + " levels of nesting; simplify the expression";
    diags_.push_back(std::move(d));
    return true;
  }
  virtual_at_.clear();
  for (int attempt = 0; attempt < 64; ++attempt) {
    PgQueryParseResult r = pg_query_parse(text.c_str());
    if (r.error) {
      const std::size_t off = pg::char_pos_to_byte(text, r.error->cursorpos);
      std::string message = r.error->message ? r.error->message : "syntax error";
      pg_query_free_parse_result(r);
      std::size_t len = 1;
      std::size_t ti = toks_.size();
      for (std::size_t i = 0; i < toks_.size(); ++i)
        if (static_cast<std::size_t>(toks_[i].start) == off) ti = i;
      if (ti < toks_.size()) len = static_cast<std::size_t>(toks_[ti].end - toks_[ti].start);
      // PostgreSQL 18 virtual generated column: see the file comment.
      first_ = 0;
      last_ = toks_.size() - 1;
      if (ti < toks_.size() && ti > 0 && is_word(ti, "virtual") && is_punct(ti - 1, ')')) {
        text.replace(off, 7, "STORED ");
        virtual_at_.insert(static_cast<int>(off));
        continue;
      }
      if (may_extend && off >= text.size()) {
        for (std::size_t i = 0; i + 1 < toks_.size(); ++i)
          if (is_word(i, "begin") && is_word(i + 1, "atomic")) return false;
      }
      auto d = diag::at_offset("sql.syntax", message, file_.path, file_.text, base_ + off, len);
      if (ti < toks_.size()) d.hint = keyword_hint(ti);
      diags_.push_back(std::move(d));
      return true;
    }
    // Constraint expressions (CHECK, DEFAULT, GENERATED) are read from the source tokens, never
    // from the tree: their subtrees are dropped while parsing, so a CHECK with a 1,000,000-item IN
    // list does not become millions of JSON nodes (it took 2.4 GB).
    const json tree = json::parse(
        r.parse_tree,
        [](int, json::parse_event_t ev, json& parsed) {
          return !(ev == json::parse_event_t::key && parsed.is_string() && parsed.get_ref<const std::string&>() == "raw_expr");
        },
        false);
    pg_query_free_parse_result(r);
    if (tree.is_discarded()) {
      // libpg_query hands names and strings through byte for byte; its JSON is then not UTF-8.
      // A UTF8 database rejects such a statement too ("invalid byte sequence for encoding").
      const auto bad = pg::first_invalid_utf8(text);
      auto d = diag::at_offset(bad ? "sql.encoding" : "sql.syntax",
                               bad ? "invalid UTF-8 in the statement" : "cannot read the parse tree of the statement",
                               file_.path, file_.text, base_ + bad.value_or(0), 1);
      if (bad) d.hint = "PostgreSQL databases in the UTF8 encoding accept only valid UTF-8; save the file as UTF-8";
      diags_.push_back(std::move(d));
      return true;
    }
    const json& stmts = field(tree, "stmts");
    if (!stmts.is_array()) return true;
    for (const auto& s : stmts) {
      const int start = num(s, "stmt_location");
      const int len = num(s, "stmt_len");
      const int end = len > 0 ? start + len : static_cast<int>(text.size());
      // Token range of this statement without the terminating ';'.
      std::size_t a = 0;
      while (a < toks_.size() && toks_[a].start < start) ++a;
      std::size_t b = a;
      while (b < toks_.size() && toks_[b].end <= end) ++b;
      if (b == a) continue;
      --b;
      while (b > a && is_punct(b, ';')) --b;
      if (is_punct(b, ';')) continue;
      first_ = a;
      last_ = b;
      apply(field(s, "stmt"));
    }
    return true;
  }
  return true;
}

void Applier::apply(const json& stmt) {
  const std::string t = node_type(stmt);
  const json& s = node_body(stmt);
  if (t == "CreateStmt") return create_table(s);
  if (t == "IndexStmt") return create_index(s);
  if (t == "AlterTableStmt") return alter_table(s);
  if (t == "RenameStmt") return rename(s);
  if (t == "AlterObjectSchemaStmt") return alter_schema(s);
  if (t == "DropStmt") return drop(s);
  if (t == "CommentStmt") return comment(s);
  if (t == "ViewStmt") return create_view(s);
  if (t == "CreateTableAsStmt") {
    if (str(s, "objtype") == "OBJECT_MATVIEW") return create_matview(s);
    return add_raw("table", join_dot({str(field(field(s, "into"), "rel"), "relname")}));
  }
  // SELECT ... INTO t creates a table, like CREATE TABLE t AS SELECT ... (kept verbatim the same way).
  if (t == "SelectStmt" && !field(s, "intoClause").is_null())
    return add_raw("table", join_dot({str(field(field(s, "intoClause"), "rel"), "relname")}));
  if (t == "CreateEnumStmt") return create_enum(s);
  if (t == "AlterEnumStmt") return alter_enum(s);
  if (t == "CreateDomainStmt") return create_domain(s);
  if (t == "AlterDomainStmt") return alter_domain(s);
  if (t == "CreateSeqStmt") return create_sequence(s);
  if (t == "AlterSeqStmt") return alter_sequence(s);
  if (t == "CreateExtensionStmt") return create_extension(s);
  if (t == "CreateSchemaStmt") return create_schema(s);

  // Session settings, transactions and data statements do not change the schema.
  static const std::set<std::string, std::less<>> skipped = {
      "VariableSetStmt", "VariableShowStmt", "SelectStmt", "InsertStmt", "UpdateStmt",
      "DeleteStmt", "MergeStmt", "TruncateStmt", "TransactionStmt", "CopyStmt", "ExplainStmt", "LockStmt",
      "CheckPointStmt", "DiscardStmt", "ListenStmt", "NotifyStmt", "UnlistenStmt", "VacuumStmt",
      "ClusterStmt", "ReindexStmt", "RefreshMatViewStmt", "PrepareStmt", "ExecuteStmt",
      "DeallocateStmt", "DeclareCursorStmt", "FetchStmt", "ClosePortalStmt", "CallStmt",
      "ConstraintsSetStmt", "LoadStmt"};
  if (skipped.count(t)) return;

  // Everything else is kept verbatim. Kind and name are best effort, for listings and DROP.
  // Names follow the model's convention ("" for public); triggers, policies and rules are named
  // "<name> ON <table>" as their names are only unique per table.
  const auto model_name = [](const json& names) {
    const QName q = qname(strings(names));
    return schema::qualified(q.schema, q.name);
  };
  const auto on_table = [](const std::string& name, const json& rel) {
    const QName q = range_var(rel);
    return name + " ON " + schema::qualified(q.schema, q.name);
  };
  if (t == "CreateFunctionStmt")
    return add_raw(flag(s, "is_procedure") ? "procedure" : "function", model_name(field(s, "funcname")));
  if (t == "CreateTrigStmt") return add_raw("trigger", on_table(str(s, "trigname"), field(s, "relation")));
  if (t == "CreatePolicyStmt") return add_raw("policy", on_table(str(s, "policy_name"), field(s, "table")));
  if (t == "RuleStmt") return add_raw("rule", on_table(str(s, "rulename"), field(s, "relation")));
  if (t == "GrantStmt" || t == "GrantRoleStmt") return add_raw("grant", "");
  if (t == "CompositeTypeStmt") {
    const QName q = range_var(field(s, "typevar"));
    return add_raw("type", schema::qualified(q.schema, q.name));
  }
  if (t == "CreateRangeStmt") return create_range(s);
  if (t == "DefineStmt") {
    return add_raw(object_kind(str(s, "kind")), model_name(field(s, "defnames")));
  }
  if (t == "AlterOwnerStmt") return add_raw("owner", "");
  if (t == "AlterFunctionStmt") return add_raw("function", "");
  if (t == "CreateEventTrigStmt") return add_raw("event trigger", str(s, "trigname"));
  if (t == "DoStmt") return add_raw("do", "");
  // Generic: "CreateForeignTableStmt" → "create foreign table".
  std::string kind;
  for (char c : std::string_view(t).substr(0, t.size() > 4 && t.ends_with("Stmt") ? t.size() - 4 : t.size())) {
    if (c >= 'A' && c <= 'Z') {
      if (!kind.empty()) kind += ' ';
      kind += static_cast<char>(c - 'A' + 'a');
    } else {
      kind += c;
    }
  }
  add_raw(kind, "");
}

// ----- CREATE TABLE ---------------------------------------------------------------------------

void Applier::create_table(const json& s) {
  const json& rel = field(s, "relation");
  schema::Table t;
  const QName q = range_var(rel);
  t.schema = q.schema;
  t.name = q.name;
  t.if_not_exists = flag(s, "if_not_exists");
  t.loc = loc(num(rel, "location", stmt_start()));
  if (auto* existing = m_.find_table(t.name, t.schema)) {
    (void)existing;
    if (!t.if_not_exists) {
      const int at = num(rel, "location", stmt_start());
      report("sql.duplicate", "table `" + schema::qualified(t.schema, t.name) + "` already exists",
             at, static_cast<std::size_t>(name_length(at)));
    }
    return;
  }
  const std::string persistence = str(rel, "relpersistence");
  if (persistence == "u") t.options["unlogged"] = "1";
  if (persistence == "t") t.options["temporary"] = "1";

  const json& elts = field(s, "tableElts");
  const std::size_t rel_tok = tok_at(num(rel, "location", stmt_start()));
  std::vector<std::pair<std::size_t, std::size_t>> segs;
  if (elts.is_array() && !elts.empty()) {
    const std::size_t open = next_paren(rel_tok);
    if (open <= last_) segs = segments(open);
  }
  std::vector<std::string> all_columns;
  if (elts.is_array()) {
    // Columns first, so that table constraints may name columns declared after them.
    for (std::size_t i = 0; i < elts.size(); ++i) {
      const auto seg = i < segs.size() ? segs[i] : std::make_pair(first_, last_);
      const std::string type = node_type(elts[i]);
      if (type == "ColumnDef") column_def(t, node_body(elts[i]), seg.first, seg.second);
      else if (type == "TableLikeClause") {
        const QName src = range_var(field(node_body(elts[i]), "relation"));
        if (const auto* from = m_.find_table(src.name, src.schema))
          for (const auto& c : from->columns) t.columns.push_back(c);
        else
          find_table_or_report(field(node_body(elts[i]), "relation"), false);
      }
    }
    for (std::size_t i = 0; i < elts.size(); ++i) {
      const auto seg = i < segs.size() ? segs[i] : std::make_pair(first_, last_);
      if (node_type(elts[i]) == "Constraint")
        table_constraint(t, node_body(elts[i]), seg.first, seg.second, {});
    }
  }
  // Inheritance / partitioning.
  const json& inh = field(s, "inhRelations");
  const json& bound = field(s, "partbound");
  if (inh.is_array() && !inh.empty()) {
    std::vector<std::string> parents;
    for (const auto& p : inh) {
      const QName pq = range_var(node_body(p));
      parents.push_back(schema::qualified(pq.schema, pq.name));
    }
    if (bound.is_object()) t.options["partition_of"] = util::join(parents, ", ");
    else t.options["inherits"] = util::join(parents, ", ");
  }
  const json& spec = field(s, "partspec");
  if (bound.is_object()) {
    // FOR VALUES ... / DEFAULT, up to a PARTITION BY of its own.
    std::size_t a = tok_at(num(bound, "location", stmt_start()));
    if (a >= first_ + 2 && is_kw(a - 2, "for") && is_kw(a - 1, "values")) a -= 2;
    std::size_t b = spec.is_object() ? tok_at(num(spec, "location", stmt_start())) : last_ + 1;
    if (b > a) t.options["partition_bound"] = spaced(a, b - 1);
  }
  if (spec.is_object()) {
    std::size_t a = tok_at(num(spec, "location", stmt_start()));
    if (is_kw(a, "partition")) ++a;
    if (is_kw(a, "by")) ++a;
    std::size_t open = next_paren(a);
    if (open <= last_) {
      std::string strategy = util::to_upper(slice(a, open - 1));
      t.options["partition_by"] = strategy + " (" + norm(open + 1, match(open) - 1) + ")";
    }
  }
  for (auto& c : t.columns)
    if (t.primary_key && std::find(t.primary_key->columns.begin(), t.primary_key->columns.end(),
                                   c.name) != t.primary_key->columns.end())
      c.nullable = false;
  m_.tables.push_back(std::move(t));
}

void Applier::column_def(schema::Table& t, const json& cd, std::size_t seg_first, std::size_t seg_last) {
  (void)seg_first;
  schema::Column c;
  c.name = str(cd, "colname");
  c.loc = loc(num(cd, "location", stmt_start()));
  bool serial = false;
  c.type = type_ref(field(cd, "typeName"), &serial);
  c.auto_increment = serial;
  if (serial) c.nullable = false;  // SERIAL implies NOT NULL
  const json& coll = field(cd, "collClause");
  if (coll.is_object()) c.collation = join_dot(strings(field(coll, "collname")));

  // Start locations of everything that follows a DEFAULT expression inside this column.
  std::vector<int> starts;
  const json& cons = field(cd, "constraints");
  if (cons.is_array())
    for (const auto& k : cons) starts.push_back(num(node_body(k), "location", -1));
  if (coll.is_object()) starts.push_back(num(coll, "location", -1));
  const int seg_end = seg_last + 1 <= last_ ? toks_[seg_last + 1].start : toks_[last_].end;
  auto next_start = [&](int after) {
    int best = seg_end;
    for (int s : starts)
      if (s > after && s < best) best = s;
    return best;
  };

  const std::vector<std::string> scope = {c.name};
  // Index in t.foreign_keys of the last REFERENCES, for trailing DEFERRABLE attributes.
  std::optional<std::size_t> last_fk;
  if (cons.is_array()) {
    for (const auto& k : cons) {
      const json& con = node_body(k);
      const std::string type = str(con, "contype");
      const int at = num(con, "location", stmt_start());
      if (type == "CONSTR_NULL") c.nullable = true;
      else if (type == "CONSTR_NOTNULL") c.nullable = false;
      else if (type == "CONSTR_DEFAULT") c.default_expr = default_expr_at(at, next_start(at));
      else if (type == "CONSTR_IDENTITY") {
        c.identity = str(con, "generated_when") == "d" ? schema::Identity::by_default
                                                       : schema::Identity::always;
        c.identity_options = render_seq_options(field(con, "options"));
        c.nullable = false;  // identity columns are implicitly NOT NULL
      } else if (type == "CONSTR_GENERATED") {
        std::size_t close = 0;
        c.generated_expr = paren_expr(tok_at(at), &close);
        c.generated = schema::GeneratedKind::stored;
        if (close + 1 <= last_ && virtual_at_.count(toks_[close + 1].start))
          c.generated = schema::GeneratedKind::virtual_;
      } else if (type == "CONSTR_ATTR_DEFERRABLE" || type == "CONSTR_ATTR_NOT_DEFERRABLE" ||
                 type == "CONSTR_ATTR_DEFERRED" || type == "CONSTR_ATTR_IMMEDIATE") {
        if (last_fk) {
          auto& fk = t.foreign_keys[*last_fk];
          if (type == "CONSTR_ATTR_DEFERRABLE") fk.deferrable = true;
          if (type == "CONSTR_ATTR_NOT_DEFERRABLE") fk.deferrable = false;
          if (type == "CONSTR_ATTR_DEFERRED") fk.initially_deferred = fk.deferrable = true;
          if (type == "CONSTR_ATTR_IMMEDIATE") fk.initially_deferred = false;
        }
      } else {
        if (type == "CONSTR_FOREIGN") last_fk = t.foreign_keys.size();
        if (type == "CONSTR_PRIMARY") c.nullable = false;
        table_constraint(t, con, seg_first, seg_last, scope);
      }
    }
  }
  if (c.auto_increment) {
    const std::string seq = choose_serial_sequence_name(t, c.name);
    if (seq != schema::pg_serial_sequence_name(t.name, c.name)) detach_serial(t, c, seq);
  }
  t.columns.push_back(std::move(c));
}

// A table-level constraint, or a column constraint (column_scope = {column}) moved to table level.
void Applier::table_constraint(schema::Table& t, const json& con, std::size_t seg_first,
                               std::size_t seg_last, const std::vector<std::string>& column_scope) {
  const std::string type = str(con, "contype");
  const std::string name = str(con, "conname");
  const int at = num(con, "location", stmt_start());
  auto keys = [&](std::string_view key) {
    auto k = strings(field(con, key));
    return k.empty() ? column_scope : k;
  };
  if (type == "CONSTR_PRIMARY") {
    schema::PrimaryKey pk{name, keys("keys")};
    if (!str(con, "indexname").empty()) {
      // ADD PRIMARY KEY USING INDEX: the index becomes the constraint's index.
      const std::string ix = str(con, "indexname");
      auto it = std::find_if(m_.indexes.begin(), m_.indexes.end(), [&](const schema::Index& i) {
        return i.name == ix && i.schema == t.schema;
      });
      if (it != m_.indexes.end()) {
        for (const auto& p : it->parts) pk.columns.push_back(p.column);
        if (pk.name.empty()) pk.name = ix;
        m_.indexes.erase(it);
      }
    }
    if (t.primary_key) {
      report("sql.duplicate", "table `" + schema::qualified(t.schema, t.name) +
                                  "` already has a primary key", at,
             static_cast<std::size_t>(name_length(at)));
      return;
    }
    for (const auto& col : pk.columns)
      if (auto* c = t.find_column(col)) c->nullable = false;
    t.primary_key = std::move(pk);
  } else if (type == "CONSTR_UNIQUE") {
    schema::UniqueConstraint u{name, keys("keys"), flag(con, "nulls_not_distinct")};
    if (!str(con, "indexname").empty()) {
      const std::string ix = str(con, "indexname");
      auto it = std::find_if(m_.indexes.begin(), m_.indexes.end(), [&](const schema::Index& i) {
        return i.name == ix && i.schema == t.schema;
      });
      if (it != m_.indexes.end()) {
        for (const auto& p : it->parts) u.columns.push_back(p.column);
        if (u.name.empty()) u.name = ix;
        m_.indexes.erase(it);
      }
    }
    t.uniques.push_back(std::move(u));
  } else if (type == "CONSTR_FOREIGN") {
    schema::ForeignKey fk;
    fk.name = name;
    fk.columns = keys("fk_attrs");
    const QName ref = range_var(field(con, "pktable"));
    fk.ref_schema = ref.schema;
    fk.ref_table = ref.name;
    fk.ref_columns = strings(field(con, "pk_attrs"));
    fk.on_delete = ref_action(str(con, "fk_del_action"));
    fk.on_update = ref_action(str(con, "fk_upd_action"));
    const std::string mt = str(con, "fk_matchtype");
    fk.match = mt == "f" ? "FULL" : mt == "p" ? "PARTIAL" : "";  // SIMPLE is the default
    fk.deferrable = flag(con, "deferrable");
    fk.initially_deferred = flag(con, "initdeferred");
    t.foreign_keys.push_back(std::move(fk));
  } else if (type == "CONSTR_CHECK") {
    t.checks.push_back(schema::CheckConstraint{name, check_expr_at(at), flag(con, "is_no_inherit")});
  } else if (type == "CONSTR_EXCLUSION") {
    // Not in the model: kept as a table option so it is not lost.
    std::string& opt = t.options["exclude"];
    const std::size_t a = tok_at(at);
    const std::string text = normalize_expr(slice(a, std::max(a, seg_last)), Dialect::postgresql);
    opt = opt.empty() ? text : opt + "; " + text;
  }
  (void)seg_first;
}

// ----- CREATE INDEX ---------------------------------------------------------------------------

std::string Applier::default_index_name(const schema::Index& ix) const {
  std::vector<std::string> cols;
  for (const auto& p : ix.parts) cols.push_back(p.column.empty() ? p.expr : p.column);
  std::string base = schema::pg_object_name(ix.table, util::join(cols, "_"), "idx");
  auto taken = [&](const std::string& n) {
    for (const auto& i : m_.indexes)
      if (i.schema == ix.schema && i.name == n) return true;
    return m_.find_table(n, ix.schema) != nullptr;
  };
  if (!taken(base)) return base;
  for (int k = 1;; ++k) {
    std::string n = schema::pg_object_name(ix.table, util::join(cols, "_"), "idx" + std::to_string(k));
    if (!taken(n)) return n;
  }
}

void Applier::create_index(const json& s) {
  const json& rel = field(s, "relation");
  const QName tq = range_var(rel);
  schema::Index ix;
  ix.schema = tq.schema;
  ix.table = tq.name;
  ix.name = str(s, "idxname");
  ix.unique = flag(s, "unique");
  ix.concurrently = flag(s, "concurrent");
  ix.loc = loc(stmt_start());
  const std::string method = util::to_lower(str(s, "accessMethod"));
  ix.method = method == "btree" ? "" : method;

  const int rel_at = num(rel, "location", stmt_start());
  if (!m_.find_table(tq.name, tq.schema) && !m_.find_view(tq.name, tq.schema)) {
    std::vector<std::string> names = table_names();
    for (const auto& v : m_.views) names.push_back(schema::qualified(v.schema, v.name));
    report("sql.unknown-table", "unknown table `" + schema::qualified(tq.schema, tq.name) + "`",
           rel_at, static_cast<std::size_t>(name_length(rel_at)),
           diag::did_you_mean(schema::qualified(tq.schema, tq.name), names));
    return;
  }
  const std::size_t open = next_paren(tok_at(rel_at));
  const auto segs = open <= last_ ? segments(open) : decltype(segments(0)){};
  const json& params = field(s, "indexParams");
  std::vector<std::string> name_parts;
  if (params.is_array()) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      const json& e = node_body(params[i]);
      schema::IndexPart p;
      if (!str(e, "name").empty()) {
        p.column = str(e, "name");
        name_parts.push_back(p.column);
      } else if (i < segs.size()) {
        const auto [a, b] = segs[i];
        // "(expr) ..." or "func(args) ...": the expression ends at the first balanced group.
        if (is_punct(a, '(')) {
          p.expr = norm(a + 1, match(a) - 1);
        } else {
          const std::size_t o = next_paren(a);
          p.expr = norm(a, std::min(match(o), b));
        }
        name_parts.push_back(figure_colname(field(e, "expr")));
      }
      p.descending = str(e, "ordering") == "SORTBY_DESC";
      p.collation = join_dot(strings(field(e, "collation")));
      p.opclass = join_dot(strings(field(e, "opclass")));
      ix.parts.push_back(std::move(p));
    }
  }
  for (const auto& inc : field(s, "indexIncludingParams").is_array() ? field(s, "indexIncludingParams")
                                                                     : json::array())
    ix.include.push_back(str(node_body(inc), "name"));
  ix.with = storage_parameters(field(s, "options"));
  if (field(s, "whereClause").is_object()) {
    std::size_t w = open <= last_ ? match(open) + 1 : first_;
    int depth = 0;
    for (; w <= last_; ++w) {
      if (opens(w)) ++depth;
      else if (closes(w)) --depth;
      else if (depth == 0 && is_kw(w, "where")) break;
    }
    if (w < last_) ix.where = norm(w + 1, last_);
  }
  if (ix.name.empty()) {
    schema::Index named = ix;
    for (std::size_t i = 0; i < named.parts.size() && i < name_parts.size(); ++i)
      named.parts[i].column = name_parts[i];
    ix.name = default_index_name(named);
  }
  for (const auto& other : m_.indexes) {
    if (other.schema == ix.schema && other.name == ix.name) {
      if (!flag(s, "if_not_exists"))
        report("sql.duplicate", "index `" + schema::qualified(ix.schema, ix.name) + "` already exists",
               stmt_start(), 1);
      return;
    }
  }
  m_.indexes.push_back(std::move(ix));
}

// ----- serial columns -------------------------------------------------------------------------
// The model writes a serial column as serial (auto_increment) only while its sequence is the one
// PostgreSQL would create for it: <table>_<column>_seq, of the column's type, owned by it, and the
// column NOT NULL with the nextval() default. Anything that breaks this (the name was taken when
// the column was made, the table or column was renamed, the default dropped or replaced, the type
// or nullability changed) turns the column into what the catalog then holds: a sequence of its own
// (OWNED BY the column, as pg_dump writes it) plus a plain column with its default.

// Whether a relation (pg_class: table, view, sequence, index — also a constraint's index and a
// serial or identity column's implicit sequence) of the schema has the name.
bool Applier::relation_name_taken(const std::string& sch, const std::string& name) const {
  if (m_.find_table(name, sch) || m_.find_view(name, sch)) return true;
  for (const auto& q : m_.sequences)
    if (q.schema == sch && q.name == name) return true;
  for (const auto& i : m_.indexes)
    if (i.schema == sch && i.name == name) return true;
  // The implicit names below are pg_object_name(table, …, label): "_<label>" at the end, and the
  // table's name cut to no less than half of the 58 bytes left by the labels checked here (then
  // back to a UTF-8 boundary) at the start. A name that is neither is passed over without building
  // them — one serial column per table would otherwise make a schema's load quadratic.
  auto may_be = [&](const schema::Table& t, std::string_view label) {
    if (name.size() <= label.size() || !name.ends_with(label) || name[name.size() - label.size() - 1] != '_')
      return false;
    std::size_t k = std::min<std::size_t>(t.name.size(), 29);
    while (k > 0 && k < t.name.size() && (static_cast<unsigned char>(t.name[k]) & 0xC0) == 0x80) --k;
    return name.compare(0, k, t.name, 0, k) == 0;
  };
  for (const auto& t : m_.tables) {
    if (t.schema != sch) continue;
    if (t.primary_key && (t.primary_key->name.empty() ? may_be(t, "pkey") && schema::pg_object_name(t.name, "", "pkey") == name
                                                      : t.primary_key->name == name))
      return true;
    for (const auto& u : t.uniques)
      if (u.name.empty() ? may_be(t, "key") && schema::pg_object_name(t.name, util::join(u.columns, "_"), "key") == name
                         : u.name == name)
        return true;
    if (!may_be(t, "seq")) continue;
    for (const auto& c : t.columns)
      if ((c.auto_increment || c.identity != schema::Identity::none) &&
          schema::pg_serial_sequence_name(t.name, c.name) == name)
        return true;
  }
  return false;
}

// ChooseRelationName(table, column, "seq"): the first of <t>_<c>_seq, <t>_<c>_seq1, ... not taken.
std::string Applier::choose_serial_sequence_name(const schema::Table& t, const std::string& column) const {
  std::string name = schema::pg_serial_sequence_name(t.name, column);
  for (int k = 1; relation_name_taken(t.schema, name); ++k)
    name = schema::pg_object_name(t.name, column, "seq" + std::to_string(k));
  return name;
}

void Applier::detach_serial(schema::Table& t, schema::Column& c, const std::string& seq_name) {
  if (c.auto_increment) m_.sequences.push_back(schema::detach_serial(t, c, seq_name));
}

// ----- ALTER TABLE ----------------------------------------------------------------------------

void Applier::drop_column_refs(schema::Table& t, const std::string& col) {
  auto has = [&](const std::vector<std::string>& v) { return std::find(v.begin(), v.end(), col) != v.end(); };
  if (t.primary_key && has(t.primary_key->columns)) t.primary_key.reset();
  std::erase_if(t.uniques, [&](const auto& u) { return has(u.columns); });
  std::erase_if(t.foreign_keys, [&](const auto& f) { return has(f.columns); });
  std::erase_if(m_.sequences, [&](const schema::Sequence& sq) {
    const auto o = schema::sequence_owner(sq);
    return o.table == t.name && o.schema == t.schema && o.column == col;
  });
  std::erase_if(m_.indexes, [&](const schema::Index& ix) {
    if (ix.table != t.name || ix.schema != t.schema) return false;
    for (const auto& p : ix.parts)
      if (p.column == col) return true;
    return has(ix.include);
  });
}

void Applier::rename_column_refs(schema::Table& t, const std::string& from, const std::string& to) {
  auto ren = [&](std::vector<std::string>& v) { std::replace(v.begin(), v.end(), from, to); };
  auto has_from = [&](const std::vector<std::string>& v) { return std::find(v.begin(), v.end(), from) != v.end(); };
  // PostgreSQL named the unnamed constraints after their columns when it created them, and a
  // rename keeps that name: the fold keeps it too (a later constraint then gets PostgreSQL's
  // next name, as on the server).
  for (auto& u : t.uniques)
    if (u.name.empty() && has_from(u.columns)) u.name = schema::pg_object_name(t.name, util::join(u.columns, "_"), "key");
  for (auto& f : t.foreign_keys)
    if (f.name.empty() && has_from(f.columns)) f.name = schema::pg_object_name(t.name, util::join(f.columns, "_"), "fkey");
  // Expressions (checks, generated columns, index expressions and predicates) follow the column,
  // as the server's stored expression trees do.
  const std::string quoted = schema::quote_ident(to, Dialect::postgresql);
  auto ren_expr = [&](std::string& e) {
    if (!e.empty()) e = sql::replace_identifier(e, from, quoted, Dialect::postgresql);
  };
  for (auto& c : t.checks) ren_expr(c.expr);
  for (auto& c : t.columns) ren_expr(c.generated_expr);
  for (auto& sq : m_.sequences) {
    auto o = schema::sequence_owner(sq);
    if (o.table == t.name && o.schema == t.schema && o.column == from) {
      o.column = to;
      sq.owned_by = schema::owner_text(o);
    }
  }
  if (t.primary_key) ren(t.primary_key->columns);
  for (auto& u : t.uniques) ren(u.columns);
  for (auto& f : t.foreign_keys) ren(f.columns);
  for (auto& ix : m_.indexes) {
    if (ix.table != t.name || ix.schema != t.schema) continue;
    for (auto& p : ix.parts) {
      if (p.column == from) p.column = to;
      ren_expr(p.expr);
    }
    ren(ix.include);
    ren_expr(ix.where);
  }
  for (auto& other : m_.tables)
    for (auto& f : other.foreign_keys)
      if (f.ref_table == t.name && f.ref_schema == t.schema) ren(f.ref_columns);
}

// Drops a named constraint; unnamed ones match PostgreSQL's generated names.
bool Applier::drop_constraint(schema::Table& t, const std::string& name) {
  auto cols = [](const std::vector<std::string>& c) { return util::join(c, "_"); };
  if (t.primary_key && (t.primary_key->name == name ||
                        (t.primary_key->name.empty() && name == schema::pg_object_name(t.name, "", "pkey")))) {
    t.primary_key.reset();
    return true;
  }
  for (auto it = t.uniques.begin(); it != t.uniques.end(); ++it)
    if (it->name == name || (it->name.empty() && name == schema::pg_object_name(t.name, cols(it->columns), "key"))) {
      t.uniques.erase(it);
      return true;
    }
  for (auto it = t.foreign_keys.begin(); it != t.foreign_keys.end(); ++it)
    if (it->name == name ||
        (it->name.empty() && name == schema::pg_object_name(t.name, cols(it->columns), "fkey"))) {
      t.foreign_keys.erase(it);
      return true;
    }
  for (auto it = t.checks.begin(); it != t.checks.end(); ++it)
    if (it->name == name) {
      t.checks.erase(it);
      return true;
    }
  return false;
}

void Applier::alter_table(const json& s) {
  const json& rel = field(s, "relation");
  const json& cmds = field(s, "cmds");
  if (!cmds.is_array()) return;
  // Ownership is not part of the schema (pg_dump writes one per object).
  const bool all_owner = std::all_of(cmds.begin(), cmds.end(), [](const json& c) {
    return str(node_body(c), "subtype") == "AT_ChangeOwner";
  });
  if (all_owner) return;
  if (str(s, "objtype") != "OBJECT_TABLE")
    return add_raw("alter " + object_kind(str(s, "objtype")), range_var(rel).name);
  // ALTER TABLE [ONLY] parent ATTACH PARTITION child FOR VALUES ... (how pg_dump writes partitions):
  // the same model as CREATE TABLE child PARTITION OF parent FOR VALUES ...; the child's columns
  // are the parent's (the server checks that), so they are not kept separately.
  if (cmds.size() == 1 && str(node_body(cmds[0]), "subtype") == "AT_AttachPartition") {
    const json& pc = node_body(field(node_body(cmds[0]), "def"));
    const json& bound = field(pc, "bound");
    // ALTER TABLE IF EXISTS parent ...: nothing happens when the parent does not exist.
    schema::Table* parent = find_table_or_report(rel, flag(s, "missing_ok"));
    if (!parent) return;
    schema::Table* child = find_table_or_report(field(pc, "name"), false);
    if (!child || !bound.is_object()) return;
    std::size_t a = tok_at(num(bound, "location", stmt_start()));
    if (a >= first_ + 2 && is_kw(a - 2, "for") && is_kw(a - 1, "values")) a -= 2;
    const QName pq = range_var(rel);
    child->options.erase("inherits");
    child->options["partition_of"] = schema::qualified(pq.schema, pq.name);
    child->options["partition_bound"] = spaced(a, last_);
    child->columns.clear();
    return;
  }
  static const std::set<std::string, std::less<>> modelled = {
      "AT_AddColumn", "AT_DropColumn", "AT_AlterColumnType", "AT_ColumnDefault", "AT_SetNotNull",
      "AT_DropNotNull", "AT_AddConstraint", "AT_DropConstraint", "AT_ChangeOwner",
      "AT_AddIdentity", "AT_DropIdentity", "AT_DropExpression", "AT_SetLogged", "AT_SetUnLogged",
      "AT_ValidateConstraint"};
  bool all_modelled = true, any_modelled = false;
  for (const auto& c : cmds) {
    const bool m = modelled.count(str(node_body(c), "subtype")) > 0;
    all_modelled = all_modelled && m;
    any_modelled = any_modelled || (m && str(node_body(c), "subtype") != "AT_ChangeOwner");
  }
  // Commands the model cannot express (ATTACH PARTITION, ENABLE ROW LEVEL SECURITY, SET
  // STORAGE...) keep the statement verbatim; modelled commands in it are applied as well.
  if (!all_modelled) {
    const QName q = range_var(rel);
    add_raw("alter table", schema::qualified(q.schema, q.name));
  }
  if (!any_modelled) return;

  schema::Table* t = find_table_or_report(rel, flag(s, "missing_ok"));
  if (!t) return;
  // The command list is comma-separated after the table name; segment i is cmds[i].
  std::vector<std::pair<std::size_t, std::size_t>> segs;
  {
    std::size_t i = tok_at(num(rel, "location", stmt_start()));
    // Skip the (possibly qualified) table name.
    ++i;
    while (i + 1 <= last_ && is_punct(i, '.')) i += 2;
    std::size_t start = i;
    int depth = 0;
    for (std::size_t j = i; j <= last_ + 1; ++j) {
      if (j == last_ + 1 || (depth == 0 && is_punct(j, ','))) {
        if (j > start) segs.emplace_back(start, j - 1);
        start = j + 1;
        continue;
      }
      if (opens(j)) ++depth;
      else if (closes(j)) --depth;
    }
  }
  for (std::size_t ci = 0; ci < cmds.size(); ++ci) {
    const json& cmd = node_body(cmds[ci]);
    const std::string sub = str(cmd, "subtype");
    const auto seg = ci < segs.size() ? segs[ci] : std::make_pair(first_, last_);
    const int seg_at = toks_[seg.first].start;
    const std::string colname = str(cmd, "name");
    // Location of the column name inside the command, for diagnostics.
    int col_at = seg_at;
    for (std::size_t i = seg.first; i <= seg.second; ++i)
      if (tok_text(i) == colname || util::iequals(tok_text(i), colname) ||
          tok_text(i) == "\"" + colname + "\"") {
        col_at = toks_[i].start;
        break;
      }
    const bool missing_ok = flag(cmd, "missing_ok");
    if (sub == "AT_AddColumn") {
      const json& cd = node_body(field(cmd, "def"));
      if (t->find_column(str(cd, "colname"))) {
        if (!missing_ok)
          report("sql.duplicate", "column `" + str(cd, "colname") + "` already exists in `" +
                                      schema::qualified(t->schema, t->name) + "`",
                 num(cd, "location", seg_at), str(cd, "colname").size());
        continue;
      }
      column_def(*t, cd, seg.first, seg.second);
      if (t->primary_key)
        for (auto& c : t->columns)
          if (std::find(t->primary_key->columns.begin(), t->primary_key->columns.end(), c.name) !=
              t->primary_key->columns.end())
            c.nullable = false;
    } else if (sub == "AT_DropColumn") {
      if (!t->find_column(colname)) {
        if (!missing_ok) find_column_or_report(*t, colname, col_at);
        continue;
      }
      std::erase_if(t->columns, [&](const schema::Column& c) { return c.name == colname; });
      drop_column_refs(*t, colname);
    } else if (sub == "AT_AlterColumnType") {
      auto* c = find_column_or_report(*t, colname, col_at);
      if (!c) continue;
      const json& cd = node_body(field(cmd, "def"));
      const schema::TypeRef type = type_ref(field(cd, "typeName"));
      if (type != c->type) detach_serial(*t, *c);  // the sequence keeps its type
      c->type = type;
      const json& coll = field(cd, "collClause");
      if (coll.is_object()) c->collation = join_dot(strings(field(coll, "collname")));
    } else if (sub == "AT_ColumnDefault") {
      auto* c = find_column_or_report(*t, colname, col_at);
      if (!c) continue;
      detach_serial(*t, *c);  // the sequence stays, owned by the column
      if (field(cmd, "def").is_null()) {
        c->default_expr.reset();
      } else {
        std::size_t i = seg.first;
        while (i <= seg.second && !is_kw(i, "default")) ++i;
        c->default_expr = i < seg.second ? norm(i + 1, seg.second) : std::string();
      }
    } else if (sub == "AT_SetNotNull" || sub == "AT_DropNotNull") {
      if (auto* c = find_column_or_report(*t, colname, col_at)) {
        if (sub == "AT_DropNotNull") detach_serial(*t, *c);
        c->nullable = sub == "AT_DropNotNull";
      }
    } else if (sub == "AT_AddIdentity") {
      if (auto* c = find_column_or_report(*t, colname, col_at)) {
        const json& con = node_body(field(cmd, "def"));
        c->identity = str(con, "generated_when") == "d" ? schema::Identity::by_default
                                                        : schema::Identity::always;
        c->identity_options = render_seq_options(field(con, "options"));
        c->nullable = false;
      }
    } else if (sub == "AT_DropIdentity") {
      if (auto* c = t->find_column(colname)) {
        c->identity = schema::Identity::none;
        c->identity_options.clear();
      } else if (!missing_ok) {
        find_column_or_report(*t, colname, col_at);
      }
    } else if (sub == "AT_DropExpression") {
      if (auto* c = find_column_or_report(*t, colname, col_at)) {
        c->generated = schema::GeneratedKind::none;
        c->generated_expr.clear();
      }
    } else if (sub == "AT_AddConstraint") {
      const json& con = node_body(field(cmd, "def"));
      // Referenced columns must exist.
      bool ok = true;
      for (const char* key : {"keys", "fk_attrs"})
        for (const auto& col : strings(field(con, key)))
          if (ok && !has_column(*t, col)) {
            int at = seg_at;
            for (std::size_t i = seg.first; i <= seg.second; ++i)
              if (tok_text(i) == col || tok_text(i) == "\"" + col + "\"" ||
                  util::iequals(tok_text(i), col)) {
                at = toks_[i].start;
                break;
              }
            find_column_or_report(*t, col, at);
            ok = false;
          }
      if (ok) table_constraint(*t, con, seg.first, seg.second, {});
    } else if (sub == "AT_DropConstraint") {
      if (!drop_constraint(*t, colname) && !missing_ok) {
        std::vector<std::string> names;
        if (t->primary_key && !t->primary_key->name.empty()) names.push_back(t->primary_key->name);
        for (const auto& u : t->uniques) names.push_back(u.name);
        for (const auto& f : t->foreign_keys) names.push_back(f.name);
        for (const auto& k : t->checks) names.push_back(k.name);
        report("sql.unknown-constraint", "table `" + schema::qualified(t->schema, t->name) +
                                             "` has no constraint `" + colname + "`",
               col_at, colname.size(), diag::did_you_mean(colname, names));
      }
    } else if (sub == "AT_SetLogged") {
      t->options.erase("unlogged");
    } else if (sub == "AT_SetUnLogged") {
      t->options["unlogged"] = "1";
    }
  }
}

// ----- RENAME / SET SCHEMA --------------------------------------------------------------------

void Applier::rename(const json& s) {
  const std::string what = str(s, "renameType");
  const json& rel = field(s, "relation");
  const std::string to = str(s, "newname");
  const bool missing_ok = flag(s, "missing_ok");
  if (what == "OBJECT_TABLE" || what == "OBJECT_FOREIGN_TABLE") {
    schema::Table* t = find_table_or_report(rel, missing_ok);
    if (!t) return;
    const std::string from = t->name;
    for (auto& c : t->columns) detach_serial(*t, c);  // the sequences keep their names
    for (auto& ix : m_.indexes)
      if (ix.table == from && ix.schema == t->schema) ix.table = to;
    for (auto& other : m_.tables)
      for (auto& f : other.foreign_keys)
        if (f.ref_table == from && f.ref_schema == t->schema) f.ref_table = to;
    for (auto& sq : m_.sequences) {
      auto o = schema::sequence_owner(sq);
      if (o.table == from && o.schema == t->schema) {
        o.table = to;
        sq.owned_by = schema::owner_text(o);
      }
    }
    t->name = to;
  } else if (what == "OBJECT_COLUMN" && str(s, "relationType") == "OBJECT_TABLE") {
    schema::Table* t = find_table_or_report(rel, missing_ok);
    if (!t) return;
    const std::string from = str(s, "subname");
    int at = stmt_start();
    for (std::size_t i = first_; i <= last_; ++i)
      if (util::iequals(tok_text(i), from) || tok_text(i) == "\"" + from + "\"") {
        at = toks_[i].start;
        break;
      }
    auto* c = find_column_or_report(*t, from, at);
    if (!c) return;
    detach_serial(*t, *c);
    c->name = to;
    rename_column_refs(*t, from, to);
  } else if (what == "OBJECT_TABCONSTRAINT") {
    schema::Table* t = find_table_or_report(rel, missing_ok);
    if (!t) return;
    const std::string from = str(s, "subname");
    if (t->primary_key && t->primary_key->name == from) t->primary_key->name = to;
    for (auto& u : t->uniques) if (u.name == from) u.name = to;
    for (auto& f : t->foreign_keys) if (f.name == from) f.name = to;
    for (auto& k : t->checks) if (k.name == from) k.name = to;
  } else if (what == "OBJECT_INDEX") {
    const QName q = range_var(rel);
    for (auto& ix : m_.indexes)
      if (ix.name == q.name && ix.schema == q.schema) ix.name = to;
  } else if (what == "OBJECT_VIEW" || what == "OBJECT_MATVIEW") {
    const QName q = range_var(rel);
    for (auto& v : m_.views)
      if (v.name == q.name && v.schema == q.schema) v.name = to;
  } else if (what == "OBJECT_SEQUENCE") {
    const QName q = range_var(rel);
    for (auto& sq : m_.sequences)
      if (sq.name == q.name && sq.schema == q.schema) sq.name = to;
  } else if (what == "OBJECT_TYPE" || what == "OBJECT_DOMAIN") {
    const QName q = qname(list_strings(field(s, "object")));
    bool found = false;
    for (auto& e : m_.enums)
      if (e.name == q.name && e.schema == q.schema) e.name = to, found = true;
    for (auto& d : m_.domains)
      if (d.name == q.name && d.schema == q.schema) d.name = to, found = true;
    if (!found) return add_raw("alter type", q.name);
    for (auto& t : m_.tables)
      for (auto& c : t.columns)
        if (c.type.name == q.name && c.type.schema == q.schema) c.type.name = to;
  } else if (what == "OBJECT_SCHEMA") {
    const std::string from = str(s, "subname");
    for (auto& n : m_.schemas)
      if (n == from) n = to;
  } else {
    add_raw("rename", str(s, "subname"));
  }
}

void Applier::alter_schema(const json& s) {
  const std::string what = str(s, "objectType");
  const std::string to = model_schema(str(s, "newschema"));
  const json& rel = field(s, "relation");
  if (what == "OBJECT_TABLE") {
    schema::Table* t = find_table_or_report(rel, flag(s, "missing_ok"));
    if (!t) return;
    for (auto& ix : m_.indexes)
      if (ix.table == t->name && ix.schema == t->schema) ix.schema = to;
    for (auto& other : m_.tables)
      for (auto& f : other.foreign_keys)
        if (f.ref_table == t->name && f.ref_schema == t->schema) f.ref_schema = to;
    // Sequences owned by the table's columns move with it.
    for (auto& sq : m_.sequences) {
      auto o = schema::sequence_owner(sq);
      if (o.table == t->name && o.schema == t->schema) {
        o.schema = to;
        sq.owned_by = schema::owner_text(o);
        sq.schema = to;
      }
    }
    t->schema = to;
  } else if (what == "OBJECT_VIEW" || what == "OBJECT_MATVIEW") {
    const QName q = range_var(rel);
    for (auto& v : m_.views)
      if (v.name == q.name && v.schema == q.schema) v.schema = to;
  } else if (what == "OBJECT_SEQUENCE") {
    const QName q = range_var(rel);
    for (auto& sq : m_.sequences)
      if (sq.name == q.name && sq.schema == q.schema) sq.schema = to;
  } else if (what == "OBJECT_TYPE" || what == "OBJECT_DOMAIN") {
    const QName q = qname(list_strings(field(s, "object")));
    for (auto& e : m_.enums)
      if (e.name == q.name && e.schema == q.schema) e.schema = to;
    for (auto& d : m_.domains)
      if (d.name == q.name && d.schema == q.schema) d.schema = to;
    for (auto& t : m_.tables)
      for (auto& c : t.columns)
        if (c.type.name == q.name && c.type.schema == q.schema) c.type.schema = to;
  } else {
    add_raw("alter schema", "");
  }
}

// ----- DROP -----------------------------------------------------------------------------------

void Applier::drop(const json& s) {
  const std::string what = str(s, "removeType");
  const bool missing_ok = flag(s, "missing_ok");
  const json& objects = field(s, "objects");
  if (!objects.is_array()) return;
  auto unknown = [&](std::string_view kind, const std::string& name, std::vector<std::string> cands) {
    if (missing_ok) return;
    int at = stmt_start();
    const std::string last = name.substr(name.rfind('.') == std::string::npos ? 0 : name.rfind('.') + 1);
    for (std::size_t i = first_; i <= last_; ++i)
      if (util::iequals(tok_text(i), last) || tok_text(i) == "\"" + last + "\"") at = toks_[i].start;
    report(kind == "table" ? "sql.unknown-table" : "sql.unknown-object",
           "unknown " + std::string(kind) + " `" + name + "`", at, last.size(),
           diag::did_you_mean(name, cands));
  };
  bool keep_raw = false;
  for (const auto& o : objects) {
    const QName q = qname(list_strings(o));
    const std::string qn = schema::qualified(q.schema, q.name);
    if (what == "OBJECT_TABLE" || what == "OBJECT_FOREIGN_TABLE") {
      auto it = std::find_if(m_.tables.begin(), m_.tables.end(), [&](const schema::Table& t) {
        return t.name == q.name && t.schema == q.schema;
      });
      if (it == m_.tables.end()) {
        // CREATE TABLE ... AS / SELECT ... INTO: a table kept as its statement.
        const auto n = m_.raw.size();
        std::erase_if(m_.raw, [&](const schema::RawStatement& r) { return r.kind == "table" && r.name == qn; });
        if (n == m_.raw.size()) unknown("table", qn, table_names());
        continue;
      }
      std::erase_if(m_.indexes, [&](const schema::Index& ix) { return ix.table == q.name && ix.schema == q.schema; });
      // Triggers, policies and rules live and die with their table, and so do the statements
      // kept verbatim that act on it (ALTER TABLE clauses the model does not hold:
      // ENABLE ROW LEVEL SECURITY ...): the folded schema holds only what exists at the end.
      std::erase_if(m_.raw, [&](const schema::RawStatement& r) {
        if (r.kind == "trigger" || r.kind == "policy" || r.kind == "rule") return r.name.ends_with(" ON " + qn);
        return r.kind == "alter table" && r.name == qn;
      });
      m_.tables.erase(it);
      // Sequences owned by its columns are dropped with it.
      std::erase_if(m_.sequences, [&](const schema::Sequence& sq) {
        const auto o = schema::sequence_owner(sq);
        return o.table == q.name && o.schema == q.schema;
      });
      for (auto& t : m_.tables)
        std::erase_if(t.foreign_keys, [&](const schema::ForeignKey& f) {
          return f.ref_table == q.name && f.ref_schema == q.schema;
        });
    } else if (what == "OBJECT_INDEX") {
      // An index name may be written without its (table's) schema; match on the name then.
      auto it = std::find_if(m_.indexes.begin(), m_.indexes.end(), [&](const schema::Index& ix) {
        return ix.name == q.name && ix.schema == q.schema;
      });
      if (it == m_.indexes.end()) {
        std::vector<std::string> names;
        for (const auto& ix : m_.indexes) names.push_back(schema::qualified(ix.schema, ix.name));
        unknown("index", qn, names);
        continue;
      }
      m_.indexes.erase(it);
    } else if (what == "OBJECT_VIEW" || what == "OBJECT_MATVIEW") {
      const bool mat = what == "OBJECT_MATVIEW";
      auto it = std::find_if(m_.views.begin(), m_.views.end(), [&](const schema::View& v) {
        return v.name == q.name && v.schema == q.schema && v.materialized == mat;
      });
      if (it == m_.views.end()) {
        std::vector<std::string> names;
        for (const auto& v : m_.views) names.push_back(schema::qualified(v.schema, v.name));
        unknown(mat ? "materialized view" : "view", qn, names);
        continue;
      }
      std::erase_if(m_.indexes, [&](const schema::Index& ix) { return ix.table == q.name && ix.schema == q.schema; });
      m_.views.erase(it);
    } else if (what == "OBJECT_TYPE" || what == "OBJECT_DOMAIN") {
      const auto before = m_.enums.size() + m_.domains.size() + m_.ranges.size();
      std::erase_if(m_.enums, [&](const schema::EnumType& e) { return e.name == q.name && e.schema == q.schema; });
      std::erase_if(m_.domains, [&](const schema::Domain& d) { return d.name == q.name && d.schema == q.schema; });
      std::erase_if(m_.ranges, [&](const schema::RangeType& r) { return r.name == q.name && r.schema == q.schema; });
      if (before == m_.enums.size() + m_.domains.size() + m_.ranges.size()) {
        // Composite types are raw statements.
        const auto n = m_.raw.size();
        std::erase_if(m_.raw, [&](const schema::RawStatement& r) { return r.kind == "type" && (r.name == q.name || r.name == qn); });
        if (n == m_.raw.size()) {
          std::vector<std::string> names;
          for (const auto& e : m_.enums) names.push_back(schema::qualified(e.schema, e.name));
          for (const auto& d : m_.domains) names.push_back(schema::qualified(d.schema, d.name));
          unknown("type", qn, names);
        }
      }
    } else if (what == "OBJECT_SEQUENCE") {
      const auto n = m_.sequences.size();
      std::erase_if(m_.sequences, [&](const schema::Sequence& sq) { return sq.name == q.name && sq.schema == q.schema; });
      // Unknown: a serial or identity column's own sequence (kept verbatim), or, with IF EXISTS,
      // nothing at all (a schema file that drops before it creates): a no-op to leave out, as
      // kept at the end of a migration it would drop the sequence created meanwhile.
      if (n == m_.sequences.size() && !missing_ok) keep_raw = true;
    } else if (what == "OBJECT_EXTENSION") {
      const auto n = m_.extensions.size();
      std::erase_if(m_.extensions, [&](const schema::Extension& e) { return e.name == q.name; });
      if (n == m_.extensions.size()) {
        std::vector<std::string> names;
        for (const auto& e : m_.extensions) names.push_back(e.name);
        unknown("extension", q.name, names);
      }
    } else if (what == "OBJECT_SCHEMA") {
      const auto n = m_.schemas.size();
      std::erase(m_.schemas, q.name);
      if (n == m_.schemas.size()) unknown("schema", q.name, m_.schemas);
    } else {
      // Functions, triggers, policies ...: forget the raw statement that created them, or keep
      // the DROP itself when it was not created here.
      const std::string kind = object_kind(what);
      std::string name = qn;
      if (node_type(o) == "ObjectWithArgs") {
        const QName f = qname(strings(field(node_body(o), "objname")));
        name = schema::qualified(f.schema, f.name);
      } else if (what == "OBJECT_TRIGGER" || what == "OBJECT_POLICY" || what == "OBJECT_RULE") {
        auto parts = list_strings(o);  // [schema.]table.name
        if (parts.size() >= 2) {
          const std::string obj = parts.back();
          parts.pop_back();
          const QName tq = qname(parts);
          name = obj + " ON " + schema::qualified(tq.schema, tq.name);
        }
      }
      const auto n = m_.raw.size();
      std::erase_if(m_.raw, [&](const schema::RawStatement& r) {
        return !r.name.empty() && r.name == name &&
               (r.kind == kind || (kind == "function" && r.kind == "procedure") ||
                (kind == "procedure" && r.kind == "function"));
      });
      // Not created here: without IF EXISTS the DROP is kept (it removes something the schema
      // does not create, an extension's object say); with IF EXISTS it is a no-op on the schema
      // folded so far, and kept it would run after — and remove — a later CREATE of that name.
      if (n == m_.raw.size() && !missing_ok) keep_raw = true;
    }
  }
  if (keep_raw) add_raw("drop", "");
}

// ----- COMMENT ON -----------------------------------------------------------------------------

void Applier::comment(const json& s) {
  const std::string what = str(s, "objtype");
  const json& object = field(s, "object");
  const json& text_json = field(s, "comment");
  std::optional<std::string> text;
  if (text_json.is_string()) text = text_json.get<std::string>();
  if (what == "OBJECT_TABLE" || what == "OBJECT_COLUMN") {
    auto parts = list_strings(object);
    std::string col;
    if (what == "OBJECT_COLUMN" && !parts.empty()) {
      col = parts.back();
      parts.pop_back();
    }
    const QName q = qname(parts);
    schema::Table* t = m_.find_table(q.name, q.schema);
    if (!t && what == "OBJECT_TABLE") {
      // COMMENT ON TABLE also accepts views.
      if (m_.find_view(q.name, q.schema)) {
        std::erase_if(m_.comments, [&](const schema::Comment& c) { return c.object_kind == "view" && c.object_name == schema::qualified(q.schema, q.name); });
        if (text) m_.comments.push_back({"view", schema::qualified(q.schema, q.name), *text});
        return;
      }
    }
    if (!t) {
      if (m_.find_view(q.name, q.schema)) {  // a view's column: kept with the other comments
        const std::string name = schema::qualified(q.schema, q.name) + "." + col;
        std::erase_if(m_.comments, [&](const schema::Comment& c) { return c.object_kind == "column" && c.object_name == name; });
        if (text) m_.comments.push_back({"column", name, *text});
        return;
      }
      int at = stmt_start();
      for (std::size_t i = first_; i <= last_; ++i)
        if (util::iequals(tok_text(i), q.name) || tok_text(i) == "\"" + q.name + "\"") {
          at = toks_[i].start;
          break;
        }
      report("sql.unknown-table", "unknown table `" + schema::qualified(q.schema, q.name) + "`", at,
             q.name.size(), diag::did_you_mean(schema::qualified(q.schema, q.name), table_names()));
      return;
    }
    if (what == "OBJECT_TABLE") {
      t->comment = text;
      return;
    }
    int at = stmt_start();
    for (std::size_t i = first_; i <= last_; ++i)
      if (util::iequals(tok_text(i), col) || tok_text(i) == "\"" + col + "\"") at = toks_[i].start;
    if (auto* c = find_column_or_report(*t, col, at)) c->comment = text;
    return;
  }
  const std::string kind = object_kind(what);
  std::string name;
  if (node_type(object) == "ObjectWithArgs") {
    const json& b = node_body(object);
    std::vector<std::string> args;
    if (field(b, "objargs").is_array())
      for (const auto& a : field(b, "objargs"))
        args.push_back(schema::render_type(type_ref(node_body(a)), Dialect::postgresql));
    name = join_dot(strings(field(b, "objname"))) + "(" + util::join(args, ", ") + ")";
  } else {
    const QName q = qname(list_strings(object));
    name = schema::qualified(q.schema, q.name);
    if (what == "OBJECT_EXTENSION" || what == "OBJECT_SCHEMA") name = list_strings(object).empty() ? "" : list_strings(object).back();
    if (what == "OBJECT_TABCONSTRAINT" || what == "OBJECT_TRIGGER" || what == "OBJECT_POLICY" ||
        what == "OBJECT_RULE") {
      auto parts = list_strings(object);
      if (parts.size() >= 2) {
        const std::string obj = parts.back();
        parts.pop_back();
        const QName tq = qname(parts);
        name = obj + " ON " + schema::qualified(tq.schema, tq.name);
      }
    }
  }
  std::erase_if(m_.comments, [&](const schema::Comment& c) { return c.object_kind == kind && c.object_name == name; });
  if (text) m_.comments.push_back(schema::Comment{kind, name, *text});
}

// ----- views ----------------------------------------------------------------------------------

void Applier::create_view(const json& s) {
  const json& rel = field(s, "view");
  schema::View v;
  const QName q = range_var(rel);
  v.schema = q.schema;
  v.name = q.name;
  v.columns = strings(field(s, "aliases"));
  v.loc = loc(num(rel, "location", stmt_start()));
  // The query follows the first top-level AS after the view name.
  std::size_t i = tok_at(num(rel, "location", stmt_start()));
  int depth = 0;
  for (; i <= last_; ++i) {
    if (opens(i)) ++depth;
    else if (closes(i)) --depth;
    else if (depth == 0 && is_kw(i, "as")) break;
  }
  std::size_t end = last_;
  const std::string check = str(s, "withCheckOption");
  if (!check.empty() && check != "NO_CHECK_OPTION") {
    // ... WITH [CASCADED | LOCAL] CHECK OPTION
    std::size_t w = end;
    while (w > i && !is_kw(w, "with")) --w;
    if (w > i) end = w - 1;
  }
  v.query = slice(i + 1, end);
  auto it = std::find_if(m_.views.begin(), m_.views.end(), [&](const schema::View& x) {
    return x.name == v.name && x.schema == v.schema;
  });
  if (it != m_.views.end()) {
    if (flag(s, "replace")) *it = std::move(v);
    else report("sql.duplicate", "view `" + schema::qualified(q.schema, q.name) + "` already exists",
                num(rel, "location", stmt_start()), q.name.size());
    return;
  }
  m_.views.push_back(std::move(v));
}

void Applier::create_matview(const json& s) {
  const json& into = field(s, "into");
  const json& rel = field(into, "rel");
  schema::View v;
  const QName q = range_var(rel);
  v.schema = q.schema;
  v.name = q.name;
  v.materialized = true;
  v.columns = strings(field(into, "colNames"));
  v.loc = loc(num(rel, "location", stmt_start()));
  std::size_t i = tok_at(num(rel, "location", stmt_start()));
  int depth = 0;
  for (; i <= last_; ++i) {
    if (opens(i)) ++depth;
    else if (closes(i)) --depth;
    else if (depth == 0 && is_kw(i, "as")) break;
  }
  std::size_t end = last_;
  // ... WITH [NO] DATA
  if (end > i + 2 && is_kw(end, "data")) {
    std::size_t w = end - 1;
    if (is_kw(w, "no")) --w;
    if (is_kw(w, "with")) end = w - 1;
  }
  v.query = slice(i + 1, end);
  if (m_.find_view(v.name, v.schema)) {
    if (!flag(s, "if_not_exists"))
      report("sql.duplicate", "materialized view `" + schema::qualified(q.schema, q.name) + "` already exists",
             num(rel, "location", stmt_start()), q.name.size());
    return;
  }
  m_.views.push_back(std::move(v));
}

// ----- types, domains, sequences, extensions, schemas ----------------------------------------

void Applier::create_enum(const json& s) {
  schema::EnumType e;
  const QName q = qname(strings(field(s, "typeName")));
  e.schema = q.schema;
  e.name = q.name;
  e.values = strings(field(s, "vals"));
  e.loc = loc(stmt_start());
  if (m_.find_enum(e.name, e.schema)) {
    report("sql.duplicate", "type `" + schema::qualified(e.schema, e.name) + "` already exists",
           stmt_start(), 1);
    return;
  }
  m_.enums.push_back(std::move(e));
}

void Applier::alter_enum(const json& s) {
  const QName q = qname(strings(field(s, "typeName")));
  auto it = std::find_if(m_.enums.begin(), m_.enums.end(), [&](const schema::EnumType& e) {
    return e.name == q.name && e.schema == q.schema;
  });
  if (it == m_.enums.end()) {
    std::vector<std::string> names;
    for (const auto& e : m_.enums) names.push_back(schema::qualified(e.schema, e.name));
    report("sql.unknown-type", "unknown enum type `" + schema::qualified(q.schema, q.name) + "`",
           stmt_start(), 1, diag::did_you_mean(schema::qualified(q.schema, q.name), names));
    return;
  }
  auto& vals = it->values;
  const std::string old_val = str(s, "oldVal");
  const std::string new_val = str(s, "newVal");
  if (!old_val.empty()) {  // RENAME VALUE
    auto v = std::find(vals.begin(), vals.end(), old_val);
    if (v == vals.end()) {
      report("sql.unknown-value", "enum `" + q.name + "` has no value '" + old_val + "'",
             stmt_start(), 1, diag::did_you_mean(old_val, vals));
      return;
    }
    *v = new_val;
    return;
  }
  if (std::find(vals.begin(), vals.end(), new_val) != vals.end()) {
    if (!flag(s, "skipIfNewValExists"))
      report("sql.duplicate", "enum `" + q.name + "` already has value '" + new_val + "'", stmt_start(), 1);
    return;
  }
  const std::string neighbor = str(s, "newValNeighbor");
  if (neighbor.empty()) {
    vals.push_back(new_val);
    return;
  }
  auto n = std::find(vals.begin(), vals.end(), neighbor);
  if (n == vals.end()) {
    report("sql.unknown-value", "enum `" + q.name + "` has no value '" + neighbor + "'", stmt_start(),
           1, diag::did_you_mean(neighbor, vals));
    return;
  }
  vals.insert(flag(s, "newValIsAfter") ? n + 1 : n, new_val);
}

// CREATE TYPE name AS RANGE (SUBTYPE = t [, SUBTYPE_OPCLASS = c] [, COLLATION = c]
// [, CANONICAL = f] [, SUBTYPE_DIFF = f] [, MULTIRANGE_TYPE_NAME = m]).
void Applier::create_range(const json& s) {
  schema::RangeType r;
  const QName q = qname(strings(field(s, "typeName")));
  r.schema = q.schema;
  r.name = q.name;
  r.loc = loc(stmt_start());
  const json& params = field(s, "params");
  if (params.is_array())
    for (const auto& p : params) {
      const json& de = node_body(p);
      const std::string opt = util::to_lower(str(de, "defname"));
      const json& arg = field(de, "arg");
      const QName a = qname(list_strings(arg));
      const std::string sql = schema::quote_qualified(a.schema, a.name, Dialect::postgresql);
      if (opt == "subtype") r.subtype = type_ref(node_type(arg) == "TypeName" ? node_body(arg) : arg);
      else if (opt == "subtype_opclass") r.subtype_opclass = sql;
      else if (opt == "collation") r.collation = join_dot(list_strings(arg));
      else if (opt == "canonical") r.canonical = sql;
      else if (opt == "subtype_diff") r.subtype_diff = sql;
      else if (opt == "multirange_type_name") r.multirange = a.name == schema::default_multirange_name(r.name) ? "" : a.name;
    }
  auto taken = [&](const std::string& schema_name, const std::string& name) {
    return m_.find_enum(name, schema_name) ||
           std::any_of(m_.domains.begin(), m_.domains.end(),
                       [&](const schema::Domain& d) { return d.name == name && d.schema == schema_name; }) ||
           std::any_of(m_.ranges.begin(), m_.ranges.end(), [&](const schema::RangeType& x) {
             return x.schema == schema_name && (x.name == name || x.multirange_name() == name);
           });
  };
  if (taken(r.schema, r.name)) {
    report("sql.duplicate", "type `" + schema::qualified(r.schema, r.name) + "` already exists", stmt_start(), 1);
    return;
  }
  m_.ranges.push_back(std::move(r));
}

void Applier::create_domain(const json& s) {
  schema::Domain d;
  const QName q = qname(strings(field(s, "domainname")));
  d.schema = q.schema;
  d.name = q.name;
  d.type = type_ref(field(s, "typeName"));
  const json& cons = field(s, "constraints");
  std::vector<int> starts;
  if (cons.is_array())
    for (const auto& k : cons) starts.push_back(num(node_body(k), "location", -1));
  if (cons.is_array()) {
    for (const auto& k : cons) {
      const json& con = node_body(k);
      const std::string type = str(con, "contype");
      const int at = num(con, "location", stmt_start());
      if (type == "CONSTR_NOTNULL") d.nullable = false;
      else if (type == "CONSTR_NULL") d.nullable = true;
      else if (type == "CONSTR_DEFAULT") {
        int bound = -1;
        for (int st : starts)
          if (st > at && (bound < 0 || st < bound)) bound = st;
        d.default_expr = default_expr_at(at, bound);
      } else if (type == "CONSTR_CHECK") {
        d.checks.push_back(schema::CheckConstraint{str(con, "conname"), check_expr_at(at), false});
      }
    }
  }
  for (const auto& x : m_.domains)
    if (x.name == d.name && x.schema == d.schema) {
      report("sql.duplicate", "domain `" + schema::qualified(d.schema, d.name) + "` already exists",
             stmt_start(), 1);
      return;
    }
  m_.domains.push_back(std::move(d));
}

void Applier::alter_domain(const json& s) {
  const QName q = qname(strings(field(s, "typeName")));
  auto it = std::find_if(m_.domains.begin(), m_.domains.end(), [&](const schema::Domain& d) {
    return d.name == q.name && d.schema == q.schema;
  });
  const std::string sub = str(s, "subtype");
  if (it == m_.domains.end()) return add_raw("alter domain", q.name);
  if (sub == "N") it->nullable = true;
  else if (sub == "O") it->nullable = false;
  else if (sub == "T") {
    if (field(s, "def").is_null()) it->default_expr.reset();
    else {
      std::size_t i = first_;
      while (i <= last_ && !is_kw(i, "default")) ++i;
      it->default_expr = i < last_ ? norm(i + 1, last_) : std::string();
    }
  } else if (sub == "C") {
    const json& con = node_body(field(s, "def"));
    if (str(con, "contype") == "CONSTR_CHECK")
      it->checks.push_back(schema::CheckConstraint{str(con, "conname"),
                                                   check_expr_at(num(con, "location", stmt_start())), false});
  } else if (sub == "X") {
    std::erase_if(it->checks, [&](const schema::CheckConstraint& c) { return c.name == str(s, "name"); });
  } else {
    add_raw("alter domain", q.name);
  }
}

void Applier::create_sequence(const json& s) {
  const QName q = range_var(field(s, "sequence"));
  for (const auto& x : m_.sequences)
    if (x.name == q.name && x.schema == q.schema) {
      if (!flag(s, "if_not_exists"))
        report("sql.duplicate", "sequence `" + schema::qualified(q.schema, q.name) + "` already exists",
               num(field(s, "sequence"), "location", stmt_start()), q.name.size());
      return;
    }
  schema::Sequence sq;
  sq.schema = q.schema;
  sq.name = q.name;
  sq.loc = loc(num(field(s, "sequence"), "location", stmt_start()));
  apply_seq_options(sq, with_negative_ints(field(s, "options")));
  m_.sequences.push_back(std::move(sq));
}

void Applier::alter_sequence(const json& s) {
  const QName q = range_var(field(s, "sequence"));
  for (auto& x : m_.sequences)
    if (x.name == q.name && x.schema == q.schema) {
      apply_seq_options(x, with_negative_ints(field(s, "options")));
      return;
    }
  // A serial column's implicit sequence (or one created elsewhere): keep the statement.
  add_raw("alter sequence", q.name);
}

void Applier::create_extension(const json& s) {
  schema::Extension e;
  e.name = str(s, "extname");
  const json& opts = field(s, "options");
  if (opts.is_array())
    for (const auto& o : opts)
      if (str(node_body(o), "defname") == "schema") e.schema = model_schema(value_text(field(node_body(o), "arg")));
  for (const auto& x : m_.extensions)
    if (x.name == e.name) {
      if (!flag(s, "if_not_exists"))
        report("sql.duplicate", "extension `" + e.name + "` already exists", stmt_start(), 1);
      return;
    }
  m_.extensions.push_back(std::move(e));
}

void Applier::create_schema(const json& s) {
  const json& elts = field(s, "schemaElts");
  if (elts.is_array() && !elts.empty()) return add_raw("schema", str(s, "schemaname"));
  const std::string name = str(s, "schemaname");
  if (name.empty()) return add_raw("schema", "");  // CREATE SCHEMA AUTHORIZATION role
  if (std::find(m_.schemas.begin(), m_.schemas.end(), name) != m_.schemas.end() || name == "public") {
    if (!flag(s, "if_not_exists") && name != "public")
      report("sql.duplicate", "schema `" + name + "` already exists", stmt_start(), 1);
    return;
  }
  m_.schemas.push_back(name);
}

}  // namespace

void apply_ddl_postgres(schema::Schema& model, const SourceFile& file, diag::Diagnostics& diags) {
  Applier(model, file, diags).run();
}

}  // namespace flash::sql

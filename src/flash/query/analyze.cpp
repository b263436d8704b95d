#include "flash/diag/position.hpp"
#include "flash/query/analyze.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>

#include "flash/query/ast.hpp"
#include "flash/query/catalog.hpp"
#include "flash/query/functions.hpp"
#include "flash/query/params.hpp"
#include "flash/query/parse.hpp"
#include "flash/schema/types.hpp"
#include "flash/sql/lexer.hpp"
#include "flash/util/text.hpp"

namespace flash::query {
namespace {

using namespace ast;
using schema::Dialect;
using schema::TypeCategory;

// A value's type as the analyzer sees it: `known` is false for a parameter or NULL whose type
// no context has fixed yet.
struct Typed {
  ResolvedType type;
  bool known = false;
  bool nullable = true;
  std::string name;   // the column name when the expression is a plain column reference
  std::string table;  // its table
};

// What the context expects of a value: used to type parameters.
struct Hint {
  ResolvedType type;
  bool known = false;
  std::string name;
  bool nullable = false;  // NULL is a valid value here (INSERT/SET of a nullable column)
};

struct RelCol {
  std::string name;
  Typed t;
};

struct Rel {
  std::string name;    // what qualifies its columns: alias, or the table name
  std::string schema;  // the table's schema ("" default)
  std::string table;   // base table name, when it is one
  std::vector<RelCol> cols;
  bool qualified_only = false;  // RETURNING old/new: reachable as old.x only
  // cols[visible..] are hidden (SQLite rowid, FTS hidden columns, PostgreSQL system columns): not
  // part of `*` or of INSERT's default column list; an unqualified name finds them last.
  std::size_t visible = std::string::npos;
};

struct StarItem {
  int rel = -1;
  int col = -1;
  std::string merged;  // a USING/NATURAL column shown once
};

struct Scope {
  const Scope* parent = nullptr;
  std::vector<Rel> rels;
  std::vector<StarItem> star;
  std::map<std::string, RelCol> merged;
  // Output columns of the SELECT, for ORDER BY / GROUP BY by alias.
  const std::vector<RelCol>* outputs = nullptr;
};

struct ParamInfo {
  int number = 0;
  ResolvedType type;
  bool known = false;
  bool nullable = false;
  std::string name;
  bool named = false;  // name given by @name / sqlc.arg: fixed
  bool slice = false;
  std::size_t offset = 0;  // first occurrence in the rewritten SQL
  bool seen = false;
};

bool is_int(TypeCategory c) {
  return c == TypeCategory::int16 || c == TypeCategory::int32 || c == TypeCategory::int64;
}
bool is_float(TypeCategory c) { return c == TypeCategory::float32 || c == TypeCategory::float64; }
bool is_numeric(TypeCategory c) { return is_int(c) || is_float(c) || c == TypeCategory::decimal; }
bool is_time(TypeCategory c) {
  return c == TypeCategory::date || c == TypeCategory::timestamp || c == TypeCategory::timestamptz ||
         c == TypeCategory::time;
}

bool is_comparison(const std::string& op) {
  return op == "=" || op == "<>" || op == "!=" || op == "<" || op == ">" || op == "<=" || op == ">=" ||
         op == "<=>" || op == "LIKE" || op == "ILIKE" || op == "SIMILAR TO" || op == "IS DISTINCT FROM" ||
         op == "~" || op == "~*" || op == "!~" || op == "!~*" || op == "GLOB" || op == "REGEXP" ||
         op == "MATCH" || op == "IS" || op == "IS NOT";
}
bool is_boolean_op(const std::string& op) {
  return is_comparison(op) || op == "AND" || op == "OR" || op == "@>" || op == "<@" || op == "?" ||
         op == "?|" || op == "?&" || op == "&&" || op == "@@" || op == "XOR";
}

// Table lookups by name, built once per analyze_queries run: Schema::find_table is a linear scan
// and every query resolves its tables (1,000 tables × 5,000 queries in bench/synth.py).
class TableIndex {
 public:
  explicit TableIndex(const schema::Schema& s) {
    for (const schema::Table& t : s.tables) {
      by_key_.emplace(key(t.schema, t.name), &t);  // emplace keeps the first, as find_table does
      last_by_name_[t.name] = &t;
    }
  }
  // Schema::find_table(name, schema).
  const schema::Table* find(std::string_view name, std::string_view schema) const {
    auto it = by_key_.find(key(schema, name));
    return it == by_key_.end() ? nullptr : it->second;
  }
  // The last table called `name` in any schema.
  const schema::Table* last_named(const std::string& name) const {
    auto it = last_by_name_.find(name);
    return it == last_by_name_.end() ? nullptr : it->second;
  }

 private:
  static std::string key(std::string_view schema, std::string_view name) {
    std::string k;
    k.reserve(schema.size() + 1 + name.size());
    k.append(schema).push_back('\0');
    k.append(name);
    return k;
  }
  std::unordered_map<std::string, const schema::Table*> by_key_;
  std::unordered_map<std::string, const schema::Table*> last_by_name_;
};

class Analyzer {
 public:
  Analyzer(const schema::Schema& s, diag::Diagnostics& diags, const TableIndex* index = nullptr)
      : schema_(s), d_(s.dialect), diags_(diags), index_(index) {}

  std::optional<Query> run(const QueryBlock& block, const sql::SourceFile& file) {
    file_ = &file;
    block_ = &block;
    errors_ = 0;
    params_.clear();
    embeds_.clear();
    cte_stack_.clear();

    Query q;
    q.name = block.name;
    q.kind = block.kind;
    q.source_sql = block.sql;
    q.comments = block.comments;
    q.required = block.required;
    q.file = file.path;
    q.loc = block.loc;

    rw_ = rewrite_params(block.sql, d_);
    for (const RewrittenStatement& st : rw_.statements) {
      if (!st.error.empty()) {
        error_input("query.param", st.error, st.error_at, 4);
        return std::nullopt;
      }
    }
    q.sql = std::string(util::trim(rw_.sql));
    // A trailing ';' inside the block is not part of the statement.
    while (!q.sql.empty() && q.sql.back() == ';') q.sql = std::string(util::trim(q.sql.substr(0, q.sql.size() - 1)));

    // Parameters as written: numbering and names from the side table.
    for (const RewrittenStatement& st : rw_.statements) {
      for (const ParamSite& p : st.params) {
        ParamInfo& pi = params_[p.number];
        if (!pi.seen) {
          pi.number = p.number;
          pi.offset = p.location;
          pi.seen = true;
        }
        if (p.named) {
          pi.name = p.name;
          pi.named = true;
        }
        pi.nullable = pi.nullable || p.nullable;
        pi.slice = pi.slice || p.slice;
        sites_.push_back(p);
      }
      for (const EmbedSite& e : st.embeds) embeds_[e.location] = e.table_name;
    }

    ParseResult pr = parse_query(rw_.sql, d_);
    if (!pr.statement) {
      error_at(pr.error_code.empty() ? "query.syntax" : pr.error_code, pr.error, pr.error_offset, 1);
      return std::nullopt;
    }
    if (pr.multiple) {
      error_input("query.syntax", "query `" + block.name + "` holds more than one statement", 0, 1,
                  std::string("end each query with ';' and give each its own `-- name:` line"));
      return std::nullopt;
    }
    Statement& st = *pr.statement;
    std::vector<RelCol> cols = statement(st, nullptr, {});
    if (errors_) return std::nullopt;
    if (cols.empty() && st.kind == Statement::Kind::other && st.other_kind == "PRAGMA") cols = pragma_columns();

    // Kinds that return rows need a statement that returns columns.
    bool returns_rows = q.kind == Kind::one || q.kind == Kind::many || q.kind == Kind::batchone ||
                        q.kind == Kind::batchmany;
    if (returns_rows && cols.empty() && st.kind != Statement::Kind::select) {
      diag::Diagnostic d = diag::at_offset("query.kind",
                                           "query `" + q.name + "` is " + std::string(to_string(q.kind)) +
                                               " but its statement returns no columns",
                                           file.path, file.text, offset_of_line(block.loc), 1);
      d.location = block.loc;
      d.hint = st.kind == Statement::Kind::select ? "select at least one column"
                                                  : "use :exec (or :execrows) or add a RETURNING clause";
      diags_.push_back(std::move(d));
      return std::nullopt;
    }
    if (q.kind == Kind::copyfrom && st.kind != Statement::Kind::insert) {
      error_input("query.kind", "query `" + q.name + "` is :copyfrom but is not an INSERT", 0, 6,
                  std::string(":copyfrom needs `INSERT INTO t (cols) VALUES ($1, $2, ...)`"));
      return std::nullopt;
    }
    if (returns_rows) {
      for (RelCol& c : cols) {
        Column out;
        out.name = c.name;
        out.type = c.t.type;
        out.nullable = c.t.nullable;
        out.table = c.t.table;
        q.columns.push_back(std::move(out));
      }
      for (std::size_t i = 0; i < q.columns.size() && i < embed_of_col_.size(); ++i)
        q.columns[i].embed_table = embed_of_col_[i];
      q.returns_table = whole_table(q.columns);
    }

    if (!finish_params(q)) return std::nullopt;
    return q;
  }

 private:
  const schema::Schema& schema_;
  Dialect d_;
  diag::Diagnostics& diags_;
  const TableIndex* index_ = nullptr;  // optional: faster find_table
  const sql::SourceFile* file_ = nullptr;
  const QueryBlock* block_ = nullptr;
  Rewritten rw_;
  int errors_ = 0;
  std::map<int, ParamInfo> params_;
  std::vector<ParamSite> sites_;
  std::map<std::size_t, std::string> embeds_;  // rewritten offset of `t.*` → table
  std::vector<std::string> embed_of_col_;      // embed table of each top-level output column
  std::vector<std::map<std::string, Rel>> cte_stack_;
  std::set<std::string> views_in_progress_;
  bool lenient_ = false;  // statements we do not model: do not report unknown names
  int depth_ = 0;         // select nesting (0 = the query's own result)

  // ---- diagnostics -------------------------------------------------------------------------

  std::size_t offset_of_line(const diag::Location& l) const {
    std::size_t off = 0;
    int line = 1;
    while (off < file_->text.size() && line < l.line) {
      if (file_->text[off] == '\n') ++line;
      ++off;
    }
    return off + static_cast<std::size_t>(std::max(0, l.column - 1));
  }

  void error_input(const std::string& code, const std::string& msg, std::size_t input_off, std::size_t len,
                   std::optional<std::string> hint = std::nullopt, diag::Severity sev = diag::Severity::error) {
    diag::Diagnostic d = diag::at_offset(code, msg, file_->path, file_->text, block_->offset + input_off, len);
    d.hint = std::move(hint);
    d.severity = sev;
    if (sev == diag::Severity::error) ++errors_;
    for (const diag::Diagnostic& o : diags_)
      if (o.code == d.code && o.message == d.message && o.location == d.location) return;
    diags_.push_back(std::move(d));
  }

  // An offset into the rewritten SQL.
  void error_at(const std::string& code, const std::string& msg, std::size_t off, std::size_t len,
                std::optional<std::string> hint = std::nullopt, diag::Severity sev = diag::Severity::error) {
    error_input(code, msg, rw_.to_input(off), len, std::move(hint), sev);
  }

  // ---- types -------------------------------------------------------------------------------

  ResolvedType resolve(schema::TypeRef t) const {
    ResolvedType r;
    int dims = t.array_dims;
    // Domains stand for their base type.
    for (int guard = 0; guard < 8; ++guard) {
      auto it = std::find_if(schema_.domains.begin(), schema_.domains.end(), [&](const schema::Domain& dm) {
        return dm.name == t.name && (t.schema.empty() || dm.schema == t.schema || (t.schema == "public" && dm.schema.empty()));
      });
      if (it == schema_.domains.end()) break;
      schema::TypeRef base = it->type;
      base.array_dims += dims;
      dims = base.array_dims;
      t = base;
    }
    r.sql = t;
    r.array_dims = t.array_dims;
    schema::TypeRef elem = t;
    elem.array_dims = 0;
    r.category = schema::category(elem, d_, &schema_);
    if (r.category == TypeCategory::enum_) {
      if (!t.values.empty()) {
        r.enum_values = t.values;
      } else if (const schema::EnumType* e = schema_.find_enum(t.name, t.schema == "public" ? "" : t.schema)) {
        r.enum_name = e->name;
        r.enum_values = e->values;
      }
    }
    return r;
  }

  Typed builtin(std::string_view neutral, bool nullable) const {
    Typed t;
    t.type = resolve(builtin_type(neutral, d_));
    t.known = !neutral.empty();
    t.nullable = nullable;
    return t;
  }

  Typed from_type_name(const TypeName& tn) const {
    schema::TypeRef t;
    std::string name = tn.names.empty() ? "" : tn.names.back();
    if (tn.names.size() >= 2 && tn.names[tn.names.size() - 2] != "pg_catalog") t.schema = tn.names[tn.names.size() - 2];
    t.name = schema::canonical_type_name(name, d_);
    t.args = tn.args;
    t.array_dims = tn.array_dims;
    Typed out;
    out.type = resolve(t);
    out.known = true;
    return out;
  }

  static ResolvedType array_of(ResolvedType t) {
    ++t.array_dims;
    ++t.sql.array_dims;
    return t;
  }
  static ResolvedType element_of(ResolvedType t) {
    if (t.array_dims > 0) {
      --t.array_dims;
      --t.sql.array_dims;
    }
    return t;
  }

  // ---- parameters --------------------------------------------------------------------------

  // Types that convert into each other implicitly compare as one family.
  static int family(const ResolvedType& t) {
    if (t.array_dims > 0) return 100 + t.array_dims;
    TypeCategory c = t.category;
    if (is_numeric(c)) return 1;
    if (c == TypeCategory::text || c == TypeCategory::enum_ || c == TypeCategory::other) return 0;
    if (is_time(c)) return 3;
    return 10 + static_cast<int>(c);
  }
  std::string type_text(const ResolvedType& t) const {
    std::string n = t.sql.name.empty() ? std::string(schema::to_string(t.category)) : t.sql.name;
    for (int i = 0; i < t.array_dims; ++i) n += "[]";
    return n;
  }

  void bind_param(const Expr& e, const Hint* h) {
    auto it = params_.find(e.param_number);
    if (it == params_.end()) {
      // A placeholder the side table did not see cannot happen; keep going safely.
      ParamInfo pi;
      pi.number = e.param_number;
      pi.offset = e.offset;
      pi.seen = true;
      it = params_.emplace(e.param_number, pi).first;
    }
    ParamInfo& p = it->second;
    if (!h) return;
    if (p.known && h->known && family(p.type) != family(h->type) && !lenient_) {
      error_at("query.param",
               "parameter $" + std::to_string(p.number) + " is used as " + type_text(p.type) + " and as " +
                   type_text(h->type),
               e.offset, std::to_string(p.number).size() + 1,
               std::string("use two parameters, or cast one use explicitly"));
      return;
    }
    if (!p.known && h->known) {
      p.type = h->type;
      p.known = true;
      if (!p.named && p.name.empty()) p.name = h->name;
      if (h->nullable) p.nullable = true;
    } else if (!p.named && p.name.empty() && !h->name.empty()) {
      p.name = h->name;
    }
  }

  Hint hint_from(const Typed& t, bool null_ok = false, const std::string& name = "") const {
    Hint h;
    h.type = t.type;
    h.known = t.known;
    h.name = name.empty() ? t.name : name;
    h.nullable = null_ok && t.nullable;
    return h;
  }

  bool finish_params(Query& q) {
    if (params_.empty()) return true;
    int max = params_.rbegin()->first;
    for (int n = 1; n <= max; ++n) {
      if (!params_.count(n)) {
        const ParamInfo& next = params_.upper_bound(n)->second;
        error_at("query.param",
                 "parameter $" + std::to_string(n) + " is never used but $" + std::to_string(next.number) +
                     " is",
                 next.offset, std::to_string(next.number).size() + 1,
                 std::string("number parameters $1, $2, ... without gaps"));
        return false;
      }
    }
    bool all_required = std::find(q.required.begin(), q.required.end(), "*") != q.required.end();
    std::set<std::string> used;
    for (auto& [n, p] : params_)
      if (p.named) used.insert(p.name);
    for (auto& [n, p] : params_) {
      Param out;
      out.number = n;
      out.type = p.type;
      out.nullable = p.nullable;
      out.is_slice = p.slice;
      if (!p.known) out.type.category = TypeCategory::other;
      if (p.slice && d_ == Dialect::postgresql && out.type.array_dims == 0 && p.known) out.type = array_of(out.type);
      if (p.named) {
        out.name = p.name;
      } else {
        std::string base = p.name.empty() ? "param_" + std::to_string(n) : p.name;
        std::string name = base;
        for (int k = 2; used.count(name); ++k) name = base + "_" + std::to_string(k);
        used.insert(name);
        out.name = name;
      }
      if (all_required || std::find(q.required.begin(), q.required.end(), out.name) != q.required.end())
        out.nullable = false;
      q.params.push_back(std::move(out));
    }
    // ?-engines bind by position: the param of each placeholder in order. In MySQL every `?` is
    // its own placeholder, so a name used twice is one parameter bound twice.
    if (d_ != Dialect::postgresql) {
      std::vector<Param> merged;
      std::map<std::string, int> by_name;
      std::map<int, int> index;  // placeholder number → index in merged
      for (const Param& p : q.params) {
        const ParamInfo& info = params_.at(p.number);
        if (info.named && d_ == Dialect::mysql) {
          auto it = by_name.find(p.name);
          if (it != by_name.end()) {
            index[p.number] = it->second;
            Param& first = merged[static_cast<std::size_t>(it->second)];
            first.nullable = first.nullable || p.nullable;
            // `sqlc.narg(x) IS NULL OR col = sqlc.narg(x)`: the first use gives no type, a later
            // one does — the parameter takes the first known type.
            if (first.type.category == TypeCategory::other && p.type.category != TypeCategory::other) {
              first.type = p.type;
            }
            continue;
          }
          by_name[p.name] = static_cast<int>(merged.size());
        }
        index[p.number] = static_cast<int>(merged.size());
        merged.push_back(p);
      }
      q.params = std::move(merged);
      for (const ParamSite& s : sites_) q.bind_order.push_back(index[s.number]);
    }
    return true;
  }

  // ---- catalog -----------------------------------------------------------------------------

  const schema::Table* find_table(std::string_view name, std::string_view schema) const {
    return index_ ? index_->find(name, schema) : schema_.find_table(name, schema);
  }

  // PostgreSQL INHERITS: the parents' columns come first (in parent order), then the table's own;
  // a column declared again merges with the inherited one (NOT NULL when either says so).
  std::vector<schema::Column> inherited_columns(const schema::Table& t, int depth) const {
    std::vector<schema::Column> cols;
    auto merge = [&cols](const schema::Column& c) {
      for (schema::Column& have : cols)
        if (have.name == c.name) {
          have.nullable = have.nullable && c.nullable;
          return;
        }
      cols.push_back(c);
    };
    auto it = t.options.find("inherits");
    if (it != t.options.end() && depth < 32) {
      for (const std::string& part : util::split(it->second, ',')) {
        std::string q(util::trim(part)), sch;
        if (auto dot = q.find('.'); dot != std::string::npos) {
          sch = q.substr(0, dot);
          q = q.substr(dot + 1);
        }
        if (const schema::Table* parent = find_table(q, sch == "public" ? "" : sch))
          for (const schema::Column& c : inherited_columns(*parent, depth + 1)) merge(c);
      }
    }
    for (const schema::Column& c : t.columns) merge(c);
    return cols;
  }

  std::optional<Rel> relation(const std::string& schema, const std::string& name, std::size_t offset) {
    if (schema.empty()) {
      for (auto it = cte_stack_.rbegin(); it != cte_stack_.rend(); ++it) {
        auto f = it->find(name);
        if (f != it->end()) return f->second;
      }
    }
    std::string sch = schema == "public" ? "" : schema;
    const schema::Table* t = find_table(name, sch);
    if (!t && !sch.empty()) t = find_table(name, schema);
    if (t) {
      Rel r;
      r.name = t->name;
      r.schema = t->schema;
      r.table = t->name;
      std::vector<schema::Column> inherited;
      const bool inherits = t->options.count("inherits") > 0;
      if (inherits) inherited = inherited_columns(*t, 0);
      for (const schema::Column& c : inherits ? inherited : t->columns) {
        RelCol rc;
        rc.name = c.name;
        rc.t.type = resolve(c.type);
        rc.t.known = true;
        rc.t.nullable = c.nullable;
        rc.t.name = c.name;
        rc.t.table = t->name;
        r.cols.push_back(std::move(rc));
      }
      r.visible = r.cols.size();
      add_known(r, system_columns(*t, d_), t->name);
      return r;
    }
    for (const schema::Sequence& seq : schema_.sequences) {
      if (seq.name != name || !(seq.schema == sch || (sch.empty() && seq.schema == "public"))) continue;
      // A sequence reads as a one-row relation.
      Rel r;
      r.name = seq.name;
      r.schema = seq.schema;
      r.cols = {{"last_value", builtin("int64", false)}, {"log_cnt", builtin("int64", false)},
                {"is_called", builtin("bool", false)}};
      return r;
    }
    const schema::View* v = schema_.find_view(name, sch);
    if (v && !views_in_progress_.count(v->name)) return view_relation(*v);
    if (d_ == Dialect::sqlite && (sch.empty() || sch == "main")) {
      if (std::optional<KnownRelation> vt = virtual_table(schema_, name)) {
        Rel r;
        r.name = name;
        r.table = name;
        add_known(r, vt->columns, name);
        r.visible = vt->visible;
        return r;
      }
    }
    if (std::optional<Rel> r = created_as(sch, name)) return r;
    if (d_ == Dialect::postgresql && (schema.empty() || schema == "pg_catalog" || schema == "information_schema")) {
      if (const CatalogRelation* ct = catalog_relation(schema, name)) {
        Rel r;
        r.name = std::string(ct->name);
        r.schema = std::string(ct->schema);
        r.table = r.name;
        for (const auto& [cname, ctype] : ct->columns) {
          RelCol rc;
          rc.name = std::string(cname);
          const std::string_view tn = ctype;
          rc.t.type = resolve(builtin_type(tn, d_));
          if (tn == "sql_identifier" || tn == "character_data" || tn == "yes_or_no") rc.t.type.category = TypeCategory::text;
          if (tn == "cardinal_number") rc.t.type.category = TypeCategory::int32;
          rc.t.known = true;
          rc.t.nullable = ct->nullable;
          rc.t.name = rc.name;
          rc.t.table = r.name;
          r.cols.push_back(std::move(rc));
        }
        return r;
      }
    }
    if (lenient_) return std::nullopt;
    std::vector<std::string> names;
    for (const schema::Table& tb : schema_.tables) names.push_back(tb.name);
    for (const schema::View& vw : schema_.views) names.push_back(vw.name);
    for (const auto& level : cte_stack_)
      for (const auto& [n, r] : level) names.push_back(n);
    auto hint = diag::did_you_mean(name, names);
    error_at("query.unknown-table", "relation \"" + schema::qualified(schema, name) + "\" does not exist", offset,
             schema::qualified(schema, name).size(), hint ? hint : std::nullopt);
    return std::nullopt;
  }

  // SQLite `PRAGMA [schema.]name [= value | (value)]` that reads one value: its column. A setter
  // returns no row, except journal_mode and locking_mode, which return the mode.
  std::vector<RelCol> pragma_columns() const {
    if (d_ != Dialect::sqlite) return {};
    diag::Diagnostics ignored;
    const sql::SourceFile src{"", rw_.sql};
    const std::vector<sql::Token> toks = sql::lex(src, d_, ignored);
    std::size_t i = 1;
    if (i + 2 < toks.size() && toks[i + 1].is(".")) i += 2;
    if (i >= toks.size() || toks[i].kind == sql::TokenKind::end) return {};
    const std::string name = util::to_lower(toks[i].text);
    const bool sets = i + 1 < toks.size() && toks[i + 1].is("=");
    std::optional<KnownColumn> k = sqlite_pragma(name);
    if (!k || (sets && name != "journal_mode" && name != "locking_mode")) return {};
    Rel r;
    add_known(r, {*k}, "");
    for (RelCol& c : r.cols) c.t.table.clear();
    return r.cols;
  }

  // Columns of catalog.hpp's descriptions, appended to `r`.
  void add_known(Rel& r, const std::vector<KnownColumn>& cols, const std::string& table) const {
    for (const KnownColumn& k : cols) {
      RelCol rc;
      rc.name = k.name;
      rc.t = builtin(k.type, k.nullable);
      rc.t.name = k.name;
      rc.t.table = table;
      r.cols.push_back(std::move(rc));
    }
  }

  // A table the schema creates from a query (CREATE TABLE ... AS, PostgreSQL SELECT ... INTO),
  // kept verbatim in Schema::raw: its columns are the query's. PostgreSQL and SQLite copy no
  // NOT NULL into such a table; MySQL keeps the source columns' nullability.
  std::optional<Rel> created_as(const std::string& sch, const std::string& name) {
    for (const schema::RawStatement& raw : schema_.raw) {
      if (raw.kind != "table" || views_in_progress_.count("\x01" + raw.name)) continue;
      std::string rn = raw.name, rs;
      if (auto dot = rn.rfind('.'); dot != std::string::npos) {
        rs = rn.substr(0, dot);
        rn = rn.substr(dot + 1);
      }
      if (rs == "public") rs.clear();
      if (rn != name || rs != sch) continue;
      std::vector<std::string> names;
      const std::string query = create_as_query(raw.sql, names);
      if (query.empty()) return std::nullopt;
      schema::View as;
      as.name = "\x01" + raw.name;  // marks it in progress (a name no view can have)
      as.query = query;
      as.columns = names;
      std::optional<Rel> r = view_relation(as);
      if (!r) return std::nullopt;
      r->name = rn;
      r->schema = rs;
      r->table = rn;
      for (RelCol& c : r->cols) {
        c.t.table = rn;
        if (d_ != Dialect::mysql) c.t.nullable = true;
      }
      return r;
    }
    return std::nullopt;
  }

  // The query of `CREATE TABLE t [(a, b)] AS query [WITH [NO] DATA]` (its column names into
  // `names`), or the statement itself for SELECT ... INTO t; "" when there is none.
  std::string create_as_query(const std::string& sql, std::vector<std::string>& names) const {
    diag::Diagnostics ignored;
    const sql::SourceFile src{"", sql};  // tokens point into it
    const std::vector<sql::Token> toks = sql::lex(src, d_, ignored);
    if (!toks.empty() && (toks[0].is("SELECT") || toks[0].is("WITH"))) return sql;
    int depth = 0;
    bool in_names = false;
    for (std::size_t i = 0; i < toks.size(); ++i) {
      const sql::Token& t = toks[i];
      if (t.is("(")) {
        in_names = depth == 0 && i > 0 && (toks[i - 1].kind == sql::TokenKind::identifier ||
                                          toks[i - 1].kind == sql::TokenKind::quoted_ident) && names.empty();
        ++depth;
        continue;
      }
      if (t.is(")")) {
        --depth;
        continue;
      }
      if (depth == 1 && in_names && (t.kind == sql::TokenKind::identifier || t.kind == sql::TokenKind::quoted_ident)) {
        // A MySQL column definition list `(a INT, ...)` is not a name list: keep only the first word
        // of each item.
        if (i > 0 && (toks[i - 1].is("(") || toks[i - 1].is(","))) names.push_back(t.text);
        continue;
      }
      if (depth != 0) continue;
      const bool as = t.is("AS") && i + 1 < toks.size();
      const sql::Token& q = as ? toks[i + 1] : t;
      // MySQL may leave out AS: CREATE TABLE t [IGNORE | REPLACE] SELECT ...
      const bool bare = !as && d_ == Dialect::mysql && (t.is("SELECT") || t.is("WITH"));
      if (bare || (as && (q.is("SELECT") || q.is("WITH") || q.is("VALUES") || q.is("TABLE") || q.is("(")))) {
        std::string query = sql.substr(q.offset);
        // PostgreSQL: WITH [NO] DATA ends the statement.
        const sql::SourceFile qsrc{"", query};
        const std::vector<sql::Token> rest = sql::lex(qsrc, d_, ignored);
        int depth2 = 0;
        for (std::size_t k = 0; k + 1 < rest.size(); ++k) {
          if (rest[k].is("(")) ++depth2;
          if (rest[k].is(")")) --depth2;
          if (depth2 == 0 && rest[k].is("WITH") && k > 0 &&
              (rest[k + 1].is("DATA") || (rest[k + 1].is("NO") && k + 2 < rest.size() && rest[k + 2].is("DATA")))) {
            query = query.substr(0, rest[k].offset);
            break;
          }
        }
        if (d_ == Dialect::mysql && !names.empty()) names.clear();  // MySQL: column definitions, not names
        return std::string(util::trim(query));
      }
    }
    return "";
  }

  // A view's columns come from analysing its query; problems inside it are the schema's.
  std::optional<Rel> view_relation(const schema::View& v) {
    views_in_progress_.insert(v.name);
    ParseResult pr = parse_query(v.query, d_);
    std::optional<Rel> out;
    if (pr.statement && pr.statement->kind == Statement::Kind::select) {
      diag::Diagnostics scratch;
      Analyzer sub(schema_, scratch, index_);
      sub.file_ = file_;
      sub.block_ = block_;
      sub.lenient_ = true;
      sub.views_in_progress_ = views_in_progress_;
      sub.depth_ = 1;
      std::vector<RelCol> cols = sub.select(*pr.statement->select, nullptr, {});
      Rel r;
      r.name = v.name;
      r.schema = v.schema;
      for (std::size_t i = 0; i < cols.size(); ++i) {
        if (i < v.columns.size()) cols[i].name = v.columns[i];
        cols[i].t.table = v.name;
        cols[i].t.name = cols[i].name;
        r.cols.push_back(cols[i]);
      }
      out = std::move(r);
    }
    views_in_progress_.erase(v.name);
    return out;
  }

  // ---- FROM --------------------------------------------------------------------------------

  static void mark_nullable(Scope& s, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i)
      for (RelCol& c : s.rels[i].cols) c.t.nullable = true;
  }

  void add_rel(Scope& s, Rel r, const Alias& alias) {
    if (!alias.name.empty()) r.name = alias.name;
    for (std::size_t i = 0; i < alias.columns.size() && i < r.cols.size(); ++i) {
      r.cols[i].name = alias.columns[i];
      r.cols[i].t.name = alias.columns[i];
    }
    int idx = static_cast<int>(s.rels.size());
    for (std::size_t i = 0; i < r.cols.size() && i < r.visible; ++i) s.star.push_back({idx, static_cast<int>(i), ""});
    s.rels.push_back(std::move(r));
  }

  void from_item(TableRef& tr, Scope& s) {
    switch (tr.kind) {
      case TableRef::Kind::table: {
        std::optional<Rel> r = relation(tr.schema, tr.name, tr.offset);
        if (!r) {
          // Keep a placeholder so later references do not pile up errors.
          Rel empty;
          empty.name = tr.alias.name.empty() ? tr.name : tr.alias.name;
          s.rels.push_back(std::move(empty));
          return;
        }
        add_rel(s, std::move(*r), tr.alias);
        return;
      }
      case TableRef::Kind::subquery: {
        Rel r;
        r.name = tr.alias.name;
        if (tr.subquery) {
          ++depth_;
          r.cols = select(*tr.subquery, tr.lateral ? &s : s.parent, {});
          --depth_;
        }
        for (RelCol& c : r.cols) c.t.table.clear();
        add_rel(s, std::move(r), tr.alias);
        return;
      }
      case TableRef::Kind::function: {
        Rel r;
        for (ExprPtr& f : tr.functions) {
          std::vector<RelCol> cols = function_columns(*f, s);
          r.cols.insert(r.cols.end(), cols.begin(), cols.end());
        }
        if (tr.with_ordinality) r.cols.push_back({"ordinality", builtin("int64", false)});
        r.name = tr.alias.name.empty() && !tr.functions.empty() ? tr.functions[0]->name : tr.alias.name;
        // A single-column function aliased without column names takes the alias as column name.
        if (tr.alias.columns.empty() && !tr.alias.name.empty() && r.cols.size() == 1) {
          r.cols[0].name = tr.alias.name;
          r.cols[0].t.name = tr.alias.name;
        }
        add_rel(s, std::move(r), tr.alias);
        return;
      }
      case TableRef::Kind::join: {
        std::size_t r0 = s.rels.size(), s0 = s.star.size();
        from_item(*tr.left, s);
        std::size_t r1 = s.rels.size(), s1 = s.star.size();
        from_item(*tr.right, s);
        std::size_t r2 = s.rels.size();
        if (tr.join == JoinKind::left || tr.join == JoinKind::full) mark_nullable(s, r1, r2);
        if (tr.join == JoinKind::right || tr.join == JoinKind::full) mark_nullable(s, r0, r1);
        std::vector<StarItem> left(s.star.begin() + static_cast<long>(s0), s.star.begin() + static_cast<long>(s1));
        std::vector<StarItem> right(s.star.begin() + static_cast<long>(s1), s.star.end());
        std::vector<std::string> using_cols = tr.using_columns;
        if (tr.natural) {
          for (const StarItem& l : left)
            for (const StarItem& r : right)
              if (star_name(s, l) == star_name(s, r)) using_cols.push_back(star_name(s, l));
        }
        if (!using_cols.empty()) {
          std::vector<StarItem> merged_items;
          for (const std::string& u : using_cols) {
            auto li = std::find_if(left.begin(), left.end(), [&](const StarItem& i) { return star_name(s, i) == u; });
            auto ri = std::find_if(right.begin(), right.end(), [&](const StarItem& i) { return star_name(s, i) == u; });
            if (li == left.end() || ri == right.end()) {
              if (!lenient_)
                error_at("query.unknown-column",
                         "column \"" + u + "\" specified in USING clause does not exist in " +
                             (li == left.end() ? "left" : "right") + " table",
                         tr.offset, 1);
              continue;
            }
            RelCol lc = star_col(s, *li), rc = star_col(s, *ri);
            RelCol m = tr.join == JoinKind::right ? rc : lc;
            m.t.nullable = tr.join == JoinKind::full ? (lc.t.nullable && rc.t.nullable) : m.t.nullable;
            if (tr.join == JoinKind::full) m.t.table.clear();
            s.merged[u] = m;
            merged_items.push_back({-1, -1, u});
            left.erase(li);
            right.erase(ri);
          }
          s.star.resize(s0);
          s.star.insert(s.star.end(), merged_items.begin(), merged_items.end());
          s.star.insert(s.star.end(), left.begin(), left.end());
          s.star.insert(s.star.end(), right.begin(), right.end());
        }
        if (tr.on) condition(*tr.on, s);
        return;
      }
    }
  }

  static std::string star_name(const Scope& s, const StarItem& i) {
    if (!i.merged.empty()) return i.merged;
    return s.rels[i.rel].cols[i.col].name;
  }
  static RelCol star_col(const Scope& s, const StarItem& i) {
    if (!i.merged.empty()) return s.merged.at(i.merged);
    return s.rels[i.rel].cols[i.col];
  }

  // Columns produced by a function in FROM: generate_series(1, 10) AS g, unnest(arr) ...
  std::vector<RelCol> function_columns(Expr& f, Scope& s) {
    std::vector<RelCol> out;
    if (f.kind == ExprKind::func && f.name == "unnest" && d_ == Dialect::postgresql) {
      for (ExprPtr& a : f.args) {
        Typed t = expr(*a, s, nullptr);
        Typed e;
        e.type = element_of(t.type);
        e.known = t.known;
        e.nullable = true;
        out.push_back({"unnest", e});
      }
      return out;
    }
    if (f.kind == ExprKind::func && d_ == Dialect::postgresql) {
      // Built-in functions returning rows of several columns.
      std::string n = util::to_lower(f.name);
      if (n == "jsonb_each" || n == "json_each" || n == "jsonb_each_text" || n == "json_each_text") {
        for (ExprPtr& a : f.args) expr(*a, s, nullptr);
        bool text = n.size() > 5 && n.substr(n.size() - 5) == "_text";
        out.push_back({"key", builtin("text", false)});
        out.push_back({"value", builtin(text ? "text" : n[4] == 'b' ? "jsonb" : "json", !text ? false : true)});
        return out;
      }
      if (std::optional<std::vector<RelCol>> cols = user_function_table(f, s)) return *cols;
    }
    if (f.kind == ExprKind::func) {
      if (std::optional<KnownRelation> k = table_function(util::to_lower(f.name), d_)) {
        for (ExprPtr& a : f.args) expr(*a, s, nullptr);
        Rel r;
        add_known(r, k->columns, "");
        for (RelCol& c : r.cols) c.t.table.clear();
        r.cols.resize(k->visible);  // the hidden json/root columns are the arguments
        return r.cols;
      }
    }
    Typed t = expr(f, s, nullptr);
    t.name.clear();
    t.table.clear();
    out.push_back({f.kind == ExprKind::func ? f.name : "column1", t});
    return out;
  }

  // ---- user-defined functions (PostgreSQL CREATE FUNCTION kept in Schema::raw) ---------------

  struct UserFunction {
    Typed result;
    bool returns_set = false;
    std::vector<RelCol> table_cols;  // RETURNS TABLE (...) / SETOF <table>
    std::vector<Typed> args;
  };

  std::optional<UserFunction> user_function(const std::string& name, std::size_t nargs) {
    if (d_ != Dialect::postgresql) return std::nullopt;
    for (const schema::RawStatement& raw : schema_.raw) {
      if (raw.kind != "function" && raw.kind != "aggregate") continue;
      std::string lname = util::to_lower(raw.name);
      auto dot = lname.rfind('.');
      if (dot != std::string::npos) lname = lname.substr(dot + 1);
      if (auto paren = lname.find('('); paren != std::string::npos) lname = lname.substr(0, paren);
      if (lname != name) continue;
      if (raw.kind == "aggregate") {
        if (auto uf = parse_aggregate(raw.sql)) return uf;
        continue;
      }
      if (auto uf = parse_function(raw.sql, nargs)) return uf;
    }
    return std::nullopt;
  }

  // CREATE AGGREGATE name (args) (SFUNC = f, STYPE = t [, FINALFUNC = g ...]): without a final
  // function the result is the state type (nullable: no rows, or a NULL state).
  std::optional<UserFunction> parse_aggregate(const std::string& sql) const {
    diag::Diagnostics ignored;
    const sql::SourceFile src{"", sql};
    const std::vector<sql::Token> toks = sql::lex(src, d_, ignored);
    std::string stype;
    for (std::size_t i = 0; i + 2 < toks.size(); ++i) {
      if (toks[i].is("FINALFUNC")) return std::nullopt;
      if (toks[i].is("STYPE") && toks[i + 1].is("="))
        for (std::size_t k = i + 2; k < toks.size() && !toks[k].is(",") && !toks[k].is(")"); ++k)
          stype += (stype.empty() ? "" : " ") + toks[k].text;
    }
    if (stype.empty()) return std::nullopt;
    UserFunction uf;
    TypeName tn;
    if (auto dot = stype.rfind('.'); dot != std::string::npos) stype = util::trim(stype.substr(dot + 1));
    tn.names = {stype};
    uf.result = from_type_name(tn);
    uf.result.nullable = true;
    return uf;
  }

  std::optional<UserFunction> parse_function(const std::string& sql, std::size_t nargs);

  std::optional<std::vector<RelCol>> user_function_table(Expr& f, Scope& s) {
    std::optional<UserFunction> uf = user_function(f.name, f.args.size());
    if (!uf || uf->table_cols.empty()) return std::nullopt;
    for (std::size_t i = 0; i < f.args.size(); ++i) {
      Hint h;
      if (i < uf->args.size()) h = hint_from(uf->args[i]);
      expr(*f.args[i], s, i < uf->args.size() ? &h : nullptr);
    }
    return uf->table_cols;
  }

  // ---- column references -------------------------------------------------------------------

  std::optional<Typed> lookup(const Expr& e, const Scope& s) {
    const std::string& col = e.name;
    std::string qual = e.qualifier.empty() ? "" : e.qualifier.back();
    std::string qual_schema = e.qualifier.size() >= 2 ? e.qualifier[e.qualifier.size() - 2] : "";
    for (const Scope* sc = &s; sc; sc = sc->parent) {
      if (qual.empty()) {
        auto m = sc->merged.find(col);
        if (m != sc->merged.end()) return m->second.t;
        const RelCol* found = nullptr;
        int count = 0;
        // Declared columns first; hidden ones (rowid, system columns) only when none matches.
        for (int hidden = 0; hidden < 2 && !found; ++hidden)
          for (const Rel& r : sc->rels)
            for (std::size_t i = 0; i < r.cols.size(); ++i)
              if (r.cols[i].name == col && !r.qualified_only && (i >= r.visible) == (hidden == 1)) {
                if (!found) found = &r.cols[i];
                ++count;
                break;
              }
        if (count > 1) {
          std::vector<std::string> where;
          for (const Rel& r : sc->rels)
            for (const RelCol& c : r.cols)
              if (c.name == col && !r.qualified_only) where.push_back("`" + r.name + "." + col + "`");
          error_at("query.ambiguous-column", "column reference \"" + col + "\" is ambiguous", e.offset, col.size(),
                   "qualify it: " + util::join(where, " or "));
          return std::nullopt;
        }
        if (found) return found->t;
      } else {
        for (const Rel& r : sc->rels) {
          if (r.name != qual) continue;
          if (!qual_schema.empty() && qual_schema != r.schema && !(qual_schema == "public" && r.schema.empty())) continue;
          for (const RelCol& c : r.cols)
            if (c.name == col) return c.t;
          if (r.cols.empty()) return Typed{};  // a relation we already reported
          std::vector<std::string> names;
          for (const RelCol& c : r.cols) names.push_back(c.name);
          auto hint = diag::did_you_mean(col, names);
          if (hint) hint = "did you mean `" + qual + "." + hint->substr(hint->find('`') + 1);
          if (!lenient_)
            error_at("query.unknown-column", "column \"" + qual + "." + col + "\" does not exist", e.offset,
                     qual.size() + 1 + col.size(), hint);
          return std::nullopt;
        }
      }
    }
    if (qual.empty() && d_ == Dialect::postgresql) {
      // A relation's name alone is its whole row (row_to_json(a), to_jsonb(c)): a composite value.
      for (const Scope* sc = &s; sc; sc = sc->parent)
        for (const Rel& r : sc->rels)
          if (r.name == col && !r.qualified_only) {
            Typed t;
            t.type.sql.name = r.table.empty() ? "record" : r.table;
            t.type.category = TypeCategory::other;
            t.known = true;
            t.nullable = false;
            return t;
          }
    }
    if (lenient_) return std::nullopt;
    if (!qual.empty()) {
      std::vector<std::string> names;
      for (const Scope* sc = &s; sc; sc = sc->parent)
        for (const Rel& r : sc->rels) names.push_back(r.name);
      error_at("query.unknown-table", "missing FROM-clause entry for table \"" + qual + "\"", e.offset, qual.size(),
               diag::did_you_mean(qual, names));
      return std::nullopt;
    }
    std::vector<std::string> names;
    for (const Scope* sc = &s; sc; sc = sc->parent) {
      for (const Rel& r : sc->rels)
        for (const RelCol& c : r.cols) names.push_back(c.name);
      if (sc->outputs)
        for (const RelCol& c : *sc->outputs) names.push_back(c.name);
    }
    std::optional<std::string> hint = diag::did_you_mean(col, names);
    if (hint) {
      // Name the table too: "did you mean `users.email`?"
      std::string cand = hint->substr(hint->find('`') + 1);
      cand = cand.substr(0, cand.find('`'));
      for (const Scope* sc = &s; sc; sc = sc->parent)
        for (const Rel& r : sc->rels)
          for (const RelCol& c : r.cols)
            if (c.name == cand && !r.name.empty()) {
              hint = "did you mean `" + r.name + "." + cand + "`?";
              goto done;
            }
    done:;
    }
    error_at("query.unknown-column", "column \"" + col + "\" does not exist", e.offset, col.size(), hint);
    return std::nullopt;
  }

  // ---- expressions -------------------------------------------------------------------------

  bool untyped(const Expr& e) const {
    if (e.kind == ExprKind::param) {
      auto it = params_.find(e.param_number);
      return it == params_.end() || !it->second.known;
    }
    if (e.kind == ExprKind::literal) return e.literal == LiteralKind::null;
    if (e.kind == ExprKind::unary && e.arg && e.op != "NOT") return untyped(*e.arg);
    return false;
  }

  void condition(Expr& e, Scope& s) {
    Hint h;
    h.type = builtin("bool", false).type;
    h.known = true;
    expr(e, s, &h);
  }

  Typed param_type(const Expr& e) const {
    Typed t;
    auto it = params_.find(e.param_number);
    if (it != params_.end() && it->second.known) {
      t.type = it->second.type;
      if (it->second.slice && d_ == Dialect::postgresql) t.type = array_of(t.type);
      t.known = true;
      t.nullable = it->second.nullable;
    }
    return t;
  }

  Typed expr(Expr& e, Scope& s, const Hint* h) {
    switch (e.kind) {
      case ExprKind::column: {
        if (e.star) return Typed{};
        std::optional<Typed> t = lookup(e, s);
        return t ? *t : Typed{};
      }
      case ExprKind::literal: {
        switch (e.literal) {
          case LiteralKind::integer: {
            // Beyond int4 the literal is bigint (compare as text: it may not fit in 64 bits).
            std::string digits = e.text[0] == '-' ? e.text.substr(1) : e.text;
            bool big = digits.size() > 10 || (digits.size() == 10 && digits > "2147483647");
            return builtin(d_ == Dialect::postgresql && !big ? "int32" : "int64", false);
          }
          case LiteralKind::number: return builtin(d_ == Dialect::sqlite ? "float64" : "decimal", false);
          case LiteralKind::string: {
            Typed t = builtin("text", false);
            return t;
          }
          case LiteralKind::boolean: return builtin("bool", false);
          case LiteralKind::bits: {
            Typed t;
            t.type = resolve({"bit"});
            t.known = true;
            t.nullable = false;
            return t;
          }
          case LiteralKind::null: {
            Typed t;
            if (h && h->known) {
              t.type = h->type;
              t.known = true;
            }
            t.nullable = true;
            return t;
          }
        }
        return Typed{};
      }
      case ExprKind::param: {
        bind_param(e, h);
        Typed t = param_type(e);
        auto it = params_.find(e.param_number);
        if (it != params_.end()) t.nullable = it->second.nullable;
        return t;
      }
      case ExprKind::unary: {
        if (e.op == "NOT") {
          if (e.arg) condition(*e.arg, s);
          Typed t = builtin("bool", e.arg ? false : true);
          return t;
        }
        Typed t = e.arg ? expr(*e.arg, s, h) : Typed{};
        t.name.clear();
        t.table.clear();
        return t;
      }
      case ExprKind::binary: return binary(e, s, h);
      case ExprKind::func: return func(e, s, h);
      case ExprKind::case_: {
        Typed operand;
        if (e.arg && untyped(*e.arg)) {
          // CASE $1 WHEN true ...: the operand takes the type of the WHEN values.
          for (CaseWhen& w : e.whens) {
            if (!w.when || untyped(*w.when)) continue;
            Typed wt = expr(*w.when, s, nullptr);
            if (wt.known) {
              Hint oh = hint_from(wt);
              oh.name.clear();
              operand = expr(*e.arg, s, &oh);
              break;
            }
          }
        }
        if (e.arg && !operand.known) operand = expr(*e.arg, s, nullptr);
        Typed result;
        bool any_nullable = !e.else_;
        // Result type: the first branch with a known type; it then types the others.
        std::vector<Expr*> branches;
        for (CaseWhen& w : e.whens)
          if (w.then) branches.push_back(w.then.get());
        if (e.else_) branches.push_back(e.else_.get());
        for (CaseWhen& w : e.whens) {
          if (!w.when) continue;
          if (e.arg) {
            Hint oh = hint_from(operand);
            expr(*w.when, s, &oh);
          } else {
            condition(*w.when, s);
          }
        }
        for (Expr* b : branches) {
          if (untyped(*b)) continue;
          Typed t = expr(*b, s, h);
          if (t.nullable) any_nullable = true;
          if (!result.known && t.known) result = t;
        }
        Hint rh = result.known ? hint_from(result) : (h ? *h : Hint{});
        rh.name.clear();
        for (Expr* b : branches) {
          if (!untyped(*b)) continue;
          Typed t = expr(*b, s, &rh);
          if (t.nullable) any_nullable = true;
          if (!result.known && t.known) result = t;
        }
        result.nullable = any_nullable;
        result.name.clear();
        result.table.clear();
        return result;
      }
      case ExprKind::cast: {
        Typed target = from_type_name(e.type);
        Typed inner;
        if (e.arg) {
          Hint ch = hint_from(target);
          ch.name = h ? h->name : "";
          ch.nullable = h && h->nullable;
          inner = expr(*e.arg, s, &ch);
        }
        target.nullable = e.arg ? inner.nullable : true;
        target.name = inner.name;
        return target;
      }
      case ExprKind::in_list: {
        Typed l = e.arg ? expr(*e.arg, s, nullptr) : Typed{};
        Hint lh = hint_from(l);
        bool nullable = l.nullable;
        for (ExprPtr& item : e.args) {
          Typed t = expr(*item, s, &lh);
          nullable = nullable || t.nullable;
          if (e.arg && untyped(*e.arg) && t.known) {
            Hint back = hint_from(t);
            expr(*e.arg, s, &back);
          }
        }
        return builtin("bool", nullable);
      }
      case ExprKind::sublink: {
        std::vector<RelCol> cols;
        if (e.subquery) {
          ++depth_;
          cols = select(*e.subquery, &s, {});
          --depth_;
        }
        switch (e.sublink) {
          case SublinkKind::exists: return builtin("bool", false);
          case SublinkKind::any:
          case SublinkKind::all: {
            if (e.arg && !cols.empty()) {
              Hint ch = hint_from(cols[0].t);
              expr(*e.arg, s, &ch);
            } else if (e.arg) {
              expr(*e.arg, s, nullptr);
            }
            return builtin("bool", true);
          }
          case SublinkKind::scalar: {
            if (cols.empty()) return Typed{};
            Typed t = cols[0].t;
            // No row → NULL, except for an aggregate without GROUP BY, which always yields one.
            if (!one_row(*e.subquery)) t.nullable = true;
            t.name.clear();
            t.table.clear();
            return t;
          }
          case SublinkKind::array: {
            if (cols.empty()) return Typed{};
            Typed t = cols[0].t;
            t.type = array_of(t.type);
            t.nullable = false;
            t.name.clear();
            t.table.clear();
            return t;
          }
        }
        return Typed{};
      }
      case ExprKind::between: {
        Typed l = e.arg ? expr(*e.arg, s, nullptr) : Typed{};
        Hint lh = hint_from(l);
        bool nullable = l.nullable;
        for (ExprPtr& a : e.args) nullable = expr(*a, s, &lh).nullable || nullable;
        return builtin("bool", nullable);
      }
      case ExprKind::is_null: {
        if (e.arg) {
          expr(*e.arg, s, nullptr);
          // `$1 IS NULL OR col = $1`: the query is written to accept NULL for $1.
          const Expr* a = e.arg.get();
          while (a && a->kind == ExprKind::cast) a = a->arg.get();
          if (a && a->kind == ExprKind::param) {
            auto it = params_.find(a->param_number);
            if (it != params_.end()) it->second.nullable = true;
          }
        }
        return builtin("bool", false);
      }
      case ExprKind::is_bool: {
        if (e.arg) condition(*e.arg, s);
        return builtin("bool", false);
      }
      case ExprKind::quantified: {
        // x = ANY($1): the right side is an array of x's type.
        Typed l = e.left ? expr(*e.left, s, nullptr) : Typed{};
        Hint rh = hint_from(l);
        rh.type = array_of(l.type);
        Typed r = e.right ? expr(*e.right, s, l.known ? &rh : nullptr) : Typed{};
        if (e.left && !l.known && r.known) {
          Hint lh = hint_from(r);
          lh.type = element_of(r.type);
          expr(*e.left, s, &lh);
        }
        return builtin("bool", l.nullable);
      }
      case ExprKind::array: {
        Typed elem;
        Hint eh;
        if (h && h->known) {
          eh = *h;
          eh.type = element_of(h->type);
        }
        for (ExprPtr& a : e.args) {
          Typed t = expr(*a, s, elem.known ? nullptr : (h && h->known ? &eh : nullptr));
          if (!elem.known && t.known) elem = t;
        }
        Typed t;
        t.type = array_of(elem.type);
        if (!elem.known && h && h->known) t.type = h->type;
        t.known = elem.known || (h && h->known);
        t.nullable = false;
        return t;
      }
      case ExprKind::subscript: {
        Typed base = e.arg ? expr(*e.arg, s, nullptr) : Typed{};
        Hint ih;
        ih.type = builtin("int32", false).type;
        ih.known = true;
        for (ExprPtr& a : e.args) expr(*a, s, &ih);
        Typed t = base;
        if (!e.slice) t.type = element_of(base.type);
        t.nullable = true;
        t.name.clear();
        return t;
      }
      case ExprKind::row: {
        for (ExprPtr& a : e.args) expr(*a, s, nullptr);
        Typed t;
        t.nullable = false;
        return t;
      }
      case ExprKind::field: {
        if (e.arg) expr(*e.arg, s, nullptr);
        return Typed{};
      }
      case ExprKind::default_: {
        Typed t;
        if (h) {
          t.type = h->type;
          t.known = h->known;
        }
        return t;
      }
      case ExprKind::other: {
        bool saved = lenient_;
        if (e.name == "interval" && e.children.size() == 1 && d_ == Dialect::mysql && e.text.find('_') == std::string::npos) {
          // MySQL INTERVAL n UNIT: a count (compound units like DAY_HOUR take a string).
          Hint nh = hint_from(builtin("int64", false));
          nh.name = "interval";
          expr(*e.children[0], s, &nh);
          return Typed{};
        }
        for (ExprPtr& c : e.children) expr(*c, s, nullptr);
        lenient_ = saved;
        return Typed{};
      }
    }
    return Typed{};
  }

  // SELECT count(*) FROM ...: an aggregate query without GROUP BY returns exactly one row.
  bool one_row(const Select& sel) const {
    if (sel.op != SetOp::none || !sel.group_by.empty() || sel.having || sel.offset_expr || sel.targets.empty())
      return false;
    if (sel.from.empty()) return true;  // SELECT <expr>
    const Expr* e = sel.targets[0].expr.get();
    while (e && e->kind == ExprKind::cast) e = e->arg.get();
    if (!e || e->kind != ExprKind::func || e->over) return false;
    const FunctionSpec* f = find_function(util::to_lower(e->name), d_);
    return f && f->aggregate;
  }

  Typed binary(Expr& e, Scope& s, const Hint* h) {
    const std::string& op = e.op;
    if (op == "AND" || op == "OR" || op == "XOR") {
      bool n = false;
      if (e.left) n = expr(*e.left, s, nullptr).nullable || n;
      if (e.right) n = expr(*e.right, s, nullptr).nullable || n;
      return builtin("bool", n);
    }
    if (!e.left || !e.right) return Typed{};
    bool text_op = op == "LIKE" || op == "ILIKE" || op == "SIMILAR TO" || op == "~" || op == "~*" || op == "!~" ||
                   op == "!~*" || op == "GLOB" || op == "REGEXP";
    bool json_op = op == "->" || op == "->>" || op == "#>" || op == "#>>";
    Typed l, r;
    if (op == "MATCH" && d_ == Dialect::mysql) {
      // MATCH (cols) AGAINST (search): a relevance score.
      expr(*e.left, s, nullptr);
      Hint th = hint_from(builtin("text", false));
      th.name.clear();
      expr(*e.right, s, &th);
      return builtin("float64", false);
    }
    if ((op == "?" || op == "?|" || op == "?&") && d_ == Dialect::postgresql) {
      // jsonb key tests: the right side is a key (text) or keys (text[]).
      l = expr(*e.left, s, nullptr);
      Hint kh = hint_from(builtin(op == "?" ? "text" : "text[]", false));
      kh.name.clear();
      r = expr(*e.right, s, &kh);
      return builtin("bool", l.nullable || r.nullable);
    }
    if (json_op) {
      l = expr(*e.left, s, nullptr);
      Hint kh;
      kh.known = true;
      kh.type = builtin("text", false).type;
      r = expr(*e.right, s, &kh);
    } else if (untyped(*e.left) && !untyped(*e.right)) {
      r = expr(*e.right, s, nullptr);
      Hint lh = hint_from(r);
      if (text_op) lh.type = builtin("text", false).type;
      if (op == "IS DISTINCT FROM") lh.nullable = true;
      if (!is_comparison(op) && !text_op) lh.name = h ? h->name : lh.name;
      l = expr(*e.left, s, &lh);
    } else {
      l = expr(*e.left, s, nullptr);
      Hint rh = hint_from(l);
      if (text_op) {
        rh.type = builtin("text", false).type;
        rh.known = true;
      }
      if (op == "IS DISTINCT FROM") rh.nullable = l.nullable;
      if (!is_comparison(op) && !text_op && untyped(*e.left) && h) rh = *h;
      if (!is_comparison(op) && !text_op && !rh.known && h) rh = *h;
      if ((op == "+" || op == "-") && is_time(l.type.category) && l.known) {
        // timestamp ± interval: the right side is an interval.
        rh.type = builtin("interval", false).type;
        rh.name.clear();
      }
      if (op == "@>" || op == "<@" || op == "&&" || op == "||") rh.name.clear();
      r = expr(*e.right, s, &rh);
      if (op == "?" || op == "?|" || op == "?&") {
        // jsonb key tests: the right side is text (or text[]).
      }
    }
    bool nullable = l.nullable || r.nullable;
    if (op == "IS DISTINCT FROM") return builtin("bool", false);
    if (is_boolean_op(op)) return builtin("bool", nullable);
    if (json_op) {
      if (op == "->>" || op == "#>>") return builtin("text", true);
      Typed t = l;
      if (!t.known || (t.type.category != TypeCategory::json)) t = builtin("jsonb", true);
      if (d_ != Dialect::postgresql) t = builtin(d_ == Dialect::mysql ? "json" : "text", true);
      t.nullable = true;
      t.name.clear();
      t.table.clear();
      return t;
    }
    if (op == "||") {
      if (l.known && l.type.array_dims > 0) {
        Typed t = l;
        t.nullable = nullable;
        t.name.clear();
        t.table.clear();
        return t;
      }
      if (l.known && l.type.category == TypeCategory::json) {
        Typed t = l;
        t.nullable = nullable;
        t.name.clear();
        return t;
      }
      if (d_ == Dialect::mysql) return builtin("bool", nullable);  // || is OR in MySQL
      return builtin("text", nullable);
    }
    // Arithmetic.
    Typed t = arithmetic(op, l, r);
    t.nullable = nullable;
    return t;
  }

  Typed arithmetic(const std::string& op, const Typed& l, const Typed& r) const {
    if (!l.known && !r.known) return Typed{};
    if (!l.known) return strip(r);
    if (!r.known) return strip(l);
    TypeCategory a = l.type.category, b = r.type.category;
    if (is_time(a) || is_time(b) || a == TypeCategory::interval || b == TypeCategory::interval) {
      if (op == "-" && is_time(a) && is_time(b)) {
        if (a == TypeCategory::date && b == TypeCategory::date) return builtin("int32", false);
        return builtin("interval", false);
      }
      if (is_time(a)) return strip(l);
      if (is_time(b)) return strip(r);
      if (a == TypeCategory::interval && is_numeric(b)) return strip(l);
      if (b == TypeCategory::interval && is_numeric(a)) return strip(r);
      return strip(l);
    }
    if (op == "/" && d_ == Dialect::mysql && is_int(a) && is_int(b)) return builtin("decimal", false);
    if (numeric_rank(a) == 0) return strip(l);
    if (numeric_rank(b) == 0) return strip(r);
    return numeric_rank(a) >= numeric_rank(b) ? strip(l) : strip(r);
  }

  static int numeric_rank(TypeCategory c) {
    switch (c) {
      case TypeCategory::int16: return 1;
      case TypeCategory::int32: return 2;
      case TypeCategory::int64: return 3;
      case TypeCategory::decimal: return 4;
      case TypeCategory::float32: return 5;
      case TypeCategory::float64: return 6;
      default: return 0;
    }
  }

  static Typed strip(Typed t) {
    t.name.clear();
    t.table.clear();
    return t;
  }

  Typed func(Expr& e, Scope& s, const Hint* h) {
    std::string name = util::to_lower(e.name);
    if (e.filter) condition(*e.filter, s);
    if (e.over) {
      for (ExprPtr& p : e.over->partition_by) expr(*p, s, nullptr);
      for (OrderItem& o : e.over->order_by)
        if (o.expr) expr(*o.expr, s, nullptr);
    }
    for (OrderItem& o : e.agg_order)
      if (o.expr) expr(*o.expr, s, nullptr);

    // Schema-qualified calls other than pg_catalog are user functions.
    bool builtin_ns = e.func_schema.empty() || e.func_schema.back() == "pg_catalog";
    const FunctionSpec* f = builtin_ns ? find_function(name, d_) : nullptr;
    if (!f) {
      if (std::optional<UserFunction> uf = user_function(name, e.args.size())) {
        for (std::size_t i = 0; i < e.args.size(); ++i) {
          Hint ah;
          if (i < uf->args.size()) ah = hint_from(uf->args[i]);  // named after the function's parameter
          expr(*e.args[i], s, i < uf->args.size() && ah.known ? &ah : nullptr);
        }
        Typed t = uf->result;
        t.nullable = true;
        return t;
      }
      for (ExprPtr& a : e.args) expr(*a, s, nullptr);
      if (!lenient_)
        error_at("query.unknown-function",
                 "function " + (e.func_schema.empty() ? "" : util::join(e.func_schema, ".") + ".") + name +
                     "() is not known to Flash; its result is typed as `other`",
                 e.offset, name.size(), diag::did_you_mean(name, function_names(d_)), diag::Severity::warning);
      return Typed{};
    }

    // Arguments: fixed argument type when the table says so, else typed by each other.
    std::vector<std::string> arg_types;
    if (f->arg_type.find(',') != std::string_view::npos) arg_types = util::split(f->arg_type, ',');
    auto arg_type = [&](std::size_t i) -> std::string {
      if (arg_types.empty()) return std::string(f->arg_type);
      return i < arg_types.size() ? arg_types[i] : "";
    };
    std::vector<Typed> args(e.args.size());
    std::vector<bool> fixed(e.args.size(), false);
    Typed first_known;
    for (std::size_t i = 0; i < e.args.size(); ++i) {
      std::string at = arg_type(i);
      if (!at.empty()) {
        Hint ah = hint_from(builtin(at, false));
        ah.name = name;
        args[i] = expr(*e.args[i], s, &ah);
        fixed[i] = true;
      } else if (!untyped(*e.args[i])) {
        args[i] = expr(*e.args[i], s, nullptr);
      }
      // iif(cond, a, b): a fixed-type argument is not one of the values the result is common to.
      if (!first_known.known && args[i].known && !(fixed[i] && f->ret == FnReturn::common)) first_known = args[i];
    }
    // Array element arguments: array_append(arr, x), array_remove(arr, x), array_position(arr, x),
    // array_prepend(x, arr).
    if (d_ == Dialect::postgresql && e.args.size() >= 2) {
      const bool elem1 = name == "array_append" || name == "array_remove" || name == "array_position" ||
                         name == "array_positions";
      const std::size_t arr = elem1 ? 0 : 1, el = elem1 ? 1 : 0;
      if ((elem1 || name == "array_prepend") && args[arr].known && args[arr].type.array_dims > 0 &&
          untyped(*e.args[el])) {
        Hint eh = hint_from(args[arr]);
        eh.type = element_of(args[arr].type);
        args[el] = expr(*e.args[el], s, &eh);
      }
    }
    for (std::size_t i = 0; i < e.args.size(); ++i) {
      if (fixed[i] || !untyped(*e.args[i])) continue;
      Hint ah;
      // Arguments of one type: coalesce, greatest, nullif, generate_series, mod.
      bool same_type = f->ret == FnReturn::common || name == "nullif" || name == "generate_series" || name == "mod";
      if (first_known.known && same_type) ah = hint_from(first_known);
      else if (h && (f->ret == FnReturn::common || f->ret == FnReturn::arg0)) ah = *h;
      ah.name = ah.name.empty() ? name : ah.name;
      if (f->ret == FnReturn::common && h && !h->name.empty()) ah.name = h->name;
      args[i] = expr(*e.args[i], s, ah.known ? &ah : nullptr);
      if (!first_known.known && args[i].known) first_known = args[i];
    }

    Typed out;
    switch (f->ret) {
      case FnReturn::fixed: out = builtin(f->type, false); break;
      case FnReturn::arg0: if (!args.empty()) out = strip(args[0]); break;
      case FnReturn::arg1: if (args.size() > 1) out = strip(args[1]); break;
      case FnReturn::common:
        out = strip(first_known);
        if (d_ == Dialect::postgresql) {
          // Numeric arguments resolve to the widest of their types: coalesce(smallint, 0) is integer.
          for (const Typed& a : args)
            if (a.known && out.known && a.type.array_dims == 0 && out.type.array_dims == 0 &&
                is_numeric(a.type.category) && is_numeric(out.type.category) &&
                numeric_rank(a.type.category) > numeric_rank(out.type.category))
              out = strip(a);
        }
        break;
      case FnReturn::array_of_arg0:
        if (!args.empty()) {
          out = strip(args[0]);
          out.type = array_of(out.type);
        }
        break;
      case FnReturn::elem_of_arg0:
        if (!args.empty()) {
          out = strip(args[0]);
          out.type = element_of(out.type);
        }
        break;
      case FnReturn::sum:
        if (!args.empty()) {
          TypeCategory c = args[0].type.category;
          if (c == TypeCategory::int16 || c == TypeCategory::int32) out = builtin("int64", true);
          else if (c == TypeCategory::int64) out = builtin("decimal", true);
          else out = strip(args[0]);
        }
        break;
      case FnReturn::avg:
        if (!args.empty()) {
          TypeCategory c = args[0].type.category;
          if (is_float(c)) out = builtin("float64", true);
          else if (c == TypeCategory::interval) out = strip(args[0]);
          else out = builtin("decimal", true);
        }
        break;
    }
    // MySQL: SUM/AVG of an approximate type (FLOAT, DOUBLE) is DOUBLE, of an exact one DECIMAL.
    if (d_ == Dialect::mysql && (name == "sum" || name == "avg") && !args.empty() && is_float(args[0].type.category))
      out = builtin("float64", true);
    // MariaDB types GREATEST/LEAST with a parameter argument as DOUBLE.
    if (d_ == Dialect::mysql && (name == "greatest" || name == "least") &&
        std::any_of(e.args.begin(), e.args.end(), [](const ExprPtr& a) { return a->kind == ExprKind::param; }))
      out = builtin("float64", out.nullable);
    // MySQL FLOOR/CEIL of an exact value is an integer (BIGINT).
    if (d_ == Dialect::mysql && (name == "floor" || name == "ceil" || name == "ceiling") && !args.empty() &&
        (args[0].type.category == TypeCategory::decimal || is_int(args[0].type.category)))
      out = builtin("int64", false);
    if (name == "round" && args.size() == 2 && d_ == Dialect::postgresql) out = builtin("decimal", false);
    if (name == "timezone" && d_ == Dialect::postgresql && out.known) {
      // ts AT TIME ZONE z: a timestamptz becomes local time there, a timestamp is read as local to z.
      if (out.type.category == TypeCategory::timestamptz) out = builtin("timestamp", out.nullable);
      else if (out.type.category == TypeCategory::timestamp) out = builtin("timestamptz", out.nullable);
    }
    if (name == "extract" && d_ == Dialect::postgresql) out = builtin("decimal", false);
    if (d_ == Dialect::postgresql && (name == "sqrt" || name == "exp" || name == "ln" || name == "log" ||
                                      name == "power" || name == "pow")) {
      // Overloaded on numeric and double precision: numeric when an argument is numeric and none
      // is a float (numeric → float8 is implicit, float8 → numeric is not), else double.
      bool any_decimal = false, any_float = false;
      for (const Typed& a : args) {
        any_decimal = any_decimal || a.type.category == TypeCategory::decimal;
        any_float = any_float || is_float(a.type.category);
      }
      if (any_decimal && !any_float) out = builtin("decimal", false);
    }
    switch (f->null) {
      case FnNull::never: out.nullable = false; break;
      case FnNull::always: out.nullable = true; break;
      case FnNull::strict: {
        bool n = false;
        for (const Typed& a : args) n = n || a.nullable;
        out.nullable = n;
        break;
      }
      case FnNull::all_args: {
        bool n = !args.empty();
        for (const Typed& a : args) n = n && a.nullable;
        out.nullable = n;
        break;
      }
    }
    if (f->aggregate && name == "count") out.nullable = false;
    if (name == "percentile_disc" || name == "mode") {
      // Ordered-set aggregates return the type of their WITHIN GROUP (ORDER BY ...) expression.
      if (!e.agg_order.empty() && e.agg_order[0].expr) out = strip(expr(*e.agg_order[0].expr, s, nullptr));
      out.nullable = true;
    }
    out.name = name;  // a parameter compared with lower(x) is called "lower"
    out.table.clear();
    return out;
  }

  // ---- statements --------------------------------------------------------------------------

  // Output name of a result column, PostgreSQL style.
  std::string column_name(const ResultTarget& t, std::size_t index) const {
    if (!t.alias.empty()) return t.alias;
    const Expr* e = t.expr.get();
    while (e) {
      switch (e->kind) {
        case ExprKind::column: return e->name;
        case ExprKind::func: return util::to_lower(e->name);
        case ExprKind::case_: return "case";
        case ExprKind::array: return "array";
        case ExprKind::row: return "row";
        case ExprKind::field: return e->name;
        case ExprKind::sublink:
          if (e->sublink == SublinkKind::exists) return "exists";
          if (e->sublink == SublinkKind::array) return "array";
          if (e->subquery && !e->subquery->targets.empty() && e->subquery->op == SetOp::none)
            return column_name(e->subquery->targets[0], index);
          return "column_" + std::to_string(index + 1);
        case ExprKind::cast:
          if (e->arg && (e->arg->kind == ExprKind::column || e->arg->kind == ExprKind::func ||
                         e->arg->kind == ExprKind::cast || e->arg->kind == ExprKind::case_)) {
            e = e->arg.get();
            continue;
          }
          return e->type.names.empty() ? "column_" + std::to_string(index + 1) : e->type.names.back();
        case ExprKind::subscript:
          e = e->arg.get();
          continue;
        default: return "column_" + std::to_string(index + 1);
      }
    }
    return "column_" + std::to_string(index + 1);
  }

  std::vector<RelCol> targets(std::vector<ResultTarget>& ts, Scope& s, const std::vector<Hint>& hints,
                              std::vector<std::string>* embeds) {
    std::vector<RelCol> out;
    for (std::size_t i = 0; i < ts.size(); ++i) {
      ResultTarget& t = ts[i];
      if (!t.expr) continue;
      Expr& e = *t.expr;
      if (e.kind == ExprKind::column && e.star) {
        std::string embed;
        if (auto it = embeds_.find(e.offset); it != embeds_.end()) embed = it->second;
        if (e.qualifier.empty()) {
          if (s.rels.empty() && !lenient_) error_at("query.syntax", "SELECT * with no tables specified", e.offset, 1);
          for (const StarItem& si : s.star) {
            out.push_back(star_col(s, si));
            if (embeds) embeds->push_back("");
          }
        } else {
          const std::string& q = e.qualifier.back();
          const Rel* rel = nullptr;
          for (const Scope* sc = &s; sc && !rel; sc = sc->parent)
            for (const Rel& r : sc->rels)
              if (r.name == q) {
                rel = &r;
                break;
              }
          if (!rel) {
            if (!lenient_) {
              std::vector<std::string> names;
              for (const Rel& r : s.rels) names.push_back(r.name);
              error_at("query.unknown-table", "missing FROM-clause entry for table \"" + q + "\"", e.offset,
                       q.size(), diag::did_you_mean(q, names));
            }
            continue;
          }
          for (std::size_t k = 0; k < rel->cols.size() && k < rel->visible; ++k) {
            out.push_back(rel->cols[k]);
            if (embeds) embeds->push_back(embed);
          }
        }
        continue;
      }
      const Hint* h = i < hints.size() && hints[i].known ? &hints[i] : nullptr;
      Typed ty = expr(e, s, h);
      RelCol rc;
      rc.name = column_name(t, out.size());
      rc.t = ty;
      rc.t.name = rc.name;
      if (e.kind != ExprKind::column) rc.t.table.clear();
      out.push_back(std::move(rc));
      if (embeds) embeds->push_back("");
    }
    return out;
  }

  void push_with(With& w, const Scope* outer) {
    cte_stack_.emplace_back();
    for (Cte& c : w.ctes) {
      if (!c.query) continue;
      std::vector<RelCol> cols;
      Statement& st = *c.query;
      if (w.recursive && st.kind == Statement::Kind::select && st.select->op != SetOp::none && st.select->larg) {
        // The non-recursive branch defines the columns the recursive one can read; it is
        // analysed again with the whole query, so its diagnostics are dropped here.
        std::size_t before = diags_.size();
        int errs = errors_;
        std::vector<RelCol> base = select(*st.select->larg, outer, {});
        diags_.resize(before);
        errors_ = errs;
        register_cte(c, base);
      }
      ++depth_;
      cols = statement(st, outer, {});
      --depth_;
      register_cte(c, cols);
    }
  }

  void register_cte(const Cte& c, std::vector<RelCol> cols) {
    Rel r;
    r.name = c.name;
    for (std::size_t i = 0; i < cols.size(); ++i) {
      if (i < c.columns.size()) cols[i].name = c.columns[i];
      cols[i].t.name = cols[i].name;
      r.cols.push_back(cols[i]);
    }
    cte_stack_.back()[c.name] = std::move(r);
  }

  // ORDER BY / GROUP BY items may name output columns: ORDER BY prefers them, GROUP BY prefers
  // input columns (PostgreSQL's rules).
  void order_expr(Expr& e, Scope& s, const std::vector<RelCol>& outputs, bool order_by = false) {
    if (e.kind == ExprKind::column && e.qualifier.empty() && !e.star) {
      for (const RelCol& c : outputs)
        if (c.name == e.name) {
          if (order_by) return;
          bool in_scope = false;
          for (const Rel& r : s.rels)
            for (const RelCol& rc : r.cols) in_scope = in_scope || rc.name == e.name;
          if (!in_scope || s.merged.count(e.name)) return;
        }
    }
    if (e.kind == ExprKind::literal && e.literal == LiteralKind::integer) return;  // ORDER BY 1
    expr(e, s, nullptr);
  }

  void limit_offset(Select& sel, Scope& s) {
    for (auto [ptr, name] : {std::pair{sel.limit.get(), "limit"}, std::pair{sel.offset_expr.get(), "offset"}}) {
      if (!ptr) continue;
      Hint h = hint_from(builtin("int64", false));
      h.name = name;
      expr(*ptr, s, &h);
    }
  }

  std::vector<RelCol> select(Select& sel, const Scope* outer, const std::vector<Hint>& hints) {
    std::size_t stack = cte_stack_.size();
    if (!sel.with.ctes.empty()) push_with(sel.with, outer);
    std::vector<RelCol> out;
    if (sel.op != SetOp::none && sel.larg && sel.rarg) {
      std::vector<RelCol> l = select(*sel.larg, outer, hints);
      std::vector<Hint> rhints = hints;
      for (std::size_t i = 0; i < l.size(); ++i) {
        if (i >= rhints.size()) rhints.push_back(hint_from(l[i].t));
        else if (!rhints[i].known) rhints[i] = hint_from(l[i].t);
      }
      std::vector<RelCol> r = select(*sel.rarg, outer, rhints);
      if (l.size() != r.size() && !lenient_)
        error_at("query.syntax", "each " + std::string(sel.op == SetOp::union_ ? "UNION" : sel.op == SetOp::intersect ? "INTERSECT" : "EXCEPT") +
                     " query must have the same number of columns",
                 sel.rarg->offset, 1);
      out = l;
      for (std::size_t i = 0; i < out.size() && i < r.size(); ++i) {
        if (!out[i].t.known && r[i].t.known) out[i].t.type = r[i].t.type, out[i].t.known = true;
        out[i].t.nullable = out[i].t.nullable || r[i].t.nullable;
        if (out[i].t.table != r[i].t.table) out[i].t.table.clear();
      }
      if (depth_ == 0) embed_of_col_.assign(out.size(), "");
      Scope os;
      os.parent = outer;
      os.outputs = &out;
      for (OrderItem& o : sel.order_by)
        if (o.expr) order_expr(*o.expr, os, out, true);
      limit_offset(sel, os);
      cte_stack_.resize(stack);
      return out;
    }

    Scope s;
    s.parent = outer;
    if (!sel.values.empty()) {
      for (std::size_t r = 0; r < sel.values.size(); ++r) {
        for (std::size_t i = 0; i < sel.values[r].size(); ++i) {
          const Hint* h = i < hints.size() && hints[i].known ? &hints[i] : nullptr;
          Typed t = expr(*sel.values[r][i], s, h);
          if (r == 0) out.push_back({"column" + std::to_string(i + 1), strip(t)});
          else if (i < out.size()) {
            if (!out[i].t.known && t.known) out[i].t = strip(t);
            out[i].t.nullable = out[i].t.nullable || t.nullable;
          }
        }
      }
      cte_stack_.resize(stack);
      return out;
    }
    for (TableRef& tr : sel.from) from_item(tr, s);
    std::vector<std::string> embeds;
    out = targets(sel.targets, s, hints, depth_ == 0 ? &embeds : nullptr);
    if (depth_ == 0) embed_of_col_ = embeds;
    if (sel.where) condition(*sel.where, s);
    s.outputs = &out;
    for (ExprPtr& g : sel.group_by)
      if (g) order_expr(*g, s, out);
    if (sel.having) condition(*sel.having, s);
    for (ExprPtr& d : sel.distinct_on)
      if (d) order_expr(*d, s, out);
    for (OrderItem& o : sel.order_by)
      if (o.expr) order_expr(*o.expr, s, out, true);
    limit_offset(sel, s);
    s.outputs = nullptr;
    cte_stack_.resize(stack);
    return out;
  }

  std::optional<Rel> target_rel(const Target& t) {
    std::optional<Rel> r = relation(t.schema, t.name, t.offset);
    if (r && !t.alias.empty()) r->name = t.alias;
    return r;
  }

  // INSERT with a column list (or DEFAULT VALUES) that leaves out a NOT NULL column the database
  // cannot fill itself (no default, identity, serial / AUTO_INCREMENT, generated expression, SQLite
  // rowid alias): the server rejects every execution. A warning here (a BEFORE INSERT trigger may
  // fill it: tables with triggers are not judged); `flash check` reports it when a migration
  // brings it about.
  void unset_not_null(const Insert& ins, const Rel& rel) {
    if (rel.table.empty()) return;
    const schema::Table* t = find_table(rel.table, rel.schema);
    if (!t) return;
    for (const schema::RawStatement& r : schema_.raw)
      if (r.kind == "trigger" && util::to_lower(r.sql).find(util::to_lower(t->name)) != std::string::npos) return;
    for (const schema::Column& c : t->columns) {
      if (c.nullable || c.implied_not_null || c.default_expr || c.identity != schema::Identity::none ||
          c.auto_increment || c.generated != schema::GeneratedKind::none)
        continue;
      if (d_ == schema::Dialect::sqlite && t->primary_key && t->primary_key->columns.size() == 1 &&
          t->primary_key->columns[0] == c.name && util::iequals(c.type.name, "integer"))
        continue;  // rowid alias
      if (domain_has_default(c.type)) continue;
      bool listed = false;
      for (const InsertColumn& ic : ins.columns) listed = listed || ic.name == c.name;
      if (listed) continue;
      error_at("query.missing-not-null",
               "INSERT into \"" + t->name + "\" does not set column \"" + c.name +
                   "\", which is NOT NULL and has no default: the database rejects every row",
               ins.table.offset, ins.table.name.size(),
               "add the column to the INSERT, or give it a DEFAULT in the schema", diag::Severity::warning);
    }
  }

  bool domain_has_default(const schema::TypeRef& t) const {
    for (const schema::Domain& dm : schema_.domains)
      if (dm.name == t.name && dm.default_expr) return true;
    return false;
  }

  const RelCol* target_column(const Rel& rel, const std::string& col, std::size_t offset) {
    for (const RelCol& c : rel.cols)
      if (c.name == col) return &c;
    if (lenient_) return nullptr;
    std::vector<std::string> names;
    for (const RelCol& c : rel.cols) names.push_back(c.name);
    error_at("query.unknown-column",
             "column \"" + col + "\" of relation \"" + (rel.table.empty() ? rel.name : rel.table) + "\" does not exist",
             offset, col.size(), diag::did_you_mean(col, names));
    return nullptr;
  }

  void set_items(std::vector<SetItem>& items, const Rel& rel, Scope& s) {
    for (SetItem& si : items) {
      const RelCol* c = target_column(rel, si.column, si.offset);
      if (!si.value) continue;
      if (!c) {
        expr(*si.value, s, nullptr);
        continue;
      }
      Hint h = hint_from(c->t, true, si.column);
      if (si.subscripted) h.type = element_of(h.type);
      expr(*si.value, s, &h);
    }
  }

  // RETURNING old.* / new.* (PostgreSQL 18): the row before and after the change.
  void add_old_new(Scope& s, const Rel& rel, bool old_null, bool new_null) {
    for (auto [name, null] : {std::pair{"old", old_null}, std::pair{"new", new_null}}) {
      bool taken = false;
      for (const Rel& r : s.rels) taken = taken || r.name == name;
      if (taken) continue;
      Rel r = rel;
      r.name = name;
      for (RelCol& c : r.cols) c.t.nullable = c.t.nullable || null;
      r.qualified_only = true;
      // Not part of `*`: add without star items.
      s.rels.push_back(std::move(r));
    }
  }

  std::vector<RelCol> returning(std::vector<ResultTarget>& rt, Scope& s) {
    std::vector<std::string> embeds;
    std::vector<RelCol> out = targets(rt, s, {}, depth_ == 0 ? &embeds : nullptr);
    if (depth_ == 0) embed_of_col_ = embeds;
    return out;
  }

  std::vector<RelCol> statement(Statement& st, const Scope* outer, const std::vector<Hint>& hints) {
    switch (st.kind) {
      case Statement::Kind::select: return select(*st.select, outer, hints);
      case Statement::Kind::insert: {
        Insert& ins = *st.insert;
        std::size_t stack = cte_stack_.size();
        if (!ins.with.ctes.empty()) push_with(ins.with, outer);
        std::vector<RelCol> out;
        std::optional<Rel> rel = target_rel(ins.table);
        if (rel) {
          std::vector<Hint> col_hints;
          if (ins.columns.empty()) {
            for (std::size_t i = 0; i < rel->cols.size() && i < rel->visible; ++i)
              col_hints.push_back(hint_from(rel->cols[i].t, true, rel->cols[i].name));
          } else {
            for (const InsertColumn& ic : ins.columns) {
              const RelCol* c = target_column(*rel, ic.name, ic.offset);
              col_hints.push_back(c ? hint_from(c->t, true, ic.name) : Hint{});
            }
          }
          Scope vs;
          vs.parent = outer;
          for (auto& row : ins.rows) {
            if (row.size() > col_hints.size() && !lenient_ && !row.empty())
              error_at("query.syntax", "INSERT has more expressions than target columns",
                       row[col_hints.size()]->offset, 1);
            else if (row.size() < col_hints.size() && !ins.columns.empty() && !lenient_ && !row.empty())
              error_at("query.syntax", "INSERT has more target columns than expressions", row.front()->offset, 1);
            for (std::size_t i = 0; i < row.size(); ++i)
              expr(*row[i], vs, i < col_hints.size() ? &col_hints[i] : nullptr);
          }
          if (ins.select) {
            ++depth_;
            std::vector<RelCol> sel_cols = select(*ins.select, outer, col_hints);
            --depth_;
            if (sel_cols.size() > col_hints.size() && !lenient_) {
              std::size_t off = ins.select->offset;
              if (ins.select->op == SetOp::none && ins.select->targets.size() > col_hints.size())
                off = ins.select->targets[col_hints.size()].offset;
              error_at("query.syntax", "INSERT has more expressions than target columns", off, 1);
            }
          }
          if (!lenient_ && (!ins.columns.empty() || ins.default_values)) unset_not_null(ins, *rel);
          Scope s;
          s.parent = outer;
          add_rel(s, *rel, {});
          add_old_new(s, *rel, true, false);
          if (ins.on_conflict) {
            Scope cs;
            cs.parent = outer;
            add_rel(cs, *rel, {});
            Rel excluded = *rel;
            excluded.name = "excluded";
            add_rel(cs, excluded, {});
            for (const std::string& c : ins.on_conflict->columns) target_column(*rel, c, ins.table.offset);
            set_items(ins.on_conflict->set, *rel, cs);
            if (ins.on_conflict->where) condition(*ins.on_conflict->where, cs);
          }
          if (!ins.on_duplicate.empty()) {
            Scope ds;
            ds.parent = outer;
            add_rel(ds, *rel, {});
            set_items(ins.on_duplicate, *rel, ds);
          }
          out = returning(ins.returning, s);
        }
        cte_stack_.resize(stack);
        return out;
      }
      case Statement::Kind::update: {
        Update& up = *st.update;
        std::size_t stack = cte_stack_.size();
        if (!up.with.ctes.empty()) push_with(up.with, outer);
        std::vector<RelCol> out;
        std::optional<Rel> rel = target_rel(up.table);
        Scope s;
        s.parent = outer;
        if (rel) add_rel(s, *rel, {});
        for (TableRef& tr : up.joined) from_item(tr, s);
        for (TableRef& tr : up.from) from_item(tr, s);
        if (rel) set_items(up.set, *rel, s);
        if (up.where) condition(*up.where, s);
        for (OrderItem& o : up.order_by)
          if (o.expr) expr(*o.expr, s, nullptr);
        if (up.limit) {
          Hint h = hint_from(builtin("int64", false));
          h.name = "limit";
          expr(*up.limit, s, &h);
        }
        if (rel && !up.returning.empty()) {
          add_old_new(s, *rel, false, false);
          out = returning(up.returning, s);
        }
        cte_stack_.resize(stack);
        return out;
      }
      case Statement::Kind::delete_: {
        Delete& del = *st.delete_;
        std::size_t stack = cte_stack_.size();
        if (!del.with.ctes.empty()) push_with(del.with, outer);
        std::vector<RelCol> out;
        std::optional<Rel> rel = target_rel(del.table);
        Scope s;
        s.parent = outer;
        if (rel) add_rel(s, *rel, {});
        for (TableRef& tr : del.using_) from_item(tr, s);
        if (del.where) condition(*del.where, s);
        for (OrderItem& o : del.order_by)
          if (o.expr) expr(*o.expr, s, nullptr);
        if (del.limit) {
          Hint h = hint_from(builtin("int64", false));
          h.name = "limit";
          expr(*del.limit, s, &h);
        }
        if (rel && !del.returning.empty()) {
          add_old_new(s, *rel, false, true);
          out = returning(del.returning, s);
        }
        cte_stack_.resize(stack);
        return out;
      }
      case Statement::Kind::other: {
        for (const Target& t : st.other_tables) relation(t.schema, t.name, t.offset);
        bool saved = lenient_;
        lenient_ = true;
        Scope s;
        s.parent = outer;
        for (ExprPtr& e : st.other_exprs) expr(*e, s, nullptr);
        lenient_ = saved;
        return {};
      }
    }
    return {};
  }

  // For :one/:many: the table whose every column is returned, in order, unchanged.
  std::string whole_table(const std::vector<Column>& cols) const {
    if (cols.empty() || cols[0].table.empty()) return "";
    const schema::Table* t = nullptr;
    if (index_) {
      t = index_->last_named(cols[0].table);
    } else {
      for (const schema::Table& tb : schema_.tables)
        if (tb.name == cols[0].table) t = &tb;
    }
    if (!t || t->columns.size() != cols.size()) return "";
    for (std::size_t i = 0; i < cols.size(); ++i) {
      const schema::Column& c = t->columns[i];
      if (cols[i].table != t->name || cols[i].name != c.name || cols[i].nullable != c.nullable) return "";
    }
    return t->name;
  }
};

// A PostgreSQL CREATE FUNCTION kept in Schema::raw: its argument types and what it returns
// (a scalar, SETOF <table>, RETURNS TABLE (...) or OUT parameters).
std::optional<Analyzer::UserFunction> Analyzer::parse_function(const std::string& sql, std::size_t nargs) {
  std::optional<FunctionSignature> sig = parse_function_signature(sql);
  if (!sig) return std::nullopt;
  std::vector<Typed> in_args;
  UserFunction uf;
  for (const FunctionSignature::Arg& a : sig->args) {
    Typed t = from_type_name(a.type);
    t.name = a.name;
    if (a.mode == 't') {
      uf.table_cols.push_back({a.name, t});
      continue;
    }
    if (a.mode == 'o') {
      uf.table_cols.push_back({a.name, t});
      continue;
    }
    in_args.push_back(t);
  }
  if (in_args.size() < nargs) {
    if (!sig->variadic) return std::nullopt;
  }
  uf.args = in_args;
  uf.returns_set = sig->returns_set;
  if (!sig->return_type.names.empty()) {
    uf.result = from_type_name(sig->return_type);
    std::string rn = sig->return_type.names.back();
    if (uf.table_cols.empty()) {
      if (const schema::Table* t = find_table(rn, "")) {
        std::optional<Rel> r = relation("", t->name, 0);
        if (r) uf.table_cols = r->cols;
        uf.result = Typed{};
      }
    }
  }
  if (uf.table_cols.size() == 1 && !sig->returns_set && sig->return_type.names.empty()) {
    uf.result = uf.table_cols[0].t;  // a single OUT parameter
  }
  if (!uf.returns_set && !sig->table && uf.table_cols.size() > 1) uf.result = Typed{};
  if (!uf.returns_set && !sig->table && !sig->return_type.names.empty()) uf.table_cols.clear();
  return uf;
}

}  // namespace

std::optional<Query> analyze_query(const schema::Schema& schema, const QueryBlock& block, const sql::SourceFile& file,
                                   diag::Diagnostics& diags) {
  Analyzer a(schema, diags);
  return a.run(block, file);
}

AnalyzedQueries analyze_queries(const schema::Schema& schema, const std::vector<sql::SourceFile>& query_files,
                                diag::Diagnostics& diags) {
  AnalyzedQueries out;
  out.dialect = schema.dialect;
  std::map<std::string, diag::Location> names;
  const TableIndex index(schema);
  // Reading the files and the duplicate-name check run in file order; the queries are then
  // analysed on a few threads (each only reads the schema), every one into its own slot, and the
  // slots are merged back in order: queries, diagnostics and a thrown error come out exactly as
  // when analysed one after the other.
  struct Slot {
    const sql::SourceFile* file = nullptr;
    QueryBlock block;
    bool analyse = false;
    diag::Diagnostics diags;
    std::optional<Query> query;
    std::exception_ptr failure;
  };
  std::vector<Slot> slots;
  std::size_t to_analyse = 0;
  for (const sql::SourceFile& f : query_files) {
    Slot& read = slots.emplace_back();
    read.file = &f;
    std::vector<QueryBlock> blocks = read_query_file(f, schema.dialect, read.diags);
    for (QueryBlock& b : blocks) {
      Slot& s = slots.emplace_back();
      s.file = &f;
      if (auto it = names.find(b.name); it != names.end()) {
        diag::Diagnostic d;
        d.code = "query.annotation";
        d.message = "query name `" + b.name + "` is used twice";
        d.location = b.loc;
        d.source_line = std::string(diag::line_at(f.text, b.loc.line));
        d.hint = "first used at " + it->second.file + ":" + std::to_string(it->second.line);
        s.diags.push_back(std::move(d));
        continue;
      }
      names[b.name] = b.loc;
      s.block = std::move(b);
      s.analyse = true;
      ++to_analyse;
    }
  }
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < slots.size();) {
      Slot& s = slots[i];
      if (!s.analyse) continue;
      try {
        Analyzer a(schema, s.diags, &index);
        s.query = a.run(s.block, *s.file);
      } catch (...) {
        s.failure = std::current_exception();
      }
    }
  };
  const std::size_t threads =
      std::min<std::size_t>({std::max(1u, std::thread::hardware_concurrency()), 4, (to_analyse + 63) / 64});
  std::vector<std::thread> helpers;
  for (std::size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers) t.join();
  for (Slot& s : slots) {
    for (diag::Diagnostic& d : s.diags) diags.push_back(std::move(d));
    if (s.failure) std::rethrow_exception(s.failure);
    if (s.query) out.queries.push_back(std::move(*s.query));
  }
  return out;
}

}  // namespace flash::query

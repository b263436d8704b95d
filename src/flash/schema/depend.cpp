#include "flash/schema/depend.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <unordered_map>

#include "flash/util/text.hpp"

namespace flash::schema {
namespace {

std::string lower(std::string_view s) { return util::to_lower(s); }

// Word tokens of SQL text, lower-cased, in order; quotes and punctuation separate words (so the
// sequence name inside nextval('s'::regclass) and the words of a function body are found too).
std::vector<std::string> words(std::string_view sql) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : sql) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '_' || c >= 0x80) {
      cur += static_cast<char>(std::tolower(c));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// "s.f(integer)" / "\"F\"" → "f": the unqualified name without arguments or quotes.
std::string last_part(std::string_view qualified_name) {
  std::string n(qualified_name);
  if (auto p = n.find('('); p != std::string::npos) n.erase(p);
  if (auto p = n.rfind('.'); p != std::string::npos) n.erase(0, p + 1);
  std::erase(n, '"');
  std::erase(n, '`');
  return lower(util::trim(n));
}

void add(std::vector<std::string>& v, std::string k) {
  if (std::find(v.begin(), v.end(), k) == v.end()) v.push_back(std::move(k));
}
void add_all(std::vector<std::string>& v, const std::vector<std::string>& ks) {
  for (const auto& k : ks) add(v, k);
}
// A node does not depend on what it creates itself.
DepNode finish(DepNode n) {
  std::erase_if(n.needs, [&](const std::string& k) {
    return std::find(n.provides.begin(), n.provides.end(), k) != n.provides.end();
  });
  return n;
}

bool is_function_kind(std::string_view kind) {
  return kind == "function" || kind == "procedure" || kind == "aggregate";
}

}  // namespace

std::string rel_key(std::string_view schema, std::string_view name) { return "rel:" + qualified(schema, name); }

std::string key_key(std::string_view schema, std::string_view table, const std::vector<std::string>& columns) {
  std::vector<std::string> cols = columns;
  std::sort(cols.begin(), cols.end());  // a foreign key needs the set, in any order
  return "key:" + qualified(schema, table) + "(" + util::join(cols, ",") + ")";
}

std::string col_key(std::string_view schema, std::string_view table, std::string_view column) {
  return "col:" + qualified(schema, table) + "." + std::string(column);
}

std::vector<std::size_t> dependency_order(const std::vector<DepNode>& nodes) {
  const std::size_t n = nodes.size();
  std::unordered_map<std::string, std::vector<std::size_t>> providers;
  for (std::size_t i = 0; i < n; ++i)
    for (const auto& k : nodes[i].provides) providers[k].push_back(i);
  std::vector<std::vector<std::size_t>> dependents(n);
  std::vector<std::size_t> waiting(n, 0);  // unfinished nodes this one needs
  for (std::size_t i = 0; i < n; ++i) {
    std::set<std::size_t> deps;
    for (const auto& k : nodes[i].needs)
      if (auto it = providers.find(k); it != providers.end())
        for (std::size_t j : it->second)
          if (j != i) deps.insert(j);
    waiting[i] = deps.size();
    for (std::size_t j : deps) dependents[j].push_back(i);
  }
  std::set<std::size_t> ready, remaining;
  for (std::size_t i = 0; i < n; ++i) {
    remaining.insert(i);
    if (waiting[i] == 0) ready.insert(i);
  }
  std::vector<std::size_t> order;
  order.reserve(n);
  while (!remaining.empty()) {
    // The earliest node whose needs are met; in a cycle, the earliest remaining one.
    const std::size_t i = ready.empty() ? *remaining.begin() : *ready.begin();
    ready.erase(i);
    remaining.erase(i);
    order.push_back(i);
    for (std::size_t j : dependents[i])
      if (remaining.count(j) && waiting[j] > 0 && --waiting[j] == 0) ready.insert(j);
  }
  return order;
}

Dependencies::Dependencies(const Schema& s) : s_(s) {
  auto declare = [&](const std::string& name, std::string key) {
    auto& v = names_[lower(name)];
    if (std::find(v.begin(), v.end(), key) == v.end()) v.push_back(std::move(key));
  };
  for (const auto& t : s.tables) declare(t.name, rel_key(t.schema, t.name));
  for (const auto& v : s.views) declare(v.name, rel_key(v.schema, v.name));
  for (const auto& e : s.enums) declare(e.name, "type:" + qualified(e.schema, e.name));
  for (const auto& d : s.domains) declare(d.name, "type:" + qualified(d.schema, d.name));
  for (const auto& r : s.ranges) {
    declare(r.name, "type:" + qualified(r.schema, r.name));
    // The multirange type and the constructor functions (named like the types) come with it.
    declare(r.multirange_name(), "type:" + qualified(r.schema, r.name));
  }
  for (const auto& q : s.sequences) declare(q.name, "seq:" + qualified(q.schema, q.name));
  for (const auto& r : s.raw) {
    if (r.name.empty()) continue;
    const std::string kind = lower(r.kind);
    if (is_function_kind(kind)) declare(last_part(r.name), "func:" + last_part(r.name));
    else if (kind == "type") declare(last_part(r.name), "type:" + r.name);
    else if (kind == "table" || kind == "materialized view" || kind == "view")
      declare(last_part(r.name), "rel:" + r.name);
  }
}

std::vector<std::string> Dependencies::lookup(std::string_view sql, bool relations) const {
  std::vector<std::string> out;
  if (sql.empty()) return out;
  for (const auto& w : words(sql)) {
    auto it = names_.find(w);
    if (it == names_.end()) continue;
    for (const auto& k : it->second)
      if (relations || !k.starts_with("rel:")) add(out, k);
  }
  return out;
}

std::vector<std::string> Dependencies::in_expression(std::string_view sql) const { return lookup(sql, false); }
std::vector<std::string> Dependencies::in_query(std::string_view sql) const { return lookup(sql, true); }

std::vector<std::string> Dependencies::of_type(const TypeRef& t) const {
  std::vector<std::string> out;
  const std::string k = "type:" + qualified(t.schema, t.name);
  auto it = names_.find(lower(t.name));
  if (it != names_.end() && std::find(it->second.begin(), it->second.end(), k) != it->second.end()) out.push_back(k);
  // A multirange type comes with its range type (same schema).
  for (const auto& r : s_.ranges)
    if (r.schema == t.schema && r.multirange_name() == t.name) add(out, "type:" + qualified(r.schema, r.name));
  // A table's row type used as a column type.
  const std::string r = rel_key(t.schema, t.name);
  if (it != names_.end() && std::find(it->second.begin(), it->second.end(), r) != it->second.end()) out.push_back(r);
  return out;
}

DepNode Dependencies::column(const Table& t, const Column& c) const {
  DepNode n;
  n.provides.push_back(col_key(t.schema, t.name, c.name));
  n.needs.push_back(rel_key(t.schema, t.name));
  add_all(n.needs, of_type(c.type));
  if (c.default_expr) add_all(n.needs, in_expression(*c.default_expr));
  add_all(n.needs, in_expression(c.generated_expr));
  return finish(std::move(n));
}

DepNode Dependencies::foreign_key(const Table& t, const ForeignKey& fk) const {
  DepNode n;
  n.needs.push_back(rel_key(t.schema, t.name));
  n.needs.push_back(rel_key(fk.ref_schema, fk.ref_table));
  std::vector<std::string> cols = fk.ref_columns;
  if (cols.empty())
    if (const Table* ref = s_.find_table(fk.ref_table, fk.ref_schema); ref && ref->primary_key)
      cols = ref->primary_key->columns;
  if (!cols.empty()) n.needs.push_back(key_key(fk.ref_schema, fk.ref_table, cols));
  return finish(std::move(n));
}

DepNode Dependencies::unique(const Table& t, const std::vector<std::string>& columns) const {
  DepNode n;
  n.provides.push_back(key_key(t.schema, t.name, columns));
  n.needs.push_back(rel_key(t.schema, t.name));
  for (const auto& c : columns) n.needs.push_back(col_key(t.schema, t.name, c));
  return finish(std::move(n));
}

DepNode Dependencies::check(const Table& t, const CheckConstraint& c) const {
  DepNode n;
  n.needs.push_back(rel_key(t.schema, t.name));
  add_all(n.needs, in_expression(c.expr));
  return finish(std::move(n));
}

DepNode Dependencies::table(const Table& t, const std::vector<const ForeignKey*>& fks) const {
  DepNode n;
  n.provides.push_back(rel_key(t.schema, t.name));
  for (const auto& c : t.columns) {
    const DepNode cn = column(t, c);
    add_all(n.provides, cn.provides);
    add_all(n.needs, cn.needs);
  }
  if (t.primary_key) add(n.provides, key_key(t.schema, t.name, t.primary_key->columns));
  for (const auto& u : t.uniques) add(n.provides, key_key(t.schema, t.name, u.columns));
  for (const auto& c : t.checks) add_all(n.needs, in_expression(c.expr));
  for (const auto* fk : fks) add_all(n.needs, foreign_key(t, *fk).needs);
  for (const char* opt : {"partition_of", "inherits"})
    if (auto it = t.options.find(opt); it != t.options.end())
      for (const auto& p : util::split(it->second, ',')) add(n.needs, "rel:" + std::string(util::trim(p)));
  return finish(std::move(n));
}

DepNode Dependencies::table(const Table& t) const {
  std::vector<const ForeignKey*> fks;
  for (const auto& fk : t.foreign_keys) fks.push_back(&fk);
  return table(t, fks);
}

DepNode Dependencies::index(const Index& i) const {
  DepNode n;
  if (!i.name.empty()) n.provides.push_back("idx:" + qualified(i.schema, i.name));
  std::vector<std::string> cols;
  bool plain = i.where.empty();
  for (const auto& p : i.parts) {
    if (p.column.empty()) {
      plain = false;
      add_all(n.needs, in_expression(p.expr));
    } else {
      cols.push_back(p.column);
      add(n.needs, col_key(i.schema, i.table, p.column));
    }
  }
  if (i.unique && plain && !cols.empty()) n.provides.push_back(key_key(i.schema, i.table, cols));
  add(n.needs, rel_key(i.schema, i.table));
  add_all(n.needs, in_expression(i.where));
  return finish(std::move(n));
}

DepNode Dependencies::view(const View& v) const {
  DepNode n;
  n.provides.push_back(rel_key(v.schema, v.name));
  n.needs = in_query(v.query);
  return finish(std::move(n));
}

DepNode Dependencies::raw(const RawStatement& r) const {
  DepNode n;
  const std::string kind = lower(r.kind);
  std::string_view text = r.sql;
  if (!r.name.empty()) {
    if (is_function_kind(kind)) n.provides.push_back("func:" + last_part(r.name));
    else if (kind == "type") n.provides.push_back("type:" + r.name);
    else if (kind == "table" || kind == "materialized view" || kind == "view") n.provides.push_back("rel:" + r.name);
  }
  if (kind == "function" || kind == "procedure") {
    // PostgreSQL checks the body at CREATE time only for LANGUAGE sql; other languages need
    // just what the signature names (argument and result types, a table's row type).
    const auto ws = words(text);
    std::string language;
    bool atomic = false;  // BEGIN ATOMIC ... END bodies are parsed at CREATE time too
    for (std::size_t i = 0; i + 1 < ws.size(); ++i) {
      if (ws[i] == "language") language = ws[i + 1];
      if (ws[i] == "begin" && ws[i + 1] == "atomic") atomic = true;
    }
    if (language != "sql" && !atomic) {
      const auto body = text.find_first_of("$'");
      if (body != std::string_view::npos) text = text.substr(0, body);
    }
  }
  n.needs = in_query(text);
  return finish(std::move(n));
}

DepNode Dependencies::domain(const Domain& d) const {
  DepNode n;
  n.provides.push_back("type:" + qualified(d.schema, d.name));
  n.needs = of_type(d.type);
  if (d.default_expr) add_all(n.needs, in_expression(*d.default_expr));
  for (const auto& c : d.checks) add_all(n.needs, in_expression(c.expr));
  return finish(std::move(n));
}

DepNode Dependencies::enum_type(const EnumType& e) const {
  DepNode n;
  n.provides.push_back("type:" + qualified(e.schema, e.name));
  return n;
}

DepNode Dependencies::range(const RangeType& r) const {
  DepNode n;
  n.provides.push_back("type:" + qualified(r.schema, r.name));
  n.needs = of_type(r.subtype);
  add_all(n.needs, in_expression(r.canonical));
  add_all(n.needs, in_expression(r.subtype_diff));
  return finish(std::move(n));
}

DepNode Dependencies::sequence(const Sequence& q) const {
  DepNode n;
  n.provides.push_back("seq:" + qualified(q.schema, q.name));
  return n;
}

DepNode Dependencies::sequence_owner(const Sequence& q) const {
  DepNode n;
  n.needs.push_back("seq:" + qualified(q.schema, q.name));
  const SequenceOwner o = schema::sequence_owner(q);
  if (!o.empty()) {
    n.needs.push_back(rel_key(o.schema, o.table));
    n.needs.push_back(col_key(o.schema, o.table, o.column));
  }
  return n;
}

DepNode Dependencies::comment(const Comment& c) const {
  DepNode n;
  n.needs = in_query(c.object_name);
  return n;
}

}  // namespace flash::schema

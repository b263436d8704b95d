// diff_schemas: one walk over two neutral models. The dialect only answers through DialectHooks.
//
// Shape of the algorithm:
//  1. Renames. Tables and columns that disappear while another of the same shape appears are
//     rename candidates. Confirmed ones become RENAME operations and are applied to a copy of
//     `from` (`base`), so the rest of the diff compares base with `to` by name; unresolved ones
//     are reported and left alone.
//  2. Every difference becomes an Operation in a phase bucket; the phases are concatenated in an
//     order that respects dependencies (FK drops first, referenced tables created first, enum
//     values added before use, views dropped before the tables they read change ...).
//  3. Flags and lint are derived from the operations.
// Down statements are produced alongside each Up from the side being left, so running the Down
// section (operations reversed) restores `from`.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "flash/diff/hooks.hpp"
#include "flash/diff/plan.hpp"
#include "flash/schema/printer.hpp"
#include "flash/schema/types.hpp"
#include "flash/util/text.hpp"

namespace flash::diff {

using schema::Column;
using schema::Dialect;
using schema::ForeignKey;
using schema::Index;
using schema::Schema;
using schema::Table;
using schema::View;

namespace {

std::string key(std::string_view schema, std::string_view name) { return schema::qualified(schema, name); }
std::string key(const Table& t) { return key(t.schema, t.name); }

bool same_shape(const Table& a, const Table& b) {
  if (a.columns.size() != b.columns.size() || a.columns.empty()) return false;
  for (std::size_t i = 0; i < a.columns.size(); ++i)
    if (a.columns[i].name != b.columns[i].name || a.columns[i].type != b.columns[i].type) return false;
  return true;
}

bool names_table(const std::string& written, const Table& t) {
  return written == t.name || written == key(t);
}

// Identity of constraints and indexes between the two sides: the name, or for unnamed ones the
// content that defines them.
std::string unique_key(const schema::UniqueConstraint& u) {
  return u.name.empty() ? "u:" + util::join(u.columns, ",") : "n:" + u.name;
}
std::string fk_key(const ForeignKey& f) {
  return f.name.empty() ? "f:" + util::join(f.columns, ",") + ">" + f.ref_table + "(" + util::join(f.ref_columns, ",") + ")"
                        : "n:" + f.name;
}
std::string check_key(const schema::CheckConstraint& c) { return c.name.empty() ? "c:" + c.expr : "n:" + c.name; }
std::string index_key(const Index& i, bool per_table) {
  if (!i.name.empty()) return "n:" + (per_table ? key(i.schema, i.table) + ":" : "") + key(i.schema, i.name);
  std::string k = "i:" + key(i.schema, i.table) + ":";
  for (const auto& p : i.parts) k += (p.column.empty() ? p.expr : p.column) + ",";
  return k;
}

// Orders tables so that a table comes after the tables it references. A foreign key that closes
// a cycle (its target is still being visited) is reported in `deferred`.
struct TopoOrder {
  std::vector<const Table*> order;
  std::set<const ForeignKey*> deferred;
};
TopoOrder topo_sort(const std::vector<const Table*>& tables) {
  TopoOrder out;
  std::map<std::string, const Table*> by_key;
  for (const auto* t : tables) by_key[key(*t)] = t;
  std::map<std::string, int> state;  // 1 visiting, 2 done
  std::function<void(const Table*)> visit = [&](const Table* t) {
    state[key(*t)] = 1;
    for (const auto& fk : t->foreign_keys) {
      const std::string target = key(fk.ref_schema, fk.ref_table);
      if (target == key(*t)) continue;
      auto it = by_key.find(target);
      if (it == by_key.end()) continue;
      const int s = state[target];
      if (s == 1) out.deferred.insert(&fk);
      else if (s == 0) visit(it->second);
    }
    state[key(*t)] = 2;
    out.order.push_back(t);
  };
  for (const auto* t : tables)
    if (state[key(*t)] == 0) visit(t);
  return out;
}

// An index as a statement inside a transaction creates it (without CONCURRENTLY).
Index plain(const Index& i) {
  Index c = i;
  c.concurrently = false;
  return c;
}

Table without_fks(const Table& t, const std::set<const ForeignKey*>& drop) {
  Table c = t;
  c.foreign_keys.clear();
  for (const auto& fk : t.foreign_keys)
    if (!drop.count(&fk)) c.foreign_keys.push_back(fk);
  return c;
}

template <class T, class K>
const T* find_by(const std::vector<T>& v, const std::string& k, K keyfn) {
  for (const auto& x : v)
    if (keyfn(x) == k) return &x;
  return nullptr;
}

class Differ {
 public:
  Differ(const Schema& from, const Schema& to, const DiffOptions& opts)
      : h_(hooks_for(to.dialect)), d_(to.dialect), from_(from), base_(from), to_(to), opts_(opts) {
    plan_.dialect = d_;
  }

  Plan run() {
    resolve_table_renames();
    resolve_column_renames();
    keep_serial_sequences();
    diff_schemas_and_extensions();
    diff_enums();
    diff_domains();
    diff_ranges();
    diff_sequences();
    diff_tables();
    diff_indexes();
    diff_views();
    diff_comments();
    diff_raw();
    assemble();
    order_by_dependencies();
    derive_lint();
    return std::move(plan_);
  }

 private:
  const DialectHooks& h_;
  Dialect d_;
  const Schema& from_;
  Schema base_;  // `from` with confirmed renames applied
  const Schema& to_;
  schema::Dependencies deps_{to_};  // what each created object needs (to_ is declared before it)
  const DiffOptions& opts_;
  Plan plan_;

  // Phase buckets, concatenated in this order by assemble().
  std::vector<Operation> pre_, raw_drops_, drop_views_, renames_, seq_disown_, drop_fks_, drop_constraints_,
      drop_indexes_, enum_early_, types_, create_tables_, alter_, seq_own_, drop_tables_, enum_rebuild_,
      add_constraints_, add_fks_, create_indexes_, create_views_, comments_, drop_types_, post_, raw_;

  std::set<std::string> excluded_tables_;                       // keys, both sides
  std::set<std::pair<std::string, std::string>> excluded_cols_;  // (table key, column), both sides
  std::set<std::string> created_tables_, dropped_tables_, rebuilt_tables_;
  std::set<std::string> blocked_tables_;  // tables whose column changes need their views recycled

  Operation op(OpKind k, const std::string& schema, const std::string& table, const std::string& object,
               std::string comment) {
    Operation o;
    o.kind = k;
    o.schema = schema;
    o.table = table;
    o.object = object;
    o.comment = std::move(comment);
    return o;
  }
  static void push(std::vector<Operation>& bucket, Operation o) {
    if (o.up.empty() && o.down.empty()) return;
    bucket.push_back(std::move(o));
  }

  // ---- 1. renames --------------------------------------------------------------------------

  // A serial column that the target has as a plain column with <table>_<column>_seq as a sequence
  // of its own (its default dropped or replaced, its type changed: the catalog keeps the sequence,
  // owned by the column) has the same sequence on both sides. The base is written in that form
  // too, so that the plan changes the default and the sequence's options and never drops and
  // recreates the sequence (which would restart its numbering).
  void keep_serial_sequences() {
    if (d_ != Dialect::postgresql) return;
    for (auto& t : base_.tables)
      for (auto& c : t.columns) {
        if (!c.auto_increment) continue;
        const Table* tt = to_.find_table(t.name, t.schema);
        const Column* tc = tt ? tt->find_column(c.name) : nullptr;
        if (tc && tc->auto_increment) continue;
        const std::string seq = schema::pg_serial_sequence_name(t.name, c.name);
        const bool kept = std::any_of(to_.sequences.begin(), to_.sequences.end(), [&](const schema::Sequence& q) {
          return q.schema == t.schema && q.name == seq;
        });
        if (kept) base_.sequences.push_back(schema::detach_serial(t, c, seq));
      }
  }

  void rename_table_in_base(Table& t, const std::string& to_name) {
    const std::string old = t.name, schema = t.schema;
    t.name = to_name;
    for (auto& other : base_.tables)
      for (auto& fk : other.foreign_keys)
        if (fk.ref_table == old && fk.ref_schema == schema) fk.ref_table = to_name;
    for (auto& i : base_.indexes)
      if (i.table == old && i.schema == schema) i.table = to_name;
    for (auto& sq : base_.sequences) {
      auto o = schema::sequence_owner(sq);
      if (o.table == old && o.schema == schema) {
        o.table = to_name;
        sq.owned_by = schema::owner_text(o);
      }
    }
  }

  void resolve_table_renames() {
    std::vector<Table*> removed;
    std::vector<const Table*> added;
    for (auto& t : base_.tables)
      if (!to_.find_table(t.name, t.schema)) removed.push_back(&t);
    for (const auto& t : to_.tables)
      if (!base_.find_table(t.name, t.schema)) added.push_back(&t);
    std::set<const void*> used;
    for (const auto& r : opts_.renames) {
      if (!r.table.empty()) continue;
      Table* f = nullptr;
      const Table* t = nullptr;
      for (auto* x : removed)
        if (!used.count(x) && names_table(r.from, *x)) f = x;
      for (const auto* x : added)
        if (!used.count(x) && (names_table(r.to, *x) || (f && x->schema == f->schema && x->name == r.to))) t = x;
      if (!f || !t || f->schema != t->schema) {
        plan_.warnings.push_back({"lint.rename-unmatched", "rename " + r.from + " -> " + r.to +
                                                               " does not match a dropped and an added table"});
        continue;
      }
      used.insert(f);
      used.insert(t);
      Operation o = op(OpKind::rename_table, f->schema, f->name, t->name, "rename table " + f->name + " to " + t->name);
      o.up = {h_.rename_table(*f, f->name, t->name)};
      o.down = {h_.rename_table(*f, t->name, f->name)};
      renames_.push_back(std::move(o));
      plan_.applied_renames.push_back({"", f->name, t->name});
      rename_table_in_base(*f, t->name);
    }
    for (auto* f : removed) {
      if (used.count(f)) continue;
      for (const auto* t : added) {
        if (used.count(t) || t->schema != f->schema || !same_shape(*f, *t)) continue;
        if (opts_.accept_drops) continue;
        plan_.unresolved_renames.push_back({"", f->name, t->name});
        excluded_tables_.insert(key(*f));
        excluded_tables_.insert(key(*t));
      }
    }
  }

  void rename_column_in_base(Table& t, const std::string& from, const std::string& to) {
    auto ren = [&](std::vector<std::string>& cols) {
      for (auto& c : cols)
        if (c == from) c = to;
    };
    const std::string quoted = schema::quote_ident(to, d_);
    t.find_column(from)->name = to;
    for (auto& sq : base_.sequences) {
      auto o = schema::sequence_owner(sq);
      if (o.table == t.name && o.schema == t.schema && o.column == from) {
        o.column = to;
        sq.owned_by = schema::owner_text(o);
      }
    }
    if (t.primary_key) ren(t.primary_key->columns);
    for (auto& u : t.uniques) ren(u.columns);
    for (auto& fk : t.foreign_keys) ren(fk.columns);
    for (auto& c : t.checks) c.expr = detail::replace_ident(c.expr, from, quoted, d_);
    for (auto& c : t.columns)
      if (!c.generated_expr.empty()) c.generated_expr = detail::replace_ident(c.generated_expr, from, quoted, d_);
    for (auto& other : base_.tables)
      for (auto& fk : other.foreign_keys)
        if (fk.ref_table == t.name && fk.ref_schema == t.schema) ren(fk.ref_columns);
    for (auto& i : base_.indexes) {
      if (i.table != t.name || i.schema != t.schema) continue;
      for (auto& p : i.parts) {
        if (p.column == from) p.column = to;
        if (!p.expr.empty()) p.expr = detail::replace_ident(p.expr, from, quoted, d_);
      }
      ren(i.include);
      if (!i.where.empty()) i.where = detail::replace_ident(i.where, from, quoted, d_);
    }
  }

  void resolve_column_renames() {
    for (const auto& r : opts_.renames) {
      if (r.table.empty()) continue;
      // The table may be named by its new or its old name.
      Table* bt = nullptr;
      for (auto& t : base_.tables)
        if (names_table(r.table, t)) bt = &t;
      if (!bt)
        for (const auto& ar : plan_.applied_renames)
          if (ar.table.empty() && ar.from == r.table)
            for (auto& t : base_.tables)
              if (t.name == ar.to) bt = &t;
      const Table* tt = bt ? to_.find_table(bt->name, bt->schema) : nullptr;
      if (!bt || !tt || !bt->find_column(r.from) || tt->find_column(r.from) || !tt->find_column(r.to) ||
          bt->find_column(r.to)) {
        plan_.warnings.push_back({"lint.rename-unmatched", "rename " + r.table + "." + r.from + " -> " + r.to +
                                                               " does not match a dropped and an added column"});
        continue;
      }
      Operation o = op(OpKind::rename_column, bt->schema, bt->name, r.from,
                       "rename column " + bt->name + "." + r.from + " to " + r.to);
      o.columns = {r.to};
      o.up = {h_.rename_column(*bt, r.from, r.to)};
      o.down = {h_.rename_column(*bt, r.to, r.from)};
      renames_.push_back(std::move(o));
      plan_.applied_renames.push_back({bt->name, r.from, r.to});
      rename_column_in_base(*bt, r.from, r.to);
    }
    if (opts_.accept_drops) return;
    for (const auto& bt : base_.tables) {
      const Table* tt = to_.find_table(bt.name, bt.schema);
      if (!tt || excluded_tables_.count(key(bt))) continue;
      for (const auto& c : bt.columns) {
        if (tt->find_column(c.name)) continue;
        for (const auto& n : tt->columns) {
          if (bt.find_column(n.name) || n.type != c.type) continue;
          plan_.unresolved_renames.push_back({bt.name, c.name, n.name});
          excluded_cols_.insert({key(bt), c.name});
          excluded_cols_.insert({key(bt), n.name});
        }
      }
    }
  }

  // ---- 2. schemas, extensions, enums ---------------------------------------------------------

  void diff_schemas_and_extensions() {
    auto has = [](const std::vector<std::string>& v, const std::string& s) {
      return std::find(v.begin(), v.end(), s) != v.end();
    };
    for (const auto& s : to_.schemas)
      if (!has(base_.schemas, s)) {
        Operation o = op(OpKind::create_schema, s, "", s, "create schema " + s);
        o.up = h_.create_schema(s);
        o.down = h_.drop_schema(s);
        push(pre_, std::move(o));
      }
    for (const auto& e : to_.extensions)
      if (!find_by(base_.extensions, e.name, [](const auto& x) { return x.name; })) {
        Operation o = op(OpKind::create_extension, e.schema, "", e.name, "create extension " + e.name);
        o.up = h_.create_extension(e);
        o.down = h_.drop_extension(e);
        push(pre_, std::move(o));
      }
    for (auto it = base_.extensions.rbegin(); it != base_.extensions.rend(); ++it)
      if (!find_by(to_.extensions, it->name, [](const auto& x) { return x.name; })) {
        Operation o = op(OpKind::drop_extension, it->schema, "", it->name, "drop extension " + it->name);
        o.up = h_.drop_extension(*it);
        o.down = h_.create_extension(*it);
        o.destructive = true;  // objects of the extension (types, functions) go with it
        o.lossy_down = true;
        push(post_, std::move(o));
      }
    for (auto it = base_.schemas.rbegin(); it != base_.schemas.rend(); ++it)
      if (!has(to_.schemas, *it)) {
        Operation o = op(OpKind::drop_schema, *it, "", *it, "drop schema " + *it);
        o.up = h_.drop_schema(*it);
        o.down = h_.create_schema(*it);
        push(post_, std::move(o));
      }
  }

  std::vector<DialectHooks::EnumUser> enum_users(const Schema& s, const schema::EnumType& e) const {
    std::vector<DialectHooks::EnumUser> out;
    for (const auto& t : s.tables)
      for (const auto& c : t.columns)
        if (c.type.name == e.name && c.type.schema == e.schema && c.type.values.empty())
          out.push_back({&t, &c});
    return out;
  }

  void diff_enums() {
    for (const auto& e : to_.enums) {
      const schema::EnumType* old = base_.find_enum(e.name, e.schema);
      if (!old) {
        Operation o = op(OpKind::create_enum, e.schema, e.name, e.name, "create type " + e.name);
        o.up = h_.create_enum(e);
        o.down = h_.drop_enum(e);
        o.deps = deps_.enum_type(e);
        push(enum_early_, std::move(o));
        continue;
      }
      if (old->values == e.values) continue;
      // Only additions, with the old values in their old order: ALTER TYPE ... ADD VALUE.
      std::vector<std::string> kept;
      for (const auto& v : e.values)
        if (std::find(old->values.begin(), old->values.end(), v) != old->values.end()) kept.push_back(v);
      if (kept == old->values) {
        schema::EnumType state = *old;  // the type as it is before each addition
        std::size_t last_old = 0;
        for (std::size_t i = 0; i < e.values.size(); ++i)
          if (std::find(old->values.begin(), old->values.end(), e.values[i]) != old->values.end()) last_old = i;
        for (std::size_t i = 0; i < e.values.size(); ++i) {
          const std::string& v = e.values[i];
          if (std::find(state.values.begin(), state.values.end(), v) != state.values.end()) continue;
          std::string before, after;
          if (old->values.empty() || i > last_old) {
            // appended: plain ADD VALUE
          } else if (i == 0) {
            before = kept.front();
          } else {
            after = e.values[i - 1];
          }
          schema::EnumType next = state;
          auto pos = after.empty() ? (before.empty() ? next.values.end()
                                                     : std::find(next.values.begin(), next.values.end(), before))
                                   : std::find(next.values.begin(), next.values.end(), after) + 1;
          next.values.insert(pos, v);
          Operation o = op(OpKind::add_enum_value, e.schema, e.name, v, "add value '" + v + "' to type " + e.name);
          o.up = {h_.add_enum_value(e, v, before, after)};
          // PostgreSQL cannot drop an enum value: the way back is a rebuild without it.
          o.down = h_.rebuild_enum(next, state, enum_users(base_, *old));
          o.lossy_down = true;
          push(enum_early_, std::move(o));
          state = std::move(next);
        }
        continue;
      }
      const bool removed = kept.size() < old->values.size();
      Operation o = op(removed ? OpKind::drop_enum_value : OpKind::reorder_enum, e.schema, e.name, e.name,
                       (removed ? "remove values from type " : "reorder values of type ") + e.name);
      const auto users = enum_users(to_, e);
      for (const auto& u : users) blocked_tables_.insert(key(*u.table));
      o.up = h_.rebuild_enum(*old, e, users);
      o.down = h_.rebuild_enum(e, *old, users);
      o.destructive = removed;
      o.lossy_down = removed;
      push(enum_rebuild_, std::move(o));
    }
    for (auto it = base_.enums.rbegin(); it != base_.enums.rend(); ++it)
      if (!to_.find_enum(it->name, it->schema)) {
        Operation o = op(OpKind::drop_enum, it->schema, it->name, it->name, "drop type " + it->name);
        o.up = h_.drop_enum(*it);
        o.down = h_.create_enum(*it);
        push(post_, std::move(o));
      }
  }

  // ---- sequences and domains ---------------------------------------------------------------
  // A sequence is created before the tables whose defaults call nextval() on it and dropped after
  // them; its owner (OWNED BY) is set once the column exists and released before the column or
  // table goes, so that dropping the table does not take the sequence with it.

  template <class T>
  static const T* find_named(const std::vector<T>& v, const T& x) {
    for (const auto& y : v)
      if (y.name == x.name && y.schema == x.schema) return &y;
    return nullptr;
  }

  void owner_ops(const schema::Sequence* from, const schema::Sequence* to) {
    const std::string was = from ? from->owned_by : "", will = to ? to->owned_by : "";
    if (was == will) return;
    const schema::Sequence& s = to ? *to : *from;
    schema::Sequence none = s;
    none.owned_by.clear();
    if (!was.empty()) {
      schema::Sequence old = *from;
      Operation o = op(OpKind::set_sequence_owner, s.schema, "", s.name, "release sequence " + s.name + " from " + was);
      o.up = {h_.sequence_owner(none)};
      o.down = {h_.sequence_owner(old)};
      push(seq_disown_, std::move(o));
    }
    if (!will.empty()) {
      Operation o = op(OpKind::set_sequence_owner, s.schema, "", s.name, "sequence " + s.name + " owned by " + will);
      o.up = {h_.sequence_owner(*to)};
      o.down = {h_.sequence_owner(none)};
      o.deps = deps_.sequence_owner(*to);
      push(seq_own_, std::move(o));
    }
  }

  void diff_sequences() {
    for (const auto& s : to_.sequences) {
      const auto* old = find_named(base_.sequences, s);
      if (!old) {
        Operation o = op(OpKind::create_sequence, s.schema, "", s.name, "create sequence " + s.name);
        o.up = {h_.create_sequence(s)};
        o.down = {h_.drop_sequence(s)};
        o.deps = deps_.sequence(s);
        push(types_, std::move(o));
      } else if (auto up = h_.alter_sequence(*old, s)) {
        Operation o = op(OpKind::alter_sequence, s.schema, "", s.name, "alter sequence " + s.name);
        o.up = {*up};
        o.down = {*h_.alter_sequence(s, *old)};
        o.deps = deps_.sequence(s);
        push(types_, std::move(o));
      }
      owner_ops(old, &s);
    }
    for (auto it = base_.sequences.rbegin(); it != base_.sequences.rend(); ++it) {
      if (find_named(to_.sequences, *it)) continue;
      owner_ops(&*it, nullptr);
      Operation o = op(OpKind::drop_sequence, it->schema, "", it->name, "drop sequence " + it->name);
      o.up = {h_.drop_sequence(*it)};
      o.down = {h_.create_sequence(*it)};
      o.lossy_down = true;  // the sequence's current value is not restored
      push(drop_types_, std::move(o));
    }
  }

  void diff_domains() {
    for (const auto& dm : to_.domains) {
      const auto* old = find_named(base_.domains, dm);
      if (!old) {
        Operation o = op(OpKind::create_domain, dm.schema, "", dm.name, "create domain " + dm.name);
        o.up = {h_.create_domain(dm)};
        o.down = {h_.drop_domain(dm)};
        o.deps = deps_.domain(dm);
        push(types_, std::move(o));
        continue;
      }
      if (*old == dm) continue;
      if (old->type != dm.type) {
        plan_.warnings.push_back({"lint.manual", "the base type of domain " + dm.name +
                                                     " changed; PostgreSQL cannot alter it in place, write that "
                                                     "change by hand"});
        continue;
      }
      Operation o = op(OpKind::alter_domain, dm.schema, "", dm.name, "alter domain " + dm.name);
      o.up = h_.alter_domain(*old, dm);
      o.down = h_.alter_domain(dm, *old);
      o.deps = deps_.domain(dm);
      push(types_, std::move(o));
    }
    for (auto it = base_.domains.rbegin(); it != base_.domains.rend(); ++it) {
      if (find_named(to_.domains, *it)) continue;
      Operation o = op(OpKind::drop_domain, it->schema, "", it->name, "drop domain " + it->name);
      o.up = {h_.drop_domain(*it)};
      o.down = {h_.create_domain(*it)};
      push(drop_types_, std::move(o));
    }
  }

  // Range types (PostgreSQL): PostgreSQL cannot alter one in place; a changed one is dropped and
  // created again, which it allows only while no column uses it.
  void diff_ranges() {
    auto create = [&](const schema::RangeType& r) { return schema::print_create_range(r); };
    auto drop = [&](const schema::RangeType& r) { return "DROP TYPE " + h_.qn(r.schema, r.name); };
    for (const auto& r : to_.ranges) {
      const auto* old = find_named(base_.ranges, r);
      if (old && *old == r) continue;
      Operation o = op(OpKind::create_range, r.schema, "", r.name, "create range type " + r.name);
      if (old) {
        o.up = {drop(*old), create(r)};
        o.down = {drop(r), create(*old)};
      } else {
        o.up = {create(r)};
        o.down = {drop(r)};
      }
      o.deps = deps_.range(r);
      push(types_, std::move(o));
    }
    for (auto it = base_.ranges.rbegin(); it != base_.ranges.rend(); ++it) {
      if (find_named(to_.ranges, *it)) continue;
      Operation o = op(OpKind::drop_range, it->schema, "", it->name, "drop range type " + it->name);
      o.up = {drop(*it)};
      o.down = {create(*it)};
      push(drop_types_, std::move(o));
    }
  }

  // ---- 3. tables ---------------------------------------------------------------------------

  std::vector<const Index*> indexes_of(const Schema& s, const Table& t) const { return s.indexes_of(t.name, t.schema); }

  void diff_tables() {
    std::vector<const Table*> created, dropped;
    for (const auto& t : to_.tables)
      if (!base_.find_table(t.name, t.schema) && !excluded_tables_.count(key(t))) created.push_back(&t);
    for (const auto& t : base_.tables)
      if (!to_.find_table(t.name, t.schema) && !excluded_tables_.count(key(t))) dropped.push_back(&t);
    for (const auto* t : created) created_tables_.insert(key(*t));
    for (const auto* t : dropped) dropped_tables_.insert(key(*t));

    // Creates: referenced tables first; SQLite resolves references lazily, so cycles need no help
    // there (and it cannot add a foreign key later anyway).
    const bool defer_cycles = h_.can_alter_constraints();
    TopoOrder co = topo_sort(created);
    for (const auto* t : co.order) {
      std::set<const ForeignKey*> strip;
      if (defer_cycles)
        for (const auto& fk : t->foreign_keys)
          if (co.deferred.count(&fk)) strip.insert(&fk);
      std::vector<const ForeignKey*> inline_fks;
      for (const auto& fk : t->foreign_keys)
        if (!strip.count(&fk)) inline_fks.push_back(&fk);
      Operation o = op(OpKind::create_table, t->schema, t->name, t->name, "create table " + t->name);
      o.up = h_.create_table(without_fks(*t, strip), to_);
      o.down = {h_.drop_table(*t)};
      o.lossy_down = true;
      o.deps = deps_.table(*t, inline_fks);
      push(create_tables_, std::move(o));
      for (const auto* fk : strip) add_fk_op(*t, *fk, add_fks_);
    }

    // Drops: referencing tables first (reverse creation order); cycle edges dropped beforehand.
    TopoOrder dro = topo_sort(dropped);
    std::set<const ForeignKey*> cycle_fks;
    if (defer_cycles) cycle_fks = dro.deferred;
    for (auto it = dro.order.rbegin(); it != dro.order.rend(); ++it) {
      const Table& t = **it;
      for (const auto& fk : t.foreign_keys)
        if (cycle_fks.count(&fk)) drop_fk_op(t, fk);
      Operation o = op(OpKind::drop_table, t.schema, t.name, t.name, "drop table " + t.name);
      o.up = {h_.drop_table(t)};
      o.down = h_.create_table(without_fks(t, cycle_fks), base_);
      for (const auto* i : indexes_of(base_, t)) o.down.push_back(h_.create_index(plain(*i)));
      o.destructive = true;
      o.lossy_down = true;
      push(drop_tables_, std::move(o));
    }

    for (const auto& t1 : to_.tables) {
      const Table* t0 = base_.find_table(t1.name, t1.schema);
      if (t0 && !excluded_tables_.count(key(t1))) diff_table(*t0, t1);
    }
  }

  void add_fk_op(const Table& t, const ForeignKey& fk, std::vector<Operation>& bucket) {
    Operation o = op(OpKind::add_foreign_key, t.schema, t.name, fk.name,
                     "add foreign key " + t.name + "(" + util::join(fk.columns, ", ") + ") -> " + fk.ref_table);
    o.columns = fk.columns;
    o.ref_table = fk.ref_table;
    o.ref_columns = fk.ref_columns;
    // MySQL needs the referenced columns spelled out; the model allows "its primary key".
    ForeignKey full = fk;
    if (full.ref_columns.empty() && d_ == Dialect::mysql)
      if (const Table* ref = to_.find_table(fk.ref_table, fk.ref_schema); ref && ref->primary_key)
        full.ref_columns = ref->primary_key->columns;
    o.up = {h_.add_foreign_key(t, full)};
    o.down = {h_.drop_foreign_key(t, fk)};
    // The index the server made for the key when none served it outlives DROP FOREIGN KEY: the
    // Down drops it too. (Indexes the plan creates are gone again when this Down runs: theirs run
    // first.)
    if (h_.implicit_foreign_key_indexes() && !created_tables_.count(key(t)) &&
        !fk_served(t, fk.columns, kept_indexes(t), ""))
      o.down.push_back(h_.drop_index(implicit_fk_index(t, fk)));
    o.deps = deps_.foreign_key(t, fk);
    push(bucket, std::move(o));
  }

  // ---- MySQL's implicit foreign-key indexes (DialectHooks::implicit_foreign_key_indexes) ------

  // Whether an index among `indexes` (or the table's primary key or a unique key) has `cols` as
  // its leading plain columns, `except` (an index name) left out.
  static bool fk_served(const Table& t, const std::vector<std::string>& cols, const std::vector<const Index*>& indexes,
                        const std::string& except) {
    auto leads = [&](const std::vector<std::string>& key_cols) {
      return key_cols.size() >= cols.size() && std::equal(cols.begin(), cols.end(), key_cols.begin());
    };
    if (t.primary_key && leads(t.primary_key->columns)) return true;
    for (const auto& u : t.uniques)
      if (leads(u.columns)) return true;
    for (const auto* i : indexes) {
      if (i->name == except || !i->method.empty()) continue;
      std::vector<std::string> key_cols;
      for (const auto& p : i->parts) {
        if (p.column.empty() || p.length) break;
        key_cols.push_back(p.column);
      }
      if (leads(key_cols)) return true;
    }
    return false;
  }
  // The table's indexes in the target schema that the plan neither creates nor drops.
  std::vector<const Index*> kept_indexes(const Table& t) const {
    std::vector<const Index*> out;
    for (const auto& i : to_.indexes) {
      if (i.table != t.name || i.schema != t.schema) continue;
      const auto* m = find_by(base_.indexes, diff::index_key(i, true), [](const Index& x) { return diff::index_key(x, true); });
      if (m && *m == i) out.push_back(&i);
    }
    return out;
  }
  static std::vector<const Index*> indexes_in(const Schema& s, const Table& t) {
    std::vector<const Index*> out;
    for (const auto& i : s.indexes)
      if (i.table == t.name && i.schema == t.schema) out.push_back(&i);
    return out;
  }
  // The index InnoDB makes for `fk` of `t` (of schema `s`, the target by default): named after the
  // constraint, or after its first column (`_2`, `_3` ... when an index or key of the table has
  // that name).
  Index implicit_fk_index(const Table& t, const ForeignKey& fk) const { return implicit_fk_index(t, fk, to_); }
  Index implicit_fk_index(const Table& t, const ForeignKey& fk, const Schema& s) const {
    Index i;
    i.schema = t.schema;
    i.table = t.name;
    for (const auto& c : fk.columns) i.parts.push_back(schema::IndexPart{.column = c});
    if (!fk.name.empty()) {
      i.name = fk.name;
      return i;
    }
    std::set<std::string> taken;
    for (const auto* x : indexes_in(s, t)) taken.insert(util::to_lower(x->name));
    for (const auto& u : t.uniques) taken.insert(util::to_lower(u.name.empty() ? h_.default_unique_name(t, u) : u.name));
    const std::string stem = fk.columns.empty() ? t.name : fk.columns.front();
    i.name = stem;
    for (int n = 2; taken.count(util::to_lower(i.name)); ++n) i.name = stem + "_" + std::to_string(n);
    return i;
  }
  // The Down of a created index `i` that a foreign key of the target table needs (no other index
  // serves it): InnoDB refuses the plain DROP INDEX, so the implicit index the server dropped when
  // `i` was created comes back first; on a table the plan creates, DROP TABLE removes both.
  void keep_fk_index_on_drop(const Index& i, Operation& o) const {
    if (!h_.implicit_foreign_key_indexes()) return;
    const Table* t1 = to_.find_table(i.table, i.schema);
    if (!t1) return;
    // What still serves a key when this Down runs: the indexes the plan keeps, and the ones it
    // creates before `i` (their Downs run after this one).
    std::vector<const Index*> others = kept_indexes(*t1);
    for (const auto& x : to_.indexes) {
      if (&x == &i) break;
      if (x.table == t1->name && x.schema == t1->schema) others.push_back(&x);
    }
    for (const auto& fk : t1->foreign_keys) {
      const std::vector<const Index*> only_i{&i};
      if (!fk_served(Table{}, fk.columns, only_i, "")) continue;
      // A table the plan creates is dropped by the Down, its indexes with it.
      if (created_tables_.count(key(*t1))) {
        o.down.clear();
        return;
      }
      if (fk_served(*t1, fk.columns, others, i.name)) continue;
      o.down = {h_.create_index(implicit_fk_index(*t1, fk)), h_.drop_index(i)};
      return;
    }
  }
  // `kept`: the table itself stays. Then the index the server made for the key when no declared
  // index served it outlives DROP FOREIGN KEY; the Up drops it too (the Down's ADD FOREIGN KEY
  // makes it again), unless another key of the table is served by it.
  void drop_fk_op(const Table& t, const ForeignKey& fk, const Table* kept = nullptr) {
    Operation o = op(OpKind::drop_foreign_key, t.schema, t.name, fk.name,
                     "drop foreign key " + t.name + "(" + util::join(fk.columns, ", ") + ") -> " + fk.ref_table);
    o.columns = fk.columns;
    o.ref_table = fk.ref_table;
    o.ref_columns = fk.ref_columns;
    ForeignKey full = fk;
    if (full.ref_columns.empty() && d_ == Dialect::mysql)
      if (const Table* ref = base_.find_table(fk.ref_table, fk.ref_schema); ref && ref->primary_key)
        full.ref_columns = ref->primary_key->columns;
    o.up = {h_.drop_foreign_key(t, fk)};
    o.down = {h_.add_foreign_key(t, full)};
    if (kept && h_.implicit_foreign_key_indexes() && !fk_served(t, fk.columns, indexes_in(base_, t), "")) {
      const Index implicit = implicit_fk_index(t, fk, base_);
      const std::vector<const Index*> only{&implicit};
      // Not when another key of the table is served by the index (it may be the one the index is
      // named after, and if it stays it still needs it), nor when this key comes back changed.
      const bool needed =
          std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(),
                      [&](const ForeignKey& g) { return fk_key(g) != fk_key(fk) && fk_served(Table{}, g.columns, only, ""); }) ||
          std::any_of(kept->foreign_keys.begin(), kept->foreign_keys.end(),
                      [&](const ForeignKey& g) { return fk_key(g) == fk_key(fk); });
      // One statement: the model knows the index only as the key's (the parser accepts this form).
      if (!needed) o.up.front() += ", DROP INDEX " + h_.q(implicit.name);
    }
    push(drop_fks_, std::move(o));
  }

  bool excluded_col(const Table& t, const std::string& c) const { return excluded_cols_.count({key(t), c}) > 0; }

  static bool generated_changed(const Column& a, const Column& b) {
    return a.generated != b.generated || a.generated_expr != b.generated_expr;
  }

  // The same foreign keys in the same order, actions compared by what they do on this dialect
  // (an unwritten action and the engine's default for it are no change).
  bool same_fks(const Table& t0, const Table& t1) const {
    return std::equal(t0.foreign_keys.begin(), t0.foreign_keys.end(), t1.foreign_keys.begin(), t1.foreign_keys.end(),
                      [&](const ForeignKey& a, const ForeignKey& b) { return schema::same_foreign_key(a, b, d_); });
  }

  void diff_table(const Table& t0, const Table& t1) {
    std::vector<const Column*> dropped, added;
    std::vector<std::pair<const Column*, const Column*>> changed;
    for (const auto& c : t0.columns)
      if (!t1.find_column(c.name) && !excluded_col(t0, c.name)) dropped.push_back(&c);
    for (const auto& c : t1.columns) {
      const Column* old = t0.find_column(c.name);
      if (!old && !excluded_col(t1, c.name)) added.push_back(&c);
      else if (old && !(*old == c)) changed.emplace_back(old, &c);
    }
    const bool constraints_differ = t0.primary_key != t1.primary_key || t0.uniques != t1.uniques ||
                                    !same_fks(t0, t1) || t0.checks != t1.checks;

    bool rebuild = (constraints_differ && !h_.can_alter_constraints()) ||
                   (t0.options != t1.options && d_ == Dialect::sqlite);
    for (const auto& [a, b] : changed)
      if (!h_.can_alter_column(*a, *b) || (generated_changed(*a, *b) && !h_.can_alter_constraints())) rebuild = true;
    for (const auto* c : added)
      if (!h_.can_add_column(t1, *c)) rebuild = true;
    for (const auto* c : dropped)
      if (!h_.can_drop_column(t0, *c, base_)) rebuild = true;

    if (rebuild) {
      rebuild_table(t0, t1, dropped, added, changed);
      return;
    }
    bool blocks = !dropped.empty();
    for (const auto& [a, b] : changed)
      blocks = blocks || a->type != b->type || a->collation != b->collation || generated_changed(*a, *b);
    if (blocks) blocked_tables_.insert(key(t1));

    // Last column first, so that the Down re-adds them front to back (MySQL positions columns
    // relative to the previous one).
    for (auto it = dropped.rbegin(); it != dropped.rend(); ++it) {
      const Column* c = *it;
      Operation o = op(OpKind::drop_column, t0.schema, t0.name, c->name, "drop column " + t0.name + "." + c->name);
      o.columns = {c->name};
      o.up = {h_.drop_column(t0, *c)};
      o.down = h_.add_column(t0, *c);
      o.destructive = c->generated == schema::GeneratedKind::none;
      o.lossy_down = o.destructive;
      push(alter_, std::move(o));
    }
    for (const auto& [a, b] : changed) {
      if (generated_changed(*a, *b)) {
        // A generation expression cannot be altered in place: the column is recomputed.
        Operation dr = op(OpKind::drop_column, t0.schema, t0.name, a->name, "drop column " + t0.name + "." + a->name);
        dr.columns = {a->name};
        dr.up = {h_.drop_column(t0, *a)};
        dr.down = h_.add_column(t0, *a);
        dr.destructive = dr.lossy_down = a->generated == schema::GeneratedKind::none;
        push(alter_, std::move(dr));
        add_column_op(t1, *b, true);
        continue;
      }
      for (auto& o : h_.alter_column(t1, *a, *b, base_)) {
        o.deps = deps_.column(t1, *b);
        alter_.push_back(std::move(o));
      }
    }
    for (const auto* c : added) add_column_op(t1, *c, false);
    if (t0.comment != t1.comment && h_.supports_comments()) {
      Operation o = op(OpKind::set_table_comment, t1.schema, t1.name, t1.name, "change comment of table " + t1.name);
      o.up = h_.set_table_comment(t1);
      o.down = h_.set_table_comment(t0);
      push(alter_, std::move(o));
    }
    if (t0.options != t1.options)
      plan_.warnings.push_back({"lint.manual", "table options of " + t1.name +
                                                   " changed; Flash does not alter table options, change them by hand"});

    // Constraints.
    if (t0.primary_key != t1.primary_key) {
      if (t0.primary_key) {
        Operation o = op(OpKind::drop_primary_key, t0.schema, t0.name, t0.primary_key->name,
                         "drop primary key of " + t0.name);
        o.columns = t0.primary_key->columns;
        o.up = {h_.drop_primary_key(t0, *t0.primary_key)};
        o.down = {h_.add_primary_key(t0, *t0.primary_key)};
        push(drop_constraints_, std::move(o));
      }
      if (t1.primary_key) {
        Operation o = op(OpKind::add_primary_key, t1.schema, t1.name, t1.primary_key->name,
                         "add primary key to " + t1.name);
        o.columns = t1.primary_key->columns;
        o.up = {h_.add_primary_key(t1, *t1.primary_key)};
        o.down = {h_.drop_primary_key(t1, *t1.primary_key)};
        o.deps = deps_.unique(t1, t1.primary_key->columns);
        push(add_constraints_, std::move(o));
      }
    }
    for (const auto& u : t0.uniques) {
      const auto* m = find_by(t1.uniques, unique_key(u), unique_key);
      if (m && *m == u) continue;
      Operation o = op(OpKind::drop_unique, t0.schema, t0.name, u.name, "drop unique " + t0.name + "(" + util::join(u.columns, ", ") + ")");
      o.columns = u.columns;
      o.up = {h_.drop_unique(t0, u)};
      o.down = {h_.add_unique(t0, u)};
      push(drop_constraints_, std::move(o));
    }
    for (const auto& u : t1.uniques) {
      const auto* m = find_by(t0.uniques, unique_key(u), unique_key);
      if (m && *m == u) continue;
      Operation o = op(OpKind::add_unique, t1.schema, t1.name, u.name, "add unique " + t1.name + "(" + util::join(u.columns, ", ") + ")");
      o.columns = u.columns;
      o.up = {h_.add_unique(t1, u)};
      o.down = {h_.drop_unique(t1, u)};
      o.deps = deps_.unique(t1, u.columns);
      push(add_constraints_, std::move(o));
    }
    for (const auto& c : t0.checks) {
      const auto* m = find_by(t1.checks, check_key(c), check_key);
      if (m && *m == c) continue;
      Operation o = op(OpKind::drop_check, t0.schema, t0.name, c.name, "drop check on " + t0.name + ": " + c.expr);
      o.up = {h_.drop_check(t0, c)};
      o.down = {h_.add_check(t0, c)};
      push(drop_constraints_, std::move(o));
    }
    for (const auto& c : t1.checks) {
      const auto* m = find_by(t0.checks, check_key(c), check_key);
      if (m && *m == c) continue;
      Operation o = op(OpKind::add_check, t1.schema, t1.name, c.name, "add check on " + t1.name + ": " + c.expr);
      o.up = {h_.add_check(t1, c)};
      o.down = {h_.drop_check(t1, c)};
      o.deps = deps_.check(t1, c);
      push(add_constraints_, std::move(o));
    }
    for (const auto& fk : t0.foreign_keys) {
      const auto* m = find_by(t1.foreign_keys, fk_key(fk), fk_key);
      if (!(m && schema::same_foreign_key(*m, fk, d_))) drop_fk_op(t0, fk, &t1);
    }
    for (const auto& fk : t1.foreign_keys) {
      const auto* m = find_by(t0.foreign_keys, fk_key(fk), fk_key);
      if (!(m && schema::same_foreign_key(*m, fk, d_))) add_fk_op(t1, fk, add_fks_);
    }
  }

  void add_column_op(const Table& t, const Column& c, bool recomputed) {
    Operation o = op(OpKind::add_column, t.schema, t.name, c.name, "add column " + t.name + "." + c.name);
    o.columns = {c.name};
    o.has_default = c.default_expr.has_value();
    o.up = h_.add_column(t, c);
    o.down = {h_.drop_column(t, c)};
    o.lossy_down = !recomputed && c.generated == schema::GeneratedKind::none;
    if (!c.nullable && !c.default_expr && c.identity == schema::Identity::none && !c.auto_increment &&
        c.generated == schema::GeneratedKind::none)
      plan_.warnings.push_back({"lint.not-null-no-default",
                                "column " + t.name + "." + c.name +
                                    " is added as NOT NULL without a default: it fails when the table has rows"});
    o.deps = deps_.column(t, c);
    push(alter_, std::move(o));
  }

  std::vector<const schema::RawStatement*> triggers_on(const Schema& s, const Table& t, const Schema* also_in) const {
    std::vector<const schema::RawStatement*> out;
    for (const auto& r : s.raw) {
      if (util::to_lower(r.kind) != "trigger" || !detail::mentions(r.sql, t.name, d_)) continue;
      if (also_in && std::find(also_in->raw.begin(), also_in->raw.end(), r) == also_in->raw.end()) continue;
      out.push_back(&r);
    }
    return out;
  }

  void rebuild_table(const Table& t0, const Table& t1, const std::vector<const Column*>& dropped,
                     const std::vector<const Column*>& added,
                     const std::vector<std::pair<const Column*, const Column*>>& changed) {
    rebuilt_tables_.insert(key(t1));
    blocked_tables_.insert(key(t1));
    std::vector<std::string> common;
    for (const auto& c : t1.columns) {
      const Column* old = t0.find_column(c.name);
      if (old && c.generated == schema::GeneratedKind::none && old->generated == schema::GeneratedKind::none)
        common.push_back(c.name);
    }
    RebuildSpec up{&t0, &t1, common, indexes_of(to_, t1), triggers_on(to_, t1, &base_), &to_};
    RebuildSpec down{&t1, &t0, common, indexes_of(base_, t0), triggers_on(base_, t0, nullptr), &base_};
    Operation o = op(OpKind::rebuild_table, t1.schema, t1.name, t1.name, "rebuild table " + t1.name);
    for (const auto* c : dropped) o.columns.push_back(c->name);
    for (const auto* c : added) o.columns.push_back(c->name);
    for (const auto& [a, b] : changed) {
      o.columns.push_back(b->name);
      if (a->type != b->type && !o.old_type) {
        o.old_type = a->type;
        o.new_type = b->type;
      }
      if (a->nullable && !b->nullable) o.has_default = o.has_default || b->default_expr.has_value();
    }
    o.up = h_.rebuild_table(up);
    o.down = h_.rebuild_table(down);
    bool loses = false;
    for (const auto* c : dropped) loses = loses || c->generated == schema::GeneratedKind::none;
    bool narrows = false, widens = false;
    for (const auto& [a, b] : changed) {
      // SQLite stores any value in any column (type affinity), so type changes only matter to
      // STRICT tables; narrowing is still reported for them.
      const auto tc = detail::classify_type_change(a->type, b->type, d_);
      narrows = narrows || tc == detail::TypeChange::narrowing;
      widens = widens || tc == detail::TypeChange::widening;
    }
    bool adds = false;
    for (const auto* c : added) adds = adds || c->generated == schema::GeneratedKind::none;
    o.destructive = loses || (narrows && t1.options.count("strict"));
    o.lossy_down = o.destructive || adds || (widens && t1.options.count("strict"));
    for (const auto* c : added)
      if (!c->nullable && !c->default_expr && c->generated == schema::GeneratedKind::none && !c->auto_increment)
        plan_.warnings.push_back({"lint.not-null-no-default",
                                  "column " + t1.name + "." + c->name +
                                      " is added as NOT NULL without a default: the table copy fails when it has rows"});
    push(alter_, std::move(o));
  }

  // ---- 4. indexes, views, comments, raw statements -----------------------------------------

  void diff_indexes() {
    auto table_key = [](const Index& i) { return key(i.schema, i.table); };
    const bool per_table = h_.index_names_per_table();
    auto index_key = [per_table](const Index& i) { return diff::index_key(i, per_table); };
    for (auto it = base_.indexes.rbegin(); it != base_.indexes.rend(); ++it) {
      const Index& i = *it;
      const std::string tk = table_key(i);
      if (dropped_tables_.count(tk) || rebuilt_tables_.count(tk) || excluded_tables_.count(tk)) continue;
      const auto* m = find_by(to_.indexes, index_key(i), index_key);
      if (m && *m == i) continue;
      Operation o = op(OpKind::drop_index, i.schema, i.table, i.name, "drop index " + i.name);
      for (const auto& p : i.parts) o.columns.push_back(p.column);
      o.up = {h_.drop_index(i)};
      o.down = {h_.create_index(plain(i))};
      push(drop_indexes_, std::move(o));
    }
    for (const auto& i : to_.indexes) {
      const std::string tk = table_key(i);
      if (rebuilt_tables_.count(tk) || excluded_tables_.count(tk)) continue;
      const auto* m = find_by(base_.indexes, index_key(i), index_key);
      if (m && *m == i) continue;
      Operation o = op(OpKind::create_index, i.schema, i.table, i.name, "create index " + i.name);
      for (const auto& p : i.parts) o.columns.push_back(p.column);
      const bool existing_table = !created_tables_.count(tk);
      // CONCURRENTLY only helps an existing table with rows, and cannot run in a transaction
      // block: a new table's index is built plainly; otherwise the migration runs outside one.
      Index built = i;
      built.concurrently = i.concurrently && existing_table && d_ == Dialect::postgresql;
      if (built.concurrently) plan_.up_transactional = false;
      o.up = {h_.create_index(built)};
      o.down = {h_.drop_index(i)};
      keep_fk_index_on_drop(i, o);
      if (existing_table && d_ == Dialect::postgresql && !i.concurrently)
        plan_.warnings.push_back({"lint.index-not-concurrent",
                                  "CREATE INDEX " + i.name + " on existing table " + i.table +
                                      " locks writes while it builds; consider CREATE INDEX CONCURRENTLY"});
      if (existing_table && i.unique) {
        bool existing_cols = true;
        const Table* t0 = base_.find_table(i.table, i.schema);
        for (const auto& p : i.parts) existing_cols = existing_cols && t0 && (p.column.empty() || t0->find_column(p.column));
        if (existing_cols)
          plan_.warnings.push_back({"lint.unique-existing", "unique index " + i.name + " on existing columns of " +
                                                                i.table + " fails if current rows hold duplicates"});
      }
      o.deps = deps_.index(i);
      push(create_indexes_, std::move(o));
    }
  }

  void diff_views() {
    // Views that read a table whose columns change (PostgreSQL, SQLite) are dropped and
    // recreated around the change, as are views reading those views.
    std::set<std::string> recycle;
    if (h_.views_block_column_changes()) {
      bool grew = true;
      while (grew) {
        grew = false;
        for (const auto& v : base_.views) {
          if (recycle.count(key(v.schema, v.name))) continue;
          bool hit = false;
          for (const auto& tk : blocked_tables_) {
            const auto dot = tk.rfind('.');
            hit = hit || detail::mentions(v.query, dot == std::string::npos ? tk : tk.substr(dot + 1), d_);
          }
          for (const auto& vk : recycle) {
            const auto dot = vk.rfind('.');
            hit = hit || detail::mentions(v.query, dot == std::string::npos ? vk : vk.substr(dot + 1), d_);
          }
          if (hit) {
            recycle.insert(key(v.schema, v.name));
            grew = true;
          }
        }
      }
    }
    std::set<std::string> dropped;  // views dropped in the drop phase (recreated if still wanted)
    for (auto it = base_.views.rbegin(); it != base_.views.rend(); ++it) {
      const View& v = *it;
      const View* n = to_.find_view(v.name, v.schema);
      const bool changed = n && !(*n == v);
      if (n && !changed && !recycle.count(key(v.schema, v.name))) continue;
      // CREATE OR REPLACE in place, unless renames run in between: the Down would re-create
      // the old text before the old names are back.
      if (changed && renames_.empty() && h_.replace_view(v, *n) && !recycle.count(key(v.schema, v.name))) continue;
      dropped.insert(key(v.schema, v.name));
      Operation o = op(OpKind::drop_view, v.schema, v.name, v.name, "drop view " + v.name);
      o.up = {h_.drop_view(v)};
      o.down = {h_.create_view(v)};
      push(drop_views_, std::move(o));
    }
    for (const auto& v : to_.views) {
      const View* old = base_.find_view(v.name, v.schema);
      const std::string k = key(v.schema, v.name);
      if (old && !dropped.count(k)) {
        if (*old == v) continue;
        Operation o = op(OpKind::create_view, v.schema, v.name, v.name, "replace view " + v.name);
        o.up = {*h_.replace_view(*old, v)};
        o.down = {*h_.replace_view(v, *old)};
        o.deps = deps_.view(v);
        push(create_views_, std::move(o));
        continue;
      }
      Operation o = op(OpKind::create_view, v.schema, v.name, v.name, "create view " + v.name);
      o.up = {h_.create_view(v)};
      o.down = {h_.drop_view(v)};
      o.deps = deps_.view(v);
      push(create_views_, std::move(o));
    }
  }

  std::string comment_target(const schema::Comment& c) const {
    std::string out;
    for (const auto& part : util::split(c.object_name, '.')) {
      if (!out.empty()) out += ".";
      out += schema::quote_ident(part, d_);
    }
    return "COMMENT ON " + util::to_upper(c.object_kind) + " " + out + " IS ";
  }

  void diff_comments() {
    if (d_ != Dialect::postgresql) return;
    auto ck = [](const schema::Comment& c) { return c.object_kind + ":" + c.object_name; };
    for (const auto& c : to_.comments) {
      const auto* old = find_by(base_.comments, ck(c), ck);
      if (old && *old == c) continue;
      Operation o = op(OpKind::set_table_comment, "", c.object_name, c.object_name,
                       "comment on " + c.object_kind + " " + c.object_name);
      o.up = {comment_target(c) + schema::quote_string(c.text)};
      o.down = {comment_target(c) + (old ? schema::quote_string(old->text) : "NULL")};
      o.deps = deps_.comment(c);
      push(comments_, std::move(o));
    }
    for (const auto& c : base_.comments) {
      if (find_by(to_.comments, ck(c), ck)) continue;
      Operation o = op(OpKind::set_table_comment, "", c.object_name, c.object_name,
                       "drop comment on " + c.object_kind + " " + c.object_name);
      o.up = {comment_target(c) + "NULL"};
      o.down = {comment_target(c) + schema::quote_string(c.text)};
      push(comments_, std::move(o));
    }
  }

  // CREATE OR REPLACE statements replace their previous version without a DROP first.
  static bool or_replace(const std::string& sql_text) {
    std::string words;
    for (const auto& w : util::split(util::to_upper(util::trim(sql_text)).substr(0, 64), ' '))
      if (!w.empty()) words += w + " ";
    return words.starts_with("CREATE OR REPLACE ");
  }

  void diff_raw() {
    auto in = [](const std::vector<schema::RawStatement>& v, const schema::RawStatement& r) {
      return std::find(v.begin(), v.end(), r) != v.end();
    };
    auto counterpart = [](const std::vector<schema::RawStatement>& v, const schema::RawStatement& r,
                          const std::vector<schema::RawStatement>& not_in) -> const schema::RawStatement* {
      if (r.name.empty()) return nullptr;
      for (const auto& x : v)
        if (x.kind == r.kind && x.name == r.name && std::find(not_in.begin(), not_in.end(), x) == not_in.end())
          return &x;
      return nullptr;
    };
    for (auto it = base_.raw.rbegin(); it != base_.raw.rend(); ++it) {
      const auto& r = *it;
      if (in(to_.raw, r) || counterpart(to_.raw, r, base_.raw)) continue;  // kept, or replaced below
      auto undo = h_.raw_down(r);
      if (!undo) {
        plan_.warnings.push_back({"lint.raw-removed", "statement " + (r.name.empty() ? r.kind : r.kind + " " + r.name) +
                                                          " was removed from the schema; Flash cannot derive its "
                                                          "reversal, write the DROP by hand"});
        continue;
      }
      Operation o = op(OpKind::raw_statement, "", r.name, r.name, "drop " + r.kind + " " + r.name);
      o.up = {*undo};
      o.down = {r.sql};
      push(raw_drops_, std::move(o));
    }
    for (const auto& r : to_.raw) {
      if (in(base_.raw, r)) continue;
      Operation o = op(OpKind::raw_statement, "", r.name, r.name,
                       r.name.empty() ? "statement " + r.kind : r.kind + " " + r.name);
      const auto* old = counterpart(base_.raw, r, to_.raw);
      auto undo = h_.raw_down(r);
      if (old) {
        o.comment = "replace " + o.comment;
        if (!or_replace(r.sql)) {
          if (auto drop_old = h_.raw_down(*old)) o.up.push_back(*drop_old);
        }
        o.up.push_back(r.sql);
        if (!or_replace(old->sql) && undo) o.down.push_back(*undo);
        o.down.push_back(old->sql);
      } else {
        o.up = {r.sql};
        if (undo) o.down = {*undo};
        else
          plan_.warnings.push_back({"lint.raw-irreversible",
                                    "no Down statement can be derived for " +
                                        (r.name.empty() ? r.kind : r.kind + " " + r.name) + "; add it by hand"});
      }
      o.deps = deps_.raw(r);
      push(raw_, std::move(o));
    }
  }


  // ---- 5. assembly and lint ----------------------------------------------------------------

  void assemble() {
    // Views and removed raw statements go before the renames: their Down re-creates them with
    // the old names, which must run after the renames are reversed.
    for (auto* bucket : {&pre_, &raw_drops_, &drop_views_, &renames_, &seq_disown_, &drop_fks_, &drop_constraints_,
                         &drop_indexes_, &enum_early_, &types_, &create_tables_, &alter_, &seq_own_, &drop_tables_,
                         &enum_rebuild_, &add_constraints_, &add_fks_, &create_indexes_, &create_views_, &comments_,
                         &drop_types_, &post_, &raw_})
      for (auto& o : *bucket) plan_.operations.push_back(std::move(o));
  }

  // The phases above are a valid order for tables, constraints and indexes; what they cannot
  // know (a function a default or a view calls, a view on a later view, a foreign key on a unique
  // index, a domain on a type) the dependency keys of each operation settle: an operation moves
  // after whatever it needs, everything else keeps its phase order. Down runs it reversed.
  void order_by_dependencies() {
    std::vector<schema::DepNode> nodes;
    for (const auto& o : plan_.operations) nodes.push_back(o.deps);
    std::vector<Operation> ordered;
    for (std::size_t i : schema::dependency_order(nodes)) ordered.push_back(std::move(plan_.operations[i]));
    plan_.operations = std::move(ordered);
  }

  void derive_lint() {
    std::size_t statements = 0;
    for (auto& o : plan_.operations) {
      statements += o.up.size();
      if (o.old_type && o.new_type && o.kind != OpKind::rebuild_table) {
        const auto tc = detail::classify_type_change(*o.old_type, *o.new_type, d_);
        if (tc == detail::TypeChange::narrowing || tc == detail::TypeChange::unknown) {
          o.destructive = true;
          o.lossy_down = true;
          plan_.warnings.push_back(
              {"lint.narrowing", "column " + o.table + "." + o.object + " changes type " +
                                     schema::render_type(*o.old_type, d_) + " -> " + schema::render_type(*o.new_type, d_) +
                                     (tc == detail::TypeChange::narrowing ? ": values that do not fit are lost or rejected"
                                                                           : ": the conversion may fail or lose data")});
        } else if (tc == detail::TypeChange::widening) {
          o.lossy_down = true;  // the Down narrows back
        }
      }
      if (o.destructive)
        plan_.warnings.push_back({"lint.destructive", o.comment + " deletes data that the Down cannot restore"});
      if (o.kind == OpKind::add_unique && !created_tables_.count(key(o.schema, o.table))) {
        bool existing = true;
        const Table* t0 = base_.find_table(o.table, o.schema);
        for (const auto& c : o.columns) existing = existing && t0 && t0->find_column(c);
        if (existing)
          plan_.warnings.push_back({"lint.unique-existing", "UNIQUE (" + util::join(o.columns, ", ") + ") on existing table " +
                                                                o.table + " fails if current rows hold duplicates"});
      }
    }
    if (!h_.transactional_ddl() && statements > 1)
      plan_.warnings.push_back({"lint.mysql-multi-ddl",
                                "this migration runs " + std::to_string(statements) +
                                    " DDL statements; MySQL commits each one, so a failure part-way leaves the "
                                    "earlier ones applied"});
  }
};

}  // namespace

Plan diff_schemas(const Schema& from, const Schema& to, const DiffOptions& opts) {
  return Differ(from, to, opts).run();
}

}  // namespace flash::diff

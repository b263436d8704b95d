// [branches] merge_data: the fork-point copy of the listed tables (take_fork_snapshot) and the
// three-way, primary-key-keyed merge of their rows (plan_data_merge, run_data_plan); see branch.hpp.
//
// Per row, base = the fork-point copy, ours = the target, theirs = the branch:
//   base  ours  theirs
//    -     -      x     inserted by the branch → INSERT
//    -     x      x     inserted on both sides → nothing when equal, else insert/insert conflicts
//    x     x      -     deleted by the branch → DELETE when the target left the row alone, else
//                       update/delete conflicts (the cells the target changed)
//    x     -      x     deleted by the target → nothing when the branch left it alone, else
//                       delete/update conflicts
//    x     x      x     per cell: theirs = base → keep; ours = base → UPDATE to theirs; ours =
//                       theirs → keep; else an update/update conflict
// Cells are compared on the columns both sides have (generated columns left out). A column the
// fork-point copy lacks (added by a migration since) takes the target's value as its base, so the
// branch's value wins where they differ. Booleans compare equal to the integers 0 and 1 (SQLite
// stores them so).
#include <algorithm>
#include <initializer_list>
#include <map>
#include <set>

#include "flash/branch/branch.hpp"
#include "flash/diag/diagnostic.hpp"
#include "flash/migrate/tracking.hpp"
#include "flash/pull/inspect.hpp"
#include "flash/schema/printer.hpp"
#include "flash/util/text.hpp"

namespace flash::branch {
using driver::Value;
using schema::Dialect;

namespace {

constexpr const char* kIndex = "_flash_fork";

std::string q(std::string_view n, Dialect d) { return schema::quote_ident_always(n, d); }
std::string ph(std::size_t i, Dialect d) { return d == Dialect::postgresql ? "$" + std::to_string(i) : "?"; }

// The fork tables (_flash_fork, _flash_fork_N) in the connection's default schema / database.
std::vector<std::string> fork_tables(driver::SqlConnection& c, Dialect d) {
  const char* sql =
      d == Dialect::postgresql
          ? "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = "
            "current_schema() AND c.relkind = 'r' AND c.relname LIKE '\\_flash\\_fork%' ORDER BY 1"
      : d == Dialect::mysql
          ? "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE "
            "'\\_flash\\_fork%' ORDER BY 1"
          : "SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE '\\_flash\\_fork%' ESCAPE '\\' ORDER BY 1";
  std::vector<std::string> out;
  for (const auto& r : c.query(sql).rows) out.push_back(migrate::value_text(r[0]).value_or(""));
  return out;
}

diag::Error entry_error(const config::MergeDataTable& t, std::string code, std::string message, std::string hint,
                        diag::ExitCode exit = diag::ExitCode::error) {
  diag::Diagnostic d;
  d.code = std::move(code);
  d.message = std::move(message);
  d.location = t.location;
  d.hint = std::move(hint);
  d.exit_code = exit;
  return diag::Error(std::move(d));
}

Value norm(const Value& v) {
  if (const auto* b = std::get_if<bool>(&v)) return static_cast<std::int64_t>(*b ? 1 : 0);
  return v;
}
bool same(const Value& a, const Value& b) { return norm(a) == norm(b); }

// A row's key as one string (type and text of each value), for matching rows across databases.
std::string key_string(const std::vector<Value>& key) {
  std::string s;
  for (const auto& v : key) {
    const Value n = norm(v);
    s += std::to_string(n.index()) + ":" + driver::to_display(n) + '\x1f';
  }
  return s;
}

struct Row {
  std::vector<Value> key;
  std::vector<std::optional<Value>> cells;  // per plan column; nullopt: the side lacks the column
};
struct Rows {
  std::vector<std::string> order;  // key strings in primary-key order
  std::map<std::string, Row> by_key;
};

// SELECT key columns, then `cols`, of `table`; `available` says which of `cols` the table has.
Rows read_rows(driver::SqlConnection& c, const std::string& table, const std::vector<std::string>& key,
               const std::vector<std::string>& cols, const std::set<std::string>& available, Dialect d) {
  std::vector<std::string> select;
  for (const auto& k : key) select.push_back(q(k, d));
  std::vector<std::size_t> where;  // result index of each plan column, or npos
  for (const auto& col : cols) {
    if (available.count(col)) {
      where.push_back(select.size());
      select.push_back(q(col, d));
    } else {
      where.push_back(std::string::npos);
    }
  }
  std::vector<std::string> order;
  for (const auto& k : key) order.push_back(q(k, d));
  Rows out;
  for (auto& r : c.query("SELECT " + util::join(select, ", ") + " FROM " + table + " ORDER BY " + util::join(order, ", "))
                     .rows) {
    Row row;
    row.key.assign(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(key.size()));
    for (std::size_t w : where) row.cells.push_back(w == std::string::npos ? std::nullopt : std::optional<Value>(r[w]));
    const std::string ks = key_string(row.key);
    out.order.push_back(ks);
    out.by_key.emplace(ks, std::move(row));
  }
  return out;
}

std::set<std::string> column_names(const schema::Table& t) {
  std::set<std::string> out;
  for (const auto& c : t.columns) out.insert(c.name);
  return out;
}

// The columns of the copy `copy` (CREATE TABLE AS keeps the names).
std::set<std::string> copy_columns(driver::SqlConnection& c, const std::string& copy, Dialect d) {
  std::set<std::string> out;
  for (const auto& col : c.query("SELECT * FROM " + q(copy, d) + " WHERE 1 = 0").columns) out.insert(col.name);
  return out;
}

std::vector<KeyValue> key_values(const std::vector<std::string>& key, const std::vector<Value>& values) {
  std::vector<KeyValue> out;
  for (std::size_t i = 0; i < key.size(); ++i) out.push_back({key[i], values[i]});
  return out;
}

// The listed tables ordered so that a referenced table comes before the tables referencing it.
std::vector<TableDataPlan> fk_order(std::vector<TableDataPlan> plans, const schema::Schema& s) {
  std::vector<TableDataPlan> out;
  std::set<std::size_t> done;
  while (done.size() < plans.size()) {
    bool progress = false;
    for (std::size_t i = 0; i < plans.size(); ++i) {
      if (done.count(i)) continue;
      const schema::Table* t = s.find_table(plans[i].name, plans[i].schema);
      bool ready = true;
      for (std::size_t j = 0; t && j < plans.size() && ready; ++j)
        if (j != i && !done.count(j))
          for (const auto& fk : t->foreign_keys)
            if (fk.ref_table == plans[j].name && (fk.ref_schema.empty() || fk.ref_schema == plans[j].schema))
              ready = false;
      if (ready) {
        out.push_back(plans[i]);
        done.insert(i);
        progress = true;
      }
    }
    if (!progress)  // a cycle: the rest in the order listed
      for (std::size_t i = 0; i < plans.size(); ++i)
        if (done.insert(i).second) out.push_back(plans[i]);
  }
  return out;
}

struct Sides {
  const Row* base;
  const Row* ours;
  const Row* theirs;
};

// One row's three versions → a change, conflicts, or nothing.
void merge_row(const Sides& s, const std::vector<std::string>& cols, const std::vector<bool>& is_key,
               const std::string& listed, const std::vector<std::string>& key, TableDataPlan& plan,
               std::vector<DataConflict>& conflicts) {
  const Row* any = s.theirs ? s.theirs : s.ours ? s.ours : s.base;
  auto conflict = [&](std::size_t i, const std::string& kind) {
    DataConflict c;
    c.table = listed;
    c.key = key_values(key, any->key);
    c.column = cols[i];
    c.kind = kind;
    if (s.base) c.base = s.base->cells[i];
    if (s.ours) c.ours = s.ours->cells[i];
    if (s.theirs) c.theirs = s.theirs->cells[i];
    if (s.base && !c.base) c.base = c.ours;
    conflicts.push_back(std::move(c));
  };
  // A cell's base: the copy's value, or the target's where the copy lacks the column.
  auto base_of = [&](std::size_t i) -> std::optional<Value> {
    if (s.base->cells[i]) return s.base->cells[i];
    return s.ours ? s.ours->cells[i] : std::nullopt;
  };
  RowChange ch;
  ch.key = key_values(key, any->key);
  if (s.theirs && !s.base && !s.ours) {
    ch.kind = RowChange::Kind::insert;
    for (std::size_t i = 0; i < cols.size(); ++i) {
      ch.columns.push_back(cols[i]);
      ch.values.push_back(*s.theirs->cells[i]);
    }
    plan.changes.push_back(std::move(ch));
  } else if (s.theirs && !s.base && s.ours) {
    for (std::size_t i = 0; i < cols.size(); ++i)
      if (!same(*s.theirs->cells[i], *s.ours->cells[i])) conflict(i, "insert/insert");
  } else if (!s.theirs && s.base && s.ours) {
    bool changed = false;
    for (std::size_t i = 0; i < cols.size(); ++i)
      if (s.base->cells[i] && !same(*s.ours->cells[i], *s.base->cells[i])) {
        conflict(i, "update/delete");
        changed = true;
      }
    if (!changed) {
      ch.kind = RowChange::Kind::remove;
      plan.changes.push_back(std::move(ch));
    }
  } else if (s.theirs && s.base && !s.ours) {
    for (std::size_t i = 0; i < cols.size(); ++i)
      if (s.base->cells[i] && !same(*s.theirs->cells[i], *s.base->cells[i])) conflict(i, "delete/update");
  } else if (s.theirs && s.base && s.ours) {
    ch.kind = RowChange::Kind::update;
    for (std::size_t i = 0; i < cols.size(); ++i) {
      if (is_key[i]) continue;
      const Value& t = *s.theirs->cells[i];
      const Value& o = *s.ours->cells[i];
      const Value b = *base_of(i);
      if (same(t, b) || same(o, t)) continue;
      if (same(o, b)) {
        ch.columns.push_back(cols[i]);
        ch.values.push_back(t);
        ch.before.push_back(o);
      } else {
        conflict(i, "update/update");
      }
    }
    if (!ch.columns.empty()) plan.changes.push_back(std::move(ch));
  }
}

}  // namespace

const schema::Table* find_listed_table(const schema::Schema& s, std::string_view listed) {
  for (const auto& t : s.tables)
    if (t.name == listed || (!t.schema.empty() && t.schema + "." + t.name == listed)) return &t;
  return nullptr;
}

std::string describe_key(const std::vector<KeyValue>& key) {
  std::vector<std::string> parts;
  for (const auto& k : key) parts.push_back(k.column + "=" + driver::to_display(k.value));
  return util::join(parts, ", ");
}

std::size_t DataPlan::change_count() const {
  std::size_t n = 0;
  for (const auto& t : tables) n += t.changes.size();
  return n;
}

void take_fork_snapshot(const config::DatabaseUrl& url, const std::vector<config::MergeDataTable>& tables) {
  auto c = driver::connect_sql(url);
  const Dialect d = url.dialect;
  const bool tx = c->transactional_ddl();
  if (tx) c->begin();
  try {
    for (const auto& t : fork_tables(*c, d)) c->execute("DROP TABLE " + q(t, d));
    if (!tables.empty()) {
      const schema::Schema s = pull::inspect(*c);
      c->execute("CREATE TABLE " + q(kIndex, d) + " (" + q("listed", d) + " varchar(255) NOT NULL, " +
                 q("copy_name", d) + " varchar(64) NOT NULL, " + q("present", d) + " integer NOT NULL)");
      std::size_t n = 0;
      for (const auto& entry : tables) {
        const std::string copy = std::string(kIndex) + "_" + std::to_string(++n);
        const schema::Table* t = find_listed_table(s, entry.table);
        if (t)
          c->execute("CREATE TABLE " + q(copy, d) + " AS SELECT * FROM " + schema::quote_qualified(t->schema, t->name, d));
        const std::vector<Value> p{entry.table, copy, static_cast<std::int64_t>(t ? 1 : 0)};
        c->query("INSERT INTO " + q(kIndex, d) + " (" + q("listed", d) + ", " + q("copy_name", d) + ", " +
                     q("present", d) + ") VALUES (" + ph(1, d) + ", " + ph(2, d) + ", " + ph(3, d) + ")",
                 p);
      }
    }
    if (tx) c->commit();
  } catch (...) {
    if (tx) c->rollback();
    throw;
  }
}

DataPlan plan_data_merge(driver::SqlConnection& source, driver::SqlConnection& target,
                         const std::vector<config::MergeDataTable>& tables, const std::string& source_name) {
  const Dialect d = source.dialect();
  const schema::Schema ms = pull::inspect(source);
  const schema::Schema mt = pull::inspect(target);
  // The fork point: listed name → (copy, whether the table existed then).
  std::map<std::string, std::pair<std::string, bool>> fork;
  const auto have = fork_tables(source, d);
  if (std::find(have.begin(), have.end(), kIndex) != have.end())
    for (const auto& r : source.query("SELECT " + q("listed", d) + ", " + q("copy_name", d) + ", " + q("present", d) +
                                      " FROM " + q(kIndex, d))
                             .rows)
      fork[migrate::value_text(r[0]).value_or("")] = {migrate::value_text(r[1]).value_or(""),
                                                       migrate::value_int(r[2]) != 0};
  DataPlan plan;
  for (const auto& entry : tables) {
    const schema::Table* ts = find_listed_table(ms, entry.table);
    const schema::Table* tt = find_listed_table(mt, entry.table);
    if (!ts)
      throw entry_error(entry, "branch.merge-data-table",
                        "[branches] merge_data: no table " + entry.table + " in branch '" + source_name + "'" +
                            (tt ? "" : " nor in the target"),
                        "list tables the branches have, by name or schema.name");
    if (!ts->primary_key || ts->primary_key->columns.empty())
      throw entry_error(entry, "branch.merge-data-no-key",
                        "[branches] merge_data: table " + entry.table + " has no primary key",
                        "rows are matched across branches by primary key: add one, or take the table out of "
                        "merge_data");
    const auto f = fork.find(entry.table);
    if (f == fork.end())
      throw entry_error(entry, "branch.merge-data-no-fork",
                        "branch '" + source_name + "' has no fork-point copy of table " + entry.table +
                            " (it was created before [branches] merge_data listed the table)",
                        "`flash branch reset " + source_name +
                            "` re-creates the branch with the copy (its changes are lost); or take the table out of "
                            "merge_data for this merge");
    TableDataPlan tp;
    tp.table = entry.table;
    tp.schema = ts->schema;
    tp.name = ts->name;
    tp.key = ts->primary_key->columns;
    tp.in_target = tt != nullptr;
    const std::set<std::string> target_cols = tt ? column_names(*tt) : column_names(*ts);
    std::vector<std::string> cols;
    std::vector<bool> is_key;
    for (const auto& c : ts->columns) {
      if (c.generated != schema::GeneratedKind::none || !target_cols.count(c.name)) continue;
      cols.push_back(c.name);
      is_key.push_back(std::find(tp.key.begin(), tp.key.end(), c.name) != tp.key.end());
      if (c.identity == schema::Identity::always) tp.overriding = true;
      if (c.identity != schema::Identity::none || c.auto_increment ||
          (c.default_expr && util::to_lower(*c.default_expr).find("nextval(") != std::string::npos))
        tp.serial_columns.push_back(c.name);
    }
    for (const auto& k : tp.key)
      if (!target_cols.count(k))
        throw entry_error(entry, "branch.merge-data-key",
                          "[branches] merge_data: the target's table " + entry.table + " lacks the key column " + k,
                          "merge the schema change first, without " + entry.table + " in merge_data");
    const std::string qualified = schema::quote_qualified(ts->schema, ts->name, d);
    const Rows theirs = read_rows(source, qualified, tp.key, cols, column_names(*ts), d);
    const Rows ours = tt ? read_rows(target, schema::quote_qualified(tt->schema, tt->name, d), tp.key, cols,
                                     column_names(*tt), d)
                         : Rows{};
    Rows base;
    if (f->second.second) {
      const auto have_cols = copy_columns(source, f->second.first, d);
      for (const auto& k : tp.key)
        if (!have_cols.count(k))
          throw entry_error(entry, "branch.merge-data-key",
                            "the fork-point copy of " + entry.table + " lacks the key column " + k +
                                " (the branch changed the primary key)",
                            "merge the schema change first, without " + entry.table + " in merge_data");
      base = read_rows(source, q(f->second.first, d), tp.key, cols, have_cols, d);
    }
    // Every key, in the order: the branch's rows, then rows only the fork point or the target has.
    std::vector<std::string> keys;
    std::set<std::string> seen;
    for (const Rows* r : std::initializer_list<const Rows*>{&theirs, &base, &ours})
      for (const auto& k : r->order)
        if (seen.insert(k).second) keys.push_back(k);
    for (const auto& k : keys) {
      const auto find = [&](const Rows& r) -> const Row* {
        auto it = r.by_key.find(k);
        return it == r.by_key.end() ? nullptr : &it->second;
      };
      merge_row({find(base), find(ours), find(theirs)}, cols, is_key, entry.table, tp.key, tp, plan.conflicts);
    }
    plan.tables.push_back(std::move(tp));
  }
  plan.tables = fk_order(std::move(plan.tables), ms);
  return plan;
}

void run_data_plan(driver::SqlConnection& target, const DataPlan& p, bool skip_missing) {
  const Dialect d = target.dialect();
  auto where = [&](const std::vector<KeyValue>& key, std::size_t first, std::vector<Value>& params) {
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < key.size(); ++i) {
      parts.push_back(q(key[i].column, d) + " = " + ph(first + i, d));
      params.push_back(key[i].value);
    }
    return util::join(parts, " AND ");
  };
  // Deletes, children first.
  for (auto it = p.tables.rbegin(); it != p.tables.rend(); ++it) {
    if (skip_missing && !it->in_target) continue;
    const std::string table = schema::quote_qualified(it->schema, it->name, d);
    for (const auto& ch : it->changes) {
      if (ch.kind != RowChange::Kind::remove) continue;
      std::vector<Value> params;
      const std::string w = where(ch.key, 1, params);
      target.query("DELETE FROM " + table + " WHERE " + w, params);
    }
  }
  // Updates and inserts, parents first.
  for (const auto& t : p.tables) {
    if (skip_missing && !t.in_target) continue;
    const std::string table = schema::quote_qualified(t.schema, t.name, d);
    bool inserted = false;
    for (const auto& ch : t.changes) {
      std::vector<Value> params(ch.values.begin(), ch.values.end());
      if (ch.kind == RowChange::Kind::update) {
        std::vector<std::string> sets;
        for (std::size_t i = 0; i < ch.columns.size(); ++i) sets.push_back(q(ch.columns[i], d) + " = " + ph(i + 1, d));
        const std::string w = where(ch.key, ch.columns.size() + 1, params);
        target.query("UPDATE " + table + " SET " + util::join(sets, ", ") + " WHERE " + w, params);
      } else if (ch.kind == RowChange::Kind::insert) {
        std::vector<std::string> names, marks;
        for (std::size_t i = 0; i < ch.columns.size(); ++i) {
          names.push_back(q(ch.columns[i], d));
          marks.push_back(ph(i + 1, d));
        }
        target.query("INSERT INTO " + table + " (" + util::join(names, ", ") + ")" +
                         (t.overriding && d == Dialect::postgresql ? " OVERRIDING SYSTEM VALUE" : "") + " VALUES (" +
                         util::join(marks, ", ") + ")",
                     params);
        inserted = true;
      }
    }
    // PostgreSQL sequences do not follow explicit values: move each past the largest one.
    if (inserted && d == Dialect::postgresql)
      for (const auto& col : t.serial_columns) {
        const std::vector<Value> params{table, col};
        target.query("SELECT setval(q.s, x.m) FROM (SELECT pg_get_serial_sequence($1, $2)::regclass AS s) q CROSS JOIN "
                     "(SELECT MAX(" + q(col, d) + ")::bigint AS m FROM " + table + ") x WHERE q.s IS NOT NULL AND x.m "
                     "IS NOT NULL AND x.m > COALESCE(pg_sequence_last_value(q.s), 0)",
                     params);
      }
  }
}

}  // namespace flash::branch

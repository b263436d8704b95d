// Matching pulled constraint names to existing schema files: the database always has a name, the
// files may leave it out; when the name is the one the server would have generated anyway, the
// two describe the same schema.
#include <algorithm>
#include <cctype>

#include "flash/pull/inspect.hpp"
#include "flash/util/text.hpp"

namespace flash::pull {

namespace {

using schema::Dialect;

bool digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}
// `name` is `stem` + optional digits (with an optional separator).
bool stem_num(const std::string& name, const std::string& stem, bool sep = false) {
  if (name.size() < stem.size() || !util::starts_with_ci(name, stem)) return false;
  std::string_view rest = std::string_view(name).substr(stem.size());
  if (sep && !rest.empty()) {
    if (rest.front() != '_') return false;
    rest.remove_prefix(1);
    return !rest.empty() && digits(rest);
  }
  return digits(rest);
}

bool generated_pg(const std::string& name, const std::string& table, const std::string& suffix,
                  const std::vector<std::string>& cols) {
  if (suffix == "_pkey") return name == table + "_pkey";
  if (suffix == "_check") {
    schema::Schema s;
    schema::Table t;
    t.name = table;
    t.checks.push_back({name, "", false});
    s.tables.push_back(t);
    clear_generated_names(s);
    return s.tables[0].checks[0].name.empty();
  }
  return stem_num(name, table + "_" + util::join(cols, "_") + suffix);
}

bool generated(Dialect d, const std::string& name, const std::string& table, const std::string& kind,
               const std::vector<std::string>& cols) {
  if (name.empty()) return false;
  if (d == Dialect::postgresql) return generated_pg(name, table, kind, cols);
  if (d == Dialect::mysql) {
    if (kind == "_check") return stem_num(name, "CONSTRAINT_") || stem_num(name, table + "_chk_");
    if (kind == "_fkey") return stem_num(name, table + "_ibfk_");
    if (kind == "_key") return !cols.empty() && stem_num(name, cols.front(), true);
  }
  return false;
}

}  // namespace

void align_names(schema::Schema& pulled, const schema::Schema& reference) {
  const Dialect d = pulled.dialect;
  for (auto& t : pulled.tables) {
    const schema::Table* r = reference.find_table(t.name, t.schema);
    if (!r) continue;
    // "REFERENCES t" in the files: the catalog names t's primary-key columns.
    for (auto& fk : t.foreign_keys) {
      const schema::Table* target = pulled.find_table(fk.ref_table, fk.ref_schema);
      if (!target || !target->primary_key || fk.ref_columns != target->primary_key->columns) continue;
      for (const auto& x : r->foreign_keys)
        if (x.ref_columns.empty() && x.columns == fk.columns && x.ref_table == fk.ref_table &&
            x.ref_schema == fk.ref_schema)
          fk.ref_columns.clear();
    }
    if (t.primary_key && r->primary_key && t.primary_key->columns == r->primary_key->columns) {
      if (d == Dialect::mysql) t.primary_key->name = r->primary_key->name;
      else if (r->primary_key->name.empty() && generated(d, t.primary_key->name, t.name, "_pkey", {}))
        t.primary_key->name.clear();
    }
    for (auto& u : t.uniques) {
      if (!generated(d, u.name, t.name, "_key", u.columns)) continue;
      if (std::any_of(r->uniques.begin(), r->uniques.end(), [&](const auto& x) {
            return x.name.empty() && x.columns == u.columns && x.nulls_not_distinct == u.nulls_not_distinct;
          }))
        u.name.clear();
    }
    for (auto& fk : t.foreign_keys) {
      if (!generated(d, fk.name, t.name, "_fkey", fk.columns)) continue;
      if (std::any_of(r->foreign_keys.begin(), r->foreign_keys.end(), [&](const auto& x) {
            schema::ForeignKey a = x, b = fk;
            a.name.clear();
            b.name.clear();
            // "REFERENCES t" without columns means t's primary key.
            if (a.ref_columns.empty() || b.ref_columns.empty()) a.ref_columns = b.ref_columns = {};
            return x.name.empty() && schema::same_foreign_key(a, b, d);
          }))
        fk.name.clear();
    }
    if (d == Dialect::mysql) {
      // The index the server made for a foreign key the files declare without one: named after
      // the constraint, or after its first column (unnamed constraints, and MariaDB for inline
      // REFERENCES; _2, _3 ... when that name was taken), with exactly its columns.
      for (const auto& fk : t.foreign_keys) {
        std::erase_if(pulled.indexes, [&](const schema::Index& i) {
          if (i.table != t.name || i.schema != t.schema || i.unique || !i.method.empty() ||
              i.parts.size() != fk.columns.size())
            return false;
          if (!stem_num(i.name, fk.columns.front(), true) && (fk.name.empty() || i.name != fk.name)) return false;
          for (std::size_t k = 0; k < fk.columns.size(); ++k)
            if (i.parts[k].column != fk.columns[k] || i.parts[k].length || i.parts[k].descending) return false;
          return std::none_of(reference.indexes.begin(), reference.indexes.end(), [&](const schema::Index& x) {
            return x.table == i.table && x.schema == i.schema && util::iequals(x.name, i.name);
          });
        });
      }
      // A unique key is pulled as a named UNIQUE constraint (it stays in CREATE TABLE); the files'
      // UNIQUE KEY / CREATE UNIQUE INDEX of that name is the same key.
      std::erase_if(t.uniques, [&](const schema::UniqueConstraint& u) {
        if (u.name.empty()) return false;
        const auto x = std::find_if(reference.indexes.begin(), reference.indexes.end(), [&](const schema::Index& i) {
          if (i.table != t.name || i.schema != t.schema || !i.unique || i.name != u.name ||
              i.parts.size() != u.columns.size())
            return false;
          for (std::size_t k = 0; k < u.columns.size(); ++k)
            if (i.parts[k].column != u.columns[k]) return false;
          return true;
        });
        if (x == reference.indexes.end()) return false;
        // After the table's other indexes, where printing and re-parsing puts it.
        auto at = pulled.indexes.end();
        for (auto it = pulled.indexes.begin(); it != pulled.indexes.end(); ++it)
          if (it->table == t.name && it->schema == t.schema) at = std::next(it);
        pulled.indexes.insert(at, *x);
        return true;
      });
      // SERIAL is BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE: with a PRIMARY KEY on the same
      // column the server keeps a unique key `<column>` that the files never name.
      std::erase_if(t.uniques, [&](const schema::UniqueConstraint& u) {
        if (u.columns.size() != 1 || !stem_num(u.name, u.columns.front(), true) || !t.primary_key ||
            t.primary_key->columns != u.columns)
          return false;
        const schema::Column* col = t.find_column(u.columns.front());
        if (!col || !col->auto_increment) return false;
        return std::none_of(r->uniques.begin(), r->uniques.end(), [&](const auto& x) { return x.columns == u.columns; });
      });
      // The server reports SERIAL's (or any unnamed) UNIQUE as `UNIQUE KEY <column>`, read as a
      // unique index: the files' unnamed UNIQUE constraint on the same columns is the same thing.
      std::erase_if(pulled.indexes, [&](const schema::Index& ix) {
        if (ix.table != t.name || ix.schema != t.schema || !ix.unique || ix.parts.empty() || !ix.where.empty() ||
            !ix.method.empty())
          return false;
        std::vector<std::string> cols;
        for (const auto& p : ix.parts) {
          if (p.column.empty() || p.length || p.descending) return false;
          cols.push_back(p.column);
        }
        if (!stem_num(ix.name, cols.front(), true) ||
            std::any_of(reference.indexes.begin(), reference.indexes.end(),
                        [&](const schema::Index& x) { return x.name == ix.name && x.table == ix.table; }))
          return false;
        const bool in_files = std::any_of(r->uniques.begin(), r->uniques.end(),
                                          [&](const auto& x) { return x.name.empty() && x.columns == cols; });
        if (!in_files || std::any_of(t.uniques.begin(), t.uniques.end(), [&](const auto& x) { return x.columns == cols; }))
          return false;
        t.uniques.push_back(schema::UniqueConstraint{"", cols, false});
        return true;
      });
      // DEFAULT NOW() / CURRENT_TIMESTAMP() / LOCALTIMESTAMP ... are all stored as CURRENT_TIMESTAMP.
      for (auto& c : t.columns) {
        const schema::Column* rc = r->find_column(c.name);
        if (!rc) continue;
        // int(11) in the files is the int the server reports (pull drops default widths).
        if (c.type.args.empty() && rc->type.args.size() == 1 && rc->type.args[0] == default_integer_width(c.type)) {
          schema::TypeRef with = c.type;
          with.args = rc->type.args;
          if (with == rc->type) c.type = with;
        }
        auto now_like = [](const std::optional<std::string>& e) {
          if (!e) return false;
          std::string v = util::to_lower(*e);
          if (v.ends_with("()")) v.resize(v.size() - 2);
          return v == "now" || v == "current_timestamp" || v == "localtimestamp" || v == "localtime";
        };
        if (now_like(c.default_expr) && now_like(rc->default_expr)) c.default_expr = rc->default_expr;
        if (now_like(c.on_update) && now_like(rc->on_update)) c.on_update = rc->on_update;
      }
    }
    if (d == Dialect::postgresql) {
      // Expressions the server prints its own way ('x'::text, nextval('s'::regclass), ...).
      const auto same_expr = [](const std::string& a, const std::string& b) {
        return a == b || same_postgres_sql("SELECT " + a, "SELECT " + b);
      };
      for (auto& c : t.columns) {
        const schema::Column* rc = r->find_column(c.name);
        if (!rc) continue;
        if (c.default_expr && rc->default_expr && same_expr(*rc->default_expr, *c.default_expr))
          c.default_expr = rc->default_expr;
        if (!c.generated_expr.empty() && same_expr(rc->generated_expr, c.generated_expr))
          c.generated_expr = rc->generated_expr;
      }
      for (auto& ck : t.checks)
        for (const auto& x : r->checks)
          if ((x.name == ck.name || x.name.empty()) && x.expr != ck.expr && same_expr(x.expr, ck.expr)) {
            ck.expr = x.expr;
            break;
          }
    }
    for (auto& ck : t.checks) {
      if (!generated(d, ck.name, t.name, "_check", {})) continue;
      if (std::any_of(r->checks.begin(), r->checks.end(),
                      [&](const auto& x) { return x.name.empty() && x.expr == ck.expr; }))
        ck.name.clear();
    }
  }
  if (d == Dialect::postgresql) {
    for (auto& v : pulled.views) {
      const schema::View* r = reference.find_view(v.name, v.schema);
      if (r && r->materialized == v.materialized && r->query != v.query && same_postgres_sql(r->query, v.query))
        v.query = r->query;
    }
    for (auto& raw : pulled.raw) {
      if (std::find(reference.raw.begin(), reference.raw.end(), raw) != reference.raw.end()) continue;
      for (const auto& x : reference.raw)
        if (x.kind == raw.kind && x.name == raw.name && same_postgres_sql(x.sql, raw.sql)) {
          raw.sql = x.sql;
          break;
        }
    }
  }
  for (auto& dom : pulled.domains) {
    auto r = std::find_if(reference.domains.begin(), reference.domains.end(),
                          [&](const auto& x) { return x.name == dom.name && x.schema == dom.schema; });
    if (r == reference.domains.end()) continue;
    if (d == Dialect::postgresql) {
      for (auto& ck : dom.checks)
        for (const auto& x : r->checks)
          if ((x.name == ck.name || x.name.empty()) && x.expr != ck.expr &&
              same_postgres_sql("SELECT " + x.expr, "SELECT " + ck.expr)) {
            ck.expr = x.expr;
            break;
          }
      if (dom.default_expr && r->default_expr && *dom.default_expr != *r->default_expr &&
          same_postgres_sql("SELECT " + *r->default_expr, "SELECT " + *dom.default_expr))
        dom.default_expr = r->default_expr;
    }
    for (auto& ck : dom.checks)
      if (stem_num(ck.name, dom.name + "_check") &&
          std::any_of(r->checks.begin(), r->checks.end(),
                      [&](const auto& x) { return x.name.empty() && x.expr == ck.expr; }))
        ck.name.clear();
  }
}

}  // namespace flash::pull

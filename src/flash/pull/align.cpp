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
            return x.name.empty() && a == b;
          }))
        fk.name.clear();
    }
    for (auto& ck : t.checks) {
      if (!generated(d, ck.name, t.name, "_check", {})) continue;
      if (std::any_of(r->checks.begin(), r->checks.end(),
                      [&](const auto& x) { return x.name.empty() && x.expr == ck.expr; }))
        ck.name.clear();
    }
  }
  for (auto& dom : pulled.domains) {
    auto r = std::find_if(reference.domains.begin(), reference.domains.end(),
                          [&](const auto& x) { return x.name == dom.name && x.schema == dom.schema; });
    if (r == reference.domains.end()) continue;
    for (auto& ck : dom.checks)
      if (stem_num(ck.name, dom.name + "_check") &&
          std::any_of(r->checks.begin(), r->checks.end(),
                      [&](const auto& x) { return x.name.empty() && x.expr == ck.expr; }))
        ck.name.clear();
  }
}

}  // namespace flash::pull

// `flash branch NAME --mask`: the [branches.mask] columns of the new branch rewritten with fake
// values from the seed generators (exporter::fake_text: "cedar42@example.com", "Cedar Maple 42",
// "+1-555-0000042", "cedar maple 42"), cut to the column's length. Each row's value ends in its
// own number (1, 2, ... in primary-key order), so values are distinct wherever the originals had
// to be; a number whose value equals any original value of the column is skipped, so no original
// value survives and no update ever collides with a row not rewritten yet. NULLs stay NULL; the
// values are bound, one UPDATE per row by primary key, all in one transaction. A masked column may
// not take part in a foreign key or the primary key (rewriting it would break the reference): such
// a rule is an error, and the branch is then dropped, so no unmasked copy is left behind.
#include <algorithm>
#include <functional>
#include <set>

#include "flash/branch/branch.hpp"
#include "flash/diag/diagnostic.hpp"
#include "flash/export/seed.hpp"
#include "flash/pull/inspect.hpp"
#include "flash/schema/printer.hpp"
#include "flash/schema/types.hpp"

namespace flash::branch {
using schema::Dialect;

namespace {

diag::Error rule_error(const config::MaskRule& r, const std::string& code, const std::string& message,
                       const std::string& hint) {
  diag::Diagnostic d;
  d.code = code;
  d.message = message;
  d.location = r.location;
  d.hint = hint;
  return diag::Error(std::move(d));
}

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

std::string placeholder(std::size_t i, Dialect d) { return d == Dialect::postgresql ? "$" + std::to_string(i) : "?"; }

// One masking pass over a column: the UPDATEs with their bound values.
struct Update {
  std::string sql;
  std::vector<std::vector<driver::Value>> params;  // one set per row; empty with a single statement
};

}  // namespace

void apply_mask(const config::DatabaseUrl& url, const std::vector<config::MaskRule>& rules) {
  auto c = driver::connect_sql(url);
  const schema::Schema s = pull::inspect(*c);
  const Dialect d = url.dialect;
  std::vector<Update> updates;
  for (const auto& r : rules) {
    const schema::Table* t = find_listed_table(s, r.table);
    if (!t)
      throw rule_error(r, "branch.mask-unknown", "[branches.mask]: no table " + r.table + " in the database",
                       "mask only tables the branch has");
    const auto col = std::find_if(t->columns.begin(), t->columns.end(),
                                  [&](const schema::Column& x) { return x.name == r.column; });
    if (col == t->columns.end())
      throw rule_error(r, "branch.mask-unknown", "[branches.mask]: table " + r.table + " has no column " + r.column,
                       "mask only columns the branch has");
    if (!t->primary_key || t->primary_key->columns.empty())
      throw rule_error(r, "branch.mask-no-key", "[branches.mask]: table " + r.table + " has no primary key",
                       "each masked row is rewritten by its primary key");
    const auto& pk = t->primary_key->columns;
    bool in_fk = has(pk, r.column);
    for (const auto& fk : t->foreign_keys) in_fk = in_fk || has(fk.columns, r.column);
    for (const auto& other : s.tables)
      for (const auto& fk : other.foreign_keys)
        if (fk.ref_table == t->name && (has(fk.ref_columns, r.column) || (fk.ref_columns.empty() && has(pk, r.column))))
          in_fk = true;
    if (in_fk)
      throw rule_error(r, "branch.mask-key", "[branches.mask]: " + r.table + "." + r.column +
                                                 " is part of a primary or foreign key",
                       "rewriting it would break the references; mask the columns that hold personal data instead");
    if (r.kind != "null" && schema::category(col->type, d, &s) != schema::TypeCategory::text)
      throw rule_error(r, "branch.mask-type",
                       "[branches.mask]: " + r.table + "." + r.column + " is not a text column (mask kind " + r.kind + ")",
                       "use \"null\" for columns of other types");
    const std::string table = schema::quote_qualified(t->schema, t->name, d);
    const std::string column = schema::quote_ident_always(r.column, d);
    Update u;
    if (r.kind == "null") {
      u.sql = "UPDATE " + table + " SET " + column + " = NULL WHERE " + column + " IS NOT NULL";
      updates.push_back(std::move(u));
      continue;
    }
    std::string sel = "SELECT " + column;
    std::string where;
    for (std::size_t i = 0; i < pk.size(); ++i) {
      sel += ", " + schema::quote_ident_always(pk[i], d);
      where += (i ? " AND " : "") + schema::quote_ident_always(pk[i], d) + " = " + placeholder(i + 2, d);
    }
    std::string order;
    for (std::size_t i = 0; i < pk.size(); ++i) order += (i ? ", " : "") + schema::quote_ident_always(pk[i], d);
    const auto rows = c->query(sel + " FROM " + table + " WHERE " + column + " IS NOT NULL ORDER BY " + order).rows;
    std::set<std::string> originals;
    for (const auto& row : rows) originals.insert(driver::to_display(row[0]));
    u.sql = "UPDATE " + table + " SET " + column + " = " + placeholder(1, d) + " WHERE " + where;
    const std::uint64_t seed = std::hash<std::string>{}(r.table + "." + r.column);
    std::int64_t seq = 0;
    for (const auto& row : rows) {
      std::string v;
      for (int tries = 0;; ++tries) {
        v = exporter::fake_text(*col, r.kind, ++seq, seed);
        if (!originals.count(v)) break;
        if (tries == 1000)
          throw rule_error(r, "branch.mask-exhausted",
                           "[branches.mask]: no fake value for " + r.table + "." + r.column +
                               " that fits its type and differs from every original value",
                           "use \"null\", or widen the column");
      }
      std::vector<driver::Value> p{v};
      p.insert(p.end(), row.begin() + 1, row.end());
      u.params.push_back(std::move(p));
    }
    updates.push_back(std::move(u));
  }
  c->begin();
  try {
    for (const auto& u : updates) {
      if (u.params.empty()) c->query(u.sql);
      for (const auto& p : u.params) c->query(u.sql, p);
    }
    c->commit();
  } catch (...) {
    c->rollback();
    throw;
  }
}

}  // namespace flash::branch

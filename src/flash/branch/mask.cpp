// `flash branch NAME --mask`: the [branches.mask] columns of the new branch rewritten with fake
// values derived from each row's primary key ("user42@example.com", "Name 42", "+1-555-0142" ...),
// so a value is unique wherever the key is, no original value survives (NULLs stay NULL), and the
// value has the column's type (text columns only). A masked column may not take part in a foreign
// key or the primary key (rewriting it would break the reference): such a rule is an error, and
// the branch is then dropped, so no unmasked copy is left behind.
#include <algorithm>

#include "flash/branch/branch.hpp"
#include "flash/diag/diagnostic.hpp"
#include "flash/pull/inspect.hpp"
#include "flash/schema/printer.hpp"
#include "flash/schema/types.hpp"
#include "flash/util/text.hpp"

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

// The SQL text of the row's key ('7', or '7_3' for a composite key).
std::string key_text(const std::vector<std::string>& pk, Dialect d) {
  std::vector<std::string> parts;
  for (const auto& c : pk) parts.push_back("CAST(" + schema::quote_ident_always(c, d) + " AS " +
                                           (d == Dialect::mysql ? "CHAR" : "TEXT") + ")");
  if (d == Dialect::mysql) return parts.size() == 1 ? parts[0] : "CONCAT_WS('_', " + util::join(parts, ", ") + ")";
  return util::join(parts, " || '_' || ");
}

std::string concat(const std::vector<std::string>& parts, Dialect d) {
  return d == Dialect::mysql ? "CONCAT(" + util::join(parts, ", ") + ")" : "(" + util::join(parts, " || ") + ")";
}

std::string fake(const std::string& kind, const std::string& key, Dialect d) {
  if (kind == "email") return concat({"'user'", key, "'@example.com'"}, d);
  if (kind == "name") return concat({"'Name '", key}, d);
  if (kind == "phone") return concat({"'+1-555-'", key}, d);
  return concat({"'masked '", key}, d);  // text
}

}  // namespace

void apply_mask(const config::DatabaseUrl& url, const std::vector<config::MaskRule>& rules) {
  auto c = driver::connect_sql(url);
  const schema::Schema s = pull::inspect(*c);
  const Dialect d = url.dialect;
  std::vector<std::string> updates;
  for (const auto& r : rules) {
    const auto t = std::find_if(s.tables.begin(), s.tables.end(), [&](const schema::Table& x) {
      return x.name == r.table || (!x.schema.empty() && x.schema + "." + x.name == r.table);
    });
    if (t == s.tables.end())
      throw rule_error(r, "branch.mask-unknown", "[branches.mask]: no table " + r.table + " in the database",
                       "mask only tables the branch has");
    const auto col = std::find_if(t->columns.begin(), t->columns.end(),
                                  [&](const schema::Column& x) { return x.name == r.column; });
    if (col == t->columns.end())
      throw rule_error(r, "branch.mask-unknown", "[branches.mask]: table " + r.table + " has no column " + r.column,
                       "mask only columns the branch has");
    if (!t->primary_key || t->primary_key->columns.empty())
      throw rule_error(r, "branch.mask-no-key", "[branches.mask]: table " + r.table + " has no primary key",
                       "masked values are derived from the primary key, which keeps them unique");
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
    const std::string table = t->schema.empty() ? schema::quote_ident_always(t->name, d)
                                                : schema::quote_ident_always(t->schema, d) + "." +
                                                      schema::quote_ident_always(t->name, d);
    const std::string column = schema::quote_ident_always(r.column, d);
    updates.push_back("UPDATE " + table + " SET " + column + " = " +
                      (r.kind == "null" ? "NULL" : fake(r.kind, key_text(pk, d), d)) + " WHERE " + column +
                      " IS NOT NULL");
  }
  c->begin();
  try {
    for (const auto& u : updates) c->query(u);
    c->commit();
  } catch (...) {
    c->rollback();
    throw;
  }
}

}  // namespace flash::branch

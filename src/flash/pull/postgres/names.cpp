// Which constraint names PostgreSQL generates (ChooseConstraintName: <table>_<columns>_<suffix>,
// then a number when taken), so pulled constraints compare equal to unnamed ones in schema files.
#include <algorithm>
#include <cctype>

#include "flash/pull/inspect.hpp"
#include "flash/util/text.hpp"

namespace flash::pull {

namespace {

// `name` is `stem` + `suffix` + optional digits.
bool matches(const std::string& name, const std::string& stem, const std::string& suffix) {
  const std::string p = stem + suffix;
  if (name.size() < p.size() || name.compare(0, p.size(), p) != 0) return false;
  return std::all_of(name.begin() + static_cast<std::ptrdiff_t>(p.size()), name.end(),
                     [](unsigned char c) { return std::isdigit(c); });
}

std::string cols(const std::string& table, const std::vector<std::string>& columns) {
  return table + "_" + util::join(columns, "_");
}

// <table>_check, <table>_<col>_check, optionally numbered.
bool check_name(const std::string& name, const std::string& owner) {
  if (matches(name, owner, "_check")) return true;
  if (name.size() <= owner.size() + 1 || name.compare(0, owner.size() + 1, owner + "_") != 0) return false;
  auto pos = name.rfind("_check");
  if (pos == std::string::npos || pos <= owner.size()) return false;
  return matches(name, name.substr(0, pos), "_check");
}

}  // namespace

void clear_generated_names(schema::Schema& s) {
  for (auto& t : s.tables) {
    if (t.primary_key && t.primary_key->name == t.name + "_pkey") t.primary_key->name.clear();
    for (auto& u : t.uniques)
      if (matches(u.name, cols(t.name, u.columns), "_key")) u.name.clear();
    for (auto& fk : t.foreign_keys)
      if (matches(fk.name, cols(t.name, fk.columns), "_fkey")) fk.name.clear();
    for (auto& ck : t.checks)
      if (check_name(ck.name, t.name)) ck.name.clear();
  }
  for (auto& d : s.domains)
    for (auto& ck : d.checks)
      if (matches(ck.name, d.name, "_check")) ck.name.clear();
}

}  // namespace flash::pull

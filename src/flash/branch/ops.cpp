// list, create, delete, rename, reset, checkout and diff of branches (merge: merge.cpp).
#include "flash/branch/ops.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "flash/diag/diagnostic.hpp"
#include "flash/diff/plan.hpp"
#include "flash/migrate/tracking.hpp"
#include "flash/pull/inspect.hpp"
#include "flash/schema/printer.hpp"
#include "flash/util/text.hpp"

namespace flash::branch {
namespace {

Store load(const Env& e) { return load_store(*e.cfg, e.main_url); }

const Branch& need(const Store& s, const std::string& name) {
  const Branch* b = s.find(name);
  if (!b) {
    std::vector<std::string> names;
    for (const auto& x : s.branches) names.push_back(x.name);
    throw diag::Error("branch.unknown", "no branch named '" + name + "'", diag::ExitCode::usage,
                      "the branches are: " + util::join(names, ", ") + " (`flash branch` lists them)");
  }
  return *b;
}

std::optional<std::vector<std::string>> applied_at(const config::DatabaseUrl& u) {
  try {
    if (!database_exists(u)) return std::nullopt;
    auto c = driver::connect_sql(u);
    return applied_migrations(*c);
  } catch (const driver::DbError&) {
    return std::nullopt;
  } catch (const driver::ConnectError&) {
    return std::nullopt;
  }
}

int minus(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const std::set<std::string> sb(b.begin(), b.end());
  return static_cast<int>(std::count_if(a.begin(), a.end(), [&](const std::string& x) { return !sb.count(x); }));
}

// The copy, masked when the branch is, with the fork-point copy of the [branches] merge_data
// tables: a failure drops the copy (no unmasked data stays behind).
void copy_and_mask(const Env& e, const config::DatabaseUrl& src, const config::DatabaseUrl& dst, const Branch& b) {
  copy_database(src, dst, CopyOptions{b.schema_only});
  try {
    if (b.masked) apply_mask(dst, e.cfg->branch_mask);
    take_fork_snapshot(dst, e.cfg->branch_merge_data);
  } catch (...) {
    try {
      drop_database(dst);
    } catch (...) {
    }
    throw;
  }
}

}  // namespace

std::vector<ListItem> list(const Env& e) {
  const Store s = load(e);
  const std::string cur = current(*e.cfg);
  std::vector<ListItem> out;
  std::map<std::string, std::optional<std::vector<std::string>>> applied;
  for (const auto& b : s.branches) applied[b.name] = applied_at(url_for(e.main_url, b));
  for (const auto& b : s.branches) {
    ListItem it;
    it.branch = b;
    it.current = b.name == cur;
    const auto url = url_for(e.main_url, b);
    it.exists = applied[b.name].has_value() || database_exists(url);
    if (it.exists) it.size = database_size(url);
    if (!b.parent.empty() && applied[b.name] && applied.count(b.parent) && applied[b.parent]) {
      it.ahead = minus(*applied[b.name], *applied[b.parent]);
      it.behind = minus(*applied[b.parent], *applied[b.name]);
    }
    out.push_back(std::move(it));
  }
  return out;
}

Branch create(const Env& e, const CreateOptions& o) {
  check_name(o.name);
  Store s = load(e);
  if (s.find(o.name))
    throw diag::Error("branch.exists", "a branch named '" + o.name + "' already exists", diag::ExitCode::usage,
                      "`flash checkout " + o.name + "` switches to it; `flash branch reset " + o.name +
                          "` re-creates it");
  const std::string from = o.from.value_or(current(*e.cfg));
  const Branch& parent = need(s, from);
  Branch b;
  b.name = o.name;
  b.parent = parent.name;
  b.database = database_for(e.main_url, o.name);
  b.created_at = now_utc();
  b.schema_only = o.schema_only;
  b.masked = o.mask;
  if (o.mask && e.cfg->branch_mask.empty())
    throw diag::Error("branch.mask-none", "--mask needs [branches.mask] rules in " + e.cfg->file.filename().string(),
                      diag::ExitCode::usage, "[branches.mask]\nusers.email = \"email\"");
  const auto src = url_for(e.main_url, parent);
  if (!database_exists(src))
    throw diag::Error("branch.missing-database",
                      "the database of branch '" + parent.name + "' (" + src.database + ") does not exist",
                      diag::ExitCode::error,
                      parent.name == kMain ? "create it first (flash apply)"
                                           : "`flash branch reset " + parent.name + "` re-creates it from its parent");
  {
    auto c = driver::connect_sql(src);  // closed before the copy: a template copy needs no session on it
    b.fork_migrations = applied_migrations(*c);
  }
  copy_and_mask(e, src, url_for(e.main_url, b), b);
  s.branches.push_back(b);
  save_store(s);
  if (o.checkout) set_current(*e.cfg, b.name);
  return b;
}

void remove(const Env& e, const std::string& name, bool force) {
  Store s = load(e);
  const Branch& b = need(s, name);
  if (name == kMain)
    throw diag::Error("branch.protected", "the main branch cannot be deleted", diag::ExitCode::usage,
                      "main is the database the configured URL names");
  if (current(*e.cfg) == name)
    throw diag::Error("branch.current", "'" + name + "' is the current branch", diag::ExitCode::usage,
                      "switch to another branch first: flash checkout " + (b.parent.empty() ? kMain : b.parent));
  const auto url = url_for(e.main_url, b);
  if (!force) {
    const Branch* parent = s.find(b.parent.empty() ? kMain : b.parent);
    const auto mine = applied_at(url);
    const auto theirs = parent ? applied_at(url_for(e.main_url, *parent)) : std::nullopt;
    if (mine && (!theirs || minus(*mine, *theirs) > 0))
      throw diag::Error("branch.unmerged",
                        "branch '" + name + "' has " +
                            (theirs ? std::to_string(minus(*mine, *theirs)) + " migration(s)" : "migrations") +
                            " that '" + (parent ? parent->name : std::string(kMain)) + "' does not have",
                        diag::ExitCode::usage,
                        "merge them first (flash branch merge " + name + "), or pass --force to delete it anyway");
  }
  drop_database(url);
  const std::string parent = b.parent;
  for (auto& x : s.branches)
    if (x.parent == name) x.parent = parent;  // children keep a parent that exists
  s.branches.erase(std::remove_if(s.branches.begin(), s.branches.end(), [&](const Branch& x) { return x.name == name; }),
                   s.branches.end());
  save_store(s);
}

void rename(const Env& e, const std::string& from, const std::string& to) {
  check_name(to);
  Store s = load(e);
  Branch& b = const_cast<Branch&>(need(s, from));
  if (from == kMain)
    throw diag::Error("branch.protected", "the main branch cannot be renamed", diag::ExitCode::usage,
                      "main is the database the configured URL names");
  if (s.find(to)) throw diag::Error("branch.exists", "a branch named '" + to + "' already exists", diag::ExitCode::usage);
  const auto old_url = url_for(e.main_url, b);
  Branch renamed = b;
  renamed.name = to;
  renamed.database = database_for(e.main_url, to);
  if (database_exists(old_url)) rename_database(old_url, url_for(e.main_url, renamed));
  b = renamed;
  for (auto& x : s.branches)
    if (x.parent == from) x.parent = to;
  save_store(s);
  if (current(*e.cfg) == from) set_current(*e.cfg, to);
}

Branch reset(const Env& e, const std::string& name) {
  Store s = load(e);
  Branch& b = const_cast<Branch&>(need(s, name));
  if (name == kMain)
    throw diag::Error("branch.protected", "the main branch has no parent to be reset from", diag::ExitCode::usage);
  const Branch* parent = s.find(b.parent.empty() ? kMain : b.parent);
  if (!parent)
    throw diag::Error("branch.unknown", "the parent '" + b.parent + "' of branch '" + name + "' no longer exists");
  const auto src = url_for(e.main_url, *parent);
  {
    auto c = driver::connect_sql(src);
    b.fork_migrations = applied_migrations(*c);
  }
  const auto url = url_for(e.main_url, b);
  drop_database(url);
  copy_and_mask(e, src, url, b);
  b.created_at = now_utc();
  b.parent = parent->name;
  const Branch result = b;
  save_store(s);
  return result;
}

void checkout(const Env& e, const std::string& name) {
  const Store s = load(e);
  const Branch& b = need(s, name);
  if (!database_exists(url_for(e.main_url, b)))
    throw diag::Error("branch.missing-database",
                      "branch '" + name + "' is listed but its database (" + b.database + ") does not exist here",
                      diag::ExitCode::error,
                      name == kMain ? "create it (flash apply)"
                                    : "`flash branch reset " + name + " --force` creates it from its parent");
  set_current(*e.cfg, name);
}

// ---- diff --------------------------------------------------------------------------------------

namespace {

std::string table_key(const schema::Table& t, schema::Dialect d) {
  return t.schema.empty() ? schema::quote_ident_always(t.name, d)
                          : schema::quote_ident_always(t.schema, d) + "." + schema::quote_ident_always(t.name, d);
}

std::map<std::string, std::int64_t> row_counts(driver::SqlConnection& c, const schema::Schema& s) {
  std::map<std::string, std::int64_t> out;
  for (const auto& t : s.tables) {
    const std::string k = table_key(t, s.dialect);
    auto rs = c.query("SELECT COUNT(*) FROM " + k);
    out[(t.schema.empty() ? "" : t.schema + ".") + t.name] = migrate::value_int(rs.rows.at(0).at(0));
  }
  return out;
}

}  // namespace

DiffResult diff(const Env& e, const std::string& a, const std::string& b) {
  const Store s = load(e);
  const auto ua = url_for(e.main_url, need(s, a));
  const auto ub = url_for(e.main_url, need(s, b));
  auto ca = driver::connect_sql(ua);
  auto cb = driver::connect_sql(ub);
  schema::Schema sa = pull::inspect(*ca);
  schema::Schema sb = pull::inspect(*cb);
  pull::align_names(sb, sa);
  diff::DiffOptions opts;
  opts.accept_drops = true;  // a dropped and an added column are shown as such, not as a rename question
  const diff::Plan plan = diff::diff_schemas(sa, sb, opts);
  DiffResult r;
  if (!plan.empty()) r.sql = diff::render_migration(plan);
  for (const auto& op : plan.operations) r.operations.push_back(op.comment);
  const auto na = row_counts(*ca, sa);
  const auto nb = row_counts(*cb, sb);
  std::set<std::string> names;
  for (const auto& [k, v] : na) names.insert(k);
  for (const auto& [k, v] : nb) names.insert(k);
  for (const auto& n : names) {
    TableRows t;
    t.table = n;
    if (auto it = na.find(n); it != na.end()) t.a = it->second;
    if (auto it = nb.find(n); it != nb.end()) t.b = it->second;
    if (t.a != t.b) r.rows.push_back(std::move(t));
  }
  return r;
}

}  // namespace flash::branch

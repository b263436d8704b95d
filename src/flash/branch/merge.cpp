// flash branch merge: a branch's own migrations applied to the target through the normal apply
// path, after checking that they commute with what the target gained since the fork.
//
//   fork     = migrations applied in both databases
//   changes  = applied in the source only (its change set)
//   since    = applied in the target only
// When `since` is not empty, the schema of fork+since+changes and of fork+changes+since are built
// on scratch databases (SQLite: in memory) by the engine itself, read back with pull::inspect and
// compared with the differ: equal → the merge proceeds (the source's files are renamed after the
// target's newest when they would otherwise be out of order, as a rebase does, and the source's
// history rows follow); different → refused (exit 5) naming the objects both sides changed.
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

#include "flash/branch/ops.hpp"
#include "flash/diag/diagnostic.hpp"
#include "flash/diff/plan.hpp"
#include "flash/lint/lint.hpp"
#include "flash/migrate/tracking.hpp"
#include "flash/pull/inspect.hpp"
#include "flash/schema/printer.hpp"
#include "flash/util/text.hpp"

namespace flash::branch {
namespace fs = std::filesystem;
using schema::Dialect;

namespace {

using Files = std::map<std::string, const migrate::MigrationFile*>;

std::vector<const migrate::MigrationFile*> pick(const Files& files, const std::vector<std::string>& ids,
                                                const std::string& where) {
  std::vector<const migrate::MigrationFile*> out;
  for (const auto& id : ids) {
    auto it = files.find(id);
    if (it == files.end())
      throw diag::Error("branch.merge-missing-file",
                        "migration " + id + " (applied in " + where + ") has no file in the migrations folder",
                        diag::ExitCode::error, "restore the file (it is in the branch's history) and run it again");
    out.push_back(it->second);
  }
  return out;
}

// The schema the Up sections of `order` produce, built by the engine on a scratch database.
struct Built {
  std::optional<schema::Schema> schema;
  std::string error;  // a statement failed: which and why
};

Built build_on_scratch(const config::DatabaseUrl& main_url, const std::vector<const migrate::MigrationFile*>& order,
                       int k) {
  config::DatabaseUrl u = main_url;
  u.original.clear();
  if (u.dialect == Dialect::sqlite) {
    u.database = ":memory:";
  } else {
    u.database = "flash_scratch_merge_" + std::to_string(::getpid()) + "_" + std::to_string(k);
    create_empty_database(u);
  }
  Built out;
  try {
    auto c = driver::connect_sql(u);
    for (const auto* f : order) {
      for (const auto& st : f->up) {
        try {
          c->query(st.sql);
        } catch (const driver::DbError& e) {
          if (!e.connection_usable()) throw;
          out.error = f->id + " line " + std::to_string(st.line) + ": " + e.what();
          break;
        }
      }
      if (!out.error.empty()) break;
    }
    if (out.error.empty()) out.schema = pull::inspect(*c);
  } catch (...) {
    if (u.dialect != Dialect::sqlite) drop_database(u);
    throw;
  }
  if (u.dialect != Dialect::sqlite) drop_database(u);
  return out;
}

// The objects (tables, views, types ... by name) a list of migrations changed, from the model replay.
std::set<std::string> touched(const schema::Schema& before, const std::vector<const migrate::MigrationFile*>& files) {
  schema::Schema after = before;
  diag::Diagnostics ds;
  for (const auto* f : files) migrate::replay_one(after, *f, ds);
  diff::DiffOptions o;
  o.accept_drops = true;
  std::set<std::string> out;
  for (const auto& op : diff::diff_schemas(before, after, o).operations)
    out.insert(op.table.empty() ? op.object : op.table + (op.object.empty() ? "" : "." + op.object));
  return out;
}

}  // namespace

MergeResult merge(const Env& e, const MergeOptions& o) {
  const Store s = load_store(*e.cfg, e.main_url);
  MergeResult r;
  r.source = o.name;
  r.target = o.into.value_or(current(*e.cfg));
  const Branch* sb = s.find(r.source);
  const Branch* tb = s.find(r.target);
  if (!sb || !tb)
    throw diag::Error("branch.unknown", "no branch named '" + (!sb ? r.source : r.target) + "'", diag::ExitCode::usage,
                      "`flash branch` lists the branches");
  if (r.source == r.target)
    throw diag::Error("branch.merge-self", "cannot merge branch '" + r.source + "' into itself", diag::ExitCode::usage,
                      "check out the target first, or pass --into TARGET");
  const auto su = url_for(e.main_url, *sb);
  const auto tu = url_for(e.main_url, *tb);
  std::vector<std::string> applied_s, applied_t;
  {
    auto c = driver::connect_sql(su);
    applied_s = applied_migrations(*c);
  }
  {
    auto c = driver::connect_sql(tu);
    applied_t = applied_migrations(*c);
  }
  const std::set<std::string> set_s(applied_s.begin(), applied_s.end()), set_t(applied_t.begin(), applied_t.end());
  for (const auto& id : applied_s) (set_t.count(id) ? r.fork : r.changes).push_back(id);
  for (const auto& id : applied_t)
    if (!set_s.count(id)) r.target_since.push_back(id);
  if (r.changes.empty()) return r;

  diag::Diagnostics ds;
  const auto files = migrate::load_migrations(e.project.migrations_dir, e.project.dialect, ds);
  if (!ds.empty()) throw diag::Errors(ds);
  Files by_id;
  for (const auto& f : files) by_id[f.id] = &f;
  const auto fork_files = pick(by_id, r.fork, "both branches");
  const auto change_files = pick(by_id, r.changes, "branch '" + r.source + "'");
  const auto since_files = pick(by_id, r.target_since, "branch '" + r.target + "'");

  // 1. Do the two change sets commute?
  if (!since_files.empty()) {
    auto ts = fork_files;
    ts.insert(ts.end(), since_files.begin(), since_files.end());
    ts.insert(ts.end(), change_files.begin(), change_files.end());
    auto st = fork_files;
    st.insert(st.end(), change_files.begin(), change_files.end());
    st.insert(st.end(), since_files.begin(), since_files.end());
    const Built a = build_on_scratch(e.main_url, ts, 1);
    const Built b = build_on_scratch(e.main_url, st, 2);
    r.commute_checked = true;
    std::vector<std::string> differences;
    if (!a.error.empty()) differences.push_back("in the order " + r.target + " then " + r.source + ": " + a.error);
    if (!b.error.empty()) differences.push_back("in the order " + r.source + " then " + r.target + ": " + b.error);
    if (a.schema && b.schema) {
      diff::DiffOptions opt;
      opt.accept_drops = true;
      for (const auto& op : diff::diff_schemas(*a.schema, *b.schema, opt).operations) differences.push_back(op.comment);
    }
    if (!differences.empty()) {
      const schema::Schema base = migrate::replay(files, 0, e.project.dialect, ds);
      schema::Schema fork_model = base;
      for (const auto* f : fork_files) migrate::replay_one(fork_model, *f, ds);
      const auto mine = touched(fork_model, change_files);
      const auto theirs = touched(fork_model, since_files);
      std::vector<std::string> both;
      std::set_intersection(mine.begin(), mine.end(), theirs.begin(), theirs.end(), std::back_inserter(both));
      throw diag::Error(
          "branch.merge-conflict",
          "the migrations of '" + r.source + "' (" + util::join(r.changes, ", ") + ") and those '" + r.target +
              "' gained since the fork (" + util::join(r.target_since, ", ") + ") do not commute" +
              (both.empty() ? "" : "; both change: " + util::join(both, ", ")) + "; the two orders differ by: " +
              util::join(differences, "; "),
          diag::ExitCode::conflict,
          "bring the target's migrations into the branch and rewrite the branch's migration on top of them "
          "(flash branch reset " + r.source + ", then migrate again)");
    }
  }

  // 2. Renumber the source's files after the target's newest, when they would be out of order.
  const std::string newest_t = applied_t.empty() ? "" : *std::max_element(applied_t.begin(), applied_t.end());
  fs::path dir = e.project.migrations_dir;
  std::optional<fs::path> temp_dir;
  if (!r.changes.empty() && r.changes.front() < newest_t) {
    std::vector<migrate::MigrationFile> existing = files;
    for (const auto* f : change_files) {
      const std::string id = migrate::next_migration_id(std::chrono::system_clock::now(), f->name, existing);
      r.renumbered.emplace_back(f->id, id);
      migrate::MigrationFile nf = *f;
      nf.id = id;
      existing.push_back(nf);
    }
    if (o.dry_run) {
      // The dry run plans on a copy of the folder with the new names, so the SQL it prints is exact.
      temp_dir = fs::temp_directory_path() / ("flash-merge-" + std::to_string(::getpid()));
      fs::remove_all(*temp_dir);
      fs::create_directories(*temp_dir);
      for (const auto& f : files) fs::copy_file(f.path, *temp_dir / f.path.filename());
      dir = *temp_dir;
    }
    for (const auto& [from, to] : r.renumbered) fs::rename(dir / (from + ".sql"), dir / (to + ".sql"));
    if (!o.dry_run) {
      auto c = driver::connect_sql(su);
      const Dialect d = su.dialect;
      const std::string ph1 = d == Dialect::postgresql ? "$1" : "?", ph2 = d == Dialect::postgresql ? "$2" : "?";
      for (const auto& [from, to] : r.renumbered) {
        const std::vector<driver::Value> p{to, from};
        c->query("UPDATE " + migrate::sql_table("", migrate::kTrackingTable, d) + " SET " +
                     schema::quote_ident_always("id", d) + " = " + ph1 + " WHERE " +
                     schema::quote_ident_always("id", d) + " = " + ph2,
                 p);
      }
    }
    for (auto& id : r.changes)
      for (const auto& [from, to] : r.renumbered)
        if (id == from) id = to;
    if (!o.dry_run && e.out.say)
      e.out.say("Renumbered " + std::to_string(r.renumbered.size()) + " migration(s) of '" + r.source + "' after " +
                newest_t);
  }

  // 3. Only the source's migrations may be pending in the target up to the last of them.
  const std::string last = r.changes.back();
  const std::set<std::string> mine(r.changes.begin(), r.changes.end());
  std::vector<std::string> foreign;
  {
    diag::Diagnostics ds2;
    for (const auto& f : migrate::load_migrations(dir, e.project.dialect, ds2))
      if (f.id <= last && !set_t.count(f.id) && !mine.count(f.id)) foreign.push_back(f.id);
  }
  if (!foreign.empty()) {
    if (temp_dir) fs::remove_all(*temp_dir);
    throw diag::Error("branch.merge-foreign",
                      "the target '" + r.target + "' has pending migrations that are not part of '" + r.source +
                          "': " + util::join(foreign, ", "),
                      diag::ExitCode::check_failed, "apply or remove them on '" + r.target + "' first");
  }

  // 4. Lint the source's migrations (flash lint's rules and [lint] settings): an error stops the merge.
  {
    diag::Diagnostics ds3;
    const auto all = migrate::load_migrations(dir, e.project.dialect, ds3);
    std::vector<std::size_t> which;
    for (std::size_t i = 0; i < all.size(); ++i)
      if (mine.count(all[i].id)) which.push_back(i);
    lint::Settings ls;
    ls.error.insert(e.cfg->lint_error.begin(), e.cfg->lint_error.end());
    ls.ignore.insert(e.cfg->lint_ignore.begin(), e.cfg->lint_ignore.end());
    diag::Diagnostics errors;
    for (auto& f : lint::lint_migrations(all, which, e.project.dialect, ls)) {
      if (f.diag.severity == diag::Severity::error) {
        f.diag.exit_code = diag::ExitCode::check_failed;
        errors.push_back(f.diag);
      } else {
        r.lint_warnings.push_back(f.migration + ": " + f.diag.code + ": " + f.diag.message);
        if (e.out.warn) e.out.warn(r.lint_warnings.back());
      }
    }
    if (!errors.empty()) {
      if (temp_dir) fs::remove_all(*temp_dir);
      throw diag::Errors(errors);
    }
  }

  // 5. The normal apply path on the target: checksums, lock, conflict checks, backups.
  migrate::Project p = e.project;
  p.migrations_dir = dir;
  migrate::ApplyOptions ao;
  ao.dry_run = o.dry_run;
  ao.target = last;
  try {
    auto c = driver::connect_sql(tu);
    r.apply = migrate::apply(*c, p, ao, e.out);
  } catch (...) {
    if (temp_dir) fs::remove_all(*temp_dir);
    throw;
  }
  if (temp_dir) fs::remove_all(*temp_dir);
  return r;
}

}  // namespace flash::branch

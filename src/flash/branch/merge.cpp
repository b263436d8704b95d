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
// Then the foreign-pending and lint checks, on a copy of the folder with the renumbered names, and
// the [branches] merge_data rows (data.cpp): planned three-way, refused on any conflicting cell,
// and tried on the target inside a transaction that is rolled back. Only when every check passed
// are files renamed, the migrations applied through the normal apply path, and the rows merged in
// one transaction on the target.
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

namespace {

// 1. Do the two change sets commute? Throws branch.merge-conflict (exit 5) when they do not.
void check_commute(const Env& e, const MergeResult& r, const std::vector<migrate::MigrationFile>& files,
                   const std::vector<const migrate::MigrationFile*>& fork_files,
                   const std::vector<const migrate::MigrationFile*>& change_files,
                   const std::vector<const migrate::MigrationFile*>& since_files) {
  auto ts = fork_files;
  ts.insert(ts.end(), since_files.begin(), since_files.end());
  ts.insert(ts.end(), change_files.begin(), change_files.end());
  auto st = fork_files;
  st.insert(st.end(), change_files.begin(), change_files.end());
  st.insert(st.end(), since_files.begin(), since_files.end());
  const Built a = build_on_scratch(e.main_url, ts, 1);
  const Built b = build_on_scratch(e.main_url, st, 2);
  std::vector<std::string> differences;
  if (!a.error.empty()) differences.push_back("in the order " + r.target + " then " + r.source + ": " + a.error);
  if (!b.error.empty()) differences.push_back("in the order " + r.source + " then " + r.target + ": " + b.error);
  if (a.schema && b.schema) {
    diff::DiffOptions opt;
    opt.accept_drops = true;
    for (const auto& op : diff::diff_schemas(*a.schema, *b.schema, opt).operations) differences.push_back(op.comment);
  }
  if (differences.empty()) return;
  diag::Diagnostics ds;
  const schema::Schema base = migrate::replay(files, 0, e.project.dialect, ds);
  schema::Schema fork_model = base;
  for (const auto* f : fork_files) migrate::replay_one(fork_model, *f, ds);
  const auto mine = touched(fork_model, change_files);
  const auto theirs = touched(fork_model, since_files);
  std::vector<std::string> both;
  std::set_intersection(mine.begin(), mine.end(), theirs.begin(), theirs.end(), std::back_inserter(both));
  throw diag::Error("branch.merge-conflict",
                    "the migrations of '" + r.source + "' (" + util::join(r.changes, ", ") + ") and those '" + r.target +
                        "' gained since the fork (" + util::join(r.target_since, ", ") + ") do not commute" +
                        (both.empty() ? "" : "; both change: " + util::join(both, ", ")) +
                        "; the two orders differ by: " + util::join(differences, "; "),
                    diag::ExitCode::conflict,
                    "bring the target's migrations into the branch and rewrite the branch's migration on top of them "
                    "(flash branch reset " + r.source + ", then migrate again)");
}

// A temporary copy of the migrations folder (with renamed files), removed with the object.
struct TempDir {
  std::optional<fs::path> path;
  ~TempDir() {
    std::error_code ec;
    if (path) fs::remove_all(*path, ec);
  }
};

// 3. Only the source's migrations may be pending in the target up to the last of them; 4. lint them
// (flash lint's rules and [lint] settings): an error stops the merge, warnings are listed.
void check_pending_and_lint(const Env& e, MergeResult& r, const fs::path& dir, const std::set<std::string>& set_t) {
  const std::string last = r.changes.back();
  const std::set<std::string> mine(r.changes.begin(), r.changes.end());
  diag::Diagnostics ds;
  const auto all = migrate::load_migrations(dir, e.project.dialect, ds);
  std::vector<std::string> foreign;
  for (const auto& f : all)
    if (f.id <= last && !set_t.count(f.id) && !mine.count(f.id)) foreign.push_back(f.id);
  if (!foreign.empty())
    throw diag::Error("branch.merge-foreign",
                      "the target '" + r.target + "' has pending migrations that are not part of '" + r.source +
                          "': " + util::join(foreign, ", "),
                      diag::ExitCode::check_failed, "apply or remove them on '" + r.target + "' first");
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
  if (!errors.empty()) throw diag::Errors(errors);
}

// The data changes tried on the target and rolled back: a constraint they would break (a row of
// another table still referencing a deleted one, a unique value taken) stops the merge before
// anything is applied.
void try_data_plan(const config::DatabaseUrl& tu, const MergeResult& r) {
  auto c = driver::connect_sql(tu);
  c->begin();
  try {
    run_data_plan(*c, r.data, /*skip_missing=*/true);
  } catch (const driver::DbError& err) {
    if (err.connection_usable()) c->rollback();
    throw diag::Error("branch.merge-data-failed",
                      "the row changes of [branches] merge_data cannot be applied to '" + r.target + "': " + err.what(),
                      diag::ExitCode::conflict,
                      "nothing was applied; make the target accept them (or change the branch's rows) and merge again");
  }
  c->rollback();
}

// The rows, after the migrations: planned again against the target inside the transaction that
// applies them, so what runs is what the target holds now.
void merge_rows(const Env& e, MergeResult& r, const config::DatabaseUrl& su, const config::DatabaseUrl& tu) {
  {
    auto src = driver::connect_sql(su);
    auto c = driver::connect_sql(tu);
    c->begin();
    try {
      r.data = plan_data_merge(*src, *c, e.cfg->branch_merge_data, r.source);
      if (!r.data.conflicts.empty()) {
        c->rollback();
        r.data_refused_after_schema = !r.apply.applied.empty();
        return;
      }
      run_data_plan(*c, r.data);
      c->commit();
    } catch (...) {
      try {
        c->rollback();
      } catch (...) {
      }
      throw;
    }
  }
  r.data_applied = true;
  // The merged state is the new common ancestor of the two branches.
  take_fork_snapshot(su, e.cfg->branch_merge_data);
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
  for (const auto& t : e.cfg->branch_merge_data) r.data_tables.push_back(t.table);
  if (r.changes.empty() && r.data_tables.empty()) return r;

  // The schema checks: commutation, renumbering planned on a copy of the folder, pending, lint.
  TempDir temp;
  fs::path dir = e.project.migrations_dir;
  std::string newest_t;
  if (!r.changes.empty()) {
    diag::Diagnostics ds;
    const auto files = migrate::load_migrations(e.project.migrations_dir, e.project.dialect, ds);
    if (!ds.empty()) throw diag::Errors(ds);
    Files by_id;
    for (const auto& f : files) by_id[f.id] = &f;
    const auto fork_files = pick(by_id, r.fork, "both branches");
    const auto change_files = pick(by_id, r.changes, "branch '" + r.source + "'");
    const auto since_files = pick(by_id, r.target_since, "branch '" + r.target + "'");
    if (!since_files.empty()) {
      check_commute(e, r, files, fork_files, change_files, since_files);
      r.commute_checked = true;
    }
    // 2. The source's files renamed after the target's newest when they would be out of order.
    newest_t = applied_t.empty() ? "" : *std::max_element(applied_t.begin(), applied_t.end());
    if (r.changes.front() < newest_t) {
      std::vector<migrate::MigrationFile> existing = files;
      for (const auto* f : change_files) {
        const std::string id = migrate::next_migration_id(std::chrono::system_clock::now(), f->name, existing);
        r.renumbered.emplace_back(f->id, id);
        migrate::MigrationFile nf = *f;
        nf.id = id;
        existing.push_back(nf);
      }
      temp.path = fs::temp_directory_path() / ("flash-merge-" + std::to_string(::getpid()));
      fs::remove_all(*temp.path);
      fs::create_directories(*temp.path);
      for (const auto& f : files) fs::copy_file(f.path, *temp.path / f.path.filename());
      for (const auto& [from, to] : r.renumbered) fs::rename(*temp.path / (from + ".sql"), *temp.path / (to + ".sql"));
      dir = *temp.path;
      for (auto& id : r.changes)
        for (const auto& [from, to] : r.renumbered)
          if (id == from) id = to;
    }
    check_pending_and_lint(e, r, dir, set_t);
  }

  // The rows: any conflicting cell refuses the whole merge before anything changed.
  if (!r.data_tables.empty()) {
    {
      auto src = driver::connect_sql(su);
      auto tgt = driver::connect_sql(tu);
      r.data = plan_data_merge(*src, *tgt, e.cfg->branch_merge_data, r.source);
    }
    if (!r.data.conflicts.empty()) return r;
    if (r.data.change_count() > 0) try_data_plan(tu, r);
  }

  migrate::Project p = e.project;
  migrate::ApplyOptions ao;
  ao.dry_run = o.dry_run;
  if (!r.changes.empty()) ao.target = r.changes.back();
  if (o.dry_run) {
    if (!r.changes.empty()) {
      p.migrations_dir = dir;
      auto c = driver::connect_sql(tu);
      r.apply = migrate::apply(*c, p, ao, e.out);
    }
    return r;
  }
  if (!r.renumbered.empty()) {
    for (const auto& [from, to] : r.renumbered)
      fs::rename(e.project.migrations_dir / (from + ".sql"), e.project.migrations_dir / (to + ".sql"));
    auto c = driver::connect_sql(su);
    const Dialect d = su.dialect;
    const std::string ph1 = d == Dialect::postgresql ? "$1" : "?", ph2 = d == Dialect::postgresql ? "$2" : "?";
    for (const auto& [from, to] : r.renumbered) {
      const std::vector<driver::Value> params{to, from};
      c->query("UPDATE " + migrate::sql_table("", migrate::kTrackingTable, d) + " SET " +
                   schema::quote_ident_always("id", d) + " = " + ph1 + " WHERE " +
                   schema::quote_ident_always("id", d) + " = " + ph2,
               params);
    }
    if (e.out.say)
      e.out.say("Renumbered " + std::to_string(r.renumbered.size()) + " migration(s) of '" + r.source + "' after " +
                newest_t);
  }
  if (!r.changes.empty()) {
    auto c = driver::connect_sql(tu);
    r.apply = migrate::apply(*c, p, ao, e.out);
  }
  if (!r.data_tables.empty()) merge_rows(e, r, su, tu);
  return r;
}

}  // namespace flash::branch

// flash apply [--dry-run] [--accept-edit ID]... [--allow-out-of-order] [--accept-data-loss]
//             [--no-backup] [--lock-timeout SECONDS] [--to ID] [--skip-conflict-check]
//             [--resume-at ID:N] [--no-check] [--no-lint]
// Applies pending migrations under the migration lock after checking the history (checksums,
// order), the queries (flash check: a pending migration that breaks one stops the run; --no-check),
// the lint of the pending migrations graded by live table sizes (an error stops the run; warnings
// are shown; --no-lint) and the live data (conflicts). --dry-run prints exactly the statements the run executes.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "cli/commands/check_common.hpp"
#include "cli/commands/commands.hpp"
#include "cli/commands/mongo.hpp"
#include "cli/commands/lint_common.hpp"
#include "flash/migrate/tracking.hpp"
#include "cli/commands/migrate_common.hpp"

namespace flash::cli {
namespace {

struct ApplyArgs {
  migrate::ApplyOptions o;
  double lock_timeout = 30;
  std::string to;
  bool no_check = false;
  bool no_lint = false;
};

void run_apply(ApplyArgs& a, Context& ctx) {
  if (is_mongo_project(ctx)) return run_mongo_apply(a.lock_timeout, a.to, a.o.dry_run, a.o.accept_data_loss, ctx);
  auto project = migrate_project(ctx);
  a.o.lock_timeout = std::chrono::milliseconds(static_cast<long long>(a.lock_timeout * 1000));
  if (!a.to.empty()) a.o.target = a.to;
  auto conn = migrate_connect(ctx);
  set_pooled_from_url(ctx, project);
  a.o.direct_connect = direct_connector(ctx);  // [database] direct_url_env (pooler mode)
  if (!a.no_check || !a.no_lint) {
    diag::Diagnostics diags;
    auto files = migrate::load_migrations(project.migrations_dir, project.dialect, diags);
    if (!diag::has_errors(diags)) {  // otherwise apply itself reports them
      std::set<std::string> applied;
      if (migrate::tracking_table_exists(*conn))
        for (const auto& row : migrate::read_tracking(*conn))
          if (row.finished() && !row.rolled_back_at) applied.insert(row.id);
      // flash check first: a pending migration that breaks a query stops here, before anything runs.
      if (!a.no_check) enforce_query_check(ctx, files, applied, "pass --no-check to apply anyway", a.to);
      // Then the lint of the pending migrations, graded by the live tables' sizes.
      if (!a.no_lint) {
        std::vector<std::size_t> pending;
        for (std::size_t i = 0; i < files.size(); ++i) {
          if (!applied.count(files[i].id)) pending.push_back(i);
          if (files[i].id == a.to) break;
        }
        enforce_lint(ctx, files, pending, *conn, "pass --no-lint to apply anyway");
      }
    }
  }
  auto res = migrate::apply(*conn, project, a.o, migrate_output(ctx));
  auto& j = ctx.result();
  j["applied"] = res.applied;
  j["dry_run"] = a.o.dry_run;
  if (a.o.dry_run) j["statements"] = res.statements;
  nlohmann::json ex = nlohmann::json::array();
  for (const auto& e : res.exports) ex.push_back(e.string());
  j["exports"] = ex;
  if (a.o.dry_run) {
    if (!ctx.options.json) std::cout << res.dry_run_sql;
    return;
  }
  if (res.applied.empty()) ctx.say("Nothing to apply: the database is up to date");
  else ctx.say(ctx.green("Applied " + std::to_string(res.applied.size()) + " migration(s)"));
}

}  // namespace

void setup_apply(CLI::App& sub, Context& ctx) {
  auto a = std::make_shared<ApplyArgs>();
  sub.add_flag("--dry-run", a->o.dry_run, "Print the SQL the run would execute; change nothing");
  sub.add_option("--accept-edit", a->o.accept_edit,
                 "Accept an applied migration whose file changed (re-records its checksum)")
      ->type_name("ID");
  sub.add_flag("--allow-out-of-order", a->o.allow_out_of_order,
               "Apply migrations older than the newest applied one");
  sub.add_flag("--accept-data-loss", a->o.accept_data_loss,
               "Run migrations that drop data (affected tables are exported first)");
  sub.add_flag("--no-backup", a->o.no_backup, "Do not export tables before destructive steps");
  sub.add_option("--lock-timeout", a->lock_timeout, "Seconds to wait for the migration lock (default 30)")
      ->type_name("SECONDS");
  sub.add_option("--to", a->to, "Apply only up to and including this migration")->type_name("ID");
  sub.add_flag("--skip-conflict-check", a->o.skip_conflict_check,
               "Apply even when a live-data conflict check cannot run (no SELECT, row-level security, files that "
               "do not replay); checks that do run still stop on conflicts");
  sub.add_flag("--no-check", a->no_check,
               "Apply even when a pending migration breaks a query of `queries` (see flash check)");
  sub.add_flag("--no-lint", a->no_lint,
               "Apply even when the lint of the pending migrations finds an error (a rule set to error in "
               "[lint], or a locking change on a table of [lint] large_rows rows or more)");
  sub.add_option("--resume-at", a->o.resume_at,
                 "MySQL, after an interrupted run: continue migration ID with statement N (the one that was "
                 "running if it did not take effect, the next one if it did)")
      ->type_name("ID:N");
  sub.callback([a, &ctx] { run_apply(*a, ctx); });
}

}  // namespace flash::cli

// flash down [ID] [--steps N] [--dry-run] [--accept-data-loss] [--no-backup] [--accept-edit ID]
//            [--lock-timeout SECONDS] [--resume-at ID:N]
// Runs Down sections newest first: the last migration, the last N, or every one down to and
// including ID. Statements marked `-- flash:lossy` need --accept-data-loss (exit 5 otherwise).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands/commands.hpp"
#include "cli/commands/mongo.hpp"
#include "cli/commands/migrate_common.hpp"

namespace flash::cli {
namespace {

struct DownArgs {
  migrate::DownOptions o;
  std::string id;
  double lock_timeout = 30;
};

void run_down(DownArgs& a, Context& ctx) {
  if (is_mongo_project(ctx)) return run_mongo_down(a.o.steps, a.id, a.o.dry_run, a.lock_timeout, a.o.accept_data_loss, ctx);
  auto project = migrate_project(ctx);
  if (!a.id.empty()) a.o.target = a.id;
  if (a.o.steps < 1) throw diag::Error("cli.usage", "--steps must be at least 1", diag::ExitCode::usage);
  a.o.lock_timeout = std::chrono::milliseconds(static_cast<long long>(a.lock_timeout * 1000));
  auto conn = migrate_connect(ctx);
  set_pooled_from_url(ctx, project);
  a.o.direct_connect = direct_connector(ctx);  // [database] direct_url_env (pooler mode)
  auto res = migrate::down(*conn, project, a.o, migrate_output(ctx));
  auto& j = ctx.result();
  j["rolled_back"] = res.rolled_back;
  j["dry_run"] = a.o.dry_run;
  if (a.o.dry_run) j["statements"] = res.statements;
  if (a.o.dry_run && !ctx.options.json) std::cout << res.dry_run_sql;
}

}  // namespace

void setup_down(CLI::App& sub, Context& ctx) {
  auto a = std::make_shared<DownArgs>();
  sub.add_option("id", a->id, "Roll back every applied migration down to and including this one");
  sub.add_option("--steps,-n", a->o.steps, "How many migrations to roll back (default 1)");
  sub.add_flag("--dry-run", a->o.dry_run, "Print the SQL the run would execute; change nothing");
  sub.add_flag("--accept-data-loss", a->o.accept_data_loss,
               "Run Down statements that cannot restore data (tables are exported first)");
  sub.add_flag("--no-backup", a->o.no_backup, "Do not export tables first");
  sub.add_option("--accept-edit", a->o.accept_edit, "Roll back with an edited migration file")->type_name("ID");
  sub.add_option("--lock-timeout", a->lock_timeout, "Seconds to wait for the migration lock (default 30)")
      ->type_name("SECONDS");
  sub.add_option("--resume-at", a->o.resume_at,
                 "MySQL, after an interrupted rollback: continue with Down statement N of migration ID")
      ->type_name("ID:N");
  sub.callback([a, &ctx] { run_down(*a, ctx); });
}

}  // namespace flash::cli

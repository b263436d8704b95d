// flash reset [--no-backup] [--dry-run]: drops everything Flash manages — the tables (and views,
// PostgreSQL enum types) of the migrations and schema files, and the tracking table — after a
// confirmation (--force without a terminal). The tables are exported to export_path first.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands/commands.hpp"
#include "cli/commands/migrate_common.hpp"
#include "cli/commands/mongo.hpp"

namespace flash::cli {
namespace {

struct ResetArgs {
  migrate::ResetOptions o;
};

void run_reset(ResetArgs& a, Context& ctx) {
  if (is_mongo_project(ctx)) return run_mongo_reset(a.o.no_backup, a.o.dry_run, ctx);
  auto project = migrate_project(ctx);
  a.o.force = ctx.options.force;
  auto conn = migrate_connect(ctx);
  auto res = migrate::reset(*conn, project, a.o, migrate_output(ctx, true));
  auto& j = ctx.result();
  j["dropped"] = res.dropped;
  j["cancelled"] = res.cancelled;
  if (res.export_file) j["export"] = res.export_file->string();
  if (a.o.dry_run) {
    j["statements"] = res.statements;
    if (!ctx.options.json)
      for (const auto& s : res.statements) std::cout << s << ";\n";
    return;
  }
  if (!res.cancelled && !res.dropped.empty())
    ctx.say("Dropped " + std::to_string(res.dropped.size()) + " table(s)/view(s) and the migration history");
}

}  // namespace

void setup_reset(CLI::App& sub, Context& ctx) {
  auto a = std::make_shared<ResetArgs>();
  sub.add_flag("--no-backup", a->o.no_backup, "Do not export the tables first");
  sub.add_flag("--dry-run", a->o.dry_run, "Print the statements; change nothing");
  sub.callback([a, &ctx] { run_reset(*a, ctx); });
}

}  // namespace flash::cli

// flash migrate NAME [--empty] [--dry-run] [--rename t.old:new]... [--accept-data-loss]
// Diffs the schema files against the schema the existing migrations produce (their Up sections
// replayed in order) and writes db/migrations/<UTC timestamp>_<name>.sql. Also holds the glue the
// other migration commands share (migrate_common.hpp).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands/commands.hpp"
#include "cli/commands/migrate_common.hpp"

namespace flash::cli {

migrate::Project migrate_project(Context& ctx) { return migrate::project_from_config(ctx.config()); }

migrate::Output migrate_output(Context& ctx, bool always_confirm) {
  migrate::Output o;
  o.say = [&ctx](const std::string& s) { ctx.say(s); };
  o.warn = [&ctx](const std::string& s) { ctx.warn(s); };
  if (always_confirm || ctx.stdin_is_tty())
    o.confirm = [&ctx](const std::string& q, const std::string& flag) { return ctx.confirm(q, flag); };
  return o;
}

std::unique_ptr<driver::SqlConnection> migrate_connect(Context& ctx) {
  return driver::connect_sql(ctx.database_url());
}

namespace {

struct MigrateArgs {
  std::string name;
  bool empty = false;
  bool dry_run = false;
  std::vector<std::string> renames;
  bool accept_data_loss = false;
};

void run_migrate(const MigrateArgs& a, Context& ctx) {
  auto project = migrate_project(ctx);
  migrate::GenerateOptions go;
  go.name = a.name;
  go.empty = a.empty;
  go.dry_run = a.dry_run;
  go.accept_data_loss = a.accept_data_loss;
  for (const auto& r : a.renames) go.renames.push_back(migrate::parse_rename_flag(r));
  // With --force a rename question must not be answered "yes" silently: only a terminal decides.
  migrate::Output out = migrate_output(ctx);
  if (!ctx.stdin_is_tty()) out.confirm = nullptr;
  auto res = migrate::generate(project, go, out);
  auto& j = ctx.result();
  j["no_changes"] = res.no_changes;
  j["written"] = res.written;
  if (res.path && (res.written || a.dry_run) && !res.no_changes) j["file"] = res.path->string();
  j["content"] = res.content;
  nlohmann::json warns = nlohmann::json::array();
  for (const auto& w : res.plan.warnings) warns.push_back({{"code", w.code}, {"message", w.message}});
  j["warnings"] = warns;
  if (a.dry_run && !res.no_changes && !ctx.options.json) {
    std::cout << "-- " << res.path->string() << " (dry run, not written)\n" << res.content;
    if (!res.content.empty() && res.content.back() != '\n') std::cout << '\n';
  }
}

}  // namespace

void setup_migrate(CLI::App& sub, Context& ctx) {
  auto a = std::make_shared<MigrateArgs>();
  sub.add_option("name", a->name, "Migration name (sanitised to [a-z0-9_])")->required();
  sub.add_flag("--empty", a->empty, "Write an empty migration template");
  sub.add_flag("--dry-run", a->dry_run, "Print the migration instead of writing it");
  sub.add_option("--rename", a->renames, "Confirm a rename: table.old:new (column) or old:new (table)")
      ->type_name("FROM:TO");
  sub.add_flag("--accept-data-loss", a->accept_data_loss,
               "Treat rename candidates as drop + add");
  sub.callback([a, &ctx] { run_migrate(*a, ctx); });
}

}  // namespace flash::cli

// flash status: every migration (applied / pending / failed / modified / missing-file /
// out-of-order / rollback-incomplete) and drift between the live database and the applied
// migrations. --json prints the report as data. Exit 3 when something needs attention.
//
// Drift needs the live schema (flash::pull, which the migrate stage above it cannot use):
// prove::compute_drift (flash/prove/drift.hpp), shared with Flash Studio.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>

#include "cli/commands/commands.hpp"
#include "cli/commands/mongo.hpp"
#include "cli/commands/migrate_common.hpp"
#include "flash/branch/branch.hpp"
#include "flash/prove/drift.hpp"

namespace flash::cli {
namespace {

void run_status(Context& ctx) {
  if (is_mongo_project(ctx)) return run_mongo_status(ctx);
  auto project = migrate_project(ctx);
  auto conn = migrate_connect(ctx);
  auto r = migrate::status(*conn, project);
  prove::compute_drift(project, *conn, r, ctx.database_url());
  const nlohmann::json report = migrate::to_json(r);  // named: items() must not outlive it
  for (const auto& [k, v] : report.items()) ctx.result()[k] = v;
  const std::string br = branch::current(ctx.config());
  ctx.result()["branch"] = br;
  if (!r.clean()) ctx.exit_code = static_cast<int>(diag::ExitCode::check_failed);
  if (ctx.options.json) return;
  ctx.say("On branch " + ctx.bold(br));
  if (r.migrations.empty()) ctx.say("No migrations in " + project.migrations_dir.string());
  std::size_t w = 0;
  for (const auto& m : r.migrations) w = std::max(w, m.id.size());
  for (const auto& m : r.migrations) {
    std::string state = m.state;
    if (state == "applied") state = ctx.green(state);
    else if (state == "pending") state = ctx.yellow(state);
    else state = ctx.red(state);
    std::string line = "  " + m.id + std::string(w - m.id.size() + 2, ' ') + state;
    if (m.state == "applied" && m.applied_at) line += "  " + *m.applied_at;
    if (!m.detail.empty()) line += "  " + m.detail;
    ctx.say(line);
  }
  ctx.say(std::to_string(r.count("applied")) + " applied, " + std::to_string(r.count("pending")) + " pending");
  if (!r.drift_checked) {
    if (!r.drift_note.empty()) ctx.say("Drift not checked: " + r.drift_note);
    return;
  }
  if (r.drift.empty()) {
    ctx.say("No drift: the database matches the applied migrations");
    return;
  }
  ctx.say(ctx.red("Drift: the database differs from the applied migrations (migrations → database):"));
  for (const auto& x : r.drift) ctx.say("  " + x.description);
  if (!r.drift_note.empty()) ctx.say("Note: " + r.drift_note);
}

}  // namespace

void setup_status(CLI::App& sub, Context& ctx) {
  sub.callback([&ctx] { run_status(ctx); });
}

}  // namespace flash::cli

// flash status: every migration (applied / pending / failed / modified / missing-file /
// out-of-order / rollback-incomplete) and drift between the live tables and the applied
// migrations. --json prints the report as data. Exit 3 when something needs attention.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands/commands.hpp"
#include "cli/commands/migrate_common.hpp"

namespace flash::cli {
namespace {

void run_status(Context& ctx) {
  auto project = migrate_project(ctx);
  auto conn = migrate_connect(ctx);
  auto r = migrate::status(*conn, project);
  const nlohmann::json report = migrate::to_json(r);  // named: items() must not outlive it
  for (const auto& [k, v] : report.items()) ctx.result()[k] = v;
  if (!r.clean()) ctx.exit_code = static_cast<int>(diag::ExitCode::check_failed);
  if (ctx.options.json) return;
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
  bool drift = false;
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  auto show = [&](const char* what, const std::vector<std::string>& v) {
    if (v.empty()) return;
    drift = true;
    ctx.say(ctx.red(std::string("Drift: ") + what + ": ") + join(v));
  };
  show("tables missing in the database", r.missing_tables);
  show("tables not created by migrations", r.extra_tables);
  show("columns missing in the database", r.missing_columns);
  show("columns not created by migrations", r.extra_columns);
  if (!drift) ctx.say("No drift: the database matches the applied migrations");
}

}  // namespace

void setup_status(CLI::App& sub, Context& ctx) {
  sub.callback([&ctx] { run_status(ctx); });
}

}  // namespace flash::cli

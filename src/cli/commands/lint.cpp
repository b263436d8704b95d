// flash lint [MIGRATION…] [--all] [--format text|json|sarif] [--rules]: the migration files checked against
// the lint rule table (flash/lint; README "Lint rules"). Without MIGRATION, every migration file
// (--all says so explicitly); a MIGRATION is an id, a unique id prefix or a file path. Exit 3 when
// a finding has severity error (the rule's default, or `[lint] error = [...]` in flash.toml).
// `--format sarif` prints SARIF 2.1.0 for code review tools (--json: the findings as JSON). With the
// database reachable (unless --offline), each finding about an existing table carries its live size
// and is graded by it (flash/lint/stats.hpp).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands/commands.hpp"
#include "cli/commands/mongo.hpp"
#include "cli/commands/lint_common.hpp"
#include "cli/commands/migrate_common.hpp"
#include "flash/lint/lint.hpp"

namespace flash::cli {
namespace {

struct LintArgs {
  std::vector<std::string> migrations;
  bool all = false;
  std::string format = "text";
  bool list_rules = false;
  bool offline = false;
};

// The database for live statistics, unless --offline: none configured or unreachable is said, and
// the findings are then graded by their rules alone.
std::unique_ptr<driver::SqlConnection> stats_connection(const LintArgs& a, Context& ctx) {
  if (a.offline) return nullptr;
  try {
    return migrate_connect(ctx);
  } catch (const std::exception& e) {
    ctx.warn(std::string("no live table statistics (") + e.what() +
             "): findings are graded by their rules alone; --offline does not try");
    return nullptr;
  }
}

void print_rules(Context& ctx) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& r : lint::rules()) {
    const std::string sev = r.severity == diag::Severity::error ? "error" : "warning";
    const std::string grade = r.grade == lint::Rule::Grade::sized     ? "sized"
                              : r.grade == lint::Rule::Grade::locking ? "locking"
                                                                      : "none";
    arr.push_back({{"code", r.code}, {"engines", r.engines}, {"severity", sev}, {"size", grade},
                   {"catches", r.catches}, {"fix", r.fix}});
    ctx.say(std::string(r.code) + "  [" + r.engines + ", " + sev + ", size: " + grade + "]  " + r.catches + " — " +
            r.fix);
  }
  ctx.result()["rules"] = arr;
}

void run_lint(const LintArgs& a, Context& ctx) {
  if (a.list_rules) return print_rules(ctx);
  if (is_mongo_project(ctx)) return run_mongo_lint(a.migrations, a.offline, ctx);
  auto project = migrate_project(ctx);
  auto live = stats_connection(a, ctx);
  const auto settings = lint_settings(ctx.config(), live.get());
  ctx.result()["live_statistics"] = live != nullptr;
  diag::Diagnostics diags;
  auto files = migrate::load_migrations(project.migrations_dir, project.dialect, diags);
  if (diag::has_errors(diags)) throw diag::Errors(diags);
  std::vector<std::size_t> which;
  if (a.migrations.empty() || a.all) {
    for (std::size_t i = 0; i < files.size(); ++i) which.push_back(i);
  } else {
    for (const auto& m : a.migrations) {
      std::vector<std::size_t> hits;
      for (std::size_t i = 0; i < files.size(); ++i)
        if (files[i].id == m || files[i].id.rfind(m, 0) == 0 || files[i].path == std::filesystem::absolute(m) ||
            files[i].path.filename() == m)
          hits.push_back(i);
      if (hits.size() != 1)
        throw diag::Error("lint.no-migration",
                          "`" + m + "` " + (hits.empty() ? "names no migration" : "names several migrations") +
                              " in " + project.migrations_dir.string(),
                          diag::ExitCode::usage, "give a migration id, a unique id prefix or the file");
      which.push_back(hits[0]);
    }
  }
  auto findings = lint::lint_migrations(files, which, project.dialect, settings);
  bool errors = false;
  for (const auto& f : findings) errors = errors || f.diag.severity == diag::Severity::error;
  if (errors) ctx.exit_code = static_cast<int>(diag::ExitCode::check_failed);
  auto& j = ctx.result();
  j["migrations"] = which.size();
  j["findings"] = lint::to_json(findings);  // (`lint` in apply/migrate)
  if (a.format == "sarif") {
    std::cout << lint::to_sarif(findings).dump(2) << "\n";
    return;
  }
  if (ctx.options.json || a.format == "json") {
    if (!ctx.options.json) std::cout << j.dump(2) << "\n";
    return;
  }
  for (const auto& f : findings) std::cerr << diag::render_human(f.diag, {ctx.color()}) << "\n";
  ctx.say(std::to_string(findings.size()) + " finding(s) in " + std::to_string(which.size()) + " migration(s)");
}

}  // namespace

void setup_lint(CLI::App& sub, Context& ctx) {
  auto a = std::make_shared<LintArgs>();
  sub.add_option("migration", a->migrations, "Migrations to lint (id, id prefix or file); default: all")
      ->type_name("MIGRATION");
  sub.add_flag("--all", a->all, "Lint every migration file");
  sub.add_flag("--offline", a->offline,
               "Do not connect to the database: no live table statistics (findings graded by their rules alone)");
  sub.add_flag("--rules", a->list_rules, "List the rules (code, engines, default severity, what, fix)");
  sub.add_option("--format", a->format, "text (default), json or sarif")
      ->check(CLI::IsMember({"text", "json", "sarif"}));
  sub.callback([a, &ctx] { run_lint(*a, ctx); });
}

}  // namespace flash::cli

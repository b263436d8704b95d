// flash check [--rolling [--previous REV]] [--offline [--pending N]]: will the pending migrations
// break the queries? Every query of `queries` is analysed against the schema the applied
// migrations give (the deployed code's) and against the schema after the pending ones; findings
// are located at the query (flash/check/check.hpp lists them). Exit 3 when there is one.
// Pending = the migrations the database has not recorded; --offline needs no database and takes
// the newest N migration files (default 1) as the pending ones, as in CI on a branch that adds
// one. --rolling also checks the previous commit's queries (the client still deployed during a
// rolling deploy), read with git.
#include <CLI/CLI.hpp>

#include "cli/commands/check_common.hpp"
#include "cli/commands/commands.hpp"
#include "cli/commands/migrate_common.hpp"
#include "flash/config/sql_files.hpp"
#include "flash/migrate/tracking.hpp"
#include "flash/util/text.hpp"

namespace flash::cli {

check::Report query_check(Context& ctx, const std::vector<migrate::MigrationFile>& files,
                          const std::set<std::string>& applied, const QueryCheckOptions& o) {
  const config::Config& cfg = ctx.config();
  return check::check_project(cfg.root / cfg.queries, files, applied, migrate_project(ctx).dialect, o);
}

void enforce_query_check(Context& ctx, const std::vector<migrate::MigrationFile>& files,
                         const std::set<std::string>& applied, const std::string& go_on,
                         const std::string& upto) {
  check::refuse_on_findings(query_check(ctx, check::files_up_to(files, applied, upto), applied, {}), go_on);
}

namespace {

struct CheckArgs {
  QueryCheckOptions o;
  bool offline = false;
  int pending = 1;
};

void run_check(const CheckArgs& a, Context& ctx) {
  auto project = migrate_project(ctx);
  diag::Diagnostics diags;
  auto files = migrate::load_migrations(project.migrations_dir, project.dialect, diags);
  if (diag::has_errors(diags)) throw diag::Errors(diags);
  std::set<std::string> applied;
  if (a.offline) {
    if (a.pending < 0) throw diag::Error("cli.usage", "--pending must be 0 or more", diag::ExitCode::usage);
    const std::size_t keep = files.size() > static_cast<std::size_t>(a.pending) ? files.size() - a.pending : 0;
    for (std::size_t i = 0; i < keep; ++i) applied.insert(files[i].id);
  } else {
    auto conn = migrate_connect(ctx);
    if (migrate::tracking_table_exists(*conn))
      for (const auto& row : migrate::read_tracking(*conn))
        if (row.finished() && !row.rolled_back_at) applied.insert(row.id);
  }
  auto report = query_check(ctx, files, applied, a.o);
  auto& j = ctx.result();
  const nlohmann::json doc = check::to_json(report);  // named: items() must not outlive it
  for (const auto& [k, v] : doc.items()) j[k] = v;
  nlohmann::json pending = nlohmann::json::array();
  for (const auto& f : files)
    if (!applied.count(f.id)) pending.push_back(f.id);
  j["pending"] = pending;
  refuse_on_findings(report, "");
  ctx.say("Checked " + std::to_string(report.queries) + " queries against " + std::to_string(pending.size()) +
          " pending migration(s): nothing breaks");
}

}  // namespace

void setup_check(CLI::App& sub, Context& ctx) {
  auto a = std::make_shared<CheckArgs>();
  sub.add_flag("--rolling", a->o.rolling,
               "Also check the previous commit's queries (the client still deployed during a rolling deploy)");
  sub.add_option("--previous", a->o.previous, "The commit --rolling reads the old queries from (default HEAD~1)")
      ->type_name("REV");
  sub.add_flag("--offline", a->offline, "No database: the newest --pending migration files are the pending ones");
  sub.add_option("--pending", a->pending, "With --offline: how many of the newest migrations are pending (default 1)")
      ->type_name("N");
  sub.callback([a, &ctx] { run_check(*a, ctx); });
}

}  // namespace flash::cli

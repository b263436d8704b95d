// flash migrate NAME [--empty] [--dry-run] [--rename t.old:new]... [--accept-data-loss] [--no-prove]
// Diffs the schema files against the schema the existing migrations produce (their Up sections
// replayed in order) and writes db/migrations/<UTC timestamp>_<name>.sql, after proving in a
// scratch database that its Down undoes its Up (flash/prove; --no-prove skips it). Also holds the glue the
// other migration commands share (migrate_common.hpp).
//
// flash migrate NAME --baseline [--dry-run] [--force]: adopts an existing database. The live
// schema is pulled and written as the first migration, recorded as applied without running it
// (migrate/baseline.hpp). The schema files are made to match: an empty schema_dir receives the
// pulled files (as `flash pull` writes them); schema files that describe something else are refused
// (exit 3, with the differences and a hint to run `flash pull` first) unless --force, which keeps
// them as they are so that the next `flash migrate` turns their differences into a migration.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/commands/commands.hpp"
#include "cli/commands/mongo.hpp"
#include "cli/commands/check_common.hpp"
#include "cli/commands/lint_common.hpp"
#include "cli/commands/migrate_common.hpp"
#include "flash/diff/plan.hpp"
#include "flash/migrate/baseline.hpp"
#include "flash/prove/prove.hpp"
#include "flash/pull/inspect.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/util/text.hpp"

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

void set_pooled_from_url(Context& ctx, migrate::Project& p) {
  const auto url = ctx.database_url();
  const auto it = url.params.find("pgbouncer");
  if (url.dialect == schema::Dialect::postgresql && it != url.params.end() && (it->second == "true" || it->second == "1"))
    p.pooled = true;
}

std::function<std::unique_ptr<driver::SqlConnection>()> direct_connector(Context& ctx) {
  const auto& cfg = ctx.config();
  const char* direct = cfg.direct_url_env.empty() ? nullptr : std::getenv(cfg.direct_url_env.c_str());
  if (!direct || !*direct) return {};
  auto url = config::parse_database_url(direct);
  url.params.erase("pgbouncer");
  return [url] { return driver::connect_sql(url); };
}

namespace {

struct MigrateArgs {
  std::string name;
  bool empty = false;
  bool dry_run = false;
  std::vector<std::string> renames;
  bool accept_data_loss = false;
  bool baseline = false;
  bool check = false;
  bool online = false;
  bool no_prove = false;
};

std::string shown(const std::filesystem::path& p) {
  std::error_code ec;
  const auto rel = p.lexically_proximate(std::filesystem::current_path(ec));
  return ec || rel.empty() ? p.string() : rel.string();
}

void run_baseline(const MigrateArgs& a, Context& ctx) {
  if (a.empty || !a.renames.empty() || a.accept_data_loss)
    throw diag::Error("cli.usage", "--baseline cannot be combined with --empty, --rename or --accept-data-loss",
                      diag::ExitCode::usage);
  auto project = migrate_project(ctx);
  auto conn = migrate_connect(ctx);
  // Cheap refusals first, before reading the whole catalog.
  migrate::check_no_migrations(*conn, project);
  schema::Schema live = pull::inspect(*conn);

  // The schema files: written from the database when there are none, otherwise they must agree.
  const auto existing = pull::existing_schema_files(project.schema_dir);
  std::string files_state = existing.empty() ? "written" : "matched";
  nlohmann::json differences = nlohmann::json::array();
  if (!existing.empty()) {
    std::vector<sql::SourceFile> sources;
    for (const auto& f : existing) sources.push_back({shown(f), util::read_file(f)});
    diag::Diagnostics diags;
    const schema::Schema current = sql::parse_schema(sources, live.dialect, diags);
    if (diag::has_errors(diags)) throw diag::Errors(diags);
    // The files' spelling of unnamed constraints (and MySQL primary-key names) wins where the
    // database cannot tell the difference, so the baseline replays to exactly the files' model.
    pull::align_names(live, current);
    for (const auto& op : diff::diff_schemas(current, live).operations) differences.push_back(op.comment);
    if (!differences.empty()) {
      std::string list;
      for (const auto& x : differences) list += "\n  " + x.get<std::string>();
      if (!ctx.options.force)
        throw diag::Error("migrate.baseline-schema-differs",
                          "the schema files in " + shown(project.schema_dir) +
                              " differ from the database (files → database):" + list,
                          diag::ExitCode::check_failed,
                          "run `flash pull --backup` first to make the schema files match the database, or pass "
                          "--force to baseline the database as it is and keep the files (the next `flash migrate` "
                          "then turns their differences into a migration)");
      files_state = "kept";
      ctx.warn("the schema files differ from the database; kept as they are (--force):" + list);
    }
  }

  migrate::BaselineOptions bo;
  bo.name = a.name;
  bo.dry_run = a.dry_run;
  auto res = migrate::baseline(*conn, project, live, bo, migrate_output(ctx));

  nlohmann::json written_files = nlohmann::json::array();
  if (existing.empty() && !a.dry_run)
    for (const auto& f : pull::write_schema(live, project.schema_dir, false).files) {
      written_files.push_back(shown(f));
      ctx.say("Wrote " + shown(f) + " (the pulled schema)");
    }
  if (files_state == "matched") ctx.say("The schema files in " + shown(project.schema_dir) + " match the database");

  auto& j = ctx.result();
  j["baseline"] = true;
  j["id"] = res.id;
  j["file"] = res.path.string();
  j["written"] = res.written;
  j["recorded"] = res.recorded;
  j["dry_run"] = a.dry_run;
  j["content"] = res.content;
  j["checksum"] = res.checksum;
  j["up_statements"] = res.up_statements;
  j["statements"] = res.statements;
  j["schema_files"] = files_state;
  j["schema_files_written"] = written_files;
  j["schema_differences"] = differences;
  j["replay_differences"] = res.replay_differences;
  j["tables"] = live.tables.size();
  j["views"] = live.views.size();
  if (a.dry_run && !ctx.options.json) {
    std::cout << "-- " << res.path.string() << " (dry run, not written)\n" << res.content;
    if (!res.content.empty() && res.content.back() != '\n') std::cout << '\n';
    std::cout << "-- recorded as applied (dry run, not executed):\n";
    for (const auto& s : res.statements) std::cout << s << ";\n";
    if (existing.empty()) std::cout << "-- and " << shown(project.schema_dir / "schema.sql") << " would be written\n";
  }
}

void run_migrate(const MigrateArgs& a, Context& ctx) {
  if (is_mongo_project(ctx)) return run_mongo_migrate(a.name, a.empty, a.dry_run, a.renames, a.accept_data_loss, ctx);
  if (a.baseline) return run_baseline(a, ctx);
  auto project = migrate_project(ctx);
  migrate::GenerateOptions go;
  go.name = a.name;
  go.empty = a.empty;
  go.dry_run = a.dry_run;
  go.accept_data_loss = a.accept_data_loss;
  go.online = a.online;
  for (const auto& r : a.renames) go.renames.push_back(migrate::parse_rename_flag(r));
  // The proof of the Down, before anything is written (fails closed: see flash/prove/prove.hpp).
  nlohmann::json proof = a.no_prove ? nlohmann::json("skipped (--no-prove)") : nlohmann::json(nullptr);
  if (!a.no_prove)
    go.before_write = [&](const std::vector<migrate::MigrationFile>& existing, const migrate::MigrationFile& cand) {
      std::optional<config::DatabaseUrl> server;
      if (project.dialect != schema::Dialect::sqlite) {
        try {
          server = ctx.database_url();
        } catch (const diag::Error& e) {
          throw prove::unavailable(e.diagnostic().message, diag::ExitCode::connection);
        }
      }
      const auto r = prove::prove_down(project, existing, cand, server);
      ctx.say("Proved the Down on " + r.where + ": Up, Down (schema restored), Up again" +
              (r.replayed ? " after the " + std::to_string(r.replayed) + " existing migration(s)" : std::string()));
      proof = {{"where", r.where}, {"replayed", r.replayed}, {"up_statements", r.up_statements},
               {"down_statements", r.down_statements}};
    };
  // With --force a rename question must not be answered "yes" silently: only a terminal decides.
  migrate::Output out = migrate_output(ctx);
  if (!ctx.stdin_is_tty()) out.confirm = nullptr;
  auto res = migrate::generate(project, go, out);
  if (a.check && !res.no_changes && res.path) {
    // flash check on the new migration: every existing one counts as applied, the new one as
    // pending. A migration that breaks a query is not kept.
    diag::Diagnostics diags;
    auto files = migrate::load_migrations(project.migrations_dir, project.dialect, diags);
    std::set<std::string> applied;
    for (const auto& f : files) applied.insert(f.id);
    if (!res.written) files.push_back(migrate::parse_migration(*res.path, res.content, project.dialect, diags));
    for (const auto& f : files)
      if (f.path == *res.path) applied.erase(f.id);
    try {
      if (diag::has_errors(diags)) throw diag::Errors(diags);
      check::refuse_on_findings(query_check(ctx, files, applied, {}), "leave out --check to keep the migration anyway");
    } catch (...) {
      std::error_code ec;
      if (res.written) std::filesystem::remove(*res.path, ec);
      throw;
    }
  }
  if (!res.no_changes && res.path) lint_new_migration(ctx, project.migrations_dir, project.dialect, *res.path, res.content, res.written);
  auto& j = ctx.result();
  j["no_changes"] = res.no_changes;
  j["written"] = res.written;
  if (res.path && (res.written || a.dry_run) && !res.no_changes) j["file"] = res.path->string();
  j["content"] = res.content;
  nlohmann::json warns = nlohmann::json::array();
  for (const auto& w : res.plan.warnings) warns.push_back({{"code", w.code}, {"message", w.message}});
  j["warnings"] = warns;
  if (a.online) j["online"] = res.online;
  j["proof"] = proof;
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
  sub.add_flag("--baseline", a->baseline,
               "Adopt an existing database: write its schema as the first migration and record it as applied "
               "without running it");
  sub.add_flag("--online", a->online,
               "Write the online form: PostgreSQL CONCURRENTLY indexes, NOT VALID + VALIDATE constraints, SET NOT "
               "NULL via a validated CHECK, lock_timeout with retries, outside a transaction; MySQL ALGORITHM=INSTANT / "
               "INPLACE, LOCK=NONE asserted (README \"Online plans\")");
  sub.add_flag("--no-prove", a->no_prove,
               "Write the migration without proving in a scratch database that its Down undoes its Up");
  sub.add_flag("--check", a->check,
               "Run flash check on the new migration: if it breaks a query, exit 3 and keep no file");
  sub.callback([a, &ctx] { run_migrate(*a, ctx); });
}

}  // namespace flash::cli

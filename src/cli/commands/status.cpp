// flash status: every migration (applied / pending / failed / modified / missing-file /
// out-of-order / rollback-incomplete) and drift between the live database and the applied
// migrations. --json prints the report as data. Exit 3 when something needs attention.
//
// Drift is computed here because it needs the live schema (flash::pull, which the migrate stage
// above it cannot use): the database is pulled (every schema; tables, columns with types,
// nullability and defaults, constraints, indexes, views, enums), constraint names the database
// cannot tell apart are aligned with the migrations' (pull::align_names, as `migrate --baseline`
// does), and the differ lists each operation that would turn the migrations' schema into the live
// one. Where that leaves only objects whose text the server prints its own way (MySQL views and
// routines), the applied migrations are replayed on a scratch database and the two pulled schemas
// compared instead (prove::engine_schema); if that cannot run, the textual result stands, with a note.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>

#include "cli/commands/commands.hpp"
#include "cli/commands/mongo.hpp"
#include "cli/commands/migrate_common.hpp"
#include "flash/branch/branch.hpp"
#include "flash/diff/plan.hpp"
#include "flash/prove/prove.hpp"
#include "flash/pull/inspect.hpp"

namespace flash::cli {
namespace {

// Objects whose text the server stores parsed and prints back its own way, so that the text of the
// migrations and the text pulled from the database differ although the objects are the same.
// PostgreSQL's are matched by pull::align_names (parse trees compared); MySQL's are not parseable
// that way (its views come back with every column qualified and aliased).
bool server_printed(const diff::Operation& op, schema::Dialect d) {
  return d == schema::Dialect::mysql && (op.kind == diff::OpKind::create_view ||
                                         op.kind == diff::OpKind::drop_view ||
                                         op.kind == diff::OpKind::raw_statement);
}

std::vector<diff::Operation> differences(schema::Schema from, schema::Schema to) {
  if (from.dialect == schema::Dialect::sqlite) {
    // SQLite changes most things by rebuilding the table, and the differ then says only "rebuild
    // table t". The drift is the difference, not the SQL that would fix it: the models are
    // compared as PostgreSQL, which alters each column, constraint and index on its own.
    from.dialect = schema::Dialect::postgresql;
    to.dialect = schema::Dialect::postgresql;
  }
  return diff::diff_schemas(from, to).operations;
}

void compute_drift(Context& ctx, const migrate::Project& project, driver::SqlConnection& conn,
                   migrate::StatusReport& r) {
  if (!r.applied_schema) return;
  const schema::Schema live = pull::inspect(conn);
  schema::Schema aligned = live;
  pull::align_names(aligned, *r.applied_schema);
  auto ops = differences(*r.applied_schema, aligned);
  if (std::any_of(ops.begin(), ops.end(), [&](const auto& op) { return server_printed(op, project.dialect); })) {
    // Compare like with like: the applied migrations as the engine itself makes them (replayed on
    // a scratch database and pulled) against the live database.
    try {
      ops = differences(prove::engine_schema(project, r.applied_files, ctx.database_url()), live);
    } catch (const diag::Error& e) {
      r.drift_note = "views and routines were compared as written, but the server prints them its own way; " +
                     e.diagnostic().message;
    }
  }
  for (const auto& op : ops)
    r.drift.push_back(migrate::DriftItem{std::string(diff::to_string(op.kind)), op.schema, op.table, op.object,
                                         op.comment});
  r.drift_checked = true;
}

void run_status(Context& ctx) {
  if (is_mongo_project(ctx)) return run_mongo_status(ctx);
  auto project = migrate_project(ctx);
  auto conn = migrate_connect(ctx);
  auto r = migrate::status(*conn, project);
  compute_drift(ctx, project, *conn, r);
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

#include "flash/prove/drift.hpp"

#include <algorithm>

#include "flash/diff/plan.hpp"
#include "flash/prove/prove.hpp"
#include "flash/pull/inspect.hpp"

namespace flash::prove {
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

}  // namespace

void compute_drift(const migrate::Project& project, driver::SqlConnection& conn, migrate::StatusReport& r,
                   const std::optional<config::DatabaseUrl>& server) {
  if (!r.applied_schema) return;
  const schema::Schema live = pull::inspect(conn);
  schema::Schema aligned = live;
  pull::align_names(aligned, *r.applied_schema);
  auto ops = differences(*r.applied_schema, aligned);
  if (std::any_of(ops.begin(), ops.end(), [&](const auto& op) { return server_printed(op, project.dialect); })) {
    // Compare like with like: the applied migrations as the engine itself makes them (replayed on
    // a scratch database and pulled) against the live database.
    try {
      if (!server) throw unavailable("no database URL for the scratch comparison");
      ops = differences(engine_schema(project, r.applied_files, *server), live);
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

}  // namespace flash::prove

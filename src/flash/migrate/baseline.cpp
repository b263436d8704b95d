// Baseline migrations: the live schema as the first migration, recorded as applied without being
// executed (the database already is in that state).
#include "flash/migrate/baseline.hpp"

#include <algorithm>

#include "flash/migrate/lock.hpp"
#include "flash/schema/json.hpp"
#include "flash/util/text.hpp"

namespace flash::migrate {

namespace {

void say(const Output& o, const std::string& s) {
  if (o.say) o.say(s);
}
void warn(const Output& o, const std::string& s) {
  if (o.warn) o.warn(s);
}

// Rows that count as history: everything but a row whose rollback completed before it finished
// (the same rule as apply's classification).
std::vector<std::string> history_ids(driver::SqlConnection& c) {
  std::vector<std::string> ids;
  if (!tracking_table_exists(c)) return ids;
  for (const auto& r : read_tracking(c))
    if (!(r.rolled_back_at && !r.finished())) ids.push_back(r.id);
  return ids;
}

[[noreturn]] void refuse(const std::string& what) {
  throw diag::Error("migrate.baseline-exists",
                    "cannot baseline: " + what + "; a baseline can only be the first migration",
                    diag::ExitCode::check_failed,
                    "use `flash migrate NAME` for a change on top of existing migrations; to start over, remove "
                    "the migration files and the `_flash_migrations` rows first");
}

}  // namespace

void check_no_migrations(driver::SqlConnection& c, const Project& p) {
  diag::Diagnostics diags;
  const auto files = load_migrations(p.migrations_dir, p.dialect, diags);
  if (!files.empty()) {
    std::vector<std::string> ids;
    for (const auto& f : files) ids.push_back(f.id);
    refuse(std::to_string(files.size()) + " migration file(s) already exist in " + p.migrations_dir.string() +
           " (" + util::join(ids, ", ") + ")");
  }
  const auto ids = history_ids(c);
  if (!ids.empty())
    refuse("the database already has " + std::to_string(ids.size()) + " migration(s) in _flash_migrations (" +
           util::join(ids, ", ") + ")");
}

std::string baseline_content(const schema::Schema& live, diff::Plan* plan_out) {
  schema::Schema empty;
  empty.dialect = live.dialect;
  diff::Plan plan = diff::diff_schemas(empty, live);
  std::string text =
      "-- Baseline: the schema of the existing " + std::string(schema::to_string(live.dialect)) +
      " database, written by `flash migrate --baseline`.\n"
      "-- Recorded as applied without being run; its Up section recreates the schema from an empty database.\n\n" +
      diff::render_migration(plan);
  if (plan_out) *plan_out = std::move(plan);
  return text;
}

BaselineResult baseline(driver::SqlConnection& c, const Project& p, const schema::Schema& live,
                        const BaselineOptions& o, const Output& out) {
  const schema::Dialect d = c.dialect();
  check_no_migrations(c, p);
  if (live.tables.empty() && live.views.empty() && live.enums.empty() && live.raw.empty())
    throw diag::Error("migrate.baseline-empty", "cannot baseline: the database has no tables, views or types",
                      diag::ExitCode::error,
                      "for a new database write the schema files and run `flash migrate NAME` + `flash apply`");

  BaselineResult res;
  res.content = baseline_content(live, &res.plan);
  res.id = next_migration_id(o.now, o.name, {});
  res.path = p.migrations_dir / (res.id + ".sql");

  // Exactly what `apply` would compute for this file: id, name, checksum, number of Up statements.
  diag::Diagnostics diags;
  MigrationFile f = parse_migration(res.path, res.content, p.dialect, diags);
  if (diag::has_errors(diags)) throw diag::Errors(diags);
  res.up_statements = f.up.size();
  res.checksum = f.checksum;

  // The file must reproduce the database: replaying it is what every later `migrate` starts from.
  schema::Schema replayed = replay({f}, 1, p.dialect, diags);
  if (diag::has_errors(diags)) throw diag::Errors(diags);
  for (const auto& op : diff::diff_schemas(replayed, live).operations) res.replay_differences.push_back(op.comment);
  for (const auto& x : res.replay_differences)
    warn(out, "the baseline does not reproduce the database exactly: " + x);

  if (!tracking_table_exists(c)) res.statements.push_back(tracking_table_ddl(d));
  res.statements.push_back(sql_insert_applied(d, f.id, f.name, f.checksum, static_cast<std::int64_t>(f.up.size())));
  if (o.dry_run) return res;

  MigrationLock lock(c, o.lock_timeout);
  // Another process may have applied or baselined meanwhile.
  check_no_migrations(c, p);
  std::filesystem::create_directories(p.migrations_dir);
  util::write_file_atomic(res.path, res.content);
  res.written = true;
  try {
    for (const auto& s : res.statements) c.execute(s);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(res.path, ec);
    res.written = false;
    throw;
  }
  res.recorded = true;
  auto snap = p.migrations_dir / ".flash" / "schema_snapshot.json";
  std::filesystem::create_directories(snap.parent_path());
  util::write_file_atomic(snap, schema::to_json(live).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  say(out, "Wrote " + res.path.string() + " (" + std::to_string(res.up_statements) +
               " statements) and recorded it as applied without running it");
  return res;
}

}  // namespace flash::migrate

// The proof of a new migration's Down (prove.hpp): the real executor on a scratch database, the
// engine's catalog read back by pull, compared by the differ.
#include "flash/prove/prove.hpp"

#include "flash/diff/plan.hpp"
#include "flash/driver/scratch.hpp"
#include "flash/pull/inspect.hpp"
#include "flash/util/text.hpp"

namespace flash::prove {
namespace {

using schema::Dialect;
using schema::engine_name;


int marker_line(const std::string& content, std::string_view section) {
  int line = 1;
  for (const auto& l : util::split(content, '\n')) {
    if (util::starts_with_ci(util::trim(l), "-- +migrate " + std::string(section))) return line;
    ++line;
  }
  return 0;
}

diag::Error unproven(const migrate::MigrationFile& f, std::string message, int line, std::string source_line) {
  diag::Diagnostic d;
  d.code = "migrate.unproven";
  d.message = std::move(message) + " (" + f.path.string() + " not written)";
  d.location = diag::Location{f.path.string(), line, line > 0 ? 1 : 0, 1};
  d.source_line = std::move(source_line);
  d.exit_code = diag::ExitCode::check_failed;
  d.hint = "make the Down undo exactly what the Up does (flash migrate --dry-run prints the file), or pass " +
           std::string(kSkipFlag) + " to write it without the proof";
  return diag::Error(std::move(d));
}

schema::Schema pulled(driver::SqlConnection& c, const schema::Schema& reference) {
  schema::Schema s = pull::inspect(c);
  pull::align_names(s, reference);
  return s;
}

std::vector<std::string> differences(const schema::Schema& expected, const schema::Schema& got) {
  std::vector<std::string> out;
  for (const auto& op : diff::diff_schemas(expected, got, diff::DiffOptions{.renames = {}, .accept_drops = true}).operations)
    out.push_back(op.comment);
  return out;
}

// Runs one executor step; a failure of the new migration's statements is `migrate.unproven` at
// its line, anything else means the proof could not run.
template <class F>
void step(const migrate::MigrationFile& f, const std::string& what, const std::string& where, F&& run) {
  try {
    run();
  } catch (const diag::Error& e) {
    const auto& d = e.diagnostic();
    if (d.location.file == f.path.string())
      throw unproven(f, what + " fails on " + where + ": " + d.message, d.location.line, d.source_line);
    throw unavailable(what + " could not run on " + where + ": " + d.message,
                      d.exit_code == diag::ExitCode::connection ? diag::ExitCode::connection : diag::ExitCode::error);
  } catch (const driver::DbError& e) {
    throw unavailable(what + " could not run on " + where + ": " + e.what(),
                      e.connection_usable() ? diag::ExitCode::error : diag::ExitCode::connection);
  } catch (const driver::ConnectError& e) {
    throw unavailable(std::string("lost the scratch database: ") + e.what(), diag::ExitCode::connection);
  }
}

// How migrations run in a scratch database: its tables are empty, so there is nothing to back up
// and nothing to conflict with.
migrate::ApplyOptions scratch_apply_options() {
  migrate::ApplyOptions ao;
  ao.no_backup = true;
  ao.accept_data_loss = true;
  ao.skip_conflict_check = true;
  return ao;
}

}  // namespace

schema::Schema engine_schema(const migrate::Project& project, const std::vector<migrate::MigrationFile>& files,
                             const config::DatabaseUrl& server) {
  auto fail = [](const std::string& why, diag::ExitCode exit = diag::ExitCode::error) {
    return diag::Error("migrate.replay-unavailable", "cannot replay the migrations on a scratch database: " + why,
                       exit,
                       "the replay needs CREATE DATABASE on the project's server (PostgreSQL/MySQL) and migrations "
                       "that apply to an empty database");
  };
  config::DatabaseUrl at = server;
  if (project.dialect == Dialect::sqlite) at = config::DatabaseUrl{.dialect = Dialect::sqlite};
  std::unique_ptr<driver::ScratchDatabase> db;
  try {
    db = std::make_unique<driver::ScratchDatabase>(at, "flash_replay");
    migrate::Project p = project;
    p.files = files;
    migrate::apply(db->connection(), p, scratch_apply_options(), migrate::Output{});
    return pull::inspect(db->connection());
  } catch (const driver::ConnectError& e) {
    throw fail(std::string("the server cannot be reached: ") + e.what(), diag::ExitCode::connection);
  } catch (const driver::DbError& e) {
    throw fail(e.what());
  } catch (const diag::Error& e) {
    throw fail(e.diagnostic().message, e.diagnostic().exit_code == diag::ExitCode::connection
                                           ? diag::ExitCode::connection
                                           : diag::ExitCode::error);
  }
}

diag::Error unavailable(const std::string& why, diag::ExitCode exit) {
  return diag::Error("migrate.prove-unavailable", "cannot prove the Down of the new migration: " + why, exit,
                     "the proof runs the migrations in a scratch database (PostgreSQL/MySQL: CREATE DATABASE on the "
                     "project's server; the user needs that privilege); fix that, or pass " + std::string(kSkipFlag) +
                         " to write the migration without the proof");
}

Result prove_down(const migrate::Project& project, const std::vector<migrate::MigrationFile>& existing,
                  const migrate::MigrationFile& candidate, const std::optional<config::DatabaseUrl>& server) {
  const Dialect d = project.dialect;
  Result r;
  r.up_statements = static_cast<int>(candidate.up.size());
  r.down_statements = static_cast<int>(candidate.down.size());
  config::DatabaseUrl at;
  if (d == Dialect::sqlite) {
    at.dialect = d;
  } else if (d == Dialect::mongodb) {
    throw unavailable("MongoDB has no SQL migrations to prove");
  } else if (!server) {
    throw unavailable("no database URL is set, and " + engine_name(d) + " needs a server for the scratch database",
                      diag::ExitCode::connection);
  } else if (server->dialect != d) {
    throw unavailable("the database URL is " + engine_name(server->dialect) + ", the project " + engine_name(d));
  } else {
    at = *server;
  }

  diag::Diagnostics rd;
  const schema::Schema before = migrate::replay(existing, existing.size(), d, rd);
  schema::Schema after = before;
  migrate::replay_one(after, candidate, rd);
  if (d == Dialect::mysql && !after.schemas.empty())
    throw unavailable("the migrations create databases (" + util::join(after.schemas, ", ") +
                      "), which a scratch database cannot hold");

  std::unique_ptr<driver::ScratchDatabase> db;
  try {
    db = std::make_unique<driver::ScratchDatabase>(at, "flash_prove");
  } catch (const driver::ConnectError& e) {
    throw unavailable(std::string("the server cannot be reached: ") + e.what(), diag::ExitCode::connection);
  } catch (const driver::DbError& e) {
    throw unavailable(std::string("cannot create the scratch database: ") + e.what());
  }
  driver::SqlConnection& c = db->connection();
  r.where = engine_name(d) + " " + c.server_version() +
            (d == Dialect::sqlite ? std::string(" in memory") : ", scratch database " + db->name());

  migrate::Project p = project;
  p.files = existing;
  p.files->push_back(candidate);
  const migrate::Output silent;
  const migrate::ApplyOptions ao = scratch_apply_options();
  migrate::DownOptions dn;
  dn.no_backup = true;
  dn.accept_data_loss = true;
  dn.steps = 1;

  schema::Schema s0, s1;
  if (!existing.empty()) {
    migrate::ApplyOptions first = ao;
    first.target = existing.back().id;
    try {
      migrate::apply(c, p, first, silent);
    } catch (const diag::Error& e) {
      throw unavailable("the existing migrations do not apply to an empty " + engine_name(d) + " database (" +
                            r.where + "): " + e.diagnostic().message,
                        e.diagnostic().exit_code == diag::ExitCode::connection ? diag::ExitCode::connection
                                                                                : diag::ExitCode::error);
    }
    r.replayed = static_cast<int>(existing.size());
  }
  auto pull_now = [&](const schema::Schema& reference, const char* when) {
    schema::Schema s;
    step(candidate, std::string("reading the schema ") + when, r.where, [&] { s = pulled(c, reference); });
    return s;
  };
  s0 = pull_now(before, "before the new migration");
  step(candidate, "the Up of the new migration", r.where, [&] { migrate::apply(c, p, ao, silent); });
  s1 = pull_now(after, "after its Up");
  step(candidate, "the Down of the new migration", r.where, [&] { migrate::down(c, p, dn, silent); });
  const int down_line = marker_line(candidate.content, "Down");
  if (auto diffs = differences(s0, pull_now(before, "after its Down")); !diffs.empty())
    throw unproven(candidate,
                   "the Down of the new migration does not restore the schema on " + r.where +
                       " (before its Up → after its Down):\n  " + util::join(diffs, "\n  "),
                   down_line, "-- +migrate Down");
  step(candidate, "the Up of the new migration, applied again after its Down,", r.where,
       [&] { migrate::apply(c, p, ao, silent); });
  if (auto diffs = differences(s1, pull_now(after, "after the second Up")); !diffs.empty())
    throw unproven(candidate,
                   "the Up of the new migration, applied again after its Down, gives a different schema on " +
                       r.where + " (first Up → second Up):\n  " + util::join(diffs, "\n  "),
                   down_line, "-- +migrate Down");
  return r;
}

}  // namespace flash::prove

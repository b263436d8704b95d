#pragma once
// `flash check`: will the pending migrations break the queries?
//
// Every annotated query is analysed twice: against the schema the deployed code runs on (`before`:
// the applied migrations replayed) and against the schema as it will be after the pending
// migrations (`after`). A finding is located at the query's file:line:col:
//   check.breaks            analyses before, fails after (a dropped or renamed column or table ...):
//                           the analyser's own message and location
//   check.missing-not-null  an INSERT that the schema after the migrations rejects on every row (a
//                           new NOT NULL column without default that the INSERT does not set)
//   check.type-changed      analyses both times, but a result column or a parameter changes its
//                           SQL type, nullability, name or count: the generated code's types change
//   check.already-broken    fails before the migrations too (not the migrations' doing, still a
//                           broken query)
// With --rolling the previous commit's queries (the client still deployed during a rolling deploy)
// are checked against `after` as well; their findings say so.
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "flash/diag/diagnostic.hpp"
#include "flash/migrate/files.hpp"
#include "flash/schema/model.hpp"
#include "flash/sql/source.hpp"

namespace flash::check {

struct Finding {
  std::string query;    // the query's name ("" for a problem of the file itself)
  std::string origin;   // "queries" or "previous commit"
  diag::Diagnostic diag;
};

struct QuerySet {
  std::string origin;  // "queries", "previous commit"
  std::vector<sql::SourceFile> files;
};

struct Request {
  schema::Schema before;
  schema::Schema after;
  std::vector<QuerySet> sets;
};

struct Report {
  std::size_t queries = 0;  // queries analysed (all sets)
  std::vector<Finding> findings;
  bool clean() const { return findings.empty(); }
};

Report check_queries(const Request& r);
nlohmann::json to_json(const Report& r);

// The two schemas from the migration files: `before` replays the Up sections of the migrations in
// `applied` (in file order), `after` replays every one; `pending` lists the others. Problems of
// the replay go to diags.
struct Schemas {
  schema::Schema before, after;
  std::vector<std::string> pending;
};
Schemas schemas_for(const std::vector<migrate::MigrationFile>& files, const std::set<std::string>& applied,
                    schema::Dialect d, diag::Diagnostics& diags);

// --rolling: every *.sql under `path` (a query directory or file inside a git work tree) as it is
// in git revision `rev`, read with `git show` (no shell; `rev` must name a commit). Throws
// diag::Error "check.git" when git cannot read them.
std::vector<sql::SourceFile> files_at_revision(const std::filesystem::path& path, const std::string& rev);

// The check as `flash check`, `flash apply` and the studio's apply run it on a project: the queries
// under `queries` (a directory or file; none when the path does not exist) — and with `rolling`
// the same path at git revision `previous` (a missing path is then a usage error) — against the
// migrations: before = the files in `applied`, after = every one of `files`. A project without
// query files gives an empty report. Replay errors are thrown as diag::Errors.
struct ProjectOptions {
  bool rolling = false;             // also the previous commit's queries
  std::string previous = "HEAD~1";  // that commit
};
Report check_project(const std::filesystem::path& queries, const std::vector<migrate::MigrationFile>& files,
                     const std::set<std::string>& applied, schema::Dialect d, const ProjectOptions& o = {});

// The files a run up to and including `upto` (apply --to; "" = all) takes into account: the applied
// ones and the pending ones up to it.
std::vector<migrate::MigrationFile> files_up_to(const std::vector<migrate::MigrationFile>& files,
                                                const std::set<std::string>& applied, const std::string& upto);

// Throws diag::Errors (exit 3, every finding located) when the report has findings; unless empty,
// `go_on` ("pass --no-check to apply anyway") ends the first one's hint.
void refuse_on_findings(const Report& r, const std::string& go_on);

}  // namespace flash::check

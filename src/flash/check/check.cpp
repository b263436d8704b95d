#include "flash/check/check.hpp"

#include <algorithm>
#include <optional>

#include "flash/config/sql_files.hpp"
#include "flash/query/analyze.hpp"
#include "flash/util/process.hpp"
#include "flash/util/text.hpp"
#include "flash/query/file.hpp"
#include "flash/schema/types.hpp"

namespace flash::check {
namespace {

std::string type_text(const query::ResolvedType& t, bool nullable) {
  std::string s = t.sql.name;
  if (!t.sql.args.empty()) {
    s += "(";
    for (std::size_t i = 0; i < t.sql.args.size(); ++i) s += (i ? "," : "") + t.sql.args[i];
    s += ")";
  }
  for (int i = 0; i < t.array_dims; ++i) s += "[]";
  return s + (nullable ? " NULL" : " NOT NULL");
}

// What changes in the generated code between two lists of typed items (result columns or
// parameters) of one query.
template <class Item>
void item_changes(const std::vector<Item>& b, const std::vector<Item>& a, const std::string& what,
                  const std::string& plural, std::vector<std::string>& out) {
  if (b.size() != a.size())
    out.push_back("has " + std::to_string(a.size()) + " " + plural + " instead of " + std::to_string(b.size()));
  for (std::size_t i = 0; i < std::min(b.size(), a.size()); ++i) {
    if (b[i].name != a[i].name)
      out.push_back(what + " " + std::to_string(i + 1) + " is `" + a[i].name + "`, was `" + b[i].name + "`");
    else if (!(b[i].type == a[i].type) || b[i].nullable != a[i].nullable)
      out.push_back(what + " `" + a[i].name + "` is " + type_text(a[i].type, a[i].nullable) + ", was " +
                    type_text(b[i].type, b[i].nullable));
  }
}

std::vector<std::string> type_changes(const query::Query& b, const query::Query& a) {
  std::vector<std::string> out;
  item_changes(b.columns, a.columns, "result column", "result columns", out);
  item_changes(b.params, a.params, "parameter", "parameters", out);
  return out;
}

bool same_problem(const diag::Diagnostic& x, const diag::Diagnostic& y) {
  return x.code == y.code && x.message == y.message;
}

struct Analysis {
  std::optional<query::Query> query;
  diag::Diagnostics errors, missing_not_null;
};

Analysis analyse(const schema::Schema& s, const query::QueryBlock& b, const sql::SourceFile& f) {
  Analysis a;
  diag::Diagnostics ds;
  a.query = query::analyze_query(s, b, f, ds);
  for (auto& d : ds) {
    if (d.severity == diag::Severity::error) a.errors.push_back(d);
    else if (d.code == "query.missing-not-null") a.missing_not_null.push_back(d);
  }
  return a;
}

void check_block(const Request& r, const QuerySet& set, const query::QueryBlock& b, const sql::SourceFile& f,
                 Report& rep) {
  ++rep.queries;
  Analysis before = analyse(r.before, b, f), after = analyse(r.after, b, f);
  const std::string who = "`" + b.name + "`" + (set.origin == "queries" ? "" : " (" + set.origin + ")");
  auto add = [&](diag::Diagnostic d, std::string code, std::string message) {
    d.code = std::move(code);
    d.message = std::move(message);
    d.severity = diag::Severity::error;
    d.exit_code = diag::ExitCode::check_failed;
    rep.findings.push_back({b.name, set.origin, std::move(d)});
  };
  if (!after.errors.empty()) {
    const bool broke = before.errors.empty();
    for (const auto& e : after.errors) {
      if (broke) add(e, "check.breaks", who + " breaks after the pending migrations: " + e.message);
      else add(e, "check.already-broken", who + " is broken before the migrations too: " + e.message);
    }
    return;
  }
  for (const auto& w : after.missing_not_null) {
    bool old = false;
    for (const auto& x : before.missing_not_null) old = old || same_problem(x, w);
    if (!old) add(w, "check.missing-not-null", who + " breaks after the pending migrations: " + w.message);
  }
  if (before.query && after.query) {
    auto changes = type_changes(*before.query, *after.query);
    if (!changes.empty()) {
      diag::Diagnostic d;
      d.location = b.loc;
      std::string msg = who + " changes its generated types after the pending migrations: ";
      for (std::size_t i = 0; i < changes.size(); ++i) msg += (i ? "; " : "") + changes[i];
      d.hint = "regenerate the client (flash gen) and update the code that uses it, or keep the old shape in the query";
      add(std::move(d), "check.type-changed", msg);
    }
  }
}

}  // namespace

Report check_queries(const Request& r) {
  Report rep;
  for (const QuerySet& set : r.sets) {
    for (const sql::SourceFile& f : set.files) {
      diag::Diagnostics file_diags;
      auto blocks = query::read_query_file(f, r.after.dialect, file_diags);
      for (auto& d : file_diags)
        if (d.severity == diag::Severity::error) {
          d.exit_code = diag::ExitCode::check_failed;
          rep.findings.push_back({"", set.origin, d});
        }
      for (const auto& b : blocks) check_block(r, set, b, f, rep);
    }
  }
  return rep;
}

Schemas schemas_for(const std::vector<migrate::MigrationFile>& files, const std::set<std::string>& applied,
                    schema::Dialect d, diag::Diagnostics& diags) {
  Schemas s;
  s.before.dialect = s.after.dialect = d;
  for (const auto& f : files) {
    if (applied.count(f.id)) migrate::replay_one(s.before, f, diags);
    else s.pending.push_back(f.id);
    migrate::replay_one(s.after, f, diags);
  }
  return s;
}

std::vector<sql::SourceFile> files_at_revision(const std::filesystem::path& path, const std::string& rev) {
  namespace fs = std::filesystem;
  auto fail = [&](const std::string& msg, const std::string& detail) -> diag::Error {
    std::string m = msg;
    if (!detail.empty()) m += ": " + detail.substr(0, detail.find('\n'));
    return diag::Error("check.git", m, diag::ExitCode::error,
                       std::string("--rolling reads the previous queries with git: run it inside the project's "
                                   "git work tree, and give --previous a commit (default HEAD~1)"));
  };
  if (rev.empty() || rev.front() == '-') throw fail("`" + rev + "` is not a git revision", "");
  const fs::path dir = fs::is_directory(path) ? path : path.parent_path();
  auto top = util::run_process({"git", "rev-parse", "--show-toplevel"}, dir);
  if (top.exit_code != 0) throw fail("not a git work tree: " + dir.string(), top.err);
  std::string root = top.out.substr(0, top.out.find('\n'));
  auto commit = util::run_process({"git", "rev-parse", "--verify", "--quiet", rev + "^{commit}"}, dir);
  if (commit.exit_code != 0) throw fail("`" + rev + "` does not name a commit", commit.err);
  std::string sha = commit.out.substr(0, commit.out.find('\n'));
  const std::string rel = fs::weakly_canonical(path).lexically_relative(fs::weakly_canonical(root)).generic_string();
  auto list = util::run_process({"git", "ls-tree", "-r", "--name-only", sha, "--", rel == "." ? "" : rel}, root);
  if (list.exit_code != 0) throw fail("git ls-tree failed", list.err);
  std::vector<std::string> names;
  std::size_t pos = 0;
  while (pos < list.out.size()) {
    std::size_t nl = list.out.find('\n', pos);
    if (nl == std::string::npos) nl = list.out.size();
    std::string name = list.out.substr(pos, nl - pos);
    pos = nl + 1;
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".sql") == 0) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  std::vector<sql::SourceFile> out;
  for (const auto& n : names) {
    auto show = util::run_process({"git", "show", sha + ":" + n}, root);
    if (show.exit_code != 0) throw fail("git show " + n + " failed", show.err);
    out.push_back({rev + ":" + n, std::move(show.out)});
  }
  return out;
}

nlohmann::json to_json(const Report& r) {
  nlohmann::json j;
  j["queries"] = r.queries;
  j["clean"] = r.clean();
  j["findings"] = nlohmann::json::array();
  for (const auto& f : r.findings) {
    nlohmann::json e = nlohmann::json::parse(diag::render_json(f.diag));
    e["query"] = f.query;
    e["origin"] = f.origin;
    j["findings"].push_back(std::move(e));
  }
  return j;
}

Report check_project(const std::filesystem::path& queries, const std::vector<migrate::MigrationFile>& files,
                     const std::set<std::string>& applied, schema::Dialect d, const ProjectOptions& o) {
  Request req;
  auto listed = config::list_sql_files(queries);
  QuerySet current{"queries", {}};
  if (listed)
    for (const auto& p : *listed) current.files.push_back({config::display_path(p), util::read_file(p)});
  if (!current.files.empty()) req.sets.push_back(std::move(current));
  if (o.rolling) {
    if (!listed)
      throw diag::Error("check.no-queries", "--rolling: the queries path " + queries.string() + " does not exist",
                        diag::ExitCode::usage);
    req.sets.push_back({"previous commit " + o.previous, files_at_revision(queries, o.previous)});
  }
  if (req.sets.empty()) return {};
  diag::Diagnostics diags;
  auto schemas = schemas_for(files, applied, d, diags);
  if (diag::has_errors(diags)) throw diag::Errors(diags);
  req.before = std::move(schemas.before);
  req.after = std::move(schemas.after);
  return check_queries(req);
}

std::vector<migrate::MigrationFile> files_up_to(const std::vector<migrate::MigrationFile>& files,
                                                const std::set<std::string>& applied, const std::string& upto) {
  std::vector<migrate::MigrationFile> counted;
  for (const auto& f : files)
    if (upto.empty() || applied.count(f.id) || f.id <= upto) counted.push_back(f);
  return counted;
}

void refuse_on_findings(const Report& r, const std::string& go_on) {
  if (r.clean()) return;
  diag::Diagnostics ds;
  for (const auto& f : r.findings) ds.push_back(f.diag);
  if (!go_on.empty()) {
    const std::string tail = "; " + go_on;
    ds.front().hint = ds.front().hint ? *ds.front().hint + tail : "fix the query or the migration" + tail;
  }
  throw diag::Errors(ds);
}

}  // namespace flash::check

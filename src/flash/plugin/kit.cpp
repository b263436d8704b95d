#include "flash/plugin/kit.hpp"

#include <algorithm>
#include <set>

#include "flash/query/analyze.hpp"
#include "flash/sql/ddl.hpp"

namespace flash::plugin {

bool KitReport::ok() const {
  return std::all_of(checks.begin(), checks.end(), [](const Check& c) { return c.ok; });
}

codegen::Request golden_request(const Fixture& fixture, const std::string& target) {
  const auto dialect = schema::dialect_from_string(fixture.engine);
  if (!dialect) throw diag::Error("plugin.fixture", "unknown engine `" + fixture.engine + "` in a kit fixture");
  diag::Diagnostics diags;
  auto model = std::make_shared<schema::Schema>(sql::parse_schema(fixture.schema, *dialect, diags));
  auto analyzed = std::make_shared<query::AnalyzedQueries>(query::analyze_queries(*model, fixture.queries, diags));
  if (diag::has_errors(diags)) throw diag::Errors(diags);
  config::GenTarget t;
  t.language = target;
  t.enabled = true;
  t.out = "gen";
  t.location = {"flash.toml", 1, 1, 1};
  return codegen::make_request(std::move(model), std::move(analyzed), t, "conformance");
}

namespace {

// Every error diagnostic names a file the request knows (a schema or query file, or flash.toml
// for settings) with line and column; warnings and notes that name a file do so fully.
std::string location_problems(const codegen::Request& req, const codegen::Response& r, const Fixture& f) {
  std::set<std::string> files = {req.settings.location.file};
  for (const auto& s : f.schema) files.insert(s.path);
  for (const auto& q : f.queries) files.insert(q.path);
  for (const auto& d : r.diagnostics) {
    const bool error = d.severity == diag::Severity::error;
    if (!error && d.location.file.empty()) continue;
    if (d.location.file.empty()) return "error `" + d.code + "` (" + d.message + ") has no location";
    if (!files.count(d.location.file))
      return "`" + d.code + "` is located in `" + d.location.file + "`, which is not a file of the request";
    if (d.location.line < 1 || d.location.column < 1)
      return "`" + d.code + "` in " + d.location.file + " has no line and column";
  }
  return "";
}

void check_one(const Generator& g, const Fixture& f, const codegen::Request& req, int version, KitReport& rep,
               const std::string& label) {
  Check formed{label, "well-formed"}, same{label, "deterministic"}, located{label, "located"};
  try {
    RawRun a = run_raw(g, req, version);
    auto bad = path_problems(a.response, req.settings.location);
    if (!bad.empty()) {
      formed.ok = false;
      formed.detail = bad.front().message;
    } else if (a.response.files.empty() && !diag::has_errors(a.response.diagnostics)) {
      formed.ok = false;
      formed.detail = "no files and no error diagnostic";
    } else {
      formed.detail = std::to_string(a.response.files.size()) + " files, " +
                      std::to_string(a.response.diagnostics.size()) + " diagnostics, " +
                      std::to_string(a.elapsed.count() / 1000) + " ms";
    }
    RawRun b = run_raw(g, req, version);
    same.ok = a.bytes == b.bytes;
    same.detail = same.ok ? std::to_string(a.bytes.size()) + " bytes twice"
                          : "two runs answered differently (" + std::to_string(a.bytes.size()) + " vs " +
                                std::to_string(b.bytes.size()) + " bytes)";
    const std::string where = location_problems(req, a.response, f);
    located.ok = where.empty();
    located.detail = where.empty() ? (diag::has_errors(a.response.diagnostics) ? "errors located" : "no errors")
                                   : where;
  } catch (const diag::Error& e) {
    formed.ok = same.ok = located.ok = false;
    formed.detail = e.diagnostic().message;
    same.detail = located.detail = "not run";
  }
  rep.checks.push_back(formed);
  rep.checks.push_back(same);
  rep.checks.push_back(located);
}

}  // namespace

KitReport run_kit(const Generator& g, const std::string& target) {
  KitReport rep;
  int version = codegen::kContractVersion;
  Check contract{"contract", "contract"};
  try {
    const auto declared = declared_versions(g);
    version = negotiate(g, declared);
    contract.detail = (declared ? "declares" : "declares nothing (--flash-contract); assumed") +
                      std::string(" version ") + std::to_string(version);
  } catch (const diag::Error& e) {
    contract.ok = false;
    contract.detail = e.diagnostic().message;
  }
  rep.checks.push_back(contract);
  if (!contract.ok) return rep;
  for (const auto& f : fixtures()) {
    const codegen::Request req = golden_request(f, target);
    check_one(g, f, req, version, rep, f.engine);
  }
  // An unknown driver: a generator that reads `driver` reports it, located (at flash.toml).
  const Fixture& first = fixtures().front();
  codegen::Request req = golden_request(first, target);
  req.settings.driver = "flash-conformance-no-such-driver";
  check_one(g, first, req, version, rep, first.engine + "+bad-driver");
  return rep;
}

}  // namespace flash::plugin

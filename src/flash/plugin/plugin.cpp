#include "flash/plugin/plugin.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "flash/util/text.hpp"

namespace flash::plugin {
namespace fs = std::filesystem;

namespace {

diag::Error located_error(const Generator& g, std::string code, std::string message, std::string hint) {
  diag::Diagnostic d;
  d.code = std::move(code);
  d.message = std::move(message);
  d.hint = std::move(hint);
  d.location = g.where;
  return diag::Error(std::move(d));
}

bool executable(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

std::optional<fs::path> find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return std::nullopt;
  for (const auto& dir : util::split(path, ':')) {
    const fs::path p = fs::path(dir.empty() ? "." : dir) / name;
    if (executable(p)) return p;
  }
  return std::nullopt;
}

// A path or a command on PATH; throws plugin.not-found.
fs::path locate_program(const Generator& g, const std::string& command, const fs::path& base) {
  if (command.find('/') != std::string::npos) {
    fs::path p = fs::path(command).is_absolute() ? fs::path(command) : base / command;
    p = p.lexically_normal();
    if (executable(p)) return p;
    std::error_code ec;
    throw located_error(g, "plugin.not-found",
                        "the generator plugin `" + command + "` " +
                            (fs::exists(p, ec) ? "is not an executable file" : "does not exist") + " (" + p.string() + ")",
                        fs::exists(p, ec) ? "chmod +x " + p.string() : "a relative plugin path is relative to the project");
  }
  if (auto p = find_on_path(command)) return *p;
  throw located_error(g, "plugin.not-found", "the generator plugin `" + command + "` is not on PATH",
                      "install it, or give its path: plugin = \"./tools/" + command + "\"");
}

std::string describe_exit(const util::ProcessResult& r) {
  if (r.signal) return "was killed by signal " + std::to_string(r.signal);
  return "exited with status " + std::to_string(r.exit_code);
}

std::string first_line(const std::string& s) {
  std::string line = s.substr(0, s.find('\n'));
  if (line.size() > 200) line = line.substr(0, 200) + "...";
  return line;
}

}  // namespace

Generator resolve(const config::GenTarget& target, const fs::path& project_root) {
  Generator g;
  g.timeout = std::chrono::seconds(target.timeout_seconds);
  if (target.plugin.empty()) {
    g.name = "builtin:" + target.language;
    g.where = target.location;
    g.builtin = codegen::find_generator(target.language);
    if (!g.builtin)
      throw located_error(g, "gen.no-generator", "no generator for [gen." + target.language + "] in this build",
                          "set plugin = \"flash-gen-" + target.language +
                              "\" for an external generator, or enabled = false");
    return g;
  }
  g.name = target.plugin;
  g.where = target.plugin_location.file.empty() ? target.location : target.plugin_location;
  g.program = locate_program(g, target.plugin, project_root);
  return g;
}

Generator from_command(const std::string& command, const fs::path& cwd) {
  Generator g;
  g.name = command;
  if (command.rfind("builtin:", 0) == 0) {
    g.builtin = codegen::find_generator(command.substr(8));
    if (!g.builtin) {
      std::vector<std::string> names;
      for (const auto& s : codegen::generator_table()) names.push_back(std::string("builtin:") + s.language);
      throw diag::Error("plugin.not-found", "there is no built-in generator `" + command + "`", diag::ExitCode::usage,
                        diag::did_you_mean(command, names).value_or("built-in generators: " + util::join(names, ", ")));
    }
    return g;
  }
  g.program = locate_program(g, command, cwd);
  return g;
}

std::optional<std::vector<int>> declared_versions(const Generator& g) {
  if (!g.external()) {
    std::vector<int> all;
    for (int v = codegen::kOldestContractVersion; v <= codegen::kContractVersion; ++v) all.push_back(v);
    return all;
  }
  util::ProcessOptions o;
  o.timeout = std::min<std::chrono::milliseconds>(g.timeout, std::chrono::seconds(10));
  o.err = util::Stderr::capture;  // a plugin that does not know the flag may complain: not the user's business
  const auto r = util::run_process({g.program.string(), kContractProbe}, o);
  if (!r.started || r.timed_out || r.exit_code != 0) return std::nullopt;
  const auto j = nlohmann::json::parse(r.out, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("contract_versions") || !j["contract_versions"].is_array())
    return std::nullopt;
  std::vector<int> out;
  for (const auto& v : j["contract_versions"])
    if (v.is_number_integer()) out.push_back(v.get<int>());
  return out;
}

int negotiate(const Generator& g, const std::optional<std::vector<int>>& declared) {
  if (!declared) return codegen::kContractVersion;
  int best = 0;
  for (int v : *declared)
    if (v >= codegen::kOldestContractVersion && v <= codegen::kContractVersion) best = std::max(best, v);
  if (best) return best;
  std::vector<std::string> theirs;
  for (int v : *declared) theirs.push_back(std::to_string(v));
  throw located_error(g, "plugin.contract",
                      "the generator plugin `" + g.name + "` speaks contract version " +
                          (theirs.empty() ? "none" : util::join(theirs, ", ")) + ", this Flash speaks " +
                          std::to_string(codegen::kOldestContractVersion) + " to " +
                          std::to_string(codegen::kContractVersion),
                      "upgrade whichever of the two is older");
}

RawRun run_raw(const Generator& g, const codegen::Request& req, int version) {
  RawRun out;
  const auto start = std::chrono::steady_clock::now();
  if (!g.external()) {
    codegen::Request copy = req;
    copy.contract_version = version;
    out.response = codegen::run_builtin(*g.builtin, copy);
    out.bytes = codegen::response_to_json(out.response).dump();
    out.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    return out;
  }
  util::ProcessOptions o;
  o.input = codegen::request_to_json(req, version).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  o.timeout = g.timeout;
  o.err = g.err;
  auto r = util::run_process({g.program.string()}, o);
  out.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  if (!r.started)
    throw located_error(g, "plugin.failed", "could not start the generator plugin `" + g.name + "`",
                        "check that " + g.program.string() + " is an executable with a valid #! line");
  if (r.timed_out)
    throw located_error(g, "plugin.timeout",
                        "the generator plugin `" + g.name + "` did not finish within " +
                            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(g.timeout).count()) +
                            " s and was stopped",
                        "raise timeout = ... in its [gen.NAME] table if it is only slow");
  if (r.exit_code != 0)
    throw located_error(g, "plugin.failed",
                        "the generator plugin `" + g.name + "` " + describe_exit(r) +
                            (r.err.empty() ? "" : ": " + first_line(r.err)),
                        "its error output is above; a plugin reports problems as diagnostics in its response "
                        "and exits 0");
  out.bytes = std::move(r.out);
  const auto j = nlohmann::json::parse(out.bytes, nullptr, false);
  if (j.is_discarded())
    throw located_error(g, "plugin.response",
                        "the generator plugin `" + g.name + "` did not answer with JSON" +
                            (out.bytes.empty() ? " (its output was empty)" : ": " + first_line(out.bytes)),
                        "a plugin writes one JSON response on stdout (docs/plugins.md); log to stderr");
  try {
    out.response = codegen::response_from_json(j);
  } catch (const diag::Error& e) {
    throw located_error(g, "plugin.response", "the generator plugin `" + g.name + "` answered an " +
                                                  e.diagnostic().message,
                        e.diagnostic().hint.value_or(""));
  }
  if (out.response.contract_version != version)
    throw located_error(g, "plugin.contract",
                        "the generator plugin `" + g.name + "` answered in contract version " +
                            std::to_string(out.response.contract_version) + " to a request in version " +
                            std::to_string(version),
                        "a plugin answers in the version of the request (docs/plugins.md)");
  return out;
}

diag::Diagnostics path_problems(const codegen::Response& r, const diag::Location& where) {
  diag::Diagnostics out;
  std::set<std::string> seen;
  for (const auto& f : r.files) {
    std::string why;
    const fs::path p(f.path);
    if (f.path.empty()) why = "is empty";
    else if (f.path.find('\0') != std::string::npos) why = "contains a NUL byte";
    else if (f.path.find('\\') != std::string::npos) why = "contains a backslash (use /)";
    else if (p.is_absolute() || p.has_root_name() || p.has_root_directory()) why = "is absolute";
    else if (std::any_of(p.begin(), p.end(), [](const fs::path& part) { return part == ".."; })) why = "leaves the output directory (..)";
    else if (p.filename().empty() || p.filename() == ".") why = "names a directory, not a file";
    else if (!seen.insert(p.lexically_normal().generic_string()).second) why = "is produced twice";
    if (why.empty()) continue;
    diag::Diagnostic d;
    d.code = "plugin.path";
    d.message = "the generator wants to write `" + f.path + "`, which " + why;
    d.hint = "file names are relative to the target's `out` directory and stay inside it";
    d.location = where;
    out.push_back(std::move(d));
  }
  return out;
}

codegen::Response generate(const Generator& g, const codegen::Request& req) {
  const int version = negotiate(g, g.external() ? declared_versions(g) : std::nullopt);
  RawRun run = run_raw(g, req, version);
  const diag::Location where = g.where.file.empty() ? req.settings.location : g.where;
  if (auto bad = path_problems(run.response, where); !bad.empty()) throw diag::Errors(std::move(bad));
  for (auto& d : run.response.diagnostics)
    if (d.location.file.empty()) d.location = req.settings.location;
  return std::move(run.response);
}

}  // namespace flash::plugin

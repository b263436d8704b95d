#pragma once
// Running a generator through the contract (codegen/contract.hpp, docs/plugins.md), built-in or
// external, the same way for `flash gen` and `flash plugin`:
//   - a built-in generator (the codegen table) gets the Request in-process;
//   - an external one (`[gen.NAME] plugin = "flash-gen-NAME"`, a command on PATH or a path relative
//     to the project) runs as a process: `CMD --flash-contract` may first declare the contract
//     versions it speaks; then the request as JSON on stdin, the response as JSON on stdout, its
//     stderr passed through, killed after the timeout.
// Whatever goes wrong (not found, non-zero exit, timeout, malformed JSON, a file outside the output
// directory, no common contract version) is one diag::Error located at the `plugin` value in
// flash.toml (or the [gen.NAME] header), so nothing is written.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "flash/codegen/contract.hpp"
#include "flash/codegen/generator.hpp"
#include "flash/util/process.hpp"

namespace flash::plugin {

inline constexpr const char* kContractProbe = "--flash-contract";
inline constexpr int kDefaultTimeoutSeconds = 30;

struct Generator {
  std::string name;                               // "builtin:go" or the command as written
  const codegen::GeneratorSpec* builtin = nullptr;  // set for a built-in
  std::filesystem::path program;                  // external: the resolved executable
  std::chrono::milliseconds timeout{kDefaultTimeoutSeconds * 1000};
  diag::Location where;                           // the `plugin` value or [gen.NAME] in flash.toml
  util::Stderr err = util::Stderr::pass_through;  // the plugin's stderr
  bool external() const { return builtin == nullptr; }
};

// The generator of a [gen.NAME] target: its `plugin`, else the built-in of that name. Throws
// diag::Error gen.no-generator / plugin.not-found (located at the target in flash.toml).
Generator resolve(const config::GenTarget& target, const std::filesystem::path& project_root);
// A generator named on the command line: "builtin:NAME", a path (relative to `cwd`) or a command on PATH.
Generator from_command(const std::string& command, const std::filesystem::path& cwd);

// What an external generator declares with --flash-contract (nullopt: nothing, or not a
// declaration); built-ins speak every supported version.
std::optional<std::vector<int>> declared_versions(const Generator& g);
// The version to write for a generator that declared `declared` (nullopt: the current one).
// Throws diag::Error plugin.contract when there is no common version.
int negotiate(const Generator& g, const std::optional<std::vector<int>>& declared);

// One run, as the conformance kit sees it: the response's bytes and the parsed response. Throws
// diag::Error for a failure to run (plugin.not-found / plugin.failed / plugin.timeout) or a
// malformed response (plugin.response).
struct RawRun {
  std::string bytes;  // stdout (external) or the serialised response (built-in)
  codegen::Response response;
  std::chrono::microseconds elapsed{0};
};
RawRun run_raw(const Generator& g, const codegen::Request& req, int version);

// Files a response may not write: empty, absolute, "..", backslashes, NUL or duplicate names. One
// diagnostic per bad file (code plugin.path), located at `where`.
diag::Diagnostics path_problems(const codegen::Response& r, const diag::Location& where);

// What `flash gen` calls: negotiate, run, check the paths; an error diagnostic of the generator
// without a location is located at the target ([gen.NAME] in flash.toml). Throws as run_raw, and
// diag::Errors with the path problems.
codegen::Response generate(const Generator& g, const codegen::Request& req);

}  // namespace flash::plugin

// Parts: the table of optional executables, finding them and dispatching to them (parts.hpp).
#include "cli/parts.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string_view>

#include "flash/codegen/contract.hpp"  // only the constants: the base links no generator
#include "flash/util/process.hpp"
#include "flash/util/text.hpp"

#ifndef FLASH_VERSION
#define FLASH_VERSION "0.0.0"
#endif

namespace flash::cli {
namespace fs = std::filesystem;

// The parts. To add one: a line here, its commands' `part` field in commands/table.cpp, and one
// flash_part(...) line in src/CMakeLists.txt (which also makes its CPack component and package).
const std::vector<PartSpec>& part_table() {
  static const std::vector<PartSpec> table = {
      {"base", "flash", "The base: init, plugins, completion, help, version, config handling and dispatch"},
      {"core", "flash-core", "Migrations, apply/down/status, lint/check, pull, gen, plugin kit, export/import/seed, branches"},
      {"studio", "flash-studio", "Flash Studio: the local web UI (data browser, SQL runner, diagram) with its web bundle"},
  };
  return table;
}

const PartSpec* find_part(std::string_view name) {
  for (const auto& p : part_table())
    if (name == p.name) return &p;
  return nullptr;
}

std::string part_executable(const PartSpec& part) {
  return std::string_view(part.name) == "base" ? std::string("flash") : std::string("flash-") + part.name;
}

std::optional<fs::path> plugin_dir() {
  const char* home = std::getenv("HOME");
  if (!home || !*home) return std::nullopt;
  return fs::path(home) / ".flash" / "plugins";
}

fs::path self_path() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : p;
}

namespace {

bool executable_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

}  // namespace

std::optional<fs::path> locate_part(const PartSpec& part) {
  const std::string exe = part_executable(part);
  std::vector<fs::path> dirs;
  if (const fs::path self = self_path(); !self.empty()) dirs.push_back(self.parent_path());
  if (auto d = plugin_dir()) dirs.push_back(*d);
  if (const char* path = std::getenv("PATH"))
    for (const auto& dir : util::split(path, ':'))
      if (!dir.empty()) dirs.emplace_back(dir);
  for (const auto& d : dirs)
    if (executable_file(d / exe)) return d / exe;
  return std::nullopt;
}

const CommandSpec* find_command(std::string_view name) {
  for (const auto& c : command_table())
    if (name == c.name) return &c;
  return nullptr;
}

std::optional<std::string> command_word(int argc, char** argv, const std::vector<std::string>& valued_options) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--") return std::nullopt;
    if (a.size() > 1 && a[0] == '-') {
      if (a.find('=') != std::string_view::npos) continue;  // --config=x
      for (const auto& v : valued_options)
        if (a == v) {
          ++i;  // skip its value
          break;
        }
      continue;
    }
    return std::string(a);
  }
  return std::nullopt;
}

void exec_part(const fs::path& program, int argc, char** argv) {
  std::vector<char*> args;
  std::string p = program.string();
  args.push_back(p.data());
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  ::execv(p.c_str(), args.data());
}

std::optional<nlohmann::json> probe_part(const fs::path& program) {
  util::ProcessOptions o;
  o.timeout = std::chrono::seconds(10);
  const auto r = util::run_process({program.string(), kPartProbe}, o);
  if (!r.started || r.exit_code != 0) return std::nullopt;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("part")) return std::nullopt;
  return j;
}

nlohmann::json self_description(const char* exe_part) {
  nlohmann::json commands = nlohmann::json::array();
  for (const auto& c : command_table())
    if (linked(c)) commands.push_back(c.name);
  nlohmann::json j = {{"part", exe_part}, {"version", FLASH_VERSION}, {"commands", std::move(commands)}};
  // Only an executable with the generators speaks the generator contract.
  j["contract_version"] = generator_listing ? nlohmann::json(codegen::kContractVersion) : nlohmann::json(nullptr);
  return j;
}

}  // namespace flash::cli

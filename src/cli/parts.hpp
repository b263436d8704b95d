#pragma once
// Parts: the base `flash` (init, plugins, completion, --help, --version, config handling and
// dispatch) and optional executables `flash-<part>` that provide the other commands. Which part
// provides a command is the `part` field of the command table (commands/table.cpp); the parts
// themselves are the lines of part_table() (parts.cpp). A part executable is found
//   1. next to the running executable (its real path, /proc/self/exe),
//   2. in ~/.flash/plugins (where `flash plugins add` installs),
//   3. on PATH,
// and runs with exec: every argument, the environment, stdin/stdout/stderr (a TTY stays a TTY) and
// the exit code pass through unchanged. A part answers `--flash-part` with a JSON description
// (part, version, contract version, the commands it provides) for `flash plugins`.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/app.hpp"

namespace flash::cli {

inline constexpr const char* kPartProbe = "--flash-part";
// Exit code when a command's part is not installed (the shell's "command not found").
inline constexpr int kExitPartMissing = 127;

struct PartSpec {
  const char* name;     // "core": the executable is flash-core
  const char* package;  // the .deb / .tar.gz that installs it
  const char* summary;
};
const std::vector<PartSpec>& part_table();
const PartSpec* find_part(std::string_view name);
std::string part_executable(const PartSpec& part);  // "flash-core"

// ~/.flash/plugins ($HOME/.flash/plugins); nullopt without HOME.
std::optional<std::filesystem::path> plugin_dir();
// This executable's real path (/proc/self/exe).
std::filesystem::path self_path();
// Where `flash-<part>` is found (search order above); nullopt when it is not installed.
std::optional<std::filesystem::path> locate_part(const PartSpec& part);
// The command's table entry (nullptr: no such command).
const CommandSpec* find_command(std::string_view name);
// Is the command linked into this executable?
inline bool linked(const CommandSpec& c) { return c.setup != nullptr; }

// The command named on the command line (the first word that is not an option or an option's
// value, given the global options that take a value), or nullopt.
std::optional<std::string> command_word(int argc, char** argv, const std::vector<std::string>& valued_options);

// Replaces this process with `program` run with argv[1..] (argv[0] becomes the program's path).
// Returns only on failure, with errno set.
void exec_part(const std::filesystem::path& program, int argc, char** argv);

// Runs `program --flash-part` and returns its description (nullopt: not a part, or it failed).
std::optional<nlohmann::json> probe_part(const std::filesystem::path& program);
// This executable's own description (what --flash-part prints).
nlohmann::json self_description(const char* exe_part);

// The generator listing of `flash plugins` (built-in generators, [gen.*] plugins, flash-gen-* on
// PATH): defined only in executables that contain the generators (commands/plugin.cpp), nullptr
// elsewhere (weak), where `flash plugins` hands over to the part providing `gen`.
[[gnu::weak]] nlohmann::json generator_listing(Context& ctx);

}  // namespace flash::cli

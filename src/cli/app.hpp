#pragma once
// The CLI shell: global options, output (human or --json), TTY detection, lazy config loading,
// and the explicit command table (commands/table.cpp). main.cpp only calls run().
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "flash/config/config.hpp"
#include "flash/config/url.hpp"
#include "flash/diag/diagnostic.hpp"

namespace CLI { class App; }

namespace flash::cli {

struct GlobalOptions {
  std::string config_file = "flash.toml";
  std::optional<std::string> env;  // --env NAME: loads .env.NAME first
  std::optional<std::string> db;   // --db NAME: a [[databases]] entry
  bool json = false;
  bool force = false;              // --force / --yes
  bool no_color = false;
};

class Context {
 public:
  GlobalOptions options;

  // Loaded on first use (commands like init and --help never touch the config). Throws
  // diag::Errors with located diagnostics.
  const config::Config& config();
  // The URL every command uses: the current database branch's (flash::branch::resolve; main's
  // when no branch is checked out). Throws diag::Error with a hint naming the variable when unset.
  config::DatabaseUrl database_url();
  // The selected database's URL as configured (env var named by url_env, after .env loading):
  // the main branch's database.
  config::DatabaseUrl main_database_url();

  bool stdin_is_tty() const;
  bool stdout_is_tty() const;
  bool color() const;  // stdout is a TTY, no --no-color, no --json, NO_COLOR unset
  // Where a question would be asked: on a TTY asks (y/N); without one throws diag::Error with
  // exit code usage naming `flag` as the way to answer.
  bool confirm(const std::string& question, const std::string& flag);

  // Human output (suppressed with --json). Colour helpers return plain text when !color().
  void say(const std::string& line);
  void warn(const std::string& line);  // to stderr, "warning: " prefix
  std::string bold(const std::string& s) const;
  std::string green(const std::string& s) const;
  std::string yellow(const std::string& s) const;
  std::string red(const std::string& s) const;
  // With --json the command's single result object; printed once by run() at the end.
  nlohmann::json& result() { return result_; }
  // For a command that keeps running after it has its answer (flash studio): prints the result
  // object now (with --json), and run() prints nothing more, so the output stays one object.
  void emit_result();
  bool result_emitted() const { return result_emitted_; }

  int exit_code = 0;  // a command may set 3 (check failed) etc. without throwing
  // The command line as given to run(), for a command that hands itself over to a part.
  int argc = 0;
  char** argv = nullptr;

 private:
  std::optional<config::Config> config_;
  nlohmann::json result_ = nlohmann::json::object();
  bool result_emitted_ = false;
};

// One entry of the command table. `setup` adds the subcommand's options to `sub` and sets its
// callback, which runs the command with `ctx`. `part` names the part that provides the command
// (a line of part_table() in cli/parts.hpp): an executable built without that part has
// setup == nullptr (the setups are weak symbols) and dispatches the command to `flash-<part>`.
struct CommandSpec {
  const char* name;
  const char* summary;
  void (*setup)(CLI::App& sub, Context& ctx);
  const char* part = "core";
};
const std::vector<CommandSpec>& command_table();

// Parses argv, runs the command, renders diagnostics (human or JSON) and returns the exit code.
// A command whose part is not linked into this executable is dispatched to that part's executable
// (exec: argv, environment, stdio and exit code pass through). `exe_part` names this executable's
// part ("base", "core", ..., or "all" for the all-in-one build); see cli/parts.hpp.
int run(int argc, char** argv, const char* exe_part = "all");

}  // namespace flash::cli

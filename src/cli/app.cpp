// The CLI shell: global options, the command table, output and the mapping of every failure to one
// diagnostic form and a documented exit code. Commands never print errors themselves: they throw
// diag::Error / diag::Errors (or a driver error) and run() renders it.
#include "cli/app.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <string_view>

#include "flash/config/config.hpp"
#include "flash/driver/connection.hpp"
#include "flash/util/text.hpp"
#include "cli/parts.hpp"

#ifndef FLASH_VERSION
#define FLASH_VERSION "0.0.0"
#endif

namespace flash::cli {
namespace fs = std::filesystem;

namespace {

bool no_color_env() {
  const char* v = std::getenv("NO_COLOR");
  return v && *v;
}

std::string paint(bool on, std::string_view code, const std::string& s) {
  return on ? "\x1b[" + std::string(code) + "m" + s + "\x1b[0m" : s;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Context

const config::Config& Context::config() {
  if (!config_) {
    config::LoadOptions lo;
    lo.config_file = options.config_file;
    lo.env_name = options.env;
    lo.database = options.db;
    config_ = config::load_config(lo);
  }
  return *config_;
}

// database_url() and main_database_url() are in context_db.cpp: they need the branch stage, which
// only the parts with database commands link.

bool Context::stdin_is_tty() const { return ::isatty(STDIN_FILENO) == 1; }
bool Context::stdout_is_tty() const { return ::isatty(STDOUT_FILENO) == 1; }

bool Context::color() const {
  return stdout_is_tty() && !options.no_color && !options.json && !no_color_env();
}

bool Context::confirm(const std::string& question, const std::string& flag) {
  if (options.force) return true;
  if (!stdin_is_tty()) {
    throw diag::Error("cli.confirm", question + " needs an answer, but there is no terminal to ask",
                      diag::ExitCode::usage, "pass " + flag + " to answer yes without a prompt");
  }
  // The question goes to stderr so stdout stays clean for --json and pipes.
  std::cerr << question << " [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  const std::string a = util::to_lower(util::trim(answer));
  return a == "y" || a == "yes";
}

void Context::say(const std::string& line) {
  if (options.json) return;
  std::cout << line << '\n';
}

void Context::warn(const std::string& line) {
  const bool c = ::isatty(STDERR_FILENO) == 1 && !options.no_color && !options.json && !no_color_env();
  std::cerr << paint(c, "1;33", "warning") << ": " << line << '\n';
}

std::string Context::bold(const std::string& s) const { return paint(color(), "1", s); }
std::string Context::green(const std::string& s) const { return paint(color(), "32", s); }
std::string Context::yellow(const std::string& s) const { return paint(color(), "33", s); }
std::string Context::red(const std::string& s) const { return paint(color(), "31", s); }

// ---------------------------------------------------------------------------------------------
// run()

namespace {

bool argv_has(int argc, char** argv, std::string_view flag) {
  for (int i = 1; i < argc; ++i)
    if (argv[i] == flag) return true;
  return false;
}

// The one way --json output is printed: text from user files (names, SQL, comments) may be any
// bytes, so invalid UTF-8 is replaced by U+FFFD rather than throwing nlohmann's type_error 316.
std::string dump_json(const nlohmann::ordered_json& j) {
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

void Context::emit_result() {
  if (result_emitted_) return;
  result_emitted_ = true;
  if (!options.json) return;
  nlohmann::ordered_json out;
  out["ok"] = exit_code == 0;
  for (auto& [k, v] : result_.items()) out[k] = v;
  std::cout << dump_json(out) << std::endl;
}

namespace {

// Prints diagnostics and returns the exit code: the first error's, else 1.
int report(const diag::Diagnostics& diags, const Context& ctx) {
  int code = static_cast<int>(diag::ExitCode::error);
  const diag::Diagnostic* first = nullptr;
  for (const auto& d : diags)
    if (d.severity == diag::Severity::error && !first) first = &d;
  if (!first && !diags.empty()) first = &diags.front();
  if (first) code = static_cast<int>(first->exit_code);
  if (code == 0) code = static_cast<int>(diag::ExitCode::error);

  if (ctx.options.json) {
    // ordered_json so "ok" leads; the diagnostic objects keep render_json's field order.
    nlohmann::ordered_json out;
    out["ok"] = false;
    out["error"] = first ? nlohmann::ordered_json::parse(diag::render_json(*first))
                         : nlohmann::ordered_json(nullptr);
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& d : diags) list.push_back(nlohmann::ordered_json::parse(diag::render_json(d)));
    out["diagnostics"] = std::move(list);
    std::cout << dump_json(out) << std::endl;
  } else {
    diag::RenderOptions ro;
    ro.color = ::isatty(STDERR_FILENO) == 1 && !ctx.options.no_color && !no_color_env();
    for (const auto& d : diags) std::cerr << diag::render_human(d, ro);
    std::cerr << std::flush;
  }
  return code;
}

int report_one(diag::Diagnostic d, const Context& ctx) { return report({std::move(d)}, ctx); }

diag::Diagnostic simple(std::string code, std::string message, diag::ExitCode exit,
                        std::optional<std::string> hint = std::nullopt) {
  diag::Diagnostic d;
  d.code = std::move(code);
  d.message = std::move(message);
  d.exit_code = exit;
  d.hint = std::move(hint);
  return d;
}

// `flash COMMAND ...` for a command whose part this executable was built without: exec the part
// (argv, environment, stdio and exit code pass through); only failures to do so come back here.
int dispatch(const CommandSpec& spec, int argc, char** argv, const char* exe_part, const Context& ctx) {
  const PartSpec* part = find_part(spec.part);
  const std::string_view exe(exe_part);
  if (!part || exe == "all" || exe == spec.part)
    return report_one(simple("internal", std::string("this executable was built without the command `") + spec.name +
                                             "` of the part `" + spec.part + "`",
                             diag::ExitCode::error, "this is a bug in the build of flash; please report it"),
                      ctx);
  const auto program = locate_part(*part);
  if (!program) {
    const std::string exe_name = part_executable(*part);
    diag::Diagnostic d = simple(
        "cli.part-missing",
        std::string("`flash ") + spec.name + "` is provided by the part " + exe_name + ", which is not installed",
        static_cast<diag::ExitCode>(kExitPartMissing),
        std::string("install the package ") + part->package + " (.deb or .tar.gz, or flash-all), or put " + exe_name +
            " next to " + self_path().string() + ", in ~/.flash/plugins (`flash plugins add`) or on PATH");
    return report_one(std::move(d), ctx);
  }
  std::error_code ec;
  if (fs::equivalent(*program, self_path(), ec))
    return report_one(simple("internal", program->string() + " does not provide `" + spec.name + "`",
                             diag::ExitCode::error, "reinstall the package " + std::string(part->package)),
                      ctx);
  // libmongoc (linked into flash-core) initialises itself as the part loads and keeps a
  // /dev/shm/mongoc-<pid> counters file that a killed process leaves behind; a later process with
  // that pid then prints "Falling back to malloc for counters" into the command's output. Flash
  // reads no counters: the part starts with them off (set only when the user has not set it).
  ::setenv("MONGOC_DISABLE_SHM", "1", 0);
  exec_part(*program, argc, argv);
  return report_one(simple("cli.part-exec", "could not run " + program->string() + ": " + std::strerror(errno),
                           diag::ExitCode::error, "check that the file is an executable for this machine"),
                    ctx);
}

// The summary `flash --help` shows for a command of another part: which part, and whether it is installed.
std::string dispatched_summary(const CommandSpec& spec) {
  const PartSpec* part = find_part(spec.part);
  if (!part) return spec.summary;
  return std::string(spec.summary) + " [" + part->package + (locate_part(*part) ? "" : ", not installed") + "]";
}

}  // namespace

int run(int argc, char** argv, const char* exe_part) {
  if (argc == 2 && std::string_view(argv[1]) == kPartProbe) {
    std::cout << self_description(exe_part).dump() << std::endl;
    return 0;
  }
  Context ctx;
  ctx.argc = argc;
  ctx.argv = argv;
  CLI::App app{"Flash ORM: SQL schema files, safe migrations and typed query code for "
               "PostgreSQL, MySQL/MariaDB and SQLite.",
               "flash"};
  app.set_version_flag("-v,--version", std::string("flash ") + FLASH_VERSION, "Print the version and exit");
  app.set_help_flag("-h,--help", "Print this help (or a command's with `flash COMMAND --help`)");
  // Subcommands inherit fallthrough from the app, so global options work after the command name.
  app.fallthrough();
  app.footer(
      "Exit codes: 0 ok, 1 error, 2 usage, 3 check failed, 4 lock timeout, 5 conflict, "
      "6 connection, 127 the part providing the command is not installed.");

  auto& o = ctx.options;
  app.add_option("-c,--config", o.config_file, "Config file (default flash.toml)")->type_name("FILE");
  app.add_option("--env", o.env, "Also load .env.NAME (before .env)")->type_name("NAME");
  app.add_option("--db", o.db, "Use this [[databases]] entry of the config")->type_name("NAME");
  app.add_flag("--json", o.json, "Machine-readable output: one JSON object on stdout");
  app.add_flag("-f,--force,--yes", o.force, "Answer yes to confirmations; overwrite");
  app.add_flag("--no-color", o.no_color, "Never colour the output (also NO_COLOR=1)");

  for (const auto& spec : command_table()) {
    if (!linked(spec)) {  // listed in --help; run by its part (dispatch below)
      app.add_subcommand(spec.name, dispatched_summary(spec))->allow_extras();
      continue;
    }
    CLI::App* sub = app.add_subcommand(spec.name, spec.summary);
    sub->fallthrough();
    spec.setup(*sub, ctx);
  }
  {
    std::vector<std::string> valued;  // the global options that take a value
    for (const CLI::Option* o : app.get_options()) {
      if (o->get_positional() || o->get_expected_max() == 0) continue;
      for (const auto& l : o->get_lnames()) valued.push_back("--" + l);
      for (const auto& s : o->get_snames()) valued.push_back("-" + s);
    }
    if (const auto word = command_word(argc, argv, valued))
      if (const CommandSpec* spec = find_command(*word); spec && !linked(*spec)) {
        ctx.options.json = argv_has(argc, argv, "--json");
        return dispatch(*spec, argc, argv, exe_part, ctx);
      }
  }

  if (argc <= 1) {
    std::cout << app.help();
    return 0;
  }

  try {
    app.parse(argc, argv);
    if (app.get_subcommands().empty()) {
      // Only global options were given: nothing to do.
      std::cout << app.help();
      return 0;
    }
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    ctx.options.json = ctx.options.json || argv_has(argc, argv, "--json");
    std::string hint = "run `flash --help` for the commands and options";
    for (auto* sub : app.get_subcommands())
      hint = "run `flash " + sub->get_name() + " --help` for its options";
    return report_one(simple("cli.usage", e.what(), diag::ExitCode::usage, hint), ctx);
  } catch (const diag::Error& e) {
    return report_one(e.diagnostic(), ctx);
  } catch (const diag::Errors& e) {
    return report(e.diagnostics(), ctx);
  } catch (const driver::ConnectError& e) {
    return report_one(simple("db.connect", e.what(), diag::ExitCode::connection,
                             "check that the server is running and that the URL in the "
                             "environment is right, then run the command again"),
                      ctx);
  } catch (const driver::DbError& e) {
    std::string msg = e.what();
    if (!e.sqlstate().empty()) msg += " (SQLSTATE " + e.sqlstate() + ")";
    if (!e.connection_usable())  // the server went away mid-command: "could not be reached" (exit 6)
      return report_one(simple("db.connection-lost", "lost the connection to the database: " + msg,
                               diag::ExitCode::connection, "check that the server is running, then run it again"),
                        ctx);
    return report_one(simple("db.error", msg, diag::ExitCode::error), ctx);
  } catch (const fs::filesystem_error& e) {
    return report_one(simple("io.error", e.what(), diag::ExitCode::error), ctx);
  } catch (const std::exception& e) {
    return report_one(simple("internal", e.what(), diag::ExitCode::error,
                             "this is a bug in flash; please report it with the command you ran"),
                      ctx);
  }

  if (ctx.options.json && !ctx.result_emitted()) ctx.emit_result();
  std::cout << std::flush;
  return ctx.exit_code;
}

}  // namespace flash::cli

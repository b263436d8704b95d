// flash plugin test|request|run: the generator contract from the command line (docs/plugins.md).
//   flash plugin test CMD       the conformance kit against CMD ("builtin:go", a path or a command
//                               on PATH): exit 3 when a check fails
//   flash plugin request        a golden request (--engine postgresql|mysql|sqlite, --target NAME)
//   flash plugin run CMD        CMD's response to a golden request or to --request FILE ("-": stdin)
// generator_listing()       the generators part of `flash plugins` (commands/plugins.cpp)
// None of them needs a flash.toml. request and run print the contract's JSON as is; with --json it
// is the "request" / "response" member of the result object.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <set>
#include <iterator>
#include <nlohmann/json.hpp>

#include "cli/commands/commands.hpp"
#include "cli/parts.hpp"
#include "flash/plugin/kit.hpp"
#include "flash/util/text.hpp"

namespace flash::cli {
namespace fs = std::filesystem;

namespace {

struct PluginOptions {
  std::string command;
  std::string engine = "postgresql";
  std::optional<std::string> target;
  std::optional<std::string> request_file;
  int timeout = plugin::kDefaultTimeoutSeconds;
};

const plugin::Fixture& fixture_for(const std::string& engine) {
  std::vector<std::string> names;
  for (const auto& f : plugin::fixtures()) {
    if (f.engine == engine) return f;
    names.push_back(f.engine);
  }
  throw diag::Error("cli.usage", "no golden request for the engine `" + engine + "`", diag::ExitCode::usage,
                    diag::did_you_mean(engine, names).value_or("engines: " + util::join(names, ", ")));
}

// The [gen.NAME] the requests are for: --target, else the built-in's name, else "plugin".
std::string target_for(const PluginOptions& o, const plugin::Generator& g) {
  if (o.target) return *o.target;
  if (g.builtin) return g.builtin->language;
  return "plugin";
}

plugin::Generator generator_for(const PluginOptions& o) {
  if (o.timeout < 1) throw diag::Error("cli.usage", "--timeout must be at least 1 second", diag::ExitCode::usage);
  plugin::Generator g = plugin::from_command(o.command, fs::current_path());
  g.timeout = std::chrono::seconds(o.timeout);
  return g;
}

void print_raw(Context& ctx, const char* key, const nlohmann::json& j) {
  if (ctx.options.json) ctx.result()[key] = j;
  else std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void run_test(const PluginOptions& o, Context& ctx) {
  const plugin::Generator g = generator_for(o);
  const plugin::KitReport rep = plugin::run_kit(g, target_for(o, g));
  nlohmann::json checks = nlohmann::json::array();
  int failed = 0;
  for (const auto& c : rep.checks) {
    checks.push_back({{"fixture", c.fixture}, {"check", c.name}, {"ok", c.ok}, {"detail", c.detail}});
    if (!c.ok) ++failed;
    ctx.say((c.ok ? ctx.green("ok  ") : ctx.red("FAIL")) + "  " + c.fixture + " " + c.name + ": " + c.detail);
  }
  ctx.result()["generator"] = g.name;
  ctx.result()["checks"] = std::move(checks);
  ctx.result()["failed"] = failed;
  ctx.result()["conforms"] = rep.ok();
  if (rep.ok()) {
    ctx.say(g.name + " conforms: " + std::to_string(rep.checks.size()) + " checks passed");
  } else {
    ctx.say(g.name + ": " + std::to_string(failed) + " of " + std::to_string(rep.checks.size()) + " checks failed");
    ctx.exit_code = static_cast<int>(diag::ExitCode::check_failed);
  }
}

codegen::Request request_for(const PluginOptions& o, const std::string& target) {
  if (!o.request_file) return plugin::golden_request(fixture_for(o.engine), target);
  std::string text;
  if (*o.request_file == "-") text.assign(std::istreambuf_iterator<char>(std::cin), {});
  else text = util::read_file(*o.request_file);
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    diag::Diagnostic d;
    d.code = "plugin.request";
    d.message = "the request is not JSON";
    d.location.file = *o.request_file;
    throw diag::Error(d);
  }
  try {
    return codegen::request_from_json(j);
  } catch (diag::Error& e) {
    e.diagnostic().location.file = *o.request_file;
    throw;
  }
}

void run_request(const PluginOptions& o, Context& ctx) {
  print_raw(ctx, "request", codegen::request_to_json(request_for(o, o.target.value_or("plugin"))));
}

void run_run(const PluginOptions& o, Context& ctx) {
  const plugin::Generator g = generator_for(o);
  const codegen::Response r = plugin::generate(g, request_for(o, target_for(o, g)));
  print_raw(ctx, "response", codegen::response_to_json(r));
}

}  // namespace

// flash plugins: the generators this flash can run — the built-ins, the external plugins of
// flash.toml's [gen.*] tables (when there is a flash.toml) and the flash-gen-* programs on PATH —
// with the contract versions each speaks (an external one is asked with --flash-contract).
nlohmann::json generator_listing(Context& ctx) {
  nlohmann::json list = nlohmann::json::array();
  auto versions_json = [](const std::optional<std::vector<int>>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  for (const auto& spec : codegen::generator_table()) {
    plugin::Generator g = plugin::from_command(std::string("builtin:") + spec.language, ".");
    const auto v = plugin::declared_versions(g);
    list.push_back({{"name", g.name}, {"kind", "builtin"}, {"summary", spec.summary}, {"contract_versions", versions_json(v)}});
    ctx.say(g.name + "  " + spec.summary);
  }
  std::set<std::string> seen;
  auto external = [&](const fs::path& program, const std::string& source) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(program, ec);
    if (!seen.insert(canonical.string()).second) return;
    plugin::Generator g;
    g.name = program.filename().string();
    g.program = program;
    g.timeout = std::chrono::seconds(10);
    const auto v = plugin::declared_versions(g);
    const auto size = fs::file_size(program, ec);
    list.push_back({{"name", g.name},
                    {"kind", "external"},
                    {"path", program.string()},
                    {"source", source},
                    {"size", ec ? 0 : size},
                    {"contract_versions", versions_json(v)}});
    std::string vs = "contract versions: not declared";
    if (v) {
      std::vector<std::string> parts;
      for (int x : *v) parts.push_back(std::to_string(x));
      vs = "contract versions: " + util::join(parts, ", ");
    }
    ctx.say(g.name + "  " + program.string() + " (" + source + "; " + vs + ")");
  };
  std::error_code ec;
  if (fs::exists(ctx.options.config_file, ec)) {
    const auto& cfg = ctx.config();
    for (const auto& t : cfg.gen) {
      if (t.plugin.empty()) continue;
      try {
        external(plugin::resolve(t, cfg.root).program, "[gen." + t.language + "] of " + cfg.file.filename().string());
      } catch (const diag::Error& e) {
        list.push_back({{"name", t.plugin}, {"kind", "external"}, {"source", "[gen." + t.language + "]"},
                        {"error", e.diagnostic().message}});
        ctx.warn(e.diagnostic().message);
      }
    }
  }
  if (const char* path = std::getenv("PATH"))
    for (const auto& dir : util::split(path, ':')) {
      if (dir.empty() || !fs::is_directory(dir, ec)) continue;
      std::vector<fs::path> found;
      for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().filename().string().rfind("flash-gen-", 0) == 0 && ::access(e.path().c_str(), X_OK) == 0)
          found.push_back(e.path());
      std::sort(found.begin(), found.end());
      for (const auto& p : found) external(p, "PATH");
    }
  return list;
}

void setup_plugin(CLI::App& sub, Context& ctx) {
  auto opts = std::make_shared<PluginOptions>();
  sub.require_subcommand(1);
  auto engine = [&](CLI::App* c) {
    c->add_option("--engine", opts->engine, "The golden request's engine: postgresql, mysql, sqlite")
        ->type_name("ENGINE");
    c->add_option("--target", opts->target, "The [gen.NAME] the request is for (default: the built-in's name)")
        ->type_name("NAME");
  };
  auto timeout = [&](CLI::App* c) {
    c->add_option("--timeout", opts->timeout, "Seconds before an external plugin is stopped (default 30)")
        ->type_name("SECONDS");
  };
  CLI::App* test = sub.add_subcommand(
      "test", "Run the conformance kit: golden requests per engine; answers well-formed, deterministic, located");
  test->add_option("CMD", opts->command, "builtin:NAME, a path, or a command on PATH")->required();
  test->add_option("--target", opts->target, "The [gen.NAME] the requests are for (default: the built-in's name)")
      ->type_name("NAME");
  timeout(test);
  test->callback([opts, &ctx] { run_test(*opts, ctx); });

  CLI::App* request = sub.add_subcommand("request", "Print a golden request of the contract (for plugin authors)");
  engine(request);
  request->add_option("--request", opts->request_file, "Read and check this request instead (- for stdin)")
      ->type_name("FILE");
  request->callback([opts, &ctx] { run_request(*opts, ctx); });

  CLI::App* run = sub.add_subcommand("run", "Send a request to a generator and print its response");
  run->add_option("CMD", opts->command, "builtin:NAME, a path, or a command on PATH")->required();
  engine(run);
  run->add_option("--request", opts->request_file, "Send this request instead of a golden one (- for stdin)")
      ->type_name("FILE");
  timeout(run);
  run->callback([opts, &ctx] { run_run(*opts, ctx); });
  for (CLI::App* c : {test, request, run}) c->fallthrough();
}

}  // namespace flash::cli

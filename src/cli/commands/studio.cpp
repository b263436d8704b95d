// flash studio [--port 5555] [--host 127.0.0.1] [--allow-remote] [--no-browser] [--read-only]:
// serves Flash Studio (src/flash/studio) for the selected database until Ctrl-C. Prints the URL with
// its one-time token always (with --json as the command's one JSON object {"ok": true, "event":
// "listening", "url": ...} as soon as it listens, nothing after it); opens the browser when there is a display and --no-browser is not given.
#include <CLI/CLI.hpp>
#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli/commands/commands.hpp"
#include "flash/branch/branch.hpp"
#include "flash/driver/connection.hpp"
#include "flash/driver/document.hpp"
#include "flash/mongo/collection.hpp"
#include "flash/lint/settings.hpp"
#include "flash/studio/server.hpp"
#include "flash/util/process.hpp"

namespace flash::cli {
namespace {

struct StudioArgs {
  int port = 5555;
  std::string host = "127.0.0.1";
  bool allow_remote = false;
  bool no_browser = false;
  bool read_only = false;
};

bool has_display() {
  for (const char* v : {"DISPLAY", "WAYLAND_DISPLAY"})
    if (const char* s = std::getenv(v); s && *s) return true;
  return false;
}

// A MongoDB project's declared collections (normalised), for the indexes page's declared vs live;
// null with a warning when the schema files have errors (the data pages still work).
driver::Document declared_collections(Context& ctx) {
  const auto dir = ctx.config().resolve(ctx.config().schema_dir);
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return nullptr;
  diag::Diagnostics diags;
  auto s = mongo::parse_collections_dir(dir, diags);
  if (diag::has_errors(diags)) {
    ctx.warn("the schema files have errors (flash schema shows them): the indexes page shows live indexes only");
    return nullptr;
  }
  return mongo::to_json(s);
}

void run_studio(const StudioArgs& a, Context& ctx) {
  if (!studio::is_loopback(a.host) && !a.allow_remote)
    throw diag::Error("studio.host", "--host " + a.host + " would let other machines reach the studio",
                      diag::ExitCode::usage,
                      "the studio edits your database: add --allow-remote to serve on a non-loopback address knowingly");
  const auto url = ctx.database_url();
  studio::ServeOptions o;
  o.host = a.host;
  o.port = a.port;
  o.read_only = a.read_only;
  o.database_label = url.database;
  // The schema editor and migrations pages (SQL databases): the project's folders, [lint], and the
  // URL for the proof's and drift's scratch databases (as flash migrate and flash status use them).
  if (url.dialect != schema::Dialect::mongodb) {
    o.edit.project = migrate::project_from_config(ctx.config());
    o.edit.server = url;
    o.edit.lint = lint::settings_from_config(ctx.config());
    o.edit.queries = ctx.config().root / ctx.config().queries;
    // The branch switcher: branches.json and .flash/HEAD of this project.
    o.config = &ctx.config();
    o.main_url = ctx.main_database_url();
    o.branch = branch::current(ctx.config());
  }
  const auto& cfg = ctx.config();
  o.project_root = cfg.root;
  o.migrations_dir = cfg.resolve(cfg.migrations_path);
  std::unique_ptr<driver::Connection> conn;
  std::unique_ptr<studio::Server> serving;
  if (url.dialect == schema::Dialect::mongodb) {  // collections and documents (studio/documents.hpp)
    auto docs = driver::connect_documents(url);
    o.declared = declared_collections(ctx);
    serving = std::make_unique<studio::Server>(*docs, o);
    conn = std::move(docs);
  } else {
    auto sql = driver::connect_sql(url);
    serving = std::make_unique<studio::Server>(*sql, o);
    conn = std::move(sql);
  }
  studio::Server& server = *serving;
  const int port = server.bind();
  const std::string link = server.guard().url();
  if (!studio::is_loopback(a.host))
    ctx.warn("Flash Studio listens on " + a.host + ":" + std::to_string(port) +
             ": anyone who can reach this address and learns the URL's token can read and change the database");
  if (ctx.options.json) {
    // The command's one JSON object, printed as soon as it listens (it runs until stopped).
    ctx.result()["event"] = "listening";
    ctx.result()["url"] = link;
    ctx.result()["port"] = port;
    ctx.result()["host"] = a.host;
    ctx.result()["read_only"] = a.read_only;
    ctx.emit_result();
  } else {
    std::cout << "Flash Studio" << (a.read_only ? " (read-only)" : "") << " on " << url.database << "\n  "
              << link << "\n(the link signs in once; Ctrl-C stops the studio)" << std::endl;
  }
  if (!a.no_browser && has_display())
    std::thread([link] { util::run_process({"xdg-open", link}); }).detach();

  // Ctrl-C / SIGTERM stop the server from a thread waiting for them (no work in a signal handler).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread waiter([&server, set] {
    int sig = 0;
    sigwait(&set, &sig);
    server.stop();
  });
  server.run();
  pthread_kill(waiter.native_handle(), SIGTERM);  // wakes the waiter if the server stopped by itself
  waiter.join();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

}  // namespace

void setup_studio(CLI::App& sub, Context& ctx) {
  auto a = std::make_shared<StudioArgs>();
  sub.add_option("--port", a->port, "Port to listen on (default 5555; 0: any free port)")->check(CLI::Range(0, 65535));
  sub.add_option("--host", a->host, "Address to bind (default 127.0.0.1; others need --allow-remote)");
  sub.add_flag("--allow-remote", a->allow_remote, "Allow a non-loopback --host (prints a warning)");
  sub.add_flag("--no-browser", a->no_browser, "Do not open a browser; only print the URL");
  sub.add_flag("--read-only", a->read_only, "Disable every write and the SQL runner");
  sub.callback([a, &ctx] { run_studio(*a, ctx); });
}

}  // namespace flash::cli

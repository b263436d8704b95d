// flash import PATH: loads an export (json file, csv directory or sqlite file, detected; any SQLite
// database, not only a Flash export) into the configured database, creating missing tables from
// the validated part of the file's schema (what is left out is reported as a warning and in the
// JSON "dropped" list), one transaction per table, in foreign-key order. Progress goes to stderr,
// only on a terminal.
#include <CLI/CLI.hpp>

#include "cli/commands/commands.hpp"
#include "cli/commands/migrate_common.hpp"
#include "cli/commands/mongo.hpp"
#include "flash/export/export.hpp"

namespace flash::cli {

exporter::Progress terminal_progress(Context& ctx, const char* verb);  // export.cpp

namespace {

void run_import(const std::string& path, Context& ctx) {
  if (is_mongo_project(ctx)) return run_mongo_import(path, ctx);
  exporter::ImportOptions o;
  o.path = path;
  o.progress = terminal_progress(ctx, "importing");
  nlohmann::json dropped = nlohmann::json::array();
  o.dropped = [&](const std::string& what) {
    ctx.warn(what);
    dropped.push_back(what);
  };
  auto conn = migrate_connect(ctx);
  const auto counts = exporter::import_data(*conn, o);
  std::int64_t total = 0;
  nlohmann::json tables = nlohmann::json::object();
  for (const auto& c : counts) {
    total += c.rows;
    tables[c.table] = {{"rows", c.rows}, {"created", c.created}};
    ctx.say("  " + c.table + ": " + std::to_string(c.rows) + " rows" + (c.created ? " (table created)" : ""));
  }
  ctx.say("Imported " + std::to_string(total) + " rows into " + std::to_string(counts.size()) + " tables");
  ctx.result()["tables"] = tables;
  ctx.result()["rows"] = total;
  ctx.result()["dropped"] = dropped;
}

}  // namespace

void setup_import(CLI::App& sub, Context& ctx) {
  auto path = std::make_shared<std::string>();
  sub.add_option("path", *path, "Export to load: a .json file, a CSV directory or a SQLite file (any SQLite database)")
      ->required();
  sub.callback([path, &ctx] { run_import(*path, ctx); });
}

}  // namespace flash::cli

// flash import PATH: loads an export (json file, csv directory or sqlite file, detected; any SQLite
// database, not only a Flash export) into the configured database, creating missing tables from
// the validated part of the file's schema (what is left out is reported as a warning and in the
// JSON "dropped" list), one transaction per table, in foreign-key order. Progress goes to stderr,
// only on a terminal. Each table reports how its rows went in ("method": copy, load_data, prepared_insert, insert).
#include <CLI/CLI.hpp>

#include <map>

#include "cli/commands/commands.hpp"
#include "cli/commands/migrate_common.hpp"
#include "cli/commands/mongo.hpp"
#include "flash/driver/bulk.hpp"
#include "flash/export/export.hpp"

namespace flash::cli {

exporter::Progress terminal_progress(Context& ctx, const char* verb);  // export.cpp

namespace {

void run_import(const std::string& path, Context& ctx) {
  if (is_mongo_project(ctx)) return run_mongo_import(path, ctx);
  exporter::ImportOptions o;
  o.path = path;
  nlohmann::json dropped = nlohmann::json::array();
  o.dropped = [&](const std::string& what) {
    ctx.warn(what);
    dropped.push_back(what);
  };
  auto conn = migrate_connect(ctx);
  // Each table's load path ("copy", "load_data", "insert"), asked of the driver when the table is done.
  std::map<std::string, std::string, std::less<>> methods;
  o.progress = [&conn, &methods, bar = terminal_progress(ctx, "importing")](std::string_view table,
                                                                           std::int64_t rows, bool done) {
    if (done && rows > 0) methods[std::string(table)] = std::string(driver::bulk_method(*conn));
    if (bar) bar(table, rows, done);
  };
  const auto counts = exporter::import_data(*conn, o);
  std::int64_t total = 0;
  nlohmann::json tables = nlohmann::json::object();
  for (const auto& c : counts) {
    total += c.rows;
    const auto m = methods.find(c.table);
    const std::string method = m == methods.end() ? "" : m->second;
    tables[c.table] = {{"rows", c.rows}, {"created", c.created}};
    tables[c.table]["method"] = method.empty() ? nlohmann::json(nullptr) : nlohmann::json(method);
    ctx.say("  " + c.table + ": " + std::to_string(c.rows) + " rows" + (c.created ? " (table created)" : "") +
            (method.empty() ? "" : " [" + method + "]"));
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

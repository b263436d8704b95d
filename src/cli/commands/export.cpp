// flash export [--format json|csv|sqlite] [--tables a,b] [--where COND] [-o PATH]: streams the
// tables of the schema (in foreign-key order) from the database into an export file; see
// flash/export/export.hpp for the formats. Progress goes to stderr, only on a terminal.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/commands/commands.hpp"
#include "cli/commands/migrate_common.hpp"
#include "flash/export/export.hpp"
#include "flash/export/format.hpp"
#include "flash/util/text.hpp"

namespace flash::cli {

// Rows/s on stderr, overwritten in place; nothing unless stderr is a terminal and not --json.
exporter::Progress terminal_progress(Context& ctx, const char* verb) {
  if (ctx.options.json || !::isatty(2)) return {};
  auto start = std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
  auto current = std::make_shared<std::string>();
  return [start, current, verb](std::string_view table, std::int64_t rows, bool done) {
    if (*current != table) {
      *current = std::string(table);
      *start = std::chrono::steady_clock::now();
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - *start).count();
    const double rate = secs > 0 ? static_cast<double>(rows) / secs : 0;
    std::fprintf(stderr, "\r\033[K%s %.*s: %lld rows (%.0f rows/s)%s", verb, static_cast<int>(table.size()),
                 table.data(), static_cast<long long>(rows), rate, done ? "\n" : "");
    std::fflush(stderr);
  };
}

namespace {

struct ExportArgs {
  std::string format = "json";
  std::string tables;
  std::string where;
  std::string output;
};

void run_export(const ExportArgs& a, Context& ctx) {
  const auto& cfg = ctx.config();
  exporter::ExportOptions o;
  o.format = exporter::format_from_string(a.format);
  for (const auto& t : util::split(a.tables, ','))
    if (!util::trim(t).empty()) o.tables.emplace_back(util::trim(t));
  o.where = a.where;
  o.path = a.output.empty() ? exporter::default_export_path(cfg.resolve(cfg.export_path), o.format)
                            : std::filesystem::path(a.output);
  o.progress = terminal_progress(ctx, "exporting");
  const auto model = exporter::load_project_schema(cfg);
  auto conn = migrate_connect(ctx);
  const auto start = std::chrono::steady_clock::now();
  const auto counts = exporter::export_data(*conn, model, o);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::int64_t total = 0;
  nlohmann::json tables = nlohmann::json::object();
  for (const auto& c : counts) {
    total += c.rows;
    tables[c.table] = c.rows;
    ctx.say("  " + c.table + ": " + std::to_string(c.rows) + " rows");
  }
  ctx.say("Exported " + std::to_string(total) + " rows from " + std::to_string(counts.size()) + " tables to " +
          o.path.string());
  ctx.result()["path"] = o.path.string();
  ctx.result()["format"] = std::string(exporter::to_string(o.format));
  ctx.result()["tables"] = tables;
  ctx.result()["rows"] = total;
  ctx.result()["seconds"] = secs;
}

}  // namespace

void setup_export(CLI::App& sub, Context& ctx) {
  auto a = std::make_shared<ExportArgs>();
  sub.add_option("--format", a->format, "json (default), csv (a directory) or sqlite (a database file)")
      ->check(CLI::IsMember({"json", "csv", "sqlite"}));
  sub.add_option("--tables", a->tables, "Comma-separated tables to export (default: all)");
  sub.add_option("--where", a->where, "SQL condition applied to every exported table");
  sub.add_option("-o,--output", a->output, "Output file or directory (default: under export_path)");
  sub.callback([a, &ctx] { run_export(*a, ctx); });
}

}  // namespace flash::cli

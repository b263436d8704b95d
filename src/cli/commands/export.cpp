// flash export [--format json|csv|sqlite] [--tables a,b] [--where COND] [-o PATH]: streams the
// tables of the schema (in foreign-key order) from the database into an export file; see
// flash/export/export.hpp for the formats. Progress goes to stderr, only on a terminal.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <tuple>
#include <utility>

#include "cli/commands/commands.hpp"
#include "cli/commands/migrate_common.hpp"
#include "cli/commands/mongo.hpp"
#include "flash/export/export.hpp"
#include "flash/export/format.hpp"
#include "flash/util/text.hpp"

namespace flash::cli {

namespace {

std::string grouped(std::int64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

struct BarState {
  std::string table;
  std::int64_t expected = -1;
  std::chrono::steady_clock::time_point start, last_draw;
};

}  // namespace

// A progress bar on stderr, redrawn in place at most ten times a second: the table, a bar and a
// percentage when the row count is known (export: table_start), rows so far and rows/s. Nothing
// unless stderr is a terminal and the output is not --json.
std::pair<exporter::Progress, exporter::TableStart> terminal_progress_bar(Context& ctx, const char* verb) {
  if (ctx.options.json || !::isatty(2)) return {};
  auto st = std::make_shared<BarState>();
  exporter::TableStart started = [st](std::string_view table, std::int64_t expected) {
    st->table = std::string(table);
    st->expected = expected;
    st->start = std::chrono::steady_clock::now();
    st->last_draw = {};
  };
  exporter::Progress progress = [st, verb](std::string_view table, std::int64_t rows, bool done) {
    const auto now = std::chrono::steady_clock::now();
    if (st->table != table) {  // import: no table_start
      st->table = std::string(table);
      st->expected = -1;
      st->start = now;
    }
    if (!done && now - st->last_draw < std::chrono::milliseconds(100)) return;
    st->last_draw = now;
    const double secs = std::chrono::duration<double>(now - st->start).count();
    const double rate = secs > 0 ? static_cast<double>(rows) / secs : 0;
    std::string line = std::string(verb) + " " + st->table + "  ";
    if (st->expected > 0) {
      const double frac = done ? 1.0 : std::min(0.99, static_cast<double>(rows) / static_cast<double>(st->expected));
      constexpr int kWidth = 24;
      const int filled = static_cast<int>(frac * kWidth);
      line += "[" + std::string(static_cast<std::size_t>(filled), '#') +
              std::string(static_cast<std::size_t>(kWidth - filled), '.') + "] " +
              std::to_string(static_cast<int>(frac * 100)) + "%  ";
    }
    line += grouped(rows) + " rows  " + grouped(static_cast<std::int64_t>(rate)) + " rows/s";
    if (done) line += "  " + std::to_string(static_cast<int>(secs * 10) / 10) + "." +
                      std::to_string(static_cast<int>(secs * 10) % 10) + "s";
    std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), done ? "\n" : "");
    std::fflush(stderr);
  };
  return {std::move(progress), std::move(started)};
}

exporter::Progress terminal_progress(Context& ctx, const char* verb) {
  return terminal_progress_bar(ctx, verb).first;
}

namespace {

struct ExportArgs {
  std::string format = "json";
  std::string tables;
  std::string where;
  std::string output;
};

void run_export(const ExportArgs& a, Context& ctx) {
  if (is_mongo_project(ctx)) return run_mongo_export(a.format, a.tables, a.where, a.output, ctx);
  const auto& cfg = ctx.config();
  exporter::ExportOptions o;
  o.format = exporter::format_from_string(a.format);
  for (const auto& t : util::split(a.tables, ','))
    if (!util::trim(t).empty()) o.tables.emplace_back(util::trim(t));
  o.where = a.where;
  o.path = a.output.empty() ? exporter::default_export_path(cfg.resolve(cfg.export_path), o.format)
                            : std::filesystem::path(a.output);
  std::tie(o.progress, o.table_start) = terminal_progress_bar(ctx, "exporting");
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

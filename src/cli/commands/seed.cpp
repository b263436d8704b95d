// flash seed [table[:count] ...] [--count N] [--truncate [--no-backup]] [--dry-run] [--seed S]: fake
// rows that respect the schema (types, lengths, NOT NULL, UNIQUE, enums, simple CHECKs, foreign
// keys). --truncate asks first and exports the rows it deletes, like reset.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <iostream>
#include <random>

#include "cli/commands/commands.hpp"
#include "cli/commands/migrate_common.hpp"
#include "cli/commands/mongo.hpp"
#include "flash/export/format.hpp"
#include "flash/export/export.hpp"
#include "flash/export/seed.hpp"
#include "flash/util/text.hpp"

namespace flash::cli {
namespace {

struct SeedArgs {
  std::vector<std::string> tables;
  std::int64_t count = 10;
  bool truncate = false;
  bool no_backup = false;
  bool dry_run = false;
  std::optional<std::uint64_t> seed;
};

void run_seed(const SeedArgs& a, Context& ctx) {
  exporter::SeedOptions o;
  for (const auto& spec : a.tables) {
    const auto colon = spec.rfind(':');
    if (colon == std::string::npos) {
      o.tables.push_back({spec, -1});
      continue;
    }
    std::int64_t n = 0;
    const std::string num = spec.substr(colon + 1);
    auto r = std::from_chars(num.data(), num.data() + num.size(), n);
    if (r.ec != std::errc() || r.ptr != num.data() + num.size() || n < 0)
      throw diag::Error("cli.usage", "invalid row count in `" + spec + "`", diag::ExitCode::usage,
                        "write table:count, e.g. users:50");
    o.tables.push_back({spec.substr(0, colon), n});
  }
  o.count = a.count;
  o.truncate = a.truncate;
  o.dry_run = a.dry_run;
  o.seed = a.seed ? *a.seed : (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
  nlohmann::json statements = nlohmann::json::array();
  o.print = [&](const std::string& sql) {
    if (ctx.options.json) statements.push_back(sql);
    else std::cout << sql << "\n";
  };
  if (is_mongo_project(ctx)) return run_mongo_seed(o.tables, o.count, a.truncate, a.no_backup, a.dry_run, o.seed, ctx);
  const auto model = exporter::load_project_schema(ctx.config());
  auto conn = migrate_connect(ctx);
  if (a.truncate && !a.dry_run) {
    // Like reset: emptying tables asks first (--force without a terminal) and keeps a backup that
    // `flash import` restores, unless --no-backup.
    std::vector<std::string> names;
    for (const auto& t : model.tables) {
      const bool wanted = o.tables.empty() || std::any_of(o.tables.begin(), o.tables.end(), [&](const auto& w) {
        return w.first == t.name || w.first == schema::qualified(t.schema, t.name);
      });
      if (wanted) names.push_back(schema::qualified(t.schema, t.name));
    }
    if (!ctx.confirm("Delete every row of " + std::to_string(names.size()) + " table(s) (" + util::join(names, ", ") +
                         ") before seeding?",
                     "--force")) {
      ctx.say("Cancelled");
      ctx.result()["cancelled"] = true;
      return;
    }
    if (!a.no_backup && !names.empty()) {
      exporter::ExportOptions e;
      e.format = exporter::Format::json;
      e.tables = names;
      e.path = exporter::default_export_path(ctx.config().resolve(ctx.config().export_path), e.format);
      e.path.replace_filename(e.path.stem().string() + "_before_seed.json");
      const auto saved = exporter::export_data(*conn, model, e);
      std::int64_t rows = 0;
      for (const auto& c : saved) rows += c.rows;
      ctx.say("Exported " + std::to_string(rows) + " row(s) to " + e.path.string() + " (restore with flash import)");
      ctx.result()["backup"] = e.path.string();
    }
  }
  const auto counts = exporter::seed_data(*conn, model, o);
  nlohmann::json tables = nlohmann::json::object();
  std::int64_t total = 0;
  for (const auto& c : counts) {
    tables[c.table] = c.rows;
    total += c.rows;
    if (!a.dry_run) ctx.say("  " + c.table + ": " + std::to_string(c.rows) + " rows");
  }
  if (!a.dry_run)
    ctx.say("Seeded " + std::to_string(total) + " rows (seed " + std::to_string(o.seed) + ")");
  ctx.result()["seed"] = o.seed;
  ctx.result()["tables"] = tables;
  ctx.result()["rows"] = total;
  ctx.result()["dry_run"] = a.dry_run;
  if (a.dry_run) ctx.result()["statements"] = statements;
}

}  // namespace

void setup_seed(CLI::App& sub, Context& ctx) {
  auto a = std::make_shared<SeedArgs>();
  sub.add_option("tables", a->tables, "Tables to seed, optionally with a row count: users:50 posts");
  sub.add_option("--count", a->count, "Rows per table (default 10)")->check(CLI::NonNegativeNumber);
  sub.add_flag("--truncate", a->truncate,
               "Delete the seeded tables' rows first (asks; --force without a terminal; exports them first)");
  sub.add_flag("--no-backup", a->no_backup, "With --truncate: do not export the rows first");
  sub.add_flag("--dry-run", a->dry_run, "Print the INSERT statements instead of running them");
  sub.add_option("--seed", a->seed, "Random seed: the same seed gives the same rows");
  sub.callback([a, &ctx] { run_seed(*a, ctx); });
}

}  // namespace flash::cli

// flash pull [-o DIR] [--backup]: read the live database's catalog into the schema model and
// write it as schema files (DIR/schema.sql, default the configured schema_dir). For a project
// that already has schema files, first shows what differs between the files and the database
// (the differ's operation descriptions, files → database) and writes nothing when nothing does.
// Replacing existing files asks first unless --backup (which copies the old directory to
// <dir>.backup-<UTC timestamp>) or --force is given.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands/commands.hpp"
#include "cli/commands/mongo.hpp"
#include "flash/diff/plan.hpp"
#include "flash/driver/connection.hpp"
#include "flash/pull/inspect.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/util/text.hpp"

namespace flash::cli {
namespace fs = std::filesystem;

namespace {

struct PullOptions {
  std::optional<std::string> out;
  bool backup = false;
  std::size_t sample = 1000;
};

std::string shown(const fs::path& p) {
  std::error_code ec;
  const fs::path rel = p.lexically_proximate(fs::current_path(ec));
  return ec || rel.empty() ? p.string() : rel.string();
}

void run_pull(const PullOptions& po, Context& ctx) {
  if (is_mongo_project(ctx)) return run_mongo_pull(po.out.value_or(""), po.backup, po.sample, ctx);
  const auto& cfg = ctx.config();
  const fs::path target = (po.out ? fs::path(*po.out) : cfg.resolve(cfg.schema_dir)).lexically_normal();
  auto conn = driver::connect_sql(ctx.database_url());
  schema::Schema pulled = pull::inspect(*conn);

  auto& r = ctx.result();
  r["dialect"] = std::string(schema::to_string(pulled.dialect));
  r["directory"] = shown(target);

  // An existing project: what the database has that the files do not (and vice versa).
  const auto existing = pull::existing_schema_files(target);
  nlohmann::json changes = nlohmann::json::array();
  bool files_parse = false;
  if (!existing.empty()) {
    std::vector<sql::SourceFile> files;
    for (const auto& p : existing) files.push_back({shown(p), util::read_file(p)});
    diag::Diagnostics diags;
    const schema::Schema current = sql::parse_schema(files, pulled.dialect, diags);
    files_parse = !diag::has_errors(diags);
    if (files_parse) {
      // Keep the files' unnamed constraints unnamed (and MySQL primary-key names) where the
      // database's names are the ones it generates anyway.
      pull::align_names(pulled, current);
      for (const auto& op : diff::diff_schemas(current, pulled).operations) changes.push_back(op.comment);
    } else {
      ctx.warn("the existing schema files do not parse; no change summary (run `flash schema` to see why)");
    }
  }
  r["changes"] = changes;
  nlohmann::json tables = nlohmann::json::array();
  for (const auto& t : pulled.tables) tables.push_back(schema::qualified(t.schema, t.name));
  r["tables"] = tables;
  r["written"] = false;
  r["files"] = nlohmann::json::array();

  if (!existing.empty() && files_parse && changes.empty()) {
    ctx.say("The schema files in " + shown(target) + " already match the database (" +
            std::to_string(pulled.tables.size()) + " tables); nothing written.");
    return;
  }
  if (!changes.empty()) {
    ctx.say(ctx.bold("The database differs from the schema files:"));
    for (const auto& c : changes) ctx.say("  " + c.get<std::string>());
  }
  if (!existing.empty() && !po.backup &&
      !ctx.confirm("Replace " + std::to_string(existing.size()) + " schema file(s) in " + shown(target) + "?",
                   "--force (or --backup to keep a copy)")) {
    ctx.say("Nothing written.");
    return;
  }

  const auto written = pull::write_schema(pulled, target, po.backup);
  r["written"] = true;
  for (const auto& f : written.files) r["files"].push_back(shown(f));
  if (written.backup) {
    r["backup"] = shown(*written.backup);
    ctx.say("Previous schema files copied to " + shown(*written.backup));
  }
  std::size_t columns = 0;
  for (const auto& t : pulled.tables) columns += t.columns.size();
  for (const auto& f : written.files)
    ctx.say(ctx.green("Wrote ") + shown(f) + ": " + std::to_string(pulled.tables.size()) + " tables, " +
            std::to_string(columns) + " columns, " + std::to_string(pulled.indexes.size()) + " indexes, " +
            std::to_string(pulled.views.size()) + " views");
}

}  // namespace

void setup_pull(CLI::App& sub, Context& ctx) {
  auto po = std::make_shared<PullOptions>();
  sub.add_option("-o,--out", po->out, "Directory (or .sql file) to write; default: schema_dir")->type_name("DIR");
  sub.add_flag("--backup", po->backup, "Copy the existing schema files to <dir>.backup-<UTC timestamp> first");
  sub.add_option("--sample", po->sample, "MongoDB: documents sampled per collection to infer its validator (default 1000)")
      ->type_name("N");
  sub.callback([po, &ctx] { run_pull(*po, ctx); });
}

}  // namespace flash::cli

// flash schema [--dialect X]: parse the configured schema files and print the model, as
// normalised DDL or (with --json) as the schema JSON. A check that the schema files are valid and
// a view of what Flash understood from them.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands/commands.hpp"
#include "cli/commands/mongo.hpp"
#include "flash/config/sql_files.hpp"
#include "flash/schema/json.hpp"
#include "flash/schema/printer.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/util/text.hpp"

namespace flash::cli {
namespace fs = std::filesystem;

namespace {

struct SchemaOptions {
  std::optional<std::string> dialect;
};

std::vector<sql::SourceFile> read_schema_files(const config::Config& cfg) {
  std::vector<sql::SourceFile> files;
  for (const auto& p : config::sql_files(cfg, cfg.schema_dir, "schema", "schema_dir"))
    files.push_back({config::display_path(p), util::read_file(p)});
  return files;
}

void run_schema(const SchemaOptions& so, Context& ctx) {
  const auto& cfg = ctx.config();
  schema::Dialect dialect = cfg.provider;
  if (so.dialect) {
    auto d = schema::dialect_from_string(*so.dialect);
    if (!d) {
      throw diag::Error("cli.usage", "unknown dialect `" + *so.dialect + "`", diag::ExitCode::usage,
                        diag::did_you_mean(util::to_lower(*so.dialect),
                                           {"postgresql", "mysql", "sqlite"})
                            .value_or("dialects: postgresql, mysql, sqlite"));
    }
    dialect = *d;
  }
  if (dialect == schema::Dialect::mongodb) return run_mongo_schema(ctx);  // collections as JSON

  const auto files = read_schema_files(cfg);
  if (files.empty())
    ctx.warn("no .sql files in `" + config::display_path(cfg.resolve(cfg.schema_dir).lexically_normal()) +
             "`: the schema is empty");
  diag::Diagnostics diags;
  const schema::Schema model = sql::parse_schema(files, dialect, diags);
  if (diag::has_errors(diags)) throw diag::Errors(std::move(diags));

  // Warnings do not stop the command; they go to stderr (or into the JSON result).
  nlohmann::json warnings = nlohmann::json::array();
  for (const auto& d : diags) {
    if (ctx.options.json) warnings.push_back(nlohmann::json::parse(diag::render_json(d)));
    else std::cerr << diag::render_human(d);
  }

  if (ctx.options.json) {
    auto& r = ctx.result();
    r["dialect"] = std::string(schema::to_string(dialect));
    nlohmann::json names = nlohmann::json::array();
    for (const auto& f : files) names.push_back(f.path);
    r["files"] = std::move(names);
    r["schema"] = schema::to_json(model);
    r["warnings"] = std::move(warnings);
  } else {
    std::cout << schema::print_schema(model);
  }
}

}  // namespace

void setup_schema(CLI::App& sub, Context& ctx) {
  auto so = std::make_shared<SchemaOptions>();
  sub.add_option("--dialect", so->dialect,
                 "Parse as this dialect instead of the configured provider (postgresql, mysql, sqlite)")
      ->type_name("NAME");
  sub.callback([so, &ctx] { run_schema(*so, ctx); });
}

}  // namespace flash::cli

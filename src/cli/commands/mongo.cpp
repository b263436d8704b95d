// The MongoDB paths of schema / migrate / apply / down / status (see mongo.hpp).
#include "cli/commands/mongo.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>

#include "flash/config/sql_files.hpp"
#include "flash/driver/document.hpp"
#include "flash/migrate/files.hpp"
#include "flash/mongo/apply.hpp"
#include "flash/mongo/collection.hpp"
#include "flash/mongo/migration.hpp"
#include "flash/util/text.hpp"

namespace flash::cli {
namespace fs = std::filesystem;

namespace {

mongo::Collections declared(Context& ctx) {
  const auto& cfg = ctx.config();
  const fs::path dir = cfg.resolve(cfg.schema_dir);
  std::error_code ec;
  if (!fs::exists(dir, ec))
    throw diag::Error(config::value_diagnostic(cfg, "schema_dir", "config.missing-dir",
                                               "schema_dir `" + cfg.schema_dir + "` does not exist"));
  diag::Diagnostics diags;
  auto s = mongo::parse_collections_dir(dir, diags);
  if (diag::has_errors(diags)) throw diag::Errors(std::move(diags));
  return s;
}

std::vector<mongo::Migration> migrations(Context& ctx) {
  diag::Diagnostics diags;
  auto files = mongo::load_migrations(ctx.config().resolve(ctx.config().migrations_path), diags);
  if (diag::has_errors(diags)) throw diag::Errors(std::move(diags));
  return files;
}

std::unique_ptr<driver::DocumentConnection> connect(Context& ctx) {
  return driver::connect_documents(ctx.main_database_url());
}

std::chrono::milliseconds seconds(double s) { return std::chrono::milliseconds(static_cast<long long>(s * 1000)); }

}  // namespace

bool is_mongo_project(Context& ctx) { return ctx.config().provider == schema::Dialect::mongodb; }

void run_mongo_schema(Context& ctx) {
  const auto s = declared(ctx);
  if (s.collections.empty())
    ctx.warn("no collections in `" + ctx.config().schema_dir + "` (*.json files): the schema is empty");
  if (ctx.options.json) {
    ctx.result()["dialect"] = "mongodb";
    ctx.result()["schema"] = nlohmann::json::parse(mongo::to_json(s).dump());
  } else {
    std::cout << mongo::to_json(s).dump(2) << "\n";
  }
}

void run_mongo_migrate(const std::string& name, bool empty, bool dry_run, Context& ctx) {
  const auto files = migrations(ctx);
  diag::Diagnostics diags;
  mongo::Plan plan;
  if (!empty) {
    const auto want = declared(ctx);
    const auto have = mongo::replay(files, files.size(), diags);
    if (diag::has_errors(diags)) throw diag::Errors(std::move(diags));
    plan = mongo::diff(have, want, diags);
    if (diag::has_errors(diags)) throw diag::Errors(std::move(diags));
    if (plan.empty()) {
      ctx.say("no changes: the collections match the migrations");
      ctx.result()["written"] = nullptr;
      ctx.result()["commands"] = 0;
      return;
    }
  }
  // Ids as the SQL migrations: "<timestamp>_<name>", strictly after every existing one.
  std::vector<migrate::MigrationFile> existing;
  for (const auto& f : files) existing.push_back(migrate::MigrationFile{.id = f.id});
  const std::string id = migrate::next_migration_id(std::chrono::system_clock::now(), migrate::sanitize_name(name), existing);
  const std::string text = mongo::migration_text(plan);
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : plan.findings) {
    findings.push_back({{"code", f.code}, {"message", f.message}, {"collection", f.collection}});
    ctx.warn(f.message + " [" + f.code + "]");
  }
  ctx.result()["findings"] = findings;
  ctx.result()["commands"] = plan.up.size();
  if (dry_run) {
    ctx.result()["written"] = nullptr;
    ctx.result()["migration"] = nlohmann::json::parse(text);
    if (!ctx.options.json) std::cout << text;
    return;
  }
  const fs::path dir = ctx.config().resolve(ctx.config().migrations_path);
  fs::create_directories(dir);
  const fs::path path = dir / (id + ".json");
  util::write_file_atomic(path, text);
  ctx.result()["written"] = config::display_path(path);
  ctx.say("wrote " + config::display_path(path) + " (" + std::to_string(plan.up.size()) + " commands)");
}

void run_mongo_apply(double lock_timeout, const std::string& to, bool dry_run, Context& ctx) {
  const auto files = migrations(ctx);
  auto conn = connect(ctx);
  if (dry_run) {
    std::map<std::string, mongo::TrackingDoc> rows;
    for (auto& t : mongo::read_tracking(*conn)) rows[t.id] = t;
    nlohmann::json cmds = nlohmann::json::array();
    for (const auto& f : files) {
      if (!to.empty() && f.id > to) break;
      auto it = rows.find(f.id);
      if (it != rows.end() && it->second.finished) continue;
      const std::size_t from = it == rows.end() ? 0 : static_cast<std::size_t>(it->second.applied_steps_count);
      for (std::size_t i = from; i < f.up.size(); ++i) {
        cmds.push_back({{"migration", f.id}, {"command", nlohmann::json::parse(f.up[i].body.dump())}});
        if (!ctx.options.json) std::cout << "// " << f.id << "\n" << f.up[i].body.dump() << "\n";
      }
    }
    ctx.result()["dry_run"] = true;
    ctx.result()["commands"] = cmds;
    return;
  }
  mongo::ApplyOptions o;
  o.lock_timeout = seconds(lock_timeout);
  if (!to.empty()) o.to = to;
  const auto r = mongo::apply(*conn, files, o);
  for (const auto& id : r.resumed) ctx.say("resumed " + id);
  for (const auto& id : r.applied) ctx.say("applied " + id);
  if (r.applied.empty()) ctx.say("nothing to apply");
  ctx.result()["applied"] = r.applied;
  ctx.result()["resumed"] = r.resumed;
  ctx.result()["commands"] = r.commands;
}

void run_mongo_down(int steps, const std::string& id, bool dry_run, double lock_timeout, Context& ctx) {
  if (steps < 1) throw diag::Error("cli.usage", "--steps must be at least 1", diag::ExitCode::usage);
  if (!id.empty())
    throw diag::Error("cli.usage", "rolling back to an id is not supported for MongoDB projects yet",
                      diag::ExitCode::usage, std::string("use --steps N"));
  const auto files = migrations(ctx);
  auto conn = connect(ctx);
  if (dry_run) {
    auto rows = mongo::read_tracking(*conn);
    nlohmann::json cmds = nlohmann::json::array();
    int n = 0;
    for (auto it = rows.rbegin(); it != rows.rend() && n < steps; ++it, ++n)
      for (const auto& f : files)
        if (f.id == it->id)
          for (const auto& c : f.down) {
            cmds.push_back({{"migration", f.id}, {"command", nlohmann::json::parse(c.body.dump())}});
            if (!ctx.options.json) std::cout << "// " << f.id << "\n" << c.body.dump() << "\n";
          }
    ctx.result()["dry_run"] = true;
    ctx.result()["commands"] = cmds;
    return;
  }
  mongo::ApplyOptions o;
  o.lock_timeout = seconds(lock_timeout);
  const auto done = mongo::down(*conn, files, steps, o);
  for (const auto& id : done) ctx.say("rolled back " + id);
  if (done.empty()) ctx.say("nothing to roll back");
  ctx.result()["rolled_back"] = done;
}

void run_mongo_status(Context& ctx) {
  const auto files = migrations(ctx);
  auto conn = connect(ctx);
  const auto entries = mongo::status(*conn, files);
  nlohmann::json list = nlohmann::json::array();
  bool clean = true;
  for (const auto& e : entries) {
    list.push_back({{"id", e.id}, {"state", e.state}, {"applied_steps", e.applied_steps}});
    if (e.state != "applied") clean = false;
    ctx.say(e.state + "\t" + e.id);
  }
  ctx.result()["migrations"] = list;
  ctx.result()["clean"] = clean;
  if (!clean) ctx.exit_code = static_cast<int>(diag::ExitCode::check_failed);
}

}  // namespace flash::cli

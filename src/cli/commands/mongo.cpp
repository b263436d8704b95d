// The MongoDB paths of schema / migrate / apply / down / status (see mongo.hpp).
#include "cli/commands/mongo.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "flash/config/sql_files.hpp"
#include "flash/driver/document.hpp"
#include "flash/export/export.hpp"
#include "flash/migrate/files.hpp"
#include "flash/mongo/apply.hpp"
#include "flash/mongo/collection.hpp"
#include "flash/mongo/data.hpp"
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

void run_mongo_migrate(const std::string& name, bool empty, bool dry_run, const std::vector<std::string>& renames,
                       bool accept_data_loss, Context& ctx) {
  const auto files = migrations(ctx);
  diag::Diagnostics diags;
  mongo::Plan plan;
  if (!empty) {
    const auto want = declared(ctx);
    const auto have = mongo::replay(files, files.size(), diags);
    if (diag::has_errors(diags)) throw diag::Errors(std::move(diags));
    mongo::DiffOptions o;
    o.accept_drops = accept_data_loss;
    for (const auto& r : renames) {
      const auto colon = r.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == r.size() || r.find('.') < colon)
        throw diag::Error("migrate.rename-flag", "--rename expects old:new (collection names), got `" + r + "`",
                          diag::ExitCode::usage);
      o.renames.push_back({r.substr(0, colon), r.substr(colon + 1)});
    }
    plan = mongo::diff(have, want, diags, o);
    if (diag::has_errors(diags)) throw diag::Errors(std::move(diags));
    if (!plan.unresolved_renames.empty()) {
      // As the SQL side: asked on a terminal, otherwise the flags that answer are named.
      std::vector<std::string> flags;
      for (const auto& rc : plan.unresolved_renames) flags.push_back(rc.flag());
      if (!ctx.stdin_is_tty())
        throw diag::Error("migrate.ambiguous-rename",
                          "these look like renames; say which they are:\n  " + util::join(flags, "\n  "),
                          diag::ExitCode::usage,
                          "pass " + util::join(flags, " ") + " to rename, or --accept-data-loss to drop and create them");
      for (const auto& rc : plan.unresolved_renames)
        if (ctx.confirm("Was collection " + rc.from + " renamed to " + rc.to + "?", rc.flag())) o.renames.push_back(rc);
      o.accept_drops = true;
      plan = mongo::diff(have, want, diags, o);
      if (diag::has_errors(diags)) throw diag::Errors(std::move(diags));
    }
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

// The staged rollout's report of a validator check (apply and down).
static void report_validator(Context& ctx, const mongo::ValidatorReport& r, nlohmann::json& out) {
  out.push_back({{"collection", r.collection}, {"method", r.method.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.method)},
                 {"checked", r.checked}, {"violating", r.violating}, {"samples", r.samples},
                 {"enforced", r.enforced}, {"why", r.why.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.why)}});
  if (r.method.empty()) {
    ctx.warn("could not check the documents of `" + r.collection + "` against its new validator: " + r.why);
    return;
  }
  const std::string how = r.method == "server" ? "by the server ($jsonSchema query)" : "client-side by Flash";
  if (r.violating == 0) {
    ctx.say("validator of `" + r.collection + "`: " + std::to_string(r.checked) + " document(s) checked " + how +
            ", none violates it");
    return;
  }
  std::string list;
  for (const auto& s : r.samples) list += "\n  " + s;
  ctx.warn(std::to_string(r.violating) + " of " + std::to_string(r.checked) + " document(s) of `" + r.collection +
           "` violate its new validator (checked " + how + ")" +
           (r.enforced ? "" : "; validationAction \"warn\": they are logged, not rejected") + list);
}

void run_mongo_apply(double lock_timeout, const std::string& to, bool dry_run, bool accept_data_loss, Context& ctx) {
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
  o.accept_data_loss = accept_data_loss;
  nlohmann::json checks = nlohmann::json::array();
  o.on_validator_report = [&](const mongo::ValidatorReport& r) { report_validator(ctx, r, checks); };
  ctx.result()["validator_checks"] = checks;
  if (!to.empty()) o.to = to;
  mongo::ApplyResult r;
  try {
    r = mongo::apply(*conn, files, o);
  } catch (...) {
    ctx.result()["validator_checks"] = checks;
    throw;
  }
  ctx.result()["validator_checks"] = checks;
  for (const auto& id : r.resumed) ctx.say("resumed " + id);
  for (const auto& id : r.applied) ctx.say("applied " + id);
  if (r.applied.empty()) ctx.say("nothing to apply");
  ctx.result()["applied"] = r.applied;
  ctx.result()["resumed"] = r.resumed;
  ctx.result()["commands"] = r.commands;
}

void run_mongo_down(int steps, const std::string& id, bool dry_run, double lock_timeout, bool accept_data_loss,
                    Context& ctx) {
  if (steps < 1) throw diag::Error("cli.usage", "--steps must be at least 1", diag::ExitCode::usage);
  const auto files = migrations(ctx);
  auto conn = connect(ctx);
  if (!id.empty()) {
    // Down to and including `id`: as many steps as applied migrations from it on.
    const auto rows = mongo::read_tracking(*conn);
    if (std::none_of(rows.begin(), rows.end(), [&](const mongo::TrackingDoc& t) { return t.id == id; }))
      throw diag::Error("migrate.unknown-id", "migration " + id + " is not applied", diag::ExitCode::usage,
                        std::string("`flash status` lists the applied migrations"));
    steps = static_cast<int>(std::count_if(rows.begin(), rows.end(), [&](const mongo::TrackingDoc& t) { return t.id >= id; }));
  }
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
  o.accept_data_loss = accept_data_loss;
  nlohmann::json checks = nlohmann::json::array();
  o.on_validator_report = [&](const mongo::ValidatorReport& r) { report_validator(ctx, r, checks); };
  const auto done = mongo::down(*conn, files, steps, o);
  ctx.result()["validator_checks"] = checks;
  for (const auto& id : done) ctx.say("rolled back " + id);
  if (done.empty()) ctx.say("nothing to roll back");
  ctx.result()["rolled_back"] = done;
}

void run_mongo_lint(const std::vector<std::string>& names, bool offline, Context& ctx) {
  const auto files = migrations(ctx);
  std::vector<std::size_t> which;
  for (std::size_t i = 0; i < files.size(); ++i)
    if (names.empty() || std::any_of(names.begin(), names.end(), [&](const std::string& n) {
          return files[i].id == n || files[i].id.rfind(n, 0) == 0 || files[i].path.filename() == n;
        }))
      which.push_back(i);
  if (!names.empty() && which.empty())
    throw diag::Error("lint.no-migration", "no migration matches " + util::join(names, ", "), diag::ExitCode::usage,
                      std::string("give a migration id, a unique id prefix or the file"));
  std::unique_ptr<driver::DocumentConnection> live;
  if (!offline) {
    try {
      live = connect(ctx);
    } catch (const std::exception& e) {
      ctx.warn(std::string("no live collection statistics (") + e.what() + "); --offline does not try");
    }
  }
  ctx.result()["live_statistics"] = live != nullptr;
  std::set<std::string> existing;
  if (live)
    for (const auto& c : mongo::user_collections(*live)) existing.insert(c);
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t i : which) {
    diag::Diagnostics diags;
    const auto found = mongo::lint_migration(files, i, diags);
    if (diag::has_errors(diags)) throw diag::Errors(std::move(diags));
    for (const auto& f : found) {
      nlohmann::json j = {{"file", f.file}, {"line", f.line}, {"code", f.finding.code},
                          {"message", f.finding.message}, {"collection", f.finding.collection}, {"severity", "warning"}};
      if (live) {
        const std::int64_t n = existing.contains(f.finding.collection)
                                   ? live->command(nlohmann::ordered_json{{"count", f.finding.collection}}).value("n", std::int64_t{0})
                                   : 0;
        j["documents"] = n;
        if (n == 0) j["severity"] = "note";  // nothing to lose or reject today
      }
      ctx.say(f.file + ":" + std::to_string(f.line) + ": " + j["severity"].get<std::string>() + "[" + f.finding.code +
              "]: " + f.finding.message + (j.contains("documents") ? " (" + std::to_string(j["documents"].get<std::int64_t>()) + " documents)" : ""));
      list.push_back(std::move(j));
    }
  }
  ctx.result()["findings"] = list;
  ctx.result()["migrations"] = which.size();
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

void run_mongo_reset(bool no_backup, bool dry_run, Context& ctx) {
  const auto files = migrations(ctx);
  diag::Diagnostics diags;
  std::set<std::string> managed;
  for (const auto& c : mongo::replay(files, files.size(), diags).collections) managed.insert(c.name);
  if (diag::has_errors(diags)) throw diag::Errors(std::move(diags));
  const auto& cfg = ctx.config();
  std::error_code ec;
  if (fs::exists(cfg.resolve(cfg.schema_dir), ec))
    for (const auto& c : declared(ctx).collections) managed.insert(c.name);
  auto conn = connect(ctx);
  std::vector<std::string> drop, user;
  for (const auto& e : conn->list_collections()) {
    const std::string n = e.value("name", "");
    if (managed.contains(n)) {
      drop.push_back(n);
      user.push_back(n);
    } else if (n == mongo::kTrackingCollection || n == mongo::kLockCollection) {
      drop.push_back(n);
    }
  }
  nlohmann::json cmds = nlohmann::json::array();
  for (const auto& n : drop) cmds.push_back({{"drop", n}});
  auto& j = ctx.result();
  j["dropped"] = nlohmann::json::array();
  j["cancelled"] = false;
  j["statements"] = cmds;
  if (dry_run) {
    if (!ctx.options.json)
      for (const auto& c : cmds) std::cout << c.dump() << "\n";
    return;
  }
  if (drop.empty()) {
    ctx.say("nothing to reset");
    return;
  }
  if (!ctx.confirm("Drop " + std::to_string(user.size()) + " collection(s) (" + util::join(user, ", ") +
                       ") and the migration history of database `" + conn->database() + "`?",
                   "--force")) {
    j["cancelled"] = true;
    ctx.say("cancelled");
    return;
  }
  if (!no_backup && !user.empty()) {
    mongo::DataExportOptions eo;
    eo.collections = user;
    eo.path = exporter::default_export_path(cfg.resolve(cfg.export_path), exporter::Format::json);
    mongo::export_collections(*conn, eo);
    j["export"] = eo.path.string();
    ctx.say("exported the collections to " + eo.path.string());
  }
  for (const auto& n : drop) {
    conn->command(nlohmann::ordered_json{{"drop", n}});
    j["dropped"].push_back(n);
  }
  ctx.say("dropped " + std::to_string(user.size()) + " collection(s) and the migration history");
}

}  // namespace flash::cli

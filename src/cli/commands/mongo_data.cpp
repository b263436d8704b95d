// The MongoDB paths of pull / export / import (see mongo.hpp): over flash/mongo's sampling and
// inference (infer.hpp) and the export formats (data.hpp).
#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <span>

#include "cli/commands/mongo.hpp"
#include "flash/config/sql_files.hpp"
#include "flash/driver/document.hpp"
#include "flash/export/export.hpp"
#include "flash/mongo/data.hpp"
#include "flash/mongo/collection.hpp"
#include "flash/mongo/infer.hpp"
#include "flash/mongo/seed.hpp"
#include "flash/util/text.hpp"

namespace flash::cli {
namespace fs = std::filesystem;

exporter::Progress terminal_progress(Context& ctx, const char* verb);  // export.cpp

namespace {

std::string utc_stamp() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::vector<fs::path> json_files(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

void run_mongo_pull(const std::string& out, bool backup, std::size_t sample, Context& ctx) {
  const auto& cfg = ctx.config();
  const fs::path target = (out.empty() ? cfg.resolve(cfg.schema_dir) : fs::path(out)).lexically_normal();
  if (sample < 1) throw diag::Error("cli.usage", "--sample must be at least 1", diag::ExitCode::usage);
  auto conn = driver::connect_documents(ctx.database_url());
  nlohmann::json cols = nlohmann::json::array();
  std::map<std::string, std::string> texts;  // file name → content
  for (const auto& entry : conn->list_collections()) {
    const std::string name = entry.value("name", "");
    if (name.empty() || name.starts_with("_flash_") || name.starts_with("system.") ||
        entry.value("type", "collection") == "view")
      continue;
    const mongo::Sample s = mongo::sample_collection(*conn, name, sample);
    const mongo::Inferred inf = mongo::infer_schema(s.documents);
    const mongo::Collection c = mongo::pulled_collection(entry, conn->list_indexes(name), inf);
    texts[name + ".json"] = mongo::to_json(c).dump(2) + "\n";
    nlohmann::json fields = nlohmann::json::array();
    for (const auto& f : inf.fields) {
      nlohmann::json types = nlohmann::json::object();
      for (const auto& [t, n] : f.types) types[t] = n;
      fields.push_back({{"path", f.path}, {"present", f.present}, {"of", f.parents},
                        {"frequency", f.parents ? static_cast<double>(f.present) / static_cast<double>(f.parents) : 0.0},
                        {"types", types}, {"required", f.required}});
    }
    const bool server_validator = entry.contains("options") && entry["options"].contains("validator") &&
                                  entry["options"]["validator"].is_object() && !entry["options"]["validator"].empty();
    cols.push_back({{"name", name}, {"method", s.method}, {"why", s.why}, {"documents", s.total},
                    {"sampled", s.documents.size()}, {"indexes", c.indexes.size()},
                    {"validator", server_validator ? "server" : c.validator.is_null() ? "none" : "inferred"},
                    {"fields", fields}});
    ctx.say(name + ": " + std::to_string(s.documents.size()) + " of " + std::to_string(s.total) + " document(s) sampled by " +
            (s.method == "$sample" ? std::string("$sample") : "a scan (" + s.why + ")") + ", " +
            std::to_string(inf.fields.size()) + " field(s), " + std::to_string(c.indexes.size()) + " index(es)");
  }
  auto& r = ctx.result();
  r["dialect"] = "mongodb";
  r["directory"] = config::display_path(target);
  r["collections"] = cols;
  r["sample_size"] = sample;
  r["written"] = false;
  r["files"] = nlohmann::json::array();
  const auto existing = json_files(target);
  bool same = existing.size() == texts.size();
  for (const auto& f : existing)
    same = same && texts.contains(f.filename().string()) && util::read_file(f) == texts[f.filename().string()];
  if (!existing.empty() && same) {
    ctx.say("The schema files in " + config::display_path(target) + " already match the database; nothing written.");
    return;
  }
  if (!existing.empty() && !backup &&
      !ctx.confirm("Replace " + std::to_string(existing.size()) + " schema file(s) in " + config::display_path(target) + "?",
                   "--force (or --backup to keep a copy)")) {
    ctx.say("Nothing written.");
    return;
  }
  if (!existing.empty() && backup) {
    const fs::path copy = target.string() + ".backup-" + utc_stamp();
    fs::copy(target, copy, fs::copy_options::recursive);
    r["backup"] = config::display_path(copy);
    ctx.say("Previous schema files copied to " + config::display_path(copy));
  }
  fs::create_directories(target);
  for (const auto& [file, text] : texts) {
    util::write_file_atomic(target / file, text);
    r["files"].push_back(config::display_path(target / file));
  }
  for (const auto& f : existing)
    if (!texts.contains(f.filename().string())) fs::remove(f);
  r["written"] = true;
  ctx.say("Wrote " + std::to_string(texts.size()) + " collection file(s) to " + config::display_path(target));
}

void run_mongo_export(const std::string& format, const std::string& collections, const std::string& where,
                      const std::string& output, Context& ctx) {
  if (!where.empty())
    throw diag::Error("cli.usage", "--where is an SQL condition; MongoDB projects export whole collections",
                      diag::ExitCode::usage, std::string("leave out --where"));
  const auto& cfg = ctx.config();
  mongo::DataExportOptions o;
  o.format = exporter::format_from_string(format);
  for (const auto& t : util::split(collections, ','))
    if (!util::trim(t).empty()) o.collections.emplace_back(util::trim(t));
  o.path = output.empty() ? exporter::default_export_path(cfg.resolve(cfg.export_path), o.format) : fs::path(output);
  o.progress = terminal_progress(ctx, "exporting");
  auto conn = driver::connect_documents(ctx.database_url());
  const auto counts = mongo::export_collections(*conn, o);
  std::int64_t total = 0;
  nlohmann::json tables = nlohmann::json::object();
  for (const auto& c : counts) {
    total += c.rows;
    tables[c.table] = c.rows;
    ctx.say("  " + c.table + ": " + std::to_string(c.rows) + " documents");
  }
  ctx.say("Exported " + std::to_string(total) + " documents from " + std::to_string(counts.size()) +
          " collections to " + o.path.string());
  ctx.result()["path"] = o.path.string();
  ctx.result()["format"] = std::string(exporter::to_string(o.format));
  ctx.result()["tables"] = tables;
  ctx.result()["rows"] = total;
}

void run_mongo_import(const std::string& path, Context& ctx) {
  auto conn = driver::connect_documents(ctx.database_url());
  const auto counts = mongo::import_collections(*conn, path, terminal_progress(ctx, "importing"));
  std::int64_t total = 0;
  nlohmann::json tables = nlohmann::json::object();
  for (const auto& c : counts) {
    total += c.rows;
    tables[c.table] = {{"rows", c.rows}, {"created", c.created}};
    ctx.say("  " + c.table + ": " + std::to_string(c.rows) + " documents" + (c.created ? " (collection created)" : ""));
  }
  ctx.say("Imported " + std::to_string(total) + " documents into " + std::to_string(counts.size()) + " collections");
  ctx.result()["tables"] = tables;
  ctx.result()["rows"] = total;
  ctx.result()["dropped"] = nlohmann::json::array();
}

void run_mongo_seed(const std::vector<std::pair<std::string, std::int64_t>>& collections, std::int64_t count,
                    bool truncate, bool no_backup, bool dry_run, std::uint64_t seed, Context& ctx) {
  const auto& cfg = ctx.config();
  diag::Diagnostics diags;
  const auto declared = mongo::parse_collections_dir(cfg.resolve(cfg.schema_dir), diags);
  if (diag::has_errors(diags)) throw diag::Errors(std::move(diags));
  auto conn = driver::connect_documents(ctx.database_url());
  const auto live = mongo::user_collections(*conn);
  std::map<std::string, std::int64_t> existing;
  for (const auto& c : declared.collections)
    if (!(truncate && dry_run) && std::find(live.begin(), live.end(), c.name) != live.end())
      existing[c.name] = conn->command(nlohmann::ordered_json{{"count", c.name}}).value("n", std::int64_t{0});
  if (truncate) existing.clear();
  // Everything generated and checked before anything changes.
  const auto plans = mongo::plan_seed(declared, collections, count, seed, existing);
  nlohmann::json docs = nlohmann::json::array();
  if (truncate && !dry_run) {
    std::vector<std::string> names;
    for (const auto& p : plans)
      if (p.skipped.empty() && std::find(live.begin(), live.end(), p.collection) != live.end()) names.push_back(p.collection);
    if (!ctx.confirm("Delete every document of " + std::to_string(names.size()) + " collection(s) (" +
                         util::join(names, ", ") + ") before seeding?",
                     "--force")) {
      ctx.say("Cancelled");
      ctx.result()["cancelled"] = true;
      return;
    }
    if (!no_backup && !names.empty()) {
      mongo::DataExportOptions e;
      e.collections = names;
      e.path = exporter::default_export_path(cfg.resolve(cfg.export_path), exporter::Format::json);
      e.path.replace_filename(e.path.stem().string() + "_before_seed.json");
      mongo::export_collections(*conn, e);
      ctx.say("Exported the documents to " + e.path.string() + " (restore with flash import)");
      ctx.result()["backup"] = e.path.string();
    }
    for (const auto& n : names) conn->remove(n, nlohmann::ordered_json::object(), true);
  }
  nlohmann::json tables = nlohmann::json::object();
  std::int64_t total = 0;
  for (const auto& p : plans) {
    if (!p.skipped.empty()) {
      ctx.warn(p.collection + ": " + p.skipped);
      continue;
    }
    if (dry_run) {
      for (const auto& d : p.documents) {
        docs.push_back({{"collection", p.collection}, {"document", nlohmann::json::parse(d.dump())}});
        if (!ctx.options.json) std::cout << "// " << p.collection << "\n" << d.dump() << "\n";
      }
    } else {
      for (std::size_t i = 0; i < p.documents.size(); i += 1000)
        conn->insert(p.collection, std::span<const nlohmann::ordered_json>(p.documents).subspan(
                                       i, std::min<std::size_t>(1000, p.documents.size() - i)));
      ctx.say("  " + p.collection + ": " + std::to_string(p.documents.size()) + " documents");
    }
    tables[p.collection] = p.documents.size();
    total += static_cast<std::int64_t>(p.documents.size());
  }
  if (!dry_run) ctx.say("Seeded " + std::to_string(total) + " documents (seed " + std::to_string(seed) + ")");
  ctx.result()["seed"] = seed;
  ctx.result()["tables"] = tables;
  ctx.result()["rows"] = total;
  ctx.result()["dry_run"] = dry_run;
  if (dry_run) ctx.result()["documents"] = docs;
}

}  // namespace flash::cli

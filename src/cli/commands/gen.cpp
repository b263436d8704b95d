// flash gen [--lang X] [--out DIR] [--check] [--force]: typed client code from the schema files
// and the annotated queries, for every enabled [gen.X] target of flash.toml (or just --lang X).
// Every target's generator — built-in, or an external `plugin = "..."` — gets the same contract
// request (codegen::make_request) through plugin::generate (plugin/plugin.hpp).
//
// Order of work: read every input; for each target, skip it when its cache says the same inputs
// produced the files on disk (codegen/output.hpp); otherwise parse the schema and analyse the
// queries once, run the generators, and only when no query and no generator reported an error
// write the files. So a broken query never leaves half-updated code behind (exit 1, every
// diagnostic located at file:line:col). --check writes nothing and exits 3 listing the files that
// are stale, missing or would be removed. --force (global) ignores the cache.
//
// --verify: after analysis and before anything is written, every query is prepared by the real
// database and its own parameter and column types are compared with ours (verify/verify.hpp):
// SQLite in memory, PostgreSQL/MySQL through the configured URL in a scratch schema/database.
// Mismatches exit 3 and write nothing; an unreachable database exits 6.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <exception>
#include <optional>
#include <thread>

#include "cli/commands/commands.hpp"
#include "flash/codegen/generator.hpp"
#include "flash/codegen/output.hpp"
#include "flash/plugin/plugin.hpp"
#include "flash/config/sql_files.hpp"
#include "flash/mongo/collection.hpp"
#include "flash/query/analyze.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/util/text.hpp"
#include "flash/verify/verify.hpp"
#include "cli/commands/migrate_common.hpp"

#ifndef FLASH_VERSION
#define FLASH_VERSION "0.0.0"
#endif

namespace flash::cli {
namespace fs = std::filesystem;

namespace {

fs::path exe_path() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : p;
}

// The generator's identity for the cache key: the version plus the size and mtime of the program
// that generates (flash itself, or an external plugin), so a rebuilt generator with the same
// version string regenerates.
std::string generator_identity(const fs::path& exe) {
  std::string id = exe == exe_path() ? FLASH_VERSION : exe.string();
  std::error_code ec;
  if (!exe.empty()) {
    const auto size = fs::file_size(exe, ec);
    const auto mtime = fs::last_write_time(exe, ec);
    if (!ec) id += "+" + std::to_string(size) + "@" + std::to_string(mtime.time_since_epoch().count());
  }
  return id;
}

struct GenOptions {
  std::optional<std::string> lang;
  std::optional<std::string> out;
  bool check = false;
  bool verify = false;
};

struct Inputs {
  std::vector<sql::SourceFile> schema, queries;          // paths as shown to the user
  std::vector<sql::SourceFile> schema_key, queries_key;  // paths relative to the project root
};

Inputs read_inputs(const config::Config& cfg) {
  Inputs in;
  auto load = [&](const std::vector<fs::path>& paths, std::vector<sql::SourceFile>& shown,
                  std::vector<sql::SourceFile>& key) {
    for (const auto& p : paths) {
      std::string text = util::read_file(p);
      shown.push_back({config::display_path(p), text});
      key.push_back({p.lexically_proximate(cfg.root).generic_string(), std::move(text)});
    }
  };
  load(config::sql_files(cfg, cfg.schema_dir, "schema", "schema_dir"), in.schema, in.schema_key);
  load(config::sql_files(cfg, cfg.queries, "queries", "queries"), in.queries, in.queries_key);
  return in;
}

// A MongoDB project's inputs: the collection files (*.json of schema_dir, or the one file it names).
Inputs read_collection_inputs(const config::Config& cfg) {
  Inputs in;
  const fs::path dir = cfg.resolve(cfg.schema_dir);
  std::vector<fs::path> paths;
  std::error_code ec;
  if (fs::is_directory(dir, ec)) {
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.path().extension() == ".json" && e.is_regular_file()) paths.push_back(e.path());
    std::sort(paths.begin(), paths.end());
  } else if (fs::exists(dir, ec)) {
    paths.push_back(dir);
  } else {
    throw diag::Error(config::value_diagnostic(cfg, "schema_dir", "config.missing-dir",
                                               "schema_dir `" + cfg.schema_dir + "` does not exist"));
  }
  for (const auto& p : paths) {
    std::string text = util::read_file(p);
    in.schema.push_back({config::display_path(p), text});
    in.schema_key.push_back({p.lexically_proximate(cfg.root).generic_string(), std::move(text)});
  }
  return in;
}

// The typed document model of a MongoDB project's declared collections (flash/mongo parses them).
std::shared_ptr<const codegen::DocumentSchema> document_model(const config::Config& cfg, diag::Diagnostics& diags) {
  const auto declared = mongo::parse_collections_dir(cfg.resolve(cfg.schema_dir), diags);
  if (diag::has_errors(diags)) throw diag::Errors(diags);
  std::vector<codegen::DeclaredCollection> in;
  for (const auto& c : declared.collections) in.push_back({c.name, c.validator, c.location});
  return std::make_shared<const codegen::DocumentSchema>(codegen::document_schema(in, diags));
}

void print_warnings(Context& ctx, const diag::Diagnostics& diags) {
  for (const auto& d : diags) {
    if (d.severity == diag::Severity::error) continue;
    std::string where = d.location.file.empty() ? "" : d.location.file + ":" + std::to_string(d.location.line) + ":" +
                                                           std::to_string(d.location.column) + ": ";
    ctx.warn(where + d.message + " [" + d.code + "]");
  }
}

// Prepares every query on the database (SQLite: in memory) and compares; throws the mismatches
// (exit 3) so that nothing is written.
verify::Result run_verify(Context& ctx, const schema::Schema& model, const query::AnalyzedQueries& analyzed) {
  std::unique_ptr<driver::SqlConnection> conn;
  if (analyzed.dialect != schema::Dialect::sqlite) conn = migrate_connect(ctx);
  verify::Result r = verify::verify_queries(model, analyzed, conn.get());
  if (!r.diagnostics.empty()) throw diag::Errors(r.diagnostics);
  ctx.say(ctx.green("verified") + " " + std::to_string(r.queries) + " queries on " + r.where + " (" +
          std::to_string(r.columns_checked) + " column types, " + std::to_string(r.params_checked) +
          " parameter types compared): no mismatch");
  return r;
}

struct Job {
  config::GenTarget target;
  plugin::Generator generator;
  fs::path out_dir;
  std::string hash;
  bool cached = false;
  codegen::Response response;
  codegen::OutputReport report;
};

void run_gen(const GenOptions& go, Context& ctx) {
  const auto& cfg = ctx.config();
  const bool mongo = cfg.provider == schema::Dialect::mongodb;
  if (mongo && go.verify)
    throw diag::Error("cli.usage", "--verify prepares SQL queries; a MongoDB project has none", diag::ExitCode::usage,
                      "run flash gen without --verify");

  // ---- which targets
  std::vector<Job> jobs;
  if (go.lang) {
    auto it = std::find_if(cfg.gen.begin(), cfg.gen.end(), [&](const config::GenTarget& t) { return t.language == *go.lang; });
    if (it == cfg.gen.end()) {
      std::vector<std::string> known;
      for (const auto& g : codegen::generator_table()) known.push_back(g.language);
      throw diag::Error("gen.no-target", "flash.toml has no [gen." + *go.lang + "] section", diag::ExitCode::usage,
                        diag::did_you_mean(*go.lang, known)
                            .value_or("add [gen." + *go.lang + "] with enabled = true and out = \"...\""));
    }
    jobs.push_back({*it});
  } else {
    for (const auto& t : cfg.gen)
      if (t.enabled) jobs.push_back({t});
    if (jobs.empty())
      throw diag::Error("gen.no-target", "no [gen.*] target is enabled in " + cfg.file.filename().string(),
                        diag::ExitCode::error, "add e.g. [gen.go] with enabled = true and out = \"db/gen/go\"");
  }
  if (go.out) {
    if (jobs.size() != 1)
      throw diag::Error("cli.usage", "--out needs exactly one target", diag::ExitCode::usage, "pick one with --lang");
    jobs[0].target.out = *go.out;
  }
  for (auto& j : jobs) {
    j.generator = plugin::resolve(j.target, cfg.root);
    if (j.target.out.empty())
      throw diag::Error("gen.no-out", "[gen." + j.target.language + "] has no `out` directory", diag::ExitCode::error,
                        "add out = \"db/gen/" + j.target.language + "\"");
    // --out is relative to the working directory (like any command-line path); `out` in
    // flash.toml to the project.
    j.out_dir = go.out ? fs::absolute(*go.out).lexically_normal() : cfg.resolve(j.target.out).lexically_normal();
  }

  // ---- inputs, cache
  const Inputs in = mongo ? read_collection_inputs(cfg) : read_inputs(cfg);
  bool need_generate = false;
  for (auto& j : jobs) {
    j.hash = codegen::inputs_hash(in.schema_key, in.queries_key, j.target, cfg.provider,
                                  generator_identity(exe_path()) +
                                      (j.generator.external() ? "|" + generator_identity(j.generator.program) : ""));
    j.cached = !ctx.options.force && codegen::cache_fresh(j.out_dir, j.target.language, j.hash);
    need_generate = need_generate || !j.cached;
  }
  std::optional<verify::Result> verified;

  // ---- parse, analyse, generate (all before any write)
  if (need_generate || go.verify) {
    diag::Diagnostics diags;
    std::shared_ptr<const codegen::DocumentSchema> documents;
    if (mongo) documents = document_model(cfg, diags);
    schema::Schema no_sql;  // a MongoDB project: no SQL schema, no SQL queries
    no_sql.dialect = cfg.provider;
    auto model_ptr = std::make_shared<const schema::Schema>(mongo ? no_sql : sql::parse_schema(in.schema, cfg.provider, diags));
    if (diag::has_errors(diags)) throw diag::Errors(diags);
    query::AnalyzedQueries no_queries;
    no_queries.dialect = cfg.provider;
    auto analyzed_ptr = std::make_shared<const query::AnalyzedQueries>(
        mongo ? no_queries : query::analyze_queries(*model_ptr, in.queries, diags));
    if (diag::has_errors(diags)) throw diag::Errors(diags);
    const schema::Schema& model = *model_ptr;
    const query::AnalyzedQueries& analyzed = *analyzed_ptr;
    print_warnings(ctx, diags);
    diag::Diagnostics gen_errors;
    // The targets are generated concurrently (each generator only reads the schema and the
    // analysed queries); results, diagnostics and a thrown error are then taken in target order,
    // so the output is the same as one after the other.
    std::vector<std::exception_ptr> failures(jobs.size());
    auto generate = [&](std::size_t i) {
      Job& j = jobs[i];
      try {
        auto request = codegen::make_request(model_ptr, analyzed_ptr, j.target, FLASH_VERSION);
        request.documents = documents;
        j.response = plugin::generate(j.generator, request);
      } catch (...) {
        failures[i] = std::current_exception();
      }
    };
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < jobs.size(); ++i)
      if (!jobs[i].cached) todo.push_back(i);
    std::vector<std::thread> threads;
    for (std::size_t k = 1; k < todo.size(); ++k) threads.emplace_back(generate, todo[k]);
    if (!todo.empty()) generate(todo[0]);
    for (std::thread& t : threads) t.join();
    for (std::size_t i = 0; i < jobs.size(); ++i)
      if (failures[i]) std::rethrow_exception(failures[i]);
    for (auto& j : jobs) {
      if (j.cached) continue;
      for (auto& d : j.response.diagnostics)
        (d.severity == diag::Severity::error ? gen_errors : diags).push_back(d);
    }
    if (!gen_errors.empty()) throw diag::Errors(gen_errors);
    if (go.verify) verified = run_verify(ctx, model, analyzed);
  }

  // ---- write or check
  nlohmann::json targets = nlohmann::json::array();
  bool stale = false;
  for (auto& j : jobs) {
    if (j.cached) {
      if (auto e = codegen::read_cache(j.out_dir, j.target.language))
        for (const auto& [rel, sha] : e->files) j.report.unchanged.push_back(rel);
    } else if (go.check) {
      j.report = codegen::check_output(j.out_dir, j.target.language, j.response.files);
    } else {
      j.report = codegen::write_output(j.out_dir, j.target.language, j.response.files, j.hash);
    }
    stale = stale || j.report.stale();
    nlohmann::json t;
    t["language"] = j.target.language;
    t["out"] = config::display_path(j.out_dir);
    t["cached"] = j.cached;
    t[go.check ? "stale" : "written"] = j.report.written;
    t["unchanged"] = j.report.unchanged;
    t["removed"] = j.report.removed;
    targets.push_back(std::move(t));

    const std::string out = config::display_path(j.out_dir);
    if (go.check) {
      for (const auto& f : j.report.written) ctx.say(ctx.red("stale") + "    " + (fs::path(out) / f).string());
      for (const auto& f : j.report.removed) ctx.say(ctx.red("extra") + "    " + (fs::path(out) / f).string());
      if (!j.report.stale())
        ctx.say(ctx.green("up to date") + "  " + j.target.language + " → " + out);
    } else {
      for (const auto& f : j.report.written) ctx.say(ctx.green("wrote") + "    " + (fs::path(out) / f).string());
      for (const auto& f : j.report.removed) ctx.say(ctx.yellow("removed") + "  " + (fs::path(out) / f).string());
      ctx.say(j.target.language + " → " + out + ": " + std::to_string(j.report.written.size()) + " written, " +
              std::to_string(j.report.unchanged.size()) + " unchanged" +
              (j.report.removed.empty() ? "" : ", " + std::to_string(j.report.removed.size()) + " removed") +
              (j.cached ? " (inputs unchanged)" : ""));
    }
  }
  ctx.result()["targets"] = std::move(targets);
  if (verified) {
    ctx.result()["verify"] = {{"queries", verified->queries},
                              {"where", verified->where},
                              {"columns_checked", verified->columns_checked},
                              {"params_checked", verified->params_checked},
                              {"mismatches", 0}};
  }
  if (go.check) {
    ctx.result()["up_to_date"] = !stale;
    if (stale) {
      ctx.exit_code = static_cast<int>(diag::ExitCode::check_failed);
      ctx.say("Generated code is out of date: run `flash gen`.");
    }
  }
}

}  // namespace

void setup_gen(CLI::App& sub, Context& ctx) {
  auto opts = std::make_shared<GenOptions>();
  sub.add_option("--lang", opts->lang, "Run only this [gen.X] target (go, js, python)")->type_name("X");
  sub.add_option("--out", opts->out, "Write to DIR instead of the target's `out` (one target only)")
      ->type_name("DIR");
  sub.add_flag("--check", opts->check,
               "Write nothing; exit 3 and list the files when generated code is stale or missing");
  sub.add_flag("--verify", opts->verify,
               "Prepare every query on the database (SQLite: in memory; else DATABASE_URL, in a scratch "
               "schema) and compare its parameter and column types with ours; exit 3 on a mismatch");
  sub.callback([opts, &ctx] { run_gen(*opts, ctx); });
}

}  // namespace flash::cli

#include "flash/studio/schema_edit.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include "flash/check/check.hpp"
#include "flash/config/sql_files.hpp"
#include "flash/diff/plan.hpp"
#include "flash/lint/stats.hpp"
#include "flash/migrate/conflicts.hpp"
#include "flash/migrate/files.hpp"
#include "flash/prove/drift.hpp"
#include "flash/prove/prove.hpp"
#include "flash/schema/printer.hpp"
#include "flash/schema/types.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/studio/api.hpp"
#include "flash/studio/schema_text.hpp"
#include "flash/util/text.hpp"

namespace flash::studio {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json diag_json(const diag::Diagnostic& x) {
  json j = {{"code", x.code}, {"message", x.message}, {"file", x.location.file}, {"line", x.location.line},
            {"column", x.location.column}};
  if (x.hint) j["hint"] = *x.hint;
  return j;
}

ApiError from_diags(int status, const std::string& code, const std::string& what, const diag::Diagnostics& ds) {
  json detail = json::array();
  std::string first;
  for (const auto& x : ds) {
    if (x.severity != diag::Severity::error) continue;
    detail.push_back(diag_json(x));
    if (first.empty())
      first = (x.location.file.empty() ? "" : x.location.file + ":" + std::to_string(x.location.line) + ": ") + x.message;
  }
  return ApiError(status, code, what + (first.empty() ? "" : ": " + first), detail);
}

// Runs f, turning the engine's diag errors into ApiErrors (the server maps those to safe bodies).
template <class F>
auto engine(int status, const std::string& code, F&& f) {
  try {
    return f();
  } catch (const diag::Errors& e) {
    throw from_diags(status, code, "refused", e.diagnostics());
  } catch (const diag::Error& e) {
    const auto& x = e.diagnostic();
    throw ApiError(status, code.empty() ? x.code : code, x.message + (x.hint ? " (" + *x.hint + ")" : ""),
                   json::array({diag_json(x)}));
  }
}

std::string section(const std::string& content, bool down) {
  const auto at = content.find("-- +migrate Down");
  if (at == std::string::npos) return down ? "" : content;
  return down ? content.substr(at) : content.substr(0, at);
}

json conflicts_json(const migrate::ConflictReport& r) {
  json cs = json::array(), fs_ = json::array();
  for (const auto& c : r.conflicts)
    cs.push_back({{"kind", c.kind}, {"table", c.table}, {"column", c.column}, {"rows", c.rows},
                  {"statement", c.statement}, {"line", c.line}, {"data_loss", c.data_loss},
                  {"message", migrate::describe(c)}, {"resolutions", c.resolutions}});
  for (const auto& f : r.failures)
    fs_.push_back({{"table", f.table}, {"check", f.check}, {"message", migrate::describe(f)}});
  return {{"conflicts", cs}, {"probe_failures", fs_}};
}

}  // namespace

struct SchemaEdit::Impl {
  Impl(driver::SqlConnection& conn, EditOptions opts, std::function<void()> on_change)
      : c(conn), o(std::move(opts)), changed(std::move(on_change)) {}
  driver::SqlConnection& c;
  EditOptions o;
  std::function<void()> changed;
  mutable std::mutex progress_mu;
  bool running = false;
  std::vector<std::string> progress_log;

  const migrate::Project& project() const {
    if (!o.project)
      throw ApiError(400, "studio.no_project",
                     "no Flash project here (flash.toml): the schema editor and migrations need its schema files and "
                     "migrations folder; start flash studio in the project");
    return *o.project;
  }
  void writable() const {
    if (o.read_only)
      throw ApiError(403, "studio.read_only", "the studio runs with --read-only: the schema editor and migrations are "
                                              "read-only");
  }
  lint::Settings lint_settings() {
    auto s = o.lint;
    s.stats = lint::live_stats(c, s.large_rows);
    return s;
  }

  // ---- state: history and drift ----------------------------------------------------------------
  migrate::StatusReport status() {
    const auto& p = project();
    return engine(409, "studio.migrations", [&] {
      auto r = migrate::status(c, p);
      prove::compute_drift(p, c, r, o.server);
      return r;
    });
  }
  // Why the editor may not write now ("" when it may).
  static json blockers(const migrate::StatusReport& r) {
    json out = json::array();
    for (const auto& m : r.migrations)
      if (m.state != "applied" && m.state != "pending")
        out.push_back("migration " + m.id + " is " + m.state + (m.detail.empty() ? "" : ": " + m.detail));
    if (!r.drift_checked) out.push_back("drift could not be checked: " + r.drift_note);
    for (const auto& x : r.drift) out.push_back("drift: " + x.description);
    return out;
  }

  struct Files {
    std::vector<sql::SourceFile> files;
    std::string new_file;  // where a new table goes when there is no schema file
    schema::Schema model;
  };
  Files schema_files() {
    const auto& p = project();
    Files f;
    f.new_file = (p.schema_dir.extension() == ".sql" ? p.schema_dir : p.schema_dir / "schema.sql").string();
    if (auto paths = config::list_sql_files(p.schema_dir))
      for (const auto& path : *paths) f.files.push_back({path.string(), util::read_file(path)});
    diag::Diagnostics dg;
    f.model = sql::parse_schema(f.files, p.dialect, dg);
    f.model.dialect = p.dialect;
    if (diag::has_errors(dg)) throw from_diags(400, "studio.schema_files", "the schema files do not parse", dg);
    return f;
  }
  std::vector<migrate::MigrationFile> migration_files() {
    diag::Diagnostics dg;
    auto files = migrate::load_migrations(project().migrations_dir, project().dialect, dg);
    if (diag::has_errors(dg)) throw from_diags(409, "studio.migrations", "the migration files do not parse", dg);
    return files;
  }
  schema::Schema replayed(const std::vector<migrate::MigrationFile>& files, std::size_t n) {
    diag::Diagnostics dg;
    auto m = migrate::replay(files, n, project().dialect, dg);
    if (diag::has_errors(dg)) throw from_diags(409, "studio.migrations", "the migrations do not replay", dg);
    return m;
  }
  std::vector<std::string> unmigrated(const schema::Schema& files_model, const std::vector<migrate::MigrationFile>& ms) {
    std::vector<std::string> out;
    const auto plan = diff::diff_schemas(replayed(ms, ms.size()), files_model);
    for (const auto& op : plan.operations) out.push_back(op.comment);
    for (const auto& r : plan.unresolved_renames) out.push_back(r.flag());
    return out;
  }

  // ---- GET /api/schema ---------------------------------------------------------------------------
  json schema_json() {
    auto f = schema_files();
    const auto d = project().dialect;
    json tables = json::array();
    for (const auto& t : f.model.tables) {
      json cols = json::array();
      for (const auto& col : t.columns)
        cols.push_back({{"name", col.name}, {"type", schema::render_type(col.type, d)}, {"nullable", col.nullable},
                        {"default", col.default_expr ? json(*col.default_expr) : json()}});
      json fks = json::array(), uqs = json::array(), cks = json::array(), ixs = json::array();
      for (const auto& fk : t.foreign_keys)
        fks.push_back({{"name", fk.name}, {"columns", fk.columns}, {"ref_schema", fk.ref_schema}, {"ref_table", fk.ref_table},
                       {"ref_columns", fk.ref_columns}, {"on_delete", schema::to_sql(fk.on_delete)},
                       {"on_update", schema::to_sql(fk.on_update)}});
      for (const auto& u : t.uniques) uqs.push_back({{"name", u.name}, {"columns", u.columns}});
      for (const auto& ck : t.checks) cks.push_back({{"name", ck.name}, {"expr", ck.expr}});
      for (const auto* ix : f.model.indexes_of(t.name, t.schema)) {
        std::vector<std::string> parts;
        for (const auto& p : ix->parts) parts.push_back(p.column.empty() ? p.expr : p.column);
        ixs.push_back({{"name", ix->name}, {"columns", parts}, {"unique", ix->unique}});
      }
      tables.push_back({{"schema", t.schema}, {"name", t.name}, {"file", t.loc.file}, {"line", t.loc.line},
                        {"columns", cols}, {"primary_key", t.primary_key ? t.primary_key->columns : std::vector<std::string>{}},
                        {"foreign_keys", fks}, {"uniques", uqs}, {"checks", cks}, {"indexes", ixs}});
    }
    json enums = json::array();
    for (const auto& e : f.model.enums) enums.push_back({{"schema", e.schema}, {"name", e.name}, {"values", e.values}});
    json files = json::array();
    for (const auto& x : f.files) files.push_back(x.path);
    const auto r = status();
    const auto ms = migration_files();
    json um = unmigrated(f.model, ms);
    const json blocked = blockers(r);
    return {{"dialect", std::string(schema::to_string(d))}, {"tables", tables}, {"enums", enums}, {"files", files},
            {"read_only", o.read_only}, {"blocked", blocked}, {"unmigrated", um},
            {"writable", !o.read_only && blocked.empty() && um.empty()}};
  }

  // ---- POST /api/schema/preview and /write -------------------------------------------------------
  json edit(const json& b, bool write) {
    const auto& p = project();
    writable();
    if (!b.is_object()) throw ApiError(400, "studio.request", "the request is a JSON object with \"edit\"");
    if (write && !(b.contains("confirm") && b["confirm"] == true))
      throw ApiError(400, "studio.confirm", "writing a migration needs {\"confirm\": true} after its preview");
    const auto r = status();
    if (const json bl = blockers(r); !bl.empty())
      throw ApiError(409, "studio.drift",
                     "the database does not match its migrations; the editor writes nothing until that is resolved "
                     "(flash status explains it; flash pull or a migration of the drift fixes it)",
                     bl);
    auto f = schema_files();
    const auto ms = migration_files();
    if (auto um = unmigrated(f.model, ms); !um.empty())
      throw ApiError(409, "studio.unmigrated",
                     "the schema files hold changes no migration has yet; run flash migrate for them first", um);
    const auto edited = edit_schema_files(f.files, f.model, b.value("edit", json()), f.new_file);

    migrate::GenerateOptions go;
    std::string name = b.contains("name") && b["name"].is_string() ? b["name"].get<std::string>() : "";
    if (name.empty()) name = edited.summary;
    go.name = migrate::sanitize_name(name);
    if (go.name.empty()) go.name = "studio_edit";
    go.dry_run = !write;
    go.schema_files = edited.files;
    go.accept_data_loss = b.value("accept_data_loss", false);
    const json answers = b.value("renames", json::object());
    json questions = json::array();
    migrate::Output out;
    out.confirm = [&](const std::string& q, const std::string& flag) {
      if (answers.is_object() && answers.contains(flag) && answers[flag].is_boolean()) return answers[flag].get<bool>();
      questions.push_back({{"question", q}, {"flag", flag}});
      if (write) throw ApiError(409, "studio.rename", q + " Answer it in the preview.", questions);
      return false;
    };
    std::optional<prove::Result> proof;
    if (write)
      go.before_write = [&](const std::vector<migrate::MigrationFile>& existing, const migrate::MigrationFile& cand) {
        if (!b.contains("expect") || b["expect"] != cand.content)
          throw ApiError(409, "studio.changed", "the migration would differ from the preview you confirmed: preview again");
        proof = prove::prove_down(p, existing, cand, o.server);
      };
    auto res = engine(409, "", [&] { return migrate::generate(p, go, out); });
    if (res.no_changes) throw ApiError(400, "studio.no_changes", "this edit changes nothing in the schema");

    json files = json::array();
    for (auto i : edited.changed) {
      std::string before;
      for (const auto& x : f.files)
        if (x.path == edited.files[i].path) before = x.text;
      files.push_back({{"path", edited.files[i].path}, {"before", before}, {"after", edited.files[i].text}});
    }
    json warnings = json::array();
    for (const auto& w : res.plan.warnings) warnings.push_back({{"code", w.code}, {"message", w.message}});
    json j = {{"summary", edited.summary}, {"file", res.path->string()}, {"id", res.path->stem().string()},
              {"content", res.content}, {"up", section(res.content, false)}, {"down", section(res.content, true)},
              {"warnings", warnings}, {"schema_files", files}, {"renames", questions}, {"written", false}};
    if (!write) {
      // Lint and live-data conflicts of the new migration, as apply would judge it now.
      diag::Diagnostics dg;
      auto cand = migrate::parse_migration(*res.path, res.content, p.dialect, dg);
      auto all = ms;
      all.push_back(cand);
      j["lint"] = lint::to_json(lint::lint_migrations(all, {all.size() - 1}, p.dialect, lint_settings()));
      auto before = replayed(ms, ms.size());
      auto after = before;
      migrate::replay_one(after, cand, dg);
      j.update(conflicts_json(migrate::detect_conflicts(c, cand, before, after, res.plan)));
      return j;
    }
    // The migration is written (proved); now the schema files, or the migration goes again.
    try {
      for (auto i : edited.changed) {
        fs::create_directories(fs::path(edited.files[i].path).parent_path());
        util::write_file_atomic(edited.files[i].path, edited.files[i].text);
      }
    } catch (...) {
      std::error_code ec;
      fs::remove(*res.path, ec);
      throw;
    }
    j["written"] = true;
    if (proof) j["proof"] = {{"where", proof->where}, {"replayed", proof->replayed}};
    return j;
  }

  // ---- migrations page ---------------------------------------------------------------------------
  json migrations_json() {
    auto r = status();
    json j = migrate::to_json(r);
    json contents = json::object();
    for (const auto& m : migration_files()) contents[m.id] = {{"file", m.path.string()}, {"content", m.content},
                                                              {"up", section(m.content, false)},
                                                              {"down", section(m.content, true)}};
    for (auto& m : j["migrations"])
      if (contents.contains(m["id"].get<std::string>())) m.update(contents[m["id"].get<std::string>()]);
    j["blocked"] = blockers(r);
    j["read_only"] = o.read_only;
    return j;
  }

  migrate::Output progress_output() {
    migrate::Output out;
    auto log = [this](const std::string& s) {
      std::lock_guard l(progress_mu);
      progress_log.push_back(s);
    };
    out.say = log;
    out.warn = [log](const std::string& s) { log("warning: " + s); };
    return out;  // confirm stays empty: the engine names the flag (the request's option) instead of asking
  }

  json run_or_plan(const json& b, bool real) {
    const auto& p = project();
    if (real) writable();
    if (!b.is_object()) throw ApiError(400, "studio.request", "the request is a JSON object with \"action\"");
    const std::string action = b.value("action", "");
    if (action != "apply" && action != "down") throw ApiError(400, "studio.request", "action is apply or down");
    if (real && !(b.contains("confirm") && b["confirm"] == true))
      throw ApiError(400, "studio.confirm", "a run needs {\"confirm\": true} after its preview");
    const std::string to = b.contains("to") && b["to"].is_string() ? b["to"].get<std::string>() : "";
    const bool accept_loss = b.value("accept_data_loss", false);
    json j = {{"action", action}, {"dry_run", !real}};
    const auto files = migration_files();
    if (action == "apply") {
      // Lint of the pending migrations, graded by the live tables (an error stops the run, as apply).
      std::set<std::string> applied;
      if (migrate::tracking_table_exists(c))
        for (const auto& row : migrate::read_tracking(c))
          if (row.finished() && !row.rolled_back_at) applied.insert(row.id);
      std::vector<std::size_t> pending;
      for (std::size_t i = 0; i < files.size(); ++i) {
        if (!applied.count(files[i].id)) pending.push_back(i);
        if (!to.empty() && files[i].id == to) break;
      }
      const auto findings = lint::lint_migrations(files, pending, p.dialect, lint_settings());
      j["lint"] = lint::to_json(findings);
      bool lint_error = std::any_of(findings.begin(), findings.end(),
                                    [](const auto& f) { return f.diag.severity == diag::Severity::error; });
      // The query check, as `flash apply` runs it: a pending migration that breaks a query of the
      // project stops the run unless the request says no_check (the CLI's --no-check).
      const bool no_check = b.value("no_check", false);
      try {
        j["check"] = check::to_json(check::check_project(o.queries, check::files_up_to(files, applied, to), applied,
                                                         p.dialect));
      } catch (const diag::Errors& e) {
        j["blocked"] = diag_json(e.diagnostics().front());
      } catch (const diag::Error& e) {
        j["blocked"] = diag_json(e.diagnostic());
      }
      migrate::ApplyOptions ao;
      ao.dry_run = true;
      ao.accept_data_loss = accept_loss;
      if (!to.empty()) ao.target = to;
      try {
        auto res = migrate::apply(c, p, ao, {});
        j["statements"] = res.statements;
        j["sql"] = res.dry_run_sql;
        j["migrations"] = res.applied;
      } catch (const diag::Error& e) {
        j["blocked"] = diag_json(e.diagnostic());
      } catch (const diag::Errors& e) {
        j["blocked"] = diag_json(e.diagnostics().front());
      }
      if (!real) return j;
      if (j.contains("blocked")) throw ApiError(409, "studio.blocked", j["blocked"]["message"].get<std::string>(), j["blocked"]);
      if (lint_error) throw ApiError(409, "studio.lint", "the lint of the pending migrations found an error", j["lint"]);
      if (!no_check && j.contains("check") && !j["check"]["clean"].get<bool>())
        throw ApiError(409, "studio.check",
                       "a pending migration breaks " + std::to_string(j["check"]["findings"].size()) +
                           " query check(s); fix the query or the migration, or skip the check (flash apply --no-check)",
                       j["check"]);
      start_progress("Applying", j.value("migrations", json::array()));
      ao.dry_run = false;
      try {
        auto res = engine(409, "", [&] { return migrate::apply(c, p, ao, progress_output()); });
        j["applied"] = res.applied;
        j["dry_run"] = false;
      } catch (...) {
        end_progress();
        throw;
      }
    } else {
      migrate::DownOptions dn;
      dn.dry_run = true;
      dn.accept_data_loss = accept_loss;
      if (!to.empty()) dn.target = to;
      else dn.steps = std::max(1, b.value("steps", 1));
      try {
        auto res = migrate::down(c, p, dn, {});
        j["statements"] = res.statements;
        j["sql"] = res.dry_run_sql;
        j["migrations"] = res.rolled_back;
      } catch (const diag::Error& e) {
        j["blocked"] = diag_json(e.diagnostic());
      }
      if (!real) return j;
      if (j.contains("blocked")) throw ApiError(409, "studio.blocked", j["blocked"]["message"].get<std::string>(), j["blocked"]);
      start_progress("Rolling back", j.value("migrations", json::array()));
      dn.dry_run = false;
      try {
        auto res = engine(409, "", [&] { return migrate::down(c, p, dn, progress_output()); });
        j["rolled_back"] = res.rolled_back;
        j["dry_run"] = false;
      } catch (...) {
        end_progress();
        throw;
      }
    }
    end_progress();
    if (changed) changed();
    return j;
  }
  // The run begins: the log names what it is about to do (the engine then says each migration done).
  void start_progress(const std::string& what, const json& ids) {
    std::lock_guard l(progress_mu);
    running = true;
    progress_log.clear();
    std::vector<std::string> v;
    for (const auto& id : ids) v.push_back(id.get<std::string>());
    progress_log.push_back(what + " " + std::to_string(v.size()) + " migration(s): " + util::join(v, ", ") + "…");
  }
  void end_progress() {
    std::lock_guard l(progress_mu);
    running = false;
  }
};

SchemaEdit::SchemaEdit(driver::SqlConnection& c, EditOptions o, std::function<void()> changed)
    : impl_(std::make_unique<Impl>(c, std::move(o), std::move(changed))) {}
SchemaEdit::~SchemaEdit() = default;
json SchemaEdit::schema() { return impl_->schema_json(); }
json SchemaEdit::preview(const json& b) { return impl_->edit(b, false); }
json SchemaEdit::write(const json& b) { return impl_->edit(b, true); }
json SchemaEdit::migrations() { return impl_->migrations_json(); }
json SchemaEdit::plan(const json& b) { return impl_->run_or_plan(b, false); }
json SchemaEdit::run(const json& b) { return impl_->run_or_plan(b, true); }
json SchemaEdit::progress() const {
  std::lock_guard l(impl_->progress_mu);
  return {{"running", impl_->running}, {"log", impl_->progress_log}};
}

}  // namespace flash::studio

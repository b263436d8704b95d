#include "flash/studio/tools.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "flash/export/format.hpp"
#include "flash/migrate/files.hpp"
#include "flash/migrate/tracking.hpp"
#include "flash/schema/types.hpp"
#include "flash/sql/splitter.hpp"
#include "flash/studio/explain.hpp"
#include "flash/util/text.hpp"

namespace flash::studio {

using nlohmann::json;

namespace {

// ---- query ids and cancel ------------------------------------------------------------------------

// The run executing now (one at a time: the connection is locked per request) and the ids the
// user cancelled. A cancel re-sends the engine's cancel until the run has stopped: a cancel that
// reaches the server between two statements, or before the statement started, stops nothing.
class QueryRuns {
 public:
  // The connection is looked up when a cancel is sent: a run is then in progress and holds the
  // connection lock, so a branch switch cannot replace it meanwhile.
  explicit QueryRuns(std::function<driver::SqlConnection&()> conn) : conn_(std::move(conn)) {}

  void begin(const std::string& id) {
    std::lock_guard l(mu_);
    current_ = id;
  }
  void end(const std::string& id) {
    std::lock_guard l(mu_);
    if (current_ == id) current_.clear();
  }
  bool cancelled(const std::string& id) {
    std::lock_guard l(mu_);
    return !id.empty() && std::find(cancelled_.begin(), cancelled_.end(), id) != cancelled_.end();
  }
  json cancel(const std::string& id) {
    {
      std::lock_guard l(mu_);
      cancelled_.push_back(id);
      if (cancelled_.size() > 256) cancelled_.pop_front();
    }
    bool was_running = false, sent = false;
    for (int i = 0; i < 50; ++i) {  // 5 s at most
      {
        std::lock_guard l(mu_);  // held while cancelling: the run cannot change under the cancel
        if (current_ != id) break;
        was_running = true;
        if (auto* c = driver::canceller(conn_())) sent = c->cancel_running() || sent;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    bool stopped;
    {
      std::lock_guard l(mu_);
      stopped = current_ != id;
    }
    return {{"query_id", id}, {"was_running", was_running}, {"sent", sent}, {"stopped", stopped}};
  }

 private:
  std::function<driver::SqlConnection&()> conn_;
  std::mutex mu_;
  std::string current_;
  std::deque<std::string> cancelled_;
};

struct RunScope {
  QueryRuns& runs;
  std::string id;
  RunScope(QueryRuns& r, std::string i) : runs(r), id(std::move(i)) { runs.begin(id); }
  ~RunScope() { runs.end(id); }
};

std::string query_id(const json& b) {
  if (!b.is_object() || !b.contains("query_id") || b["query_id"].is_null()) return "";
  if (!b["query_id"].is_string()) throw ApiError(400, "studio.query_id", "query_id is a string");
  const auto& s = b["query_id"].get_ref<const std::string&>();
  if (s.empty() || s.size() > 64 ||
      !std::all_of(s.begin(), s.end(), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_'; }))
    throw ApiError(400, "studio.query_id", "query_id is 1 to 64 letters, digits, '-' or '_'");
  return s;
}

json body_json(const httplib::Request& req) { return req.body.empty() ? json::object() : json::parse(req.body); }

void refuse_read_only(const ServeOptions& o, const char* what) {
  if (o.read_only) throw ApiError(403, "studio.read_only", std::string("the studio runs with --read-only: ") + what);
}

// ---- export of a view ----------------------------------------------------------------------------

struct ExportState {
  json q;
  bool csv = true;
  bool first = true;
  std::vector<std::string> names;
  std::vector<schema::TypeCategory> cats;
  std::string pending;  // the first page, formatted before the response starts
  bool done = false;
};

void format_rows(ExportState& s, const driver::ResultSet& rs, std::string& out) {
  for (const auto& row : rs.rows) {
    if (s.csv) {
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (i) out += ',';
        exporter::append_csv_value(out, row[i], s.cats[i]);
      }
      out += '\n';
    } else {
      out += s.first ? "\n  {" : ",\n  {";
      s.first = false;
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (i) out += ", ";
        exporter::append_json_string(out, s.names[i]);
        out += ": ";
        exporter::append_json_value(out, row[i], s.cats[i]);
      }
      out += '}';
    }
  }
}

// One page of the view into `out`; advances the cursor. False at the end.
bool next_page(Api& api, ExportState& s, std::string& out) {
  json page = api.rows(s.q, [&](const driver::ResultSet& rs) { format_rows(s, rs, out); });
  if (page["next"].is_null()) return false;
  if (page["next"].is_object()) s.q["offset"] = page["next"]["offset"];
  else s.q["after"] = page["next"];
  return true;
}

// ---- layout ----------------------------------------------------------------------------------------

std::filesystem::path layout_path(const ServeOptions& o) { return o.project_root / "db" / "studio" / "layout.json"; }

// ---- history ---------------------------------------------------------------------------------------

json table_json(const schema::Table& t, schema::Dialect d) {
  json cols = json::array();
  for (const auto& c : t.columns) {
    const bool pk = t.primary_key && std::find(t.primary_key->columns.begin(), t.primary_key->columns.end(), c.name) !=
                                         t.primary_key->columns.end();
    cols.push_back({{"name", c.name}, {"type", schema::render_type(c.type, d)}, {"pk", pk}, {"nullable", c.nullable}});
  }
  json fks = json::array();
  for (const auto& fk : t.foreign_keys)
    fks.push_back({{"columns", fk.columns}, {"ref_schema", fk.ref_schema}, {"ref_table", fk.ref_table},
                   {"ref_columns", fk.ref_columns}});
  return {{"schema", t.schema}, {"name", t.name}, {"kind", "table"}, {"columns", cols}, {"foreign_keys", fks},
          {"primary_key", t.primary_key ? json(t.primary_key->columns) : json::array()}};
}

}  // namespace

std::string layout_text(const json& positions) {
  if (!positions.is_object()) throw ApiError(400, "studio.layout", "positions is an object of table: {x, y}");
  if (positions.size() > 10000) throw ApiError(400, "studio.layout", "at most 10,000 tables in a layout");
  std::string out = "{\n  \"version\": 1,\n  \"positions\": {";
  bool first = true;
  for (const auto& [name, p] : positions.items()) {  // nlohmann::json keeps keys sorted
    if (name.empty() || name.size() > 300) throw ApiError(400, "studio.layout", "a table name is 1 to 300 characters");
    if (!p.is_object() || !p.contains("x") || !p.contains("y") || !p["x"].is_number() || !p["y"].is_number())
      throw ApiError(400, "studio.layout", "a position is {\"x\": number, \"y\": number}");
    const double x = p["x"].get<double>(), y = p["y"].get<double>();
    if (!std::isfinite(x) || !std::isfinite(y) || std::fabs(x) > 1e7 || std::fabs(y) > 1e7)
      throw ApiError(400, "studio.layout", "a coordinate is a finite number within ±10,000,000");
    out += first ? "\n    " : ",\n    ";
    first = false;
    out += json(name).dump() + ": {\"x\": " + std::to_string(std::llround(x)) + ", \"y\": " + std::to_string(std::llround(y)) + "}";
  }
  out += first ? "}\n}\n" : "\n  }\n}\n";
  return out;
}

json schema_changes(const schema::Schema& before, const schema::Schema& after, const std::vector<diff::Rename>& renames) {
  diff::DiffOptions opts;
  opts.renames = renames;
  opts.accept_drops = true;  // replayed history: what was dropped and added is shown as such
  const auto plan = diff::diff_schemas(before, after, opts);
  json added = json::array(), removed = json::array(), changed = json::object(), ops = json::array();
  auto entry = [&](const std::string& t) -> json& {
    if (!changed.contains(t)) changed[t] = {{"added", json::array()}, {"removed", json::array()}, {"changed", json::array()}};
    return changed[t];
  };
  using K = diff::OpKind;
  for (const auto& op : plan.operations) {
    ops.push_back(op.comment);
    if (op.table.empty()) continue;
    const std::string t = schema::qualified(op.schema, op.table);
    switch (op.kind) {
      case K::create_table: added.push_back(t); break;
      case K::drop_table: removed.push_back(t); break;
      case K::add_column: entry(t)["added"].push_back(op.object); break;
      case K::drop_column: entry(t)["removed"].push_back(op.object); break;
      case K::rename_column: case K::alter_column_type: case K::set_not_null: case K::drop_not_null:
      case K::set_default: case K::drop_default: case K::alter_column_other:
        entry(t)["changed"].push_back(op.object);
        break;
      case K::rebuild_table: {  // SQLite: the table rebuilt; its columns compared one by one
        const auto* a = before.find_table(op.table, op.schema);
        const auto* b = after.find_table(op.table, op.schema);
        json& e = entry(t);
        if (a && b) {
          for (const auto& c : b->columns) {
            const auto* old = a->find_column(c.name);
            if (!old) e["added"].push_back(c.name);
            else if (schema::render_type(old->type, after.dialect) != schema::render_type(c.type, after.dialect) ||
                     old->nullable != c.nullable || old->default_expr != c.default_expr)
              e["changed"].push_back(c.name);
          }
          for (const auto& c : a->columns)
            if (!b->find_column(c.name)) e["removed"].push_back(c.name);
        }
        break;
      }
      case K::create_view: case K::drop_view: case K::create_enum: case K::drop_enum: case K::add_enum_value:
      case K::drop_enum_value: case K::reorder_enum:
        break;  // not drawn in the diagram
      default: entry(t);  // keys, constraints, indexes, renames: the table changed
    }
  }
  return {{"added", added}, {"removed", removed}, {"changed", changed}, {"operations", ops}};
}

namespace {

void add_sql_routes(const ToolsHost& h) {
  auto runs = std::make_shared<QueryRuns>(h.conn);

  h.http.Post("/api/sql", [h, runs](const httplib::Request& req, httplib::Response& res) {
    h.call(res, [&] {
      const json b = body_json(req);
      const std::string id = query_id(b);
      RunScope scope(*runs, id);
      json r = h.api.run_sql(b, [&] { return runs->cancelled(id); });
      if (runs->cancelled(id)) r["cancelled"] = true;
      return r;
    });
  });
  // No connection lock: it runs while the query it stops holds the connection.
  h.http.Post("/api/sql/cancel", [h, runs](const httplib::Request& req, httplib::Response& res) {
    try {
      refuse_read_only(h.o, "the SQL runner is disabled");
      const std::string id = query_id(body_json(req));
      if (id.empty()) throw ApiError(400, "studio.query_id", "cancel names the run: {\"query_id\": …}");
      res.set_content(runs->cancel(id).dump(), "application/json");
    } catch (const ApiError& e) {
      res.status = e.status();
      res.set_content(json{{"error", {{"code", e.code()}, {"message", e.what()}}}}.dump(), "application/json");
    } catch (const json::exception&) {
      res.status = 400;
      res.set_content(json{{"error", {{"code", "studio.json"}, {"message", "the request body is not JSON"}}}}.dump(),
                      "application/json");
    }
  });
  h.http.Post("/api/explain", [h, runs](const httplib::Request& req, httplib::Response& res) {
    h.call(res, [&] {
      refuse_read_only(h.o, "the SQL runner is disabled");
      const json b = body_json(req);
      const std::string id = query_id(b);
      const std::string text = b.value("sql", "");
      diag::Diagnostics diags;
      auto stmts = sql::split_statements(sql::SourceFile{"<sql>", text}, h.conn().dialect(), diags);
      if (diag::has_errors(diags) || stmts.size() != 1)
        throw ApiError(400, "studio.explain", "EXPLAIN takes exactly one statement");
      RunScope scope(*runs, id);
      const bool mariadb = h.conn().server_version().find("MariaDB") != std::string::npos;
      try {
        return explain_statement(h.conn(), mariadb, stmts[0].text, b.value("analyze", false));
      } catch (const driver::DbError&) {
        if (runs->cancelled(id)) throw ApiError(409, "studio.cancelled", "the query was cancelled");
        throw;
      }
    });
  });

}

void add_export_route(const ToolsHost& h) {
  h.http.Get("/api/export", [h](const httplib::Request& req, httplib::Response& res) {
    auto st = std::make_shared<ExportState>();
    h.call(res, [&] {
      st->q = json::parse(req.get_param_value("q"));
      if (!st->q.is_object()) throw ApiError(400, "studio.request", "the query is a JSON object");
      const std::string format = st->q.value("format", "csv");
      if (format != "csv" && format != "json") throw ApiError(400, "studio.format", "format is csv or json");
      st->csv = format == "csv";
      st->q.erase("format");
      st->q["limit"] = 1000;
      st->q.erase("after");
      st->q.erase("before");
      st->q.erase("last");
      st->q.erase("offset");
      // Column names and categories from the page's columns and the model's types.
      json probe = st->q;
      probe["limit"] = 1;
      const json first = h.api.rows(probe);
      const auto& model = h.api.model();
      const auto* t = model.find_table(first.value("table", ""), first.value("schema", ""));
      for (const auto& c : first["columns"]) {
        st->names.push_back(c["name"]);
        const auto* col = t ? t->find_column(c["name"].get<std::string>()) : nullptr;
        st->cats.push_back(col ? schema::category(col->type, model.dialect, &model) : schema::TypeCategory::text);
      }
      if (st->csv) {
        for (std::size_t i = 0; i < st->names.size(); ++i) {
          if (i) st->pending += ',';
          st->pending += exporter::csv_field(json(st->names[i]), schema::TypeCategory::text);
        }
        st->pending += '\n';
      } else {
        st->pending += '[';
      }
      st->done = !next_page(h.api, *st, st->pending);
      return json::object();
    });
    if (res.status != 200) return;
    std::string name = st->q.value("table", "export");
    for (char& ch : name)
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-') ch = '_';
    res.body.clear();
    res.headers.erase("Content-Type");
    res.set_header("Content-Disposition", "attachment; filename=\"" + name + (st->csv ? ".csv" : ".json") + "\"");
    res.set_chunked_content_provider(st->csv ? "text/csv; charset=utf-8" : "application/json",
                                     [h, st](std::size_t, httplib::DataSink& sink) {
      if (!st->pending.empty()) {
        std::string chunk;
        chunk.swap(st->pending);
        sink.write(chunk.data(), chunk.size());
        return true;
      }
      if (st->done) {
        if (!st->csv) {
          const std::string end = st->first ? "]\n" : "\n]\n";
          sink.write(end.data(), end.size());
        }
        sink.done();
        return true;
      }
      try {
        std::lock_guard lock(h.db_mu);
        std::string chunk;
        st->done = !next_page(h.api, *st, chunk);
        sink.write(chunk.data(), chunk.size());
      } catch (const std::exception&) {
        return false;  // the download ends incomplete (the status line was sent already)
      }
      return true;
    });
  });

}

void add_layout_routes(const ToolsHost& h) {
  h.http.Get("/api/layout", [h](const httplib::Request&, httplib::Response& res) {
    h.call(res, [&] {
      if (h.o.project_root.empty()) return json{{"positions", json::object()}, {"file", nullptr}};
      const auto p = layout_path(h.o);
      json positions = json::object();
      if (std::filesystem::exists(p)) {
        try {
          const json j = json::parse(util::read_file(p));
          if (j.contains("positions") && j["positions"].is_object()) positions = j["positions"];
        } catch (const json::exception&) {
          throw ApiError(400, "studio.layout", "db/studio/layout.json is not the JSON the studio writes: fix or delete it");
        }
      }
      return json{{"positions", positions}, {"file", "db/studio/layout.json"}};
    });
  });
  h.http.Post("/api/layout", [h](const httplib::Request& req, httplib::Response& res) {
    h.call(res, [&] {
      refuse_read_only(h.o, "the layout is not saved");
      if (h.o.project_root.empty())
        throw ApiError(400, "studio.no_project", "the studio runs without a project folder: nothing to save into");
      const json b = body_json(req);
      const std::string text = layout_text(b.value("positions", json()));
      const auto p = layout_path(h.o);
      std::filesystem::create_directories(p.parent_path());
      util::write_file_atomic(p, text);
      return json{{"saved", "db/studio/layout.json"}, {"tables", b["positions"].size()}};
    });
  });

}

void add_history_routes(const ToolsHost& h) {
  auto load_files = [h](diag::Diagnostics& diags) {
    if (h.o.migrations_dir.empty()) return std::vector<migrate::MigrationFile>{};
    return migrate::load_migrations(h.o.migrations_dir, h.conn().dialect(), diags);
  };
  h.http.Get("/api/history", [h, load_files](const httplib::Request&, httplib::Response& res) {
    h.call(res, [&] {
      diag::Diagnostics diags;
      const auto files = load_files(diags);
      std::set<std::string> applied;
      if (migrate::tracking_table_exists(h.conn()))
        for (const auto& r : migrate::read_tracking(h.conn()))
          if (r.finished() && !r.rolled_back_at) applied.insert(r.id);
      json list = json::array();
      for (const auto& f : files) list.push_back({{"id", f.id}, {"name", f.name}, {"applied", applied.count(f.id) > 0}});
      return json{{"migrations", list}, {"applied", applied.size()}};
    });
  });
  h.http.Get("/api/history/at", [h, load_files](const httplib::Request& req, httplib::Response& res) {
    h.call(res, [&] {
      diag::Diagnostics diags;
      const auto files = load_files(diags);
      std::size_t n = 0;
      const std::string ns = req.get_param_value("n");
      if (ns.empty() || ns.size() > 6 || !std::all_of(ns.begin(), ns.end(), [](char ch) { return ch >= '0' && ch <= '9'; }) ||
          std::stoul(ns) > files.size())
        throw ApiError(400, "studio.history", "n is a number of migrations, 0 to " + std::to_string(files.size()));
      n = std::stoul(ns);
      const auto d = h.conn().dialect();
      const auto before = migrate::replay(files, n ? n - 1 : 0, d, diags);
      const auto after = migrate::replay(files, n, d, diags);
      json tables = json::array();
      for (const auto& t : after.tables) tables.push_back(table_json(t, d));
      json changes = n ? schema_changes(before, after, files[n - 1].renames) : json{{"added", json::array()},
                                                                                       {"removed", json::array()},
                                                                                       {"changed", json::object()},
                                                                                       {"operations", json::array()}};
      for (const auto& t : before.tables)  // removed tables stay drawn, marked
        if (!after.find_table(t.name, t.schema)) {
          auto j = table_json(t, d);
          j["removed"] = true;
          tables.push_back(std::move(j));
        }
      json problems = json::array();
      for (const auto& dg : diags)
        if (dg.severity == diag::Severity::error) problems.push_back(dg.location.file + ":" + std::to_string(dg.location.line) + ": " + dg.message);
      json mig = n ? json{{"id", files[n - 1].id}, {"name", files[n - 1].name}} : json();
      return json{{"n", n}, {"migration", mig}, {"tables", tables}, {"changes", changes}, {"problems", problems}};
    });
  });
}

}  // namespace

void add_tool_routes(const ToolsHost& h) {
  add_sql_routes(h);
  add_export_route(h);
  add_layout_routes(h);
  add_history_routes(h);
}

}  // namespace flash::studio

#include "flash/studio/transfer.hpp"

#include <httplib.h>

#include <chrono>

#include "flash/export/table_file.hpp"

namespace flash::studio {

using nlohmann::json;

namespace {

constexpr std::size_t kPreviewRows = 20;
constexpr std::size_t kListedProblems = 100;
constexpr std::int64_t kExactLimit = std::int64_t{1} << 53;

struct Upload {
  std::string bytes;
  bool too_large = false;
  bool complete = false;
};

// The file's name as sent (?name=), for messages only: printable, at most 100 bytes.
std::string file_name(const httplib::Request& req) {
  std::string n = req.get_param_value("name");
  std::erase_if(n, [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  if (n.size() > 100) n.resize(100);
  return n.empty() ? "upload" : n;
}

struct Target {
  const schema::Table* table = nullptr;
  std::vector<exporter::TargetColumn> columns;
  exporter::TableFileFormat format = exporter::TableFileFormat::csv;
  std::string name;  // the file's
};

// The table (?schema=&table=, looked up in the model: only a table of the database, never a
// view) and the format (?format=csv|json, else detected from the first character).
Target target(const httplib::Request& req, Api& api, std::string_view bytes) {
  const std::string name = req.get_param_value("table"), sch = req.get_param_value("schema");
  const auto& model = api.model();
  Target t;
  for (const auto& tab : model.tables)
    if (tab.name == name && tab.schema == sch) t.table = &tab;
  if (!t.table) throw ApiError(404, "studio.table", "no table named " + schema::qualified(sch, name) + " to import into");
  t.columns = exporter::target_columns(*t.table, model);
  const std::string f = req.get_param_value("format");
  if (f.empty() || f == "auto") {
    t.format = exporter::detect_table_file_format(bytes);
  } else if (auto known = exporter::table_file_format(f)) {
    t.format = *known;
  } else {
    throw ApiError(400, "studio.format", "format is csv, json or auto");
  }
  t.name = file_name(req);
  return t;
}

// A value as shown in the preview: integers beyond ±2^53 as strings (JavaScript numbers are doubles).
json shown(const json& v) {
  if (v.is_binary()) {  // a JSON column's text (json_text_cell): shown as the value, or as text past a double
    const std::string text(v.get_binary().begin(), v.get_binary().end());
    auto j = json::parse(text, nullptr, false);
    return j.is_discarded() ? json(text) : j;
  }
  if (v.is_number_integer()) {
    const auto i = v.is_number_unsigned() ? static_cast<std::int64_t>(v.get<std::uint64_t>()) : v.get<std::int64_t>();
    if (i > kExactLimit || i < -kExactLimit) return v.dump();
  }
  return v;
}

json problem_json(std::int64_t line, const std::string& column, const std::string& message) {
  return {{"line", line}, {"column", column}, {"message", message}};
}

json preview(const Target& t, std::string_view bytes) {
  json out = {{"schema", t.table->schema},
              {"table", t.table->name},
              {"format", t.format == exporter::TableFileFormat::csv ? "csv" : "json"},
              {"bytes", bytes.size()},
              {"columns", json::array()},
              {"unknown", json::array()},
              {"missing", json::array()},
              {"ignored", json::array()},
              {"stopped", false}};
  json problems = json::array(), rows = json::array();
  std::int64_t problem_count = 0, total = 0;
  auto add = [&](std::int64_t line, const std::string& column, const std::string& message) {
    ++problem_count;
    if (problems.size() < kListedProblems) problems.push_back(problem_json(line, column, message));
  };
  try {
    exporter::TableFile f(t.name, bytes, t.format, t.columns);
    out["columns"] = f.columns();
    out["unknown"] = f.unknown();
    out["missing"] = f.missing();
    out["ignored"] = f.ignored();
    for (const auto& p : f.header_problems()) add(p.line, p.column, p.message);
    exporter::FileRow r;
    while (f.next(r)) {
      ++total;
      if (rows.size() < kPreviewRows) {
        json vals = json::array();
        for (const auto& v : r.values) vals.push_back(shown(v));
        rows.push_back({{"line", r.line}, {"values", vals}});
      }
      for (const auto& p : r.problems) add(p.line, p.column, p.message);
    }
  } catch (const exporter::TableFileError& e) {
    const auto& d = e.diagnostic();
    add(e.line(), e.column(), d.message + (d.hint ? " (" + *d.hint + ")" : ""));
    out["stopped"] = true;  // the rest of the file could not be read
  }
  // Where each table column's value comes from.
  json mapping = json::array();
  for (const auto& c : t.columns) {
    const bool given = std::find(out["columns"].begin(), out["columns"].end(), c.name) != out["columns"].end();
    mapping.push_back({{"name", c.name},
                       {"from", given ? "file" : c.generated ? "generated" : "default"},
                       {"required", c.required}});
  }
  out["mapping"] = mapping;
  out["rows"] = rows;
  out["total_rows"] = total;
  out["problems"] = problems;
  out["problem_count"] = problem_count;
  out["ok"] = problem_count == 0;
  return out;
}

json run(driver::SqlConnection& conn, const Target& t, std::string_view bytes) {
  const auto t0 = std::chrono::steady_clock::now();
  try {
    exporter::TableFile f(t.name, bytes, t.format, t.columns);
    const std::int64_t n = exporter::load_table_file(conn, t.table->schema, t.table->name, f);
    return {{"imported", n},
            {"schema", t.table->schema},
            {"table", t.table->name},
            {"ms", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count()}};
  } catch (const exporter::TableFileError& e) {
    const auto& d = e.diagnostic();
    json detail = {{"line", e.line()}, {"column", e.column()}, {"row", e.row()}, {"code", d.code}};
    if (d.hint) detail["hint"] = *d.hint;
    throw ApiError(400, "studio.import", "line " + std::to_string(e.line()) + ": " + d.message, detail);
  }
}

void refuse_read_only(const ServeOptions& o) {
  if (o.read_only) throw ApiError(403, "studio.read_only", "the studio runs with --read-only: import is disabled");
}

}  // namespace

bool is_upload_path(std::string_view path) { return path == "/api/import/preview" || path == "/api/import/run"; }

void add_transfer_routes(const ToolsHost& h) {
  for (const bool write : {false, true}) {
    h.http.Post(write ? "/api/import/run" : "/api/import/preview",
                [h, write](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& read) {
      // The body is read before the connection lock: an upload does not hold up other requests.
      Upload up;
      const bool multipart = req.is_multipart_form_data();
      if (!h.o.read_only && !multipart)
        up.complete = read([&](const char* data, std::size_t n) {
          if (up.bytes.size() + n > h.o.max_import) {
            up.too_large = true;
            return false;
          }
          up.bytes.append(data, n);
          return true;
        });
      const bool over = up.too_large || res.status == 413;
      h.call(res, [&]() -> json {
        refuse_read_only(h.o);
        if (multipart)
          throw ApiError(415, "studio.upload", "send the file itself as the request body, not a multipart form");
        if (over)
          throw ApiError(413, "studio.too_large",
                         "the file is larger than the import limit of " + std::to_string(h.o.max_import >> 20) + " MiB");
        if (!up.complete) throw ApiError(400, "studio.upload", "the file did not arrive completely");
        const Target t = target(req, h.api, up.bytes);
        return write ? run(h.conn(), t, up.bytes) : preview(t, up.bytes);
      });
    });
  }
}

}  // namespace flash::studio

#include "flash/codegen/contract.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "flash/query/file.hpp"
#include "flash/schema/json.hpp"
#include "flash/schema/types.hpp"

namespace flash::codegen {
namespace {

using json = nlohmann::json;

// A reader that names the JSON path of what is wrong: "queries[3].params[0].type.category".
class Reader {
 public:
  Reader(std::string code, std::string message_kind) : code_(std::move(code)), kind_(std::move(message_kind)) {}

  [[noreturn]] void bad(const std::string& path, const std::string& what) const {
    throw diag::Error(code_, "invalid " + kind_ + ": " + (path.empty() ? "" : path + " ") + what,
                      diag::ExitCode::error, "the contract is documented in docs/plugins.md");
  }
  const json& object(const json& j, const std::string& path) const {
    if (!j.is_object()) bad(path, "must be an object");
    return j;
  }
  const json* find(const json& j, const char* key) const {
    auto it = j.find(key);
    return it == j.end() || it->is_null() ? nullptr : &*it;
  }
  std::string str(const json& j, const char* key, const std::string& path, bool required = false) const {
    const json* v = find(j, key);
    if (!v) {
      if (required) bad(join(path, key), "is missing");
      return "";
    }
    if (!v->is_string()) bad(join(path, key), "must be a string");
    return v->get<std::string>();
  }
  bool boolean(const json& j, const char* key, const std::string& path, bool def = false) const {
    const json* v = find(j, key);
    if (!v) return def;
    if (!v->is_boolean()) bad(join(path, key), "must be true or false");
    return v->get<bool>();
  }
  int integer(const json& j, const char* key, const std::string& path, int def = 0, bool required = false) const {
    const json* v = find(j, key);
    if (!v) {
      if (required) bad(join(path, key), "is missing");
      return def;
    }
    if (!v->is_number_integer()) bad(join(path, key), "must be an integer");
    return v->get<int>();
  }
  const json& array(const json& j, const char* key, const std::string& path, bool required = false) const {
    static const json empty = json::array();
    const json* v = find(j, key);
    if (!v) {
      if (required) bad(join(path, key), "is missing");
      return empty;
    }
    if (!v->is_array()) bad(join(path, key), "must be an array");
    return *v;
  }
  std::vector<std::string> strs(const json& j, const char* key, const std::string& path) const {
    std::vector<std::string> out;
    const json& a = array(j, key, path);
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_string()) bad(join(path, key) + "[" + std::to_string(i) + "]", "must be a string");
      out.push_back(a[i].get<std::string>());
    }
    return out;
  }
  template <typename F>
  auto guarded(const std::string& path, F&& f) const {
    try {
      return f();
    } catch (const diag::Error& e) {  // schema/json.cpp's own reader: re-coded, with our path
      if (e.diagnostic().code == code_) throw;
      bad(path, e.diagnostic().message);
    }
  }
  static std::string join(const std::string& path, const char* key) { return path.empty() ? key : path + "." + key; }

 private:
  std::string code_, kind_;
};

std::string index(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

json loc_to_json(const diag::Location& l) { return {{"file", l.file}, {"line", l.line}, {"column", l.column}}; }
diag::Location loc_from_json(const Reader& r, const json& j, const std::string& path) {
  r.object(j, path);
  diag::Location l;
  l.file = r.str(j, "file", path);
  l.line = r.integer(j, "line", path);
  l.column = r.integer(j, "column", path);
  return l;
}

schema::TypeCategory category_from(const Reader& r, const std::string& s, const std::string& path) {
  for (int c = 0; c <= static_cast<int>(schema::TypeCategory::other); ++c)
    if (schema::to_string(static_cast<schema::TypeCategory>(c)) == s) return static_cast<schema::TypeCategory>(c);
  r.bad(path, "is not a type category: \"" + s + "\"");
}

json type_to_json(const query::ResolvedType& t) {
  json j = {{"sql", schema::type_to_json(t.sql)}, {"category", std::string(schema::to_string(t.category))}};
  if (!t.enum_name.empty()) j["enum_name"] = t.enum_name;
  if (!t.enum_values.empty()) j["enum_values"] = t.enum_values;
  if (t.array_dims) j["array_dims"] = t.array_dims;
  return j;
}
query::ResolvedType type_from_json(const Reader& r, const json& j, const std::string& path) {
  r.object(j, path);
  query::ResolvedType t;
  const json* sql = r.find(j, "sql");
  if (!sql) r.bad(Reader::join(path, "sql"), "is missing");
  t.sql = r.guarded(Reader::join(path, "sql"), [&] { return schema::type_from_json(*sql); });
  t.category = category_from(r, r.str(j, "category", path, true), Reader::join(path, "category"));
  t.enum_name = r.str(j, "enum_name", path);
  t.enum_values = r.strs(j, "enum_values", path);
  t.array_dims = r.integer(j, "array_dims", path);
  return t;
}

json query_to_json(const query::Query& q) {
  json j = {{"name", q.name},
            {"kind", std::string(query::to_string(q.kind))},
            {"source_sql", q.source_sql},
            {"sql", q.sql},
            {"file", q.file},
            {"location", loc_to_json(q.loc)},
            {"comments", q.comments}};
  j["params"] = json::array();
  for (const auto& p : q.params)
    j["params"].push_back({{"number", p.number},
                           {"name", p.name},
                           {"type", type_to_json(p.type)},
                           {"nullable", p.nullable},
                           {"is_slice", p.is_slice}});
  j["columns"] = json::array();
  for (const auto& c : q.columns) {
    json jc = {{"name", c.name}, {"type", type_to_json(c.type)}, {"nullable", c.nullable}};
    if (!c.table.empty()) jc["table"] = c.table;
    if (!c.embed_table.empty()) jc["embed_table"] = c.embed_table;
    j["columns"].push_back(std::move(jc));
  }
  if (!q.returns_table.empty()) j["returns_table"] = q.returns_table;
  j["bind_order"] = q.bind_order;
  j["required"] = q.required;
  return j;
}
query::Query query_from_json(const Reader& r, const json& j, const std::string& path) {
  r.object(j, path);
  query::Query q;
  q.name = r.str(j, "name", path, true);
  const std::string kind = r.str(j, "kind", path, true);
  auto k = query::kind_from_string(kind);
  if (!k) r.bad(Reader::join(path, "kind"), "is not a query kind: \"" + kind + "\"");
  q.kind = *k;
  q.source_sql = r.str(j, "source_sql", path);
  q.sql = r.str(j, "sql", path, true);
  q.file = r.str(j, "file", path);
  if (const json* l = r.find(j, "location")) q.loc = loc_from_json(r, *l, Reader::join(path, "location"));
  q.comments = r.strs(j, "comments", path);
  const json& params = r.array(j, "params", path, true);
  for (std::size_t i = 0; i < params.size(); ++i) {
    const std::string pp = index(Reader::join(path, "params"), i);
    const json& jp = r.object(params[i], pp);
    query::Param p;
    p.number = r.integer(jp, "number", pp, 0, true);
    p.name = r.str(jp, "name", pp, true);
    const json* t = r.find(jp, "type");
    if (!t) r.bad(Reader::join(pp, "type"), "is missing");
    p.type = type_from_json(r, *t, Reader::join(pp, "type"));
    p.nullable = r.boolean(jp, "nullable", pp);
    p.is_slice = r.boolean(jp, "is_slice", pp);
    q.params.push_back(std::move(p));
  }
  const json& cols = r.array(j, "columns", path, true);
  for (std::size_t i = 0; i < cols.size(); ++i) {
    const std::string cp = index(Reader::join(path, "columns"), i);
    const json& jc = r.object(cols[i], cp);
    query::Column c;
    c.name = r.str(jc, "name", cp, true);
    const json* t = r.find(jc, "type");
    if (!t) r.bad(Reader::join(cp, "type"), "is missing");
    c.type = type_from_json(r, *t, Reader::join(cp, "type"));
    c.nullable = r.boolean(jc, "nullable", cp, true);
    c.table = r.str(jc, "table", cp);
    c.embed_table = r.str(jc, "embed_table", cp);
    q.columns.push_back(std::move(c));
  }
  q.returns_table = r.str(j, "returns_table", path);
  const json& bind = r.array(j, "bind_order", path);
  for (std::size_t i = 0; i < bind.size(); ++i) {
    if (!bind[i].is_number_integer()) r.bad(index(Reader::join(path, "bind_order"), i), "must be an integer");
    q.bind_order.push_back(bind[i].get<int>());
  }
  q.required = r.strs(j, "required", path);
  return q;
}

// The [gen.NAME] table as written, without Flash's own keys (plugin, timeout).
json settings_to_json(const config::GenTarget& t) {
  json j = {{"enabled", t.enabled}, {"out", t.out}};
  if (!t.driver.empty()) j["driver"] = t.driver;
  if (t.async) j["async"] = true;
  for (const auto& [k, v] : t.settings)
    std::visit([&](const auto& x) { j[k] = x; }, v);
  return j;
}
config::GenTarget settings_from_json(const Reader& r, const json& j, const std::string& path) {
  r.object(j, path);
  config::GenTarget t;
  for (const auto& [k, v] : j.items()) {
    const std::string p = path + "." + k;
    if (k == "enabled") t.enabled = r.boolean(j, "enabled", path);
    else if (k == "out") t.out = r.str(j, "out", path);
    else if (k == "driver") t.driver = r.str(j, "driver", path);
    else if (k == "async") t.async = r.boolean(j, "async", path);
    else if (v.is_boolean()) t.settings[k] = v.get<bool>();
    else if (v.is_number_integer()) t.settings[k] = v.get<std::int64_t>();
    else if (v.is_string()) t.settings[k] = v.get<std::string>();
    else r.bad(p, "must be a string, an integer or true/false");
  }
  return t;
}

}  // namespace

std::string package_for(const config::GenTarget& t) {
  auto it = t.settings.find("package");
  if (it != t.settings.end())
    if (const auto* s = std::get_if<std::string>(&it->second)) return *s;
  std::filesystem::path p = std::filesystem::path(t.out).lexically_normal();
  std::string name = p.filename().string();
  if (name.empty() || name == ".") name = p.parent_path().filename().string();
  return name;
}

Request make_request(std::shared_ptr<const schema::Schema> schema, std::shared_ptr<const query::AnalyzedQueries> queries,
                     const config::GenTarget& target, std::string flash_version) {
  Request r;
  r.flash_version = std::move(flash_version);
  r.schema = std::move(schema);
  r.queries = std::move(queries);
  r.settings = target;
  r.package_name = package_for(target);
  return r;
}

json diagnostic_to_json(const diag::Diagnostic& d) {
  json j = {{"severity", d.severity == diag::Severity::error     ? "error"
                         : d.severity == diag::Severity::warning ? "warning"
                                                                 : "note"},
            {"code", d.code},
            {"message", d.message}};
  if (!d.location.file.empty() || d.location.line) {
    j["file"] = d.location.file;
    j["line"] = d.location.line;
    j["column"] = d.location.column;
  }
  if (d.hint) j["hint"] = *d.hint;
  return j;
}

diag::Diagnostic diagnostic_from_json(const json& j, const std::string& where) {
  const Reader r("plugin.response", "generator response");
  r.object(j, where);
  diag::Diagnostic d;
  const std::string sev = r.str(j, "severity", where);
  if (sev.empty() || sev == "error") d.severity = diag::Severity::error;
  else if (sev == "warning") d.severity = diag::Severity::warning;
  else if (sev == "note") d.severity = diag::Severity::note;
  else r.bad(Reader::join(where, "severity"), "must be \"error\", \"warning\" or \"note\"");
  d.code = r.str(j, "code", where, true);
  d.message = r.str(j, "message", where, true);
  d.location.file = r.str(j, "file", where);
  d.location.line = r.integer(j, "line", where);
  d.location.column = r.integer(j, "column", where);
  if (d.location.line < 0 || d.location.column < 0) r.bad(where, "has a negative line or column");
  if (const json* h = r.find(j, "hint")) {
    if (!h->is_string()) r.bad(Reader::join(where, "hint"), "must be a string");
    d.hint = h->get<std::string>();
  }
  return d;
}

json request_to_json(const Request& r, int version) {
  if (version < kOldestContractVersion || version > kContractVersion)
    throw diag::Error("plugin.contract", "contract version " + std::to_string(version) + " is not supported");
  json j;
  j["contract_version"] = version;
  j["flash_version"] = r.flash_version;
  j["target"] = r.settings.language;
  j["dialect"] = std::string(schema::to_string(r.queries ? r.queries->dialect
                                                         : r.schema ? r.schema->dialect : schema::Dialect::postgresql));
  j["settings"] = settings_to_json(r.settings);
  if (!r.settings.location.file.empty()) j["settings_location"] = loc_to_json(r.settings.location);
  j["package"] = r.package_name;
  j["schema"] = r.schema ? schema::to_json(*r.schema) : json::object();
  j["queries"] = json::array();
  if (r.queries)
    for (const auto& q : r.queries->queries) j["queries"].push_back(query_to_json(q));
  if (r.documents) j["documents"] = to_json(*r.documents);
  return j;
}

Request request_from_json(const json& j) {
  const Reader r("plugin.request", "generator request");
  r.object(j, "");
  Request req;
  req.contract_version = r.integer(j, "contract_version", "", 0, true);
  if (req.contract_version < kOldestContractVersion || req.contract_version > kContractVersion)
    r.bad("contract_version", std::to_string(req.contract_version) + " is not one this Flash speaks (" +
                                  std::to_string(kOldestContractVersion) + ".." + std::to_string(kContractVersion) + ")");
  req.flash_version = r.str(j, "flash_version", "", true);
  const json* settings = r.find(j, "settings");
  if (!settings) r.bad("settings", "is missing");
  req.settings = settings_from_json(r, *settings, "settings");
  req.settings.language = r.str(j, "target", "", true);
  if (const json* l = r.find(j, "settings_location")) req.settings.location = loc_from_json(r, *l, "settings_location");
  req.package_name = r.str(j, "package", "");
  const std::string dialect = r.str(j, "dialect", "", true);
  auto d = schema::dialect_from_string(dialect);
  if (!d) r.bad("dialect", "is not a dialect: \"" + dialect + "\"");
  const json* sj = r.find(j, "schema");
  if (!sj) r.bad("schema", "is missing");
  r.object(*sj, "schema");
  req.schema = std::make_shared<const schema::Schema>(r.guarded("schema", [&] { return schema::schema_from_json(*sj); }));
  auto queries = std::make_shared<query::AnalyzedQueries>();
  queries->dialect = *d;
  const json& qs = r.array(j, "queries", "", true);
  for (std::size_t i = 0; i < qs.size(); ++i) queries->queries.push_back(query_from_json(r, qs[i], index("queries", i)));
  req.queries = std::move(queries);
  if (const json* docs = r.find(j, "documents"))
    req.documents = std::make_shared<const DocumentSchema>(document_schema_from_json(*docs));
  return req;
}

json response_to_json(const Response& r) {
  json j;
  j["contract_version"] = r.contract_version;
  j["files"] = json::array();
  for (const auto& f : r.files) j["files"].push_back({{"name", f.path}, {"contents", f.content}});
  j["diagnostics"] = json::array();
  for (const auto& d : r.diagnostics) j["diagnostics"].push_back(diagnostic_to_json(d));
  return j;
}

Response response_from_json(const json& j) {
  const Reader r("plugin.response", "generator response");
  r.object(j, "");
  Response resp;
  resp.contract_version = r.integer(j, "contract_version", "", kContractVersion);
  const json& files = r.array(j, "files", "", true);
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string p = index("files", i);
    const json& jf = r.object(files[i], p);
    File f;
    f.path = r.str(jf, "name", p, true);
    f.content = r.str(jf, "contents", p, true);
    if (f.path.empty()) r.bad(Reader::join(p, "name"), "is empty");
    resp.files.push_back(std::move(f));
  }
  const json& diags = r.array(j, "diagnostics", "");
  for (std::size_t i = 0; i < diags.size(); ++i)
    resp.diagnostics.push_back(diagnostic_from_json(diags[i], index("diagnostics", i)));
  return resp;
}

}  // namespace flash::codegen

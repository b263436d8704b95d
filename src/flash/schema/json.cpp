// Schema JSON format (flash schema --json, export files, studio API).
//
// One object per schema; every list is present (possibly empty), optional values are omitted when
// unset, and fields that equal their default are omitted inside columns and types ("nullable" and
// "dialect" are always written). Names are stored as in the model (unquoted, as the database
// folds them). "loc" ({"file","line","column"}) is written when known and is informational only.
//
//   {
//     "dialect": "postgresql" | "mysql" | "sqlite" | "mongodb",
//     "schemas":    ["name", ...],
//     "extensions": [{"name", "schema"}],
//     "enums":      [{"schema", "name", "values": ["a", ...]}],
//     "domains":    [{"schema", "name", "type": TYPE, "nullable", "default"?, "checks": [CHECK]}],
//     "ranges":     [{"schema", "name", "subtype": TYPE, "subtype_opclass"?, "collation"?, "canonical"?,
//                     "subtype_diff"?, "multirange"?}]   (absent = PostgreSQL's default),
//     "sequences":  [{"schema", "name", "type"?, "increment"?, "min"?, "max"?, "start"?, "cache"?,
//                     "cycle"?: true, "owned_by"?}]   (numbers absent = PostgreSQL's default),
//     "tables": [{
//       "schema", "name",
//       "columns": [{
//         "name", "type": TYPE, "nullable": bool, "default"?: "sql",
//         "identity"?: "always" | "by_default", "identity_options"?: "START WITH 10",
//         "auto_increment"?: true, "generated"?: "stored" | "virtual", "generated_expr"?: "sql",
//         "collation"?, "on_update"?, "comment"?
//       }],
//       "primary_key"?: {"name", "columns": [...]},
//       "uniques":      [{"name", "columns", "nulls_not_distinct"?: true}],
//       "foreign_keys": [{"name", "columns", "ref_schema", "ref_table", "ref_columns",
//                         "on_delete"?, "on_update"? ("NO ACTION" | "RESTRICT" | "CASCADE" |
//                         "SET NULL" | "SET DEFAULT"; absent = not written), "match"?, "deferrable"?, "initially_deferred"?}],
//       "checks":       [CHECK],
//       "comment"?, "options": {"key": "value"}, "if_not_exists"?: true
//     }],
//     "indexes": [{"schema", "name", "table", "unique", "method", "where", "include": [...],
//                  "with"?: "fastupdate='false'", "concurrently"?: true,
//                  "parts": [{"column"? | "expr"?, "descending"?, "collation"?, "opclass"?, "length"?}]}],
//     "views":    [{"schema", "name", "columns": [...], "query", "materialized"}],
//     "comments": [{"object_kind", "object_name", "text"}],
//     "raw":      [{"kind", "name", "sql"}]
//   }
//   TYPE  = {"name", "schema"?, "args"?: ["10","2"], "array_dims"?: n, "unsigned"?: true,
//            "zerofill"?: true, "values"?: ["a", ...], "charset"?}
//   CHECK = {"name", "expr", "no_inherit"?: true}
#include "flash/schema/json.hpp"

#include <nlohmann/json.hpp>

#include "flash/diag/diagnostic.hpp"

namespace flash::schema {
namespace {

using json = nlohmann::json;

[[noreturn]] void bad(const std::string& what) {
  throw diag::Error("schema.json", "invalid schema JSON: " + what);
}

// Readers tolerate missing keys (defaults apply) but reject wrong types with a clear message.
std::string get_str(const json& j, const char* key, std::string def = "") {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return def;
  if (!it->is_string()) bad(std::string("\"") + key + "\" must be a string");
  return it->get<std::string>();
}
std::optional<std::string> get_opt(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) bad(std::string("\"") + key + "\" must be a string");
  return it->get<std::string>();
}
bool get_bool(const json& j, const char* key, bool def = false) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return def;
  if (!it->is_boolean()) bad(std::string("\"") + key + "\" must be true or false");
  return it->get<bool>();
}
int get_int(const json& j, const char* key, int def = 0) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return def;
  if (!it->is_number_integer()) bad(std::string("\"") + key + "\" must be an integer");
  return it->get<int>();
}
std::optional<std::int64_t> get_int64(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) bad(std::string("\"") + key + "\" must be an integer");
  return it->get<std::int64_t>();
}
std::vector<std::string> get_strs(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) bad(std::string("\"") + key + "\" must be an array of strings");
  for (const auto& v : *it) {
    if (!v.is_string()) bad(std::string("\"") + key + "\" must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}
const json& get_array(const json& j, const char* key) {
  static const json empty = json::array();
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return empty;
  if (!it->is_array()) bad(std::string("\"") + key + "\" must be an array");
  return *it;
}
const json& need_object(const json& j, const char* what) {
  if (!j.is_object()) bad(std::string(what) + " must be an object");
  return j;
}

void put_loc(json& j, const diag::Location& l) {
  if (l.file.empty() && l.line == 0) return;
  j["loc"] = {{"file", l.file}, {"line", l.line}, {"column", l.column}};
}
diag::Location get_loc(const json& j) {
  diag::Location l;
  auto it = j.find("loc");
  if (it == j.end() || !it->is_object()) return l;
  l.file = get_str(*it, "file");
  l.line = get_int(*it, "line");
  l.column = get_int(*it, "column");
  return l;
}

}  // namespace

json type_to_json(const TypeRef& t) {
  json j = {{"name", t.name}};
  if (!t.schema.empty()) j["schema"] = t.schema;
  if (!t.args.empty()) j["args"] = t.args;
  if (t.array_dims) j["array_dims"] = t.array_dims;
  if (t.is_unsigned) j["unsigned"] = true;
  if (t.zerofill) j["zerofill"] = true;
  if (!t.values.empty()) j["values"] = t.values;
  if (!t.charset.empty()) j["charset"] = t.charset;
  return j;
}
TypeRef type_from_json(const json& j) {
  need_object(j, "type");
  TypeRef t;
  t.name = get_str(j, "name");
  t.schema = get_str(j, "schema");
  t.args = get_strs(j, "args");
  t.array_dims = get_int(j, "array_dims");
  t.is_unsigned = get_bool(j, "unsigned");
  t.zerofill = get_bool(j, "zerofill");
  t.values = get_strs(j, "values");
  t.charset = get_str(j, "charset");
  return t;
}

namespace {

json check_to_json(const CheckConstraint& c) {
  json j = {{"name", c.name}, {"expr", c.expr}};
  if (c.no_inherit) j["no_inherit"] = true;
  return j;
}
CheckConstraint check_from_json(const json& j) {
  need_object(j, "check");
  return {get_str(j, "name"), get_str(j, "expr"), get_bool(j, "no_inherit")};
}

RefAction action_from(const std::string& s) {
  for (RefAction a : {RefAction::no_action, RefAction::restrict, RefAction::cascade,
                      RefAction::set_null, RefAction::set_default})
    if (to_sql(a) == s) return a;
  if (s.empty()) return RefAction::unspecified;
  bad("unknown referential action \"" + s + "\"");
}

json column_to_json(const Column& c) {
  json j = {{"name", c.name}, {"type", type_to_json(c.type)}, {"nullable", c.nullable}};
  if (c.default_expr) j["default"] = *c.default_expr;
  if (c.identity != Identity::none) j["identity"] = c.identity == Identity::always ? "always" : "by_default";
  if (!c.identity_options.empty()) j["identity_options"] = c.identity_options;
  if (c.auto_increment) j["auto_increment"] = true;
  if (c.generated != GeneratedKind::none) j["generated"] = c.generated == GeneratedKind::stored ? "stored" : "virtual";
  if (!c.generated_expr.empty()) j["generated_expr"] = c.generated_expr;
  if (c.collation) j["collation"] = *c.collation;
  if (c.on_update) j["on_update"] = *c.on_update;
  if (c.comment) j["comment"] = *c.comment;
  put_loc(j, c.loc);
  return j;
}
Column column_from_json(const json& j) {
  need_object(j, "column");
  Column c;
  c.name = get_str(j, "name");
  if (auto it = j.find("type"); it != j.end()) c.type = type_from_json(*it);
  c.nullable = get_bool(j, "nullable", true);
  c.default_expr = get_opt(j, "default");
  const std::string id = get_str(j, "identity");
  if (id == "always") c.identity = Identity::always;
  else if (id == "by_default") c.identity = Identity::by_default;
  else if (!id.empty() && id != "none") bad("unknown identity \"" + id + "\"");
  c.identity_options = get_str(j, "identity_options");
  c.auto_increment = get_bool(j, "auto_increment");
  const std::string gen = get_str(j, "generated");
  if (gen == "stored") c.generated = GeneratedKind::stored;
  else if (gen == "virtual") c.generated = GeneratedKind::virtual_;
  else if (!gen.empty() && gen != "none") bad("unknown generated kind \"" + gen + "\"");
  c.generated_expr = get_str(j, "generated_expr");
  c.collation = get_opt(j, "collation");
  c.on_update = get_opt(j, "on_update");
  c.comment = get_opt(j, "comment");
  c.loc = get_loc(j);
  return c;
}

json fk_to_json(const ForeignKey& f) {
  json j = {{"name", f.name},
            {"columns", f.columns},
            {"ref_schema", f.ref_schema},
            {"ref_table", f.ref_table},
            {"ref_columns", f.ref_columns}};
  if (f.on_delete != RefAction::unspecified) j["on_delete"] = std::string(to_sql(f.on_delete));
  if (f.on_update != RefAction::unspecified) j["on_update"] = std::string(to_sql(f.on_update));
  if (!f.match.empty()) j["match"] = f.match;
  if (f.deferrable) j["deferrable"] = true;
  if (f.initially_deferred) j["initially_deferred"] = true;
  return j;
}
ForeignKey fk_from_json(const json& j) {
  need_object(j, "foreign key");
  ForeignKey f;
  f.name = get_str(j, "name");
  f.columns = get_strs(j, "columns");
  f.ref_schema = get_str(j, "ref_schema");
  f.ref_table = get_str(j, "ref_table");
  f.ref_columns = get_strs(j, "ref_columns");
  f.on_delete = action_from(get_str(j, "on_delete"));
  f.on_update = action_from(get_str(j, "on_update"));
  f.match = get_str(j, "match");
  f.deferrable = get_bool(j, "deferrable");
  f.initially_deferred = get_bool(j, "initially_deferred");
  return f;
}

json table_to_json(const Table& t) {
  json j = {{"schema", t.schema}, {"name", t.name}};
  j["columns"] = json::array();
  for (const auto& c : t.columns) j["columns"].push_back(column_to_json(c));
  if (t.primary_key) j["primary_key"] = {{"name", t.primary_key->name}, {"columns", t.primary_key->columns}};
  j["uniques"] = json::array();
  for (const auto& u : t.uniques) {
    json ju = {{"name", u.name}, {"columns", u.columns}};
    if (u.nulls_not_distinct) ju["nulls_not_distinct"] = true;
    j["uniques"].push_back(ju);
  }
  j["foreign_keys"] = json::array();
  for (const auto& f : t.foreign_keys) j["foreign_keys"].push_back(fk_to_json(f));
  j["checks"] = json::array();
  for (const auto& c : t.checks) j["checks"].push_back(check_to_json(c));
  if (t.comment) j["comment"] = *t.comment;
  j["options"] = json::object();
  for (const auto& [k, v] : t.options) j["options"][k] = v;
  if (t.if_not_exists) j["if_not_exists"] = true;
  put_loc(j, t.loc);
  return j;
}
Table table_from_json(const json& j) {
  need_object(j, "table");
  Table t;
  t.schema = get_str(j, "schema");
  t.name = get_str(j, "name");
  for (const auto& c : get_array(j, "columns")) t.columns.push_back(column_from_json(c));
  if (auto it = j.find("primary_key"); it != j.end() && !it->is_null()) {
    need_object(*it, "primary_key");
    t.primary_key = PrimaryKey{get_str(*it, "name"), get_strs(*it, "columns")};
  }
  for (const auto& u : get_array(j, "uniques")) {
    need_object(u, "unique");
    t.uniques.push_back({get_str(u, "name"), get_strs(u, "columns"), get_bool(u, "nulls_not_distinct")});
  }
  for (const auto& f : get_array(j, "foreign_keys")) t.foreign_keys.push_back(fk_from_json(f));
  for (const auto& c : get_array(j, "checks")) t.checks.push_back(check_from_json(c));
  t.comment = get_opt(j, "comment");
  if (auto it = j.find("options"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) bad("\"options\" must be an object");
    for (const auto& [k, v] : it->items()) {
      if (!v.is_string()) bad("table option \"" + k + "\" must be a string");
      t.options[k] = v.get<std::string>();
    }
  }
  t.if_not_exists = get_bool(j, "if_not_exists");
  t.loc = get_loc(j);
  return t;
}

json index_to_json(const Index& i) {
  json j = {{"schema", i.schema}, {"name", i.name},     {"table", i.table},
            {"unique", i.unique}, {"method", i.method}, {"where", i.where},
            {"include", i.include}};
  j["parts"] = json::array();
  for (const auto& p : i.parts) {
    json jp = json::object();
    if (!p.column.empty()) jp["column"] = p.column;
    if (!p.expr.empty()) jp["expr"] = p.expr;
    if (p.descending) jp["descending"] = true;
    if (!p.collation.empty()) jp["collation"] = p.collation;
    if (!p.opclass.empty()) jp["opclass"] = p.opclass;
    if (p.length) jp["length"] = *p.length;
    j["parts"].push_back(jp);
  }
  if (!i.with.empty()) j["with"] = i.with;
  if (i.concurrently) j["concurrently"] = true;
  put_loc(j, i.loc);
  return j;
}
Index index_from_json(const json& j) {
  need_object(j, "index");
  Index i;
  i.schema = get_str(j, "schema");
  i.name = get_str(j, "name");
  i.table = get_str(j, "table");
  i.unique = get_bool(j, "unique");
  i.method = get_str(j, "method");
  i.where = get_str(j, "where");
  i.include = get_strs(j, "include");
  i.with = get_str(j, "with");
  for (const auto& jp : get_array(j, "parts")) {
    need_object(jp, "index part");
    IndexPart p;
    p.column = get_str(jp, "column");
    p.expr = get_str(jp, "expr");
    p.descending = get_bool(jp, "descending");
    p.collation = get_str(jp, "collation");
    p.opclass = get_str(jp, "opclass");
    if (jp.contains("length") && !jp["length"].is_null()) p.length = get_int(jp, "length");
    i.parts.push_back(p);
  }
  i.concurrently = get_bool(j, "concurrently");
  i.loc = get_loc(j);
  return i;
}

}  // namespace

nlohmann::json to_json(const Schema& s) {
  json j;
  j["dialect"] = std::string(to_string(s.dialect));
  j["schemas"] = s.schemas;
  j["extensions"] = json::array();
  for (const auto& e : s.extensions) j["extensions"].push_back({{"name", e.name}, {"schema", e.schema}});
  j["enums"] = json::array();
  for (const auto& e : s.enums) {
    json je = {{"schema", e.schema}, {"name", e.name}, {"values", e.values}};
    put_loc(je, e.loc);
    j["enums"].push_back(je);
  }
  j["domains"] = json::array();
  for (const auto& d : s.domains) {
    json jd = {{"schema", d.schema}, {"name", d.name}, {"type", type_to_json(d.type)}, {"nullable", d.nullable}};
    if (d.default_expr) jd["default"] = *d.default_expr;
    jd["checks"] = json::array();
    for (const auto& c : d.checks) jd["checks"].push_back(check_to_json(c));
    j["domains"].push_back(jd);
  }
  j["ranges"] = json::array();
  for (const auto& r : s.ranges) {
    json jr = {{"schema", r.schema}, {"name", r.name}, {"subtype", type_to_json(r.subtype)}};
    for (const auto& [k, v] : {std::pair<const char*, const std::string*>{"subtype_opclass", &r.subtype_opclass},
                               {"collation", &r.collation}, {"canonical", &r.canonical},
                               {"subtype_diff", &r.subtype_diff}, {"multirange", &r.multirange}})
      if (!v->empty()) jr[k] = *v;
    put_loc(jr, r.loc);
    j["ranges"].push_back(jr);
  }
  j["sequences"] = json::array();
  for (const auto& q : s.sequences) {
    json jq = {{"schema", q.schema}, {"name", q.name}};
    if (!q.type.empty()) jq["type"] = q.type;
    if (q.increment) jq["increment"] = *q.increment;
    if (q.min_value) jq["min"] = *q.min_value;
    if (q.max_value) jq["max"] = *q.max_value;
    if (q.start) jq["start"] = *q.start;
    if (q.cache) jq["cache"] = *q.cache;
    if (q.cycle) jq["cycle"] = true;
    if (!q.owned_by.empty()) jq["owned_by"] = q.owned_by;
    put_loc(jq, q.loc);
    j["sequences"].push_back(jq);
  }
  j["tables"] = json::array();
  for (const auto& t : s.tables) j["tables"].push_back(table_to_json(t));
  j["indexes"] = json::array();
  for (const auto& i : s.indexes) j["indexes"].push_back(index_to_json(i));
  j["views"] = json::array();
  for (const auto& v : s.views) {
    json jv = {{"schema", v.schema}, {"name", v.name}, {"columns", v.columns}, {"query", v.query},
               {"materialized", v.materialized}};
    put_loc(jv, v.loc);
    j["views"].push_back(jv);
  }
  j["comments"] = json::array();
  for (const auto& c : s.comments)
    j["comments"].push_back({{"object_kind", c.object_kind}, {"object_name", c.object_name}, {"text", c.text}});
  j["raw"] = json::array();
  for (const auto& r : s.raw) {
    json jr = {{"kind", r.kind}, {"name", r.name}, {"sql", r.sql}};
    put_loc(jr, r.loc);
    j["raw"].push_back(jr);
  }
  return j;
}

Schema schema_from_json(const nlohmann::json& j) {
  need_object(j, "the schema");
  Schema s;
  const std::string dialect = get_str(j, "dialect", "postgresql");
  auto d = dialect_from_string(dialect);
  if (!d) bad("unknown dialect \"" + dialect + "\"");
  s.dialect = *d;
  s.schemas = get_strs(j, "schemas");
  for (const auto& e : get_array(j, "extensions")) {
    need_object(e, "extension");
    s.extensions.push_back({get_str(e, "name"), get_str(e, "schema")});
  }
  for (const auto& e : get_array(j, "enums")) {
    need_object(e, "enum");
    EnumType en;
    en.schema = get_str(e, "schema");
    en.name = get_str(e, "name");
    en.values = get_strs(e, "values");
    en.loc = get_loc(e);
    s.enums.push_back(en);
  }
  for (const auto& jd : get_array(j, "domains")) {
    need_object(jd, "domain");
    Domain d;
    d.schema = get_str(jd, "schema");
    d.name = get_str(jd, "name");
    if (auto it = jd.find("type"); it != jd.end()) d.type = type_from_json(*it);
    d.nullable = get_bool(jd, "nullable", true);
    d.default_expr = get_opt(jd, "default");
    for (const auto& c : get_array(jd, "checks")) d.checks.push_back(check_from_json(c));
    s.domains.push_back(d);
  }
  for (const auto& jr : get_array(j, "ranges")) {
    need_object(jr, "range");
    RangeType r;
    r.schema = get_str(jr, "schema");
    r.name = get_str(jr, "name");
    if (auto it = jr.find("subtype"); it != jr.end()) r.subtype = type_from_json(*it);
    r.subtype_opclass = get_str(jr, "subtype_opclass");
    r.collation = get_str(jr, "collation");
    r.canonical = get_str(jr, "canonical");
    r.subtype_diff = get_str(jr, "subtype_diff");
    r.multirange = get_str(jr, "multirange");
    r.loc = get_loc(jr);
    s.ranges.push_back(r);
  }
  for (const auto& q : get_array(j, "sequences")) {
    need_object(q, "sequence");
    Sequence sq;
    sq.schema = get_str(q, "schema");
    sq.name = get_str(q, "name");
    sq.type = get_str(q, "type");
    sq.increment = get_int64(q, "increment");
    sq.min_value = get_int64(q, "min");
    sq.max_value = get_int64(q, "max");
    sq.start = get_int64(q, "start");
    sq.cache = get_int64(q, "cache");
    sq.cycle = get_bool(q, "cycle");
    sq.owned_by = get_str(q, "owned_by");
    sq.loc = get_loc(q);
    s.sequences.push_back(std::move(sq));
  }
  for (const auto& t : get_array(j, "tables")) s.tables.push_back(table_from_json(t));
  for (const auto& i : get_array(j, "indexes")) s.indexes.push_back(index_from_json(i));
  for (const auto& jv : get_array(j, "views")) {
    need_object(jv, "view");
    View v;
    v.schema = get_str(jv, "schema");
    v.name = get_str(jv, "name");
    v.columns = get_strs(jv, "columns");
    v.query = get_str(jv, "query");
    v.materialized = get_bool(jv, "materialized");
    v.loc = get_loc(jv);
    s.views.push_back(v);
  }
  for (const auto& c : get_array(j, "comments")) {
    need_object(c, "comment");
    s.comments.push_back({get_str(c, "object_kind"), get_str(c, "object_name"), get_str(c, "text")});
  }
  for (const auto& jr : get_array(j, "raw")) {
    need_object(jr, "raw statement");
    RawStatement r;
    r.kind = get_str(jr, "kind");
    r.name = get_str(jr, "name");
    r.sql = get_str(jr, "sql");
    r.loc = get_loc(jr);
    s.raw.push_back(r);
  }
  return s;
}

}  // namespace flash::schema

#include "flash/codegen/documents.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "flash/codegen/generator.hpp"

namespace flash::codegen {
namespace {

using OJson = nlohmann::ordered_json;

struct NameOf {
  Bson b;
  const char* name;
};
constexpr NameOf kNames[] = {
    {Bson::double_, "double"},   {Bson::string, "string"},       {Bson::object, "object"},
    {Bson::array, "array"},      {Bson::binary, "binData"},      {Bson::object_id, "objectId"},
    {Bson::boolean, "bool"},     {Bson::date, "date"},           {Bson::null, "null"},
    {Bson::regex, "regex"},      {Bson::javascript, "javascript"}, {Bson::int32, "int"},
    {Bson::timestamp, "timestamp"}, {Bson::int64, "long"},       {Bson::decimal, "decimal"},
    {Bson::min_key, "minKey"},   {Bson::max_key, "maxKey"},      {Bson::number, "number"},
    {Bson::document, "document"}, {Bson::any, "any"},
};

std::optional<Bson> bson_from(const std::string& s) {
  for (const auto& n : kNames)
    if (s == n.name) return n.b;
  return std::nullopt;
}

// JSON Schema's `type` keyword (MongoDB accepts it beside bsonType).
std::optional<Bson> json_type_from(const std::string& s) {
  if (s == "object") return Bson::object;
  if (s == "array") return Bson::array;
  if (s == "number") return Bson::number;
  if (s == "boolean") return Bson::boolean;
  if (s == "string") return Bson::string;
  if (s == "null") return Bson::null;
  return std::nullopt;
}

class Builder {
 public:
  Builder(const DeclaredCollection& c, std::set<std::string>& taken, DocumentSchema& out, diag::Diagnostics& diags)
      : c_(c), taken_(taken), out_(out), diags_(diags) {}

  std::shared_ptr<const DocType> root(const OJson& schema) {
    auto t = object(schema, pascal_name(singular(c_.name)), "validator/$jsonSchema");
    if (std::none_of(t->fields.begin(), t->fields.end(), [](const DocField& f) { return f.name == "_id"; })) {
      DocField id;
      id.name = "_id";
      auto oid = std::make_shared<DocType>();
      oid->kind = Bson::object_id;
      id.type = oid;
      t->fields.insert(t->fields.begin(), std::move(id));
    }
    return t;
  }

 private:
  void report(diag::Severity sev, const std::string& code, const std::string& path, const std::string& msg,
              std::string hint = "") {
    diag::Diagnostic d;
    d.severity = sev;
    d.code = code;
    d.message = "collection `" + c_.name + "`, " + path + ": " + msg;
    if (!hint.empty()) d.hint = hint;
    d.location = c_.location;
    diags_.push_back(std::move(d));
  }

  std::string unique_name(std::string name) {
    std::string n = name;
    for (int i = 2; taken_.count(n); ++i) n = name + std::to_string(i);
    taken_.insert(n);
    return n;
  }

  std::shared_ptr<DocType> object(const OJson& s, const std::string& name, const std::string& path) {
    auto t = std::make_shared<DocType>();
    t->kind = Bson::object;
    t->name = unique_name(name);
    if (s.contains("description") && s["description"].is_string()) t->description = s["description"];
    out_.types.push_back(t);
    std::set<std::string> required;
    if (s.contains("required")) {
      if (!s["required"].is_array()) report(diag::Severity::error, "gen.mongo-schema", path + "/required", "must be an array of field names");
      else
        for (const auto& r : s["required"])
          if (r.is_string()) required.insert(r.get<std::string>());
    }
    const OJson* props = s.contains("properties") ? &s["properties"] : nullptr;
    if (props && !props->is_object()) {
      report(diag::Severity::error, "gen.mongo-schema", path + "/properties", "must be an object");
      props = nullptr;
    }
    if (props)
      for (const auto& [key, sub] : props->items()) {
        DocField f;
        f.name = key;
        f.required = required.count(key) > 0;
        f.type = field_type(sub, t->name, key, path + "/properties/" + key, f.nullable, Plural::no);
        if (sub.is_object() && sub.contains("description") && sub["description"].is_string())
          f.description = sub["description"];
        t->fields.push_back(std::move(f));
      }
    for (const auto& r : required)
      if (!props || !props->contains(r))
        report(diag::Severity::error, "gen.mongo-schema", path + "/required",
               "`" + r + "` is required but not among the properties", "declare it under properties with its bsonType");
    return t;
  }

  enum class Plural { no, yes };

  std::shared_ptr<const DocType> field_type(const OJson& s, const std::string& parent, const std::string& key,
                                            const std::string& path, bool& nullable, Plural plural) {
    auto any = std::make_shared<DocType>();
    if (!s.is_object()) {
      report(diag::Severity::error, "gen.mongo-schema", path, "must be a schema object");
      return any;
    }
    std::vector<Bson> kinds;
    bool reported = false;
    const char* keyword = s.contains("bsonType") ? "bsonType" : s.contains("type") ? "type" : nullptr;
    if (keyword) {
      const OJson& v = s[keyword];
      std::vector<std::string> names;
      if (v.is_string()) names.push_back(v.get<std::string>());
      else if (v.is_array())
        for (const auto& e : v)
          if (e.is_string()) names.push_back(e.get<std::string>());
      if (names.empty()) report(diag::Severity::error, "gen.mongo-schema", path + "/" + keyword, "must be a type name or an array of them");
      for (const auto& n : names) {
        auto b = std::string(keyword) == "bsonType" ? bson_from(n) : json_type_from(n);
        if (!b || *b == Bson::document || *b == Bson::any) {
          report(diag::Severity::error, "gen.mongo-schema", path + "/" + keyword, "`" + n + "` is not a " +
                 (std::string(keyword) == "bsonType" ? "BSON type alias" : "JSON Schema type"));
          reported = true;
          continue;
        }
        if (*b == Bson::null) nullable = true;
        else if (std::find(kinds.begin(), kinds.end(), *b) == kinds.end()) kinds.push_back(*b);
      }
    } else if (s.contains("properties")) {
      kinds.push_back(Bson::object);
    } else if (s.contains("enum") && s["enum"].is_array() && !s["enum"].empty() &&
               std::all_of(s["enum"].begin(), s["enum"].end(), [](const OJson& e) { return e.is_string(); })) {
      kinds.push_back(Bson::string);
    }
    if (kinds.size() != 1) {
      if (kinds.size() > 1) {
        std::string list;
        for (Bson b : kinds) list += (list.empty() ? "" : ", ") + std::string(bson_name(b));
        report(diag::Severity::note, "gen.mongo-untyped", path, "accepts several BSON types (" + list + "): typed as any");
      } else if (!nullable && !reported) {
        report(diag::Severity::note, "gen.mongo-untyped", path, "has no bsonType: typed as any",
               "give it a bsonType to get a typed field");
      }
      return any;
    }
    const std::string type_name = parent + pascal_name(plural == Plural::yes ? singular(key) : key);
    switch (kinds[0]) {
      case Bson::object:
        if (s.contains("properties")) return object(s, type_name, path);
        {
          auto t = std::make_shared<DocType>();
          t->kind = Bson::document;
          return t;
        }
      case Bson::array: {
        auto t = std::make_shared<DocType>();
        t->kind = Bson::array;
        if (s.contains("items") && s["items"].is_object()) {
          bool item_nullable = false;
          t->items = field_type(s["items"], parent, key, path + "/items", item_nullable, Plural::yes);
          if (item_nullable && t->items->kind != Bson::any)
            report(diag::Severity::note, "gen.mongo-untyped", path + "/items", "null elements: typed as any");
          if (item_nullable) t->items = any;
        } else {
          t->items = any;
        }
        return t;
      }
      default: {
        auto t = std::make_shared<DocType>();
        t->kind = kinds[0];
        if (t->kind == Bson::string && s.contains("enum") && s["enum"].is_array())
          for (const auto& e : s["enum"])
            if (e.is_string()) t->enum_values.push_back(e.get<std::string>());
        return t;
      }
    }
  }

  const DeclaredCollection& c_;
  std::set<std::string>& taken_;
  DocumentSchema& out_;
  diag::Diagnostics& diags_;
};

nlohmann::json type_ref_to_json(const DocType& t) {
  nlohmann::json j = {{"bson", bson_name(t.kind)}};
  if (t.kind == Bson::object) j["name"] = t.name;
  if (t.kind == Bson::array && t.items) j["items"] = type_ref_to_json(*t.items);
  if (!t.enum_values.empty()) j["enum"] = t.enum_values;
  return j;
}

}  // namespace

const char* bson_name(Bson b) {
  for (const auto& n : kNames)
    if (n.b == b) return n.name;
  return "any";
}

DocumentSchema document_schema(const std::vector<DeclaredCollection>& collections, diag::Diagnostics& diags) {
  DocumentSchema out;
  // The names the generated runtimes and the drivers' types use: a collection `filters` gets the
  // type Filter2, not a clash.
  std::set<std::string> taken = {"Any", "And", "ArrayField", "BSONRegExp", "Binary", "Code", "Collection",
                                 "CollectionOptions", "Cond", "Db", "Decimal128", "Document", "Double", "E", "Field",
                                 "Filter", "Int64", "Literal", "MaxKey", "MinKey", "NumField", "ObjectId", "Or",
                                 "Regex", "T", "Timestamp", "TypedDict", "Update", "UpdateOp", "UpdateResult",
                                 "Updates", "Where"};
  std::vector<const DeclaredCollection*> sorted;
  for (const auto& c : collections) sorted.push_back(&c);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->name < b->name; });
  for (const auto* c : sorted) {
    const OJson empty = OJson::object();
    const OJson* schema = &empty;
    if (c->validator.is_object() && c->validator.contains("$jsonSchema")) {
      schema = &c->validator["$jsonSchema"];
    } else if (!c->validator.is_null()) {
      diag::Diagnostic d;
      d.severity = diag::Severity::note;
      d.code = "gen.mongo-untyped";
      d.message = "collection `" + c->name + "` has a query validator, not $jsonSchema: only _id is typed";
      d.location = c->location;
      diags.push_back(std::move(d));
    }
    Builder b(*c, taken, out, diags);
    out.collections.push_back({c->name, b.root(*schema), c->location});
  }
  return out;
}

nlohmann::json to_json(const DocumentSchema& s) {
  nlohmann::json j;
  j["collections"] = nlohmann::json::array();
  for (const auto& c : s.collections)
    j["collections"].push_back({{"name", c.name},
                                {"type", c.document->name},
                                {"location", {{"file", c.location.file}, {"line", c.location.line}, {"column", c.location.column}}}});
  j["types"] = nlohmann::json::array();
  for (const auto& t : s.types) {
    nlohmann::json jt = {{"name", t->name}, {"fields", nlohmann::json::array()}};
    if (!t->description.empty()) jt["description"] = t->description;
    for (const auto& f : t->fields) {
      nlohmann::json jf = {{"name", f.name}, {"type", type_ref_to_json(*f.type)}, {"required", f.required}, {"nullable", f.nullable}};
      if (!f.description.empty()) jf["description"] = f.description;
      jt["fields"].push_back(std::move(jf));
    }
    j["types"].push_back(std::move(jt));
  }
  return j;
}

DocumentSchema document_schema_from_json(const nlohmann::json& j) {
  auto bad = [](const std::string& what) -> diag::Error {
    return diag::Error("plugin.request", "invalid generator request: documents." + what, diag::ExitCode::error,
                       "the contract is documented in docs/plugins.md");
  };
  if (!j.is_object() || !j.contains("types") || !j["types"].is_array() || !j.contains("collections") ||
      !j["collections"].is_array())
    throw bad("types and documents.collections must be arrays");
  DocumentSchema s;
  std::map<std::string, std::shared_ptr<DocType>> by_name;
  for (const auto& jt : j["types"]) {
    if (!jt.is_object() || !jt.contains("name") || !jt["name"].is_string()) throw bad("types[] needs a name");
    auto t = std::make_shared<DocType>();
    t->kind = Bson::object;
    t->name = jt["name"];
    t->description = jt.value("description", "");
    by_name[t->name] = t;
    s.types.push_back(t);
  }
  std::function<std::shared_ptr<const DocType>(const nlohmann::json&)> ref = [&](const nlohmann::json& r) {
    if (!r.is_object() || !r.contains("bson") || !r["bson"].is_string()) throw bad("a field type needs `bson`");
    auto b = bson_from(r["bson"].get<std::string>());
    if (!b) throw bad("`" + r["bson"].get<std::string>() + "` is not a BSON type");
    if (*b == Bson::object) {
      auto it = by_name.find(r.value("name", ""));
      if (it == by_name.end()) throw bad("object type `" + r.value("name", "") + "` is not among the types");
      return std::shared_ptr<const DocType>(it->second);
    }
    auto t = std::make_shared<DocType>();
    t->kind = *b;
    if (*b == Bson::array) t->items = r.contains("items") ? ref(r["items"]) : std::make_shared<DocType>();
    if (r.contains("enum")) t->enum_values = r["enum"].get<std::vector<std::string>>();
    return std::shared_ptr<const DocType>(t);
  };
  for (const auto& jt : j["types"]) {
    auto& t = *by_name[jt["name"].get<std::string>()];
    for (const auto& jf : jt.value("fields", nlohmann::json::array())) {
      DocField f;
      f.name = jf.value("name", "");
      f.type = ref(jf.value("type", nlohmann::json::object()));
      f.required = jf.value("required", false);
      f.nullable = jf.value("nullable", false);
      f.description = jf.value("description", "");
      t.fields.push_back(std::move(f));
    }
  }
  for (const auto& jc : j["collections"]) {
    DocCollection c;
    c.name = jc.value("name", "");
    auto it = by_name.find(jc.value("type", ""));
    if (it == by_name.end()) throw bad("collection `" + c.name + "` names no known type");
    c.document = it->second;
    if (jc.contains("location")) {
      c.location.file = jc["location"].value("file", "");
      c.location.line = jc["location"].value("line", 0);
      c.location.column = jc["location"].value("column", 0);
    }
    s.collections.push_back(std::move(c));
  }
  return s;
}

}  // namespace flash::codegen

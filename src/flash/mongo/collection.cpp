// Parsing and normalising the declared collections (see collection.hpp).
#include "flash/mongo/collection.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "flash/config/sql_files.hpp"
#include "flash/util/text.hpp"

namespace flash::mongo {
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kCollectionKeys = {"name", "validator", "validationLevel", "validationAction",
                                                  "options", "indexes"};
const std::vector<std::string> kOptionKeys = {"capped", "size", "max", "collation"};
const std::vector<std::string> kIndexKeys = {"key", "name", "unique", "sparse", "partialFilterExpression",
                                             "expireAfterSeconds", "collation", "weights",
                                             "default_language", "language_override", "textIndexVersion",
                                             "2dsphereIndexVersion"};
const std::vector<std::string> kTextKeys = {"weights", "default_language", "language_override",
                                            "textIndexVersion", "2dsphereIndexVersion"};
const std::vector<std::string> kIndexKinds = {"text", "2dsphere", "2d", "hashed"};
// $jsonSchema bsonType names (MongoDB manual, "$type" aliases).
const std::vector<std::string> kBsonTypes = {
    "double", "string", "object", "array", "binData", "undefined", "objectId", "bool", "date", "null",
    "regex", "dbPointer", "javascript", "symbol", "javascriptWithScope", "int", "timestamp", "long",
    "decimal", "minKey", "maxKey", "number"};

// Reads one collection object; problems go to `diags` (parsing goes on where it can).
class Reader {
 public:
  Reader(const LocatedJson& j, diag::Diagnostics& diags) : j_(j), diags_(diags) {}

  void error(const std::string& ptr, std::string code, std::string msg, std::optional<std::string> hint = {},
             bool at_key = false) {
    diag::Diagnostic d = j_.at(ptr, std::move(code), std::move(msg), at_key);
    d.hint = std::move(hint);
    diags_.push_back(std::move(d));
  }

  // Unknown keys of an object, each at its key with a did-you-mean.
  void check_keys(const Json& obj, const std::string& ptr, const std::vector<std::string>& known,
                  const std::string& what) {
    for (const auto& [k, v] : obj.items()) {
      if (std::find(known.begin(), known.end(), k) != known.end()) continue;
      std::string hint = diag::did_you_mean(k, known).value_or("keys of " + what + ": " + util::join(known, ", "));
      error(child_pointer(ptr, k), "mongo.unknown-key", "unknown key `" + k + "` in " + what, hint, true);
    }
  }

  std::optional<std::int64_t> integer(const Json& v, const std::string& ptr, const std::string& what,
                                      std::int64_t min) {
    if (!v.is_number_integer() && !(v.is_number_float() && v.get<double>() == static_cast<double>(
                                                                                  static_cast<std::int64_t>(v.get<double>())))) {
      error(ptr, "mongo.type", what + " must be an integer");
      return std::nullopt;
    }
    const std::int64_t n = v.is_number_integer() ? v.get<std::int64_t>() : static_cast<std::int64_t>(v.get<double>());
    if (n < min) {
      error(ptr, "mongo.value", what + " must be at least " + std::to_string(min));
      return std::nullopt;
    }
    return n;
  }

  bool boolean(const Json& v, const std::string& ptr, const std::string& what) {
    if (!v.is_boolean()) {
      error(ptr, "mongo.type", what + " must be true or false");
      return false;
    }
    return v.get<bool>();
  }

  void json_schema(const Json& s, const std::string& ptr) {
    if (!s.is_object()) {
      error(ptr, "mongo.type", "a $jsonSchema must be an object");
      return;
    }
    if (auto it = s.find("bsonType"); it != s.end()) {
      const std::string p = child_pointer(ptr, "bsonType");
      auto check = [&](const Json& t, const std::string& tp) {
        if (!t.is_string()) return error(tp, "mongo.type", "bsonType must be a type name or a list of them");
        const auto name = t.get<std::string>();
        if (std::find(kBsonTypes.begin(), kBsonTypes.end(), name) == kBsonTypes.end())
          error(tp, "mongo.bson-type", "unknown bsonType `" + name + "`",
                diag::did_you_mean(name, kBsonTypes).value_or("types: " + util::join(kBsonTypes, ", ")));
      };
      if (it->is_array())
        for (std::size_t i = 0; i < it->size(); ++i) check((*it)[i], child_pointer(p, i));
      else check(*it, p);
    }
    if (auto it = s.find("required"); it != s.end()) {
      const std::string p = child_pointer(ptr, "required");
      if (!it->is_array()) error(p, "mongo.type", "required must be a list of field names");
      else
        for (std::size_t i = 0; i < it->size(); ++i)
          if (!(*it)[i].is_string()) error(child_pointer(p, i), "mongo.type", "a required field must be a string");
    }
    for (const char* nested : {"properties", "patternProperties"}) {
      auto it = s.find(nested);
      if (it == s.end()) continue;
      const std::string p = child_pointer(ptr, nested);
      if (!it->is_object()) {
        error(p, "mongo.type", std::string(nested) + " must be an object");
        continue;
      }
      for (const auto& [k, v] : it->items()) json_schema(v, child_pointer(p, k));
    }
    if (auto it = s.find("items"); it != s.end()) {
      const std::string p = child_pointer(ptr, "items");
      if (it->is_array())
        for (std::size_t i = 0; i < it->size(); ++i) json_schema((*it)[i], child_pointer(p, i));
      else json_schema(*it, p);
    }
    for (const char* list : {"anyOf", "allOf", "oneOf"}) {
      auto it = s.find(list);
      if (it == s.end()) continue;
      const std::string p = child_pointer(ptr, list);
      if (!it->is_array()) error(p, "mongo.type", std::string(list) + " must be a list of schemas");
      else
        for (std::size_t i = 0; i < it->size(); ++i) json_schema((*it)[i], child_pointer(p, i));
    }
  }

  std::optional<Index> index(const Json& v, const std::string& ptr) {
    if (!v.is_object()) {
      error(ptr, "mongo.type", "an index must be an object with a `key`");
      return std::nullopt;
    }
    check_keys(v, ptr, kIndexKeys, "an index");
    Index ix;
    ix.location = j_.at(ptr, "", "").location;
    auto kit = v.find("key");
    if (kit == v.end()) {
      error(ptr, "mongo.index-key", "the index has no `key`", "e.g. \"key\": {\"email\": 1}");
      return std::nullopt;
    }
    const std::string kp = child_pointer(ptr, "key");
    if (!kit->is_object() || kit->empty()) {
      error(kp, "mongo.index-key", "an index key must be a non-empty object of fields",
            "e.g. {\"a\": 1, \"b\": -1}");
      return std::nullopt;
    }
    bool ok = true;
    int special = 0;
    for (const auto& [field, dir] : kit->items()) {
      const std::string fp = child_pointer(kp, field);
      if (field.empty() || field.front() == '$') {
        error(fp, "mongo.index-key", "`" + field + "` is not a field path", std::nullopt, true);
        ok = false;
      }
      if (dir.is_number()) {
        const double d = dir.get<double>();
        if (d != 1 && d != -1) {
          error(fp, "mongo.index-key", "an index direction is 1 or -1");
          ok = false;
        }
      } else if (dir.is_string()) {
        const auto kind = dir.get<std::string>();
        if (std::find(kIndexKinds.begin(), kIndexKinds.end(), kind) == kIndexKinds.end()) {
          error(fp, "mongo.index-key", "unknown index kind `" + kind + "`",
                diag::did_you_mean(kind, kIndexKinds).value_or("kinds: 1, -1, " + util::join(kIndexKinds, ", ")));
          ok = false;
        }
        ++special;
      } else {
        error(fp, "mongo.index-key", "an index direction is 1, -1 or a kind (text, 2dsphere, 2d, hashed)");
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    // Integers as written: 1.0 is printed as 1.
    for (auto& [field, dir] : kit->items()) {
      if (dir.is_number()) ix.key[field] = dir.get<double>() < 0 ? -1 : 1;
      else ix.key[field] = dir;
    }
    if (ix.key.size() == 1 && ix.key.contains("_id") && ix.key["_id"].is_number())
      error(kp, "mongo.index-id", "every collection has its _id index; it is not declared");
    if (auto it = v.find("name"); it != v.end()) {
      const std::string np = child_pointer(ptr, "name");
      if (!it->is_string() || it->get<std::string>().empty()) error(np, "mongo.type", "an index name must be a non-empty string");
      else ix.name = it->get<std::string>();
      if (ix.name == "_id_") error(np, "mongo.index-id", "`_id_` is the name of the _id index");
    }
    if (ix.name.empty()) ix.name = default_index_name(ix.key);
    if (auto it = v.find("unique"); it != v.end()) ix.unique = boolean(*it, child_pointer(ptr, "unique"), "unique");
    if (auto it = v.find("sparse"); it != v.end()) ix.sparse = boolean(*it, child_pointer(ptr, "sparse"), "sparse");
    if (auto it = v.find("partialFilterExpression"); it != v.end()) {
      if (!it->is_object() || it->empty())
        error(child_pointer(ptr, "partialFilterExpression"), "mongo.type",
              "partialFilterExpression must be a non-empty filter document");
      else ix.partial_filter = *it;
      if (ix.sparse)
        error(child_pointer(ptr, "partialFilterExpression"), "mongo.index-options",
              "an index cannot be both sparse and partial", "MongoDB refuses the combination; keep one");
    }
    if (auto it = v.find("expireAfterSeconds"); it != v.end()) {
      const std::string tp = child_pointer(ptr, "expireAfterSeconds");
      ix.expire_after_seconds = integer(*it, tp, "expireAfterSeconds", 0);
      if (ix.key.size() != 1 || special != 0)
        error(tp, "mongo.index-options", "a TTL index (expireAfterSeconds) has exactly one ascending or descending field",
              "MongoDB expires documents by one date field");
    }
    if (auto it = v.find("collation"); it != v.end()) {
      if (!it->is_object() || !it->contains("locale"))
        error(child_pointer(ptr, "collation"), "mongo.type", "a collation is an object with a `locale`");
      else ix.collation = *it;
    }
    for (const auto& k : kTextKeys)
      if (auto it = v.find(k); it != v.end()) ix.text_options[k] = *it;
    return ix;
  }

  std::optional<Collection> collection(const Json& v, const std::string& ptr) {
    if (!v.is_object()) {
      error(ptr, "mongo.type", "a collection must be an object with a `name`");
      return std::nullopt;
    }
    check_keys(v, ptr, kCollectionKeys, "a collection");
    Collection c;
    auto nit = v.find("name");
    if (nit == v.end() || !nit->is_string()) {
      error(nit == v.end() ? ptr : child_pointer(ptr, "name"), "mongo.name", "a collection needs a `name` string");
      return std::nullopt;
    }
    c.name = nit->get<std::string>();
    const std::string np = child_pointer(ptr, "name");
    c.location = j_.at(np, "", "").location;
    if (auto why = collection_name_problem(c.name); !why.empty())
      error(np, "mongo.name", "invalid collection name `" + c.name + "`: " + why);
    if (auto it = v.find("validator"); it != v.end()) {
      const std::string vp = child_pointer(ptr, "validator");
      if (!it->is_object()) error(vp, "mongo.type", "a validator must be an object", "e.g. {\"$jsonSchema\": {...}}");
      else if (!it->empty()) {
        c.validator = *it;
        if (auto s = it->find("$jsonSchema"); s != it->end()) json_schema(*s, child_pointer(vp, "$jsonSchema"));
      }
    }
    auto choice = [&](const char* key, const std::vector<std::string>& allowed, std::string& out) {
      auto it = v.find(key);
      if (it == v.end()) return;
      const std::string p = child_pointer(ptr, key);
      if (!it->is_string() || std::find(allowed.begin(), allowed.end(), it->get<std::string>()) == allowed.end()) {
        const std::string s = it->is_string() ? it->get<std::string>() : it->dump();
        error(p, "mongo.value", std::string(key) + " must be one of " + util::join(allowed, ", "),
              diag::did_you_mean(s, allowed));
        return;
      }
      out = it->get<std::string>();
      if (c.validator.is_null())
        error(p, "mongo.value", std::string(key) + " without a validator has no effect", "declare a `validator`");
    };
    choice("validationLevel", {"strict", "moderate", "off"}, c.validation_level);
    choice("validationAction", {"error", "warn"}, c.validation_action);
    if (auto it = v.find("options"); it != v.end()) {
      const std::string op = child_pointer(ptr, "options");
      if (!it->is_object()) error(op, "mongo.type", "options must be an object");
      else {
        check_keys(*it, op, kOptionKeys, "collection options");
        if (auto o = it->find("capped"); o != it->end()) c.capped = boolean(*o, child_pointer(op, "capped"), "capped");
        if (auto o = it->find("size"); o != it->end()) c.size = integer(*o, child_pointer(op, "size"), "size", 1);
        if (auto o = it->find("max"); o != it->end()) c.max = integer(*o, child_pointer(op, "max"), "max", 1);
        if (auto o = it->find("collation"); o != it->end()) {
          if (!o->is_object() || !o->contains("locale"))
            error(child_pointer(op, "collation"), "mongo.type", "a collation is an object with a `locale`");
          else c.collation = *o;
        }
        if (c.capped && !c.size)
          error(child_pointer(op, "capped"), "mongo.capped", "a capped collection needs a `size` in bytes");
        if (!c.capped && (c.size || c.max))
          error(child_pointer(op, c.size ? "size" : "max"), "mongo.capped", "size and max apply to capped collections",
                "add \"capped\": true");
      }
    }
    if (auto it = v.find("indexes"); it != v.end()) {
      const std::string ip = child_pointer(ptr, "indexes");
      if (!it->is_array()) error(ip, "mongo.type", "indexes must be a list");
      else {
        std::map<std::string, std::string> names, keys;  // → pointer of the first
        for (std::size_t i = 0; i < it->size(); ++i) {
          const std::string p = child_pointer(ip, i);
          auto ix = index((*it)[i], p);
          if (!ix) continue;
          if (auto [pos, fresh] = names.emplace(ix->name, p); !fresh) {
            error(p, "mongo.index-duplicate", "two indexes named `" + ix->name + "`",
                  "the first is at line " + std::to_string(j_.at(pos->second, "", "").location.line));
            continue;
          }
          if (auto [pos, fresh] = keys.emplace(ix->key.dump(), p); !fresh) {
            error(p, "mongo.index-duplicate", "two indexes on the same key " + ix->key.dump(),
                  "the first is at line " + std::to_string(j_.at(pos->second, "", "").location.line));
            continue;
          }
          c.indexes.push_back(std::move(*ix));
        }
      }
    }
    return c;
  }

 private:
  const LocatedJson& j_;
  diag::Diagnostics& diags_;
};

bool by_name(const Index& a, const Index& b) { return a.name < b.name; }

}  // namespace

std::optional<Index> parse_index(const LocatedJson& j, const Json& v, const std::string& ptr,
                                 diag::Diagnostics& diags) {
  Reader r(j, diags);
  return r.index(v, ptr);
}

Json Index::to_command() const {
  Json j = Json::object();
  j["key"] = key;
  j["name"] = name;
  if (unique) j["unique"] = true;
  if (sparse) j["sparse"] = true;
  if (!partial_filter.is_null()) j["partialFilterExpression"] = partial_filter;
  if (expire_after_seconds) j["expireAfterSeconds"] = *expire_after_seconds;
  if (!collation.is_null()) j["collation"] = collation;
  for (const auto& [k, v] : text_options.items()) j[k] = v;
  return j;
}

bool operator==(const Index& a, const Index& b) { return a.to_command() == b.to_command(); }

bool operator==(const Collection& a, const Collection& b) { return to_json(a) == to_json(b); }

const Collection* Collections::find(std::string_view name) const {
  for (const auto& c : collections)
    if (c.name == name) return &c;
  return nullptr;
}

std::string default_index_name(const Json& key) {
  std::string n;
  for (const auto& [field, dir] : key.items()) {
    if (!n.empty()) n += '_';
    n += field + "_";
    n += dir.is_string() ? dir.get<std::string>() : std::to_string(dir.get<int>());
  }
  return n;
}

std::string collection_name_problem(std::string_view name) {
  if (name.empty()) return "it is empty";
  if (name.find('$') != std::string_view::npos) return "it contains `$`";
  if (name.find('\0') != std::string_view::npos) return "it contains a NUL byte";
  if (name.starts_with("system.")) return "names starting with `system.` are the server's";
  if (name.starts_with("_flash_")) return "names starting with `_flash_` are Flash's own";
  if (name.size() > 200) return "it is longer than 200 bytes";
  return "";
}

void parse_collections_file(const std::string& file, std::string text, std::vector<Collection>& out,
                            diag::Diagnostics& diags) {
  LocatedJson j;
  try {
    j = parse_located_json(file, std::move(text));
  } catch (const diag::Error& e) {
    diags.push_back(e.diagnostic());
    return;
  }
  Reader r(j, diags);
  auto each = [&](const Json& list, const std::string& ptr) {
    for (std::size_t i = 0; i < list.size(); ++i)
      if (auto c = r.collection(list[i], child_pointer(ptr, i))) out.push_back(std::move(*c));
  };
  if (j.value.is_array()) each(j.value, "");
  else if (j.value.is_object() && j.value.contains("collections") && !j.value.contains("name")) {
    r.check_keys(j.value, "", {"collections"}, "a collections file");
    if (!j.value["collections"].is_array())
      r.error("/collections", "mongo.type", "collections must be a list of collection objects");
    else each(j.value["collections"], "/collections");
  } else if (auto c = r.collection(j.value, "")) {
    out.push_back(std::move(*c));
  }
}

Collections normalise(std::vector<Collection> cols, diag::Diagnostics& diags) {
  Collections s;
  std::stable_sort(cols.begin(), cols.end(), [](const Collection& a, const Collection& b) { return a.name < b.name; });
  for (auto& c : cols) {
    if (!s.collections.empty() && s.collections.back().name == c.name) {
      diag::Diagnostic d;
      d.code = "mongo.duplicate-collection";
      d.message = "collection `" + c.name + "` is declared twice";
      d.location = c.location;
      const auto& first = s.collections.back().location;
      d.hint = "the first declaration is at " + first.file + ":" + std::to_string(first.line);
      diags.push_back(std::move(d));
      continue;
    }
    if (!c.validator.is_null()) {
      if (c.validation_level.empty()) c.validation_level = "strict";
      if (c.validation_action.empty()) c.validation_action = "error";
    }
    std::sort(c.indexes.begin(), c.indexes.end(), by_name);
    s.collections.push_back(std::move(c));
  }
  return s;
}

Collections parse_collections_dir(const fs::path& dir, diag::Diagnostics& diags) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (fs::is_regular_file(dir, ec)) files.push_back(dir);
  else if (fs::is_directory(dir, ec))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<Collection> cols;
  for (const auto& f : files) parse_collections_file(config::display_path(f), util::read_file(f), cols, diags);
  return normalise(std::move(cols), diags);
}

Json to_json(const Collection& c) {
  Json j = Json::object();
  j["name"] = c.name;
  if (!c.validator.is_null()) {
    j["validator"] = c.validator;
    j["validationLevel"] = c.validation_level;
    j["validationAction"] = c.validation_action;
  }
  Json o = Json::object();
  if (c.capped) {
    o["capped"] = true;
    if (c.size) o["size"] = *c.size;
    if (c.max) o["max"] = *c.max;
  }
  if (!c.collation.is_null()) o["collation"] = c.collation;
  if (!o.empty()) j["options"] = o;
  Json ix = Json::array();
  for (const auto& i : c.indexes) ix.push_back(i.to_command());
  j["indexes"] = ix;
  return j;
}

Json to_json(const Collections& s) {
  Json a = Json::array();
  for (const auto& c : s.collections) a.push_back(to_json(c));
  return Json{{"collections", a}};
}

}  // namespace flash::mongo

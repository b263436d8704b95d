// Fake documents from validators (see seed.hpp).
#include "flash/mongo/seed.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "flash/export/seed.hpp"
#include "flash/mongo/bson.hpp"
#include "flash/mongo/validate.hpp"

namespace flash::mongo {
namespace {

using schema::TypeCategory;

std::string first_type(const Json& s) {
  auto pick = [](const Json& t) -> std::string {
    if (t.is_string()) return t.get<std::string>();
    if (t.is_array()) {
      for (const auto& x : t)
        if (x.is_string() && x.get<std::string>() != "null") return x.get<std::string>();
      if (!t.empty() && t[0].is_string()) return t[0].get<std::string>();
    }
    return "";
  };
  if (s.contains("bsonType")) return pick(s["bsonType"]);
  if (s.contains("type")) {
    const std::string t = pick(s["type"]);
    if (t == "boolean") return "bool";
    if (t == "number") return "double";
    return t;
  }
  if (s.contains("properties") || s.contains("required")) return "object";
  if (s.contains("items")) return "array";
  return "string";
}

std::optional<double> num(const Json& s, const char* k) {
  if (s.contains(k) && s[k].is_number()) return s[k].get<double>();
  return std::nullopt;
}

class DocGen {
 public:
  DocGen(exporter::FakeValues& g, std::int64_t seq, const std::set<std::string>& unique) : g_(g), seq_(seq), unique_(unique) {}

  Json value(const Json& schema_in, const std::string& path) {
    Json s = schema_in;
    for (const char* branch : {"anyOf", "oneOf"})
      if (s.contains(branch) && s[branch].is_array() && !s[branch].empty() && !s.contains("bsonType") && !s.contains("type"))
        for (const auto& [k, v] : s[branch][0].items()) s[k] = v;
    if (s.contains("enum") && s["enum"].is_array() && !s["enum"].empty())
      return s["enum"][static_cast<std::size_t>(g_.range(0, static_cast<std::int64_t>(s["enum"].size()) - 1))];
    const std::string t = first_type(s);
    const bool unique = unique_.contains(path);
    schema::Column col;
    col.name = path.substr(path.rfind('.') == std::string::npos ? 0 : path.rfind('.') + 1);
    auto v = [&](TypeCategory c) { return g_.value(col, c, seq_, unique, num(s, "minimum"), num(s, "maximum")); };
    if (t == "int") return Json{{"$numberInt", std::to_string(v(TypeCategory::int32).get<std::int64_t>())}};
    if (t == "long") return Json{{"$numberLong", v(TypeCategory::int64).get<std::string>()}};
    if (t == "double" || t == "number") {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.17g", v(TypeCategory::float64).get<double>());
      return Json{{"$numberDouble", std::string(buf)}};
    }
    if (t == "decimal") return Json{{"$numberDecimal", v(TypeCategory::decimal).get<std::string>()}};
    if (t == "bool") return v(TypeCategory::boolean);
    if (t == "date") return Json{{"$date", Json{{"$numberLong", std::to_string(iso_to_ms(v(TypeCategory::timestamp).get<std::string>()))}}}};
    if (t == "binData") return Json{{"$binary", Json{{"base64", v(TypeCategory::bytes).get<std::string>()}, {"subType", "00"}}}};
    if (t == "timestamp") return Json{{"$timestamp", Json{{"t", 1700000000 + g_.range(0, 1000000)}, {"i", 1}}}};
    if (t == "null") return nullptr;
    if (t == "objectId") {
      char buf[25];
      std::snprintf(buf, sizeof buf, "%08llx%016llx", static_cast<unsigned long long>(g_.range(0, 0xFFFFFFFF)),
                    static_cast<unsigned long long>(unique ? seq_ : g_.range(0, INT64_MAX)));
      return Json{{"$oid", std::string(buf)}};
    }
    if (t == "object") return object(s, path);
    if (t == "array") return array(s, path);
    // string (and any type the generator does not know: the validator check names it)
    if (s.contains("maxLength") && s["maxLength"].is_number())
      col.type = schema::TypeRef{.name = "varchar", .args = {std::to_string(s["maxLength"].get<std::int64_t>())}};
    std::string str = g_.value(col, TypeCategory::text, seq_, unique).get<std::string>();
    if (s.contains("minLength") && s["minLength"].is_number())
      while (str.size() < s["minLength"].get<std::size_t>()) str += 'x';
    return str;
  }

 private:
  Json object(const Json& s, const std::string& path) {
    Json o = Json::object();
    std::set<std::string> required;
    if (s.contains("required") && s["required"].is_array())
      for (const auto& r : s["required"])
        if (r.is_string()) required.insert(r.get<std::string>());
    if (s.contains("properties") && s["properties"].is_object())
      for (const auto& [k, sub] : s["properties"].items()) {
        const std::string p = path.empty() ? k : path + "." + k;
        if (required.contains(k) || unique_.contains(p) || g_.range(0, 3) != 0) o[k] = value(sub, p);
      }
    for (const auto& r : required)
      if (!o.contains(r)) o[r] = value(Json::object(), path.empty() ? r : path + "." + r);
    return o;
  }

  Json array(const Json& s, const std::string& path) {
    Json a = Json::array();
    const std::int64_t lo = s.contains("minItems") ? s["minItems"].get<std::int64_t>() : 0;
    const std::int64_t hi = s.contains("maxItems") ? s["maxItems"].get<std::int64_t>() : std::max<std::int64_t>(lo, 3);
    const std::int64_t n = g_.range(lo, std::max(lo, std::min(hi, lo + 3)));
    const Json items = s.contains("items") ? s["items"] : Json::object();
    for (std::int64_t i = 0; i < n; ++i) {
      const Json& sub = items.is_array() ? (static_cast<std::size_t>(i) < items.size() ? items[static_cast<std::size_t>(i)] : Json::object()) : items;
      a.push_back(value(sub, path + ".[]"));
    }
    return a;
  }

  exporter::FakeValues& g_;
  std::int64_t seq_;
  const std::set<std::string>& unique_;
};

}  // namespace

Json fake_document(const Json& json_schema, exporter::FakeValues& g, std::int64_t seq,
                   const std::set<std::string>& unique_paths) {
  DocGen d(g, seq, unique_paths);
  Json doc = d.value(json_schema, "");
  if (!doc.is_object()) doc = Json::object();
  return doc;
}

std::vector<SeedPlan> plan_seed(const Collections& declared, const std::vector<std::pair<std::string, std::int64_t>>& wanted,
                                std::int64_t count, std::uint64_t seed, const std::map<std::string, std::int64_t>& existing) {
  std::vector<std::pair<const Collection*, std::int64_t>> order;
  if (wanted.empty()) {
    for (const auto& c : declared.collections) order.push_back({&c, count});
  } else {
    std::vector<std::string> names;
    for (const auto& c : declared.collections) names.push_back(c.name);
    for (const auto& [name, n] : wanted) {
      const Collection* c = declared.find(name);
      if (c == nullptr)
        throw diag::Error("seed.unknown-table", "collection `" + name + "` is not declared", diag::ExitCode::usage,
                          diag::did_you_mean(name, names));
      order.push_back({c, n < 0 ? count : n});
    }
  }
  exporter::FakeValues g(seed);
  std::vector<SeedPlan> out;
  for (const auto& [c, n] : order) {
    SeedPlan p;
    p.collection = c->name;
    if (c->validator.is_null() || !c->validator.contains("$jsonSchema")) {
      p.skipped = "no $jsonSchema validator to generate documents from";
      out.push_back(std::move(p));
      continue;
    }
    std::set<std::string> unique;
    for (const auto& ix : c->indexes)
      if (ix.unique && ix.key.size() == 1) unique.insert(ix.key.begin().key());
    const std::string unsupported = unsupported_validator(c->validator);
    const auto it = existing.find(c->name);
    const std::int64_t offset = it == existing.end() ? 0 : it->second;
    for (std::int64_t i = 0; i < n; ++i) {
      Json doc = fake_document(c->validator["$jsonSchema"], g, offset + i + 1, unique);
      if (unsupported.empty()) {
        const auto v = violations(c->validator, doc);
        if (!v.empty())
          throw diag::Error("seed.unsatisfiable",
                            "cannot generate documents for `" + c->name + "` that satisfy its validator: " + v.front(),
                            diag::ExitCode::error,
                            std::string("the generator honours types, enum, ranges and lengths, not patterns or "
                                        "dependencies; seed this collection another way"));
      }
      p.documents.push_back(std::move(doc));
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace flash::mongo

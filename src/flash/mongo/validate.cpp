// Client-side $jsonSchema validation (see validate.hpp).
#include "flash/mongo/validate.hpp"

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>

#include "flash/mongo/bson.hpp"

namespace flash::mongo {
namespace {

const std::set<std::string> kKeywords = {
    "bsonType", "type", "required", "properties", "additionalProperties", "patternProperties", "items",
    "additionalItems", "minItems", "maxItems", "uniqueItems", "enum", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "pattern", "minProperties", "maxProperties",
    "allOf", "anyOf", "oneOf", "not", "dependencies", "title", "description"};

std::string unsupported_schema(const Json& s, const std::string& at) {
  if (!s.is_object()) return at + ": a schema must be an object";
  for (const auto& [k, v] : s.items()) {
    if (!kKeywords.contains(k)) return at + ": keyword `" + k + "` is not checked by Flash";
    if (k == "properties" || k == "patternProperties") {
      if (!v.is_object()) return at + "." + k + ": not an object";
      for (const auto& [f, sub] : v.items())
        if (auto w = unsupported_schema(sub, at + "." + f); !w.empty()) return w;
    } else if (k == "items" || k == "additionalItems" || k == "additionalProperties" || k == "not") {
      if (v.is_boolean()) continue;
      if (v.is_array()) {
        for (const auto& sub : v)
          if (auto w = unsupported_schema(sub, at + "." + k); !w.empty()) return w;
      } else if (auto w = unsupported_schema(v, at + "." + k); !w.empty()) {
        return w;
      }
    } else if (k == "allOf" || k == "anyOf" || k == "oneOf") {
      if (!v.is_array()) return at + "." + k + ": not a list";
      for (const auto& sub : v)
        if (auto w = unsupported_schema(sub, at + "." + k); !w.empty()) return w;
    } else if (k == "pattern") {
      try {
        std::regex re(v.get<std::string>(), std::regex::ECMAScript);
      } catch (const std::exception&) {
        return at + ".pattern: a pattern Flash's regex engine cannot read";
      }
    }
  }
  return "";
}

std::string type_of_json_keyword(const std::string& actual) {
  if (actual == "int" || actual == "long" || actual == "double" || actual == "decimal") return "number";
  if (actual == "bool") return "boolean";
  return actual;
}

std::string shown_type(const Json& t) { return t.is_string() ? t.get<std::string>() : t.dump(); }

// Canonical values compare by their canonical text, numbers by value.
bool same_value(const Json& a, const Json& b) {
  auto na = bson_number(a), nb = bson_number(b);
  if (na && nb) return *na == *nb;
  return a == b;
}

void check(const Json& s, const Json& v, const std::string& path, std::vector<std::string>& out);

bool valid(const Json& s, const Json& v) {
  std::vector<std::string> tmp;
  check(s, v, "", tmp);
  return tmp.empty();
}

void check(const Json& s, const Json& v, const std::string& path, std::vector<std::string>& out) {
  const std::string where = path.empty() ? "(document)" : path;
  auto fail = [&](const std::string& why) { out.push_back(where + ": " + why); };
  const std::string actual = bson_type(v);
  auto type_ok = [&](const Json& t, bool json_keyword) {
    auto one = [&](const Json& x) {
      if (!x.is_string()) return false;
      const std::string n = x.get<std::string>();
      return json_keyword ? type_of_json_keyword(actual) == n : bson_type_matches(n, actual);
    };
    if (t.is_array()) return std::any_of(t.begin(), t.end(), one);
    return one(t);
  };
  if (auto it = s.find("bsonType"); it != s.end() && !type_ok(*it, false))
    return fail("bsonType " + shown_type(*it) + " expected, found " + actual);
  if (auto it = s.find("type"); it != s.end() && !type_ok(*it, true))
    return fail("type " + shown_type(*it) + " expected, found " + type_of_json_keyword(actual));
  if (auto it = s.find("enum"); it != s.end() && it->is_array()) {
    if (std::none_of(it->begin(), it->end(), [&](const Json& e) { return same_value(e, v); }))
      fail("not one of the enum values");
  }
  if (auto n = bson_number(v)) {
    const double x = *n;
    if (auto it = s.find("minimum"); it != s.end() && it->is_number()) {
      const double m = it->get<double>();
      if (s.value("exclusiveMinimum", false) ? !(x > m) : !(x >= m)) fail("below the minimum " + it->dump());
    }
    if (auto it = s.find("maximum"); it != s.end() && it->is_number()) {
      const double m = it->get<double>();
      if (s.value("exclusiveMaximum", false) ? !(x < m) : !(x <= m)) fail("above the maximum " + it->dump());
    }
    if (auto it = s.find("multipleOf"); it != s.end() && it->is_number() && it->get<double>() != 0) {
      const double q = x / it->get<double>();
      if (q != std::floor(q)) fail("not a multiple of " + it->dump());
    }
  }
  if (v.is_string()) {
    const std::string& str = v.get_ref<const std::string&>();
    std::size_t chars = 0;  // code points
    for (unsigned char c : str)
      if ((c & 0xC0) != 0x80) ++chars;
    if (auto it = s.find("minLength"); it != s.end() && it->is_number() && chars < it->get<std::size_t>())
      fail("shorter than " + it->dump() + " characters");
    if (auto it = s.find("maxLength"); it != s.end() && it->is_number() && chars > it->get<std::size_t>())
      fail("longer than " + it->dump() + " characters");
    if (auto it = s.find("pattern"); it != s.end() && it->is_string() &&
        !std::regex_search(str, std::regex(it->get<std::string>(), std::regex::ECMAScript)))
      fail("does not match the pattern " + it->dump());
  }
  if (actual == "object") {
    if (auto it = s.find("required"); it != s.end() && it->is_array())
      for (const auto& f : *it)
        if (f.is_string() && !v.contains(f.get<std::string>())) fail("required field `" + f.get<std::string>() + "` is missing");
    if (auto it = s.find("minProperties"); it != s.end() && it->is_number() && v.size() < it->get<std::size_t>())
      fail("fewer than " + it->dump() + " fields");
    if (auto it = s.find("maxProperties"); it != s.end() && it->is_number() && v.size() > it->get<std::size_t>())
      fail("more than " + it->dump() + " fields");
    const Json* props = s.contains("properties") ? &s["properties"] : nullptr;
    const Json* patterns = s.contains("patternProperties") ? &s["patternProperties"] : nullptr;
    for (const auto& [k, x] : v.items()) {
      const std::string sub = path.empty() ? k : path + "." + k;
      bool matched = false;
      if (props != nullptr && props->contains(k)) {
        matched = true;
        check((*props)[k], x, sub, out);
      }
      if (patterns != nullptr)
        for (const auto& [pat, ps] : patterns->items())
          if (std::regex_search(k, std::regex(pat, std::regex::ECMAScript))) {
            matched = true;
            check(ps, x, sub, out);
          }
      if (matched) continue;
      if (auto it = s.find("additionalProperties"); it != s.end()) {
        if (it->is_boolean() && !it->get<bool>()) out.push_back(sub + ": field not allowed (additionalProperties false)");
        else if (it->is_object()) check(*it, x, sub, out);
      }
    }
    if (auto it = s.find("dependencies"); it != s.end() && it->is_object())
      for (const auto& [k, dep] : it->items()) {
        if (!v.contains(k)) continue;
        if (dep.is_array()) {
          for (const auto& f : dep)
            if (f.is_string() && !v.contains(f.get<std::string>()))
              fail("field `" + k + "` requires `" + f.get<std::string>() + "`");
        } else if (dep.is_object()) {
          check(dep, v, path, out);
        }
      }
  }
  if (v.is_array()) {
    if (auto it = s.find("minItems"); it != s.end() && it->is_number() && v.size() < it->get<std::size_t>())
      fail("fewer than " + it->dump() + " items");
    if (auto it = s.find("maxItems"); it != s.end() && it->is_number() && v.size() > it->get<std::size_t>())
      fail("more than " + it->dump() + " items");
    if (s.value("uniqueItems", false))
      for (std::size_t i = 0; i < v.size(); ++i)
        for (std::size_t j = i + 1; j < v.size(); ++j)
          if (same_value(v[i], v[j])) {
            fail("items " + std::to_string(i) + " and " + std::to_string(j) + " are equal (uniqueItems)");
            i = j = v.size();
          }
    if (auto it = s.find("items"); it != s.end()) {
      if (it->is_object()) {
        for (std::size_t i = 0; i < v.size(); ++i) check(*it, v[i], path + "." + std::to_string(i), out);
      } else if (it->is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i) {
          const std::string sub = path + "." + std::to_string(i);
          if (i < it->size()) check((*it)[i], v[i], sub, out);
          else if (auto ai = s.find("additionalItems"); ai != s.end()) {
            if (ai->is_boolean() && !ai->get<bool>()) out.push_back(sub + ": item not allowed (additionalItems false)");
            else if (ai->is_object()) check(*ai, v[i], sub, out);
          }
        }
      }
    }
  }
  if (auto it = s.find("allOf"); it != s.end())
    for (const auto& sub : *it) check(sub, v, path, out);
  if (auto it = s.find("anyOf"); it != s.end() && std::none_of(it->begin(), it->end(), [&](const Json& x) { return valid(x, v); }))
    fail("matches none of anyOf");
  if (auto it = s.find("oneOf"); it != s.end() &&
                                 std::count_if(it->begin(), it->end(), [&](const Json& x) { return valid(x, v); }) != 1)
    fail("does not match exactly one of oneOf");
  if (auto it = s.find("not"); it != s.end() && it->is_object() && valid(*it, v)) fail("matches the `not` schema");
}

}  // namespace

std::string unsupported_validator(const Json& validator) {
  if (!validator.is_object()) return "the validator is not a document";
  for (const auto& [k, v] : validator.items())
    if (k != "$jsonSchema") return "query operator `" + k + "` in the validator is not checked by Flash";
  if (!validator.contains("$jsonSchema")) return "the validator is empty";
  return unsupported_schema(validator["$jsonSchema"], "$jsonSchema");
}

std::vector<std::string> violations(const Json& validator, const Json& doc) {
  std::vector<std::string> out;
  check(validator["$jsonSchema"], doc, "", out);
  return out;
}

}  // namespace flash::mongo

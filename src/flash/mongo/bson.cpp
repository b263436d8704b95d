// BSON types of canonical Extended JSON values (see bson.hpp).
#include "flash/mongo/bson.hpp"

#include <cmath>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <stdexcept>

namespace flash::mongo {

std::string bson_type(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return "bool";
    case Json::value_t::string: return "string";
    case Json::value_t::array: return "array";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "int";  // relaxed form; canonical spells it out
    case Json::value_t::number_float: return "double";
    case Json::value_t::object: break;
    default: return "undefined";
  }
  if (v.empty()) return "object";
  const std::string& k = v.begin().key();
  if (k.empty() || k[0] != '$') return "object";
  if (v.size() == 1) {
    if (k == "$numberInt") return "int";
    if (k == "$numberLong") return "long";
    if (k == "$numberDouble") return "double";
    if (k == "$numberDecimal") return "decimal";
    if (k == "$oid") return "objectId";
    if (k == "$date") return "date";
    if (k == "$binary") return "binData";
    if (k == "$regularExpression") return "regex";
    if (k == "$timestamp") return "timestamp";
    if (k == "$minKey") return "minKey";
    if (k == "$maxKey") return "maxKey";
    if (k == "$symbol") return "symbol";
    if (k == "$code") return "javascript";
    if (k == "$undefined") return "undefined";
    if (k == "$dbPointer") return "dbPointer";
  }
  if (v.size() == 2 && v.contains("$code") && v.contains("$scope")) return "javascriptWithScope";
  return "object";
}

std::optional<double> bson_number(const Json& v) {
  if (v.is_number()) return v.get<double>();
  if (!v.is_object() || v.size() != 1) return std::nullopt;
  const std::string& k = v.begin().key();
  const Json& x = v.begin().value();
  if (!x.is_string()) return std::nullopt;
  const std::string s = x.get<std::string>();
  if (k == "$numberInt" || k == "$numberLong" || k == "$numberDecimal" || k == "$numberDouble") {
    if (s == "NaN") return std::nan("");
    if (s == "Infinity") return HUGE_VAL;
    if (s == "-Infinity") return -HUGE_VAL;
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (end == s.c_str()) return std::nullopt;
    return d;
  }
  return std::nullopt;
}

bool bson_type_matches(const std::string& t, const std::string& actual) {
  if (t == actual) return true;
  if (t == "number") return actual == "int" || actual == "long" || actual == "double" || actual == "decimal";
  return false;
}

std::int64_t iso_to_ms(const std::string& s) {
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (std::sscanf(s.c_str(), "%d-%d-%d%*c%d:%d:%d", &y, &mo, &d, &h, &mi, &se) < 3)
    throw std::invalid_argument("not a timestamp: " + s);
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  std::int64_t ms = static_cast<std::int64_t>(timegm(&tm)) * 1000;
  std::size_t p = s.size() > 19 ? 19 : s.size();
  if (p < s.size() && s[p] == '.') {
    std::string frac;
    for (++p; p < s.size() && std::isdigit(static_cast<unsigned char>(s[p])); ++p) frac += s[p];
    frac = (frac + "000").substr(0, 3);
    ms += std::stoi(frac);
  }
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    const int sign = s[p] == '+' ? 1 : -1;
    int zh = 0, zm = 0;
    std::sscanf(s.c_str() + p + 1, "%2d", &zh);
    const std::size_t mpos = s.find(':', p) != std::string::npos ? s.find(':', p) + 1 : p + 3;
    if (mpos < s.size()) std::sscanf(s.c_str() + mpos, "%2d", &zm);
    ms -= sign * (zh * 3600 + zm * 60) * 1000LL;
  }
  return ms;
}

}  // namespace flash::mongo

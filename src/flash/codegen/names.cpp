#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "flash/codegen/generator.hpp"
#include "flash/util/text.hpp"

namespace flash::codegen {
namespace {

// Words split at '_', '-', spaces and lower→upper boundaries: "getUserByID" → get,user,by,id.
std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  const auto flush = [&] {
    if (!cur.empty()) out.push_back(util::to_lower(cur));
    cur.clear();
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    // Anything but ASCII letters and digits separates words, so every result is a valid
    // identifier in all target languages ("FooBar:c" → foo, bar, c; "Op!en" → op, en).
    if (!std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) {
      flush();
      continue;
    }
    const bool upper = std::isupper(static_cast<unsigned char>(c)) != 0;
    if (upper && !cur.empty()) {
      const bool prev_lower = std::islower(static_cast<unsigned char>(cur.back())) != 0 ||
                              std::isdigit(static_cast<unsigned char>(cur.back())) != 0;
      const bool next_lower =
          i + 1 < s.size() && std::islower(static_cast<unsigned char>(s[i + 1])) != 0;
      // "userID" splits before I; "IDFor" splits before F (end of an upper-case run); a plural
      // "s" after an initialism stays with it: "ByIDs" → by, ids.
      const bool plural_s = next_lower && s[i + 1] == 's' &&
                            (i + 2 >= s.size() || std::islower(static_cast<unsigned char>(s[i + 2])) == 0);
      if (prev_lower ||
          (next_lower && !plural_s && std::isupper(static_cast<unsigned char>(cur.back()))))
        flush();
    }
    cur += c;
  }
  flush();
  return out;
}

// Go's initialisms (golint's list, the subset that appears in database names).
constexpr std::array<std::string_view, 28> kGoInitialisms = {
    "acl", "api", "ascii", "cpu", "css", "dns", "eof", "guid", "html", "http", "https", "id",
    "ip", "json", "lhs", "qps", "ram", "rhs", "rpc", "sla", "smtp", "sql", "ssh", "tls", "ttl",
    "uid", "uri", "url"};

bool is_go_initialism(std::string_view w) {
  for (auto i : kGoInitialisms)
    if (i == w) return true;
  return w == "uuid" || w == "xml" || w == "xss";
}

std::string capitalize(std::string w) {
  if (!w.empty()) w[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
  return w;
}

}  // namespace

std::string go_name(std::string_view s) {
  std::string out;
  for (const auto& w : words(s)) {
    if (is_go_initialism(w)) {
      out += util::to_upper(w);
    } else if (w.size() > 2 && w.back() == 's' && is_go_initialism(std::string_view(w).substr(0, w.size() - 1))) {
      out += util::to_upper(w.substr(0, w.size() - 1)) + "s";  // "ids" → "IDs", "urls" → "URLs"
    } else {
      out += capitalize(w);
    }
  }
  if (!out.empty() && std::isdigit(static_cast<unsigned char>(out[0]))) out = "X" + out;
  return out;
}

std::string pascal_name(std::string_view s) {
  std::string out;
  for (const auto& w : words(s)) out += capitalize(w);
  if (!out.empty() && std::isdigit(static_cast<unsigned char>(out[0]))) out = "X" + out;
  return out;
}

std::string camel_name(std::string_view s) {
  std::string out = pascal_name(s);
  if (!out.empty() && out[0] != 'X') out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

std::string snake_name(std::string_view s) {
  const auto ws = words(s);
  std::string out = util::join(ws, "_");
  if (!out.empty() && std::isdigit(static_cast<unsigned char>(out[0]))) out = "_" + out;
  return out;
}

std::string singular(std::string_view plural) {
  std::string p(plural);
  const auto ends = [&](std::string_view suf) {
    return p.size() > suf.size() && util::iequals(std::string_view(p).substr(p.size() - suf.size()), suf);
  };
  if (ends("ies")) return p.substr(0, p.size() - 3) + "y";
  if (ends("sses") || ends("shes") || ends("ches") || ends("xes")) return p.substr(0, p.size() - 2);
  if (ends("ss") || ends("us") || ends("is")) return p;
  if (ends("s")) return p.substr(0, p.size() - 1);
  return p;
}

}  // namespace flash::codegen

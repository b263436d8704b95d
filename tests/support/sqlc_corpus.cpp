#include "support/sqlc_corpus.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <iostream>
#include <gtest/gtest.h>
#include <sstream>

#include "flash/util/text.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace flash::test {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool SqlcVariant::has_engine(const std::string& e) const {
  return std::find(engines.begin(), engines.end(), e) != engines.end();
}

namespace {

// index.json fields may be null: read them defensively.
std::string str_of(const json& j, const char* key, std::string def = "") {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : def;
}
bool bool_of(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

std::vector<std::string> as_list(const json& j) {
  std::vector<std::string> out;
  if (j.is_string()) out.push_back(j.get<std::string>());
  else if (j.is_array())
    for (const json& x : j)
      if (x.is_string()) out.push_back(x.get<std::string>());
  return out;
}

std::string unquote(std::string_view v) {
  std::string s(flash::util::trim(v));
  if (s.size() >= 2 && (s[0] == '"' || s[0] == '\'') && s.back() == s[0]) s = s.substr(1, s.size() - 2);
  return s;
}

// sqlc.yaml: only the keys needed here (engine, schema, queries: scalars, [flow] or "- item"
// lists) of each `- ` entry under the top-level `sql:` / `packages:`.
std::vector<SqlcPackage> read_yaml(const std::string& text) {
  std::vector<SqlcPackage> out;
  std::string list_key;
  int entry_indent = -1;  // -1 outside the list, -2 in it before its first item
  for (const std::string& raw : flash::util::split(text, '\n')) {
    std::string line = raw;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (auto hash = line.find(" #"); hash != std::string::npos) line = line.substr(0, hash);
    std::string body(flash::util::trim(line));
    if (body.empty() || body.front() == '#') continue;
    int indent = static_cast<int>(line.find_first_not_of(' '));
    // The list's items may sit at column 0 ("sql:\n- name: x"), as YAML allows.
    if (indent == 0 && body.rfind("- ", 0) == 0 &&
        (entry_indent == -2 || entry_indent == 0)) {
      entry_indent = 0;
    } else if (indent == 0) {
      entry_indent = -1;
      list_key.clear();
      if (body == "sql:" || body == "packages:") entry_indent = -2;
      continue;
    }
    if (entry_indent == -2 && body.rfind("- ", 0) == 0) entry_indent = indent;
    if (entry_indent < 0) continue;
    if (indent == entry_indent && body.rfind("- ", 0) == 0) {
      out.emplace_back();
      body = body.substr(2);
      indent += 2;
      list_key.clear();
    }
    if (out.empty()) continue;
    if (!list_key.empty() && indent >= entry_indent + 2 && body.rfind("- ", 0) == 0) {
      // A block list item of schema/queries (indented under its key or level with it).
      (list_key == "schema" ? out.back().schema_paths : out.back().query_paths).push_back(unquote(body.substr(2)));
    } else if (indent == entry_indent + 2) {
      auto colon = body.find(':');
      if (colon == std::string::npos) continue;
      std::string key = body.substr(0, colon), val = unquote(body.substr(colon + 1));
      list_key.clear();
      std::vector<std::string>* dst = key == "schema"    ? &out.back().schema_paths
                                      : key == "queries" ? &out.back().query_paths
                                                         : nullptr;
      if (key == "engine") out.back().engine = val;
      if (dst) {
        if (val.empty()) list_key = key;
        else if (val.front() == '[') {
          for (const std::string& item : flash::util::split(val.substr(1, val.size() - 2), ','))
            if (!flash::util::trim(item).empty()) dst->push_back(unquote(item));
        } else {
          dst->push_back(val);
        }
      }
    }
  }
  return out;
}

std::vector<SqlcPackage> read_json(const std::string& text) {
  std::vector<SqlcPackage> out;
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return out;
  for (const char* key : {"packages", "sql"}) {
    if (!j.contains(key) || !j[key].is_array()) continue;
    for (const json& pk : j[key]) {
      SqlcPackage p;
      p.engine = str_of(pk, "engine", "postgresql");
      if (pk.contains("schema")) p.schema_paths = as_list(pk["schema"]);
      if (pk.contains("queries")) p.query_paths = as_list(pk["queries"]);
      out.push_back(std::move(p));
    }
  }
  return out;
}

// A path of the config: a file, or a directory of *.sql files read in name order.
void resolve(const fs::path& base, const std::vector<std::string>& rels, std::vector<fs::path>& files,
             std::vector<fs::path>& missing) {
  for (const std::string& rel : rels) {
    const fs::path p = (base / rel).lexically_normal();
    if (fs::is_directory(p)) {
      std::vector<fs::path> sqls;
      for (const auto& e : fs::directory_iterator(p))
        if (e.is_regular_file() && e.path().extension() == ".sql") sqls.push_back(e.path());
      std::sort(sqls.begin(), sqls.end());
      files.insert(files.end(), sqls.begin(), sqls.end());
    } else if (fs::exists(p)) {
      files.push_back(p);
    } else {
      missing.push_back(p);
    }
  }
}

}  // namespace

std::vector<SqlcPackage> read_sqlc_config(const fs::path& config) {
  if (!fs::is_regular_file(config)) return {};
  const std::string text = slurp(config);
  std::vector<SqlcPackage> out = config.extension() == ".json" ? read_json(text) : read_yaml(text);
  const fs::path base = config.parent_path();
  for (SqlcPackage& p : out) {
    resolve(base, p.schema_paths, p.schema, p.missing_schema);
    resolve(base, p.query_paths, p.queries, p.missing_queries);
  }
  return out;
}

std::vector<SqlcVariant> sqlc_variants(const fs::path& root) {
  std::vector<SqlcVariant> out;
  const json index = json::parse(slurp(root / "index.json"));
  for (const json& c : index.at("cases")) {
    const std::string source = str_of(c, "source");
    if (source != "sqlc-examples" && source != "sqlc-endtoend") continue;
    const std::string case_path = str_of(c, "path");
    const fs::path case_dir = (root / case_path).lexically_normal();
    if (source == "sqlc-examples") {
      for (const char* n : {"sqlc.json", "sqlc.yaml", "sqlc.yml"}) {
        if (!fs::exists(case_dir / n)) continue;
        SqlcVariant v;
        v.source = source;
        v.case_path = case_path;
        v.dir = ".";
        v.path = case_dir;
        v.engines = as_list(c.contains("engines") ? c["engines"] : json());
        v.case_expects_error = bool_of(c, "expects_error");
        v.config = case_dir / n;
        out.push_back(std::move(v));
      }
      continue;
    }
    if (!c.contains("variants") || !c["variants"].is_array()) continue;
    for (const json& j : c["variants"]) {
      SqlcVariant v;
      v.source = source;
      v.case_path = case_path;
      v.dir = str_of(j, "dir", ".");
      v.path = (case_dir / v.dir).lexically_normal();
      v.engines = as_list(j.contains("engines") ? j["engines"] : json());
      v.command = str_of(j, "command", "generate");
      v.expects_error = bool_of(j, "expects_error");
      v.case_expects_error = bool_of(c, "expects_error");
      if (auto it = j.find("schema_loads_on_real_db"); it != j.end()) {
        v.has_schema_loads = true;
        if (it->is_object())
          for (const auto& [engine, loads] : it->items()) v.schema_loads[engine] = loads.is_boolean() && loads.get<bool>();
      }
      if (std::string cfg = str_of(j, "config"); !cfg.empty()) v.config = v.path / cfg;
      out.push_back(std::move(v));
    }
  }
  return out;
}

SqlcExpectedErrors read_expected_errors(const fs::path& variant_dir) {
  SqlcExpectedErrors out;
  fs::path file = variant_dir / "stderr.txt";
  if (!fs::exists(file)) file = variant_dir / "stderr" / "base.txt";
  if (!fs::exists(file)) return out;
  out.present = true;
  out.text = std::string(flash::util::trim(slurp(file)));
  static const std::regex located(R"(^([^:\s]+):(\d+):(\d+): (.*)$)");
  static const std::regex quoted(R"re((?:column reference|column|relation|table alias|table|function) "([^"]+)")re");
  static const std::regex sqlite_no_such(R"(no such (?:column|table): ([A-Za-z_][\w.]*))");
  for (const std::string& raw : flash::util::split(out.text, '\n')) {
    const std::string line(flash::util::trim(raw));
    if (line.find("error generating code:") != std::string::npos ||
        line.find("error creating compiler:") != std::string::npos)
      out.codegen = true;
    std::smatch m;
    if (!std::regex_match(line, m, located)) continue;
    SqlcExpectedError e{m[1], std::stoi(m[2]), std::stoi(m[3]), m[4], {}};
    for (const std::regex* re : {&quoted, &sqlite_no_such})
      for (auto it = std::sregex_iterator(e.message.begin(), e.message.end(), *re); it != std::sregex_iterator(); ++it)
        e.names.push_back((*it)[1]);
    out.errors.push_back(std::move(e));
  }
  return out;
}

namespace {

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// `word` in `text` with no identifier character on either side, case-insensitively.
bool names_word(const std::string& text, const std::string& word) {
  const std::string t = flash::util::to_lower(text), w = flash::util::to_lower(word);
  for (std::size_t at = t.find(w); at != std::string::npos; at = t.find(w, at + 1)) {
    const bool left = at == 0 || !ident_char(t[at - 1]);
    const bool right = at + w.size() >= t.size() || !ident_char(t[at + w.size()]);
    if (left && right) return true;
  }
  return false;
}

// A qualified name (SQLite's "no such column: p.id") is also named by its qualifier: the table or
// alias that does not exist is what Flash reports then.
bool names(const std::string& text, const std::string& name) {
  if (names_word(text, name)) return true;
  const auto dot = name.rfind('.');
  return dot != std::string::npos && dot > 0 && names_word(text, name.substr(0, dot));
}

}  // namespace

std::string match_expected_errors(const SqlcExpectedErrors& expected, const std::vector<std::string>& flash_errors) {
  if (flash_errors.empty()) return "no error (sqlc: " + expected.text + ")";
  std::string missing;
  for (const SqlcExpectedError& e : expected.errors)
    for (const std::string& n : e.names)
      if (std::none_of(flash_errors.begin(), flash_errors.end(), [&](const std::string& m) { return names(m, n); }))
        missing += (missing.empty() ? "" : "; ") + std::string("\"") + n + "\" (sqlc " + e.file + ":" +
                   std::to_string(e.line) + ": " + e.message + ")";
  if (missing.empty()) return "";
  std::string got;
  for (const std::string& m : flash_errors) got += "\n    flash: " + m;
  return "not named by Flash: " + missing + got;
}

void ExpectedErrorTally::add(const std::string& name, const fs::path& variant_dir,
                             const std::vector<std::string>& flash_errors) {
  ++variants;
  const SqlcExpectedErrors want = read_expected_errors(variant_dir);
  if (!want.present) {
    ++missing_stderr;
    lines.push_back(name + ": NO stderr.txt in the corpus");
  } else if (want.codegen) {
    ++codegen;
    lines.push_back(name + ": sqlc fails in Go generation/config, not on SQL (" + want.text.substr(want.text.rfind('\n') + 1) +
                    ")" + (flash_errors.empty() ? "" : "; Flash errs too"));
  } else if (std::string miss = match_expected_errors(want, flash_errors); miss.empty()) {
    ++matched;
    lines.push_back(name + ": ok (" + std::to_string(want.errors.size()) + " expected, " +
                    std::to_string(flash_errors.size()) + " Flash errors)");
  } else {
    mismatched[name] = miss;
    lines.push_back(name + ": MISMATCH " + miss);
  }
}

void ExpectedErrorTally::check(const std::map<std::string, std::string>& known_gaps) const {
  for (const std::string& l : lines) std::cout << "expected error " << label << " " << l << "\n";
  std::cout << "corpus " << label << " expects_error variants: " << matched << " give the expected error, " << codegen
            << " fail upstream in Go generation/config only, " << mismatched.size() << " do not match ("
            << known_gaps.size() << " known), " << missing_stderr << " without stderr.txt; " << variants << " in all\n";
  EXPECT_GT(variants, 0) << label;
  EXPECT_EQ(missing_stderr, 0) << label;
  for (const auto& [name, miss] : mismatched)
    if (!known_gaps.count(name)) ADD_FAILURE() << label << " " << name << ": " << miss;
  for (const auto& [name, why] : known_gaps)
    if (!mismatched.count(name))
      ADD_FAILURE() << label << " " << name << " is listed as a known gap (" << why
                    << ") but now gives the expected error (or is gone): remove it from the list";
}

}  // namespace flash::test

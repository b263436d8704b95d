// Every PostgreSQL schema of the shared corpus (FLASH_CORPUS_DIR, see its README.md) must parse
// without error diagnostics: pagila (current and 2024), the chinook PostgreSQL variants, sqlc's
// examples and the sqlc end-to-end variants whose engine is postgresql.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "flash/schema/model.hpp"
#include "flash/sql/ddl.hpp"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace flash;

// Known gaps: schema sets that are expected to fail, with the reason. Keep empty when possible.
const std::set<std::string> kKnownGaps = {};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct SchemaSet {
  std::string name;              // for messages
  std::vector<fs::path> files;   // in load order
};

// A schema entry of a sqlc config: a file, a directory (its *.sql in name order) or a list.
void add_schema_path(const fs::path& base, const std::string& rel, std::vector<fs::path>& out) {
  const fs::path p = (base / rel).lexically_normal();
  if (fs::is_directory(p)) {
    std::vector<fs::path> sqls;
    for (const auto& e : fs::directory_iterator(p))
      if (e.is_regular_file() && e.path().extension() == ".sql") sqls.push_back(e.path());
    std::sort(sqls.begin(), sqls.end());
    out.insert(out.end(), sqls.begin(), sqls.end());
  } else if (fs::exists(p)) {
    out.push_back(p);
  }
}

std::string unquote(std::string v) {
  while (!v.empty() && (v.back() == ' ' || v.back() == '\r')) v.pop_back();
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
    v = v.substr(1, v.size() - 2);
  return v;
}

struct ConfigEntry {
  std::string engine = "postgresql";
  std::vector<std::string> schema;
};

// sqlc.json: version 1 "packages", version 2 "sql"; "schema" is a string or a list.
std::vector<ConfigEntry> read_json_config(const fs::path& p) {
  std::vector<ConfigEntry> out;
  const json j = json::parse(slurp(p), nullptr, false);
  for (const char* key : {"packages", "sql"}) {
    if (!j.contains(key) || !j[key].is_array()) continue;
    for (const auto& e : j[key]) {
      ConfigEntry c;
      if (e.contains("engine") && e["engine"].is_string()) c.engine = e["engine"].get<std::string>();
      if (e.contains("schema")) {
        if (e["schema"].is_string()) c.schema.push_back(e["schema"].get<std::string>());
        else if (e["schema"].is_array())
          for (const auto& s : e["schema"]) c.schema.push_back(s.get<std::string>());
      }
      out.push_back(c);
    }
  }
  return out;
}

// sqlc.yaml: just enough YAML for the corpus configs — list items under `sql:` / `packages:`
// with `engine:` and `schema:` (a scalar or a block list).
std::vector<ConfigEntry> read_yaml_config(const fs::path& p) {
  std::vector<ConfigEntry> out;
  std::istringstream in(slurp(p));
  std::string line;
  bool in_list = false, in_schema_list = false;
  std::size_t item_indent = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t indent = line.find_first_not_of(' ');
    if (indent == std::string::npos || line[indent] == '#') continue;
    std::string content = line.substr(indent);
    if (indent == 0) {
      in_list = content == "sql:" || content == "packages:";
      in_schema_list = false;
      continue;
    }
    if (!in_list) continue;
    if (content.rfind("- ", 0) == 0 && (out.empty() || indent <= item_indent)) {
      out.emplace_back();
      item_indent = indent;
      content = content.substr(2);
      in_schema_list = false;
    } else if (in_schema_list && content.rfind("- ", 0) == 0) {
      out.back().schema.push_back(unquote(content.substr(2)));
      continue;
    }
    if (out.empty()) continue;
    in_schema_list = false;
    const auto colon = content.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = content.substr(0, colon);
    std::string value = content.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' ') == std::string::npos ? value.size() : value.find_first_not_of(' '));
    if (key == "engine") out.back().engine = unquote(value);
    if (key == "schema") {
      if (value.empty()) in_schema_list = true;
      else out.back().schema.push_back(unquote(value));
    }
  }
  return out;
}

// One file list per postgresql entry of the config (entries are separate sqlc packages).
std::vector<std::vector<fs::path>> postgres_schema_files(const fs::path& config) {
  std::vector<std::vector<fs::path>> sets;
  const auto entries = config.extension() == ".json" ? read_json_config(config) : read_yaml_config(config);
  for (const auto& e : entries) {
    if (e.engine != "postgresql") continue;
    std::vector<fs::path> files;
    for (const auto& s : e.schema) add_schema_path(config.parent_path(), s, files);
    if (!files.empty()) sets.push_back(std::move(files));
  }
  return sets;
}

std::vector<SchemaSet> collect() {
  const fs::path root = FLASH_CORPUS_DIR;
  std::vector<SchemaSet> sets;
  for (const char* dir : {"pagila/postgresql", "pagila/postgresql-2024", "chinook/postgresql",
                          "chinook/postgresql-serial-pks", "chinook/postgresql-identity-pks"})
    sets.push_back({dir, {root / dir / "schema.sql"}});

  const json index = json::parse(slurp(root / "index.json"), nullptr, false);
  for (const auto& c : index["cases"]) {
    const std::string source = c.value("source", "");
    const fs::path case_dir = root / c.value("path", "");
    if (source == "sqlc-examples") {
      for (const char* name : {"sqlc.json", "sqlc.yaml", "sqlc.yml"})
        if (fs::exists(case_dir / name)) {
          int n = 0;
          for (auto& files : postgres_schema_files(case_dir / name))
            sets.push_back({c.value("path", "") + "#" + std::to_string(n++), files});
        }
      continue;
    }
    if (source != "sqlc-endtoend" || !c.contains("variants")) continue;
    if (c.value("expects_error", false)) continue;
    for (const auto& v : c["variants"]) {
      const auto& engines = v["engines"];
      if (std::find(engines.begin(), engines.end(), "postgresql") == engines.end()) continue;
      if (v.value("expects_error", false)) continue;
      // Schemas that the collector could not load into PostgreSQL 15 are not valid input.
      if (v.contains("schema_loads_on_real_db")) {
        const auto& loads = v["schema_loads_on_real_db"];
        if (!loads.contains("postgresql") || loads["postgresql"] != true) continue;
      }
      const fs::path vdir = case_dir / v.value("dir", ".");
      const std::string name = c.value("path", "") + "/" + v.value("dir", ".");
      if (v.contains("config") && v["config"].is_string()) {
        int n = 0;
        for (auto& files : postgres_schema_files(vdir / v["config"].get<std::string>()))
          sets.push_back({name + "#" + std::to_string(n++), files});
      } else if (fs::exists(vdir / "schema.sql")) {
        sets.push_back({name, {vdir / "schema.sql"}});  // analyze cases have no config
      }
    }
  }
  return sets;
}

TEST(CorpusPostgres, EverySchemaParsesWithoutErrors) {
  const auto sets = collect();
  ASSERT_GT(sets.size(), 300u) << "corpus not found or index.json changed";
  std::size_t passed = 0;
  std::vector<std::string> failures;
  for (const auto& set : sets) {
    schema::Schema model;
    model.dialect = schema::Dialect::postgresql;
    diag::Diagnostics diags;
    for (const auto& f : set.files)
      sql::apply_ddl_postgres(model, sql::SourceFile{f.string(), slurp(f)}, diags);
    const bool ok = !diag::has_errors(diags);
    if (ok) {
      ++passed;
      continue;
    }
    if (kKnownGaps.count(set.name)) continue;
    std::string msg = set.name + ":";
    for (const auto& d : diags)
      if (d.severity == diag::Severity::error)
        msg += "\n  " + d.location.file + ":" + std::to_string(d.location.line) + ":" +
               std::to_string(d.location.column) + ": [" + d.code + "] " + d.message;
    failures.push_back(msg);
  }
  std::cout << "corpus postgresql: " << passed << "/" << sets.size() << " parsed\n";
  for (const auto& f : failures) ADD_FAILURE() << f;
  EXPECT_EQ(passed + kKnownGaps.size(), sets.size());
}

// Spot checks that the big real-world schemas land in the model, not just parse.
TEST(CorpusPostgres, PagilaModelContents) {
  const fs::path p = fs::path(FLASH_CORPUS_DIR) / "pagila/postgresql-2024/schema.sql";
  schema::Schema m;
  diag::Diagnostics diags;
  sql::apply_ddl_postgres(m, {p.string(), slurp(p)}, diags);
  ASSERT_FALSE(diag::has_errors(diags));
  EXPECT_EQ(m.tables.size(), 22u);  // the README's count for this version
  EXPECT_EQ(m.views.size(), 8u);
  const auto* film = m.find_table("film");
  ASSERT_NE(film, nullptr);
  ASSERT_TRUE(film->primary_key);
  EXPECT_EQ(film->primary_key->columns, std::vector<std::string>{"film_id"});
  const auto* rating = film->find_column("rating");
  ASSERT_NE(rating, nullptr);
  EXPECT_EQ(rating->type.name, "mpaa_rating");
  EXPECT_EQ(rating->default_expr, "'G'::public.mpaa_rating");  // as written by pg_dump
  const auto* e = m.find_enum("mpaa_rating");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->values, (std::vector<std::string>{"G", "PG", "PG-13", "R", "NC-17"}));
  EXPECT_FALSE(film->foreign_keys.empty());
  bool has_function = false, has_trigger = false;
  for (const auto& r : m.raw) {
    has_function = has_function || r.kind == "function";
    has_trigger = has_trigger || r.kind == "trigger";
  }
  EXPECT_TRUE(has_function);
  EXPECT_TRUE(has_trigger);
}

}  // namespace

// Every MySQL and SQLite schema in the shared corpus must parse without error diagnostics:
// chinook (schema.sql and the full Chinook_*.sql scripts, whose INSERTs are skipped as DML) and
// the sqlc examples/end-to-end variants whose engine is mysql or sqlite, with the schema paths
// their sqlc.json/sqlc.yaml name.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "flash/diag/diagnostic.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/util/text.hpp"

namespace fs = std::filesystem;
using flash::schema::Dialect;

namespace {

const fs::path kCorpus = fs::path(FLASH_CORPUS_DIR).lexically_normal();

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string unquote(std::string_view v) {
  v = flash::util::trim(v);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
    v = v.substr(1, v.size() - 2);
  return std::string(v);
}

struct ConfigEntry {
  std::string engine = "postgresql";  // sqlc's default
  std::vector<std::string> schema;
};

// Just enough YAML for sqlc configs: the items of `sql:`/`packages:` lists, their `engine:` and
// `schema:` (a scalar, a [flow, list] or a block list of `- path` lines).
std::vector<ConfigEntry> read_yaml_config(const std::string& text) {
  std::vector<ConfigEntry> out;
  ConfigEntry* cur = nullptr;
  bool in_schema_list = false;
  std::size_t schema_indent = 0;
  for (const auto& raw : flash::util::split(text, '\n')) {
    std::string line = raw;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string_view t = flash::util::trim(line);
    if (t.empty() || t.front() == '#') continue;
    const std::size_t indent = line.find_first_not_of(' ');
    if (in_schema_list) {
      if (indent > schema_indent && t.substr(0, 2) == "- ") {
        cur->schema.push_back(unquote(t.substr(2)));
        continue;
      }
      in_schema_list = false;
    }
    std::string_view kv = t;
    if (kv.substr(0, 2) == "- ") {
      // A list item that starts a mapping: a new sql/packages entry.
      kv = flash::util::trim(kv.substr(2));
      if (kv.find(':') == std::string_view::npos) continue;
      out.emplace_back();
      cur = &out.back();
    }
    if (!cur) continue;
    const auto colon = kv.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string key(flash::util::trim(kv.substr(0, colon)));
    const std::string_view value = flash::util::trim(kv.substr(colon + 1));
    if (key == "engine") {
      cur->engine = unquote(value);
    } else if (key == "schema") {
      if (value.empty()) {
        in_schema_list = true;
        schema_indent = indent;
      } else if (value.front() == '[') {
        for (const auto& part : flash::util::split(value.substr(1, value.size() - 2), ','))
          if (!flash::util::trim(part).empty()) cur->schema.push_back(unquote(part));
      } else {
        cur->schema.push_back(unquote(value));
      }
    }
  }
  return out;
}

std::vector<ConfigEntry> read_config(const fs::path& p) {
  const std::string text = read(p);
  if (p.extension() != ".json") return read_yaml_config(text);
  std::vector<ConfigEntry> out;
  const auto j = nlohmann::json::parse(text);
  const auto& list = j.contains("sql") ? j["sql"] : j["packages"];
  for (const auto& e : list) {
    ConfigEntry c;
    if (e.contains("engine")) c.engine = e["engine"].get<std::string>();
    if (e["schema"].is_array()) {
      for (const auto& s : e["schema"]) c.schema.push_back(s.get<std::string>());
    } else {
      c.schema.push_back(e["schema"].get<std::string>());
    }
    out.push_back(std::move(c));
  }
  return out;
}

// A schema path is a file or a directory of *.sql files read in name order.
std::vector<fs::path> expand(const fs::path& base, const std::string& rel) {
  const fs::path p = (base / rel).lexically_normal();
  if (!fs::is_directory(p)) return {p};
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(p))
    if (e.path().extension() == ".sql") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

struct SchemaCase {
  std::string name;
  Dialect dialect;
  std::vector<fs::path> files;
};

std::vector<SchemaCase> collect_cases() {
  std::vector<SchemaCase> out;
  for (const char* dir : {"mysql", "mysql-auto-increment-pks", "sqlite", "sqlite-autoincrement-pks"}) {
    const Dialect d = std::string(dir).rfind("mysql", 0) == 0 ? Dialect::mysql : Dialect::sqlite;
    for (const auto& e : fs::directory_iterator(kCorpus / "chinook" / dir))
      if (e.path().extension() == ".sql")
        out.push_back({"chinook/" + std::string(dir) + "/" + e.path().filename().string(), d, {e.path()}});
  }
  const auto index = nlohmann::json::parse(read(kCorpus / "index.json"));
  for (const auto& c : index["cases"]) {
    const std::string source = c["source"];
    if (source != "sqlc-endtoend" && source != "sqlc-examples") continue;
    if (!c.contains("variants")) continue;
    for (const auto& v : c["variants"]) {
      if (v.value("expects_error", false)) continue;
      const fs::path vdir = kCorpus / c["path"].get<std::string>() / v["dir"].get<std::string>();
      for (const auto& eng : v["engines"]) {
        const std::string engine = eng;
        if (engine != "mysql" && engine != "sqlite") continue;
        const auto loads = v.find("schema_loads_on_real_db");
        if (loads != v.end() && loads->is_object() && loads->contains(engine) &&
            !((*loads)[engine].is_boolean() && (*loads)[engine].get<bool>()))
          continue;  // upstream's schema does not load on the real server either
        const Dialect d = engine == "mysql" ? Dialect::mysql : Dialect::sqlite;
        const std::string name =
            c["path"].get<std::string>() + "/" + v["dir"].get<std::string>() + " (" + engine + ")";
        if (v["config"].is_null()) {
          // `sqlc analyze` cases: schema.sql beside the queries.
          out.push_back({name, d, {vdir / "schema.sql"}});
          continue;
        }
        // Each sql/packages entry is its own catalog (two entries may load the same file).
        int n = 0;
        for (const auto& entry : read_config(vdir / v["config"].get<std::string>())) {
          if (entry.engine != engine) continue;
          SchemaCase sc{name + " #" + std::to_string(++n), d, {}};
          for (const auto& s : entry.schema)
            for (auto& f : expand(vdir, s)) sc.files.push_back(std::move(f));
          if (!sc.files.empty()) out.push_back(std::move(sc));
        }
      }
    }
  }
  return out;
}

}  // namespace

TEST(CorpusMysqlSqlite, EverySchemaParses) {
  if (!fs::exists(kCorpus / "index.json")) GTEST_SKIP() << "corpus not found";
  // Known gaps: schemas we knowingly cannot parse yet, each with the reason. Keep empty.
  const std::set<std::string> known_gaps = {};
  const auto cases = collect_cases();
  std::map<Dialect, std::pair<int, int>> rate;  // parsed, total
  for (const auto& c : cases) {
    std::vector<flash::sql::SourceFile> files;
    for (const auto& f : c.files) {
      ASSERT_TRUE(fs::exists(f)) << c.name << ": missing " << f;
      files.push_back({f.lexically_relative(kCorpus).string(), read(f)});
    }
    flash::diag::Diagnostics diags;
    const auto model = flash::sql::parse_schema(files, c.dialect, diags);
    auto& r = rate[c.dialect];
    ++r.second;
    if (!flash::diag::has_errors(diags)) {
      ++r.first;
      EXPECT_FALSE(known_gaps.count(c.name)) << c.name << " parses now: remove it from known_gaps";
      continue;
    }
    if (known_gaps.count(c.name)) continue;
    std::string msg;
    for (const auto& d : diags) msg += flash::diag::render_human(d) + "\n";
    ADD_FAILURE() << c.name << ":\n" << msg;
  }
  std::printf("corpus mysql: %d/%d parsed\n", rate[Dialect::mysql].first, rate[Dialect::mysql].second);
  std::printf("corpus sqlite: %d/%d parsed\n", rate[Dialect::sqlite].first, rate[Dialect::sqlite].second);
  EXPECT_GE(rate[Dialect::mysql].second, 80);
  EXPECT_GE(rate[Dialect::sqlite].second, 60);
  // 100% minus the known gaps (none today).
  EXPECT_EQ(rate[Dialect::mysql].first + rate[Dialect::sqlite].first + static_cast<int>(known_gaps.size()),
            rate[Dialect::mysql].second + rate[Dialect::sqlite].second);
}

// The classic Chinook schema, in both engines, with and without its data script.
TEST(CorpusMysqlSqlite, ChinookModel) {
  if (!fs::exists(kCorpus / "chinook")) GTEST_SKIP() << "corpus not found";
  for (const auto& [rel, d] : std::vector<std::pair<std::string, Dialect>>{
           {"chinook/mysql/schema.sql", Dialect::mysql},
           {"chinook/mysql/Chinook_MySql.sql", Dialect::mysql},
           {"chinook/mysql-auto-increment-pks/schema.sql", Dialect::mysql},
           {"chinook/sqlite/schema.sql", Dialect::sqlite},
           {"chinook/sqlite/Chinook_Sqlite.sql", Dialect::sqlite},
           {"chinook/sqlite-autoincrement-pks/schema.sql", Dialect::sqlite}}) {
    SCOPED_TRACE(rel);
    flash::diag::Diagnostics diags;
    const auto m = flash::sql::parse_schema({{rel, read(kCorpus / rel)}}, d, diags);
    EXPECT_TRUE(diags.empty());
    ASSERT_EQ(m.tables.size(), 11u);
    EXPECT_EQ(m.indexes.size(), 11u);
    std::size_t fks = 0;
    for (const auto& t : m.tables) {
      fks += t.foreign_keys.size();
      ASSERT_TRUE(t.primary_key.has_value()) << t.name;
      for (const auto& pc : t.primary_key->columns) EXPECT_FALSE(t.find_column(pc)->nullable);
    }
    EXPECT_EQ(fks, 11u);
    const auto* track = m.find_table("Track");
    ASSERT_NE(track, nullptr);
    EXPECT_EQ(track->columns.size(), 9u);
    const auto* price = track->find_column("UnitPrice");
    ASSERT_NE(price, nullptr);
    EXPECT_EQ(price->type.args, (std::vector<std::string>{"10", "2"}));
    EXPECT_FALSE(price->nullable);
    const bool autoinc = rel.find("auto") != std::string::npos;
    EXPECT_EQ(track->find_column("TrackId")->auto_increment, autoinc);
    const auto* pt = m.find_table("PlaylistTrack");
    ASSERT_NE(pt, nullptr);
    EXPECT_EQ(pt->primary_key->columns, (std::vector<std::string>{"PlaylistId", "TrackId"}));
  }
}

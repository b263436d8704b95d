// Every MySQL and SQLite schema in the shared corpus must parse without error diagnostics:
// chinook (schema.sql and the full Chinook_*.sql scripts, whose INSERTs are skipped as DML) and
// the sqlc examples/end-to-end variants whose engine is mysql or sqlite, with the schema paths
// their sqlc.json/sqlc.yaml name.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "flash/diag/diagnostic.hpp"
#include "flash/sql/ddl.hpp"
#include "support/sqlc_corpus.hpp"

namespace fs = std::filesystem;
using flash::schema::Dialect;

namespace {

const fs::path kCorpus = fs::path(FLASH_CORPUS_DIR).lexically_normal();

using flash::test::slurp;

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
  // sqlc examples are not counted here: only the end-to-end variants that expect no error
  // themselves (their case's flag is not looked at).
  for (const flash::test::SqlcVariant& v : flash::test::sqlc_variants(kCorpus)) {
    if (v.source != "sqlc-endtoend" || v.expects_error) continue;
    for (const std::string& engine : v.engines) {
      if (engine != "mysql" && engine != "sqlite") continue;
      if (auto loads = v.schema_loads.find(engine); loads != v.schema_loads.end() && !loads->second)
        continue;  // upstream's schema does not load on the real server either
      const Dialect d = engine == "mysql" ? Dialect::mysql : Dialect::sqlite;
      const std::string name = v.case_path + "/" + v.dir + " (" + engine + ")";
      if (v.config.empty()) {
        // `sqlc analyze` cases: schema.sql beside the queries.
        out.push_back({name, d, {v.path / "schema.sql"}});
        continue;
      }
      // Each sql/packages entry is its own catalog (two entries may load the same file).
      int n = 0;
      for (const flash::test::SqlcPackage& entry : flash::test::read_sqlc_config(v.config)) {
        if (entry.engine != engine) continue;
        SchemaCase sc{name + " #" + std::to_string(++n), d, entry.schema};
        sc.files.insert(sc.files.end(), entry.missing_schema.begin(), entry.missing_schema.end());  // asserted below
        if (!sc.files.empty()) out.push_back(std::move(sc));
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
      files.push_back({f.lexically_relative(kCorpus).string(), slurp(f)});
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
    const auto m = flash::sql::parse_schema({{rel, slurp(kCorpus / rel)}}, d, diags);
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

// Every PostgreSQL schema of the shared corpus (FLASH_CORPUS_DIR, see its README.md) must parse
// and pass the whole-schema checks without error diagnostics: pagila (current and 2024), the chinook PostgreSQL variants, sqlc's
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

#include "flash/schema/model.hpp"
#include "flash/sql/ddl.hpp"
#include "support/sqlc_corpus.hpp"

namespace {

namespace fs = std::filesystem;
using namespace flash;

// Known gaps: schema sets that are expected to fail, with the reason. Keep empty when possible.
const std::set<std::string> kKnownGaps = {};

using flash::test::slurp;

struct SchemaSet {
  std::string name;              // for messages
  std::vector<fs::path> files;   // in load order
};

// One file list per postgresql entry of the config (entries are separate sqlc packages).
std::vector<std::vector<fs::path>> postgres_schema_files(const fs::path& config) {
  std::vector<std::vector<fs::path>> sets;
  for (const auto& e : flash::test::read_sqlc_config(config))
    if (e.engine == "postgresql" && !e.schema.empty()) sets.push_back(e.schema);
  return sets;
}

std::vector<SchemaSet> collect() {
  const fs::path root = FLASH_CORPUS_DIR;
  std::vector<SchemaSet> sets;
  for (const char* dir : {"pagila/postgresql", "pagila/postgresql-2024", "chinook/postgresql",
                          "chinook/postgresql-serial-pks", "chinook/postgresql-identity-pks"})
    sets.push_back({dir, {root / dir / "schema.sql"}});

  for (const flash::test::SqlcVariant& v : flash::test::sqlc_variants(root)) {
    if (v.source == "sqlc-examples") {
      int n = 0;
      for (auto& files : postgres_schema_files(v.config)) sets.push_back({v.case_path + "#" + std::to_string(n++), files});
      continue;
    }
    if (v.case_expects_error || v.expects_error || !v.has_engine("postgresql")) continue;
    // Schemas that the collector could not load into PostgreSQL 15 are not valid input.
    if (v.has_schema_loads && !(v.schema_loads.count("postgresql") && v.schema_loads.at("postgresql"))) continue;
    const std::string name = v.case_path + "/" + v.dir;
    if (!v.config.empty()) {
      int n = 0;
      for (auto& files : postgres_schema_files(v.config)) sets.push_back({name + "#" + std::to_string(n++), files});
    } else if (fs::exists(v.path / "schema.sql")) {
      sets.push_back({name, {v.path / "schema.sql"}});  // analyze cases have no config
    }
  }
  return sets;
}

TEST(CorpusPostgres, EverySchemaParsesWithoutErrors) {
  if (!fs::exists(fs::path(FLASH_CORPUS_DIR) / "index.json")) GTEST_SKIP() << "corpus not found: " << FLASH_CORPUS_DIR;
  const auto sets = collect();
  ASSERT_GT(sets.size(), 300u) << "corpus not found or index.json changed";
  std::size_t passed = 0;
  std::vector<std::string> failures;
  for (const auto& set : sets) {
    // parse_schema: the statements, then the whole-schema checks (sql/validate.hpp), which must
    // find nothing in schemas that PostgreSQL 15 itself loads.
    std::vector<sql::SourceFile> files;
    for (const auto& f : set.files) files.push_back({f.string(), slurp(f)});
    diag::Diagnostics diags;
    sql::parse_schema(files, schema::Dialect::postgresql, diags);
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
  if (!fs::exists(fs::path(FLASH_CORPUS_DIR))) GTEST_SKIP() << "corpus not found: " << FLASH_CORPUS_DIR;
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

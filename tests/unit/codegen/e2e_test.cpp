// Golden end-to-end cases (tests/e2e/<case>/): each case's schema and queries go through the
// real pipeline (config → DDL parser → query analyser → generator) and every enabled [gen.X]
// target with a generator must produce exactly the files in expected/<X>/.
// FLASH_UPDATE_GOLDEN=1 rewrites expected/ instead of comparing (review the diff afterwards).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "flash/codegen/generator.hpp"
#include "flash/config/config.hpp"
#include "flash/query/analyze.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/util/text.hpp"

namespace fs = std::filesystem;
using namespace flash;

namespace {

std::vector<sql::SourceFile> sql_files(const fs::path& dir_or_file) {
  std::vector<fs::path> paths;
  if (fs::is_regular_file(dir_or_file)) {
    paths.push_back(dir_or_file);
  } else if (fs::is_directory(dir_or_file)) {
    for (const auto& e : fs::directory_iterator(dir_or_file))
      if (e.is_regular_file() && e.path().extension() == ".sql") paths.push_back(e.path());
    std::sort(paths.begin(), paths.end());
  }
  std::vector<sql::SourceFile> out;
  for (const auto& p : paths) out.push_back({p.string(), util::read_file(p)});
  return out;
}

std::vector<fs::path> cases() {
  std::vector<fs::path> out;
  const fs::path root = fs::path(FLASH_SOURCE_DIR) / "tests" / "e2e";
  if (!fs::is_directory(root)) return out;
  for (const auto& e : fs::directory_iterator(root))
    if (e.is_directory() && fs::exists(e.path() / "flash.toml")) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

void run_case(const fs::path& dir) {
  const bool update = std::getenv("FLASH_UPDATE_GOLDEN") && std::string(std::getenv("FLASH_UPDATE_GOLDEN")) == "1";
  config::LoadOptions lo;
  lo.config_file = dir / "flash.toml";
  const config::Config cfg = config::load_config(lo);
  diag::Diagnostics diags;
  const auto model =
      std::make_shared<const schema::Schema>(sql::parse_schema(sql_files(cfg.resolve(cfg.schema_dir)), cfg.provider, diags));
  const auto analyzed = std::make_shared<const query::AnalyzedQueries>(
      query::analyze_queries(*model, sql_files(cfg.resolve(cfg.queries)), diags));
  for (const auto& d : diags)
    ASSERT_NE(d.severity, diag::Severity::error) << d.location.file << ":" << d.location.line << ": " << d.message;
  int targets = 0;
  for (const auto& t : cfg.gen) {
    if (!t.enabled) continue;
    const auto* spec = codegen::find_generator(t.language);
    if (!spec) continue;
    ++targets;
    SCOPED_TRACE(dir.filename().string() + " [gen." + t.language + "]");
    const codegen::Request req = codegen::make_request(model, analyzed, t, "golden");
    const auto resp = spec->generate(req);
    // The same request through its JSON (what an external plugin receives) generates the same
    // files: the contract carries everything a generator uses.
    const auto via_json = spec->generate(codegen::request_from_json(codegen::request_to_json(req)));
    EXPECT_EQ(via_json.files, resp.files) << "the request lost something on its way through JSON";
    for (const auto& d : resp.diagnostics) ADD_FAILURE() << d.code << ": " << d.message;
    const fs::path expected = dir / "expected" / t.language;
    std::set<std::string> produced;
    for (const auto& f : resp.files) {
      produced.insert(f.path);
      const fs::path p = expected / f.path;
      if (update) {
        fs::create_directories(p.parent_path());
        util::write_file_atomic(p, f.content);
        continue;
      }
      ASSERT_TRUE(fs::exists(p)) << "missing golden file " << p << " (FLASH_UPDATE_GOLDEN=1 to create)";
      EXPECT_EQ(util::read_file(p), f.content) << "golden file " << p << " differs (FLASH_UPDATE_GOLDEN=1 to update)";
    }
    if (fs::is_directory(expected)) {
      for (const auto& e : fs::recursive_directory_iterator(expected)) {
        if (!e.is_regular_file()) continue;
        const std::string rel = e.path().lexically_relative(expected).generic_string();
        if (produced.count(rel)) continue;
        if (update) fs::remove(e.path());
        else ADD_FAILURE() << "golden file " << e.path() << " is no longer generated";
      }
    }
  }
  EXPECT_GT(targets, 0) << "no enabled target with a generator in " << dir;
}

}  // namespace

TEST(E2E, GoldenCases) {
  const auto all = cases();
  ASSERT_FALSE(all.empty()) << "no cases under tests/e2e";
  for (const auto& dir : all) {
    SCOPED_TRACE(dir.string());
    run_case(dir);
  }
}

// Named-parameter rewriting against sqlc's preprocess goldens (corpus sqlc-preprocess) plus
// focused cases.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "flash/diag/position.hpp"
#include "flash/query/params.hpp"
#include "flash/util/text.hpp"

namespace fs = std::filesystem;
using flash::query::rewrite_params;
using flash::schema::Dialect;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool only_trivia(std::string_view s) {
  // A statement slot holding only whitespace/comments (e.g. after the last ';').
  std::string t(flash::util::trim(s));
  return t.empty();
}

// Returns "" when the case matches, else a description of the first difference.
std::string check_case(const fs::path& dir, Dialect d) {
  std::string input = slurp(dir / "input.sql");
  std::string expected = slurp(dir / "output.sql");
  auto rw = rewrite_params(input, d);
  if (rw.sql != expected) return "output differs:\n" + rw.sql + "\nexpected:\n" + expected;

  std::vector<const flash::query::RewrittenStatement*> mine;
  for (const auto& st : rw.statements) {
    std::string_view text = std::string_view(rw.sql).substr(st.start, st.end - st.start);
    if (!st.params.empty() || !st.embeds.empty() || !st.error.empty() || !only_trivia(text)) mine.push_back(&st);
  }
  // stderr.txt: "line:col: message" per failing statement.
  if (fs::exists(dir / "stderr.txt")) {
    std::string want(flash::util::trim(slurp(dir / "stderr.txt")));
    std::string got;
    for (const auto* st : mine) {
      if (st->error.empty()) continue;
      auto lc = flash::diag::line_col(input, st->error_at);
      if (!got.empty()) got += "\n";
      got += std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": " + st->error;
    }
    if (got != want) return "errors differ:\n" + got + "\nexpected:\n" + want;
  }
  auto side = nlohmann::json::parse(slurp(dir / "side_table.json"));
  std::size_t k = 0;
  for (const auto& entry : side) {
    bool has_content = entry.contains("params") || entry.contains("embeds") || entry.contains("error");
    if (!has_content) continue;
    while (k < mine.size() && mine[k]->params.empty() && mine[k]->embeds.empty() && mine[k]->error.empty()) ++k;
    if (k >= mine.size()) return "missing statement for side-table entry " + entry.dump();
    const auto& st = *mine[k++];
    auto params = entry.value("params", nlohmann::json::array());
    if (params.size() != st.params.size())
      return "param count " + std::to_string(st.params.size()) + " != " + std::to_string(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
      const auto& w = params[i];
      const auto& p = st.params[i];
      std::string where = "param " + std::to_string(i) + ": ";
      if (w.value("number", 0) != p.number) return where + "number " + std::to_string(p.number);
      if (w.value("name", std::string()) != p.name) return where + "name " + p.name;
      if (w.value("named", false) != p.named) return where + "named";
      if (w.value("nullable", false) != p.nullable) return where + "nullable";
      if (w.value("slice", false) != p.slice) return where + "slice";
      if (w.value("location", std::size_t{0}) != p.location) return where + "location " + std::to_string(p.location);
      if (w.value("origin", std::size_t{0}) != p.origin) return where + "origin " + std::to_string(p.origin);
    }
    auto embeds = entry.value("embeds", nlohmann::json::array());
    if (embeds.size() != st.embeds.size()) return "embed count";
    for (std::size_t i = 0; i < embeds.size(); ++i) {
      if (embeds[i].value("table", std::string()) != st.embeds[i].table) return "embed table " + st.embeds[i].table;
      if (embeds[i].value("location", std::size_t{0}) != st.embeds[i].location) return "embed location";
      if (embeds[i].value("origin", std::size_t{0}) != st.embeds[i].origin) return "embed origin";
      if (embeds[i].value("orig", std::string()) != st.embeds[i].orig) return "embed orig";
    }
  }
  return "";
}

}  // namespace

TEST(ParamsGolden, SqlcPreprocessCorpus) {
  fs::path root = fs::path(FLASH_CORPUS_DIR) / "sqlc-preprocess";
  if (!fs::exists(root)) GTEST_SKIP() << "corpus not found at " << root;
  int total = 0, passed = 0;
  for (auto [engine, dialect] : {std::pair{"postgresql", Dialect::postgresql}, std::pair{"mysql", Dialect::mysql},
                                 std::pair{"sqlite", Dialect::sqlite}}) {
    std::vector<fs::path> cases;
    for (const auto& e : fs::directory_iterator(root / engine)) cases.push_back(e.path());
    std::sort(cases.begin(), cases.end());
    for (const auto& c : cases) {
      ++total;
      std::string why = check_case(c, dialect);
      if (why.empty()) ++passed;
      else ADD_FAILURE() << c << ": " << why;
    }
  }
  std::cout << "sqlc-preprocess goldens: " << passed << "/" << total << " passed\n";
  EXPECT_EQ(total, 46);
}

TEST(Params, PostgresNamedParamsShareNumbers) {
  auto rw = rewrite_params("SELECT * FROM t WHERE a = @x OR b = @x OR c = @y", Dialect::postgresql);
  EXPECT_EQ(rw.sql, "SELECT * FROM t WHERE a = $1 OR b = $1 OR c = $2");
  ASSERT_EQ(rw.statements.size(), 1u);
  ASSERT_EQ(rw.statements[0].params.size(), 3u);
  EXPECT_EQ(rw.statements[0].params[1].number, 1);
  EXPECT_EQ(rw.statements[0].params[2].name, "y");
}

TEST(Params, MysqlAtIsAUserVariable) {
  auto rw = rewrite_params("SELECT @x, sqlc.arg(y)", Dialect::mysql);
  EXPECT_EQ(rw.sql, "SELECT @x, ?");
}

TEST(Params, OffsetsMapBackToInput) {
  std::string in = "SELECT sqlc.arg(name), bad FROM t";
  auto rw = rewrite_params(in, Dialect::postgresql);
  EXPECT_EQ(rw.sql, "SELECT $1, bad FROM t");
  std::size_t bad = rw.sql.find("bad");
  EXPECT_EQ(rw.to_input(bad), in.find("bad"));
  EXPECT_EQ(rw.to_input(7), 7u);
  EXPECT_EQ(rw.to_input(8), 7u);  // inside the replacement → its start
}

TEST(Params, PostgresQuestionMarkIsAnOperator) {
  auto rw = rewrite_params("SELECT j ?| array['a'] FROM t WHERE x = @v", Dialect::postgresql);
  EXPECT_EQ(rw.sql, "SELECT j ?| array['a'] FROM t WHERE x = $1");
}

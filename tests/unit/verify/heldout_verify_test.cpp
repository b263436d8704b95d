// The held-out query set (tests/corpus/heldout, see its README): sqlc-style queries written for
// real application schemas of the shared corpus, none of them written while fixing the analyser
// against them first. Every query is analysed by Flash and put to the real database in the
// scratch environment of gen --verify (SQLite in memory; PostgreSQL / MySQL with FLASH_TEST_PG_URL
// / FLASH_TEST_MYSQL_URL, skipped without them):
//   * a query Flash analyses is prepared and compared (verify_queries): a mismatch is a failure;
//   * a query Flash refuses is prepared as written (a verify::Probe): when the database accepts
//     it, that is an analyser gap and a failure; when it refuses it too, the set itself is wrong
//     (every query in it is meant to be valid) and that fails as well.
// Floors per engine keep the set from shrinking. FLASH_HELDOUT_REPORT=<file> writes one line per
// problem and per column or parameter Flash types as `other`.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "flash/config/url.hpp"
#include "flash/query/analyze.hpp"
#include "flash/query/file.hpp"
#include "flash/query/params.hpp"
#include "flash/sql/ddl.hpp"
#include "flash/util/text.hpp"
#include "flash/verify/verify.hpp"
#include "support/sqlc_corpus.hpp"

namespace fs = std::filesystem;
using flash::schema::Dialect;

namespace {

// A schema entry of cases.json, relative to the corpus root: a file, a directory (its *.sql in
// name order) or `dir/*suffix` (the files of dir whose names end with suffix, in name order).
std::vector<fs::path> expand(const fs::path& root, const std::string& entry) {
  std::vector<fs::path> out;
  std::string dir = entry, suffix = ".sql";
  if (auto star = entry.rfind("/*"); star != std::string::npos) {
    dir = entry.substr(0, star);
    suffix = entry.substr(star + 2);
  }
  const fs::path p = root / dir;
  if (fs::is_regular_file(p)) return {p};
  if (!fs::is_directory(p)) return {};
  for (const auto& e : fs::directory_iterator(p))
    if (e.is_regular_file() && e.path().filename().string().ends_with(suffix)) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

struct Tally {
  int queries = 0, server_accepts = 0, verified = 0, gaps = 0, mismatches = 0, invalid = 0, untyped = 0,
      cases = 0, blocked = 0;
};

std::unique_ptr<flash::driver::SqlConnection> connect_env(const char* var) {
  const char* url = std::getenv(var);
  if (!url || !*url) return nullptr;
  return flash::driver::connect_sql(flash::config::parse_database_url(url));
}

std::string statement_sql(const flash::query::QueryBlock& b, Dialect d) {
  std::string sql(flash::util::trim(flash::query::rewrite_params(b.sql, d).sql));
  while (!sql.empty() && sql.back() == ';') sql = std::string(flash::util::trim(sql.substr(0, sql.size() - 1)));
  return sql;
}

}  // namespace

TEST(Heldout, EveryQueryTheServerAcceptsAnalysesAndMatches) {
  const fs::path corpus(FLASH_CORPUS_DIR);
  const fs::path here = fs::path(FLASH_SOURCE_DIR) / "tests" / "corpus" / "heldout";
  if (!fs::exists(corpus / "index.json")) GTEST_SKIP() << "corpus not found";
  const nlohmann::json cases = nlohmann::json::parse(flash::test::slurp(here / "cases.json"));
  std::map<std::string, std::unique_ptr<flash::driver::SqlConnection>> conns;
  conns["postgresql"] = connect_env("FLASH_TEST_PG_URL");
  conns["mysql"] = connect_env("FLASH_TEST_MYSQL_URL");

  std::map<std::string, Tally> tally;
  std::ostringstream report;
  for (const auto& c : cases.at("cases")) {
    const std::string name = c.at("name"), engine = c.at("engine");
    const Dialect d = engine == "postgresql" ? Dialect::postgresql : engine == "mysql" ? Dialect::mysql : Dialect::sqlite;
    flash::driver::SqlConnection* conn = nullptr;
    if (d != Dialect::sqlite) {
      if (!conns[engine]) continue;
      conn = conns[engine].get();
    }
    std::vector<flash::sql::SourceFile> schema_files;
    for (const std::string entry : c.at("schema")) {
      const auto files = expand(corpus, entry);
      ASSERT_FALSE(files.empty()) << name << ": schema " << entry << " not found in the corpus";
      for (const fs::path& f : files) schema_files.push_back({f.string(), flash::test::slurp(f)});
    }
    const fs::path qpath = here / c.at("queries").get<std::string>();
    const flash::sql::SourceFile qfile{qpath.string(), flash::test::slurp(qpath)};
    ASSERT_FALSE(qfile.text.empty()) << qpath;

    // A case whose schema Flash cannot parse or load for a reason outside the analyser is marked
    // "blocked" with that reason; the mark must go as soon as the schema loads.
    const std::string blocked = c.value("blocked", "");
    auto schema_problem = [&](const std::string& what) {
      if (blocked.empty()) ADD_FAILURE() << engine << " " << name << ": " << what;
      else report << engine << " " << name << " BLOCKED (" << blocked << "): " << what << "\n";
      ++tally[engine].blocked;
    };
    flash::diag::Diagnostics diags;
    const flash::schema::Schema schema = flash::sql::parse_schema(schema_files, d, diags);
    if (flash::diag::has_errors(diags)) {
      for (const auto& dg : diags)
        if (dg.severity == flash::diag::Severity::error) {
          schema_problem("schema: " + dg.message);
          break;
        }
      continue;
    }

    diags.clear();
    const auto blocks = flash::query::read_query_file(qfile, d, diags);
    ASSERT_FALSE(flash::diag::has_errors(diags)) << name << ": " << diags.front().message;
    flash::query::AnalyzedQueries aq;
    aq.dialect = d;
    std::vector<flash::verify::Probe> probes;
    std::map<std::string, std::string> refusal;  // query → Flash's first error
    for (const auto& b : blocks) {
      flash::diag::Diagnostics qd;
      if (auto q = flash::query::analyze_query(schema, b, qfile, qd)) {
        aq.queries.push_back(std::move(*q));
      } else {
        probes.push_back({b.name, statement_sql(b, d)});
        for (const auto& dg : qd)
          if (dg.severity == flash::diag::Severity::error) {
            refusal[b.name] = dg.code + " " + dg.message;
            break;
          }
      }
    }
    Tally& t = tally[engine];
    ++t.cases;
    t.queries += static_cast<int>(blocks.size());
    flash::verify::Result r;
    try {
      r = flash::verify::verify_queries(schema, aq, conn, &probes);
    } catch (const flash::diag::Error& e) {
      schema_problem(e.diagnostic().message);
      continue;
    }
    EXPECT_TRUE(blocked.empty()) << engine << " " << name << " is marked blocked (" << blocked
                                 << ") but its schema loads now: remove the mark";
    std::map<std::string, bool> bad;
    for (const auto& dg : r.diagnostics) {
      const std::string q = dg.message.substr(6, dg.message.find(':') - 6);  // "query <name>: ..."
      if (dg.message.find(" rejects it: ") != std::string::npos) {
        ++t.invalid;
        report << engine << " " << name << " INVALID (Flash accepts, the database does not): " << dg.message << "\n";
      } else {
        ++t.mismatches;
        report << engine << " " << name << " MISMATCH " << dg.message << "\n";
      }
      bad[q] = true;
    }
    for (const auto& q : aq.queries) {
      if (!bad.count(q.name)) ++t.verified;
      for (const auto& col : q.columns)
        if (col.type.category == flash::schema::TypeCategory::other) {
          ++t.untyped;
          report << engine << " " << name << " UNTYPED query " << q.name << ": column " << col.name << "\n";
        }
      for (const auto& p : q.params)
        if (p.type.category == flash::schema::TypeCategory::other) {
          ++t.untyped;
          report << engine << " " << name << " UNTYPED query " << q.name << ": parameter " << p.name << "\n";
        }
    }
    t.server_accepts += r.queries - static_cast<int>(std::count_if(r.diagnostics.begin(), r.diagnostics.end(),
        [](const auto& dg) { return dg.message.find(" rejects it: ") != std::string::npos; }));
    for (const auto& p : probes) {
      if (p.accepted) {
        ++t.gaps;
        ++t.server_accepts;
        report << engine << " " << name << " GAP query " << p.name << ": the database accepts it, Flash: "
               << refusal[p.name] << "\n";
      } else {
        ++t.invalid;
        report << engine << " " << name << " INVALID query " << p.name << " (both refuse): Flash: "
               << refusal[p.name] << "; the database: " << p.error << "\n";
      }
    }
  }
  for (const auto& [engine, t] : tally)
    std::cout << "heldout " << engine << ": " << t.cases << " cases, " << t.queries << " queries, "
              << t.server_accepts << " accepted by the database, " << t.verified
              << " analysed and verified without mismatch, " << t.gaps << " analyser gaps, " << t.mismatches
              << " mismatches, " << t.invalid << " invalid, " << t.blocked << " cases blocked, " << t.untyped << " columns/parameters typed `other`\n";
  const std::string text = report.str();
  if (const char* out = std::getenv("FLASH_HELDOUT_REPORT")) std::ofstream(out) << text;
  if (!text.empty()) std::cout << text;

  // SQLite always runs; the servers when their URLs are set.
  // Floors: the queries verified when the set was added (raise them as blocked cases load).
  const std::map<std::string, int> floor{{"postgresql", 275}, {"mysql", 171}, {"sqlite", 148}};
  EXPECT_TRUE(tally.count("sqlite"));
  for (const auto& [engine, t] : tally) {
    EXPECT_EQ(t.gaps, 0) << engine << ": queries the database accepts and Flash refuses";
    EXPECT_EQ(t.mismatches, 0) << engine << ": Flash's types differ from the database's";
    EXPECT_EQ(t.invalid, 0) << engine << ": the held-out set holds queries the database refuses";
    EXPECT_GE(t.verified, floor.at(engine)) << engine;
    // A column or parameter typed `other` becomes interface{} / unknown in generated code. SQLite
    // has eight that are dynamically typed by nature: json_extract()'s result and json_each's
    // key/value (chinook-more 1, shiori 6) and a parameter of the scalar max(1, 2, ?).
    const std::map<std::string, int> untyped_ceiling{{"postgresql", 0}, {"mysql", 0}, {"sqlite", 8}};
    EXPECT_LE(t.untyped, untyped_ceiling.at(engine)) << engine << ": columns or parameters Flash could not type";
  }
}

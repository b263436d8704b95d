// The studio's tools on the three databases: cancelling a running query by its id (the engine
// stops it, the statements after it do not run, the connection stays usable), EXPLAIN / EXPLAIN
// ANALYZE as plan trees (ANALYZE's changes rolled back), the data browser's view exported as CSV
// and JSON with filters and sort, the diagram's layout file, the migrations history. What the
// database holds is read with the test's own connection.
#include <chrono>
#include <fstream>
#include <future>

#include <unistd.h>

#include "flash/studio/assets.hpp"
#include "flash/studio/explain.hpp"
#include "flash/studio/tools.hpp"
#include "support.hpp"

namespace flash::studio::test {
namespace {

namespace fs = std::filesystem;

// Every node's title of a plan tree, depth first, and every detail key.
void walk(const json& n, std::string& titles, std::string& keys) {
  titles += n["title"].get<std::string>() + "\n";
  for (const auto& d : n["details"]) keys += d[0].get<std::string>() + "\n";
  for (const auto& c : n["children"]) walk(c, titles, keys);
}

class StudioToolsTest : public StudioTest {};

// A query that runs for minutes on every engine (24.9 billion rows).
const char* kLong = "SELECT COUNT(*) FROM authors a, authors b, authors c, authors d, authors e";

TEST_P(StudioToolsTest, CancelStopsTheRunningQueryAndWhatFollows) {
  const auto t0 = std::chrono::steady_clock::now();
  auto run = std::async(std::launch::async, [&] {
    return studio->post("/api/sql", {{"sql", std::string(kLong) + ";\nINSERT INTO logs (msg) VALUES ('after')"}, {"query_id", "q-1"}});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto c = studio->post("/api/sql/cancel", {{"query_id", "q-1"}});
  ASSERT_EQ(c->status, 200) << c->body;
  auto cj = json::parse(c->body);
  EXPECT_EQ(cj["was_running"], true) << c->body;
  EXPECT_EQ(cj["stopped"], true) << c->body;
  ASSERT_EQ(run.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  auto r = run.get();
  ASSERT_EQ(r->status, 200) << r->body;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(secs, 15.0);
  auto j = json::parse(r->body);
  EXPECT_EQ(j["ok"], false);
  EXPECT_EQ(j["cancelled"], true);
  ASSERT_EQ(j["results"].size(), 1u) << r->body;  // the INSERT after it never ran
  EXPECT_EQ(j["results"][0]["error"]["cancelled"], true) << r->body;
  EXPECT_EQ(count("SELECT COUNT(*) FROM logs WHERE msg = 'after'"), 0);
  // The connection is still usable.
  auto ok = studio->post("/api/sql", {{"sql", "SELECT COUNT(*) AS n FROM authors"}, {"query_id", "q-2"}});
  ASSERT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(json::parse(ok->body)["results"][0]["rows"][0][0], 120);
}

TEST_P(StudioToolsTest, CancelRefusesBadIdsAndReportsNothingRunning) {
  auto r = studio->post("/api/sql/cancel", {{"query_id", "x'; DROP TABLE authors; --"}});
  EXPECT_EQ(r->status, 400) << r->body;
  r = studio->post("/api/sql/cancel", json::object());
  EXPECT_EQ(r->status, 400) << r->body;
  r = studio->post("/api/sql/cancel", {{"query_id", "idle"}});
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["was_running"], false);
  // Without the CSRF token the guard refuses it.
  r = studio->post("/api/sql/cancel", {{"query_id", "idle"}}, studio->headers(false));
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(count("SELECT COUNT(*) FROM authors"), 120);
}

TEST_P(StudioToolsTest, ExplainGivesAPlanTree) {
  auto r = studio->post("/api/explain", {{"sql", "SELECT * FROM authors WHERE id > 100"}, {"analyze", false}});
  ASSERT_EQ(r->status, 200) << r->body;
  auto j = json::parse(r->body);
  std::string titles, keys;
  walk(j["tree"], titles, keys);
  EXPECT_NE(titles.find("authors"), std::string::npos) << titles;
  EXPECT_FALSE(j["tree"]["children"].empty()) << r->body;

  r = studio->post("/api/explain", {{"sql", "SELECT * FROM authors WHERE id > 100"}, {"analyze", true}});
  ASSERT_EQ(r->status, 200) << r->body;
  j = json::parse(r->body);
  titles.clear();
  keys.clear();
  walk(j["tree"], titles, keys);
  const char* measured = GetParam() == Dialect::postgresql ? "Actual Rows"
                         : GetParam() == Dialect::mysql    ? "r_rows"
                                                           : "Execution Time (ms)";
  EXPECT_NE(keys.find(measured), std::string::npos) << keys;
}

TEST_P(StudioToolsTest, ExplainAnalyzeKeepsNoChange) {
  auto r = studio->post("/api/explain", {{"sql", "DELETE FROM logs"}, {"analyze", true}});
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(count("SELECT COUNT(*) FROM logs"), 2);
  r = studio->post("/api/explain", {{"sql", "SELECT 1; SELECT 2"}});
  EXPECT_EQ(r->status, 400) << r->body;
  r = studio->post("/api/explain", {{"sql", "SELECT * FROM no_such_table"}});
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "studio.database");
}

TEST_P(StudioToolsTest, ExportWritesTheWholeViewWithFiltersAndSort) {
  json q = {{"table", "authors"}, {"filters", json::array({{{"column", "id"}, {"op", ">"}, {"value", 30}}})},
            {"sort", "id"}, {"dir", "desc"}, {"format", "csv"}};
  auto r = studio->get("/api/export?q=" + encode(q.dump()));
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Disposition"), "attachment; filename=\"authors.csv\"");
  std::vector<std::string> lines;
  for (std::size_t p = 0, e; (e = r->body.find('\n', p)) != std::string::npos; p = e + 1) lines.push_back(r->body.substr(p, e - p));
  ASSERT_EQ(lines.size(), 91u);  // 90 rows over the 50-row page, and the header
  EXPECT_EQ(lines[0], "id,name,note");
  EXPECT_EQ(lines[1], "120,author 120,\"\"");  // 120 % 5 == 0: '' is a quoted empty field
  EXPECT_EQ(lines[2], "119,author 119,") << "119 % 7 == 0: NULL is an empty field";
  q["format"] = "json";
  r = studio->get("/api/export?q=" + encode(q.dump()));
  ASSERT_EQ(r->status, 200) << r->body;
  auto j = json::parse(r->body);
  ASSERT_EQ(j.size(), 90u);
  // flash export's exchange form: 64-bit integers (SQLite's INTEGER) as strings, 32-bit as numbers.
  auto num = [](const json& v) { return v.is_string() ? std::stoll(v.get<std::string>()) : v.get<long long>(); };
  EXPECT_EQ(num(j[0]["id"]), 120);
  EXPECT_EQ(j[0]["note"], "");
  EXPECT_TRUE(j[1]["note"].is_null());
  EXPECT_EQ(num(j[89]["id"]), 31);
  // Identifiers are checked as for the browser's pages.
  q["sort"] = "id; DROP TABLE authors";
  r = studio->get("/api/export?q=" + encode(q.dump()));
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(count("SELECT COUNT(*) FROM authors"), 120);
}

// The embedded web app: the precompressed copy sent once compressed (a second compression by
// httplib would not decode to the file), long cache for hashed names, the copies not addressable.
TEST_P(StudioToolsTest, AssetsArePrecompressedAndCached) {
  const Asset* js = nullptr;
  for (const auto& a : bundle())
    if (a.path.rfind("/assets/index-", 0) == 0 && a.path.size() > 3 && a.path.substr(a.path.size() - 3) == ".js") js = &a;
  ASSERT_NE(js, nullptr);
  const std::string path(js->path);
  const Asset* br = find_asset(path + ".br");
  ASSERT_NE(br, nullptr) << "vite.config.ts writes .br copies";
  for (const char* accept : {"br", "gzip, deflate, br", "gzip", ""}) {
    auto c = studio->client();
    c.set_decompress(false);
    httplib::Headers h{{"Cookie", studio->cookie}};
    if (*accept) h.emplace("Accept-Encoding", accept);
    auto r = c.Get(path.c_str(), h);
    ASSERT_EQ(r->status, 200) << accept;
    const std::string want = std::string(accept).find("br") != std::string::npos ? "br" : *accept ? "gzip" : "";
    EXPECT_EQ(r->get_header_value("Content-Encoding"), want) << accept;
    EXPECT_EQ(r->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
    EXPECT_EQ(r->get_header_value("Vary"), "Accept-Encoding");
    EXPECT_EQ(r->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
    const Asset* sent = want == "br" ? br : want == "gzip" ? find_asset(path + ".gz") : js;
    EXPECT_EQ(r->body, sent->bytes) << accept;
  }
  auto decoded = studio->client().Get(path.c_str(), {{"Cookie", studio->cookie}, {"Accept-Encoding", "gzip"}});
  EXPECT_EQ(decoded->body, js->bytes);  // decodes to the file: compressed exactly once
  auto index = studio->client().Get("/", {{"Cookie", studio->cookie}});
  EXPECT_EQ(index->get_header_value("Cache-Control"), "no-cache");
  EXPECT_EQ(studio->get(path + ".br")->status, 404);
  EXPECT_EQ(studio->get(path + ".gz")->status, 404);
  EXPECT_EQ(studio->get("/api/tables")->get_header_value("Cache-Control"), "no-store");
}

INSTANTIATE_TEST_SUITE_P(Engines, StudioToolsTest, ::testing::Values(Dialect::sqlite, Dialect::postgresql, Dialect::mysql),
                         param_name);

// ---- the layout file and the history: a project folder ---------------------------------------------

class StudioProjectTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("flash_studio_tools_" + std::to_string(::getpid()) + "_" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir / "db" / "migrations");
    std::ofstream(dir / "db/migrations/20240101000000_init.sql")
        << "-- +migrate Up\nCREATE TABLE shelves (id INTEGER PRIMARY KEY, label VARCHAR(20));\n"
           "CREATE TABLE old_notes (id INTEGER PRIMARY KEY);\n-- +migrate Down\nDROP TABLE old_notes;\nDROP TABLE shelves;\n";
    std::ofstream(dir / "db/migrations/20240102000000_more.sql")
        << "-- +migrate Up\nALTER TABLE shelves ADD COLUMN floor INTEGER;\n"
           "CREATE TABLE rooms (id INTEGER PRIMARY KEY, shelf_id INTEGER REFERENCES shelves(id));\n"
           "DROP TABLE old_notes;\n-- +migrate Down\nCREATE TABLE old_notes (id INTEGER PRIMARY KEY);\nDROP TABLE rooms;\n"
           "ALTER TABLE shelves DROP COLUMN floor;\n";
    studio = Studio::start(GetParam(), read_only(), dir);
    if (!studio) GTEST_SKIP() << "no server URL for " << dialect_name(GetParam());
    ASSERT_TRUE(studio->sign_in());
  }
  void TearDown() override { fs::remove_all(dir); }
  virtual bool read_only() const { return false; }
  fs::path dir;
  std::unique_ptr<Studio> studio;
};

TEST_P(StudioProjectTest, LayoutIsSavedAsAStableFile) {
  auto r = studio->get("/api/layout");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["positions"], json::object());
  r = studio->post("/api/layout", {{"positions", {{"books", {{"x", 300.4}, {"y", -20}}}, {"authors", {{"x", 0}, {"y", 10.6}}}}}});
  ASSERT_EQ(r->status, 200) << r->body;
  std::ifstream in(dir / "db/studio/layout.json");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text,
            "{\n  \"version\": 1,\n  \"positions\": {\n    \"authors\": {\"x\": 0, \"y\": 11},\n"
            "    \"books\": {\"x\": 300, \"y\": -20}\n  }\n}\n");
  r = studio->get("/api/layout");
  EXPECT_EQ(json::parse(r->body)["positions"]["books"]["x"], 300);
  for (const json& bad : {json{{"positions", {{"a", {{"x", "1"}, {"y", 2}}}}}}, json{{"positions", json::array()}},
                          json{{"positions", {{"a", {{"x", 1e300}, {"y", 2}}}}}}}) {
    r = studio->post("/api/layout", bad);
    EXPECT_EQ(r->status, 400) << bad.dump();
  }
  // A cross-origin POST is refused by the guard and the file is unchanged.
  auto h = studio->headers();
  h.erase("Origin");
  h.emplace("Origin", "http://evil.example");
  r = studio->post("/api/layout", {{"positions", json::object()}}, h);
  EXPECT_EQ(r->status, 403);
  std::ifstream again(dir / "db/studio/layout.json");
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>()), text);
}

TEST_P(StudioProjectTest, HistoryReplaysTheMigrationsAndMarksTheirChanges) {
  auto r = studio->get("/api/history");
  ASSERT_EQ(r->status, 200) << r->body;
  auto j = json::parse(r->body);
  ASSERT_EQ(j["migrations"].size(), 2u);
  EXPECT_EQ(j["migrations"][0]["id"], "20240101000000_init");
  EXPECT_EQ(j["migrations"][0]["applied"], false);

  r = studio->get("/api/history/at?n=1");
  ASSERT_EQ(r->status, 200) << r->body;
  j = json::parse(r->body);
  auto added = j["changes"]["added"].get<std::vector<std::string>>();
  std::sort(added.begin(), added.end());
  EXPECT_EQ(added, (std::vector<std::string>{"old_notes", "shelves"})) << r->body;
  EXPECT_EQ(j["tables"].size(), 2u);

  r = studio->get("/api/history/at?n=2");
  ASSERT_EQ(r->status, 200) << r->body;
  j = json::parse(r->body);
  EXPECT_EQ(j["migration"]["id"], "20240102000000_more");
  EXPECT_EQ(j["changes"]["added"], json::array({"rooms"})) << r->body;
  EXPECT_EQ(j["changes"]["removed"], json::array({"old_notes"})) << r->body;
  EXPECT_EQ(j["changes"]["changed"]["shelves"]["added"], json::array({"floor"})) << r->body;
  bool removed_drawn = false;
  for (const auto& t : j["tables"]) removed_drawn |= t["name"] == "old_notes" && t.value("removed", false);
  EXPECT_TRUE(removed_drawn) << r->body;
  EXPECT_TRUE(j["problems"].empty()) << r->body;

  for (const char* bad : {"3", "-1", "x", "", "1; DROP TABLE authors"})
    EXPECT_EQ(studio->get(std::string("/api/history/at?n=") + bad)->status, 400) << bad;
}

class StudioProjectReadOnlyTest : public StudioProjectTest {
  bool read_only() const override { return true; }
};

TEST_P(StudioProjectReadOnlyTest, ReadOnlyRefusesLayoutExplainAndCancel) {
  auto r = studio->post("/api/layout", {{"positions", {{"a", {{"x", 1}, {"y", 2}}}}}});
  EXPECT_EQ(r->status, 403) << r->body;
  EXPECT_FALSE(fs::exists(dir / "db/studio/layout.json"));
  EXPECT_EQ(studio->post("/api/explain", {{"sql", "DELETE FROM logs"}, {"analyze", true}})->status, 403);
  EXPECT_EQ(studio->post("/api/sql/cancel", {{"query_id", "a"}})->status, 403);
  EXPECT_EQ(studio->post("/api/sql", {{"sql", "DELETE FROM logs"}, {"query_id", "a"}})->status, 403);
  EXPECT_EQ(studio->get("/api/history")->status, 200);
}

INSTANTIATE_TEST_SUITE_P(Engines, StudioProjectTest, ::testing::Values(Dialect::sqlite, Dialect::postgresql, Dialect::mysql),
                         param_name);
INSTANTIATE_TEST_SUITE_P(Engines, StudioProjectReadOnlyTest,
                         ::testing::Values(Dialect::sqlite, Dialect::postgresql, Dialect::mysql), param_name);

// ---- pure parts --------------------------------------------------------------------------------------

TEST(StudioPlanTree, EachEnginesOutputBecomesNodes) {
  auto pg = plan_tree_postgres(nlohmann::ordered_json::parse(R"([{"Plan": {"Node Type": "Hash Join", "Total Cost": 12.5, "Parallel Aware": false, "Shared Hit Blocks": 0,
      "Plans": [{"Node Type": "Seq Scan", "Relation Name": "books", "Alias": "b"},
                {"Node Type": "Index Scan", "Relation Name": "authors", "Alias": "authors", "Index Name": "authors_pkey"}]},
      "Planning Time": 0.1}])"));
  EXPECT_EQ(pg["children"][0]["title"], "Hash Join");
  EXPECT_EQ(pg["children"][0]["children"][0]["title"], "Seq Scan on books b");
  EXPECT_EQ(pg["children"][0]["children"][1]["title"], "Index Scan on authors using authors_pkey");
  EXPECT_EQ(pg["details"][0], json::array({"Planning Time", "0.1"}));
  EXPECT_EQ(pg["children"][0]["details"][0], json::array({"Total Cost", "12.5"}));

  auto my = plan_tree_mariadb(nlohmann::ordered_json::parse(R"({"query_block": {"select_id": 1, "nested_loop": [
      {"table": {"table_name": "a", "access_type": "ALL", "rows": 120}},
      {"table": {"table_name": "b", "access_type": "eq_ref", "key": "PRIMARY"}}]}})"));
  const auto& qb = my["children"][0];
  EXPECT_EQ(qb["title"], "query_block #1");
  ASSERT_EQ(qb["children"].size(), 2u);
  EXPECT_EQ(qb["children"][0]["title"], "table a (ALL)");
  EXPECT_EQ(qb["children"][1]["details"][0], json::array({"key", "PRIMARY"}));  // the engine's order kept
  EXPECT_EQ(qb["children"][0]["details"][0], json::array({"rows", "120"}));

  auto lite = plan_tree_sqlite({{2, 0, "SCAN a"}, {5, 0, "SEARCH b USING INTEGER PRIMARY KEY (rowid=?)"}, {7, 5, "LIST SUBQUERY 1"}});
  ASSERT_EQ(lite["children"].size(), 2u);
  EXPECT_EQ(lite["children"][1]["children"][0]["title"], "LIST SUBQUERY 1");

  auto text = plan_tree_text("-> Nested loop inner join  (cost=1 rows=2) (actual time=0.1..0.2 rows=2 loops=1)\n"
                             "    -> Table scan on a  (cost=0.5 rows=2)\n"
                             "    -> Single-row index lookup on b using PRIMARY (id=a.b_id)\n");
  ASSERT_EQ(text["children"].size(), 1u);
  EXPECT_EQ(text["children"][0]["title"], "Nested loop inner join");
  EXPECT_EQ(text["children"][0]["children"].size(), 2u);
}

TEST(StudioLayout, TextIsSortedAndRounded) {
  EXPECT_EQ(layout_text(json::object()), "{\n  \"version\": 1,\n  \"positions\": {}\n}\n");
  EXPECT_THROW(layout_text(json{{"", {{"x", 1}, {"y", 1}}}}), ApiError);
  EXPECT_THROW(layout_text(json{{"t", {{"x", 1}}}}), ApiError);
}

}  // namespace
}  // namespace flash::studio::test

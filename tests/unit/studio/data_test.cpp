// The data browser's API on the three databases: keyset paging (forward, backward, the last page,
// sorted by a nullable column), typed filters, exact type round trips, edits that carry the old
// values (a stale edit is a conflict and writes nothing), composite keys, tables without a key.
// What the database holds is read with a connection of the test's own, not through the studio.
#include <algorithm>
#include <set>

#include "support.hpp"

namespace flash::studio::test {
namespace {

std::vector<std::int64_t> ids(const json& page) {
  std::vector<std::int64_t> out;
  for (const auto& r : page["rows"]) out.push_back(r[0].get<std::int64_t>());
  return out;
}

// All pages of `q` forward, each page's ids appended.
std::vector<std::int64_t> walk(const Studio& s, json q, int* pages = nullptr) {
  std::vector<std::int64_t> all;
  for (int n = 0; n < 100; ++n) {
    auto page = s.rows(q);
    auto got = ids(page);
    all.insert(all.end(), got.begin(), got.end());
    if (pages) *pages = n + 1;
    if (page["next"].is_null()) break;
    q["after"] = page["next"];
  }
  return all;
}

TEST_P(StudioTest, TablesListsRowCountsKeysAndReferences) {
  auto r = studio->get("/api/tables");
  ASSERT_EQ(r->status, 200) << r->body;
  auto j = json::parse(r->body);
  EXPECT_EQ(j["model"], "relational");
  std::map<std::string, json> by;
  for (const auto& t : j["tables"]) by[t["name"]] = t;
  ASSERT_TRUE(by.count("authors") && by.count("books") && by.count("pairs") && by.count("logs")) << r->body;
  EXPECT_EQ(by["authors"]["rows"], 120);
  EXPECT_EQ(by["authors"]["count"], "exact");
  EXPECT_EQ(by["pairs"]["primary_key"], json::array({"a", "b"}));
  EXPECT_EQ(by["logs"]["editable"], false);
  EXPECT_TRUE(by["logs"].contains("note"));
  EXPECT_EQ(by["books"]["foreign_keys"][0]["ref_table"], "authors");
  EXPECT_EQ(by["authors"]["referenced_by"][0]["table"], "books");
}

TEST_P(StudioTest, KeysetPagesForwardBackwardAndLast) {
  int pages = 0;
  auto all = walk(*studio, {{"table", "authors"}, {"limit", 50}}, &pages);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(all.size(), 120u);
  for (int i = 0; i < 120; ++i) EXPECT_EQ(all[static_cast<std::size_t>(i)], i + 1);

  auto last = studio->rows({{"table", "authors"}, {"limit", 50}, {"last", true}});
  auto l = ids(last);
  ASSERT_EQ(l.size(), 50u);
  EXPECT_EQ(l.front(), 71);
  EXPECT_EQ(l.back(), 120);
  EXPECT_TRUE(last["next"].is_null());
  auto before = studio->rows({{"table", "authors"}, {"limit", 50}, {"before", last["prev"]}});
  auto b = ids(before);
  ASSERT_EQ(b.size(), 50u);
  EXPECT_EQ(b.front(), 21);
  EXPECT_EQ(b.back(), 70);

  // Descending by key.
  auto desc = walk(*studio, {{"table", "authors"}, {"limit", 40}, {"dir", "desc"}});
  ASSERT_EQ(desc.size(), 120u);
  EXPECT_EQ(desc.front(), 120);
  EXPECT_EQ(desc.back(), 1);
}

TEST_P(StudioTest, SortOnNullableColumnVisitsEveryRowOnce) {
  for (const char* dir : {"asc", "desc"}) {
    auto all = walk(*studio, {{"table", "authors"}, {"limit", 17}, {"sort", "note"}, {"dir", dir}});
    ASSERT_EQ(all.size(), 120u) << dir;
    EXPECT_EQ(std::set<std::int64_t>(all.begin(), all.end()).size(), 120u) << dir;
    // Expected order: (note, id) with NULLs last ascending and first descending.
    std::vector<std::pair<std::string, std::int64_t>> keyed;
    for (std::int64_t i = 1; i <= 120; ++i)
      keyed.emplace_back(i % 7 == 0 ? "\x7f" : i % 5 == 0 ? "" : "n" + std::to_string(i % 10), i);
    std::sort(keyed.begin(), keyed.end());
    if (std::string(dir) == "desc") std::reverse(keyed.begin(), keyed.end());
    for (std::size_t i = 0; i < 120; ++i) EXPECT_EQ(all[i], keyed[i].second) << dir << " at " << i;
  }
}

TEST_P(StudioTest, TypedFilters) {
  auto n = [&](json filters) {
    auto all = walk(*studio, {{"table", "authors"}, {"limit", 1000}, {"filters", filters}});
    return static_cast<int>(all.size());
  };
  EXPECT_EQ(n({{{"column", "id"}, {"op", "="}, {"value", 7}}}), 1);
  EXPECT_EQ(n({{{"column", "id"}, {"op", "="}, {"value", "7"}}}), 1);
  EXPECT_EQ(n({{{"column", "id"}, {"op", "<>"}, {"value", 7}}}), 119);
  EXPECT_EQ(n({{{"column", "id"}, {"op", "<"}, {"value", 11}}}), 10);
  EXPECT_EQ(n({{{"column", "id"}, {"op", ">"}, {"value", 100}}}), 20);
  EXPECT_EQ(n({{{"column", "id"}, {"op", "between"}, {"value", {10, 19}}}}), 10);
  EXPECT_EQ(n({{{"column", "id"}, {"op", "in"}, {"value", {1, 2, 3, 999}}}}), 3);
  EXPECT_EQ(n({{{"column", "name"}, {"op", "like"}, {"value", "author 11%"}}}), 10);
  EXPECT_EQ(n({{{"column", "note"}, {"op", "is_null"}}}), 17);   // multiples of 7
  EXPECT_EQ(n({{{"column", "note"}, {"op", "="}, {"value", ""}}}), 21);  // multiples of 5 but not 35, 70, 105
  EXPECT_EQ(n({{{"column", "note"}, {"op", "not_null"}}, {{"column", "id"}, {"op", "<="}, {"value", 10}}}), 9);
}

TEST_P(StudioTest, ExactValuesRoundTrip) {
  const Dialect d = GetParam();
  json values = {{"id", "9007199254740993"},  // 2^53 + 1: not a double
                 {"author_id", 1},
                 {"title", ""},
                 {"price", "12345678.1234"},
                 {"data", "{\"a\": [1, 2], \"b\": null}"},
                 {"cover", {{"$hex", "00ff10"}}},
                 {"flag", true},
                 {"ratio", 0.1}};
  auto r = studio->post("/api/rows/insert", {{"table", "books"}, {"values", values}});
  ASSERT_EQ(r->status, 200) << r->body;

  // In the database, read by the driver.
  auto rs = studio->check->query("SELECT id, title, price, cover, ratio FROM books");
  ASSERT_EQ(rs.rows.size(), 1u);
  EXPECT_EQ(std::get<std::int64_t>(rs.rows[0][0]), 9007199254740993LL);
  EXPECT_EQ(std::get<std::string>(rs.rows[0][1]), "");  // '' and not NULL
  if (d != Dialect::sqlite) {  // SQLite stores NUMERIC affinity as REAL
    EXPECT_EQ(std::get<std::string>(rs.rows[0][2]), "12345678.1234");
  }
  EXPECT_EQ(std::get<driver::Blob>(rs.rows[0][3]).bytes, std::string("\x00\xff\x10", 3));
  EXPECT_EQ(std::get<double>(rs.rows[0][4]), 0.1);

  // Back through the API, filtered by the big key.
  auto page = studio->rows({{"table", "books"}, {"filters", {{{"column", "id"}, {"op", "="}, {"value", "9007199254740993"}}}}});
  ASSERT_EQ(page["rows"].size(), 1u) << page.dump();
  const auto& row = page["rows"][0];
  EXPECT_EQ(row[0], "9007199254740993");
  EXPECT_EQ(row[2], "");
  if (d != Dialect::sqlite) {
    EXPECT_EQ(row[3], "12345678.1234");
  }
  EXPECT_EQ(json::parse(row[4].get<std::string>()), json::parse("{\"a\": [1, 2], \"b\": null}"));
  EXPECT_EQ(row[5], json({{"$hex", "00ff10"}}));
  EXPECT_EQ(row[7], 0.1);
  EXPECT_EQ(page["next"], nullptr);

  // Edit by the big key carrying the old values of the JSON and decimal cells.
  r = studio->post("/api/rows/update", {{"table", "books"}, {"key", {{"id", row[0]}}},
                                        {"set", {{"title", "T"}, {"data", "[3]"}, {"price", "1.5"}}},
                                        {"old", {{"title", row[2]}, {"data", row[4]}, {"price", row[3]}}}});
  EXPECT_EQ(r->status, 200) << r->body;
  rs = studio->check->query("SELECT title FROM books");
  EXPECT_EQ(std::get<std::string>(rs.rows.at(0).at(0)), "T");
}

TEST_P(StudioTest, StaleEditIsAConflictAndWritesNothing) {
  auto r = studio->post("/api/rows/update", {{"table", "authors"}, {"key", {{"id", 3}}},
                                             {"set", {{"name", "changed"}}}, {"old", {{"name", "author 003"}}}});
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(count("SELECT COUNT(*) FROM authors WHERE name = 'changed' AND id = 3"), 1);
  // Someone else changes the row; the edit made from the old page is refused.
  studio->check->execute("UPDATE authors SET name = 'theirs' WHERE id = 3");
  r = studio->post("/api/rows/update", {{"table", "authors"}, {"key", {{"id", 3}}},
                                        {"set", {{"name", "mine"}}}, {"old", {{"name", "changed"}}}});
  ASSERT_EQ(r->status, 409) << r->body;
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "studio.conflict");
  EXPECT_EQ(count("SELECT COUNT(*) FROM authors WHERE name = 'theirs' AND id = 3"), 1);
  // NULL as an old value matches NULL only.
  r = studio->post("/api/rows/update", {{"table", "authors"}, {"key", {{"id", 7}}},
                                        {"set", {{"note", ""}}}, {"old", {{"note", nullptr}}}});
  EXPECT_EQ(r->status, 200) << r->body;
  r = studio->post("/api/rows/update", {{"table", "authors"}, {"key", {{"id", 14}}},
                                        {"set", {{"note", "x"}}}, {"old", {{"note", ""}}}});
  EXPECT_EQ(r->status, 409) << r->body;
  EXPECT_EQ(count("SELECT COUNT(*) FROM authors WHERE id = 7 AND note = ''"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM authors WHERE id = 14 AND note IS NULL"), 1);
  // An edit without the old values is refused.
  r = studio->post("/api/rows/update", {{"table", "authors"}, {"key", {{"id", 3}}}, {"set", {{"name", "x"}}}, {"old", json::object()}});
  EXPECT_EQ(r->status, 400) << r->body;
}

TEST_P(StudioTest, CompositeKeysInsertUpdateDelete) {
  auto page = studio->rows({{"table", "pairs"}});
  ASSERT_EQ(page["rows"].size(), 3u);
  EXPECT_EQ(page["key"], json::array({"a", "b"}));
  auto r = studio->post("/api/rows/update", {{"table", "pairs"}, {"key", {{"a", 1}, {"b", "y"}}},
                                             {"set", {{"v", 99}}}, {"old", {{"v", 11}}}});
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(count("SELECT v FROM pairs WHERE a = 1 AND b = 'y'"), 99);
  EXPECT_EQ(count("SELECT v FROM pairs WHERE a = 1 AND b = 'x'"), 10);
  r = studio->post("/api/rows/insert", {{"table", "pairs"}, {"values", {{"a", 3}, {"b", "z"}, {"v", nullptr}}}});
  ASSERT_EQ(r->status, 200) << r->body;
  r = studio->post("/api/rows/delete", {{"table", "pairs"}, {"keys", {{{"a", 1}, {"b", "x"}}, {{"a", 2}, {"b", "x"}}}}});
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(count("SELECT COUNT(*) FROM pairs"), 2);
  // A key that is gone: nothing of the batch is deleted.
  r = studio->post("/api/rows/delete", {{"table", "pairs"}, {"keys", {{{"a", 3}, {"b", "z"}}, {{"a", 2}, {"b", "x"}}}}});
  EXPECT_EQ(r->status, 409) << r->body;
  EXPECT_EQ(count("SELECT COUNT(*) FROM pairs"), 2);
  // A partial key is refused.
  r = studio->post("/api/rows/delete", {{"table", "pairs"}, {"keys", {{{"a", 3}}}}});
  EXPECT_EQ(r->status, 400) << r->body;
}

TEST_P(StudioTest, TableWithoutPrimaryKeyIsReadOnly) {
  auto page = studio->rows({{"table", "logs"}, {"limit", 1}});
  EXPECT_EQ(page["paging"], "offset");
  EXPECT_EQ(page["editable"], false);
  EXPECT_EQ(page["rows"].size(), 1u);
  auto second = studio->rows({{"table", "logs"}, {"limit", 1}, {"offset", page["next"]["offset"]}});
  EXPECT_EQ(second["rows"].size(), 1u);
  auto r = studio->post("/api/rows/insert", {{"table", "logs"}, {"values", {{"msg", "three"}}}});
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "studio.not_editable");
  EXPECT_EQ(count("SELECT COUNT(*) FROM logs"), 2);
}

TEST_P(StudioTest, SqlRunnerResultsCountsAndLocatedErrors) {
  auto r = studio->post("/api/sql", {{"sql", "SELECT COUNT(*) AS n FROM authors;\nUPDATE authors SET note = 'z' WHERE id <= 3;\n\nSELECT nope FROM authors;\nSELECT 1"}});
  ASSERT_EQ(r->status, 200) << r->body;
  auto j = json::parse(r->body);
  EXPECT_EQ(j["ok"], false);
  ASSERT_EQ(j["results"].size(), 3u) << j.dump();
  EXPECT_EQ(j["results"][0]["rows"][0][0], 120);
  EXPECT_EQ(j["results"][1]["affected_rows"], 3);
  EXPECT_EQ(j["results"][2]["error"]["line"], 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM authors WHERE note = 'z'"), 3);
  // DDL refreshes the model: the new table is listed.
  r = studio->post("/api/sql", {{"sql", "CREATE TABLE extra (id INTEGER PRIMARY KEY)"}});
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_NE(studio->get("/api/tables")->body.find("\"extra\""), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Engines, StudioTest,
                         ::testing::Values(Dialect::sqlite, Dialect::postgresql, Dialect::mysql), param_name);

}  // namespace
}  // namespace flash::studio::test

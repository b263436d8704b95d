// Issue 12's attack list at the HTTP level, on the three databases: every request below is refused
// with the status and code named, and a connection of the test's own then finds the data unchanged.
#include "support.hpp"

namespace flash::studio::test {
namespace {

std::string code_of(const httplib::Result& r) {
  if (!r) return "<no response>";
  try {
    return json::parse(r->body)["error"]["code"].get<std::string>();
  } catch (const std::exception&) {
    return "<not an error body: " + r->body.substr(0, 80) + ">";
  }
}

class StudioAttack : public StudioTest {
 protected:
  // The fixture as created: every table there with its rows.
  void expect_unchanged() {
    EXPECT_EQ(count("SELECT COUNT(*) FROM authors"), 120);
    EXPECT_EQ(count("SELECT COUNT(*) FROM authors WHERE name LIKE 'author %'"), 120);
    EXPECT_EQ(count("SELECT COUNT(*) FROM pairs"), 3);
    EXPECT_EQ(count("SELECT COUNT(*) FROM logs"), 2);
  }
  json edit() const {
    return {{"table", "authors"}, {"key", {{"id", 1}}}, {"set", {{"name", "pwned"}}}, {"old", {{"name", "author 001"}}}};
  }
};

TEST_P(StudioAttack, NoOrWrongTokenOrCookieIs401) {
  auto c = studio->client();
  for (const char* path : {"/api/tables", "/api/session", "/", "/index.html"}) {
    auto r = c.Get(path);
    EXPECT_EQ(r->status, 401) << path;
    EXPECT_EQ(code_of(r), "studio.auth") << path;
  }
  auto r = c.Get("/api/tables", {{"Cookie", std::string(kSessionCookie) + "=" + std::string(64, 'a')}});
  EXPECT_EQ(r->status, 401);
  r = c.Post("/api/sql", {{"Origin", studio->origin()}}, json{{"sql", "DELETE FROM authors"}}.dump(), "application/json");
  EXPECT_EQ(r->status, 401);
  // The URL's token was exchanged by sign_in(): it works once only; a guessed one never.
  r = c.Get(("/?token=" + studio->token()).c_str());
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(code_of(r), "studio.token");
  EXPECT_TRUE(r->get_header_value("Set-Cookie").empty());
  r = c.Get(("/?token=" + std::string(64, '0')).c_str());
  EXPECT_EQ(r->status, 401);
  expect_unchanged();
}

TEST_P(StudioAttack, CookieIsHttpOnlyAndSameSiteStrict) {
  auto fresh = Studio::start(GetParam());
  ASSERT_TRUE(fresh);
  auto r = fresh->client().Get(("/?token=" + fresh->token()).c_str());
  ASSERT_EQ(r->status, 303);
  const auto set = r->get_header_value("Set-Cookie");
  EXPECT_NE(set.find("HttpOnly"), std::string::npos) << set;
  EXPECT_NE(set.find("SameSite=Strict"), std::string::npos) << set;
  EXPECT_EQ(set.find(fresh->token()), std::string::npos) << "the cookie is not the URL's token";
  EXPECT_EQ(r->get_header_value("Location"), "/");
}

TEST_P(StudioAttack, ForgedHostIsRefused) {
  const std::string port = std::to_string(studio->port);
  for (const std::string& host : std::vector<std::string>{"evil.example:" + port, "evil.example", "127.0.0.1:1", "127.0.0.1.evil.example:" + port, ""}) {
    httplib::Headers h = studio->headers();
    h.emplace("Host", host);
    auto r = studio->client().Get("/api/tables", h);
    EXPECT_EQ(r->status, 421) << host;
    EXPECT_EQ(code_of(r), "studio.host") << host;
    r = studio->client().Post("/api/rows/update", h, edit().dump(), "application/json");
    EXPECT_EQ(r->status, 421) << host;
  }
  // Our own names pass.
  for (const std::string& host : std::vector<std::string>{"127.0.0.1:" + port, "localhost:" + port}) {
    auto r = studio->client().Get("/api/tables", {{"Cookie", studio->cookie}, {"Host", host}});
    EXPECT_EQ(r->status, 200) << host;
  }
  expect_unchanged();
}

TEST_P(StudioAttack, CrossOriginAndMissingCsrfAreRefused) {
  auto h = studio->headers();
  struct Case { const char* what; httplib::Headers headers; const char* code; };
  std::vector<Case> cases = {
      {"foreign origin", {{"Cookie", studio->cookie}, {"Origin", "http://evil.example"}, {"X-CSRF-Token", studio->csrf}}, "studio.origin"},
      {"null origin", {{"Cookie", studio->cookie}, {"Origin", "null"}, {"X-CSRF-Token", studio->csrf}}, "studio.origin"},
      {"no origin", {{"Cookie", studio->cookie}, {"X-CSRF-Token", studio->csrf}}, "studio.origin"},
      {"other port", {{"Cookie", studio->cookie}, {"Origin", "http://127.0.0.1:1"}, {"X-CSRF-Token", studio->csrf}}, "studio.origin"},
      {"no csrf", {{"Cookie", studio->cookie}, {"Origin", studio->origin()}}, "studio.csrf"},
      {"wrong csrf", {{"Cookie", studio->cookie}, {"Origin", studio->origin()}, {"X-CSRF-Token", std::string(64, 'f')}}, "studio.csrf"},
  };
  for (const auto& c : cases) {
    for (const auto& [path, body] : std::vector<std::pair<std::string, json>>{
             {"/api/rows/update", edit()},
             {"/api/rows/insert", {{"table", "logs"}, {"values", {{"msg", "x"}}}}},
             {"/api/rows/delete", {{"table", "pairs"}, {"keys", {{{"a", 1}, {"b", "x"}}}}}},
             {"/api/sql", {{"sql", "DELETE FROM authors"}}}}) {
      auto r = studio->post(path, body, c.headers);
      EXPECT_EQ(r->status, 403) << c.what << " " << path;
      EXPECT_EQ(code_of(r), c.code) << c.what << " " << path;
      EXPECT_TRUE(r->get_header_value("Access-Control-Allow-Origin").empty());
    }
  }
  // Other methods are state-changing too.
  auto r = studio->client().Delete("/api/rows/delete", {{"Cookie", studio->cookie}, {"Origin", "http://evil.example"}});
  EXPECT_EQ(r->status, 403);
  expect_unchanged();
}

TEST_P(StudioAttack, NoCorsHeaders) {
  auto r = studio->client().Get("/api/tables", {{"Cookie", studio->cookie}, {"Origin", "http://evil.example"}});
  EXPECT_EQ(r->status, 200);
  for (const auto& [k, v] : r->headers) EXPECT_EQ(k.rfind("Access-Control-", 0), std::string::npos) << k;
  r = studio->client().Options("/api/sql", {{"Origin", "http://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_NE(r->status, 200);
  EXPECT_NE(r->status, 204);
  for (const auto& [k, v] : r->headers) EXPECT_EQ(k.rfind("Access-Control-", 0), std::string::npos) << k;
}

TEST_P(StudioAttack, InjectionThroughIdentifiersAndValuesIsRefusedOrInert) {
  const std::vector<std::string> evil = {
      "authors; DROP TABLE authors",      "authors\"; DROP TABLE authors; --", "authors`; DROP TABLE authors; -- ",
      "authors' OR '1'='1",               "authors /* x */",                   "../authors",
      "id; DELETE FROM authors",          "id\" IS NULL OR \"1",               "`id`",
      "id -- ",                           "(SELECT 1)",                        "1; DROP TABLE pairs"};
  for (const auto& e : evil) {
    auto p = studio->get("/api/rows?q=" + encode(json{{"table", e}}.dump()));
    EXPECT_EQ(p->status, 404) << "table " << e;
    p = studio->get("/api/rows?q=" + encode(json{{"table", "authors"}, {"sort", e}}.dump()));
    EXPECT_EQ(p->status, 400) << "sort " << e;
    EXPECT_EQ(code_of(p), "studio.column") << e;
    p = studio->get("/api/rows?q=" + encode(
                        json{{"table", "authors"}, {"filters", {{{"column", e}, {"op", "="}, {"value", 1}}}}}.dump()));
    EXPECT_EQ(p->status, 400) << "filter column " << e;
    p = studio->get("/api/rows?q=" + encode(
                        json{{"table", "authors"}, {"filters", {{{"column", "id"}, {"op", e}, {"value", 1}}}}}.dump()));
    EXPECT_EQ(p->status, 400) << "operator " << e;
    EXPECT_EQ(code_of(p), "studio.operator") << e;
    auto r = studio->post("/api/rows/update", {{"table", "authors"}, {"key", {{"id", 1}}}, {"set", {{e, "x"}}}, {"old", {{e, "x"}}}});
    EXPECT_EQ(r->status, 400) << "set column " << e;
    r = studio->post("/api/rows/insert", {{"table", e}, {"values", {{"id", 500}, {"name", "x"}}}});
    EXPECT_EQ(r->status, 404) << "insert table " << e;
    // As values they are bound: no row matches, nothing runs.
    auto page = studio->rows({{"table", "authors"}, {"filters", {{{"column", "name"}, {"op", "="}, {"value", e}}}}});
    EXPECT_EQ(page["rows"].size(), 0u) << "value " << e;
    page = studio->rows({{"table", "authors"}, {"filters", {{{"column", "name"}, {"op", "like"}, {"value", e}}}}});
    EXPECT_EQ(page["rows"].size(), 0u) << "like " << e;
    page = studio->rows({{"table", "authors"}, {"filters", {{{"column", "name"}, {"op", "in"}, {"value", {e, e}}}}}});
    EXPECT_EQ(page["rows"].size(), 0u) << "in " << e;
    r = studio->post("/api/rows/update", {{"table", "authors"}, {"key", {{"id", e}}}, {"set", {{"name", "x"}}}, {"old", {{"name", "author 001"}}}});
    EXPECT_NE(r->status, 200) << "key value " << e;
    r = studio->post("/api/rows/delete", {{"table", "authors"}, {"keys", {{{"id", e}}}}});
    EXPECT_NE(r->status, 200) << "delete key " << e;
  }
  // A stored value with every quoting character comes back verbatim.
  const std::string nasty = "a'b\"c`d;e--f/*g*/\\h";
  auto r = studio->post("/api/rows/insert", {{"table", "logs"}, {"values", {{"msg", nasty}}}});
  EXPECT_EQ(r->status, 400);  // logs has no key: read-only
  r = studio->post("/api/rows/update", {{"table", "authors"}, {"key", {{"id", 2}}}, {"set", {{"note", nasty}}}, {"old", {{"note", "n2"}}}});
  ASSERT_EQ(r->status, 200) << r->body;
  auto page = studio->rows({{"table", "authors"}, {"filters", {{{"column", "note"}, {"op", "="}, {"value", nasty}}}}});
  ASSERT_EQ(page["rows"].size(), 1u);
  EXPECT_EQ(page["rows"][0][2], nasty);
  auto rs = studio->check->query("SELECT note FROM authors WHERE id = 2");
  EXPECT_EQ(std::get<std::string>(rs.rows.at(0).at(0)), nasty);
  studio->check->execute("UPDATE authors SET note = 'n2' WHERE id = 2");
  expect_unchanged();
}

TEST_P(StudioAttack, StaticFilesOnlyFromTheBundle) {
  for (const char* path : {"/../../../../etc/passwd", "/assets/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                           "/..%2f..%2f..%2fetc%2fpasswd", "/etc/passwd", "/assets/%2e%2e%2f%2e%2e%2fCMakeCache.txt",
                           "//etc/passwd", "/index.html/../../etc/passwd", "/CMakeLists.txt", "/src/main.tsx"}) {
    auto r = studio->get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_TRUE(r->status == 404 || r->status == 400) << path << " " << r->status;
    EXPECT_EQ(r->body.find("root:"), std::string::npos) << path;
  }
  auto r = studio->get("/");
  ASSERT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("<div id=\"root\">"), std::string::npos);
  EXPECT_NE(r->get_header_value("Content-Security-Policy").find("default-src 'self'"), std::string::npos);
}

TEST_P(StudioAttack, OversizeBodyIs413) {
  const std::string big(200 * 1024, 'x');  // the test server's limit is 64 KiB
  auto r = studio->post("/api/sql", {{"sql", "DELETE FROM authors; -- " + big}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  expect_unchanged();
}

TEST_P(StudioAttack, ErrorsCarryNoTraceOrConnectionUrl) {
  auto r = studio->post("/api/rows/update", {{"table", "authors"}, {"key", {{"id", 1}}}, {"set", {{"id", "not a number"}}}, {"old", {{"id", 1}}}});
  auto bad_json = studio->client().Post("/api/sql", studio->headers(), "{not json", "application/json");
  EXPECT_EQ(bad_json->status, 400);
  EXPECT_EQ(code_of(bad_json), "studio.json");
  for (const auto* res : {&r, &bad_json}) {
    const std::string& body = (*res)->body;
    EXPECT_EQ(body.find("flash:flash@"), std::string::npos) << body;
    EXPECT_EQ(body.find("://"), std::string::npos) << body;
    EXPECT_EQ(body.find(studio->db->url), std::string::npos) << body;
    EXPECT_EQ(body.find(".cpp"), std::string::npos) << body;
    EXPECT_TRUE((*res)->get_header_value("EXCEPTION_WHAT").empty());
  }
  expect_unchanged();
}

TEST_P(StudioAttack, ReadOnlyRefusesEveryWriteAndTheSqlRunner) {
  auto ro = Studio::start(GetParam(), true);
  ASSERT_TRUE(ro);
  ASSERT_TRUE(ro->sign_in());
  auto t = json::parse(ro->get("/api/tables")->body);
  for (const auto& tab : t["tables"]) EXPECT_EQ(tab["editable"], false);
  auto s = json::parse(ro->get("/api/session")->body);
  EXPECT_EQ(s["read_only"], true);
  for (const auto& [path, body] : std::vector<std::pair<std::string, json>>{
           {"/api/rows/update", edit()},
           {"/api/rows/insert", {{"table", "authors"}, {"values", {{"id", 500}, {"name", "x"}}}}},
           {"/api/rows/delete", {{"table", "authors"}, {"keys", {{{"id", 1}}}}}},
           {"/api/sql", {{"sql", "DELETE FROM authors"}}},
           {"/api/sql", {{"sql", "SELECT 1"}}}}) {
    auto r = ro->post(path, body);
    EXPECT_EQ(r->status, 403) << path;
    EXPECT_EQ(code_of(r), "studio.read_only") << path;
  }
  // Reads work.
  EXPECT_EQ(ro->rows({{"table", "authors"}, {"limit", 5}})["rows"].size(), 5u);
  auto c = ro->db->connect();
  EXPECT_EQ(std::get<std::int64_t>(c->query("SELECT COUNT(*) FROM authors").rows.at(0).at(0)), 120);
  EXPECT_EQ(std::get<std::int64_t>(c->query("SELECT COUNT(*) FROM authors WHERE name = 'pwned'").rows.at(0).at(0)), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, StudioAttack,
                         ::testing::Values(Dialect::sqlite, Dialect::postgresql, Dialect::mysql), param_name);

}  // namespace
}  // namespace flash::studio::test

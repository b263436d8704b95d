// Flash Studio's page 6 over HTTP, on the three databases: a table imported from a CSV or JSON
// upload (rows read back with the test's own connection), a bad row located at its line and column
// with the table unchanged, a whole table exported and imported back identically, the upload's
// refusals (read-only, Origin, CSRF, cookie, size, multipart, hostile table names), and the branch
// switcher (a branch made with flash/branch, its row seen after the switch, HEAD written; hostile
// names refused with HEAD and the data unchanged).
#include <filesystem>
#include <fstream>

#include "flash/branch/branch.hpp"
#include "flash/branch/ops.hpp"
#include "flash/config/url.hpp"
#include "flash/export/format.hpp"
#include "flash/util/text.hpp"
#include "support.hpp"

namespace flash::studio::test {
namespace {

namespace fs = std::filesystem;

std::string code_of(const httplib::Result& r) {
  if (!r) return "<no response>";
  try {
    return json::parse(r->body)["error"]["code"].get<std::string>();
  } catch (const std::exception&) {
    return "<not an error body: " + r->body.substr(0, 120) + ">";
  }
}

class StudioTransfer : public StudioTest {
 protected:
  httplib::Result upload(const std::string& what, const std::string& query, const std::string& body,
                         const httplib::Headers& h, const char* type = "text/csv") {
    return studio->client().Post(("/api/import/" + what + "?" + query).c_str(), h, body, type);
  }
  httplib::Result upload(const std::string& what, const std::string& query, const std::string& body,
                         const char* type = "text/csv") {
    return upload(what, query, body, studio->headers(), type);
  }
  // Every row of books, in key order, as the driver reads them.
  std::vector<std::vector<driver::Value>> books() {
    return studio->check->query("SELECT id, author_id, title, price, data, cover, flag, ratio FROM books ORDER BY id").rows;
  }
  std::string export_table(const std::string& table, const std::string& format) {
    auto r = studio->get("/api/export?q=" + encode(json{{"table", table}, {"format", format}}.dump()));
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    return r->body;
  }
};

const char* kBooksCsv =
    "id,author_id,title,price,data,cover,flag,ratio\n"
    "9007199254740993,1,\"Commas, \"\"quotes\"\"\nand a line break\",12.5000,\"{\"\"k\"\":[1,2]}\",\\x00ff,true,0.1\n"
    "2,,\"\",,,,false,\n"
    "3,7,plain,-0.0001,null,3q2+7w==,0,-2.5\n";

TEST_P(StudioTransfer, CsvImportLandsInTheDatabase) {
  auto r = upload("run", "table=books&format=csv&name=books.csv", kBooksCsv);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["imported"], 3);
  const auto rows = books();
  ASSERT_EQ(rows.size(), 3u);
  // Row 1: bigint beyond 2^53, quotes and a line break, decimal digits, JSON, bytes from \x-hex.
  EXPECT_EQ(std::get<std::int64_t>(rows[2][0]), 9007199254740993LL);
  EXPECT_EQ(std::get<std::string>(rows[2][2]), "Commas, \"quotes\"\nand a line break");
  EXPECT_EQ(exporter::normalized_text(rows[2][3], schema::TypeCategory::decimal), "12.5");
  EXPECT_EQ(json::parse(std::get<std::string>(rows[2][4])), json::parse(R"({"k":[1,2]})"));
  EXPECT_EQ(std::get<driver::Blob>(rows[2][5]).bytes, std::string("\x00\xff", 2));
  EXPECT_EQ(exporter::normalized_text(rows[2][6], schema::TypeCategory::boolean), "1");
  // Row 2: NULL (empty field) against '' (quoted empty field).
  EXPECT_TRUE(driver::is_null(rows[0][1]));
  EXPECT_EQ(std::get<std::string>(rows[0][2]), "");
  EXPECT_TRUE(driver::is_null(rows[0][3]));
  EXPECT_TRUE(driver::is_null(rows[0][5]));
  // Row 3: bytes from base64.
  EXPECT_EQ(std::get<driver::Blob>(rows[1][5]).bytes, "\xde\xad\xbe\xef");
  EXPECT_EQ(exporter::normalized_text(rows[1][6], schema::TypeCategory::boolean), "0");
}

TEST_P(StudioTransfer, JsonArrayOfObjectsImports) {
  auto r = upload("run", "table=authors&format=auto",
                  R"([{"id": 500, "name": "Json One", "note": null}, {"id": 501, "name": "Json Two", "note": ""}])",
                  "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(count("SELECT COUNT(*) FROM authors WHERE id IN (500, 501)"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM authors WHERE id = 500 AND note IS NULL"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM authors WHERE id = 501 AND note = ''"), 1);
}

TEST_P(StudioTransfer, PreviewMapsAndLocatesWithoutWriting) {
  const std::string csv = "id,name,nmae\n600,ok,x\n601,,y\n602,fine,z\n";
  auto r = upload("preview", "table=authors", csv);
  ASSERT_EQ(r->status, 200) << r->body;
  const json p = json::parse(r->body);
  EXPECT_EQ(p["format"], "csv");
  EXPECT_EQ(p["total_rows"], 3);
  EXPECT_EQ(p["ok"], false);
  EXPECT_EQ(p["unknown"], json::array({"nmae"}));
  EXPECT_EQ(p["missing"], json::array({"note"}));
  ASSERT_EQ(p["rows"].size(), 3u);
  EXPECT_EQ(p["rows"][0]["line"], 2);
  bool header = false, null_name = false;
  for (const auto& x : p["problems"]) {
    header = header || (x["line"] == 1 && x["column"] == "nmae");
    null_name = null_name || (x["line"] == 3 && x["column"] == "name");
  }
  EXPECT_TRUE(header) << p["problems"].dump();
  EXPECT_TRUE(null_name) << p["problems"].dump();
  bool note_default = false;
  for (const auto& m : p["mapping"]) note_default = note_default || (m["name"] == "note" && m["from"] == "default");
  EXPECT_TRUE(note_default);
  EXPECT_EQ(count("SELECT COUNT(*) FROM authors WHERE id >= 600"), 0) << "a preview writes nothing";
  // A bigint beyond 2^53 is shown as a string (a browser's number would round it).
  r = upload("preview", "table=books", "id,title\n9007199254740993,x\n");
  EXPECT_EQ(json::parse(r->body)["rows"][0]["values"][0], "9007199254740993");
}

TEST_P(StudioTransfer, BadRowStopsAtItsLineTableUnchanged) {
  const std::int64_t before = count("SELECT COUNT(*) FROM books");
  auto r = upload("run", "table=books", "id,title,price\n10,a,1.5\n11,b,1.5.5\n12,c,2\n");
  ASSERT_EQ(r->status, 400) << r->body;
  json e = json::parse(r->body)["error"];
  EXPECT_EQ(e["code"], "studio.import");
  EXPECT_EQ(e["detail"]["line"], 3);
  EXPECT_EQ(e["detail"]["column"], "price");
  EXPECT_EQ(e["message"].get<std::string>().rfind("line 3: column price: ", 0), 0u) << e["message"];
  // The database's refusal (a key that exists), located at the line of the file.
  r = upload("run", "table=authors", "id,name\n700,a\n701,b\n\n5,\"dup\"\n");
  ASSERT_EQ(r->status, 400) << r->body;
  e = json::parse(r->body)["error"];
  EXPECT_EQ(e["detail"]["line"], 5) << e.dump();
  EXPECT_EQ(e["detail"]["row"], 3) << e.dump();
  EXPECT_EQ(count("SELECT COUNT(*) FROM books"), before);
  EXPECT_EQ(count("SELECT COUNT(*) FROM authors"), 120);
  EXPECT_EQ(count("SELECT COUNT(*) FROM authors WHERE id >= 700"), 0);
}

TEST_P(StudioTransfer, ExportedTableImportsBackIdentically) {
  auto r = upload("run", "table=books", kBooksCsv);
  ASSERT_EQ(r->status, 200) << r->body;
  const auto original = books();
  for (const std::string format : {"csv", "json"}) {
    const std::string file = export_table("books", format);
    studio->check->execute("DELETE FROM books");
    r = upload("run", "table=books&format=" + format, file, format == "csv" ? "text/csv" : "application/json");
    ASSERT_EQ(r->status, 200) << format << ": " << r->body;
    EXPECT_EQ(books(), original) << format << " round trip";
    EXPECT_EQ(export_table("books", format), file) << format << ": the export of the import is the same file";
  }
  // A whole table of 120 rows, every page of the export.
  const std::string authors = export_table("authors", "csv");
  EXPECT_EQ(std::count(authors.begin(), authors.end(), '\n'), 121);
}

TEST_P(StudioTransfer, UploadRefusals) {
  const std::string csv = "id,name\n900,x\n";
  struct Case {
    const char* what;
    httplib::Headers h;
    int status;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"no cookie", {{"Origin", studio->origin()}, {"X-CSRF-Token", studio->csrf}}, 401, "studio.auth"},
      {"foreign origin", {{"Cookie", studio->cookie}, {"Origin", "http://evil.example"}, {"X-CSRF-Token", studio->csrf}}, 403, "studio.origin"},
      {"no origin", {{"Cookie", studio->cookie}, {"X-CSRF-Token", studio->csrf}}, 403, "studio.origin"},
      {"no csrf", {{"Cookie", studio->cookie}, {"Origin", studio->origin()}}, 403, "studio.csrf"},
      {"wrong csrf", {{"Cookie", studio->cookie}, {"Origin", studio->origin()}, {"X-CSRF-Token", std::string(64, 'e')}}, 403, "studio.csrf"},
  };
  for (const auto& c : cases)
    for (const char* what : {"run", "preview"}) {
      auto r = upload(what, "table=authors", csv, c.h);
      ASSERT_TRUE(r) << c.what;
      EXPECT_EQ(r->status, c.status) << c.what << " " << what;
      EXPECT_EQ(code_of(r), c.code) << c.what << " " << what;
    }
  // Larger than the import limit (256 KiB in these tests): 413, counted as it arrives.
  std::string big = "id,name\n";
  for (int i = 1000; big.size() < 300 * 1024; ++i) big += std::to_string(i) + ",padding padding padding padding\n";
  auto r = upload("run", "table=authors", big);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(code_of(r), "studio.too_large");
  // Still the normal limit (64 KiB here) everywhere else.
  r = studio->post("/api/rows/insert", {{"table", "authors"}, {"values", {{"id", 999}, {"name", std::string(100 * 1024, 'x')}}}});
  EXPECT_EQ(r->status, 413);
  // A multipart form is not the file.
  r = upload("run", "table=authors", "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nid\r\n--b--\r\n",
             "multipart/form-data; boundary=b");
  EXPECT_EQ(r->status, 415);
  // Hostile or unknown table names, a view-like name, a bad format.
  for (const std::string t : {"authors; DROP TABLE authors", "../authors", "authors\"", "nope", ""}) {
    r = upload("run", "table=" + encode(t), csv);
    EXPECT_EQ(r->status, 404) << t;
    EXPECT_EQ(code_of(r), "studio.table") << t;
  }
  r = upload("run", "table=authors&format=xml", csv);
  EXPECT_EQ(code_of(r), "studio.format");
  EXPECT_EQ(count("SELECT COUNT(*) FROM authors"), 120);
  EXPECT_EQ(count("SELECT COUNT(*) FROM authors WHERE id >= 900"), 0);
  // --read-only: refused, nothing written.
  auto ro = Studio::start(GetParam(), true);
  ASSERT_TRUE(ro);
  ASSERT_TRUE(ro->sign_in());
  for (const char* what : {"run", "preview"}) {
    r = ro->client().Post((std::string("/api/import/") + what + "?table=authors").c_str(), ro->headers(), csv, "text/csv");
    EXPECT_EQ(r->status, 403) << what;
    EXPECT_EQ(code_of(r), "studio.read_only");
  }
  auto c = ro->db->connect();
  EXPECT_EQ(std::get<std::int64_t>(c->query("SELECT COUNT(*) FROM authors").rows.at(0).at(0)), 120);
}

INSTANTIATE_TEST_SUITE_P(Engines, StudioTransfer, ::testing::Values(Dialect::sqlite, Dialect::postgresql, Dialect::mysql),
                         param_name);

// ---- the branch switcher ---------------------------------------------------------------------------

// A project (flash.toml's folder with its migrations folder) whose database has a branch
// `feature` made by flash/branch, with one row only the branch has; a studio on main.
class BranchStudio {
 public:
  static std::unique_ptr<BranchStudio> start(Dialect d, bool read_only = false) {
    auto s = std::unique_ptr<BranchStudio>(new BranchStudio());
    s->db = flash::test::ScratchDb::create(d, "flash_studio_br");
    if (!s->db) return nullptr;
    {
      auto c = s->db->connect();
      c->execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(50))");
      c->execute("INSERT INTO items (id, name) VALUES (1, 'main row')");
    }  // closed: PostgreSQL copies a database nobody is connected to
    s->dir = fs::temp_directory_path() / ("flash_studio_br_" + flash::test::unique_suffix());
    fs::create_directories(s->dir / "db/migrations");
    s->cfg.root = s->dir;
    s->cfg.file = s->dir / "flash.toml";
    s->cfg.provider = d;
    s->main_url = config::parse_database_url(s->db->url);
    branch::Env e;
    e.cfg = &s->cfg;
    e.main_url = s->main_url;
    branch::CreateOptions co;
    co.name = "feature";
    const branch::Branch b = branch::create(e, co);
    s->feature_url = branch::url_for(s->main_url, b);
    driver::connect_sql(s->feature_url)->execute("INSERT INTO items (id, name) VALUES (2, 'branch row')");
    s->conn = s->db->connect();
    ServeOptions o;
    o.port = 0;
    o.read_only = read_only;
    o.database_label = "main db";
    o.project_root = s->dir;
    o.migrations_dir = s->dir / "db/migrations";
    o.config = &s->cfg;
    o.main_url = s->main_url;
    o.branch = "main";
    if (d != Dialect::sqlite) o.edit.server = s->main_url;
    s->server = std::make_unique<Server>(*s->conn, o);
    s->port = s->server->bind();
    s->thread = std::thread([srv = s->server.get()] { srv->run(); });
    for (int i = 0; i < 200 && !s->client().Get("/api/session"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return s;
  }
  ~BranchStudio() {
    if (server) server->stop();
    if (thread.joinable()) thread.join();
    server.reset();  // closes the branch's connection, if it switched
    conn.reset();
    try {
      if (db) branch::drop_database(feature_url);
    } catch (const std::exception&) {
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(60, 0);
    return c;
  }
  bool sign_in() {
    auto r = client().Get(("/?token=" + server->guard().token()).c_str());
    if (!r || r->status != 303) return false;
    const auto set = r->get_header_value("Set-Cookie");
    cookie = set.substr(0, set.find(';'));
    auto s = client().Get("/api/session", {{"Cookie", cookie}});
    if (!s || s->status != 200) return false;
    csrf = json::parse(s->body)["csrf"].get<std::string>();
    return true;
  }
  httplib::Headers headers() const {
    return {{"Cookie", cookie}, {"Origin", server->guard().origin()}, {"X-CSRF-Token", csrf}};
  }
  httplib::Result switch_to(const json& name, const httplib::Headers& h) const {
    return client().Post("/api/branches/switch", h, json{{"name", name}}.dump(), "application/json");
  }
  httplib::Result switch_to(const json& name) const { return switch_to(name, headers()); }
  json get(const std::string& path) const {
    auto r = client().Get(path.c_str(), {{"Cookie", cookie}});
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << path << ": " << r->body;
    return json::parse(r->body);
  }
  // The names in items as the studio shows them.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    const json page = get("/api/rows?q=" + encode(json{{"table", "items"}}.dump()));
    for (const auto& row : page["rows"]) out.push_back(row[1]);
    return out;
  }
  std::string head() const {
    const auto p = dir / ".flash" / "HEAD";
    return fs::exists(p) ? std::string(util::trim(util::read_file(p))) : "<none>";
  }

  std::unique_ptr<flash::test::ScratchDb> db;
  fs::path dir;
  config::Config cfg;
  config::DatabaseUrl main_url, feature_url;
  std::unique_ptr<driver::SqlConnection> conn;
  std::unique_ptr<Server> server;
  std::thread thread;
  int port = 0;
  std::string cookie, csrf;

 private:
  BranchStudio() = default;
};

class StudioBranches : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    studio = BranchStudio::start(GetParam());
    if (!studio) GTEST_SKIP() << "no server URL for " << dialect_name(GetParam());
    ASSERT_TRUE(studio->sign_in());
  }
  std::unique_ptr<BranchStudio> studio;
};

TEST_P(StudioBranches, SwitchShowsTheBranchAndBack) {
  const json list = studio->get("/api/branches");
  EXPECT_EQ(list["current"], "main");
  ASSERT_EQ(list["branches"].size(), 2u);
  EXPECT_EQ(list["branches"][1]["name"], "feature");
  EXPECT_EQ(list["branches"][1]["parent"], "main");
  EXPECT_EQ(studio->names(), (std::vector<std::string>{"main row"}));

  auto r = studio->switch_to("feature");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(studio->head(), "feature") << "the switch did what flash checkout does";
  EXPECT_EQ(studio->names(), (std::vector<std::string>{"main row", "branch row"}));
  const json s = studio->get("/api/session");
  EXPECT_EQ(s["branch"], "feature");
  EXPECT_EQ(s["database"], studio->feature_url.dialect == Dialect::sqlite
                               ? fs::path(studio->feature_url.database).filename().string()
                               : studio->feature_url.database);
  // The other pages follow: the SQL runner runs on the branch's database.
  r = studio->client().Post("/api/sql", studio->headers(), json{{"sql", "SELECT COUNT(*) FROM items"}}.dump(), "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["results"][0]["rows"][0][0], 2);

  r = studio->switch_to("main");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(studio->head(), "main");
  EXPECT_EQ(studio->names(), (std::vector<std::string>{"main row"}));
}

TEST_P(StudioBranches, HostileNamesAreRefusedHeadAndDataUnchanged) {
  struct Case {
    json name;
    int status;
  };
  const std::vector<Case> cases = {{"../x", 400},
                                   {"x; DROP TABLE items", 400},
                                   {"feature; DROP TABLE items", 400},
                                   {std::string(5000, 'a'), 400},
                                   {"", 400},
                                   {"Feature", 400},
                                   {"feature\n", 400},
                                   {"HEAD", 400},
                                   {"../../etc/passwd", 400},
                                   {"nope", 404},
                                   {123, 400},
                                   {nullptr, 400}};
  for (const auto& c : cases) {
    auto r = studio->switch_to(c.name);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, c.status) << c.name.dump().substr(0, 60);
    EXPECT_EQ(code_of(r), "studio.branch") << c.name.dump().substr(0, 60);
    EXPECT_LT(r->body.size(), 1000u) << "a long name is not echoed";
  }
  // State-changing: Origin and CSRF are required; with --read-only it is refused.
  auto r = studio->switch_to("feature", {{"Cookie", studio->cookie}, {"Origin", studio->server->guard().origin()}});
  EXPECT_EQ(code_of(r), "studio.csrf");
  r = studio->switch_to("feature", {{"Cookie", studio->cookie}, {"Origin", "http://evil.example"}, {"X-CSRF-Token", studio->csrf}});
  EXPECT_EQ(code_of(r), "studio.origin");
  EXPECT_EQ(studio->head(), "<none>");
  EXPECT_EQ(studio->names(), (std::vector<std::string>{"main row"}));
  EXPECT_EQ(studio->get("/api/session")["branch"], "main");
}

TEST_P(StudioBranches, ReadOnlyRefusesTheSwitch) {
  studio.reset();  // one branch database per test: the fixture's is dropped first
  auto ro = BranchStudio::start(GetParam(), true);
  ASSERT_TRUE(ro);
  ASSERT_TRUE(ro->sign_in());
  EXPECT_EQ(ro->get("/api/branches")["branches"].size(), 2u) << "the list is shown";
  auto r = ro->switch_to("feature");
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(code_of(r), "studio.read_only");
  EXPECT_EQ(ro->head(), "<none>");
  EXPECT_EQ(ro->names(), (std::vector<std::string>{"main row"}));
}

INSTANTIATE_TEST_SUITE_P(Engines, StudioBranches, ::testing::Values(Dialect::sqlite, Dialect::postgresql, Dialect::mysql),
                         param_name);

}  // namespace
}  // namespace flash::studio::test

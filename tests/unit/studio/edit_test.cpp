// Flash Studio's schema editor and migrations pages over HTTP, on the three databases: a project
// (schema file with comments, one applied migration) and a studio on its database. Each edit's
// migration is compared with what the migrate engine (`flash migrate`'s code path) writes for the
// same schema files on disk; the schema file keeps its comments; applying goes through the
// migrations page and the result is read with the test's own connection; refusals (drift, read-only,
// CSRF, injection) leave files and database as they were.
#include <filesystem>
#include <fstream>

#include "flash/config/url.hpp"
#include "flash/migrate/engine.hpp"
#include "flash/util/text.hpp"
#include "support.hpp"

namespace flash::studio::test {
namespace {

namespace fs = std::filesystem;

const char* kSchema = R"(-- Authors and their books.
CREATE TABLE authors (
  id INTEGER PRIMARY KEY,  -- the key
  name VARCHAR(100) NOT NULL
);

-- books: one row per book
CREATE TABLE books (
  id INTEGER PRIMARY KEY,
  author_id INTEGER,
  title VARCHAR(200)
);
)";

std::string code_of(const httplib::Result& r) {
  if (!r) return "<no response>";
  try {
    return json::parse(r->body)["error"]["code"].get<std::string>();
  } catch (const std::exception&) {
    return "<not an error body: " + r->body.substr(0, 120) + ">";
  }
}

std::string slurp(const fs::path& p) { return util::read_file(p); }

// Every file under `dir` with its text.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[e.path().string()] = slurp(e.path());
  return out;
}

class EditStudio {
 public:
  static std::unique_ptr<EditStudio> start(Dialect d, bool read_only = false) {
    auto s = std::unique_ptr<EditStudio>(new EditStudio());
    s->db = flash::test::ScratchDb::create(d, "flash_studio_edit");
    if (!s->db) return nullptr;
    s->dir = fs::temp_directory_path() / ("flash_studio_edit_" + flash::test::unique_suffix());
    fs::create_directories(s->dir / "db/schema");
    std::ofstream(s->dir / "db/schema/schema.sql") << kSchema;
    s->project.schema_dir = s->dir / "db/schema";
    s->project.migrations_dir = s->dir / "db/migrations";
    s->project.export_dir = s->dir / "db/exports";
    s->project.dialect = d;
    s->conn = s->db->connect();
    s->check = s->db->connect();
    migrate::GenerateOptions go;
    go.name = "init";
    migrate::generate(s->project, go, {});
    migrate::apply(*s->check, s->project, {}, {});
    s->check->execute("INSERT INTO authors (id, name) VALUES (1, 'Ann'), (2, 'Bob')");
    s->check->execute("INSERT INTO books (id, author_id, title) VALUES (1, 1, 'First'), (2, 2, 'Second')");
    ServeOptions o;
    o.port = 0;
    o.read_only = read_only;
    o.database_label = "test";
    o.edit.project = s->project;
    o.edit.queries = s->dir / "db/queries";
    if (d != Dialect::sqlite) o.edit.server = config::parse_database_url(s->db->url);
    s->server = std::make_unique<Server>(*s->conn, o);
    s->port = s->server->bind();
    s->thread = std::thread([srv = s->server.get()] { srv->run(); });
    for (int i = 0; i < 200 && !s->client().Get("/api/session"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return s;
  }
  ~EditStudio() {
    if (server) server->stop();
    if (thread.joinable()) thread.join();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(120, 0);
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
  httplib::Headers headers(bool with_csrf = true) const {
    httplib::Headers h{{"Cookie", cookie}, {"Origin", server->guard().origin()}};
    if (with_csrf) h.emplace("X-CSRF-Token", csrf);
    return h;
  }
  httplib::Result post(const std::string& path, const json& body, const httplib::Headers& h) const {
    return client().Post(path.c_str(), h, body.dump(), "application/json");
  }
  httplib::Result post(const std::string& path, const json& body) const { return post(path, body, headers()); }
  json ok(const std::string& path, const json& body) const {
    auto r = post(path, body);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << path << ": " << r->body;
    return json::parse(r->body);
  }
  json get(const std::string& path) const {
    auto r = client().Get(path.c_str(), {{"Cookie", cookie}});
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body);
  }
  // The migration the engine of `flash migrate` writes for the schema files `files` (path → text)
  // on disk, in a copy of the project.
  std::string engine_migration(const std::map<std::string, std::string>& files, const std::string& name) const {
    const fs::path copy = dir.string() + "_engine";
    fs::remove_all(copy);
    fs::create_directories(copy);
    fs::copy(dir / "db", copy / "db", fs::copy_options::recursive);
    for (const auto& [path, text] : files) {
      const auto rel = fs::path(path).lexically_relative(dir);
      std::ofstream(copy / rel, std::ios::trunc) << text;
    }
    migrate::Project p = project;
    p.schema_dir = copy / "db/schema";
    p.migrations_dir = copy / "db/migrations";
    migrate::GenerateOptions go;
    go.name = name;
    go.dry_run = true;
    auto res = migrate::generate(p, go, {});
    fs::remove_all(copy);
    return res.content;
  }
  std::size_t migration_count() const {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(project.migrations_dir)) n += e.path().extension() == ".sql";
    return n;
  }
  std::int64_t count(const std::string& sql) const { return std::get<std::int64_t>(check->query(sql).rows.at(0).at(0)); }

  std::unique_ptr<flash::test::ScratchDb> db;
  fs::path dir;
  migrate::Project project;
  std::unique_ptr<driver::SqlConnection> conn, check;
  std::unique_ptr<Server> server;
  std::thread thread;
  int port = 0;
  std::string cookie, csrf;

 private:
  EditStudio() = default;
};

class StudioEdit : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    s = EditStudio::start(GetParam());
    if (!s) GTEST_SKIP() << "no server URL for " << dialect_name(GetParam());
    ASSERT_TRUE(s->sign_in());
  }
  // Previews `edit`, checks it against the engine, writes it; returns the write's answer.
  json preview_matches_engine_and_write(const json& edit, const std::string& name) {
    const json p = s->ok("/api/schema/preview", {{"edit", edit}, {"name", name}});
    std::map<std::string, std::string> files;
    for (const auto& f : p["schema_files"]) files[f["path"]] = f["after"];
    EXPECT_FALSE(files.empty());
    EXPECT_EQ(p["content"].get<std::string>(), s->engine_migration(files, name)) << "not what flash migrate writes";
    EXPECT_NE(p["up"].get<std::string>().find("-- +migrate Up"), std::string::npos);
    EXPECT_NE(p["down"].get<std::string>().find("-- +migrate Down"), std::string::npos);
    const std::size_t before = s->migration_count();
    json w = s->ok("/api/schema/write", {{"edit", edit}, {"name", name}, {"confirm", true}, {"expect", p["content"]}});
    EXPECT_TRUE(w["written"].get<bool>());
    EXPECT_EQ(s->migration_count(), before + 1);
    EXPECT_EQ(slurp(w["file"].get<std::string>()), p["content"].get<std::string>());
    for (const auto& [path, text] : files) EXPECT_EQ(slurp(path), text);
    return w;
  }
  json apply() {
    const json plan = s->ok("/api/migrations/preview", {{"action", "apply"}});
    EXPECT_FALSE(plan.contains("blocked")) << plan.dump();
    return s->ok("/api/migrations/run", {{"action", "apply"}, {"confirm", true}});
  }
  std::unique_ptr<EditStudio> s;
};

TEST_P(StudioEdit, AddColumnKeepsCommentsMatchesMigrateAndApplies) {
  const json edit = {{"op", "add_column"}, {"table", "authors"},
                     {"column", {{"name", "email"}, {"type", "VARCHAR(200)"}, {"nullable", true}}}};
  const json p = s->ok("/api/schema/preview", {{"edit", edit}});
  EXPECT_TRUE(p["conflicts"].empty()) << p.dump();
  EXPECT_TRUE(p["lint"].is_array());
  preview_matches_engine_and_write(edit, "add_email");
  const std::string schema = slurp(s->dir / "db/schema/schema.sql");
  for (const char* kept : {"-- Authors and their books.", "id INTEGER PRIMARY KEY,  -- the key", "-- books: one row per book",
                           "  title VARCHAR(200)\n);"})
    EXPECT_NE(schema.find(kept), std::string::npos) << kept << " lost:\n" << schema;
  EXPECT_NE(schema.find("email"), std::string::npos) << schema;
  EXPECT_LT(schema.find("email"), schema.find("-- books")) << "the column went into authors:\n" << schema;

  // Pending on the migrations page, applied from there, seen by the test's own connection.
  json m = s->get("/api/migrations");
  ASSERT_EQ(m["migrations"].size(), 2u);
  EXPECT_EQ(m["migrations"][1]["state"], "pending");
  EXPECT_NE(m["migrations"][1]["up"].get<std::string>().find("email"), std::string::npos);
  const json run = apply();
  ASSERT_EQ(run["applied"].size(), 1u);
  EXPECT_EQ(s->count("SELECT COUNT(email) FROM authors"), 0);  // the column is there (all NULL)
  EXPECT_EQ(s->count("SELECT COUNT(*) FROM authors"), 2);
  const json progress = s->get("/api/migrations/progress");
  EXPECT_FALSE(progress["running"].get<bool>());
  ASSERT_FALSE(progress["log"].empty());
  EXPECT_TRUE(progress["log"][0].get<std::string>().starts_with("Applying 1 migration(s): ")) << progress.dump();
  EXPECT_EQ(progress["log"].back(), "Applied " + run["applied"][0].get<std::string>());
  m = s->get("/api/migrations");
  EXPECT_EQ(m["migrations"][1]["state"], "applied");
  EXPECT_TRUE(m["drift"]["differences"].empty()) << m.dump();

  // And back: the Down through the same page.
  s->ok("/api/migrations/run", {{"action", "down"}, {"confirm", true}, {"accept_data_loss", true}});
  EXPECT_THROW(s->check->query("SELECT email FROM authors"), driver::DbError);
}

TEST_P(StudioEdit, AddTableThenForeignKeyMatchMigrate) {
  const json table = {{"op", "create_table"}, {"table", "reviews"},
                      {"columns", {{{"name", "id"}, {"type", "INTEGER"}, {"nullable", false}},
                                   {{"name", "book_id"}, {"type", "INTEGER"}, {"nullable", false}},
                                   {{"name", "stars"}, {"type", "INTEGER"}, {"default", "3"}}}},
                      {"primary_key", {"id"}}};
  preview_matches_engine_and_write(table, "add_reviews");
  apply();
  const json fk = {{"op", "add_foreign_key"}, {"table", "reviews"},
                   {"constraint", {{"columns", {"book_id"}}, {"ref_table", "books"}, {"ref_columns", {"id"}},
                                   {"on_delete", "CASCADE"}}}};
  preview_matches_engine_and_write(fk, "reviews_book_fk");
  apply();
  // The engine enforces it: a review of a missing book is refused, a book's delete cascades.
  s->check->execute("INSERT INTO reviews (id, book_id) VALUES (1, 1)");
  if (GetParam() == Dialect::sqlite) s->check->execute("PRAGMA foreign_keys = ON");
  EXPECT_THROW(s->check->execute("INSERT INTO reviews (id, book_id) VALUES (2, 99)"), driver::DbError);
  s->check->execute("DELETE FROM books WHERE id = 1");
  EXPECT_EQ(s->count("SELECT COUNT(*) FROM reviews"), 0);
  s->check->execute("INSERT INTO reviews (id, book_id) VALUES (3, 2)");
  EXPECT_EQ(s->count("SELECT COUNT(*) FROM reviews WHERE stars = 3"), 1);  // the column's default
}

TEST_P(StudioEdit, DropColumnShowsTheDataLossConflict) {
  const json edit = {{"op", "drop_column"}, {"table", "books"}, {"column_name", "title"}};
  const json p = s->ok("/api/schema/preview", {{"edit", edit}});
  ASSERT_FALSE(p["conflicts"].empty()) << p.dump();
  EXPECT_TRUE(p["conflicts"][0]["data_loss"].get<bool>());
  EXPECT_EQ(p["conflicts"][0]["kind"], "drop-with-data");
  preview_matches_engine_and_write(edit, "drop_title");
  const std::string schema = slurp(s->dir / "db/schema/schema.sql");
  EXPECT_EQ(schema.find("title"), std::string::npos) << schema;
  EXPECT_NE(schema.find("  author_id INTEGER\n);"), std::string::npos) << schema;
  // Apply stops on the data loss until it is accepted.
  const json plan = s->ok("/api/migrations/preview", {{"action", "apply"}});
  ASSERT_TRUE(plan.contains("blocked")) << plan.dump();
  auto r = s->post("/api/migrations/run", {{"action", "apply"}, {"confirm", true}});
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(s->count("SELECT COUNT(title) FROM books"), 2);
}

// The migrations page's apply runs `flash check` as `flash apply` does: a pending migration that
// breaks a query of the project stops the run (409 studio.check, the finding located in the query
// file) until the request skips the check (the CLI's --no-check).
TEST_P(StudioEdit, ApplyRunsTheQueryCheckUntilSkipped) {
  fs::create_directories(s->dir / "db/queries");
  std::ofstream(s->dir / "db/queries/books.sql") << "-- name: BookTitles :many\nSELECT id, title FROM books;\n";
  preview_matches_engine_and_write({{"op", "drop_column"}, {"table", "books"}, {"column_name", "title"}}, "drop_title");
  const json plan = s->ok("/api/migrations/preview", {{"action", "apply"}, {"accept_data_loss", true}});
  ASSERT_TRUE(plan.contains("check")) << plan.dump();
  EXPECT_EQ(plan["check"]["queries"], 1);
  ASSERT_EQ(plan["check"]["findings"].size(), 1u) << plan.dump();
  const json f = plan["check"]["findings"][0];
  EXPECT_EQ(f["code"], "check.breaks") << f.dump();
  EXPECT_EQ(f["query"], "BookTitles");
  EXPECT_NE(f["file"].get<std::string>().find("books.sql"), std::string::npos) << f.dump();
  EXPECT_EQ(f["line"], 2);
  auto r = s->post("/api/migrations/run", {{"action", "apply"}, {"confirm", true}, {"accept_data_loss", true}});
  EXPECT_EQ(r->status, 409) << r->body;
  EXPECT_EQ(code_of(r), "studio.check");
  EXPECT_EQ(s->count("SELECT COUNT(title) FROM books"), 2);  // nothing ran
  const json run = s->ok("/api/migrations/run",
                         {{"action", "apply"}, {"confirm", true}, {"accept_data_loss", true}, {"no_check", true}});
  ASSERT_EQ(run["applied"].size(), 1u) << run.dump();
  EXPECT_THROW(s->check->query("SELECT title FROM books"), driver::DbError);
  // A query the migration leaves working is no finding: the check is clean again.
  std::ofstream(s->dir / "db/queries/books.sql", std::ios::trunc) << "-- name: BookIds :many\nSELECT id FROM books;\n";
  const json clean = s->ok("/api/migrations/preview", {{"action", "apply"}});
  EXPECT_TRUE(clean["check"]["clean"].get<bool>()) << clean.dump();
}

TEST_P(StudioEdit, DriftIsRefusedAndNothingIsWritten) {
  s->check->execute("CREATE TABLE sneaky (x INTEGER)");
  const auto before = snapshot(s->dir);
  const json schema = s->get("/api/schema");
  EXPECT_FALSE(schema["writable"].get<bool>());
  EXPECT_FALSE(schema["blocked"].empty());
  const json edit = {{"op", "add_column"}, {"table", "authors"}, {"column", {{"name", "email"}, {"type", "TEXT"}}}};
  for (const char* path : {"/api/schema/preview", "/api/schema/write"}) {
    auto r = s->post(path, {{"edit", edit}, {"confirm", true}, {"expect", ""}});
    EXPECT_EQ(r->status, 409) << path << r->body;
    EXPECT_EQ(code_of(r), "studio.drift");
  }
  EXPECT_EQ(snapshot(s->dir), before);
}

TEST_P(StudioEdit, AConfirmationOfAnotherPreviewIsRefused) {
  const json edit = {{"op", "add_column"}, {"table", "authors"}, {"column", {{"name", "email"}, {"type", "TEXT"}}}};
  const auto before = snapshot(s->dir);
  auto r = s->post("/api/schema/write", {{"edit", edit}, {"confirm", true}, {"expect", "-- +migrate Up\nDROP TABLE books;"}});
  EXPECT_EQ(r->status, 409) << r->body;
  EXPECT_EQ(code_of(r), "studio.changed");
  r = s->post("/api/schema/write", {{"edit", edit}});
  EXPECT_EQ(code_of(r), "studio.confirm");
  EXPECT_EQ(snapshot(s->dir), before);
}

TEST_P(StudioEdit, RenameIsAskedAsInTheCli) {
  const json edit = {{"op", "alter_column"}, {"table", "books"}, {"column_name", "title"},
                     {"column", {{"name", "headline"}, {"type", "VARCHAR(200)"}, {"nullable", true}}}};
  json p = s->ok("/api/schema/preview", {{"edit", edit}});
  ASSERT_EQ(p["renames"].size(), 1u) << p.dump();
  const std::string flag = p["renames"][0]["flag"];
  EXPECT_EQ(flag, "--rename books.title:headline");
  p = s->ok("/api/schema/preview", {{"edit", edit}, {"renames", {{flag, true}}}});
  EXPECT_TRUE(p["renames"].empty());
  EXPECT_EQ(p["up"].get<std::string>().find("DROP COLUMN"), std::string::npos) << p["up"];
  s->ok("/api/schema/write", {{"edit", edit}, {"renames", {{flag, true}}}, {"confirm", true}, {"expect", p["content"]}});
  apply();
  EXPECT_EQ(s->count("SELECT COUNT(headline) FROM books"), 2);  // renamed: the values stayed
}

// Attacks on the editor's endpoints: refused, files and database unchanged.
TEST_P(StudioEdit, AttacksAreRefusedAndChangeNothing) {
  const auto before = snapshot(s->dir);
  const json good = {{"op", "add_column"}, {"table", "authors"}, {"column", {{"name", "email"}, {"type", "TEXT"}}}};
  struct Case {
    json body;
    std::string code;
  };
  const std::vector<Case> cases = {
      {{{"edit", {{"op", "add_column"}, {"table", "authors; DROP TABLE books"}, {"column", good["column"]}}}}, "studio.table"},
      {{{"edit", {{"op", "drop_column"}, {"table", "books"}, {"column_name", "title\"; DROP TABLE books; --"}}}}, "studio.column"},
      {{{"edit", {{"op", "add_column"}, {"table", "authors"}, {"column", {{"name", "x\"; DROP TABLE books; --"}, {"type", "TEXT"}}}}}}, "studio.name"},
      {{{"edit", {{"op", "add_column"}, {"table", "authors"}, {"column", {{"name", "x"}, {"type", "INTEGER); DROP TABLE books; --"}}}}}}, "studio.edit"},
      {{{"edit", {{"op", "add_column"}, {"table", "authors"}, {"column", {{"name", "x"}, {"type", "INTEGER, evil INTEGER"}}}}}}, "studio.edit"},
      {{{"edit", {{"op", "add_column"}, {"table", "authors"}, {"column", {{"name", "x"}, {"type", "INTEGER REFERENCES books(id)"}}}}}}, "studio.edit"},
      {{{"edit", {{"op", "add_column"}, {"table", "authors"}, {"column", {{"name", "x"}, {"type", "INTEGER"}, {"default", "1); DROP TABLE books; --"}}}}}}, "studio.edit"},
      {{{"edit", {{"op", "add_check"}, {"table", "books"}, {"constraint", {{"expr", "id > 0)); DROP TABLE books; --"}}}}}}, "studio.edit"},
      {{{"edit", {{"op", "add_foreign_key"}, {"table", "books"}, {"constraint", {{"columns", {"author_id"}}, {"ref_table", "authors`; --"}}}}}}, "studio.table"},
      {{{"edit", {{"op", "add_foreign_key"}, {"table", "books"}, {"constraint", {{"columns", {"author_id"}}, {"ref_table", "authors"}, {"on_delete", "CASCADE; DROP TABLE books"}}}}}}, "studio.edit"},
      {{{"edit", {{"op", "add_index"}, {"table", "books"}, {"name", "ix/*"}, {"columns", {"title"}}}}}, "studio.name"},
      {{{"edit", {{"op", "drop_table"}, {"table", "../../etc/passwd"}}}}, "studio.table"},
      {{{"edit", {{"op", "rm -rf"}}}}, "studio.request"},
  };
  for (const auto& c : cases) {
    auto r = s->post("/api/schema/preview", c.body);
    EXPECT_GE(r->status, 400) << c.body.dump();
    EXPECT_EQ(code_of(r), c.code) << c.body.dump() << " → " << r->body;
    json write = c.body;
    write["confirm"] = true;
    write["expect"] = "";
    r = s->post("/api/schema/write", write);
    EXPECT_GE(r->status, 400) << c.body.dump();
  }
  // No CSRF token, a foreign Origin, no cookie: refused before the editor sees them.
  auto r = s->post("/api/schema/write", {{"edit", good}, {"confirm", true}}, s->headers(false));
  EXPECT_EQ(r->status, 403);
  httplib::Headers foreign{{"Cookie", s->cookie}, {"Origin", "http://evil.example"}, {"X-CSRF-Token", s->csrf}};
  r = s->post("/api/migrations/run", {{"action", "apply"}, {"confirm", true}}, foreign);
  EXPECT_EQ(r->status, 403);
  r = s->client().Post("/api/schema/preview", {{"Origin", s->server->guard().origin()}}, json{{"edit", good}}.dump(),
                       "application/json");
  EXPECT_EQ(r->status, 401);
  r = s->client().Get("/api/migrations");
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(snapshot(s->dir), before);
  EXPECT_EQ(s->count("SELECT COUNT(*) FROM books"), 2);
  EXPECT_EQ(s->count("SELECT COUNT(*) FROM authors"), 2);
}

TEST_P(StudioEdit, ReadOnlyRefusesEveryWrite) {
  auto ro = EditStudio::start(GetParam(), true);
  ASSERT_TRUE(ro);
  ASSERT_TRUE(ro->sign_in());
  // A pending migration the read-only studio must not apply.
  std::ofstream(ro->project.migrations_dir / "29990101000000_pending.sql")
      << "-- +migrate Up\nCREATE TABLE pending_t (id INTEGER PRIMARY KEY);\n-- +migrate Down\nDROP TABLE pending_t;\n";
  const auto before = snapshot(ro->dir);
  const json edit = {{"op", "add_column"}, {"table", "authors"}, {"column", {{"name", "email"}, {"type", "TEXT"}}}};
  for (const auto& [path, body] : std::vector<std::pair<std::string, json>>{
           {"/api/schema/preview", {{"edit", edit}}},
           {"/api/schema/write", {{"edit", edit}, {"confirm", true}, {"expect", ""}}},
           {"/api/migrations/run", {{"action", "apply"}, {"confirm", true}}},
           {"/api/migrations/run", {{"action", "down"}, {"confirm", true}}}}) {
    auto r = ro->post(path, body);
    EXPECT_EQ(r->status, 403) << path << r->body;
    EXPECT_EQ(code_of(r), "studio.read_only") << path;
  }
  EXPECT_EQ(ro->get("/api/migrations")["pending"], 1);  // reading is allowed
  EXPECT_EQ(snapshot(ro->dir), before);
  EXPECT_THROW(ro->check->query("SELECT COUNT(*) FROM pending_t"), driver::DbError);
  EXPECT_EQ(ro->count("SELECT COUNT(*) FROM authors"), 2);
}

INSTANTIATE_TEST_SUITE_P(Engines, StudioEdit,
                         ::testing::Values(Dialect::sqlite, Dialect::postgresql, Dialect::mysql), param_name);

}  // namespace
}  // namespace flash::studio::test

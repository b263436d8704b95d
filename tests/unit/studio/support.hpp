// Flash Studio tests: a scratch database per test with a small schema of every value kind, a
// studio server on it (in this process, any free port) and an HTTP client that signs in the way a
// browser does (the URL's token → cookie, GET /api/session → CSRF token).
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "flash/driver/connection.hpp"
#include "flash/studio/server.hpp"
#include "support/scratch_db.hpp"

namespace flash::studio::test {

using nlohmann::json;
using schema::Dialect;

// A query-string value, percent-encoded (httplib's encoder; the JSON goes in ?q=).
inline std::string encode(const std::string& s) { return httplib::detail::encode_query_param(s); }

inline const char* dialect_name(Dialect d) {
  return d == Dialect::postgresql ? "postgresql" : d == Dialect::mysql ? "mysql" : "sqlite";
}

// authors(id, name, note) 120 rows: note NULL for id % 7 == 0, '' for id % 5 == 0, else 'n<id % 10>';
// books: one of every value kind; pairs: a composite key; logs: no primary key.
inline void create_fixture(driver::SqlConnection& c, Dialect d) {
  const std::string json_t = d == Dialect::postgresql ? "json" : d == Dialect::mysql ? "JSON" : "TEXT";
  const std::string bytes_t = d == Dialect::postgresql ? "bytea" : d == Dialect::mysql ? "LONGBLOB" : "BLOB";
  c.execute("CREATE TABLE authors (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, note VARCHAR(20))");
  c.execute("CREATE TABLE books (id BIGINT PRIMARY KEY, author_id INTEGER REFERENCES authors(id), title VARCHAR(200), "
            "price NUMERIC(12,4), data " + json_t + ", cover " + bytes_t + ", flag BOOLEAN, ratio DOUBLE PRECISION)");
  c.execute("CREATE TABLE pairs (a INTEGER NOT NULL, b VARCHAR(20) NOT NULL, v INTEGER, PRIMARY KEY (a, b))");
  c.execute("CREATE TABLE logs (msg VARCHAR(100))");
  std::string ins = "INSERT INTO authors (id, name, note) VALUES ";
  for (int i = 1; i <= 120; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "author %03d", i);
    const std::string note = i % 7 == 0 ? "NULL" : i % 5 == 0 ? "''" : "'n" + std::to_string(i % 10) + "'";
    ins += (i > 1 ? ", (" : "(") + std::to_string(i) + ", '" + name + "', " + note + ")";
  }
  c.execute(ins);
  c.execute("INSERT INTO pairs (a, b, v) VALUES (1, 'x', 10), (1, 'y', 11), (2, 'x', 20)");
  c.execute("INSERT INTO logs (msg) VALUES ('one'), ('two')");
}

// A studio over a fresh scratch database, serving on a free port until destroyed.
class Studio {
 public:
  static std::unique_ptr<Studio> start(Dialect d, bool read_only = false, const std::filesystem::path& project = {}) {
    auto s = std::unique_ptr<Studio>(new Studio());
    s->db = flash::test::ScratchDb::create(d, "flash_studio");
    if (!s->db) return nullptr;
    s->conn = s->db->connect();
    create_fixture(*s->conn, d);
    s->check = s->db->connect();
    ServeOptions o;
    o.port = 0;
    o.read_only = read_only;
    o.database_label = "test";
    o.max_body = 64 * 1024;
    o.max_import = 256 * 1024;
    if (!project.empty()) {
      o.project_root = project;
      o.migrations_dir = project / "db" / "migrations";
    }
    s->server = std::make_unique<Server>(*s->conn, o);
    s->port = s->server->bind();
    s->thread = std::thread([srv = s->server.get()] { srv->run(); });
    for (int i = 0; i < 200 && !s->client().Get("/api/session"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return s;
  }
  ~Studio() {
    if (server) server->stop();
    if (thread.joinable()) thread.join();
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(30, 0);
    return c;
  }
  std::string origin() const { return server->guard().origin(); }
  const std::string& token() const { return server->guard().token(); }

  // Exchanges the token for the cookie and reads the CSRF token; returns false when refused.
  bool sign_in() {
    auto r = client().Get(("/?token=" + token()).c_str());
    if (!r || r->status != 303) return false;
    const auto set = r->get_header_value("Set-Cookie");
    cookie = set.substr(0, set.find(';'));
    auto s = client().Get("/api/session", {{"Cookie", cookie}});
    if (!s || s->status != 200) return false;
    csrf = json::parse(s->body)["csrf"].get<std::string>();
    return true;
  }
  httplib::Headers headers(bool with_csrf = true) const {
    httplib::Headers h{{"Cookie", cookie}, {"Origin", origin()}};
    if (with_csrf) h.emplace("X-CSRF-Token", csrf);
    return h;
  }
  httplib::Result get(const std::string& path) const { return client().Get(path.c_str(), {{"Cookie", cookie}}); }
  json rows(const json& q) const {
    auto r = get("/api/rows?q=" + encode(q.dump()));
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body);
  }
  httplib::Result post(const std::string& path, const json& body, const httplib::Headers& h) const {
    return client().Post(path.c_str(), h, body.dump(), "application/json");
  }
  httplib::Result post(const std::string& path, const json& body) const { return post(path, body, headers()); }

  std::unique_ptr<flash::test::ScratchDb> db;
  std::unique_ptr<driver::SqlConnection> conn;   // the studio's
  std::unique_ptr<driver::SqlConnection> check;  // the test's own, to see what is in the database
  std::unique_ptr<Server> server;
  std::thread thread;
  int port = 0;
  std::string cookie, csrf;

 private:
  Studio() = default;
};

class StudioTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    studio = Studio::start(GetParam());
    if (!studio) GTEST_SKIP() << "FLASH_TEST_" << (GetParam() == Dialect::postgresql ? "PG" : "MYSQL") << "_URL not set";
    ASSERT_TRUE(studio->sign_in());
  }
  std::int64_t count(const std::string& sql) {
    auto rs = studio->check->query(sql);
    return std::get<std::int64_t>(rs.rows.at(0).at(0));
  }
  std::unique_ptr<Studio> studio;
};

inline std::string param_name(const ::testing::TestParamInfo<Dialect>& i) { return dialect_name(i.param); }

}  // namespace flash::studio::test

// The generated C++ client (SQLite, statements prepared once with sqlite3_prepare_v3) against a
// temp database file: exact values both ways, NULL vs '', :one on no row, :execrows, RAII
// transactions, constraint errors as SQLSTATE, multi-row :copyfrom, batches. Engine-side checks
// read back what SQLite stored (typeof, hex).
// Usage: test_sqlite DB_FILE SCHEMA_SQL
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

#include "check.hpp"
#include "queries.hpp"

using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

std::string read_file(const char* path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string engine(flash::sqlite::Connection& db, const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db.native(), sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
    throw std::runtime_error(sql + ": " + sqlite3_errmsg(db.native()));
  std::string v = "NULL";
  if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
    v = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  return v;
}

flash::Bytes bytes(std::initializer_list<int> v) {
  flash::Bytes b;
  for (int x : v) b.push_back(static_cast<std::byte>(x));
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  std::remove(argv[1]);
  try {
    flash::sqlite::Connection db(argv[1]);
    db.execute("PRAGMA foreign_keys = ON");
    db.execute(read_file(argv[2]).c_str());

    // ---- prepare_all: every query's statement is prepared now (SQLite's own list of them) ----
    const auto statements = [&] {
      int n = 0;
      for (sqlite3_stmt* s = sqlite3_next_stmt(db.native(), nullptr); s; s = sqlite3_next_stmt(db.native(), s)) ++n;
      return n;
    };
    const int before_prepare = statements();
    db::prepare_all(db);
    const int prepared = statements() - before_prepare;
    CHECK(prepared >= 10);
    db::prepare_all(db);  // again: nothing new
    CHECK_EQ(statements() - before_prepare, prepared);
    CHECK(!db::get_user(db, 1).has_value());  // runs on the statement prepared above
    CHECK_EQ(statements() - before_prepare, prepared);

    const flash::Bytes avatar = bytes({0, 1, 0x7f, 0x80, 0xff, 0});
    const flash::Date birthday = sys_days{1999y / December / 31};
    const flash::Timestamp updated{local_days{2024y / February / 29} + 23h + 59min + 58s + 123456us};
    const std::string profile = R"({"k": [1, 2.5, "x"], "n": null})";
    auto u = db::create_user(db, "ada@example.com", "Ada", std::numeric_limits<std::int64_t>::max(), "admin", true,
                             "12.5", 0.1, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", profile, avatar, birthday, updated);
    CHECK(u.has_value());
    CHECK_EQ(u->email, "ada@example.com");
    CHECK(u->age == std::numeric_limits<std::int64_t>::max());
    CHECK_EQ(u->role, "admin");
    CHECK_EQ(u->active, true);
    CHECK_EQ(u->balance, "12.5");
    CHECK(u->score == 0.1);
    CHECK(u->profile == std::optional<std::string>(profile));
    CHECK(u->avatar == avatar);
    CHECK(u->birthday == birthday);
    CHECK(u->updated_at == updated);
    const auto now = system_clock::now().time_since_epoch();
    CHECK(u->created_at.time_since_epoch() > now - 65s && u->created_at.time_since_epoch() < now + 5s);
    CHECK(db::get_user(db, u->id) == u);
    const std::string id = std::to_string(u->id);
    CHECK_EQ(engine(db, "SELECT typeof(avatar) || ':' || hex(avatar) FROM users WHERE id = " + id), "blob:00017F80FF00");
    CHECK_EQ(engine(db, "SELECT updated_at || '|' || birthday || '|' || active || '|' || age FROM users WHERE id = " + id),
             "2024-02-29 23:59:58.123456|1999-12-31|1|9223372036854775807");

    // NULL vs ''
    auto empty = db::create_user(db, "empty@example.com", std::string(), std::numeric_limits<std::int64_t>::min(), "member",
                                 false, "0", std::nullopt, std::nullopt, std::nullopt, flash::Bytes{}, std::nullopt, std::nullopt);
    auto nulls = db::create_user(db, "null@example.com", std::nullopt, std::nullopt, "guest", false, "-1", std::nullopt,
                                 std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt);
    CHECK(empty->name == std::optional<std::string>(""));
    CHECK(!nulls->name.has_value());
    CHECK(empty->avatar == std::optional<flash::Bytes>(flash::Bytes{}));
    CHECK(!nulls->avatar.has_value());
    CHECK(empty->age == std::numeric_limits<std::int64_t>::min());
    CHECK_EQ(engine(db, "SELECT typeof(name) || ',' || typeof(avatar) FROM users WHERE id = " + std::to_string(empty->id)), "text,blob");
    CHECK_EQ(engine(db, "SELECT typeof(name) || ',' || typeof(avatar) FROM users WHERE id = " + std::to_string(nulls->id)), "null,null");

    CHECK(!db::get_user(db, -1).has_value());
    CHECK(db::get_user_by_email(db, "ada@example.com")->id == u->id);
    CHECK_EQ(db::list_users_by_ids(db, {u->id, nulls->id, 424242}).size(), 2u);
    CHECK(db::list_users_by_ids(db, {}).empty());
    auto admins = db::search_users(db, std::nullopt, "admin");
    CHECK(admins.size() == 1 && admins[0].email == "ada@example.com");
    CHECK_EQ(db::search_users(db, 0, "guest").size(), 0u);  // NULL age is not >= 0
    CHECK_EQ(db::list_users(db).size(), 3u);
    auto counts = db::count_users(db, false);
    CHECK(counts && counts->total == 2 && counts->total_balance == std::optional<std::string>("-1"));

    const flash::Timestamp later{local_days{2030y / January / 1} + 1us};
    db::update_user_name(db, std::nullopt, later, u->id);
    CHECK(db::get_user(db, u->id)->updated_at == later);
    CHECK_EQ(db::deactivate_users_older_than(db, 0), 1);
    CHECK_EQ(db::set_user_profile(db, std::nullopt, bytes({9}), u->id).rows_affected, 1);

    const std::string meta = R"({"b": 1,   "a": [true, null]})";
    const std::int64_t post = db::create_post(db, u->id, "Hello", std::nullopt, meta, std::nullopt);
    CHECK(db::get_post_metadata(db, post)->metadata == std::optional<std::string>(meta));
    const flash::Timestamp published{local_days{2021y / March / 14} + 1h + 59min + 26s};
    CHECK_EQ(db::publish_post(db, published, post), 1);
    CHECK_EQ(db::publish_post(db, published, post), 0);
    CHECK_EQ(engine(db, "SELECT published_at FROM posts WHERE id = " + std::to_string(post)), "2021-03-14 01:59:26");

    CHECK(db::upsert_counter(db, "max", std::numeric_limits<std::int64_t>::max())->value == std::numeric_limits<std::int64_t>::max());
    CHECK(db::upsert_counter(db, "min", std::numeric_limits<std::int64_t>::min())->value == std::numeric_limits<std::int64_t>::min());
    CHECK(db::get_counter(db, "max")->value == std::numeric_limits<std::int64_t>::max());

    // constraint errors carry an SQLSTATE and the extended result code
    try {
      db::create_user(db, "ada@example.com", std::nullopt, std::nullopt, "member", true, "0", std::nullopt, std::nullopt,
                      std::nullopt, std::nullopt, std::nullopt, std::nullopt);
      CHECK(false);
    } catch (const flash::Error& e) {
      CHECK_EQ(e.sqlstate(), "23505");
      CHECK_EQ(e.code(), SQLITE_CONSTRAINT_UNIQUE);
    }
    CHECK_SQLSTATE(db::create_post(db, -5, "orphan", std::nullopt, std::nullopt, std::nullopt), "23503");
    CHECK_SQLSTATE(db::create_user(db, "x@example.com", std::nullopt, std::nullopt, "root", true, "0", std::nullopt,
                                   std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt),
                   "23514");

    {
      flash::sqlite::Transaction tx(db);
      db::upsert_counter(db, "tx", 5);
    }
    CHECK(!db::get_counter(db, "tx").has_value());
    {
      flash::sqlite::Transaction tx(db);
      db::upsert_counter(db, "tx", 7);
      tx.commit();
    }
    CHECK(db::get_counter(db, "tx")->value == 7);

    // :copyfrom: multi-row INSERTs crossing the 6553-row chunk (32766 / 5 columns)
    std::vector<db::CopyPostsParams> rows;
    for (int i = 0; i < 7000; ++i)
      rows.push_back({u->id, "t\t" + std::to_string(i), i % 2 ? std::optional<std::string>() : std::optional<std::string>("b"), i,
                      std::nullopt});
    {
      flash::sqlite::Transaction tx(db);
      CHECK_EQ(db::copy_posts(db, rows), 7000);
      tx.commit();
    }
    CHECK_EQ(engine(db, "SELECT count(*) FROM posts WHERE user_id = " + id), "7001");
    CHECK_EQ(db::delete_posts_by_user(db, u->id), 7001);

    db::batch_upsert_counters(db, {{"b1", 1}, {"b1", 2}});
    auto got = db::batch_get_counters(db, {"b1", "nope"});
    CHECK(got.size() == 2 && got[0] && got[0]->value == 3 && !got[1]);
    db::create_post(db, nulls->id, "p1", std::nullopt, std::nullopt, std::nullopt);
    auto titles = db::batch_list_post_titles(db, {nulls->id, -1});
    CHECK(titles.size() == 2 && titles[0].size() == 1 && titles[1].empty());

    db::delete_user(db, nulls->id);
    CHECK_EQ(engine(db, "SELECT count(*) FROM posts"), "0");  // ON DELETE CASCADE
  } catch (const flash::Error& e) {
    std::fprintf(stderr, "flash::Error [%s/%d]: %s\n", e.sqlstate().c_str(), e.code(), e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return check::report("sqlite");
}

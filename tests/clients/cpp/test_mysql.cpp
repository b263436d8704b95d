// The generated C++ client (MariaDB Connector/C, prepared statements) against MariaDB: exact values
// both ways, NULL vs '', :one on no row, :execrows / :execlastid, RAII transactions, SQLSTATE and
// errno on errors, multi-row :copyfrom, batches. Engine-side checks read back what the server stored.
// Usage: test_mysql URL SCHEMA_SQL
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

// Runs every statement of a schema file (split at ';' ending a line).
void run_script(flash::mysql::Connection& db, const std::string& text) {
  std::string stmt;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("--")) continue;
    stmt += line + "\n";
    if (!line.empty() && line.back() == ';') {
      db.execute(stmt.c_str());
      stmt.clear();
    }
  }
}

std::string engine(flash::mysql::Connection& db, const std::string& sql) {
  if (mysql_query(db.native(), sql.c_str())) throw std::runtime_error(sql + ": " + mysql_error(db.native()));
  MYSQL_RES* r = mysql_store_result(db.native());
  MYSQL_ROW row = mysql_fetch_row(r);
  std::string v = row && row[0] ? std::string(row[0], mysql_fetch_lengths(r)[0]) : "NULL";
  mysql_free_result(r);
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
  try {
    flash::mysql::Connection db(argv[1]);
    db.execute("DROP TABLE IF EXISTS posts, users, counters");
    run_script(db, read_file(argv[2]));

    // ---- prepare_all: every query's statement is prepared now (the server's own count) ----
    const auto prepares = [&] {
      return std::stoll(engine(db, "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'COM_STMT_PREPARE'"));
    };
    const long long before_prepare = prepares();
    db::prepare_all(db);
    const long long prepared = prepares() - before_prepare;
    CHECK(prepared >= 10);
    db::prepare_all(db);  // again: nothing new
    CHECK_EQ(prepares() - before_prepare, prepared);
    CHECK(!db::get_user(db, 1).has_value());  // runs on the statement prepared above
    CHECK_EQ(prepares() - before_prepare, prepared);

    const flash::Bytes avatar = bytes({0, 1, 0x7f, 0x80, 0xff, '\'', '\\', 0});
    const flash::Date birthday = sys_days{1999y / December / 31};
    const flash::Timestamp updated{local_days{2024y / February / 29} + 23h + 59min + 58s};
    const std::string profile = R"({"k": [1, 2.5, "x"], "n": null})";
    const auto before = time_point_cast<seconds>(system_clock::now()) - 5s;
    const std::int64_t id = db::create_user(db, "ada@example.com", "Ada", std::numeric_limits<std::int32_t>::min(),
                                            db::UsersRole::admin, true, "9999999999.99", 0.1,
                                            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", profile, avatar, birthday, updated);
    CHECK(id > 0);
    auto u = db::get_user(db, id);
    CHECK(u.has_value());
    CHECK_EQ(u->email, "ada@example.com");
    CHECK(u->name == std::optional<std::string>("Ada"));
    CHECK(u->age == std::numeric_limits<std::int32_t>::min());
    CHECK(u->role == db::UsersRole::admin);
    CHECK_EQ(u->active, true);
    CHECK_EQ(u->balance, "9999999999.99");
    CHECK(u->score == 0.1);
    CHECK(u->external_id == std::optional<std::string>("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
    CHECK(u->profile == std::optional<std::string>(profile));
    CHECK(u->avatar == avatar);
    CHECK(u->birthday == birthday);
    CHECK(u->updated_at == updated);
    // created_at is TIMESTAMP DEFAULT CURRENT_TIMESTAMP: the session time zone is UTC.
    CHECK(u->created_at.time_since_epoch() >= before.time_since_epoch() &&
          u->created_at.time_since_epoch() <= (before + 65s).time_since_epoch());
    CHECK_EQ(engine(db, "SELECT HEX(avatar) FROM users WHERE id = " + std::to_string(id)), "00017F80FF275C00");
    CHECK_EQ(engine(db, "SELECT CAST(updated_at AS CHAR) FROM users WHERE id = " + std::to_string(id)), "2024-02-29 23:59:58");

    // NULL vs ''
    const std::int64_t e = db::create_user(db, "empty@example.com", std::string(), 0, db::UsersRole::member, true, "0",
                                           -0.0, std::nullopt, std::nullopt, flash::Bytes{}, std::nullopt, std::nullopt);
    const std::int64_t n = db::create_user(db, "null@example.com", std::nullopt, std::nullopt, db::UsersRole::guest, false,
                                           "-0.01", std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                                           std::nullopt);
    CHECK(db::get_user(db, e)->name == std::optional<std::string>(""));
    CHECK(!db::get_user(db, n)->name.has_value());
    CHECK(db::get_user(db, e)->avatar == std::optional<flash::Bytes>(flash::Bytes{}));
    CHECK(!db::get_user(db, n)->avatar.has_value());
    CHECK_EQ(engine(db, "SELECT CONCAT(name = '', ',', avatar = '') FROM users WHERE id = " + std::to_string(e)), "1,1");
    CHECK_EQ(engine(db, "SELECT name IS NULL FROM users WHERE id = " + std::to_string(n)), "1");

    // :one on no row, row structs, slices, enums, booleans
    CHECK(!db::get_user(db, -1).has_value());
    auto by_email = db::get_user_by_email(db, "ada@example.com");
    CHECK(by_email && by_email->id == id);
    CHECK_EQ(db::list_users_by_ids(db, {id, n, 987654}).size(), 2u);
    CHECK(db::list_users_by_ids(db, {}).empty());
    auto admins = db::search_users(db, std::nullopt, db::UsersRole::admin);
    CHECK(admins.size() == 1 && admins[0].role == db::UsersRole::admin);
    CHECK_EQ(db::search_users(db, 0, db::UsersRole::member).size(), 1u);
    CHECK_EQ(db::list_users(db).size(), 3u);

    auto counts = db::count_users(db, false);
    CHECK(counts && counts->total == 1 && counts->total_balance == std::optional<std::string>("-0.01"));
    const flash::Timestamp later{local_days{2030y / January / 1} + 1s};
    db::update_user_name(db, std::nullopt, later, id);
    CHECK(db::get_user(db, id)->updated_at == later);
    CHECK(!db::get_user(db, id)->name.has_value());
    CHECK_EQ(db::deactivate_users_older_than(db, -1), 1);  // "empty" (age 0); Ada is INT_MIN, "null" has none
    CHECK_EQ(db::deactivate_users_older_than(db, -1), 0);  // already inactive: MySQL counts changed rows
    auto res = db::set_user_profile(db, std::nullopt, bytes({9}), id);
    CHECK_EQ(res.rows_affected, 1);

    // posts: :execlastid, JSON, DATETIME, joins
    const std::string meta = R"({"b": 1, "a": [true, null]})";
    const std::int64_t post = db::create_post(db, id, "Hello", std::nullopt, meta, std::nullopt);
    CHECK(post > 0);
    auto pm = db::get_post_metadata(db, post);
    CHECK(pm && pm->metadata == std::optional<std::string>(meta));
    const flash::Timestamp published{local_days{2021y / March / 14} + 1h + 59min + 26s};
    CHECK_EQ(db::publish_post(db, published, post), 1);
    CHECK_EQ(db::publish_post(db, published, post), 0);
    CHECK_EQ(engine(db, "SELECT CAST(published_at AS CHAR) FROM posts WHERE id = " + std::to_string(post)), "2021-03-14 01:59:26");
    auto left = db::list_users_with_posts(db);
    CHECK(left.size() == 3 && left[0].post_id == post && !left[1].post_id);

    // bigint extremes, :execrows of an upsert (1 inserted, 2 updated)
    CHECK_EQ(db::upsert_counter(db, "max", std::numeric_limits<std::int64_t>::max()), 1);
    CHECK_EQ(db::upsert_counter(db, "min", std::numeric_limits<std::int64_t>::min()), 1);
    CHECK_EQ(db::upsert_counter(db, "min", 1), 2);
    CHECK(db::get_counter(db, "max")->value == std::numeric_limits<std::int64_t>::max());
    CHECK(db::get_counter(db, "min")->value == std::numeric_limits<std::int64_t>::min() + 1);
    CHECK_EQ(engine(db, "SELECT CAST(value AS CHAR) FROM counters WHERE name = 'max'"), "9223372036854775807");

    // errors: SQLSTATE 23000 and errno 1062 on a duplicate key
    CHECK_SQLSTATE(db::create_user(db, "ada@example.com", std::nullopt, std::nullopt, db::UsersRole::member, true, "0",
                                   std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt),
                   "23000");
    try {
      db::upsert_counter(db, "max", 0);
      db::create_post(db, -5, "orphan", std::nullopt, std::nullopt, std::nullopt);
      CHECK(false);
    } catch (const flash::Error& err) {
      CHECK_EQ(err.code(), 1452);  // ER_NO_REFERENCED_ROW_2
    }

    // RAII transactions
    {
      flash::mysql::Transaction tx(db);
      db::upsert_counter(db, "tx", 5);
      CHECK(db::get_counter(db, "tx").has_value());
    }
    CHECK(!db::get_counter(db, "tx").has_value());
    {
      flash::mysql::Transaction tx(db);
      db::upsert_counter(db, "tx", 7);
      tx.commit();
    }
    CHECK(db::get_counter(db, "tx")->value == 7);

    // :copyfrom as multi-row INSERTs, crossing the 13107-row chunk (65535 / 5 columns)
    std::vector<db::CopyPostsParams> rows;
    for (int i = 0; i < 14000; ++i)
      rows.push_back({id, "t\t" + std::to_string(i) + "\n\\N", i % 2 ? std::optional<std::string>() : std::optional<std::string>("b"), i,
                      i % 3 ? std::optional<std::string>() : std::optional<std::string>(R"({"i": )" + std::to_string(i) + "}")});
    CHECK_EQ(db::copy_posts(db, rows), 14000);
    CHECK_EQ(engine(db, "SELECT COUNT(*) FROM posts WHERE title = 't\\t13999\\n\\\\N' AND body IS NULL AND views = 13999"), "1");
    CHECK_EQ(db::delete_posts_by_user(db, id), 14001);

    // :batch*
    db::batch_upsert_counters(db, {{"b1", 1}, {"b1", 2}, {"b2", std::numeric_limits<std::int64_t>::min()}});
    auto got = db::batch_get_counters(db, {"b1", "nope", "b2"});
    CHECK(got.size() == 3 && got[0] && got[0]->value == 3 && !got[1] && got[2]->value == std::numeric_limits<std::int64_t>::min());
    db::create_post(db, n, "p1", std::nullopt, std::nullopt, std::nullopt);
    auto titles = db::batch_list_post_titles(db, {n, -1});
    CHECK(titles.size() == 2 && titles[0].size() == 1 && titles[0][0].title == "p1" && titles[1].empty());

    db::delete_user(db, n);
    CHECK(db::get_user_by_email(db, "null@example.com") == std::nullopt);
    db.execute("DROP TABLE posts, users, counters");
  } catch (const flash::Error& e) {
    std::fprintf(stderr, "flash::Error [%s/%d]: %s\n", e.sqlstate().c_str(), e.code(), e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return check::report("mysql");
}

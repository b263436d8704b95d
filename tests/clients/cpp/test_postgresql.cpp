// The generated C++ client (libpq) against PostgreSQL: exact values both ways, NULL vs '', :one
// on no row, :execrows counts, RAII transactions, SQLSTATE on errors, COPY, batches and the
// pipeline API. Values written are read back through the client and, where the client could hide
// a mistake (timestamps with zone, bytes, bigint extremes), through the engine itself.
// Usage: test_postgresql URL SCHEMA_SQL
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <unistd.h>

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

// One value computed by the engine (text), for the engine-side checks.
std::string engine(flash::pg::Connection& db, const std::string& sql) {
  flash::pg::Result r(PQexec(db.native(), sql.c_str()));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) throw std::runtime_error(sql + ": " + PQerrorMessage(db.native()));
  return PQgetisnull(r.get(), 0, 0) ? "NULL" : PQgetvalue(r.get(), 0, 0);
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
    flash::pg::Connection db(argv[1]);
    const std::string schema = "flash_cpp_" + std::to_string(getpid());
    db.execute("SET client_min_messages TO warning");
    db.execute(("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema + "; SET search_path TO " + schema).c_str());
    db.execute(read_file(argv[2]).c_str());

    // ---- prepare_all: every query's statement is prepared now, as the engine lists them ----
    db::prepare_all(db);
    const std::string prepared = engine(db, "SELECT count(*) FROM pg_prepared_statements");
    CHECK(std::stoi(prepared) >= 10);
    CHECK_EQ(engine(db, "SELECT count(*) FROM pg_prepared_statements WHERE name = 'db_get_user'"), "1");
    db::prepare_all(db);  // again: nothing new
    CHECK_EQ(engine(db, "SELECT count(*) FROM pg_prepared_statements"), prepared);

    // ---- Params: texts it owns stay valid when more are added than it was sized for ----
    {
      flash::pg::Params p(1);
      const std::string s = "kept";
      p.add(std::int32_t{1});
      p.add(s);
      for (int i = 2; i < 40; ++i) p.add(std::int64_t{i});
      p.add(std::optional<std::int32_t>());
      CHECK_EQ(p.size(), 41);
      CHECK_EQ(std::string(p.values()[0]), "1");
      CHECK(p.values()[1] == s.c_str());
      bool all = true;
      for (int i = 2; i < 40; ++i) all = all && std::string(p.values()[i], p.lengths()[i]) == std::to_string(i);
      CHECK(all);
      CHECK(p.values()[40] == nullptr);
    }

    // ---- Params: booleans are the literals true/false, numbers are formatted into the Params
    // itself; formats() is null while every value is text (libpq then sends one format code) ----
    {
      flash::pg::Params p(2);
      p.add(true);
      p.add(false);
      p.add(std::int16_t{-7});
      p.add(std::optional<double>(1.5));
      CHECK(p.formats() == nullptr);
      CHECK_EQ(std::string(p.values()[0]), "true");
      CHECK_EQ(std::string(p.values()[1]), "false");
      CHECK_EQ(std::string(p.values()[2]), "-7");
      CHECK_EQ(std::string(p.values()[3]), "1.5");
      const flash::Bytes raw = bytes({1, 2});
      p.add(raw);
      CHECK(p.formats() != nullptr && p.formats()[0] == 0 && p.formats()[3] == 0 && p.formats()[4] == 1);
      CHECK_EQ(p.lengths()[4], 2);
      // Past the inline text buffer: long texts are kept as strings, all still readable.
      for (int i = 0; i < 30; ++i) p.add(std::vector<std::int64_t>{9000000000000000000, i});
      bool all = true;
      for (int i = 0; i < 30; ++i) all = all && std::string(p.values()[5 + i]) == "{\"9000000000000000000\",\"" + std::to_string(i) + "\"}";
      CHECK(all);
    }
    // ---- integers: the digit loop and from_chars agree at the edges ----
    CHECK_EQ(flash::detail::parse_int<std::int64_t>("-9223372036854775808"), std::numeric_limits<std::int64_t>::min());
    CHECK_EQ(flash::detail::parse_int<std::int64_t>("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
    CHECK_EQ(flash::detail::parse_int<std::int64_t>("-999999999999999999"), -999999999999999999);
    CHECK_EQ(flash::detail::parse_int<std::int32_t>("-2147483648"), std::numeric_limits<std::int32_t>::min());
    CHECK_EQ(flash::detail::parse_int<std::int32_t>("007"), 7);
    CHECK_EQ(flash::detail::parse_int<std::int16_t>("-0"), 0);
    CHECK_SQLSTATE(flash::detail::parse_int<std::int32_t>("2147483648"), "22000");
    CHECK_SQLSTATE(flash::detail::parse_int<std::int16_t>("-32769"), "22000");
    CHECK_SQLSTATE(flash::detail::parse_int<std::int64_t>("9223372036854775808"), "22000");
    CHECK_SQLSTATE(flash::detail::parse_int<std::int32_t>("-"), "22000");
    CHECK_SQLSTATE(flash::detail::parse_int<std::int32_t>(""), "22000");
    CHECK_SQLSTATE(flash::detail::parse_int<std::int32_t>("+1"), "22000");
    CHECK_SQLSTATE(flash::detail::parse_int<std::int32_t>("1a"), "22000");
    CHECK_SQLSTATE(flash::detail::parse_int<std::int32_t>(" 1"), "22000");

    // ---- every column type as a parameter and back (RETURNING * → db::User) ----
    const flash::Bytes avatar = bytes({0, 1, 0x7f, 0x80, 0xff, '\\', 'x', 0});
    const flash::Date birthday = sys_days{1999y / December / 31};
    const flash::Timestamp updated{local_days{2024y / February / 29} + 23h + 59min + 58s + 123456us};
    const std::vector<std::string> tags = {"a", "b c", "\"quoted\"", "back\\slash", "", "NULL", "{x,y}"};
    const auto before = time_point_cast<microseconds>(system_clock::now()) - 5s;
    auto u = db::create_user(db, "ada@example.com", "Ada", std::numeric_limits<std::int32_t>::max(), db::UserRole::admin,
                             true, "9999999999.99", 0.1, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", tags,
                             R"({"k": [1, 2.5, "x"], "n": null})", avatar, birthday, updated);
    CHECK(u.has_value());
    CHECK_EQ(u->email, "ada@example.com");
    CHECK(u->name == std::optional<std::string>("Ada"));
    CHECK(u->age == std::numeric_limits<std::int32_t>::max());
    CHECK(u->role == db::UserRole::admin);
    CHECK_EQ(u->active, true);
    CHECK_EQ(u->balance, "9999999999.99");
    CHECK(u->score == 0.1);
    CHECK(u->external_id == std::optional<std::string>("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
    CHECK(u->tags == tags);
    CHECK(u->profile == std::optional<std::string>(R"({"k": [1, 2.5, "x"], "n": null})"));
    CHECK(u->avatar == avatar);
    CHECK(u->birthday == birthday);
    CHECK(u->updated_at == updated);
    CHECK(u->created_at >= before && u->created_at <= before + 65s);
    CHECK(db::get_user(db, u->id) == u);
    // Through the engine: the bytes, the array and the timestamp as PostgreSQL sees them.
    const std::string id = std::to_string(u->id);
    CHECK_EQ(engine(db, "SELECT encode(avatar, 'hex') FROM users WHERE id = " + id), "00017f80ff5c7800");
    CHECK_EQ(engine(db, "SELECT array_length(tags, 1) || ':' || tags[4] || ':' || (tags[5] = '') || ':' || (tags[6] IS NULL) FROM users WHERE id = " + id),
             "7:back\\slash:true:false");
    CHECK_EQ(engine(db, "SELECT updated_at::text FROM users WHERE id = " + id), "2024-02-29 23:59:58.123456");
    CHECK_EQ(engine(db, "SELECT birthday::text FROM users WHERE id = " + id), "1999-12-31");

    // ---- NULL vs '' ----
    auto empty = db::create_user(db, "empty@example.com", std::string(), std::nullopt, db::UserRole::member, false, "0",
                                 std::nullopt, std::nullopt, {}, std::nullopt, flash::Bytes{}, std::nullopt, std::nullopt);
    auto nulls = db::create_user(db, "null@example.com", std::nullopt, 0, db::UserRole::guest, false, "-0.01", -0.0,
                                 std::nullopt, {}, std::nullopt, std::nullopt, std::nullopt, std::nullopt);
    CHECK(empty->name == std::optional<std::string>(""));
    CHECK(!nulls->name.has_value());
    CHECK(empty->avatar == std::optional<flash::Bytes>(flash::Bytes{}));
    CHECK(!nulls->avatar.has_value());
    CHECK(empty->tags.empty());
    CHECK_EQ(engine(db, "SELECT (name = '')::text || ',' || (avatar = ''::bytea)::text FROM users WHERE id = " + std::to_string(empty->id)), "true,true");
    CHECK_EQ(engine(db, "SELECT (name IS NULL)::text FROM users WHERE id = " + std::to_string(nulls->id)), "true");
    CHECK_EQ(nulls->balance, "-0.01");
    CHECK(nulls->age == 0);

    // ---- :one on no row, row struct, slices, enums, booleans ----
    CHECK(!db::get_user(db, -1).has_value());
    auto by_email = db::get_user_by_email(db, "ada@example.com");
    CHECK(by_email && by_email->id == u->id && by_email->name == std::optional<std::string>("Ada"));
    auto some = db::list_users_by_ids(db, {u->id, nulls->id, 123456789});
    CHECK_EQ(some.size(), 2u);
    CHECK(db::list_users_by_ids(db, {}).empty());
    auto admins = db::search_users(db, std::nullopt, db::UserRole::admin);
    CHECK_EQ(admins.size(), 1u);
    CHECK(admins.size() == 1 && admins[0].role == db::UserRole::admin && admins[0].email == "ada@example.com");
    CHECK_EQ(db::search_users(db, 0, db::UserRole::guest).size(), 1u);
    auto all = db::list_users(db);
    CHECK_EQ(all.size(), 3u);
    CHECK(all.size() == 3 && all[0] == *u);

    // ---- aggregates, :exec, :execrows, :execresult ----
    auto counts = db::count_users(db, true);
    CHECK(counts && counts->total == 1 && counts->total_balance == std::optional<std::string>("9999999999.99"));
    auto none = db::count_users(db, false);
    CHECK(none && none->total == 2 && none->total_balance == std::optional<std::string>("-0.01"));
    const flash::Timestamp later{local_days{2030y / January / 1} + 1us};
    db::update_user_name(db, std::nullopt, later, u->id);
    auto after = db::get_user(db, u->id);
    CHECK(after && !after->name && after->updated_at == later);
    CHECK_EQ(db::deactivate_users_older_than(db, 100), 1);  // only Ada (age 2^31-1)
    CHECK_EQ(db::deactivate_users_older_than(db, 100), 1);  // still matches (active is not in the WHERE)
    CHECK_EQ(db::deactivate_users_older_than(db, std::numeric_limits<std::int32_t>::max()), 0);
    auto res = db::set_user_profile(db, std::nullopt, bytes({9}), u->id);
    CHECK_EQ(res.rows_affected, 1);

    // ---- posts: JSON kept as written, timestamptz, joins, :execrows ----
    const std::string meta = R"({"b": 1,   "a": [true, null]})";  // json (not jsonb): the text as written
    auto post = db::create_post(db, u->id, "Hello", std::nullopt, meta, std::nullopt);
    CHECK(post.has_value());
    auto pm = db::get_post_metadata(db, post->id);
    CHECK(pm && pm->metadata == std::optional<std::string>(meta));
    const flash::TimestampTz published{sys_days{2021y / March / 14} + 1h + 59min + 26s + 535897us};
    CHECK_EQ(db::publish_post(db, published, post->id), 1);
    CHECK_EQ(db::publish_post(db, published, post->id), 0);
    CHECK_EQ(engine(db, "SELECT (extract(epoch FROM published_at) * 1000000)::bigint FROM posts WHERE id = " + std::to_string(post->id)),
             std::to_string(published.time_since_epoch().count()));
    // Read under another session time zone: the same instant.
    db.execute("SET TimeZone TO 'Asia/Kolkata'");
    CHECK(db::get_user(db, u->id)->created_at == u->created_at);
    db.execute("SET TimeZone TO 'America/St_Johns'");
    CHECK(db::get_user(db, u->id)->created_at == u->created_at);
    db.execute("SET TimeZone TO 'UTC'");
    auto with_authors = db::list_posts_with_authors(db);
    CHECK(with_authors.size() == 1 && with_authors[0].author_email == "ada@example.com" && with_authors[0].views == 0);
    auto left = db::list_users_with_posts(db);
    CHECK_EQ(left.size(), 3u);
    CHECK(left.size() == 3 && left[0].post_id == post->id && !left[1].post_id && !left[1].post_title);

    // ---- bigint extremes (counters.value BIGINT) ----
    CHECK(db::upsert_counter(db, "max", std::numeric_limits<std::int64_t>::max())->value == std::numeric_limits<std::int64_t>::max());
    CHECK(db::upsert_counter(db, "min", std::numeric_limits<std::int64_t>::min())->value == std::numeric_limits<std::int64_t>::min());
    CHECK(db::upsert_counter(db, "min", 1)->value == std::numeric_limits<std::int64_t>::min() + 1);
    CHECK_EQ(engine(db, "SELECT value::text FROM counters WHERE name = 'max'"), "9223372036854775807");
    auto gc = db::get_counter(db, "min");
    CHECK(gc && gc->value == std::numeric_limits<std::int64_t>::min() + 1);

    // ---- errors carry the SQLSTATE ----
    CHECK_SQLSTATE(db::create_user(db, "ada@example.com", std::nullopt, std::nullopt, db::UserRole::member, true, "0",
                                   std::nullopt, std::nullopt, {}, std::nullopt, std::nullopt, std::nullopt, std::nullopt),
                   "23505");
    CHECK_SQLSTATE(db::create_post(db, -5, "orphan", std::nullopt, std::nullopt, std::nullopt), "23503");
    CHECK_SQLSTATE(db::create_user(db, "bad@example.com", std::nullopt, std::nullopt, db::UserRole::member, true,
                                   "not a number", std::nullopt, std::nullopt, {}, std::nullopt, std::nullopt, std::nullopt, std::nullopt),
                   "22P02");

    // ---- RAII transactions ----
    {
      flash::pg::Transaction tx(db);
      db::create_user(db, "rolled@example.com", std::nullopt, std::nullopt, db::UserRole::member, true, "0", std::nullopt,
                      std::nullopt, {}, std::nullopt, std::nullopt, std::nullopt, std::nullopt);
      CHECK(db::get_user_by_email(db, "rolled@example.com").has_value());
    }  // no commit(): the destructor rolls back
    CHECK(!db::get_user_by_email(db, "rolled@example.com").has_value());
    try {
      flash::pg::Transaction tx(db);
      db::upsert_counter(db, "tx", 5);
      throw std::runtime_error("unwind");
    } catch (const std::runtime_error&) {
    }
    CHECK(!db::get_counter(db, "tx").has_value());
    {
      flash::pg::Transaction tx(db);
      db::upsert_counter(db, "tx", 7);
      tx.commit();
    }
    CHECK(db::get_counter(db, "tx")->value == 7);

    // ---- :copyfrom (COPY FROM STDIN) with NULLs, JSON and the characters COPY escapes ----
    std::vector<db::CopyPostsParams> rows;
    for (int i = 0; i < 2500; ++i)
      rows.push_back({u->id, "t\t" + std::to_string(i) + "\n\\N\r", i % 2 ? std::optional<std::string>() : std::optional<std::string>("b"),
                      i, i % 3 ? std::optional<std::string>() : std::optional<std::string>(R"({"i": )" + std::to_string(i) + "}")});
    CHECK_EQ(db::copy_posts(db, rows), 2500);
    CHECK_EQ(engine(db, "SELECT count(*) FROM posts WHERE title = E't\\t7\\n\\\\N\\r' AND body IS NULL AND views = 7 AND metadata IS NULL"), "1");
    CHECK_EQ(engine(db, "SELECT metadata::text FROM posts WHERE views = 9 AND title LIKE 't%'"), "{\"i\": 9}");
    CHECK_EQ(db::copy_counters(db, {{"c1", std::numeric_limits<std::int64_t>::min()}, {"c2", 0}}), 2);
    CHECK(db::get_counter(db, "c1")->value == std::numeric_limits<std::int64_t>::min());
    {
      flash::pg::Transaction tx(db);
      db::copy_counters(db, {{"c3", 3}});
    }
    CHECK(!db::get_counter(db, "c3").has_value());
    auto per_user = db::count_posts_per_user(db);
    CHECK(per_user.size() == 1 && per_user[0].post_count == 2501);
    CHECK_EQ(db::delete_posts_by_user(db, u->id), 2501);

    // ---- :batch* (one pipeline each) ----
    db::batch_upsert_counters(db, {{"b1", 1}, {"b1", 2}, {"b2", std::numeric_limits<std::int64_t>::max()}});
    auto got = db::batch_get_counters(db, {"b1", "nope", "b2"});
    CHECK_EQ(got.size(), 3u);
    CHECK(got.size() == 3 && got[0] && got[0]->value == 3 && !got[1] && got[2]->value == std::numeric_limits<std::int64_t>::max());
    db::create_post(db, nulls->id, "p1", std::nullopt, std::nullopt, std::nullopt);
    db::create_post(db, nulls->id, "p2", std::nullopt, std::nullopt, std::nullopt);
    auto titles = db::batch_list_post_titles(db, {nulls->id, -1, u->id});
    CHECK(titles.size() == 3 && titles[0].size() == 2 && titles[0][1].title == "p2" && titles[1].empty() && titles[2].empty());
    {
      flash::pg::Transaction tx(db);
      db::batch_upsert_counters(db, {{"rb", 1}});
    }
    CHECK(!db::get_counter(db, "rb").has_value());

    // ---- the pipeline API: any query, one round trip; errors per statement ----
    {
      flash::pg::Pipeline pl(db);
      auto a = db::get_user(pl, u->id);
      auto b = db::count_users(pl, false);
      auto c = db::upsert_counter(pl, "pipe", 40);
      auto d = db::upsert_counter(pl, "pipe", 2);
      auto e = db::get_user(pl, -1);
      CHECK_EQ(pl.queued() >= 5, true);
      pl.sync();
      CHECK(a.get() && a.get()->email == "ada@example.com");
      CHECK(b.get() && b.get()->total == 3);
      CHECK(c.get()->value == 40 && d.get()->value == 42);
      CHECK(!e.get().has_value());
      // A failing statement: sync() throws its error; the statements after it are not run.
      auto dup = db::create_user(pl, "ada@example.com", std::nullopt, std::nullopt, db::UserRole::member, true, "0",
                                 std::nullopt, std::nullopt, {}, std::nullopt, std::nullopt, std::nullopt, std::nullopt);
      auto skipped = db::upsert_counter(pl, "pipe", 1000);
      CHECK_SQLSTATE(pl.sync(), "23505");
      CHECK_SQLSTATE(dup.get(), "23505");
      CHECK_SQLSTATE(skipped.get(), "25P02");
    }
    CHECK(db::get_counter(db, "pipe")->value == 42);
    // The connection works normally after the pipeline.
    CHECK(db::get_user(db, u->id).has_value());
    // ---- sync_all: pipelines on two connections synced together from one thread; a failure on
    // one does not stop the other from being read to its end, and the first error is thrown ----
    {
      flash::pg::Connection db2(argv[1]);
      db2.execute(("SET search_path TO " + schema).c_str());
      {
        flash::pg::Pipeline p1(db), p2(db2);
        auto a = db::get_user(p1, u->id);
        auto b = db::upsert_counter(p2, "all", 7);
        auto c = db::upsert_counter(p2, "all", 1);
        std::vector<flash::pg::Pipeline*> both{&p1, &p2};
        flash::pg::sync_all(both);
        CHECK(a.get() && a.get()->email == "ada@example.com");
        CHECK(b.get()->value == 7 && c.get()->value == 8);
        // Non-blocking single pipeline: send(), then process() until the sync point.
        auto d = db::upsert_counter(p1, "all", 2);
        p1.send();
        while (!p1.process()) {
          pollfd pfd{p1.socket(), static_cast<short>(POLLIN | (p1.wants_write() ? POLLOUT : 0)), 0};
          poll(&pfd, 1, -1);
        }
        CHECK(d.get()->value == 10);
        auto dup = db::create_user(p1, "ada@example.com", std::nullopt, std::nullopt, db::UserRole::member, true, "0",
                                   std::nullopt, std::nullopt, {}, std::nullopt, std::nullopt, std::nullopt, std::nullopt);
        auto e = db::upsert_counter(p2, "all", 100);
        CHECK_SQLSTATE(flash::pg::sync_all(both), "23505");
        CHECK_SQLSTATE(dup.get(), "23505");
        CHECK(e.get()->value == 110);
      }
      CHECK(db::get_counter(db2, "all")->value == 110);
      // ---- Mode::single: libpq's ordinary asynchronous commands (no pipeline mode), one statement
      // in flight per connection, driven together by sync_all; each statement is its own transaction ----
      {
        using Mode = flash::pg::Pipeline::Mode;
        flash::pg::Pipeline s1(db, Mode::single), s2(db2, Mode::single);
        CHECK(PQpipelineStatus(db.native()) == PQ_PIPELINE_OFF);
        std::vector<flash::pg::Pipeline*> both{&s1, &s2};
        flash::pg::sync_all(both);  // nothing in flight: returns at once
        auto a = db::get_user(s1, u->id);
        auto b = db::upsert_counter(s2, "single", 5);
        CHECK_SQLSTATE(db::upsert_counter(s2, "single", 1), "");  // a second statement while one is in flight
        flash::pg::sync_all(both);
        CHECK(a.get() && a.get()->email == "ada@example.com");
        CHECK(b.get()->value == 5);
        // A failure is that statement's and the cycle's error; the next statement runs normally.
        auto dup = db::create_user(s1, "ada@example.com", std::nullopt, std::nullopt, db::UserRole::member, true, "0",
                                   std::nullopt, std::nullopt, {}, std::nullopt, std::nullopt, std::nullopt, std::nullopt);
        auto c = db::upsert_counter(s2, "single", 2);
        CHECK_SQLSTATE(flash::pg::sync_all(both), "23505");
        CHECK_SQLSTATE(dup.get(), "23505");
        CHECK(c.get()->value == 7);
        auto d = db::upsert_counter(s1, "single", 3);
        s1.sync();
        CHECK(d.get()->value == 10);
      }
      CHECK(db::get_counter(db2, "single")->value == 10);
      CHECK(db::get_user(db, u->id).has_value());
    }
    db::delete_user(db, u->id);
    CHECK(!db::get_user(db, u->id).has_value());

    // Every query the test ran on db had been prepared by prepare_all: no statement was added since.
    CHECK_EQ(engine(db, "SELECT count(*) FROM pg_prepared_statements"), prepared);
    db.execute(("DROP SCHEMA " + schema + " CASCADE").c_str());
  } catch (const flash::Error& e) {
    std::fprintf(stderr, "flash::Error [%s]: %s\n", e.sqlstate().c_str(), e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return check::report("postgresql");
}

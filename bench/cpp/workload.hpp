// The benchmark workload's pieces on Flash's generated C++ client (bench/cpp/flashdb), shared by
// bench/cpp/bench.cpp (the flash-cpp and flash-cpp-pipeline contenders) and bench/cpp/ab.cpp (next
// to hand-written libpq in one process): the operations (Op: which generated function, its
// arguments and whether its result is checked; run() on a Connection, queue() on a Pipeline), the
// sequential and the concurrent drivers, and the pool. Counts and clocks come from bench/libpq/workload.hpp.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "../libpq/workload.hpp"
#include "queries.hpp"

namespace bench::flashcpp {

// One operation of the workload: which generated function and its arguments (as bench/libpq's Op
// holds a statement name and its parameters). run() calls the function on a Connection and checks
// the result; queue() calls its Pipeline overload and keeps the Pendings that need a check (an
// :exec's error surfaces from sync() / process()).
struct Op {
  enum class Kind : std::uint8_t { user, category, post, comment, cte, top, email, admin, name };
  Kind kind;
  std::string s1, s2, s3;  // the text arguments
  int a = 0, b = 0;        // the integer arguments (name: a = id, b = the expected user index)
  bool flag = false;       // user: isadmin; cte, top, name: verify the result
};

inline void check_cte(const std::vector<flashdb::GetActiveUsersWithStatsRow>& rows, std::size_t want) {
  if (rows.size() != want) throw std::runtime_error("CTE returned " + std::to_string(rows.size()) + " rows");
  for (const auto& r : rows)
    if (r.post_count != 5 || r.comment_count != 15) throw std::runtime_error("CTE counts are wrong");
}
inline void check_top(const std::vector<flashdb::GetTopActiveUsersRow>& rows) {
  if (rows.size() != 10) throw std::runtime_error("top CTE returned " + std::to_string(rows.size()) + " rows");
  for (const auto& r : rows)
    if (r.post_count != 5 || r.comment_count != 15) throw std::runtime_error("CTE counts are wrong");
}
inline void check_name(const std::optional<flashdb::GetUserNameRow>& r, int i) {
  if (!r || r->name != "User " + std::to_string(i)) throw std::runtime_error("wrong name for user " + std::to_string(i));
}

inline void run(flash::pg::Connection& c, const Op& o) {
  using K = Op::Kind;
  switch (o.kind) {
    case K::user: flashdb::create_user(c, o.s1, o.s2, o.s3, o.flag); break;
    case K::category: flashdb::create_category(c, o.s1); break;
    case K::post: flashdb::create_post(c, o.a, o.b, o.s1, o.s2); break;
    case K::comment: flashdb::create_comment(c, o.a, o.b, o.s1); break;
    case K::cte: {
      const auto rows = flashdb::get_active_users_with_stats(c);
      if (o.flag) check_cte(rows, static_cast<std::size_t>(kUsers));
      break;
    }
    case K::top: {
      const auto rows = flashdb::get_top_active_users(c);
      if (o.flag) check_top(rows);
      break;
    }
    case K::email: flashdb::get_user_email(c, o.a); break;
    case K::admin: flashdb::get_user_is_admin(c, o.a); break;
    case K::name: {
      const auto r = flashdb::get_user_name(c, o.a);
      if (o.flag) check_name(r, o.b);
      break;
    }
  }
}

// The Pendings of queued operations whose results are checked after the sync point.
struct Checks {
  std::vector<flash::pg::Pending<std::vector<flashdb::GetActiveUsersWithStatsRow>>> cte;
  std::vector<flash::pg::Pending<std::vector<flashdb::GetTopActiveUsersRow>>> top;
  std::vector<std::pair<flash::pg::Pending<std::optional<flashdb::GetUserNameRow>>, int>> names;
  void run_and_clear() {
    for (const auto& p : cte) check_cte(p.get(), static_cast<std::size_t>(kUsers));
    for (const auto& p : top) check_top(p.get());
    for (const auto& [p, i] : names) check_name(p.get(), i);
    cte.clear();
    top.clear();
    names.clear();
  }
};

inline void queue(flash::pg::Pipeline& pl, const Op& o, Checks& after) {
  using K = Op::Kind;
  switch (o.kind) {
    case K::user: flashdb::create_user(pl, o.s1, o.s2, o.s3, o.flag); break;
    case K::category: flashdb::create_category(pl, o.s1); break;
    case K::post: flashdb::create_post(pl, o.a, o.b, o.s1, o.s2); break;
    case K::comment: flashdb::create_comment(pl, o.a, o.b, o.s1); break;
    case K::cte: {
      auto p = flashdb::get_active_users_with_stats(pl);
      if (o.flag) after.cte.push_back(std::move(p));
      break;
    }
    case K::top: {
      auto p = flashdb::get_top_active_users(pl);
      if (o.flag) after.top.push_back(std::move(p));
      break;
    }
    case K::email: flashdb::get_user_email(pl, o.a); break;
    case K::admin: flashdb::get_user_is_admin(pl, o.a); break;
    case K::name: {
      auto p = flashdb::get_user_name(pl, o.a);
      if (o.flag) after.names.emplace_back(std::move(p), o.b);
      break;
    }
  }
}

inline Op create_user(long long i) {
  return {Op::Kind::user, "User " + std::to_string(i), "user" + std::to_string(i) + "@test.com",
          "Address " + std::to_string(i), 0, 0, i % 5 == 0};
}
inline Op create_category(int i) { return {Op::Kind::category, "Category " + std::to_string(i), {}, {}}; }
inline Op create_post(int i) {
  std::string content;
  for (int k = 0; k < 3; ++k) content += "Content " + std::to_string(i) + "...";
  return {Op::Kind::post, "Post " + std::to_string(i), std::move(content), {}, i % kUsers + 1, i % kCategories + 1};
}
inline Op create_comment(int i) { return {Op::Kind::comment, "Comment " + std::to_string(i), {}, {}, i % kPosts + 1, i % kUsers + 1}; }
inline Op cte_full(bool verify) { return {Op::Kind::cte, {}, {}, {}, 0, 0, verify}; }
inline Op cte_top(bool verify) { return {Op::Kind::top, {}, {}, {}, 0, 0, verify}; }
inline Op email(int id) { return {Op::Kind::email, {}, {}, {}, id}; }
inline Op is_admin(int id) { return {Op::Kind::admin, {}, {}, {}, id}; }
inline Op name(int id, int i, bool verify) { return {Op::Kind::name, {}, {}, {}, id, i, verify}; }
// One operation of mixed_concurrent (i: its index in the phase), as bench/libpq's mixed().
inline Op mixed(int i) {
  if (i % 4 == 0) return create_comment(kComments + i);
  const int id = i % kUsers + 1;
  switch (i % 3) {
    case 0: return cte_top(false);
    case 1: return email(id);
    default: return is_admin(id);
  }
}
// One verified name lookup of lookups_concurrent.
inline Op lookup(int i) { return name(i % kUsers + 1, i % kUsers, true); }

// Runs ops on one connection: one at a time, or as pipelines of `chunk` statements.
inline void run_ops(flash::pg::Connection& c, const std::vector<Op>& ops, std::size_t chunk, bool pipeline) {
  if (!pipeline) {
    for (const Op& o : ops) run(c, o);
    return;
  }
  Checks after;
  for (std::size_t s = 0; s < ops.size(); s += chunk) {
    flash::pg::Pipeline pl(c);
    for (std::size_t i = s; i < std::min(ops.size(), s + chunk); ++i) queue(pl, ops[i], after);
    pl.sync();
    after.run_and_clear();
  }
}

// One concurrent batch: queues[k] on pipes[k] (one Pipeline per pooled connection, kept for the
// concurrent phases: a Pipeline is reusable after each sync point), all connections at once from
// this thread. Prepared mode keeps one statement in flight per connection (Pipeline::Mode::single:
// libpq's ordinary asynchronous commands, send()/process() in a poll loop, like bench/libpq's
// drive()); pipeline mode queues each connection's share and syncs them all (flash::pg::sync_all).
inline void run_batch(std::vector<std::unique_ptr<flash::pg::Pipeline>>& pipes, const std::vector<std::vector<Op>>& queues,
                      bool pipeline) {
  struct Lane {
    flash::pg::Pipeline* pl = nullptr;
    const std::vector<Op>* ops = nullptr;
    std::size_t next = 0;
    bool busy = false;
  };
  Checks after;
  std::vector<Lane> lanes;
  lanes.reserve(queues.size());
  for (std::size_t k = 0; k < queues.size(); ++k)
    if (!queues[k].empty()) lanes.push_back({pipes[k].get(), &queues[k]});
  if (pipeline) {
    std::vector<flash::pg::Pipeline*> pls;
    for (Lane& l : lanes) {
      for (const Op& o : *l.ops) queue(*l.pl, o, after);
      pls.push_back(l.pl);
    }
    flash::pg::sync_all(pls);
    after.run_and_clear();
    return;
  }
  std::size_t open = lanes.size();
  std::vector<pollfd> fds;
  std::vector<Lane*> who;
  while (open) {
    fds.clear();
    who.clear();
    for (Lane& l : lanes) {
      if (!l.busy && l.next < l.ops->size()) {
        queue(*l.pl, (*l.ops)[l.next++], after);
        l.pl->send();
        l.busy = true;
      }
      if (!l.busy) continue;
      fds.push_back({l.pl->socket(), static_cast<short>(POLLIN | (l.pl->wants_write() ? POLLOUT : 0)), 0});
      who.push_back(&l);
    }
    if (poll(fds.data(), fds.size(), 10000) < 0) throw std::runtime_error("poll");
    for (std::size_t k = 0; k < fds.size(); ++k) {
      Lane& l = *who[k];
      if (!fds[k].revents || !l.pl->process()) continue;
      l.busy = false;
      if (l.next == l.ops->size()) --open;
    }
  }
  after.run_and_clear();
}

// The pool: every statement prepared on every connection first (flashdb::prepare_all, as
// bench-libpq does); sequential phases use the first connection directly, concurrent phases
// drive every connection through its own Pipeline (begin_concurrent(); Mode::single for the
// flash-cpp contender, pipeline mode for flash-cpp-pipeline).
struct Pool {
  std::vector<std::unique_ptr<flash::pg::Connection>> conns;
  std::vector<std::unique_ptr<flash::pg::Pipeline>> pipes;
  std::vector<std::vector<Op>> queues;
  bool pipeline = false;

  Pool(const char* url, bool pipe, int size = kPool) : queues(static_cast<std::size_t>(size)), pipeline(pipe) {
    for (int i = 0; i < size; ++i) {
      conns.push_back(std::make_unique<flash::pg::Connection>(url));
      flashdb::prepare_all(*conns.back());
    }
  }
  void sequential(const std::vector<Op>& ops) { run_ops(*conns[0], ops, kChunk, pipeline); }
  // From here on every connection belongs to its Pipeline (non-blocking; in pipeline mode for
  // flash-cpp-pipeline) until end_concurrent().
  void begin_concurrent() {
    if (pipes.empty())
      for (auto& c : conns)
        pipes.push_back(std::make_unique<flash::pg::Pipeline>(
            *c, pipeline ? flash::pg::Pipeline::Mode::pipelined : flash::pg::Pipeline::Mode::single));
  }
  void end_concurrent() { pipes.clear(); }
  // One concurrent batch: ops [s, e) spread round-robin over the pool.
  template <class Make>
  void batch(int s, int e, Make make) {
    for (auto& q : queues) q.clear();
    for (int i = s; i < e; ++i) queues[static_cast<std::size_t>((i - s) % static_cast<int>(queues.size()))].push_back(make(i));
    run_batch(pipes, queues, pipeline);
  }
  template <class Make>
  void batched(int count, int size, Make make) {
    for (int s = 0; s < count; s += size) batch(s, std::min(count, s + size), make);
  }
};

}  // namespace bench::flashcpp

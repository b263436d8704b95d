// The benchmark workload's pieces on Flash's generated C++ client (bench/cpp/flashdb), shared by
// bench/cpp/bench.cpp (the flash-cpp and flash-cpp-pipeline contenders) and bench/cpp/ab.cpp (next
// to hand-written libpq in one process): the operations (Op: a generated function called on a
// Connection, or queued on a Pipeline, and the check of its result), the sequential and the
// concurrent drivers, and the pool. Counts and clocks come from bench/libpq/workload.hpp.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "../libpq/workload.hpp"
#include "queries.hpp"

namespace bench::flashcpp {

// One operation: runs on a connection (prepared) or queues on a pipeline, and checks its result.
struct Op {
  std::function<void(flash::pg::Connection&)> run;
  std::function<void(flash::pg::Pipeline&, std::vector<std::function<void()>>&)> queue;
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

// Builds an Op from a callable F(conn-or-pipeline) returning the value or Pending, and a check.
template <class Call, class Check>
Op op(Call call, Check chk) {
  return Op{[call, chk](flash::pg::Connection& c) {
              if constexpr (std::is_void_v<decltype(call(c))>) call(c);  // :exec
              else chk(call(c));
            },
            [call, chk](flash::pg::Pipeline& pl, std::vector<std::function<void()>>& after) {
              auto pending = call(pl);
              if constexpr (std::is_void_v<decltype(pending.get())>) after.push_back([pending] { pending.get(); });
              else after.push_back([pending, chk] { chk(pending.get()); });
            }};
}
inline constexpr auto no_check = [](const auto&) {};

inline Op create_user(long long i) {
  const std::string name = "User " + std::to_string(i), email = "user" + std::to_string(i) + "@test.com",
                    address = "Address " + std::to_string(i);
  const bool admin = i % 5 == 0;
  return op([=](auto& c) { return flashdb::create_user(c, name, email, address, admin); }, no_check);
}
inline Op create_category(int i) {
  const std::string cat = "Category " + std::to_string(i);
  return op([=](auto& c) { return flashdb::create_category(c, cat); }, no_check);
}
inline Op create_post(int i) {
  std::string content;
  for (int k = 0; k < 3; ++k) content += "Content " + std::to_string(i) + "...";
  const int user = i % kUsers + 1, cat = i % kCategories + 1;
  const std::string title = "Post " + std::to_string(i);
  return op([=](auto& c) { return flashdb::create_post(c, user, cat, title, content); }, no_check);
}
inline Op create_comment(int i) {
  const int post = i % kPosts + 1, user = i % kUsers + 1;
  const std::string content = "Comment " + std::to_string(i);
  return op([=](auto& c) { return flashdb::create_comment(c, post, user, content); }, no_check);
}
inline Op cte_full(bool verify) {
  return op([](auto& c) { return flashdb::get_active_users_with_stats(c); }, [verify](const auto& rows) {
    if (verify) check_cte(rows, static_cast<std::size_t>(kUsers));
  });
}
inline Op cte_top(bool verify) {
  return op([](auto& c) { return flashdb::get_top_active_users(c); }, [verify](const auto& rows) {
    if (verify) check_top(rows);
  });
}
inline Op email(int id) { return op([=](auto& c) { return flashdb::get_user_email(c, id); }, no_check); }
inline Op is_admin(int id) { return op([=](auto& c) { return flashdb::get_user_is_admin(c, id); }, no_check); }
inline Op name(int id, int i, bool verify) {
  return op([=](auto& c) { return flashdb::get_user_name(c, id); }, [=](const auto& r) {
    if (verify) check_name(r, i);
  });
}
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
    for (const Op& o : ops) o.run(c);
    return;
  }
  for (std::size_t s = 0; s < ops.size(); s += chunk) {
    flash::pg::Pipeline pl(c);
    std::vector<std::function<void()>> after;
    after.reserve(chunk);
    for (std::size_t i = s; i < std::min(ops.size(), s + chunk); ++i) ops[i].queue(pl, after);
    pl.sync();
    for (auto& f : after) f();
  }
}

// One concurrent batch: queues[k] on pipes[k] (one Pipeline per pooled connection, kept for the
// concurrent phases: a Pipeline is reusable after each sync point), all connections at once from
// this thread. Prepared mode keeps one statement in flight per connection (send()/process() in a
// poll loop, like bench/libpq's drive()); pipeline mode queues each connection's share and syncs
// them all (flash::pg::sync_all).
inline void run_batch(std::vector<std::unique_ptr<flash::pg::Pipeline>>& pipes, const std::vector<std::vector<Op>>& queues,
                      bool pipeline) {
  struct Lane {
    flash::pg::Pipeline* pl = nullptr;
    const std::vector<Op>* ops = nullptr;
    std::size_t next = 0;
    bool busy = false;
    std::vector<std::function<void()>> after;
  };
  std::vector<Lane> lanes;
  lanes.reserve(queues.size());
  for (std::size_t k = 0; k < queues.size(); ++k)
    if (!queues[k].empty()) {
      Lane& l = lanes.emplace_back();
      l.pl = pipes[k].get();
      l.ops = &queues[k];
    }
  if (pipeline) {
    std::vector<flash::pg::Pipeline*> pls;
    for (Lane& l : lanes) {
      for (const Op& o : *l.ops) o.queue(*l.pl, l.after);
      pls.push_back(l.pl);
    }
    flash::pg::sync_all(pls);
    for (Lane& l : lanes)
      for (auto& f : l.after) f();
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
        (*l.ops)[l.next++].queue(*l.pl, l.after);
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
      for (auto& f : l.after) f();
      l.after.clear();
      l.busy = false;
      if (l.next == l.ops->size()) --open;
    }
  }
}

// The pool: every statement prepared on every connection first (flashdb::prepare_all, as
// bench-libpq does); sequential phases use the first connection directly, concurrent phases
// drive every connection through its own Pipeline (begin_concurrent()).
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
  // From here on every connection is in pipeline mode (its Pipeline) until end_concurrent().
  void begin_concurrent() {
    if (pipes.empty())
      for (auto& c : conns) pipes.push_back(std::make_unique<flash::pg::Pipeline>(*c));
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

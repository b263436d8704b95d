// The benchmark workload on Flash's generated C++ client (bench/cpp/flashdb, `flash gen --lang cpp`).
//   bench-flash-cpp prepared   the generated functions on flash::pg::Connection (every statement
//                              prepared on every connection first, flashdb::prepare_all, as
//                              bench-libpq does; one query in flight per connection)
//   bench-flash-cpp pipeline   the same functions' flash::pg::Pipeline overloads: sequential phases
//                              queue chunks of 500 statements then sync(); concurrent batches queue
//                              each connection's share then sync()
// Same phases, counts, SQL and checks as bench/libpq/bench.cpp. The concurrent phases run on one
// thread like bench-libpq's poll loop: each connection's share of a batch goes through its own
// flash::pg::Pipeline, driven without blocking (send() / socket() / process()): prepared mode keeps
// one statement in flight per connection (the next is sent when the previous result arrived),
// pipeline mode queues the whole share and syncs every connection at once (flash::pg::sync_all).
// Prints {"contender", "phases": {...}}. Reads BENCH_URL.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <poll.h>
#include <vector>

#include "queries.hpp"

namespace {

double scale() { const char* s = std::getenv("BENCH_SCALE"); return s ? std::atof(s) : 1.0; }
int n(int x) { return std::max(1, static_cast<int>(x * scale() + 0.5)); }
constexpr int kPool = 20, kCategories = 10;
const int kUsers = n(1000), kPosts = n(5000), kComments = n(15000);
const int kCte = n(500), kMixed = n(1000), kLookups = n(2000);
constexpr int kMixedBatch = 30, kLookupBatch = 50, kWarmup = 20;
constexpr int kChunk = 500;

bool pipeline = false;

// One operation: runs on a connection (prepared) or queues on a pipeline, and checks its result.
struct Op {
  std::function<void(flash::pg::Connection&)> run;
  std::function<void(flash::pg::Pipeline&, std::vector<std::function<void()>>&)> queue;
};

void check_cte(const std::vector<flashdb::GetActiveUsersWithStatsRow>& rows, std::size_t want) {
  if (rows.size() != want) throw std::runtime_error("CTE returned " + std::to_string(rows.size()) + " rows");
  for (const auto& r : rows)
    if (r.post_count != 5 || r.comment_count != 15) throw std::runtime_error("CTE counts are wrong");
}
void check_top(const std::vector<flashdb::GetTopActiveUsersRow>& rows) {
  if (rows.size() != 10) throw std::runtime_error("top CTE returned " + std::to_string(rows.size()) + " rows");
  for (const auto& r : rows)
    if (r.post_count != 5 || r.comment_count != 15) throw std::runtime_error("CTE counts are wrong");
}
void check_name(const std::optional<flashdb::GetUserNameRow>& r, int i) {
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
auto no_check = [](const auto&) {};

Op create_user(int i) {
  const std::string name = "User " + std::to_string(i), email = "user" + std::to_string(i) + "@test.com",
                    address = "Address " + std::to_string(i);
  const bool admin = i % 5 == 0;
  return op([=](auto& c) { return flashdb::create_user(c, name, email, address, admin); }, no_check);
}
Op create_comment(int i) {
  const int post = i % kPosts + 1, user = i % kUsers + 1;
  const std::string content = "Comment " + std::to_string(i);
  return op([=](auto& c) { return flashdb::create_comment(c, post, user, content); }, no_check);
}
Op cte_full(bool verify) {
  return op([](auto& c) { return flashdb::get_active_users_with_stats(c); }, [verify](const auto& rows) {
    if (verify) check_cte(rows, static_cast<std::size_t>(kUsers));
  });
}
Op cte_top(bool verify) {
  return op([](auto& c) { return flashdb::get_top_active_users(c); }, [verify](const auto& rows) {
    if (verify) check_top(rows);
  });
}
Op email(int id) { return op([=](auto& c) { return flashdb::get_user_email(c, id); }, no_check); }
Op is_admin(int id) { return op([=](auto& c) { return flashdb::get_user_is_admin(c, id); }, no_check); }
Op name(int id, int i, bool verify) {
  return op([=](auto& c) { return flashdb::get_user_name(c, id); }, [=](const auto& r) {
    if (verify) check_name(r, i);
  });
}

// Runs ops on one connection: one at a time, or as pipelines of `chunk` statements.
void run_ops(flash::pg::Connection& c, const std::vector<Op>& ops, std::size_t chunk) {
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
// this thread.
void run_batch(std::vector<std::unique_ptr<flash::pg::Pipeline>>& pipes, const std::vector<std::vector<Op>>& queues) {
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

// This process's CPU time (user+sys, all threads, ms): per-phase client CPU, load-robust where
// wall time is not.
double cpu_ms() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    pipeline = argc > 1 && std::strcmp(argv[1], "pipeline") == 0;
    const char* url = std::getenv("BENCH_URL");
    if (!url) throw std::runtime_error("BENCH_URL must be set");
    std::vector<std::unique_ptr<flash::pg::Connection>> pool;
    // Every statement prepared on every connection before the phases, as bench-libpq does.
    for (int i = 0; i < kPool; ++i) {
      pool.push_back(std::make_unique<flash::pg::Connection>(url));
      flashdb::prepare_all(*pool.back());
    }

    std::vector<std::vector<Op>> queues(kPool);
    std::vector<std::unique_ptr<flash::pg::Pipeline>> pipes;  // for the concurrent phases only
    auto batched = [&](int count, int size, auto make) {
      for (int s = 0; s < count; s += size) {
        for (auto& q : queues) q.clear();
        for (int i = s; i < std::min(count, s + size); ++i) queues[(i - s) % kPool].push_back(make(i));
        run_batch(pipes, queues);
      }
    };
    auto sequential = [&](const std::vector<Op>& ops) { run_ops(*pool[0], ops, kChunk); };
    std::map<std::string, double> ph, cpu;

    auto t = std::chrono::steady_clock::now();
    double c0 = cpu_ms();
    {
      std::vector<Op> ops;
      for (int i = 0; i < kUsers; ++i) ops.push_back(create_user(i));
      sequential(ops);
    }
    ph["insert_users"] = ms_since(t);
    cpu["insert_users"] = cpu_ms() - c0;

    t = std::chrono::steady_clock::now();
    c0 = cpu_ms();
    {
      std::vector<Op> ops;
      for (int i = 0; i < kCategories; ++i) {
        const std::string cat = "Category " + std::to_string(i);
        ops.push_back(op([=](auto& c) { return flashdb::create_category(c, cat); }, no_check));
      }
      for (int i = 0; i < kPosts; ++i) {
        std::string content;
        for (int k = 0; k < 3; ++k) content += "Content " + std::to_string(i) + "...";
        const int user = i % kUsers + 1, cat = i % kCategories + 1;
        const std::string title = "Post " + std::to_string(i);
        ops.push_back(op([=](auto& c) { return flashdb::create_post(c, user, cat, title, content); }, no_check));
      }
      for (int i = 0; i < kComments; ++i) ops.push_back(create_comment(i));
      sequential(ops);
    }
    ph["insert_posts_comments"] = ms_since(t);
    cpu["insert_posts_comments"] = cpu_ms() - c0;

    {  // warm-up of the read paths, untimed
      std::vector<Op> ops;
      for (int i = 0; i < kWarmup; ++i) {
        ops.push_back(cte_full(true));
        ops.push_back(cte_top(true));
        ops.push_back(email(i + 1));
        ops.push_back(is_admin(i + 1));
        ops.push_back(name(i + 1, i, true));
      }
      sequential(ops);
    }

    t = std::chrono::steady_clock::now();
    c0 = cpu_ms();
    {
      std::vector<Op> ops;
      for (int i = 0; i < kCte; ++i) ops.push_back(cte_full(i == kCte - 1));  // verify the last result
      sequential(ops);
    }
    ph["active_users_cte"] = ms_since(t);
    cpu["active_users_cte"] = cpu_ms() - c0;

    // The concurrent phases drive every pooled connection through its Pipeline (pipeline mode
    // from here on: the sequential phases above used the connections directly).
    for (auto& c : pool) pipes.push_back(std::make_unique<flash::pg::Pipeline>(*c));

    t = std::chrono::steady_clock::now();
    c0 = cpu_ms();
    batched(kMixed, kMixedBatch, [&](int i) {
      if (i % 4 == 0) return create_comment(kComments + i);
      const int id = i % kUsers + 1;
      switch (i % 3) {
        case 0: return cte_top(false);
        case 1: return email(id);
        default: return is_admin(id);
      }
    });
    ph["mixed_concurrent"] = ms_since(t);
    cpu["mixed_concurrent"] = cpu_ms() - c0;

    t = std::chrono::steady_clock::now();
    c0 = cpu_ms();
    batched(kLookups, kLookupBatch, [&](int i) { return name(i % kUsers + 1, i % kUsers, true); });
    ph["lookups_concurrent"] = ms_since(t);
    cpu["lookups_concurrent"] = cpu_ms() - c0;

    std::printf("{\"contender\": \"%s\", \"phases\": {", pipeline ? "flash-cpp-pipeline" : "flash-cpp");
    bool firstp = true;
    for (const auto& [k, v] : ph) {
      std::printf("%s\"%s\": %.3f", firstp ? "" : ", ", k.c_str(), v);
      firstp = false;
    }
    std::printf("}, \"cpu\": {");
    firstp = true;
    for (const auto& [k, v] : cpu) {
      std::printf("%s\"%s\": %.3f", firstp ? "" : ", ", k.c_str(), v);
      firstp = false;
    }
    std::printf("}}\n");
    return 0;
  } catch (const flash::Error& e) {
    std::fprintf(stderr, "bench-flash-cpp: [%s] %s\n", e.sqlstate().c_str(), e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench-flash-cpp: %s\n", e.what());
    return 1;
  }
}

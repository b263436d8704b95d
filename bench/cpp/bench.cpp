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
// The operations and drivers are in workload.hpp (shared with ab.cpp). Prints {"contender",
// "phases": {...}}. Reads BENCH_URL.
#include "workload.hpp"

using namespace bench;
using namespace bench::flashcpp;

int main(int argc, char** argv) {
  try {
    const bool pipeline = argc > 1 && std::strcmp(argv[1], "pipeline") == 0;
    const char* url = std::getenv("BENCH_URL");
    if (!url) throw std::runtime_error("BENCH_URL must be set");
    Pool pool(url, pipeline);
    std::map<std::string, double> ph, cpu;

    auto t = std::chrono::steady_clock::now();
    double c0 = cpu_ms();
    {
      std::vector<Op> ops;
      for (int i = 0; i < kUsers; ++i) ops.push_back(create_user(i));
      pool.sequential(ops);
    }
    ph["insert_users"] = ms_since(t);
    cpu["insert_users"] = cpu_ms() - c0;

    t = std::chrono::steady_clock::now();
    c0 = cpu_ms();
    {
      std::vector<Op> ops;
      for (int i = 0; i < kCategories; ++i) ops.push_back(create_category(i));
      for (int i = 0; i < kPosts; ++i) ops.push_back(create_post(i));
      for (int i = 0; i < kComments; ++i) ops.push_back(create_comment(i));
      pool.sequential(ops);
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
      pool.sequential(ops);
    }

    t = std::chrono::steady_clock::now();
    c0 = cpu_ms();
    {
      std::vector<Op> ops;
      for (int i = 0; i < kCte; ++i) ops.push_back(cte_full(i == kCte - 1));  // verify the last result
      pool.sequential(ops);
    }
    ph["active_users_cte"] = ms_since(t);
    cpu["active_users_cte"] = cpu_ms() - c0;

    // The concurrent phases drive every pooled connection through its Pipeline (pipeline mode
    // from here on: the sequential phases above used the connections directly).
    pool.begin_concurrent();

    t = std::chrono::steady_clock::now();
    c0 = cpu_ms();
    pool.batched(kMixed, kMixedBatch, mixed);
    ph["mixed_concurrent"] = ms_since(t);
    cpu["mixed_concurrent"] = cpu_ms() - c0;

    t = std::chrono::steady_clock::now();
    c0 = cpu_ms();
    pool.batched(kLookups, kLookupBatch, lookup);
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

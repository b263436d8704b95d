// The benchmark workload on raw libpq (C++), the floor every client is compared with.
//   bench-libpq prepared   one query in flight per connection (PQsendQueryPrepared + poll)
//   bench-libpq pipeline   the same prepared statements in pipeline mode: sequential phases send
//                          chunks of 500 statements then one sync; concurrent batches send each
//                          connection's share of the batch then one sync.
// Statements are prepared on each of the 20 connections when they are opened (before phase 1).
// Prints {"contender", "phases": {...}} like every other contender. Reads BENCH_URL and
// ../sql.json (path given by BENCH_SQL_JSON). The operations and the driver are in workload.hpp
// (shared with bench/cpp/ab.cpp).
#include "workload.hpp"

using namespace bench;
using namespace bench::libpq;

int main(int argc, char** argv) {
  try {
    const bool pipeline = argc > 1 && std::strcmp(argv[1], "pipeline") == 0;
    const char* url = std::getenv("BENCH_URL");
    const char* sql_path = std::getenv("BENCH_SQL_JSON");
    if (!url || !sql_path) throw std::runtime_error("BENCH_URL and BENCH_SQL_JSON must be set");
    const auto sql = read_sql(sql_path);
    Pool pool(url, sql, pipeline);
    std::map<std::string, double> ph, cpu;

    auto t = std::chrono::steady_clock::now();
    double c0 = cpu_ms();
    {
      std::vector<Op> ops;
      for (int i = 0; i < kUsers; ++i) ops.push_back(create_user(i));
      pool.sequential(std::move(ops));
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
      pool.sequential(std::move(ops));
    }
    ph["insert_posts_comments"] = ms_since(t);
    cpu["insert_posts_comments"] = cpu_ms() - c0;

    {  // warm-up of the read paths, untimed
      std::vector<Op> ops;
      for (int i = 0; i < kWarmup; ++i) {
        const std::string id = std::to_string(i + 1);
        ops.push_back({"GetActiveUsersWithStats", {}, Check::cte_full});
        ops.push_back({"GetTopActiveUsers", {}, Check::cte_top});
        ops.push_back({"GetUserEmail", {id}});
        ops.push_back({"GetUserIsAdmin", {id}});
        ops.push_back({"GetUserName", {id}, Check::name, i});
      }
      pool.sequential(std::move(ops));
    }

    t = std::chrono::steady_clock::now();
    c0 = cpu_ms();
    {
      std::vector<Op> ops(kCte, Op{"GetActiveUsersWithStats", {}, Check::none});
      ops.back().check = Check::cte_full;  // verify one full result (counts 5 and 15)
      pool.sequential(std::move(ops));
    }
    ph["active_users_cte"] = ms_since(t);
    cpu["active_users_cte"] = cpu_ms() - c0;

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

    std::printf("{\"contender\": \"%s\", \"phases\": {", pipeline ? "libpq-pipeline" : "libpq");
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
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench-libpq: %s\n", e.what());
    return 1;
  }
}

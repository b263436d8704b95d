// The benchmark workload on raw libpq (C++), the floor every client is compared with.
//   bench-libpq prepared   one query in flight per connection (PQsendQueryPrepared + poll)
//   bench-libpq pipeline   the same prepared statements in pipeline mode: sequential phases send
//                          chunks of 500 statements then one sync; concurrent batches send each
//                          connection's share of the batch then one sync.
// Statements are prepared on each of the 20 connections when they are opened (before phase 1).
// Prints {"contender", "phases": {...}} like every other contender. Reads BENCH_URL and
// ../sql.json (path given by BENCH_SQL_JSON).
#include <libpq-fe.h>
#include <poll.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// BENCH_SCALE (default 1 = the published workload) scales every count but the categories and batches.
double scale() { const char* s = std::getenv("BENCH_SCALE"); return s ? std::atof(s) : 1.0; }
int n(int x) { return std::max(1, static_cast<int>(x * scale() + 0.5)); }
constexpr int kPool = 20, kCategories = 10;
const int kUsers = n(1000), kPosts = n(5000), kComments = n(15000);
const int kCte = n(500), kMixed = n(1000), kLookups = n(2000);
constexpr int kMixedBatch = 30, kLookupBatch = 50, kWarmup = 20;
constexpr int kChunk = 500;

// Tiny reader for sql.json: {"Name": "text", ...} written by json.dump (escapes \n \" \\ only).
std::map<std::string, std::string> read_sql(const char* path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string s = ss.str();
  std::map<std::string, std::string> out;
  size_t i = 0;
  auto str = [&]() {
    std::string v;
    ++i;  // opening quote
    while (s[i] != '"') {
      if (s[i] == '\\') {
        ++i;
        v += s[i] == 'n' ? '\n' : s[i] == 't' ? '\t' : s[i];
      } else {
        v += s[i];
      }
      ++i;
    }
    ++i;
    return v;
  };
  while ((i = s.find('"', i)) != std::string::npos) {
    std::string k = str();
    i = s.find('"', i);
    out[k] = str();
  }
  return out;
}

enum class Check { none, cte_full, cte_top, name };

struct Op {
  const char* stmt;
  std::vector<std::string> params;
  Check check = Check::none;
  int n = 0;  // for Check::name: the user index
};

struct Conn {
  PGconn* pg = nullptr;
  std::vector<Op> queue;
  size_t next = 0, done = 0;
  bool busy = false;
};

[[noreturn]] void fail(const std::string& what, PGconn* c) {
  throw std::runtime_error(what + ": " + (c ? PQerrorMessage(c) : ""));
}

void check_result(PGresult* r, const Op& op, PGconn* c) {
  const auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(std::string(op.stmt) + " failed", c);
  switch (op.check) {
    case Check::none: break;
    case Check::cte_full:
    case Check::cte_top: {
      const int want = op.check == Check::cte_full ? kUsers : 10;
      if (PQntuples(r) != want) throw std::runtime_error("CTE returned " + std::to_string(PQntuples(r)) + " rows");
      for (int i = 0; i < PQntuples(r); ++i) {
        if (std::atoi(PQgetvalue(r, i, 3)) != 5 || std::atoi(PQgetvalue(r, i, 5)) != 15)
          throw std::runtime_error("CTE counts are wrong");
      }
      break;
    }
    case Check::name:
      if (PQntuples(r) != 1 || std::string(PQgetvalue(r, 0, 0)) != "User " + std::to_string(op.n))
        throw std::runtime_error("wrong name for user " + std::to_string(op.n));
      break;
  }
}

bool send(Conn& c, const Op& op) {
  std::vector<const char*> vals;
  for (const auto& p : op.params) vals.push_back(p.c_str());
  return PQsendQueryPrepared(c.pg, op.stmt, static_cast<int>(vals.size()), vals.data(), nullptr, nullptr, 0) == 1;
}

// Runs every connection's queue to the end, concurrently across connections.
void drive(std::vector<Conn*>& conns, bool pipeline) {
  size_t open = 0;
  for (Conn* c : conns) {
    c->next = c->done = 0;
    c->busy = false;
    if (c->queue.empty()) continue;
    ++open;
    if (pipeline) {
      for (const Op& op : c->queue)
        if (!send(*c, op)) fail("send", c->pg);
      if (PQpipelineSync(c->pg) != 1) fail("sync", c->pg);
      c->next = c->queue.size();
      c->busy = true;
    }
  }
  std::vector<pollfd> fds;
  std::vector<Conn*> who;
  while (open) {
    if (!pipeline) {
      for (Conn* c : conns) {
        if (!c->busy && c->next < c->queue.size()) {
          if (!send(*c, c->queue[c->next++])) fail("send", c->pg);
          c->busy = true;
        }
      }
    }
    fds.clear();
    who.clear();
    for (Conn* c : conns) {
      if (!c->busy) continue;
      // Flush anything libpq still buffers (pipeline sends can exceed the socket buffer).
      const int f = PQflush(c->pg);
      fds.push_back({PQsocket(c->pg), static_cast<short>(POLLIN | (f == 1 ? POLLOUT : 0)), 0});
      who.push_back(c);
    }
    if (poll(fds.data(), fds.size(), 10000) < 0) throw std::runtime_error("poll");
    for (size_t k = 0; k < fds.size(); ++k) {
      Conn& c = *who[k];
      if (!(fds[k].revents & (POLLIN | POLLERR | POLLHUP))) continue;
      if (PQconsumeInput(c.pg) != 1) fail("read", c.pg);
      while (c.busy && !PQisBusy(c.pg)) {
        PGresult* r = PQgetResult(c.pg);
        if (!pipeline) {
          if (!r) {  // end of this query
            c.busy = false;
            if (++c.done == c.queue.size()) --open;
            break;
          }
          check_result(r, c.queue[c.done], c.pg);
          PQclear(r);
          continue;
        }
        if (!r) continue;  // separator between the results of two pipelined queries
        if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
          PQclear(r);
          c.busy = false;
          --open;
          break;
        }
        check_result(r, c.queue[c.done++], c.pg);
        PQclear(r);
      }
    }
  }
  for (Conn* c : conns) c->queue.clear();
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
    const bool pipeline = argc > 1 && std::strcmp(argv[1], "pipeline") == 0;
    const char* url = std::getenv("BENCH_URL");
    const char* sql_path = std::getenv("BENCH_SQL_JSON");
    if (!url || !sql_path) throw std::runtime_error("BENCH_URL and BENCH_SQL_JSON must be set");
    const auto sql = read_sql(sql_path);
    std::vector<Conn> pool(kPool);
    for (Conn& c : pool) {
      c.pg = PQconnectdb(url);
      if (PQstatus(c.pg) != CONNECTION_OK) fail("connect", c.pg);
      for (const auto& [name, text] : sql) {
        PGresult* r = PQprepare(c.pg, name.c_str(), text.c_str(), 0, nullptr);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) fail("prepare " + name, c.pg);
        PQclear(r);
      }
      if (pipeline && PQenterPipelineMode(c.pg) != 1) fail("pipeline mode", c.pg);
    }
    std::vector<Conn*> first{&pool[0]};
    std::vector<Conn*> all;
    for (Conn& c : pool) all.push_back(&c);
    // A sequential phase: one connection, statements one at a time (prepared) or chunked pipelines.
    auto sequential = [&](std::vector<Op> ops) {
      for (size_t s = 0; s < ops.size(); s += pipeline ? kChunk : ops.size()) {
        const size_t e = pipeline ? std::min(ops.size(), s + kChunk) : ops.size();
        pool[0].queue.assign(ops.begin() + s, ops.begin() + e);
        drive(first, pipeline);
      }
    };
    auto batched = [&](int n, int size, auto make) {
      for (int s = 0; s < n; s += size) {
        for (int i = s; i < std::min(n, s + size); ++i) pool[(i - s) % kPool].queue.push_back(make(i));
        drive(all, pipeline);
      }
    };
    auto b = [](bool v) { return std::string(v ? "true" : "false"); };
    auto comment = [](int i) {
      return Op{"CreateComment", {std::to_string(i % kPosts + 1), std::to_string(i % kUsers + 1), "Comment " + std::to_string(i)}};
    };
    std::map<std::string, double> ph, cpu;

    auto t = std::chrono::steady_clock::now();
    double c0 = cpu_ms();
    {
      std::vector<Op> ops;
      for (int i = 0; i < kUsers; ++i)
        ops.push_back({"CreateUser", {"User " + std::to_string(i), "user" + std::to_string(i) + "@test.com",
                                      "Address " + std::to_string(i), b(i % 5 == 0)}});
      sequential(std::move(ops));
    }
    ph["insert_users"] = ms_since(t);
    cpu["insert_users"] = cpu_ms() - c0;

    t = std::chrono::steady_clock::now();
    c0 = cpu_ms();
    {
      std::vector<Op> ops;
      for (int i = 0; i < kCategories; ++i) ops.push_back({"CreateCategory", {"Category " + std::to_string(i)}});
      for (int i = 0; i < kPosts; ++i) {
        std::string content;
        for (int k = 0; k < 3; ++k) content += "Content " + std::to_string(i) + "...";
        ops.push_back({"CreatePost", {std::to_string(i % kUsers + 1), std::to_string(i % kCategories + 1),
                                      "Post " + std::to_string(i), content}});
      }
      for (int i = 0; i < kComments; ++i) ops.push_back(comment(i));
      sequential(std::move(ops));
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
      sequential(std::move(ops));
    }

    t = std::chrono::steady_clock::now();
    c0 = cpu_ms();
    {
      std::vector<Op> ops(kCte, Op{"GetActiveUsersWithStats", {}, Check::none});
      ops.back().check = Check::cte_full;  // verify one full result (counts 5 and 15)
      sequential(std::move(ops));
    }
    ph["active_users_cte"] = ms_since(t);
    cpu["active_users_cte"] = cpu_ms() - c0;

    t = std::chrono::steady_clock::now();
    c0 = cpu_ms();
    batched(kMixed, kMixedBatch, [&](int i) {
      if (i % 4 == 0) return comment(kComments + i);
      const std::string id = std::to_string(i % kUsers + 1);
      switch (i % 3) {
        case 0: return Op{"GetTopActiveUsers", {}};
        case 1: return Op{"GetUserEmail", {id}};
        default: return Op{"GetUserIsAdmin", {id}};
      }
    });
    ph["mixed_concurrent"] = ms_since(t);
    cpu["mixed_concurrent"] = cpu_ms() - c0;

    t = std::chrono::steady_clock::now();
    c0 = cpu_ms();
    batched(kLookups, kLookupBatch, [&](int i) { return Op{"GetUserName", {std::to_string(i % kUsers + 1)}, Check::name, i % kUsers}; });
    ph["lookups_concurrent"] = ms_since(t);
    cpu["lookups_concurrent"] = cpu_ms() - c0;

    for (Conn& c : pool) PQfinish(c.pg);
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

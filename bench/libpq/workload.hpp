// The benchmark workload's pieces on raw libpq, shared by bench/libpq/bench.cpp (the libpq and
// libpq-pipeline contenders) and bench/cpp/ab.cpp (libpq next to the generated client, one process):
// the counts, the operations (Op: a prepared statement's name, its text parameters and the check of
// its result), the driver of one or many connections (drive: one statement in flight per
// connection, or each connection's queue as one pipeline), sql.json and the clocks.
#pragma once

#include <libpq-fe.h>
#include <poll.h>

#include <sys/resource.h>

#include <algorithm>
#include <array>
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

namespace bench {

// BENCH_SCALE (default 1 = the published workload) scales every count but the categories and batches.
inline double scale() { const char* s = std::getenv("BENCH_SCALE"); return s ? std::atof(s) : 1.0; }
inline int n(int x) { return std::max(1, static_cast<int>(x * scale() + 0.5)); }
constexpr int kPool = 20, kCategories = 10;
inline const int kUsers = n(1000), kPosts = n(5000), kComments = n(15000);
inline const int kCte = n(500), kMixed = n(1000), kLookups = n(2000);
constexpr int kMixedBatch = 30, kLookupBatch = 50, kWarmup = 20;
constexpr int kChunk = 500;

// This process's CPU time (user+sys, all threads, ms): per-phase client CPU, load-robust where
// wall time is not.
inline double cpu_ms() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

inline double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

namespace libpq {

// Tiny reader for sql.json: {"Name": "text", ...} written by json.dump (escapes \n \" \\ only).
inline std::map<std::string, std::string> read_sql(const char* path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(std::string("cannot read ") + path);
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

// The text parameters of one statement (at most 4 in this workload), without a heap allocation of
// their own.
struct Texts {
  std::array<std::string, 4> v;
  int n = 0;
  Texts() = default;
  template <class... S>
    requires(std::is_constructible_v<std::string, S> && ...)
  Texts(S&&... s) : v{std::forward<S>(s)...}, n(static_cast<int>(sizeof...(S))) {}  // NOLINT: implicit on purpose
};

struct Op {
  const char* stmt;
  Texts params;
  Check check = Check::none;
  int n = 0;  // for Check::name: the user index
};

struct Conn {
  PGconn* pg = nullptr;
  std::vector<Op> queue;
  size_t next = 0, done = 0;
  bool busy = false;
};

[[noreturn]] inline void fail(const std::string& what, PGconn* c) {
  throw std::runtime_error(what + ": " + (c ? PQerrorMessage(c) : ""));
}

// Opens a connection and prepares every statement of sql.json on it.
inline PGconn* connect(const char* url, const std::map<std::string, std::string>& sql) {
  PGconn* c = PQconnectdb(url);
  if (PQstatus(c) != CONNECTION_OK) fail("connect", c);
  for (const auto& [name, text] : sql) {
    PGresult* r = PQprepare(c, name.c_str(), text.c_str(), 0, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) fail("prepare " + name, c);
    PQclear(r);
  }
  return c;
}

inline void check_result(PGresult* r, const Op& op, PGconn* c) {
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

inline bool send(Conn& c, const Op& op) {
  const char* vals[4];
  for (int k = 0; k < op.params.n; ++k) vals[k] = op.params.v[static_cast<size_t>(k)].c_str();
  return PQsendQueryPrepared(c.pg, op.stmt, op.params.n, vals, nullptr, nullptr, 0) == 1;
}

// Runs every connection's queue to the end, concurrently across connections.
inline void drive(std::vector<Conn*>& conns, bool pipeline) {
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

// The workload's operations.
inline std::string b(bool v) { return v ? "true" : "false"; }
inline Op create_user(long long i) {
  return {"CreateUser", {"User " + std::to_string(i), "user" + std::to_string(i) + "@test.com", "Address " + std::to_string(i),
                         b(i % 5 == 0)}};
}
inline Op create_category(int i) { return {"CreateCategory", {"Category " + std::to_string(i)}}; }
inline Op create_post(int i) {
  std::string content;
  for (int k = 0; k < 3; ++k) content += "Content " + std::to_string(i) + "...";
  return {"CreatePost", {std::to_string(i % kUsers + 1), std::to_string(i % kCategories + 1), "Post " + std::to_string(i), content}};
}
inline Op create_comment(int i) {
  return {"CreateComment", {std::to_string(i % kPosts + 1), std::to_string(i % kUsers + 1), "Comment " + std::to_string(i)}};
}
// One operation of mixed_concurrent (i: its index in the phase).
inline Op mixed(int i) {
  if (i % 4 == 0) return create_comment(kComments + i);
  std::string id = std::to_string(i % kUsers + 1);
  switch (i % 3) {
    case 0: return Op{"GetTopActiveUsers", {}};
    case 1: return Op{"GetUserEmail", {std::move(id)}};
    default: return Op{"GetUserIsAdmin", {std::move(id)}};
  }
}
// One name lookup of lookups_concurrent (verified).
inline Op lookup(int i) { return Op{"GetUserName", {std::to_string(i % kUsers + 1)}, Check::name, i % kUsers}; }

// The connection pool and the two ways the phases use it.
struct Pool {
  std::vector<Conn> conns;
  std::vector<Conn*> first, all;
  bool pipeline = false;

  Pool(const char* url, const std::map<std::string, std::string>& sql, bool pipe, int size = kPool)
      : conns(static_cast<size_t>(size)), pipeline(pipe) {
    for (Conn& c : conns) {
      c.pg = connect(url, sql);
      if (pipeline && PQenterPipelineMode(c.pg) != 1) fail("pipeline mode", c.pg);
      all.push_back(&c);
    }
    first.push_back(&conns[0]);
  }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;
  ~Pool() {
    for (Conn& c : conns) PQfinish(c.pg);
  }
  // A sequential phase: one connection, statements one at a time (prepared) or chunked pipelines.
  void sequential(std::vector<Op> ops) {
    for (size_t s = 0; s < ops.size(); s += pipeline ? kChunk : ops.size()) {
      const size_t e = pipeline ? std::min(ops.size(), s + kChunk) : ops.size();
      conns[0].queue.assign(std::make_move_iterator(ops.begin() + static_cast<std::ptrdiff_t>(s)),
                            std::make_move_iterator(ops.begin() + static_cast<std::ptrdiff_t>(e)));
      drive(first, pipeline);
    }
  }
  // One concurrent batch: ops [s, e) spread round-robin over the pool, all driven at once.
  template <class Make>
  void batch(int s, int e, Make make) {
    for (int i = s; i < e; ++i) conns[static_cast<size_t>((i - s) % static_cast<int>(conns.size()))].queue.push_back(make(i));
    drive(all, pipeline);
  }
  // A concurrent phase: n operations in batches of `size`.
  template <class Make>
  void batched(int count, int size, Make make) {
    for (int s = 0; s < count; s += size) batch(s, std::min(count, s + size), make);
  }
};

}  // namespace libpq
}  // namespace bench

// ab OP [BLOCKS] [PER]: hand-written libpq and Flash's generated C++ client (bench/cpp/flashdb) on
// one operation of the workload, in ONE process, in alternating blocks (the first contender of each
// block rotates), so the machine's load drifts onto all of them alike. Per block it takes the wall
// time and this process's CPU time (getrusage RUSAGE_SELF, user+sys; everything runs on this one
// thread, the concurrent operations too, as in the benchmark) and prints, per contender, µs per
// operation (median and min–max over blocks) and the paired per-block ratios of each Flash
// contender to its libpq counterpart, as a table and as one JSON line (also written to $AB_JSON).
//
// OP (the operations are the benchmark's own code: bench/libpq/workload.hpp, bench/cpp/workload.hpp):
//   insert_users     sequential CreateUser (unique e-mails past the workload's)
//   insert_comments  sequential CreateComment
//   cte              GetActiveUsersWithStats, 1,000 rows (flash-cpp decodes them into its row structs;
//                    libpq as in bench-libpq leaves them in the PGresult; libpq-typed is hand-written
//                    libpq decoding them into the same C++ types, the floor of a typed client)
//   mixed            one concurrent batch of 30 operations exactly as in mixed_concurrent
//   lookups          one concurrent batch of 50 verified name lookups
//   all              each of the above in turn
// Contenders: libpq, flash-cpp (one statement in flight per connection), libpq-pipeline,
// flash-cpp-pipeline (pipeline mode: a block's sequential statements go in chunks of 500 per sync,
// a batch is one sync per connection); AB_ONLY=a,b picks some. PER operations per block (default:
// 500 inserts (the phase's pipeline chunk), 20 CTEs, 20 batches), BLOCKS blocks (default 15), after a warm-up block each.
//
// Reads BENCH_URL (a database; the schema is created when `users` is missing) and BENCH_SQL_JSON
// (bench/sql.json, `bench/harness.py sql`). Seeds the tables with the workload's counts
// (bench/seed.sql beside it, as bench/node/workload.mjs's seed) before every OP,
// so the CTE returns 1,000 rows with counts 5 and 15. BENCH_SCALE scales the counts.
// Build: bench/cpp/ab.sh (g++ -O2 like bench/run; AB_CXXFLAGS to change).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <fstream>
#include <sstream>

#include "workload.hpp"

using namespace bench;
namespace lp = bench::libpq;
namespace fc = bench::flashcpp;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void exec(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  const auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    const std::string m = PQerrorMessage(c);
    PQclear(r);
    throw std::runtime_error(sql.substr(0, 60) + ": " + m);
  }
  PQclear(r);
}

// The schema when missing, then the workload's rows (as bench/node/workload.mjs's seed).
void seed(const char* url, const std::string& schema_path) {
  PGconn* c = PQconnectdb(url);
  if (PQstatus(c) != CONNECTION_OK) lp::fail("connect", c);
  PGresult* r = PQexec(c, "SELECT to_regclass('users') IS NOT NULL");
  const bool has = PQresultStatus(r) == PGRES_TUPLES_OK && std::string(PQgetvalue(r, 0, 0)) == "t";
  PQclear(r);
  if (!has) {
    std::ifstream in(schema_path);
    if (!in) throw std::runtime_error("cannot read " + schema_path);
    std::stringstream ss;
    ss << in.rdbuf();
    exec(c, ss.str());
  }
  // bench/seed.sql (beside BENCH_SQL_JSON) with the counts in place of {users}, {categories}, ...
  const std::string json = std::getenv("BENCH_SQL_JSON") ? std::getenv("BENCH_SQL_JSON") : "bench/sql.json";
  std::ifstream in(json.substr(0, json.find_last_of('/') + 1) + "seed.sql");
  if (!in) throw std::runtime_error("cannot read seed.sql beside " + json);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string sql = ss.str();
  const std::pair<const char*, int> counts[] = {{"{users}", kUsers}, {"{categories}", kCategories}, {"{posts}", kPosts},
                                                {"{comments}", kComments}};
  for (const auto& [key, n] : counts)
    for (std::size_t at; (at = sql.find(key)) != std::string::npos;) sql.replace(at, std::strlen(key), std::to_string(n));
  exec(c, sql);
  exec(c, "VACUUM ANALYZE");
  PQfinish(c);
}

// Hand-written typed decoding of GetActiveUsersWithStats (the libpq-typed contender): the same
// C++ types as the generated row struct, read with the plainest code (from_chars, std::string,
// a fixed-layout timestamptz parse of PostgreSQL's ISO output).
struct CteRow {
  std::int32_t id{};
  std::string name, email;
  std::int64_t post_count{};
  std::optional<flash::TimestampTz> latest_post;
  std::int64_t comment_count{};
};
template <class I>
I to_int(const char* s, int len) {
  I v{};
  std::from_chars(s, s + len, v);
  return v;
}
// "YYYY-MM-DD HH:MM:SS[.ffffff]+HH[:MM]" (DateStyle ISO).
flash::TimestampTz to_tstz(const char* s, int len) {
  auto num = [&](int at, int n) {
    int v = 0;
    for (int k = at; k < at + n; ++k) v = v * 10 + (s[k] - '0');
    return v;
  };
  using namespace std::chrono;
  const sys_days d{year{num(0, 4)} / month{static_cast<unsigned>(num(5, 2))} / day{static_cast<unsigned>(num(8, 2))}};
  int i = 19;
  long us = 0;
  if (i < len && s[i] == '.') {
    int digits = 0;
    for (++i; i < len && s[i] >= '0' && s[i] <= '9'; ++i, ++digits) us = us * 10 + (s[i] - '0');
    for (; digits < 6; ++digits) us *= 10;
  }
  int off = 0;
  if (i < len) {
    off = num(i + 1, 2) * 3600 + (i + 5 < len ? num(i + 4, 2) * 60 : 0);
    if (s[i] == '-') off = -off;
  }
  return flash::TimestampTz{d + hours{num(11, 2)} + minutes{num(14, 2)} + seconds{num(17, 2) - off} + microseconds{us}};
}
std::vector<CteRow> decode_cte(const PGresult* r) {
  std::vector<CteRow> out(static_cast<std::size_t>(PQntuples(r)));
  for (int i = 0; i < PQntuples(r); ++i) {
    CteRow& o = out[static_cast<std::size_t>(i)];
    o.id = to_int<std::int32_t>(PQgetvalue(r, i, 0), PQgetlength(r, i, 0));
    o.name.assign(PQgetvalue(r, i, 1), static_cast<std::size_t>(PQgetlength(r, i, 1)));
    o.email.assign(PQgetvalue(r, i, 2), static_cast<std::size_t>(PQgetlength(r, i, 2)));
    o.post_count = to_int<std::int64_t>(PQgetvalue(r, i, 3), PQgetlength(r, i, 3));
    if (!PQgetisnull(r, i, 4)) o.latest_post = to_tstz(PQgetvalue(r, i, 4), PQgetlength(r, i, 4));
    o.comment_count = to_int<std::int64_t>(PQgetvalue(r, i, 5), PQgetlength(r, i, 5));
  }
  return out;
}

// One contender on one OP: its pool and a block of `per` operations starting at index `first`.
struct Contender {
  std::string name;
  std::string base;  // the libpq contender a Flash contender is paired with
  std::function<void(long long first, int per)> block;
  std::function<void()> close;
  std::vector<double> wall, cpu;  // µs per operation, one per block
};

bool sequential_op(const std::string& op) { return op == "insert_users" || op == "insert_comments" || op == "cte"; }

// The contenders of one OP. `sql`: sql.json; `url`: the database.
std::vector<Contender> contenders(const std::string& op, const char* url, const std::map<std::string, std::string>& sql,
                                  const std::vector<std::string>& only) {
  const bool seq = sequential_op(op);
  const int pool_size = seq ? 1 : kPool;
  std::vector<Contender> out;
  auto want = [&](const std::string& n) { return only.empty() || std::find(only.begin(), only.end(), n) != only.end(); };
  // Unique e-mails across contenders, blocks and runs.
  const long long base = std::chrono::system_clock::now().time_since_epoch().count() / 1000 % 1000000000 * 1000;
  for (const bool pipeline : {false, true}) {
    const std::string ln = pipeline ? "libpq-pipeline" : "libpq", fn = pipeline ? "flash-cpp-pipeline" : "flash-cpp";
    const long long off = pipeline ? 2000000000000LL : 0;
    if (want(ln)) {
      auto pool = std::make_shared<lp::Pool>(url, sql, pipeline, pool_size);
      Contender c{ln, "", {}, [pool]() mutable { pool.reset(); }, {}, {}};
      if (op == "insert_users") {
        c.block = [pool, base, off](long long first, int per) {
          std::vector<lp::Op> ops;
          for (long long i = first; i < first + per; ++i) ops.push_back(lp::create_user(base + off + i));
          pool->sequential(std::move(ops));
        };
      } else if (op == "insert_comments") {
        c.block = [pool](long long first, int per) {
          std::vector<lp::Op> ops;
          for (long long i = first; i < first + per; ++i) ops.push_back(lp::create_comment(static_cast<int>(i)));
          pool->sequential(std::move(ops));
        };
      } else if (op == "cte") {
        c.block = [pool](long long, int per) {  // as the phase: the last result of a block verified
          std::vector<lp::Op> ops(static_cast<std::size_t>(per), lp::Op{"GetActiveUsersWithStats", {}, lp::Check::none});
          ops.back().check = lp::Check::cte_full;
          pool->sequential(std::move(ops));
        };
      } else if (op == "mixed" || op == "lookups") {
        const int size = op == "mixed" ? kMixedBatch : kLookupBatch;
        c.block = [pool, size, mixed = op == "mixed"](long long first, int per) {
          for (int b = 0; b < per; ++b) {
            const int s = static_cast<int>(first) + b * size;
            if (mixed) pool->batch(s, s + size, lp::mixed);
            else pool->batch(s, s + size, lp::lookup);
          }
        };
      }
      out.push_back(std::move(c));
    }
    // The typed floor of the CTE: one statement in flight, each result decoded by hand.
    if (op == "cte" && !pipeline && want("libpq-typed")) {
      auto conn = std::shared_ptr<PGconn>(lp::connect(url, sql), PQfinish);
      out.push_back({"libpq-typed", "", [conn](long long, int per) {
                       for (int k = 0; k < per; ++k) {
                         PGresult* r = PQexecPrepared(conn.get(), "GetActiveUsersWithStats", 0, nullptr, nullptr, nullptr, 0);
                         if (PQresultStatus(r) != PGRES_TUPLES_OK) lp::fail("GetActiveUsersWithStats", conn.get());
                         const auto rows = decode_cte(r);
                         PQclear(r);
                         if (rows.size() != static_cast<std::size_t>(kUsers) || rows[0].post_count != 5 || rows[0].comment_count != 15)
                           throw std::runtime_error("CTE (typed) is wrong");
                       }
                     },
                     [conn]() mutable { conn.reset(); }, {}, {}});
    }
    if (want(fn)) {
      auto pool = std::make_shared<fc::Pool>(url, pipeline, pool_size);
      if (!seq) pool->begin_concurrent();
      Contender c{fn, ln, {}, [pool]() mutable { pool.reset(); }, {}, {}};
      if (op == "insert_users") {
        c.block = [pool, base, off](long long first, int per) {
          std::vector<fc::Op> ops;
          for (long long i = first; i < first + per; ++i) ops.push_back(fc::create_user(base + off + 1000000000000LL + i));
          pool->sequential(ops);
        };
      } else if (op == "insert_comments") {
        c.block = [pool](long long first, int per) {
          std::vector<fc::Op> ops;
          for (long long i = first; i < first + per; ++i) ops.push_back(fc::create_comment(static_cast<int>(i)));
          pool->sequential(ops);
        };
      } else if (op == "cte") {
        c.block = [pool](long long, int per) {
          std::vector<fc::Op> ops;
          for (int k = 0; k < per; ++k) ops.push_back(fc::cte_full(k == per - 1));
          pool->sequential(ops);
        };
      } else if (op == "mixed" || op == "lookups") {
        const int size = op == "mixed" ? kMixedBatch : kLookupBatch;
        c.block = [pool, size, mixed = op == "mixed"](long long first, int per) {
          for (int b = 0; b < per; ++b) {
            const int s = static_cast<int>(first) + b * size;
            if (mixed) pool->batch(s, s + size, fc::mixed);
            else pool->batch(s, s + size, fc::lookup);
          }
        };
      }
      out.push_back(std::move(c));
    }
  }
  return out;
}

struct Stat {
  double med, lo, hi;
};
Stat stat(const std::vector<double>& v) {
  return {median(v), *std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end())};
}

std::string fmt(double v) {
  char b[32];
  std::snprintf(b, sizeof b, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
  return b;
}

// Runs OP: seed, warm-up block, BLOCKS rotating blocks; prints the table and returns the JSON.
std::string run(const std::string& op, int blocks, int per, const char* url, const std::map<std::string, std::string>& sql,
                const std::vector<std::string>& only, const std::string& schema_path) {
  seed(url, schema_path);
  auto cs = contenders(op, url, sql, only);
  if (cs.empty()) throw std::runtime_error("no contender selected");
  // Operations per block, and statements per operation (a batch is one operation).
  const int unit = op == "mixed" ? kMixedBatch : op == "lookups" ? kLookupBatch : 1;
  long long next = 0;  // indexes: the same ranges for every contender of a block
  for (auto& c : cs) c.block(next, std::min(per, 50));  // warm-up
  next += static_cast<long long>(std::min(per, 50)) * unit;
  for (int b = 0; b < blocks; ++b) {
    for (std::size_t j = 0; j < cs.size(); ++j) {
      Contender& c = cs[(j + static_cast<std::size_t>(b)) % cs.size()];
      const auto t = std::chrono::steady_clock::now();
      const double c0 = cpu_ms();
      c.block(next, per);
      c.cpu.push_back((cpu_ms() - c0) * 1000 / per);
      c.wall.push_back(ms_since(t) * 1000 / per);
    }
    next += static_cast<long long>(per) * unit;
  }
  for (auto& c : cs) c.close();

  const char* what = op == "mixed" ? "batch of 30" : op == "lookups" ? "batch of 50" : op == "cte" ? "query (1,000 rows)" : "insert";
  std::printf("\n%s: %d blocks × %d, µs per %s (median, min–max over blocks)\n\n", op.c_str(), blocks, per, what);
  std::printf("| contender | wall µs | wall min–max | CPU µs | CPU min–max |\n|---|---:|---:|---:|---:|\n");
  std::ostringstream js;
  js << "{\"op\": \"" << op << "\", \"blocks\": " << blocks << ", \"per\": " << per << ", \"contenders\": {";
  for (std::size_t k = 0; k < cs.size(); ++k) {
    const Stat w = stat(cs[k].wall), u = stat(cs[k].cpu);
    std::printf("| %s | %s | %s–%s | %s | %s–%s |\n", cs[k].name.c_str(), fmt(w.med).c_str(), fmt(w.lo).c_str(),
                fmt(w.hi).c_str(), fmt(u.med).c_str(), fmt(u.lo).c_str(), fmt(u.hi).c_str());
    js << (k ? ", " : "") << "\"" << cs[k].name << "\": {\"wall_us\": " << w.med << ", \"wall_min\": " << w.lo
       << ", \"wall_max\": " << w.hi << ", \"cpu_us\": " << u.med << ", \"cpu_min\": " << u.lo << ", \"cpu_max\": " << u.hi << "}";
  }
  js << "}, \"ratios\": {";
  std::printf("\n| paired ratio (per block) | wall median | wall IQR | CPU median | CPU IQR |\n|---|---:|---:|---:|---:|\n");
  bool firstr = true;
  for (const auto& a : cs) {
    for (const auto& b : cs) {
      const bool pair = a.base == b.name || (a.name == "flash-cpp" && b.name == "libpq-typed");
      if (!pair) continue;
      std::vector<double> rw, rc;
      for (std::size_t i = 0; i < a.wall.size(); ++i) {
        rw.push_back(a.wall[i] / b.wall[i]);
        rc.push_back(b.cpu[i] > 0 ? a.cpu[i] / b.cpu[i] : NAN);
      }
      auto q = [](std::vector<double> v, double p) {
        std::sort(v.begin(), v.end());
        return v[static_cast<std::size_t>(std::lround(p * static_cast<double>(v.size() - 1)))];
      };
      std::printf("| %s ÷ %s | %.3f | %.3f–%.3f | %.3f | %.3f–%.3f |\n", a.name.c_str(), b.name.c_str(), median(rw),
                  q(rw, 0.25), q(rw, 0.75), median(rc), q(rc, 0.25), q(rc, 0.75));
      js << (firstr ? "" : ", ") << "\"" << a.name << "/" << b.name << "\": {\"wall\": " << median(rw)
         << ", \"cpu\": " << median(rc) << "}";
      firstr = false;
    }
  }
  js << "}}";
  return js.str();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc < 2) {
      std::fprintf(stderr, "usage: ab insert_users|insert_comments|cte|mixed|lookups|all [BLOCKS] [PER]\n");
      return 2;
    }
    const std::string what = argv[1];
    const int blocks = argc > 2 ? std::atoi(argv[2]) : 15;
    const int per_arg = argc > 3 ? std::atoi(argv[3]) : 0;
    const char* url = std::getenv("BENCH_URL");
    const char* sql_path = std::getenv("BENCH_SQL_JSON");
    if (!url || !sql_path) throw std::runtime_error("BENCH_URL and BENCH_SQL_JSON must be set");
    const auto sql = lp::read_sql(sql_path);
    std::string schema = std::string(sql_path);
    schema = schema.substr(0, schema.rfind('/') + 1) + "project/db/schema/schema.sql";
    std::vector<std::string> only;
    if (const char* o = std::getenv("AB_ONLY")) {
      std::stringstream ss(o);
      for (std::string s; std::getline(ss, s, ',');) only.push_back(s);
    }
    std::vector<std::string> ops = {what};
    if (what == "all") ops = {"insert_users", "insert_comments", "cte", "mixed", "lookups"};
    std::string json = "{\"load\": \"";
    {
      std::ifstream la("/proc/loadavg");
      std::string a, b, c;
      la >> a >> b >> c;
      json += a + " " + b + " " + c + "\", \"ops\": [";
    }
    for (std::size_t k = 0; k < ops.size(); ++k) {
      const std::string& op = ops[k];
      if (!sequential_op(op) && op != "mixed" && op != "lookups") throw std::runtime_error("unknown OP " + op);
      const int per = per_arg > 0 ? per_arg : op == "cte" || !sequential_op(op) ? 20 : kChunk;
      json += (k ? ", " : "") + run(op, blocks, per, url, sql, only, schema);
    }
    json += "]}";
    std::printf("\n%s\n", json.c_str());
    if (const char* path = std::getenv("AB_JSON")) std::ofstream(path) << json << "\n";
    return 0;
  } catch (const flash::Error& e) {
    std::fprintf(stderr, "ab: [%s] %s\n", e.sqlstate().c_str(), e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ab: %s\n", e.what());
    return 1;
  }
}

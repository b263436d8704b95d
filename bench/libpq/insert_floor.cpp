// insert_floor URL [N] [BLOCKS]: what one sequential single-row INSERT (the workload's CreateUser, a
// named prepared statement, 4 text parameters) costs C++ libpq per query: PQexecPrepared and PQclear,
// one round trip each; prints µs wall and µs client CPU (user+sys, getrusage) per insert as JSON, the
// median over BLOCKS blocks of N. The counterpart of bench/node/insert_floor.mjs.
//   g++ -O2 -std=c++20 -I"$(pg_config --includedir)" bench/libpq/insert_floor.cpp -lpq -o insert_floor
#include <libpq-fe.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {
double cpu_us() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: insert_floor URL [N] [BLOCKS]\n");
    return 2;
  }
  const int n = argc > 2 ? std::atoi(argv[2]) : 500, blocks = argc > 3 ? std::atoi(argv[3]) : 10;
  PGconn* c = PQconnectdb(argv[1]);
  if (PQstatus(c) != CONNECTION_OK) {
    std::fprintf(stderr, "%s", PQerrorMessage(c));
    return 1;
  }
  PGresult* r = PQprepare(c, "CreateUser", "INSERT INTO users (name, email, address, isadmin) VALUES ($1, $2, $3, $4)", 4, nullptr);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    std::fprintf(stderr, "%s", PQerrorMessage(c));
    return 1;
  }
  PQclear(r);
  const long long base = std::chrono::system_clock::now().time_since_epoch().count() / 1000 * 10;  // unique e-mails per run
  long long serial = 0;
  auto insert = [&] {
    const long long i = base + serial++;
    const std::string name = "User " + std::to_string(i), email = "user" + std::to_string(i) + "@test.com",
                      address = "Address " + std::to_string(i);
    const char* vals[4] = {name.c_str(), email.c_str(), address.c_str(), i % 5 == 0 ? "t" : "f"};
    PGresult* res = PQexecPrepared(c, "CreateUser", 4, vals, nullptr, nullptr, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
      std::fprintf(stderr, "%s", PQerrorMessage(c));
      std::exit(1);
    }
    PQclear(res);
  };
  for (int i = 0; i < 200; ++i) insert();  // warm-up
  std::vector<double> wall, cpu;
  for (int b = 0; b < blocks; ++b) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_us();
    for (int i = 0; i < n; ++i) insert();
    cpu.push_back((cpu_us() - c0) / n);
    wall.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / n);
  }
  PQfinish(c);
  std::printf("{\"inserts\": %d, \"wall_us\": %.1f, \"cpu_us\": %.1f}\n", n * blocks, median(wall), median(cpu));
  return 0;
}

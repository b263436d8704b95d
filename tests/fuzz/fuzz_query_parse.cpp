// The query front end on one statement: named-parameter rewriting (sqlc.arg/narg/slice, @name)
// and the dialect's parser into the neutral AST, over any bytes in any dialect.
#include "flash/query/params.hpp"
#include "flash/query/parse.hpp"
#include "fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto d = flash::fuzz::dialect_of(data[0]);
  const std::string sql(reinterpret_cast<const char*>(data) + 1, size - 1);
  flash::fuzz::guarded([&] {
    const auto rw = flash::query::rewrite_params(sql, d);
    (void)flash::query::parse_query(rw.sql, d);
    (void)flash::query::parse_query(sql, d);
  });
  return 0;
}

// The explicit generator table: one line per language. The [gen.X] key of flash.toml selects the
// entry; `flash gen --lang X` runs just one. To add a generator, include its header and add a line.
#include <string_view>

#include "flash/codegen/generator.hpp"
#include "flash/codegen/go/go.hpp"
#include "flash/codegen/typescript/typescript.hpp"
#include "flash/codegen/python/python.hpp"
#include "flash/codegen/cpp/cpp.hpp"

namespace flash::codegen {

const std::vector<GeneratorSpec>& generator_table() {
  static const std::vector<GeneratorSpec> table = {
      {"go", "Go: database/sql or pgx/v5, sqlc-compatible", go::generate},
      {"js", "TypeScript/JavaScript: pg, mysql2 or better-sqlite3", typescript::generate},
      {"python", "Python: asyncpg, psycopg, aiomysql, PyMySQL, aiosqlite or sqlite3", python::generate},
      {"cpp", "C++20: libpq (with pipeline mode), MariaDB Connector/C or SQLite", cpp::generate},
  };
  return table;
}

const GeneratorSpec* find_generator(std::string_view language) {
  for (const auto& g : generator_table())
    if (language == g.language) return &g;
  return nullptr;
}

}  // namespace flash::codegen

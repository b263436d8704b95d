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
      {"go", "Go: database/sql or pgx/v5, sqlc-compatible; MongoDB: mongo-driver/v2", go::generate,
       go::generate_mongo},
      {"js", "TypeScript/JavaScript: pg, mysql2 or better-sqlite3; MongoDB: mongodb", typescript::generate,
       typescript::generate_mongo},
      {"python", "Python: asyncpg, psycopg, aiomysql, PyMySQL, aiosqlite or sqlite3; MongoDB: pymongo",
       python::generate, python::generate_mongo},
      {"cpp", "C++20: libpq (with pipeline mode), MariaDB Connector/C or SQLite", cpp::generate},
  };
  return table;
}

Response run_builtin(const GeneratorSpec& spec, const Request& req) {
  if (!req.documents) return spec.generate(req);
  if (spec.generate_documents) return spec.generate_documents(req);
  Response r;
  diag::Diagnostic d;
  d.code = "gen.unsupported";
  d.message = std::string("the ") + spec.language + " generator has no MongoDB client";
  d.hint = "MongoDB clients are generated for go, js and python";
  d.location = req.settings.location;
  r.diagnostics.push_back(std::move(d));
  return r;
}

const GeneratorSpec* find_generator(std::string_view language) {
  for (const auto& g : generator_table())
    if (language == g.language) return &g;
  return nullptr;
}

}  // namespace flash::codegen

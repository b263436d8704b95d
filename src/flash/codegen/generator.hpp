#pragma once
// The generator contract, modelled on sqlc's plugin protocol: a request (schema + analysed
// queries + settings) in, a list of files out. Generators are pure functions — no file system,
// no database, no clock — so output is deterministic and a future out-of-process plugin can
// receive the same request as JSON. Writing files, the cache and `gen --check` live in
// codegen/output.cpp, not in the generators.
#include <string>
#include <vector>

#include "flash/config/config.hpp"
#include "flash/diag/diagnostic.hpp"
#include "flash/query/analyzed.hpp"
#include "flash/schema/model.hpp"

namespace flash::codegen {

struct Request {
  const schema::Schema* schema = nullptr;
  const query::AnalyzedQueries* queries = nullptr;
  config::GenTarget settings;  // [gen.<language>] from flash.toml
  std::string package_name;    // derived from settings.out's last path element unless set
  std::string flash_version;
};

struct File {
  std::string path;  // relative to settings.out
  std::string content;
};

struct Response {
  std::vector<File> files;
  diag::Diagnostics diagnostics;  // e.g. unsupported driver for the dialect
};

using GenerateFn = Response (*)(const Request&);

struct GeneratorSpec {
  const char* language;  // the [gen.X] key: "go", "js", "python"
  const char* summary;
  GenerateFn generate;
};

// The explicit generator table (generators.cpp).
const std::vector<GeneratorSpec>& generator_table();
const GeneratorSpec* find_generator(std::string_view language);

// Idiomatic names with acronym handling: "get_user_by_id" → GetUserByID (Go), getUserById (JS),
// get_user_by_id (Python); "user_id" → UserID / userId / user_id.
std::string go_name(std::string_view snake_or_camel);          // exported Go identifier
std::string camel_name(std::string_view snake_or_camel);       // lowerCamel
std::string pascal_name(std::string_view snake_or_camel);      // UpperCamel without Go acronyms
std::string snake_name(std::string_view snake_or_camel);       // snake_case
std::string singular(std::string_view plural);                 // "users" → "user", "categories" → "category"

}  // namespace flash::codegen
